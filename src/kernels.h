/*
 * kernels.h — the private interface between the public API (api*.c) and
 * the kernels: one table per dtype and path, one entry per operation of
 * registry.h.
 *
 * The API checks every argument once and then calls a table entry; the
 * entries only assert.  dispatch.c picks the table.  Every kernel takes
 * whole batches, so that an implementation is free to vectorise across
 * rows when rows are short.
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

/* A table: the path's name, then a kernel for every operation of
 * registry.h, as void (*op)(parameters). */
#define SMX__TABLE_FIELD(isa, sfx, op, params, ...) void(*op) params;

typedef struct smx__kernels_f32 {
    const char *name;
    SMX__OPERATIONS_OF(SMX__TABLE_FIELD, any, f32)
} smx__kernels_f32;

typedef struct smx__kernels_f64 {
    const char *name;
    SMX__OPERATIONS_OF(SMX__TABLE_FIELD, any, f64)
} smx__kernels_f64;

/* The active tables (dispatch.c). */
SMX_PRIVATE const smx__kernels_f32 *smx__kernels_f32_active(void);
SMX_PRIVATE const smx__kernels_f64 *smx__kernels_f64_active(void);

/* Every kernel of every path, one per operation and dtype:
 * smx__scalar_<op>_<dtype>, the portable reference (scalar/), and
 * smx__<isa>_<op>_<dtype>, the vector kernels (simd/, compiled once per
 * ISA).  The files that define them include this header, so a definition
 * that strays from its registry line does not compile. */
#define SMX__DECLARE_KERNEL(isa, sfx, op, params, ...) \
    SMX_PRIVATE void SMX__KERNEL(isa, op, sfx) params;
#define SMX__DECLARE_KERNELS(isa)                        \
    SMX__OPERATIONS_OF(SMX__DECLARE_KERNEL, isa, f32) \
    SMX__OPERATIONS_OF(SMX__DECLARE_KERNEL, isa, f64)

SMX__DECLARE_KERNELS(scalar)
SMX__DECLARE_KERNELS(avx2)
SMX__DECLARE_KERNELS(avx512)
SMX__DECLARE_KERNELS(neon)

#endif
