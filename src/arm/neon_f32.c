/*
 * neon_f32.c — the f32 passes of src/simd/ on AArch64 NEON.
 * Built only for AArch64 (src/CMakeLists.txt), where NEON is always
 * present, so dispatch.c may call it on any CPU of that family.
 */
#include "arm/vec_neon.h"

#define PASS_ISA neon
#include "simd/kernels_f32.inc"
