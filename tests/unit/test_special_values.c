/*
 * test_special_values.c — every special-value sentence of smx.h, checked
 * for f32 and f64 (docs/testing.md, "Special values").
 *
 *   - shift by the row maximum: (1000, 0, -1000) -> (1, 0, 0) exactly,
 *     (1e30, 1e30) -> (0.5, 0.5), the largest finite scores;
 *   - log-softmax of -1e10 * ones(11) is -log 11 to 1 ulp;
 *   - a -inf score: probability 0, log-probability -inf, gradient 0, and
 *     the rest of the row bit for bit as if the entry were absent, even
 *     when the upstream gradient there is NaN or huge;
 *   - NaN anywhere, +inf, all -inf: the row is NaN (plain functions);
 *   - the mask API: a fully masked row is zeros / -inf / zero gradients;
 *   - a bad row never leaks into the other rows of a batch;
 *   - in place gives the same bits as out of place;
 *   - one column gives exactly 1 (log-softmax 0).
 */
#include "test_util.h"

#include <math.h>
#include <string.h>

#define INF ((long double)INFINITY)
#define QNAN ((long double)NAN)

/* Copies the entries of the row x[0..n) whose drop[k] is 0; *m gets their
 * number.  The "row without the -inf entries". */
static void *compact(tctx *t, const void *x, size_t n, const int *drop, size_t *m)
{
    void *c = tvec(t, n);
    size_t j = 0;
    for (size_t k = 0; k < n; k++)
        if (!drop[k])
            tset(t, c, j++, tget(t, x, k));
    *m = j;
    return c;
}

/* Checks that full[k] for the kept k equals part[] in order, bit for bit,
 * and that full[k] == absent for the dropped k. */
static void check_as_if_absent(tctx *t, const char *what, const void *full, const void *part,
                               size_t n, const int *drop, long double absent)
{
    size_t j = 0;
    void *kept = tvec(t, n);
    for (size_t k = 0; k < n; k++) {
        if (drop[k])
            CHECK_EXACT(t, what, k, tget(t, full, k), absent);
        else
            tset(t, kept, j++, tget(t, full, k));
    }
    CHECK_BITS(t, what, kept, part, j);
}

static void check_row_all_nan(tctx *t, const char *what, const void *y, size_t off, size_t n)
{
    for (size_t k = 0; k < n; k++)
        CHECK(t, isnan(tget(t, y, off + k)), "%s[%zu] = %Lg, expected NaN (whole row NaN)",
              what, off + k, tget(t, y, off + k));
}

/* softmax(1000, 0, -1000) = (1, 0, 0); softmax(1e30, 1e30) = (0.5, 0.5);
 * the largest finite scores, whose difference overflows the dtype. */
static void test_shift_by_row_max(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    void *y = tvec(t, 3);

    void *x = tvals(t, 3, (long double[]){1000, 0, -1000});
    CHECK_STATUS(t, D->softmax(y, x, 1, 3), SMX_OK);
    CHECK_EXACT(t, "softmax(1000,0,-1000)", 0, tget(t, y, 0), 1);
    CHECK_EXACT(t, "softmax(1000,0,-1000)", 1, tget(t, y, 1), 0);
    CHECK_EXACT(t, "softmax(1000,0,-1000)", 2, tget(t, y, 2), 0);

    /* log-softmax = (-log1p(e^-1000 + e^-2000), -1000 - ..., -2000 - ...) */
    long double z[3] = {1000, 0, -1000}, ref[3];
    ref_log_softmax(ref, z, 3);
    CHECK_STATUS(t, D->log_softmax(y, x, 1, 3), SMX_OK);
    for (size_t k = 0; k < 3; k++)
        CHECK_ULP(t, "log_softmax(1000,0,-1000)", k, tget(t, y, k), ref[k], CONTRACT_ULP);
    CHECK_STATUS(t, D->logsumexp(y, x, 1, 3), SMX_OK);
    CHECK_EXACT(t, "logsumexp(1000,0,-1000)", 0, tget(t, y, 0), 1000);

    const long double pairs[][2] = {{1e30L, 1e30L}, {-1e30L, -1e30L}, {D->max, D->max},
                                    {-D->max, -D->max}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        tnote(t, "x = (%Lg, %Lg)", pairs[p][0], pairs[p][1]);
        x = tvals(t, 2, pairs[p]);
        CHECK_STATUS(t, D->softmax(y, x, 1, 2), SMX_OK);
        CHECK_EXACT(t, "softmax", 0, tget(t, y, 0), 0.5L);
        CHECK_EXACT(t, "softmax", 1, tget(t, y, 1), 0.5L);
        CHECK_STATUS(t, D->log_softmax(y, x, 1, 2), SMX_OK);
        CHECK_ULP(t, "log_softmax", 0, tget(t, y, 0), -logl(2), CONTRACT_ULP);
        CHECK_ULP(t, "log_softmax", 1, tget(t, y, 1), -logl(2), CONTRACT_ULP);
        /* max + log 2 rounds back to max: not +inf. */
        CHECK_STATUS(t, D->logsumexp(y, x, 1, 2), SMX_OK);
        CHECK_ULP(t, "logsumexp", 0, tget(t, y, 0), tget(t, x, 0) + logl(2), CONTRACT_ULP);
    }

    /* (max, -max): z - m = -2 max overflows the dtype; the result is (1, 0)
     * and the log-probability -2 max rounds to -inf.  Never NaN. */
    tnote(t, "x = (max, -max)");
    x = tvals(t, 2, (long double[]){D->max, -D->max});
    CHECK_STATUS(t, D->softmax(y, x, 1, 2), SMX_OK);
    CHECK_EXACT(t, "softmax", 0, tget(t, y, 0), 1);
    CHECK_EXACT(t, "softmax", 1, tget(t, y, 1), 0);
    CHECK_STATUS(t, D->log_softmax(y, x, 1, 2), SMX_OK);
    CHECK_EXACT(t, "log_softmax", 0, tget(t, y, 0), 0);
    CHECK_ULP(t, "log_softmax", 1, tget(t, y, 1), -2 * D->max, CONTRACT_ULP);
    CHECK_STATUS(t, D->logsumexp(y, x, 1, 2), SMX_OK);
    CHECK_EXACT(t, "logsumexp", 0, tget(t, y, 0), D->max);
}

/* log_softmax(-1e10 * ones(11)) is -log 11 everywhere, never 0 (which is
 * what x - (m + log S) gives); also at +1e10, and softmax is 1/11. */
static void test_log_softmax_of_equal_large_scores(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const long double scores[] = {-1e10L, 1e10L, -1e30L};
    void *x = tvec(t, 11), *y = tvec(t, 11);
    for (size_t s = 0; s < sizeof scores / sizeof scores[0]; s++) {
        tnote(t, "x = %Lg * ones(11)", scores[s]);
        for (size_t k = 0; k < 11; k++)
            tset(t, x, k, scores[s]);
        CHECK_STATUS(t, D->log_softmax(y, x, 1, 11), SMX_OK);
        for (size_t k = 0; k < 11; k++)
            CHECK_ULP(t, "log_softmax", k, tget(t, y, k), -logl(11), 1.0);
        CHECK_STATUS(t, D->softmax(y, x, 1, 11), SMX_OK);
        for (size_t k = 0; k < 11; k++)
            CHECK_ULP(t, "softmax", k, tget(t, y, k), 1.0L / 11, CONTRACT_ULP);
    }
}

