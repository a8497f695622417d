/*
 * reference_mpfr.c — the exact references of the accuracy suite
 * (reference_mpfr.h), in MPFR at REF_PREC bits, rounding to nearest.
 */
#include "reference_mpfr.h"

#include <math.h>
#include <stdlib.h>

#define RN MPFR_RNDN

void ref_setup(void)
{
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
}

mpfr_t *ref_array_new(size_t n)
{
    mpfr_t *a = malloc((n ? n : 1) * sizeof *a);
    if (!a)
        abort();
    for (size_t k = 0; k < n; k++)
        mpfr_init2(a[k], REF_PREC);
    return a;
}

void ref_array_free(mpfr_t *a, size_t n)
{
    if (!a)
        return;
    for (size_t k = 0; k < n; k++)
        mpfr_clear(a[k]);
    free(a);
}

/* ------------------------------------------------------------------------ */
/* Forward                                                                   */
/* ------------------------------------------------------------------------ */

void ref_row_init(ref_row *r, const double *x, const uint64_t *count, size_t n, double scale,
                  const double *bias, const uint8_t *keep)
{
    r->n = n;
    mpfr_inits2(REF_PREC, r->max, r->sum, r->others, r->log_sum, (mpfr_ptr)0);
    r->shift = ref_array_new(n);
    r->e = ref_array_new(n);

    /* z_k = scale * x_k + bias_k, exactly (a product of two doubles has
     * 106 bits, and the sum fits in 256 unless the exponents are more than
     * 150 apart, when the bias or the product is negligible anyway). */
    size_t top = 0;
    mpfr_set_inf(r->max, -1);
    for (size_t k = 0; k < n; k++) {
        mpfr_ptr z = r->shift[k];
        if (keep && !keep[k]) {
            mpfr_set_inf(z, -1);
            continue;
        }
        mpfr_set_d(z, x[k], RN);
        if (scale != 1.0)
            mpfr_mul_d(z, z, scale, RN);
        if (bias)
            mpfr_add_d(z, z, bias[k], RN);
        if (mpfr_greater_p(z, r->max)) {
            mpfr_set(r->max, z, RN);
            top = k;
        }
    }

    /* d_k = z_k - m, e_k = exp(d_k), and the sum without one copy of the
     * maximum's exp(0) = 1:  others = S - 1.  Keeping it apart keeps
     * log S = log1p(others) and y - 1 = -others / S accurate however
     * small `others` is (1 + 1e-300 does not fit in 256 bits). */
    mpfr_t term;
    mpfr_init2(term, REF_PREC);
    mpfr_set_zero(r->others, 1);
    for (size_t k = 0; k < n; k++) {
        mpfr_sub(r->shift[k], r->shift[k], r->max, RN); /* -inf - m = -inf */
        mpfr_exp(r->e[k], r->shift[k], RN);               /* exp(-inf) = 0 */
        const unsigned long c = (count ? (unsigned long)count[k] : 1ul) - (k == top);
        mpfr_mul_ui(term, r->e[k], c, RN);
        mpfr_add(r->others, r->others, term, RN);
    }
    mpfr_add_ui(r->sum, r->others, 1, RN);
    mpfr_log1p(r->log_sum, r->others, RN);
    mpfr_clear(term);
}

void ref_row_clear(ref_row *r)
{
    mpfr_clears(r->max, r->sum, r->others, r->log_sum, (mpfr_ptr)0);
    ref_array_free(r->shift, r->n);
    ref_array_free(r->e, r->n);
}

void ref_softmax(mpfr_t out, const ref_row *r, size_t k) { mpfr_div(out, r->e[k], r->sum, RN); }

void ref_log_softmax(mpfr_t out, const ref_row *r, size_t k)
{
    mpfr_sub(out, r->shift[k], r->log_sum, RN);
}

static void max_abs(mpfr_t out, mpfr_srcptr a, mpfr_srcptr b);

void ref_logsumexp(mpfr_t out, const ref_row *r) { mpfr_add(out, r->max, r->log_sum, RN); }

void ref_logsumexp_scale(mpfr_t out, const ref_row *r) { max_abs(out, r->max, r->log_sum); }

