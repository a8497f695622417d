/*
 * kernels.h — the private interface between the public API (api*.c) and
 * the kernels: one table per dtype, one entry per operation.
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

#define SMX__DECLARE_KERNEL_TABLE(sfx, real, mask_t)                                         \
    typedef struct smx__kernels_##sfx {                                                      \
        const char *name;                                                                    \
        void (*softmax)(real *y, const real *x, size_t outer, size_t n, size_t inner);       \
        void (*log_softmax)(real *y, const real *x, size_t outer, size_t n, size_t inner);   \
        void (*softmax_masked)(real *y, const real *x, size_t rows, size_t cols, real scale, \
                               const mask_t *mask);                                          \
        void (*log_softmax_masked)(real *y, const real *x, size_t rows, size_t cols,         \
                                   real scale, const mask_t *mask);                          \
        void (*logsumexp)(real *out, const real *x, size_t rows, size_t cols);               \
        void (*softmax_backward)(real *dx, const real *y, const real *dy, size_t outer,      \
                                 size_t n, size_t inner, real scale);                        \
        void (*log_softmax_backward)(real *dx, const real *y, const real *dy, size_t outer,  \
                                     size_t n, size_t inner, real scale);                    \
        void (*log_softmax_jvp)(real *dy, const real *y, const real *dx, size_t rows,        \
                                size_t cols);                                                \
        void (*jacobian)(real *jac, const real *y, size_t n);                                \
        /* labels != NULL: hard labels; else targets (rows x cols) */                        \
        void (*cross_entropy)(real *loss, real *dx, const real *x, const int32_t *labels,    \
                              const real *targets, size_t rows, size_t cols,                 \
                              const real *class_weights, real label_smoothing,               \
                              const smx__loss_params *params);                               \
        void (*nll_loss)(real *loss, real *dx, const real *y, const int32_t *labels,         \
                         size_t rows, size_t cols, const real *class_weights,                \
                         real label_smoothing, const smx__loss_params *params);              \
    } smx__kernels_##sfx;

SMX__DECLARE_KERNEL_TABLE(f32, float, smx_mask_f32)
SMX__DECLARE_KERNEL_TABLE(f64, double, smx_mask_f64)

/* The active tables (dispatch.c). */
SMX_PRIVATE const smx__kernels_f32 *smx__kernels_f32_active(void);
SMX_PRIVATE const smx__kernels_f64 *smx__kernels_f64_active(void);

/* The portable reference kernels (scalar/), one function per entry. */
#define SMX__DECLARE_SCALAR(sfx, real, mask_t)                                               \
    SMX_PRIVATE void smx__scalar_softmax_##sfx(real *, const real *, size_t, size_t, size_t); \
    SMX_PRIVATE void smx__scalar_log_softmax_##sfx(real *, const real *, size_t, size_t,     \
                                                   size_t);                                  \
    SMX_PRIVATE void smx__scalar_softmax_masked_##sfx(real *, const real *, size_t, size_t,  \
                                                      real, const mask_t *);                 \
    SMX_PRIVATE void smx__scalar_log_softmax_masked_##sfx(real *, const real *, size_t,      \
                                                          size_t, real, const mask_t *);     \
    SMX_PRIVATE void smx__scalar_logsumexp_##sfx(real *, const real *, size_t, size_t);      \
    SMX_PRIVATE void smx__scalar_softmax_backward_##sfx(real *, const real *, const real *,  \
                                                        size_t, size_t, size_t, real);       \
    SMX_PRIVATE void smx__scalar_log_softmax_backward_##sfx(                                 \
        real *, const real *, const real *, size_t, size_t, size_t, real);                   \
    SMX_PRIVATE void smx__scalar_log_softmax_jvp_##sfx(real *, const real *, const real *,   \
                                                       size_t, size_t);                      \
    SMX_PRIVATE void smx__scalar_jacobian_##sfx(real *, const real *, size_t);               \
    SMX_PRIVATE void smx__scalar_cross_entropy_##sfx(                                        \
        real *, real *, const real *, const int32_t *, const real *, size_t, size_t,         \
        const real *, real, const smx__loss_params *);                                       \
    SMX_PRIVATE void smx__scalar_nll_loss_##sfx(real *, real *, const real *,                \
                                                const int32_t *, size_t, size_t,             \
                                                const real *, real,                          \
                                                const smx__loss_params *);

SMX__DECLARE_SCALAR(f32, float, smx_mask_f32)
SMX__DECLARE_SCALAR(f64, double, smx_mask_f64)

/* The vector kernels (simd/kernels_f32.inc and kernels_f64.inc, one copy
 * per ISA), one for every entry of a table. */
#define SMX__DECLARE_SIMD(isa, sfx, real, mask_t)                                            \
    SMX_PRIVATE void smx__##isa##_softmax_##sfx(real *, const real *, size_t, size_t,       \
                                                size_t);                                     \
    SMX_PRIVATE void smx__##isa##_log_softmax_##sfx(real *, const real *, size_t, size_t,   \
                                                    size_t);                                 \
    SMX_PRIVATE void smx__##isa##_logsumexp_##sfx(real *, const real *, size_t, size_t);    \
    SMX_PRIVATE void smx__##isa##_softmax_masked_##sfx(real *, const real *, size_t, size_t, \
                                                       real, const mask_t *);                \
    SMX_PRIVATE void smx__##isa##_log_softmax_masked_##sfx(real *, const real *, size_t,     \
                                                           size_t, real, const mask_t *);    \
    SMX_PRIVATE void smx__##isa##_softmax_backward_##sfx(real *, const real *, const real *, \
                                                         size_t, size_t, size_t, real);      \
    SMX_PRIVATE void smx__##isa##_log_softmax_backward_##sfx(                                \
        real *, const real *, const real *, size_t, size_t, size_t, real);                   \
    SMX_PRIVATE void smx__##isa##_log_softmax_jvp_##sfx(real *, const real *, const real *, \
                                                        size_t, size_t);                     \
    SMX_PRIVATE void smx__##isa##_jacobian_##sfx(real *, const real *, size_t);             \
    SMX_PRIVATE void smx__##isa##_cross_entropy_##sfx(                                       \
        real *, real *, const real *, const int32_t *, const real *, size_t, size_t,         \
        const real *, real, const smx__loss_params *);                                       \
    SMX_PRIVATE void smx__##isa##_nll_loss_##sfx(real *, real *, const real *,               \
                                                 const int32_t *, size_t, size_t,            \
                                                 const real *, real,                         \
                                                 const smx__loss_params *);

SMX__DECLARE_SIMD(avx512, f32, float, smx_mask_f32)
SMX__DECLARE_SIMD(avx2, f32, float, smx_mask_f32)
SMX__DECLARE_SIMD(neon, f32, float, smx_mask_f32)
SMX__DECLARE_SIMD(avx512, f64, double, smx_mask_f64)
SMX__DECLARE_SIMD(avx2, f64, double, smx_mask_f64)
SMX__DECLARE_SIMD(neon, f64, double, smx_mask_f64)

#endif
