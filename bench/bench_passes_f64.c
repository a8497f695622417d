/* bench_passes_f64.c — smx-bench-passes' f64 cases (bench_passes.inc). */
#include "bench_passes.h"

#include "scalar/wide_f64.h"
#include "passes.h"

#include "bench_passes.inc"
