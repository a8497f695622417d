/*
 * bench/exp_sleef.c — the exp-only reference loop with SLEEF's AVX-512
 * exp (Sleef_expf16_u10, 1-ulp), for smx-bench.  Built only when CMake
 * finds libsleef, and only this file with -mavx512f: smx_bench_sleef_expf
 * (in exp_sleef_avx2.c) calls it only on a CPU with AVX-512F.
 */
#include "exp_sleef.h"

#include <immintrin.h>
#include <sleef.h>

/* y[i] = exp(x[i]) for i < n, 16 lanes at a time, the tail masked. */
void smx_bench_sleef_expf16(float *y, const float *x, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, Sleef_expf16_u10(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        __m512 v = Sleef_expf16_u10(_mm512_maskz_loadu_ps(m, x + i));
        _mm512_mask_storeu_ps(y + i, m, v);
    }
}
