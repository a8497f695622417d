/*
 * test_half_differences.c — smx.h's bound on the half-precision outputs
 * that are differences (the backward passes, the JVP, the masked backward
 * pass and the smoothed cross-entropy gradient): within 1 ulp of the half
 * format of max(|exact|, scale), the scale being the size of the terms, as
 * in f32.  On rows where the difference cancels far below its terms, the
 * result may be 0 for a tiny exact value, or a tiny residue for an exact 0:
 * bf16 has float's range and keeps such a residue (-2^-59 for the exact 0
 * of the smoothed gradient), where f16's range ends at 2^-24.  Each output
 * is also held to 1 ulp of its own exact value where it does not cancel.
 *
 * The exact results are written out (powers of two, or one exp in long
 * double, far inside the bound).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "smx.h"

#include "half_api.h"

/* The spacing of the format at x (its smallest subnormal at 0). */
static long double ulp_of(const half_api *H, long double x)
{
    const int min_normal = H->precision == 8 ? -126 : -14;
    int e = min_normal;
    if (x != 0) {
        frexpl(x, &e); /* |x| in [2^(e-1), 2^e) */
        e -= 1;
    }
    if (e < min_normal)
        e = min_normal;
    return ldexpl(1, e - H->precision + 1);
}

static int failures;

/* The size of the terms of the rows below: their largest product. */
static long double scale_of_rows = 0.5L;

/* 0 when got is within 1 ulp of the format of max(|exact|, scale), and of
 * exact itself where |exact| >= scale / 2 (no cancellation); else prints it
 * and counts a failure. */
static int expect_within_ulp(const half_api *H, const char *what, size_t k, uint16_t got,
                             long double exact)
{
    const long double g = H->to_float(got);
    const long double scale = scale_of_rows;
    const long double unit =
        fabsl(exact) >= scale / 2 ? ulp_of(H, exact) : ulp_of(H, fmaxl(fabsl(exact), scale));
    if (!isnan(g) && fabsl(g - exact) <= unit)
        return 0;
    printf("%s %s [%zu]: got %La, exact %La: %.3Lg ulp of the format\n", H->name, what, k, g,
           exact, fabsl(g - exact) / unit);
    failures++;
    return 1;
}

static void encode(const half_api *H, uint16_t *h, const long double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h[i] = H->from_double((double)v[i]);
}

/* t: 2^-100 for bf16, 2^-12 for f16: a term the format holds, and far
 * below the others. */
static void check(const half_api *H)
{
    const long double t = H->precision == 8 ? 0x1p-100L : 0x1p-12L;
    uint16_t y[2], g[2], out[2];

    /* softmax backward, y = (1, t), dy = (1/2, 1/4): <dy, y> = 1/2 + t/4,
     * dx_0 = -t/4, dx_1 = t (1/4 - 1/2 - t/4) */
    {
        const long double yv[2] = {1, t}, gv[2] = {0.5L, 0.25L};
        const long double dx[2] = {-t / 4, t * (0.25L - 0.5L - t / 4)};
        encode(H, y, yv, 2);
        encode(H, g, gv, 2);
        assert_int_equal(H->softmax_backward(out, y, g, 1, 2), SMX_OK);
        for (size_t k = 0; k < 2; k++)
            expect_within_ulp(H, "softmax_backward", k, out[k], dx[k]);
        /* the masked form, scale 2: twice that */
        assert_int_equal(H->softmax_masked_backward(out, y, g, 1, 2, 2.0f), SMX_OK);
        for (size_t k = 0; k < 2; k++)
            expect_within_ulp(H, "softmax_masked_backward", k, out[k], 2 * dx[k]);
    }
    /* log-softmax backward, y = (0, -60), dy = (1/2, t): sum dy = 1/2 + t,
     * dx_0 = -t, dx_1 = t - e^-60 (1/2 + t) */
    {
        const long double yv[2] = {0, -60}, gv[2] = {0.5L, t};
        const long double dx[2] = {-t, t - expl(-60) * (0.5L + t)};
        encode(H, y, yv, 2);
        encode(H, g, gv, 2);
        assert_int_equal(H->log_softmax_backward(out, y, g, 1, 2), SMX_OK);
        for (size_t k = 0; k < 2; k++)
            expect_within_ulp(H, "log_softmax_backward", k, out[k], dx[k]);
    }
    /* the JVP, y = (0, -1), dx = (1/2, t): <exp(y), dx> = 1/2 + t/e,
     * dy_0 = -t/e, dy_1 = t - 1/2 - t/e */
    {
        const long double yv[2] = {0, -1}, gv[2] = {0.5L, t};
        const long double dy[2] = {-t * expl(-1), t - 0.5L - t * expl(-1)};
        encode(H, y, yv, 2);
        encode(H, g, gv, 2);
        assert_int_equal(H->log_softmax_jvp(out, y, g, 1, 2), SMX_OK);
        for (size_t k = 0; k < 2; k++)
            expect_within_ulp(H, "log_softmax_jvp", k, out[k], dy[k]);
    }
    /* cross-entropy with label smoothing 1 over a flat row of 100 scores:
     * the target is uniform, as softmax is, and the gradient is 0; its
     * terms p_k A and a_k are 1/100 */
    scale_of_rows = 0.01L;
    {
        uint16_t x[100], dx[100];
        for (size_t k = 0; k < 100; k++)
            x[k] = H->from_double(0);
        const int32_t label = 1;
        smx_cross_entropy_options_f32 opt;
        memset(&opt, 0, sizeof opt);
        opt.reduction = SMX_REDUCTION_NONE;
        opt.label_smoothing = 1;
        float loss;
        assert_int_equal(H->cross_entropy_ex(&loss, dx, x, &label, 1, 100, &opt), SMX_OK);
        for (size_t k = 0; k < 100; k++)
            if (expect_within_ulp(H, "cross_entropy_ex gradient (eps = 1, flat row)", k, dx[k], 0))
                break; /* the first is enough */
    }
    scale_of_rows = 0.5L;
}

static void test_differences_within_one_ulp_of_their_scale(void **state)
{
    (void)state;
    failures = 0;
    check(&half_f16);
    check(&half_bf16);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differences_within_one_ulp_of_their_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
