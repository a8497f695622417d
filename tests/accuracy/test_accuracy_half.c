/*
 * test_accuracy_half.c — the half-precision softmax family (bf16 and f16)
 * against MPFR: softmax, log-softmax (rows and axis), logsumexp (float),
 * the cross-entropy (plain, with PyTorch's options, at the smoothing
 * optimum, soft targets) and the NLL loss (losses in float, gradients in
 * half), the masked forms, both backward passes (rows and axis) and the
 * JVP, and long rows of 2^20 entries.
 *
 * The contract (smx.h, "The softmax family in half precision"): the
 * inputs are widened exactly, the f32 function computes, and each output
 * is rounded once to the half format.  So every half output is within 1
 * ulp of the half format of the exact result of the widened inputs
 * (faithful), and correctly rounded except where the exact result lies
 * within a few float ulp of a rounding boundary.  The reference is the
 * exact result of those widened inputs (reference_mpfr.h); each half
 * output is held to
 *   - 1 step from the correctly rounded half (acc_stats.bound, from CR),
 *   - |got - exact| <= 1 ulp(exact) of the half format, subnormal outputs
 *     by the format's fixed spacing (acc_stats.ulp_bound),
 *   - an infinite correctly rounded value met exactly (f16 results past
 *     65520),
 *   - where it is not correctly rounded, an exact value within 2.5 float
 *     ulp of the rounding boundary (acc_stats.boundary_bound): the f32
 *     result is within that of the exact value, and only there can its
 *     rounding to half go the other way,
 * and each function's fraction of correctly rounded outputs must be at
 * least MIN_ROUNDED: a path that rounds systematically wrong (truncates,
 * or rounds through an intermediate format) drops to about 50%.
 *
 * The differences (the backward passes, the JVP, the masked backward
 * passes, the cross-entropy gradient with smoothing or soft targets) get
 * from the f32 function only its bound of 2 float ulp of their scale
 * (smx.h): where their terms cancel, the f32 result may be far from the
 * exact one in its own ulp, and bf16, with float's range, keeps that.
 * They are held to 1 ulp of the half format of max(|exact|, scale)
 * (ACC_OF_SCALE), and to the rules above where they do not cancel
 * (|exact| >= scale / 2).  unit_half_differences shows the cases where
 * smx.h's "within 1 ulp of the exact result" fails for them.
 *
 * The float results (logsumexp, the losses) keep the f32 contract: 2
 * steps from the correctly rounded float, logsumexp 2 ulp of its scale.
 *
 * The inputs are the families of rows.c (the f32 rows rounded to the
 * half format), with the families that are about the format's range
 * (cutoffs, subnormal and tiny probabilities, huge scores, large offsets,
 * near-equal scores) rewritten for each format's own limits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "smx.h"

#include "half_api.h"
#include "measure.h"
#include "reference_mpfr.h"
#include "rows.h"

/* Steps from the correctly rounded half, and ulp of the exact result. */
#define HALF_BOUND 1
/* The f32 contract, for the float results. */
#define FLOAT_BOUND 2
/* The least fraction of correctly rounded outputs per function.  The f32
 * result is within about 1.5 float ulp of the exact value (the vector
 * paths' softmax), so it lands on the wrong side of a half rounding
 * boundary only when the exact value lies within that of the boundary:
 * at random a fraction of about 3 * 2^-(24 - p) of the outputs, 4e-4 for
 * f16 and 5e-5 for bf16.  Inputs that are half values put far more exact
 * results that close to a boundary: a difference of half values, or a
 * half value times 3 (the scale of the masked backward pass), often has
 * one bit more than the format and lies on a midpoint, and what the rest
 * of the row adds moves it by less than a float ulp (log-softmax of a row
 * led by one entry, l_k = x_k - m - log1p(tiny)).  There, rounding twice
 * (to float, then to half) goes the wrong way half the time: 98.3% of the
 * bf16 log_softmax_masked_backward outputs are correctly rounded, 99.0% of
 * the bf16 JVP's, 99.5-99.6% of log-softmax's.  So the fraction asserted
 * is 97.5%, which a format rounded the wrong way (truncated: about half
 * wrong) misses by far; every output that is not correctly rounded is
 * also checked to lie within the f32 error of its boundary
 * (boundary_bound, below), which catches a single wrong rounding. */
#define MIN_ROUNDED 0.975

/* Rows per case, one per label choice (the maximum, a random finite
 * entry, the smallest finite entry). */
#define ROWS 3
#define DUMP_MAX_COLS 64
#define LONG_LOG2 20

static const half_api *H;      /* the format under test */
static const acc_format *F;    /* its measure */

static void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        abort();
    return p;
}

static double dec(uint16_t h) { return (double)H->to_float(h); }

/* The encodings of half values (given as doubles); each must be exact. */
static uint16_t *encode(const double *v, size_t n)
{
    uint16_t *h = xmalloc(n * sizeof *h);
    for (size_t i = 0; i < n; i++) {
        h[i] = H->from_double(v[i]);
        if (!(dec(h[i]) == v[i] || (isnan(v[i]) && isnan(dec(h[i])))))
            fail_msg("%s input %a is not a %s value", H->name, v[i], H->name);
    }
    return h;
}

static double round_half(double v) { return acc_round_double(F, v); }

static void half_stats(acc_stats *s, const char *function, acc_mode mode)
{
    acc_stats_init(s, function, F, mode, HALF_BOUND);
    s->ulp_bound = HALF_BOUND;
    /* The f32 result is within 2.5 float ulp of the exact value (2 steps
     * from its correctly rounded float), or where a difference is bounded
     * by its scale and does not cancel (|exact| >= scale / 2), within 2
     * float ulp of twice the exact value: 4.  A float ulp is 2^(p - 24) of
     * the half format's spacing. */
    s->boundary_bound = ldexp(mode == ACC_FROM_CR ? 2.5 : 4.5, F->precision - 24);
}

static void float_stats(acc_stats *s, const char *function, acc_mode mode)
{
    acc_stats_init(s, function, &acc_f32, mode, FLOAT_BOUND);
}

/* Reports s, and fails on any failure and (for half results) on too few
 * correctly rounded outputs. */
static int finish_one(const acc_stats *s)
{
    acc_stats_report(s);
    int bad = s->failures != 0;
    if (acc_is_half(s->fmt) && acc_rounded_fraction(s) < MIN_ROUNDED) {
        printf("FAIL %s %s: %.4f%% correctly rounded, below %.1f%%\n", s->function,
               s->fmt->name, 100.0 * acc_rounded_fraction(s), 100.0 * MIN_ROUNDED);
        bad = 1;
    }
    return bad;
}

