/*
 * measure.h — how the accuracy suite measures an output against its exact
 * reference (reference_mpfr.h), keeps the worst case, and reports it.
 *
 * Units.  For a value v and a format of precision p (24 or 53), ulp(v) is
 * the spacing of the format's numbers at v: 2^(e - p + 1) for
 * 2^e <= |v| < 2^(e+1), and never less than the smallest subnormal
 * (2^-149, 2^-1074).  Below the normal range (|v| < 2^-126, 2^-1022) an
 * error is therefore counted in units of the smallest subnormal: an
 * absolute error.
 *
 * Two ways to bound an output (acc_mode):
 *   ACC_FROM_CR   the forward contract: the output is at most `bound`
 *                 representable numbers away from the correctly rounded
 *                 exact result (0 = correctly rounded; below the normal
 *                 range each step is one smallest subnormal).
 *   ACC_OF_SCALE  the backward contract: |got - exact| <= bound *
 *                 ulp(max(|exact|, scale)), where scale is the magnitude
 *                 of the terms whose difference the output is: where they
 *                 cancel, ulp(scale); where they do not, ulp(exact).
 * Whatever the mode, the error against the exact value in ulp(exact) is
 * measured and reported too, and held to ulp_bound where that is set.  An exact result of +-inf must be met
 * exactly; NaN or inf for a finite exact result is a failure.
 */
#ifndef SMX_ACC_MEASURE_H
#define SMX_ACC_MEASURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mpfr.h>

typedef struct acc_format {
    const char *name;   /* "f32", "f64" */
    int precision;      /* p: 24, 53 */
    int min_normal_exp; /* the smallest normal is 2^this: -126, -1022 */
    int min_sub_exp;    /* the smallest subnormal is 2^this: -149, -1074 */
} acc_format;

extern const acc_format acc_f32;
extern const acc_format acc_f64;

typedef enum acc_mode { ACC_FROM_CR, ACC_OF_SCALE } acc_mode;

/* Failures printed in full per function; the rest are only counted.  A
 * test prints the input row of a failure when `before`, the failure
 * count before the row, is below this. */
#define ACC_PRINTED_FAILURES 10

/* One worst case: its size and where it happened. */
typedef struct acc_worst {
    double value;
    char where[240];
} acc_worst;

typedef struct acc_stats {
    const char *function;
    const acc_format *fmt;
    acc_mode mode;
    double bound;
    double ulp_bound;   /* when > 0, also the largest error allowed in ulp of the
                           exact result, over the outputs `ulp` counts: tighter
                           than the contract where a kernel does better, so that
                           a regression fails (acc_stats_init sets 0) */

    uint64_t outputs;   /* every output checked */
    uint64_t normal;    /* exact result in the normal range */
    uint64_t subnormal; /* exact result below it (zero included) */
    uint64_t infinite;  /* exact result +-inf */
    uint64_t tiny;      /* normal and |exact| < 1e-5 */
    uint64_t failures;

    acc_worst ulp;      /* normal range: |got - exact| / ulp(exact); with
                           ACC_OF_SCALE only where |exact| >= scale / 2 */
    acc_worst steps;    /* ACC_FROM_CR: steps from the correctly rounded result */
    acc_worst sub;      /* below the normal range: |got - exact| / smallest subnormal
                           (with ACC_OF_SCALE only where |exact| >= scale / 2) */
    acc_worst tiny_ulp; /* as ulp, over the outputs with |exact| < 1e-5 */
    acc_worst scaled;   /* ACC_OF_SCALE: |got - exact| / ulp(max(|exact|, scale)) */
} acc_stats;

void acc_stats_init(acc_stats *s, const char *function, const acc_format *fmt, acc_mode mode,
                    double bound);

/* Measures one output.  scale is only read with ACC_OF_SCALE.  `where`
 * is a printf format describing the input; it is formatted only for a
 * new worst case or a failure (the first few failures are printed). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
void acc_check(acc_stats *s, double got, mpfr_srcptr exact, mpfr_srcptr scale,
               const char *where, ...);

/* Records a failure that is not a numeric error (a wrong status, a NaN
 * where none is due). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void acc_fail(acc_stats *s, const char *what, ...);

/* Frees the scratch numbers acc_check keeps between calls. */
void acc_measure_release(void);

/* Prints the worst errors to stdout: one summary line
 *
 *   accuracy: <function> <dtype>  outputs N  from-CR S | of-scale E
 *             ulp U  <1e-5 T  subnormal B  bound ... [ulp bound ...] pass|FAIL
 *
 * (S: most steps from the correctly rounded result; E: largest error in
 * ulp of max(|exact|, scale); U: largest error in ulp of the exact result, normal
 * range; T: the same over |exact| < 1e-5; B: largest error below the
 * normal range, in units of the smallest subnormal), then the counts and
 * the inputs at which each worst case occurred. */
void acc_stats_report(const acc_stats *s);

#endif
