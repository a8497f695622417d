/*
 * api_loss.c — the public cross-entropy and NLL entry points (smx.h),
 * f32 and f64 twins written once in api_loss.inc.
 */
#include "smx.h"

#include "api_checks.h"
#include "kernels.h"

#define PUBLIC_CAT(op, sfx) smx_##op##sfx
#define PUBLIC_EXPAND(op, sfx) PUBLIC_CAT(op, sfx)

#define REAL float
#define OPTIONS smx_cross_entropy_options_f32
#define PLAN(op) smx__plan_##op##_f32
#define PUBLIC(op) PUBLIC_EXPAND(op, f32)
#include "api_loss.inc"
#undef REAL
#undef OPTIONS
#undef PLAN
#undef PUBLIC

#define REAL double
#define OPTIONS smx_cross_entropy_options_f64
#define PLAN(op) smx__plan_##op##_f64
#define PUBLIC(op) PUBLIC_EXPAND(op, f64)
#include "api_loss.inc"
