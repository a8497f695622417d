/* loss_f64.c — the scalar path's loss passes for f64 (see loss.inc). */
#include "wide_f64.h"
#include "template.h"
#include "passes.h"
#include "loss.inc"
