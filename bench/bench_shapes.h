/*
 * bench_shapes.h — the (rows, cols) shapes every softmax bench measures
 * by default (smx-bench, smx-bench-half), so that their tables line up:
 * Iris, a single row, small rows, mid-sized vocabularies, a Llama 3
 * vocabulary, a square, and rows of 2^20 and 2^24 entries out of cache.
 */
#ifndef SMX_BENCH_SHAPES_H
#define SMX_BENCH_SHAPES_H

#include <stddef.h>

typedef struct shape {
    size_t rows, cols;
} shape;

static const shape all_shapes[] = {
    {150, 3},    {1, 3},       {4096, 10},    {256, 1000},   {64, 32000},
    {8, 128256}, {2048, 2048}, {16, 1048576}, {1, 16777216},
};
#define N_SHAPES (sizeof all_shapes / sizeof all_shapes[0])

#endif
