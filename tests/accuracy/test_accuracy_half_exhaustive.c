/*
 * test_accuracy_half_exhaustive.c — every one of the 65536 values of each
 * half format (bf16, f16), NaNs and infinities included, through softmax,
 * log-softmax and logsumexp:
 *
 *   - alone, as a row of one entry: softmax 1 and log-softmax 0 for every
 *     finite value, logsumexp the value itself; NaN gives NaN everywhere,
 *     +inf a NaN row (logsumexp +inf), -inf (an all -inf row) a NaN row
 *     (logsumexp -inf), as smx.h says for every dtype;
 *   - beside each of a few partners c, in both orders, (v, c) and (c, v):
 *     0, 1, -1, 10.5, the format's largest value and its negative, its
 *     smallest subnormal, v itself, and -inf, +inf and NaN.  The finite
 *     rows go against MPFR; a -inf entry is absent (probability 0, the
 *     other entry alone), the special rows as above.
 *
 * Every half output is held to 1 step from the correctly rounded result
 * and 1 ulp of the exact one (measure.h), infinite where the correctly
 * rounded value is (an f16 log-probability below -65520), and the
 * fraction correctly rounded is reported and held to MIN_ROUNDED;
 * logsumexp (float) to the f32 contract, 2 ulp of max(|m|, log1p).
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

/* The least fraction of correctly rounded half outputs.  Here it is met
 * on every path with little to spare: 99.94% of the f16 log-softmax pairs
 * are correctly rounded, the rest lying within half a float ulp of a
 * midpoint (many pairs (v, 0) with v tiny give -log 2 + v/2, and -log 2
 * is 0.05 of an f16 spacing from a midpoint); every other figure is
 * 99.99% or more.  A format rounded the wrong way loses about half. */
#define MIN_ROUNDED 0.999
#define ALL 65536

static void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        abort();
    return p;
}

typedef struct outputs {
    uint16_t *soft, *log; /* ALL x cols */
    float *lse;           /* ALL */
} outputs;

/* Runs the three functions on ALL rows of cols entries. */
static void run(const half_api *H, outputs *o, const uint16_t *x, size_t cols)
{
    assert_int_equal(H->softmax(o->soft, x, ALL, cols), SMX_OK);
    assert_int_equal(H->log_softmax(o->log, x, ALL, cols), SMX_OK);
    assert_int_equal(H->logsumexp(o->lse, x, ALL, cols), SMX_OK);
}

/* The exact results of the row (a, b) (b unused when cols is 1):
 * soft[k], log[k], lse and its scale.  Special rows by the contract. */
static void exact_row(mpfr_t *soft, mpfr_t *log, mpfr_t lse, mpfr_t scale, const double *row,
                      size_t cols)
{
    int nan = 0, pinf = 0, finite = 0;
    for (size_t k = 0; k < cols; k++) {
        nan |= isnan(row[k]);
        pinf |= row[k] == HUGE_VAL;
        finite |= isfinite(row[k]) != 0;
    }
    if (nan || pinf || !finite) {
        for (size_t k = 0; k < cols; k++) {
            mpfr_set_nan(soft[k]);
            mpfr_set_nan(log[k]);
        }
        if (nan)
            mpfr_set_nan(lse);
        else
            mpfr_set_inf(lse, pinf ? 1 : -1);
        mpfr_set_zero(scale, 1);
        return;
    }
    ref_row r;
    ref_row_init(&r, row, NULL, cols, 1.0, NULL, NULL);
    for (size_t k = 0; k < cols; k++) {
        ref_softmax(soft[k], &r, k);
        ref_log_softmax(log[k], &r, k);
    }
    ref_logsumexp(lse, &r);
    ref_logsumexp_scale(scale, &r);
    ref_row_clear(&r);
}

