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

/* p[0] and p[s]: one entry of VW rows s apart, built in a register
 * (scalar stores read back as a vector would stall). */
#define V_LOAD_STRIDED 1
static inline vd v_load_strided_f32(const float *p, size_t s)
{
    return vsetq_lane_f64((double)p[s], vdupq_n_f64((double)p[0]), 1);
}
static inline vd v_load_strided_f64(const double *p, size_t s)
{
    return vsetq_lane_f64(p[s], vdupq_n_f64(p[0]), 1);
}

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

/* ---- float lanes: 4 floats (the f32 row kernels, simd/vexpf.h) ---------- */

#define FW 4 /* float lanes */
typedef float32x4_t vf;
typedef uint32x4_t vfm; /* a lane mask: all ones or all zeros */

static inline vf f_set1(float a) { return vdupq_n_f32(a); }
static inline vf f_add(vf a, vf b) { return vaddq_f32(a, b); }
static inline vf f_sub(vf a, vf b) { return vsubq_f32(a, b); }
static inline vf f_mul(vf a, vf b) { return vmulq_f32(a, b); }
static inline vf f_fma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); } /* a*b + c */
/* a*b - c, rounded once: -(c - a*b). */
static inline vf f_fms(vf a, vf b, vf c) { return vnegq_f32(vfmsq_f32(c, a, b)); }
/* max(a, b), NaN when either is NaN (the callers also look for NaN with
 * f_unord, as x86 passes one over). */
static inline vf f_max(vf a, vf b) { return vmaxq_f32(a, b); }
static inline vfm f_eq(vf a, vf b) { return vceqq_f32(a, b); }
static inline vfm f_ge(vf a, vf b) { return vcgeq_f32(a, b); }
static inline vfm f_unord(vf a, vf b) { return vmvnq_u32(vandq_u32(vceqq_f32(a, a), vceqq_f32(b, b))); }
/* a > b, or either NaN. */
static inline vfm f_nle(vf a, vf b) { return vmvnq_u32(vcleq_f32(a, b)); }
static inline vfm fm_none(void) { return vdupq_n_u32(0); }
static inline vfm fm_or(vfm a, vfm b) { return vorrq_u32(a, b); }
static inline int fm_any(vfm a) { return vmaxvq_u32(a) != 0; }
/* a where m, 0 elsewhere; and 0 where m, a elsewhere. */
static inline vf f_and(vfm m, vf a) { return vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(a))); }
static inline vf f_andnot(vfm m, vf a) { return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(a), m)); }
/* T[bits(k) & 7] in every lane: a byte lookup in the table's 32 bytes,
 * lane l taking bytes 4j .. 4j + 3 (little-endian). */
static inline vf f_table8(vf k, const float *table)
{
    const uint8x16x2_t t = {{vld1q_u8((const uint8_t *)table), vld1q_u8((const uint8_t *)(table + 4))}};
    const uint32x4_t j = vandq_u32(vreinterpretq_u32_f32(k), vdupq_n_u32(7));
    const uint32x4_t bytes = vmlaq_n_u32(vdupq_n_u32(0x03020100u), j, 0x04040404u);
    return vreinterpretq_f32_u8(vqtbl2q_u8(t, vreinterpretq_u8_u32(bytes)));
}
/* The float whose exponent field is bits 3..10 of k's bits (and whose
 * significand is 0): 2^(q - 127) for q = (bits(k) >> 3) & 255. */
static inline vf f_pow2_bits3(vf k)
{
    return vreinterpretq_f32_u32(vandq_u32(vshlq_n_u32(vreinterpretq_u32_f32(k), 20),
                                           vdupq_n_u32(0xff800000u)));
}
static inline float f_hmax(vf a) { return vmaxvq_f32(a); }
/* The first 2 lanes of a as doubles, the last 2, and back (rounded). */
static inline vd f_lo_wide(vf a) { return vcvt_f64_f32(vget_low_f32(a)); }
static inline vd f_hi_wide(vf a) { return vcvt_high_f64_f32(a); }
static inline vf f_narrow(vd lo, vd hi) { return vcvt_high_f32_f64(vcvt_f32_f64(lo), hi); }
/* p[0], p[s], p[2s], p[3s], built in a register. */
static inline vf f_load_strided(const float *p, size_t s)
{
    vf a = vdupq_n_f32(p[0]);
    a = vsetq_lane_f32(p[s], a, 1);
    a = vsetq_lane_f32(p[2 * s], a, 2);
    return vsetq_lane_f32(p[3 * s], a, 3);
}

static inline vf f_load(const float *p) { return vld1q_f32(p); }
static inline void f_store(float *p, vf a) { vst1q_f32(p, a); }
/* The first n < FW lanes from p, `fill` in the others; nothing past
 * p[n-1] is read or written. */
static inline vf f_load_n(const float *p, size_t n, float fill)
{
    float t[FW] = {fill, fill, fill, fill};
    for (size_t l = 0; l < n; l++)
        t[l] = p[l];
    return vld1q_f32(t);
}
static inline void f_store_n(float *p, vf a, size_t n)
{
    float t[FW];
    vst1q_f32(t, a);
    for (size_t l = 0; l < n; l++)
        p[l] = t[l];
}

#endif
