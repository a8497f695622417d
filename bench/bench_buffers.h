/*
 * bench_buffers.h — the four arrays of a measurement (x, y, dy, dx) in one
 * allocation, array i starting 1024 i bytes past a 4096-byte boundary.
 *
 * Arrays whose addresses agree modulo 4096 make a streaming kernel's loads
 * from one wait on its recent stores to another (4K aliasing).  Separate
 * allocations of the same large size come back at the same page offset or
 * not, depending on what the process allocated and freed before: that
 * moved oneDNN's bf16 softmax on 256 x 1000 between 1.4 and 1.9 elements
 * per ns from one build of the harness to the next.  With fixed offsets,
 * every library meets the same layout in every run.
 */
#ifndef SMX_BENCH_BUFFERS_H
#define SMX_BENCH_BUFFERS_H

#include <stdlib.h>

/* arrays[0..3] of `bytes` each; returns the block to free, or NULL. */
static inline void *bench_arrays(size_t bytes, unsigned char *arrays[4])
{
    const size_t span = (bytes + 4095) / 4096 * 4096 + 4096;
    void *base = NULL;
    if (posix_memalign(&base, 4096, 4 * span) != 0)
        return NULL;
    for (size_t i = 0; i < 4; i++)
        arrays[i] = (unsigned char *)base + i * span + 1024 * i;
    return base;
}

#endif
