/*
 * parallel.h — the library's thread pool (parallel.c).
 *
 * Work is cut into chunks whose bounds depend on the problem only, never
 * on the thread count, and every chunk computes the same bits whichever
 * thread runs it; what is merged across chunks is merged in chunk order.
 * So results are identical for any number of threads.
 */
#ifndef SMX_PARALLEL_H
#define SMX_PARALLEL_H

#include "kernels.h"

#include <stddef.h>

typedef void (*smx__chunk_fn)(void *ctx, size_t chunk);

/* Runs fn(ctx, c) for every c in [0, chunks), on up to smx_get_num_threads()
 * threads (the caller's among them), and returns when all are done.  While
 * another call is using the pool, runs them all on the calling thread. */
SMX_PRIVATE void smx__parallel_for(size_t chunks, smx__chunk_fn fn, void *ctx);

#endif
