/*
 * test_half_passes.c — the passes that read and write bf16 and f16 arrays
 * themselves (src/passes_half.h), through the API, on every path this CPU
 * runs (the scalar path, which has none, checks the tiles the same way):
 *
 *   - whole rows (1 to 65536 entries, around the lanes, the short rows,
 *     the 4096-entry scratch and the float row kept beyond it): softmax,
 *     log-softmax, logsumexp, both backward passes and the JVP give, bit
 *     for bit, the f32 function's output on the widened inputs rounded
 *     once to the format (logsumexp: the f32 function's float), special
 *     rows included (a NaN, a +inf, nothing but -inf, -inf entries, ties
 *     at the maximum, wide ranges), in place too;
 *   - the one-hot cross-entropy of the same rows: the f32 loss, bit for bit
 *     (the reductions mean and none, an ignored label), and the f32
 *     gradient rounded, over the logits and apart;
 *   - the masked forms (bias in the format, keep flags, a scale) and the
 *     axis forms, forward and backward: the f32 functions rounded, bit for
 *     bit;
 *   - the same bits for 1 and 3 threads, whose blocks of rows differ;
 *   - long rows (spans), the exponentials kept (70001 entries, 2^20) and
 *     formed again (2^22 + 5): within 1 step of the f32 function rounded,
 *     rows summing to 1, and NaN where the f32 function has NaN;
 *   - on a CPU with AVX512_BF16, the bf16 passes that narrow with it
 *     against those that round by integer arithmetic, bit for bit.
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
#include "test_util.h"

static void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        abort();
    return p;
}

/* Steps between two encodings of the format (NaNs all alike). */
static long steps(const half_api *H, uint16_t a, uint16_t b)
{
    if (isnan(H->to_float(a)) || isnan(H->to_float(b)))
        return isnan(H->to_float(a)) && isnan(H->to_float(b)) ? 0 : 1000000;
    const long oa = (a & 0x8000u) ? -(long)(a & 0x7fffu) : (long)a;
    const long ob = (b & 0x8000u) ? -(long)(b & 0x7fffu) : (long)b;
    return labs(oa - ob);
}

/* The functions under test, by rows. */
enum { SOFTMAX, LOG_SOFTMAX, SOFTMAX_BWD, LOG_SOFTMAX_BWD, JVP, FUNCTIONS };
static const char *const function_name[FUNCTIONS] = {"softmax", "log_softmax", "softmax_backward",
                                                     "log_softmax_backward", "log_softmax_jvp"};

/* One problem of rows x n: scores x, probabilities y (softmax of x in the
 * format), log-probabilities l, and a gradient g; and the same widened. */
typedef struct problem {
    size_t rows, n;
    uint16_t *x, *y, *l, *g;
    float *xf, *yf, *lf, *gf;
} problem;

/* Row kinds: 0-2 random (scale 1, 16, 64 of the format's range) with a
 * -inf entry and ties at the maximum; 3 a NaN; 4 a +inf; 5 nothing but
 * -inf; 6 one entry far above the rest (most probabilities 0). */
static void fill_row(const half_api *H, uint16_t *x, size_t n, int kind, rng *s)
{
    const double scale = kind == 1 ? 16 : kind == 2 ? 64 : 1;
    for (size_t k = 0; k < n; k++)
        x[k] = H->from_double(rng_uniform(s, -scale, scale));
    x[rng_next(s) % n] = H->from_double(-INFINITY);
    const uint16_t top = H->from_double(scale + 1);
    x[rng_next(s) % n] = top;
    x[rng_next(s) % n] = top;
    if (kind == 3)
        x[rng_next(s) % n] = H->from_double(NAN);
    if (kind == 4)
        x[rng_next(s) % n] = H->from_double(INFINITY);
    if (kind == 5)
        for (size_t k = 0; k < n; k++)
            x[k] = H->from_double(-INFINITY);
    if (kind == 6)
        x[rng_next(s) % n] = H->from_double(200);
}