void ref_softmax_minus_onehot(mpfr_t out, const ref_row *r, size_t k, size_t c)
{
    /* At the label y_c - 1 = (e_c - 1 - others) / S = (expm1(d_c) - others) / S:
     * no term is rounded near 1, so y_c - 1 keeps its relative accuracy
     * however close y_c is to 1. */
    if (k == c) {
        mpfr_expm1(out, r->shift[k], RN);
        mpfr_sub(out, out, r->others, RN);
        mpfr_div(out, out, r->sum, RN);
    } else {
        ref_softmax(out, r, k);
    }
}

void ref_minus_log_prob(mpfr_t out, const ref_row *r, size_t k)
{
    mpfr_sub(out, r->log_sum, r->shift[k], RN);
}

/* ------------------------------------------------------------------------ */
/* Cross-entropy                                                             */
/* ------------------------------------------------------------------------ */

/* n a_k = (1 - eps) w_c n [k == c] + eps w_k (hard label c, t NULL) or
 * w_k ((1 - eps) n t_k + eps) (soft targets t), exactly: eps, w, t and
 * 1 - eps have at most 53 significant bits, their products 159, and n is
 * small. */
static void scaled_target_weight(mpfr_t na, size_t n, size_t k, size_t c, const double *t,
                                 double eps, const double *w)
{
    mpfr_t u;
    mpfr_init2(u, REF_PREC);
    if (t) {
        mpfr_set_d(u, eps, RN);
        mpfr_ui_sub(u, 1, u, RN); /* 1 - eps */
        mpfr_mul_d(u, u, t[k], RN);
        mpfr_mul_ui(u, u, (unsigned long)n, RN);
        mpfr_add_d(na, u, eps, RN);
        mpfr_mul_d(na, na, w ? w[k] : 1.0, RN);
        mpfr_clear(u);
        return;
    }
    mpfr_set_d(na, eps, RN);
    mpfr_mul_d(na, na, w ? w[k] : 1.0, RN);
    if (k == c) {
        mpfr_set_d(u, eps, RN);
        mpfr_ui_sub(u, 1, u, RN); /* 1 - eps */
        mpfr_mul_d(u, u, w ? w[c] : 1.0, RN);
        mpfr_mul_ui(u, u, (unsigned long)n, RN);
        mpfr_add(na, na, u, RN);
    }
    mpfr_clear(u);
}

/* sum_k (n a_k) (-l_k) / n, -l_k = minus_log(k). */
static void target_loss(mpfr_t out, const ref_row *r, size_t c, const double *t, double eps,
                        const double *w)
{
    mpfr_t a, l;
    mpfr_inits2(REF_PREC, a, l, (mpfr_ptr)0);
    mpfr_set_zero(out, 1);
    for (size_t k = 0; k < r->n; k++) {
        scaled_target_weight(a, r->n, k, c, t, eps, w);
        if (mpfr_zero_p(a))
            continue; /* 0 * log 0 = 0 */
        ref_minus_log_prob(l, r, k);
        mpfr_mul(l, l, a, RN);
        mpfr_add(out, out, l, RN);
    }
    mpfr_div_ui(out, out, (unsigned long)r->n, RN);
    mpfr_clears(a, l, (mpfr_ptr)0);
}

static void target_total(mpfr_t out, size_t n, size_t c, const double *t, double eps,
                         const double *w)
{
    mpfr_t a;
    mpfr_init2(a, REF_PREC);
    mpfr_set_zero(out, 1);
    for (size_t k = 0; k < n; k++) {
        scaled_target_weight(a, n, k, c, t, eps, w);
        mpfr_add(out, out, a, RN);
    }
    mpfr_clear(a);
}

