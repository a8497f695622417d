/* bench/exp_sleef.h — SLEEF's exp loops for smx-bench: Sleef_expf16_u10
 * (AVX-512, exp_sleef.c) or Sleef_expf8_u10avx2 (AVX2, exp_sleef_avx2.c),
 * each file built with its own ISA's flags. */
#ifndef SMX_BENCH_EXP_SLEEF_H
#define SMX_BENCH_EXP_SLEEF_H

#include <stddef.h>

/* The two loops: y[i] = exp(x[i]) for i < n with SLEEF's 1-ulp float exp. */
void smx_bench_sleef_expf16(float *y, const float *x, size_t n);
void smx_bench_sleef_expf8(float *y, const float *x, size_t n);

/* The lanes of the loop this CPU runs: 16 (AVX-512F), 8 (AVX2 and FMA),
 * or 0 (neither).  Here, so that it is compiled without the loops' flags. */
static inline int smx_bench_sleef_lanes(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return 16;
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 8 : 0;
}

/* The widest loop smx_bench_sleef_lanes() allows; call only when it is not 0. */
static inline void smx_bench_sleef_expf(float *y, const float *x, size_t n)
{
    if (smx_bench_sleef_lanes() == 16)
        smx_bench_sleef_expf16(y, x, n);
    else
        smx_bench_sleef_expf8(y, x, n);
}

#endif
