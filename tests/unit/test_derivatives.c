/*
 * test_derivatives.c — the derivatives three ways, for f32 and f64
 * (docs/testing.md, "Identities and derivatives"):
 *
 *   1. structure: softmax rows sum to 1, exp(log_softmax) = softmax, the
 *      Jacobian is symmetric bit for bit with rows summing to 0, J v and
 *      J^T v equal softmax_backward(v), the log-softmax JVP is
 *      (I - 1 s^T) dx and its transpose is the log-softmax backward;
 *   2. the formulas of smx.h evaluated in long double from the same
 *      forward outputs (tight, per-element bounds);
 *   3. central finite differences of the library's own f64 forward
 *      passes: the backward passes are the derivatives of the functions
 *      the library computes (loose in precision, independent of the
 *      formulas).
 * And the Iris numbers of MISSION.md, to 6 decimals.
 *
 * Bounds.  The forward functions carry the 2-ulp contract; a value within
 * 2 ulp of the correctly rounded result is within 2.5 ulp of the exact
 * one, counted at twice its magnitude to cover a binade crossing:
 * VALUE_TOL(D, v) below.  The backward passes reduce in the wide type and
 * round once, so they are held to the same 2.5 ulp of the magnitude of
 * their terms, e.g. |y_i| (|dy_i| + |<dy, y>|) for dx_i = y_i (dy_i -
 * <dy, y>): a wrong formula is off by the size of a term.
 */
#include "test_util.h"

#include <math.h>
#include <string.h>

/* 2 ulp of the correctly rounded value = 2.5 ulp of the exact value. */
#define EXACT_ULP 2.5L
#define VALUE_TOL(D, v) (EXACT_ULP * ulp_of((D), 2 * fabsl(v)))

/* Finite differences: Richardson-extrapolated central differences with
 * step h = 2^-12 on inputs that are multiples of 2^-8 (so x +- h and
 * x +- 2h are exact).  Truncation ~h^4/30 ~ 2^-53, rounding of the f64
 * forward ~1.5 * 2^-52 / h ~ 2^-39.5: 2^-30 of the gradient's scale leaves
 * a margin of 500 while a wrong term is off by ~0.1 of it. */
#define FD_STEP 0x1p-12L
#define FD_REL 0x1p-30L
#define FD_MAX 32 /* the most inputs a finite-difference test takes */

/* Multiples of 2^-8 in [-lim, lim). */
static long double grid(rng *r, double lim)
{
    return floorl(rng_uniform(r, -lim, lim) * 256) / 256;
}

/* ------------------------------------------------------------------------ */
/* The formulas of smx.h in long double                                       */
/* ------------------------------------------------------------------------ */

/* dx = scale * y * (dy - <dy, y>) with y == 0 entries absent; mag gets
 * the magnitude of the terms of each dx_i. */
static void ref_softmax_backward(tctx *t, long double *dx, long double *mag,
                                 const long double *y, const long double *dy, size_t n,
                                 long double scale)
{
    long double *prod = tld(t, n);
    for (size_t k = 0; k < n; k++)
        prod[k] = y[k] != 0 ? y[k] * dy[k] : 0;
    const long double dot = ld_sum(prod, n);
    for (size_t k = 0; k < n; k++) {
        dx[k] = y[k] != 0 ? scale * y[k] * (dy[k] - dot) : 0;
        mag[k] = y[k] != 0 ? scale * y[k] * (fabsl(dy[k]) + fabsl(dot)) : 0;
    }
}

/* dx = scale * (dy - exp(y) * sum dy) with y == -inf entries absent. */
static void ref_log_softmax_backward(tctx *t, long double *dx, long double *mag,
                                     const long double *y, const long double *dy, size_t n,
                                     long double scale)
{
    long double *v = tld(t, n);
    for (size_t k = 0; k < n; k++)
        v[k] = isinf(y[k]) ? 0 : dy[k];
    const long double sum = ld_sum(v, n);
    for (size_t k = 0; k < n; k++) {
        dx[k] = isinf(y[k]) ? 0 : scale * (dy[k] - expl(y[k]) * sum);
        mag[k] = isinf(y[k]) ? 0 : scale * (fabsl(dy[k]) + expl(y[k]) * fabsl(sum));
    }
}

