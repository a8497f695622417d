/*
 * bench_half.c — smx-bench-half: the softmax family in bf16 and f16 beside
 * smx's own f32 and oneDNN's bf16 softmax, in one run, 1 thread.
 *
 *   smx-bench-half [--budget SECONDS] [--shape ROWSxCOLS]... [--peak-memory]
 *
 * For each shape and operation it prints elements/ns for smx in f32, bf16
 * and f16 (the same scores, rounded), the ratios bf16/f32 and f16/f32, and
 * oneDNN's bf16 softmax and its ratio to smx's bf16 (> 1: smx faster);
 * "-" where oneDNN has no such primitive on this CPU.  Shapes of 16M
 * elements or more rotate through at least 512 MiB of buffers, so they
 * run from memory ("cold").
 *
 * --peak-memory: the peak resident memory (VmHWM) of one cross-entropy
 * with its gradient on 4096 x 128256 bf16 logits, in a process of its own
 * for each: smx in place (dx = x), and smx into a second array.
 */
#define _POSIX_C_SOURCE 200809L
#include "smx.h"

#include "bench_buffers.h"
#include "bench_shapes.h"
#include "bench_clock.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef SMX_BENCH_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>

#include "bench_dnnl.h"
#endif

enum op_id { OP_SOFTMAX, OP_LOG_SOFTMAX, OP_SOFTMAX_BWD, OP_LOG_SOFTMAX_BWD, OP_XENT, N_OPS };
static const char *const op_names[N_OPS] = {"softmax", "log_softmax", "softmax_bwd",
                                            "log_softmax_bwd", "cross_entropy"};
enum fmt_id { F32, BF16, F16, N_FMTS };
static const size_t fmt_size[N_FMTS] = {4, 2, 2};


#define COLD_ELEMENTS ((size_t)16 << 20)
#define ROTATION_BYTES ((size_t)512 << 20)

static double budget_s = 0.25;

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "smx-bench-half: out of memory (%zu bytes)\n", bytes);
        exit(1);
    }
    return p;
}

/* The buffers of one shape and format: `copies` of x, y, dy, dx. */
typedef struct bench {
    size_t rows, cols, n, esz, copies, stride;
    int fmt;
    void *arrays; /* the one block holding x, y, dy, dx (bench_buffers.h) */
    unsigned char *x, *y, *dy, *dx;
    int32_t *labels;
    size_t next;
} bench;

static void *at(const bench *b, unsigned char *base, size_t i) { return base + i * b->stride; }

static uint64_t rng = 0x9E3779B97F4A7C15u;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) * 0x1p-53;
}

static void store(const bench *b, unsigned char *base, size_t k, double v)
{
    if (b->fmt == F32)
        ((float *)base)[k] = (float)v;
    else if (b->fmt == BF16)
        ((smx_bf16 *)base)[k] = smx_f64_to_bf16(v);
    else
        ((smx_f16 *)base)[k] = smx_f64_to_f16(v);
}

static void bench_init(bench *b, shape s, int fmt)
{
    memset(b, 0, sizeof *b);
    b->rows = s.rows;
    b->cols = s.cols;
    b->n = s.rows * s.cols;
    b->fmt = fmt;
    b->esz = fmt_size[fmt];
    b->stride = (b->n * b->esz + 63) / 64 * 64;
    b->copies = 1;
    if (b->n >= COLD_ELEMENTS) {
        b->copies = ROTATION_BYTES / (4 * b->stride) + 1;
        if (b->copies < 4)
            b->copies = 4;
    }
    const size_t total = b->copies * b->stride;
    unsigned char *arrays[4];
    b->arrays = bench_arrays(total, arrays);
    if (!b->arrays) {
        fprintf(stderr, "smx-bench-half: out of memory (4 x %zu bytes)\n", total);
        exit(1);
    }
    b->x = arrays[0];
    b->y = arrays[1];
    b->dy = arrays[2];
    b->dx = arrays[3];
    memset(b->y, 0, total);
    memset(b->dx, 0, total);
    rng = 0x9E3779B97F4A7C15u; /* the same scores in every format */
    for (size_t k = 0; k < b->n; k++) {
        store(b, b->x, k, 16.0 * uniform() - 8.0);
        store(b, b->dy, k, 2.0 * uniform() - 1.0);
    }
    for (size_t i = 1; i < b->copies; i++) {
        memcpy(at(b, b->x, i), b->x, b->n * b->esz);
        memcpy(at(b, b->dy, i), b->dy, b->n * b->esz);
    }
    b->labels = xmalloc(s.rows * sizeof *b->labels);
    for (size_t r = 0; r < s.rows; r++)
        b->labels[r] = (int32_t)(uniform() * (double)s.cols);
}

static void bench_free(bench *b)
{
    free(b->arrays);
    free(b->labels);
}

static volatile float loss_sink;

