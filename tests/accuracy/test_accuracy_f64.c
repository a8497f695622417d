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

#include "forward_tests.inc"