#define FINISH(...)                                                                          \
    do {                                                                                     \
        const acc_stats *all_[] = {__VA_ARGS__};                                             \
        int bad_ = 0;                                                                        \
        for (size_t i_ = 0; i_ < sizeof all_ / sizeof all_[0]; i_++)                         \
            bad_ |= finish_one(all_[i_]);                                                    \
        assert_false(bad_);                                                                  \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Row families in the half formats                                          */
/* ------------------------------------------------------------------------ */

/* ln of the format's limits: the largest value, the smallest normal, the
 * smallest subnormal and half of it (below which a probability rounds
 * to 0).  Products of exact constants: the same on every platform. */
typedef struct cutoffs {
    double overflow, normal, subnormal, zero;
} cutoffs;

#define LN2 0.6931471805599453

static cutoffs cutoffs_of(void)
{
    cutoffs c;
    c.overflow = H->precision == 8 ? 88.71892521235186 : 11.089866488461016;
    c.normal = F->min_normal_exp * LN2;
    c.subnormal = F->min_sub_exp * LN2;
    c.zero = (F->min_sub_exp - 1) * LN2;
    return c;
}

/* The spacing of the format at v (v finite, not 0). */
static double ulp_at(double v)
{
    int e;
    frexp(v, &e); /* |v| in [2^(e-1), 2^e) */
    const int u = e - F->precision;
    return ldexp(1, u < F->min_sub_exp ? F->min_sub_exp : u);
}

static double dist_cutoff(acc_rng *rng)
{
    const cutoffs c = cutoffs_of();
    const double at[4] = {c.normal, c.subnormal, c.zero, -acc_rng_range(rng, 0, 5)};
    return at[acc_rng_below(rng, 4)] + acc_rng_range(rng, -0.6, 0.6);
}

/* The maximum m at a random position, m + d elsewhere. */
static void place_below(double *x, size_t n, acc_rng *rng, double m, double (*dist)(acc_rng *))
{
    const size_t top = acc_rng_below(rng, n);
    for (size_t k = 0; k < n; k++)
        x[k] = k == top ? m : m + dist(rng);
}

/* Distances at the format's underflow cut-offs; a maximum near exp's
 * overflow threshold (of the format: 11.09 for f16) or its negative. */
static void fill_cutoff(double *x, size_t n, acc_rng *rng)
{
    const cutoffs c = cutoffs_of();
    double m = acc_rng_range(rng, -3, 3);
    const size_t where = acc_rng_below(rng, 3);
    if (where == 1)
        m = c.overflow + acc_rng_range(rng, -1, 1);
    else if (where == 2)
        m = -c.overflow + acc_rng_range(rng, -1, 1);
    place_below(x, n, rng, round_half(m), dist_cutoff);
}

static double dist_subnormal(acc_rng *rng)
{
    const cutoffs c = cutoffs_of();
    return acc_rng_range(rng, c.zero - 0.5, c.normal + 0.5);
}

static void fill_subnormal(double *x, size_t n, acc_rng *rng)
{
    place_below(x, n, rng, round_half(acc_rng_range(rng, -3, 3)), dist_subnormal);
}

/* Normal probabilities from just above the subnormal range: below 1e-5
 * for bf16; f16 has no normal number below 6.1e-5, so its lowest
 * binades. */
static double dist_tiny(acc_rng *rng)
{
    const cutoffs c = cutoffs_of();
    const double hi = c.normal + 5 < -11.6 ? c.normal + 5 : -11.6;
    return acc_rng_range(rng, c.normal + 1, hi);
}

static void fill_tiny(double *x, size_t n, acc_rng *rng)
{
    place_below(x, n, rng, round_half(acc_rng_range(rng, -3, 3)), dist_tiny);
}

/* Scores near the top of the format, a few ulp apart: exp(x) overflows
 * without the shift, and the shift must be exact. */
static void fill_huge(double *x, size_t n, acc_rng *rng)
{
    static const double base_bf16[4] = {1e30, -1e30, 3e38, -3e38};
    static const double base_f16[4] = {65000, -65000, 1e4, -1e4};
    const double base =
        round_half((H->precision == 8 ? base_bf16 : base_f16)[acc_rng_below(rng, 4)]);
    for (size_t k = 0; k < n; k++) {
        const int steps = (int)acc_rng_below(rng, 5) - 2;
        x[k] = base + steps * ulp_at(base);
    }
}

/* 2^(p-1) (spacing 1) plus U(-20, 20): distances that are not small
 * integers, from scores where the format has no fraction left. */
static void fill_offset(double *x, size_t n, acc_rng *rng)
{
    const double base = ldexp(1, F->precision - 1) * (acc_rng_below(rng, 2) ? 1 : -1);
    for (size_t k = 0; k < n; k++)
        x[k] = base + acc_rng_range(rng, -20, 20);
}

/* Scores a few ulp of the format apart: probabilities near 1/n that
 * differ in the last bits. */
static void fill_near_equal(double *x, size_t n, acc_rng *rng)
{
    const double c = round_half(acc_rng_range(rng, -10, 10));
    const double spread = 2.5 * ulp_at(c);
    for (size_t k = 0; k < n; k++)
        x[k] = c + spread * acc_rng_range(rng, -1, 1);
}

typedef struct hfamily {
    const char *name;
    const char *source; /* a family of rows.c (its float rows rounded), or NULL */
    int moderate;       /* |x| <= 1e3: usable with scale and bias */
    void (*fill)(double *x, size_t n, acc_rng *rng);
} hfamily;

static const hfamily families[] = {
    {"uniform(1)", "uniform(1)", 1, NULL},
    {"uniform(10)", "uniform(10)", 1, NULL},
    {"uniform(100)", "uniform(100)", 1, NULL},
    {"normal(1)", "normal(1)", 1, NULL},
    {"normal(10)", "normal(10)", 1, NULL},
    {"normal(100)", "normal(100)", 1, NULL},
    {"equal", "equal", 1, NULL},
    {"dominant", "dominant", 1, NULL},
    {"cutoff", NULL, 1, fill_cutoff},
    {"subnormal", NULL, 0, fill_subnormal},
    {"tiny", NULL, 1, fill_tiny},
    {"huge", NULL, 0, fill_huge},
    {"offset", NULL, 0, fill_offset},
    {"masked", "masked", 1, NULL},
    {"near-equal", NULL, 1, fill_near_equal},
    {"log-probs", "log-probs", 1, NULL},
};
enum { FAMILY_COUNT = sizeof families / sizeof families[0] };

/* One row of family f, every entry a value of the format. */
static void fill_row(const hfamily *f, double *x, size_t n, acc_rng *rng)
{
    if (f->source) {
        size_t i = 0;
        while (i < acc_family_count && strcmp(acc_families[i].name, f->source) != 0)
            i++;
        assert_true(i < acc_family_count);
        acc_families[i].fill(x, n, rng, ACC_F32);
    } else {
        f->fill(x, n, rng);
    }
    for (size_t k = 0; k < n; k++) {
        x[k] = round_half(x[k]);
        assert_true(x[k] == -HUGE_VAL || isfinite(x[k]));
    }
}

/* ------------------------------------------------------------------------ */
/* The cases: every family at every row length, with their references       */
/* ------------------------------------------------------------------------ */

typedef struct fcase {
    const hfamily *family;
    size_t cols;
    double *x;   /* ROWS x cols half values */
    uint16_t *xh; /* their encodings */
    int32_t labels[ROWS];
    double *weights;      /* cols class weights in [0.25, 3), floats */
    double *weights_zero; /* the same with about 1 in 8 set to 0 */
    ref_row ref[ROWS];
} fcase;

static fcase cases[FAMILY_COUNT * 14];
static size_t case_count;

static int group_setup(void **state)
{
    (void)state;
    ref_setup();
    assert_true(acc_cols_count <= 14);
    case_count = FAMILY_COUNT * acc_cols_count;
    for (size_t f = 0; f < FAMILY_COUNT; f++) {
        for (size_t ci = 0; ci < acc_cols_count; ci++) {
            fcase *c = &cases[f * acc_cols_count + ci];
            const size_t n = acc_cols[ci];
            acc_rng rng;
            acc_rng_seed(&rng, acc_seed(f, n, 500 + (uint64_t)F->precision));
            c->family = &families[f];
            c->cols = n;
            c->x = xmalloc(ROWS * n * sizeof *c->x);
            c->weights = xmalloc(n * sizeof *c->weights);
            c->weights_zero = xmalloc(n * sizeof *c->weights_zero);
            for (size_t r = 0; r < ROWS; r++) {
                double *x = c->x + r * n;
                fill_row(c->family, x, n, &rng);
                const size_t label = r == 0   ? acc_argmax(x, n)
                                     : r == 1 ? acc_random_finite(x, n, &rng)
                                              : acc_argmin_finite(x, n);
                c->labels[r] = (int32_t)label;
                ref_row_init(&c->ref[r], x, NULL, n, 1.0, NULL, NULL);
            }
            for (size_t k = 0; k < n; k++) {
                c->weights[k] = acc_round(ACC_F32, acc_rng_range(&rng, 0.25, 3));
                c->weights_zero[k] = acc_rng_below(&rng, 8) == 0 ? 0.0 : c->weights[k];
            }
            c->xh = encode(c->x, ROWS * n);
        }
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < case_count; i++) {
        for (size_t r = 0; r < ROWS; r++)
            ref_row_clear(&cases[i].ref[r]);
        free(cases[i].x);
        free(cases[i].xh);
        free(cases[i].weights);
        free(cases[i].weights_zero);
    }
    acc_measure_release();
    mpfr_free_cache();
    return 0;
}

#define WHERE "%s cols=%zu row=%zu k=%zu x_k=%.9g"
#define WHERE_ARGS(c, r, k) (c)->family->name, (c)->cols, (size_t)(r), (size_t)(k), \
                            (c)->x[(r) * (c)->cols + (k)]

static void dump_values(const char *what, const double *v, size_t n)
{
    if (n > DUMP_MAX_COLS)
        return;
    printf("    %s:", what);
    for (size_t k = 0; k < n; k++)
        printf(" %a", v[k]);
    printf("\n");
}

/* ------------------------------------------------------------------------ */
/* softmax, log-softmax, logsumexp                                           */
/* ------------------------------------------------------------------------ */

/* Plain rows, or (axis) the same rows as the columns of a [1, cols, ROWS]
 * tensor. */
static void check_forward(acc_stats *st, int log_form, int axis)
{
    mpfr_t e;
    mpfr_init2(e, REF_PREC);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        const size_t n = c->cols, count = ROWS * n;
        uint16_t *y = xmalloc(count * sizeof *y);
        if (axis) { /* entry k of row r at [k * ROWS + r] */
            uint16_t *xa = xmalloc(count * sizeof *xa), *ya = xmalloc(count * sizeof *ya);
            for (size_t j = 0; j < count; j++)
                xa[(j % n) * ROWS + j / n] = c->xh[j];
            assert_int_equal(log_form ? H->log_softmax_axis(ya, xa, 1, n, ROWS)
                                      : H->softmax_axis(ya, xa, 1, n, ROWS),
                             SMX_OK);
            for (size_t j = 0; j < count; j++)
                y[j] = ya[(j % n) * ROWS + j / n];
            free(xa);
            free(ya);
        } else {
            assert_int_equal(log_form ? H->log_softmax(y, c->xh, ROWS, n)
                                      : H->softmax(y, c->xh, ROWS, n),
                             SMX_OK);
        }
        for (size_t r = 0; r < ROWS; r++) {
            const uint64_t before = st->failures;
            for (size_t k = 0; k < n; k++) {
                if (log_form)
                    ref_log_softmax(e, &c->ref[r], k);
                else
                    ref_softmax(e, &c->ref[r], k);
                acc_check(st, dec(y[r * n + k]), e, NULL, WHERE, WHERE_ARGS(c, r, k));
            }
            if (st->failures != before && before < ACC_PRINTED_FAILURES)
                dump_values("row", c->x + r * n, n);
        }
        free(y);
    }
    mpfr_clear(e);
}

