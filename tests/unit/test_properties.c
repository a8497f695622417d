/*
 * test_properties.c — properties over many seeded random rows, for f32 and
 * f64 (docs/testing.md, "Properties"), and a self-check of the test
 * harness itself (a broken ulp distance would make every other test
 * vacuous).
 *
 * Each property test draws its rows from splitmix64 with a fixed seed and
 * prints the seed, the case and the row with any failure, so that a
 * failure reproduces exactly.
 *
 *   - rows sum to 1 (within the contract's bound), 0 <= y <= 1;
 *   - the argmax is preserved when the top score leads by more than the
 *     2-ulp errors can hide; equal scores give equal bits;
 *   - log_softmax <= 0, logsumexp >= max;
 *   - shift invariance: for c with x + c exact, softmax(x + c),
 *     log_softmax(x + c) and the cross-entropy (loss and gradient) are the
 *     same bits as at x (the shift by the maximum is exact);
 *   - a row gives the same bits alone and inside any batch, every time.
 */
#include "test_util.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define INF ((long double)INFINITY)

enum { CASES = 400, MAX_N = 300 };

/* One random row: a length (mostly short, some long), a spread of scores
 * (1 to 1000), a few -inf entries in some rows (never all). */
static size_t random_row(tctx *t, void *x, rng *g, size_t *n_out)
{
    static const double spreads[] = {1, 10, 100, 1000};
    const size_t n = rng_below(g, 8) == 0 ? 1 + rng_below(g, MAX_N) : 1 + rng_below(g, 40);
    const double spread = spreads[rng_below(g, 4)];
    for (size_t k = 0; k < n; k++)
        tset(t, x, k, rng_uniform(g, -spread, spread));
    if (n > 2 && rng_below(g, 3) == 0)
        for (size_t j = rng_below(g, n / 2); j > 0; j--)
            tset(t, x, rng_below(g, n - 1) + 1, -INF); /* entry 0 stays finite */
    *n_out = n;
    return n;
}

static void print_row(const tctx *t, const void *x, size_t n)
{
    print_error("row (%zu):", n);
    for (size_t k = 0; k < n && k < 64; k++)
        print_error(" %La", tget(t, x, k));
    print_error("%s\n", n > 64 ? " ..." : "");
}

/* Fails with the row printed. */
#define PROPERTY(t, x, n, cond, ...)                                                         \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            print_row((t), (x), (n));                                                        \
            check_fail((t), __FILE__, __LINE__, __VA_ARGS__);                                \
        }                                                                                    \
    } while (0)

/* ------------------------------------------------------------------------ */
/* The harness                                                                */
/* ------------------------------------------------------------------------ */

static void test_harness_self_check(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const long double one_up = 1 + ldexpl(1, 1 - D->mant_dig);  /* next value after 1 */
    const long double one_down = 1 - ldexpl(1, -D->mant_dig);   /* previous value */
    CHECK(t, ulp_distance(D, 1, 1) == 0, "d(1, 1) = %g", ulp_distance(D, 1, 1));
    CHECK(t, ulp_distance(D, one_up, 1) == 1, "d(1+, 1) = %g", ulp_distance(D, one_up, 1));
    CHECK(t, ulp_distance(D, one_down, 1) == 1, "d(1-, 1) = %g", ulp_distance(D, one_down, 1));
    CHECK(t, ulp_distance(D, one_down, one_up) == 2, "d(1-, 1+) = %g",
          ulp_distance(D, one_down, one_up));
    /* Large ordinals are exact (no rounding of 63-bit integers to double). */
    const long double big = D->max / 3, big_up = big + ulp_of(D, big) * 3;
    CHECK(t, ulp_distance(D, D->round(big_up), D->round(big)) == 3, "d(big + 3 ulp, big) = %g",
          ulp_distance(D, D->round(big_up), D->round(big)));
    CHECK(t, ulp_distance(D, D->true_min, 0) == 1, "d(true_min, 0) = %g",
          ulp_distance(D, D->true_min, 0));
    CHECK(t, ulp_distance(D, -D->true_min, D->true_min) == 2, "d(-tm, tm) = %g",
          ulp_distance(D, -D->true_min, D->true_min));
    CHECK(t, ulp_distance(D, -0.0L, 0.0L) == 0, "d(-0, 0) = %g", ulp_distance(D, -0.0L, 0.0L));
    CHECK(t, ulp_distance(D, NAN, NAN) == 0, "d(NaN, NaN)");
    CHECK(t, isinf(ulp_distance(D, NAN, 1)), "d(NaN, 1)");
    CHECK(t, isinf(ulp_distance(D, 1, NAN)), "d(1, NaN)");
    CHECK(t, ulp_distance(D, INF, INF) == 0, "d(inf, inf)");
    CHECK(t, ulp_distance(D, INF, -INF) > 1e9, "d(inf, -inf)");
    CHECK(t, ulp_distance(D, INF, 2 * D->max) == 0, "an overflowing reference rounds to inf");
    CHECK(t, ulp_distance(D, -1, 1) > 1e9, "d(-1, 1)");
    /* The exact value halfway between two values: either is 0.5 ulp, the
     * distance to the rounding is 0 or 1. */
    CHECK(t, ulp_distance(D, 1, 1 + ldexpl(1, -D->mant_dig)) <= 1, "halfway");
    CHECK(t, ulp_of(D, 1) == ldexpl(1, 1 - D->mant_dig), "ulp(1)");
    CHECK(t, ulp_of(D, 0) == D->true_min, "ulp(0)");

    /* Sentinels and buffers. */
    void *p = tvec(t, 5);
    CHECK(t, is_sentinel(p, 5 * D->size), "a new buffer is not all sentinel");
    tset(t, p, 2, 0);
    CHECK(t, !is_sentinel(p, 5 * D->size), "a written buffer still reads as sentinel");

    /* splitmix64 from seed 0: the published first outputs. */
    rng g = {0};
    CHECK(t, rng_next(&g) == UINT64_C(0xE220A8397B1DCDAF), "splitmix64 output 1");
    CHECK(t, rng_next(&g) == UINT64_C(0x6E789E6AA1B965F4), "splitmix64 output 2");
}