static void widen(const half_api *H, float *dst, const uint16_t *src, size_t count)
{
    for (size_t i = 0; i < count; i++)
        dst[i] = H->to_float(src[i]);
}

static problem make_problem(const half_api *H, size_t rows, size_t n, uint64_t seed)
{
    const size_t count = rows * n;
    problem p = {rows,           n,
                 xmalloc(2 * count), xmalloc(2 * count), xmalloc(2 * count), xmalloc(2 * count),
                 xmalloc(4 * count), xmalloc(4 * count), xmalloc(4 * count), xmalloc(4 * count)};
    rng s = {seed};
    for (size_t r = 0; r < rows; r++)
        fill_row(H, p.x + r * n, n, (int)(r % 7), &s);
    for (size_t i = 0; i < count; i++)
        p.g[i] = H->from_double(rng_next(&s) % 64 == 0 ? rng_uniform(&s, -1000, 1000)
                                                        : rng_uniform(&s, -1, 1));
    assert_int_equal(H->softmax(p.y, p.x, rows, n), SMX_OK);
    assert_int_equal(H->log_softmax(p.l, p.x, rows, n), SMX_OK);
    widen(H, p.xf, p.x, count);
    widen(H, p.yf, p.y, count);
    widen(H, p.lf, p.l, count);
    widen(H, p.gf, p.g, count);
    return p;
}

static void free_problem(problem *p)
{
    free(p->x);
    free(p->y);
    free(p->l);
    free(p->g);
    free(p->xf);
    free(p->yf);
    free(p->lf);
    free(p->gf);
}

/* out = function f of the problem in the format. */
static void run_half(const half_api *H, const problem *p, int f, uint16_t *out)
{
    smx_status st = SMX_OK;
    switch (f) {
    case SOFTMAX:
        st = H->softmax(out, p->x, p->rows, p->n);
        break;
    case LOG_SOFTMAX:
        st = H->log_softmax(out, p->x, p->rows, p->n);
        break;
    case SOFTMAX_BWD:
        st = H->softmax_backward(out, p->y, p->g, p->rows, p->n);
        break;
    case LOG_SOFTMAX_BWD:
        st = H->log_softmax_backward(out, p->l, p->g, p->rows, p->n);
        break;
    default:
        st = H->log_softmax_jvp(out, p->l, p->g, p->rows, p->n);
    }
    assert_int_equal(st, SMX_OK);
}

/* want = the float results r rounded to the format. */
static void round_all(const half_api *H, uint16_t *want, const float *r, size_t count)
{
    for (size_t k = 0; k < count; k++)
        want[k] = H->from_float(r[k]);
}

/* out = the f32 function on the widened inputs, rounded to the format. */
static void run_f32(const half_api *H, const problem *p, int f, uint16_t *out)
{
    const size_t count = p->rows * p->n;
    float *r = xmalloc(4 * count);
    smx_status st = SMX_OK;
    switch (f) {
    case SOFTMAX:
        st = smx_softmax_f32(r, p->xf, p->rows, p->n);
        break;
    case LOG_SOFTMAX:
        st = smx_log_softmax_f32(r, p->xf, p->rows, p->n);
        break;
    case SOFTMAX_BWD:
        st = smx_softmax_backward_f32(r, p->yf, p->gf, p->rows, p->n);
        break;
    case LOG_SOFTMAX_BWD:
        st = smx_log_softmax_backward_f32(r, p->lf, p->gf, p->rows, p->n);
        break;
    default:
        st = smx_log_softmax_jvp_f32(r, p->lf, p->gf, p->rows, p->n);
    }
    assert_int_equal(st, SMX_OK);
    round_all(H, out, r, count);
    free(r);
}

/* The paths this CPU runs, the scalar one first. */
static size_t paths(smx_isa *isa)
{
    size_t count = 0;
    for (int i = SMX_ISA_SCALAR; i <= SMX_ISA_NEON; i++)
        if (smx_isa_supported((smx_isa)i))
            isa[count++] = (smx_isa)i;
    return count;
}

