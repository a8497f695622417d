/*
 * half_io_neon.h — 4 halves loaded into, and stored from, the 4 float lanes
 * of vec_neon.h, for the half-precision passes (simd/passes_half.inc).
 * Include after vec_neon.h.  The bits are half.c's (half_neon.c says how):
 * bf16 by integer arithmetic on the float's bits, f16 by fcvtl / fcvtn of
 * ARMv8.0.  A tail of n < 4 halves goes through a small buffer: nothing
 * past p[n-1] is touched.
 */
#ifndef SMX_ARM_HALF_IO_NEON_H
#define SMX_ARM_HALF_IO_NEON_H

#include <string.h>

/* Lanes n.. of a replaced by fill. */
static inline vf half_fill_(vf a, size_t n, float fill)
{
    const uint32x4_t lane = {0, 1, 2, 3};
    return vbslq_f32(vcltq_u32(lane, vdupq_n_u32((uint32_t)n)), a, vdupq_n_f32(fill));
}

static inline vf bf16_load(const uint16_t *p)
{
    return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16));
}

static inline vf bf16_load_n(const uint16_t *p, size_t n, float fill)
{
    uint16_t t[FW] = {0};
    memcpy(t, p, n * sizeof *p);
    return half_fill_(bf16_load(t), n, fill);
}

static inline void bf16_store(uint16_t *p, vf a)
{
    const uint32x4_t x = vreinterpretq_u32_f32(a);
    const uint32x4_t odd = vandq_u32(vshrq_n_u32(x, 16), vdupq_n_u32(1));
    const uint32x4_t rounded = vaddq_u32(x, vaddq_u32(odd, vdupq_n_u32(0x7fff)));
    const uint32x4_t nan = vmvnq_u32(vceqq_f32(a, a));
    const uint32x4_t bits = vbslq_u32(nan, vorrq_u32(x, vdupq_n_u32(0x00400000)), rounded);
    vst1_u16(p, vshrn_n_u32(bits, 16));
}

static inline void bf16_store_n(uint16_t *p, vf a, size_t n)
{
    uint16_t t[FW];
    bf16_store(t, a);
    memcpy(p, t, n * sizeof *p);
}

static inline vf f16_load(const uint16_t *p)
{
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}

static inline vf f16_load_n(const uint16_t *p, size_t n, float fill)
{
    uint16_t t[FW] = {0};
    memcpy(t, p, n * sizeof *p);
    return half_fill_(f16_load(t), n, fill);
}

static inline void f16_store(uint16_t *p, vf a)
{
    vst1_u16(p, vreinterpret_u16_f16(vcvt_f16_f32(a)));
}

static inline void f16_store_n(uint16_t *p, vf a, size_t n)
{
    uint16_t t[FW];
    f16_store(t, a);
    memcpy(p, t, n * sizeof *p);
}

#endif
