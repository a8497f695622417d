/* loss_f64.c — the scalar cross-entropy and NLL kernels for f64 (see loss.inc). */
#include "wide_f64.h"
#include "template.h"
#include "loss.inc"