static const char *isa_name(smx_isa isa)
{
    static const char *const names[] = {"scalar", "avx2", "avx512", "neon"};
    return names[isa];
}

/* Fails at the first of the rows x n outputs more than `allowed` steps
 * from the f32 function's output rounded. */
static void expect_steps(const half_api *H, smx_isa isa, const char *what, size_t rows, size_t n,
                         const uint16_t *got, const uint16_t *want, long allowed)
{
    for (size_t k = 0; k < rows * n; k++)
        if (steps(H, got[k], want[k]) > allowed)
            fail_msg("%s %s %s %zux%zu [%zu]: 0x%04x, the f32 function rounded 0x%04x",
                     isa_name(isa), H->name, what, rows, n, k, got[k], want[k]);
}

/* Fails at the first of count floats that is not the f32 function's
 * (NaNs alike). */
static void expect_floats(const half_api *H, smx_isa isa, const char *what, size_t rows, size_t n,
                          const float *got, const float *want, size_t count)
{
    for (size_t r = 0; r < count; r++)
        if (!(got[r] == want[r] || (isnan(got[r]) && isnan(want[r]))))
            fail_msg("%s %s %s %zux%zu [%zu]: %a, the f32 function %a", isa_name(isa), H->name,
                     what, rows, n, r, (double)got[r], (double)want[r]);
}

static const char *const axis_name[4] = {"softmax_axis", "log_softmax_axis",
                                         "softmax_backward_axis", "log_softmax_backward_axis"};

static const size_t row_lengths[] = {1,   3,    10,   16,   17,   31,    33,
                                     100, 1000, 4095, 4096, 4097, 20000, 65536};
#define ROW_LENGTHS (sizeof row_lengths / sizeof row_lengths[0])

static void test_rows_are_the_f32_function_rounded(void **state)
{
    (void)state;
    smx_isa isa[4];
    const size_t count = paths(isa);
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        for (size_t l = 0; l < ROW_LENGTHS; l++) {
            const size_t n = row_lengths[l], rows = n > 4096 ? 7 : 14;
            problem p = make_problem(H, rows, n, 0x4A1F0000u + 16 * l + f);
            uint16_t *got = xmalloc(2 * rows * n), *want = xmalloc(2 * rows * n);
            for (int fn = 0; fn < FUNCTIONS; fn++) {
                for (size_t i = 0; i < count; i++) {
                    assert_int_equal(smx_set_isa(isa[i]), SMX_OK);
                    run_f32(H, &p, fn, want);
                    run_half(H, &p, fn, got);
                    expect_steps(H, isa[i], function_name[fn], rows, n, got, want, 0);
                }
            }
            float *lse = xmalloc(4 * rows), *lse_f32 = xmalloc(4 * rows);
            for (size_t i = 0; i < count; i++) {
                assert_int_equal(smx_set_isa(isa[i]), SMX_OK);
                assert_int_equal(smx_logsumexp_f32(lse_f32, p.xf, rows, n), SMX_OK);
                assert_int_equal(H->logsumexp(lse, p.x, rows, n), SMX_OK);
                expect_floats(H, isa[i], "logsumexp", rows, n, lse, lse_f32, rows);
            }
            free(lse);
            free(lse_f32);
            free(got);
            free(want);
            free_problem(&p);
        }
    }
    assert_int_equal(smx_set_isa(isa[count - 1]), SMX_OK);
}

/* The one-hot cross-entropy: loss and gradient (over the logits too) as
 * the f32 function's on the widened logits, the gradient rounded once;
 * an ignored label in each problem; the reductions mean and none. */
