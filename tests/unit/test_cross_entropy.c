/*
 * test_cross_entropy.c — cross-entropy and NLL with PyTorch's options, for
 * f32 and f64 (docs/testing.md, "Cross-entropy options").
 *
 * The expected numbers are those of torch.nn.functional.cross_entropy, as
 * smx.h writes them: per row, with l = log_softmax(x), c the label, eps
 * the smoothing, w the class weights,
 *     l_r = (1 - eps) w_c (-l_c) + (eps / C) sum_k w_k (-l_k)
 *     gradient p * A - a,  a_k = (1 - eps) w_c [k == c] + (eps / C) w_k,
 *     A = sum_k a_k,
 * mean = sum_r l_r / sum_r w[label_r] over the rows not ignored; soft
 * targets t' = (1 - eps) t + eps / C with a_k = w_k t'_k and the mean over
 * rows; 0 * log 0 = 0.  ref_ce() evaluates exactly that in long double;
 * a few hand-derived values (uniform logits, two classes, smoothing,
 * weights) pin the formulas themselves.  Losses and gradients are held to
 * the 2-ulp contract.
 */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define INF ((long double)INFINITY)

/* ------------------------------------------------------------------------ */
/* The reference                                                              */
/* ------------------------------------------------------------------------ */

typedef struct ce_case {
    size_t rows, cols;
    const long double *x;       /* scores (or log-probabilities for NLL) */
    const int32_t *labels;      /* hard labels, or NULL */
    const long double *targets; /* soft targets, or NULL */
    smx_reduction reduction;
    int has_ignore_index;
    int32_t ignore_index;
    const long double *w; /* class weights, or NULL for all 1 */
    long double eps;      /* smoothing, as the dtype holds it */
    int nll;              /* x holds log-probabilities; gradient w.r.t. them */
} ce_case;

/* loss: rows values (none) or one; grad: rows * cols, the gradient of
 * the reduced loss (of the sum for none); gscale: max(|p_k A|, a_k) over
 * the same divisor, the size of the terms the gradient subtracts.
 * Returns the mean's divisor. */
static long double ref_ce(tctx *t, const ce_case *c, long double *loss, long double *grad,
                          long double *gscale)
{
    const size_t C = c->cols;
    long double *l = tld(t, C), *p = tld(t, C), *a = tld(t, C), *terms = tld(t, C);
    long double *row_loss = tld(t, c->rows), *norms = tld(t, c->rows);
    for (size_t r = 0; r < c->rows; r++) {
        const long double *xr = c->x + r * C;
        long double *gr = grad + r * C;
        const int32_t lab = c->labels ? c->labels[r] : -1;
        if (c->labels && c->has_ignore_index && lab == c->ignore_index) {
            row_loss[r] = norms[r] = 0;
            for (size_t k = 0; k < C; k++)
                gr[k] = 0;
            continue;
        }
        for (size_t k = 0; k < C; k++) {
            const long double wk = c->w ? c->w[k] : 1;
            if (c->labels)
                a[k] = (c->eps / C) * wk + ((size_t)lab == k ? (1 - c->eps) * wk : 0);
            else
                a[k] = wk * ((1 - c->eps) * c->targets[r * C + k] + c->eps / C);
        }
        const long double A = ld_sum(a, C);
        if (c->nll) {
            for (size_t k = 0; k < C; k++)
                l[k] = xr[k];
        } else {
            ref_log_softmax(l, xr, C);
            ref_softmax(p, xr, C);
        }
        for (size_t k = 0; k < C; k++)
            terms[k] = a[k] != 0 ? a[k] * -l[k] : 0; /* 0 * log 0 = 0 */
        row_loss[r] = ld_sum(terms, C);
        norms[r] = c->labels ? (c->w ? c->w[lab] : 1) : 1;
        for (size_t k = 0; k < C; k++) {
            gr[k] = c->nll ? -a[k] : p[k] * A - a[k];
            gscale[r * C + k] = c->nll ? fabsl(a[k]) : fmaxl(fabsl(p[k] * A), fabsl(a[k]));
        }
        if (c->labels && !c->nll && p[lab] > 0.5L) {
            /* p_c A - a_c without the cancellation of p_c near 1:
             * (eps / C) sum_{k != c} w_k - A sum_{k != c} p_k.  (For p_c <=
             * 1/2 this form would cancel instead: the direct one is kept.) */
            long double *o = tld(t, C), *ow = tld(t, C);
            for (size_t k = 0; k < C; k++) {
                o[k] = (size_t)lab == k ? 0 : p[k];
                ow[k] = (size_t)lab == k ? 0 : (c->w ? c->w[k] : 1);
            }
            gr[lab] = (c->eps / C) * ld_sum(ow, C) - A * ld_sum(o, C);
        }
    }
    const long double total = ld_sum(row_loss, c->rows), norm = ld_sum(norms, c->rows);
    if (c->reduction == SMX_REDUCTION_NONE) {
        for (size_t r = 0; r < c->rows; r++)
            loss[r] = row_loss[r];
        return 1;
    }
    if (c->reduction == SMX_REDUCTION_SUM) {
        loss[0] = total;
        return 1;
    }
    loss[0] = total / norm; /* 0 / 0 = NaN for no counted rows, as PyTorch */
    for (size_t i = 0; i < c->rows * C; i++) {
        grad[i] /= norm;
        gscale[i] /= norm;
    }
    return norm;
}

