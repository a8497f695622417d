/*
 * test_accuracy_wide.c — the double-double log1p of the f64 kernels
 * (w_log1p, src/scalar/wide_f64.h) against MPFR, over its whole domain:
 * the per-row log of the sum that f64 log-softmax, logsumexp and the
 * cross-entropy loss rest on.  Through the public functions only sums up
 * to the row length are reached; here t runs from the smallest subnormal
 * to the largest double, across every table interval, with the special
 * values.  The bound is the one w_log1p states: 2^-63 relative.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h> /* before mpfr.h */

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <mpfr.h>

#include "scalar/wide_f64.h"

#define LOG1P_BOUND 0x1p-63
#define SAMPLES 4000 /* per range of exponents */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* splitmix64, as a double in [0, 1) */
static double uniform01(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

/* |w_log1p(t) - log1p(t)| / log1p(t), exactly enough (300 bits). */
static double relative_error(wide t)
{
    mpfr_t x, y, g;
    mpfr_inits2(300, x, y, g, (mpfr_ptr)0);
    const wide l = w_log1p(t);
    mpfr_set_d(x, t.hi, MPFR_RNDN);
    mpfr_add_d(x, x, t.lo, MPFR_RNDN);
    mpfr_log1p(y, x, MPFR_RNDN);
    mpfr_set_d(g, l.hi, MPFR_RNDN);
    mpfr_add_d(g, g, l.lo, MPFR_RNDN);
    mpfr_sub(g, g, y, MPFR_RNDN);
    mpfr_div(g, g, y, MPFR_RNDN);
    const double r = fabs(mpfr_get_d(g, MPFR_RNDN));
    mpfr_clears(x, y, g, (mpfr_ptr)0);
    return r;
}

/* t = 2^e (1 + lo), e uniform in [e0, e1), lo within half an ulp. */
static void check_range(double e0, double e1)
{
    double worst = 0, at = 0;
    for (int i = 0; i < SAMPLES; i++) {
        const double hi = exp2(e0 + (e1 - e0) * uniform01());
        const wide t = fast_two_sum(hi, hi * 0x1p-53 * (2 * uniform01() - 1));
        const double r = relative_error(t);
        if (r > worst) {
            worst = r;
            at = t.hi;
        }
    }
    printf("accuracy: w_log1p  t in [2^%g, 2^%g)  worst relative error 2^%.2f at t = %a  %s\n",
           e0, e1, worst > 0 ? log2(worst) : -INFINITY, at,
           worst <= LOG1P_BOUND ? "pass" : "FAIL");
    assert_true(worst <= LOG1P_BOUND);
}

static void test_log1p_ranges(void **state)
{
    (void)state;
    static const double edges[] = {-1022, -100, -60, -30, -10, -7, -6, -5, -3,
                                   -1,    0,    1,   4,   10,  30, 64, 1000, 1023.99};
    for (size_t i = 0; i + 1 < sizeof edges / sizeof edges[0]; i++)
        check_range(edges[i], edges[i + 1]);
}

/* Every interval of the table of 16 log2 m, from both ends, at e = 0..2. */
static void test_log1p_intervals(void **state)
{
    (void)state;
    double worst = 0;
    for (int e = 0; e <= 2; e++) {
        for (int i = 0; i < 64; i++) {
            const double ends[] = {1 + i / 64.0, 1 + (i + 1) / 64.0};
            for (int side = 0; side < 2; side++) {
                const double m = side ? nextafter(ends[1], 0) : ends[0];
                const double t = ldexp(m, e) - 1; /* exact */
                if (t > 0) {
                    const double r = relative_error(w_of_double(t));
                    worst = r > worst ? r : worst;
                }
            }
        }
    }
    printf("accuracy: w_log1p  interval ends  worst relative error 2^%.2f  %s\n", log2(worst),
           worst <= LOG1P_BOUND ? "pass" : "FAIL");
    assert_true(worst <= LOG1P_BOUND);
}

static void test_log1p_special(void **state)
{
    (void)state;
    wide l = w_log1p(w_zero());
    assert_true(l.hi == 0 && !signbit(l.hi) && l.lo == 0);
    l = w_log1p(w_make(NAN, 0));
    assert_true(isnan(l.hi));
    l = w_log1p(w_make(HUGE_VAL, 0));
    assert_true(l.hi == HUGE_VAL && l.lo == 0);
    /* log1p(t) = t within t/2: a tiny t comes back as it is */
    l = w_log1p(w_make(0x1p-1074, 0));
    assert_true(l.hi == 0x1p-1074 && l.lo == 0);
    l = w_log1p(w_make(0x1p-1022, 0));
    assert_true(l.hi == 0x1p-1022 && l.lo == 0);
    assert_true(relative_error(w_make(0x1.fffffffffffffp+1023, 0)) <= LOG1P_BOUND);
    assert_true(relative_error(w_make(0x1p-100, 0)) <= LOG1P_BOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log1p_special),
        cmocka_unit_test(test_log1p_intervals),
        cmocka_unit_test(test_log1p_ranges),
    };
    const int failed = cmocka_run_group_tests_name("accuracy_wide", tests, NULL, NULL);
    mpfr_free_cache();
    return failed;
}
