/*
 * measure.c — error measurement and worst-case bookkeeping (measure.h).
 */
#include "measure.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "reference_mpfr.h"

#define RN MPFR_RNDN

const acc_format acc_f32 = {"f32", 24, -126, -149, 127};
const acc_format acc_f64 = {"f64", 53, -1022, -1074, 1023};
const acc_format acc_bf16 = {"bf16", 8, -126, -133, 127};
const acc_format acc_f16 = {"f16", 11, -14, -24, 15};

int acc_is_half(const acc_format *f) { return f->precision < 24; }

void acc_stats_init(acc_stats *s, const char *function, const acc_format *fmt, acc_mode mode,
                    double bound)
{
    memset(s, 0, sizeof *s);
    s->function = function;
    s->fmt = fmt;
    s->mode = mode;
    s->bound = bound;
}

/* The exponent of ulp(v) in the format: e - p + 1 for 2^e <= |v| < 2^(e+1),
 * at least that of the smallest subnormal. */
static long ulp_exp(const acc_format *f, mpfr_srcptr v)
{
    if (mpfr_zero_p(v))
        return f->min_sub_exp;
    /* MPFR writes v = m 2^E with 1/2 <= |m| < 1, so e = E - 1. */
    const long e = (long)mpfr_get_exp(v) - 1;
    const long u = e - f->precision + 1;
    return u < f->min_sub_exp ? f->min_sub_exp : u;
}

/* The position of a float or double in the ordered set of the format's
 * values: adjacent values differ by 1, and +0 and -0 share 0.  For a
 * half format v is one of its values (or +-inf, one past the largest):
 * below 2^min_normal_exp the count of smallest subnormals in |v|, above
 * it 2^(p-1) values per binade. */
static int64_t ordinal(const acc_format *f, double v)
{
    if (acc_is_half(f)) {
        const double a = fabs(v);
        int64_t mag;
        if (isinf(a)) {
            mag = ((int64_t)(f->max_exp - f->min_normal_exp + 2) << (f->precision - 1));
        } else if (a < ldexp(1, f->min_normal_exp)) {
            mag = (int64_t)ldexp(a, -f->min_sub_exp);
        } else {
            int e;
            frexp(a, &e); /* a in [2^(e-1), 2^e) */
            const int64_t m = (int64_t)ldexp(a, f->precision - e); /* in [2^(p-1), 2^p) */
            mag = ((int64_t)(e - 1 - f->min_normal_exp + 1) << (f->precision - 1)) +
                  (m - ((int64_t)1 << (f->precision - 1)));
        }
        return v < 0 ? -mag : mag;
    }
    if (f->precision == 24) {
        float x = (float)v;
        int32_t b;
        memcpy(&b, &x, sizeof b);
        return b < 0 ? -(int64_t)(b & 0x7fffffff) : (int64_t)b;
    }
    int64_t b;
    memcpy(&b, &v, sizeof b);
    return b < 0 ? -(b & INT64_MAX) : b;
}

/* Scratch numbers for the measurements, set up on first use.  The suite
 * is single-threaded; reusing them saves an allocation per output. */
static mpfr_t scratch_d, scratch_half;
static int scratch_ready;

static void scratch_setup(void)
{
    if (scratch_ready)
        return;
    mpfr_inits2(REF_PREC, scratch_d, scratch_half, (mpfr_ptr)0);
    scratch_ready = 1;
}

void acc_measure_release(void)
{
    if (!scratch_ready)
        return;
    mpfr_clears(scratch_d, scratch_half, (mpfr_ptr)0);
    scratch_ready = 0;
}

double acc_round_to(const acc_format *f, mpfr_srcptr v)
{
    if (f->precision == 24)
        return (double)mpfr_get_flt(v, RN);
    if (f->precision == 53)
        return mpfr_get_d(v, RN);
    if (mpfr_nan_p(v) || mpfr_inf_p(v) || mpfr_zero_p(v))
        return mpfr_get_d(v, RN);
    /* v / ulp(v) rounded to an integer, ties to even, times ulp(v): exact
     * at every magnitude, the subnormal range's fixed spacing included, and
     * a value rounded up to the next binade is that binade's first value. */
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(v));
    const long u = ulp_exp(f, v);
    mpfr_mul_2si(t, v, -u, RN);
    mpfr_rint(t, t, RN);
    mpfr_mul_2si(t, t, u, RN);
    double r = mpfr_get_d(t, RN); /* exact: p bits */
    mpfr_clear(t);
    if (fabs(r) >= ldexp(1, f->max_exp + 1))
        r = copysign(HUGE_VAL, r);
    return r;
}

double acc_round_double(const acc_format *f, double v)
{
    mpfr_t t;
    mpfr_init2(t, 64);
    mpfr_set_d(t, v, RN);
    const double r = acc_round_to(f, t);
    mpfr_clear(t);
    return r;
}

