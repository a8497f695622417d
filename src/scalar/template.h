/*
 * template.h — naming for the kernels written once in the scalar .inc files and
 * compiled per dtype: include wide_f32.h or wide_f64.h first, then this.
 */
#ifndef SMX_SCALAR_TEMPLATE_H
#define SMX_SCALAR_TEMPLATE_H

#include "kernels.h"

#define SMX__CAT3(a, b, c) a##b##c
#define SMX__EXPAND_CAT3(a, b, c) SMX__CAT3(a, b, c)
/* SCALAR_PASS(forward_rows) -> smx__f32_forward_rows__scalar (passes.h) */
#define SCALAR_PASS(pass) SMX__PASS(SMX_SUFFIX, pass, scalar)
#define SMX__CAT2(a, b) a##b
#define SMX__EXPAND_CAT2(a, b) SMX__CAT2(a, b)
#define MASK_T SMX__EXPAND_CAT2(smx_mask_, SMX_SUFFIX)

#if defined(__GNUC__)
#define SMX_INLINE static inline __attribute__((always_inline))
#else
#define SMX_INLINE static inline
#endif

#endif
