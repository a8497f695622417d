/*
 * half_api.c — the two half_api tables (half_api.h): one wrapper per
 * function and format, generated from the same lines for both.
 */
#include "half_api.h"

#define HALF_WRAPPERS(sfx, T, MASK_T)                                                        \
    static float sfx##_to_float(uint16_t h)                                                  \
    {                                                                                        \
        const T v = {h};                                                                     \
        return smx_##sfx##_to_f32(v);                                                        \
    }                                                                                        \
    static uint16_t sfx##_from_float(float x) { return smx_f32_to_##sfx(x).bits; }           \
    static uint16_t sfx##_from_double(double x) { return smx_f64_to_##sfx(x).bits; }         \
    static smx_status sfx##_softmax(uint16_t *y, const uint16_t *x, size_t r, size_t c)      \
    {                                                                                        \
        return smx_softmax_##sfx((T *)y, (const T *)x, r, c);                                \
    }                                                                                        \
    static smx_status sfx##_log_softmax(uint16_t *y, const uint16_t *x, size_t r, size_t c)  \
    {                                                                                        \
        return smx_log_softmax_##sfx((T *)y, (const T *)x, r, c);                            \
    }                                                                                        \
    static smx_status sfx##_logsumexp(float *out, const uint16_t *x, size_t r, size_t c)     \
    {                                                                                        \
        return smx_logsumexp_##sfx(out, (const T *)x, r, c);                                 \
    }                                                                                        \
    static smx_status sfx##_softmax_backward(uint16_t *dx, const uint16_t *y,                \
                                             const uint16_t *dy, size_t r, size_t c)         \
    {                                                                                        \
        return smx_softmax_backward_##sfx((T *)dx, (const T *)y, (const T *)dy, r, c);       \
    }                                                                                        \
    static smx_status sfx##_log_softmax_backward(uint16_t *dx, const uint16_t *y,            \
                                                 const uint16_t *dy, size_t r, size_t c)     \
    {                                                                                        \
        return smx_log_softmax_backward_##sfx((T *)dx, (const T *)y, (const T *)dy, r, c);   \
    }                                                                                        \
    static smx_status sfx##_log_softmax_jvp(uint16_t *dy, const uint16_t *y,                 \
                                            const uint16_t *dx, size_t r, size_t c)          \
    {                                                                                        \
        return smx_log_softmax_jvp_##sfx((T *)dy, (const T *)y, (const T *)dx, r, c);        \
    }                                                                                        \
    static smx_status sfx##_softmax_axis(uint16_t *y, const uint16_t *x, size_t o, size_t n, \
                                         size_t i)                                           \
    {                                                                                        \
        return smx_softmax_axis_##sfx((T *)y, (const T *)x, o, n, i);                        \
    }                                                                                        \
    static smx_status sfx##_log_softmax_axis(uint16_t *y, const uint16_t *x, size_t o,       \
                                             size_t n, size_t i)                             \
    {                                                                                        \
        return smx_log_softmax_axis_##sfx((T *)y, (const T *)x, o, n, i);                    \
    }                                                                                        \
    static smx_status sfx##_softmax_backward_axis(uint16_t *dx, const uint16_t *y,           \
                                                  const uint16_t *dy, size_t o, size_t n,    \
                                                  size_t i)                                  \
    {                                                                                        \
        return smx_softmax_backward_axis_##sfx((T *)dx, (const T *)y, (const T *)dy, o, n,   \
                                               i);                                           \
    }                                                                                        \
    static smx_status sfx##_log_softmax_backward_axis(uint16_t *dx, const uint16_t *y,       \
                                                      const uint16_t *dy, size_t o,          \
                                                      size_t n, size_t i)                    \
    {                                                                                        \
        return smx_log_softmax_backward_axis_##sfx((T *)dx, (const T *)y, (const T *)dy, o,  \
                                                   n, i);                                    \
    }                                                                                        \
    static smx_status sfx##_masked(uint16_t *y, const uint16_t *x, size_t r, size_t c,       \
                                   float scale, const half_mask *m, int log_form)            \
    {                                                                                        \
        MASK_T mask;                                                                         \
        if (m) {                                                                             \
            mask.bias = (const T *)m->bias;                                                  \
            mask.bias_rows = m->bias_rows;                                                   \
            mask.keep = m->keep;                                                             \
            mask.keep_rows = m->keep_rows;                                                   \
        }                                                                                    \
        return log_form ? smx_log_softmax_masked_##sfx((T *)y, (const T *)x, r, c, scale,    \
                                                       m ? &mask : NULL)                     \
                        : smx_softmax_masked_##sfx((T *)y, (const T *)x, r, c, scale,        \
                                                   m ? &mask : NULL);                        \
    }                                                                                        \
    static smx_status sfx##_softmax_masked(uint16_t *y, const uint16_t *x, size_t r,         \
                                           size_t c, float scale, const half_mask *m)        \
    {                                                                                        \
        return sfx##_masked(y, x, r, c, scale, m, 0);                                        \
    }                                                                                        \
    static smx_status sfx##_log_softmax_masked(uint16_t *y, const uint16_t *x, size_t r,     \
                                               size_t c, float scale, const half_mask *m)    \
    {                                                                                        \
        return sfx##_masked(y, x, r, c, scale, m, 1);                                        \
    }                                                                                        \
    static smx_status sfx##_softmax_masked_backward(uint16_t *dx, const uint16_t *y,         \
                                                    const uint16_t *dy, size_t r, size_t c,  \
                                                    float scale)                             \
    {                                                                                        \
        return smx_softmax_masked_backward_##sfx((T *)dx, (const T *)y, (const T *)dy, r, c, \
                                                 scale);                                     \
    }                                                                                        \
    static smx_status sfx##_log_softmax_masked_backward(uint16_t *dx, const uint16_t *y,     \
                                                        const uint16_t *dy, size_t r,        \
                                                        size_t c, float scale)               \
    {                                                                                        \
        return smx_log_softmax_masked_backward_##sfx((T *)dx, (const T *)y, (const T *)dy,   \
                                                     r, c, scale);                           \
    }                                                                                        \
    static smx_status sfx##_cross_entropy(float *loss, uint16_t *dx, const uint16_t *x,      \
                                          const int32_t *labels, size_t r, size_t c)         \
    {                                                                                        \
        return smx_cross_entropy_##sfx(loss, (T *)dx, (const T *)x, labels, r, c);           \
    }                                                                                        \
    static smx_status sfx##_cross_entropy_ex(float *loss, uint16_t *dx, const uint16_t *x,   \
                                             const int32_t *labels, size_t r, size_t c,      \
                                             const smx_cross_entropy_options_f32 *o)         \
    {                                                                                        \
        return smx_cross_entropy_ex_##sfx(loss, (T *)dx, (const T *)x, labels, r, c, o);     \
    }                                                                                        \
    static smx_status sfx##_cross_entropy_soft(float *loss, uint16_t *dx, const uint16_t *x, \
                                               const uint16_t *t, size_t r, size_t c,        \
                                               const smx_cross_entropy_options_f32 *o)       \
    {                                                                                        \
        return smx_cross_entropy_soft_##sfx(loss, (T *)dx, (const T *)x, (const T *)t, r, c, \
                                            o);                                              \
    }                                                                                        \
    static smx_status sfx##_nll_loss(float *loss, uint16_t *dx, const uint16_t *y,           \
                                     const int32_t *labels, size_t r, size_t c,              \
                                     const smx_cross_entropy_options_f32 *o)                 \
    {                                                                                        \
        return smx_nll_loss_##sfx(loss, (T *)dx, (const T *)y, labels, r, c, o);             \
    }

