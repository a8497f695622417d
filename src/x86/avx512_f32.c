/*
 * avx512_f32.c — the f32 passes of src/simd/ on AVX-512 (F/DQ/VL/BW), and
 * the bf16 and f16 ones.
 * Built with that ISA's flags only (src/CMakeLists.txt); dispatch.c calls
 * it only on a CPU that has it.
 */
#include "x86/vec_avx512.h"

#define PASS_ISA avx512
#include "simd/kernels_f32.inc"

/* The bf16 and f16 passes over the same float lanes (passes_half.h). */
#include "x86/half_io_avx512.h"
#define HALF_FMT bf16
#include "simd/passes_half.inc"
#define HALF_FMT f16
#include "simd/passes_half.inc"
