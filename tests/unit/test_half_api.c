/*
 * test_half_api.c — the bf16 and f16 functions of smx.h ("The softmax
 * family in half precision") as an API, each test run for both formats
 * (half_api.h):
 *
 *   - errors: every argument check of the f32 twin, with the same status,
 *     and nothing written (outputs and losses keep their sentinel bytes);
 *   - aliasing: y == x, dx == dy, dx == y, dy == dx, dy == y, and dx == x
 *     for the losses give the bits of the out-of-place call;
 *   - determinism: 1 and 2 threads give the same bits; so do one call and
 *     three calls over the rows cut in three, for every function whose
 *     rows are independent (the reductions none, and no mean);
 *   - the definition: each output is the f32 function's output on the
 *     widened inputs, rounded once (the losses: the f32 loss itself), on
 *     shapes that cross the 65536-entry tile: rows of 65535, 65536 and
 *     65537 entries, [outer, n, inner] with n * inner just over 65536
 *     (the tiles are then columns of a slab), with inner wider than
 *     65536 / n, and with n itself over 65536;
 *   - the axis forms against transpose, row function, transpose back,
 *     within 1 step of the format (bit for bit on the scalar path).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "smx.h"

#include "half_api.h"

#define SENTINEL 0xA5

static void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        abort();
    return p;
}

static uint64_t split_mix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(split_mix(s) >> 11) * 0x1p-53;
}

static int untouched(const void *p, size_t bytes)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < bytes; i++)
        if (b[i] != SENTINEL)
            return 0;
    return 1;
}

/* The position of an encoding among the format's ordered values: adjacent
 * values differ by 1, +0 and -0 share 0 (both formats put the sign on top
 * and order the rest as integers). */
static int32_t ordinal(uint16_t h) { return (h & 0x8000u) ? -(int32_t)(h & 0x7fffu) : h; }

static int is_nan(const half_api *H, uint16_t h) { return isnan(H->to_float(h)); }

/* Steps between two encodings; NaN and NaN are 0 apart, NaN and a number
 * far. */
static int32_t steps(const half_api *H, uint16_t a, uint16_t b)
{
    if (is_nan(H, a) || is_nan(H, b))
        return is_nan(H, a) && is_nan(H, b) ? 0 : INT32_MAX;
    const int32_t d = ordinal(a) - ordinal(b);
    return d < 0 ? -d : d;
}

