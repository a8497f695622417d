/*
 * bench_passes.h — what bench_passes.c (the harness: options, timing, the
 * exp-only reference, the table) shares with the cases of each dtype
 * (bench_passes.inc, compiled by bench_passes_f32.c and bench_passes_f64.c).
 */
#ifndef SMX_BENCH_PASSES_H
#define SMX_BENCH_PASSES_H

#include <stddef.h>

/* One call of the pass under test, on buffers set up once (hot). */
typedef void (*bench_call)(void *ctx);

/* Times `call` and prints its line: the median time per call, elements/ns
 * for `elements` entries, and the exp-only loop's time over as many
 * elements of the same dtype (f64: 1) over the pass's time. */
void bench_case(const char *pass, int f64, const char *shape, size_t elements, bench_call call,
                void *ctx);

/* The cases of each dtype, on the active path's table. */
void bench_passes_f32(void);
void bench_passes_f64(void);

#endif
