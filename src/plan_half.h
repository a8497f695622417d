/*
 * plan_half.h — the planner's entries for the half-precision functions
 * (plan_half.inc, compiled into plan_f32.c beside the f32 planner whose
 * blocks they run).  An array of halves is passed as its uint16_t
 * encoding with its format; each entry returns SMX_OK, or
 * SMX_ERR_OUT_OF_MEMORY having written nothing.
 */
#ifndef SMX_PLAN_HALF_H
#define SMX_PLAN_HALF_H

#include "kernels.h"

#include <stddef.h>
#include <stdint.h>

typedef enum smx__half_format { SMX__BF16, SMX__F16 } smx__half_format;

/* The mask of a half-precision call: bias in the call's format. */
typedef struct smx__half_mask {
    const uint16_t *bias;
    size_t bias_rows;
    const uint8_t *keep;
    size_t keep_rows;
} smx__half_mask;

/* softmax (log_form 0) or log-softmax (1) along the middle axis of
 * [outer, n, inner]; the masked forms with scale and mask (rows x cols). */
SMX_PRIVATE smx_status smx__plan_half_forward(smx__half_format fmt, uint16_t *y,
                                              const uint16_t *x, size_t outer, size_t n,
                                              size_t inner, int log_form);
SMX_PRIVATE smx_status smx__plan_half_masked(smx__half_format fmt, uint16_t *y,
                                             const uint16_t *x, size_t rows, size_t cols,
                                             float scale, const smx__half_mask *mask,
                                             int log_form);
SMX_PRIVATE smx_status smx__plan_half_logsumexp(smx__half_format fmt, float *out,
                                                const uint16_t *x, size_t rows, size_t cols);

/* The backward passes (log_form 0 or 1) along the middle axis, and the
 * log-softmax JVP on rows (dy from y and dx). */
SMX_PRIVATE smx_status smx__plan_half_backward(smx__half_format fmt, uint16_t *dx,
                                               const uint16_t *y, const uint16_t *dy,
                                               size_t outer, size_t n, size_t inner,
                                               float scale, int log_form);
SMX_PRIVATE smx_status smx__plan_half_jvp(smx__half_format fmt, uint16_t *dy,
                                          const uint16_t *y, const uint16_t *dx, size_t rows,
                                          size_t cols);

/* The cross-entropy (hard labels, or soft targets when labels is NULL) and
 * the NLL loss, options checked by the caller; the loss in float. */
SMX_PRIVATE smx_status smx__plan_half_cross_entropy(smx__half_format fmt, float *loss,
                                                    uint16_t *dx, const uint16_t *x,
                                                    const int32_t *labels,
                                                    const uint16_t *targets, size_t rows,
                                                    size_t cols, const float *class_weights,
                                                    float label_smoothing,
                                                    const smx__loss_params *params);
SMX_PRIVATE smx_status smx__plan_half_nll(smx__half_format fmt, float *loss, uint16_t *dx,
                                          const uint16_t *y, const int32_t *labels,
                                          size_t rows, size_t cols, const float *class_weights,
                                          float label_smoothing,
                                          const smx__loss_params *params);

#endif
