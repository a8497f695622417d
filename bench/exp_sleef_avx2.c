/*
 * bench/exp_sleef_avx2.c — the exp-only reference loop with SLEEF's AVX2
 * exp (Sleef_expf8_u10avx2, 1-ulp), for smx-bench on CPUs without
 * AVX-512.  Built with -mavx2 -mfma; exp_sleef.h's smx_bench_sleef_expf
 * calls it only on a CPU that has them.
 */
#include "exp_sleef.h"

#include <immintrin.h>
#include <sleef.h>

/* y[i] = exp(x[i]) for i < n, 8 lanes at a time, the tail through a copy. */
void smx_bench_sleef_expf8(float *y, const float *x, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, Sleef_expf8_u10avx2(_mm256_loadu_ps(x + i)));
    if (i < n) {
        float t[8] = {0};
        for (size_t k = 0; k < n - i; k++)
            t[k] = x[i + k];
        _mm256_storeu_ps(t, Sleef_expf8_u10avx2(_mm256_loadu_ps(t)));
        for (size_t k = 0; k < n - i; k++)
            y[i + k] = t[k];
    }
}