static void target_grad(mpfr_t out, const ref_row *r, size_t k, size_t c, const double *t,
                        double eps, const double *w, mpfr_srcptr total)
{
    /* softmax_k A - a_k = (e_k (n A) - S (n a_k)) / (n S), with the
     * numerator written as expm1(d_k) (n A) + (n A - n a_k) - others (n a_k):
     * n A - n a_k is exact and no term is rounded near a larger one, so a
     * result that cancels keeps its accuracy down to 2^-250 of the terms,
     * and an exact 0 (a flat row at eps = 1) stays 0.  That holds while e_k
     * is near 1; for a small e_k the direct form is exact enough. */
    mpfr_t na, u;
    mpfr_inits2(REF_PREC, na, u, (mpfr_ptr)0);
    scaled_target_weight(na, r->n, k, c, t, eps, w);
    if (mpfr_cmp_si(r->shift[k], -1) > 0) {
        /* e_k near 1: the form above */
        mpfr_expm1(out, r->shift[k], RN);
        mpfr_mul(out, out, total, RN);
        mpfr_sub(u, total, na, RN);
        mpfr_add(out, out, u, RN);
        mpfr_mul(u, r->others, na, RN);
        mpfr_sub(out, out, u, RN);
    } else {
        /* e_k < 1/e: expm1(d_k) + 1 would round e_k away (it may be
         * 2^-1000), so the direct form e_k (n A) - S (n a_k). */
        mpfr_mul(out, r->e[k], total, RN);
        mpfr_mul(u, r->sum, na, RN);
        mpfr_sub(out, out, u, RN);
    }
    mpfr_div(out, out, r->sum, RN);
    mpfr_div_ui(out, out, (unsigned long)r->n, RN);
    mpfr_clears(na, u, (mpfr_ptr)0);
}

void ref_ce_loss(mpfr_t out, const ref_row *r, size_t c, double eps, const double *w)
{
    target_loss(out, r, c, NULL, eps, w);
}

void ref_ce_total(mpfr_t out, const ref_row *r, size_t c, double eps, const double *w)
{
    target_total(out, r->n, c, NULL, eps, w);
}

void ref_ce_grad(mpfr_t out, const ref_row *r, size_t k, size_t c, double eps, const double *w,
                 mpfr_srcptr total)
{
    target_grad(out, r, k, c, NULL, eps, w, total);
}

void ref_soft_loss(mpfr_t out, const ref_row *r, const double *t, double eps, const double *w)
{
    target_loss(out, r, 0, t, eps, w);
}

void ref_soft_total(mpfr_t out, const ref_row *r, const double *t, double eps, const double *w)
{
    target_total(out, r->n, 0, t, eps, w);
}

void ref_soft_grad(mpfr_t out, const ref_row *r, size_t k, const double *t, double eps,
                   const double *w, mpfr_srcptr total)
{
    target_grad(out, r, k, 0, t, eps, w, total);
}

void ref_target_weight(mpfr_t out, size_t n, size_t k, size_t c, const double *t, double eps,
                       const double *w)
{
    scaled_target_weight(out, n, k, c, t, eps, w);
    mpfr_div_ui(out, out, (unsigned long)n, RN);
}

void ref_nll_loss(mpfr_t out, const double *y, size_t n, size_t c, double eps, const double *w)
{
    mpfr_t a, l;
    mpfr_inits2(REF_PREC, a, l, (mpfr_ptr)0);
    mpfr_set_zero(out, 1);
    for (size_t k = 0; k < n; k++) {
        scaled_target_weight(a, n, k, c, NULL, eps, w);
        if (mpfr_zero_p(a))
            continue; /* 0 * log 0 = 0 */
        mpfr_set_d(l, -y[k], RN);
        mpfr_mul(l, l, a, RN);
        mpfr_add(out, out, l, RN);
    }
    mpfr_div_ui(out, out, (unsigned long)n, RN);
    mpfr_clears(a, l, (mpfr_ptr)0);
}

/* ------------------------------------------------------------------------ */
/* Backward                                                                  */
/* ------------------------------------------------------------------------ */

/* acc += count * a * b (a * b is exact: two doubles make 106 bits). */
static void add_product(mpfr_t acc, double a, double b, const uint64_t *count, size_t k)
{
    mpfr_t p;
    mpfr_init2(p, REF_PREC);
    mpfr_set_d(p, a, RN);
    mpfr_mul_d(p, p, b, RN);
    if (count)
        mpfr_mul_ui(p, p, (unsigned long)count[k], RN);
    mpfr_add(acc, acc, p, RN);
    mpfr_clear(p);
}

/* out = max(|a|, |b|) */
static void max_abs(mpfr_t out, mpfr_srcptr a, mpfr_srcptr b)
{
    if (mpfr_cmpabs(a, b) >= 0)
        mpfr_abs(out, a, RN);
    else
        mpfr_abs(out, b, RN);
}

