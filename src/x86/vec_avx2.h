/*
 * vec_avx2.h — the vector operations of src/simd/ on AVX2 + FMA: 4 double
 * lanes, loaded from and stored to 4 floats.  Compiled only into the files
 * built with the AVX2 flags (src/CMakeLists.txt).
 */
#ifndef SMX_X86_VEC_AVX2_H
#define SMX_X86_VEC_AVX2_H

#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VW 4 /* lanes */
typedef __m256d vd;

static inline vd v_set1(double a) { return _mm256_set1_pd(a); }
static inline vd v_add(vd a, vd b) { return _mm256_add_pd(a, b); }
static inline vd v_sub(vd a, vd b) { return _mm256_sub_pd(a, b); }
static inline vd v_mul(vd a, vd b) { return _mm256_mul_pd(a, b); }
static inline vd v_div(vd a, vd b) { return _mm256_div_pd(a, b); }
static inline vd v_fma(vd a, vd b, vd c) { return _mm256_fmadd_pd(a, b, c); } /* a*b + c */
/* max(a, b), and b when either is NaN (x86's rule): a NaN in b survives. */
static inline vd v_max(vd a, vd b) { return _mm256_max_pd(a, b); }
static inline vd v_min(vd a, vd b) { return _mm256_min_pd(a, b); }
static inline vd v_round(vd a)
{
    return _mm256_round_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
/* x where a == b (ordered), y elsewhere. */
static inline vd v_if_eq(vd a, vd b, vd x, vd y)
{
    return _mm256_blendv_pd(y, x, _mm256_cmp_pd(a, b, _CMP_EQ_OQ));
}
/* x where a < b (ordered), y elsewhere. */
static inline vd v_if_lt(vd a, vd b, vd x, vd y)
{
    return _mm256_blendv_pd(y, x, _mm256_cmp_pd(a, b, _CMP_LT_OQ));
}
/* T[bits(k) & 15] in every lane: the table in four registers of four,
 * each permuted by bits 0..1 (as pairs of floats: a double's halves move
 * together), then two rounds of blends on bits 2 and 3.  Cheaper than a
 * gather on the CPUs measured (docs/performance.md). */
static inline vd v_table16(vd k, const double *table)
{
    const __m256i bits = _mm256_castpd_si256(k);
    /* per double lane: float indices 2i and 2i + 1, i = bits & 3 */
    const __m256i i2 = _mm256_slli_epi64(_mm256_and_si256(bits, _mm256_set1_epi64x(3)), 1);
    const __m256i idx = _mm256_or_si256(_mm256_or_si256(i2, _mm256_slli_epi64(i2, 32)),
                                        _mm256_set1_epi64x((long long)1 << 32));
    const vd q0 = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_loadu_ps((const float *)table), idx));
    const vd q1 = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_loadu_ps((const float *)(table + 4)), idx));
    const vd q2 = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_loadu_ps((const float *)(table + 8)), idx));
    const vd q3 = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_loadu_ps((const float *)(table + 12)), idx));
    /* blendv takes each lane's sign bit: bit 2, then bit 3, moved there */
    const vd b2 = _mm256_castsi256_pd(_mm256_slli_epi64(bits, 61));
    const vd b3 = _mm256_castsi256_pd(_mm256_slli_epi64(bits, 60));
    return _mm256_blendv_pd(_mm256_blendv_pd(q0, q1, b2), _mm256_blendv_pd(q2, q3, b2), b3);
}
/* s * 2^q, q = floor(i / 16) for the integer i in the low bits of k, by
 * adding q to s's exponent field (the caller keeps it in range). */
static inline vd v_scale_by_k16(vd s, vd k)
{
    const __m256i q = _mm256_slli_epi64(_mm256_srli_epi64(_mm256_castpd_si256(k), 4), 52);
    return _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(s), q));
}

/* 2^n for integer-valued n in [-1022, 1023]: n + 1023 in the exponent field. */
static inline vd v_pow2_(vd n)
{
    const __m256i bits = _mm256_castpd_si256(_mm256_add_pd(n, _mm256_set1_pd(0x1p52 + 1023.0)));
    return _mm256_castsi256_pd(_mm256_slli_epi64(bits, 52));
}
/* x * 2^n for integer-valued n in [-1100, 1024], rounded once (also to a
 * subnormal): the first factor 2^floor(n/2) is exact for x near 1. */
