/*
 * test_axis_mask.c — any axis, scale (temperature) and masks, for f32 and
 * f64 (docs/testing.md, "Axis, scale and masks").
 *
 *   - smx_*_axis on [outer, n, inner] equals transposing to rows, calling
 *     the row function and transposing back (smx.h): bit for bit on the
 *     scalar path, within the bounds on the vector paths, for all four
 *     functions; inner == 1 is the row function itself;
 *   - softmax_masked(x, 1/T, mask) is the softmax of z = x / T + bias over
 *     the kept entries, to the 2-ulp contract of a long double reference;
 *     masked entries are exactly 0 (-inf for log-softmax); whatever the
 *     scores are under a keep == 0 (NaN, +inf, huge) changes nothing;
 *   - the masked backward passes are scale times the plain ones, with
 *     exact zeros at the masked entries.
 */
#include "test_util.h"

#include <math.h>
#include <string.h>

#define INF ((long double)INFINITY)

/* Multiples of 2^-6 in [-lim, lim): few bits, so that scale * x + bias is
 * exact in long double (see test_scale_and_masks). */
static long double coarse(rng *r, double lim)
{
    return floorl(rng_uniform(r, -lim, lim) * 64) / 64;
}

/* [outer, n, inner] -> [outer * inner, n] rows, and back. */
static void to_rows(tctx *t, void *rows, const void *x, size_t outer, size_t n, size_t inner)
{
    for (size_t o = 0; o < outer; o++)
        for (size_t k = 0; k < n; k++)
            for (size_t i = 0; i < inner; i++)
                tset(t, rows, (o * inner + i) * n + k, tget(t, x, (o * n + k) * inner + i));
}

static void from_rows(tctx *t, void *x, const void *rows, size_t outer, size_t n, size_t inner)
{
    for (size_t o = 0; o < outer; o++)
        for (size_t k = 0; k < n; k++)
            for (size_t i = 0; i < inner; i++)
                tset(t, x, (o * n + k) * inner + i, tget(t, rows, (o * inner + i) * n + k));
}

/* Two forward results for the same [outer, n, inner] problem agree: bit
 * for bit on the scalar path, and within 1 ulp of each other otherwise,
 * where the axis functions (inner > 1, scalar kernels) and the row
 * functions (vector kernels) each round their own result once. */
static void check_forward_close(tctx *t, const char *what, const void *a, const void *b,
                                size_t count)
{
    if (smx_get_isa() == SMX_ISA_SCALAR) {
        CHECK_BITS(t, what, a, b, count);
        return;
    }
    for (size_t e = 0; e < count; e++)
        CHECK_ULP(t, what, e, tget(t, a, e), tget(t, b, e), 1);
}

/* Two backward results for the same [outer, n, inner] problem agree: bit
 * for bit on the scalar path, and within 4 ulp of the cancellation scale
 * y_k * max(|dy_k|, |<dy, y>|) (softmax; for log-softmax
 * max(|dy_k|, exp(y_k) |sum dy|)) otherwise, where the axis functions
 * (inner > 1, scalar kernels) and the row functions (vector kernels) sum
 * the reduction in different orders. */
static void check_backward_close(tctx *t, const char *what, const void *a, const void *b,
                                 const void *y, const void *dy, size_t outer, size_t n,
                                 size_t inner, int log_form)
{
    if (smx_get_isa() == SMX_ISA_SCALAR) {
        CHECK_BITS(t, what, a, b, outer * n * inner);
        return;
    }
    const long double ulp = ldexpl(1.0L, 1 - t->D->mant_dig);
    for (size_t o = 0; o < outer; o++) {
        for (size_t i = 0; i < inner; i++) {
            long double red = 0;
            for (size_t k = 0; k < n; k++) {
                const size_t e = (o * n + k) * inner + i;
                const long double yk = tget(t, y, e);
                if (log_form ? yk != -INF : yk != 0)
                    red += log_form ? tget(t, dy, e) : yk * tget(t, dy, e);
            }
            for (size_t k = 0; k < n; k++) {
                const size_t e = (o * n + k) * inner + i;
                const long double yk = tget(t, y, e), g = fabsl(tget(t, dy, e));
                const long double scale =
                    log_form ? fmaxl(g, expl(yk) * fabsl(red)) : yk * fmaxl(g, fabsl(red));
                const long double diff = fabsl(tget(t, a, e) - tget(t, b, e));
                CHECK(t, diff <= 4 * ulp * scale, "%s: element %zu: %Lg vs %Lg (scale %Lg)",
                      what, e, tget(t, a, e), tget(t, b, e), scale);
            }
        }
    }
}

