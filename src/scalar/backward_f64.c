/* backward_f64.c — the scalar path's derivative passes for f64 (see backward.inc). */
#include "wide_f64.h"
#include "template.h"
#include "passes.h"
#include "backward.inc"
