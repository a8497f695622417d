/*
 * bench_forms.c — smx-bench-forms: the speed of the functions smx-bench
 * leaves out (logsumexp, the masked forward passes, the axis functions,
 * the JVP, cross-entropy with class weights and label smoothing and with
 * soft targets, the NLL loss, the Jacobian of a 1000-entry row, counted
 * as its 10^6 outputs) on the active path against the scalar path,
 * measured in the same run, one thread.
 *
 *   smx-bench-forms [--budget SECONDS]
 *
 * Each line: the median time per call of the active path, elements/ns,
 * and `scalar`, the scalar path's median time over the active path's
 * (> 1: the active path is faster).  Shapes are chosen from use: an
 * attention block (256 x 1024, scale 1/8, a causal keep mask), a
 * segmentation head ([8, 21, 4096], softmax over 21 classes at each of
 * 4096 positions), and 256 x 1000 rows.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "bench_clock.h"
#include "smx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double budget_s = 0.2;

typedef enum form {
    LOGSUMEXP,
    SOFTMAX_MASKED,
    LOG_SOFTMAX_MASKED,
    SOFTMAX_AXIS,
    SOFTMAX_AXIS_BWD,
    LOG_SOFTMAX_JVP,
    CROSS_ENTROPY_OPTIONS,
    CROSS_ENTROPY_SOFT,
    NLL_LOSS,
    NLL_LOSS_OPTIONS,
    JACOBIAN,
    N_FORMS
} form;

static const char *const form_names[N_FORMS] = {
    "logsumexp", "softmax_masked", "log_softmax_masked", "softmax_axis", "softmax_axis_bwd",
    "log_softmax_jvp", "cross_entropy_ex", "cross_entropy_soft", "nll_loss", "nll_loss_ex",
    "softmax_jacobian"};

/* The buffers of one case, in both dtypes. */
typedef struct bufs {
    size_t outer, n, inner; /* rows x cols is outer x n, inner 1 */
    float *x32, *y32, *dy32, *dx32, *w32, *t32;
    double *x64, *y64, *dy64, *dx64, *w64, *t64;
    uint8_t *keep;
    int32_t *labels;
} bufs;

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes);
    if (!p) {
        fprintf(stderr, "smx-bench-forms: out of memory\n");
        exit(1);
    }
    return p;
}

static bufs make_bufs(size_t outer, size_t n, size_t inner)
{
    bufs b = {outer, n, inner, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
              NULL, NULL, NULL, NULL, NULL, NULL};
    const size_t N = outer * n * inner;
    b.x32 = xmalloc(N * sizeof(float));
    b.y32 = xmalloc(N * sizeof(float));
    b.dy32 = xmalloc(N * sizeof(float));
    b.dx32 = xmalloc(N * sizeof(float));
    b.x64 = xmalloc(N * sizeof(double));
    b.y64 = xmalloc(N * sizeof(double));
    b.dy64 = xmalloc(N * sizeof(double));
    b.dx64 = xmalloc(N * sizeof(double));
    b.t32 = xmalloc(N * sizeof(float));
    b.t64 = xmalloc(N * sizeof(double));
    b.keep = xmalloc(N);
    b.w32 = xmalloc(n * sizeof(float));
    b.w64 = xmalloc(n * sizeof(double));
    b.labels = xmalloc(outer * sizeof(int32_t));
    for (size_t k = 0; k < n; k++) {
        b.w32[k] = (float)(0.25 + 0.25 * (double)(k % 7));
        b.w64[k] = b.w32[k];
    }
    for (size_t r = 0; r < outer; r++)
        b.labels[r] = (int32_t)(r * 7 % n);
    uint64_t s = 0x5EED000000000001u;
    for (size_t i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        const double u = (double)(s >> 11) / 9007199254740992.0;
        b.x32[i] = (float)(16 * u - 8);
        b.x64[i] = b.x32[i];
        b.dy32[i] = (float)(2 * u - 1);
        b.dy64[i] = b.dy32[i];
        /* causal: row r keeps its first (r + 1) * n / outer entries */
        b.keep[i] = (i % n) * outer < (i / n + 1) * n;
    }
    smx_log_softmax_f32(b.y32, b.x32, outer * inner, n); /* log-probabilities for the JVP */
    smx_log_softmax_f64(b.y64, b.x64, outer * inner, n);
    smx_softmax_f32(b.t32, b.dy32, outer * inner, n); /* soft targets */
    smx_softmax_f64(b.t64, b.dy64, outer * inner, n);
    return b;
}

