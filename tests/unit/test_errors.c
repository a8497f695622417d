/*
 * test_errors.c — every smx_status, from every function that can return
 * it, for f32 and f64 (docs/testing.md, "Errors").
 *
 * Each failing call is made with its output buffers full of a sentinel
 * byte, and the test checks that they still are afterwards: "on any error
 * nothing is written" (smx.h).  Inputs are valid except for the one
 * argument under test, so the status names that argument.  The empty
 * calls (rows == 0, cols == 0) are no-ops that return SMX_OK, with the
 * header's exceptions (logsumexp of an empty row, the mean of no rows).
 */
#include "test_util.h"

#include <math.h>
#include <string.h>

enum { R = 2, C = 3, OUT = 16 };

/* One set of buffers: valid inputs, sentinel outputs of OUT elements
 * (room for rows * cols, n * n and rows losses). */
typedef struct kit {
    void *x, *y_prob, *y_log, *dy, *targets, *weights, *bias;
    int32_t *labels;
    uint8_t *keep;
    void *out, *dx, *loss; /* the outputs */
} kit;

static kit make_kit(tctx *t)
{
    kit k;
    k.x = tvals(t, R * C, (long double[]){0.5L, -1, 2, 0.25L, 3, -2});
    k.y_prob = tvec(t, R * C);
    k.y_log = tvec(t, R * C);
    assert_int_equal(t->D->softmax(k.y_prob, k.x, R, C), SMX_OK);
    assert_int_equal(t->D->log_softmax(k.y_log, k.x, R, C), SMX_OK);
    k.dy = tvals(t, R * C, (long double[]){1, -0.5L, 0.25L, 2, 0, -1});
    k.targets = tvals(t, R * C, (long double[]){0.5L, 0.5L, 0, 0, 0.25L, 0.75L});
    k.weights = tvals(t, C, (long double[]){1, 2, 0.5L});
    k.bias = tvals(t, R * C, (long double[]){0, -INFINITY, 0, 1, 0, -1});
    k.labels = tlabels(t, R, (int32_t[]){2, 0});
    k.keep = talloc(t, R * C);
    memset(k.keep, 1, R * C);
    k.out = tvec(t, OUT);
    k.dx = tvec(t, OUT);
    k.loss = tvec(t, OUT);
    return k;
}

static void reset_outputs(const tctx *t, kit *k)
{
    fill_sentinel(k->out, OUT * t->D->size);
    fill_sentinel(k->dx, OUT * t->D->size);
    fill_sentinel(k->loss, OUT * t->D->size);
}

static void check_outputs_untouched_at(const tctx *t, const kit *k, const char *file, int line)
{
    check_untouched_at(t, file, line, "out (y, dx, dy or jac)", k->out, OUT * t->D->size);
    check_untouched_at(t, file, line, "dx", k->dx, OUT * t->D->size);
    check_untouched_at(t, file, line, "loss", k->loss, OUT * t->D->size);
}

/* The call fails with `want` and writes nothing. */
#define EXPECT_ERROR(call, want)                                                             \
    do {                                                                                     \
        reset_outputs(t, &k);                                                                \
        CHECK_STATUS(t, call, want);                                                         \
        check_outputs_untouched_at(t, &k, __FILE__, __LINE__);                               \
    } while (0)

/* The call succeeds and writes nothing. */
#define EXPECT_NOOP(call) EXPECT_ERROR(call, SMX_OK)