static void test_cross_entropy_is_the_f32_function_rounded(void **state)
{
    (void)state;
    smx_isa isa[4];
    const size_t count = paths(isa);
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        for (size_t l = 0; l < ROW_LENGTHS; l++) {
            const size_t n = row_lengths[l], rows = n > 4096 ? 7 : 14;
            problem p = make_problem(H, rows, n, 0xCE000u + 16 * l + f);
            int32_t *labels = xmalloc(rows * sizeof *labels);
            rng s = {0xCE1u + l};
            for (size_t r = 0; r < rows; r++)
                labels[r] = (int32_t)(rng_next(&s) % n);
            labels[rows / 2] = -100;
            uint16_t *got = xmalloc(2 * rows * n), *want = xmalloc(2 * rows * n);
            float *dxf = xmalloc(4 * rows * n), loss[16], loss_f32[16];
            for (int reduction = SMX_REDUCTION_MEAN; reduction <= SMX_REDUCTION_NONE;
                 reduction += SMX_REDUCTION_NONE) {
                const smx_cross_entropy_options_f32 o = {(smx_reduction)reduction, 1, -100, NULL,
                                                         0.0f};
                const size_t losses = reduction == SMX_REDUCTION_NONE ? rows : 1;
                for (size_t i = 0; i < count; i++) {
                    assert_int_equal(smx_set_isa(isa[i]), SMX_OK);
                    assert_int_equal(
                        smx_cross_entropy_ex_f32(loss_f32, dxf, p.xf, labels, rows, n, &o),
                        SMX_OK);
                    round_all(H, want, dxf, rows * n);
                    memcpy(got, p.x, 2 * rows * n); /* the gradient over the logits */
                    assert_int_equal(H->cross_entropy_ex(loss, got, got, labels, rows, n, &o),
                                     SMX_OK);
                    expect_steps(H, isa[i], "cross_entropy gradient", rows, n, got, want, 0);
                    expect_floats(H, isa[i], "cross_entropy loss", rows, n, loss, loss_f32,
                                  losses);
                    assert_int_equal(H->cross_entropy_ex(loss, NULL, p.x, labels, rows, n, &o),
                                     SMX_OK);
                    expect_floats(H, isa[i], "cross_entropy loss (no gradient)", rows, n, loss,
                                  loss_f32, losses);
                }
            }
            free(labels);
            free(got);
            free(want);
            free(dxf);
            free_problem(&p);
        }
    }
    assert_int_equal(smx_set_isa(isa[count - 1]), SMX_OK);
}

/* The masked forms (a per-row bias in the format with -inf entries, keep
 * flags, scale 0.7) and the axis forms ([3, n, 5] and [2, 17, 33]), each
 * the f32 function on the widened inputs rounded, bit for bit. */