/* Probabilities below the normal range are within 2 units of the smallest
 * subnormal; those below half of it are 0.  Scores sit around
 * L = -log(smallest subnormal): 103.28 for f32, 744.44 for f64. */
static void test_subnormal_probabilities(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    need_wide_reference(t);
    const long double L = -logl(D->true_min);
    const long double offsets[] = {0, 3, 8, 1, 0.5L, -0.5L, -0.25L, -5, 20};
    enum { N = sizeof offsets / sizeof offsets[0] };
    long double z[N], ref[N];
    void *x = tvec(t, N), *y = tvec(t, N);
    tset(t, x, 0, 0);
    for (size_t k = 1; k < N; k++)
        tset(t, x, k, -(L - offsets[k])); /* softmax ~ e^-(L - offset) */
    tload(t, z, x, 0, N);

    CHECK_STATUS(t, D->softmax(y, x, 1, N), SMX_OK);
    ref_softmax(ref, z, N);
    for (size_t k = 0; k < N; k++)
        CHECK_ULP(t, "softmax near the smallest subnormal", k, tget(t, y, k), ref[k],
                  CONTRACT_ULP);
    CHECK_STATUS(t, D->log_softmax(y, x, 1, N), SMX_OK);
    ref_log_softmax(ref, z, N);
    for (size_t k = 0; k < N; k++)
        CHECK_ULP(t, "log_softmax near the smallest subnormal", k, tget(t, y, k), ref[k],
                  CONTRACT_ULP);
}

/* A row whose other entries all have subnormal exponentials: log1p(others)
 * is then as small as they are, and a sum that rounds each term on the
 * subnormal grid is off by up to n/2 steps.  Short, long and split rows,
 * each with a label at the maximum (loss = log1p(others), gradient
 * -others / sum). */
static void test_sum_of_subnormal_terms(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    need_wide_reference(t);
    const long double gap = -logl(D->true_min) - 10; /* exp(-gap) ~ 2^14 true_min */
    const size_t lengths[] = {9, 1001, 70001};
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li];
        tnote(t, "row of %zu: 0, then -%Lg", n, gap);
        void *x = tvec(t, n), *y = tvec(t, n), *out = tvec(t, 1);
        tset(t, x, 0, 0);
        for (size_t k = 1; k < n; k++)
            tset(t, x, k, -gap);
        const long double others = (long double)(n - 1) * expl(tget(t, x, 1));

        CHECK_STATUS(t, D->log_softmax(y, x, 1, n), SMX_OK);
        CHECK_ULP(t, "log_softmax at the maximum", 0, tget(t, y, 0), -log1pl(others),
                  CONTRACT_ULP);
        CHECK_STATUS(t, D->logsumexp(out, x, 1, n), SMX_OK);
        CHECK_ULP(t, "logsumexp", 0, tget(t, out, 0), log1pl(others), CONTRACT_ULP);
        const int32_t label = 0;
        void *loss = tvec(t, 1);
        CHECK_STATUS(t, D->cross_entropy(loss, y, x, &label, 1, n), SMX_OK);
        CHECK_ULP(t, "cross-entropy loss", 0, tget(t, loss, 0), log1pl(others), CONTRACT_ULP);
        CHECK_ULP(t, "cross-entropy gradient at the label", 0, tget(t, y, 0),
                  -others / (1 + others), CONTRACT_ULP);
    }
}

/* Large gaps: a fused loss and log-softmax never take the log of a rounded
 * probability (research/user-needs.md N9, N12). */
static void test_large_gaps_stay_finite(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    need_wide_reference(t);
    long double z[3] = {0, 50, -50}, ref[3];
    void *x = tvals(t, 3, z), *y = tvec(t, 3);
    CHECK_STATUS(t, D->log_softmax(y, x, 1, 3), SMX_OK);
    ref_log_softmax(ref, z, 3);
    for (size_t k = 0; k < 3; k++)
        CHECK_ULP(t, "log_softmax(0, 50, -50)", k, tget(t, y, k), ref[k], CONTRACT_ULP);

    /* Cross-entropy of (0, 100, -100) with label 2: 200 + log1p(e^-100 +
     * e^-200), gradient (p0, p1, p2 - 1) with p2 - 1 = -(p0 + p1). */
    long double z2[3] = {0, 100, -100}, p[3];
    x = tvals(t, 3, z2);
    void *loss = tvec(t, 1), *dx = tvec(t, 3);
    int32_t *label = tlabels(t, 1, (int32_t[]){2});
    CHECK_STATUS(t, D->cross_entropy(loss, dx, x, label, 1, 3), SMX_OK);
    CHECK_ULP(t, "cross_entropy((0,100,-100), 2)", 0, tget(t, loss, 0),
              -(-100 - ref_logsumexp(z2, 3)), CONTRACT_ULP);
    ref_softmax(p, z2, 3);
    const long double grad[3] = {p[0], p[1], -(p[0] + p[1])};
    for (size_t k = 0; k < 3; k++)
        CHECK_ULP(t, "cross_entropy gradient", k, tget(t, dx, k), grad[k], CONTRACT_ULP);
}

/* A -inf score: probability exactly 0, log-softmax -inf, and the rest of
 * the row bit for bit the row without it; the same for logsumexp and the
 * cross-entropy loss, whose gradient there is exactly 0. */
static void test_neg_inf_score_is_absent(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    static const long double rows[][9] = {
        {-INFINITY, 0.5L, -1.25L, 2, 0, 0, 0, 0, 0},
        {0.5L, -INFINITY, -1.25L, 2, 0, 0, 0, 0, 0},
        {0.5L, -1.25L, 2, -INFINITY, 0, 0, 0, 0, 0},
        {-INFINITY, 3, -INFINITY, -7.5L, 0, 0, 0, 0, 0},
        {1, -INFINITY, 2, 3, -INFINITY, 4, 5, -INFINITY, -30},
    };
    static const size_t lens[] = {4, 4, 4, 4, 9};
    for (size_t r = 0; r < sizeof lens / sizeof lens[0]; r++) {
        const size_t n = lens[r];
        int drop[9];
        for (size_t k = 0; k < n; k++)
            drop[k] = isinf(rows[r][k]);
        tnote(t, "row %zu", r);
        size_t m;
        void *x = tvals(t, n, rows[r]), *xc = compact(t, x, n, drop, &m);
        void *y = tvec(t, n), *yc = tvec(t, n);

        CHECK_STATUS(t, D->softmax(y, x, 1, n), SMX_OK);
        CHECK_STATUS(t, D->softmax(yc, xc, 1, m), SMX_OK);
        check_as_if_absent(t, "softmax", y, yc, n, drop, 0);

        CHECK_STATUS(t, D->log_softmax(y, x, 1, n), SMX_OK);
        CHECK_STATUS(t, D->log_softmax(yc, xc, 1, m), SMX_OK);
        check_as_if_absent(t, "log_softmax", y, yc, n, drop, -INF);

        CHECK_STATUS(t, D->logsumexp(y, x, 1, n), SMX_OK);
        CHECK_STATUS(t, D->logsumexp(yc, xc, 1, m), SMX_OK);
        CHECK_BITS(t, "logsumexp", y, yc, 1);

        /* label: the last finite entry, at position m - 1 in the compact row */
        int32_t label = 0;
        for (size_t k = 0; k < n; k++)
            if (!drop[k])
                label = (int32_t)k;
        int32_t *lab = tlabels(t, 1, &label), *labc = tlabels(t, 1, (int32_t[]){(int32_t)m - 1});
        void *loss = tvec(t, 1), *lossc = tvec(t, 1), *dx = tvec(t, n), *dxc = tvec(t, n);
        CHECK_STATUS(t, D->cross_entropy(loss, dx, x, lab, 1, n), SMX_OK);
        CHECK_STATUS(t, D->cross_entropy(lossc, dxc, xc, labc, 1, m), SMX_OK);
        CHECK_BITS(t, "cross_entropy loss", loss, lossc, 1);
        check_as_if_absent(t, "cross_entropy gradient", dx, dxc, n, drop, 0);
    }
}

