/*
 * test_util.h — what every unit test (tests/unit/) shares.
 *
 *   - One test body runs for f32 and for f64: it receives a `dtype`
 *     descriptor (test_util.c) whose function pointers wrap smx_*_f32 or
 *     smx_*_f64, and reads and writes elements as long double through it.
 *   - Values are compared with long double references in ulp: the number
 *     of representable values of the dtype between the result and the
 *     correctly rounded reference.  No loose epsilons: every bound is
 *     either the header's contract (2 ulp) or derived from it, and says so.
 *   - Buffers come from talloc(), filled with a sentinel byte, so that a
 *     failing call can be shown to have written nothing.  They are freed
 *     after the test, also when it fails.
 *   - A seeded PRNG (splitmix64) drives the random inputs; a failing check
 *     prints the test's note (seed, case, row) with the values.
 *
 * Registration:  SMX_TEST(test_fn) expands to two cmocka tests,
 * "test_fn/f32" and "test_fn/f64", in a `struct CMUnitTest` array.
 */
#ifndef SMX_TEST_UTIL_H
#define SMX_TEST_UTIL_H

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "smx.h"

/* ------------------------------------------------------------------------ */
/* The dtype descriptor                                                       */
/* ------------------------------------------------------------------------ */

/* Generic forms of the option structs; the wrappers convert them to the
 * dtype's struct (label_smoothing and scale are rounded to the dtype). */
typedef struct topts {
    smx_reduction reduction;
    int has_ignore_index;
    int32_t ignore_index;
    const void *class_weights; /* a dtype buffer of cols weights, or NULL */
    double label_smoothing;
} topts;

typedef struct tmask {
    const void *bias; /* a dtype buffer, or NULL */
    size_t bias_rows;
    const uint8_t *keep;
    size_t keep_rows;
} tmask;

typedef struct dtype {
    const char *name; /* "f32" or "f64" */
    size_t size;      /* sizeof(float) or sizeof(double) */
    int mant_dig;     /* 24 or 53: the precision p */
    long double max;  /* FLT_MAX or DBL_MAX */
    long double min_normal;
    long double true_min; /* the smallest subnormal */
    /* How far (in ulp of the dtype) a long double reference may be from
     * the exact value: the slack given to the reference, not the library. */
    double ref_ulp;

    long double (*get)(const void *p, size_t i);
    void (*set)(void *p, size_t i, long double v); /* rounds to nearest */
    long double (*round)(long double v);           /* v rounded to the dtype */
    int64_t (*ord)(long double v);                 /* position in the ordered set of values */

    smx_status (*softmax)(void *y, const void *x, size_t rows, size_t cols);
    smx_status (*log_softmax)(void *y, const void *x, size_t rows, size_t cols);
    smx_status (*logsumexp)(void *out, const void *x, size_t rows, size_t cols);
    smx_status (*softmax_backward)(void *dx, const void *y, const void *dy, size_t rows,
                                   size_t cols);
    smx_status (*log_softmax_backward)(void *dx, const void *y, const void *dy, size_t rows,
                                       size_t cols);
    smx_status (*log_softmax_jvp)(void *dy, const void *y, const void *dx, size_t rows,
                                  size_t cols);
    smx_status (*jacobian)(void *jac, const void *y, size_t n);
    smx_status (*softmax_axis)(void *y, const void *x, size_t outer, size_t n, size_t inner);
    smx_status (*log_softmax_axis)(void *y, const void *x, size_t outer, size_t n,
                                   size_t inner);
    smx_status (*softmax_backward_axis)(void *dx, const void *y, const void *dy, size_t outer,
                                        size_t n, size_t inner);
    smx_status (*log_softmax_backward_axis)(void *dx, const void *y, const void *dy,
                                            size_t outer, size_t n, size_t inner);
    smx_status (*softmax_masked)(void *y, const void *x, size_t rows, size_t cols,
                                 double scale, const tmask *mask);
    smx_status (*log_softmax_masked)(void *y, const void *x, size_t rows, size_t cols,
                                     double scale, const tmask *mask);
    smx_status (*softmax_masked_backward)(void *dx, const void *y, const void *dy,
                                          size_t rows, size_t cols, double scale);
    smx_status (*log_softmax_masked_backward)(void *dx, const void *y, const void *dy,
                                              size_t rows, size_t cols, double scale);
    smx_status (*cross_entropy)(void *loss, void *dx, const void *x, const int32_t *labels,
                                size_t rows, size_t cols);
    smx_status (*cross_entropy_ex)(void *loss, void *dx, const void *x, const int32_t *labels,
                                   size_t rows, size_t cols, const topts *options);
    smx_status (*cross_entropy_soft)(void *loss, void *dx, const void *x, const void *targets,
                                     size_t rows, size_t cols, const topts *options);
    smx_status (*nll_loss)(void *loss, void *dx, const void *y, const int32_t *labels,
                           size_t rows, size_t cols, const topts *options);
} dtype;

