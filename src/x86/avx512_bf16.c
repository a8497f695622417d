/*
 * avx512_bf16.c — the bf16 passes of simd/passes_half.inc once more, for
 * AVX-512 CPUs with AVX512_BF16, whose vcvtneps2bf16 narrows a vector of
 * floats in one instruction (x86/half_io_avx512.h).  Built with AVX-512
 * and AVX512_BF16's flags only (src/CMakeLists.txt); the half planner
 * calls it only where cpu.c finds both.  The row kernels of
 * kernels_f32.inc come without their f32 passes (avx512_f32.c has those),
 * so some of their helpers go unused here.
 */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-const-variable"

#include "x86/vec_avx512.h"

#define PASS_ISA avx512bf16
#define SMX_HALF_PASSES_ONLY
#include "simd/kernels_f32.inc"

#define SMX_AVX512_BF16_CVT
#include "x86/half_io_avx512.h"
#define HALF_FMT bf16
#include "simd/passes_half.inc"