/* The backward passes treat y == 0 (softmax) and y == -inf (log-softmax)
 * entries as absent: dx is exactly 0 there and their dy, even NaN, +inf or
 * huge, is not read into the reduction.  The same for the JVP's tangent. */
static void test_neg_inf_gradient_is_zero(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const long double garbage[] = {QNAN, INF, -INF, D->max, -D->max, 1e30L};
    const long double scores[6] = {0.25L, -INFINITY, 1.5L, -2, -INFINITY, 0.75L};
    const long double grads[6] = {0.5L, 0, -1.25L, 2, 0, 3};
    const int drop[6] = {0, 1, 0, 0, 1, 0};
    const size_t n = 6;
    size_t m;
    void *x = tvals(t, n, scores);
    void *s = tvec(t, n), *l = tvec(t, n);
    CHECK_STATUS(t, D->softmax(s, x, 1, n), SMX_OK);
    CHECK_STATUS(t, D->log_softmax(l, x, 1, n), SMX_OK);
    void *sc = compact(t, s, n, drop, &m), *lc = compact(t, l, n, drop, &m);

    for (size_t g = 0; g < sizeof garbage / sizeof garbage[0]; g++) {
        tnote(t, "dy at the -inf entries = %Lg", garbage[g]);
        void *dy = tvals(t, n, grads);
        tset(t, dy, 1, garbage[g]);
        tset(t, dy, 4, garbage[g]);
        void *dyc = compact(t, dy, n, drop, &m);
        void *dx = tvec(t, n), *dxc = tvec(t, n);

        CHECK_STATUS(t, D->softmax_backward(dx, s, dy, 1, n), SMX_OK);
        CHECK_STATUS(t, D->softmax_backward(dxc, sc, dyc, 1, m), SMX_OK);
        check_as_if_absent(t, "softmax_backward", dx, dxc, n, drop, 0);

        CHECK_STATUS(t, D->log_softmax_backward(dx, l, dy, 1, n), SMX_OK);
        CHECK_STATUS(t, D->log_softmax_backward(dxc, lc, dyc, 1, m), SMX_OK);
        check_as_if_absent(t, "log_softmax_backward", dx, dxc, n, drop, 0);

        /* JVP: dy = dx - <exp(y), dx>; the tangent dx is the garbage here. */
        CHECK_STATUS(t, D->log_softmax_jvp(dx, l, dy, 1, n), SMX_OK);
        CHECK_STATUS(t, D->log_softmax_jvp(dxc, lc, dyc, 1, m), SMX_OK);
        check_as_if_absent(t, "log_softmax_jvp", dx, dxc, n, drop, 0);

        CHECK_STATUS(t, D->softmax_masked_backward(dx, s, dy, 1, n, 0.5), SMX_OK);
        CHECK_STATUS(t, D->softmax_masked_backward(dxc, sc, dyc, 1, m, 0.5), SMX_OK);
        check_as_if_absent(t, "softmax_masked_backward", dx, dxc, n, drop, 0);

        CHECK_STATUS(t, D->log_softmax_masked_backward(dx, l, dy, 1, n, 0.5), SMX_OK);
        CHECK_STATUS(t, D->log_softmax_masked_backward(dxc, lc, dyc, 1, m, 0.5), SMX_OK);
        check_as_if_absent(t, "log_softmax_masked_backward", dx, dxc, n, drop, 0);
    }
}

/* A NaN anywhere makes the whole row NaN: softmax, log-softmax (no stray
 * -inf left), logsumexp, the cross-entropy loss. */
static void test_nan_makes_row_nan(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    static const long double rows[][5] = {
        {NAN, 1, 2, 3, 4},
        {1, 2, NAN, 3, 4},
        {1, 2, 3, 4, NAN},
        {-INFINITY, NAN, 0, 1, 2},
        {INFINITY, 0, NAN, -INFINITY, 1},
        {1e30L, -1e30L, 0, NAN, -INFINITY},
        {NAN, NAN, NAN, NAN, NAN},
    };
    const size_t n = 5;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        tnote(t, "row %zu", r);
        void *x = tvals(t, n, rows[r]), *y = tvec(t, n);
        CHECK_STATUS(t, D->softmax(y, x, 1, n), SMX_OK);
        check_row_all_nan(t, "softmax", y, 0, n);
        CHECK_STATUS(t, D->log_softmax(y, x, 1, n), SMX_OK);
        check_row_all_nan(t, "log_softmax", y, 0, n);
        CHECK_STATUS(t, D->logsumexp(y, x, 1, n), SMX_OK);
        check_row_all_nan(t, "logsumexp", y, 0, 1);

        /* The label on a finite score, and on the NaN. */
        for (int32_t c = 0; c < (int32_t)n; c++) {
            void *loss = tvec(t, 1);
            int32_t *lab = tlabels(t, 1, &c);
            CHECK_STATUS(t, D->cross_entropy(loss, NULL, x, lab, 1, n), SMX_OK);
            check_row_all_nan(t, "cross_entropy loss", loss, 0, 1);
            const topts none = {.reduction = SMX_REDUCTION_NONE};
            CHECK_STATUS(t, D->cross_entropy_ex(loss, NULL, x, lab, 1, n, &none), SMX_OK);
            check_row_all_nan(t, "cross_entropy_ex loss (none)", loss, 0, 1);
        }
        void *target = tvals(t, n, (long double[]){0.5L, 0.25L, 0.25L, 0, 0});
        void *loss = tvec(t, 1);
        CHECK_STATUS(t, D->cross_entropy_soft(loss, NULL, x, target, 1, n, NULL), SMX_OK);
        check_row_all_nan(t, "cross_entropy_soft loss", loss, 0, 1);
    }
}

/* +inf makes the row NaN (as PyTorch, JAX, SciPy); logsumexp is +inf.  A
 * row of only -inf is 0/0: NaN, and its logsumexp is log 0 = -inf. */