static void test_softmax(void **state)
{
    (void)state;
    acc_stats s, a;
    half_stats(&s, "softmax", ACC_FROM_CR);
    half_stats(&a, "softmax (axis)", ACC_FROM_CR);
    check_forward(&s, 0, 0);
    check_forward(&a, 0, 1);
    FINISH(&s, &a);
}

static void test_log_softmax(void **state)
{
    (void)state;
    acc_stats s, a;
    half_stats(&s, "log_softmax", ACC_FROM_CR);
    half_stats(&a, "log_softmax (axis)", ACC_FROM_CR);
    check_forward(&s, 1, 0);
    check_forward(&a, 1, 1);
    FINISH(&s, &a);
}

/* logsumexp returns float: the f32 contract, 2 ulp of max(|m|, log1p). */
static void test_logsumexp(void **state)
{
    (void)state;
    acc_stats st;
    float_stats(&st, "logsumexp", ACC_OF_SCALE);
    mpfr_t e, scale;
    mpfr_inits2(REF_PREC, e, scale, (mpfr_ptr)0);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        float out[ROWS];
        assert_int_equal(H->logsumexp(out, c->xh, ROWS, c->cols), SMX_OK);
        for (size_t r = 0; r < ROWS; r++) {
            ref_logsumexp(e, &c->ref[r]);
            ref_logsumexp_scale(scale, &c->ref[r]);
            acc_check(&st, out[r], e, scale, "%s cols=%zu row=%zu", c->family->name, c->cols,
                      r);
        }
    }
    mpfr_clears(e, scale, (mpfr_ptr)0);
    FINISH(&st);
}

/* ------------------------------------------------------------------------ */
/* Cross-entropy and NLL                                                     */
/* ------------------------------------------------------------------------ */

/* smx_cross_entropy: loss (float) = mean of the rows' -log p_label, dx
 * (half) = (softmax - onehot) / rows. */
static void test_cross_entropy(void **state)
{
    (void)state;
    acc_stats sl, sg;
    float_stats(&sl, "cross_entropy loss", ACC_FROM_CR);
    half_stats(&sg, "cross_entropy grad", ACC_FROM_CR);
    mpfr_t e, sum;
    mpfr_inits2(REF_PREC, e, sum, (mpfr_ptr)0);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        const size_t n = c->cols;
        float loss;
        uint16_t *dx = xmalloc(ROWS * n * sizeof *dx);
        assert_int_equal(H->cross_entropy(&loss, dx, c->xh, c->labels, ROWS, n), SMX_OK);
        mpfr_set_zero(sum, 1);
        for (size_t r = 0; r < ROWS; r++) {
            ref_minus_log_prob(e, &c->ref[r], (size_t)c->labels[r]);
            mpfr_add(sum, sum, e, MPFR_RNDN);
        }
        mpfr_div_ui(sum, sum, ROWS, MPFR_RNDN);
        acc_check(&sl, loss, sum, NULL, "%s cols=%zu (mean of %d rows)", c->family->name, n,
                  ROWS);
        for (size_t r = 0; r < ROWS; r++) {
            const uint64_t before = sg.failures;
            for (size_t k = 0; k < n; k++) {
                ref_softmax_minus_onehot(e, &c->ref[r], k, (size_t)c->labels[r]);
                mpfr_div_ui(e, e, ROWS, MPFR_RNDN);
                acc_check(&sg, dec(dx[r * n + k]), e, NULL, WHERE " label=%d",
                          WHERE_ARGS(c, r, k), (int)c->labels[r]);
            }
            if (sg.failures != before && before < ACC_PRINTED_FAILURES)
                dump_values("row", c->x + r * n, n);
        }
        free(dx);
    }
    mpfr_clears(e, sum, (mpfr_ptr)0);
    FINISH(&sl, &sg);
}

typedef struct ce_set {
    const char *name;
    smx_reduction reduction;
    double eps;  /* label smoothing, rounded to float before use */
    int weights; /* 0: none, 1: positive weights, 2: some weights 0 */
    int ignore;  /* ignore the label of row 1 (and every row sharing it) */
} ce_set;

static const ce_set ce_sets[] = {
    {"mean", SMX_REDUCTION_MEAN, 0.0, 0, 0},
    {"none eps=0.1 weights", SMX_REDUCTION_NONE, 0.1, 1, 0},
    {"sum eps=0.37", SMX_REDUCTION_SUM, 0.37, 0, 0},
    {"mean eps=0.05 weights ignore", SMX_REDUCTION_MEAN, 0.05, 1, 1},
    {"mean weights", SMX_REDUCTION_MEAN, 0.0, 1, 0},
    {"none eps=1 zero-weights", SMX_REDUCTION_NONE, 1.0, 2, 0},
    {"sum eps=0.2 zero-weights ignore", SMX_REDUCTION_SUM, 0.2, 2, 1},
};
enum { CE_SETS = sizeof ce_sets / sizeof ce_sets[0] };

static void options_of(smx_cross_entropy_options_f32 *opt, float *wr, const ce_set *s,
                       const double *weights, size_t n, int32_t ignore_index)
{
    memset(opt, 0, sizeof *opt);
    opt->reduction = s->reduction;
    opt->has_ignore_index = s->ignore;
    opt->ignore_index = ignore_index;
    if (weights) {
        for (size_t k = 0; k < n; k++)
            wr[k] = (float)weights[k];
        opt->class_weights = wr;
    }
    opt->label_smoothing = (float)s->eps;
}

/* smx_cross_entropy_ex on rows x (ROWS x n, encodings xh) with set s:
 * the loss(es) in float, the gradient in half. */
static void check_ce_ex(acc_stats *sl, acc_stats *sg, const ce_set *s, const uint16_t *xh,
                        const int32_t *labels, const ref_row *refs, size_t n,
                        const double *weights, const char *what, const double *x)
{
    const double eps = (double)(float)s->eps;
    float *wr = xmalloc(n * sizeof *wr);
    smx_cross_entropy_options_f32 opt;
    options_of(&opt, wr, s, weights, n, labels[1 % ROWS]);
    float loss[ROWS];
    uint16_t *dx = xmalloc(ROWS * n * sizeof *dx);
    assert_int_equal(H->cross_entropy_ex(loss, dx, xh, labels, ROWS, n, &opt), SMX_OK);

    mpfr_t l, total, norm, sum, g, gscale, a;
    mpfr_inits2(REF_PREC, l, total, norm, sum, g, gscale, a, (mpfr_ptr)0);
    mpfr_set_zero(norm, 1);
    for (size_t r = 0; r < ROWS; r++)
        if (!(s->ignore && labels[r] == opt.ignore_index))
            mpfr_add_d(norm, norm, weights ? weights[labels[r]] : 1.0, MPFR_RNDN);
    if (s->reduction != SMX_REDUCTION_MEAN)
        mpfr_set_ui(norm, 1, MPFR_RNDN);
    mpfr_set_zero(sum, 1);
    for (size_t r = 0; r < ROWS; r++) {
        const size_t c = (size_t)labels[r];
        const int ignored = s->ignore && labels[r] == opt.ignore_index;
        const uint64_t before = sl->failures + sg->failures;
        if (ignored)
            mpfr_set_zero(l, 1);
        else
            ref_ce_loss(l, &refs[r], c, eps, weights);
        mpfr_add(sum, sum, l, MPFR_RNDN);
        if (s->reduction == SMX_REDUCTION_NONE)
            acc_check(sl, loss[r], l, NULL, "%s cols=%zu row=%zu label=%zu [%s]", what, n, r,
                      c, s->name);
        ref_ce_total(total, &refs[r], c, eps, weights);
        for (size_t k = 0; k < n; k++) {
            if (ignored) {
                mpfr_set_zero(g, 1);
                mpfr_set_zero(gscale, 1);
            } else {
                ref_ce_grad(g, &refs[r], k, c, eps, weights, total);
                mpfr_div(g, g, norm, MPFR_RNDN);
                /* max(p_k A, a_k) / norm, with A = total / n */
                ref_softmax(gscale, &refs[r], k);
                mpfr_mul(gscale, gscale, total, MPFR_RNDN);
                mpfr_div_ui(gscale, gscale, (unsigned long)n, MPFR_RNDN);
                ref_target_weight(a, n, k, c, NULL, eps, weights);
                mpfr_max(gscale, gscale, a, MPFR_RNDN);
                mpfr_div(gscale, gscale, norm, MPFR_RNDN);
            }
            acc_check(sg, dec(dx[r * n + k]), g, sg->mode == ACC_OF_SCALE ? gscale : NULL,
                      "%s cols=%zu row=%zu k=%zu x_k=%.9g label=%zu [%s]", what, n, r, k,
                      x[r * n + k], c, s->name);
        }
        if (sl->failures + sg->failures != before && before < ACC_PRINTED_FAILURES)
            dump_values("row", x + r * n, n);
    }
    if (s->reduction != SMX_REDUCTION_NONE) {
        if (s->reduction == SMX_REDUCTION_MEAN)
            mpfr_div(sum, sum, norm, MPFR_RNDN);
        acc_check(sl, loss[0], sum, NULL, "%s cols=%zu (reduced over %d rows) [%s]", what, n,
                  ROWS, s->name);
    }
    mpfr_clears(l, total, norm, sum, g, gscale, a, (mpfr_ptr)0);
    free(dx);
    free(wr);
}