/* dy = (I - 1 s^T) dx with s = exp(y), as the explicit matrix product;
 * y == -inf entries absent. */
static void ref_log_softmax_jvp(tctx *t, long double *dy, long double *mag,
                                const long double *y, const long double *dx, size_t n)
{
    long double *row = tld(t, n), *absrow = tld(t, n);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < n; k++) {
            const long double s_k = isinf(y[k]) ? 0 : expl(y[k]);
            const long double m_ik = (i == k ? 1 : 0) - s_k; /* (I - 1 s^T)_ik */
            row[k] = isinf(y[k]) ? 0 : m_ik * dx[k];
            absrow[k] = isinf(y[k]) ? 0 : (i == k ? fabsl(dx[k]) : 0) + s_k * fabsl(dx[k]);
        }
        dy[i] = isinf(y[i]) ? 0 : ld_sum(row, n);
        mag[i] = isinf(y[i]) ? 0 : ld_sum(absrow, n);
    }
}

static void check_formula(tctx *t, const char *what, const void *got, size_t off,
                          const long double *ref, const long double *mag, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const long double g = tget(t, got, off + k);
        CHECK_NEAR(t, what, off + k, g, ref[k],
                   VALUE_TOL(t->D, mag[k]) + t->D->ref_ulp * ulp_of(t->D, mag[k]));
    }
}

/* Random rows of n scores on the grid, a -inf in some. */
static void random_scores(tctx *t, void *x, size_t rows, size_t n, rng *r, double lim)
{
    for (size_t i = 0; i < rows * n; i++)
        tset(t, x, i, grid(r, lim));
    for (size_t row = 0; row < rows; row++)
        if (n > 2 && row % 2 == 1)
            tset(t, x, row * n + rng_below(r, n), -(long double)INFINITY);
}

/* ------------------------------------------------------------------------ */
/* The Iris example                                                           */
/* ------------------------------------------------------------------------ */

static long double round6(long double v) { return roundl(v * 1e6L); }

/* MISSION.md: raw outputs (1.43, -0.40, 0.23) give s = (0.684178, 0.109751,
 * 0.206070); J row 0 = (0.216078, -0.075090, -0.140989). */
static void test_iris_numbers(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    void *x = tvals(t, 3, (long double[]){1.43L, -0.40L, 0.23L});
    void *y = tvec(t, 3), *jac = tvec(t, 9), *dx = tvec(t, 3);
    const long double s6[3] = {684178, 109751, 206070}, j6[3] = {216078, -75090, -140989};

    CHECK_STATUS(t, D->softmax(y, x, 1, 3), SMX_OK);
    for (size_t k = 0; k < 3; k++)
        CHECK_EXACT(t, "Iris softmax * 1e6, rounded", k, round6(tget(t, y, k)), s6[k]);
    CHECK_STATUS(t, D->jacobian(jac, y, 3), SMX_OK);
    for (size_t k = 0; k < 3; k++)
        CHECK_EXACT(t, "Iris Jacobian row 0 * 1e6, rounded", k, round6(tget(t, jac, k)), j6[k]);
    /* softmax_backward of the one-hot e_0 is J^T e_0, column 0 = row 0. */
    void *e0 = tvals(t, 3, (long double[]){1, 0, 0});
    CHECK_STATUS(t, D->softmax_backward(dx, y, e0, 1, 3), SMX_OK);
    for (size_t k = 0; k < 3; k++)
        CHECK_EXACT(t, "Iris backward(e_0) * 1e6, rounded", k, round6(tget(t, dx, k)), j6[k]);

    /* And to the last bits, from the rounded inputs. */
    need_wide_reference(t);
    long double z[3], s[3];
    tload(t, z, x, 0, 3);
    ref_softmax(s, z, 3);
    for (size_t k = 0; k < 3; k++)
        CHECK_ULP(t, "Iris softmax", k, tget(t, y, k), s[k], CONTRACT_ULP);
}

/* ------------------------------------------------------------------------ */
/* Structure                                                                  */
/* ------------------------------------------------------------------------ */

