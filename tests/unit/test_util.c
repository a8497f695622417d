/*
 * test_util.c — the shared helpers of the unit tests (test_util.h): the
 * two dtype descriptors (test_api.inc, included once per dtype), the
 * per-test context, ulp distances, checks that explain their failures,
 * and the long double references.
 */
#include "test_util.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Ordering of the values of each dtype: consecutive values differ by 1       */
/* ------------------------------------------------------------------------ */

static int64_t f32_ord(long double v)
{
    const float f = (float)v;
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    const int64_t mag = (int64_t)(bits & UINT32_C(0x7FFFFFFF));
    return (bits >> 31) ? -mag : mag;
}

static int64_t f64_ord(long double v)
{
    const double d = (double)v;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    const int64_t mag = (int64_t)(bits & UINT64_C(0x7FFFFFFFFFFFFFFF));
    return (bits >> 63) ? -mag : mag;
}

/* ------------------------------------------------------------------------ */
/* The descriptors                                                            */
/* ------------------------------------------------------------------------ */

/* A long double reference is a handful of correctly rounded long double
 * operations (64-bit significand on x86, 113 on binary128 targets): a few
 * units of 2^-63 relative, below 2^-9 ulp of f64 and 2^-38 ulp of f32.
 * The slack below is that, rounded up. */
#define F32_REF_ULP 0x1p-20
#define F64_REF_ULP 0x1p-6

#define REAL float
#define W(name) f32_##name
#define SMX(name) smx_##name##_f32
#define MASK_T smx_mask_f32
#define OPTS_T smx_cross_entropy_options_f32
#define DESC dtype_f32
#define NAME "f32"
#define MANT FLT_MANT_DIG
#define MAXV FLT_MAX
#define MINV FLT_MIN
#define TRUEMIN FLT_TRUE_MIN
#define REF_ULP F32_REF_ULP
#include "test_api.inc"
#undef REAL
#undef W
#undef SMX
#undef MASK_T
#undef OPTS_T
#undef DESC
#undef NAME
#undef MANT
#undef MAXV
#undef MINV
#undef TRUEMIN
#undef REF_ULP

#define REAL double
#define W(name) f64_##name
#define SMX(name) smx_##name##_f64
#define MASK_T smx_mask_f64
#define OPTS_T smx_cross_entropy_options_f64
#define DESC dtype_f64
#define NAME "f64"
#define MANT DBL_MANT_DIG
#define MAXV DBL_MAX
#define MINV DBL_MIN
#define TRUEMIN DBL_TRUE_MIN
#define REF_ULP F64_REF_ULP
#include "test_api.inc"

/* ------------------------------------------------------------------------ */
/* Context                                                                    */
/* ------------------------------------------------------------------------ */

int tctx_setup(void **state)
{
    tctx *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    t->D = *state;
    *state = t;
    return 0;
}

int tctx_teardown(void **state)
{
    tctx *t = *state;
    for (size_t i = 0; i < t->nblocks; i++)
        free(t->blocks[i]);
    free(t->blocks);
    free(t);
    return 0;
}

void tnote(tctx *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->note, sizeof t->note, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* Buffers                                                                    */
/* ------------------------------------------------------------------------ */

void fill_sentinel(void *p, size_t bytes) { memset(p, SENTINEL_BYTE, bytes); }

int is_sentinel(const void *p, size_t bytes)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < bytes; i++)
        if (b[i] != SENTINEL_BYTE)
            return 0;
    return 1;
}

void *talloc(tctx *t, size_t bytes)
{
    if (t->nblocks == t->cap) {
        const size_t cap = t->cap ? 2 * t->cap : 64;
        void **blocks = realloc(t->blocks, cap * sizeof *blocks);
        if (!blocks) {
            print_error("test_util: out of memory\n");
            fail();
        }
        t->blocks = blocks;
        t->cap = cap;
    }
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        print_error("test_util: out of memory (%zu bytes)\n", bytes);
        fail();
    }
    fill_sentinel(p, bytes ? bytes : 1);
    t->blocks[t->nblocks++] = p;
    return p;
}

