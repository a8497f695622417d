/* backward_f32.c — the scalar derivative kernels for f32 (see backward.inc). */
#include "wide_f32.h"
#include "template.h"
#include "backward.inc"
