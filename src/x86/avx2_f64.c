/*
 * avx2_f64.c — the f64 kernels of src/simd/ on AVX2 + FMA.
 * Built with that ISA's flags only (src/CMakeLists.txt); dispatch.c calls
 * it only on a CPU that has it.
 */
#include "kernels.h"
#include "x86/vec_avx2.h"

#define SIMD(op) smx__avx2_##op##_f64
#include "simd/kernels_f64.inc"