static const size_t lengths[] = {1, 2, 3, 5, 7, 8, 9, 16, 17, 31, 33, 64, 100, 257, 1000};
enum { NLEN = sizeof lengths / sizeof lengths[0] };

/* Rows sum to 1 within the sum of the elements' tolerances: a wrong
 * normaliser or a drifting f32 sum shows as a whole-row error. */
static void test_rows_sum_to_one(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xD0E5500001};
    const double spreads[] = {1, 10, 100};
    for (size_t li = 0; li < NLEN; li++) {
        for (size_t si = 0; si < 3; si++) {
            const size_t n = lengths[li], rows = 3;
            tnote(t, "seed 0xD0E5500001, n = %zu, spread %g", n, spreads[si]);
            void *x = tvec(t, rows * n), *y = tvec(t, rows * n);
            random_scores(t, x, rows, n, &g, spreads[si]);
            CHECK_STATUS(t, D->softmax(y, x, rows, n), SMX_OK);
            long double *row = tld(t, n);
            for (size_t r = 0; r < rows; r++) {
                long double tol = 0;
                tload(t, row, y, r * n, n);
                for (size_t k = 0; k < n; k++)
                    tol += VALUE_TOL(D, row[k]);
                CHECK_NEAR(t, "sum of a softmax row", r, ld_sum(row, n), 1, tol);
            }
        }
    }
}

/* exp(log_softmax(x)) = softmax(x): an error dl in l is a relative error
 * expm1(dl) in exp(l). */
static void test_exp_log_softmax_is_softmax(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xD0E5500002};
    for (size_t li = 0; li < NLEN; li++) {
        const size_t n = lengths[li], rows = 4;
        tnote(t, "seed 0xD0E5500002, n = %zu", n);
        void *x = tvec(t, rows * n), *s = tvec(t, rows * n), *l = tvec(t, rows * n);
        random_scores(t, x, rows, n, &g, 30);
        CHECK_STATUS(t, D->softmax(s, x, rows, n), SMX_OK);
        CHECK_STATUS(t, D->log_softmax(l, x, rows, n), SMX_OK);
        for (size_t i = 0; i < rows * n; i++) {
            const long double si = tget(t, s, i), li_ = tget(t, l, i), e = expl(li_);
            if (isinf(li_)) { /* a -inf score: exactly 0 and -inf */
                CHECK_EXACT(t, "softmax where log_softmax is -inf", i, si, 0);
                continue;
            }
            const long double tol = fmaxl(si, e) * expm1l(VALUE_TOL(D, li_)) + VALUE_TOL(D, si);
            CHECK_NEAR(t, "exp(log_softmax) vs softmax", i, e, si, tol);
        }
    }
}

/* J = diag(y) - y y^T: symmetric bit for bit, each entry within the
 * contract of y_i (delta_ij - y_j) from the given y, rows summing to
 * y_i (1 - sum y) (that is, 0 up to the rounding of y); and J v, J^T v
 * equal softmax_backward(y, v). */
