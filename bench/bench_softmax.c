/*
 * bench/bench_softmax.c — smx-bench: the speed of libsmx's softmax family
 * against memory, exp and its peers, all measured in the same run.
 *
 *   smx-bench [--budget S] [--shape RxC]... [--f32] [--cold] [--smx-only]
 *             [--tsv FILE] [--vs-scalar]
 *
 * For each shape (rows x cols), dtype (f32, f64) and operation (softmax,
 * log-softmax, their backward passes, fused cross-entropy loss+gradient):
 * the median time per call, elements/ns and GB/s (forward and
 * cross-entropy count 2 element sizes per element, 8 bytes in f32: read x,
 * write y; backward 3: read y and dy, write dx), and speed ratios, each
 * "time of the reference / time of smx" (> 1: smx is faster):
 *   memcpy   smx GB/s / memcpy GB/s, memcpy counted as bytes read + written
 *            (the time a memcpy of the operation's bytes would take / smx's)
 *   exp      a plain loop y[i] = expf(x[i]) (exp for f64) over the elements
 *   sleef    the same loop with Sleef_expf16_u10 (f32, when built with SLEEF;
 *            Sleef_expf8_u10avx2 on a CPU without AVX-512F)
 *   scalar   libsmx with SMX_ISA=scalar (with --vs-scalar: the binary runs
 *            itself once more under SMX_ISA=scalar and reads its times)
 *   2thr     libsmx on 2 threads against itself on 1 (> 1: 2 threads faster)
 *   onednn   oneDNN's softmax_v2 (accurate / log) forward and backward
 *   xnnpack  XNNPACK's softmax_nc_f32 (forward softmax only)
 * "-" where a reference does not exist or was not built in.
 *
 * Timing: one warm-up call, then samples of a batch of calls each (the
 * batch sized so a sample lasts about budget/9), at least 3 samples and
 * about `budget` seconds (default 0.25) per measurement; the median sample.
 * Memory: shapes of >= 16M elements ("cold") rotate through several copies
 * of every buffer, at least 4 and at least 512 MiB in all, so each call
 * finds its data out of cache; smaller shapes ("hot") reuse one set of
 * buffers, as a training loop would (--cold rotates every shape).
 * Threads: libsmx runs on 1 thread (smx_set_num_threads(1)), and once more
 * on 2 for the column 2thr (time on 1 thread / time on 2); oneDNN's OpenMP
 * is capped at 1 thread and XNNPACK gets no thread pool.
 *
 * Exit status 0, or 1 when a call fails or a peer's result disagrees
 * with libsmx's.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dlsym's RTLD_DEFAULT, popen, setenv, clock_gettime */
#endif
#include <smx.h>

#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef SMX_BENCH_HAVE_SLEEF
#include "bench_shapes.h"
#include "exp_sleef.h"
#endif
#ifdef SMX_BENCH_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>

#include "bench_buffers.h"
#include "bench_dnnl.h"
#endif
#ifdef SMX_BENCH_HAVE_XNNPACK
#include <xnnpack.h>
#endif

/* ------------------------------------------------------------------------ */
/* Problem set                                                               */
/* ------------------------------------------------------------------------ */


enum op_id { OP_SOFTMAX, OP_LOG_SOFTMAX, OP_SOFTMAX_BWD, OP_LOG_SOFTMAX_BWD, OP_XENT, N_OPS };
static const char *const op_names[N_OPS] = {"softmax", "log_softmax", "softmax_bwd",
                                            "log_softmax_bwd", "cross_entropy"};
static int op_is_backward(int op) { return op == OP_SOFTMAX_BWD || op == OP_LOG_SOFTMAX_BWD; }

#define COLD_ELEMENTS ((size_t)16 << 20)  /* shapes this large rotate buffers */
#define ROTATION_BYTES ((size_t)512 << 20) /* ... through at least this much */
#define MIN_COPIES 4
#define PAD_BYTES 256 /* past every buffer: XNNPACK may read a little beyond */

