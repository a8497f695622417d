/* bench_passes_f32.c — smx-bench-passes' f32 cases (bench_passes.inc). */
#include "bench_passes.h"

#include "scalar/wide_f32.h"
#include "passes.h"

#include "bench_passes.inc"
