/*
 * half_api.h — the bf16 and f16 functions of smx.h behind one interface,
 * so that a test of the half-precision family is written once and run for
 * both formats.  Buffers are uint16_t arrays of encodings (the layout of
 * smx_bf16 and smx_f16 arrays); the wrappers pass them on as the format's
 * type.  Masks are given as a half_mask, NULL for none.
 */
#ifndef SMX_TEST_HALF_API_H
#define SMX_TEST_HALF_API_H

#include <stddef.h>
#include <stdint.h>

#include "smx.h"

typedef struct half_mask {
    const uint16_t *bias;
    size_t bias_rows;
    const uint8_t *keep;
    size_t keep_rows;
} half_mask;

typedef struct half_api {
    const char *name; /* "bf16", "f16" */
    int precision;    /* significand bits: 8, 11 */
    double max;       /* the largest finite value */

    float (*to_float)(uint16_t h);
    uint16_t (*from_float)(float x);
    uint16_t (*from_double)(double x);

    smx_status (*softmax)(uint16_t *y, const uint16_t *x, size_t rows, size_t cols);
    smx_status (*log_softmax)(uint16_t *y, const uint16_t *x, size_t rows, size_t cols);
    smx_status (*logsumexp)(float *out, const uint16_t *x, size_t rows, size_t cols);
    smx_status (*softmax_backward)(uint16_t *dx, const uint16_t *y, const uint16_t *dy,
                                   size_t rows, size_t cols);
    smx_status (*log_softmax_backward)(uint16_t *dx, const uint16_t *y, const uint16_t *dy,
                                       size_t rows, size_t cols);
    smx_status (*log_softmax_jvp)(uint16_t *dy, const uint16_t *y, const uint16_t *dx,
                                  size_t rows, size_t cols);
    smx_status (*softmax_axis)(uint16_t *y, const uint16_t *x, size_t outer, size_t n,
                               size_t inner);
    smx_status (*log_softmax_axis)(uint16_t *y, const uint16_t *x, size_t outer, size_t n,
                                   size_t inner);
    smx_status (*softmax_backward_axis)(uint16_t *dx, const uint16_t *y, const uint16_t *dy,
                                        size_t outer, size_t n, size_t inner);
    smx_status (*log_softmax_backward_axis)(uint16_t *dx, const uint16_t *y,
                                            const uint16_t *dy, size_t outer, size_t n,
                                            size_t inner);
    smx_status (*softmax_masked)(uint16_t *y, const uint16_t *x, size_t rows, size_t cols,
                                 float scale, const half_mask *mask);
    smx_status (*log_softmax_masked)(uint16_t *y, const uint16_t *x, size_t rows, size_t cols,
                                     float scale, const half_mask *mask);
    smx_status (*softmax_masked_backward)(uint16_t *dx, const uint16_t *y, const uint16_t *dy,
                                          size_t rows, size_t cols, float scale);
    smx_status (*log_softmax_masked_backward)(uint16_t *dx, const uint16_t *y,
                                              const uint16_t *dy, size_t rows, size_t cols,
                                              float scale);
    smx_status (*cross_entropy)(float *loss, uint16_t *dx, const uint16_t *x,
                                const int32_t *labels, size_t rows, size_t cols);
    smx_status (*cross_entropy_ex)(float *loss, uint16_t *dx, const uint16_t *x,
                                   const int32_t *labels, size_t rows, size_t cols,
                                   const smx_cross_entropy_options_f32 *options);
    smx_status (*cross_entropy_soft)(float *loss, uint16_t *dx, const uint16_t *x,
                                     const uint16_t *targets, size_t rows, size_t cols,
                                     const smx_cross_entropy_options_f32 *options);
    smx_status (*nll_loss)(float *loss, uint16_t *dx, const uint16_t *y, const int32_t *labels,
                           size_t rows, size_t cols,
                           const smx_cross_entropy_options_f32 *options);
} half_api;

extern const half_api half_bf16;
extern const half_api half_f16;

/* Both, for loops over the formats. */
extern const half_api *const half_apis[2];

#endif