double acc_rounded_fraction(const acc_stats *s)
{
    return s->rounding_judged ? (double)s->rounded / (double)s->rounding_judged : 1.0;
}

/* |got - exact| / 2^unit_exp, as a double. */
static double error_in(mpfr_srcptr exact, double got, long unit_exp)
{
    mpfr_ptr d = scratch_d;
    mpfr_set_d(d, got, RN);
    mpfr_sub(d, d, exact, RN);
    mpfr_abs(d, d, RN);
    mpfr_mul_2si(d, d, -unit_exp, RN);
    return mpfr_get_d(d, RN);
}

static void note(acc_worst *w, double value, const char *where, va_list ap)
{
    if (!(value > w->value) && w->where[0])
        return;
    w->value = value;
    vsnprintf(w->where, sizeof w->where, where, ap);
}

#define NOTE(worst, value)                                                                   \
    do {                                                                                     \
        va_list ap_;                                                                         \
        va_start(ap_, where);                                                                \
        note((worst), (value), where, ap_);                                                  \
        va_end(ap_);                                                                         \
    } while (0)

static void failure(acc_stats *s, const char *fmt, ...)
{
    if (s->failures++ >= ACC_PRINTED_FAILURES)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s %s: ", s->function, s->fmt->name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

void acc_fail(acc_stats *s, const char *what, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, what);
    vsnprintf(buf, sizeof buf, what, ap);
    va_end(ap);
    failure(s, "%s", buf);
}

void acc_check(acc_stats *s, double got, mpfr_srcptr exact, mpfr_srcptr scale,
               const char *where, ...)
{
    const acc_format *f = s->fmt;
    char buf[240];
    scratch_setup();
    s->outputs++;

    /* Infinite exact results must be met exactly; for a half format, so
     * must a finite one whose correctly rounded value is infinite. */
    const int half = acc_is_half(f);
    const double cr_half = half ? acc_round_to(f, exact) : 0.0;
    if (mpfr_inf_p(exact) || mpfr_nan_p(exact) || (half && isinf(cr_half))) {
        s->infinite++;
        const double want = half ? cr_half : mpfr_get_d(exact, RN);
        if (half) {
            s->rounding_judged++;
            s->rounded += got == want || (isnan(got) && isnan(want));
        }
        if (!(got == want || (isnan(got) && isnan(want)))) {
            va_list ap;
            va_start(ap, where);
            vsnprintf(buf, sizeof buf, where, ap);
            va_end(ap);
            failure(s, "got %.17g, exact %g at %s", got, want, buf);
        }
        return;
    }
    if (!isfinite(got)) {
        va_list ap;
        va_start(ap, where);
        vsnprintf(buf, sizeof buf, where, ap);
        va_end(ap);
        failure(s, "got %g, exact %.17g at %s", got, mpfr_get_d(exact, RN), buf);
        return;
    }

    /* Where the exact value sits: normal range, or below it. */
    const int below = mpfr_zero_p(exact) || (long)mpfr_get_exp(exact) - 1 < f->min_normal_exp;
    if (below)
        s->subnormal++;
    else
        s->normal++;

    /* The error against the exact value, in ulp(exact). */
    const double err = error_in(exact, got, ulp_exp(f, exact));
    int counted = 1;
    if (s->mode == ACC_OF_SCALE) {
        /* Relative accuracy is only expected where nothing cancels. */
        mpfr_div_2ui(scratch_half, scale, 1, RN);
        counted = mpfr_cmpabs(exact, scratch_half) >= 0;
    }
    if (half && counted) {
        /* Rounded correctly, or else across a boundary the exact value is
         * close to: |exact - (got + cr) / 2| / |got - cr| (the midpoint and
         * the difference of two half values are exact). */
        s->rounding_judged++;
        if (got == cr_half) {
            s->rounded++;
        } else {
            mpfr_set_d(scratch_d, got, RN);
            mpfr_add_d(scratch_d, scratch_d, cr_half, RN);
            mpfr_div_2ui(scratch_d, scratch_d, 1, RN);
            mpfr_sub(scratch_d, exact, scratch_d, RN);
            mpfr_abs(scratch_d, scratch_d, RN);
            mpfr_div_d(scratch_d, scratch_d, fabs(got - cr_half), RN);
            const double b = mpfr_get_d(scratch_d, RN);
            NOTE(&s->boundary, b);
            if (s->boundary_bound > 0 && b > s->boundary_bound) {
                va_list ap;
                va_start(ap, where);
                vsnprintf(buf, sizeof buf, where, ap);
                va_end(ap);
                failure(s,
                        "not correctly rounded, %.3g of a spacing from the boundary (bound "
                        "%.3g): got %a, correctly rounded %a, exact %.17g; at %s",
                        b, s->boundary_bound, got, cr_half, mpfr_get_d(exact, RN), buf);
            }
        }
    }
    if (!counted) {
        /* a cancelling output: measured against its scale only */
    } else if (below) {
        NOTE(&s->sub, err);
        if (half && s->ulp_bound > 0 && err > s->ulp_bound) {
            va_list ap;
            va_start(ap, where);
            vsnprintf(buf, sizeof buf, where, ap);
            va_end(ap);
            failure(s, "%.4g smallest subnormals from exact (bound %g): got %a, exact %a; at %s",
                    err, s->ulp_bound, got, mpfr_get_d(exact, RN), buf);
        }
    } else {
        NOTE(&s->ulp, err);
        if (fabs(mpfr_get_d(exact, RN)) < 1e-5) {
            s->tiny++;
            NOTE(&s->tiny_ulp, err);
        }
        if (s->ulp_bound > 0 && err > s->ulp_bound) {
            va_list ap;
            va_start(ap, where);
            vsnprintf(buf, sizeof buf, where, ap);
            va_end(ap);
            failure(s, "%.4g ulp of exact (ulp bound %g): got %a, exact %a (%.17g); at %s", err,
                    s->ulp_bound, got, mpfr_get_d(exact, RN), mpfr_get_d(exact, RN), buf);
        }
    }

    double measured;
    const char *unit;
    if (s->mode == ACC_FROM_CR) {
        const double cr = half ? cr_half : acc_round_to(f, exact);
        const int64_t a = ordinal(f, got), b = ordinal(f, cr);
        measured = (double)(a > b ? a - b : b - a);
        unit = "steps from the correctly rounded result";
        NOTE(&s->steps, measured);
    } else {
        /* The unit is ulp(max(|exact|, scale)): |exact| may exceed the
         * scale (up to twice it, when the two terms have opposite signs),
         * and then its own rounding is the error to allow for. */
        const long ue = ulp_exp(f, scale), ux = ulp_exp(f, exact);
        measured = error_in(exact, got, ue > ux ? ue : ux);
        unit = "ulp of max(|exact|, scale)";
        NOTE(&s->scaled, measured);
    }

    if (measured > s->bound) {
        va_list ap;
        va_start(ap, where);
        vsnprintf(buf, sizeof buf, where, ap);
        va_end(ap);
        failure(s, "%g %s (bound %g): got %a, exact %a (%.17g); %.3g ulp of exact; at %s",
                measured, unit, s->bound, got, mpfr_get_d(exact, RN), mpfr_get_d(exact, RN),
                err, buf);
    }
}