/* Every axis function against transpose -> row function -> transpose. */
static void test_axis_equals_transposed_rows(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xA0150001};
    const size_t outers[] = {1, 3}, ns[] = {1, 5, 17}, inners[] = {1, 2, 3, 7};
    for (size_t oi = 0; oi < 2; oi++) {
        for (size_t ni = 0; ni < 3; ni++) {
            for (size_t ii = 0; ii < 4; ii++) {
                const size_t outer = outers[oi], n = ns[ni], inner = inners[ii];
                const size_t N = outer * n * inner;
                tnote(t, "seed 0xA0150001, [%zu, %zu, %zu]", outer, n, inner);
                void *x = tvec(t, N), *dy = tvec(t, N);
                fill_uniform(t, x, N, &g, 25);
                fill_uniform(t, dy, N, &g, 2);
                if (n > 1)
                    tset(t, x, rng_below(&g, N), -INF); /* one absent entry */
                void *xr = tvec(t, N), *dyr = tvec(t, N), *yr = tvec(t, N), *back = tvec(t, N);
                to_rows(t, xr, x, outer, n, inner);
                to_rows(t, dyr, dy, outer, n, inner);
                const size_t rows = outer * inner;

                void *y = tvec(t, N), *l = tvec(t, N), *dx = tvec(t, N);
                CHECK_STATUS(t, D->softmax_axis(y, x, outer, n, inner), SMX_OK);
                CHECK_STATUS(t, D->softmax(yr, xr, rows, n), SMX_OK);
                from_rows(t, back, yr, outer, n, inner);
                check_forward_close(t, "softmax_axis vs transposed softmax", y, back, N);

                CHECK_STATUS(t, D->log_softmax_axis(l, x, outer, n, inner), SMX_OK);
                CHECK_STATUS(t, D->log_softmax(yr, xr, rows, n), SMX_OK);
                from_rows(t, back, yr, outer, n, inner);
                check_forward_close(t, "log_softmax_axis vs transposed log_softmax", l, back,
                                    N);

                /* Backward from the axis outputs y and l. */
                CHECK_STATUS(t, D->softmax_backward_axis(dx, y, dy, outer, n, inner), SMX_OK);
                to_rows(t, xr, y, outer, n, inner);
                CHECK_STATUS(t, D->softmax_backward(yr, xr, dyr, rows, n), SMX_OK);
                from_rows(t, back, yr, outer, n, inner);
                check_backward_close(t, "softmax_backward_axis vs transposed", dx, back, y,
                                     dy, outer, n, inner, 0);

                CHECK_STATUS(t, D->log_softmax_backward_axis(dx, l, dy, outer, n, inner),
                             SMX_OK);
                to_rows(t, xr, l, outer, n, inner);
                CHECK_STATUS(t, D->log_softmax_backward(yr, xr, dyr, rows, n), SMX_OK);
                from_rows(t, back, yr, outer, n, inner);
                check_backward_close(t, "log_softmax_backward_axis vs transposed", dx, back,
                                     l, dy, outer, n, inner, 1);

                if (inner != 1)
                    continue;
                /* inner == 1: the row functions, called directly. */
                CHECK_STATUS(t, D->softmax(yr, x, outer, n), SMX_OK);
                CHECK_BITS(t, "softmax_axis(inner 1) vs softmax", y, yr, N);
                CHECK_STATUS(t, D->log_softmax(yr, x, outer, n), SMX_OK);
                CHECK_BITS(t, "log_softmax_axis(inner 1) vs log_softmax", l, yr, N);
            }
        }
    }
}