/* Every pointer argument of every function, NULL while its size is not 0. */
static void test_null_pointers(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const smx_status E = SMX_ERR_NULL_POINTER;

    EXPECT_ERROR(D->softmax(NULL, k.x, R, C), E);
    EXPECT_ERROR(D->softmax(k.out, NULL, R, C), E);
    EXPECT_ERROR(D->log_softmax(NULL, k.x, R, C), E);
    EXPECT_ERROR(D->log_softmax(k.out, NULL, R, C), E);
    EXPECT_ERROR(D->logsumexp(NULL, k.x, R, C), E);
    EXPECT_ERROR(D->logsumexp(k.out, NULL, R, C), E);

    EXPECT_ERROR(D->softmax_backward(NULL, k.y_prob, k.dy, R, C), E);
    EXPECT_ERROR(D->softmax_backward(k.out, NULL, k.dy, R, C), E);
    EXPECT_ERROR(D->softmax_backward(k.out, k.y_prob, NULL, R, C), E);
    EXPECT_ERROR(D->log_softmax_backward(NULL, k.y_log, k.dy, R, C), E);
    EXPECT_ERROR(D->log_softmax_backward(k.out, NULL, k.dy, R, C), E);
    EXPECT_ERROR(D->log_softmax_backward(k.out, k.y_log, NULL, R, C), E);
    EXPECT_ERROR(D->log_softmax_jvp(NULL, k.y_log, k.dy, R, C), E);
    EXPECT_ERROR(D->log_softmax_jvp(k.out, NULL, k.dy, R, C), E);
    EXPECT_ERROR(D->log_softmax_jvp(k.out, k.y_log, NULL, R, C), E);
    EXPECT_ERROR(D->jacobian(NULL, k.y_prob, C), E);
    EXPECT_ERROR(D->jacobian(k.out, NULL, C), E);

    EXPECT_ERROR(D->softmax_axis(NULL, k.x, 1, C, R), E);
    EXPECT_ERROR(D->softmax_axis(k.out, NULL, 1, C, R), E);
    EXPECT_ERROR(D->log_softmax_axis(NULL, k.x, 1, C, R), E);
    EXPECT_ERROR(D->log_softmax_axis(k.out, NULL, 1, C, R), E);
    EXPECT_ERROR(D->softmax_backward_axis(NULL, k.y_prob, k.dy, 1, C, R), E);
    EXPECT_ERROR(D->softmax_backward_axis(k.out, NULL, k.dy, 1, C, R), E);
    EXPECT_ERROR(D->softmax_backward_axis(k.out, k.y_prob, NULL, 1, C, R), E);
    EXPECT_ERROR(D->log_softmax_backward_axis(NULL, k.y_log, k.dy, 1, C, R), E);
    EXPECT_ERROR(D->log_softmax_backward_axis(k.out, NULL, k.dy, 1, C, R), E);
    EXPECT_ERROR(D->log_softmax_backward_axis(k.out, k.y_log, NULL, 1, C, R), E);

    /* Masked: the data pointers, and a mask part with rows but no pointer. */
    const tmask no_bias[2] = {{NULL, 1, NULL, 0}, {NULL, R, k.keep, 1}};
    const tmask no_keep[2] = {{NULL, 0, NULL, 1}, {k.bias, 1, NULL, R}};
    EXPECT_ERROR(D->softmax_masked(NULL, k.x, R, C, 1, NULL), E);
    EXPECT_ERROR(D->softmax_masked(k.out, NULL, R, C, 1, NULL), E);
    EXPECT_ERROR(D->log_softmax_masked(NULL, k.x, R, C, 1, NULL), E);
    EXPECT_ERROR(D->log_softmax_masked(k.out, NULL, R, C, 1, NULL), E);
    for (int i = 0; i < 2; i++) {
        tnote(t, "mask %d", i);
        EXPECT_ERROR(D->softmax_masked(k.out, k.x, R, C, 1, &no_bias[i]), E);
        EXPECT_ERROR(D->softmax_masked(k.out, k.x, R, C, 1, &no_keep[i]), E);
        EXPECT_ERROR(D->log_softmax_masked(k.out, k.x, R, C, 1, &no_bias[i]), E);
        EXPECT_ERROR(D->log_softmax_masked(k.out, k.x, R, C, 1, &no_keep[i]), E);
    }
    tnote(t, "%s", "");
    EXPECT_ERROR(D->softmax_masked_backward(NULL, k.y_prob, k.dy, R, C, 1), E);
    EXPECT_ERROR(D->softmax_masked_backward(k.out, NULL, k.dy, R, C, 1), E);
    EXPECT_ERROR(D->softmax_masked_backward(k.out, k.y_prob, NULL, R, C, 1), E);
    EXPECT_ERROR(D->log_softmax_masked_backward(NULL, k.y_log, k.dy, R, C, 1), E);
    EXPECT_ERROR(D->log_softmax_masked_backward(k.out, NULL, k.dy, R, C, 1), E);
    EXPECT_ERROR(D->log_softmax_masked_backward(k.out, k.y_log, NULL, R, C, 1), E);

    /* Losses: loss, scores, labels or targets; dx is optional. */
    const topts none = {.reduction = SMX_REDUCTION_NONE};
    EXPECT_ERROR(D->cross_entropy(NULL, k.dx, k.x, k.labels, R, C), E);
    EXPECT_ERROR(D->cross_entropy(k.loss, k.dx, NULL, k.labels, R, C), E);
    EXPECT_ERROR(D->cross_entropy(k.loss, k.dx, k.x, NULL, R, C), E);
    EXPECT_ERROR(D->cross_entropy_ex(NULL, k.dx, k.x, k.labels, R, C, NULL), E);
    EXPECT_ERROR(D->cross_entropy_ex(NULL, k.dx, k.x, k.labels, R, C, &none), E);
    EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, NULL, k.labels, R, C, NULL), E);
    EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, NULL, R, C, NULL), E);
    EXPECT_ERROR(D->cross_entropy_soft(NULL, k.dx, k.x, k.targets, R, C, NULL), E);
    EXPECT_ERROR(D->cross_entropy_soft(k.loss, k.dx, NULL, k.targets, R, C, NULL), E);
    EXPECT_ERROR(D->cross_entropy_soft(k.loss, k.dx, k.x, NULL, R, C, NULL), E);
    EXPECT_ERROR(D->nll_loss(NULL, k.dx, k.y_log, k.labels, R, C, NULL), E);
    EXPECT_ERROR(D->nll_loss(NULL, k.dx, k.y_log, k.labels, R, C, &none), E);
    EXPECT_ERROR(D->nll_loss(k.loss, k.dx, NULL, k.labels, R, C, NULL), E);
    EXPECT_ERROR(D->nll_loss(k.loss, k.dx, k.y_log, NULL, R, C, NULL), E);

    /* Allowed NULLs: dx of the losses, class_weights, the mask itself, and
     * the pointer of a mask part whose row count is 0. */
    void *loss_with_dx = tvec(t, 1);
    CHECK_STATUS(t, D->cross_entropy(loss_with_dx, k.dx, k.x, k.labels, R, C), SMX_OK);
    CHECK_STATUS(t, D->cross_entropy(k.loss, NULL, k.x, k.labels, R, C), SMX_OK);
    CHECK_BITS(t, "cross_entropy loss without dx", k.loss, loss_with_dx, 1);
    const topts no_weights = {SMX_REDUCTION_SUM, 0, 0, NULL, 0.25};
    CHECK_STATUS(t, D->cross_entropy_ex(k.loss, NULL, k.x, k.labels, R, C, &no_weights),
                 SMX_OK);
    CHECK_STATUS(t, D->cross_entropy_soft(k.loss, NULL, k.x, k.targets, R, C, &no_weights),
                 SMX_OK);
    CHECK_STATUS(t, D->nll_loss(k.loss, NULL, k.y_log, k.labels, R, C, &no_weights), SMX_OK);
    const tmask empty_mask = {NULL, 0, NULL, 0};
    CHECK_STATUS(t, D->softmax_masked(k.out, k.x, R, C, 1, &empty_mask), SMX_OK);
    CHECK_STATUS(t, D->log_softmax_masked(k.out, k.x, R, C, 1, NULL), SMX_OK);
}