static void test_masked_and_axis_are_the_f32_functions_rounded(void **state)
{
    (void)state;
    smx_isa isa[4];
    const size_t count = paths(isa);
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        for (size_t l = 0; l < ROW_LENGTHS; l++) {
            const size_t n = row_lengths[l], rows = n > 4096 ? 7 : 14, size = rows * n;
            problem p = make_problem(H, rows, n, 0x3A5Cu + 16 * l + f);
            uint16_t *bias = xmalloc(2 * size), *got = xmalloc(2 * size), *want = xmalloc(2 * size);
            uint8_t *keep = xmalloc(size);
            float *biasf = xmalloc(4 * size), *r = xmalloc(4 * size);
            rng s = {0xB1A5u + l};
            for (size_t i = 0; i < size; i++) {
                const double b = rng_next(&s) % 8 == 0 ? -INFINITY : rng_uniform(&s, -2, 2);
                bias[i] = H->from_double(b);
                keep[i] = rng_next(&s) % 8 != 0;
            }
            widen(H, biasf, bias, size);
            const half_mask hm = {bias, rows, keep, rows};
            const smx_mask_f32 fm = {biasf, rows, keep, rows};
            for (int log_form = 0; log_form < 2; log_form++) {
                for (size_t i = 0; i < count; i++) {
                    assert_int_equal(smx_set_isa(isa[i]), SMX_OK);
                    if (log_form) {
                        assert_int_equal(smx_log_softmax_masked_f32(r, p.xf, rows, n, 0.7f, &fm),
                                         SMX_OK);
                        assert_int_equal(H->log_softmax_masked(got, p.x, rows, n, 0.7f, &hm),
                                         SMX_OK);
                    } else {
                        assert_int_equal(smx_softmax_masked_f32(r, p.xf, rows, n, 0.7f, &fm),
                                         SMX_OK);
                        assert_int_equal(H->softmax_masked(got, p.x, rows, n, 0.7f, &hm), SMX_OK);
                    }
                    round_all(H, want, r, size);
                    expect_steps(H, isa[i], log_form ? "log_softmax_masked" : "softmax_masked",
                                 rows, n, got, want, 0);
                }
            }
            free(bias);
            free(got);
            free(want);
            free(keep);
            free(biasf);
            free(r);
            free_problem(&p);
        }
        const size_t shapes[][3] = {{3, 100, 5}, {2, 17, 33}, {1, 3, 9}, {2, 1000, 3}};
        for (size_t a = 0; a < 4; a++) {
            const size_t outer = shapes[a][0], n = shapes[a][1], inner = shapes[a][2];
            const size_t size = outer * n * inner;
            problem p = make_problem(H, outer * n, inner, 0xA715u + 4 * a + f);
            uint16_t *got = xmalloc(2 * size), *want = xmalloc(2 * size);
            float *r = xmalloc(4 * size);
            for (int fn = 0; fn < 4; fn++) {
                for (size_t i = 0; i < count; i++) {
                    assert_int_equal(smx_set_isa(isa[i]), SMX_OK);
                    smx_status st, hst;
                    switch (fn) {
                    case 0:
                        st = smx_softmax_axis_f32(r, p.xf, outer, n, inner);
                        hst = H->softmax_axis(got, p.x, outer, n, inner);
                        break;
                    case 1:
                        st = smx_log_softmax_axis_f32(r, p.xf, outer, n, inner);
                        hst = H->log_softmax_axis(got, p.x, outer, n, inner);
                        break;
                    case 2:
                        st = smx_softmax_backward_axis_f32(r, p.yf, p.gf, outer, n, inner);
                        hst = H->softmax_backward_axis(got, p.y, p.g, outer, n, inner);
                        break;
                    default:
                        st = smx_log_softmax_backward_axis_f32(r, p.lf, p.gf, outer, n, inner);
                        hst = H->log_softmax_backward_axis(got, p.l, p.g, outer, n, inner);
                    }
                    assert_int_equal(st, SMX_OK);
                    assert_int_equal(hst, SMX_OK);
                    round_all(H, want, r, size);
                    expect_steps(H, isa[i], axis_name[fn], outer * n, inner, got, want, 0);
                }
            }
            free(got);
            free(want);
            free(r);
            free_problem(&p);
        }
    }
    assert_int_equal(smx_set_isa(isa[count - 1]), SMX_OK);
}

static void test_in_place(void **state)
{
    (void)state;
    smx_isa isa[4];
    const size_t count = paths(isa);
    const size_t rows = 5, n = 5000;
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        problem p = make_problem(H, rows, n, 0x1F1ACEu + f);
        uint16_t *want = xmalloc(2 * rows * n), *buf = xmalloc(2 * rows * n);
        for (size_t i = 0; i < count; i++) {
            assert_int_equal(smx_set_isa(isa[i]), SMX_OK);
            assert_int_equal(H->softmax(want, p.x, rows, n), SMX_OK);
            memcpy(buf, p.x, 2 * rows * n);
            assert_int_equal(H->softmax(buf, buf, rows, n), SMX_OK);
            assert_memory_equal(buf, want, 2 * rows * n);
            assert_int_equal(H->softmax_backward(want, p.y, p.g, rows, n), SMX_OK);
            memcpy(buf, p.g, 2 * rows * n);
            assert_int_equal(H->softmax_backward(buf, p.y, buf, rows, n), SMX_OK);
            assert_memory_equal(buf, want, 2 * rows * n);
        }
        free(want);
        free(buf);
        free_problem(&p);
    }
    assert_int_equal(smx_set_isa(isa[count - 1]), SMX_OK);
}

