/*
 * bench_clock.h — the clock and the sort of samples that the C benchmarks
 * (bench_forms.c, bench_pool.c) share.  Needs _POSIX_C_SOURCE >= 199309L
 * before the first system header, for clock_gettime.
 */
#ifndef SMX_BENCH_CLOCK_H
#define SMX_BENCH_CLOCK_H

#include <time.h>

/* Now, in ns, on the monotonic clock. */
static inline double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* qsort's comparison of doubles, ascending. */
static inline int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