enum { CHECK_LOSS = 1, CHECK_GRADIENT = 2 };

/* Runs the dtype's function for the case and checks the loss and/or the
 * gradient (`checks`) against ref_ce within the contract.  Ignored rows:
 * gradient exactly 0. */
static void run_and_check(tctx *t, const ce_case *c, const char *what, int checks)
{
    const dtype *D = t->D;
    const size_t N = c->rows * c->cols;
    const size_t nloss = c->reduction == SMX_REDUCTION_NONE ? c->rows : 1;
    void *x = tvals(t, N, c->x), *dx = tvec(t, N), *loss = tvec(t, nloss);
    void *w = c->w ? tvals(t, c->cols, c->w) : NULL;
    const topts o = {c->reduction, c->has_ignore_index, c->ignore_index, w, (double)c->eps};
    smx_status st;
    if (c->targets)
        st = D->cross_entropy_soft(loss, dx, x, tvals(t, N, c->targets), c->rows, c->cols, &o);
    else if (c->nll)
        st = D->nll_loss(loss, dx, x, c->labels, c->rows, c->cols, &o);
    else
        st = D->cross_entropy_ex(loss, dx, x, c->labels, c->rows, c->cols, &o);
    CHECK(t, st == SMX_OK, "%s: status %d (%s)", what, (int)st, smx_strerror(st));

    long double *ref_loss = tld(t, nloss), *ref_grad = tld(t, N), *gscale = tld(t, N);
    const long double norm = ref_ce(t, c, ref_loss, ref_grad, gscale);
    if (checks & CHECK_LOSS)
        for (size_t i = 0; i < nloss; i++)
            CHECK_ULP(t, what, i, tget(t, loss, i), ref_loss[i], CONTRACT_ULP);
    if (!(checks & CHECK_GRADIENT) || norm == 0) /* no counted rows: gradient unset */
        return;
    char gwhat[128];
    snprintf(gwhat, sizeof gwhat, "%s gradient", what);
    for (size_t i = 0; i < N; i++) {
        const size_t r = i / c->cols;
        if (c->labels && c->has_ignore_index && c->labels[r] == c->ignore_index)
            CHECK_EXACT(t, gwhat, i, tget(t, dx, i), 0);
        else if (c->targets || c->eps != 0)
            /* p_k A - a_k may cancel (smx.h): 2 ulp of the larger term */
            CHECK_NEAR(t, gwhat, i, tget(t, dx, i), ref_grad[i],
                       CONTRACT_ULP * ulp_of(D, gscale[i]));
        else
            CHECK_ULP(t, gwhat, i, tget(t, dx, i), ref_grad[i], CONTRACT_ULP);
    }
}

/* ------------------------------------------------------------------------ */
/* Hand-derived values (what PyTorch prints for the same call)               */
/* ------------------------------------------------------------------------ */

/* With L = logsumexp(1, 2, 3) = 3 + log1p(e^-1 + e^-2):
 *   cross_entropy([[1,2,3]], [0])                     = L - 1
 *   ... label_smoothing = 0.25: L - (0.75 * 1 + 0.25 * mean(1,2,3)) = L - 1.25
 *   ... two rows, labels (0, 2), weight (2, 1, 0.5): (2 (L-1) + 0.5 (L-3)) / 2.5 = L - 1.4
 *   ... soft target (0.5, 0.5, 0): L - 1.5
 * Uniform logits over C classes: log C, gradient (1/C - onehot) / rows.
 * Two classes (1, 0): log1p(e^-1) for label 0, gradient -sigmoid(-1). */
#define L123 3.407605964444380304482919904545070451473L
#define LOG2 0.6931471805599453094172321214581765680755L
#define LOG4 1.386294361119890618834464242916353136151L
#define SOFTPLUS_M1 0.3132616875182228340489954949678556419153L /* log1p(e^-1) */
#define SIGMOID_M1 0.2689414213699951207488407581781637256349L  /* 1 / (1 + e) */