static void free_bufs(bufs *b)
{
    free(b->x32);
    free(b->y32);
    free(b->dy32);
    free(b->dx32);
    free(b->x64);
    free(b->y64);
    free(b->dy64);
    free(b->dx64);
    free(b->t32);
    free(b->t64);
    free(b->keep);
    free(b->w32);
    free(b->w64);
    free(b->labels);
}

static int call(form f, int f64, bufs *b)
{
    const size_t rows = b->outer, n = b->n;
    const smx_mask_f32 m32 = {NULL, 0, b->keep, rows};
    const smx_mask_f64 m64 = {NULL, 0, b->keep, rows};
    /* the loss options: class weights, label smoothing 0.1, the mean */
    const smx_cross_entropy_options_f32 o32 = {
        .reduction = SMX_REDUCTION_MEAN, .class_weights = b->w32, .label_smoothing = 0.1f};
    const smx_cross_entropy_options_f64 o64 = {
        .reduction = SMX_REDUCTION_MEAN, .class_weights = b->w64, .label_smoothing = 0.1};
    switch (f) {
    case LOGSUMEXP:
        return f64 ? smx_logsumexp_f64(b->dx64, b->x64, rows, n)
                   : smx_logsumexp_f32(b->dx32, b->x32, rows, n);
    case SOFTMAX_MASKED:
        return f64 ? smx_softmax_masked_f64(b->dx64, b->x64, rows, n, 0.125, &m64)
                   : smx_softmax_masked_f32(b->dx32, b->x32, rows, n, 0.125f, &m32);
    case LOG_SOFTMAX_MASKED:
        return f64 ? smx_log_softmax_masked_f64(b->dx64, b->x64, rows, n, 0.125, &m64)
                   : smx_log_softmax_masked_f32(b->dx32, b->x32, rows, n, 0.125f, &m32);
    case SOFTMAX_AXIS:
        return f64 ? smx_softmax_axis_f64(b->dx64, b->x64, b->outer, n, b->inner)
                   : smx_softmax_axis_f32(b->dx32, b->x32, b->outer, n, b->inner);
    case SOFTMAX_AXIS_BWD:
        return f64 ? smx_softmax_backward_axis_f64(b->dx64, b->x64, b->dy64, b->outer, n,
                                                   b->inner)
                   : smx_softmax_backward_axis_f32(b->dx32, b->x32, b->dy32, b->outer, n,
                                                   b->inner);
    case LOG_SOFTMAX_JVP:
        return f64 ? smx_log_softmax_jvp_f64(b->dx64, b->y64, b->dy64, rows, n)
                   : smx_log_softmax_jvp_f32(b->dx32, b->y32, b->dy32, rows, n);
    case CROSS_ENTROPY_OPTIONS:
        return f64 ? smx_cross_entropy_ex_f64(b->y64, b->dx64, b->x64, b->labels, rows, n, &o64)
                   : smx_cross_entropy_ex_f32(b->y32, b->dx32, b->x32, b->labels, rows, n,
                                              &o32);
    case CROSS_ENTROPY_SOFT: { /* probability targets, the mean */
        return f64 ? smx_cross_entropy_soft_f64(b->y64, b->dx64, b->x64, b->t64, rows, n, NULL)
                   : smx_cross_entropy_soft_f32(b->y32, b->dx32, b->x32, b->t32, rows, n, NULL);
    }
    case NLL_LOSS: /* of log-probabilities, the mean */
        return f64 ? smx_nll_loss_f64(b->dy64, b->dx64, b->y64, b->labels, rows, n, NULL)
                   : smx_nll_loss_f32(b->dy32, b->dx32, b->y32, b->labels, rows, n, NULL);
    case NLL_LOSS_OPTIONS:
        return f64 ? smx_nll_loss_f64(b->dy64, b->dx64, b->y64, b->labels, rows, n, &o64)
                   : smx_nll_loss_f32(b->dy32, b->dx32, b->y32, b->labels, rows, n, &o32);
    case JACOBIAN: /* n x n from n values of y (the time does not depend on them) */
        return f64 ? smx_softmax_jacobian_f64(b->dx64, b->y64, n)
                   : smx_softmax_jacobian_f32(b->dx32, b->y32, n);
    default:
        return 1;
    }
}