/* ------------------------------------------------------------------------ */
/* Properties of one row                                                      */
/* ------------------------------------------------------------------------ */

static void test_row_properties(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const uint64_t seed = 0x9E0B0001;
    rng g = {seed};
    void *x = tvec(t, MAX_N), *y = tvec(t, MAX_N), *l = tvec(t, MAX_N), *lse = tvec(t, 1);
    long double *yv = tld(t, MAX_N);
    /* the margin by which the top score must lead for its probability to
     * stay the largest through 2-ulp errors on both: exp(gap) > 1 + 2^(3-p) */
    const long double gap = ldexpl(1, 4 - D->mant_dig);
    for (size_t c = 0; c < CASES; c++) {
        size_t n;
        random_row(t, x, &g, &n);
        tnote(t, "seed %#llx, case %zu, n = %zu", (unsigned long long)seed, c, n);
        CHECK_STATUS(t, D->softmax(y, x, 1, n), SMX_OK);
        CHECK_STATUS(t, D->log_softmax(l, x, 1, n), SMX_OK);
        CHECK_STATUS(t, D->logsumexp(lse, x, 1, n), SMX_OK);

        size_t top = 0, second = n;
        long double tol = 0;
        for (size_t k = 0; k < n; k++) {
            yv[k] = tget(t, y, k);
            tol += 2.5L * ulp_of(D, 2 * yv[k]);
            if (tget(t, x, k) > tget(t, x, top))
                top = k;
        }
        for (size_t k = 0; k < n; k++)
            if (k != top && (second == n || tget(t, x, k) > tget(t, x, second)))
                second = k;
        const long double sum = ld_sum(yv, n);
        PROPERTY(t, x, n, fabsl(sum - 1) <= tol, "softmax sums to %.21Lg (1 +- %.3Lg)", sum, tol);

        size_t ytop = 0, ltop = 0;
        for (size_t k = 0; k < n; k++) {
            const long double yk = yv[k], lk = tget(t, l, k), xk = tget(t, x, k);
            PROPERTY(t, x, n, yk >= 0 && yk <= 1, "y[%zu] = %Lg outside [0, 1]", k, yk);
            PROPERTY(t, x, n, lk <= 0, "log_softmax[%zu] = %Lg > 0", k, lk);
            PROPERTY(t, x, n, xk > -INF || (yk == 0 && lk == -INF),
                     "entry %zu: -inf score but y = %Lg, l = %Lg", k, yk, lk);
            if (yk > yv[ytop])
                ytop = k;
            if (lk > tget(t, l, ltop))
                ltop = k;
            /* equal scores, equal bits */
            for (size_t j = 0; j < k; j++)
                if (tget(t, x, j) == xk)
                    PROPERTY(t, x, n,
                             memcmp((char *)y + j * D->size, (char *)y + k * D->size, D->size) ==
                                     0 &&
                                 memcmp((char *)l + j * D->size, (char *)l + k * D->size,
                                        D->size) == 0,
                             "equal scores at %zu and %zu give different outputs", j, k);
        }
        const long double xtop = tget(t, x, top);
        if (second == n || tget(t, x, second) < xtop - gap) {
            PROPERTY(t, x, n, ytop == top, "softmax argmax %zu, score argmax %zu", ytop, top);
            PROPERTY(t, x, n, ltop == top, "log_softmax argmax %zu, score argmax %zu", ltop, top);
        }
        PROPERTY(t, x, n, tget(t, lse, 0) >= xtop, "logsumexp %Lg < max %Lg", tget(t, lse, 0),
                 xtop);
    }
}

