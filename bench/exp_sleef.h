/* bench/exp_sleef.h — SLEEF's AVX-512 exp loop for smx-bench (exp_sleef.c). */
#ifndef SMX_BENCH_EXP_SLEEF_H
#define SMX_BENCH_EXP_SLEEF_H

#include <stddef.h>

/* Non-zero when this CPU runs AVX-512F code. */
int smx_bench_sleef_usable(void);

/* y[i] = Sleef_expf16_u10(x[i]) for i < n; call only when usable. */
void smx_bench_sleef_expf(float *y, const float *x, size_t n);

#endif
