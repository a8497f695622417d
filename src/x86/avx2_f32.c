/*
 * avx2_f32.c — the f32 passes of src/simd/ on AVX2 + FMA, and the bf16
 * and f16 ones (F16C besides, for f16: plan_half.inc checks for it).
 * Built with that ISA's flags only (src/CMakeLists.txt); dispatch.c calls
 * it only on a CPU that has it.
 */
#include "x86/vec_avx2.h"

#define PASS_ISA avx2
#include "simd/kernels_f32.inc"

/* The bf16 and f16 passes over the same float lanes (passes_half.h). */
#include "x86/half_io_avx2.h"
#define HALF_FMT bf16
#include "simd/passes_half.inc"
#define HALF_FMT f16
#include "simd/passes_half.inc"
