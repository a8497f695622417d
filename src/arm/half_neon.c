/*
 * half_neon.c — the half-precision array conversions on AArch64 Advanced
 * SIMD (the baseline: no flags, no feature probe).  Whole vectors only:
 * half.c converts the tail.
 *
 *   f16   fcvtl / fcvtn (vcvt_f32_f16, vcvt_f16_f32), part of ARMv8.0.
 *         They round in FPCR's mode and honour its FZ, DN and AHP bits;
 *         Linux starts every thread with all of them clear (to nearest
 *         even, subnormals kept, NaN payloads propagated and made quiet,
 *         IEEE half precision), which is what half.c computes.  A program
 *         that changes FPCR (fesetround) changes these results too.
 *   bf16  integer arithmetic on the float's bits, half.c's formulas four
 *         lanes at a time (BFCVTN is an optional extension): widening is
 *         a 16-bit shift, narrowing adds the rounding bias and keeps the
 *         top half.
 */
#include "half_kernels.h"

#include <arm_neon.h>

size_t smx__neon_bf16_to_f32(float *dst, const uint16_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const uint16x8_t h = vld1q_u16(src + i);
        vst1q_f32(dst + i, vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(h), 16)));
        vst1q_f32(dst + i + 4, vreinterpretq_f32_u32(vshll_high_n_u16(h, 16)));
    }
    return i;
}

/* Four floats rounded to bf16, in the top halves of their lanes: a NaN
 * gets the quiet bit, any other value the rounding bias 0x7fff plus the
 * lowest kept bit. */
static inline uint32x4_t bf16_rounded(const float *src)
{
    const uint32x4_t x = vreinterpretq_u32_f32(vld1q_f32(src));
    const uint32x4_t odd = vandq_u32(vshrq_n_u32(x, 16), vdupq_n_u32(1));
    const uint32x4_t rounded = vaddq_u32(x, vaddq_u32(odd, vdupq_n_u32(0x7fff)));
    const uint32x4_t nan =
        vcgtq_u32(vandq_u32(x, vdupq_n_u32(0x7fffffff)), vdupq_n_u32(0x7f800000));
    return vbslq_u32(nan, vorrq_u32(x, vdupq_n_u32(0x00400000)), rounded);
}

size_t smx__neon_f32_to_bf16(uint16_t *dst, const float *src, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const uint16x4_t lo = vshrn_n_u32(bf16_rounded(src + i), 16);
        vst1q_u16(dst + i, vshrn_high_n_u32(lo, bf16_rounded(src + i + 4), 16));
    }
    return i;
}

size_t smx__neon_f16_to_f32(float *dst, const uint16_t *src, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float16x8_t h = vreinterpretq_f16_u16(vld1q_u16(src + i));
        vst1q_f32(dst + i, vcvt_f32_f16(vget_low_f16(h)));
        vst1q_f32(dst + i + 4, vcvt_high_f32_f16(h));
    }
    return i;
}

size_t smx__neon_f32_to_f16(uint16_t *dst, const float *src, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float16x4_t lo = vcvt_f16_f32(vld1q_f32(src + i));
        const float16x8_t both = vcvt_high_f16_f32(lo, vld1q_f32(src + i + 4));
        vst1q_u16(dst + i, vreinterpretq_u16_f16(both));
    }
    return i;
}
