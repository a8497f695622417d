/*
 * measure.h — how the accuracy suite measures an output against its exact
 * reference (reference_mpfr.h), keeps the worst case, and reports it.
 *
 * Units.  For a value v and a format of precision p (24, 53; 8 and 11 for
 * bf16 and f16), ulp(v) is the spacing of the format's numbers at v:
 * 2^(e - p + 1) for 2^e <= |v| < 2^(e+1), and never less than the smallest
 * subnormal (2^-149, 2^-1074, 2^-133, 2^-24).  Below the normal range an
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
 * measured and reported too, and held to ulp_bound where that is set (for
 * a half format below the normal range too, in units of its smallest
 * subnormal).  An exact result of +-inf must be met exactly; NaN or inf for
 * a finite exact result is a failure (but see the half formats below).
 */
#ifndef SMX_ACC_MEASURE_H
#define SMX_ACC_MEASURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mpfr.h>

typedef struct acc_format {
    const char *name;   /* "f32", "f64", "bf16", "f16" */
    int precision;      /* p: 24, 53, 8, 11 */
    int min_normal_exp; /* the smallest normal is 2^this: -126, -1022, -126, -14 */
    int min_sub_exp;    /* the smallest subnormal is 2^this: -149, -1074, -133, -24 */
    int max_exp;        /* the largest finite value is (2 - 2^(1-p)) 2^this: 127, 1023,
                           127, 15 */
} acc_format;

extern const acc_format acc_f32;
extern const acc_format acc_f64;
/* The half formats (smx_bf16, smx_f16).  Their outputs are held, beyond the
 * bounds above, to "faithful": |got - exact| <= 1 ulp(exact), and the
 * outputs that are correctly rounded are counted (acc_stats.rounded,
 * reported as a percentage).  A finite exact result whose correctly
 * rounded value overflows the format (an f16 log-probability below
 * -65520) must be met by that infinity, as IEEE rounding gives. */
extern const acc_format acc_bf16;
extern const acc_format acc_f16;

/* 1 for the half formats (precision below float's). */
int acc_is_half(const acc_format *f);

/* v rounded to nearest in the format (ties to even), with the format's
 * subnormals and overflow to +-inf, as a double (exact); NaN for NaN. */
double acc_round_to(const acc_format *f, mpfr_srcptr v);
/* The same for a double. */
double acc_round_double(const acc_format *f, double v);

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
    /* Half formats: how the outputs round.  Judged are the outputs whose
     * rounding the contract decides: all of them with ACC_FROM_CR, and with
     * ACC_OF_SCALE those where nothing cancels (|exact| >= scale / 2: a
     * cancelling output is within its bound of the exact value, which may
     * be far from the correctly rounded one). */
    uint64_t rounding_judged;
    uint64_t rounded;      /* judged outputs equal to the correctly rounded result */
    double boundary_bound; /* when > 0: a judged output that is not correctly rounded
                              must have its exact value within this of the rounding
                              boundary it was rounded across, in units of the spacing
                              there (acc_stats_init sets 0) */

    acc_worst ulp;      /* normal range: |got - exact| / ulp(exact); with
                           ACC_OF_SCALE only where |exact| >= scale / 2 */
    acc_worst steps;    /* ACC_FROM_CR: steps from the correctly rounded result */
    acc_worst sub;      /* below the normal range: |got - exact| / smallest subnormal
                           (with ACC_OF_SCALE only where |exact| >= scale / 2) */
    acc_worst tiny_ulp; /* as ulp, over the outputs with |exact| < 1e-5 */
    acc_worst scaled;   /* ACC_OF_SCALE: |got - exact| / ulp(max(|exact|, scale)) */
    acc_worst boundary; /* half formats, over the outputs not correctly rounded: the
                           distance of the exact value from the midpoint of the output
                           and the correctly rounded value, in units of their spacing */
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

/* rounded / rounding_judged (1 when nothing was judged). */
double acc_rounded_fraction(const acc_stats *s);

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
 * the inputs at which each worst case occurred.  For a half format the
 * line ends with "correctly-rounded P%" (acc_rounded_fraction) and
 * "misrounded-within D" (the worst `boundary`) before pass|FAIL. */
void acc_stats_report(const acc_stats *s);

#endif
