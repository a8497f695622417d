/* test_passes_f64.c — test_passes.inc for the f64 passes. */
#include "test_passes.h"

#include "scalar/wide_f64.h"
#include "passes.h"

/* test_isa.c's bounds: the scalar kernels within 1.5 ulp (2 steps for
 * log-softmax), the vector ones within 0.6, so 2.5 apart. */
#define FORWARD_ULPS(n) 2.5
#define LOG_ULPS 2.5
/* -y_i y_j: the vector path rounds the product once; the scalar path's
 * double-double product rounds its error term too where that is
 * subnormal (a product near DBL_MIN), and then the sum of the pair a
 * second time: 1 step apart. */
#define JACOBIAN_ULPS 1
/* A span's sum (span_stats): each exponential from v_exp_dd within
 * 2^-58.5 relative (simd/vexp_dd.h), summed compensated (about 2^-100);
 * the long double reference within 2^-62 on the rows it is used for,
 * whose x - m is exact in long double; so within 2^-57 of the sum.  Terms
 * on the subnormal grid round by at most a subnormal step each. */
#define SPAN_SUM_REL 0x1p-57
#define SPAN_SUM_ABS 0x1p-1074
/* Scores up to +-900: e^-1800 is far below double's smallest subnormal. */
#define WIDE_SPREAD 900.0
/* The guards: a signalling NaN around outputs, a quiet one around inputs. */
#define OUT_GUARD UINT64_C(0x7FF4A5A5A5A5A5A5)
#define IN_GUARD UINT64_C(0x7FF8A5A5A5A5A5A5)
typedef uint64_t real_bits;
#define WIDE_LD(w) ((long double)(w).hi + (long double)(w).lo)
#define DIGITS 17

#include "test_passes.inc"
