/*
 * vec_avx512.h — the vector operations of src/simd/ on AVX-512 (F, DQ, VL):
 * 8 double lanes, loaded from and stored to 8 floats, and 16 float lanes.
 * Compiled only into the files built with the AVX-512 flags
 * (src/CMakeLists.txt).
 */
#ifndef SMX_X86_VEC_AVX512_H
#define SMX_X86_VEC_AVX512_H

#ifdef SMX_EMULATE_AVX512
#include "x86/simde_avx512.h" /* test builds only */
#else
#include <immintrin.h>
#endif
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VW 8 /* lanes */
typedef __m512d vd;

static inline vd v_set1(double a) { return _mm512_set1_pd(a); }
static inline vd v_add(vd a, vd b) { return _mm512_add_pd(a, b); }
static inline vd v_sub(vd a, vd b) { return _mm512_sub_pd(a, b); }
static inline vd v_mul(vd a, vd b) { return _mm512_mul_pd(a, b); }
static inline vd v_div(vd a, vd b) { return _mm512_div_pd(a, b); }
static inline vd v_fma(vd a, vd b, vd c) { return _mm512_fmadd_pd(a, b, c); } /* a*b + c */
/* max(a, b), and b when either is NaN (x86's rule): a NaN in b survives. */
static inline vd v_max(vd a, vd b) { return _mm512_max_pd(a, b); }
static inline vd v_min(vd a, vd b) { return _mm512_min_pd(a, b); }
static inline vd v_round(vd a)
{
    return _mm512_roundscale_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
/* x where a == b (ordered), y elsewhere. */
static inline vd v_if_eq(vd a, vd b, vd x, vd y)
{
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ), y, x);
}
/* x where a < b (ordered), y elsewhere. */
static inline vd v_if_lt(vd a, vd b, vd x, vd y)
{
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(a, b, _CMP_LT_OQ), y, x);
}
/* T[bits(k) & 15] in every lane: a 16-entry table in two registers. */
static inline vd v_table16(vd k, const double *table)
{
    return _mm512_permutex2var_pd(_mm512_loadu_pd(table), _mm512_castpd_si512(k),
                                  _mm512_loadu_pd(table + 8));
}
/* s * 2^q, q = floor(i / 16) for the integer i in the low bits of k, by
 * adding q to s's exponent field (the caller keeps it in range). */
static inline vd v_scale_by_k16(vd s, vd k)
{
    const __m512i q = _mm512_slli_epi64(_mm512_srli_epi64(_mm512_castpd_si512(k), 4), 52);
    return _mm512_castsi512_pd(_mm512_add_epi64(_mm512_castpd_si512(s), q));
}

/* x * 2^n for integer-valued n, rounded once (also to a subnormal). */
static inline vd v_ldexp(vd x, vd n) { return _mm512_scalef_pd(x, n); }

/* u = 2^k * f with f in [sqrt(1/2), sqrt(2)), for u >= 1 finite: returns
 * f and sets *k (as a double).  Integer operations on the bits. */
static inline vd v_log_split(vd u, vd *k)
{
    const __m512i bits = _mm512_add_epi64(_mm512_castpd_si512(u),
                                          _mm512_set1_epi64(0x3ff0000000000000 - 0x3fe6a09e667f3bcd));
    /* the exponent field, as 2^52 + e - 2^52 */
    const __m512i e = _mm512_or_si512(_mm512_srli_epi64(bits, 52),
                                      _mm512_set1_epi64(0x4330000000000000));
    *k = _mm512_sub_pd(_mm512_castsi512_pd(e), _mm512_set1_pd(0x1p52 + 1023.0));
    const __m512i f = _mm512_add_epi64(_mm512_and_si512(bits, _mm512_set1_epi64(0x000fffffffffffff)),
                                       _mm512_set1_epi64(0x3fe6a09e667f3bcd));
    return _mm512_castsi512_pd(f);
}

/* z where keep[l] != 0, -inf elsewhere, for the first g <= VW lanes (only
 * keep[0..g-1] is read). */
static inline vd v_keep(vd z, const uint8_t *keep, size_t g)
{
    uint64_t bits = 0;
    if (g == VW)
        memcpy(&bits, keep, VW);
    else
        for (size_t l = 0; l < g; l++)
            bits |= (uint64_t)keep[l] << (8 * l);
    const __m128i b = _mm_cvtsi64_si128((long long)bits);
    return _mm512_mask_blend_pd((__mmask8)_mm_test_epi8_mask(b, b), _mm512_set1_pd(-HUGE_VAL), z);
}

/* Reductions in a fixed order: the same lanes give the same result. */
static inline double v_hsum(vd a)
{
    const __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd(a, 1));
    const __m128d q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    return _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)));
}
static inline double v_hmax(vd a)
{
    const __m256d h = _mm256_max_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd(a, 1));
    const __m128d q = _mm_max_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    return _mm_cvtsd_f64(_mm_max_sd(q, _mm_unpackhi_pd(q, q)));
}

