/*
 * rows.h — the inputs of the accuracy suite (tests/accuracy/): a seeded
 * PRNG and the row families, each meant to break a particular shortcut.
 *
 * Every family fills a row of doubles whose values are representable in
 * the dtype under test (a float row is filled with doubles that are
 * floats), so that the reference sees exactly the numbers the library
 * sees.  Rows depend only on the seed: no rand(), no clock, and no
 * inexact libm call in the generators (only exact ones such as
 * nextafter, and MPFR), so every platform tests the same rows.
 */
#ifndef SMX_ACC_ROWS_H
#define SMX_ACC_ROWS_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* PRNG: splitmix64 (Steele, Lea, Flood 2014), 64 bits of state.             */
/* ------------------------------------------------------------------------ */

typedef struct acc_rng {
    uint64_t state;
} acc_rng;

void acc_rng_seed(acc_rng *rng, uint64_t seed);
uint64_t acc_rng_next(acc_rng *rng);
/* Uniform in [0, 1), 53 random bits. */
double acc_rng_unit(acc_rng *rng);
/* Uniform in [lo, hi). */
double acc_rng_range(acc_rng *rng, double lo, double hi);
/* Approximately N(0, 1): the Irwin-Hall sum of 12 uniforms minus 6
 * (pure arithmetic, so the same on every platform). */
double acc_rng_normal(acc_rng *rng);
/* Uniform integer in [0, n), n > 0. */
size_t acc_rng_below(acc_rng *rng, size_t n);

/* A seed from a few small integers (family, cols, dtype, ...). */
uint64_t acc_seed(uint64_t a, uint64_t b, uint64_t c);

/* ------------------------------------------------------------------------ */
/* Row families                                                             */
/* ------------------------------------------------------------------------ */

typedef enum acc_dtype { ACC_F32, ACC_F64 } acc_dtype;

/* v rounded to the dtype (to nearest float for ACC_F32), as a double. */
double acc_round(acc_dtype t, double v);

typedef struct acc_family {
    const char *name;
    const char *catches; /* what the family is meant to catch (docs/accuracy.md) */
    int has_neg_inf;     /* rows may contain -inf scores */
    int moderate;        /* |x| <= 1e3: usable as scale * x + bias inputs */
    /* Fills x[0..n) with one row; n >= 1.  At least one entry is finite. */
    void (*fill)(double *x, size_t n, acc_rng *rng, acc_dtype t);
} acc_family;

extern const acc_family acc_families[];
extern const size_t acc_family_count;

/* The row lengths every family is run at: below, at and above the SIMD
 * widths (4, 8, 16, 32 lanes), a long-ish row, and an odd one past 4096. */
extern const size_t acc_cols[];
extern const size_t acc_cols_count;

/* The first position of the row's maximum, and of its smallest finite
 * entry (labels are drawn among these and random finite entries). */
size_t acc_argmax(const double *x, size_t n);
size_t acc_argmin_finite(const double *x, size_t n);
/* A uniformly chosen position whose score is finite. */
size_t acc_random_finite(const double *x, size_t n, acc_rng *rng);

/* ------------------------------------------------------------------------ */
/* Backward passes: their kinds and the upstream gradients' patterns        */
/* ------------------------------------------------------------------------ */

/* The functions the backward tests run (test_accuracy_backward.c and
 * test_accuracy_half.c), and the patterns of their upstream gradients
 * (or tangents), each meant to catch something:
 *   uniform    U(-1, 1): the ordinary case
 *   wide       +-2^U(-e, e): terms of very different sizes in the reduction
 *   constant   one value c: dy - <dy, y> = c (1 - sum y) cancels completely
 *   onehot     -1 at one position (the NLL gradient): a single term
 *   near-dot   c (1 + d), or for the log-softmax backward y_k (1 + d), d
 *              small: the result cancels to d of its terms, as at a
 *              converged classifier
 * Each file fills them for its dtypes (e, d). */
enum bkind { B_SOFTMAX, B_LOG_SOFTMAX, B_JVP };
extern const char *const bkind_name[3];
enum { GRAD_PATTERNS = 5 };
extern const char *const grad_pattern_name[GRAD_PATTERNS];

/* ------------------------------------------------------------------------ */
/* Long rows: a few distinct values repeated in a known pattern             */
/* ------------------------------------------------------------------------ */

/* Entry k of a long row holds value number acc_long_class(k, nvals) of a
 * small table, so the reference needs one exp per distinct value (times
 * its count) however long the row is. */
size_t acc_long_class(size_t k, size_t nvals);

#endif