extern const dtype dtype_f32;
extern const dtype dtype_f64;

/* ------------------------------------------------------------------------ */
/* Per-test context: the dtype, owned buffers, a note printed on failure      */
/* ------------------------------------------------------------------------ */

typedef struct tctx {
    const dtype *D;
    size_t nblocks, cap;
    void **blocks; /* every talloc() of the test, freed by tctx_teardown */
    char note[256]; /* what the test is doing: printed with every failure */
} tctx;

int tctx_setup(void **state);
int tctx_teardown(void **state);

#define SMX_TEST(fn)                                                                         \
    {#fn "/f32", fn, tctx_setup, tctx_teardown, (void *)&dtype_f32},                          \
    {#fn "/f64", fn, tctx_setup, tctx_teardown, (void *)&dtype_f64}

/* Sets the note printed with any failure from now on (printf format). */
void tnote(tctx *t, const char *fmt, ...) CMOCKA_PRINTF_ATTRIBUTE(2, 3);

/* ------------------------------------------------------------------------ */
/* Buffers                                                                    */
/* ------------------------------------------------------------------------ */

#define SENTINEL_BYTE 0xA5

/* `bytes` bytes (at least 1) filled with SENTINEL_BYTE, freed after the test. */
void *talloc(tctx *t, size_t bytes);
/* n elements of the test's dtype, all sentinel. */
void *tvec(tctx *t, size_t n);
/* n elements of the dtype set from v (rounded to nearest). */
void *tvals(tctx *t, size_t n, const long double *v);
/* A copy of n elements of the dtype. */
void *tcopy(tctx *t, const void *src, size_t n);
/* n long doubles, zero. */
long double *tld(tctx *t, size_t n);
/* n labels. */
int32_t *tlabels(tctx *t, size_t n, const int32_t *v);

/* Element i of a dtype buffer, and the n elements from `off` as long double. */
long double tget(const tctx *t, const void *p, size_t i);
void tset(const tctx *t, void *p, size_t i, long double v);
void tload(const tctx *t, long double *dst, const void *src, size_t off, size_t n);

void fill_sentinel(void *p, size_t bytes);
int is_sentinel(const void *p, size_t bytes);

/* ------------------------------------------------------------------------ */
/* ulp                                                                        */
/* ------------------------------------------------------------------------ */

/* The spacing of the dtype's values at |v|: 2^(e - p + 1) for |v| in
 * [2^e, 2^(e+1)), and the smallest subnormal below the normal range. */
long double ulp_of(const dtype *D, long double v);

/* How many representable values of the dtype lie between got (a dtype
 * value) and the correctly rounded ref: 0 when got is the rounded ref.
 * The reference may be off by D->ref_ulp, so the smaller distance to the
 * roundings of ref -/+ that slack counts.  NaN vs NaN is 0, NaN vs a
 * number is infinite; +0 and -0 are the same value. */
double ulp_distance(const dtype *D, long double got, long double ref);

/* The contract of smx.h: within 2 ulp of the correctly rounded result. */
#define CONTRACT_ULP 2.0

/* ------------------------------------------------------------------------ */
/* Checks: each prints the note, the values and the place, then fails         */
/* ------------------------------------------------------------------------ */

void check_fail(const tctx *t, const char *file, int line, const char *fmt, ...)
    CMOCKA_PRINTF_ATTRIBUTE(4, 5);

/* CHECK(t, cond, fmt, ...): fails with the message when cond is false. */
#define CHECK(t, cond, ...)                                                                  \
    do {                                                                                     \
        if (!(cond))                                                                         \
            check_fail((t), __FILE__, __LINE__, __VA_ARGS__);                                \
    } while (0)

void check_ulp_at(const tctx *t, const char *file, int line, const char *what, size_t i,
                  long double got, long double ref, double bound);
void check_near_at(const tctx *t, const char *file, int line, const char *what, size_t i,
                   long double got, long double ref, long double tol);
void check_bits_at(const tctx *t, const char *file, int line, const char *what,
                   const void *a, const void *b, size_t n);
void check_status_at(const tctx *t, const char *file, int line, const char *call,
                     smx_status got, smx_status want);
void check_untouched_at(const tctx *t, const char *file, int line, const char *what,
                        const void *p, size_t bytes);
void check_exact_at(const tctx *t, const char *file, int line, const char *what, size_t i,
                    long double got, long double want);

/* got within `bound` ulp (ulp_distance) of ref. */
#define CHECK_ULP(t, what, i, got, ref, bound)                                               \
    check_ulp_at((t), __FILE__, __LINE__, (what), (i), (got), (ref), (bound))
/* |got - ref| <= tol (a tolerance derived in ulp of some magnitude). */
#define CHECK_NEAR(t, what, i, got, ref, tol)                                                \
    check_near_at((t), __FILE__, __LINE__, (what), (i), (got), (ref), (tol))
/* n dtype elements bitwise equal. */
#define CHECK_BITS(t, what, a, b, n) check_bits_at((t), __FILE__, __LINE__, (what), (a), (b), (n))
/* The call returns `want`. */
#define CHECK_STATUS(t, call, want)                                                          \
    check_status_at((t), __FILE__, __LINE__, #call, (call), (want))
/* The bytes still hold the sentinel. */
#define CHECK_UNTOUCHED(t, what, p, bytes)                                                   \
    check_untouched_at((t), __FILE__, __LINE__, (what), (p), (bytes))
/* got == want as values, NaN matching NaN (0 and -0 equal). */
#define CHECK_EXACT(t, what, i, got, want)                                                   \
    check_exact_at((t), __FILE__, __LINE__, (what), (i), (got), (want))

/* Skips the test when long double cannot serve as a reference for the
 * dtype (it needs at least 10 more bits than the dtype). */
void need_wide_reference(const tctx *t);

/* ------------------------------------------------------------------------ */
/* Long double references (inputs are exact dtype values)                     */
/* ------------------------------------------------------------------------ */

/* Neumaier-compensated sum: the error does not grow with n. */
long double ld_sum(const long double *v, size_t n);
/* softmax, log-softmax, logsumexp of a row with finite maximum; -inf
 * entries give 0 / -inf.  (The special rows are tested with exact values.) */
void ref_softmax(long double *s, const long double *z, size_t n);
void ref_log_softmax(long double *l, const long double *z, size_t n);
long double ref_logsumexp(const long double *z, size_t n);

/* ------------------------------------------------------------------------ */
/* PRNG: splitmix64 (Steele, Lea, Flood 2014), fixed seed per test           */
/* ------------------------------------------------------------------------ */

typedef struct rng {
    uint64_t state;
} rng;

static inline uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * 0x1p-53; }

/* Uniform in [lo, hi). */
static inline double rng_uniform(rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unit(r);
}

/* Uniform integer in [0, n), n > 0. */
static inline size_t rng_below(rng *r, size_t n) { return (size_t)(rng_next(r) % n); }

/* Fills n dtype elements with uniform values in [-scale, scale). */
void fill_uniform(tctx *t, void *p, size_t n, rng *r, double scale);

#endif