/* rows * cols, n * n and outer * n * inner that overflow size_t: an error
 * before any element is read or written (the buffers are tiny). */
static void test_size_overflow(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const smx_status E = SMX_ERR_SIZE_OVERFLOW;
    const size_t half = SIZE_MAX / 2, root = (size_t)1 << (sizeof(size_t) * 4);
    /* rows × cols pairs whose product overflows; the last one overflows
     * only in bytes (SIZE_MAX / 2 + 1 elements of 4 or 8 bytes), which no
     * buffer can hold either. */
    const size_t shapes[][2] = {{half, 3}, {3, half}, {root, root}, {SIZE_MAX, 2},
                                {half + 1, 1}};
    const tmask mask = {k.bias, 1, k.keep, 1};
    const topts none = {.reduction = SMX_REDUCTION_NONE};

    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t rows = shapes[s][0], cols = shapes[s][1];
        tnote(t, "rows = %zu, cols = %zu", rows, cols);
        EXPECT_ERROR(D->softmax(k.out, k.x, rows, cols), E);
        EXPECT_ERROR(D->log_softmax(k.out, k.x, rows, cols), E);
        EXPECT_ERROR(D->logsumexp(k.out, k.x, rows, cols), E);
        EXPECT_ERROR(D->softmax_backward(k.out, k.y_prob, k.dy, rows, cols), E);
        EXPECT_ERROR(D->log_softmax_backward(k.out, k.y_log, k.dy, rows, cols), E);
        EXPECT_ERROR(D->log_softmax_jvp(k.out, k.y_log, k.dy, rows, cols), E);
        EXPECT_ERROR(D->softmax_masked(k.out, k.x, rows, cols, 1, &mask), E);
        EXPECT_ERROR(D->log_softmax_masked(k.out, k.x, rows, cols, 1, NULL), E);
        EXPECT_ERROR(D->softmax_masked_backward(k.out, k.y_prob, k.dy, rows, cols, 1), E);
        EXPECT_ERROR(D->log_softmax_masked_backward(k.out, k.y_log, k.dy, rows, cols, 1), E);
        EXPECT_ERROR(D->cross_entropy(k.loss, k.dx, k.x, k.labels, rows, cols), E);
        EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, k.labels, rows, cols, &none), E);
        EXPECT_ERROR(D->cross_entropy_soft(k.loss, k.dx, k.x, k.targets, rows, cols, NULL), E);
        EXPECT_ERROR(D->nll_loss(k.loss, k.dx, k.y_log, k.labels, rows, cols, NULL), E);
        /* the same shapes as [rows, cols, 1], [1, rows, cols], [rows, 1, cols] */
        EXPECT_ERROR(D->softmax_axis(k.out, k.x, rows, cols, 1), E);
        EXPECT_ERROR(D->log_softmax_axis(k.out, k.x, 1, rows, cols), E);
        EXPECT_ERROR(D->softmax_backward_axis(k.out, k.y_prob, k.dy, rows, 1, cols), E);
        EXPECT_ERROR(D->log_softmax_backward_axis(k.out, k.y_log, k.dy, 1, rows, cols), E);
    }

    /* outer * n * inner overflowing only in the third factor. */
    tnote(t, "outer * n * inner");
    EXPECT_ERROR(D->softmax_axis(k.out, k.x, root, 2, root / 2), E);
    EXPECT_ERROR(D->log_softmax_axis(k.out, k.x, 3, half / 2, 3), E);
    EXPECT_ERROR(D->softmax_backward_axis(k.out, k.y_prob, k.dy, 2, 2, half), E);
    EXPECT_ERROR(D->log_softmax_backward_axis(k.out, k.y_log, k.dy, half, 2, 2), E);

    /* n * n for the Jacobian. */
    tnote(t, "jacobian");
    EXPECT_ERROR(D->jacobian(k.out, k.y_prob, root), E);
    EXPECT_ERROR(D->jacobian(k.out, k.y_prob, SIZE_MAX), E);
    EXPECT_ERROR(D->jacobian(k.out, k.y_prob, half), E);
}