static void test_known_values(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    void *loss = tvec(t, 2), *dx = tvec(t, 8);
    void *x123 = tvals(t, 6, (long double[]){1, 2, 3, 1, 2, 3});

    tnote(t, "cross_entropy([[1,2,3]], [0])");
    CHECK_STATUS(t, D->cross_entropy(loss, dx, x123, (int32_t[]){0}, 1, 3), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), L123 - 1, CONTRACT_ULP);

    tnote(t, "label_smoothing 0.25");
    topts o = {SMX_REDUCTION_MEAN, 0, 0, NULL, 0.25};
    CHECK_STATUS(t, D->cross_entropy_ex(loss, dx, x123, (int32_t[]){0}, 1, 3, &o), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), L123 - 1.25L, CONTRACT_ULP);

    tnote(t, "weight (2, 1, 0.5), labels (0, 2)");
    void *w = tvals(t, 3, (long double[]){2, 1, 0.5L});
    o = (topts){SMX_REDUCTION_MEAN, 0, 0, w, 0};
    CHECK_STATUS(t, D->cross_entropy_ex(loss, dx, x123, (int32_t[]){0, 2}, 2, 3, &o), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), L123 - 1.4L, CONTRACT_ULP);

    tnote(t, "weight (2, 1, 0.5), labels (0, 2), label_smoothing 0.25");
    o.label_smoothing = 0.25;
    CHECK_STATUS(t, D->cross_entropy_ex(loss, dx, x123, (int32_t[]){0, 2}, 2, 3, &o), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), 1.934145865036973966074871239469319277282L,
              CONTRACT_ULP);

    tnote(t, "ignore_index -100, labels (0, -100)");
    o = (topts){SMX_REDUCTION_MEAN, 1, -100, NULL, 0};
    CHECK_STATUS(t, D->cross_entropy_ex(loss, dx, x123, (int32_t[]){0, -100}, 2, 3, &o), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), L123 - 1, CONTRACT_ULP);

    tnote(t, "soft target (0.5, 0.5, 0)");
    void *soft = tvals(t, 3, (long double[]){0.5L, 0.5L, 0});
    CHECK_STATUS(t, D->cross_entropy_soft(loss, dx, x123, soft, 1, 3, NULL), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), L123 - 1.5L, CONTRACT_ULP);

    tnote(t, "uniform logits, 4 classes, 2 rows");
    void *u = tvals(t, 8, (long double[]){0.5L, 0.5L, 0.5L, 0.5L, -7, -7, -7, -7});
    CHECK_STATUS(t, D->cross_entropy(loss, dx, u, (int32_t[]){1, 3}, 2, 4), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), LOG4, CONTRACT_ULP);
    for (size_t i = 0; i < 8; i++) {
        const int label = i == 1 || i == 7;
        CHECK_ULP(t, "gradient", i, tget(t, dx, i), (0.25L - label) / 2, CONTRACT_ULP);
    }

    tnote(t, "two classes (1, 0)");
    void *x2 = tvals(t, 4, (long double[]){1, 0, 1, 0});
    o = (topts){SMX_REDUCTION_NONE, 0, 0, NULL, 0};
    CHECK_STATUS(t, D->cross_entropy_ex(loss, dx, x2, (int32_t[]){0, 1}, 2, 2, &o), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), SOFTPLUS_M1, CONTRACT_ULP);
    CHECK_ULP(t, "loss", 1, tget(t, loss, 1), 1 + SOFTPLUS_M1, CONTRACT_ULP);
    const long double g2[4] = {-SIGMOID_M1, SIGMOID_M1, 1 - SIGMOID_M1, -(1 - SIGMOID_M1)};
    for (size_t i = 0; i < 4; i++)
        CHECK_ULP(t, "gradient", i, tget(t, dx, i), g2[i], CONTRACT_ULP);

    /* 0 * log 0 = 0: a zero target on a -inf score is no NaN. */
    tnote(t, "soft target (1, 0, 0) on scores (0, 0, -inf)");
    void *xi = tvals(t, 3, (long double[]){0, 0, -INF});
    void *t100 = tvals(t, 3, (long double[]){1, 0, 0});
    CHECK_STATUS(t, D->cross_entropy_soft(loss, dx, xi, t100, 1, 3, NULL), SMX_OK);
    CHECK_ULP(t, "loss", 0, tget(t, loss, 0), LOG2, CONTRACT_ULP);
    CHECK_EXACT(t, "gradient", 0, tget(t, dx, 0), -0.5L);
    CHECK_EXACT(t, "gradient", 1, tget(t, dx, 1), 0.5L);
    CHECK_EXACT(t, "gradient", 2, tget(t, dx, 2), 0);

    /* An all-zero target row: loss 0 and gradient exactly 0 (p * 0 - 0). */
    tnote(t, "all-zero soft target");
    void *t000 = tvals(t, 3, (long double[]){0, 0, 0});
    CHECK_STATUS(t, D->cross_entropy_soft(loss, dx, x123, t000, 1, 3, NULL), SMX_OK);
    CHECK_EXACT(t, "loss", 0, tget(t, loss, 0), 0);
    for (size_t k = 0; k < 3; k++)
        CHECK_EXACT(t, "gradient", k, tget(t, dx, k), 0);
}

/* A confident prediction: at the label the gradient p_c - 1 is minus the
 * small probability of the other classes, and must keep its digits (it is
 * formed from the others, never as a rounded p_c minus 1).  No options, so
 * that this holds apart from the option sweep below. */
static void test_confident_label_gradient(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    need_wide_reference(t);
    const long double gaps[] = {1, 5, 15, 30, 60, 100};
    enum { C = 4 };
    for (size_t gi = 0; gi < sizeof gaps / sizeof gaps[0]; gi++) {
        tnote(t, "label score leads by %Lg", gaps[gi]);
        const long double z[C] = {0.25L, gaps[gi], -0.5L, 0.75L};
        void *x = tvals(t, C, z), *loss = tvec(t, 1), *dx = tvec(t, C);
        long double p[C], l[C];
        ref_softmax(p, z, C);
        ref_log_softmax(l, z, C);
        CHECK_STATUS(t, D->cross_entropy(loss, dx, x, (int32_t[]){1}, 1, C), SMX_OK);
        CHECK_ULP(t, "loss -l_c", 0, tget(t, loss, 0), -l[1], CONTRACT_ULP);
        CHECK_ULP(t, "gradient at the label, -(p_0 + p_2 + p_3)", 1, tget(t, dx, 1),
                  -(p[0] + p[2] + p[3]), CONTRACT_ULP);
        for (size_t k = 0; k < C; k++)
            if (k != 1)
                CHECK_ULP(t, "gradient p_k", k, tget(t, dx, k), p[k], CONTRACT_ULP);
    }
}

