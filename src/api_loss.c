/*
 * api_loss.c — the public cross-entropy and NLL entry points (smx.h),
 * f32 and f64 twins written once in api_loss.inc, the bf16 and f16 ones in
 * api_half_loss.inc.
 */
#include "smx.h"

#include "api_checks.h"
#include "kernels.h"
#include "plan_half.h"

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
#undef REAL
#undef OPTIONS
#undef PLAN
#undef PUBLIC

/* The half formats' losses take the f32 options and their checks. */
#define PUBLIC(op) PUBLIC_EXPAND(op, bf16)
#define HALF smx_bf16
#define FMT SMX__BF16
#include "api_half_loss.inc"
#undef PUBLIC
#undef HALF
#undef FMT

#define PUBLIC(op) PUBLIC_EXPAND(op, f16)
#define HALF smx_f16
#define FMT SMX__F16
#include "api_half_loss.inc"
