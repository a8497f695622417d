/*
 * wide_f64.h — the working precision of the f64 scalar kernels:
 * double-double, an unevaluated sum hi + lo of two doubles (about 106 bits).
 *
 * Why: rounding x - m in double alone costs up to 64 ulp of the output
 * when |x - m| is near 700 (exp multiplies the absolute error of its
 * argument into a relative error of its result), and a double sum of 2^24
 * terms can drift by 2^24 ulp in the worst case.  In double-double the
 * shift is exact (two-sum), sums and products keep ~106 bits, log1p is
 * this file's own (within 2^-63), and the error that is left is libm's
 * exp on the leading part (about 0.5 ulp) plus the final rounding.
 *
 * Special values: the two-sum of an infinity produces NaN in its low
 * part, so every operation that may meet one keeps the low part only
 * while the high part is finite.
 *
 * The same operations in plain double for the f32 kernels: wide_f32.h.
 */
#ifndef SMX_SCALAR_WIDE_F64_H
#define SMX_SCALAR_WIDE_F64_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "simd/exp2_table.h"

typedef double real;
typedef struct wide {
    double hi, lo;
} wide;

#define SMX_SUFFIX f64
#define SMX_REAL_INF HUGE_VAL

static inline wide w_make(double hi, double lo)
{
    wide r = {hi, lo};
    return r;
}

static inline wide w_of(real x) { return w_make(x, 0.0); }
static inline wide w_of_double(double x) { return w_make(x, 0.0); }
static inline wide w_zero(void) { return w_make(0.0, 0.0); }
static inline double w_hi(wide a) { return a.hi; }

/* Knuth's two-sum: s + e == a + b exactly, for finite a, b. */
static inline wide two_sum(double a, double b)
{
    double s = a + b;
    double bb = s - a;
    double e = (a - (s - bb)) + (b - bb);
    return w_make(s, e);
}

/* The same when |a| >= |b| (or a == 0). */
static inline wide fast_two_sum(double a, double b)
{
    double s = a + b;
    return w_make(s, b - (s - a));
}

/* p + e == a * b exactly (barring overflow and underflow). */
static inline wide two_prod(double a, double b)
{
    double p = a * b;
    return w_make(p, fma(a, b, -p));
}

/* Keeps special values out of the low part: inf - inf there would turn a
 * correct infinite (or NaN) high part into NaN on the next operation. */
static inline wide w_finish(double hi, double lo)
{
    if (!isfinite(hi))
        return w_make(hi, 0.0);
    return fast_two_sum(hi, lo);
}

static inline wide w_add(wide a, wide b)
{
    wide s = two_sum(a.hi, b.hi);
    wide t = two_sum(a.lo, b.lo);
    if (!isfinite(s.hi))
        return w_make(s.hi, 0.0);
    s = fast_two_sum(s.hi, s.lo + t.hi);
    return w_finish(s.hi, s.lo + t.lo);
}

static inline wide w_neg(wide a) { return w_make(-a.hi, -a.lo); }
static inline wide w_sub(wide a, wide b) { return w_add(a, w_neg(b)); }