/* smx's call of op in b's format on copy i. */
static smx_status smx_call(const bench *b, int op, size_t i)
{
    void *x = at(b, b->x, i), *y = at(b, b->y, i), *dy = at(b, b->dy, i), *dx = at(b, b->dx, i);
    const size_t r = b->rows, c = b->cols;
    float loss = 0;
    smx_status st = SMX_OK;
#define CALLS(T, sfx)                                                                        \
    switch (op) {                                                                            \
    case OP_SOFTMAX: st = smx_softmax_##sfx(y, x, r, c); break;                              \
    case OP_LOG_SOFTMAX: st = smx_log_softmax_##sfx(y, x, r, c); break;                      \
    case OP_SOFTMAX_BWD: st = smx_softmax_backward_##sfx(dx, y, dy, r, c); break;            \
    case OP_LOG_SOFTMAX_BWD: st = smx_log_softmax_backward_##sfx(dx, y, dy, r, c); break;    \
    default: st = smx_cross_entropy_##sfx(&loss, dx, x, b->labels, r, c);                    \
    }
    if (b->fmt == F32)
        CALLS(float, f32)
    else if (b->fmt == BF16)
        CALLS(smx_bf16, bf16)
    else
        CALLS(smx_f16, f16)
#undef CALLS
    loss_sink = loss;
    return st;
}

typedef int (*call_fn)(void *ctx, bench *b, size_t i);

static int smx_fn(void *ctx, bench *b, size_t i) { return smx_call(b, *(int *)ctx, i) != SMX_OK; }

/* The median time per call, in ns, of calls on the copies in turn. */
static double measure(call_fn fn, void *ctx, bench *b)
{
    enum { SAMPLES = 9 };
    double samples[SAMPLES];
    b->next = 0;
    if (fn(ctx, b, 0))
        return -1;
    double t0 = now_ns();
    fn(ctx, b, 0);
    double one = now_ns() - t0;
    long batch = (long)(budget_s * 1e9 / SAMPLES / (one > 1 ? one : 1));
    if (batch < 1)
        batch = 1;
    for (int s = 0; s < SAMPLES; s++) {
        const double start = now_ns();
        for (long k = 0; k < batch; k++) {
            if (fn(ctx, b, b->next))
                return -1;
            b->next = b->next + 1 == b->copies ? 0 : b->next + 1;
        }
        samples[s] = (now_ns() - start) / (double)batch;
    }
    qsort(samples, SAMPLES, sizeof samples[0], cmp_double);
    return samples[SAMPLES / 2];
}

#ifdef SMX_BENCH_HAVE_DNNL
static dnnl_engine_t eng;
static dnnl_stream_t strm;

/* oneDNN's bf16 softmax for b's shape; 0 when this CPU or build has none. */
static int dnnl_build(bench_dnnl *d, const bench *b, int op)
{
    if (b->fmt != BF16 || op == OP_XENT) {
        memset(d, 0, sizeof *d);
        return 0;
    }
    return bench_dnnl_build(d, eng, b->rows, b->cols, dnnl_bf16,
                              op == OP_LOG_SOFTMAX || op == OP_LOG_SOFTMAX_BWD,
                              op == OP_SOFTMAX_BWD || op == OP_LOG_SOFTMAX_BWD);
}

static int dnnl_fn(void *ctx, bench *b, size_t i)
{
    bench_dnnl *d = ctx;
    void *const fwd[3] = {at(b, b->x, i), at(b, b->y, i), NULL};
    void *const bwd[3] = {at(b, b->y, i), at(b, b->dy, i), at(b, b->dx, i)};
    return bench_dnnl_run(d, strm, d->bwd ? bwd : fwd);
}
#endif

static void el_per_ns(char *buf, size_t size, double n, double ns)
{
    if (ns > 0)
        snprintf(buf, size, "%.3f", n / ns);
    else
        snprintf(buf, size, "-");
}

static void ratio(char *buf, size_t size, double num_ns, double den_ns)
{
    if (num_ns > 0 && den_ns > 0)
        snprintf(buf, size, "%.2f", num_ns / den_ns);
    else
        snprintf(buf, size, "-");
}

static void run_shape(shape s)
{
    bench b[N_FMTS];
    for (int f = 0; f < N_FMTS; f++)
        bench_init(&b[f], s, f);
    char shp[32];
    snprintf(shp, sizeof shp, "%zux%zu", s.rows, s.cols);
    for (int op = 0; op < N_OPS; op++) {
        double ns[N_FMTS];
        for (int f = 0; f < N_FMTS; f++) {
            if (op == OP_SOFTMAX_BWD || op == OP_LOG_SOFTMAX_BWD) /* y from the forward pass */
                for (size_t i = 0; i < b[f].copies; i++)
                    smx_call(&b[f], op == OP_SOFTMAX_BWD ? OP_SOFTMAX : OP_LOG_SOFTMAX, i);
            int o = op;
            ns[f] = measure(smx_fn, &o, &b[f]);
        }
        double onednn = -1;
#ifdef SMX_BENCH_HAVE_DNNL
        bench_dnnl d;
        if (dnnl_build(&d, &b[BF16], op))
            onednn = measure(dnnl_fn, &d, &b[BF16]);
        bench_dnnl_release(&d);
#endif
        char e32[16], e16b[16], e16[16], rb[16], rh[16], eo[16], ro[16];
        const double n = (double)b[F32].n;
        el_per_ns(e32, sizeof e32, n, ns[F32]);
        el_per_ns(e16b, sizeof e16b, n, ns[BF16]);
        el_per_ns(e16, sizeof e16, n, ns[F16]);
        ratio(rb, sizeof rb, ns[F32], ns[BF16]);
        ratio(rh, sizeof rh, ns[F32], ns[F16]);
        el_per_ns(eo, sizeof eo, n, onednn);
        ratio(ro, sizeof ro, onednn, ns[BF16]);
        printf("%-16s %-12s %-5s %8s %8s %8s %8s %8s %10s %9s\n", op_names[op], shp,
               b[F32].copies > 1 ? "cold" : "hot", e32, e16b, e16, rb, rh, eo, ro);
        fflush(stdout);
    }
    for (int f = 0; f < N_FMTS; f++)
        bench_free(&b[f]);
}

