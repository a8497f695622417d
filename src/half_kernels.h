/*
 * half_kernels.h — the vector code of the half-precision array conversions
 * (half.c chooses among them).  Each converts a prefix of the array, as
 * much as its vectors cover, and returns how many elements that was; half.c
 * converts the rest with the scalar functions.  Every one gives the scalar
 * functions' bits.  A half is passed as its uint16_t encoding.
 */
#ifndef SMX_HALF_KERNELS_H
#define SMX_HALF_KERNELS_H

#include "kernels.h" /* SMX_PRIVATE */

#include <stddef.h>
#include <stdint.h>

/* x86/half_avx2.c: AVX2 and F16C. */
SMX_PRIVATE size_t smx__avx2_bf16_to_f32(float *dst, const uint16_t *src, size_t n);
SMX_PRIVATE size_t smx__avx2_f32_to_bf16(uint16_t *dst, const float *src, size_t n);
SMX_PRIVATE size_t smx__avx2_f16_to_f32(float *dst, const uint16_t *src, size_t n);
SMX_PRIVATE size_t smx__avx2_f32_to_f16(uint16_t *dst, const float *src, size_t n);

/* x86/half_avx512.c: AVX-512 F, BW, DQ, VL; these convert the whole array
 * (masked tails).  f32_to_bf16 needs AVX512_BF16 besides. */
SMX_PRIVATE size_t smx__avx512_bf16_to_f32(float *dst, const uint16_t *src, size_t n);
SMX_PRIVATE size_t smx__avx512_f32_to_bf16(uint16_t *dst, const float *src, size_t n);
SMX_PRIVATE size_t smx__avx512_f16_to_f32(float *dst, const uint16_t *src, size_t n);
SMX_PRIVATE size_t smx__avx512_f32_to_f16(uint16_t *dst, const float *src, size_t n);

/* arm/half_neon.c: AArch64 Advanced SIMD. */
SMX_PRIVATE size_t smx__neon_bf16_to_f32(float *dst, const uint16_t *src, size_t n);
SMX_PRIVATE size_t smx__neon_f32_to_bf16(uint16_t *dst, const float *src, size_t n);
SMX_PRIVATE size_t smx__neon_f16_to_f32(float *dst, const uint16_t *src, size_t n);
SMX_PRIVATE size_t smx__neon_f32_to_f16(uint16_t *dst, const float *src, size_t n);

#endif
