/*
 * neon_f64.c — the f64 kernels of src/simd/ on AArch64 NEON.
 * Built only for AArch64 (src/CMakeLists.txt), where NEON is always
 * present, so dispatch.c may call it on any CPU of that family.
 */
#include "kernels.h"
#include "arm/vec_neon.h"

#define SIMD(op) smx__neon_##op##_f64
#include "simd/kernels_f64.inc"
