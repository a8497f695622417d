/* backward_f32.c — the scalar path's derivative passes for f32 (see backward.inc). */
#include "wide_f32.h"
#include "template.h"
#include "passes.h"
#include "backward.inc"