/* ------------------------------------------------------------------------ */
/* Every option against the reference                                         */
/* ------------------------------------------------------------------------ */

/* A random batch: scores in [-spread, spread), labels in [0, cols) with
 * some set to `ignore`, weights multiples of 1/8 in [0, 2] with one 0. */
typedef struct batch {
    size_t rows, cols;
    long double *x, *w, *targets;
    int32_t *labels;
} batch;

static batch random_batch(tctx *t, rng *g, size_t rows, size_t cols, double spread,
                          int32_t ignore)
{
    batch b = {rows, cols, tld(t, rows * cols), tld(t, cols), tld(t, rows * cols),
               tlabels(t, rows, NULL)};
    for (size_t i = 0; i < rows * cols; i++) {
        b.x[i] = t->D->round(rng_uniform(g, -spread, spread));
        b.targets[i] = t->D->round(rng_unit(g) * (i % 3 == 0 ? 0 : 1)); /* not normalised */
    }
    for (size_t k = 0; k < cols; k++)
        b.w[k] = (long double)rng_below(g, 17) / 8;
    if (cols > 2)
        b.w[rng_below(g, cols)] = 0;
    for (size_t r = 0; r < rows; r++)
        b.labels[r] = (r % 4 == 3) ? ignore : (int32_t)rng_below(g, cols);
    return b;
}

static const double smoothings[] = {0, 0.1, 0.25, 1};
enum { NSMOOTH = sizeof smoothings / sizeof smoothings[0] };

enum { HARD = 4, SOFT = 8 };

/* reduction x ignore x weights x smoothing on random batches, hard labels
 * and/or soft targets, against the reference. */
static void sweep_options(tctx *t, int what)
{
    need_wide_reference(t);
    rng g = {0xCE000001};
    const size_t shapes[][2] = {{1, 1}, {1, 2}, {4, 3}, {7, 10}, {9, 33}, {3, 100}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t rows = shapes[s][0], cols = shapes[s][1];
        const int32_t ignore = cols > 1 ? 1 : -100;
        batch b = random_batch(t, &g, rows, cols, s % 2 ? 30 : 4, ignore);
        for (int red = 0; red < 3; red++) {
            for (int ig = 0; ig < 2; ig++) {
                for (int wt = 0; wt < 2; wt++) {
                    for (size_t e = 0; e < NSMOOTH; e++) {
                        tnote(t, "seed 0xCE000001, %zu x %zu, reduction %d, ignore %d, "
                                 "weights %d, smoothing %g",
                              rows, cols, red, ig, wt, smoothings[e]);
                        /* Without an ignore index, `ignore` must be a valid label. */
                        int32_t *labels = tlabels(t, rows, b.labels);
                        if (!ig)
                            for (size_t r = 0; r < rows; r++)
                                if (labels[r] < 0)
                                    labels[r] = 0;
                        const ce_case c = {.rows = rows,
                                           .cols = cols,
                                           .x = b.x,
                                           .labels = labels,
                                           .reduction = (smx_reduction)red,
                                           .has_ignore_index = ig,
                                           .ignore_index = ignore,
                                           .w = wt ? b.w : NULL,
                                           .eps = t->D->round(smoothings[e])};
                        if (what & HARD)
                            run_and_check(t, &c, "cross_entropy_ex", what);
                        ce_case soft = c;
                        soft.labels = NULL;
                        soft.targets = b.targets;
                        soft.has_ignore_index = 0;
                        if (what & SOFT && !ig)
                            run_and_check(t, &soft, "cross_entropy_soft", what);
                    }
                }
            }
        }
    }
}

static void test_option_losses_match_reference(void **state)
{
    sweep_options(*state, CHECK_LOSS | HARD | SOFT);
}

static void test_hard_label_gradients_match_reference(void **state)
{
    sweep_options(*state, CHECK_GRADIENT | HARD);
}

static void test_soft_target_gradients_match_reference(void **state)
{
    sweep_options(*state, CHECK_GRADIENT | SOFT);
}

/* NLL of log-probabilities, against the reference (gradient -a / norm). */
static void test_nll_matches_reference(void **state)
{
    tctx *t = *state;
    need_wide_reference(t);
    rng g = {0xCE000002};
    batch b = random_batch(t, &g, 6, 5, 10, 2);
    long double *logp = tld(t, 30);
    for (size_t r = 0; r < 6; r++)
        ref_log_softmax(logp + r * 5, b.x + r * 5, 5);
    for (size_t i = 0; i < 30; i++)
        logp[i] = t->D->round(logp[i]);
    for (int red = 0; red < 3; red++) {
        for (int wt = 0; wt < 2; wt++) {
            for (size_t e = 0; e < NSMOOTH; e++) {
                tnote(t, "seed 0xCE000002, reduction %d, weights %d, smoothing %g", red, wt,
                      smoothings[e]);
                const ce_case c = {.rows = 6,
                                   .cols = 5,
                                   .x = logp,
                                   .labels = b.labels,
                                   .reduction = (smx_reduction)red,
                                   .has_ignore_index = 1,
                                   .ignore_index = 2,
                                   .w = wt ? b.w : NULL,
                                   .eps = t->D->round(smoothings[e]),
                                   .nll = 1};
                run_and_check(t, &c, "nll_loss", CHECK_LOSS | CHECK_GRADIENT);
            }
        }
    }
}

