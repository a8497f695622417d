/*
 * half_avx512.c — the half-precision array conversions on AVX-512 (F, BW,
 * DQ, VL; compiled with -mavx512bf16 besides, whose one instruction runs
 * only where half.c found AVX512_BF16).  Sixteen lanes a vector, the tail
 * under a mask: each converts the whole array.
 *
 *   f16   vcvtph2ps / vcvtps2ph on zmm registers, to nearest even by the
 *         instruction's own rounding field: exact as in half_avx2.c.
 *   bf16  widening is a 16-bit shift.  Narrowing uses vcvtneps2bf16, which
 *         rounds to nearest even and makes a NaN quiet keeping its sign and
 *         top payload bits, as half.c does, but treats a subnormal input as
 *         zero (it neither reads nor writes MXCSR: DAZ and FTZ always on).
 *         A float subnormal is a bf16 subnormal or a rounding of one, not
 *         zero, so the lanes vfpclassps finds subnormal are recomputed with
 *         half.c's integer rounding (exact for them; they are never NaN)
 *         and blended in.  Normal inputs round to normals or inf, where
 *         flushing changes nothing.
 */
#include "half_kernels.h"

#include <immintrin.h>

/* 1s in the low n of 16 lanes (n < 16). */
static inline __mmask16 low_lanes(size_t n) { return (__mmask16)((1u << n) - 1); }

size_t smx__avx512_bf16_to_f32(float *dst, const uint16_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i h = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(src + i)));
        _mm512_storeu_si512(dst + i, _mm512_slli_epi32(h, 16));
    }
    if (i < n) {
        const __mmask16 k = low_lanes(n - i);
        const __m512i h = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(k, src + i));
        _mm512_mask_storeu_epi32(dst + i, k, _mm512_slli_epi32(h, 16));
    }
    return n;
}

/* half.c's rounding of the low 16 bits, ties to even, for non-NaN lanes. */
static inline __m256i bf16_round_bits(__m512 x)
{
    const __m512i u = _mm512_castps_si512(x);
    const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    const __m512i rounded = _mm512_add_epi32(u, _mm512_add_epi32(odd, _mm512_set1_epi32(0x7fff)));
    return _mm512_cvtepi32_epi16(_mm512_srli_epi32(rounded, 16));
}

static inline __m256i f32x16_to_bf16(__m512 x)
{
    const __m256i h = (__m256i)_mm512_cvtneps_pbh(x);
    const __mmask16 subnormal = _mm512_fpclass_ps_mask(x, 0x20); /* class: denormal */
    if (subnormal)
        return _mm256_mask_blend_epi16(subnormal, h, bf16_round_bits(x));
    return h;
}

size_t smx__avx512_f32_to_bf16(uint16_t *dst, const float *src, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(dst + i), f32x16_to_bf16(_mm512_loadu_ps(src + i)));
    if (i < n) {
        const __mmask16 k = low_lanes(n - i);
        _mm256_mask_storeu_epi16(dst + i, k, f32x16_to_bf16(_mm512_maskz_loadu_ps(k, src + i)));
    }
    return n;
}

size_t smx__avx512_f16_to_f32(float *dst, const uint16_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(src + i))));
    if (i < n) {
        const __mmask16 k = low_lanes(n - i);
        _mm512_mask_storeu_ps(dst + i, k, _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(k, src + i)));
    }
    return n;
}

size_t smx__avx512_f32_to_f16(uint16_t *dst, const float *src, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(dst + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    if (i < n) {
        const __mmask16 k = low_lanes(n - i);
        _mm256_mask_storeu_epi16(
            dst + i, k, _mm512_cvtps_ph(_mm512_maskz_loadu_ps(k, src + i), _MM_FROUND_TO_NEAREST_INT));
    }
    return n;
}