/* A label outside [0, cols), anywhere in the batch, unless it is the
 * ignore index; checked before the first row is written. */
static void test_bad_labels(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const smx_status E = SMX_ERR_BAD_LABEL;
    const int32_t bad[] = {-1, C, C + 1, INT32_MIN, INT32_MAX, -100};
    const topts none = {.reduction = SMX_REDUCTION_NONE};
    /* ignore_index set but has_ignore_index 0: the label is not ignored. */
    const topts unset = {SMX_REDUCTION_MEAN, 0, -100, NULL, 0};

    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        for (size_t row = 0; row < R; row++) {
            int32_t *labels = tlabels(t, R, (int32_t[]){1, 2});
            labels[row] = bad[b];
            tnote(t, "label %d in row %zu", (int)bad[b], row);
            EXPECT_ERROR(D->cross_entropy(k.loss, k.dx, k.x, labels, R, C), E);
            EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, labels, R, C, NULL), E);
            EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, labels, R, C, &none), E);
            EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, labels, R, C, &unset), E);
            EXPECT_ERROR(D->nll_loss(k.loss, k.dx, k.y_log, labels, R, C, NULL), E);
            EXPECT_ERROR(D->nll_loss(k.loss, NULL, k.y_log, labels, R, C, &unset), E);

            /* The same label as the ignore index is fine; another bad label
             * in the other row is still an error. */
            const topts ignore = {SMX_REDUCTION_SUM, 1, bad[b], NULL, 0};
            CHECK_STATUS(t, D->cross_entropy_ex(k.loss, k.dx, k.x, labels, R, C, &ignore),
                         SMX_OK);
            CHECK_STATUS(t, D->nll_loss(k.loss, k.dx, k.y_log, labels, R, C, &ignore), SMX_OK);
            labels[1 - row] = bad[(b + 1) % (sizeof bad / sizeof bad[0])];
            EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, labels, R, C, &ignore), E);
            EXPECT_ERROR(D->nll_loss(k.loss, k.dx, k.y_log, labels, R, C, &ignore), E);
        }
    }
    /* The valid extremes, 0 and cols - 1, pass. */
    int32_t *edge = tlabels(t, R, (int32_t[]){0, C - 1});
    CHECK_STATUS(t, D->cross_entropy(k.loss, k.dx, k.x, edge, R, C), SMX_OK);
}