static uint32_t float_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* Equal bits, or both NaN. */
static int same_float(float a, float b)
{
    return float_bits(a) == float_bits(b) || (isnan(a) && isnan(b));
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

enum { R = 3, C = 3, N = R * C };

/* The buffers of one error case, in the half format and in float: valid
 * inputs, sentinel outputs. */
typedef struct kit {
    uint16_t x[N], y[N], l[N], dy[N], t[N], bias[N], out[N];
    float xf[N], yf[N], lf[N], dyf[N], tf[N], biasf[N], outf[N];
    float loss[R], lossf[R];
    float weights[C];
    int32_t labels[R];
    uint8_t keep[N];
} kit;

static void make_kit(const half_api *H, kit *k)
{
    static const double x[N] = {0.5, -1, 2, 0.25, 3, -2, 1, 1, -4};
    static const double dy[N] = {1, -0.5, 0.25, 2, 0, -1, 0.75, -0.25, 0.5};
    static const double t[N] = {0.5, 0.5, 0, 0, 0.25, 0.75, 1, 0, 0};
    static const double bias[N] = {0, -INFINITY, 0, 1, 0, -1, 0, 0, 2};
    for (size_t i = 0; i < N; i++) {
        k->x[i] = H->from_double(x[i]);
        k->dy[i] = H->from_double(dy[i]);
        k->t[i] = H->from_double(t[i]);
        k->bias[i] = H->from_double(bias[i]);
        k->xf[i] = (float)x[i];
        k->dyf[i] = (float)dy[i];
        k->tf[i] = (float)t[i];
        k->biasf[i] = (float)bias[i];
        k->keep[i] = 1;
    }
    assert_int_equal(H->softmax(k->y, k->x, R, C), SMX_OK);
    assert_int_equal(H->log_softmax(k->l, k->x, R, C), SMX_OK);
    for (size_t i = 0; i < N; i++) {
        k->yf[i] = H->to_float(k->y[i]);
        k->lf[i] = H->to_float(k->l[i]);
    }
    for (size_t c = 0; c < C; c++)
        k->weights[c] = 1.0f + (float)c;
    for (size_t r = 0; r < R; r++)
        k->labels[r] = (int32_t)((r + 1) % C);
}

static void reset(kit *k)
{
    memset(k->out, SENTINEL, sizeof k->out);
    memset(k->outf, SENTINEL, sizeof k->outf);
    memset(k->loss, SENTINEL, sizeof k->loss);
    memset(k->lossf, SENTINEL, sizeof k->lossf);
}

/* The half call fails, with the status its f32 twin gives for the same
 * arguments, and writes nothing. */
#define EXPECT_AS_F32(half_call, f32_call)                                                   \
    do {                                                                                     \
        reset(&k);                                                                           \
        const smx_status want_ = (f32_call);                                                 \
        const smx_status got_ = (half_call);                                                 \
        if (want_ == SMX_OK || got_ != want_)                                                \
            fail_msg("%s line %d: %s gives %s, its f32 twin %s", H->name, __LINE__,           \
                     #half_call, smx_strerror(got_), smx_strerror(want_));                    \
        if (!untouched(k.out, sizeof k.out) || !untouched(k.loss, sizeof k.loss))             \
            fail_msg("%s line %d: %s failed but wrote", H->name, __LINE__, #half_call);       \
    } while (0)

static void check_null_pointers(const half_api *H)
{
    kit k;
    make_kit(H, &k);
    /* a mask part with rows but no pointer */
    const half_mask hm_bias = {NULL, R, NULL, 0}, hm_keep = {NULL, 0, NULL, 1};
    const smx_mask_f32 fm_bias = {NULL, R, NULL, 0}, fm_keep = {NULL, 0, NULL, 1};
    EXPECT_AS_F32(H->softmax(NULL, k.x, R, C), smx_softmax_f32(NULL, k.xf, R, C));
    EXPECT_AS_F32(H->softmax(k.out, NULL, R, C), smx_softmax_f32(k.outf, NULL, R, C));
    EXPECT_AS_F32(H->log_softmax(NULL, k.x, R, C), smx_log_softmax_f32(NULL, k.xf, R, C));
    EXPECT_AS_F32(H->log_softmax(k.out, NULL, R, C), smx_log_softmax_f32(k.outf, NULL, R, C));
    EXPECT_AS_F32(H->logsumexp(NULL, k.x, R, C), smx_logsumexp_f32(NULL, k.xf, R, C));
    EXPECT_AS_F32(H->logsumexp(k.loss, NULL, R, C), smx_logsumexp_f32(k.lossf, NULL, R, C));
    EXPECT_AS_F32(H->softmax_backward(NULL, k.y, k.dy, R, C),
                  smx_softmax_backward_f32(NULL, k.yf, k.dyf, R, C));
    EXPECT_AS_F32(H->softmax_backward(k.out, NULL, k.dy, R, C),
                  smx_softmax_backward_f32(k.outf, NULL, k.dyf, R, C));
    EXPECT_AS_F32(H->softmax_backward(k.out, k.y, NULL, R, C),
                  smx_softmax_backward_f32(k.outf, k.yf, NULL, R, C));
    EXPECT_AS_F32(H->log_softmax_backward(NULL, k.l, k.dy, R, C),
                  smx_log_softmax_backward_f32(NULL, k.lf, k.dyf, R, C));
    EXPECT_AS_F32(H->log_softmax_backward(k.out, NULL, k.dy, R, C),
                  smx_log_softmax_backward_f32(k.outf, NULL, k.dyf, R, C));
    EXPECT_AS_F32(H->log_softmax_backward(k.out, k.l, NULL, R, C),
                  smx_log_softmax_backward_f32(k.outf, k.lf, NULL, R, C));
    EXPECT_AS_F32(H->log_softmax_jvp(NULL, k.l, k.dy, R, C),
                  smx_log_softmax_jvp_f32(NULL, k.lf, k.dyf, R, C));
    EXPECT_AS_F32(H->log_softmax_jvp(k.out, NULL, k.dy, R, C),
                  smx_log_softmax_jvp_f32(k.outf, NULL, k.dyf, R, C));
    EXPECT_AS_F32(H->log_softmax_jvp(k.out, k.l, NULL, R, C),
                  smx_log_softmax_jvp_f32(k.outf, k.lf, NULL, R, C));
    EXPECT_AS_F32(H->softmax_axis(NULL, k.x, 1, R, C), smx_softmax_axis_f32(NULL, k.xf, 1, R, C));
    EXPECT_AS_F32(H->softmax_axis(k.out, NULL, 1, R, C),
                  smx_softmax_axis_f32(k.outf, NULL, 1, R, C));
    EXPECT_AS_F32(H->log_softmax_axis(NULL, k.x, 1, R, C),
                  smx_log_softmax_axis_f32(NULL, k.xf, 1, R, C));
    EXPECT_AS_F32(H->log_softmax_axis(k.out, NULL, 1, R, C),
                  smx_log_softmax_axis_f32(k.outf, NULL, 1, R, C));
    EXPECT_AS_F32(H->softmax_backward_axis(NULL, k.y, k.dy, 1, R, C),
                  smx_softmax_backward_axis_f32(NULL, k.yf, k.dyf, 1, R, C));
    EXPECT_AS_F32(H->softmax_backward_axis(k.out, NULL, k.dy, 1, R, C),
                  smx_softmax_backward_axis_f32(k.outf, NULL, k.dyf, 1, R, C));
    EXPECT_AS_F32(H->softmax_backward_axis(k.out, k.y, NULL, 1, R, C),
                  smx_softmax_backward_axis_f32(k.outf, k.yf, NULL, 1, R, C));
    EXPECT_AS_F32(H->log_softmax_backward_axis(NULL, k.l, k.dy, 1, R, C),
                  smx_log_softmax_backward_axis_f32(NULL, k.lf, k.dyf, 1, R, C));
    EXPECT_AS_F32(H->log_softmax_backward_axis(k.out, NULL, k.dy, 1, R, C),
                  smx_log_softmax_backward_axis_f32(k.outf, NULL, k.dyf, 1, R, C));
    EXPECT_AS_F32(H->log_softmax_backward_axis(k.out, k.l, NULL, 1, R, C),
                  smx_log_softmax_backward_axis_f32(k.outf, k.lf, NULL, 1, R, C));
    for (int log_form = 0; log_form < 2; log_form++) {
        smx_status (*hf)(uint16_t *, const uint16_t *, size_t, size_t, float, const half_mask *) =
            log_form ? H->log_softmax_masked : H->softmax_masked;
        smx_status (*ff)(float *, const float *, size_t, size_t, float, const smx_mask_f32 *) =
            log_form ? smx_log_softmax_masked_f32 : smx_softmax_masked_f32;
        EXPECT_AS_F32(hf(NULL, k.x, R, C, 1, NULL), ff(NULL, k.xf, R, C, 1, NULL));
        EXPECT_AS_F32(hf(k.out, NULL, R, C, 1, NULL), ff(k.outf, NULL, R, C, 1, NULL));
        EXPECT_AS_F32(hf(k.out, k.x, R, C, 1, &hm_bias), ff(k.outf, k.xf, R, C, 1, &fm_bias));
        EXPECT_AS_F32(hf(k.out, k.x, R, C, 1, &hm_keep), ff(k.outf, k.xf, R, C, 1, &fm_keep));
        smx_status (*hb)(uint16_t *, const uint16_t *, const uint16_t *, size_t, size_t, float) =
            log_form ? H->log_softmax_masked_backward : H->softmax_masked_backward;
        smx_status (*fb)(float *, const float *, const float *, size_t, size_t, float) =
            log_form ? smx_log_softmax_masked_backward_f32 : smx_softmax_masked_backward_f32;
        EXPECT_AS_F32(hb(NULL, k.y, k.dy, R, C, 1), fb(NULL, k.yf, k.dyf, R, C, 1));
        EXPECT_AS_F32(hb(k.out, NULL, k.dy, R, C, 1), fb(k.outf, NULL, k.dyf, R, C, 1));
        EXPECT_AS_F32(hb(k.out, k.y, NULL, R, C, 1), fb(k.outf, k.yf, NULL, R, C, 1));
    }
    EXPECT_AS_F32(H->cross_entropy(NULL, k.out, k.x, k.labels, R, C),
                  smx_cross_entropy_f32(NULL, k.outf, k.xf, k.labels, R, C));
    EXPECT_AS_F32(H->cross_entropy(k.loss, k.out, NULL, k.labels, R, C),
                  smx_cross_entropy_f32(k.lossf, k.outf, NULL, k.labels, R, C));
    EXPECT_AS_F32(H->cross_entropy(k.loss, k.out, k.x, NULL, R, C),
                  smx_cross_entropy_f32(k.lossf, k.outf, k.xf, NULL, R, C));
    EXPECT_AS_F32(H->cross_entropy_ex(NULL, k.out, k.x, k.labels, R, C, NULL),
                  smx_cross_entropy_ex_f32(NULL, k.outf, k.xf, k.labels, R, C, NULL));
    EXPECT_AS_F32(H->cross_entropy_ex(k.loss, k.out, NULL, k.labels, R, C, NULL),
                  smx_cross_entropy_ex_f32(k.lossf, k.outf, NULL, k.labels, R, C, NULL));
    EXPECT_AS_F32(H->cross_entropy_ex(k.loss, k.out, k.x, NULL, R, C, NULL),
                  smx_cross_entropy_ex_f32(k.lossf, k.outf, k.xf, NULL, R, C, NULL));
    EXPECT_AS_F32(H->cross_entropy_soft(NULL, k.out, k.x, k.t, R, C, NULL),
                  smx_cross_entropy_soft_f32(NULL, k.outf, k.xf, k.tf, R, C, NULL));
    EXPECT_AS_F32(H->cross_entropy_soft(k.loss, k.out, NULL, k.t, R, C, NULL),
                  smx_cross_entropy_soft_f32(k.lossf, k.outf, NULL, k.tf, R, C, NULL));
    EXPECT_AS_F32(H->cross_entropy_soft(k.loss, k.out, k.x, NULL, R, C, NULL),
                  smx_cross_entropy_soft_f32(k.lossf, k.outf, k.xf, NULL, R, C, NULL));
    EXPECT_AS_F32(H->nll_loss(NULL, k.out, k.l, k.labels, R, C, NULL),
                  smx_nll_loss_f32(NULL, k.outf, k.lf, k.labels, R, C, NULL));
    EXPECT_AS_F32(H->nll_loss(k.loss, k.out, NULL, k.labels, R, C, NULL),
                  smx_nll_loss_f32(k.lossf, k.outf, NULL, k.labels, R, C, NULL));
    EXPECT_AS_F32(H->nll_loss(k.loss, k.out, k.l, NULL, R, C, NULL),
                  smx_nll_loss_f32(k.lossf, k.outf, k.lf, NULL, R, C, NULL));
}

/* Sizes whose count of entries, or of their float tiles' bytes,
 * overflows size_t (the buffers are tiny: a call that wrapped the size
 * would read and write far past them). */
static void check_sizes(const half_api *H)
{
    kit k;
    make_kit(H, &k);
    const size_t half = SIZE_MAX / 2, quarter = SIZE_MAX / 4 + 1;
    const size_t shapes[][2] = {{half, 3}, {3, half}, {SIZE_MAX, 2}, {quarter, 1}, {1, quarter}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t r = shapes[s][0], c = shapes[s][1];
        EXPECT_AS_F32(H->softmax(k.out, k.x, r, c), smx_softmax_f32(k.outf, k.xf, r, c));
        EXPECT_AS_F32(H->log_softmax(k.out, k.x, r, c), smx_log_softmax_f32(k.outf, k.xf, r, c));
        EXPECT_AS_F32(H->logsumexp(k.loss, k.x, r, c), smx_logsumexp_f32(k.lossf, k.xf, r, c));
        EXPECT_AS_F32(H->softmax_backward(k.out, k.y, k.dy, r, c),
                      smx_softmax_backward_f32(k.outf, k.yf, k.dyf, r, c));
        EXPECT_AS_F32(H->log_softmax_jvp(k.out, k.l, k.dy, r, c),
                      smx_log_softmax_jvp_f32(k.outf, k.lf, k.dyf, r, c));
        EXPECT_AS_F32(H->softmax_axis(k.out, k.x, r, c, 2),
                      smx_softmax_axis_f32(k.outf, k.xf, r, c, 2));
        EXPECT_AS_F32(H->log_softmax_backward_axis(k.out, k.l, k.dy, 2, r, c),
                      smx_log_softmax_backward_axis_f32(k.outf, k.lf, k.dyf, 2, r, c));
        EXPECT_AS_F32(H->softmax_masked(k.out, k.x, r, c, 1, NULL),
                      smx_softmax_masked_f32(k.outf, k.xf, r, c, 1, NULL));
        EXPECT_AS_F32(H->softmax_masked_backward(k.out, k.y, k.dy, r, c, 1),
                      smx_softmax_masked_backward_f32(k.outf, k.yf, k.dyf, r, c, 1));
        EXPECT_AS_F32(H->cross_entropy(k.loss, k.out, k.x, k.labels, r, c),
                      smx_cross_entropy_f32(k.lossf, k.outf, k.xf, k.labels, r, c));
        EXPECT_AS_F32(H->cross_entropy_soft(k.loss, k.out, k.x, k.t, r, c, NULL),
                      smx_cross_entropy_soft_f32(k.lossf, k.outf, k.xf, k.tf, r, c, NULL));
        EXPECT_AS_F32(H->nll_loss(k.loss, k.out, k.l, k.labels, r, c, NULL),
                      smx_nll_loss_f32(k.lossf, k.outf, k.lf, k.labels, r, c, NULL));
    }
}

/* Labels outside [0, cols) in the first and in the last row (a check
 * made row by row would have written the rows before), and no classes. */
static void check_labels(const half_api *H)
{
    kit k;
    make_kit(H, &k);
    static const int32_t bad[] = {-1, C, C + 1, INT32_MIN, INT32_MAX, -100};
    smx_cross_entropy_options_f32 opt;
    memset(&opt, 0, sizeof opt);
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        for (size_t at = 0; at < R; at += R - 1) {
            int32_t labels[R];
            memcpy(labels, k.labels, sizeof labels);
            labels[at] = bad[b];
            EXPECT_AS_F32(H->cross_entropy(k.loss, k.out, k.x, labels, R, C),
                          smx_cross_entropy_f32(k.lossf, k.outf, k.xf, labels, R, C));
            opt.reduction = SMX_REDUCTION_NONE;
            EXPECT_AS_F32(H->cross_entropy_ex(k.loss, k.out, k.x, labels, R, C, &opt),
                          smx_cross_entropy_ex_f32(k.lossf, k.outf, k.xf, labels, R, C, &opt));
            EXPECT_AS_F32(H->nll_loss(k.loss, k.out, k.l, labels, R, C, &opt),
                          smx_nll_loss_f32(k.lossf, k.outf, k.lf, labels, R, C, &opt));
            /* the ignore index is honoured only when has_ignore_index is set */
            opt.ignore_index = bad[b];
            EXPECT_AS_F32(H->cross_entropy_ex(k.loss, k.out, k.x, labels, R, C, &opt),
                          smx_cross_entropy_ex_f32(k.lossf, k.outf, k.xf, labels, R, C, &opt));
            opt.ignore_index = 0;
        }
    }
    EXPECT_AS_F32(H->cross_entropy(k.loss, k.out, k.x, k.labels, R, 0),
                  smx_cross_entropy_f32(k.lossf, k.outf, k.xf, k.labels, R, 0));
    EXPECT_AS_F32(H->cross_entropy_soft(k.loss, k.out, k.x, k.t, R, 0, NULL),
                  smx_cross_entropy_soft_f32(k.lossf, k.outf, k.xf, k.tf, R, 0, NULL));
    EXPECT_AS_F32(H->nll_loss(k.loss, k.out, k.l, k.labels, R, 0, NULL),
                  smx_nll_loss_f32(k.lossf, k.outf, k.lf, k.labels, R, 0, NULL));
}

/* Scales that are not finite and > 0, masks whose row counts are neither
 * 1 nor rows, and the options of the losses. */
static void check_options(const half_api *H)
{
    kit k;
    make_kit(H, &k);
    static const float scales[] = {0.0f, -0.0f, -1.0f, NAN, INFINITY, -INFINITY};
    for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
        const float sc = scales[s];
        EXPECT_AS_F32(H->softmax_masked(k.out, k.x, R, C, sc, NULL),
                      smx_softmax_masked_f32(k.outf, k.xf, R, C, sc, NULL));
        EXPECT_AS_F32(H->log_softmax_masked(k.out, k.x, R, C, sc, NULL),
                      smx_log_softmax_masked_f32(k.outf, k.xf, R, C, sc, NULL));
        EXPECT_AS_F32(H->softmax_masked_backward(k.out, k.y, k.dy, R, C, sc),
                      smx_softmax_masked_backward_f32(k.outf, k.yf, k.dyf, R, C, sc));
        EXPECT_AS_F32(H->log_softmax_masked_backward(k.out, k.l, k.dy, R, C, sc),
                      smx_log_softmax_masked_backward_f32(k.outf, k.lf, k.dyf, R, C, sc));
    }
    static const size_t mask_rows[] = {0, 2, R + 1, SIZE_MAX};
    for (size_t m = 0; m < sizeof mask_rows / sizeof mask_rows[0]; m++) {
        const half_mask hb = {k.bias, mask_rows[m], NULL, 0}, hk = {NULL, 0, k.keep, mask_rows[m]};
        const smx_mask_f32 fb = {k.biasf, mask_rows[m], NULL, 0},
                           fk = {NULL, 0, k.keep, mask_rows[m]};
        EXPECT_AS_F32(H->softmax_masked(k.out, k.x, R, C, 1, &hb),
                      smx_softmax_masked_f32(k.outf, k.xf, R, C, 1, &fb));
        EXPECT_AS_F32(H->log_softmax_masked(k.out, k.x, R, C, 1, &hk),
                      smx_log_softmax_masked_f32(k.outf, k.xf, R, C, 1, &fk));
    }
    static const float bad_weight[] = {-1.0f, -0x1p-149f, NAN, INFINITY, -INFINITY};
    static const float bad_smoothing[] = {-0.125f, 1.125f, NAN, INFINITY, -INFINITY};
    smx_cross_entropy_options_f32 opt;
    for (size_t b = 0; b < 5; b++) {
        for (size_t at = 0; at < C; at++) {
            float w[C];
            memcpy(w, k.weights, sizeof w);
            w[at] = bad_weight[b];
            memset(&opt, 0, sizeof opt);
            opt.class_weights = w;
            EXPECT_AS_F32(H->cross_entropy_ex(k.loss, k.out, k.x, k.labels, R, C, &opt),
                          smx_cross_entropy_ex_f32(k.lossf, k.outf, k.xf, k.labels, R, C, &opt));
            EXPECT_AS_F32(H->cross_entropy_soft(k.loss, k.out, k.x, k.t, R, C, &opt),
                          smx_cross_entropy_soft_f32(k.lossf, k.outf, k.xf, k.tf, R, C, &opt));
            EXPECT_AS_F32(H->nll_loss(k.loss, k.out, k.l, k.labels, R, C, &opt),
                          smx_nll_loss_f32(k.lossf, k.outf, k.lf, k.labels, R, C, &opt));
        }
        memset(&opt, 0, sizeof opt);
        opt.label_smoothing = bad_smoothing[b];
        EXPECT_AS_F32(H->cross_entropy_ex(k.loss, k.out, k.x, k.labels, R, C, &opt),
                      smx_cross_entropy_ex_f32(k.lossf, k.outf, k.xf, k.labels, R, C, &opt));
        EXPECT_AS_F32(H->cross_entropy_soft(k.loss, k.out, k.x, k.t, R, C, &opt),
                      smx_cross_entropy_soft_f32(k.lossf, k.outf, k.xf, k.tf, R, C, &opt));
        EXPECT_AS_F32(H->nll_loss(k.loss, k.out, k.l, k.labels, R, C, &opt),
                      smx_nll_loss_f32(k.lossf, k.outf, k.lf, k.labels, R, C, &opt));
    }
    static const int bad_reduction[] = {3, 7, 255, -1};
    for (size_t b = 0; b < sizeof bad_reduction / sizeof bad_reduction[0]; b++) {
        memset(&opt, 0, sizeof opt);
        opt.reduction = (smx_reduction)bad_reduction[b];
        EXPECT_AS_F32(H->cross_entropy_ex(k.loss, k.out, k.x, k.labels, R, C, &opt),
                      smx_cross_entropy_ex_f32(k.lossf, k.outf, k.xf, k.labels, R, C, &opt));
        EXPECT_AS_F32(H->cross_entropy_soft(k.loss, k.out, k.x, k.t, R, C, &opt),
                      smx_cross_entropy_soft_f32(k.lossf, k.outf, k.xf, k.tf, R, C, &opt));
        EXPECT_AS_F32(H->nll_loss(k.loss, k.out, k.l, k.labels, R, C, &opt),
                      smx_nll_loss_f32(k.lossf, k.outf, k.lf, k.labels, R, C, &opt));
    }
    memset(&opt, 0, sizeof opt);
    opt.has_ignore_index = 1; /* not with soft targets */
    EXPECT_AS_F32(H->cross_entropy_soft(k.loss, k.out, k.x, k.t, R, C, &opt),
                  smx_cross_entropy_soft_f32(k.lossf, k.outf, k.xf, k.tf, R, C, &opt));
}

static void test_errors_write_nothing(void **state)
{
    (void)state;
    for (size_t f = 0; f < 2; f++) {
        check_null_pointers(half_apis[f]);
        check_sizes(half_apis[f]);
        check_labels(half_apis[f]);
        check_options(half_apis[f]);
    }
}

/* The empty calls: rows or cols 0 write nothing and succeed, except the
 * header's exceptions, which give what f32 gives. */
static void test_empty_calls(void **state)
{
    (void)state;
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        kit k;
        make_kit(H, &k);
        reset(&k);
        assert_int_equal(H->softmax(k.out, NULL, 0, C), SMX_OK);
        assert_int_equal(H->log_softmax(NULL, NULL, R, 0), SMX_OK);
        assert_int_equal(H->softmax_backward(k.out, k.y, k.dy, 0, C), SMX_OK);
        assert_int_equal(H->log_softmax_axis(k.out, k.x, 2, 0, 3), SMX_OK);
        assert_int_equal(H->softmax_backward_axis(k.out, k.y, k.dy, 2, 3, 0), SMX_OK);
        assert_int_equal(H->softmax_masked(k.out, k.x, 0, C, 1, NULL), SMX_OK);
        assert_int_equal(H->log_softmax_jvp(NULL, NULL, NULL, 0, 0), SMX_OK);
        assert_true(untouched(k.out, sizeof k.out));
        /* logsumexp of rows of no entries: -inf, as f32 */
        assert_int_equal(H->logsumexp(k.loss, k.x, R, 0), SMX_OK);
        assert_int_equal(smx_logsumexp_f32(k.lossf, k.xf, R, 0), SMX_OK);
        for (size_t r = 0; r < R; r++)
            assert_true(k.loss[r] == -INFINITY && same_float(k.loss[r], k.lossf[r]));
        /* the losses over no rows: NaN (mean), 0 (sum), nothing (none) */
        static const smx_reduction reductions[] = {SMX_REDUCTION_MEAN, SMX_REDUCTION_SUM,
                                                   SMX_REDUCTION_NONE};
        for (size_t i = 0; i < 3; i++) {
            smx_cross_entropy_options_f32 opt;
            memset(&opt, 0, sizeof opt);
            opt.reduction = reductions[i];
            reset(&k);
            assert_int_equal(H->cross_entropy_ex(k.loss, k.out, k.x, k.labels, 0, C, &opt),
                             SMX_OK);
            assert_int_equal(smx_cross_entropy_ex_f32(k.lossf, k.outf, k.xf, k.labels, 0, C, &opt),
                             SMX_OK);
            assert_int_equal(H->nll_loss(k.loss + 1, k.out, k.l, k.labels, 0, C, &opt), SMX_OK);
            assert_int_equal(smx_nll_loss_f32(k.lossf + 1, k.outf, k.lf, k.labels, 0, C, &opt),
                             SMX_OK);
            assert_int_equal(H->cross_entropy_soft(k.loss + 2, k.out, k.x, k.t, 0, C, &opt),
                             SMX_OK);
            assert_int_equal(
                smx_cross_entropy_soft_f32(k.lossf + 2, k.outf, k.xf, k.tf, 0, C, &opt), SMX_OK);
            assert_memory_equal(k.loss, k.lossf, sizeof k.loss); /* sentinel, NaN or 0 alike */
            assert_true(untouched(k.out, sizeof k.out));
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Every function on one problem                                             */
/* ------------------------------------------------------------------------ */

typedef struct shape {
    size_t rows, cols;
} shape;

/* The inputs of one problem, in the half format: scores x in U(-8, 8)
 * with a -inf entry (and, with 3 rows or more, a NaN row and a +inf
 * row); dy in U(-1, 1); y and l the library's softmax and log-softmax of
 * x; a per-row bias in U(-2, 2) with 1 in 8 entries -inf; keep flags with
 * 1 in 8 zero; soft targets |dy|; labels; float class weights. */
typedef struct problem {
    shape sh;
    uint16_t *x, *dy, *y, *l, *bias, *t;
    uint8_t *keep;
    int32_t *labels;
    float *weights;
} problem;

static problem make_problem(const half_api *H, shape sh, uint64_t seed)
{
    const size_t n = sh.rows * sh.cols;
    problem p = {sh,
                 xmalloc(n * 2),
                 xmalloc(n * 2),
                 xmalloc(n * 2),
                 xmalloc(n * 2),
                 xmalloc(n * 2),
                 xmalloc(n * 2),
                 xmalloc(n),
                 xmalloc(sh.rows * sizeof(int32_t)),
                 xmalloc(sh.cols * sizeof(float))};
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        p.x[i] = H->from_double(uniform(&s, -8, 8));
        const double g = uniform(&s, -1, 1);
        p.dy[i] = H->from_double(g);
        p.t[i] = H->from_double(fabs(g));
        p.bias[i] = H->from_double(split_mix(&s) % 8 == 0 ? -INFINITY : uniform(&s, -2, 2));
        p.keep[i] = split_mix(&s) % 8 != 0;
    }
    p.x[split_mix(&s) % n] = H->from_double(-INFINITY);
    if (sh.rows >= 3) {
        p.x[1 * sh.cols + split_mix(&s) % sh.cols] = H->from_double(NAN);
        p.x[2 * sh.cols + split_mix(&s) % sh.cols] = H->from_double(INFINITY);
    }
    for (size_t r = 0; r < sh.rows; r++)
        p.labels[r] = (int32_t)(split_mix(&s) % sh.cols);
    for (size_t c = 0; c < sh.cols; c++)
        p.weights[c] = 0.25f + 0.25f * (float)(c % 7);
    assert_int_equal(H->softmax(p.y, p.x, sh.rows, sh.cols), SMX_OK);
    assert_int_equal(H->log_softmax(p.l, p.x, sh.rows, sh.cols), SMX_OK);
    return p;
}

static void free_problem(problem *p)
{
    free(p->x);
    free(p->dy);
    free(p->y);
    free(p->l);
    free(p->bias);
    free(p->t);
    free(p->keep);
    free(p->labels);
    free(p->weights);
}

/* The outputs of run_half / run_f32: OUTS arrays of rows * cols, and the
 * losses: logsumexp, cross-entropy (none), NLL (none), rows each, then
 * the reduced ones. */
enum { OUTS = 14 };
static const char *const out_name[OUTS] = {
    "softmax",          "log_softmax",          "softmax_backward",
    "log_softmax_backward", "log_softmax_jvp",  "softmax_masked",
    "log_softmax_masked", "softmax_masked_backward", "log_softmax_masked_backward",
    "cross_entropy (none) dx", "cross_entropy_ex (mean, weights, eps) dx",
    "cross_entropy_soft (mean, weights, eps) dx", "nll_loss (none, weights, eps, ignore) dx",
    "log_softmax_masked (broadcast mask)"};
/* outputs whose rows are independent (a call cut by rows gives the same) */
static const int out_by_rows[OUTS] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1};
enum { REDUCED = 4 };
#define LOSSES(rows) (3 * (rows) + REDUCED)

typedef struct outputs {
    uint16_t *h[OUTS];
    float *f[OUTS]; /* run_f32's float outputs */
    float *loss;
} outputs;

static outputs make_outputs(size_t n, size_t rows)
{
    outputs o;
    for (int k = 0; k < OUTS; k++) {
        o.h[k] = xmalloc(n * 2);
        o.f[k] = xmalloc(n * sizeof(float));
    }
    o.loss = xmalloc(LOSSES(rows) * sizeof(float));
    return o;
}

static void free_outputs(outputs *o)
{
    for (int k = 0; k < OUTS; k++) {
        free(o->h[k]);
        free(o->f[k]);
    }
    free(o->loss);
}

static const float MASK_SCALE = 0.5f;

static smx_cross_entropy_options_f32 options(smx_reduction reduction, const float *weights,
                                             float eps, int ignore, int32_t ignore_index)
{
    smx_cross_entropy_options_f32 o;
    memset(&o, 0, sizeof o);
    o.reduction = reduction;
    o.class_weights = weights;
    o.label_smoothing = eps;
    o.has_ignore_index = ignore;
    o.ignore_index = ignore_index;
    return o;
}

/* Rows r0 .. r0 + rows of problem p through every half function; the
 * losses of those rows at loss (the reduced ones, over those rows, after
 * the 3 rows' worth). */
static void run_half(const half_api *H, const problem *p, size_t r0, size_t rows, outputs *o)
{
    const size_t c = p->sh.cols, at = r0 * c;
    const size_t L = p->sh.rows;
#define IN(a) (p->a + at)
#define OUT(k) (o->h[k] + at)
    assert_int_equal(H->softmax(OUT(0), IN(x), rows, c), SMX_OK);
    assert_int_equal(H->log_softmax(OUT(1), IN(x), rows, c), SMX_OK);
    assert_int_equal(H->softmax_backward(OUT(2), IN(y), IN(dy), rows, c), SMX_OK);
    assert_int_equal(H->log_softmax_backward(OUT(3), IN(l), IN(dy), rows, c), SMX_OK);
    assert_int_equal(H->log_softmax_jvp(OUT(4), IN(l), IN(dy), rows, c), SMX_OK);
    const half_mask mask = {IN(bias), rows, IN(keep), rows};
    assert_int_equal(H->softmax_masked(OUT(5), IN(x), rows, c, MASK_SCALE, &mask), SMX_OK);
    assert_int_equal(H->log_softmax_masked(OUT(6), IN(x), rows, c, MASK_SCALE, &mask), SMX_OK);
    assert_int_equal(H->softmax_masked_backward(OUT(7), IN(y), IN(dy), rows, c, MASK_SCALE),
                     SMX_OK);
    assert_int_equal(H->log_softmax_masked_backward(OUT(8), IN(l), IN(dy), rows, c, MASK_SCALE),
                     SMX_OK);
    const int32_t *labels = p->labels + r0;
    smx_cross_entropy_options_f32 o_none =
        options(SMX_REDUCTION_NONE, NULL, 0, 1, p->labels[0]);
    assert_int_equal(H->cross_entropy_ex(o->loss + L + r0, OUT(9), IN(x), labels, rows, c,
                                         &o_none),
                     SMX_OK);
    const smx_cross_entropy_options_f32 o_mean =
        options(SMX_REDUCTION_MEAN, p->weights, 0.1f, 0, 0);
    float *reduced = o->loss + 3 * L;
    assert_int_equal(H->cross_entropy_ex(reduced, OUT(10), IN(x), labels, rows, c, &o_mean),
                     SMX_OK);
    assert_int_equal(H->cross_entropy_soft(reduced + 1, OUT(11), IN(x), IN(t), rows, c, &o_mean),
                     SMX_OK);
    smx_cross_entropy_options_f32 o_nll =
        options(SMX_REDUCTION_NONE, p->weights, 0.1f, 1, p->labels[0]);
    assert_int_equal(H->nll_loss(o->loss + 2 * L + r0, OUT(12), IN(l), labels, rows, c, &o_nll),
                     SMX_OK);
    o_nll.reduction = SMX_REDUCTION_SUM;
    assert_int_equal(H->nll_loss(reduced + 2, NULL, IN(l), labels, rows, c, &o_nll), SMX_OK);
    assert_int_equal(H->cross_entropy(reduced + 3, NULL, IN(x), labels, rows, c), SMX_OK);
    assert_int_equal(H->logsumexp(o->loss + r0, IN(x), rows, c), SMX_OK);
    const half_mask broadcast = {p->bias, 1, p->keep, 1};
    assert_int_equal(H->log_softmax_masked(OUT(13), IN(x), rows, c, 3.0f, &broadcast), SMX_OK);
#undef IN
#undef OUT
}

/* The same through the f32 functions, on the inputs widened; each float
 * output rounded to the format into o->h. */
static void run_f32(const half_api *H, const problem *p, outputs *o)
{
    const size_t rows = p->sh.rows, c = p->sh.cols, n = rows * c;
    float *w[6];
    const uint16_t *src[6] = {p->x, p->dy, p->y, p->l, p->bias, p->t};
    for (int k = 0; k < 6; k++) {
        w[k] = xmalloc(n * sizeof(float));
        for (size_t i = 0; i < n; i++)
            w[k][i] = H->to_float(src[k][i]);
    }
    const float *x = w[0], *dy = w[1], *y = w[2], *l = w[3], *bias = w[4], *t = w[5];
    assert_int_equal(smx_softmax_f32(o->f[0], x, rows, c), SMX_OK);
    assert_int_equal(smx_log_softmax_f32(o->f[1], x, rows, c), SMX_OK);
    assert_int_equal(smx_softmax_backward_f32(o->f[2], y, dy, rows, c), SMX_OK);
    assert_int_equal(smx_log_softmax_backward_f32(o->f[3], l, dy, rows, c), SMX_OK);
    assert_int_equal(smx_log_softmax_jvp_f32(o->f[4], l, dy, rows, c), SMX_OK);
    const smx_mask_f32 mask = {bias, rows, p->keep, rows};
    assert_int_equal(smx_softmax_masked_f32(o->f[5], x, rows, c, MASK_SCALE, &mask), SMX_OK);
    assert_int_equal(smx_log_softmax_masked_f32(o->f[6], x, rows, c, MASK_SCALE, &mask), SMX_OK);
    assert_int_equal(smx_softmax_masked_backward_f32(o->f[7], y, dy, rows, c, MASK_SCALE), SMX_OK);
    assert_int_equal(smx_log_softmax_masked_backward_f32(o->f[8], l, dy, rows, c, MASK_SCALE),
                     SMX_OK);
    smx_cross_entropy_options_f32 o_none =
        options(SMX_REDUCTION_NONE, NULL, 0, 1, p->labels[0]);
    assert_int_equal(
        smx_cross_entropy_ex_f32(o->loss + rows, o->f[9], x, p->labels, rows, c, &o_none),
        SMX_OK);
    const smx_cross_entropy_options_f32 o_mean =
        options(SMX_REDUCTION_MEAN, p->weights, 0.1f, 0, 0);
    float *reduced = o->loss + 3 * rows;
    assert_int_equal(smx_cross_entropy_ex_f32(reduced, o->f[10], x, p->labels, rows, c, &o_mean),
                     SMX_OK);
    assert_int_equal(smx_cross_entropy_soft_f32(reduced + 1, o->f[11], x, t, rows, c, &o_mean),
                     SMX_OK);
    smx_cross_entropy_options_f32 o_nll =
        options(SMX_REDUCTION_NONE, p->weights, 0.1f, 1, p->labels[0]);
    assert_int_equal(
        smx_nll_loss_f32(o->loss + 2 * rows, o->f[12], l, p->labels, rows, c, &o_nll), SMX_OK);
    o_nll.reduction = SMX_REDUCTION_SUM;
    assert_int_equal(smx_nll_loss_f32(reduced + 2, NULL, l, p->labels, rows, c, &o_nll), SMX_OK);
    assert_int_equal(smx_cross_entropy_f32(reduced + 3, NULL, x, p->labels, rows, c), SMX_OK);
    assert_int_equal(smx_logsumexp_f32(o->loss, x, rows, c), SMX_OK);
    const smx_mask_f32 broadcast = {bias, 1, p->keep, 1};
    assert_int_equal(smx_log_softmax_masked_f32(o->f[13], x, rows, c, 3.0f, &broadcast), SMX_OK);
    for (int k = 0; k < OUTS; k++)
        for (size_t i = 0; i < n; i++)
            o->h[k][i] = H->from_float(o->f[k][i]);
    for (int k = 0; k < 6; k++)
        free(w[k]);
}

/* a and b, outputs k of a problem of shape sh, bit for bit. */
static void expect_same_bits(const half_api *H, const char *what, const outputs *a,
                             const outputs *b, shape sh, int by_rows_only)
{
    const size_t n = sh.rows * sh.cols;
    for (int k = 0; k < OUTS; k++) {
        if (by_rows_only && !out_by_rows[k])
            continue;
        if (memcmp(a->h[k], b->h[k], n * 2) != 0)
            fail_msg("%s %zux%zu %s: %s differs", H->name, sh.rows, sh.cols, what, out_name[k]);
    }
    const size_t losses = by_rows_only ? 3 * sh.rows : LOSSES(sh.rows);
    for (size_t i = 0; i < losses; i++)
        if (!same_float(a->loss[i], b->loss[i]))
            fail_msg("%s %zux%zu %s: loss %zu differs (%a, %a)", H->name, sh.rows, sh.cols, what,
                     i, (double)a->loss[i], (double)b->loss[i]);
}

static const shape shapes[] = {{1, 3 * 65536 + 123}, {3, 70001}, {200, 1000}, {9000, 10},
                               {1, 65535},           {1, 65536}, {1, 65537}, {2, 65537},
                               {7001, 3}};
enum { SHAPES = sizeof shapes / sizeof shapes[0] };

/* 1 and 2 threads: the same bits (smx.h: results do not depend on the
 * thread count). */
static void test_same_bits_for_1_and_2_threads(void **state)
{
    (void)state;
    const int before = smx_get_num_threads();
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        for (size_t s = 0; s < SHAPES; s++) {
            const shape sh = shapes[s];
            problem p = make_problem(H, sh, 0x7EAD0000u + s);
            outputs one = make_outputs(sh.rows * sh.cols, sh.rows);
            outputs two = make_outputs(sh.rows * sh.cols, sh.rows);
            assert_int_equal(smx_set_num_threads(1), SMX_OK);
            run_half(H, &p, 0, sh.rows, &one);
            assert_int_equal(smx_set_num_threads(2), SMX_OK);
            run_half(H, &p, 0, sh.rows, &two);
            expect_same_bits(H, "2 threads against 1", &one, &two, sh, 0);
            free_outputs(&one);
            free_outputs(&two);
            free_problem(&p);
        }
    }
    assert_int_equal(smx_set_num_threads(before), SMX_OK);
}