void *tvec(tctx *t, size_t n) { return talloc(t, n * t->D->size); }

void *tvals(tctx *t, size_t n, const long double *v)
{
    void *p = tvec(t, n);
    for (size_t i = 0; i < n; i++)
        t->D->set(p, i, v[i]);
    return p;
}

void *tcopy(tctx *t, const void *src, size_t n)
{
    void *p = tvec(t, n);
    memcpy(p, src, n * t->D->size);
    return p;
}

long double *tld(tctx *t, size_t n)
{
    long double *p = talloc(t, n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = 0;
    return p;
}

int32_t *tlabels(tctx *t, size_t n, const int32_t *v)
{
    int32_t *p = talloc(t, n * sizeof *p);
    if (v)
        memcpy(p, v, n * sizeof *p);
    return p;
}

long double tget(const tctx *t, const void *p, size_t i) { return t->D->get(p, i); }

void tset(const tctx *t, void *p, size_t i, long double v) { t->D->set(p, i, v); }

void tload(const tctx *t, long double *dst, const void *src, size_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = t->D->get(src, off + i);
}

void fill_uniform(tctx *t, void *p, size_t n, rng *r, double scale)
{
    for (size_t i = 0; i < n; i++)
        t->D->set(p, i, rng_uniform(r, -scale, scale));
}

/* ------------------------------------------------------------------------ */
/* ulp                                                                        */
/* ------------------------------------------------------------------------ */

long double ulp_of(const dtype *D, long double v)
{
    v = fabsl(v);
    if (isinf(v) || v > D->max)
        v = D->max;
    if (v < D->min_normal)
        return D->true_min;
    int e;
    frexpl(v, &e); /* v in [2^(e-1), 2^e): spacing 2^(e-1-(p-1)) */
    return ldexpl(1.0L, e - D->mant_dig);
}

/* hi - lo for hi > lo, in double; exact below 2^53 (the ordinals are
 * within 2^63 of 0, so the difference is taken in unsigned arithmetic). */
static double ord_gap(int64_t hi, int64_t lo) { return (double)((uint64_t)hi - (uint64_t)lo); }

double ulp_distance(const dtype *D, long double got, long double ref)
{
    if (isnan(got) || isnan(ref))
        return (isnan(got) && isnan(ref)) ? 0.0 : INFINITY;
    long double lo = ref, hi = ref;
    if (isfinite(ref)) {
        const long double slack = (long double)D->ref_ulp * ulp_of(D, ref);
        lo = D->round(ref - slack);
        hi = D->round(ref + slack);
    }
    const int64_t g = D->ord(got), a = D->ord(lo), b = D->ord(hi);
    if (g >= a && g <= b)
        return 0.0;
    return g < a ? ord_gap(a, g) : ord_gap(g, b);
}

/* ------------------------------------------------------------------------ */
/* Checks                                                                     */
/* ------------------------------------------------------------------------ */

void check_fail(const tctx *t, const char *file, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("%s:%d: [%s%s%s] %s\n", file, line, t->D->name, t->note[0] ? "; " : "",
                t->note, msg);
    _fail(file, line);
}

static int digits(const tctx *t) { return t->D->mant_dig <= 24 ? 9 : 17; }

void check_ulp_at(const tctx *t, const char *file, int line, const char *what, size_t i,
                  long double got, long double ref, double bound)
{
    const double d = ulp_distance(t->D, got, ref);
    if (!(d <= bound))
        check_fail(t, file, line, "%s[%zu] = %.*Lg (%La), reference %.21Lg: %.3g ulp > %g",
                   what, i, digits(t), got, got, ref, d, bound);
}

void check_near_at(const tctx *t, const char *file, int line, const char *what, size_t i,
                   long double got, long double ref, long double tol)
{
    if (!(fabsl(got - ref) <= tol) && !(isnan(got) && isnan(ref)))
        check_fail(t, file, line, "%s[%zu] = %.*Lg, reference %.21Lg: |error| %.3Lg > %.3Lg",
                   what, i, digits(t), got, ref, fabsl(got - ref), tol);
}

void check_exact_at(const tctx *t, const char *file, int line, const char *what, size_t i,
                    long double got, long double want)
{
    if (!(got == want) && !(isnan(got) && isnan(want)))
        check_fail(t, file, line, "%s[%zu] = %.*Lg (%La), expected exactly %.*Lg", what, i,
                   digits(t), got, got, digits(t), want);
}

void check_bits_at(const tctx *t, const char *file, int line, const char *what,
                   const void *a, const void *b, size_t n)
{
    if (memcmp(a, b, n * t->D->size) == 0)
        return;
    const size_t sz = t->D->size;
    for (size_t i = 0; i < n; i++) {
        if (memcmp((const char *)a + i * sz, (const char *)b + i * sz, sz) != 0)
            check_fail(t, file, line, "%s: element %zu differs: %.*Lg (%La) vs %.*Lg (%La)",
                       what, i, digits(t), tget(t, a, i), tget(t, a, i), digits(t),
                       tget(t, b, i), tget(t, b, i));
    }
}

void check_status_at(const tctx *t, const char *file, int line, const char *call,
                     smx_status got, smx_status want)
{
    if (got != want)
        check_fail(t, file, line, "%s returned %d (%s), expected %d (%s)", call, (int)got,
                   smx_strerror(got), (int)want, smx_strerror(want));
}

void check_untouched_at(const tctx *t, const char *file, int line, const char *what,
                        const void *p, size_t bytes)
{
    if (!is_sentinel(p, bytes))
        check_fail(t, file, line, "%s was written (sentinel bytes changed)", what);
}

void need_wide_reference(const tctx *t)
{
    if (LDBL_MANT_DIG < t->D->mant_dig + 10) {
        print_message("long double has %d bits: too narrow a reference for %s, skipped\n",
                      LDBL_MANT_DIG, t->D->name);
        skip();
    }
}

/* ------------------------------------------------------------------------ */
/* References                                                                 */
/* ------------------------------------------------------------------------ */

long double ld_sum(const long double *v, size_t n)
{
    long double s = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        const long double x = v[i], u = s + x;
        c += fabsl(s) >= fabsl(x) ? (s - u) + x : (x - u) + s;
        s = u;
    }
    return s + c;
}

