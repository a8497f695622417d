/*
 * half_avx2.c — the half-precision array conversions on AVX2 (compiled
 * with -mavx2 -mfma -mf16c; half.c calls the f16 ones only where CPUID
 * reports F16C).  Whole vectors only: half.c converts the tail.
 *
 *   f16   F16C's vcvtph2ps / vcvtps2ph, with the rounding given in the
 *         instruction (to nearest even), never MXCSR's.  Both are exact
 *         on subnormals whatever MXCSR's DAZ and FTZ say (vcvtph2ps ignores
 *         DAZ; vcvtps2ph ignores FTZ, and the float subnormals that DAZ
 *         would zero all round to a zero of their sign anyway), and make a
 *         NaN quiet keeping its sign and top payload bits, as half.c does.
 *   bf16  integer arithmetic on the float's bits, half.c's formulas eight
 *         lanes at a time: widening is a 16-bit shift, narrowing adds the
 *         rounding bias and keeps the top half.
 */
#include "half_kernels.h"

#include <immintrin.h>

/* ------------------------------------------------------------------------ */
/* bfloat16                                                                  */
/* ------------------------------------------------------------------------ */

static inline __m256 bf16x8_to_f32(const uint16_t *src)
{
    const __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)src));
    return _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
}

size_t smx__avx2_bf16_to_f32(float *dst, const uint16_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm256_storeu_ps(dst + i, bf16x8_to_f32(src + i));
        _mm256_storeu_ps(dst + i + 8, bf16x8_to_f32(src + i + 8));
    }
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, bf16x8_to_f32(src + i));
    return i;
}

/* Eight floats to bf16, each in the low half of its 32-bit lane: a NaN
 * gets the quiet bit (then its top half is kept), any other value the
 * rounding bias 0x7fff plus the lowest kept bit. */
static inline __m256i f32x8_to_bf16_lanes(const float *src)
{
    const __m256i x = _mm256_castps_si256(_mm256_loadu_ps(src));
    const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(1));
    const __m256i rounded =
        _mm256_add_epi32(x, _mm256_add_epi32(odd, _mm256_set1_epi32(0x7fff)));
    const __m256i magnitude = _mm256_and_si256(x, _mm256_set1_epi32(0x7fffffff));
    const __m256i nan = _mm256_cmpgt_epi32(magnitude, _mm256_set1_epi32(0x7f800000));
    const __m256i quiet = _mm256_or_si256(x, _mm256_set1_epi32(0x00400000));
    return _mm256_srli_epi32(_mm256_blendv_epi8(rounded, quiet, nan), 16);
}

size_t smx__avx2_f32_to_bf16(uint16_t *dst, const float *src, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        /* packus works within 128-bit halves: a0-3 b0-3 a4-7 b4-7, put in
         * order by the permute.  Every lane is below 2^16: no saturation. */
        const __m256i packed =
            _mm256_packus_epi32(f32x8_to_bf16_lanes(src + i), f32x8_to_bf16_lanes(src + i + 8));
        _mm256_storeu_si256((__m256i *)(dst + i), _mm256_permute4x64_epi64(packed, 0xd8));
    }
    for (; i + 8 <= n; i += 8) {
        const __m256i lanes = f32x8_to_bf16_lanes(src + i);
        _mm_storeu_si128((__m128i *)(dst + i), _mm_packus_epi32(_mm256_castsi256_si128(lanes),
                                                                _mm256_extracti128_si256(lanes, 1)));
    }
    return i;
}

/* ------------------------------------------------------------------------ */
/* binary16 (F16C)                                                           */
/* ------------------------------------------------------------------------ */

size_t smx__avx2_f16_to_f32(float *dst, const uint16_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
        _mm256_storeu_ps(dst + i + 8,
                         _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i + 8))));
    }
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    return i;
}

size_t smx__avx2_f32_to_f16(uint16_t *dst, const float *src, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm_storeu_si128((__m128i *)(dst + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
        _mm_storeu_si128((__m128i *)(dst + i + 8),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i + 8), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    return i;
}
