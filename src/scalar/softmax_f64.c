/* softmax_f64.c — the scalar path's forward passes for f64 (see softmax.inc). */
#include "wide_f64.h"
#include "template.h"
#include "passes.h"
#include "softmax.inc"
