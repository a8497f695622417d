/*
 * vexp.h — exp in double lanes, for the f32 kernels of src/simd/.
 * Include after a vec_*.h that defines vd and the v_* operations.
 *
 * exp(d) = 2^t * exp(r), t = round(d / ln 2), r = d - t ln 2 with ln 2 in
 * two parts (the fused multiply-add makes t * ln2_hi exact), |r| <= ln2/2;
 * exp(r) by its Taylor polynomial of degree 9, whose truncation error is
 * below 7e-12 relative (2^-37; Horner's rounding adds a few 2^-53), and
 * 2^t is built in the exponent bits.  Against a float's half ulp (2^-25)
 * that is 2^-12 of an ulp: the f32 results stay within their bounds.
 *
 * Domain: d <= 709 (where exp is finite), -inf and NaN.  Below -708 the
 * result is 0 (the exact value is below 2^-1021, far under the smallest
 * float), -inf gives 0 and NaN gives NaN.  No libm call, no branch.
 */
#ifndef SMX_SIMD_VEXP_H
#define SMX_SIMD_VEXP_H

static inline vd v_exp(vd d)
{
    const vd lo = v_set1(-708.0);
    /* operand order keeps a NaN d (v_max and v_min return their second
     * operand when either is NaN) */
    const vd dc = v_min(v_set1(709.0), v_max(lo, d));
    const vd t = v_round(v_mul(dc, v_set1(0x1.71547652b82fep0))); /* d / ln 2 */
    vd r = v_fma(t, v_set1(-0x1.62e42fefa39efp-1), dc);            /* ln2_hi */
    r = v_fma(t, v_set1(-0x1.abc9e3b39803fp-56), r);                 /* ln2_lo */

    vd p = v_set1(1.0 / 362880.0);
    p = v_fma(p, r, v_set1(1.0 / 40320.0));
    p = v_fma(p, r, v_set1(1.0 / 5040.0));
    p = v_fma(p, r, v_set1(1.0 / 720.0));
    p = v_fma(p, r, v_set1(1.0 / 120.0));
    p = v_fma(p, r, v_set1(1.0 / 24.0));
    p = v_fma(p, r, v_set1(1.0 / 6.0));
    p = v_fma(p, r, v_set1(0.5));
    p = v_fma(p, r, v_set1(1.0));
    p = v_fma(p, r, v_set1(1.0));

    /* 2^t: t + 1023 in the exponent field (t in [-1021, 1023]) */
    const vd two_t = v_shl52(v_add(t, v_set1(0x1.8p52 + 1023.0)));
    return v_if_lt(d, lo, v_set1(0.0), v_mul(p, two_t));
}

#endif