static void test_inf_rows(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    static const long double posinf[][4] = {
        {INFINITY, 0, 1, 2},
        {0, 1, 2, INFINITY},
        {INFINITY, INFINITY, 0, -INFINITY},
        {-INFINITY, INFINITY, -INFINITY, 1e30L},
    };
    const size_t n = 4;
    for (size_t r = 0; r < sizeof posinf / sizeof posinf[0]; r++) {
        tnote(t, "+inf row %zu", r);
        void *x = tvals(t, n, posinf[r]), *y = tvec(t, n);
        CHECK_STATUS(t, D->softmax(y, x, 1, n), SMX_OK);
        check_row_all_nan(t, "softmax", y, 0, n);
        CHECK_STATUS(t, D->log_softmax(y, x, 1, n), SMX_OK);
        check_row_all_nan(t, "log_softmax", y, 0, n);
        CHECK_STATUS(t, D->logsumexp(y, x, 1, n), SMX_OK);
        CHECK_EXACT(t, "logsumexp", 0, tget(t, y, 0), INF);
        /* PyTorch: cross_entropy = nll(log_softmax) of a NaN row: NaN. */
        for (int32_t c = 0; c < (int32_t)n; c++) {
            void *loss = tvec(t, 1);
            CHECK_STATUS(t, D->cross_entropy(loss, NULL, x, tlabels(t, 1, &c), 1, n), SMX_OK);
            check_row_all_nan(t, "cross_entropy loss", loss, 0, 1);
        }
    }

    for (size_t len = 1; len <= 9; len += 4) {
        tnote(t, "all -inf row of %zu", len);
        void *x = tvec(t, len), *y = tvec(t, len);
        for (size_t k = 0; k < len; k++)
            tset(t, x, k, -INF);
        CHECK_STATUS(t, D->softmax(y, x, 1, len), SMX_OK);
        check_row_all_nan(t, "softmax", y, 0, len);
        CHECK_STATUS(t, D->log_softmax(y, x, 1, len), SMX_OK);
        check_row_all_nan(t, "log_softmax", y, 0, len);
        CHECK_STATUS(t, D->softmax_axis(y, x, 1, len, 1), SMX_OK);
        check_row_all_nan(t, "softmax_axis", y, 0, len);
        CHECK_STATUS(t, D->logsumexp(y, x, 1, len), SMX_OK);
        CHECK_EXACT(t, "logsumexp", 0, tget(t, y, 0), -INF);
        void *loss = tvec(t, 1);
        CHECK_STATUS(t, D->cross_entropy(loss, NULL, x, tlabels(t, 1, (int32_t[]){0}), 1, len),
                     SMX_OK);
        check_row_all_nan(t, "cross_entropy loss", loss, 0, 1);
    }
}

/* Through the mask API a fully masked row is intent: softmax zeros,
 * log-softmax -inf, both backward passes zero; never 1/n, never NaN.
 * Scores under a keep == 0 are not part of the row: NaN, +inf or huge
 * values there change nothing. */
static void test_fully_masked_rows(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    enum { R = 4, C = 5 };
    const long double xs[R * C] = {
        NAN,  INFINITY, 1e30L, -1,    2,      /* row 0: keep all 0 */
        0.5L, -1,       2,     0.25L, -3,     /* row 1: normal */
        1,    2,        3,     4,     5,      /* row 2: bias all -inf */
        -2,   NAN,      1,     1e30L, INFINITY /* row 3: keep only 0, 2 */
    };
    uint8_t keep[R * C] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0};
    long double bias_v[R * C] = {0};
    for (size_t k = 0; k < C; k++)
        bias_v[2 * C + k] = -INF;
    void *x = tvals(t, R * C, xs), *bias = tvals(t, R * C, bias_v);
    const tmask mask = {bias, R, keep, R};
    void *y = tvec(t, R * C), *l = tvec(t, R * C), *dx = tvec(t, R * C);

    CHECK_STATUS(t, D->softmax_masked(y, x, R, C, 0.5, &mask), SMX_OK);
    CHECK_STATUS(t, D->log_softmax_masked(l, x, R, C, 0.5, &mask), SMX_OK);
    for (size_t r = 0; r < R; r++) {
        if (r == 1)
            continue;
        tnote(t, "row %zu", r);
        for (size_t k = 0; k < C; k++) {
            const size_t i = r * C + k;
            const int kept = r == 3 && (k == 0 || k == 2);
            if (kept)
                continue;
            CHECK_EXACT(t, "softmax_masked, masked entry", i, tget(t, y, i), 0);
            CHECK_EXACT(t, "log_softmax_masked, masked entry", i, tget(t, l, i), -INF);
        }
    }
    /* Row 3 keeps (-2, 1) * 0.5: softmax(-1, 0.5). */
    long double z[2] = {-1, 0.5L}, ref[2];
    ref_softmax(ref, z, 2);
    CHECK_ULP(t, "softmax_masked row 3", 15, tget(t, y, 15), ref[0], CONTRACT_ULP);
    CHECK_ULP(t, "softmax_masked row 3", 17, tget(t, y, 17), ref[1], CONTRACT_ULP);

    /* Backward: zeros on the fully masked rows and masked entries, even with
     * NaN upstream gradients there. */
    void *dy = tvec(t, R * C);
    for (size_t i = 0; i < R * C; i++)
        tset(t, dy, i, (i % 3 == 0) ? QNAN : (long double)i - 7);
    CHECK_STATUS(t, D->softmax_masked_backward(dx, y, dy, R, C, 0.5), SMX_OK);
    for (size_t i = 0; i < R * C; i++)
        if (tget(t, y, i) == 0)
            CHECK_EXACT(t, "softmax_masked_backward at a masked entry", i, tget(t, dx, i), 0);
    CHECK_STATUS(t, D->log_softmax_masked_backward(dx, l, dy, R, C, 0.5), SMX_OK);
    for (size_t i = 0; i < R * C; i++)
        if (tget(t, l, i) == -INF)
            CHECK_EXACT(t, "log_softmax_masked_backward at a masked entry", i,
                        tget(t, dx, i), 0);

    /* A broadcast keep of all zeros masks every row; a NULL mask with a
     * -inf-only row is the plain rule (NaN) — the mask makes the difference. */
    tnote(t, "broadcast keep of zeros");
    uint8_t none[C] = {0};
    const tmask all = {NULL, 0, none, 1};
    CHECK_STATUS(t, D->softmax_masked(y, x, R, C, 1, &all), SMX_OK);
    CHECK_STATUS(t, D->log_softmax_masked(l, x, R, C, 1, &all), SMX_OK);
    for (size_t i = 0; i < R * C; i++) {
        CHECK_EXACT(t, "softmax_masked", i, tget(t, y, i), 0);
        CHECK_EXACT(t, "log_softmax_masked", i, tget(t, l, i), -INF);
    }
    CHECK_STATUS(t, D->softmax_masked_backward(dx, y, dy, R, C, 2), SMX_OK);
    for (size_t i = 0; i < R * C; i++)
        CHECK_EXACT(t, "softmax_masked_backward", i, tget(t, dx, i), 0);
    CHECK_STATUS(t, D->log_softmax_masked_backward(dx, l, dy, R, C, 2), SMX_OK);
    for (size_t i = 0; i < R * C; i++)
        CHECK_EXACT(t, "log_softmax_masked_backward", i, tget(t, dx, i), 0);
}