static void check_format(const half_api *H, const acc_format *F)
{
    acc_stats s1, l1, e1, s2, l2, e2;
    char name[6][48];
    const char *what[3] = {"softmax", "log_softmax", "logsumexp"};
    for (int i = 0; i < 3; i++) {
        snprintf(name[i], sizeof name[i], "%s (every value alone)", what[i]);
        snprintf(name[3 + i], sizeof name[3 + i], "%s (every value, pairs)", what[i]);
    }
    acc_stats_init(&s1, name[0], F, ACC_FROM_CR, 1);
    acc_stats_init(&l1, name[1], F, ACC_FROM_CR, 1);
    acc_stats_init(&e1, name[2], &acc_f32, ACC_OF_SCALE, 2);
    acc_stats_init(&s2, name[3], F, ACC_FROM_CR, 1);
    acc_stats_init(&l2, name[4], F, ACC_FROM_CR, 1);
    acc_stats_init(&e2, name[5], &acc_f32, ACC_OF_SCALE, 2);
    s1.ulp_bound = l1.ulp_bound = s2.ulp_bound = l2.ulp_bound = 1;
    /* The f32 result is at most 2.5 float ulp from the exact value: a
     * misrounded half output has its exact value that close to the
     * boundary, 2.5 * 2^(p - 24) of the half spacing. */
    s1.boundary_bound = l1.boundary_bound = s2.boundary_bound = l2.boundary_bound =
        ldexp(2.5, F->precision - 24);

    uint16_t *x = xmalloc(2 * ALL * sizeof *x);
    double *v = xmalloc(ALL * sizeof *v);
    outputs o = {xmalloc(2 * ALL * sizeof(uint16_t)), xmalloc(2 * ALL * sizeof(uint16_t)),
                 xmalloc(ALL * sizeof(float))};
    mpfr_t soft[2], log[2], lse, scale;
    mpfr_inits2(REF_PREC, soft[0], soft[1], log[0], log[1], lse, scale, (mpfr_ptr)0);
    for (size_t i = 0; i < ALL; i++) {
        x[i] = (uint16_t)i;
        v[i] = (double)H->to_float(x[i]);
    }

    /* alone */
    run(H, &o, x, 1);
    for (size_t i = 0; i < ALL; i++) {
        exact_row(soft, log, lse, scale, &v[i], 1);
        acc_check(&s1, (double)H->to_float(o.soft[i]), soft[0], NULL, "0x%04zx (%a)", i, v[i]);
        acc_check(&l1, (double)H->to_float(o.log[i]), log[0], NULL, "0x%04zx (%a)", i, v[i]);
        acc_check(&e1, (double)o.lse[i], lse, scale, "0x%04zx (%a)", i, v[i]);
    }

    /* beside each partner, in both orders */
    const double tiny = ldexp(1, F->min_sub_exp);
    const double partners[] = {0.0,   1.0,       -1.0,      10.5,     H->max, -H->max,
                               tiny,  NAN /* v */, -HUGE_VAL, HUGE_VAL, NAN};
    const size_t P = sizeof partners / sizeof partners[0], SELF = 7;
    for (size_t p = 0; p < P; p++) {
        for (int order = 0; order < 2; order++) {
            for (size_t i = 0; i < ALL; i++) {
                const uint16_t c = p == SELF ? (uint16_t)i : H->from_double(partners[p]);
                x[2 * i + (size_t)order] = (uint16_t)i;
                x[2 * i + 1 - (size_t)order] = c;
            }
            run(H, &o, x, 2);
            for (size_t i = 0; i < ALL; i++) {
                const double row[2] = {(double)H->to_float(x[2 * i]),
                                       (double)H->to_float(x[2 * i + 1])};
                exact_row(soft, log, lse, scale, row, 2);
                for (size_t k = 0; k < 2; k++) {
                    acc_check(&s2, (double)H->to_float(o.soft[2 * i + k]), soft[k], NULL,
                              "(%a, %a) k=%zu", row[0], row[1], k);
                    acc_check(&l2, (double)H->to_float(o.log[2 * i + k]), log[k], NULL,
                              "(%a, %a) k=%zu", row[0], row[1], k);
                }
                acc_check(&e2, (double)o.lse[i], lse, scale, "(%a, %a)", row[0], row[1]);
            }
        }
    }
    mpfr_clears(soft[0], soft[1], log[0], log[1], lse, scale, (mpfr_ptr)0);
    free(x);
    free(v);
    free(o.soft);
    free(o.log);
    free(o.lse);

    const acc_stats *all[] = {&s1, &l1, &e1, &s2, &l2, &e2};
    int bad = 0;
    for (size_t i = 0; i < 6; i++) {
        acc_stats_report(all[i]);
        bad |= all[i]->failures != 0;
        if (acc_is_half(all[i]->fmt) && acc_rounded_fraction(all[i]) < MIN_ROUNDED) {
            printf("FAIL %s %s: %.4f%% correctly rounded, below %.1f%%\n", all[i]->function,
                   F->name, 100.0 * acc_rounded_fraction(all[i]), 100.0 * MIN_ROUNDED);
            bad = 1;
        }
    }
    assert_false(bad);
}

static void test_every_bf16(void **state)
{
    (void)state;
    check_format(&half_bf16, &acc_bf16);
}

static void test_every_f16(void **state)
{
    (void)state;
    check_format(&half_f16, &acc_f16);
}

static int teardown(void **state)
{
    (void)state;
    acc_measure_release();
    mpfr_free_cache();
    return 0;
}

static int setup(void **state)
{
    (void)state;
    ref_setup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_bf16),
        cmocka_unit_test(test_every_f16),
    };
    return cmocka_run_group_tests_name("accuracy_half_exhaustive", tests, setup, teardown);
}