/* nll_loss(log_softmax(x)) equals cross_entropy_ex(x) for every option:
 * the losses agree within their two roundings plus the effect of the
 * rounding of the log-probabilities; the gradients, chained through
 * log_softmax_backward, likewise. */
static void test_nll_of_log_softmax_is_cross_entropy(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xCE000003};
    enum { R = 8, C = 6, N = R * C };
    batch b = random_batch(t, &g, R, C, 12, 4);
    void *x = tvals(t, N, b.x), *w = tvals(t, C, b.w), *l = tvec(t, N);
    void *loss_ce = tvec(t, R), *loss_nll = tvec(t, R), *dx_ce = tvec(t, N);
    void *dl = tvec(t, N), *dx_chain = tvec(t, N);
    CHECK_STATUS(t, D->log_softmax(l, x, R, C), SMX_OK);
    long double *lv = tld(t, N);
    tload(t, lv, l, 0, N);
    const long double tol_l = 2.5L; /* 2 ulp of the rounded, 2.5 of the exact value */

    for (int red = 0; red < 3; red++) {
        for (int ig = 0; ig < 2; ig++) {
            for (int wt = 0; wt < 2; wt++) {
                for (size_t e = 0; e < NSMOOTH; e++) {
                    tnote(t, "seed 0xCE000003, reduction %d, ignore %d, weights %d, smoothing %g",
                          red, ig, wt, smoothings[e]);
                    int32_t *labels = tlabels(t, R, b.labels);
                    if (!ig)
                        for (size_t r = 0; r < R; r++)
                            labels[r] = labels[r] == 4 ? 0 : labels[r];
                    const topts o = {(smx_reduction)red, ig, 4, wt ? w : NULL, smoothings[e]};
                    CHECK_STATUS(t, D->cross_entropy_ex(loss_ce, dx_ce, x, labels, R, C, &o),
                                 SMX_OK);
                    CHECK_STATUS(t, D->nll_loss(loss_nll, dl, l, labels, R, C, &o), SMX_OK);
                    CHECK_STATUS(t, D->log_softmax_backward(dx_chain, l, dl, R, C), SMX_OK);

                    /* a_k of each row, for the propagated error of l. */
                    const long double eps = D->round(smoothings[e]);
                    long double norm = 0, *lerr = tld(t, R);
                    for (size_t r = 0; r < R; r++) {
                        if (ig && labels[r] == 4)
                            continue;
                        const long double wc = wt ? b.w[labels[r]] : 1;
                        norm += red == SMX_REDUCTION_MEAN ? wc : 0;
                        for (size_t k = 0; k < C; k++) {
                            const long double wk = wt ? b.w[k] : 1;
                            const long double a =
                                (eps / C) * wk + ((size_t)labels[r] == k ? (1 - eps) * wc : 0);
                            lerr[r] += a * tol_l * ulp_of(D, 2 * lv[r * C + k]);
                        }
                    }
                    if (red == SMX_REDUCTION_MEAN && norm == 0)
                        continue;
                    const size_t nloss = red == SMX_REDUCTION_NONE ? R : 1;
                    for (size_t i = 0; i < nloss; i++) {
                        const long double ce = tget(t, loss_ce, i), nl = tget(t, loss_nll, i);
                        long double prop = red == SMX_REDUCTION_NONE ? lerr[i] : ld_sum(lerr, R);
                        if (red == SMX_REDUCTION_MEAN)
                            prop /= norm;
                        CHECK_NEAR(t, "nll_loss(log_softmax(x)) vs cross_entropy_ex(x)", i, nl,
                                   ce, 2.5L * (ulp_of(D, 2 * ce) + ulp_of(D, 2 * nl)) + prop);
                    }
                    /* dx = g - exp(l) sum g, with g = -a / norm: errors of
                     * g, of exp(l) and of the two roundings. */
                    for (size_t r = 0; r < R; r++) {
                        long double gsum = 0, gerr = 0;
                        for (size_t k = 0; k < C; k++) {
                            const long double gk = tget(t, dl, r * C + k);
                            gsum += gk;
                            gerr += 2.5L * ulp_of(D, 2 * gk);
                        }
                        for (size_t k = 0; k < C; k++) {
                            const size_t i = r * C + k;
                            const long double s = expl(lv[i]), gk = tget(t, dl, i);
                            const long double mag = fabsl(gk) + s * fabsl(gsum);
                            const long double tol =
                                2.5L * (ulp_of(D, 2 * gk) + ulp_of(D, 2 * mag) +
                                        ulp_of(D, 2 * tget(t, dx_ce, i))) +
                                s * gerr + s * fabsl(gsum) * expm1l(tol_l * ulp_of(D, 2 * lv[i]));
                            CHECK_NEAR(t, "log_softmax_backward(nll gradient) vs cross_entropy "
                                          "gradient",
                                       i, tget(t, dx_chain, i), tget(t, dx_ce, i), tol);
                        }
                    }
                }
            }
        }
    }
}