static void test_cross_entropy_ex(void **state)
{
    (void)state;
    acc_stats sl, sg, sgs;
    float_stats(&sl, "cross_entropy_ex loss", ACC_FROM_CR);
    half_stats(&sg, "cross_entropy_ex grad", ACC_FROM_CR);
    /* With smoothing the gradient p_k A - a_k may cancel: the f32 contract
     * is then 2 float ulp of max(p_k A, a_k), and the half one 1 ulp of the
     * format of it. */
    half_stats(&sgs, "cross_entropy_ex grad (smoothing)", ACC_OF_SCALE);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        const ce_set *s = &ce_sets[i % CE_SETS];
        const double *w = s->weights == 0   ? NULL
                          : s->weights == 1 ? c->weights
                                            : c->weights_zero;
        check_ce_ex(&sl, s->eps != 0 ? &sgs : &sg, s, c->xh, c->labels, c->ref, c->cols, w,
                    c->family->name, c->x);
        if (i % CE_SETS != 0)
            check_ce_ex(&sl, &sg, &ce_sets[0], c->xh, c->labels, c->ref, c->cols, NULL,
                        c->family->name, c->x);
    }
    FINISH(&sl, &sg, &sgs);
}

/* Label smoothing where the gradient cancels: flat rows at eps = 1 (the
 * exact gradient is 0) and rows at the smoothing optimum, x_c =
 * log((1 - eps + eps/n) / (eps/n)) rounded to the format. */
static void test_cross_entropy_ex_cancellation(void **state)
{
    (void)state;
    static const size_t lengths[] = {2, 3, 5, 7, 10, 33, 100, 1000};
    static const double flat_values[] = {0.0, 0.3, -7.5};
    static const double optimum_eps[] = {0.1, 0.25};
    const ce_set flat_set = {"none eps=1 (flat row)", SMX_REDUCTION_NONE, 1.0, 0, 0};
    acc_stats sl, sg;
    float_stats(&sl, "cross_entropy_ex loss (cancel)", ACC_FROM_CR);
    half_stats(&sg, "cross_entropy_ex grad (cancel)", ACC_OF_SCALE);
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li];
        double *x = xmalloc(ROWS * n * sizeof *x);
        int32_t labels[ROWS];
        ref_row refs[ROWS];
        for (int pass = 0; pass < 3; pass++) {
            ce_set set = flat_set;
            if (pass == 0) {
                for (size_t r = 0; r < ROWS; r++) {
                    for (size_t k = 0; k < n; k++)
                        x[r * n + k] = round_half(flat_values[r]);
                    labels[r] = (int32_t)((r * 7 + 1) % n);
                }
            } else {
                const double eps = (double)(float)optimum_eps[pass - 1];
                const double spread = eps / (double)n;
                const double lead = round_half(log((1 - eps + spread) / spread));
                set.name = "none (smoothing optimum)";
                set.eps = eps;
                for (size_t r = 0; r < ROWS; r++) {
                    labels[r] = (int32_t)((r * 5 + 2) % n);
                    for (size_t k = 0; k < n; k++)
                        x[r * n + k] = k == (size_t)labels[r] ? lead : 0.0;
                }
            }
            uint16_t *xh = encode(x, ROWS * n);
            for (size_t r = 0; r < ROWS; r++)
                ref_row_init(&refs[r], x + r * n, NULL, n, 1.0, NULL, NULL);
            check_ce_ex(&sl, &sg, &set, xh, labels, refs, n, NULL,
                        pass == 0 ? "flat" : "optimum", x);
            for (size_t r = 0; r < ROWS; r++)
                ref_row_clear(&refs[r]);
            free(xh);
        }
        free(x);
    }
    FINISH(&sl, &sg);
}

/* Soft targets: a probability row with about one entry in five 0, each
 * rounded to the format. */
static void soft_targets(double *t, size_t n, acc_rng *rng)
{
    double total = 0;
    for (size_t k = 0; k < n; k++) {
        t[k] = acc_rng_below(rng, 5) == 0 ? 0.0 : acc_rng_unit(rng);
        total += t[k];
    }
    for (size_t k = 0; k < n; k++)
        t[k] = total > 0 ? round_half(t[k] / total) : 0.0;
}

static void check_soft(acc_stats *sl, acc_stats *sg, const ce_set *s, const fcase *c,
                       const double *t, const double *weights)
{
    const size_t n = c->cols;
    const double eps = (double)(float)s->eps;
    float *wr = xmalloc(n * sizeof *wr);
    smx_cross_entropy_options_f32 opt;
    options_of(&opt, wr, s, weights, n, 0);
    opt.has_ignore_index = 0;
    uint16_t *th = encode(t, ROWS * n);
    float loss[ROWS];
    uint16_t *dx = xmalloc(ROWS * n * sizeof *dx);
    assert_int_equal(H->cross_entropy_soft(loss, dx, c->xh, th, ROWS, n, &opt), SMX_OK);
    const unsigned long norm = s->reduction == SMX_REDUCTION_MEAN ? ROWS : 1;
    mpfr_t l, sum, total, g, gscale, a;
    mpfr_inits2(REF_PREC, l, sum, total, g, gscale, a, (mpfr_ptr)0);
    mpfr_set_zero(sum, 1);
    for (size_t r = 0; r < ROWS; r++) {
        const double *tk = t + r * n;
        const uint64_t before = sl->failures + sg->failures;
        ref_soft_loss(l, &c->ref[r], tk, eps, weights);
        mpfr_add(sum, sum, l, MPFR_RNDN);
        if (s->reduction == SMX_REDUCTION_NONE)
            acc_check(sl, loss[r], l, NULL, "%s cols=%zu row=%zu [%s]", c->family->name, n, r,
                      s->name);
        ref_soft_total(total, &c->ref[r], tk, eps, weights);
        for (size_t k = 0; k < n; k++) {
            ref_soft_grad(g, &c->ref[r], k, tk, eps, weights, total);
            mpfr_div_ui(g, g, norm, MPFR_RNDN);
            ref_softmax(gscale, &c->ref[r], k); /* max(p_k A, a_k) / norm */
            mpfr_mul(gscale, gscale, total, MPFR_RNDN);
            mpfr_div_ui(gscale, gscale, (unsigned long)n, MPFR_RNDN);
            ref_target_weight(a, n, k, 0, tk, eps, weights);
            mpfr_max(gscale, gscale, a, MPFR_RNDN);
            mpfr_div_ui(gscale, gscale, norm, MPFR_RNDN);
            acc_check(sg, dec(dx[r * n + k]), g, gscale, WHERE " t_k=%.9g [%s]",
                      WHERE_ARGS(c, r, k), tk[k], s->name);
        }
        if (sl->failures + sg->failures != before && before < ACC_PRINTED_FAILURES) {
            dump_values("row", c->x + r * n, n);
            dump_values("targets", tk, n);
        }
    }
    if (s->reduction != SMX_REDUCTION_NONE) {
        mpfr_div_ui(sum, sum, norm, MPFR_RNDN);
        acc_check(sl, loss[0], sum, NULL, "%s cols=%zu (reduced over %d rows) [%s]",
                  c->family->name, n, ROWS, s->name);
    }
    mpfr_clears(l, sum, total, g, gscale, a, (mpfr_ptr)0);
    free(dx);
    free(wr);
    free(th);
}