static inline wide w_mul(wide a, wide b)
{
    wide p = two_prod(a.hi, b.hi);
    if (!isfinite(p.hi))
        return w_make(p.hi, 0.0);
    return w_finish(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

static inline wide w_mul_r(wide a, real b) { return w_mul(a, w_of(b)); }

/* a / b to double-double: one long-division step on the remainder. */
static inline wide w_div(wide a, wide b)
{
    double q1 = a.hi / b.hi;
    if (!isfinite(q1) || q1 == 0.0)
        return w_make(q1, 0.0);
    wide p = w_mul(w_of(q1), b);
    wide r = w_sub(a, p);
    return w_finish(q1, r.hi / b.hi);
}

/* scale * x + bias, exactly up to the ~106-bit representation. */
static inline wide w_affine(real scale, real x, real bias)
{
    return w_add(two_prod(scale, x), w_of(bias));
}

static inline int w_gt(wide a, wide b)
{
    return a.hi > b.hi || (a.hi == b.hi && a.lo > b.lo);
}

/* exp(d) for d <= 0 (or -inf, giving 0): exp(hi + lo) = exp(hi) (1 + lo)
 * to within lo^2 / 2, and |lo| <= 2^-53 |hi| <= 2^-43 here, so the error is
 * libm's exp on hi alone (glibc: under 0.52 ulp). */
static inline wide w_exp(wide d)
{
    if (d.hi == -HUGE_VAL)
        return w_zero();
    double e = exp(d.hi);
    return w_make(e, e * d.lo);
}

/* A row's sum of exponentials below SMX_TINY_SUM may hold subnormal terms,
 * each rounded on the subnormal grid; such a sum is formed again from
 * w_exp_up(d) = exp(d) 2^SMX_SUM_UP, where no term is subnormal, and
 * w_down brings it back with one rounding. */
#define SMX_TINY_SUM 0x1p-900
#define SMX_SUM_UP 200
static inline wide w_exp_up(wide d)
{
    const wide ln2_200 = w_make(0x1.1542457337d43p+7, -0x1.e3948c376279dp-49); /* 200 ln 2 */
    return w_exp(w_add(d, ln2_200));
}
static inline wide w_down(wide s) { return w_make(ldexp(s.hi + s.lo, -SMX_SUM_UP), 0.0); }

/* The bits of a double, and the double of some bits. */
static inline uint64_t w_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}
static inline double w_from_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* For m in [1 + i/64, 1 + (i+1)/64): the integer nearest 16 log2 m at
 * the middle of the interval (by the mean of its ends), within 0.65 of
 * 16 log2 m everywhere in it. */
static const unsigned char smx__log2_16_of_bin[64] = {
    0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5,
    5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9,
    9, 10, 10, 10, 10, 11, 11, 11, 11, 12, 12, 12, 12, 12, 13, 13,
    13, 13, 13, 14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 16, 16, 16,
};

/* log1p(t) for t >= 0 (NaN and +inf give themselves), within 2^-63
 * relative.  Write 1 + t = 2^e (m + l), m in [1, 2), and take
 * j = smx__log2_16_of_bin of m's leading bits, c = 2^(j/16), so that
 * |log((m + l) / c)| < 0.029 and
 *     log1p(t) = (16 e + j) ln2/16 + 2 atanh(s),  s = (m + l - c) / (m + l + c),
 * |s| < 0.015, 2 atanh(s) = 2s + s^3 (2/3 + 2/5 s^2 + ... + 2/11 s^8)
 * within 2^-77.  c is a double-double from the table of 2^(j/16);
 * m - c is exact and s is formed in double-double; the tail s^3 (...),
 * below 2^-13 of the result, costs under 2^-63 in plain double.  For
 * e = j = 0 the numerator is t itself, so a tiny t keeps every digit.
 * No libm call and a short chain of dependent operations: a short row
 * waits for it. */
/* The vector kernels define SMX_WIDE_INLINE_LOG1P: there a call returned
 * the pair through memory, and reading it back stalled their short-row
 * loops (cross-entropy on rows of 3 took a quarter longer).  The scalar
 * kernels keep the call, and the compiler's inlining for their per-entry
 * operations. */
#if defined(SMX_WIDE_INLINE_LOG1P) && defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline wide w_log1p(wide t)
{
    if (!(t.hi > 0.0 && t.hi < HUGE_VAL)) /* 0 (exactly), NaN, +inf */
        return w_make(t.hi, 0.0);
    if (t.hi < 0x1p-100) /* log1p(t) = t (1 - t/2 ...), and t/2 may underflow */
        return t;
    double kd = 0.0;
    if (t.hi > 0x1p1000) { /* log1p(t) = log1p(t 2^-600) + 600 ln 2 within 2^-400 */
        t = w_make(t.hi * 0x1p-600, t.lo * 0x1p-600);
        kd = 9600.0;
    }
    const wide u = two_sum(1.0, t.hi); /* 1 + t = u.hi + (u.lo + t.lo) */
    const uint64_t bits = w_bits(u.hi); /* u.hi >= 1: normal, positive */
    const int e = (int)(bits >> 52) - 1023;
    const int j = smx__log2_16_of_bin[(bits >> 46) & 63];
    kd += 16.0 * e + j;

    double nh, nl, dh, dl; /* s = (nh + nl) / (dh + dl) */
    if (e == 0 && j == 0) {
        nh = t.hi;
        nl = t.lo;
        dh = 2.0 + t.hi;
        dl = (2.0 - dh + t.hi) + t.lo;
    } else {
        const double m = w_from_bits((bits & 0x000fffffffffffffu) | 0x3ff0000000000000u);
        const double l = (u.lo + t.lo) * w_from_bits((uint64_t)(1023 - e) << 52);
        const double ch = j < 16 ? smx__exp2_16_hi[j & 15] : 2.0;
        const double cl = j < 16 ? smx__exp2_16_lo[j & 15] : 0.0;
        nh = m - ch; /* exact: m / c is near 1 */
        nl = l - cl;
        const wide d = fast_two_sum(ch, m); /* m, c in [1, 2), or c = 2 */
        dh = d.hi;
        dl = d.lo + (l + cl);
    }
    /* the quotient from the reciprocal, then one correction from the
     * remainder */
    const double inv = 1.0 / dh;
    const double sh = nh * inv;
    const double sl = (fma(-sh, dh, nh) + (nl - sh * dl)) * inv;

    const double w = sh * sh, w2 = w * w;
    const double q =
        (2.0 / 3.0 + 2.0 / 5.0 * w) + w2 * ((2.0 / 7.0 + 2.0 / 9.0 * w) + w2 * (2.0 / 11.0));
    /* s^3 q, with the low part of s in its leading term 2/3 s^3 */
    const double tail = (sh * w) * q + 2.0 * w * sl;

    /* k ln2/16 + 2s + tail, k = 16 e + j; ln2/16 = C1 + C2, C1 of 29
     * bits, so k C1 is exact, and |2s| < k C1 unless k = 0 */
    const wide hi = fast_two_sum(kd * 0x1.62e42ff000000p-5, 2.0 * sh);
    return fast_two_sum(hi.hi, hi.lo + ((kd * -0x1.718432a1b0e26p-39 + 2.0 * sl) + tail));
}

/* a 2^e, exact while the result is normal; an infinite high part keeps a
 * zero low part.  Losses past the top of the range are carried as
 * a 2^-SMX_BIG_SHIFT (loss_sum.h). */
static inline wide w_ldexp(wide a, int e)
{
    const double hi = ldexp(a.hi, e);
    return isfinite(hi) ? w_make(hi, ldexp(a.lo, e)) : w_make(hi, 0.0);
}

/* The one rounding to the output type. */
static inline real w_round(wide a) { return a.hi + a.lo; }

/* e * f rounded once to double, for e = exp(d), d <= 0 and f of moderate
 * size.  Where exp(d) is subnormal (d below about -708), its rounding
 * there costs up to half the smallest subnormal, which f > 1 would then
 * multiply: the product is formed as exp(d + 128 ln 2) f in the normal
 * range and scaled by 2^-128 at the one final rounding. */
#define SMX_EXP_SUBNORMAL_CUTOFF (-700.0)
static inline real w_exp_mul_round(wide e, wide d, wide f)
{
    if (d.hi >= SMX_EXP_SUBNORMAL_CUTOFF)
        return w_round(w_mul(e, f));
    const wide ln2_128 = w_make(0x1.62e42fefa39efp+6, 0x1.abc9e3b39803fp-49); /* 128 ln 2 */
    return ldexp(w_round(w_mul(w_exp(w_add(d, ln2_128)), f)), -128);
}

#endif
