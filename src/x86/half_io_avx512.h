/*
 * half_io_avx512.h — 16 halves loaded into, and stored from, the 16 float
 * lanes of vec_avx512.h, for the half-precision passes (simd/passes_half.inc).
 * Include after vec_avx512.h.  The bits are half.c's:
 *
 *   bf16  widening is a 16-bit shift; narrowing adds the rounding bias
 *         0x7fff plus the lowest kept bit (to nearest even) and keeps the
 *         top half, and a NaN gets the quiet bit: integer arithmetic, so
 *         AVX-512 F/BW is enough.  Built for AVX512_BF16 besides
 *         (SMX_AVX512_BF16_CVT, x86/avx512_bf16.c), it is vcvtneps2bf16.
 *   f16   vcvtph2ps / vcvtps2ph on zmm registers (AVX-512 F), to nearest
 *         even by the instruction's rounding field, never MXCSR's.
 *
 * The emulated build (SMX_EMULATE_AVX512: SIMDe, tests only) converts
 * through the scalar functions of smx.h instead.
 */
#ifndef SMX_X86_HALF_IO_AVX512_H
#define SMX_X86_HALF_IO_AVX512_H

#include "smx.h"

#ifdef SMX_EMULATE_AVX512
#define HALF_IO_SCALAR_(fmt)                                                                 \
    static inline vf fmt##_load_n(const uint16_t *p, size_t n, float fill)                  \
    {                                                                                        \
        float t[FW];                                                                         \
        for (size_t i = 0; i < FW; i++)                                                      \
            t[i] = i < n ? smx_##fmt##_to_f32((smx_##fmt){p[i]}) : fill;                     \
        return f_load(t);                                                                    \
    }                                                                                        \
    static inline vf fmt##_load(const uint16_t *p) { return fmt##_load_n(p, FW, 0.0f); }      \
    static inline void fmt##_store_n(uint16_t *p, vf a, size_t n)                            \
    {                                                                                        \
        float t[FW];                                                                         \
        f_store(t, a);                                                                       \
        for (size_t i = 0; i < n; i++)                                                       \
            p[i] = smx_f32_to_##fmt(t[i]).bits;                                              \
    }                                                                                        \
    static inline void fmt##_store(uint16_t *p, vf a) { fmt##_store_n(p, a, FW); }
HALF_IO_SCALAR_(bf16)
HALF_IO_SCALAR_(f16)
#undef HALF_IO_SCALAR_
#else
static inline vf bf16_widen_(__m256i h)
{
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

/* Sixteen floats rounded to bf16 by integer arithmetic. */
static inline __m256i bf16_round_int_(vf a)
{
    const __m512i u = _mm512_castps_si512(a);
    const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    const __m512i rounded = _mm512_add_epi32(u, _mm512_add_epi32(odd, _mm512_set1_epi32(0x7fff)));
    const __mmask16 nan = _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
    const __m512i bits = _mm512_mask_or_epi32(rounded, nan, u, _mm512_set1_epi32(0x00400000));
    return _mm512_cvtepi32_epi16(_mm512_srli_epi32(bits, 16));
}

#ifdef SMX_AVX512_BF16_CVT
/* x86/avx512_bf16.c, built for AVX512_BF16: vcvtneps2bf16 rounds to
 * nearest even and quiets a NaN as above, but reads a subnormal input as
 * zero; the lanes vfpclassps finds subnormal (rare: results below 2^-126)
 * take the integer rounding instead.  A normal input rounds to a normal or
 * to inf, where the flush changes nothing. */
static inline __m256i bf16_narrow_(vf a)
{
    const __m256i h = (__m256i)_mm512_cvtneps_pbh(a);
    const __mmask16 subnormal = _mm512_fpclass_ps_mask(a, 0x20);
    return subnormal ? _mm256_mask_blend_epi16(subnormal, h, bf16_round_int_(a)) : h;
}
#else
static inline __m256i bf16_narrow_(vf a) { return bf16_round_int_(a); }
#endif

static inline vf bf16_load(const uint16_t *p)
{
    return bf16_widen_(_mm256_loadu_si256((const __m256i *)(const void *)p));
}

static inline vf bf16_load_n(const uint16_t *p, size_t n, float fill)
{
    const vfm k = f_first_(n);
    return _mm512_mask_blend_ps(k, f_set1(fill), bf16_widen_(_mm256_maskz_loadu_epi16(k, p)));
}

static inline void bf16_store(uint16_t *p, vf a)
{
    _mm256_storeu_si256((__m256i *)(void *)p, bf16_narrow_(a));
}

static inline void bf16_store_n(uint16_t *p, vf a, size_t n)
{
    _mm256_mask_storeu_epi16(p, f_first_(n), bf16_narrow_(a));
}

static inline vf f16_load(const uint16_t *p)
{
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(const void *)p));
}

static inline vf f16_load_n(const uint16_t *p, size_t n, float fill)
{
    const vfm k = f_first_(n);
    return _mm512_mask_blend_ps(k, f_set1(fill), _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(k, p)));
}

static inline void f16_store(uint16_t *p, vf a)
{
    _mm256_storeu_si256((__m256i *)(void *)p, _mm512_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT));
}

static inline void f16_store_n(uint16_t *p, vf a, size_t n)
{
    _mm256_mask_storeu_epi16(p, f_first_(n), _mm512_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT));
}
#endif

#endif