/* The NLL in place (dx is y), without class weights, with and without
 * smoothing: the same losses and gradient bits as out of place.  (The
 * vector paths write such a chunk's gradient as one block: not before its
 * log-probabilities are read.) */
static void test_nll_in_place(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const long double yl[6] = {-1, -2, -3, -0.5L, -1.5L, -2.5L};
    const int32_t labels[2] = {1, 2};
    for (int smooth = 0; smooth < 2; smooth++) {
        tnote(t, "nll in place, smoothing %s", smooth ? "0.1" : "0");
        const topts o = {SMX_REDUCTION_NONE, 0, 0, NULL, smooth ? 0.1 : 0};
        void *y = tvals(t, 6, yl), *dx = tvec(t, 6), *loss = tvec(t, 2), *loss2 = tvec(t, 2);
        CHECK_STATUS(t, D->nll_loss(loss, dx, y, labels, 2, 3, &o), SMX_OK);
        CHECK_STATUS(t, D->nll_loss(loss2, y, y, labels, 2, 3, &o), SMX_OK);
        CHECK_BITS(t, "loss", loss2, loss, 2);
        CHECK_BITS(t, "dx", y, dx, 6);
    }
}

/* Scores near the top of the range, where x_k - m passes -max although
 * the loss does not (docs/accuracy.md, "Near the top of the range"): a
 * row (0.9 max, -0.9 max, ...) with label smoothing, class weights or soft
 * targets has a finite loss, as has the mean of rows whose sum passes max,
 * and the weighted mean of a row whose own loss does.  Where the exact
 * result passes max it is +inf.  Rows of 2, 5 and 40 entries and one of
 * 70000 (split into chunks) reach every kernel of a vector path. */
static long double *top_rows(tctx *t, size_t rows, size_t n, long double far)
{
    const dtype *D = t->D;
    long double *x = tld(t, rows * n);
    for (size_t r = 0; r < rows; r++) {
        x[r * n] = D->round(0.9L * D->max);
        x[r * n + 1] = D->round(far * D->max);
        for (size_t k = 2; k < n; k++) /* in between, exactly representable */
            x[r * n + k] = D->round(0.25L * D->max * (long double)((int)(k % 5) - 2));
    }
    return x;
}