static inline vd v_load_f32(const float *p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
static inline void v_store_f32(float *p, vd a) { _mm256_storeu_ps(p, _mm512_cvtpd_ps(a)); }
static inline vd v_load_f64(const double *p) { return _mm512_loadu_pd(p); }
static inline void v_store_f64(double *p, vd a) { _mm512_storeu_pd(p, a); }

/* p[0], p[s], ..., p[7s]: one entry of VW rows s apart, built in a
 * register (scalar stores read back as a vector would stall). */
#define V_LOAD_STRIDED 1
static inline vd v_load_strided_f32(const float *p, size_t s)
{
    return _mm512_cvtps_pd(_mm256_setr_ps(p[0], p[s], p[2 * s], p[3 * s], p[4 * s], p[5 * s],
                                          p[6 * s], p[7 * s]));
}
static inline vd v_load_strided_f64(const double *p, size_t s)
{
    return _mm512_setr_pd(p[0], p[s], p[2 * s], p[3 * s], p[4 * s], p[5 * s], p[6 * s],
                          p[7 * s]);
}

/* The first n < VW lanes from p, `fill` in the others; nothing past p[n-1]
 * is read or written. */
static inline __mmask8 v_first_(size_t n) { return (__mmask8)((1u << n) - 1u); }
static inline vd v_load_f32_n(const float *p, size_t n, double fill)
{
    const __mmask8 m = v_first_(n);
    return _mm512_mask_cvtps_pd(_mm512_set1_pd(fill), m, _mm256_maskz_loadu_ps(m, p));
}
static inline void v_store_f32_n(float *p, vd a, size_t n)
{
    _mm256_mask_storeu_ps(p, v_first_(n), _mm512_cvtpd_ps(a));
}
static inline vd v_load_f64_n(const double *p, size_t n, double fill)
{
    return _mm512_mask_loadu_pd(_mm512_set1_pd(fill), v_first_(n), p);
}
static inline void v_store_f64_n(double *p, vd a, size_t n)
{
    _mm512_mask_storeu_pd(p, v_first_(n), a);
}

/* ---- float lanes: 16 floats (the f32 row kernels, simd/vexpf.h) --------- */

#define FW 16 /* float lanes */
/* Short rows (simd/kernels_f32.inc) in double lanes: see there. */
#define V_SHORT_ROWS_IN_DOUBLE 1
typedef __m512 vf;
typedef __mmask16 vfm; /* a lane mask */

static inline vf f_set1(float a) { return _mm512_set1_ps(a); }
static inline vf f_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf f_sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf f_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf f_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); } /* a*b + c */
static inline vf f_fms(vf a, vf b, vf c) { return _mm512_fmsub_ps(a, b, c); } /* a*b - c */
/* max(a, b); b when either is NaN, so a NaN in a is passed over (the
 * callers look for NaN with f_unord). */
static inline vf f_max(vf a, vf b) { return _mm512_max_ps(a, b); }
static inline vfm f_eq(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
static inline vfm f_ge(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
static inline vfm f_unord(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q); }
/* a > b, or either NaN. */
static inline vfm f_nle(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_NLE_UQ); }
static inline vfm fm_none(void) { return 0; }
static inline vfm fm_or(vfm a, vfm b) { return (vfm)(a | b); }
static inline int fm_any(vfm a) { return a != 0; }
/* a where m, 0 elsewhere; and 0 where m, a elsewhere. */
static inline vf f_and(vfm m, vf a) { return _mm512_maskz_mov_ps(m, a); }
static inline vf f_andnot(vfm m, vf a) { return _mm512_maskz_mov_ps((vfm)~m, a); }
/* T[bits(k) & 7] in every lane: the 8-entry table twice over in one
 * register, so that bit 3 of the index does not matter. */
static inline vf f_table8(vf k, const float *table)
{
    return _mm512_permutexvar_ps(_mm512_castps_si512(k),
                                 _mm512_broadcast_f32x8(_mm256_loadu_ps(table)));
}
/* The float whose exponent field is bits 3..10 of k's bits (and whose
 * significand is 0): 2^(q - 127) for q = (bits(k) >> 3) & 255. */
static inline vf f_pow2_bits3(vf k)
{
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_slli_epi32(_mm512_castps_si512(k), 20),
                                                _mm512_set1_epi32((int)0xff800000u)));
}
static inline float f_hmax(vf a)
{
    const __m256 h = _mm256_max_ps(_mm512_castps512_ps256(a),
                                   _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
    const __m128 q = _mm_max_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    const __m128 d = _mm_max_ps(q, _mm_movehl_ps(q, q));
    return _mm_cvtss_f32(_mm_max_ss(d, _mm_shuffle_ps(d, d, 1)));
}
/* The first 8 lanes of a as doubles, the last 8, and back (rounded). */
static inline vd f_lo_wide(vf a) { return _mm512_cvtps_pd(_mm512_castps512_ps256(a)); }
static inline vd f_hi_wide(vf a)
{
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
}
static inline vf f_narrow(vd lo, vd hi)
{
    return _mm512_castpd_ps(_mm512_insertf64x4(
        _mm512_castpd256_pd512(_mm256_castps_pd(_mm512_cvtpd_ps(lo))),
        _mm256_castps_pd(_mm512_cvtpd_ps(hi)), 1));
}
static inline vf f_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void f_store(float *p, vf a) { _mm512_storeu_ps(p, a); }
/* The first n < FW lanes from p, `fill` in the others; nothing past
 * p[n-1] is read or written. */
static inline vfm f_first_(size_t n) { return (vfm)((1u << n) - 1u); }
static inline vf f_load_n(const float *p, size_t n, float fill)
{
    return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), f_first_(n), p);
}
static inline void f_store_n(float *p, vf a, size_t n) { _mm512_mask_storeu_ps(p, f_first_(n), a); }

#endif