/* Cross-entropy and NLL need a class when there are rows. */
static void test_no_classes(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const smx_status E = SMX_ERR_NO_CLASSES;
    const topts sum = {.reduction = SMX_REDUCTION_SUM};
    EXPECT_ERROR(D->cross_entropy(k.loss, k.dx, k.x, k.labels, R, 0), E);
    EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, k.labels, R, 0, NULL), E);
    EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, k.labels, 1, 0, &sum), E);
    EXPECT_ERROR(D->cross_entropy_soft(k.loss, k.dx, k.x, k.targets, R, 0, NULL), E);
    EXPECT_ERROR(D->nll_loss(k.loss, k.dx, k.y_log, k.labels, R, 0, NULL), E);
    EXPECT_ERROR(D->nll_loss(k.loss, NULL, k.y_log, k.labels, R, 0, &sum), E);
}

/* scale must be finite and > 0: temperature 0, negative or NaN fail. */
static void test_bad_scale(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const smx_status E = SMX_ERR_BAD_SCALE;
    const double bad[] = {0.0, -0.0, -1.0, -1e-30, (double)NAN, (double)INFINITY,
                          -(double)INFINITY};
    const tmask mask = {k.bias, R, NULL, 0};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        tnote(t, "scale %g", bad[b]);
        EXPECT_ERROR(D->softmax_masked(k.out, k.x, R, C, bad[b], NULL), E);
        EXPECT_ERROR(D->softmax_masked(k.out, k.x, R, C, bad[b], &mask), E);
        EXPECT_ERROR(D->log_softmax_masked(k.out, k.x, R, C, bad[b], NULL), E);
        EXPECT_ERROR(D->softmax_masked_backward(k.out, k.y_prob, k.dy, R, C, bad[b]), E);
        EXPECT_ERROR(D->log_softmax_masked_backward(k.out, k.y_log, k.dy, R, C, bad[b]), E);
    }
    /* The smallest positive scale (a huge temperature) is valid. */
    tnote(t, "smallest subnormal scale");
    CHECK_STATUS(t, D->softmax_masked(k.out, k.x, R, C, (double)D->true_min, NULL), SMX_OK);
    CHECK_STATUS(t, D->log_softmax_masked_backward(k.out, k.y_log, k.dy, R, C,
                                                   (double)D->max),
                 SMX_OK);
}

/* A mask part's row count must be 1 or rows. */
static void test_bad_mask(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    enum { ROWS = 3 };
    void *x = tvec(t, ROWS * C), *bias = tvec(t, ROWS * C);
    uint8_t keep[ROWS * C];
    memset(keep, 1, sizeof keep);
    for (size_t i = 0; i < ROWS * C; i++) {
        tset(t, x, i, (long double)i / 4);
        tset(t, bias, i, 0);
    }
    const tmask bad[] = {
        {bias, 2, NULL, 0},    {bias, 0, NULL, 0}, {bias, ROWS + 1, NULL, 0},
        {NULL, 0, keep, 2},    {NULL, 0, keep, 0}, {NULL, 0, keep, SIZE_MAX},
        {bias, 1, keep, 2},    {bias, 2, keep, ROWS},
    };
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        tnote(t, "mask %zu (bias_rows %zu, keep_rows %zu, rows %d)", b, bad[b].bias_rows,
              bad[b].keep_rows, ROWS);
        EXPECT_ERROR(D->softmax_masked(k.out, x, ROWS, C, 1, &bad[b]), SMX_ERR_BAD_MASK);
        EXPECT_ERROR(D->log_softmax_masked(k.out, x, ROWS, C, 0.5, &bad[b]), SMX_ERR_BAD_MASK);
    }
    const tmask good[] = {{bias, 1, NULL, 0}, {bias, ROWS, keep, 1}, {NULL, 0, keep, ROWS}};
    for (size_t g = 0; g < sizeof good / sizeof good[0]; g++) {
        tnote(t, "good mask %zu", g);
        CHECK_STATUS(t, D->softmax_masked(k.out, x, ROWS, C, 1, &good[g]), SMX_OK);
    }
}

