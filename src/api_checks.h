/*
 * api_checks.h — the argument checks the public API makes once, before
 * any output is written.  Kernels only assert.
 */
#ifndef SMX_API_CHECKS_H
#define SMX_API_CHECKS_H

#include "smx.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Checks a status and returns it from the caller when it is an error. */
#define SMX_TRY(expr)                                                                        \
    do {                                                                                     \
        const smx_status try_status_ = (expr);                                               \
        if (try_status_ != SMX_OK)                                                           \
            return try_status_;                                                              \
    } while (0)

/* *count = a * b * c elements, each `size` bytes; an error when the count
 * or its bytes overflow size_t (no such buffer can exist). */
static inline smx_status smx__count(size_t *count, size_t a, size_t b, size_t c, size_t size)
{
    size_t n = a;
    if (b != 0 && n > SIZE_MAX / b)
        return SMX_ERR_SIZE_OVERFLOW;
    n *= b;
    if (c != 0 && n > SIZE_MAX / c)
        return SMX_ERR_SIZE_OVERFLOW;
    n *= c;
    if (n > SIZE_MAX / size)
        return SMX_ERR_SIZE_OVERFLOW;
    *count = n;
    return SMX_OK;
}

/* A pointer may be NULL only when it addresses no element. */
static inline smx_status smx__need(const void *p, size_t count)
{
    return (p == NULL && count != 0) ? SMX_ERR_NULL_POINTER : SMX_OK;
}

/* scale = 1/T multiplies the scores: finite and > 0 (NaN fails too). */
static inline smx_status smx__check_scale(double scale)
{
    return (scale > 0 && isfinite(scale)) ? SMX_OK : SMX_ERR_BAD_SCALE;
}

/* One mask of a smx_mask_*: absent (NULL and 0 rows), or `mask_rows`
 * rows of cols entries with mask_rows 1 (broadcast) or rows. */
static inline smx_status smx__check_mask_part(const void *p, size_t mask_rows, size_t rows)
{
    if (p == NULL)
        return mask_rows == 0 ? SMX_OK : SMX_ERR_NULL_POINTER;
    return (mask_rows == 1 || mask_rows == rows) ? SMX_OK : SMX_ERR_BAD_MASK;
}

static inline smx_status smx__check_reduction(smx_reduction reduction)
{
    switch (reduction) {
    case SMX_REDUCTION_MEAN:
    case SMX_REDUCTION_SUM:
    case SMX_REDUCTION_NONE:
        return SMX_OK;
    }
    return SMX_ERR_BAD_REDUCTION;
}

static inline smx_status smx__check_smoothing(double eps)
{
    return (eps >= 0 && eps <= 1) ? SMX_OK : SMX_ERR_BAD_SMOOTHING;
}

/* Every label in [0, cols), or the ignore index when there is one. */
static inline smx_status smx__check_labels(const int32_t *labels, size_t rows, size_t cols,
                                           int has_ignore_index, int32_t ignore_index)
{
    for (size_t r = 0; r < rows; r++) {
        const int32_t c = labels[r];
        if (has_ignore_index && c == ignore_index)
            continue;
        if (c < 0 || (uint64_t)c >= (uint64_t)cols)
            return SMX_ERR_BAD_LABEL;
    }
    return SMX_OK;
}

#endif