/* m, its position, and e_k = exp(z_k - m). */
static size_t ref_exps(long double *e, const long double *z, size_t n, long double *m)
{
    size_t arg = 0;
    *m = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (z[k] > *m) {
            *m = z[k];
            arg = k;
        }
    }
    for (size_t k = 0; k < n; k++)
        e[k] = expl(z[k] - *m);
    return arg;
}

void ref_softmax(long double *s, const long double *z, size_t n)
{
    long double *e = malloc((n ? n : 1) * sizeof *e), m;
    assert_non_null(e);
    ref_exps(e, z, n, &m);
    const long double sum = ld_sum(e, n);
    for (size_t k = 0; k < n; k++)
        s[k] = e[k] / sum;
    free(e);
}

/* The sum of exp(z_k - m) over k != argmax: the row's sum is 1 + that. */
static long double ref_others(const long double *z, size_t n, long double *m)
{
    long double *e = malloc((n ? n : 1) * sizeof *e);
    assert_non_null(e);
    const size_t arg = ref_exps(e, z, n, m);
    e[arg] = 0;
    const long double others = ld_sum(e, n);
    free(e);
    return others;
}

void ref_log_softmax(long double *l, const long double *z, size_t n)
{
    long double m;
    const long double log_sum = log1pl(ref_others(z, n, &m));
    for (size_t k = 0; k < n; k++)
        l[k] = (z[k] - m) - log_sum;
}

long double ref_logsumexp(const long double *z, size_t n)
{
    long double m;
    const long double others = ref_others(z, n, &m);
    return m + log1pl(others);
}
