/*
 * avx512_f64.c — the f64 passes of src/simd/ on AVX-512 (F/DQ/VL).
 * Built with that ISA's flags only (src/CMakeLists.txt); dispatch.c calls
 * it only on a CPU that has it.
 */
#include "x86/vec_avx512.h"

#define PASS_ISA avx512
#include "simd/kernels_f64.inc"