/* A NaN, +inf or all -inf row in a batch leaves the other rows bit for bit
 * as they are when computed alone. */
static void test_bad_row_does_not_leak(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    enum { R = 5, C = 6 };
    const long double xs[R * C] = {
        0.5L, -1,        2,   0.25L, -3, 1,   /* good */
        1,    NAN,       2,   3,     4,  5,   /* NaN */
        -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY,
        1,    2,         INFINITY, 0, -1, -2, /* +inf */
        -4,   3.5L,      -INFINITY, 0, 7, -0.5L, /* good */
    };
    const size_t good[2] = {0, 4};
    void *x = tvals(t, R * C, xs), *y = tvec(t, R * C), *one = tvec(t, C);

    smx_status (*const fwd[2])(void *, const void *, size_t, size_t) = {D->softmax,
                                                                         D->log_softmax};
    for (int f = 0; f < 2; f++) {
        tnote(t, f ? "log_softmax" : "softmax");
        CHECK_STATUS(t, fwd[f](y, x, R, C), SMX_OK);
        for (size_t g = 0; g < 2; g++) {
            const size_t r = good[g];
            CHECK_STATUS(t, fwd[f](one, (const char *)x + r * C * D->size, 1, C), SMX_OK);
            CHECK_BITS(t, "good row in a batch vs alone", (char *)y + r * C * D->size, one, C);
        }
    }
    tnote(t, "logsumexp");
    CHECK_STATUS(t, D->logsumexp(y, x, R, C), SMX_OK);
    for (size_t g = 0; g < 2; g++) {
        const size_t r = good[g];
        CHECK_STATUS(t, D->logsumexp(one, (const char *)x + r * C * D->size, 1, C), SMX_OK);
        CHECK_BITS(t, "logsumexp of a good row", (char *)y + r * D->size, one, 1);
    }

    /* Backward through the NaN rows of the forward output. */
    void *s = tvec(t, R * C), *dy = tvec(t, R * C), *dx = tvec(t, R * C);
    for (size_t i = 0; i < R * C; i++)
        tset(t, dy, i, (long double)((int)(i % 7) - 3) / 4);
    for (int backward_log = 0; backward_log < 2; backward_log++) {
        tnote(t, backward_log ? "log_softmax_backward" : "softmax_backward");
        CHECK_STATUS(t, fwd[backward_log](s, x, R, C), SMX_OK);
        smx_status (*bw)(void *, const void *, const void *, size_t, size_t) =
            backward_log ? D->log_softmax_backward : D->softmax_backward;
        CHECK_STATUS(t, bw(dx, s, dy, R, C), SMX_OK);
        for (size_t g = 0; g < 2; g++) {
            const size_t off = good[g] * C * D->size;
            CHECK_STATUS(t, bw(one, (char *)s + off, (char *)dy + off, 1, C), SMX_OK);
            CHECK_BITS(t, "good row in a batch vs alone", (char *)dx + off, one, C);
        }
    }

    /* Cross-entropy, no reduction: the good rows' losses and gradients. */
    tnote(t, "cross_entropy_ex, reduction none");
    const topts none = {.reduction = SMX_REDUCTION_NONE};
    int32_t *labels = tlabels(t, R, (int32_t[]){2, 0, 1, 3, 1});
    void *loss = tvec(t, R), *loss1 = tvec(t, 1);
    CHECK_STATUS(t, D->cross_entropy_ex(loss, dx, x, labels, R, C, &none), SMX_OK);
    for (size_t g = 0; g < 2; g++) {
        const size_t r = good[g];
        CHECK_STATUS(t, D->cross_entropy_ex(loss1, one, (char *)x + r * C * D->size,
                                            labels + r, 1, C, &none),
                     SMX_OK);
        CHECK_BITS(t, "loss of a good row", (char *)loss + r * D->size, loss1, 1);
        CHECK_BITS(t, "gradient of a good row", (char *)dx + r * C * D->size, one, C);
    }

    /* Mean: the good rows' gradients equal those of the same batch with
     * the bad rows replaced by good ones (the divisor, 5 rows, is the same). */
    tnote(t, "cross_entropy, mean");
    void *xfix = tcopy(t, x, R * C), *dxfix = tvec(t, R * C);
    for (size_t r = 1; r <= 3; r++)
        for (size_t k = 0; k < C; k++)
            tset(t, xfix, r * C + k, (long double)k / 2);
    CHECK_STATUS(t, D->cross_entropy(loss1, dx, x, labels, R, C), SMX_OK);
    CHECK(t, isnan(tget(t, loss1, 0)), "mean loss over a batch with a NaN row is %Lg, not NaN",
          tget(t, loss1, 0));
    CHECK_STATUS(t, D->cross_entropy(loss1, dxfix, xfix, labels, R, C), SMX_OK);
    for (size_t g = 0; g < 2; g++) {
        const size_t off = good[g] * C * D->size;
        CHECK_BITS(t, "mean gradient of a good row", (char *)dx + off, (char *)dxfix + off, C);
    }
}

/* Random rows with a -inf and a wide spread of scores. */
static void *inplace_input(tctx *t, size_t n, rng *r, double spread)
{
    void *x = tvec(t, n);
    fill_uniform(t, x, n, r, spread);
    tset(t, x, n / 2, -INF);
    return x;
}

/* Calls f out of place and in place (the output pointer the same as one
 * input) and compares the bits.  Every call shape of the API, spelled out. */
