/*
 * vec_avx512.h — the vector operations of src/simd/ on AVX-512 (F, DQ, VL):
 * 8 double lanes, loaded from and stored to 8 floats.  Compiled only into
 * the files built with the AVX-512 flags (src/CMakeLists.txt).
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

#endif