static inline vd v_ldexp(vd x, vd n)
{
    const vd h = v_round(v_fma(n, v_set1(0.5), v_set1(-0.25)));
    return v_mul(v_mul(x, v_pow2_(h)), v_pow2_(v_sub(n, h)));
}

/* u = 2^k * f with f in [sqrt(1/2), sqrt(2)), for u >= 1 finite: returns
 * f and sets *k (as a double).  Integer operations on the bits. */
static inline vd v_log_split(vd u, vd *k)
{
    const __m256i bits = _mm256_add_epi64(_mm256_castpd_si256(u),
                                          _mm256_set1_epi64x(0x3ff0000000000000 - 0x3fe6a09e667f3bcd));
    /* the exponent field, as 2^52 + e - 2^52 */
    const __m256i e = _mm256_or_si256(_mm256_srli_epi64(bits, 52),
                                      _mm256_set1_epi64x(0x4330000000000000));
    *k = _mm256_sub_pd(_mm256_castsi256_pd(e), _mm256_set1_pd(0x1p52 + 1023.0));
    const __m256i f = _mm256_add_epi64(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffff)),
                                       _mm256_set1_epi64x(0x3fe6a09e667f3bcd));
    return _mm256_castsi256_pd(f);
}

/* z where keep[l] != 0, -inf elsewhere, for the first g <= VW lanes (only
 * keep[0..g-1] is read). */
static inline vd v_keep(vd z, const uint8_t *keep, size_t g)
{
    uint32_t bits = 0;
    if (g == VW)
        memcpy(&bits, keep, VW);
    else
        for (size_t l = 0; l < g; l++)
            bits |= (uint32_t)keep[l] << (8 * l);
    const __m256i w = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128((int)bits));
    const __m256i off = _mm256_cmpeq_epi64(w, _mm256_setzero_si256());
    return _mm256_blendv_pd(z, _mm256_set1_pd(-HUGE_VAL), _mm256_castsi256_pd(off));
}

/* Reductions in a fixed order: the same lanes give the same result. */
static inline double v_hsum(vd a)
{
    const __m128d q = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
    return _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)));
}
static inline double v_hmax(vd a)
{
    const __m128d q = _mm_max_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
    return _mm_cvtsd_f64(_mm_max_sd(q, _mm_unpackhi_pd(q, q)));
}

static inline vd v_load_f32(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
static inline void v_store_f32(float *p, vd a) { _mm_storeu_ps(p, _mm256_cvtpd_ps(a)); }
static inline vd v_load_f64(const double *p) { return _mm256_loadu_pd(p); }
static inline void v_store_f64(double *p, vd a) { _mm256_storeu_pd(p, a); }

/* p[0], p[s], p[2s], p[3s]: one entry of VW rows s apart, built in a
 * register (scalar stores read back as a vector would stall). */
#define V_LOAD_STRIDED 1
static inline vd v_load_strided_f32(const float *p, size_t s)
{
    return _mm256_cvtps_pd(_mm_setr_ps(p[0], p[s], p[2 * s], p[3 * s]));
}
static inline vd v_load_strided_f64(const double *p, size_t s)
{
    return _mm256_setr_pd(p[0], p[s], p[2 * s], p[3 * s]);
}

/* The first n < VW lanes from p, `fill` in the others; nothing past p[n-1]
 * is read or written. */
static inline __m128i v_first32_(size_t n)
{
    return _mm_cmpgt_epi32(_mm_set1_epi32((int)n), _mm_setr_epi32(0, 1, 2, 3));
}
static inline __m256i v_first64_(size_t n)
{
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)n), _mm256_setr_epi64x(0, 1, 2, 3));
}
static inline vd v_load_f32_n(const float *p, size_t n, double fill)
{
    const vd a = _mm256_cvtps_pd(_mm_maskload_ps(p, v_first32_(n)));
    return _mm256_blendv_pd(_mm256_set1_pd(fill), a, _mm256_castsi256_pd(v_first64_(n)));
}
static inline void v_store_f32_n(float *p, vd a, size_t n)
{
    _mm_maskstore_ps(p, v_first32_(n), _mm256_cvtpd_ps(a));
}
static inline vd v_load_f64_n(const double *p, size_t n, double fill)
{
    const __m256i m = v_first64_(n);
    return _mm256_blendv_pd(_mm256_set1_pd(fill), _mm256_maskload_pd(p, m), _mm256_castsi256_pd(m));
}
static inline void v_store_f64_n(double *p, vd a, size_t n)
{
    _mm256_maskstore_pd(p, v_first64_(n), a);
}

