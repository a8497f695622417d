/* loss_f32.c — the scalar path's loss passes for f32 (see loss.inc). */
#include "wide_f32.h"
#include "template.h"
#include "passes.h"
#include "loss.inc"
