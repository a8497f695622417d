/*
 * test_accuracy_f64.c — the forward accuracy suite for double: softmax,
 * log-softmax, logsumexp, cross-entropy (plain and with options), the
 * masked forms and rows of 2^24 entries, against MPFR.  The tests are
 * written once in forward_tests.inc; docs/accuracy.md has the results.
 */
#include "smx.h"

#include "measure.h"
#include "rows.h"

#define REAL double
#define DTYPE ACC_F64
#define FMT (&acc_f64)
#define SMX(op) smx_##op##_f64
#define CE_OPTIONS smx_cross_entropy_options_f64
#define MASK smx_mask_f64
#define SUITE_NAME "accuracy_f64"
/* Long rows of 2^24 doubles (128 MiB per buffer) for the two patterns
 * that stress the sum most, 2^20 for the others. */
#define LONG_LOG2 24
#define LONG_SHORT_LOG2 20
/* Log-softmax, logsumexp and the loss take log1p of the row's sum of
 * exponentials to 2^-63, so their error is that of the sum plus the final
 * rounding: the vector paths' exps are within 2^-57 (a few hundredths of
 * an ulp over 0.5), the scalar kernels' are libm's (about 0.5 ulp each).
 * libm's log1p gave 0.97 to 1.18 ulp here. */
#define LOG_SOFTMAX_ULP_SCALAR 1.0
#define LOG_SOFTMAX_ULP_VECTOR 0.5625
#define LOGSUMEXP_ULP_SCALAR 0.75
#define LOGSUMEXP_ULP_VECTOR 0.5625
#define CROSS_ENTROPY_LOSS_ULP_SCALAR 0.5625
#define CROSS_ENTROPY_LOSS_ULP_VECTOR 0.5625

#include "forward_tests.inc"
