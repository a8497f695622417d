/* test_passes_f32.c — test_passes.inc for the f32 passes. */
#include "test_passes.h"

#include "scalar/wide_f32.h"
#include "passes.h"

/* test_isa.c's bounds: both paths round a double result once, so 1 ulp
 * apart; 2 for softmax rows longer than the vector kernels' scratch, whose
 * exponentials wait in float. */
#define FORWARD_ULPS(n) ((n) > 4096 ? 2 : 1)
#define LOG_ULPS 1
/* -y_i y_j and y_i - y_i^2 are exact in double on both paths, rounded to
 * float once: the same values. */
#define JACOBIAN_ULPS 0
/* A span's sum (span_stats): each exponential within 2^-26.5 relative
 * (the float-lane exp, simd/vexpf.h; 2^-50 in double lanes), the sum of
 * these positive terms in double lanes adding under n 2^-53, so within
 * 2^-26 of the sum; a term with x - m below -150 is left out, under
 * 2^-216. */
#define SPAN_SUM_REL 0x1p-26
#define SPAN_SUM_ABS 0x1p-216
/* Scores up to +-120: e^-240 is far below float's smallest subnormal. */
#define WIDE_SPREAD 120.0
/* The guards: a signalling NaN around outputs, a quiet one around inputs. */
#define OUT_GUARD UINT32_C(0x7FA5A5A5)
#define IN_GUARD UINT32_C(0x7FC5A5A5)
typedef uint32_t real_bits;
#define WIDE_LD(w) ((long double)(w))
#define DIGITS 9

#include "test_passes.inc"
