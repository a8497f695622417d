/*
 * reference_mpfr.h — the exact results the accuracy suite measures the
 * library against, computed with MPFR at REF_PREC bits.
 *
 * The inputs are the very doubles (or floats) the library receives, taken
 * exactly.  For a row x with maximum m:
 *
 *     d_k = x_k - m            exact (or within 2^-256 relative)
 *     e_k = exp(d_k)           rounded to REF_PREC bits
 *     S   = sum_k c_k e_k      c_k the multiplicity of value k (1 for plain rows)
 *     softmax_k = e_k / S,   log_softmax_k = d_k - log S,   lse = m + log S
 *
 * S - 1 (the sum of all but one copy of the maximum) is kept apart, and
 * log S is log1p(S - 1): near 1, S itself would round away the tiny
 * terms that decide log S and y - 1.
 *
 * With REF_PREC = 256 every reference value is within about 2^-240 of
 * the exact value relative, which is 2^-216 of a float ulp and 2^-187 of
 * a double ulp: the reference is exact for the purpose of a 2-ulp bound,
 * and rounding it to nearest gives the correctly rounded result.
 *
 * The backward references take y and dy as exact inputs (they do not
 * recompute y from scores): the library is measured on what it is given.
 */
#ifndef SMX_ACC_REFERENCE_MPFR_H
#define SMX_ACC_REFERENCE_MPFR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* before mpfr.h: declares the FILE functions */

#include <mpfr.h>

#define REF_PREC 256

/* Widens MPFR's exponent range to its maximum, so that no reference
 * value under- or overflows.  Call once before any other ref_ function. */
void ref_setup(void);

/* The statistics of one row of scores: everything the forward functions
 * and cross-entropy need.  n values, value k occurring count[k] times. */
typedef struct ref_row {
    size_t n;
    mpfr_t max;     /* m */
    mpfr_t sum;     /* S = sum_k count_k exp(d_k) */
    mpfr_t others;  /* S - 1: the sum without one copy of the maximum */
    mpfr_t log_sum; /* log S = log1p(others) */
    mpfr_t *shift;  /* d_k = x_k - m (-inf for a -inf score) */
    mpfr_t *e;      /* exp(d_k) */
} ref_row;

/* Computes the row statistics of z_k = scale * x_k + bias_k, with
 * entries where keep[k] == 0 removed (treated as -inf).  bias and keep
 * may be NULL; count == NULL means every value occurs once.  At least
 * one z_k must be finite and none NaN or +inf. */
void ref_row_init(ref_row *r, const double *x, const uint64_t *count, size_t n, double scale,
                  const double *bias, const uint8_t *keep);
void ref_row_clear(ref_row *r);

/* Forward results for entry k (or the row).  out has REF_PREC bits. */
void ref_softmax(mpfr_t out, const ref_row *r, size_t k);
void ref_log_softmax(mpfr_t out, const ref_row *r, size_t k);
void ref_logsumexp(mpfr_t out, const ref_row *r);
/* max(|m|, log S): the size of the terms logsumexp = m + log S adds. */
void ref_logsumexp_scale(mpfr_t out, const ref_row *r);
/* softmax_k - [k == c]: the gradient of the cross-entropy of label c. */
void ref_softmax_minus_onehot(mpfr_t out, const ref_row *r, size_t k, size_t c);
/* -log softmax_k = log S - d_k: the cross-entropy of label k. */
void ref_minus_log_prob(mpfr_t out, const ref_row *r, size_t k);

/* Cross-entropy with PyTorch's options (smx.h, smx_cross_entropy_ex_*),
 * for one row with hard label c, smoothing eps and class weights w (NULL:
 * all 1).  With a_k = (1 - eps) w_c [k == c] + (eps / n) w_k:
 *     loss_r = sum_k a_k (-log softmax_k)        (ref_ce_loss)
 *     n A    = n sum_k a_k                       (ref_ce_total; exact)
 *     grad_k = softmax_k * A - a_k               (ref_ce_grad, given n A;
 *                                                 before the mean's division)
 * Terms with a_k == 0 are left out (0 * log 0 = 0).  The gradient is
 * formed so that it keeps its accuracy where the two terms cancel. */
void ref_ce_loss(mpfr_t out, const ref_row *r, size_t c, double eps, const double *w);
void ref_ce_total(mpfr_t out, const ref_row *r, size_t c, double eps, const double *w);
void ref_ce_grad(mpfr_t out, const ref_row *r, size_t k, size_t c, double eps, const double *w,
                 mpfr_srcptr total);

/* The same for soft targets t (smx_cross_entropy_soft_*): a_k = w_k ((1 -
 * eps) t_k + eps / n). */
void ref_soft_loss(mpfr_t out, const ref_row *r, const double *t, double eps, const double *w);
void ref_soft_total(mpfr_t out, const ref_row *r, const double *t, double eps, const double *w);
void ref_soft_grad(mpfr_t out, const ref_row *r, size_t k, const double *t, double eps,
                   const double *w, mpfr_srcptr total);

/* a_k itself, for label c (t NULL) or soft targets t, in a row of n. */
void ref_target_weight(mpfr_t out, size_t n, size_t k, size_t c, const double *t, double eps,
                       const double *w);

/* The NLL of log-probabilities y (smx_nll_loss_*): sum_k a_k (-y_k) for the
 * hard-label a_k above, terms with a_k == 0 left out.  Its gradient is
 * -a_k (ref_target_weight), divided by the mean's denominator. */
void ref_nll_loss(mpfr_t out, const double *y, size_t n, size_t c, double eps, const double *w);

/* ------------------------------------------------------------------------ */
/* Backward references.  out[k] gets the exact result and scale[k] the      */
/* magnitude of its terms (the error is measured in ulp of the larger of    */
/* |out[k]| and scale[k]; docs/accuracy.md):                                */
/*   softmax backward      dx_k = y_k (dy_k - <dy, y>)                      */
/*                         scale_k = y_k max(|dy_k|, |<dy, y>|)             */
/*   log-softmax backward  dx_k = dy_k - exp(y_k) sum dy                    */
/*                         scale_k = max(|dy_k|, exp(y_k) |sum dy|)         */
/*   log-softmax JVP       dy_k = dx_k - <exp(y), dx>                       */
/*                         scale_k = max(|dx_k|, sum_j exp(y_j) |dx_j|)     */
/* Entries with y_k == 0 (softmax) or y_k == -inf (log-softmax) are absent: */
/* their result and scale are 0 and their dy is not in the reduction.       */
/* count == NULL: every entry once; else entry k stands for count[k] equal  */
/* entries (for the long rows).  out and scale are arrays of n mpfr_t,      */
/* initialised by the caller.                                               */
/* ------------------------------------------------------------------------ */

void ref_softmax_backward(mpfr_t *out, mpfr_t *scale, const double *y, const double *dy,
                          const uint64_t *count, size_t n);
void ref_log_softmax_backward(mpfr_t *out, mpfr_t *scale, const double *y, const double *dy,
                              const uint64_t *count, size_t n);
void ref_log_softmax_jvp(mpfr_t *out, mpfr_t *scale, const double *y, const double *dx,
                         const uint64_t *count, size_t n);
/* J_ij = y_i (delta_ij - y_j); the scale is |J_ij| itself. */
void ref_jacobian(mpfr_t out, const double *y, size_t i, size_t j);

/* An array of n mpfr_t at REF_PREC bits, and its release. */
mpfr_t *ref_array_new(size_t n);
void ref_array_free(mpfr_t *a, size_t n);

#endif