static void test_jacobian_structure(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    need_wide_reference(t);
    rng g = {0xD0E5500003};
    const size_t ns[] = {1, 2, 3, 5, 8, 17, 33};
    for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++) {
        const size_t n = ns[ni];
        tnote(t, "seed 0xD0E5500003, n = %zu", n);
        void *x = tvec(t, n), *y = tvec(t, n), *jac = tvec(t, n * n), *v = tvec(t, n);
        void *bw = tvec(t, n);
        random_scores(t, x, 1, n, &g, 6);
        for (size_t k = 0; k < n; k++)
            tset(t, v, k, grid(&g, 3));
        CHECK_STATUS(t, D->softmax(y, x, 1, n), SMX_OK);
        CHECK_STATUS(t, D->jacobian(jac, y, n), SMX_OK);
        CHECK_STATUS(t, D->softmax_backward(bw, y, v, 1, n), SMX_OK);
        long double *yl = tld(t, n), *vl = tld(t, n), *terms = tld(t, n), *abs_terms = tld(t, n);
        tload(t, yl, y, 0, n);
        tload(t, vl, v, 0, n);
        const long double ysum = ld_sum(yl, n);

        for (size_t i = 0; i < n; i++) {
            long double tol = 0;
            for (size_t j = 0; j < n; j++) {
                const long double jij = tget(t, jac, i * n + j);
                CHECK_BITS(t, "J[i][j] vs J[j][i]", (const char *)jac + (i * n + j) * D->size,
                           (const char *)jac + (j * n + i) * D->size, 1);
                const long double exact = yl[i] * ((i == j ? 1 : 0) - yl[j]);
                CHECK_ULP(t, "J[i][j] vs y_i (d_ij - y_j)", i * n + j, jij, exact, CONTRACT_ULP);
                terms[j] = jij;
                tol += VALUE_TOL(D, jij);
            }
            CHECK_NEAR(t, "row sum of J", i, ld_sum(terms, n), yl[i] * (1 - ysum), tol);
        }

        /* (J v)_i and (J^T v)_i from the library's J, against backward(v). */
        long double *ref = tld(t, n), *mag = tld(t, n);
        ref_softmax_backward(t, ref, mag, yl, vl, n, 1);
        for (int transpose = 0; transpose < 2; transpose++) {
            for (size_t i = 0; i < n; i++) {
                long double tol = VALUE_TOL(D, mag[i]);
                for (size_t j = 0; j < n; j++) {
                    const size_t ij = transpose ? j * n + i : i * n + j;
                    const long double jij = tget(t, jac, ij);
                    terms[j] = jij * vl[j];
                    abs_terms[j] = VALUE_TOL(D, jij) * fabsl(vl[j]);
                }
                tol += ld_sum(abs_terms, n);
                CHECK_NEAR(t, transpose ? "backward(v) vs J^T v" : "backward(v) vs J v", i,
                           tget(t, bw, i), ld_sum(terms, n), tol);
            }
        }
    }
}

/* The backward passes, the JVP and their scaled, masked and axis variants
 * against the formulas of smx.h in long double, from the same forward
 * outputs; and <w, jvp(v)> = <backward(w), v> (they are transposes). */
