/*
 * simde_avx512.h — test builds only (SMX_EMULATE_AVX512, src/CMakeLists.txt):
 * the AVX-512 intrinsics of vec_avx512.h from SIMDe, so that the AVX-512
 * kernels run, and are tested, on a CPU that has AVX2 + FMA only.
 */
#ifndef SMX_X86_SIMDE_AVX512_H
#define SMX_X86_SIMDE_AVX512_H

#include <math.h>
#include <stddef.h>
#include <string.h>

/* SIMDe's definitions, under the intrinsics' own names. */
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

/* What Debian's SIMDe (0.7.4) lacks or does otherwise than the instruction,
 * from what it has.  The masked loads and stores touch only the lanes of
 * the mask, as the instructions do; scalef rounds a * 2^floor(b) once, to a
 * subnormal too (SIMDe's flushes subnormal a and underflows 2^floor(b)). */
static inline double smx_emu_scalef1(double a, double b)
{
    if (isnan(a) || isnan(b))
        return a + b;
    if (isinf(b))
        return b > 0 ? a * HUGE_VAL : a * 0.0; /* 0 * inf and inf * 0: NaN */
    const double n = floor(b);
    return scalbn(a, n > 4096 ? 4096 : n < -4096 ? -4096 : (int)n);
}
static inline simde__m512d smx_emu_scalef_pd(simde__m512d a, simde__m512d b)
{
    double la[8], lb[8];
    simde_mm512_storeu_pd(la, a);
    simde_mm512_storeu_pd(lb, b);
    for (int l = 0; l < 8; l++)
        la[l] = smx_emu_scalef1(la[l], lb[l]);
    return simde_mm512_loadu_pd(la);
}
static inline simde__m512d smx_emu_cvtps_pd(simde__m256 a)
{
    return simde_mm512_insertf64x4(
        simde_mm512_castpd256_pd512(simde_mm256_cvtps_pd(simde_mm256_castps256_ps128(a))),
        simde_mm256_cvtps_pd(simde_mm256_extractf128_ps(a, 1)), 1);
}
static inline simde__m512d smx_emu_mask_cvtps_pd(simde__m512d src, simde__mmask8 k, simde__m256 a)
{
    return simde_mm512_mask_blend_pd(k, src, smx_emu_cvtps_pd(a));
}
static inline simde__m256 smx_emu_cvtpd_ps(simde__m512d a)
{
    return simde_mm256_insertf128_ps(
        simde_mm256_castps128_ps256(simde_mm256_cvtpd_ps(simde_mm512_castpd512_pd256(a))),
        simde_mm256_cvtpd_ps(simde_mm512_extractf64x4_pd(a, 1)), 1);
}
static inline simde__mmask16 smx_emu_test_epi8_mask(simde__m128i a, simde__m128i b)
{
    const simde__m128i zero = simde_mm_cmpeq_epi8(simde_mm_and_si128(a, b), simde_mm_setzero_si128());
    return (simde__mmask16)(~simde_mm_movemask_epi8(zero) & 0xffff);
}
/* Copies the lanes of `lanes` elements of `size` bytes whose bit is set in
 * k from src to dst: the other lanes of either are not touched. */
static inline void smx_emu_masked_copy(void *dst, const void *src, unsigned k, int lanes,
                                       size_t size)
{
    for (int l = 0; l < lanes; l++)
        if ((k >> l) & 1)
            memcpy((char *)dst + l * size, (const char *)src + l * size, size);
}
static inline simde__m512d smx_emu_mask_loadu_pd(simde__m512d src, simde__mmask8 k, const void *p)
{
    double lane[8];
    simde_mm512_storeu_pd(lane, src);
    smx_emu_masked_copy(lane, p, k, 8, sizeof(double));
    return simde_mm512_loadu_pd(lane);
}
static inline void smx_emu_mask_storeu_pd(void *p, simde__mmask8 k, simde__m512d a)
{
    double lane[8];
    simde_mm512_storeu_pd(lane, a);
    smx_emu_masked_copy(p, lane, k, 8, sizeof(double));
}
static inline simde__m256 smx_emu_maskz_loadu_ps(simde__mmask8 k, const void *p)
{
    float lane[8] = {0};
    smx_emu_masked_copy(lane, p, k, 8, sizeof(float));
    return simde_mm256_loadu_ps(lane);
}
static inline void smx_emu_mask_storeu_ps(void *p, simde__mmask8 k, simde__m256 a)
{
    float lane[8];
    simde_mm256_storeu_ps(lane, a);
    smx_emu_masked_copy(p, lane, k, 8, sizeof(float));
}
static inline simde__m512 smx_emu_mask_loadu_ps(simde__m512 src, simde__mmask16 k, const void *p)
{
    float lane[16];
    simde_mm512_storeu_ps(lane, src);
    smx_emu_masked_copy(lane, p, k, 16, sizeof(float));
    return simde_mm512_loadu_ps(lane);
}
static inline void smx_emu_mask_storeu_ps512(void *p, simde__mmask16 k, simde__m512 a)
{
    float lane[16];
    simde_mm512_storeu_ps(lane, a);
    smx_emu_masked_copy(p, lane, k, 16, sizeof(float));
}
#undef _mm512_scalef_pd
#define _mm512_scalef_pd smx_emu_scalef_pd
#define _mm512_cvtps_pd smx_emu_cvtps_pd
#define _mm512_mask_cvtps_pd smx_emu_mask_cvtps_pd
#define _mm512_cvtpd_ps smx_emu_cvtpd_ps
#define _mm_test_epi8_mask smx_emu_test_epi8_mask
#define _mm512_mask_loadu_pd smx_emu_mask_loadu_pd
#define _mm512_mask_storeu_pd smx_emu_mask_storeu_pd
#define _mm256_maskz_loadu_ps smx_emu_maskz_loadu_ps
#define _mm256_mask_storeu_ps smx_emu_mask_storeu_ps
#define _mm512_mask_loadu_ps smx_emu_mask_loadu_ps
#define _mm512_mask_storeu_ps smx_emu_mask_storeu_ps512

#endif