/* One call, and three calls over the rows cut in three (the cuts fall
 * inside the half functions' tiles of 65536 entries and away from their
 * edges): the same bits for the outputs whose rows are independent. */
static void test_same_bits_for_rows_cut_in_three(void **state)
{
    (void)state;
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        for (size_t s = 0; s < SHAPES; s++) {
            const shape sh = shapes[s];
            if (sh.rows < 3)
                continue;
            problem p = make_problem(H, sh, 0xC07000u + s);
            outputs whole = make_outputs(sh.rows * sh.cols, sh.rows);
            outputs parts = make_outputs(sh.rows * sh.cols, sh.rows);
            run_half(H, &p, 0, sh.rows, &whole);
            const size_t cut1 = sh.rows / 3 - 1, cut2 = 2 * sh.rows / 3 + 1;
            run_half(H, &p, 0, cut1, &parts);
            run_half(H, &p, cut1, cut2 - cut1, &parts);
            run_half(H, &p, cut2, sh.rows - cut2, &parts);
            expect_same_bits(H, "3 calls against 1", &whole, &parts, sh, 1);
            free_outputs(&whole);
            free_outputs(&parts);
            free_problem(&p);
        }
    }
}

/* The half functions against the f32 ones on the widened inputs, each
 * output rounded once: the same bits.  The half path runs the f32
 * planner tile by tile, so an output could differ only where a tile
 * changes how the planner blocks the work; any difference is counted,
 * must be 1 step, and must stay rare.  The float losses: the f32 losses,
 * within 1 float ulp where the tiles' sums are added in another order. */