static void test_backward_formulas(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    need_wide_reference(t);
    rng g = {0xD0E5500004};
    const double scales[] = {1, 0.5, 3};
    for (size_t li = 0; li < NLEN; li++) {
        const size_t n = lengths[li], rows = 3, N = rows * n;
        const long double scale = D->round(scales[li % 3]);
        tnote(t, "seed 0xD0E5500004, n = %zu, scale %Lg", n, scale);
        void *x = tvec(t, N), *s = tvec(t, N), *l = tvec(t, N), *dy = tvec(t, N);
        void *dx = tvec(t, N), *jvp = tvec(t, N);
        random_scores(t, x, rows, n, &g, 20);
        for (size_t i = 0; i < N; i++)
            tset(t, dy, i, grid(&g, 4) * (i % 5 == 0 ? 64 : 1));
        CHECK_STATUS(t, D->softmax(s, x, rows, n), SMX_OK);
        CHECK_STATUS(t, D->log_softmax(l, x, rows, n), SMX_OK);
        long double *yr = tld(t, n), *dyr = tld(t, n), *ref = tld(t, n), *mag = tld(t, n);

        CHECK_STATUS(t, D->softmax_backward(dx, s, dy, rows, n), SMX_OK);
        for (size_t r = 0; r < rows; r++) {
            tload(t, yr, s, r * n, n);
            tload(t, dyr, dy, r * n, n);
            ref_softmax_backward(t, ref, mag, yr, dyr, n, 1);
            check_formula(t, "softmax_backward", dx, r * n, ref, mag, n);
        }
        CHECK_STATUS(t, D->softmax_masked_backward(dx, s, dy, rows, n, (double)scale), SMX_OK);
        for (size_t r = 0; r < rows; r++) {
            tload(t, yr, s, r * n, n);
            tload(t, dyr, dy, r * n, n);
            ref_softmax_backward(t, ref, mag, yr, dyr, n, scale);
            check_formula(t, "softmax_masked_backward", dx, r * n, ref, mag, n);
        }
        CHECK_STATUS(t, D->log_softmax_backward(dx, l, dy, rows, n), SMX_OK);
        for (size_t r = 0; r < rows; r++) {
            tload(t, yr, l, r * n, n);
            tload(t, dyr, dy, r * n, n);
            ref_log_softmax_backward(t, ref, mag, yr, dyr, n, 1);
            check_formula(t, "log_softmax_backward", dx, r * n, ref, mag, n);
        }
        CHECK_STATUS(t, D->log_softmax_masked_backward(dx, l, dy, rows, n, (double)scale),
                     SMX_OK);
        for (size_t r = 0; r < rows; r++) {
            tload(t, yr, l, r * n, n);
            tload(t, dyr, dy, r * n, n);
            ref_log_softmax_backward(t, ref, mag, yr, dyr, n, scale);
            check_formula(t, "log_softmax_masked_backward", dx, r * n, ref, mag, n);
        }
        if (n > 100)
            continue; /* the explicit (I - 1 s^T) product is O(n^2) */
        CHECK_STATUS(t, D->log_softmax_jvp(jvp, l, dy, rows, n), SMX_OK);
        for (size_t r = 0; r < rows; r++) {
            tload(t, yr, l, r * n, n);
            tload(t, dyr, dy, r * n, n);
            ref_log_softmax_jvp(t, ref, mag, yr, dyr, n);
            check_formula(t, "log_softmax_jvp = (I - 1 s^T) dx", jvp, r * n, ref, mag, n);
        }

        /* <w, jvp(v)> = <backward(w), v>, with w = v = dy. */
        CHECK_STATUS(t, D->log_softmax_backward(dx, l, dy, rows, n), SMX_OK);
        for (size_t r = 0; r < rows; r++) {
            long double *a = tld(t, n), *b = tld(t, n), tol = 0;
            for (size_t k = 0; k < n; k++) {
                const size_t i = r * n + k;
                const long double w = tget(t, dy, i);
                a[k] = w * tget(t, jvp, i);
                b[k] = tget(t, dx, i) * w;
                tol += fabsl(w) * (VALUE_TOL(D, tget(t, jvp, i)) + VALUE_TOL(D, tget(t, dx, i)));
            }
            tload(t, yr, l, r * n, n);
            tload(t, dyr, dy, r * n, n);
            ref_log_softmax_jvp(t, ref, mag, yr, dyr, n);
            for (size_t k = 0; k < n; k++)
                tol += 2 * fabsl(dyr[k]) * VALUE_TOL(D, mag[k]);
            CHECK_NEAR(t, "<w, jvp(v)> vs <backward(w), v>", r, ld_sum(a, n), ld_sum(b, n), tol);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Finite differences of the library's f64 forward passes                     */
/* ------------------------------------------------------------------------ */

/* A scalar function of n f64 inputs, evaluated by the library. */
typedef struct fd_fn {
    long double (*eval)(const struct fd_fn *f, const double *x);
    size_t rows, cols;
    const double *dy;      /* the fixed upstream gradient of <dy, F(x)> */
    double scale;          /* masked: scale */
    const tmask *mask;     /* masked: the mask (f64 bias) */
    const int32_t *labels; /* losses */
    const double *targets; /* soft cross-entropy */
    const topts *opts;     /* losses (f64 class weights) */
    size_t inner;          /* axis */
    int log_form;          /* log-softmax instead of softmax */
} fd_fn;

static long double dot_f64(const double *a, const double *b, size_t n)
{
    long double p[n ? n : 1];
    for (size_t k = 0; k < n; k++)
        p[k] = (long double)a[k] * b[k];
    return ld_sum(p, n);
}

static long double eval_forward(const fd_fn *f, const double *x)
{
    const size_t N = f->rows * f->cols * (f->inner ? f->inner : 1);
    double y[FD_MAX];
    assert_true(N <= FD_MAX);
    smx_status st;
    if (f->inner)
        st = (f->log_form ? dtype_f64.log_softmax_axis : dtype_f64.softmax_axis)(
            y, x, f->rows, f->cols, f->inner);
    else if (f->mask || f->scale != 0)
        st = (f->log_form ? dtype_f64.log_softmax_masked : dtype_f64.softmax_masked)(
            y, x, f->rows, f->cols, f->scale, f->mask);
    else
        st = (f->log_form ? dtype_f64.log_softmax : dtype_f64.softmax)(y, x, f->rows, f->cols);
    assert_int_equal(st, SMX_OK);
    /* Masked entries are exact 0 / -inf and do not move: leave them out. */
    for (size_t i = 0; i < N; i++)
        if (isinf(y[i]))
            y[i] = 0;
    return dot_f64(f->dy, y, N);
}

static long double sum_losses(const fd_fn *f, const double *loss)
{
    const size_t count = f->opts && f->opts->reduction == SMX_REDUCTION_NONE ? f->rows : 1;
    long double v[FD_MAX];
    for (size_t i = 0; i < count; i++)
        v[i] = loss[i];
    return ld_sum(v, count);
}

static long double eval_cross_entropy(const fd_fn *f, const double *x)
{
    double loss[FD_MAX];
    assert_true(f->rows <= FD_MAX);
    smx_status st = f->targets ? dtype_f64.cross_entropy_soft(loss, NULL, x, f->targets, f->rows,
                                                              f->cols, f->opts)
                               : dtype_f64.cross_entropy_ex(loss, NULL, x, f->labels, f->rows,
                                                            f->cols, f->opts);
    assert_int_equal(st, SMX_OK);
    return sum_losses(f, loss);
}

static long double eval_nll(const fd_fn *f, const double *y)
{
    double loss[FD_MAX];
    assert_true(f->rows <= FD_MAX);
    assert_int_equal(dtype_f64.nll_loss(loss, NULL, y, f->labels, f->rows, f->cols, f->opts),
                     SMX_OK);
    return sum_losses(f, loss);
}

/* d f / d x_j by Richardson-extrapolated central differences. */
static long double fd_partial(const fd_fn *f, double *x, size_t j)
{
    const double x0 = x[j];
    long double v[4];
    const double steps[4] = {1, -1, 2, -2};
    for (int s = 0; s < 4; s++) {
        x[j] = x0 + steps[s] * (double)FD_STEP;
        v[s] = f->eval(f, x);
    }
    x[j] = x0;
    return (8 * (v[0] - v[1]) - (v[2] - v[3])) / (12 * FD_STEP);
}

/* Compares the gradient `got` (the test's dtype, N entries) with finite
 * differences of f at x (f64).  The tolerance is relative to the scale of
 * the gradient: FD_REL for the differences, 8 eps of the dtype for the
 * rounding of the inputs (y, dy) the gradient was computed from. */
static void check_fd(tctx *t, const char *what, const fd_fn *f, const double *x0,
                     const void *got, size_t N)
{
    double x[FD_MAX];
    long double fd[FD_MAX], abs_sum = 1;
    assert_true(N <= FD_MAX);
    memcpy(x, x0, N * sizeof *x);
    for (size_t j = 0; j < N; j++) {
        fd[j] = fd_partial(f, x, j);
        abs_sum += fabsl(fd[j]) + fabsl(tget(t, got, j));
    }
    const long double tol = (FD_REL + 8 * ldexpl(1, 1 - t->D->mant_dig)) * abs_sum;
    for (size_t j = 0; j < N; j++)
        CHECK_NEAR(t, what, j, tget(t, got, j), fd[j], tol);
}

/* The test's dtype buffer as f64 (exactly: the inputs are on the grid). */
static double *as_f64(tctx *t, const void *p, size_t n)
{
    double *d = talloc(t, (n ? n : 1) * sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = (double)tget(t, p, i);
    return d;
}

static void test_finite_differences_softmax(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xD0E5500005};
    enum { R = 2, C = 5, N = R * C };
    for (int trial = 0; trial < 4; trial++) {
        tnote(t, "seed 0xD0E5500005, trial %d", trial);
        void *x = tvec(t, N), *y = tvec(t, N), *l = tvec(t, N), *dy = tvec(t, N);
        void *dx = tvec(t, N);
        for (size_t i = 0; i < N; i++) {
            tset(t, x, i, grid(&g, 3));
            tset(t, dy, i, grid(&g, 2));
        }
        double *x64 = as_f64(t, x, N), *dy64 = as_f64(t, dy, N);
        CHECK_STATUS(t, D->softmax(y, x, R, C), SMX_OK);
        CHECK_STATUS(t, D->log_softmax(l, x, R, C), SMX_OK);

        fd_fn f = {.eval = eval_forward, .rows = R, .cols = C, .dy = dy64};
        CHECK_STATUS(t, D->softmax_backward(dx, y, dy, R, C), SMX_OK);
        check_fd(t, "softmax_backward vs finite differences", &f, x64, dx, N);

        f.log_form = 1;
        CHECK_STATUS(t, D->log_softmax_backward(dx, l, dy, R, C), SMX_OK);
        check_fd(t, "log_softmax_backward vs finite differences", &f, x64, dx, N);

        /* JVP: the tangent of l_i along v is the gradient of l_i = <e_i,
         * log_softmax(x)> dotted with v. */
        void *v = tvec(t, N), *jvp = tvec(t, N);
        for (size_t i = 0; i < N; i++)
            tset(t, v, i, grid(&g, 2));
        CHECK_STATUS(t, D->log_softmax_jvp(jvp, l, v, R, C), SMX_OK);
        double e[N], xx[N];
        memcpy(xx, x64, sizeof xx);
        for (size_t i = 0; i < N; i++) {
            memset(e, 0, sizeof e);
            e[i] = 1;
            const fd_fn fi = {.eval = eval_forward, .rows = R, .cols = C, .dy = e, .log_form = 1};
            long double dir[N], scale = 1;
            for (size_t j = 0; j < N; j++) {
                dir[j] = fd_partial(&fi, xx, j) * (long double)tget(t, v, j);
                scale += fabsl(dir[j]);
            }
            const long double tol = (FD_REL + 8 * ldexpl(1, 1 - D->mant_dig)) * scale;
            CHECK_NEAR(t, "log_softmax_jvp vs finite differences", i, tget(t, jvp, i),
                       ld_sum(dir, N), tol);
        }
    }
}

/* Masked, scaled and axis forms. */
static void test_finite_differences_masked_axis(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xD0E5500006};
    enum { R = 3, C = 4, N = R * C };
    void *x = tvec(t, N), *y = tvec(t, N), *dy = tvec(t, N), *dx = tvec(t, N);
    void *bias = tvec(t, N);
    uint8_t keep[N] = {1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1};
    for (size_t i = 0; i < N; i++) {
        tset(t, x, i, grid(&g, 3));
        tset(t, dy, i, grid(&g, 2));
        tset(t, bias, i, i % 5 == 2 ? -(long double)INFINITY : grid(&g, 1));
    }
    double *x64 = as_f64(t, x, N), *dy64 = as_f64(t, dy, N), *bias64 = as_f64(t, bias, N);
    const tmask mask = {bias, R, keep, R};
    const tmask mask64 = {bias64, R, keep, R};
    const double scales[] = {0.5, 2, 1};
    for (int s = 0; s < 3; s++) {
        for (int lf = 0; lf < 2; lf++) {
            tnote(t, "seed 0xD0E5500006, scale %g, %s", scales[s], lf ? "log" : "softmax");
            fd_fn f = {.eval = eval_forward, .rows = R, .cols = C, .dy = dy64,
                       .scale = scales[s], .mask = &mask64, .log_form = lf};
            if (lf) {
                CHECK_STATUS(t, D->log_softmax_masked(y, x, R, C, scales[s], &mask), SMX_OK);
                CHECK_STATUS(t, D->log_softmax_masked_backward(dx, y, dy, R, C, scales[s]),
                             SMX_OK);
            } else {
                CHECK_STATUS(t, D->softmax_masked(y, x, R, C, scales[s], &mask), SMX_OK);
                CHECK_STATUS(t, D->softmax_masked_backward(dx, y, dy, R, C, scales[s]), SMX_OK);
            }
            check_fd(t, "masked backward vs finite differences", &f, x64, dx, N);
        }
    }

    /* Axis: [outer, n, inner] = [2, 3, 2]. */
    for (int lf = 0; lf < 2; lf++) {
        tnote(t, "seed 0xD0E5500006, axis [2, 3, 2], %s", lf ? "log" : "softmax");
        fd_fn f = {.eval = eval_forward, .rows = 2, .cols = 3, .inner = 2, .dy = dy64,
                   .log_form = lf};
        if (lf) {
            CHECK_STATUS(t, D->log_softmax_axis(y, x, 2, 3, 2), SMX_OK);
            CHECK_STATUS(t, D->log_softmax_backward_axis(dx, y, dy, 2, 3, 2), SMX_OK);
        } else {
            CHECK_STATUS(t, D->softmax_axis(y, x, 2, 3, 2), SMX_OK);
            CHECK_STATUS(t, D->softmax_backward_axis(dx, y, dy, 2, 3, 2), SMX_OK);
        }
        check_fd(t, "axis backward vs finite differences", &f, x64, dx, N);
    }
}

/* The loss gradients: cross-entropy (plain, every option), soft targets,
 * NLL with respect to its log-probabilities. */
static void test_finite_differences_losses(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    rng g = {0xD0E5500007};
    enum { R = 4, C = 5, N = R * C };
    void *x = tvec(t, N), *dx = tvec(t, N), *loss = tvec(t, R), *targets = tvec(t, N);
    void *lp = tvec(t, N);
    int32_t *labels = tlabels(t, R, (int32_t[]){1, 4, 0, 1});
    void *w = tvals(t, C, (long double[]){1, 0.5L, 2, 0.25L, 1.5L});
    for (size_t i = 0; i < N; i++) {
        tset(t, x, i, grid(&g, 3));
        tset(t, targets, i, (long double)((i * 7) % 5) / 8);
    }
    double *x64 = as_f64(t, x, N), *w64 = as_f64(t, w, C), *t64 = as_f64(t, targets, N);
    CHECK_STATUS(t, D->log_softmax(lp, x, R, C), SMX_OK);
    double *lp64 = as_f64(t, lp, N);

    tnote(t, "cross_entropy");
    CHECK_STATUS(t, D->cross_entropy(loss, dx, x, labels, R, C), SMX_OK);
    fd_fn f = {.eval = eval_cross_entropy, .rows = R, .cols = C, .labels = labels};
    check_fd(t, "cross_entropy gradient vs finite differences", &f, x64, dx, N);

    for (int red = 0; red < 3; red++) {
        for (int opt = 0; opt < 4; opt++) {
            /* opt: bit 0 weights, bit 1 smoothing and an ignored row */
            const topts o = {(smx_reduction)red, opt & 2, 4, opt & 1 ? w : NULL,
                             opt & 2 ? 0.25 : 0};
            const topts o64 = {(smx_reduction)red, opt & 2, 4, opt & 1 ? w64 : NULL,
                               opt & 2 ? 0.25 : 0};
            tnote(t, "reduction %d, weights %d, smoothing+ignore %d", red, opt & 1, opt >> 1);
            f.opts = &o64;
            f.eval = eval_cross_entropy;
            f.targets = NULL;
            CHECK_STATUS(t, D->cross_entropy_ex(loss, dx, x, labels, R, C, &o), SMX_OK);
            check_fd(t, "cross_entropy_ex gradient vs finite differences", &f, x64, dx, N);

            const topts so = {(smx_reduction)red, 0, 0, o.class_weights, o.label_smoothing};
            const topts so64 = {(smx_reduction)red, 0, 0, o64.class_weights,
                                o64.label_smoothing};
            f.opts = &so64;
            f.targets = t64;
            CHECK_STATUS(t, D->cross_entropy_soft(loss, dx, x, targets, R, C, &so), SMX_OK);
            check_fd(t, "cross_entropy_soft gradient vs finite differences", &f, x64, dx, N);

            f.opts = &o64;
            f.targets = NULL;
            f.eval = eval_nll;
            CHECK_STATUS(t, D->nll_loss(loss, dx, lp, labels, R, C, &o), SMX_OK);
            check_fd(t, "nll_loss gradient vs finite differences", &f, lp64, dx, N);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SMX_TEST(test_iris_numbers),
        SMX_TEST(test_rows_sum_to_one),
        SMX_TEST(test_exp_log_softmax_is_softmax),
        SMX_TEST(test_jacobian_structure),
        SMX_TEST(test_backward_formulas),
        SMX_TEST(test_finite_differences_softmax),
        SMX_TEST(test_finite_differences_masked_axis),
        SMX_TEST(test_finite_differences_losses),
    };
    return cmocka_run_group_tests_name("derivatives", tests, NULL, NULL);
}
