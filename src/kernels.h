/*
 * kernels.h — the private interface between the public API (api*.c) and
 * the layer below it: the planner's entry for every operation of
 * registry.h, and the types they share with the passes (passes.h).
 *
 * The API checks every argument once and then calls the planner, which
 * cuts the work into blocks and runs the active path's passes on them;
 * below the API nothing checks arguments again, it only asserts.  Every
 * entry takes whole batches.
 *
 * Shapes: `outer, n, inner` is a contiguous [outer, n, inner] tensor
 * reduced along n (rows x cols is inner == 1).  `scale` is 1 for the
 * plain functions.
 */
#ifndef SMX_KERNELS_H
#define SMX_KERNELS_H

#include "smx.h"

#include "registry.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define SMX_PRIVATE __attribute__((visibility("hidden")))
#else
#define SMX_PRIVATE
#endif

/* What a masked forward pass needs besides the scores. */
typedef enum smx__empty_row {
    SMX__EMPTY_ROW_IS_NAN,   /* plain functions: an all -inf row is 0/0 */
    SMX__EMPTY_ROW_IS_ZERO   /* mask API: a fully masked row is intent */
} smx__empty_row;

/* Cross-entropy options once checked, shared by both dtypes' kernels. */
typedef struct smx__loss_params {
    smx_reduction reduction;
    int has_ignore_index;
    int32_t ignore_index;
} smx__loss_params;

/* The planner's entry for every operation of registry.h and dtype,
 * smx__plan_<op>_<dtype> (plan.inc, compiled by plan_f32.c and plan_f64.c):
 * what the public functions call once their arguments are checked.  The
 * files that define them include this header, so a definition that strays
 * from its registry line does not compile. */
#define SMX__DECLARE_KERNEL(isa, sfx, op, params, ...) \
    SMX_PRIVATE void SMX__KERNEL(isa, op, sfx) params;
SMX__OPERATIONS_OF(SMX__DECLARE_KERNEL, plan, f32)
SMX__OPERATIONS_OF(SMX__DECLARE_KERNEL, plan, f64)

#endif