static void test_in_place_same_bits(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    enum { R = 3, C = 7, N = R * C };
    rng g = {0x5EED0001};
    void *x = inplace_input(t, N, &g, 20);
    void *s = tvec(t, N), *l = tvec(t, N), *dy = tvec(t, N), *out = tvec(t, N), *io;
    fill_uniform(t, dy, N, &g, 3);
    CHECK_STATUS(t, D->softmax(s, x, R, C), SMX_OK);
    CHECK_STATUS(t, D->log_softmax(l, x, R, C), SMX_OK);

    /* y == x */
    io = tcopy(t, x, N);
    CHECK_STATUS(t, D->softmax(io, io, R, C), SMX_OK);
    CHECK_BITS(t, "softmax in place", io, s, N);
    io = tcopy(t, x, N);
    CHECK_STATUS(t, D->log_softmax(io, io, R, C), SMX_OK);
    CHECK_BITS(t, "log_softmax in place", io, l, N);
    /* As [R, C, 1] and as [1, C, R]: rows and a strided axis. */
    const size_t shapes[2][3] = {{R, C, 1}, {1, C, R}};
    for (size_t h = 0; h < 2; h++) {
        const size_t outer = shapes[h][0], n = shapes[h][1], inner = shapes[h][2];
        tnote(t, "axis [%zu, %zu, %zu]", outer, n, inner);
        CHECK_STATUS(t, D->softmax_axis(out, x, outer, n, inner), SMX_OK);
        io = tcopy(t, x, N);
        CHECK_STATUS(t, D->softmax_axis(io, io, outer, n, inner), SMX_OK);
        CHECK_BITS(t, "softmax_axis in place", io, out, N);
        CHECK_STATUS(t, D->log_softmax_axis(out, x, outer, n, inner), SMX_OK);
        io = tcopy(t, x, N);
        CHECK_STATUS(t, D->log_softmax_axis(io, io, outer, n, inner), SMX_OK);
        CHECK_BITS(t, "log_softmax_axis in place", io, out, N);
    }
    tnote(t, "masked");
    uint8_t keep[C] = {1, 0, 1, 1, 1, 1, 1};
    const tmask mask = {NULL, 0, keep, 1};
    CHECK_STATUS(t, D->softmax_masked(out, x, R, C, 0.25, &mask), SMX_OK);
    io = tcopy(t, x, N);
    CHECK_STATUS(t, D->softmax_masked(io, io, R, C, 0.25, &mask), SMX_OK);
    CHECK_BITS(t, "softmax_masked in place", io, out, N);
    CHECK_STATUS(t, D->log_softmax_masked(out, x, R, C, 0.25, &mask), SMX_OK);
    io = tcopy(t, x, N);
    CHECK_STATUS(t, D->log_softmax_masked(io, io, R, C, 0.25, &mask), SMX_OK);
    CHECK_BITS(t, "log_softmax_masked in place", io, out, N);

    /* dx == dy and dx == y for every backward pass; dy == dx and dy == y
     * for the JVP. */
    tnote(t, "backward");
#define BACKWARD_IN_PLACE(name, y, call_out, call_dy, call_y)                                 \
    do {                                                                                     \
        CHECK_STATUS(t, call_out, SMX_OK);                                                   \
        io = tcopy(t, dy, N);                                                                \
        CHECK_STATUS(t, call_dy, SMX_OK);                                                    \
        CHECK_BITS(t, name " with dx == dy", io, out, N);                                    \
        io = tcopy(t, y, N);                                                                 \
        CHECK_STATUS(t, call_y, SMX_OK);                                                     \
        CHECK_BITS(t, name " with dx == y", io, out, N);                                     \
    } while (0)
    BACKWARD_IN_PLACE("softmax_backward", s, D->softmax_backward(out, s, dy, R, C),
                      D->softmax_backward(io, s, io, R, C),
                      D->softmax_backward(io, io, dy, R, C));
    BACKWARD_IN_PLACE("log_softmax_backward", l, D->log_softmax_backward(out, l, dy, R, C),
                      D->log_softmax_backward(io, l, io, R, C),
                      D->log_softmax_backward(io, io, dy, R, C));
    BACKWARD_IN_PLACE("log_softmax_jvp", l, D->log_softmax_jvp(out, l, dy, R, C),
                      D->log_softmax_jvp(io, l, io, R, C), D->log_softmax_jvp(io, io, dy, R, C));
    BACKWARD_IN_PLACE("softmax_masked_backward", s,
                      D->softmax_masked_backward(out, s, dy, R, C, 0.25),
                      D->softmax_masked_backward(io, s, io, R, C, 0.25),
                      D->softmax_masked_backward(io, io, dy, R, C, 0.25));
    BACKWARD_IN_PLACE("log_softmax_masked_backward", l,
                      D->log_softmax_masked_backward(out, l, dy, R, C, 0.25),
                      D->log_softmax_masked_backward(io, l, io, R, C, 0.25),
                      D->log_softmax_masked_backward(io, io, dy, R, C, 0.25));
    BACKWARD_IN_PLACE("softmax_backward_axis", s, D->softmax_backward_axis(out, s, dy, 1, C, R),
                      D->softmax_backward_axis(io, s, io, 1, C, R),
                      D->softmax_backward_axis(io, io, dy, 1, C, R));
    BACKWARD_IN_PLACE("log_softmax_backward_axis", l,
                      D->log_softmax_backward_axis(out, l, dy, 1, C, R),
                      D->log_softmax_backward_axis(io, l, io, 1, C, R),
                      D->log_softmax_backward_axis(io, io, dy, 1, C, R));
#undef BACKWARD_IN_PLACE

    /* Losses: dx == x (scores) and, for NLL, dx == y (log-probabilities). */
    tnote(t, "losses");
    int32_t *labels = tlabels(t, R, (int32_t[]){0, 6, 2});
    void *w = tvals(t, C, (long double[]){1, 0.5L, 2, 1, 0.25L, 3, 1});
    const topts opts = {SMX_REDUCTION_MEAN, 1, 6, w, 0.125};
    void *loss = tvec(t, 1), *loss2 = tvec(t, 1);
    CHECK_STATUS(t, D->cross_entropy(loss, out, x, labels, R, C), SMX_OK);
    io = tcopy(t, x, N);
    CHECK_STATUS(t, D->cross_entropy(loss2, io, io, labels, R, C), SMX_OK);
    CHECK_BITS(t, "cross_entropy with dx == x: gradient", io, out, N);
    CHECK_BITS(t, "cross_entropy with dx == x: loss", loss2, loss, 1);

    /* Scores without -inf for the smoothed losses (a -inf score with
     * smoothing is an infinite loss, true but not the point here). */
    void *xf = tvec(t, N);
    fill_uniform(t, xf, N, &g, 20);
    CHECK_STATUS(t, D->cross_entropy_ex(loss, out, xf, labels, R, C, &opts), SMX_OK);
    io = tcopy(t, xf, N);
    CHECK_STATUS(t, D->cross_entropy_ex(loss2, io, io, labels, R, C, &opts), SMX_OK);
    CHECK_BITS(t, "cross_entropy_ex with dx == x: gradient", io, out, N);
    CHECK_BITS(t, "cross_entropy_ex with dx == x: loss", loss2, loss, 1);

    const topts soft_opts = {SMX_REDUCTION_SUM, 0, 0, w, 0.25};
    void *targets = tvec(t, N);
    for (size_t i = 0; i < N; i++)
        tset(t, targets, i, (long double)(i % 4) / 6);
    CHECK_STATUS(t, D->cross_entropy_soft(loss, out, xf, targets, R, C, &soft_opts), SMX_OK);
    io = tcopy(t, xf, N);
    CHECK_STATUS(t, D->cross_entropy_soft(loss2, io, io, targets, R, C, &soft_opts), SMX_OK);
    CHECK_BITS(t, "cross_entropy_soft with dx == x: gradient", io, out, N);
    CHECK_BITS(t, "cross_entropy_soft with dx == x: loss", loss2, loss, 1);

    void *lf = tvec(t, N);
    CHECK_STATUS(t, D->log_softmax(lf, xf, R, C), SMX_OK);
    CHECK_STATUS(t, D->nll_loss(loss, out, lf, labels, R, C, &opts), SMX_OK);
    io = tcopy(t, lf, N);
    CHECK_STATUS(t, D->nll_loss(loss2, io, io, labels, R, C, &opts), SMX_OK);
    CHECK_BITS(t, "nll_loss with dx == y: gradient", io, out, N);
    CHECK_BITS(t, "nll_loss with dx == y: loss", loss2, loss, 1);
}

/* One column: softmax is exactly 1 and log-softmax exactly 0 for every
 * finite score; logsumexp is the score; cross-entropy is 0 with gradient 0. */
