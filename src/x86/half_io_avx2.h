/*
 * half_io_avx2.h — 8 halves loaded into, and stored from, the 8 float lanes
 * of vec_avx2.h, for the half-precision passes (simd/passes_half.inc).
 * Include after vec_avx2.h.  The bits are half.c's (half_avx2.c says how):
 * bf16 by integer arithmetic on the float's bits, f16 by F16C, which the
 * file must be compiled for and the planner uses only where CPUID reports
 * it (the f16 passes; the bf16 ones need AVX2 alone).  A tail of n < 8
 * halves goes through a small buffer: nothing past p[n-1] is touched.
 */
#ifndef SMX_X86_HALF_IO_AVX2_H
#define SMX_X86_HALF_IO_AVX2_H

#include <string.h>

/* Lanes n.. of a replaced by fill. */
static inline vf half_fill_(vf a, size_t n, float fill)
{
    return _mm256_blendv_ps(_mm256_set1_ps(fill), a, _mm256_castsi256_ps(f_first_(n)));
}

static inline vf bf16_load(const uint16_t *p)
{
    const __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
}

static inline vf bf16_load_n(const uint16_t *p, size_t n, float fill)
{
    uint16_t t[FW] = {0};
    memcpy(t, p, n * sizeof *p);
    return half_fill_(bf16_load(t), n, fill);
}

/* Eight floats rounded to bf16, in order. */
static inline __m128i bf16_narrow_(vf a)
{
    const __m256i x = _mm256_castps_si256(a);
    const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(x, 16), _mm256_set1_epi32(1));
    const __m256i rounded = _mm256_add_epi32(x, _mm256_add_epi32(odd, _mm256_set1_epi32(0x7fff)));
    const __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(a, a, _CMP_UNORD_Q));
    const __m256i quiet = _mm256_or_si256(x, _mm256_set1_epi32(0x00400000));
    const __m256i lanes = _mm256_srli_epi32(_mm256_blendv_epi8(rounded, quiet, nan), 16);
    return _mm_packus_epi32(_mm256_castsi256_si128(lanes), _mm256_extracti128_si256(lanes, 1));
}

static inline void bf16_store(uint16_t *p, vf a)
{
    _mm_storeu_si128((__m128i *)(void *)p, bf16_narrow_(a));
}

static inline void bf16_store_n(uint16_t *p, vf a, size_t n)
{
    uint16_t t[FW];
    bf16_store(t, a);
    memcpy(p, t, n * sizeof *p);
}

static inline vf f16_load(const uint16_t *p)
{
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)p));
}

static inline vf f16_load_n(const uint16_t *p, size_t n, float fill)
{
    uint16_t t[FW] = {0};
    memcpy(t, p, n * sizeof *p);
    return half_fill_(f16_load(t), n, fill);
}

static inline void f16_store(uint16_t *p, vf a)
{
    _mm_storeu_si128((__m128i *)(void *)p, _mm256_cvtps_ph(a, _MM_FROUND_TO_NEAREST_INT));
}

static inline void f16_store_n(uint16_t *p, vf a, size_t n)
{
    uint16_t t[FW];
    f16_store(t, a);
    memcpy(p, t, n * sizeof *p);
}

#endif
