/*
 * vexp_dd.h — double-double arithmetic and exp in double lanes, for the
 * f64 kernels of src/simd/.  Include after a vec_*.h.
 *
 * The f64 kernels need each exponential to about 2^-58 relative, so that
 * a result rounded once to double stays near half an ulp.  exp(dh + dl),
 * for the pair dh + dl = x - m that v_two_sum gives exactly, is formed as
 *     2^n * (hi + lo),   t = round(16 dh / ln 2),  n = floor(t / 16),
 * with j = t - 16 n:
 *   - r = dh - t ln2/16 + dl.  ln2/16 = C1 + C2 with C1 of 29 bits, so
 *     that t * C1 (|t| < 2^15) and dh - t C1 are exact; |r| <= ln2/32 and
 *     its one rounding costs 2^-59.5 relative;
 *   - exp(r) - 1 = r + r^2 P(r), P the Taylor polynomial of degree 6,
 *     whose truncation error is under 2^-68;
 *   - 2^(j/16) = Th + Tl (a double-double table) and
 *     hi + lo = Th + Th r + Th r^2 P + Tl, the last sum exact (fast
 *     two-sum), the product Th r rounded once (2^-59.5 relative).
 * In all about 2^-58.5 relative: 1/45 of a double ulp.  Lanes below
 * -746 (where exp is below half the smallest subnormal, -inf included)
 * get hi = lo = 0; NaN gives NaN.  The caller applies 2^n with v_ldexp,
 * once, where the result is rounded, so a subnormal result is rounded
 * once too.
 */
#ifndef SMX_SIMD_VEXP_DD_H
#define SMX_SIMD_VEXP_DD_H

#include "simd/exp2_table.h"

/* a + b == s + *e exactly (Knuth's two-sum), for finite a, b. */
static inline vd v_two_sum(vd a, vd b, vd *e)
{
    const vd s = v_add(a, b);
    const vd bb = v_sub(s, a);
    *e = v_add(v_sub(a, v_sub(s, bb)), v_sub(b, bb));
    return s;
}

/* a * b == p + *e exactly (barring underflow). */
static inline vd v_two_prod(vd a, vd b, vd *e)
{
    const vd p = v_mul(a, b);
    *e = v_fma(a, b, v_sub(v_set1(0.0), p));
    return p;
}

/* The lowest argument with a nonzero exp in double (exp(-746) < 2^-1076). */
#define VEXP_DD_FLOOR (-746.0)

/* exp(dh + dl) = 2^(*n) (hi + *lo), hi returned, for dh <= 709.7 (a caller
 * that may pass more lowers it first), -inf or NaN; |dl| <= 2^-40. */
static inline vd v_exp_dd(vd dh, vd dl, vd *lo, vd *n)
{
    const vd floor = v_set1(VEXP_DD_FLOOR);
    const vd dc = v_max(floor, dh); /* a NaN dh survives (v_max's rule) */
    const vd shift = v_set1(0x1.8p52);
    const vd k = v_fma(dc, v_set1(0x1.71547652b82fep+4), shift); /* 16 / ln 2 */
    const vd t = v_sub(k, shift);
    const vd r1 = v_fma(t, v_set1(-0x1.62e42ff000000p-5), dc); /* exact */
    const vd r = v_add(r1, v_fma(t, v_set1(0x1.718432a1b0e26p-39), dl));

    vd p = v_fma(r, v_set1(1.0 / 40320.0), v_set1(1.0 / 5040.0));
    p = v_fma(p, r, v_set1(1.0 / 720.0));
    p = v_fma(p, r, v_set1(1.0 / 120.0));
    p = v_fma(p, r, v_set1(1.0 / 24.0));
    p = v_fma(p, r, v_set1(1.0 / 6.0));
    p = v_fma(p, r, v_set1(0.5));
    const vd q = v_mul(v_mul(r, r), p); /* exp(r) - 1 - r */

    const vd th = v_table16(k, smx__exp2_16_hi), tl = v_table16(k, smx__exp2_16_lo);
    const vd v = v_fma(th, r, v_fma(th, q, tl));
    const vd hi = v_add(th, v);
    const vd zero = v_set1(0.0);
    *lo = v_if_lt(dh, floor, zero, v_add(v_sub(th, hi), v));
    /* n = floor(t / 16): t / 16 - 15/32 lies within 15/32 of it */
    *n = v_round(v_fma(t, v_set1(0.0625), v_set1(-15.0 / 32.0)));
    return v_if_lt(dh, floor, zero, hi);
}

#endif
