/*
 * loss_sum.h — a sum of losses that may pass the top of the range while
 * the result the caller wants does not: the mean of rows whose losses add
 * up past DBL_MAX, or one row's loss over DBL_MAX that a weighted mean
 * divides back into range.  Include after wide_f32.h or wide_f64.h.
 *
 * A loss_sum is the wide value v itself (big == 0), or v 2^SMX_BIG_SHIFT
 * (big == 1).  Sums stay plain, bit for bit as before, until an addition
 * of finite values overflows; from then on both sides are scaled down.
 * In the scaled form nothing a finite input gives can overflow again
 * (a loss term is at most a weight times 2 DBL_MAX, under 2^2049), and
 * what the scaling loses to the subnormal range is below 2^-50 in the
 * units of the loss, against a sum of at least DBL_MAX.
 */
#ifndef SMX_SCALAR_LOSS_SUM_H
#define SMX_SCALAR_LOSS_SUM_H

#include <math.h>

#define SMX_BIG_SHIFT 1024

typedef struct loss_sum {
    wide v;
    int big;
} loss_sum;

static inline loss_sum ls_plain(wide v)
{
    loss_sum r = {v, 0};
    return r;
}

/* The loss v 2^SMX_BIG_SHIFT, given v. */
static inline loss_sum ls_big(wide v)
{
    loss_sum r = {v, 1};
    return r;
}

static inline loss_sum ls_zero(void) { return ls_plain(w_zero()); }

/* A plain loss that overflowed from finite terms: +inf or -inf. */
static inline int ls_overflowed(wide v) { return isinf(w_hi(v)); }

/* The value in units of 2^SMX_BIG_SHIFT. */
static inline wide ls_scaled(loss_sum a) { return a.big ? a.v : w_ldexp(a.v, -SMX_BIG_SHIFT); }

static inline loss_sum ls_add(loss_sum a, loss_sum b)
{
    if (!a.big && !b.big) {
        const wide s = w_add(a.v, b.v);
        if (!ls_overflowed(s) || !isfinite(w_hi(a.v)) || !isfinite(w_hi(b.v)))
            return ls_plain(s);
    }
    return ls_big(w_add(ls_scaled(a), ls_scaled(b)));
}

/* The value rounded once to the output type (inf where it is over the
 * range). */
static inline real ls_round(loss_sum a)
{
    return w_round(a.big ? w_ldexp(a.v, SMX_BIG_SHIFT) : a.v);
}

/* The value divided by norm, rounded once. */
static inline real ls_mean(loss_sum a, wide norm)
{
    const wide q = w_div(a.v, norm);
    return w_round(a.big ? w_ldexp(q, SMX_BIG_SHIFT) : q);
}

/* The loss of one row in units of 2^SMX_BIG_SHIFT, for a row whose plain
 * sum overflowed: sum_k a_k (-l_k) 2^-SMX_BIG_SHIFT, one entry at a time
 * (a rare path), with the target weights of scalar/loss.inc:
 *     soft targets t:  a_k = w_k (keep t_k + spread)
 *     hard label c:    a_k = spread w_k, plus keep w_c at k = c
 * (w NULL: all 1), and -l_k = L - (x_k - m) for scores x, or -x_k when
 * x holds log-probabilities (the NLL: m and L unused). */
static inline wide ls_row_terms_scaled(const real *x, const real *t, const real *w, size_t n,
                                       long c, int log_probs, double m, wide L, wide keep,
                                       wide spread)
{
    const wide L_s = w_ldexp(L, -SMX_BIG_SHIFT), m_s = w_ldexp(w_of_double(m), -SMX_BIG_SHIFT);
    wide sum = w_zero();
    for (size_t k = 0; k < n; k++) {
        const wide wk = w ? w_of(w[k]) : w_of_double(1.0);
        wide a = t ? w_mul(wk, w_add(w_mul_r(keep, t[k]), spread)) : w_mul(spread, wk);
        if (c >= 0 && (size_t)c == k)
            a = w_add(a, w_mul(keep, wk));
        if (w_hi(a) == 0) /* 0 (-log 0) is no term */
            continue;
        const wide z_s = w_ldexp(w_of(x[k]), -SMX_BIG_SHIFT);
        sum = w_add(sum, w_mul(a, log_probs ? w_neg(z_s) : w_sub(L_s, w_sub(z_s, m_s))));
    }
    return sum;
}

/* The hard-label loss L - (x_c - m) as a loss_sum: scaled where x_c - m
 * passes -DBL_MAX. */
static inline loss_sum ls_label_loss(wide L, double x_c, double m)
{
    const wide plain = w_sub(L, w_sub(w_of_double(x_c), w_of_double(m)));
    if (!ls_overflowed(plain))
        return ls_plain(plain);
    return ls_big(w_sub(w_ldexp(L, -SMX_BIG_SHIFT),
                        w_sub(w_ldexp(w_of_double(x_c), -SMX_BIG_SHIFT),
                              w_ldexp(w_of_double(m), -SMX_BIG_SHIFT))));
}

#endif