/* Class weights must be finite and >= 0 (0 and -0 are fine). */
static void test_bad_weight(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const long double bad[] = {-1, -D->true_min, NAN, INFINITY, -INFINITY};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        for (size_t pos = 0; pos < C; pos++) {
            void *w = tvals(t, C, (long double[]){1, 2, 0.5L});
            tset(t, w, pos, bad[b]);
            tnote(t, "weight %Lg at class %zu", bad[b], pos);
            for (int red = 0; red < 3; red++) {
                const topts o = {(smx_reduction)red, 0, 0, w, 0};
                EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, k.labels, R, C, &o),
                             SMX_ERR_BAD_WEIGHT);
                EXPECT_ERROR(D->cross_entropy_soft(k.loss, k.dx, k.x, k.targets, R, C, &o),
                             SMX_ERR_BAD_WEIGHT);
                EXPECT_ERROR(D->nll_loss(k.loss, k.dx, k.y_log, k.labels, R, C, &o),
                             SMX_ERR_BAD_WEIGHT);
            }
        }
    }
    void *w = tvals(t, C, (long double[]){0, -0.0L, 1});
    const topts o = {SMX_REDUCTION_SUM, 0, 0, w, 0};
    CHECK_STATUS(t, D->cross_entropy_ex(k.loss, k.dx, k.x, k.labels, R, C, &o), SMX_OK);
}

/* Label smoothing in [0, 1]; NaN fails. */
static void test_bad_smoothing(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const double bad[] = {-0.125, -(double)D->true_min, 1.125, 2, (double)NAN,
                          (double)INFINITY, -(double)INFINITY};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        tnote(t, "smoothing %g", bad[b]);
        const topts o = {SMX_REDUCTION_MEAN, 0, 0, NULL, bad[b]};
        EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, k.labels, R, C, &o),
                     SMX_ERR_BAD_SMOOTHING);
        EXPECT_ERROR(D->cross_entropy_soft(k.loss, k.dx, k.x, k.targets, R, C, &o),
                     SMX_ERR_BAD_SMOOTHING);
        EXPECT_ERROR(D->nll_loss(k.loss, k.dx, k.y_log, k.labels, R, C, &o),
                     SMX_ERR_BAD_SMOOTHING);
    }
    const double good[] = {0, 1, 0.5};
    for (size_t g = 0; g < 3; g++) {
        const topts o = {SMX_REDUCTION_MEAN, 0, 0, k.weights, good[g]};
        CHECK_STATUS(t, D->cross_entropy_ex(k.loss, k.dx, k.x, k.labels, R, C, &o), SMX_OK);
    }
}

/* A reduction that is not one of the enum's values. */
static void test_bad_reduction(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const int bad[] = {7, 3, 255};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        tnote(t, "reduction %d", bad[b]);
        const topts o = {(smx_reduction)bad[b], 0, 0, NULL, 0};
        EXPECT_ERROR(D->cross_entropy_ex(k.loss, k.dx, k.x, k.labels, R, C, &o),
                     SMX_ERR_BAD_REDUCTION);
        EXPECT_ERROR(D->cross_entropy_soft(k.loss, k.dx, k.x, k.targets, R, C, &o),
                     SMX_ERR_BAD_REDUCTION);
        EXPECT_ERROR(D->nll_loss(k.loss, k.dx, k.y_log, k.labels, R, C, &o),
                     SMX_ERR_BAD_REDUCTION);
    }
}

/* An ignore index with soft targets does not apply. */
static void test_bad_option(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const topts ignore[] = {{SMX_REDUCTION_MEAN, 1, -100, NULL, 0},
                            {SMX_REDUCTION_NONE, 1, 0, k.weights, 0.25}};
    for (size_t i = 0; i < 2; i++) {
        tnote(t, "options %zu", i);
        EXPECT_ERROR(D->cross_entropy_soft(k.loss, k.dx, k.x, k.targets, R, C, &ignore[i]),
                     SMX_ERR_BAD_OPTION);
    }
}

