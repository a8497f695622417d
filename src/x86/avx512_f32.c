/*
 * avx512_f32.c — the f32 passes of src/simd/ on AVX-512 (F/DQ/VL).
 * Built with that ISA's flags only (src/CMakeLists.txt); dispatch.c calls
 * it only on a CPU that has it.
 */
#include "x86/vec_avx512.h"

#define PASS_ISA avx512
#include "simd/kernels_f32.inc"
