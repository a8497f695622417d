/*
 * bench_passes.c — smx-bench-passes: the speed of each pass of one path's
 * table (src/passes.h), called directly on hot buffers, one thread, below
 * the planner: no blocks, no threads, no merging of spans.
 *
 *   smx-bench-passes [--isa scalar|avx2|avx512|neon] [--budget SECONDS]
 *
 * --isa picks the path (smx_set_isa, then that path's table; default the
 * active one).  Each line: the pass (and its form), the dtype, the shape
 * (rows x entries, or one span), the median time per call in ns,
 * elements/ns, and `exp`: the time of a plain loop y[i] = expf(x[i])
 * (exp for f64) over as many elements, measured in the same run, over the
 * pass's time (> 1: the pass is faster than the exponentials alone), a
 * ratio that keeps its meaning on a noisy machine.  Row passes run at 10,
 * 1000 and 32000 entries a row (1000, 64 and 2 rows: hot in L2), the
 * passes over spans on one span of 65536 entries.  The defaults take
 * about 15 s.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "bench_passes.h"

#include "bench_clock.h"
#include "smx.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double budget_s = 0.15;

/* The median time of one call, in ns: a warm-up call, a calibration call,
 * then 9 samples of a batch of calls, each about budget / 9. */
static double median_ns(bench_call call, void *ctx)
{
    enum { SAMPLES = 9 };
    double t[SAMPLES];
    call(ctx);
    double t0 = now_ns();
    call(ctx);
    const double one = now_ns() - t0;
    long batch = (long)(budget_s * 1e9 / SAMPLES / (one > 1 ? one : 1));
    if (batch < 1)
        batch = 1;
    for (int s = 0; s < SAMPLES; s++) {
        t0 = now_ns();
        for (long k = 0; k < batch; k++)
            call(ctx);
        t[s] = (now_ns() - t0) / (double)batch;
    }
    qsort(t, SAMPLES, sizeof t[0], cmp_double);
    return t[SAMPLES / 2];
}

/* ---- the exp-only reference --------------------------------------------- */

enum { EXP_MAX = 65536 }; /* the most elements of any case (bench_passes.inc) */

typedef struct exp_loop {
    size_t n;
    float *x32, *y32;
    double *x64, *y64;
} exp_loop;

static void exp_f32(void *p)
{
    const exp_loop *e = p;
    for (size_t k = 0; k < e->n; k++)
        e->y32[k] = expf(e->x32[k]);
}

static void exp_f64(void *p)
{
    const exp_loop *e = p;
    for (size_t k = 0; k < e->n; k++)
        e->y64[k] = exp(e->x64[k]);
}

/* The exp-only loop's median time over n elements of the dtype: scores
 * uniform in [-8, 8], as the cases'; measured once per count. */
static double exp_ns(int f64, size_t n)
{
    static exp_loop e;
    static struct {
        size_t n;
        double ns;
    } seen[2][8];
    static size_t nseen[2];
    for (size_t i = 0; i < nseen[f64]; i++)
        if (seen[f64][i].n == n)
            return seen[f64][i].ns;
    if (!e.x32) {
        e.x32 = malloc(EXP_MAX * sizeof(float));
        e.y32 = malloc(EXP_MAX * sizeof(float));
        e.x64 = malloc(EXP_MAX * sizeof(double));
        e.y64 = malloc(EXP_MAX * sizeof(double));
        if (!e.x32 || !e.y32 || !e.x64 || !e.y64) {
            fprintf(stderr, "smx-bench-passes: out of memory\n");
            exit(1);
        }
        uint64_t s = 0x5EED000000000002u;
        for (size_t i = 0; i < EXP_MAX; i++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            e.x32[i] = (float)(16.0 * (double)(s >> 11) / 9007199254740992.0 - 8.0);
            e.x64[i] = e.x32[i];
        }
    }
    e.n = n < EXP_MAX ? n : EXP_MAX;
    const double ns = median_ns(f64 ? exp_f64 : exp_f32, &e);
    if (nseen[f64] < 8) {
        seen[f64][nseen[f64]].n = n;
        seen[f64][nseen[f64]++].ns = ns;
    }
    return ns;
}

void bench_case(const char *pass, int f64, const char *shape, size_t elements, bench_call call,
                void *ctx)
{
    const double ns = median_ns(call, ctx);
    printf("%-34s %-4s %-8s %12.0f %8.3f %7.2f\n", pass, f64 ? "f64" : "f32", shape, ns,
           (double)elements / ns, exp_ns(f64, elements) / ns);
    fflush(stdout);
}

static int usage(void)
{
    fprintf(stderr, "usage: smx-bench-passes [--isa scalar|avx2|avx512|neon] "
                    "[--budget SECONDS]\n");
    return 2;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--budget") == 0 && i + 1 < argc) {
            budget_s = atof(argv[++i]);
            if (!(budget_s > 0))
                return usage();
        } else if (strcmp(argv[i], "--isa") == 0 && i + 1 < argc) {
            const char *name = argv[++i];
            int found = 0;
            for (int isa = 0; smx_isa_name((smx_isa)isa); isa++) {
                if (strcmp(name, smx_isa_name((smx_isa)isa)) != 0)
                    continue;
                found = 1;
                if (smx_set_isa((smx_isa)isa) != SMX_OK) {
                    fprintf(stderr, "smx-bench-passes: this CPU has no %s path\n", name);
                    return 1;
                }
            }
            if (!found)
                return usage();
        } else {
            return usage();
        }
    }
    printf("smx-bench-passes: path %s, each pass called directly, 1 thread; exp = time of an "
           "exp-only loop over the same elements / time of the pass (> 1: faster)\n",
           smx_isa_name(smx_get_isa()));
    printf("%-34s %-4s %-8s %12s %8s %7s\n", "pass", "type", "shape", "median_ns", "el/ns",
           "exp");
    bench_passes_f32();
    bench_passes_f64();
    return 0;
}