/* Every status has its own sentence; unknown values get one too. */
static void test_strerror(void **state)
{
    tctx *t = *state;
    const smx_status all[] = {SMX_OK,
                              SMX_ERR_NULL_POINTER,
                              SMX_ERR_SIZE_OVERFLOW,
                              SMX_ERR_BAD_LABEL,
                              SMX_ERR_NO_CLASSES,
                              SMX_ERR_BAD_SCALE,
                              SMX_ERR_BAD_MASK,
                              SMX_ERR_BAD_WEIGHT,
                              SMX_ERR_BAD_SMOOTHING,
                              SMX_ERR_BAD_REDUCTION,
                              SMX_ERR_BAD_OPTION};
    enum { N = sizeof all / sizeof all[0] };
    for (size_t i = 0; i < N; i++) {
        const char *s = smx_strerror(all[i]);
        CHECK(t, s != NULL && s[0] != '\0', "smx_strerror(%d) is NULL or empty", (int)all[i]);
        for (size_t j = 0; j < i; j++) {
            CHECK(t, all[i] != all[j], "statuses %zu and %zu have the same value", i, j);
            CHECK(t, strcmp(s, smx_strerror(all[j])) != 0,
                  "smx_strerror(%d) == smx_strerror(%d): \"%s\"", (int)all[i], (int)all[j], s);
        }
    }
    CHECK(t, all[0] == 0, "SMX_OK is not 0");
    const int unknown[] = {N, 999, 0x7FFFFFFF};
    for (size_t u = 0; u < 3; u++) {
        const char *s = smx_strerror((smx_status)unknown[u]);
        CHECK(t, s != NULL && s[0] != '\0', "smx_strerror(%d) is NULL or empty", unknown[u]);
    }
    CHECK(t, strcmp(smx_version(), SMX_VERSION_STRING) == 0, "smx_version() is \"%s\", not \"%s\"",
          smx_version(), SMX_VERSION_STRING);
}

/* rows == 0 or cols == 0: a no-op returning SMX_OK, outputs untouched, and
 * pointers may be NULL as they address no element.  The exceptions:
 * logsumexp of an empty row is -inf; the mean loss of no rows is NaN and
 * the sum 0. */