/* VmHWM of this process, in MiB. */
static double peak_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lf kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib / 1024.0;
}

/* One cross-entropy with its gradient on rows x cols bf16 logits, in a
 * child process: in place (dx = x) or into a second array. */
static void peak_run(size_t rows, size_t cols, int in_place)
{
    const pid_t pid = fork();
    if (pid == 0) {
        const size_t n = rows * cols;
        smx_bf16 *x = xmalloc(n * sizeof *x), *dx = in_place ? x : xmalloc(n * sizeof *dx);
        int32_t *labels = xmalloc(rows * sizeof *labels);
        for (size_t k = 0; k < n; k++)
            x[k] = smx_f64_to_bf16(16.0 * uniform() - 8.0);
        if (!in_place)
            memset(dx, 0, n * sizeof *dx);
        for (size_t r = 0; r < rows; r++)
            labels[r] = (int32_t)(uniform() * (double)cols);
        const double before = peak_mib(), t0 = now_ns();
        float loss;
        const smx_status st = smx_cross_entropy_bf16(&loss, dx, x, labels, rows, cols);
        const double t = (now_ns() - t0) * 1e-9;
        printf("smx bf16 %zux%zu %-12s loss %.4f  %.3f s  peak %.0f MiB (inputs %.0f MiB; "
               "the call added %.0f MiB)\n",
               rows, cols, in_place ? "in place" : "dx apart", st == SMX_OK ? loss : -1.0f, t,
               peak_mib(), (double)(n * sizeof *x * (in_place ? 1 : 2)) / 1048576.0,
               peak_mib() - before);
        fflush(stdout);
        _exit(st != SMX_OK);
    }
    int status;
    waitpid(pid, &status, 0);
}

static void usage(FILE *f)
{
    fputs("usage: smx-bench-half [--budget SECONDS] [--shape ROWSxCOLS]... [--peak-memory]\n", f);
}

int main(int argc, char **argv)
{
    shape chosen[32];
    size_t n_chosen = 0;
    int peak = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--budget") == 0 && a + 1 < argc) {
            budget_s = atof(argv[++a]);
        } else if (strcmp(argv[a], "--shape") == 0 && a + 1 < argc && n_chosen < 32) {
            if (sscanf(argv[++a], "%zux%zu", &chosen[n_chosen].rows, &chosen[n_chosen].cols) !=
                2) {
                usage(stderr);
                return 2;
            }
            n_chosen++;
        } else if (strcmp(argv[a], "--peak-memory") == 0) {
            peak = 1;
        } else {
            usage(strcmp(argv[a], "--help") == 0 ? stdout : stderr);
            return strcmp(argv[a], "--help") == 0 ? 0 : 2;
        }
    }
    smx_set_num_threads(1);
    if (peak) {
        peak_run(4096, 128256, 1);
        peak_run(4096, 128256, 0);
        return 0;
    }
#ifdef SMX_BENCH_HAVE_DNNL
    if (dnnl_engine_create(&eng, dnnl_cpu, 0) != dnnl_success ||
        dnnl_stream_create(&strm, eng, dnnl_stream_default_flags) != dnnl_success) {
        fprintf(stderr, "smx-bench-half: oneDNN: no CPU engine\n");
        return 1;
    }
#endif
    printf("smx-bench-half: libsmx %s, path %s, 1 thread, budget %.2f s per measurement\n",
           smx_version(), smx_isa_name(smx_get_isa()), budget_s);
    printf("el/ns: elements per ns; bf16/f32, f16/f32: smx's speed over its own f32; "
           "vs_onednn: oneDNN's bf16 time over smx's\n");
    printf("%-16s %-12s %-5s %8s %8s %8s %8s %8s %10s %9s\n", "op", "shape", "mem", "f32",
           "bf16", "f16", "bf16/f32", "f16/f32", "onednn_bf16", "vs_onednn");
    for (size_t i = 0; i < (n_chosen ? n_chosen : N_SHAPES); i++)
        run_shape(n_chosen ? chosen[i] : all_shapes[i]);
    return 0;
}