static void test_single_column(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const long double v[] = {0, 1, -1, 1e30L, -1e30L, D->max, -D->max, D->true_min, 1e-3L};
    enum { R = sizeof v / sizeof v[0] };
    void *x = tvals(t, R, v), *y = tvec(t, R), *dx = tvec(t, R), *loss = tvec(t, 1);
    CHECK_STATUS(t, D->softmax(y, x, R, 1), SMX_OK);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "softmax, cols == 1", r, tget(t, y, r), 1);
    CHECK_STATUS(t, D->softmax_axis(y, x, 1, 1, R), SMX_OK);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "softmax_axis, n == 1", r, tget(t, y, r), 1);
    CHECK_STATUS(t, D->softmax_masked(y, x, R, 1, 0.5, NULL), SMX_OK);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "softmax_masked, cols == 1", r, tget(t, y, r), 1);
    CHECK_STATUS(t, D->log_softmax(y, x, R, 1), SMX_OK);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "log_softmax, cols == 1", r, tget(t, y, r), 0);
    CHECK_STATUS(t, D->log_softmax_axis(y, x, 1, 1, R), SMX_OK);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "log_softmax_axis, n == 1", r, tget(t, y, r), 0);
    CHECK_STATUS(t, D->logsumexp(y, x, R, 1), SMX_OK);
    CHECK_BITS(t, "logsumexp, cols == 1", y, x, R);

    int32_t *labels = tlabels(t, R, NULL);
    memset(labels, 0, R * sizeof *labels);
    CHECK_STATUS(t, D->cross_entropy(loss, dx, x, labels, R, 1), SMX_OK);
    CHECK_EXACT(t, "cross_entropy, cols == 1", 0, tget(t, loss, 0), 0);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "cross_entropy gradient, cols == 1", r, tget(t, dx, r), 0);

    /* Backward of a one-column row: J = 1 - 1 = 0. */
    void *ones = tvec(t, R), *zeros = tvec(t, R), *dy = tvals(t, R, v);
    for (size_t r = 0; r < R; r++) {
        tset(t, ones, r, 1);
        tset(t, zeros, r, 0);
        tset(t, dy, r, (long double)r - 4);
    }
    CHECK_STATUS(t, D->softmax_backward(dx, ones, dy, R, 1), SMX_OK);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "softmax_backward, cols == 1", r, tget(t, dx, r), 0);
    CHECK_STATUS(t, D->log_softmax_backward(dx, zeros, dy, R, 1), SMX_OK);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "log_softmax_backward, cols == 1", r, tget(t, dx, r), 0);
    CHECK_STATUS(t, D->jacobian(dx, ones, 1), SMX_OK);
    CHECK_EXACT(t, "jacobian, n == 1", 0, tget(t, dx, 0), 0);
}

/* Backward passes near the top of the range (docs/accuracy.md): the
 * reduction, or dy_k minus it, passes max while every output is finite.
 * Each output is held to its bound in smx.h, 2 ulp of the larger of the
 * two terms it subtracts; an entry with exp(y) = 0 (log-softmax) gives dy
 * itself.  Rows of 2 to 70000 entries (the long ones in chunks), and the
 * same rows along the middle axis of [1, n, 3] (one row per lane). */
static void check_backward_top(tctx *t, const char *what, const void *got, size_t stride,
                               const long double *ref, const long double *mag, size_t n)
{
    for (size_t k = 0; k < n; k++)
        CHECK_NEAR(t, what, k, tget(t, got, k * stride), ref[k],
                   CONTRACT_ULP * ulp_of(t->D, mag[k]));
}

/* The row repeated in the three lanes of [1, n, 3]. */
static void *lanes3(tctx *t, const void *row, size_t n)
{
    void *a = tvec(t, 3 * n);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < 3; i++)
            tset(t, a, k * 3 + i, tget(t, row, k));
    return a;
}

static void test_backward_near_the_top_of_the_range(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const long double M = D->max, tiny = 3 * D->true_min;
    const size_t lengths[] = {2, 5, 40, 70000};
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li];
        long double *yl = tld(t, n), *dyl = tld(t, n), *ref = tld(t, n), *mag = tld(t, n);
        void *out = tvec(t, n), *out3 = tvec(t, 3 * n);

        /* log-softmax backward and the JVP: y = (0, 0, -10000, -inf ...),
         * dy = (0.75 max, 0.75 max, 3 min, ...): sum dy = 1.5 max, dx =
         * (-0.75 max, -0.75 max, 3 min exactly, 0 ...); the JVP's third
         * entry is 3 min - 1.5 max: -inf */
        for (size_t k = 0; k < n; k++) {
            yl[k] = k < 2 ? 0 : k == 2 ? -10000 : -INF;
            dyl[k] = k < 2 ? D->round(0.75L * M) : k == 2 ? tiny : 1;
        }
        void *y = tvals(t, n, yl), *dy = tvals(t, n, dyl);
        long double sum = 0, dot_mag = 0;
        for (size_t k = 0; k < n && k < 3; k++) {
            sum += expl(yl[k]) * dyl[k];
            dot_mag += expl(yl[k]) * fabsl(dyl[k]);
        }
        for (size_t k = 0; k < n; k++) {
            ref[k] = k < 3 ? dyl[k] - expl(yl[k]) * sum : 0;
            mag[k] = fmaxl(fabsl(dyl[k]), expl(yl[k]) * fabsl(sum));
        }
        tnote(t, "n = %zu: log_softmax_backward, sum dy = 1.5 max", n);
        CHECK_STATUS(t, D->log_softmax_backward(out, y, dy, 1, n), SMX_OK);
        check_backward_top(t, "dx", out, 1, ref, mag, n);
        if (n > 2)
            CHECK_EXACT(t, "dx where exp(y) = 0", 2, tget(t, out, 2), tiny);
        CHECK_STATUS(t, D->log_softmax_backward_axis(out3, lanes3(t, y, n), lanes3(t, dy, n), 1,
                                                     n, 3),
                     SMX_OK);
        for (size_t i = 0; i < 3; i++)
            check_backward_top(t, "dx (axis)", (char *)out3 + i * D->size, 3, ref, mag, n);
        tnote(t, "n = %zu: log_softmax_jvp, <exp(y), dx> = 1.5 max", n);
        for (size_t k = 0; k < n; k++) {
            ref[k] = k < 3 ? dyl[k] - sum : 0;
            mag[k] = fmaxl(fabsl(dyl[k]), dot_mag);
        }
        CHECK_STATUS(t, D->log_softmax_jvp(out, y, dy, 1, n), SMX_OK);
        check_backward_top(t, "dy", out, 1, ref, mag, n < 2 ? n : 2);
        if (n > 2) {
            CHECK_EXACT(t, "dy", 2, tget(t, out, 2), -INF);
            check_backward_top(t, "dy", (char *)out + 3 * D->size, 1, ref + 3, mag + 3, n - 3);
        }

        /* softmax backward: y = (3/4, 1/4, 0 ...), dy = (7/8 max, -7/8 max,
         * 1 ...): <dy, y> = 7/16 max, dy_1 minus it -21/16 max, dx_1 =
         * -21/64 max */
        for (size_t k = 0; k < n; k++) {
            yl[k] = k == 0 ? 0.75L : k == 1 ? 0.25L : 0;
            dyl[k] = k == 0 ? D->round(0.875L * M) : k == 1 ? -D->round(0.875L * M) : 1;
        }
        y = tvals(t, n, yl);
        dy = tvals(t, n, dyl);
        long double dot = yl[0] * dyl[0] + yl[1] * dyl[1];
        for (size_t k = 0; k < n; k++) {
            ref[k] = yl[k] * (dyl[k] - dot);
            mag[k] = yl[k] * fmaxl(fabsl(dyl[k]), fabsl(dot));
        }
        tnote(t, "n = %zu: softmax_backward, dy_1 - <dy, y> = -21/16 max", n);
        CHECK_STATUS(t, D->softmax_backward(out, y, dy, 1, n), SMX_OK);
        check_backward_top(t, "dx", out, 1, ref, mag, n);
        CHECK_STATUS(t, D->softmax_backward_axis(out3, lanes3(t, y, n), lanes3(t, dy, n), 1, n,
                                                 3),
                     SMX_OK);
        for (size_t i = 0; i < 3; i++)
            check_backward_top(t, "dx (axis)", (char *)out3 + i * D->size, 3, ref, mag, n);

        /* a row of y summing to a little over 1 (as rounded probabilities
         * may) and dy = max: <dy, y> passes max, dx = -y (sum y - 1) max */
        const long double up = 8 * ulp_of(D, 0.5L);
        for (size_t k = 0; k < n; k++) {
            yl[k] = k == 0 ? 0.5L : k == 1 ? 0.5L + up : 0;
            dyl[k] = k < 2 ? M : 1;
        }
        y = tvals(t, n, yl);
        dy = tvals(t, n, dyl);
        dot = yl[0] * dyl[0] + yl[1] * dyl[1];
        for (size_t k = 0; k < n; k++) {
            ref[k] = yl[k] * (dyl[k] - dot);
            mag[k] = yl[k] * fmaxl(fabsl(dyl[k]), fabsl(dot));
        }
        tnote(t, "n = %zu: softmax_backward, <dy, y> = (1 + 2^-50) max", n);
        CHECK_STATUS(t, D->softmax_backward(out, y, dy, 1, n), SMX_OK);
        check_backward_top(t, "dx", out, 1, ref, mag, n);
        CHECK(t, tget(t, out, 0) < 0 && tget(t, out, 0) > -M, "dx[0] = %Lg, expected finite < 0",
              tget(t, out, 0));
        CHECK_STATUS(t, D->softmax_backward_axis(out3, lanes3(t, y, n), lanes3(t, dy, n), 1, n,
                                                 3),
                     SMX_OK);
        for (size_t i = 0; i < 3; i++)
            check_backward_top(t, "dx (axis)", (char *)out3 + i * D->size, 3, ref, mag, n);
    }
}

