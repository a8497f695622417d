/* plan_f32.c — the planner for f32 (plan.inc), and for bf16 and f16 over it
 * (plan_half.inc). */
#include "scalar/wide_f32.h"
#include "plan.inc"
#include "plan_half.inc"
