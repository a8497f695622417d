/* plan_f32.c — the planner for f32 (plan.inc). */
#include "scalar/wide_f32.h"
#include "plan.inc"
