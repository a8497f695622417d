/* passes_f64.c — the scalar path's table of f64 passes (passes.h): the
 * passes of softmax.inc, backward.inc and loss.inc, without those over
 * spans of a long row, so that the planner keeps each row whole. */
#include "wide_f64.h"
#include "template.h"
#include "passes.h"

#define PASS(pass) SCALAR_PASS(pass)
SMX__DEFINE_ROWS_PATH(scalar, 1, 0, 1)