/* Soft targets under the option sets (the ignore index aside), and
 * targets equal to the row's own softmax rounded to the format, where the
 * gradient p_k - t_k cancels down to the rounding of t_k. */
static void test_cross_entropy_soft(void **state)
{
    (void)state;
    acc_stats sl, sg, slc, sgc;
    float_stats(&sl, "cross_entropy_soft loss", ACC_FROM_CR);
    half_stats(&sg, "cross_entropy_soft grad", ACC_OF_SCALE);
    float_stats(&slc, "cross_entropy_soft loss (cancel)", ACC_FROM_CR);
    half_stats(&sgc, "cross_entropy_soft grad (cancel)", ACC_OF_SCALE);
    const ce_set own = {"none (own softmax)", SMX_REDUCTION_NONE, 0.0, 0, 0};
    mpfr_t p;
    mpfr_init2(p, REF_PREC);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        const size_t n = c->cols;
        const ce_set *s = &ce_sets[i % CE_SETS];
        const double *w = s->weights == 0   ? NULL
                          : s->weights == 1 ? c->weights
                                            : c->weights_zero;
        double *t = xmalloc(ROWS * n * sizeof *t);
        acc_rng rng;
        acc_rng_seed(&rng, acc_seed(0x50F7 + i, n, (uint64_t)F->precision));
        for (size_t r = 0; r < ROWS; r++)
            soft_targets(t + r * n, n, &rng);
        check_soft(&sl, &sg, s, c, t, w);
        for (size_t r = 0; r < ROWS; r++) {
            for (size_t k = 0; k < n; k++) {
                ref_softmax(p, &c->ref[r], k);
                t[r * n + k] = acc_round_to(F, p);
            }
        }
        check_soft(&slc, &sgc, &own, c, t, NULL);
        free(t);
    }
    mpfr_clear(p);
    FINISH(&sl, &sg, &slc, &sgc);
}

/* smx_nll_loss on the correctly rounded log-softmax of every case (as the
 * half forward pass delivers it), under the option sets: the loss (float)
 * sum_k a_k (-y_k), the gradient -a_k / norm (half).  An f16
 * log-probability past -65520 is -inf, as the forward pass gives it: a
 * loss of +inf where its target weight is not 0. */
static void test_nll_loss(void **state)
{
    (void)state;
    acc_stats sl, sg;
    float_stats(&sl, "nll_loss loss", ACC_FROM_CR);
    half_stats(&sg, "nll_loss grad", ACC_FROM_CR);
    mpfr_t e, l, sum, norm, g;
    mpfr_inits2(REF_PREC, e, l, sum, norm, g, (mpfr_ptr)0);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        const size_t n = c->cols;
        const ce_set *s = &ce_sets[i % CE_SETS];
        const double eps = (double)(float)s->eps;
        const double *w = s->weights == 0   ? NULL
                          : s->weights == 1 ? c->weights
                                            : c->weights_zero;
        double *y = xmalloc(ROWS * n * sizeof *y);
        for (size_t j = 0; j < ROWS * n; j++) {
            ref_log_softmax(e, &c->ref[j / n], j % n);
            y[j] = acc_round_to(F, e);
        }
        uint16_t *yh = encode(y, ROWS * n);
        float *wr = xmalloc(n * sizeof *wr);
        smx_cross_entropy_options_f32 opt;
        options_of(&opt, wr, s, w, n, c->labels[1]);
        float loss[ROWS];
        uint16_t *dx = xmalloc(ROWS * n * sizeof *dx);
        assert_int_equal(H->nll_loss(loss, dx, yh, c->labels, ROWS, n, &opt), SMX_OK);
        mpfr_set_zero(norm, 1);
        for (size_t r = 0; r < ROWS; r++)
            if (!(s->ignore && c->labels[r] == opt.ignore_index))
                mpfr_add_d(norm, norm, w ? w[c->labels[r]] : 1.0, MPFR_RNDN);
        if (s->reduction != SMX_REDUCTION_MEAN)
            mpfr_set_ui(norm, 1, MPFR_RNDN);
        mpfr_set_zero(sum, 1);
        for (size_t r = 0; r < ROWS; r++) {
            const size_t lab = (size_t)c->labels[r];
            const int ignored = s->ignore && c->labels[r] == opt.ignore_index;
            if (ignored)
                mpfr_set_zero(l, 1);
            else
                ref_nll_loss(l, y + r * n, n, lab, eps, w);
            mpfr_add(sum, sum, l, MPFR_RNDN);
            if (s->reduction == SMX_REDUCTION_NONE)
                acc_check(&sl, loss[r], l, NULL, "%s cols=%zu row=%zu [%s]", c->family->name,
                          n, r, s->name);
            for (size_t k = 0; k < n; k++) {
                if (ignored) {
                    mpfr_set_zero(g, 1);
                } else {
                    ref_target_weight(g, n, k, lab, NULL, eps, w);
                    mpfr_neg(g, g, MPFR_RNDN);
                    mpfr_div(g, g, norm, MPFR_RNDN);
                }
                acc_check(&sg, dec(dx[r * n + k]), g, NULL, WHERE " [%s]", WHERE_ARGS(c, r, k),
                          s->name);
            }
        }
        if (s->reduction != SMX_REDUCTION_NONE) {
            if (s->reduction == SMX_REDUCTION_MEAN)
                mpfr_div(sum, sum, norm, MPFR_RNDN);
            acc_check(&sl, loss[0], sum, NULL, "%s cols=%zu (reduced) [%s]", c->family->name,
                      n, s->name);
        }
        free(y);
        free(yh);
        free(wr);
        free(dx);
    }
    mpfr_clears(e, l, sum, norm, g, (mpfr_ptr)0);
    FINISH(&sl, &sg);
}

/* ------------------------------------------------------------------------ */
/* Masked and scaled forms                                                   */
/* ------------------------------------------------------------------------ */

/* softmax(scale * x + bias) over the kept entries, on the moderate
 * families: scale 0.5, 2 or 1/0.7 (a float), a half bias in U(-5, 5) with
 * about 1 in 7 entries -inf, per row or broadcast, and about 1 in 7 keep
 * flags 0.  The f32 planner forms z in double, exactly here (a float times
 * a half value is 35 bits). */
static void check_masked(int log_form)
{
    static const double scales[] = {0.5, 2.0, 1.0 / 0.7};
    acc_stats st;
    half_stats(&st, log_form ? "log_softmax_masked" : "softmax_masked", ACC_FROM_CR);
    mpfr_t e;
    mpfr_init2(e, REF_PREC);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        if (!c->family->moderate)
            continue;
        const size_t n = c->cols;
        acc_rng rng;
        acc_rng_seed(&rng, acc_seed(i, n, 600 + (uint64_t)F->precision));
        const float scale = (float)scales[i % 3];
        const size_t bias_rows = i % 2 ? 1 : ROWS;
        double *bias = xmalloc(ROWS * n * sizeof *bias);
        uint8_t *keep = xmalloc(ROWS * n);
        for (size_t j = 0; j < ROWS * n; j++) {
            bias[j] = acc_rng_below(&rng, 7) == 0 ? -HUGE_VAL
                                                   : round_half(acc_rng_range(&rng, -5, 5));
            keep[j] = acc_rng_below(&rng, 7) != 0;
        }
        uint16_t *bias_h = encode(bias, ROWS * n);
        const half_mask mask = {bias_h, bias_rows, keep, ROWS};
        uint16_t *y = xmalloc(ROWS * n * sizeof *y);
        assert_int_equal(log_form ? H->log_softmax_masked(y, c->xh, ROWS, n, scale, &mask)
                                  : H->softmax_masked(y, c->xh, ROWS, n, scale, &mask),
                         SMX_OK);
        for (size_t r = 0; r < ROWS; r++) {
            const double *x = c->x + r * n;
            const double *b = bias + (bias_rows == 1 ? 0 : r * n);
            const uint8_t *kp = keep + r * n;
            int any = 0;
            for (size_t k = 0; k < n; k++)
                any |= kp[k] && isfinite(x[k]) && isfinite(b[k]);
            if (!any) { /* fully masked: zeros, or -inf */
                mpfr_set_zero(e, 1);
                if (log_form)
                    mpfr_set_inf(e, -1);
                for (size_t k = 0; k < n; k++)
                    acc_check(&st, dec(y[r * n + k]), e, NULL, WHERE " (fully masked)",
                              WHERE_ARGS(c, r, k));
                continue;
            }
            ref_row ref;
            ref_row_init(&ref, x, NULL, n, (double)scale, b, kp);
            for (size_t k = 0; k < n; k++) {
                if (log_form)
                    ref_log_softmax(e, &ref, k);
                else
                    ref_softmax(e, &ref, k);
                acc_check(&st, dec(y[r * n + k]), e, NULL, WHERE " scale=%g bias=%g keep=%d",
                          WHERE_ARGS(c, r, k), (double)scale, b[k], (int)kp[k]);
            }
            ref_row_clear(&ref);
        }
        free(bias);
        free(bias_h);
        free(keep);
        free(y);
    }
    mpfr_clear(e);
    FINISH(&st);
}

