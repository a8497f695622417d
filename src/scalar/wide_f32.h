/*
 * wide_f32.h — the working precision of the f32 scalar kernels: double.
 *
 * A float has a 24-bit significand, so in double (53 bits) the shift
 * x - m is exact whenever the two exponents are within 29 of each other
 * (and otherwise exp(x - m) is 0 in float anyway), a product of two floats
 * is exact, and a sum of 2^24 terms drifts by at most 2^-29 relative:
 * 1/32 of a float ulp.  Every result is then rounded to float once.
 *
 * The kernels are written once (softmax.inc, backward.inc, loss.inc) in
 * terms of `real`, `wide` and the w_* operations below; wide_f64.h gives
 * the same operations in double-double.
 */
#ifndef SMX_SCALAR_WIDE_F32_H
#define SMX_SCALAR_WIDE_F32_H

#include <math.h>

typedef float real;
typedef double wide;

#define SMX_SUFFIX f32
#define SMX_REAL_INF HUGE_VALF

static inline wide w_of(real x) { return (wide)x; }
static inline wide w_of_double(double x) { return x; }
static inline wide w_zero(void) { return 0.0; }
static inline double w_hi(wide a) { return a; }

/* scale * x + bias, with bias possibly 0: the product of two floats is
 * exact in double, so only the final addition rounds (2^-53 relative). */
static inline wide w_affine(real scale, real x, real bias)
{
    return (double)scale * (double)x + (double)bias;
}

static inline int w_gt(wide a, wide b) { return a > b; }
static inline wide w_add(wide a, wide b) { return a + b; }
static inline wide w_sub(wide a, wide b) { return a - b; }
static inline wide w_neg(wide a) { return -a; }
static inline wide w_mul(wide a, wide b) { return a * b; }
static inline wide w_mul_r(wide a, real b) { return a * (double)b; }
static inline wide w_div(wide a, wide b) { return a / b; }

/* exp(d) for d <= 0 (or -inf, giving 0): libm's double exp, accurate to
 * about 0.5 ulp of double, far below a float ulp. */
static inline wide w_exp(wide d) { return exp(d); }

/* e * f rounded once to float, for e = exp(d): in double nothing here is
 * subnormal, so d is not needed (wide_f64.h needs it). */
static inline real w_exp_mul_round(wide e, wide d, wide f)
{
    (void)d;
    return (real)(e * f);
}

/* In double no term of a float row's sum is subnormal where it could
 * matter: no second pass (wide_f64.h has one). */
#define SMX_TINY_SUM 0.0
static inline wide w_exp_up(wide d) { return exp(d); }
static inline wide w_down(wide s) { return s; }

/* log1p(t) for t >= 0. */
static inline wide w_log1p(wide t) { return log1p(t); }

/* a 2^e (loss_sum.h). */
static inline wide w_ldexp(wide a, int e) { return ldexp(a, e); }

/* The one rounding to the output type. */
static inline real w_round(wide a) { return (real)a; }

#endif
