/*
 * test_feature_rank.c — the ANOVA F statistic behind the default
 * features of `smx train --plot-regions`, and the choice of the pair:
 * Iris's F against exact rational arithmetic on the same float data
 * (Python's fractions), the perfect and the useless feature, ties, and
 * --plot-features by name and position and each bad spec.
 */
#include "feature_rank.h"

#include "iris_data.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* F of each Iris feature, computed exactly from the float values of the
 * embedded data and rounded once (fractions.Fraction in Python). */
static const double iris_f[4] = {119.2645115954626, 49.16004081783634, 1180.1612100543584,
                                 960.0070884544336};

static void iris_f_matches_exact_arithmetic(void **state)
{
    (void)state;
    double F[NN_IRIS_FEATURES];
    features_f_statistic(F, nn_iris_x, nn_iris_y, NN_IRIS_ROWS,
                         NN_IRIS_FEATURES, NN_IRIS_CLASSES);
    for (int f = 0; f < 4; f++)
        assert_true(fabs(F[f] - iris_f[f]) <= 1e-12 * iris_f[f]);
    size_t pair[2];
    assert_int_equal(features_pick_pair(pair, NULL, nn_iris_feature_names, 4, F), 0);
    assert_int_equal(pair[0], 2); /* petal_length, petal_width, in column order */
    assert_int_equal(pair[1], 3);
}

static void perfect_useless_and_ties(void **state)
{
    (void)state;
    /* columns: constant; the class itself (perfect); class + noise; noise */
    enum { ROWS = 6, FEATURES = 4 };
    const int32_t y[ROWS] = {0, 0, 0, 1, 1, 1};
    const float x[ROWS * FEATURES] = {
        7, 0, 0.1f, 1, /**/ 7, 0, -0.1f, 2, /**/ 7, 0, 0.0f, 3,
        7, 1, 1.1f, 1, /**/ 7, 1, 0.9f, 2, /**/ 7, 1, 1.0f, 3,
    };
    double F[FEATURES];
    features_f_statistic(F, x, y, ROWS, FEATURES, 2);
    assert_true(F[0] == 0.0);
    assert_true(isinf(F[1]) && F[1] > 0);
    /* between 6 x 0.25 x 1 / 1 = 1.5 (float's 0.1 and 1.1 aside), within 0.04 / 4 */
    assert_true(fabs(F[2] - 150.0) < 1e-4);
    assert_true(F[3] == 0.0);
    size_t pair[2];
    assert_int_equal(features_pick_pair(pair, NULL, NULL, FEATURES, F), 0);
    assert_int_equal(pair[0], 1);
    assert_int_equal(pair[1], 2);
    /* all equal: the first two */
    const double flat[3] = {5, 5, 5};
    assert_int_equal(features_pick_pair(pair, NULL, NULL, 3, flat), 0);
    assert_int_equal(pair[0], 0);
    assert_int_equal(pair[1], 1);
    /* the best last: still in column order */
    const double rising[3] = {1, 2, 3};
    assert_int_equal(features_pick_pair(pair, NULL, NULL, 3, rising), 0);
    assert_int_equal(pair[0], 1);
    assert_int_equal(pair[1], 2);
}

static void named_pairs_and_bad_specs(void **state)
{
    (void)state;
    const double F[4] = {1, 2, 3, 4};
    const char *const *names = nn_iris_feature_names;
    size_t pair[2] = {9, 9};
    assert_int_equal(features_pick_pair(pair, "petal_width,sepal_length", names, 4, F), 0);
    assert_int_equal(pair[0], 3); /* the given order: across, then up */
    assert_int_equal(pair[1], 0);
    assert_int_equal(features_pick_pair(pair, "2,sepal_length", names, 4, F), 0);
    assert_int_equal(pair[0], 1);
    assert_int_equal(pair[1], 0);
    const char *bad[] = {"1", "1,2,3", "1,1", "petal_width,3.5", "0,1", "1,5", "petal,1", ",1",
                         ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(features_pick_pair(pair, bad[i], names, 4, F), 0);
    assert_int_not_equal(features_pick_pair(pair, NULL, names, 1, F), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iris_f_matches_exact_arithmetic),
        cmocka_unit_test(perfect_useless_and_ties),
        cmocka_unit_test(named_pairs_and_bad_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