/* A NaN, +inf or all -inf slice along the axis stays in its slice: the
 * other slices (interleaved with it in memory) are unaffected. */
static void test_axis_bad_slice_isolated(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    enum { OUTER = 2, NN = 4, INNER = 3, N = OUTER * NN * INNER };
    rng g = {0xA0150002};
    void *x = tvec(t, N), *y = tvec(t, N), *clean = tvec(t, N), *yc = tvec(t, N);
    fill_uniform(t, x, N, &g, 5);
    memcpy(clean, x, N * D->size);
    /* slice (o=0, i=1) gets a NaN, slice (o=1, i=0) is all -inf, (o=1, i=2) has +inf */
    tset(t, x, (0 * NN + 2) * INNER + 1, NAN);
    for (size_t k = 0; k < NN; k++)
        tset(t, x, (1 * NN + k) * INNER + 0, -INF);
    tset(t, x, (1 * NN + 3) * INNER + 2, INF);
    for (int lf = 0; lf < 2; lf++) {
        tnote(t, "%s", lf ? "log_softmax_axis" : "softmax_axis");
        smx_status (*f)(void *, const void *, size_t, size_t, size_t) =
            lf ? D->log_softmax_axis : D->softmax_axis;
        CHECK_STATUS(t, f(y, x, OUTER, NN, INNER), SMX_OK);
        CHECK_STATUS(t, f(yc, clean, OUTER, NN, INNER), SMX_OK);
        for (size_t o = 0; o < OUTER; o++) {
            for (size_t i = 0; i < INNER; i++) {
                const int bad = (o == 0 && i == 1) || (o == 1 && i != 1);
                for (size_t k = 0; k < NN; k++) {
                    const size_t e = (o * NN + k) * INNER + i;
                    if (bad)
                        CHECK(t, isnan(tget(t, y, e)), "slice (%zu, %zu)[%zu] = %Lg, not NaN", o,
                              i, k, tget(t, y, e));
                    else
                        CHECK_BITS(t, "clean slice", (char *)y + e * D->size,
                                   (char *)yc + e * D->size, 1);
                }
            }
        }
    }
}

/* Reference softmax / log-softmax of z = scale * x + bias over the kept
 * entries (keep[k] != 0 and bias > -inf); the others 0 / -inf. */
static void ref_masked(tctx *t, long double *s, long double *l, const long double *x,
                       const long double *bias, const uint8_t *keep, size_t n,
                       long double scale)
{
    long double *z = tld(t, n), *zs = tld(t, n), *ss = tld(t, n), *ls = tld(t, n);
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        z[k] = scale * x[k] + (bias ? bias[k] : 0); /* exact: few bits (coarse()) */
        if ((!keep || keep[k]) && z[k] > -INF)
            zs[m++] = z[k];
    }
    ref_softmax(ss, zs, m);
    ref_log_softmax(ls, zs, m);
    m = 0;
    for (size_t k = 0; k < n; k++) {
        if ((!keep || keep[k]) && z[k] > -INF) {
            s[k] = ss[m];
            l[k] = ls[m++];
        } else {
            s[k] = 0;
            l[k] = -INF;
        }
    }
}

/* Temperature and masks against the reference: bias broadcast and per
 * row, keep broadcast and per row, both, neither; scale = 1/T.  The
 * scores and biases are multiples of 2^-6 below 8 in magnitude and the
 * scale has at most 53 bits, so z = scale * x + bias spans at most 64
 * bits: exact in the long double reference. */
