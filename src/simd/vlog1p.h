/*
 * vlog1p.h — log1p in double lanes, for the f32 kernels of src/simd/ (the
 * log of a row's sum, 1 + others, in log-softmax and cross-entropy).
 * Include after a vec_*.h.
 *
 * For o >= 0: u = 1 + o rounded, and log1p(o) = log(u) + (o - (u - 1)) / u,
 * the second term restoring what the rounding of u lost.  log(u) splits u
 * into 2^k f, f in [sqrt(1/2), sqrt(2)), and takes
 * log f = 2 atanh(s) = 2 (s + s^3/3 + ... + s^15/15), s = (f - 1)/(f + 1),
 * |s| <= 0.172, whose truncation error is below 3e-13 relative (2^-41);
 * k ln 2 comes in two parts.  Against a float's half ulp that is 2^-17 of
 * an ulp.  o = 0 gives 0 exactly; NaN gives NaN.
 */
#ifndef SMX_SIMD_VLOG1P_H
#define SMX_SIMD_VLOG1P_H

static inline vd v_log1p(vd o)
{
    const vd one = v_set1(1.0);
    const vd u = v_add(one, o);
    const vd c = v_div(v_sub(o, v_sub(u, one)), u);
    vd k;
    const vd f = v_log_split(u, &k);
    const vd s = v_div(v_sub(f, one), v_add(f, one));
    const vd s2 = v_mul(s, s);
    vd p = v_set1(2.0 / 15.0);
    p = v_fma(p, s2, v_set1(2.0 / 13.0));
    p = v_fma(p, s2, v_set1(2.0 / 11.0));
    p = v_fma(p, s2, v_set1(2.0 / 9.0));
    p = v_fma(p, s2, v_set1(2.0 / 7.0));
    p = v_fma(p, s2, v_set1(2.0 / 5.0));
    p = v_fma(p, s2, v_set1(2.0 / 3.0));
    const vd log_f = v_fma(v_mul(p, s2), s, v_add(s, s)); /* 2s + s^3 p(s^2) */
    /* k ln2_hi is exact (k has at most 11 bits, ln2_hi ends in zeros) */
    const vd lo = v_fma(k, v_set1(0x1.abc9e3b39803fp-56), v_add(log_f, c));
    return v_fma(k, v_set1(0x1.62e42fefa39efp-1), lo);
}

#endif
