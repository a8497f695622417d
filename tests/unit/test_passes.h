/*
 * test_passes.h — the tests of test_passes.c, each compiled once per dtype
 * from test_passes.inc (test_passes_f32.c, test_passes_f64.c) as
 * <test>_f32 and <test>_f64.
 */
#ifndef SMX_TEST_PASSES_H
#define SMX_TEST_PASSES_H

#include "test_util.h"

#define PASS_TESTS(X)                                                                        \
    X(test_tables)                                                                           \
    X(test_forward_rows)                                                                     \
    X(test_forward_columns)                                                                  \
    X(test_masked_rows)                                                                      \
    X(test_logsumexp_rows)                                                                   \
    X(test_backward_rows)                                                                    \
    X(test_backward_columns)                                                                 \
    X(test_jacobian_rows)                                                                    \
    X(test_cross_entropy_rows)                                                               \
    X(test_nll_span)                                                                         \
    X(test_span_forward)                                                                     \
    X(test_span_backward)

#define DECLARE_PASS_TEST(fn)                                                                \
    void fn##_f32(void **state);                                                             \
    void fn##_f64(void **state);
PASS_TESTS(DECLARE_PASS_TEST)
#undef DECLARE_PASS_TEST

#endif