static void test_rounded_f32_on_tile_shapes(void **state)
{
    (void)state;
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        uint64_t compared = 0, differ = 0, losses = 0, losses_differ = 0;
        for (size_t s = 0; s < SHAPES; s++) {
            const shape sh = shapes[s];
            const size_t n = sh.rows * sh.cols;
            problem p = make_problem(H, sh, 0xF32000u + s);
            outputs half = make_outputs(n, sh.rows);
            outputs ref = make_outputs(n, sh.rows);
            run_half(H, &p, 0, sh.rows, &half);
            run_f32(H, &p, &ref);
            for (int k = 0; k < OUTS; k++) {
                for (size_t i = 0; i < n; i++) {
                    const int32_t d = steps(H, half.h[k][i], ref.h[k][i]);
                    compared++;
                    if (d == 0)
                        continue;
                    differ++;
                    if (d > 1)
                        fail_msg("%s %zux%zu %s [%zu]: 0x%04x, the f32 function rounded "
                                 "0x%04x (%a): %d steps",
                                 H->name, sh.rows, sh.cols, out_name[k], i, half.h[k][i],
                                 ref.h[k][i], (double)ref.f[k][i], (int)d);
                }
            }
            for (size_t i = 0; i < LOSSES(sh.rows); i++) {
                losses++;
                if (same_float(half.loss[i], ref.loss[i]))
                    continue;
                losses_differ++;
                const float a = half.loss[i], b = ref.loss[i];
                if (!(fabsf(a - b) <= fabsf(nextafterf(b, 2 * b) - b)))
                    fail_msg("%s %zux%zu loss %zu: %a, the f32 loss %a", H->name, sh.rows, sh.cols,
                             i, (double)a, (double)b);
            }
            free_outputs(&half);
            free_outputs(&ref);
            free_problem(&p);
        }
        printf("%s: %llu outputs, %llu differ by 1 step from the f32 function rounded; "
               "%llu losses, %llu differ by 1 float ulp\n",
               H->name, (unsigned long long)compared, (unsigned long long)differ,
               (unsigned long long)losses, (unsigned long long)losses_differ);
        assert_true(differ * 10000 <= compared); /* at most 1e-4 of them */
        assert_true(losses_differ * 100 <= losses);
    }
}