static void test_scale_and_masks(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    need_wide_reference(t);
    rng g = {0xA0150003};
    const double temperatures[] = {1, 0.5, 2, 3, 0.7, 10};
    const size_t cols_list[] = {1, 3, 8, 17};
    enum { R = 4 };
    for (size_t ci = 0; ci < 4; ci++) {
        const size_t C = cols_list[ci], N = R * C;
        long double *xv = tld(t, N), *bv = tld(t, N);
        uint8_t *keep = talloc(t, N);
        for (size_t i = 0; i < N; i++) {
            xv[i] = coarse(&g, 4);
            bv[i] = rng_below(&g, 5) == 0 ? -INF : coarse(&g, 2);
            keep[i] = rng_below(&g, 4) != 0;
        }
        keep[C] = keep[C + C - 1] = 1; /* row 1 keeps its ends */
        void *x = tvals(t, N, xv), *bias = tvals(t, N, bv);
        void *y = tvec(t, N), *l = tvec(t, N);
        long double *s_ref = tld(t, C), *l_ref = tld(t, C);
        for (size_t ti = 0; ti < sizeof temperatures / sizeof temperatures[0]; ti++) {
            const long double scale = D->round(1.0L / temperatures[ti]);
            /* 0: no mask; 1: bias broadcast; 2: bias per row; 3: keep
             * broadcast; 4: keep per row; 5: both per row; 6: bias per row,
             * keep broadcast. */
            for (int mk = 0; mk < 7; mk++) {
                const int bias_rows = (mk == 1) ? 1 : (mk == 2 || mk == 5 || mk == 6) ? R : 0;
                const int keep_rows = (mk == 3 || mk == 6) ? 1 : (mk == 4 || mk == 5) ? R : 0;
                const tmask mask = {bias_rows ? bias : NULL, (size_t)bias_rows,
                                    keep_rows ? keep : NULL, (size_t)keep_rows};
                tnote(t, "seed 0xA0150003, cols %zu, T = %g, mask kind %d", C,
                      temperatures[ti], mk);
                CHECK_STATUS(t, D->softmax_masked(y, x, R, C, (double)scale, &mask), SMX_OK);
                CHECK_STATUS(t, D->log_softmax_masked(l, x, R, C, (double)scale, &mask), SMX_OK);
                for (size_t r = 0; r < R; r++) {
                    const long double *br = bias_rows ? bv + (bias_rows == 1 ? 0 : r * C) : NULL;
                    const uint8_t *kr = keep_rows ? keep + (keep_rows == 1 ? 0 : r * C) : NULL;
                    ref_masked(t, s_ref, l_ref, xv + r * C, br, kr, C, scale);
                    for (size_t k = 0; k < C; k++) {
                        const size_t i = r * C + k;
                        if (l_ref[k] == -INF) { /* masked, or the whole row masked */
                            CHECK_EXACT(t, "softmax_masked at a masked entry", i, tget(t, y, i),
                                        0);
                            CHECK_EXACT(t, "log_softmax_masked at a masked entry", i,
                                        tget(t, l, i), -INF);
                        } else {
                            CHECK_ULP(t, "softmax_masked", i, tget(t, y, i), s_ref[k],
                                      CONTRACT_ULP);
                            CHECK_ULP(t, "log_softmax_masked", i, tget(t, l, i), l_ref[k],
                                      CONTRACT_ULP);
                        }
                    }
                }
            }
        }
    }
}