static void test_losses_near_the_top_of_the_range(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const size_t lengths[] = {2, 5, 40, 70000};
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li];
        long double *x = top_rows(t, 2, n, -0.9L);
        long double *w = tld(t, n), *soft = tld(t, 2 * n);
        for (size_t k = 0; k < n; k++)
            w[k] = k == 1 ? 0.25L : 1;
        for (size_t r = 0; r < 2; r++) {
            soft[r * n] = 0.9375L;
            soft[r * n + 1] = 0.0625L;
        }
        const int32_t far[2] = {1, 1}, near_far[2] = {0, 1};

        tnote(t, "n = %zu: smoothing 0.1, labels (0, 1), one loss per row", n);
        ce_case c = {2, n, x, near_far, NULL, SMX_REDUCTION_NONE, 0, 0, NULL,
                     D->round(0.1L), 0};
        run_and_check(t, &c, "loss", CHECK_LOSS | CHECK_GRADIENT);

        tnote(t, "n = %zu: class weight 0.25 at the far label, no smoothing", n);
        c = (ce_case){2, n, x, far, NULL, SMX_REDUCTION_NONE, 0, 0, w, 0, 0};
        run_and_check(t, &c, "loss", CHECK_LOSS | CHECK_GRADIENT);
        c.reduction = SMX_REDUCTION_MEAN;
        run_and_check(t, &c, "mean", CHECK_LOSS | CHECK_GRADIENT);

        tnote(t, "n = %zu: soft targets (0.9375, 0.0625, 0 ...), with smoothing 0.1", n);
        c = (ce_case){2, n, x, NULL, soft, SMX_REDUCTION_NONE, 0, 0, NULL, 0, 0};
        run_and_check(t, &c, "loss", CHECK_LOSS | CHECK_GRADIENT);
        c.eps = D->round(0.1L);
        run_and_check(t, &c, "loss", CHECK_LOSS | CHECK_GRADIENT);

        /* two rows of 1.5 max each (m - x_1 = 1.5 max): their sum passes
         * max, their mean does not */
        long double *y = top_rows(t, 2, n, -0.6L);
        tnote(t, "n = %zu: the mean of two rows of loss 1.5 max", n);
        c = (ce_case){2, n, y, far, NULL, SMX_REDUCTION_MEAN, 0, 0, NULL, 0, 0};
        run_and_check(t, &c, "mean", CHECK_LOSS | CHECK_GRADIENT);
        c.eps = D->round(0.1L);
        run_and_check(t, &c, "mean with smoothing", CHECK_LOSS | CHECK_GRADIENT);
        tnote(t, "n = %zu: the plain cross-entropy's mean, and the sum (+inf)", n);
        void *xv = tvals(t, 2 * n, y), *loss = tvec(t, 2);
        CHECK_STATUS(t, D->cross_entropy(loss, NULL, xv, far, 2, n), SMX_OK);
        CHECK_ULP(t, "mean", 0, tget(t, loss, 0), (0.9L * D->max - y[1]) + 0, CONTRACT_ULP);
        const topts sum = {SMX_REDUCTION_SUM, 0, 0, NULL, 0};
        CHECK_STATUS(t, D->cross_entropy_ex(loss, NULL, xv, far, 2, n, &sum), SMX_OK);
        CHECK_EXACT(t, "sum", 0, tget(t, loss, 0), INF);
        const topts none = {SMX_REDUCTION_NONE, 0, 0, NULL, 0};
        CHECK_STATUS(t, D->cross_entropy_ex(loss, NULL, tvals(t, 2 * n, x), far, 2, n, &none), SMX_OK);
        CHECK_EXACT(t, "1.8 max", 0, tget(t, loss, 0), INF);

        /* one row of loss 1.8 max beside a row of loss 0: mean 0.9 max */
        tnote(t, "n = %zu: a row over max and a row of loss 0, mean", n);
        long double *z = tld(t, 2 * n);
        memcpy(z, x, n * sizeof *z);
        c = (ce_case){2, n, z, far, NULL, SMX_REDUCTION_MEAN, 0, 0, NULL, 0, 0};
        run_and_check(t, &c, "mean", CHECK_LOSS | CHECK_GRADIENT);

        /* NLL: log-probabilities down to -0.9 max; class weight 4 makes a
         * row's loss 3.6 max, its weighted mean 0.9 max */
        long double *lp = tld(t, 2 * n);
        for (size_t i = 0; i < 2 * n; i++)
            lp[i] = i % n == 1 ? D->round(-0.9L * D->max) : 0;
        long double *w4 = tld(t, n);
        for (size_t k = 0; k < n; k++)
            w4[k] = k == 1 ? 4 : 0.5L;
        tnote(t, "n = %zu: NLL of -0.9 max, mean of two rows", n);
        c = (ce_case){2, n, lp, far, NULL, SMX_REDUCTION_MEAN, 0, 0, NULL, 0, 1};
        run_and_check(t, &c, "nll mean", CHECK_LOSS | CHECK_GRADIENT);
        tnote(t, "n = %zu: NLL, class weight 4: rows of 3.6 max (+inf), mean 0.9 max", n);
        c.w = w4;
        run_and_check(t, &c, "nll weighted mean", CHECK_LOSS | CHECK_GRADIENT);
        c.eps = D->round(0.1L);
        run_and_check(t, &c, "nll weighted mean with smoothing", CHECK_LOSS | CHECK_GRADIENT);
        c.reduction = SMX_REDUCTION_NONE;
        run_and_check(t, &c, "nll weighted rows", CHECK_LOSS | CHECK_GRADIENT);
        void *lpv = tvals(t, 2 * n, lp), *w4v = tvals(t, n, w4);
        const topts wnone = {SMX_REDUCTION_NONE, 0, 0, w4v, 0};
        CHECK_STATUS(t, D->nll_loss(loss, NULL, lpv, far, 2, n, &wnone), SMX_OK);
        CHECK_EXACT(t, "3.6 max", 0, tget(t, loss, 0), INF);
        /* in place (dx is y): the same losses */
        void *lp2 = tcopy(t, lpv, 2 * n), *loss2 = tvec(t, 2);
        const topts wmean = {SMX_REDUCTION_MEAN, 0, 0, w4v, 0};
        CHECK_STATUS(t, D->nll_loss(loss, NULL, lpv, far, 2, n, &wmean), SMX_OK);
        CHECK_STATUS(t, D->nll_loss(loss2, lp2, lp2, far, 2, n, &wmean), SMX_OK);
        CHECK_BITS(t, "nll in place", loss2, loss, 1);
    }
}

/* Every row ignored: the mean is NaN (0/0, as PyTorch), the sum 0, and
 * every gradient 0.  Zero total weight: the mean is NaN as well. */
static void test_no_counted_rows(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    enum { R = 3, C = 4, N = R * C };
    void *x = tvals(t, N, (long double[]){1, 2, 3, 4, -1, 0, 1, 2, 5, 5, 5, 5});
    void *loss = tvec(t, R), *dx = tvec(t, N), *lp = tvec(t, N);
    CHECK_STATUS(t, D->log_softmax(lp, x, R, C), SMX_OK);
    int32_t *all_ignored = tlabels(t, R, (int32_t[]){-100, -100, -100});
    for (int red = 0; red < 3; red++) {
        for (int nll = 0; nll < 2; nll++) {
            tnote(t, "all rows ignored, reduction %d, %s", red, nll ? "nll" : "cross_entropy");
            const topts o = {(smx_reduction)red, 1, -100, NULL, 0.25};
            CHECK_STATUS(t,
                         nll ? D->nll_loss(loss, dx, lp, all_ignored, R, C, &o)
                             : D->cross_entropy_ex(loss, dx, x, all_ignored, R, C, &o),
                         SMX_OK);
            if (red == SMX_REDUCTION_MEAN)
                CHECK(t, isnan(tget(t, loss, 0)), "mean over no rows = %Lg, not NaN",
                      tget(t, loss, 0));
            else
                for (size_t r = 0; r < (red == SMX_REDUCTION_NONE ? R : 1u); r++)
                    CHECK_EXACT(t, "loss", r, tget(t, loss, r), 0);
            for (size_t i = 0; i < N; i++)
                CHECK_EXACT(t, "gradient of an ignored row", i, tget(t, dx, i), 0);
        }
    }
    tnote(t, "zero total weight");
    void *w = tvals(t, C, (long double[]){0, 1, 0, 1});
    const topts o = {SMX_REDUCTION_MEAN, 0, 0, w, 0};
    CHECK_STATUS(t, D->cross_entropy_ex(loss, NULL, x, (int32_t[]){0, 2, 2}, R, C, &o), SMX_OK);
    CHECK(t, isnan(tget(t, loss, 0)), "mean with zero total weight = %Lg, not NaN",
          tget(t, loss, 0));
}

