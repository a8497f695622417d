/*
 * test_accuracy_f32.c — the forward accuracy suite for float: softmax,
 * log-softmax, logsumexp, cross-entropy (plain and with options), the
 * masked forms and rows of 2^24 entries, against MPFR.  The tests are
 * written once in forward_tests.inc; docs/accuracy.md has the results.
 */
#include "smx.h"

#include "measure.h"
#include "rows.h"

#define REAL float
#define DTYPE ACC_F32
#define FMT (&acc_f32)
#define SMX(op) smx_##op##_f32
#define CE_OPTIONS smx_cross_entropy_options_f32
#define MASK smx_mask_f32
#define SUITE_NAME "accuracy_f32"
/* Long rows of 2^24 floats (64 MiB per buffer), all patterns. */
#define LONG_LOG2 24
#define LONG_SHORT_LOG2 24

#include "forward_tests.inc"
