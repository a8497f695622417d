/*
 * vec_neon.h — the vector operations of src/simd/ on AArch64 Advanced SIMD
 * (NEON): 2 double lanes, loaded from and stored to 2 floats.  NEON is part
 * of every AArch64 CPU, so this needs no flags of its own; compiled only
 * into arm/neon_f32.c (src/CMakeLists.txt).
 */
#ifndef SMX_ARM_VEC_NEON_H
#define SMX_ARM_VEC_NEON_H

#include <arm_neon.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define VW 2 /* lanes */
typedef float64x2_t vd;

static inline vd v_set1(double a) { return vdupq_n_f64(a); }
static inline vd v_add(vd a, vd b) { return vaddq_f64(a, b); }
static inline vd v_sub(vd a, vd b) { return vsubq_f64(a, b); }
static inline vd v_mul(vd a, vd b) { return vmulq_f64(a, b); }
static inline vd v_div(vd a, vd b) { return vdivq_f64(a, b); }
static inline vd v_fma(vd a, vd b, vd c) { return vfmaq_f64(c, a, b); } /* a*b + c */
/* max(a, b), and NaN when either is NaN (FMAX): a NaN in b survives, as
 * the kernels need; so does one in a, which they do not rely on. */
static inline vd v_max(vd a, vd b) { return vmaxq_f64(a, b); }
static inline vd v_min(vd a, vd b) { return vminq_f64(a, b); }
/* to nearest, ties to even (FRINTN), whatever the rounding mode */
static inline vd v_round(vd a) { return vrndnq_f64(a); }
/* x where a == b (ordered), y elsewhere. */
static inline vd v_if_eq(vd a, vd b, vd x, vd y) { return vbslq_f64(vceqq_f64(a, b), x, y); }
/* x where a < b (ordered), y elsewhere. */
static inline vd v_if_lt(vd a, vd b, vd x, vd y) { return vbslq_f64(vcltq_f64(a, b), x, y); }
/* T[bits(k) & 15] in every lane.  NEON has no gather of doubles: one load
 * per lane, which for two lanes costs about what a table lookup would. */
static inline vd v_table16(vd k, const double *table)
{
    const uint64x2_t j = vandq_u64(vreinterpretq_u64_f64(k), vdupq_n_u64(15));
    const vd t0 = vld1q_dup_f64(table + vgetq_lane_u64(j, 0));
    return vld1q_lane_f64(table + vgetq_lane_u64(j, 1), t0, 1);
}
/* s * 2^q, q = floor(i / 16) for the integer i in the low bits of k, by
 * adding q to s's exponent field (the caller keeps it in range). */
static inline vd v_scale_by_k16(vd s, vd k)
{
    const uint64x2_t q = vshlq_n_u64(vshrq_n_u64(vreinterpretq_u64_f64(k), 4), 52);
    return vreinterpretq_f64_u64(vaddq_u64(vreinterpretq_u64_f64(s), q));
}

/* 2^n for integer-valued n in [-1022, 1023]: n + 1023 in the exponent field. */
static inline vd v_pow2_(vd n)
{
    const uint64x2_t bits = vreinterpretq_u64_f64(vaddq_f64(n, vdupq_n_f64(0x1p52 + 1023.0)));
    return vreinterpretq_f64_u64(vshlq_n_u64(bits, 52));
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
    const uint64x2_t bits = vaddq_u64(vreinterpretq_u64_f64(u),
                                      vdupq_n_u64(UINT64_C(0x3ff0000000000000) -
                                                  UINT64_C(0x3fe6a09e667f3bcd)));
    /* the exponent field, as 2^52 + e - 2^52 */
    const uint64x2_t e = vorrq_u64(vshrq_n_u64(bits, 52), vdupq_n_u64(UINT64_C(0x4330000000000000)));
    *k = vsubq_f64(vreinterpretq_f64_u64(e), vdupq_n_f64(0x1p52 + 1023.0));
    const uint64x2_t f = vaddq_u64(vandq_u64(bits, vdupq_n_u64(UINT64_C(0x000fffffffffffff))),
                                   vdupq_n_u64(UINT64_C(0x3fe6a09e667f3bcd)));
    return vreinterpretq_f64_u64(f);
}

/* z where keep[l] != 0, -inf elsewhere, for the first g <= VW lanes (only
 * keep[0..g-1] is read). */
static inline vd v_keep(vd z, const uint8_t *keep, size_t g)
{
    const uint64x2_t w = vcombine_u64(vcreate_u64(keep[0]), vcreate_u64(g > 1 ? keep[1] : 0));
    return vbslq_f64(vceqzq_u64(w), vdupq_n_f64(-HUGE_VAL), z);
}

/* Reductions in a fixed order: the same lanes give the same result. */
static inline double v_hsum(vd a) { return vgetq_lane_f64(a, 0) + vgetq_lane_f64(a, 1); }
static inline double v_hmax(vd a) { return vgetq_lane_f64(vmaxq_f64(a, vdupq_laneq_f64(a, 1)), 0); }

static inline vd v_load_f32(const float *p) { return vcvt_f64_f32(vld1_f32(p)); }
static inline void v_store_f32(float *p, vd a) { vst1_f32(p, vcvt_f32_f64(a)); }
static inline vd v_load_f64(const double *p) { return vld1q_f64(p); }
static inline void v_store_f64(double *p, vd a) { vst1q_f64(p, a); }

/* The first n < VW lanes from p, `fill` in the others; nothing past p[n-1]
 * is read or written.  With two lanes n is 0 or 1: one element or none. */
static inline vd v_load_f32_n(const float *p, size_t n, double fill)
{
    const vd a = vdupq_n_f64(fill);
    return n ? vsetq_lane_f64((double)p[0], a, 0) : a;
}
static inline void v_store_f32_n(float *p, vd a, size_t n)
{
    if (n)
        vst1_lane_f32(p, vcvt_f32_f64(a), 0);
}
static inline vd v_load_f64_n(const double *p, size_t n, double fill)
{
    const vd a = vdupq_n_f64(fill);
    return n ? vld1q_lane_f64(p, a, 0) : a;
}
static inline void v_store_f64_n(double *p, vd a, size_t n)
{
    if (n)
        vst1q_lane_f64(p, a, 0);
}

#endif