/* ------------------------------------------------------------------------ */
/* Small utilities                                                           */
/* ------------------------------------------------------------------------ */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("smx-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static double now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        die("clock_gettime failed");
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *xmalloc(size_t bytes)
{
    void *p = NULL;
    if (bytes == 0)
        bytes = 1;
    if (posix_memalign(&p, 64, bytes) != 0)
        die("out of memory (%zu bytes)", bytes);
    return p;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A fixed xorshift stream: the same inputs on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static double rng_uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

/* ------------------------------------------------------------------------ */
/* Buffers                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct bench {
    size_t rows, cols, n; /* n = rows * cols */
    size_t esz;           /* 4 (f32) or 8 (f64) */
    size_t copies;        /* rotation depth */
    size_t stride;        /* bytes from one copy of a buffer to the next */
    void *arrays; /* the one block holding x, y, dy, dx (bench_buffers.h) */
    unsigned char *x, *y, *dy, *dx;
    int32_t *labels; /* one set, rows entries, shared by all copies */
    void *ref;       /* copy 0 of libsmx's output, to check peers against */
    int cold;
    size_t next; /* next copy to use */
} bench;

static void *X(const bench *b, size_t i) { return b->x + i * b->stride; }
static void *Y(const bench *b, size_t i) { return b->y + i * b->stride; }
static void *DY(const bench *b, size_t i) { return b->dy + i * b->stride; }
static void *DX(const bench *b, size_t i) { return b->dx + i * b->stride; }

static void replicate(const bench *b, unsigned char *base)
{
    for (size_t i = 1; i < b->copies; i++)
        memcpy(base + i * b->stride, base, b->n * b->esz);
}

static void bench_init(bench *b, shape s, size_t esz, int cold_all)
{
    memset(b, 0, sizeof *b);
    b->rows = s.rows;
    b->cols = s.cols;
    b->n = s.rows * s.cols;
    b->esz = esz;
    b->cold = cold_all || b->n >= COLD_ELEMENTS;
    b->stride = (b->n * esz + PAD_BYTES + 63) / 64 * 64;
    b->copies = 1;
    if (b->cold) {
        size_t per_copy = 4 * b->stride; /* x, y, dy, dx */
        b->copies = (ROTATION_BYTES + per_copy - 1) / per_copy;
        if (b->copies < MIN_COPIES)
            b->copies = MIN_COPIES;
    }
    size_t total = b->copies * b->stride;
    unsigned char *arrays[4];
    b->arrays = bench_arrays(total, arrays);
    if (!b->arrays)
        die("out of memory (4 x %zu bytes)", total);
    b->x = arrays[0];
    b->y = arrays[1];
    b->dy = arrays[2];
    b->dx = arrays[3];
    /* Touch every page now so page faults stay out of the timings. */
    memset(b->y, 0, total);
    memset(b->dx, 0, total);
    b->labels = xmalloc(s.rows * sizeof *b->labels);
    b->ref = xmalloc(b->n * esz);
    for (size_t i = 0; i < b->n; i++) {
        double v = 16.0 * rng_uniform() - 8.0, g = 2.0 * rng_uniform() - 1.0;
        if (esz == 4) {
            ((float *)b->x)[i] = (float)v;
            ((float *)b->dy)[i] = (float)g;
        } else {
            ((double *)b->x)[i] = v;
            ((double *)b->dy)[i] = g;
        }
    }
    for (size_t r = 0; r < s.rows; r++)
        b->labels[r] = (int32_t)(rng_uniform() * (double)s.cols);
    memset(b->x + b->n * esz, 0, b->stride - b->n * esz);
    memset(b->dy + b->n * esz, 0, b->stride - b->n * esz);
    replicate(b, b->x);
    replicate(b, b->dy);
}

static void bench_free(bench *b)
{
    free(b->arrays);
    free(b->labels);
    free(b->ref);
}

/* ------------------------------------------------------------------------ */
/* The timer                                                                 */
/* ------------------------------------------------------------------------ */

/* One call on copy i; non-zero on failure. */
typedef int (*call_fn)(void *ctx, bench *b, size_t i);

typedef struct timing {
    double ns;  /* median time per call */
    long calls; /* calls timed */
} timing;

static double budget_s = 0.25;

static int call_next(call_fn fn, void *ctx, bench *b)
{
    size_t i = b->next;
    b->next = (i + 1 == b->copies) ? 0 : i + 1;
    return fn(ctx, b, i);
}

static timing measure(call_fn fn, void *ctx, bench *b, const char *what)
{
    enum { MAX_SAMPLES = 15, MIN_SAMPLES = 3 };
    double samples[MAX_SAMPLES];
    timing t = {0, 0};
    b->next = 0;
    if (call_next(fn, ctx, b)) /* warm-up: code, tables, JIT */
        die("%s failed", what);
    double t0 = now_ns();
    if (call_next(fn, ctx, b))
        die("%s failed", what);
    double one = now_ns() - t0;
    if (one < 1.0)
        one = 1.0;
    double budget_ns = budget_s * 1e9;
    long batch = (long)(budget_ns / 9.0 / one);
    if (batch < 1)
        batch = 1;
    int nsamples = (int)(budget_ns / ((double)batch * one));
    if (nsamples > MAX_SAMPLES)
        nsamples = MAX_SAMPLES;
    if (nsamples < MIN_SAMPLES)
        nsamples = MIN_SAMPLES;
    for (int s = 0; s < nsamples; s++) {
        double start = now_ns();
        for (long k = 0; k < batch; k++)
            if (call_next(fn, ctx, b))
                die("%s failed", what);
        samples[s] = (now_ns() - start) / (double)batch;
    }
    qsort(samples, (size_t)nsamples, sizeof samples[0], cmp_double);
    t.ns = (nsamples % 2) ? samples[nsamples / 2]
                          : 0.5 * (samples[nsamples / 2 - 1] + samples[nsamples / 2]);
    t.calls = batch * nsamples;
    return t;
}

/* ------------------------------------------------------------------------ */
/* libsmx and the plain references                                          */
/* ------------------------------------------------------------------------ */

static volatile double loss_sink;

static int smx_call(void *ctx, bench *b, size_t i)
{
    int op = *(const int *)ctx;
    smx_status st = SMX_OK;
    if (b->esz == 4) {
        switch (op) {
        case OP_SOFTMAX: st = smx_softmax_f32(Y(b, i), X(b, i), b->rows, b->cols); break;
        case OP_LOG_SOFTMAX: st = smx_log_softmax_f32(Y(b, i), X(b, i), b->rows, b->cols); break;
        case OP_SOFTMAX_BWD:
            st = smx_softmax_backward_f32(DX(b, i), Y(b, i), DY(b, i), b->rows, b->cols);
            break;
        case OP_LOG_SOFTMAX_BWD:
            st = smx_log_softmax_backward_f32(DX(b, i), Y(b, i), DY(b, i), b->rows, b->cols);
            break;
        default: {
            float loss;
            st = smx_cross_entropy_f32(&loss, DX(b, i), X(b, i), b->labels, b->rows, b->cols);
            loss_sink = loss;
        }
        }
    } else {
        switch (op) {
        case OP_SOFTMAX: st = smx_softmax_f64(Y(b, i), X(b, i), b->rows, b->cols); break;
        case OP_LOG_SOFTMAX: st = smx_log_softmax_f64(Y(b, i), X(b, i), b->rows, b->cols); break;
        case OP_SOFTMAX_BWD:
            st = smx_softmax_backward_f64(DX(b, i), Y(b, i), DY(b, i), b->rows, b->cols);
            break;
        case OP_LOG_SOFTMAX_BWD:
            st = smx_log_softmax_backward_f64(DX(b, i), Y(b, i), DY(b, i), b->rows, b->cols);
            break;
        default: {
            double loss;
            st = smx_cross_entropy_f64(&loss, DX(b, i), X(b, i), b->labels, b->rows, b->cols);
            loss_sink = loss;
        }
        }
    }
    if (st != SMX_OK) {
        fprintf(stderr, "smx-bench: %s: %s\n", op_names[op], smx_strerror(st));
        return 1;
    }
    return 0;
}

static int memcpy_call(void *ctx, bench *b, size_t i)
{
    (void)ctx;
    memcpy(Y(b, i), X(b, i), b->n * b->esz);
    return 0;
}

static int exp_call(void *ctx, bench *b, size_t i)
{
    (void)ctx;
    if (b->esz == 4) {
        float *y = Y(b, i);
        const float *x = X(b, i);
        for (size_t k = 0; k < b->n; k++)
            y[k] = expf(x[k]);
    } else {
        double *y = Y(b, i);
        const double *x = X(b, i);
        for (size_t k = 0; k < b->n; k++)
            y[k] = exp(x[k]);
    }
    return 0;
}

#ifdef SMX_BENCH_HAVE_SLEEF
static int sleef_call(void *ctx, bench *b, size_t i)
{
    (void)ctx;
    smx_bench_sleef_expf(Y(b, i), X(b, i), b->n);
    return 0;
}
#endif

/* Fill y (every copy) with the forward output the backward op reads. */
static void prepare_backward(bench *b, int op)
{
    int fwd = (op == OP_SOFTMAX_BWD) ? OP_SOFTMAX : OP_LOG_SOFTMAX;
    if (smx_call(&fwd, b, 0))
        die("preparing %s", op_names[op]);
    replicate(b, b->y);
}

/* The output of op in copy 0. */
static const void *output0(const bench *b, int op)
{
    return (op == OP_SOFTMAX || op == OP_LOG_SOFTMAX) ? Y(b, 0) : DX(b, 0);
}

#if defined(SMX_BENCH_HAVE_DNNL) || defined(SMX_BENCH_HAVE_XNNPACK)
/* Does a peer's output (copy 0) match libsmx's (saved in b->ref)?  A loose
 * check: it catches a wrong axis or operation, not an ulp. */
static int matches_ref(const bench *b, int op)
{
    const void *out = output0(b, op);
    for (size_t k = 0; k < b->n; k++) {
        double a, r;
        if (b->esz == 4) {
            a = ((const float *)out)[k];
            r = ((const float *)b->ref)[k];
        } else {
            a = ((const double *)out)[k];
            r = ((const double *)b->ref)[k];
        }
        if (!(fabs(a - r) <= 1e-3 * fabs(r) + 1e-5)) {
            fprintf(stderr, "smx-bench: %s %zux%zu: element %zu is %.9g, libsmx says %.9g\n",
                    op_names[op], b->rows, b->cols, k, a, r);
            return 0;
        }
    }
    return 1;
}
#endif

/* ------------------------------------------------------------------------ */
/* oneDNN                                                                    */
/* ------------------------------------------------------------------------ */

#ifdef SMX_BENCH_HAVE_DNNL
static dnnl_engine_t dnnl_eng;
static dnnl_stream_t dnnl_strm;
static int dnnl_ready;

static void dnnl_start(void)
{
    if (dnnl_engine_create(&dnnl_eng, dnnl_cpu, 0) != dnnl_success)
        die("oneDNN: no CPU engine");
    if (dnnl_stream_create(&dnnl_strm, dnnl_eng, dnnl_stream_default_flags) != dnnl_success)
        die("oneDNN: no stream");
    dnnl_ready = 1;
}

/* op for b's shape and dtype; 0 when oneDNN has no such primitive (f64). */
static int dnnl_build(bench_dnnl *d, const bench *b, int op)
{
    if (b->esz != 4) { /* oneDNN 2.6 has no f64 */
        memset(d, 0, sizeof *d);
        return 0;
    }
    return bench_dnnl_build(d, dnnl_eng, b->rows, b->cols, dnnl_f32,
                              op == OP_LOG_SOFTMAX || op == OP_LOG_SOFTMAX_BWD,
                              op_is_backward(op));
}

static int dnnl_call(void *ctx, bench *b, size_t i)
{
    bench_dnnl *d = ctx;
    void *const fwd[3] = {X(b, i), Y(b, i), NULL};
    void *const bwd[3] = {Y(b, i), DY(b, i), DX(b, i)};
    return bench_dnnl_run(d, dnnl_strm, d->bwd ? bwd : fwd);
}
#endif

/* ------------------------------------------------------------------------ */
/* XNNPACK                                                                   */
/* ------------------------------------------------------------------------ */

#ifdef SMX_BENCH_HAVE_XNNPACK
static int xnn_ready;

typedef struct xnn_op {
    xnn_operator_t op;
    size_t set_up_for; /* copy the operator is set up for, or SIZE_MAX */
} xnn_op;

static int xnn_call(void *ctx, bench *b, size_t i)
{
    xnn_op *o = ctx;
    if (o->set_up_for != i) {
        if (xnn_setup_softmax_nc_f32(o->op, b->rows, X(b, i), Y(b, i), NULL) != xnn_status_success)
            return 1;
        o->set_up_for = i;
    }
    return xnn_run_operator(o->op, NULL) != xnn_status_success;
}
#endif

/* ------------------------------------------------------------------------ */
/* Results                                                                   */
/* ------------------------------------------------------------------------ */

static FILE *tsv;
static FILE *table; /* the human-readable table; NULL with --tsv - */

static void tprintf(const char *fmt, ...)
{
    va_list ap;
    if (!table)
        return;
    va_start(ap, fmt);
    vfprintf(table, fmt, ap);
    va_end(ap);
}

static void tsv_line(const char *impl, const char *op, const bench *b, timing t)
{
    if (tsv)
        fprintf(tsv, "%s\t%s\tf%zu\t%zu\t%zu\t%.1f\t%ld\n", impl, op, b->esz * 8, b->rows, b->cols,
                t.ns, t.calls);
}

/* --vs-scalar: libsmx's times under SMX_ISA=scalar, from a second run. */
typedef struct ref_time {
    int op;
    size_t esz, rows, cols;
    double ns;
} ref_time;
static ref_time *scalar_times;
static size_t n_scalar_times;
static int scalar_is_self; /* this run is itself SMX_ISA=scalar */

static double scalar_ns(int op, const bench *b)
{
    for (size_t k = 0; k < n_scalar_times; k++) {
        const ref_time *r = &scalar_times[k];
        if (r->op == op && r->esz == b->esz && r->rows == b->rows && r->cols == b->cols)
            return r->ns;
    }
    return 0;
}

static void ratio(char *buf, size_t size, double ref_ns, double smx_ns)
{
    if (ref_ns > 0 && smx_ns > 0)
        snprintf(buf, size, "%.2f", ref_ns / smx_ns);
    else
        snprintf(buf, size, "-");
}

static const char *fmt_shape(char *buf, size_t size, const bench *b)
{
    snprintf(buf, size, "%zux%zu", b->rows, b->cols);
    return buf;
}

/* ------------------------------------------------------------------------ */
/* One shape, one dtype                                                      */
/* ------------------------------------------------------------------------ */

static int smx_only, peers_failed;

typedef struct baselines {
    double memcpy_gbs, exp_ns, sleef_ns;
} baselines;

static void print_header(size_t esz)
{
    tprintf("\n%s, 1 thread%s\n", esz == 4 ? "f32" : "f64",
           smx_only ? "" : "; ratios = time of the reference / time of smx (> 1: smx faster)");
    tprintf("%-16s %-13s %-4s %11s %7s %7s  %6s %6s %6s %6s %6s %7s %6s\n", "op", "shape", "mem",
           "median_us", "el/ns", "GB/s", "memcpy", "exp", "sleef", "scalar", "onednn", "xnnpack",
           "2thr");
}

static void run_shape(shape s, size_t esz, int cold_all, baselines *base)
{
    bench b;
    char sh[32], r[8][16];
    bench_init(&b, s, esz, cold_all);
    fmt_shape(sh, sizeof sh, &b);
    double n = (double)b.n;

    base->memcpy_gbs = base->exp_ns = base->sleef_ns = 0;
    if (!smx_only) {
        timing t = measure(memcpy_call, NULL, &b, "memcpy");
        tsv_line("memcpy", "-", &b, t);
        base->memcpy_gbs = 2.0 * n * (double)esz / t.ns;
        t = measure(exp_call, NULL, &b, "exp loop");
        tsv_line("exp", "-", &b, t);
        base->exp_ns = t.ns;
#ifdef SMX_BENCH_HAVE_SLEEF
        if (esz == 4 && smx_bench_sleef_lanes()) {
            t = measure(sleef_call, NULL, &b, "sleef loop");
            tsv_line("sleef", "-", &b, t);
            base->sleef_ns = t.ns;
        }
#endif
    }

    for (int op = 0; op < N_OPS; op++) {
        if (op_is_backward(op))
            prepare_backward(&b, op);
        if (smx_set_num_threads(1) != SMX_OK)
            die("smx_set_num_threads failed");
        timing t = measure(smx_call, &op, &b, op_names[op]);
        tsv_line("smx", op_names[op], &b, t);
        double two_ns = 0; /* the same call on 2 threads */
        if (!scalar_is_self) {
            if (smx_set_num_threads(2) != SMX_OK)
                die("smx_set_num_threads failed");
            timing t2 = measure(smx_call, &op, &b, op_names[op]);
            tsv_line("smx-2threads", op_names[op], &b, t2);
            two_ns = t2.ns;
            if (smx_set_num_threads(1) != SMX_OK)
                die("smx_set_num_threads failed");
        }
        memcpy(b.ref, output0(&b, op), b.n * esz);
        double bytes = n * (double)esz * (op_is_backward(op) ? 3.0 : 2.0);
        double gbs = bytes / t.ns;
        double onednn_ns = 0, xnn_ns = 0;

#ifdef SMX_BENCH_HAVE_DNNL
        if (!smx_only && dnnl_ready && op != OP_XENT) {
            bench_dnnl d;
            if (dnnl_build(&d, &b, op)) {
                timing p = measure(dnnl_call, &d, &b, "oneDNN softmax");
                tsv_line("onednn", op_names[op], &b, p);
                onednn_ns = p.ns;
                if (!matches_ref(&b, op))
                    peers_failed = 1;
                bench_dnnl_release(&d);
            }
        }
#endif
#ifdef SMX_BENCH_HAVE_XNNPACK
        if (!smx_only && xnn_ready && op == OP_SOFTMAX && esz == 4) {
            xnn_op o = {NULL, SIZE_MAX};
            if (xnn_create_softmax_nc_f32(b.cols, b.cols, b.cols, 0, &o.op) != xnn_status_success)
                die("XNNPACK: creating the softmax operator failed");
            timing p = measure(xnn_call, &o, &b, "XNNPACK softmax");
            tsv_line("xnnpack", op_names[op], &b, p);
            xnn_ns = p.ns;
            if (!matches_ref(&b, op))
                peers_failed = 1;
            if (xnn_delete_operator(o.op) != xnn_status_success)
                die("XNNPACK: deleting the operator failed");
        }
#endif
        double sc = scalar_is_self ? t.ns : scalar_ns(op, &b);
        if (smx_only) {
            snprintf(r[0], sizeof r[0], "-");
            snprintf(r[1], sizeof r[1], "-");
        } else {
            snprintf(r[0], sizeof r[0], "%.2f", gbs / base->memcpy_gbs);
            ratio(r[1], sizeof r[1], base->exp_ns, t.ns);
        }
        ratio(r[2], sizeof r[2], base->sleef_ns, t.ns);
        ratio(r[3], sizeof r[3], sc, t.ns);
        ratio(r[4], sizeof r[4], onednn_ns, t.ns);
        ratio(r[5], sizeof r[5], xnn_ns, t.ns);
        ratio(r[6], sizeof r[6], t.ns, two_ns);
        tprintf("%-16s %-13s %-4s %11.3f %7.3f %7.2f  %6s %6s %6s %6s %6s %7s %6s\n", op_names[op],
               sh, b.cold ? "cold" : "hot", t.ns / 1e3, n / t.ns, gbs, r[0], r[1], r[2], r[3], r[4],
               r[5], r[6]);
        if (table)
            fflush(table);
    }
    bench_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Setup                                                                     */
/* ------------------------------------------------------------------------ */

/* oneDNN's CPU engine in Debian runs on OpenMP: one thread. */
static void one_openmp_thread(void)
{
    if (setenv("OMP_NUM_THREADS", "1", 1) != 0)
        die("setenv failed");
    void *sym = dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (sym) {
        void (*set)(int);
        memcpy(&set, &sym, sizeof set);
        set(1);
    }
}

static void load_scalar_times(const char *self, const char *args)
{
    char cmd[8192];
    if (snprintf(cmd, sizeof cmd, "SMX_ISA=scalar '%s' --smx-only --tsv -%s", self, args) >=
        (int)sizeof cmd)
        die("--vs-scalar: command too long");
    FILE *p = popen(cmd, "r");
    if (!p)
        die("cannot run %s", cmd);
    char line[512], impl[32], op[32], dt[8];
    size_t rows, cols;
    double ns;
    long calls;
    while (fgets(line, sizeof line, p)) {
        if (sscanf(line, "%31s %31s %7s %zu %zu %lf %ld", impl, op, dt, &rows, &cols, &ns,
                   &calls) != 7 ||
            strcmp(impl, "smx") != 0)
            continue;
        for (int k = 0; k < N_OPS; k++) {
            if (strcmp(op, op_names[k]) != 0)
                continue;
            ref_time *t = realloc(scalar_times, (n_scalar_times + 1) * sizeof *t);
            if (!t)
                die("out of memory");
            scalar_times = t;
            t[n_scalar_times++] = (ref_time){k, strcmp(dt, "f32") == 0 ? 4u : 8u, rows, cols, ns};
        }
    }
    if (pclose(p) != 0)
        die("the SMX_ISA=scalar run failed (does this libsmx know SMX_ISA?)");
}

static void usage(FILE *f)
{
    fputs("usage: smx-bench [--budget SECONDS] [--shape ROWSxCOLS]... [--f32] [--cold]\n"
          "                 [--smx-only] [--tsv FILE|-] [--vs-scalar]\n",
          f);
}

/* Appends ' arg' (shell-quoted) to buf. */
static void append_arg(char *buf, size_t size, const char *arg)
{
    size_t len = strlen(buf);
    if (strchr(arg, '\'') ||
        snprintf(buf + len, size - len, " '%s'", arg) >= (int)(size - len))
        die("cannot pass %s on", arg);
}

int main(int argc, char **argv)
{
    shape chosen[N_SHAPES + 16];
    size_t n_chosen = 0;
    int f32_only = 0, cold_all = 0, vs_scalar = 0;
    const char *tsv_path = NULL;
    char child_args[2048] = ""; /* the options the SMX_ISA=scalar run shares */

    for (int a = 1; a < argc; a++) {
        const char *s = argv[a];
        const char *v = (a + 1 < argc) ? argv[a + 1] : NULL;
        if (!strcmp(s, "--budget") && v) {
            budget_s = atof(v);
            if (!(budget_s > 0 && budget_s < 60))
                die("--budget: seconds in (0, 60)");
            append_arg(child_args, sizeof child_args, s);
            append_arg(child_args, sizeof child_args, v);
            a++;
        } else if (!strcmp(s, "--shape") && v) {
            shape sp = {0, 0};
            if (n_chosen == sizeof chosen / sizeof chosen[0] ||
                sscanf(v, "%zux%zu", &sp.rows, &sp.cols) != 2 || sp.rows == 0 || sp.cols == 0 ||
                sp.rows > SIZE_MAX / 64 / sp.cols)
                die("--shape: ROWSxCOLS, e.g. 256x1000");
            chosen[n_chosen++] = sp;
            append_arg(child_args, sizeof child_args, s);
            append_arg(child_args, sizeof child_args, v);
            a++;
        } else if (!strcmp(s, "--tsv") && v) {
            tsv_path = v;
            a++;
        } else if (!strcmp(s, "--f32")) {
            f32_only = 1;
            append_arg(child_args, sizeof child_args, s);
        } else if (!strcmp(s, "--cold")) {
            cold_all = 1;
            append_arg(child_args, sizeof child_args, s);
        } else if (!strcmp(s, "--smx-only")) {
            smx_only = 1;
        } else if (!strcmp(s, "--vs-scalar")) {
            vs_scalar = 1;
        } else if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (n_chosen == 0) {
        memcpy(chosen, all_shapes, sizeof all_shapes);
        n_chosen = N_SHAPES;
    }
    table = stdout;
    if (tsv_path && !strcmp(tsv_path, "-")) {
        tsv = stdout;
        table = NULL;
    } else if (tsv_path && !(tsv = fopen(tsv_path, "w"))) {
        die("cannot write %s", tsv_path);
    }

    const char *isa = getenv("SMX_ISA");
    scalar_is_self = isa && !strcmp(isa, "scalar");
    if (vs_scalar && !scalar_is_self) {
        char self[4096];
        ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
        if (len <= 0)
            die("--vs-scalar: cannot find this program (/proc/self/exe)");
        self[len] = '\0';
        if (strchr(self, '\''))
            die("--vs-scalar: a quote in this program's path");
        load_scalar_times(self, child_args);
    }

    one_openmp_thread();
#ifdef SMX_BENCH_HAVE_DNNL
    if (!smx_only)
        dnnl_start();
#endif
#ifdef SMX_BENCH_HAVE_XNNPACK
    if (!smx_only) {
        if (xnn_initialize(NULL) != xnn_status_success)
            die("XNNPACK: xnn_initialize failed");
        xnn_ready = 1;
    }
#endif

    tprintf("smx-bench: libsmx %s, path %s (SMX_ISA=%s), 1 thread (2thr: 2), budget %.2f s "
            "per measurement\n",
            smx_version(), smx_isa_name(smx_get_isa()), isa ? isa : "(unset)", budget_s);
    tprintf("references:%s%s%s%s\n", smx_only ? " none" : " memcpy exp",
#ifdef SMX_BENCH_HAVE_SLEEF
            smx_only                      ? ""
            : smx_bench_sleef_lanes() == 16 ? " sleef (Sleef_expf16_u10)"
            : smx_bench_sleef_lanes() == 8  ? " sleef (Sleef_expf8_u10avx2)"
                                            : " (sleef: no AVX2)",
#else
            smx_only ? "" : " (sleef: not built)",
#endif
#ifdef SMX_BENCH_HAVE_DNNL
            dnnl_ready ? " onednn" : "",
#else
            smx_only ? "" : " (onednn: not built)",
#endif
#ifdef SMX_BENCH_HAVE_XNNPACK
            xnn_ready ? " xnnpack" : ""
#else
            smx_only ? "" : " (xnnpack: not built)"
#endif
    );
    tprintf("cold shapes rotate >= %d copies and >= %zu MiB of buffers; hot shapes reuse one set\n",
            MIN_COPIES, ROTATION_BYTES >> 20);

    static baselines base[2][N_SHAPES + 16];
    for (size_t e = 0; e < (f32_only ? 1u : 2u); e++) {
        size_t esz = e ? 8 : 4;
        print_header(esz);
        for (size_t k = 0; k < n_chosen; k++)
            run_shape(chosen[k], esz, cold_all, &base[e][k]);
    }
    if (!smx_only) {
        tprintf("\nrooflines, same run: memcpy GB/s (bytes read + written), exp-only el/ns\n");
        tprintf("%-13s %-4s %9s %9s %9s\n", "shape", "type", "memcpy", "exp", "sleef");
        for (size_t e = 0; e < (f32_only ? 1u : 2u); e++)
            for (size_t k = 0; k < n_chosen; k++) {
                const baselines *bs = &base[e][k];
                char sh[32], sl[16];
                double n = (double)chosen[k].rows * (double)chosen[k].cols;
                snprintf(sh, sizeof sh, "%zux%zu", chosen[k].rows, chosen[k].cols);
                if (bs->sleef_ns > 0)
                    snprintf(sl, sizeof sl, "%.3f", n / bs->sleef_ns);
                else
                    snprintf(sl, sizeof sl, "-");
                tprintf("%-13s %-4s %9.2f %9.3f %9s\n", sh, e ? "f64" : "f32", bs->memcpy_gbs,
                        n / bs->exp_ns, sl);
            }
    }

#ifdef SMX_BENCH_HAVE_XNNPACK
    if (xnn_ready && xnn_deinitialize() != xnn_status_success)
        die("XNNPACK: xnn_deinitialize failed");
#endif
#ifdef SMX_BENCH_HAVE_DNNL
    if (dnnl_ready) {
        dnnl_stream_destroy(dnnl_strm);
        dnnl_engine_destroy(dnnl_eng);
    }
#endif
    free(scalar_times);
    if (tsv && tsv != stdout && fclose(tsv) != 0)
        die("writing %s failed", tsv_path);
    if (table && fflush(table) != 0)
        die("writing the table failed");
    if (peers_failed) {
        fputs("smx-bench: a peer's result disagrees with libsmx's (see above)\n", stderr);
        return 1;
    }
    return 0;
}
