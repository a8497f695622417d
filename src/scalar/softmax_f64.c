/* softmax_f64.c — the scalar forward kernels for f64 (see softmax.inc). */
#include "wide_f64.h"
#include "template.h"
#include "softmax.inc"