/* ------------------------------------------------------------------------ */
/* Aliasing                                                                  */
/* ------------------------------------------------------------------------ */

static uint16_t *copy16(const uint16_t *src, size_t n)
{
    uint16_t *d = xmalloc(n * 2);
    memcpy(d, src, n * 2);
    return d;
}

#define EXPECT_SAME(what, a, b, n)                                                           \
    do {                                                                                     \
        if (memcmp((a), (b), (n) * 2) != 0)                                                  \
            fail_msg("%s %zux%zu: %s in place differs from out of place", H->name, sh.rows,  \
                     sh.cols, what);                                                         \
    } while (0)

/* Each output written over an input it may replace gives the bits of the
 * out-of-place call, on shapes of one and of several tiles. */
static void test_in_place(void **state)
{
    (void)state;
    static const shape alias_shapes[] = {{3, 7}, {200, 1000}, {2, 70001}};
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        for (size_t s = 0; s < sizeof alias_shapes / sizeof alias_shapes[0]; s++) {
            const shape sh = alias_shapes[s];
            const size_t n = sh.rows * sh.cols, R_ = sh.rows, C_ = sh.cols;
            problem p = make_problem(H, sh, 0xA11A5u + s);
            uint16_t *want = xmalloc(n * 2), *buf;
            float lw[3], lg[3];
            const half_mask mask = {p.bias, R_, p.keep, 1};

            assert_int_equal(H->softmax(want, p.x, R_, C_), SMX_OK);
            buf = copy16(p.x, n);
            assert_int_equal(H->softmax(buf, buf, R_, C_), SMX_OK);
            EXPECT_SAME("softmax (y == x)", buf, want, n);
            free(buf);
            assert_int_equal(H->log_softmax_axis(want, p.x, R_, 1, C_), SMX_OK);
            buf = copy16(p.x, n);
            assert_int_equal(H->log_softmax_axis(buf, buf, R_, 1, C_), SMX_OK);
            EXPECT_SAME("log_softmax_axis (y == x)", buf, want, n);
            free(buf);
            assert_int_equal(H->log_softmax_masked(want, p.x, R_, C_, 3, &mask), SMX_OK);
            buf = copy16(p.x, n);
            assert_int_equal(H->log_softmax_masked(buf, buf, R_, C_, 3, &mask), SMX_OK);
            EXPECT_SAME("log_softmax_masked (y == x)", buf, want, n);
            free(buf);

            /* backward passes: dx == dy and dx == y */
            for (int form = 0; form < 4; form++) {
                const uint16_t *y = form % 2 ? p.l : p.y;
                smx_status (*fn)(uint16_t *, const uint16_t *, const uint16_t *, size_t, size_t) =
                    form == 0 ? H->softmax_backward
                    : form == 1 ? H->log_softmax_backward
                    : form == 2 ? NULL
                                : H->log_softmax_jvp;
                const float sc = 1.5f;
                for (int into = 0; into < 2; into++) {
                    uint16_t *yy = copy16(y, n), *gg = copy16(p.dy, n);
                    uint16_t *dst = into ? yy : gg;
                    if (fn) {
                        assert_int_equal(fn(want, y, p.dy, R_, C_), SMX_OK);
                        assert_int_equal(fn(dst, yy, gg, R_, C_), SMX_OK);
                    } else {
                        assert_int_equal(H->softmax_masked_backward(want, y, p.dy, R_, C_, sc),
                                         SMX_OK);
                        assert_int_equal(H->softmax_masked_backward(dst, yy, gg, R_, C_, sc),
                                         SMX_OK);
                    }
                    EXPECT_SAME(into ? "backward (dx == y)" : "backward (dx == dy)", dst, want,
                                n);
                    free(yy);
                    free(gg);
                }
            }
            for (int into = 0; into < 2; into++) {
                uint16_t *yy = copy16(p.y, n), *gg = copy16(p.dy, n);
                uint16_t *dst = into ? yy : gg;
                assert_int_equal(H->softmax_backward_axis(want, p.y, p.dy, R_, 1, C_), SMX_OK);
                assert_int_equal(H->softmax_backward_axis(dst, yy, gg, R_, 1, C_), SMX_OK);
                EXPECT_SAME("softmax_backward_axis in place", dst, want, n);
                free(yy);
                free(gg);
            }

            /* losses: dx == x (dx == y for the NLL), under options */
            const smx_cross_entropy_options_f32 opts[] = {
                options(SMX_REDUCTION_MEAN, NULL, 0, 0, 0),
                options(SMX_REDUCTION_SUM, p.weights, 0.2f, 1, p.labels[0]),
                options(SMX_REDUCTION_MEAN, p.weights, 0.1f, 0, 0)};
            for (size_t o = 0; o < 3; o++) {
                assert_int_equal(H->cross_entropy_ex(lw, want, p.x, p.labels, R_, C_, &opts[o]),
                                 SMX_OK);
                buf = copy16(p.x, n);
                assert_int_equal(H->cross_entropy_ex(lg, buf, buf, p.labels, R_, C_, &opts[o]),
                                 SMX_OK);
                EXPECT_SAME("cross_entropy_ex (dx == x)", buf, want, n);
                assert_true(same_float(lw[0], lg[0]));
                free(buf);
                assert_int_equal(H->nll_loss(lw, want, p.l, p.labels, R_, C_, &opts[o]), SMX_OK);
                buf = copy16(p.l, n);
                assert_int_equal(H->nll_loss(lg, buf, buf, p.labels, R_, C_, &opts[o]), SMX_OK);
                EXPECT_SAME("nll_loss (dx == y)", buf, want, n);
                assert_true(same_float(lw[0], lg[0]));
                free(buf);
                if (o == 1)
                    continue; /* an ignore index: not with soft targets */
                assert_int_equal(H->cross_entropy_soft(lw, want, p.x, p.t, R_, C_, &opts[o]),
                                 SMX_OK);
                buf = copy16(p.x, n);
                assert_int_equal(H->cross_entropy_soft(lg, buf, buf, p.t, R_, C_, &opts[o]),
                                 SMX_OK);
                EXPECT_SAME("cross_entropy_soft (dx == x)", buf, want, n);
                assert_true(same_float(lw[0], lg[0]));
                free(buf);
            }
            assert_int_equal(H->cross_entropy(lw, want, p.x, p.labels, R_, C_), SMX_OK);
            buf = copy16(p.x, n);
            assert_int_equal(H->cross_entropy(lg, buf, buf, p.labels, R_, C_), SMX_OK);
            EXPECT_SAME("cross_entropy (dx == x)", buf, want, n);
            assert_true(same_float(lw[0], lg[0]));
            free(buf);
            free(want);
            free_problem(&p);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Any axis                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct axis_shape {
    size_t outer, n, inner;
} axis_shape;

/* Tiles of whole slabs (n * inner <= 65536, 4096 * 16 exactly), of the
 * columns of one slab (n * inner just over 65536; inner wider than
 * 65536 / n, so that a slab takes several tiles of columns), and of one
 * column at a time (n over 65536). */
static const axis_shape axis_shapes[] = {{5, 7, 3},       {4, 16, 4096}, {3, 16, 4097},
                                         {2, 3, 30000},   {3, 5, 20000}, {2, 257, 300},
                                         {1, 70000, 3}};
enum { AXIS_SHAPES = sizeof axis_shapes / sizeof axis_shapes[0] };

/* Element (o, k, i) at (o n + k) inner + i; row (o, i) of the transposed
 * [outer * inner, n] layout. */
static void to_rows(uint16_t *dst, const uint16_t *src, axis_shape a)
{
    for (size_t o = 0; o < a.outer; o++)
        for (size_t k = 0; k < a.n; k++)
            for (size_t i = 0; i < a.inner; i++)
                dst[(o * a.inner + i) * a.n + k] = src[(o * a.n + k) * a.inner + i];
}

/* The four axis functions: against the f32 axis functions on the widened
 * inputs, rounded (the same bits, but for a counted few: see
 * test_rounded_f32_on_tile_shapes); and against transpose, the row
 * function, transpose back, within 1 step (the f32 axis kernels round
 * apart from the row kernels on the vector paths). */
static void test_axis(void **state)
{
    (void)state;
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        uint64_t compared = 0, differ = 0, rows_differ = 0;
        for (size_t s = 0; s < AXIS_SHAPES; s++) {
            const axis_shape a = axis_shapes[s];
            const size_t total = a.outer * a.n * a.inner, rows = a.outer * a.inner;
            uint64_t seed = 0xA7150000u + s;
            uint16_t *x = xmalloc(total * 2), *dy = xmalloc(total * 2), *y = xmalloc(total * 2);
            uint16_t *l = xmalloc(total * 2), *got = xmalloc(total * 2);
            uint16_t *tx = xmalloc(total * 2), *tdy = xmalloc(total * 2), *ty = xmalloc(total * 2);
            uint16_t *trow = xmalloc(total * 2), *back = xmalloc(total * 2);
            float *w = xmalloc(total * sizeof(float)), *wdy = xmalloc(total * sizeof(float));
            float *wy = xmalloc(total * sizeof(float)), *fo = xmalloc(total * sizeof(float));
            for (size_t i = 0; i < total; i++) {
                x[i] = H->from_double(uniform(&seed, -8, 8));
                dy[i] = H->from_double(uniform(&seed, -1, 1));
            }
            x[split_mix(&seed) % total] = H->from_double(-INFINITY);
            assert_int_equal(H->softmax_axis(y, x, a.outer, a.n, a.inner), SMX_OK);
            assert_int_equal(H->log_softmax_axis(l, x, a.outer, a.n, a.inner), SMX_OK);
            for (int form = 0; form < 4; form++) {
                const uint16_t *yin = form == 2 ? y : l;
                smx_status st;
                /* half */
                if (form == 0)
                    st = H->softmax_axis(got, x, a.outer, a.n, a.inner);
                else if (form == 1)
                    st = H->log_softmax_axis(got, x, a.outer, a.n, a.inner);
                else if (form == 2)
                    st = H->softmax_backward_axis(got, y, dy, a.outer, a.n, a.inner);
                else
                    st = H->log_softmax_backward_axis(got, l, dy, a.outer, a.n, a.inner);
                assert_int_equal(st, SMX_OK);
                /* f32 on the widened inputs */
                for (size_t i = 0; i < total; i++) {
                    w[i] = H->to_float(x[i]);
                    wdy[i] = H->to_float(dy[i]);
                    wy[i] = H->to_float(yin[i]);
                }
                if (form == 0)
                    st = smx_softmax_axis_f32(fo, w, a.outer, a.n, a.inner);
                else if (form == 1)
                    st = smx_log_softmax_axis_f32(fo, w, a.outer, a.n, a.inner);
                else if (form == 2)
                    st = smx_softmax_backward_axis_f32(fo, wy, wdy, a.outer, a.n, a.inner);
                else
                    st = smx_log_softmax_backward_axis_f32(fo, wy, wdy, a.outer, a.n, a.inner);
                assert_int_equal(st, SMX_OK);
                for (size_t i = 0; i < total; i++) {
                    const int32_t d = steps(H, got[i], H->from_float(fo[i]));
                    compared++;
                    differ += d != 0;
                    if (d > 1)
                        fail_msg("%s axis [%zu, %zu, %zu] form %d [%zu]: 0x%04x, the f32 "
                                 "function rounded 0x%04x",
                                 H->name, a.outer, a.n, a.inner, form, i, got[i],
                                 H->from_float(fo[i]));
                }
                /* transpose, row function, transpose back */
                to_rows(tx, x, a);
                to_rows(tdy, dy, a);
                to_rows(ty, yin, a);
                if (form == 0)
                    st = H->softmax(trow, tx, rows, a.n);
                else if (form == 1)
                    st = H->log_softmax(trow, tx, rows, a.n);
                else if (form == 2)
                    st = H->softmax_backward(trow, ty, tdy, rows, a.n);
                else
                    st = H->log_softmax_backward(trow, ty, tdy, rows, a.n);
                assert_int_equal(st, SMX_OK);
                to_rows(back, got, a);
                for (size_t i = 0; i < total; i++) {
                    const int32_t d = steps(H, back[i], trow[i]);
                    rows_differ += d != 0;
                    if (d > 1)
                        fail_msg("%s axis [%zu, %zu, %zu] form %d: row %zu entry %zu is "
                                 "0x%04x, the row function's 0x%04x",
                                 H->name, a.outer, a.n, a.inner, form, i / a.n, i % a.n, back[i],
                                 trow[i]);
                }
            }
            free(x);
            free(dy);
            free(y);
            free(l);
            free(got);
            free(tx);
            free(tdy);
            free(ty);
            free(trow);
            free(back);
            free(w);
            free(wdy);
            free(wy);
            free(fo);
        }
        printf("%s axis: %llu outputs, %llu differ by 1 step from the f32 axis function "
               "rounded, %llu from the row function on the transpose\n",
               H->name, (unsigned long long)compared, (unsigned long long)differ,
               (unsigned long long)rows_differ);
        assert_true(differ * 10000 <= compared);
        if (smx_get_isa() == SMX_ISA_SCALAR) /* smx.h: bit for bit on the scalar path */
            assert_int_equal(rows_differ, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors_write_nothing),
        cmocka_unit_test(test_empty_calls),
        cmocka_unit_test(test_in_place),
        cmocka_unit_test(test_same_bits_for_1_and_2_threads),
        cmocka_unit_test(test_same_bits_for_rows_cut_in_three),
        cmocka_unit_test(test_rounded_f32_on_tile_shapes),
        cmocka_unit_test(test_axis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