static void test_softmax_masked(void **state)
{
    (void)state;
    check_masked(0);
}

static void test_log_softmax_masked(void **state)
{
    (void)state;
    check_masked(1);
}

/* ------------------------------------------------------------------------ */
/* Backward passes and the JVP                                               */
/* ------------------------------------------------------------------------ */

/* The upstream gradients (rows.h's patterns), in the format: wide spans
 * 2^+-20 for bf16 and 2^+-12 for f16 (whose range ends at 2^16); near-dot
 * takes d within a few ulp of the format, so the result cancels to the
 * rounding of dy. */
static void fill_gradient(double *g, const double *y, size_t n, size_t p, int proportional,
                          acc_rng *rng)
{
    const double c = round_half(acc_rng_range(rng, -3, 3));
    const int span = H->precision == 8 ? 20 : 12;
    const double near = ldexp(4, 1 - F->precision);
    size_t hot = acc_rng_below(rng, n);
    for (size_t k = 0; k < n && y[hot] == 0; k++)
        hot = (hot + 1) % n;
    for (size_t k = 0; k < n; k++) {
        double v;
        switch (p) {
        case 0:
            v = acc_rng_range(rng, -1, 1);
            break;
        case 1:
            v = ldexp(1 + acc_rng_unit(rng), (int)acc_rng_below(rng, 2 * span + 1) - span) *
                (acc_rng_below(rng, 2) ? 1 : -1);
            break;
        case 2:
            v = c;
            break;
        case 3:
            v = k == hot ? -1.0 : 0.0;
            break;
        default:
            v = (proportional ? y[k] : c) * (1 + near * acc_rng_range(rng, -1, 1));
            break;
        }
        g[k] = round_half(v);
    }
}

/* The probabilities and log-probabilities of each case, correctly rounded
 * to the format (as the half forward passes deliver them). */
typedef struct bcase {
    double *y, *l;
    uint16_t *yh, *lh;
} bcase;

static bcase bcases[FAMILY_COUNT * 14];

static void bcases_init(void)
{
    mpfr_t e;
    mpfr_init2(e, REF_PREC);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        const size_t count = ROWS * c->cols;
        bcase *b = &bcases[i];
        b->y = xmalloc(count * sizeof *b->y);
        b->l = xmalloc(count * sizeof *b->l);
        for (size_t j = 0; j < count; j++) {
            ref_softmax(e, &c->ref[j / c->cols], j % c->cols);
            b->y[j] = acc_round_to(F, e);
            ref_log_softmax(e, &c->ref[j / c->cols], j % c->cols);
            b->l[j] = acc_round_to(F, e); /* -inf past -65520 in f16: absent entries */
        }
        b->yh = encode(b->y, count);
        b->lh = encode(b->l, count);
    }
    mpfr_clear(e);
}

static void bcases_free(void)
{
    for (size_t i = 0; i < case_count; i++) {
        free(bcases[i].y);
        free(bcases[i].l);
        free(bcases[i].yh);
        free(bcases[i].lh);
    }
}

/* The axis forms on the rows as the columns of a [1, n, ROWS] tensor. */
static smx_status backward_axis(enum bkind kind, uint16_t *res, const uint16_t *y,
                                const uint16_t *g, size_t n)
{
    const size_t count = ROWS * n;
    uint16_t *ya = xmalloc(count * sizeof *ya), *ga = xmalloc(count * sizeof *ga);
    uint16_t *ra = xmalloc(count * sizeof *ra);
    for (size_t i = 0; i < count; i++) {
        ya[(i % n) * ROWS + i / n] = y[i];
        ga[(i % n) * ROWS + i / n] = g[i];
    }
    const smx_status status = kind == B_SOFTMAX
                                  ? H->softmax_backward_axis(ra, ya, ga, 1, n, ROWS)
                                  : H->log_softmax_backward_axis(ra, ya, ga, 1, n, ROWS);
    for (size_t i = 0; i < count; i++)
        res[i] = ra[(i % n) * ROWS + i / n];
    free(ya);
    free(ga);
    free(ra);
    return status;
}

/* One backward function over every case and gradient pattern; the
 * softmax and log-softmax ones also in their axis form, against the same
 * references. */
static void check_backward(enum bkind kind)
{
    const int with_axis = kind != B_JVP;
    acc_stats st, sa;
    char name[64];
    half_stats(&st, bkind_name[kind], ACC_OF_SCALE);
    snprintf(name, sizeof name, "%s (axis)", bkind_name[kind]);
    half_stats(&sa, name, ACC_OF_SCALE);
    const size_t most = acc_cols[acc_cols_count - 1];
    mpfr_t *out = ref_array_new(most), *scale = ref_array_new(most);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        const bcase *b = &bcases[i];
        const size_t n = c->cols;
        const uint16_t *y = kind == B_SOFTMAX ? b->yh : b->lh;
        const double *yd = kind == B_SOFTMAX ? b->y : b->l;
        double *g = xmalloc(ROWS * n * sizeof *g);
        uint16_t *res = xmalloc(ROWS * n * sizeof *res), *ra = xmalloc(ROWS * n * sizeof *ra);
        for (size_t p = 0; p < GRAD_PATTERNS; p++) {
            acc_rng rng;
            acc_rng_seed(&rng, acc_seed(i, p, 700 + (uint64_t)F->precision));
            for (size_t r = 0; r < ROWS; r++)
                fill_gradient(g + r * n, b->y + r * n, n, p, kind == B_LOG_SOFTMAX, &rng);
            uint16_t *gh = encode(g, ROWS * n);
            smx_status status;
            if (kind == B_SOFTMAX)
                status = H->softmax_backward(res, y, gh, ROWS, n);
            else if (kind == B_LOG_SOFTMAX)
                status = H->log_softmax_backward(res, y, gh, ROWS, n);
            else
                status = H->log_softmax_jvp(res, y, gh, ROWS, n);
            assert_int_equal(status, SMX_OK);
            if (with_axis)
                assert_int_equal(backward_axis(kind, ra, y, gh, n), SMX_OK);
            for (size_t r = 0; r < ROWS; r++) {
                const double *yr = yd + r * n, *gg = g + r * n;
                if (kind == B_SOFTMAX)
                    ref_softmax_backward(out, scale, yr, gg, NULL, n);
                else if (kind == B_LOG_SOFTMAX)
                    ref_log_softmax_backward(out, scale, yr, gg, NULL, n);
                else
                    ref_log_softmax_jvp(out, scale, yr, gg, NULL, n);
                const uint64_t before = st.failures + sa.failures;
                for (size_t k = 0; k < n; k++) {
#define BWHERE "%s cols=%zu row=%zu k=%zu dy=%s y_k=%.9g g_k=%.9g", c->family->name, n, r, k, \
               grad_pattern_name[p], yr[k], gg[k]
                    acc_check(&st, dec(res[r * n + k]), out[k], scale[k], BWHERE);
                    if (with_axis)
                        acc_check(&sa, dec(ra[r * n + k]), out[k], scale[k], BWHERE);
#undef BWHERE
                }
                if (st.failures + sa.failures != before && before < ACC_PRINTED_FAILURES) {
                    dump_values("y", yr, n);
                    dump_values("dy", gg, n);
                }
            }
            free(gh);
        }
        free(g);
        free(res);
        free(ra);
    }
    ref_array_free(out, most);
    ref_array_free(scale, most);
    if (with_axis)
        FINISH(&st, &sa);
    else
        FINISH(&st);
}

static void test_softmax_backward(void **state)
{
    (void)state;
    check_backward(B_SOFTMAX);
}

static void test_log_softmax_backward(void **state)
{
    (void)state;
    check_backward(B_LOG_SOFTMAX);
}

static void test_log_softmax_jvp(void **state)
{
    (void)state;
    check_backward(B_JVP);
}

/* The masked backward passes: scale * (the plain backward pass), on the
 * softmax (or log-softmax) of the masked rows, as check_masked makes them;
 * the reference is the plain one times scale, exact. */
