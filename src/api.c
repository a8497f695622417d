/*
 * api.c — the public entry points of the softmax family (smx.h): status
 * names, the version, and the forward and derivative functions, whose
 * f32 and f64 twins are written once in api.inc.  Cross-entropy and NLL
 * are in api_loss.c.
 */
#include "smx.h"

#include "api_checks.h"
#include "kernels.h"
#include "plan_half.h"

const char *smx_strerror(smx_status status)
{
    switch (status) {
    case SMX_OK:
        return "success";
    case SMX_ERR_NULL_POINTER:
        return "a required pointer is NULL";
    case SMX_ERR_SIZE_OVERFLOW:
        return "the tensor size overflows size_t";
    case SMX_ERR_BAD_LABEL:
        return "a label is outside [0, cols) and is not the ignore index";
    case SMX_ERR_NO_CLASSES:
        return "cross-entropy needs at least one class (cols > 0)";
    case SMX_ERR_BAD_SCALE:
        return "scale must be finite and > 0 (temperature T > 0: scale = 1/T)";
    case SMX_ERR_BAD_MASK:
        return "a mask must have 1 row (broadcast) or one row per row";
    case SMX_ERR_BAD_WEIGHT:
        return "class weights must be finite and >= 0";
    case SMX_ERR_BAD_SMOOTHING:
        return "label smoothing must lie in [0, 1]";
    case SMX_ERR_BAD_REDUCTION:
        return "reduction must be SMX_REDUCTION_MEAN, _SUM or _NONE";
    case SMX_ERR_BAD_OPTION:
        return "an option does not apply to this function";
    case SMX_ERR_UNSUPPORTED_ISA:
        return "this CPU (or this build of smx) lacks that instruction set";
    case SMX_ERR_OUT_OF_MEMORY:
        return "out of memory for the float work of a half-precision call";
    }
    return "unknown smx_status";
}

const char *smx_version(void) { return SMX_VERSION_STRING; }

#define PUBLIC_CAT(op, sfx) smx_##op##sfx
#define PUBLIC_EXPAND(op, sfx) PUBLIC_CAT(op, sfx)

#define REAL float
#define MASK smx_mask_f32
#define PLAN(op) smx__plan_##op##_f32
#define PUBLIC(op) PUBLIC_EXPAND(op, f32)
#include "api.inc"
#undef REAL
#undef MASK
#undef PLAN
#undef PUBLIC

#define REAL double
#define MASK smx_mask_f64
#define PLAN(op) smx__plan_##op##_f64
#define PUBLIC(op) PUBLIC_EXPAND(op, f64)
#include "api.inc"
#undef REAL
#undef MASK
#undef PLAN
#undef PUBLIC

#define PUBLIC(op) PUBLIC_EXPAND(op, bf16)
#define HALF smx_bf16
#define HMASK smx_mask_bf16
#define FMT SMX__BF16
#include "api_half.inc"
#undef PUBLIC
#undef HALF
#undef HMASK
#undef FMT

#define PUBLIC(op) PUBLIC_EXPAND(op, f16)
#define HALF smx_f16
#define HMASK smx_mask_f16
#define FMT SMX__F16
#include "api_half.inc"
