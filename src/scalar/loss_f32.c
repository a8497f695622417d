/* loss_f32.c — the scalar cross-entropy and NLL kernels for f32 (see loss.inc). */
#include "wide_f32.h"
#include "template.h"
#include "loss.inc"