static void test_masked_backward(void **state)
{
    (void)state;
    static const double scales[] = {0.5, 3.0, 1.0 / 0.7};
    acc_stats ss, sl;
    half_stats(&ss, "softmax_masked_backward", ACC_OF_SCALE);
    half_stats(&sl, "log_softmax_masked_backward", ACC_OF_SCALE);
    const size_t most = acc_cols[acc_cols_count - 1];
    mpfr_t *out = ref_array_new(most), *scale = ref_array_new(most);
    for (size_t i = 0; i < case_count; i++) {
        const fcase *c = &cases[i];
        const bcase *b = &bcases[i];
        const size_t n = c->cols;
        const float sc = (float)scales[i % 3];
        double *g = xmalloc(ROWS * n * sizeof *g);
        uint16_t *res = xmalloc(ROWS * n * sizeof *res);
        acc_rng rng;
        acc_rng_seed(&rng, acc_seed(i, n, 800 + (uint64_t)F->precision));
        for (size_t r = 0; r < ROWS; r++)
            fill_gradient(g + r * n, b->y + r * n, n, i % GRAD_PATTERNS, 0, &rng);
        uint16_t *gh = encode(g, ROWS * n);
        for (int log_form = 0; log_form < 2; log_form++) {
            acc_stats *st = log_form ? &sl : &ss;
            const double *yd = log_form ? b->l : b->y;
            assert_int_equal(log_form ? H->log_softmax_masked_backward(res, b->lh, gh, ROWS, n,
                                                                       sc)
                                      : H->softmax_masked_backward(res, b->yh, gh, ROWS, n, sc),
                             SMX_OK);
            for (size_t r = 0; r < ROWS; r++) {
                if (log_form)
                    ref_log_softmax_backward(out, scale, yd + r * n, g + r * n, NULL, n);
                else
                    ref_softmax_backward(out, scale, yd + r * n, g + r * n, NULL, n);
                for (size_t k = 0; k < n; k++) {
                    mpfr_mul_d(out[k], out[k], (double)sc, MPFR_RNDN);
                    mpfr_mul_d(scale[k], scale[k], (double)sc, MPFR_RNDN);
                    acc_check(st, dec(res[r * n + k]), out[k], scale[k],
                              "%s cols=%zu row=%zu k=%zu scale=%g y_k=%.9g g_k=%.9g",
                              c->family->name, n, r, k, (double)sc, yd[r * n + k],
                              g[r * n + k]);
                }
            }
        }
        free(g);
        free(gh);
        free(res);
    }
    ref_array_free(out, most);
    ref_array_free(scale, most);
    FINISH(&ss, &sl);
}

/* ------------------------------------------------------------------------ */
/* Long rows                                                                 */
/* ------------------------------------------------------------------------ */

/* Two rows of 2^LONG_LOG2 entries in one call, each longer than the
 * 65536-entry tile: a few values repeated in a hashed pattern, value 0
 * alone at LONG_LABEL (the label).  Every output is checked, through the
 * smallest and largest output of each class of equal inputs. */
typedef struct long_pattern {
    const char *name;
    size_t nvals;
    double bf16[6];
    double f16[6];
} long_pattern;

static const long_pattern long_patterns[] = {
    {"one+many", 2, {0.0, -10.0}, {0.0, -10.0}},
    {"mixed", 6, {3.0, -0.5, -1.25, -4.5, -11.25, -19.875},
     {3.0, -0.5, -1.25, -4.5, -11.25, -19.875}},
    {"equal", 2, {0.7, 0.7}, {0.7, 0.7}},
    {"tail", 6, {0.0, -5.0, -88.0, -90.0, -92.5, -93.5}, {0.0, -5.0, -9.5, -12.0, -16.5, -17.5}},
    {"masked", 4, {0.0, -HUGE_VAL, -1.5, -2.5}, {0.0, -HUGE_VAL, -1.5, -2.5}},
    {"offset", 3, {128.0, 127.0, 124.5}, {1024.0, 1023.0, 1020.5}},
};

#define LONG_LABEL 12345
#define LONG_ROWS 2

/* Checks every output of both rows through each class's extremes. */
static void check_classes(acc_stats *st, const uint16_t *out, const uint8_t *cls, size_t n,
                          size_t nvals, mpfr_t *exact, mpfr_t *scale, const char *pattern,
                          const double *v)
{
    double lo[8], hi[8];
    int seen[8] = {0};
    for (size_t k = 0; k < LONG_ROWS * n; k++) {
        const size_t j = cls[k % n];
        const double o = dec(out[k]);
        if (!seen[j] || o < lo[j])
            lo[j] = o;
        if (!seen[j] || o > hi[j] || isnan(o))
            hi[j] = o;
        seen[j] = 1;
    }
    for (size_t j = 0; j < nvals; j++) {
        if (!seen[j])
            continue;
        acc_check(st, lo[j], exact[j], scale ? scale[j] : NULL,
                  "long %s n=%zu value %zu (x=%g), smallest output", pattern, n, j, v[j]);
        acc_check(st, hi[j], exact[j], scale ? scale[j] : NULL,
                  "long %s n=%zu value %zu (x=%g), largest output", pattern, n, j, v[j]);
    }
}

static void test_long_rows(void **state)
{
    (void)state;
    const size_t n = (size_t)1 << LONG_LOG2;
    acc_stats ss, sl, se, sc, sg, sxl, sxg, snl, sng;
    half_stats(&ss, "softmax (long rows)", ACC_FROM_CR);
    half_stats(&sl, "log_softmax (long rows)", ACC_FROM_CR);
    float_stats(&se, "logsumexp (long rows)", ACC_OF_SCALE);
    float_stats(&sc, "cross_entropy loss (long)", ACC_FROM_CR);
    half_stats(&sg, "cross_entropy grad (long)", ACC_FROM_CR);
    float_stats(&sxl, "cross_entropy_ex loss (long)", ACC_FROM_CR);
    half_stats(&sxg, "cross_entropy_ex grad (long)", ACC_OF_SCALE);
    float_stats(&snl, "nll_loss loss (long)", ACC_FROM_CR);
    half_stats(&sng, "nll_loss grad (long)", ACC_FROM_CR);
    uint16_t *x = xmalloc(LONG_ROWS * n * sizeof *x), *y = xmalloc(LONG_ROWS * n * sizeof *y);
    uint16_t *t = xmalloc(LONG_ROWS * n * sizeof *t);
    uint8_t *cls = xmalloc(n);
    mpfr_t *exact = ref_array_new(8), *a = ref_array_new(8), *scale = ref_array_new(8);
    mpfr_t lref, u, A;
    mpfr_inits2(REF_PREC, lref, u, A, (mpfr_ptr)0);
    for (size_t p = 0; p < sizeof long_patterns / sizeof long_patterns[0]; p++) {
        const long_pattern *lp = &long_patterns[p];
        const double *src = H->precision == 8 ? lp->bf16 : lp->f16;
        double v[8];
        uint16_t vh[8];
        uint64_t count[8] = {0};
        for (size_t j = 0; j < lp->nvals; j++) {
            v[j] = round_half(src[j]);
            vh[j] = H->from_double(v[j]);
        }
        for (size_t k = 0; k < n; k++) {
            cls[k] = (uint8_t)(k == LONG_LABEL ? 0 : 1 + acc_long_class(k, lp->nvals - 1));
            count[cls[k]]++;
            x[k] = x[n + k] = vh[cls[k]];
        }
        ref_row ref;
        ref_row_init(&ref, v, count, lp->nvals, 1.0, NULL, NULL);

        assert_int_equal(H->softmax(y, x, LONG_ROWS, n), SMX_OK);
        for (size_t j = 0; j < lp->nvals; j++)
            ref_softmax(exact[j], &ref, j);
        check_classes(&ss, y, cls, n, lp->nvals, exact, NULL, lp->name, v);

        assert_int_equal(H->log_softmax(y, x, LONG_ROWS, n), SMX_OK);
        for (size_t j = 0; j < lp->nvals; j++)
            ref_log_softmax(exact[j], &ref, j);
        check_classes(&sl, y, cls, n, lp->nvals, exact, NULL, lp->name, v);

        float lse[LONG_ROWS];
        assert_int_equal(H->logsumexp(lse, x, LONG_ROWS, n), SMX_OK);
        ref_logsumexp(exact[0], &ref);
        ref_logsumexp_scale(exact[1], &ref);
        for (size_t r = 0; r < LONG_ROWS; r++)
            acc_check(&se, lse[r], exact[0], exact[1], "long %s n=%zu row %zu", lp->name, n, r);

        /* cross-entropy, label at the single value 0, mean of the two rows */
        const int32_t labels[LONG_ROWS] = {LONG_LABEL, LONG_LABEL};
        float loss[LONG_ROWS];
        assert_int_equal(H->cross_entropy(loss, y, x, labels, LONG_ROWS, n), SMX_OK);
        ref_minus_log_prob(exact[0], &ref, 0);
        acc_check(&sc, loss[0], exact[0], NULL, "long %s n=%zu", lp->name, n);
        for (size_t j = 0; j < lp->nvals; j++) {
            ref_softmax_minus_onehot(exact[j], &ref, j, 0);
            mpfr_div_ui(exact[j], exact[j], LONG_ROWS, MPFR_RNDN);
        }
        check_classes(&sg, y, cls, n, lp->nvals, exact, NULL, lp->name, v);

        /* smoothing 0.1, reduction none: loss sum_j count_j a_j (-l_j),
         * gradient p_j A - a_j */
        const float eps = 0.1f;
        smx_cross_entropy_options_f32 opt;
        memset(&opt, 0, sizeof opt);
        opt.reduction = SMX_REDUCTION_NONE;
        opt.label_smoothing = eps;
        assert_int_equal(H->cross_entropy_ex(loss, y, x, labels, LONG_ROWS, n, &opt), SMX_OK);
        mpfr_set_zero(A, 1);
        mpfr_set_zero(lref, 1);
        for (size_t j = 0; j < lp->nvals; j++) {
            ref_target_weight(a[j], n, 0, j == 0 ? 0 : 1, NULL, (double)eps, NULL);
            mpfr_mul_ui(u, a[j], (unsigned long)count[j], MPFR_RNDN);
            mpfr_add(A, A, u, MPFR_RNDN);
            ref_minus_log_prob(exact[j], &ref, j); /* +inf at a -inf score: loss +inf */
            mpfr_mul(u, u, exact[j], MPFR_RNDN);
            mpfr_add(lref, lref, u, MPFR_RNDN);
        }
        for (size_t r = 0; r < LONG_ROWS; r++)
            acc_check(&sxl, loss[r], lref, NULL, "long %s n=%zu row %zu", lp->name, n, r);
        for (size_t j = 0; j < lp->nvals; j++) {
            ref_softmax(u, &ref, j);
            mpfr_mul(u, u, A, MPFR_RNDN);
            mpfr_sub(exact[j], u, a[j], MPFR_RNDN);
            mpfr_max(scale[j], u, a[j], MPFR_RNDN);
        }
        check_classes(&sxg, y, cls, n, lp->nvals, exact, scale, lp->name, v);

        /* the NLL of the correctly rounded log-softmax, smoothing 0.1 */
        double yv[8];
        for (size_t j = 0; j < lp->nvals; j++) {
            ref_log_softmax(u, &ref, j);
            yv[j] = acc_round_to(F, u);
        }
        for (size_t k = 0; k < LONG_ROWS * n; k++)
            t[k] = H->from_double(yv[cls[k % n]]);
        assert_int_equal(H->nll_loss(loss, y, t, labels, LONG_ROWS, n, &opt), SMX_OK);
        mpfr_set_zero(lref, 1);
        for (size_t j = 0; j < lp->nvals; j++) {
            mpfr_neg(exact[j], a[j], MPFR_RNDN);
            mpfr_mul_d(u, a[j], -yv[j], MPFR_RNDN);
            mpfr_mul_ui(u, u, (unsigned long)count[j], MPFR_RNDN);
            mpfr_add(lref, lref, u, MPFR_RNDN);
        }
        for (size_t r = 0; r < LONG_ROWS; r++)
            acc_check(&snl, loss[r], lref, NULL, "long %s n=%zu row %zu", lp->name, n, r);
        check_classes(&sng, y, cls, n, lp->nvals, exact, NULL, lp->name, v);
        ref_row_clear(&ref);
    }
    mpfr_clears(lref, u, A, (mpfr_ptr)0);
    ref_array_free(exact, 8);
    ref_array_free(a, 8);
    ref_array_free(scale, 8);
    free(x);
    free(y);
    free(t);
    free(cls);
    FINISH(&ss, &sl, &se, &sc, &sg, &sxl, &sxg, &snl, &sng);
}

