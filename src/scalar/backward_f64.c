/* backward_f64.c — the scalar derivative kernels for f64 (see backward.inc). */
#include "wide_f64.h"
#include "template.h"
#include "backward.inc"
