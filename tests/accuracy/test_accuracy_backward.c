/*
 * test_accuracy_backward.c — the accuracy suite of the derivative
 * functions, f32 and f64: softmax backward, log-softmax backward, the
 * log-softmax JVP and the Jacobian, against MPFR (reference_mpfr.h).
 *
 * The backward passes are differences: dx = y * (dy - <dy, y>) cancels
 * where dy_k is near <dy, y>, and no rounding of y or dy can be undone
 * there.  Their bound is therefore stated against the scale of the terms
 * (measure.h, ACC_OF_SCALE): |err| <= BACKWARD_BOUND ulp(max(|exact|, scale))
 * with
 *
 *   softmax backward       scale = y_k max(|dy_k|, |<dy, y>|)
 *   log-softmax backward   scale = max(|dy_k|, exp(y_k) |sum dy|)
 *   log-softmax JVP        scale = max(|dx_k|, |<exp(y), dx>|)
 *
 * which is BACKWARD_BOUND ulp of the result wherever nothing cancels.  The
 * Jacobian has no cancellation and gets the forward bound.  The tests are written once
 * in backward_tests.inc; docs/accuracy.md has the results.
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

#include "measure.h"
#include "reference_mpfr.h"
#include "rows.h"

/* The forward contract, for the Jacobian: representable numbers from the
 * correctly rounded result. */
#define FORWARD_BOUND 2

/* The backward bound, in ulp of max(|exact|, scale) (above). */
#define BACKWARD_BOUND 2

/* Rows per call (each case runs once per gradient pattern). */
#define ROWS 1

/* Rows printed in full when they fail (at most this many entries). */
#define DUMP_MAX_COLS 64

static void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        abort();
    return p;
}

/* v rounded to nearest in the dtype, as a double. */
static double round_to(acc_dtype t, mpfr_srcptr v)
{
    return t == ACC_F32 ? (double)mpfr_get_flt(v, MPFR_RNDN) : mpfr_get_d(v, MPFR_RNDN);
}

/* The upstream gradients (rows.h's patterns): wide spans 2^+-20, near-dot
 * d = 1e-3 U(-1, 1). */
/* Fills g[0..n) with pattern p for a row whose probabilities are y;
 * `proportional` selects the near-dot form of the log-softmax backward.
 * Values are representable in the dtype. */
static void fill_gradient(double *g, const double *y, size_t n, size_t p, int proportional,
                          acc_rng *rng, acc_dtype t)
{
    const double c = acc_round(t, acc_rng_range(rng, -3, 3));
    size_t hot = acc_rng_below(rng, n);
    for (size_t k = 0; k < n && y[hot] == 0; k++)
        hot = (hot + 1) % n; /* a position that is present */
    for (size_t k = 0; k < n; k++) {
        double v = 0;
        switch (p) {
        case 0:
            v = acc_rng_range(rng, -1, 1);
            break;
        case 1:
            v = ldexp(1 + acc_rng_unit(rng), (int)acc_rng_below(rng, 41) - 20) *
                (acc_rng_below(rng, 2) ? 1 : -1);
            break;
        case 2:
            v = c;
            break;
        case 3:
            v = k == hot ? -1.0 : 0.0;
            break;
        default:
            v = (proportional ? y[k] : c) * (1 + 1e-3 * acc_rng_range(rng, -1, 1));
            break;
        }
        g[k] = acc_round(t, v);
    }
}

/* Prints y and dy of a failing row (short rows only). */
static void dump_pair(const double *y, const double *g, size_t n)
{
    if (n > DUMP_MAX_COLS)
        return;
    printf("    y: ");
    for (size_t k = 0; k < n; k++)
        printf(" %a", y[k]);
    printf("\n    dy:");
    for (size_t k = 0; k < n; k++)
        printf(" %a", g[k]);
    printf("\n");
}

/* ------------------------------------------------------------------------ */
/* The tests, once per dtype                                                 */
/* ------------------------------------------------------------------------ */

#define REAL float
#define DTYPE ACC_F32
#define FMT (&acc_f32)
#define SMX(op) smx_##op##_f32
#define T(name) name##_f32
#define LONG_LOG2 24
#include "backward_tests.inc"
#undef REAL
#undef DTYPE
#undef FMT
#undef SMX
#undef T
#undef LONG_LOG2

#define REAL double
#define DTYPE ACC_F64
#define FMT (&acc_f64)
#define SMX(op) smx_##op##_f64
#define T(name) name##_f64
#define LONG_LOG2 24
#include "backward_tests.inc"

int main(void)
{
    const struct CMUnitTest tests_f32[] = {
        cmocka_unit_test(test_softmax_backward_f32),
        cmocka_unit_test(test_log_softmax_backward_f32),
        cmocka_unit_test(test_log_softmax_jvp_f32),
        cmocka_unit_test(test_jacobian_f32),
        cmocka_unit_test(test_long_rows_f32),
    };
    const struct CMUnitTest tests_f64[] = {
        cmocka_unit_test(test_softmax_backward_f64),
        cmocka_unit_test(test_log_softmax_backward_f64),
        cmocka_unit_test(test_log_softmax_jvp_f64),
        cmocka_unit_test(test_jacobian_f64),
        cmocka_unit_test(test_long_rows_f64),
    };
    int failed = cmocka_run_group_tests_name("accuracy_backward_f32", tests_f32, setup_f32,
                                             teardown_f32);
    failed += cmocka_run_group_tests_name("accuracy_backward_f64", tests_f64, setup_f64,
                                          teardown_f64);
    return failed != 0;
}