/* A NULL mask and a zero-initialised mask mean the same: the same bits. */
static void test_null_and_zero_mask_agree(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    enum { R = 3, C = 11, N = R * C };
    rng g = {0xA0150004};
    void *x = tvec(t, N), *a = tvec(t, N), *b = tvec(t, N);
    fill_uniform(t, x, N, &g, 30);
    const tmask zero = {0};
    CHECK_STATUS(t, D->softmax_masked(a, x, R, C, 0.25, NULL), SMX_OK);
    CHECK_STATUS(t, D->softmax_masked(b, x, R, C, 0.25, &zero), SMX_OK);
    CHECK_BITS(t, "softmax_masked: NULL vs zero mask", a, b, N);
    CHECK_STATUS(t, D->log_softmax_masked(a, x, R, C, 4, NULL), SMX_OK);
    CHECK_STATUS(t, D->log_softmax_masked(b, x, R, C, 4, &zero), SMX_OK);
    CHECK_BITS(t, "log_softmax_masked: NULL vs zero mask", a, b, N);
}

/* Under keep == 0 the score is not part of the row: NaN, +inf, -inf or a
 * huge value there gives the same bits as 0 there (the maximum is taken
 * over the kept entries, research/user-needs.md N6).  A -inf bias masks a
 * huge finite score the same way. */
static void test_masked_scores_are_not_read(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    enum { C = 6 };
    const long double garbage[] = {NAN, INFINITY, -INFINITY, 1e30L, -1e30L, 0};
    const uint8_t keep[C] = {1, 0, 1, 1, 0, 1};
    const tmask mask = {NULL, 0, keep, 1};
    const long double base[C] = {0.5L, 0, -1.25L, 2, 0, 3};
    void *y0 = tvec(t, C), *l0 = tvec(t, C), *y = tvec(t, C), *l = tvec(t, C);
    void *x0 = tvals(t, C, base);
    CHECK_STATUS(t, D->softmax_masked(y0, x0, 1, C, 0.5, &mask), SMX_OK);
    CHECK_STATUS(t, D->log_softmax_masked(l0, x0, 1, C, 0.5, &mask), SMX_OK);
    for (size_t gi = 0; gi < sizeof garbage / sizeof garbage[0]; gi++) {
        tnote(t, "score %Lg under keep == 0", garbage[gi]);
        void *x = tvals(t, C, base);
        tset(t, x, 1, garbage[gi]);
        tset(t, x, 4, garbage[gi]);
        CHECK_STATUS(t, D->softmax_masked(y, x, 1, C, 0.5, &mask), SMX_OK);
        CHECK_BITS(t, "softmax_masked", y, y0, C);
        CHECK_STATUS(t, D->log_softmax_masked(l, x, 1, C, 0.5, &mask), SMX_OK);
        CHECK_BITS(t, "log_softmax_masked", l, l0, C);
    }
    tnote(t, "huge finite scores under a -inf bias");
    void *bias = tvals(t, C, (long double[]){0, -INFINITY, 0, 0, -INFINITY, 0});
    const tmask bmask = {bias, 1, NULL, 0};
    void *x = tvals(t, C, base);
    tset(t, x, 1, D->max);
    tset(t, x, 4, -D->max);
    CHECK_STATUS(t, D->softmax_masked(y, x, 1, C, 0.5, &bmask), SMX_OK);
    CHECK_BITS(t, "softmax_masked, -inf bias", y, y0, C);
    CHECK_STATUS(t, D->log_softmax_masked(l, x, 1, C, 0.5, &bmask), SMX_OK);
    CHECK_BITS(t, "log_softmax_masked, -inf bias", l, l0, C);

    /* z = scale * x is formed in the wide type: for f32 (wide = double) a
     * product beyond FLT_MAX is still a finite score.  (f64's wide type,
     * double-double, has the range of double, so there is no such case.) */
    if (D->mant_dig == 24) {
        tnote(t, "f32: scale * x beyond FLT_MAX");
        void *xb = tvals(t, 2, (long double[]){D->max, D->max / 2});
        CHECK_STATUS(t, D->softmax_masked(y, xb, 1, 2, 4, NULL), SMX_OK);
        CHECK_EXACT(t, "softmax_masked(4 * (max, max/2))", 0, tget(t, y, 0), 1);
        CHECK_EXACT(t, "softmax_masked(4 * (max, max/2))", 1, tget(t, y, 1), 0);
    }
}

