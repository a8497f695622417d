/*
 * vexp.h — exp in double lanes, for the f32 kernels of src/simd/.
 * Include after a vec_*.h that defines vd and the v_* operations.
 *
 * exp(d) = 2^(t/16) * exp(r) with t = round(16 d / ln 2), r = d - t ln2/16
 * (ln2/16 in two parts; the fused multiply-adds keep t * hi exact), so
 * |r| <= ln2/32.  2^(t/16) = 2^n * T[j] for t = 16 n + j, T[j] = 2^(j/16)
 * rounded to double (a 16-entry table) and 2^n added to its exponent;
 * exp(r) = 1 + q(r), q the Taylor polynomial of degree 5, whose truncation
 * error is below 1.5e-13 relative (2^-42).  With the table's rounding and
 * Horner's, the result is within about 2^-50 relative of exp(d): 2^-26 of
 * a float ulp, so the f32 results stay within their bounds.
 *
 * Domain: d <= 709 (where exp is finite), -inf and NaN.  Below -708 the
 * result is 0 (the exact value is below 2^-1021, far under the smallest
 * float), -inf gives 0 and NaN gives NaN.  No libm call, no branch.
 */
#ifndef SMX_SIMD_VEXP_H
#define SMX_SIMD_VEXP_H

#include "simd/exp2_table.h"

/* exp(d) for d <= 709, -inf or NaN (a caller that may pass more lowers it
 * first, with v_min(v_set1(709.0), d): a NaN survives).  d is raised to
 * -708 first, so that no lane works on subnormal or wrapped
 * values (slow on some CPUs), and those lanes become 0 at the end; the
 * operand order keeps a NaN d (v_max returns its second operand when
 * either is NaN). */
static inline vd v_exp(vd d)
{
    const vd lo = v_set1(-708.0);
    const vd dc = v_max(lo, d);
    /* k = t + 1.5 * 2^52: adding the shift rounds 16 d / ln 2 to the
     * integer t, which then sits in k's low bits */
    const vd shift = v_set1(0x1.8p52);
    const vd k = v_fma(dc, v_set1(0x1.71547652b82fep+4), shift); /* 16 / ln 2 */
    const vd t = v_sub(k, shift);
    vd r = v_fma(t, v_set1(-0x1.62e42fefa39efp-5), dc); /* ln2/16, high part */
    r = v_fma(t, v_set1(-0x1.abc9e3b39803fp-60), r);    /* low part */

    vd q = v_fma(r, v_set1(1.0 / 120.0), v_set1(1.0 / 24.0));
    q = v_fma(q, r, v_set1(1.0 / 6.0));
    q = v_fma(q, r, v_set1(0.5));
    q = v_fma(q, r, v_set1(1.0));
    q = v_mul(q, r); /* exp(r) - 1 */

    /* 2^n * T[j]: n in [-1022, 1022] keeps the exponent field in range */
    const vd s = v_scale_by_k16(v_table16(k, smx__exp2_16_hi), k);
    return v_if_lt(d, lo, v_set1(0.0), v_fma(s, q, s));
}

#endif