static void test_same_bits_for_1_and_3_threads(void **state)
{
    (void)state;
    const size_t shapes[][2] = {{7, 5000}, {40, 4097}, {3, 70001}, {300, 100}};
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        for (size_t s = 0; s < 4; s++) {
            const size_t rows = shapes[s][0], n = shapes[s][1];
            problem p = make_problem(H, rows, n, 0x7EAD5u + 4 * s + f);
            uint16_t *one = xmalloc(2 * rows * n), *three = xmalloc(2 * rows * n);
            for (int fn = 0; fn < FUNCTIONS; fn++) {
                assert_int_equal(smx_set_num_threads(1), SMX_OK);
                run_half(H, &p, fn, one);
                assert_int_equal(smx_set_num_threads(3), SMX_OK);
                run_half(H, &p, fn, three);
                if (memcmp(one, three, 2 * rows * n) != 0)
                    fail_msg("%s %s %zux%zu: 1 and 3 threads differ", H->name, function_name[fn],
                             rows, n);
            }
            int32_t *labels = xmalloc(rows * sizeof *labels);
            for (size_t r = 0; r < rows; r++)
                labels[r] = (int32_t)((r * 7919) % n);
            float loss_one, loss_three;
            assert_int_equal(smx_set_num_threads(1), SMX_OK);
            assert_int_equal(H->cross_entropy(&loss_one, one, p.x, labels, rows, n), SMX_OK);
            assert_int_equal(smx_set_num_threads(3), SMX_OK);
            assert_int_equal(H->cross_entropy(&loss_three, three, p.x, labels, rows, n), SMX_OK);
            if (memcmp(one, three, 2 * rows * n) != 0 ||
                memcmp(&loss_one, &loss_three, sizeof loss_one) != 0)
                fail_msg("%s cross_entropy %zux%zu: 1 and 3 threads differ", H->name, rows, n);
            free(labels);
            assert_int_equal(smx_set_num_threads(0), SMX_OK);
            free(one);
            free(three);
            free_problem(&p);
        }
    }
}

/* Long rows: each output within 1 step of the f32 function rounded, NaN
 * exactly where it has NaN, and each softmax row summing to 1 within the
 * format's rounding of each entry. */
static void test_long_rows(void **state)
{
    (void)state;
    smx_isa isa[4];
    const size_t count = paths(isa);
    const size_t shapes[][2] = {{7, 70001}, {1, 1u << 20}, {2, (1u << 22) + 5}};
    for (size_t f = 0; f < 2; f++) {
        const half_api *H = half_apis[f];
        const double unit = ldexp(1.0, 1 - H->precision); /* 1 ulp of 1 */
        /* half the smallest subnormal: the rounding of an entry below the normals */
        const double tiny = H->precision == 11 ? 0x1p-25 : 0x1p-134;
        for (size_t s = 0; s < 3; s++) {
            const size_t rows = shapes[s][0], n = shapes[s][1];
            problem p = make_problem(H, rows, n, 0x10B6u + 4 * s + f);
            uint16_t *got = xmalloc(2 * rows * n), *want = xmalloc(2 * rows * n);
            for (int fn = 0; fn < FUNCTIONS; fn++) {
                if (n > (1u << 20) && fn != SOFTMAX && fn != LOG_SOFTMAX)
                    continue; /* the backward spans are those of 2^20 */
                for (size_t i = 0; i < count; i++) {
                    assert_int_equal(smx_set_isa(isa[i]), SMX_OK);
                    run_f32(H, &p, fn, want);
                    run_half(H, &p, fn, got);
                    expect_steps(H, isa[i], function_name[fn], rows, n, got, want, 1);
                    if (fn != SOFTMAX)
                        continue;
                    for (size_t r = 0; r < rows; r++) {
                        double sum = 0, bound = 0;
                        for (size_t k = 0; k < n; k++) {
                            const double v = H->to_float(got[r * n + k]);
                            sum += v;
                            bound += v * unit > tiny ? v * unit : tiny;
                        }
                        if (!isnan(sum) && !(fabs(sum - 1) <= bound + 1e-12))
                            fail_msg("%s %s softmax %zux%zu row %zu sums to %.17g",
                                     isa_name(isa[i]), H->name, rows, n, r, sum);
                    }
                }
            }
            free(got);
            free(want);
            free_problem(&p);
        }
    }
    assert_int_equal(smx_set_isa(isa[count - 1]), SMX_OK);
}