static void print_where(const char *label, const acc_worst *w)
{
    if (w->where[0])
        printf("    %-10s %-10.4g at %s\n", label, w->value, w->where);
}

/* A worst error for the summary line: 4 decimals while small, 3
 * significant digits once it is far beyond any bound. */
static const char *num(char *buf, size_t size, double v, int decimals)
{
    if (v < 1e4)
        snprintf(buf, size, "%.*f", decimals, v);
    else
        snprintf(buf, size, "%.3g", v);
    return buf;
}

void acc_stats_report(const acc_stats *s)
{
    const acc_format *f = s->fmt;
    char b1[32], b2[32], b3[32], b4[32];
    printf("accuracy: %-30s %s  outputs %-8llu", s->function, f->name,
           (unsigned long long)s->outputs);
    if (s->mode == ACC_FROM_CR)
        printf("  from-CR %-6s", num(b1, sizeof b1, s->steps.value, 0));
    else
        printf("  of-scale %-7s", num(b1, sizeof b1, s->scaled.value, 4));
    printf("  ulp %-7s  <1e-5 %-7s  subnormal %-7s  bound %g %s",
           num(b2, sizeof b2, s->ulp.value, 4), num(b3, sizeof b3, s->tiny_ulp.value, 4),
           num(b4, sizeof b4, s->sub.value, 4), s->bound,
           s->mode == ACC_FROM_CR ? "from CR" : "of scale");
    if (s->ulp_bound > 0)
        printf("  ulp bound %g", s->ulp_bound);
    if (acc_is_half(f))
        printf("  correctly-rounded %.4f%%  misrounded-within %.3g",
               100.0 * acc_rounded_fraction(s), s->boundary.value);
    printf("  %s\n", s->failures ? "FAIL" : "pass");
    printf("    (%llu normal, %llu of them below 1e-5; %llu below 2^%d; %llu infinite;"
           " %llu failures)\n",
           (unsigned long long)s->normal, (unsigned long long)s->tiny,
           (unsigned long long)s->subnormal, f->min_normal_exp,
           (unsigned long long)s->infinite, (unsigned long long)s->failures);
    if (s->mode == ACC_FROM_CR)
        print_where("from-CR", &s->steps);
    else
        print_where("of-scale", &s->scaled);
    print_where("ulp", &s->ulp);
    print_where("<1e-5", &s->tiny_ulp);
    print_where("subnormal", &s->sub);
    print_where("misrounded", &s->boundary);
    fflush(stdout);
}
