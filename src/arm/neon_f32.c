/*
 * neon_f32.c — the f32 passes of src/simd/ on AArch64 NEON, and the bf16
 * and f16 ones.
 * Built only for AArch64 (src/CMakeLists.txt), where NEON is always
 * present, so dispatch.c may call it on any CPU of that family.
 */
#include "arm/vec_neon.h"

#define PASS_ISA neon
#include "simd/kernels_f32.inc"

/* The bf16 and f16 passes over the same float lanes (passes_half.h). */
#include "arm/half_io_neon.h"
#define HALF_FMT bf16
#include "simd/passes_half.inc"
#define HALF_FMT f16
#include "simd/passes_half.inc"