/* The median time of one call, in ns. */
static double measure(form f, int f64, bufs *b)
{
    enum { SAMPLES = 9 };
    double t[SAMPLES];
    if (call(f, f64, b) != SMX_OK) {
        fprintf(stderr, "smx-bench-forms: %s failed\n", form_names[f]);
        exit(1);
    }
    double t0 = now_ns();
    call(f, f64, b);
    double one = now_ns() - t0;
    long batch = (long)(budget_s * 1e9 / SAMPLES / (one > 1 ? one : 1));
    if (batch < 1)
        batch = 1;
    for (int s = 0; s < SAMPLES; s++) {
        t0 = now_ns();
        for (long k = 0; k < batch; k++)
            call(f, f64, b);
        t[s] = (now_ns() - t0) / (double)batch;
    }
    qsort(t, SAMPLES, sizeof t[0], cmp_double);
    return t[SAMPLES / 2];
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--budget") == 0 && i + 1 < argc) {
            budget_s = atof(argv[++i]);
        } else {
            fprintf(stderr, "usage: smx-bench-forms [--budget SECONDS]\n");
            return 2;
        }
    }
    smx_set_num_threads(1);
    const smx_isa active = smx_get_isa();
    printf("smx-bench-forms: path %s, 1 thread; scalar = time on the scalar path / time on "
           "%s (> 1: faster)\n",
           smx_isa_name(active), smx_isa_name(active));
    printf("%-20s %-4s %-14s %11s %8s %8s\n", "op", "type", "shape", "median_us", "el/ns",
           "scalar");
    struct {
        form f;
        size_t outer, n, inner;
    } cases[] = {{LOGSUMEXP, 256, 1000, 1},          {LOGSUMEXP, 4096, 10, 1},
                 {SOFTMAX_MASKED, 256, 1024, 1},     {LOG_SOFTMAX_MASKED, 256, 1024, 1},
                 {SOFTMAX_AXIS, 8, 21, 4096},        {SOFTMAX_AXIS_BWD, 8, 21, 4096},
                 {LOG_SOFTMAX_JVP, 256, 1000, 1},    {CROSS_ENTROPY_OPTIONS, 256, 1000, 1},
                 {CROSS_ENTROPY_SOFT, 256, 1000, 1}, {CROSS_ENTROPY_SOFT, 4096, 10, 1},
                 {NLL_LOSS, 256, 1000, 1},           {NLL_LOSS, 4096, 10, 1},
                 {NLL_LOSS_OPTIONS, 256, 1000, 1},   {JACOBIAN, 1000, 1000, 1}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        bufs b = make_bufs(cases[c].outer, cases[c].n, cases[c].inner);
        const double elements = (double)(cases[c].outer * cases[c].n * cases[c].inner);
        for (int f64 = 0; f64 <= 1; f64++) {
            smx_set_isa(active);
            const double t = measure(cases[c].f, f64, &b);
            smx_set_isa(SMX_ISA_SCALAR);
            const double ts = measure(cases[c].f, f64, &b);
            char shape[32];
            if (cases[c].inner > 1)
                snprintf(shape, sizeof shape, "%zux%zux%zu", cases[c].outer, cases[c].n,
                         cases[c].inner);
            else
                snprintf(shape, sizeof shape, "%zux%zu", cases[c].outer, cases[c].n);
            printf("%-20s %-4s %-14s %11.3f %8.3f %8.2f\n", form_names[cases[c].f],
                   f64 ? "f64" : "f32", shape, t / 1e3, elements / t, ts / t);
        }
        free_bufs(&b);
    }
    smx_set_isa(active);
    return 0;
}
