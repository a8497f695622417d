/*
 * cpu.h — what the CPU running us can do (cpu.c): the paths dispatch.c may
 * choose.  On x86 the instruction sets must be there (CPUID) and the
 * operating system must save their registers (XGETBV); AArch64 always has
 * NEON.
 */
#ifndef SMX_CPU_H
#define SMX_CPU_H

#include "kernels.h"

/* 1 when this CPU (and OS) can run `isa`'s kernels, else 0. */
SMX_PRIVATE int smx__cpu_supports(smx_isa isa);

/* Features beyond a path's own, for the half-precision conversions
 * (half.c): 1 when the CPU (and OS) has them, else 0 (always 0 off x86-64). */
SMX_PRIVATE int smx__cpu_has_f16c(void);
SMX_PRIVATE int smx__cpu_has_avx512_bf16(void);

#endif