/* The defaults three ways give the same bits: smx_cross_entropy, a NULL
 * options pointer, a zero-initialised options struct; and the loss does
 * not depend on whether a gradient is asked for. */
static void test_defaults_bitwise(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xCE000004};
    enum { R = 5, C = 9, N = R * C };
    batch b = random_batch(t, &g, R, C, 20, 0);
    void *x = tvals(t, N, b.x);
    void *l1 = tvec(t, 1), *l2 = tvec(t, 1), *l3 = tvec(t, 1), *l4 = tvec(t, 1);
    void *d1 = tvec(t, N), *d2 = tvec(t, N), *d3 = tvec(t, N);
    const topts zero = {0};
    CHECK_STATUS(t, D->cross_entropy(l1, d1, x, b.labels, R, C), SMX_OK);
    CHECK_STATUS(t, D->cross_entropy_ex(l2, d2, x, b.labels, R, C, NULL), SMX_OK);
    CHECK_STATUS(t, D->cross_entropy_ex(l3, d3, x, b.labels, R, C, &zero), SMX_OK);
    CHECK_STATUS(t, D->cross_entropy(l4, NULL, x, b.labels, R, C), SMX_OK);
    CHECK_BITS(t, "cross_entropy vs cross_entropy_ex(NULL): loss", l1, l2, 1);
    CHECK_BITS(t, "cross_entropy vs cross_entropy_ex(NULL): gradient", d1, d2, N);
    CHECK_BITS(t, "cross_entropy_ex(NULL) vs (zero options): loss", l2, l3, 1);
    CHECK_BITS(t, "cross_entropy_ex(NULL) vs (zero options): gradient", d2, d3, N);
    CHECK_BITS(t, "cross_entropy without dx: loss", l1, l4, 1);

    /* Sum and none are consistent with the mean: the unweighted mean is
     * the sum over rows, divided by rows; checked to the contract. */
    const topts none = {.reduction = SMX_REDUCTION_NONE};
    void *per_row = tvec(t, R);
    CHECK_STATUS(t, D->cross_entropy_ex(per_row, NULL, x, b.labels, R, C, &none), SMX_OK);
    long double *v = tld(t, R);
    tload(t, v, per_row, 0, R);
    CHECK_NEAR(t, "mean vs sum of per-row losses / rows", 0, tget(t, l1, 0), ld_sum(v, R) / R,
               2.5L * ulp_of(D, 2 * tget(t, l1, 0)) + 2.5L * R * ulp_of(D, 2 * ld_sum(v, R)) / R);

    /* Soft one-hot targets give the hard-label loss (both to the contract
     * of the same reference value). */
    void *onehot = tvec(t, N), *soft_loss = tvec(t, 1);
    for (size_t i = 0; i < N; i++)
        tset(t, onehot, i, (int32_t)(i % C) == b.labels[i / C]);
    CHECK_STATUS(t, D->cross_entropy_soft(soft_loss, NULL, x, onehot, R, C, NULL), SMX_OK);
    const ce_case c = {.rows = R, .cols = C, .x = b.x, .labels = b.labels};
    long double ref, *grad = tld(t, N), *gscale = tld(t, N);
    ref_ce(t, &c, &ref, grad, gscale);
    CHECK_ULP(t, "soft one-hot loss", 0, tget(t, soft_loss, 0), ref, CONTRACT_ULP);
    CHECK_ULP(t, "hard-label loss", 0, tget(t, l1, 0), ref, CONTRACT_ULP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SMX_TEST(test_known_values),
        SMX_TEST(test_confident_label_gradient),
        SMX_TEST(test_option_losses_match_reference),
        SMX_TEST(test_hard_label_gradients_match_reference),
        SMX_TEST(test_soft_target_gradients_match_reference),
        SMX_TEST(test_nll_matches_reference),
        SMX_TEST(test_nll_of_log_softmax_is_cross_entropy),
        SMX_TEST(test_no_counted_rows),
        SMX_TEST(test_nll_in_place),
        SMX_TEST(test_losses_near_the_top_of_the_range),
        SMX_TEST(test_defaults_bitwise),
    };
    return cmocka_run_group_tests_name("cross_entropy", tests, NULL, NULL);
}