/* ------------------------------------------------------------------------ */
/* Shift invariance                                                           */
/* ------------------------------------------------------------------------ */

/* Scores are multiples of 2^-8 in [-64, 64) and c an integer in
 * [-1024, 1024]: x + c needs at most 19 bits, exact in both dtypes. */
static void test_shift_invariance(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const uint64_t seed = 0x9E0B0002;
    rng g = {seed};
    enum { N = 64 };
    void *x = tvec(t, N), *xc = tvec(t, N), *a = tvec(t, N), *b = tvec(t, N);
    void *la = tvec(t, 1), *lb = tvec(t, 1);
    for (size_t c = 0; c < CASES; c++) {
        const size_t n = 1 + rng_below(&g, N);
        const long double shift = (long double)rng_below(&g, 2049) - 1024;
        tnote(t, "seed %#llx, case %zu, n = %zu, c = %Lg", (unsigned long long)seed, c, n, shift);
        for (size_t k = 0; k < n; k++) {
            const long double v = floorl(rng_uniform(&g, -64, 64) * 256) / 256;
            tset(t, x, k, v);
            tset(t, xc, k, v + shift);
        }
        if (n > 3)
            tset(t, x, 2, -INF), tset(t, xc, 2, -INF);
        CHECK_STATUS(t, D->softmax(a, x, 1, n), SMX_OK);
        CHECK_STATUS(t, D->softmax(b, xc, 1, n), SMX_OK);
        CHECK_BITS(t, "softmax(x + c) vs softmax(x)", b, a, n);
        CHECK_STATUS(t, D->log_softmax(a, x, 1, n), SMX_OK);
        CHECK_STATUS(t, D->log_softmax(b, xc, 1, n), SMX_OK);
        CHECK_BITS(t, "log_softmax(x + c) vs log_softmax(x)", b, a, n);

        int32_t lab[1] = {(int32_t)rng_below(&g, n)};
        if (n > 3 && lab[0] == 2)
            lab[0] = 0; /* not the -inf entry */
        CHECK_STATUS(t, D->cross_entropy(la, a, x, lab, 1, n), SMX_OK);
        CHECK_STATUS(t, D->cross_entropy(lb, b, xc, lab, 1, n), SMX_OK);
        CHECK_BITS(t, "cross_entropy(x + c) vs cross_entropy(x): loss", lb, la, 1);
        CHECK_BITS(t, "cross_entropy(x + c) vs cross_entropy(x): gradient", b, a, n);

        /* logsumexp moves with c: both within the contract of the reference. */
        if (LDBL_MANT_DIG >= D->mant_dig + 10) {
            long double *z = tld(t, n);
            tload(t, z, x, 0, n);
            const long double ref = ref_logsumexp(z, n);
            CHECK_STATUS(t, D->logsumexp(la, x, 1, n), SMX_OK);
            CHECK_STATUS(t, D->logsumexp(lb, xc, 1, n), SMX_OK);
            CHECK_ULP(t, "logsumexp(x)", 0, tget(t, la, 0), ref, CONTRACT_ULP);
            CHECK_ULP(t, "logsumexp(x + c)", 0, tget(t, lb, 0), ref + shift, CONTRACT_ULP);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Batch invariance and determinism                                           */
/* ------------------------------------------------------------------------ */

/* Each row of a batch gives the same bits as the row alone, and a second
 * call gives the same bits as the first: the results depend only on the
 * inputs (smx.h, "Threads and determinism"). */
static void test_batch_invariance(void **state)
{
    tctx *t = *state;
    const dtype *D = t->D;
    const uint64_t seed = 0x9E0B0003;
    rng g = {seed};
    const size_t ns[] = {1, 3, 8, 17, 64, 129};
    enum { R = 24 };
    for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++) {
        const size_t n = ns[ni], N = R * n;
        tnote(t, "seed %#llx, %d rows of %zu", (unsigned long long)seed, R, n);
        void *x = tvec(t, N), *dy = tvec(t, N), *y = tvec(t, N), *l = tvec(t, N);
        void *out = tvec(t, N), *again = tvec(t, N), *one = tvec(t, n);
        fill_uniform(t, x, N, &g, 40);
        fill_uniform(t, dy, N, &g, 2);
        if (n > 2)
            for (size_t r = 0; r < R; r += 3)
                tset(t, x, r * n + rng_below(&g, n), -INF);
        CHECK_STATUS(t, D->softmax(y, x, R, n), SMX_OK);
        CHECK_STATUS(t, D->log_softmax(l, x, R, n), SMX_OK);

#define BATCH_VS_ALONE(name, batch_call, alone_call, width)                                   \
    do {                                                                                     \
        CHECK_STATUS(t, batch_call(out), SMX_OK);                                            \
        CHECK_STATUS(t, batch_call(again), SMX_OK);                                          \
        CHECK_BITS(t, name ": second call", again, out, R * (width));                        \
        for (size_t r = 0; r < R; r++) {                                                     \
            CHECK_STATUS(t, alone_call(one, r), SMX_OK);                                     \
            CHECK_BITS(t, name ": row alone vs in the batch", one,                           \
                       (char *)out + r * (width) * D->size, (width));                        \
        }                                                                                    \
    } while (0)
#define ROW(p, r) ((const char *)(p) + (r) * n * D->size)
#define SOFTMAX_B(o) D->softmax(o, x, R, n)
#define SOFTMAX_1(o, r) D->softmax(o, ROW(x, r), 1, n)
#define LOG_SOFTMAX_B(o) D->log_softmax(o, x, R, n)
#define LOG_SOFTMAX_1(o, r) D->log_softmax(o, ROW(x, r), 1, n)
#define LSE_B(o) D->logsumexp(o, x, R, n)
#define LSE_1(o, r) D->logsumexp(o, ROW(x, r), 1, n)
#define BW_B(o) D->softmax_backward(o, y, dy, R, n)
#define BW_1(o, r) D->softmax_backward(o, ROW(y, r), ROW(dy, r), 1, n)
#define LBW_B(o) D->log_softmax_backward(o, l, dy, R, n)
#define LBW_1(o, r) D->log_softmax_backward(o, ROW(l, r), ROW(dy, r), 1, n)
#define JVP_B(o) D->log_softmax_jvp(o, l, dy, R, n)
#define JVP_1(o, r) D->log_softmax_jvp(o, ROW(l, r), ROW(dy, r), 1, n)
        BATCH_VS_ALONE("softmax", SOFTMAX_B, SOFTMAX_1, n);
        BATCH_VS_ALONE("log_softmax", LOG_SOFTMAX_B, LOG_SOFTMAX_1, n);
        BATCH_VS_ALONE("logsumexp", LSE_B, LSE_1, 1);
        BATCH_VS_ALONE("softmax_backward", BW_B, BW_1, n);
        BATCH_VS_ALONE("log_softmax_backward", LBW_B, LBW_1, n);
        BATCH_VS_ALONE("log_softmax_jvp", JVP_B, JVP_1, n);
#undef BATCH_VS_ALONE
#undef ROW
#undef SOFTMAX_B
#undef SOFTMAX_1
#undef LOG_SOFTMAX_B
#undef LOG_SOFTMAX_1
#undef LSE_B
#undef LSE_1
#undef BW_B
#undef BW_1
#undef LBW_B
#undef LBW_1
#undef JVP_B
#undef JVP_1

        /* Cross-entropy without reduction: per-row losses and gradients. */
        const topts none = {.reduction = SMX_REDUCTION_NONE};
        int32_t *labels = tlabels(t, R, NULL);
        for (size_t r = 0; r < R; r++) {
            labels[r] = (int32_t)rng_below(&g, n);
            if (tget(t, x, r * n + (size_t)labels[r]) == -INF)
                tset(t, x, r * n + (size_t)labels[r], 0);
        }
        void *loss = tvec(t, R), *loss1 = tvec(t, 1);
        CHECK_STATUS(t, D->cross_entropy_ex(loss, out, x, labels, R, n, &none), SMX_OK);
        for (size_t r = 0; r < R; r++) {
            CHECK_STATUS(t, D->cross_entropy_ex(loss1, one, (const char *)x + r * n * D->size,
                                                labels + r, 1, n, &none),
                         SMX_OK);
            CHECK_BITS(t, "cross_entropy loss: row alone vs in the batch", loss1,
                       (char *)loss + r * D->size, 1);
            CHECK_BITS(t, "cross_entropy gradient: row alone vs in the batch", one,
                       (char *)out + r * n * D->size, n);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SMX_TEST(test_harness_self_check),
        SMX_TEST(test_row_properties),
        SMX_TEST(test_shift_invariance),
        SMX_TEST(test_batch_invariance),
    };
    return cmocka_run_group_tests_name("properties", tests, NULL, NULL);
}
