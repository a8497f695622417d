/* plan_f64.c — the planner for f64 (plan.inc). */
#include "scalar/wide_f64.h"
#include "scalar/backward_shift.h"
#include "plan.inc"
