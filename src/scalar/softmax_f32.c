/* softmax_f32.c — the scalar path's forward passes for f32 (see softmax.inc). */
#include "wide_f32.h"
#include "template.h"
#include "passes.h"
#include "softmax.inc"
