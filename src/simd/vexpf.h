/*
 * vexpf.h — exp in float lanes, for the f32 row kernels of src/simd/ on
 * the ISAs whose vec_*.h has float lanes (FW: AVX-512, AVX2, NEON).  Twice the
 * lanes of the double-lane vexp.h, so about half its cost per entry.
 *
 * f_exp_shifted(x, -m) gives e = exp(x - m) * 2^100, for x <= m, as an
 * unevaluated pair: hi = e rounded to float and lo = the rounding error
 * of that sum, exact.  The steps:
 *   - x - m exactly, as h + l (a two-sum): exp would turn the rounding
 *     of h, up to 2^-24 |h|, into a relative error of up to 50 ulp;
 *   - t = round(8 h / ln 2), r = (h - t ln2/8) + l with ln2/8 in two
 *     parts (t * hi is exact, and so is h - t * hi), |r| <= 0.0434;
 *   - exp(r) = 1 + p(r), p of degree 5 (truncation below 2^-36),
 *     written r + r^2 (1/2 + ...) so that its rounding stays near 2^-24 r;
 *   - 2^(t/8) = 2^n * (T_hi[j] + T_lo[j]), t = 8 n + j, with 2^(n+100)
 *     built from the bits of t's register;
 *   - e = 2^(n+100) (T_hi + (T_hi p + T_lo)): the products by 2^(n+100) are
 *     exact, and the last sum is a fast two-sum.
 * hi + lo is within about 2^-26.5 of e, relative: the argument's
 * rounding (2^-29) and the roundings of p and of T_hi p + T_lo (2^-28.5
 * each).  Measured: 2^-27.1 at worst over every float x in [-150, 0]
 * with m = 0, and 2^-26.8 over 1.6e8 random (x, m) with x - m in that
 * range.  That is under 1/6 of a float ulp, which a result's error has
 * beside its own rounding.
 *
 * The 2^100 keeps every e of x - m >= -150 normal (2^-117 and up), and
 * below -150 the pair is (0, 0), as for x = -inf: those terms, under
 * 2^-216 each, are too small to show in any float result, a sum of
 * others included.  The row kernels find NaN rows before calling this
 * (what it returns for a NaN is not specified).  No libm call, no branch.
 */
#ifndef SMX_SIMD_VEXPF_H
#define SMX_SIMD_VEXPF_H

#define EXPF_SCALE 0x1p100 /* f_exp_shifted's e is exp(x - m) times this */
#define EXPF_UNSCALE 0x1p-100

/* 2^(j/8) = T_hi[j] + T_lo[j], to 2^-48. */
static const float smx__exp2_8_hi[8] = {
    0x1p+0f, 0x1.172b84p+0f, 0x1.306fe0p+0f, 0x1.4bfdaep+0f,
    0x1.6a09e6p+0f, 0x1.8ace54p+0f, 0x1.ae89fap+0f, 0x1.d5818ep+0f,
};
static const float smx__exp2_8_lo[8] = {
    0.0f, -0x1.c15742p-27f, 0x1.4636e2p-25f, -0x1.593abcp-25f,
    0x1.9fcef4p-26f, 0x1.15506ep-27f, -0x1.a94b14p-26f, -0x1.822dbcp-27f,
};

/* e = exp(h + l) * 2^100 for h + l <= 0 (l = 0 when with_l is 0: h is
 * then taken as exact), as the pair hi + lo: the steps above after the
 * two-sum. */
static inline void f_exp_parts(vf h, vf l, int with_l, vf *hi, vf *lo)
{
    /* Lanes below -150 are zeroed at the end; raised to -155 first, they
     * keep every step below normal and finite (no slow subnormals). */
    const vf hc = f_max(f_set1(-155.0f), h);
    /* k = 1.5 * 2^23 + 8 * (100 + 127) + t: t in its low bits, and bits
     * 3..10 of k's bits are then n + 100 + 127, 2^(n+100)'s exponent field */
    const vf shift = f_set1(0x1.8p23f + 1816.0f);
    const vf k = f_fma(hc, f_set1(0x1.715476p+3f), shift); /* 8 / ln 2 */
    const vf t = f_sub(k, shift);
    vf r = f_fma(t, f_set1(-0x1.62ep-4f), hc);   /* ln2/8, its first 13 bits */
    r = f_fma(t, f_set1(-0x1.0bfbe8p-18f), r);   /* the rest */
    if (with_l)
        r = f_add(r, l);

    vf q = f_fma(r, f_set1(1.0f / 120), f_set1(1.0f / 24));
    q = f_fma(q, r, f_set1(1.0f / 6));
    q = f_fma(q, r, f_set1(0.5f));
    const vf p = f_fma(f_mul(r, r), q, r); /* exp(r) - 1 */

    const vf t_hi = f_table8(k, smx__exp2_8_hi), t_lo = f_table8(k, smx__exp2_8_lo);
    const vf scale = f_pow2_bits3(k);
    const vfm live = f_ge(h, f_set1(-150.0f));
    const vf a = f_and(live, f_mul(t_hi, scale));
    const vf b = f_and(live, f_mul(f_fma(t_hi, p, t_lo), scale));
    *hi = f_add(a, b);
    *lo = f_sub(b, f_sub(*hi, a)); /* |a| > 10 |b|: exact */
}

static inline void f_exp_shifted(vf x, vf neg_m, vf *hi, vf *lo)
{
    /* x - m = h + l */
    const vf h = f_add(x, neg_m);
    const vf xr = f_sub(h, neg_m);
    const vf mr = f_sub(h, xr);
    const vf l = f_add(f_sub(x, xr), f_sub(neg_m, mr));
    f_exp_parts(h, l, 1, hi, lo);
}

/* e = exp(x) * 2^100 for x <= 0, as f_exp_shifted(x, 0) without its
 * two-sum (x - 0 is exact). */
static inline void f_exp_scaled(vf x, vf *hi, vf *lo) { f_exp_parts(x, x, 0, hi, lo); }

#endif
