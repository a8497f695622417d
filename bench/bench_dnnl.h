/*
 * bench_dnnl.h — oneDNN's softmax for the benchmarks (smx-bench,
 * smx-bench-half): one primitive, forward or backward, softmax or
 * log-softmax, on a rows x cols matrix of one data type, and its call on
 * given buffers.  Include after <oneapi/dnnl/dnnl.h>.
 */
#ifndef SMX_BENCH_DNNL_H
#define SMX_BENCH_DNNL_H

#include <string.h>

typedef struct bench_dnnl {
    dnnl_primitive_t prim;
    dnnl_memory_t mem[3]; /* forward: src, dst; backward: dst, diff_dst, diff_src */
    int args[3];
    int nargs;
    int bwd;
} bench_dnnl;

/* 1 when oneDNN has the primitive on this CPU and it was created; 0 when it
 * has none (or a step failed: the caller shows "-"). */
static int bench_dnnl_build(bench_dnnl *d, dnnl_engine_t eng, size_t rows, size_t cols,
                              dnnl_data_type_t type, int log, int bwd)
{
    memset(d, 0, sizeof *d);
    dnnl_memory_desc_t md;
    dnnl_dims_t dims = {(dnnl_dim_t)rows, (dnnl_dim_t)cols};
    if (dnnl_memory_desc_init_by_tag(&md, 2, dims, type, dnnl_ab) != dnnl_success)
        return 0;
    const dnnl_alg_kind_t alg = log ? dnnl_softmax_log : dnnl_softmax_accurate;
    dnnl_softmax_v2_desc_t fd, bd;
    dnnl_primitive_desc_t fpd = NULL, pd = NULL;
    if (dnnl_softmax_v2_forward_desc_init(&fd, dnnl_forward_training, alg, &md, &md, 1) !=
            dnnl_success ||
        dnnl_primitive_desc_create(&fpd, &fd, NULL, eng, NULL) != dnnl_success)
        return 0; /* unimplemented: no such primitive */
    d->bwd = bwd;
    if (bwd) {
        if (dnnl_softmax_v2_backward_desc_init(&bd, alg, &md, &md, &md, 1) != dnnl_success ||
            dnnl_primitive_desc_create(&pd, &bd, NULL, eng, fpd) != dnnl_success) {
            dnnl_primitive_desc_destroy(fpd);
            return 0;
        }
        dnnl_primitive_desc_destroy(fpd);
        d->args[0] = DNNL_ARG_DST;
        d->args[1] = DNNL_ARG_DIFF_DST;
        d->args[2] = DNNL_ARG_DIFF_SRC;
        d->nargs = 3;
    } else {
        pd = fpd;
        d->args[0] = DNNL_ARG_SRC;
        d->args[1] = DNNL_ARG_DST;
        d->nargs = 2;
    }
    const int ok = dnnl_primitive_create(&d->prim, pd) == dnnl_success;
    dnnl_primitive_desc_destroy(pd);
    for (int k = 0; ok && k < d->nargs; k++)
        if (dnnl_memory_create(&d->mem[k], &md, eng, DNNL_MEMORY_NONE) != dnnl_success)
            return 0;
    return ok;
}

static void bench_dnnl_release(bench_dnnl *d)
{
    for (int k = 0; k < d->nargs; k++)
        if (d->mem[k])
            dnnl_memory_destroy(d->mem[k]);
    if (d->prim)
        dnnl_primitive_destroy(d->prim);
}

/* Runs d on the buffers h (forward: x, y; backward: y, dy, dx); non-zero on
 * failure. */
static int bench_dnnl_run(bench_dnnl *d, dnnl_stream_t strm, void *const h[3])
{
    dnnl_exec_arg_t args[3];
    for (int k = 0; k < d->nargs; k++) {
        if (dnnl_memory_set_data_handle(d->mem[k], h[k]) != dnnl_success)
            return 1;
        args[k].arg = d->args[k];
        args[k].memory = d->mem[k];
    }
    return dnnl_primitive_execute(d->prim, strm, d->nargs, args) != dnnl_success ||
           dnnl_stream_wait(strm) != dnnl_success;
}

#endif
