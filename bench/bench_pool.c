/*
 * bench_pool.c — smx-bench-pool: what a parallel call costs beyond its
 * work, and what the second thread gives on small problems.
 *
 *   smx-bench-pool [--budget SECONDS] [--threads N,N,...]
 *
 * 1. The pool's per-call overhead: smx__parallel_for (src/parallel.h) over
 *    two chunks that do nothing, on 2 threads, back to back as a training
 *    loop calls it (the workers are spinning), and after a pause of 2 ms
 *    (they are asleep and must be woken); and the same on 1 thread, which
 *    runs the chunks in the caller.  The overhead is the difference, in µs.
 * 2. f32 softmax, softmax backward and cross-entropy at 4096x10, 256x1000,
 *    2048x2048 and 64x32000 on 1 thread and on each count of --threads
 *    (default 2): "Nthr" is the time on 1 thread over the time on N (> 1:
 *    N threads faster).
 * Each figure is the median of samples of about budget / 9 s each.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep */

#include "bench_clock.h"
#include "parallel.h"
#include "smx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double budget_s = 0.3;

#define MAX_COUNTS 16
static int counts[MAX_COUNTS] = {2};
static int n_counts = 1;

static void nothing(void *ctx, size_t chunk)
{
    (void)ctx;
    (void)chunk;
}

typedef void (*call_fn)(void *ctx);

/* The median time of one call of fn, in ns; pause_ns between calls (not
 * timed) when > 0. */
static double median_ns(call_fn fn, void *ctx, double pause_ns)
{
    enum { SAMPLES = 9 };
    double t[SAMPLES];
    fn(ctx);
    const double t0 = now_ns();
    fn(ctx);
    const double one = now_ns() - t0 + 1.0;
    long batch = pause_ns > 0 ? 50 : (long)(budget_s * 1e9 / SAMPLES / one);
    if (batch < 1)
        batch = 1;
    const struct timespec pause = {0, (long)pause_ns};
    for (int s = 0; s < SAMPLES; s++) {
        double sum = 0;
        for (long i = 0; i < batch; i++) {
            if (pause_ns > 0)
                nanosleep(&pause, NULL);
            const double a = now_ns();
            fn(ctx);
            sum += now_ns() - a;
        }
        t[s] = sum / (double)batch;
    }
    qsort(t, SAMPLES, sizeof t[0], cmp_double);
    return t[SAMPLES / 2];
}

static void empty_job(void *ctx)
{
    (void)ctx;
    smx__parallel_for(2, nothing, NULL);
}

typedef struct problem {
    const char *op;
    size_t rows, cols;
    float *x, *y, *dy, *dx;
    int32_t *labels;
} problem;

static void run_problem(void *ctx)
{
    problem *p = ctx;
    smx_status st = SMX_OK;
    if (!strcmp(p->op, "softmax")) {
        st = smx_softmax_f32(p->y, p->x, p->rows, p->cols);
    } else if (!strcmp(p->op, "softmax_bwd")) {
        st = smx_softmax_backward_f32(p->dx, p->y, p->dy, p->rows, p->cols);
    } else {
        float loss;
        st = smx_cross_entropy_f32(&loss, p->dx, p->x, p->labels, p->rows, p->cols);
    }
    if (st != SMX_OK) {
        fprintf(stderr, "smx-bench-pool: %s failed: %s\n", p->op, smx_strerror(st));
        exit(1);
    }
}

static void *xmalloc(size_t size)
{
    void *p = malloc(size);
    if (!p) {
        fputs("smx-bench-pool: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--budget") && a + 1 < argc) {
            budget_s = atof(argv[++a]);
            if (!(budget_s > 0 && budget_s < 60)) {
                fputs("smx-bench-pool: --budget: seconds in (0, 60)\n", stderr);
                return 2;
            }
        } else if (!strcmp(argv[a], "--threads") && a + 1 < argc) {
            n_counts = 0;
            for (char *tok = strtok(argv[++a], ","); tok; tok = strtok(NULL, ",")) {
                const int t = atoi(tok);
                if (t < 1 || t > 256 || n_counts == MAX_COUNTS) {
                    fputs("smx-bench-pool: --threads: up to 16 counts in [1, 256]\n", stderr);
                    return 2;
                }
                counts[n_counts++] = t;
            }
        } else {
            fputs("usage: smx-bench-pool [--budget SECONDS] [--threads N,N,...]\n", stderr);
            return 2;
        }
    }
    printf("smx-bench-pool: path %s\n\n", smx_isa_name(smx_get_isa()));

    smx_set_num_threads(1);
    const double alone = median_ns(empty_job, NULL, 0);
    const double alone_paused = median_ns(empty_job, NULL, 2e6);
    smx_set_num_threads(2);
    const double busy = median_ns(empty_job, NULL, 0);
    const double woken = median_ns(empty_job, NULL, 2e6);
    printf("pool overhead per call, 2 threads against 1 (two empty chunks)\n");
    printf("  back to back (workers spinning)   %8.2f us\n", (busy - alone) / 1e3);
    printf("  after a 2 ms pause (asleep)       %8.2f us\n\n", (woken - alone_paused) / 1e3);

    static const struct {
        size_t rows, cols;
    } shapes[] = {{4096, 10}, {256, 1000}, {2048, 2048}, {64, 32000}};
    static const char *const ops[] = {"softmax", "softmax_bwd", "cross_entropy"};
    printf("%-14s %-10s %11s", "op", "shape", "1thr_us");
    for (int c = 0; c < n_counts; c++) {
        char head[16];
        snprintf(head, sizeof head, "%dthr", counts[c]);
        printf(" %6s", head);
    }
    printf("\n");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        problem p = {NULL, shapes[s].rows, shapes[s].cols, NULL, NULL, NULL, NULL, NULL};
        const size_t n = p.rows * p.cols;
        p.x = xmalloc(n * sizeof *p.x);
        p.y = xmalloc(n * sizeof *p.y);
        p.dy = xmalloc(n * sizeof *p.dy);
        p.dx = xmalloc(n * sizeof *p.dx);
        p.labels = xmalloc(p.rows * sizeof *p.labels);
        uint64_t r = 42;
        for (size_t i = 0; i < n; i++) {
            r = r * 6364136223846793005u + 1442695040888963407u;
            p.x[i] = (float)((double)(r >> 11) / 9007199254740992.0 * 8.0 - 4.0);
            p.dy[i] = (float)((double)(r >> 20) / 17592186044416.0 - 0.5);
        }
        for (size_t i = 0; i < p.rows; i++)
            p.labels[i] = (int32_t)(i % p.cols);
        smx_softmax_f32(p.y, p.x, p.rows, p.cols);
        for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
            p.op = ops[o];
            smx_set_num_threads(1);
            const double t1 = median_ns(run_problem, &p, 0);
            char shape[32];
            snprintf(shape, sizeof shape, "%zux%zu", p.rows, p.cols);
            printf("%-14s %-10s %11.3f", p.op, shape, t1 / 1e3);
            for (int c = 0; c < n_counts; c++) {
                smx_set_num_threads(counts[c]);
                printf(" %6.2f", t1 / median_ns(run_problem, &p, 0));
            }
            printf("\n");
        }
        free(p.x);
        free(p.y);
        free(p.dy);
        free(p.dx);
        free(p.labels);
    }
    return 0;
}
