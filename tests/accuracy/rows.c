/*
 * rows.c — the PRNG and the row families of the accuracy suite (rows.h).
 *
 * A family writes the row's maximum m somewhere and places the other
 * scores at chosen distances d = x - m below it: the distance decides the
 * size of exp(d), so the families are written in terms of d.  Cut-offs
 * are the natural logs of the dtype's limits:
 *
 *                          f32           f64
 *   ln(max)              88.7228      709.7827   exp(x) overflows (unshifted code)
 *   ln(min normal)      -87.3365     -708.3964   probabilities turn subnormal
 *   ln(min subnormal)  -103.2789     -744.4401   the smallest non-zero probability
 *   ln(min sub / 2)    -103.9721     -745.1332   below this a probability rounds to 0
 */
#include "rows.h"

#include <float.h>
#include <math.h>
#include <mpfr.h>

/* ------------------------------------------------------------------------ */
/* PRNG                                                                      */
/* ------------------------------------------------------------------------ */

void acc_rng_seed(acc_rng *rng, uint64_t seed) { rng->state = seed; }

uint64_t acc_rng_next(acc_rng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

double acc_rng_unit(acc_rng *rng) { return (double)(acc_rng_next(rng) >> 11) * 0x1p-53; }

double acc_rng_range(acc_rng *rng, double lo, double hi)
{
    return lo + (hi - lo) * acc_rng_unit(rng);
}

double acc_rng_normal(acc_rng *rng)
{
    double s = 0;
    for (int i = 0; i < 12; i++)
        s += acc_rng_unit(rng);
    return s - 6.0;
}

size_t acc_rng_below(acc_rng *rng, size_t n) { return (size_t)(acc_rng_next(rng) % n); }

uint64_t acc_seed(uint64_t a, uint64_t b, uint64_t c)
{
    acc_rng r = {0x5EED5EED5EED5EEDu ^ (a * 0x100000001B3u)};
    r.state ^= acc_rng_next(&r) ^ (b * 0xC2B2AE3D27D4EB4Fu);
    r.state ^= acc_rng_next(&r) ^ (c * 0x165667B19E3779F9u);
    return acc_rng_next(&r);
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

double acc_round(acc_dtype t, double v) { return t == ACC_F32 ? (double)(float)v : v; }

/* The dtype's cut-offs (see the table at the top). */
typedef struct cutoffs {
    double overflow, normal, subnormal, zero;
} cutoffs;

static cutoffs cutoffs_of(acc_dtype t)
{
    if (t == ACC_F32) {
        const cutoffs c = {88.72283906, -87.33654475, -103.27892990, -103.97207708};
        return c;
    }
    const cutoffs c = {709.78271289, -708.39641853, -744.44007192, -745.13321910};
    return c;
}

/* Writes the maximum m at a random position and m + d_k elsewhere, where
 * d_k = dist(rng) <= 0; rounding keeps every x_k <= m. */
static void place_below(double *x, size_t n, acc_rng *rng, acc_dtype t, double m,
                        double (*dist)(acc_rng *, acc_dtype))
{
    const size_t top = acc_rng_below(rng, n);
    for (size_t k = 0; k < n; k++)
        x[k] = k == top ? m : acc_round(t, m + dist(rng, t));
}

/* ------------------------------------------------------------------------ */
/* The families                                                              */
/* ------------------------------------------------------------------------ */

#define UNIFORM(scale)                                                                       \
    static void fill_uniform_##scale(double *x, size_t n, acc_rng *rng, acc_dtype t)         \
    {                                                                                        \
        for (size_t k = 0; k < n; k++)                                                       \
            x[k] = acc_round(t, acc_rng_range(rng, -(double)(scale), (double)(scale)));      \
    }                                                                                        \
    static void fill_normal_##scale(double *x, size_t n, acc_rng *rng, acc_dtype t)          \
    {                                                                                        \
        for (size_t k = 0; k < n; k++)                                                       \
            x[k] = acc_round(t, (double)(scale) * acc_rng_normal(rng));                      \
    }
UNIFORM(1)
UNIFORM(10)
UNIFORM(100)

/* Every score the same: y = 1/n exactly in the limit, l = -log n. */
static void fill_equal(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    const double c = acc_round(t, acc_rng_range(rng, -50, 50));
    for (size_t k = 0; k < n; k++)
        x[k] = c;
}

/* One score 5..60 above the rest: the largest probability is 1 - q with
 * q tiny, so log y_max = -log1p(q) must keep its relative accuracy, and
 * the cross-entropy gradient at that label, y - 1 = -q, too. */
static void fill_dominant(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    const double lead = acc_rng_range(rng, 5, 60);
    const size_t top = acc_rng_below(rng, n);
    for (size_t k = 0; k < n; k++)
        x[k] = acc_round(t, k == top ? lead : acc_rng_range(rng, -1, 1));
}

/* Distances near the underflow cut-offs (+-0.6), and a maximum that is
 * near exp's overflow threshold or its negative half the time. */
static double dist_cutoff(acc_rng *rng, acc_dtype t)
{
    const cutoffs c = cutoffs_of(t);
    const double at[4] = {c.normal, c.subnormal, c.zero, -acc_rng_range(rng, 0, 5)};
    return at[acc_rng_below(rng, 4)] + acc_rng_range(rng, -0.6, 0.6);
}

static void fill_cutoff(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    const cutoffs c = cutoffs_of(t);
    double m = acc_rng_range(rng, -3, 3);
    const size_t where = acc_rng_below(rng, 3);
    if (where == 1)
        m = c.overflow + acc_rng_range(rng, -1, 1);
    else if (where == 2)
        m = -c.overflow + acc_rng_range(rng, -1, 1);
    place_below(x, n, rng, t, acc_round(t, m), dist_cutoff);
}

/* Every other probability in (or just around) the subnormal range. */
static double dist_subnormal(acc_rng *rng, acc_dtype t)
{
    const cutoffs c = cutoffs_of(t);
    return acc_rng_range(rng, c.zero - 0.5, c.normal + 0.5);
}

static void fill_subnormal(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    place_below(x, n, rng, t, acc_round(t, acc_rng_range(rng, -3, 3)), dist_subnormal);
}

/* Probabilities between the subnormal range and 1e-5: normal numbers that
 * peer libraries' tests pass whatever their value ("anything < 1e-5"). */
static double dist_tiny(acc_rng *rng, acc_dtype t)
{
    const cutoffs c = cutoffs_of(t);
    return acc_rng_range(rng, c.normal + 1, -11.6);
}

static void fill_tiny(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    place_below(x, n, rng, t, acc_round(t, acc_rng_range(rng, -3, 3)), dist_tiny);
}

/* Huge scores a few ulp apart (1e30 +- small, up to the dtype's max):
 * exp(x) overflows unless the row is shifted by its maximum, and the
 * shift must be exact: ties at the top share the probability. */
static void fill_huge(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    static const double base32[4] = {1e30, -1e30, 3e38, -3e38};
    static const double base64[4] = {1e30, -1e30, 1e300, -1.7e308};
    const double base = (t == ACC_F32 ? base32 : base64)[acc_rng_below(rng, 4)];
    for (size_t k = 0; k < n; k++) {
        const int steps = (int)acc_rng_below(rng, 5) - 2;
        if (t == ACC_F32) {
            float v = (float)base;
            for (int s = 0; s < (steps < 0 ? -steps : steps); s++)
                v = nextafterf(v, steps < 0 ? -HUGE_VALF : HUGE_VALF);
            x[k] = v;
        } else {
            double v = base;
            for (int s = 0; s < (steps < 0 ? -steps : steps); s++)
                v = nextafter(v, steps < 0 ? -HUGE_VAL : HUGE_VAL);
            x[k] = v;
        }
    }
}

/* Large offsets (+-2^20 in f32, +-2^40 in f64) plus U(-20, 20): distances
 * that are not small integers, computed from scores of large magnitude,
 * so an inexact shift x - m shows. */
static void fill_offset(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    const double base = (t == ACC_F32 ? 0x1p20 : 0x1p40) * (acc_rng_below(rng, 2) ? 1 : -1);
    for (size_t k = 0; k < n; k++)
        x[k] = acc_round(t, base + acc_rng_range(rng, -20, 20));
}

/* -inf scores (masked entries) among U(-10, 10); a quarter of the rows
 * keep a single finite entry. */
static void fill_masked(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    const int single = acc_rng_below(rng, 4) == 0;
    const size_t keep = acc_rng_below(rng, n);
    for (size_t k = 0; k < n; k++) {
        const int masked = single ? k != keep : (k != keep && acc_rng_below(rng, 10) < 3);
        x[k] = masked ? -HUGE_VAL : acc_round(t, acc_rng_range(rng, -10, 10));
    }
}

/* Nearly equal scores: probabilities near 1/n that differ in the last
 * few bits, where a sloppy division or sum shows. */
static void fill_near_equal(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    const double c = acc_rng_range(rng, -10, 10);
    const double spread = t == ACC_F32 ? 1e-5 : 1e-12;
    for (size_t k = 0; k < n; k++)
        x[k] = acc_round(t, c + spread * acc_rng_range(rng, -1, 1));
}

/* Log-probabilities: z - logsumexp(z) rounded to the dtype, so that the
 * row's logsumexp is near 0 (m + log sum exp(x - m) cancels).  Half of
 * the rows are all -log n.  The logsumexp of z is computed with MPFR:
 * only its rounded value enters the row. */
static void fill_log_probs(double *x, size_t n, acc_rng *rng, acc_dtype t)
{
    const int flat = acc_rng_below(rng, 2) == 0;
    mpfr_t s, e;
    mpfr_inits2(128, s, e, (mpfr_ptr)0);
    mpfr_set_zero(s, 1);
    for (size_t k = 0; k < n; k++) {
        x[k] = flat ? 0.0 : 3.0 * acc_rng_normal(rng);
        mpfr_set_d(e, x[k], MPFR_RNDN);
        mpfr_exp(e, e, MPFR_RNDN);
        mpfr_add(s, s, e, MPFR_RNDN);
    }
    mpfr_log(s, s, MPFR_RNDN);
    for (size_t k = 0; k < n; k++) {
        mpfr_set_d(e, x[k], MPFR_RNDN);
        mpfr_sub(e, e, s, MPFR_RNDN);
        x[k] = t == ACC_F32 ? (double)mpfr_get_flt(e, MPFR_RNDN) : mpfr_get_d(e, MPFR_RNDN);
    }
    mpfr_clears(s, e, (mpfr_ptr)0);
}

const acc_family acc_families[] = {
    {"uniform(1)", "ordinary rows: the baseline", 0, 1, fill_uniform_1},
    {"uniform(10)", "probabilities over ~9 decades", 0, 1, fill_uniform_10},
    {"uniform(100)", "many probabilities far below 1e-5", 0, 1, fill_uniform_100},
    {"normal(1)", "bell-shaped scores, as logits are", 0, 1, fill_normal_1},
    {"normal(10)", "bell-shaped scores over many decades", 0, 1, fill_normal_10},
    {"normal(100)", "bell-shaped, subnormal and zero probabilities", 0, 1, fill_normal_100},
    {"equal", "y = 1/n: the sum's rounding and the division", 0, 1, fill_equal},
    {"dominant", "y_max = 1 - tiny: log y_max and y - 1 at the label", 0, 1, fill_dominant},
    {"cutoff", "distances at exp's underflow cut-offs, max near overflow", 0, 1, fill_cutoff},
    {"subnormal", "probabilities in the subnormal range", 0, 0, fill_subnormal},
    {"tiny", "normal probabilities below 1e-5, checked relatively", 0, 1, fill_tiny},
    {"huge", "|x| up to the dtype's max, a few ulp apart: exact shift", 0, 0, fill_huge},
    {"offset", "x = +-2^20 (f32), +-2^40 (f64) plus small: exact shift", 0, 0, fill_offset},
    {"masked", "-inf scores, down to one finite entry", 1, 1, fill_masked},
    {"near-equal", "probabilities near 1/n differing in the last bits", 0, 1,
     fill_near_equal},
    {"log-probs", "rows of log-probabilities: logsumexp near 0", 0, 1, fill_log_probs},
};
const size_t acc_family_count = sizeof acc_families / sizeof acc_families[0];

const size_t acc_cols[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000, 4097};
const size_t acc_cols_count = sizeof acc_cols / sizeof acc_cols[0];

size_t acc_argmax(const double *x, size_t n)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (x[k] > x[best])
            best = k;
    return best;
}

size_t acc_argmin_finite(const double *x, size_t n)
{
    size_t best = acc_argmax(x, n);
    for (size_t k = 0; k < n; k++)
        if (isfinite(x[k]) && x[k] < x[best])
            best = k;
    return best;
}

size_t acc_random_finite(const double *x, size_t n, acc_rng *rng)
{
    size_t finite = 0;
    for (size_t k = 0; k < n; k++)
        finite += isfinite(x[k]) != 0;
    size_t pick = acc_rng_below(rng, finite);
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(x[k]))
            continue;
        if (pick-- == 0)
            return k;
    }
    return acc_argmax(x, n);
}

size_t acc_long_class(size_t k, size_t nvals)
{
    /* A multiplicative hash: classes interleave with no short period, so
     * every SIMD lane and every partial sum sees a mix of values. */
    uint64_t h = (uint64_t)k * 0x9E3779B97F4A7C15u;
    return (size_t)((h >> 32) % nvals);
}

const char *const bkind_name[3] = {"softmax_backward", "log_softmax_backward",
                                   "log_softmax_jvp"};
const char *const grad_pattern_name[GRAD_PATTERNS] = {"uniform", "wide", "constant", "onehot",
                                                      "near-dot"};
