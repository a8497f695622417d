/* softmax_f32.c — the scalar forward kernels for f32 (see softmax.inc). */
#include "wide_f32.h"
#include "template.h"
#include "softmax.inc"