/* The masked backward passes: scale times the plain backward, exact zeros
 * at the masked entries (whose dy, NaN here, is never read).  Both results
 * are held to 2.5 ulp of the magnitude of their terms, m_i = y_i (|dy_i| +
 * |<dy, y>|) for softmax and |dy_i| + exp(y_i) |sum dy| for log-softmax. */
static void test_masked_backward_is_scaled_backward(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xA0150005};
    enum { R = 5, C = 9, N = R * C };
    void *x = tvec(t, N), *dy = tvec(t, N), *y = tvec(t, N), *l = tvec(t, N);
    void *dx = tvec(t, N), *plain = tvec(t, N);
    uint8_t keep[N];
    for (size_t i = 0; i < N; i++)
        keep[i] = (i % 4 != 1) && i / C != 3; /* row 3 fully masked */
    fill_uniform(t, x, N, &g, 6);
    fill_uniform(t, dy, N, &g, 3);
    for (size_t i = 0; i < N; i++)
        if (!keep[i])
            tset(t, dy, i, NAN);
    const tmask mask = {NULL, 0, keep, R};
    const double scales[] = {0.5, 2, 0.25, 8, 0.3};
    for (size_t si = 0; si < sizeof scales / sizeof scales[0]; si++) {
        const long double scale = D->round(scales[si]);
        tnote(t, "seed 0xA0150005, scale %Lg", scale);
        CHECK_STATUS(t, D->softmax_masked(y, x, R, C, (double)scale, &mask), SMX_OK);
        CHECK_STATUS(t, D->log_softmax_masked(l, x, R, C, (double)scale, &mask), SMX_OK);
        for (int lf = 0; lf < 2; lf++) {
            const char *what = lf ? "log_softmax_masked_backward vs scale * plain"
                                  : "softmax_masked_backward vs scale * plain";
            CHECK_STATUS(t,
                         lf ? D->log_softmax_masked_backward(dx, l, dy, R, C, (double)scale)
                            : D->softmax_masked_backward(dx, y, dy, R, C, (double)scale),
                         SMX_OK);
            CHECK_STATUS(t,
                         lf ? D->log_softmax_backward(plain, l, dy, R, C)
                            : D->softmax_backward(plain, y, dy, R, C),
                         SMX_OK);
            for (size_t r = 0; r < R; r++) {
                long double red = 0; /* <dy, y> or sum dy over the kept entries */
                for (size_t k = 0; k < C; k++)
                    if (keep[r * C + k])
                        red += lf ? tget(t, dy, r * C + k)
                                  : tget(t, dy, r * C + k) * tget(t, y, r * C + k);
                for (size_t k = 0; k < C; k++) {
                    const size_t i = r * C + k;
                    if (!keep[i]) {
                        CHECK_EXACT(t, what, i, tget(t, dx, i), 0);
                        CHECK_EXACT(t, "plain backward at a masked entry", i, tget(t, plain, i),
                                    0);
                        continue;
                    }
                    const long double dyi = fabsl(tget(t, dy, i));
                    const long double mag = lf ? dyi + expl(tget(t, l, i)) * fabsl(red)
                                               : tget(t, y, i) * (dyi + fabsl(red));
                    CHECK_NEAR(t, what, i, tget(t, dx, i), scale * tget(t, plain, i),
                               2.5L * (ulp_of(D, 2 * scale * mag) + scale * ulp_of(D, 2 * mag)));
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SMX_TEST(test_axis_equals_transposed_rows),
        SMX_TEST(test_axis_bad_slice_isolated),
        SMX_TEST(test_scale_and_masks),
        SMX_TEST(test_null_and_zero_mask_agree),
        SMX_TEST(test_masked_scores_are_not_read),
        SMX_TEST(test_masked_backward_is_scaled_backward),
    };
    return cmocka_run_group_tests_name("axis_mask", tests, NULL, NULL);
}