/* The mask API near the top of the range: z = scale * x + bias passes
 * max (scale 4, x = +-0.75 max) while the softmax of the row is defined;
 * the bias decides it.  z = 3 max + (0, -1, -inf, 5 ...) gives the
 * softmax of (0, -1, -inf) over the first three (the rest at least max
 * below them, probability 0); the same rows negated, and a bias of -inf on
 * an entry whose scale * x alone overflows (masked out, not NaN).  (f32
 * forms z in double, where 3 max - 1 is 3 max: its bias is 0 there.) */
static void test_masked_scores_past_the_range(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const long double big = D->round(0.75L * D->max);
    const size_t lengths[] = {3, 7, 40};
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li];
        for (int sign = 1; sign >= -1; sign -= 2) {
            long double *xl = tld(t, n), *bl = tld(t, n), *d = tld(t, n), *ref = tld(t, n);
            const long double fine = D->mant_dig == 53 ? -1 : 0;
            for (size_t k = 0; k < n; k++) {
                xl[k] = k < 3 ? sign * big : sign > 0 ? -big : -D->max;
                bl[k] = k == 0 ? 0 : k == 1 ? fine : k == 2 ? -INF : 5;
                /* z_k - z_0, exactly: 4 (x_k - x_0) + b_k */
                d[k] = k < 3 ? bl[k] : -INF;
            }
            void *x = tvals(t, n, xl), *b = tvals(t, n, bl), *y = tvec(t, n);
            const tmask mask = {b, 1, NULL, 0};
            tnote(t, "n = %zu: z = 4 x + bias, x = %s0.75 max", n, sign > 0 ? "" : "-");
            ref_softmax(ref, d, n);
            CHECK_STATUS(t, D->softmax_masked(y, x, 1, n, 4.0, &mask), SMX_OK);
            for (size_t k = 0; k < n; k++)
                CHECK_ULP(t, "softmax", k, tget(t, y, k), ref[k], CONTRACT_ULP);
            ref_log_softmax(ref, d, n);
            CHECK_STATUS(t, D->log_softmax_masked(y, x, 1, n, 4.0, &mask), SMX_OK);
            for (size_t k = 0; k < n; k++)
                CHECK_ULP(t, "log_softmax", k, tget(t, y, k), ref[k], CONTRACT_ULP);
        }
        /* (0.75 max, 1, 2, ...) with bias (-inf, 0, 0, ...): 4 x_0 alone
         * overflows but the entry is masked out */
        long double *xl = tld(t, n), *bl = tld(t, n), *ref = tld(t, n);
        for (size_t k = 0; k < n; k++) {
            xl[k] = k == 0 ? big : (long double)k;
            bl[k] = k == 0 ? -INF : 0;
        }
        void *x = tvals(t, n, xl), *y = tvec(t, n);
        const tmask mask = {tvals(t, n, bl), 1, NULL, 0};
        long double *z = tld(t, n);
        for (size_t k = 0; k < n; k++)
            z[k] = k == 0 ? -INF : 4 * xl[k];
        ref_softmax(ref, z, n);
        tnote(t, "n = %zu: bias -inf where 4 x overflows", n);
        CHECK_STATUS(t, D->softmax_masked(y, x, 1, n, 4.0, &mask), SMX_OK);
        for (size_t k = 0; k < n; k++)
            CHECK_ULP(t, "softmax", k, tget(t, y, k), ref[k], CONTRACT_ULP);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SMX_TEST(test_shift_by_row_max),
        SMX_TEST(test_log_softmax_of_equal_large_scores),
        SMX_TEST(test_subnormal_probabilities),
        SMX_TEST(test_sum_of_subnormal_terms),
        SMX_TEST(test_large_gaps_stay_finite),
        SMX_TEST(test_neg_inf_score_is_absent),
        SMX_TEST(test_neg_inf_gradient_is_zero),
        SMX_TEST(test_nan_makes_row_nan),
        SMX_TEST(test_inf_rows),
        SMX_TEST(test_fully_masked_rows),
        SMX_TEST(test_bad_row_does_not_leak),
        SMX_TEST(test_in_place_same_bits),
        SMX_TEST(test_single_column),
        SMX_TEST(test_backward_near_the_top_of_the_range),
        SMX_TEST(test_masked_scores_past_the_range),
    };
    return cmocka_run_group_tests_name("special_values", tests, NULL, NULL);
}