void ref_softmax_backward(mpfr_t *out, mpfr_t *scale, const double *y, const double *dy,
                          const uint64_t *count, size_t n)
{
    mpfr_t dot, t;
    mpfr_inits2(REF_PREC, dot, t, (mpfr_ptr)0);
    mpfr_set_zero(dot, 1);
    for (size_t k = 0; k < n; k++)
        if (y[k] != 0)
            add_product(dot, y[k], dy[k], count, k);
    for (size_t k = 0; k < n; k++) {
        if (y[k] == 0) {
            mpfr_set_zero(out[k], 1);
            mpfr_set_zero(scale[k], 1);
            continue;
        }
        mpfr_set_d(t, dy[k], RN);
        max_abs(scale[k], t, dot);
        mpfr_mul_d(scale[k], scale[k], fabs(y[k]), RN);
        mpfr_sub(out[k], t, dot, RN);
        mpfr_mul_d(out[k], out[k], y[k], RN);
    }
    mpfr_clears(dot, t, (mpfr_ptr)0);
}

void ref_log_softmax_backward(mpfr_t *out, mpfr_t *scale, const double *y, const double *dy,
                              const uint64_t *count, size_t n)
{
    mpfr_t sum, t, p;
    mpfr_inits2(REF_PREC, sum, t, p, (mpfr_ptr)0);
    mpfr_set_zero(sum, 1);
    for (size_t k = 0; k < n; k++)
        if (y[k] != -HUGE_VAL)
            add_product(sum, dy[k], 1.0, count, k);
    for (size_t k = 0; k < n; k++) {
        if (y[k] == -HUGE_VAL) {
            mpfr_set_zero(out[k], 1);
            mpfr_set_zero(scale[k], 1);
            continue;
        }
        mpfr_set_d(p, y[k], RN);
        mpfr_exp(p, p, RN);
        mpfr_mul(p, p, sum, RN); /* exp(y_k) sum dy */
        mpfr_set_d(t, dy[k], RN);
        max_abs(scale[k], t, p);
        mpfr_sub(out[k], t, p, RN);
    }
    mpfr_clears(sum, t, p, (mpfr_ptr)0);
}

void ref_log_softmax_jvp(mpfr_t *out, mpfr_t *scale, const double *y, const double *dx,
                         const uint64_t *count, size_t n)
{
    /* The dot product's terms can cancel among themselves, so the scale
     * is sum_j exp(y_j) |dx_j| (smx.h), not |<exp(y), dx>|. */
    mpfr_t dot, mag, t;
    mpfr_inits2(REF_PREC, dot, mag, t, (mpfr_ptr)0);
    mpfr_set_zero(dot, 1);
    mpfr_set_zero(mag, 1);
    for (size_t k = 0; k < n; k++) {
        if (y[k] == -HUGE_VAL)
            continue;
        mpfr_set_d(t, y[k], RN);
        mpfr_exp(t, t, RN);
        mpfr_mul_d(t, t, dx[k], RN);
        if (count)
            mpfr_mul_ui(t, t, (unsigned long)count[k], RN);
        mpfr_add(dot, dot, t, RN);
        mpfr_abs(t, t, RN);
        mpfr_add(mag, mag, t, RN);
    }
    for (size_t k = 0; k < n; k++) {
        if (y[k] == -HUGE_VAL) {
            mpfr_set_zero(out[k], 1);
            mpfr_set_zero(scale[k], 1);
            continue;
        }
        mpfr_set_d(t, dx[k], RN);
        max_abs(scale[k], t, mag);
        mpfr_sub(out[k], t, dot, RN);
    }
    mpfr_clears(dot, mag, t, (mpfr_ptr)0);
}

void ref_jacobian(mpfr_t out, const double *y, size_t i, size_t j)
{
    /* y_i (delta_ij - y_j): 1 - y_j and the product are exact at 256 bits. */
    mpfr_set_d(out, -y[j], RN);
    if (i == j)
        mpfr_add_ui(out, out, 1, RN);
    mpfr_mul_d(out, out, y[i], RN);
}