static void test_empty_is_noop(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    kit k = make_kit(t);
    const size_t shapes[][2] = {{0, C}, {R, 0}, {0, 0}};
    for (size_t s = 0; s < 3; s++) {
        const size_t rows = shapes[s][0], cols = shapes[s][1];
        tnote(t, "rows = %zu, cols = %zu", rows, cols);
        EXPECT_NOOP(D->softmax(k.out, k.x, rows, cols));
        EXPECT_NOOP(D->softmax(NULL, NULL, rows, cols));
        EXPECT_NOOP(D->log_softmax(k.out, k.x, rows, cols));
        EXPECT_NOOP(D->log_softmax(NULL, NULL, rows, cols));
        EXPECT_NOOP(D->softmax_backward(k.out, k.y_prob, k.dy, rows, cols));
        EXPECT_NOOP(D->softmax_backward(NULL, NULL, NULL, rows, cols));
        EXPECT_NOOP(D->log_softmax_backward(k.out, k.y_log, k.dy, rows, cols));
        EXPECT_NOOP(D->log_softmax_backward(NULL, NULL, NULL, rows, cols));
        EXPECT_NOOP(D->log_softmax_jvp(k.out, k.y_log, k.dy, rows, cols));
        EXPECT_NOOP(D->log_softmax_jvp(NULL, NULL, NULL, rows, cols));
        EXPECT_NOOP(D->softmax_masked(k.out, k.x, rows, cols, 1, NULL));
        EXPECT_NOOP(D->softmax_masked(NULL, NULL, rows, cols, 2, NULL));
        EXPECT_NOOP(D->log_softmax_masked(k.out, k.x, rows, cols, 1, NULL));
        EXPECT_NOOP(D->log_softmax_masked(NULL, NULL, rows, cols, 2, NULL));
        EXPECT_NOOP(D->softmax_masked_backward(k.out, k.y_prob, k.dy, rows, cols, 1));
        EXPECT_NOOP(D->softmax_masked_backward(NULL, NULL, NULL, rows, cols, 1));
        EXPECT_NOOP(D->log_softmax_masked_backward(k.out, k.y_log, k.dy, rows, cols, 1));
        EXPECT_NOOP(D->log_softmax_masked_backward(NULL, NULL, NULL, rows, cols, 1));
        if (rows == 0) {
            EXPECT_NOOP(D->logsumexp(k.out, k.x, rows, cols));
            EXPECT_NOOP(D->logsumexp(NULL, NULL, rows, cols));
        }
    }
    /* An empty axis in each of the three positions of [outer, n, inner]. */
    const size_t axes[][3] = {{0, C, R}, {R, 0, C}, {R, C, 0}, {0, 0, 0}};
    for (size_t a = 0; a < 4; a++) {
        const size_t o = axes[a][0], n = axes[a][1], in = axes[a][2];
        tnote(t, "axis [%zu, %zu, %zu]", o, n, in);
        EXPECT_NOOP(D->softmax_axis(k.out, k.x, o, n, in));
        EXPECT_NOOP(D->softmax_axis(NULL, NULL, o, n, in));
        EXPECT_NOOP(D->log_softmax_axis(k.out, k.x, o, n, in));
        EXPECT_NOOP(D->log_softmax_axis(NULL, NULL, o, n, in));
        EXPECT_NOOP(D->softmax_backward_axis(k.out, k.y_prob, k.dy, o, n, in));
        EXPECT_NOOP(D->softmax_backward_axis(NULL, NULL, NULL, o, n, in));
        EXPECT_NOOP(D->log_softmax_backward_axis(k.out, k.y_log, k.dy, o, n, in));
        EXPECT_NOOP(D->log_softmax_backward_axis(NULL, NULL, NULL, o, n, in));
    }
    tnote(t, "jacobian, n == 0");
    EXPECT_NOOP(D->jacobian(k.out, k.y_prob, 0));
    EXPECT_NOOP(D->jacobian(NULL, NULL, 0));

    /* logsumexp of rows of length 0: -inf each, x may be NULL. */
    tnote(t, "logsumexp, cols == 0");
    reset_outputs(t, &k);
    CHECK_STATUS(t, D->logsumexp(k.out, NULL, R, 0), SMX_OK);
    for (size_t r = 0; r < R; r++)
        CHECK_EXACT(t, "logsumexp of an empty row", r, tget(t, k.out, r), -(long double)INFINITY);
    CHECK_UNTOUCHED(t, "logsumexp beyond rows", (char *)k.out + R * D->size,
                    (OUT - R) * D->size);
    EXPECT_ERROR(D->logsumexp(NULL, NULL, R, 0), SMX_ERR_NULL_POINTER);

    /* Losses over no rows: mean NaN, sum 0, none writes nothing.  The
     * scores, labels, targets and dx address no element: NULL is fine. */
    for (size_t cols = 0; cols <= C; cols += C) {
        tnote(t, "losses, rows == 0, cols = %zu", cols);
        for (int fn = 0; fn < 3; fn++) {
            for (int red = 0; red < 3; red++) {
                const topts o = {(smx_reduction)red, 0, 0, NULL, 0};
                reset_outputs(t, &k);
                smx_status st;
                if (fn == 0)
                    st = D->cross_entropy_ex(k.loss, NULL, NULL, NULL, 0, cols, &o);
                else if (fn == 1)
                    st = D->cross_entropy_soft(k.loss, NULL, NULL, NULL, 0, cols, &o);
                else
                    st = D->nll_loss(k.loss, NULL, NULL, NULL, 0, cols, &o);
                CHECK(t, st == SMX_OK, "loss %d, reduction %d: status %d", fn, red, (int)st);
                if (red == SMX_REDUCTION_MEAN)
                    CHECK(t, isnan(tget(t, k.loss, 0)), "loss %d: mean of no rows is %Lg, not NaN",
                          fn, tget(t, k.loss, 0));
                else if (red == SMX_REDUCTION_SUM)
                    CHECK_EXACT(t, "sum of no rows", (size_t)fn, tget(t, k.loss, 0), 0);
                else
                    CHECK_UNTOUCHED(t, "loss (none) over no rows", k.loss, OUT * D->size);
                if (red != SMX_REDUCTION_NONE)
                    CHECK_UNTOUCHED(t, "loss beyond its one value", (char *)k.loss + D->size,
                                    (OUT - 1) * D->size);
                CHECK_UNTOUCHED(t, "dx", k.dx, OUT * D->size);
            }
        }
        reset_outputs(t, &k);
        CHECK_STATUS(t, D->cross_entropy(k.loss, k.dx, k.x, k.labels, 0, cols), SMX_OK);
        CHECK(t, isnan(tget(t, k.loss, 0)), "cross_entropy of no rows is %Lg, not NaN",
              tget(t, k.loss, 0));
        CHECK_UNTOUCHED(t, "dx", k.dx, OUT * D->size);
        const topts none = {.reduction = SMX_REDUCTION_NONE};
        CHECK_STATUS(t, D->cross_entropy_ex(NULL, NULL, NULL, NULL, 0, cols, &none), SMX_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SMX_TEST(test_null_pointers), SMX_TEST(test_size_overflow),
        SMX_TEST(test_bad_labels),    SMX_TEST(test_no_classes),
        SMX_TEST(test_bad_scale),     SMX_TEST(test_bad_mask),
        SMX_TEST(test_bad_weight),    SMX_TEST(test_bad_smoothing),
        SMX_TEST(test_bad_reduction), SMX_TEST(test_bad_option),
        SMX_TEST(test_strerror),      SMX_TEST(test_empty_is_noop),
    };
    return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