/* ---- float lanes: 8 floats (the f32 row kernels, simd/vexpf.h) ---------- */

#define FW 8 /* float lanes */
typedef __m256 vf;
typedef __m256 vfm; /* a lane mask: all ones or all zeros */

static inline vf f_set1(float a) { return _mm256_set1_ps(a); }
static inline vf f_add(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf f_sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static inline vf f_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf f_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); } /* a*b + c */
static inline vf f_fms(vf a, vf b, vf c) { return _mm256_fmsub_ps(a, b, c); } /* a*b - c */
/* max(a, b); b when either is NaN, so a NaN in a is passed over (the
 * callers look for NaN with f_unord). */
static inline vf f_max(vf a, vf b) { return _mm256_max_ps(a, b); }
static inline vfm f_eq(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
static inline vfm f_ge(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
static inline vfm f_unord(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_UNORD_Q); }
/* a > b, or either NaN. */
static inline vfm f_nle(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_NLE_UQ); }
static inline vfm fm_none(void) { return _mm256_setzero_ps(); }
static inline vfm fm_or(vfm a, vfm b) { return _mm256_or_ps(a, b); }
static inline int fm_any(vfm a) { return _mm256_movemask_ps(a) != 0; }
/* a where m, 0 elsewhere; and 0 where m, a elsewhere. */
static inline vf f_and(vfm m, vf a) { return _mm256_and_ps(m, a); }
static inline vf f_andnot(vfm m, vf a) { return _mm256_andnot_ps(m, a); }
/* T[bits(k) & 7] in every lane: an 8-entry table in one register. */
static inline vf f_table8(vf k, const float *table)
{
    return _mm256_permutevar8x32_ps(_mm256_loadu_ps(table), _mm256_castps_si256(k));
}
/* The float whose exponent field is bits 3..10 of k's bits (and whose
 * significand is 0): 2^(q - 127) for q = (bits(k) >> 3) & 255. */
static inline vf f_pow2_bits3(vf k)
{
    return _mm256_castsi256_ps(_mm256_and_si256(_mm256_slli_epi32(_mm256_castps_si256(k), 20),
                                                _mm256_set1_epi32((int)0xff800000u)));
}
static inline float f_hmax(vf a)
{
    const __m128 h = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    const __m128 q = _mm_max_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_max_ss(q, _mm_shuffle_ps(q, q, 1)));
}
/* The first 4 lanes of a as doubles, the last 4, and back (rounded). */
static inline vd f_lo_wide(vf a) { return _mm256_cvtps_pd(_mm256_castps256_ps128(a)); }
static inline vd f_hi_wide(vf a) { return _mm256_cvtps_pd(_mm256_extractf128_ps(a, 1)); }
static inline vf f_narrow(vd lo, vd hi)
{
    return _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo));
}
/* p[0], p[s], ..., p[7s], built in a register. */
static inline vf f_load_strided(const float *p, size_t s)
{
    return _mm256_setr_ps(p[0], p[s], p[2 * s], p[3 * s], p[4 * s], p[5 * s], p[6 * s], p[7 * s]);
}

static inline vf f_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void f_store(float *p, vf a) { _mm256_storeu_ps(p, a); }
/* The first n < FW lanes from p, `fill` in the others; nothing past
 * p[n-1] is read or written. */
static inline __m256i f_first_(size_t n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline vf f_load_n(const float *p, size_t n, float fill)
{
    const __m256i m = f_first_(n);
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
static inline void f_store_n(float *p, vf a, size_t n) { _mm256_maskstore_ps(p, f_first_(n), a); }

#endif