/* The backward passes on long rows: y the correctly rounded softmax (or
 * log-softmax) of a value pattern, dy one value per class, constant or
 * not; the reductions over 2^20 entries must not drift. */
static void test_long_backward(void **state)
{
    (void)state;
    static const double values[] = {2.0, -0.5, -1.25, -3.0, -7.5, -15.0};
    enum { NV = sizeof values / sizeof values[0] };
    const size_t n = (size_t)1 << LONG_LOG2;
    acc_stats st[3];
    half_stats(&st[B_SOFTMAX], "softmax_backward (long)", ACC_OF_SCALE);
    half_stats(&st[B_LOG_SOFTMAX], "log_softmax_backward (long)", ACC_OF_SCALE);
    half_stats(&st[B_JVP], "log_softmax_jvp (long)", ACC_OF_SCALE);
    uint8_t *cls = xmalloc(n);
    uint64_t count[NV] = {0};
    for (size_t k = 0; k < n; k++) {
        cls[k] = (uint8_t)(k == 777 ? 0 : 1 + acc_long_class(k, NV - 1));
        count[cls[k]]++;
    }
    double v[NV], y[NV], l[NV], dy[NV];
    for (size_t j = 0; j < NV; j++)
        v[j] = round_half(values[j]);
    ref_row ref;
    ref_row_init(&ref, v, count, NV, 1.0, NULL, NULL);
    mpfr_t e;
    mpfr_init2(e, REF_PREC);
    for (size_t j = 0; j < NV; j++) {
        ref_softmax(e, &ref, j);
        y[j] = acc_round_to(F, e);
        ref_log_softmax(e, &ref, j);
        l[j] = acc_round_to(F, e);
    }
    mpfr_clear(e);
    ref_row_clear(&ref);
    uint16_t *yr = xmalloc(LONG_ROWS * n * sizeof *yr), *gr = xmalloc(LONG_ROWS * n * sizeof *gr);
    uint16_t *res = xmalloc(LONG_ROWS * n * sizeof *res);
    mpfr_t *out = ref_array_new(NV), *scale = ref_array_new(NV);
    acc_rng rng;
    acc_rng_seed(&rng, acc_seed(900, (uint64_t)F->precision, 0));
    for (int constant = 0; constant < 2; constant++) {
        const double c0 = round_half(acc_rng_range(&rng, -2, 2));
        for (size_t j = 0; j < NV; j++)
            dy[j] = constant ? c0 : round_half(acc_rng_range(&rng, -1, 1));
        for (size_t k = 0; k < LONG_ROWS * n; k++)
            gr[k] = H->from_double(dy[cls[k % n]]);
        for (int kind = 0; kind < 3; kind++) {
            const double *yy = kind == B_SOFTMAX ? y : l;
            for (size_t k = 0; k < LONG_ROWS * n; k++)
                yr[k] = H->from_double(yy[cls[k % n]]);
            smx_status status;
            if (kind == B_SOFTMAX) {
                status = H->softmax_backward(res, yr, gr, LONG_ROWS, n);
                ref_softmax_backward(out, scale, yy, dy, count, NV);
            } else if (kind == B_LOG_SOFTMAX) {
                status = H->log_softmax_backward(res, yr, gr, LONG_ROWS, n);
                ref_log_softmax_backward(out, scale, yy, dy, count, NV);
            } else {
                status = H->log_softmax_jvp(res, yr, gr, LONG_ROWS, n);
                ref_log_softmax_jvp(out, scale, yy, dy, count, NV);
            }
            assert_int_equal(status, SMX_OK);
            char name[32];
            snprintf(name, sizeof name, "%s dy", constant ? "constant" : "random");
            check_classes(&st[kind], res, cls, n, NV, out, scale, name, yy);
        }
    }
    ref_array_free(out, NV);
    ref_array_free(scale, NV);
    free(cls);
    free(yr);
    free(gr);
    free(res);
    FINISH(&st[0], &st[1], &st[2]);
}

/* ------------------------------------------------------------------------ */

static int setup_backward(void **state)
{
    (void)state;
    bcases_init();
    return 0;
}

static int teardown_backward(void **state)
{
    (void)state;
    bcases_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_softmax),
        cmocka_unit_test(test_log_softmax),
        cmocka_unit_test(test_logsumexp),
        cmocka_unit_test(test_cross_entropy),
        cmocka_unit_test(test_cross_entropy_ex),
        cmocka_unit_test(test_cross_entropy_ex_cancellation),
        cmocka_unit_test(test_cross_entropy_soft),
        cmocka_unit_test(test_nll_loss),
        cmocka_unit_test(test_softmax_masked),
        cmocka_unit_test(test_log_softmax_masked),
        cmocka_unit_test_setup_teardown(test_softmax_backward, setup_backward,
                                        teardown_backward),
        cmocka_unit_test_setup_teardown(test_log_softmax_backward, setup_backward,
                                        teardown_backward),
        cmocka_unit_test_setup_teardown(test_log_softmax_jvp, setup_backward,
                                        teardown_backward),
        cmocka_unit_test_setup_teardown(test_masked_backward, setup_backward,
                                        teardown_backward),
        cmocka_unit_test(test_long_rows),
        cmocka_unit_test(test_long_backward),
    };
    int failed = 0;
    for (size_t f = 0; f < 2; f++) {
        H = half_apis[f];
        F = H == &half_bf16 ? &acc_bf16 : &acc_f16;
        char group[32];
        snprintf(group, sizeof group, "accuracy_half_%s", H->name);
        failed += cmocka_run_group_tests_name(group, tests, group_setup, group_teardown);
    }
    return failed != 0;
}