HALF_WRAPPERS(bf16, smx_bf16, smx_mask_bf16)
HALF_WRAPPERS(f16, smx_f16, smx_mask_f16)

#define HALF_TABLE(sfx, prec, maxv)                                                          \
    {#sfx,                                                                                   \
     prec,                                                                                   \
     maxv,                                                                                   \
     sfx##_to_float,                                                                         \
     sfx##_from_float,                                                                       \
     sfx##_from_double,                                                                      \
     sfx##_softmax,                                                                          \
     sfx##_log_softmax,                                                                      \
     sfx##_logsumexp,                                                                        \
     sfx##_softmax_backward,                                                                 \
     sfx##_log_softmax_backward,                                                             \
     sfx##_log_softmax_jvp,                                                                  \
     sfx##_softmax_axis,                                                                     \
     sfx##_log_softmax_axis,                                                                 \
     sfx##_softmax_backward_axis,                                                            \
     sfx##_log_softmax_backward_axis,                                                        \
     sfx##_softmax_masked,                                                                   \
     sfx##_log_softmax_masked,                                                               \
     sfx##_softmax_masked_backward,                                                          \
     sfx##_log_softmax_masked_backward,                                                      \
     sfx##_cross_entropy,                                                                    \
     sfx##_cross_entropy_ex,                                                                 \
     sfx##_cross_entropy_soft,                                                               \
     sfx##_nll_loss}

const half_api half_bf16 = HALF_TABLE(bf16, 8, 0x1.FEp127);
const half_api half_f16 = HALF_TABLE(f16, 11, 65504.0);
const half_api *const half_apis[2] = {&half_bf16, &half_f16};