#if defined(SMX_HAVE_AVX512_BF16_PASSES)
#include "cpu.h"
#include "scalar/wide_f32.h"
#include "passes.h"
#include "passes_half.h"

/* The bf16 passes of x86/avx512_bf16.c (AVX512_BF16's narrowing) against
 * those of avx512_f32.c (integer rounding), called directly, bit for bit:
 * the API takes the first wherever the CPU has AVX512_BF16, so the second
 * is reached here only.  The rows of scale 64 put probabilities below
 * 2^-126, where the instruction would flush them. */
static void test_avx512_bf16_narrowing(void **state)
{
    (void)state;
    if (!smx_isa_supported(SMX_ISA_AVX512) || !smx__cpu_has_avx512_bf16())
        skip();
    const smx__half_passes *A = &smx__half_passes_bf16_avx512;
    const smx__half_passes *B = &smx__half_passes_bf16_avx512bf16;
    const half_api *H = &half_bf16;
    for (size_t l = 0; l < ROW_LENGTHS; l++) {
        const size_t n = row_lengths[l], rows = 7;
        problem p = make_problem(H, rows, n, 0xBF16u + l);
        uint16_t *a = xmalloc(2 * rows * n), *b = xmalloc(2 * rows * n);
        float *work = xmalloc(4 * n), *keep = xmalloc(4 * n), sa[7], sb[7];
        for (int form = 0; form < 3; form++) {
            if (form < 2 && n > A->short_row) {
                A->forward_rows(a, p.x, rows, n, form, work);
                B->forward_rows(b, p.x, rows, n, form, work);
                assert_memory_equal(a, b, 2 * rows * n);
            }
            A->backward_rows(a, form == 0 ? p.y : p.l, p.g, rows, n, 0.75, form);
            B->backward_rows(b, form == 0 ? p.y : p.l, p.g, rows, n, 0.75, form);
            assert_memory_equal(a, b, 2 * rows * n);
        }
        if (n > A->short_row) {
            A->logsumexp_rows(sa, p.x, rows, n);
            B->logsumexp_rows(sb, p.x, rows, n);
            assert_memory_equal(sa, sb, sizeof sa);
        }
        for (size_t r = 0; r < rows; r++) { /* each row as one span */
            const uint16_t *x = p.x + r * n;
            double m;
            const double sum = A->span_stats(x, n, 0, keep, &m);
            if (!(m > -HUGE_VAL && m < HUGE_VAL))
                continue;
            for (int kept = 0; kept < 2; kept++) {
                A->span_write(a, x, kept ? keep : NULL, n, m, m, 1.0 / sum, 0);
                B->span_write(b, x, kept ? keep : NULL, n, m, m, 1.0 / sum, 0);
                assert_memory_equal(a, b, 2 * n);
            }
        }
        free(a);
        free(b);
        free(work);
        free(keep);
        free_problem(&p);
    }
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_are_the_f32_function_rounded),
        cmocka_unit_test(test_cross_entropy_is_the_f32_function_rounded),
        cmocka_unit_test(test_masked_and_axis_are_the_f32_functions_rounded),
        cmocka_unit_test(test_in_place),
        cmocka_unit_test(test_same_bits_for_1_and_3_threads),
        cmocka_unit_test(test_long_rows),
#if defined(SMX_HAVE_AVX512_BF16_PASSES)
        cmocka_unit_test(test_avx512_bf16_narrowing),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
