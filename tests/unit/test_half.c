/*
 * test_half.c — the half-precision types (smx_bf16, smx_f16) and their
 * conversions, against references written from the format definitions
 * (not from half.c's bit tricks):
 *
 *   - to float: all 65536 encodings of each format against the value its
 *     fields give (ldexp), NaNs by the header's rule;
 *   - round trip: every encoding back through float and through double
 *     gives itself (a NaN its quiet form);
 *   - from float: every tie between neighbouring halves, both signs, and
 *     the floats on either side of it, against long double rounding
 *     (nearbyintl of the scaled significand), a tie's result also checked
 *     to be the even neighbour; named boundaries (overflow at 65520,
 *     subnormals, signed zeros, inf, NaN payloads) with their encodings
 *     written out; random floats against the long double rounding;
 *   - from double: rounded once, where rounding through float would round
 *     a tie twice (every tie, a double just above and just below it: one
 *     of the two goes wrong through float, and the test shows it does);
 *     random doubles over the whole range;
 *   - arrays: on every path this CPU has (smx_set_isa), the same bits as
 *     the scalar functions, for every encoding and for a few million
 *     floats (the ties above, NaNs, random bit patterns), at every length
 *     0..70 from misaligned pointers, writing nothing past the end; the
 *     argument checks, nothing written on error.
 */
#include "test_util.h"

#include "cpu.h" /* smx__cpu_has_*: which instructions the paths use, for the log */

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const smx_isa all_isas[] = {SMX_ISA_SCALAR, SMX_ISA_AVX2, SMX_ISA_AVX512, SMX_ISA_NEON};
#define N_ISAS (sizeof all_isas / sizeof all_isas[0])

static uint32_t bits_of(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static double double_of(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* ------------------------------------------------------------------------ */
/* The two formats, and the scalar API through one interface                 */
/* ------------------------------------------------------------------------ */

typedef struct format {
    const char *name;
    int mbits;      /* fraction bits */
    int emin, emax; /* exponents of the smallest normal and of the largest finite */
    uint16_t inf, quiet;
} format;

static const format BF16 = {"bf16", 7, -126, 127, 0x7f80, 0x0040};
static const format F16 = {"f16", 10, -14, 15, 0x7c00, 0x0200};

static int is_bf16(const format *f) { return f == &BF16; }

static float to_f32(const format *f, uint16_t h)
{
    if (is_bf16(f)) {
        const smx_bf16 x = {h};
        return smx_bf16_to_f32(x);
    }
    const smx_f16 x = {h};
    return smx_f16_to_f32(x);
}

static uint16_t from_f32(const format *f, float x)
{
    return is_bf16(f) ? smx_f32_to_bf16(x).bits : smx_f32_to_f16(x).bits;
}

static uint16_t from_f64(const format *f, double x)
{
    return is_bf16(f) ? smx_f64_to_bf16(x).bits : smx_f64_to_f16(x).bits;
}

static int is_nan_encoding(const format *f, uint16_t h)
{
    return (h & 0x7fffu) > f->inf;
}

/* ------------------------------------------------------------------------ */
/* References                                                                */
/* ------------------------------------------------------------------------ */

/* The value an encoding stands for, from its fields: (2^mbits + m)
 * 2^(e - bias - mbits) for a normal, m 2^(emin - mbits) for a subnormal. */
static long double half_value(const format *f, uint16_t h)
{
    const int ebits = 15 - f->mbits, top = (1 << ebits) - 1;
    const int e = (h >> f->mbits) & top, m = h & ((1 << f->mbits) - 1);
    long double mag;
    if (e == top)
        mag = m ? (long double)NAN : (long double)INFINITY;
    else if (e == 0)
        mag = ldexpl(m, f->emin - f->mbits);
    else
        mag = ldexpl((1 << f->mbits) + m, e - 1 + f->emin - f->mbits);
    return (h & 0x8000u) ? -mag : mag;
}

/* x rounded to the format, to nearest with ties to even: the significand
 * scaled to an integer at the result's ulp and rounded by nearbyintl (the
 * default rounding mode); inf when the rounded value reaches 2^(emax+1).
 * Exact for every float and double: long double holds them, and scaling by
 * a power of two is exact. */
static long double ref_round(const format *f, long double x)
{
    if (x == 0 || isinf(x))
        return x;
    int e;
    frexpl(x, &e); /* |x| in [2^(e-1), 2^e) */
    const int q = (e - 1 > f->emin ? e - 1 : f->emin) - f->mbits;
    const long double r = ldexpl(nearbyintl(ldexpl(x, -q)), q);
    if (fabsl(r) >= ldexpl(1, f->emax + 1))
        return copysignl(INFINITY, x);
    return r;
}

/* The encoding `got` stands for x rounded (same value, same sign of zero). */
static void check_rounded(const format *f, const char *what, long double x, uint16_t got)
{
    const long double want = ref_round(f, x), have = half_value(f, got);
    if (isnan(have) || have != want || signbit(have) != signbit(want))
        fail_msg("%s to %s of %La: got 0x%04x (%Lg), want %Lg", what, f->name, x, got, have,
                 want);
}

/* The NaN rule: sign and quiet bit set, the top fraction bits of the
 * input's payload (`payload_top`, mbits bits). */
static uint16_t nan_encoding(const format *f, int negative, unsigned payload_top)
{
    return (uint16_t)((negative ? 0x8000u : 0) | f->inf | f->quiet | payload_top);
}

/* ------------------------------------------------------------------------ */
/* To float                                                                  */
/* ------------------------------------------------------------------------ */

/* The reference itself, at a few values known by heart. */
static void test_reference_values(void **state)
{
    (void)state;
    assert_true(half_value(&F16, 0x3c00) == 1);
    assert_true(half_value(&F16, 0x7bff) == 65504);
    assert_true(half_value(&F16, 0x0400) == 0x1p-14L);
    assert_true(half_value(&F16, 0x0001) == 0x1p-24L);
    assert_true(half_value(&F16, 0xc000) == -2);
    assert_true(half_value(&F16, 0x3555) == 0x1.554p-2L);
    assert_true(half_value(&BF16, 0x3f80) == 1);
    assert_true(half_value(&BF16, 0x7f7f) == 0x1.FEp127L);
    assert_true(half_value(&BF16, 0x0080) == 0x1p-126L);
    assert_true(half_value(&BF16, 0x0001) == 0x1p-133L);
    assert_true(half_value(&BF16, 0x4049) == 0x1.92p1L);
    assert_true(ref_round(&F16, 65519) == 65504 && isinf(ref_round(&F16, 65520)));
    assert_true(ref_round(&F16, 0x1p-25L) == 0 && ref_round(&F16, 0x1.8p-24L) == 0x1p-23L);
    assert_true(ref_round(&BF16, 1 + 0x1p-8L) == 1 && ref_round(&BF16, 1 + 0x3p-8L) == 1 + 0x1p-6L);
}

static void check_to_f32_all(const format *f)
{
    for (uint32_t i = 0; i < 65536; i++) {
        const uint16_t h = (uint16_t)i;
        const uint32_t got = bits_of(to_f32(f, h));
        uint32_t want;
        if (is_nan_encoding(f, h)) {
            const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
            const uint32_t payload = (uint32_t)(h & ((1u << f->mbits) - 1)) << (23 - f->mbits);
            /* bf16: the bits as they are; f16: made quiet */
            want = sign | 0x7f800000u | payload | (is_bf16(f) ? 0 : 0x400000u);
        } else {
            want = bits_of((float)half_value(f, h));
        }
        if (got != want)
            fail_msg("%s 0x%04x to float: 0x%08x, want 0x%08x", f->name, h, got, want);
        if (is_bf16(f) && got != (uint32_t)h << 16)
            fail_msg("bf16 0x%04x to float: 0x%08x, not the bits shifted up", h, got);
    }
}

/* to_f32, then back to the format from float and from double: the same
 * encoding, a NaN made quiet. */
static void check_round_trip_all(const format *f)
{
    for (uint32_t i = 0; i < 65536; i++) {
        const uint16_t h = (uint16_t)i;
        const float x = to_f32(f, h);
        const uint16_t want = is_nan_encoding(f, h) ? (uint16_t)(h | f->quiet) : h;
        const uint16_t back = from_f32(f, x), back64 = from_f64(f, (double)x);
        if (back != want || back64 != want)
            fail_msg("%s 0x%04x to float and back: 0x%04x from float, 0x%04x from double, "
                     "want 0x%04x",
                     f->name, h, back, back64, want);
    }
}

/* ------------------------------------------------------------------------ */
/* From float                                                                */
/* ------------------------------------------------------------------------ */

/* The tie between positive encodings h and h + 1 (for the largest finite,
 * between it and 2^(emax+1), where the rounding overflows), in double:
 * exact, and exact in float too, which has more bits and range. */
static double tie_above(const format *f, uint16_t h)
{
    const long double hi = h + 1 == f->inf ? ldexpl(1, f->emax + 1) : half_value(f, h + 1);
    return (double)((half_value(f, h) + hi) / 2);
}

static void check_ties_from_f32(const format *f)
{
    for (uint16_t h = 0; h < f->inf; h++) {
        const double tie = tie_above(f, h);
        const float x = (float)tie;
        if ((double)x != tie)
            fail_msg("%s: the tie above 0x%04x, %a, is not a float", f->name, h, tie);
        /* ties to even: whichever of h and h + 1 is even (inf's encoding is) */
        const uint16_t even = (h & 1) ? (uint16_t)(h + 1) : h;
        if (from_f32(f, x) != even || from_f32(f, -x) != (even | 0x8000u))
            fail_msg("%s: the tie %a gives 0x%04x and -0x%04x, want the even 0x%04x", f->name,
                     tie, from_f32(f, x), from_f32(f, -x), even);
        const float near[3] = {nextafterf(x, 0), x, nextafterf(x, INFINITY)};
        for (int k = 0; k < 3; k++) {
            check_rounded(f, "float", near[k], from_f32(f, near[k]));
            check_rounded(f, "float", -near[k], from_f32(f, -near[k]));
        }
        if (from_f32(f, near[0]) != h || from_f32(f, near[2]) != h + 1)
            fail_msg("%s: the floats beside the tie %a give 0x%04x and 0x%04x, want 0x%04x and "
                     "0x%04x",
                     f->name, tie, from_f32(f, near[0]), from_f32(f, near[2]), h, h + 1);
    }
}

typedef struct f32_case {
    uint32_t in;
    uint16_t want;
} f32_case;

static void check_f32_cases(const format *f, const f32_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const uint16_t got = from_f32(f, float_of(c[i].in));
        if (got != c[i].want)
            fail_msg("float 0x%08x (%a) to %s: 0x%04x, want 0x%04x", c[i].in,
                     (double)float_of(c[i].in), f->name, got, c[i].want);
        if (!is_nan_encoding(f, c[i].want))
            check_rounded(f, "float", float_of(c[i].in), got);
    }
}

static void test_f16_named_values(void **state)
{
    (void)state;
    const f32_case cases[] = {
        {0x00000000, 0x0000}, {0x80000000, 0x8000}, /* signed zeros */
        {0x7f800000, 0x7c00}, {0xff800000, 0xfc00}, /* infinities */
        {0x3f800000, 0x3c00},                       /* 1 */
        {0x3f801000, 0x3c00},                       /* 1 + 2^-11: tie, even down */
        {0x3f803000, 0x3c02},                       /* 1 + 3 2^-11: tie, even up */
        {0x3f801001, 0x3c01},                       /* just above the tie */
        {0x477fe000, 0x7bff},                       /* 65504, the largest finite */
        {0x477fefff, 0x7bff},                       /* 65519.998: still finite */
        {0x477ff000, 0x7c00},                       /* 65520: the tie rounds to inf */
        {0xc77ff000, 0xfc00},                       /* -65520 */
        {0x477ff001, 0x7c00},
        {0x7f7fffff, 0x7c00},                       /* FLT_MAX */
        {0x38800000, 0x0400},                       /* 2^-14, the smallest normal */
        {0x387fc000, 0x03ff},                       /* the largest subnormal */
        {0x387fe000, 0x0400},                       /* the tie between them: even, up */
        {0x387fdfff, 0x03ff},
        {0x33800000, 0x0001},                       /* 2^-24, the smallest subnormal */
        {0x33000000, 0x0000},                       /* 2^-25: tie, even down to 0 */
        {0xb3000000, 0x8000},                       /* -2^-25: -0 */
        {0x33000001, 0x0001},                       /* just above: rounds up */
        {0x33c00000, 0x0002},                       /* 3 2^-25: tie, even up */
        {0x34200000, 0x0002},                       /* 5 2^-25: tie, even down */
        {0x00000001, 0x0000}, {0x80800000, 0x8000}, /* float subnormal, -FLT_MIN */
        /* NaNs: quiet, sign and the payload's top 10 bits kept */
        {0x7fc00000, 0x7e00}, {0xffc00000, 0xfe00},
        {0x7f800001, 0x7e00}, /* signaling, payload below the kept bits: still NaN */
        {0xff800001, 0xfe00}, {0x7fa00000, 0x7f00}, {0x7fffffff, 0x7fff},
        {0xffc02000, 0xfe01}, {0x7f802000, 0x7e01}, {0x7fbfe000, 0x7fff},
    };
    check_f32_cases(&F16, cases, sizeof cases / sizeof cases[0]);
}

static void test_bf16_named_values(void **state)
{
    (void)state;
    const f32_case cases[] = {
        {0x00000000, 0x0000}, {0x80000000, 0x8000}, {0x7f800000, 0x7f80}, {0xff800000, 0xff80},
        {0x3f800000, 0x3f80},
        {0x3f808000, 0x3f80}, /* 1 + 2^-8: tie, even down */
        {0x3f818000, 0x3f82}, /* 1 + 3 2^-8: tie, even up */
        {0x3f808001, 0x3f81}, {0x3f807fff, 0x3f80},
        {0x7f7f0000, 0x7f7f}, /* the largest finite, 0x1.FEp127 */
        {0x7f7f7fff, 0x7f7f}, {0x7f7f8000, 0x7f80}, /* 0x1.FFp127: the tie rounds to inf */
        {0x7f7fffff, 0x7f80},                       /* FLT_MAX */
        {0xff7fffff, 0xff80},
        {0x00800000, 0x0080}, /* FLT_MIN */
        {0x007fffff, 0x0080}, /* the largest float subnormal rounds up to it */
        {0x00008000, 0x0000}, /* half the smallest bf16 subnormal: tie, even 0 */
        {0x80008000, 0x8000}, {0x00008001, 0x0001}, {0x00018000, 0x0002},
        {0x00010000, 0x0001}, {0x00000001, 0x0000},
        /* NaNs: quiet, never rounded (0xffc1ffff would round to 0xffc2) */
        {0x7fc00000, 0x7fc0}, {0x7f800001, 0x7fc0}, {0xff800001, 0xffc0},
        {0x7fa00000, 0x7fe0}, {0x7fffffff, 0x7fff}, {0x7f810000, 0x7fc1},
        {0xffc1ffff, 0xffc1}, {0x7f80ffff, 0x7fc0},
    };
    check_f32_cases(&BF16, cases, sizeof cases / sizeof cases[0]);
}

/* A float with random sign and fraction; exponent field uniform in
 * [elo, ehi]. */
static float random_float(rng *r, unsigned elo, unsigned ehi)
{
    const uint64_t u = rng_next(r);
    const uint32_t e = elo + (uint32_t)((u >> 32) % (ehi - elo + 1));
    return float_of((uint32_t)(u & 0x807fffffu) | (e << 23));
}

static void check_random_from_f32(const format *f)
{
    rng r = {0x4A1F000000000001u ^ (uint64_t)f->mbits};
    for (int i = 0; i < 400000; i++) {
        /* half every bit pattern, half around the format's range */
        const float x = i % 2 ? float_of((uint32_t)rng_next(&r))
                      : is_bf16(f) ? random_float(&r, 0, 254)
                                   : random_float(&r, 100, 145);
        const uint16_t got = from_f32(f, x);
        if (isnan(x)) {
            const uint32_t u = bits_of(x);
            const uint16_t want =
                nan_encoding(f, u >> 31, (u >> (23 - f->mbits)) & ((1u << f->mbits) - 1));
            if (got != want)
                fail_msg("float NaN 0x%08x to %s: 0x%04x, want 0x%04x", u, f->name, got, want);
        } else {
            check_rounded(f, "float", x, got);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* From double: one rounding                                                 */
/* ------------------------------------------------------------------------ */

/* Every tie, and a double a hair above and below it: rounded once they go
 * to h + 1 and h.  Through float both would become the tie and go to the
 * even one, so one of the two goes wrong that way; the test counts them,
 * so that it fails for a conversion that rounds twice. */
static void check_one_rounding(const format *f)
{
    size_t double_rounded = 0, pairs = 0;
    for (uint16_t h = 0; h < f->inf; h++) {
        const double tie = tie_above(f, h);
        const double above = tie * (1 + 0x1p-40), below = tie * (1 - 0x1p-40);
        if ((float)above != (float)tie || (float)below != (float)tie)
            fail_msg("%s: %a and %a do not round to the float tie %a", f->name, above, below,
                     tie);
        for (int s = 0; s < 2; s++) {
            const double sign = s ? -1 : 1;
            const uint16_t sbit = s ? 0x8000u : 0;
            const uint16_t up = from_f64(f, sign * above), down = from_f64(f, sign * below);
            if (up != ((h + 1) | sbit) || down != (h | sbit))
                fail_msg("%s: %a gives 0x%04x, want 0x%04x; %a gives 0x%04x, want 0x%04x",
                         f->name, sign * above, up, (h + 1) | sbit, sign * below, down,
                         h | sbit);
            check_rounded(f, "double", sign * above, up);
            check_rounded(f, "double", sign * below, down);
            check_rounded(f, "double", sign * tie, from_f64(f, sign * tie));
            double_rounded += (from_f32(f, (float)(sign * above)) != up) +
                              (from_f32(f, (float)(sign * below)) != down);
            pairs++;
        }
    }
    assert_int_equal(double_rounded, pairs);
}

typedef struct f64_case {
    uint64_t in;
    uint16_t f16, bf16;
} f64_case;

static void test_f64_named_values(void **state)
{
    (void)state;
    const f64_case cases[] = {
        {0x0000000000000000u, 0x0000, 0x0000}, {0x8000000000000000u, 0x8000, 0x8000},
        {0x7ff0000000000000u, 0x7c00, 0x7f80}, {0xfff0000000000000u, 0xfc00, 0xff80},
        {0x3ff0000000000000u, 0x3c00, 0x3f80}, /* 1 */
        {0x40effdffffffffffu, 0x7bff, 0x4780}, /* 65519.99...: finite */
        {0x40effe0000000000u, 0x7c00, 0x4780}, /* 65520 */
        {0x7fefffffffffffffu, 0x7c00, 0x7f80}, /* DBL_MAX */
        {0x47efefffffffffffu, 0x7c00, 0x7f7f}, /* just under 0x1.FFp127 */
        {0x47eff00000000000u, 0x7c00, 0x7f80}, /* 0x1.FFp127: the tie to inf */
        {0x3e60000000000001u, 0x0001, 0x3300}, /* 2^-25 (1 + 2^-52): up, not the tie */
        {0x3e60000000000000u, 0x0000, 0x3300}, /* 2^-25 */
        {0x3ff0020000000001u, 0x3c01, 0x3f80}, /* 1 + 2^-11 + 2^-52 */
        {0x3790000000000001u, 0x0000, 0x0001}, /* 2^-134 (1 + 2^-52): bf16 up */
        {0x3790000000000000u, 0x0000, 0x0000}, /* 2^-134: tie, even 0 */
        {0x0000000000000001u, 0x0000, 0x0000}, /* the smallest double */
        {0x8010000000000000u, 0x8000, 0x8000}, /* -DBL_MIN */
        /* NaNs: quiet, sign and the payload's top bits */
        {0x7ff8000000000000u, 0x7e00, 0x7fc0}, {0x7ff0000000000001u, 0x7e00, 0x7fc0},
        {0xfff0000000000001u, 0xfe00, 0xffc0}, {0x7ff4000000000000u, 0x7f00, 0x7fe0},
        {0x7fffffffffffffffu, 0x7fff, 0x7fff}, {0xfff8040000000000u, 0xfe01, 0xffc0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const double x = double_of(cases[i].in);
        const uint16_t h = smx_f64_to_f16(x).bits, b = smx_f64_to_bf16(x).bits;
        if (h != cases[i].f16 || b != cases[i].bf16)
            fail_msg("double 0x%016llx (%a): f16 0x%04x, bf16 0x%04x; want 0x%04x, 0x%04x",
                     (unsigned long long)cases[i].in, x, h, b, cases[i].f16, cases[i].bf16);
        if (!isnan(x)) {
            check_rounded(&F16, "double", x, h);
            check_rounded(&BF16, "double", x, b);
        }
    }
}

static void check_random_from_f64(const format *f)
{
    rng r = {0xD0B1E00000000001u ^ (uint64_t)f->mbits};
    for (int i = 0; i < 400000; i++) {
        uint64_t u = rng_next(&r);
        if (i % 2) { /* around the format's range: exponent within 40 of it */
            const int lo = f->emin - f->mbits - 20, hi = f->emax + 20;
            const uint64_t e = (uint64_t)(1023 + lo + (int)(rng_next(&r) % (uint64_t)(hi - lo)));
            u = (u & 0x800fffffffffffffu) | (e << 52);
        }
        const double x = double_of(u);
        const uint16_t got = from_f64(f, x);
        if (isnan(x)) {
            const uint16_t want = nan_encoding(f, (int)(u >> 63),
                                               (unsigned)((u >> (52 - f->mbits)) &
                                                          ((1u << f->mbits) - 1)));
            if (got != want)
                fail_msg("double NaN 0x%016llx to %s: 0x%04x, want 0x%04x",
                         (unsigned long long)u, f->name, got, want);
        } else {
            check_rounded(f, "double", x, got);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Arrays, on every path                                                     */
/* ------------------------------------------------------------------------ */

static smx_status to_f32_array(const format *f, float *dst, const uint16_t *src, size_t n)
{
    return is_bf16(f) ? smx_bf16_to_f32_array(dst, (const smx_bf16 *)src, n)
                      : smx_f16_to_f32_array(dst, (const smx_f16 *)src, n);
}

static smx_status from_f32_array(const format *f, uint16_t *dst, const float *src, size_t n)
{
    return is_bf16(f) ? smx_f32_to_bf16_array((smx_bf16 *)dst, src, n)
                      : smx_f32_to_f16_array((smx_f16 *)dst, src, n);
}

/* The floats the arrays are tested on: the ties of both formats and their
 * neighbours, both signs; NaNs with payloads, zeros, infinities, the
 * overflow boundaries; then random bit patterns, half of them in the f16
 * range. */
enum { N_RANDOM = 3000000 };

static float *f32_cases(size_t *count)
{
    const size_t cap = N_RANDOM + 2 * 6 * 65536 + 64;
    float *x = malloc(cap * sizeof *x);
    assert_non_null(x);
    size_t n = 0;
    const format *formats[2] = {&BF16, &F16};
    for (int k = 0; k < 2; k++)
        for (uint16_t h = 0; h < formats[k]->inf; h++) {
            const float tie = (float)tie_above(formats[k], h);
            const float near[3] = {nextafterf(tie, 0), tie, nextafterf(tie, INFINITY)};
            for (int j = 0; j < 3; j++) {
                x[n++] = near[j];
                x[n++] = -near[j];
            }
        }
    const uint32_t special[] = {0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000,
                                0xffc00000, 0x7f800001, 0xff800001, 0x7fa00000, 0x7fffffff,
                                0xffc1ffff, 0x7f80ffff, 0x7f802000, 0x477ff000, 0x477fefff,
                                0x7f7fffff, 0x7f7f8000, 0x00000001, 0x007fffff, 0x00008000};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        x[n++] = float_of(special[i]);
    rng r = {0xA77A000000000001u};
    for (size_t i = 0; i < N_RANDOM; i++)
        x[n++] = i % 2 ? float_of((uint32_t)rng_next(&r)) : random_float(&r, 100, 145);
    assert_true(n <= cap);
    *count = n;
    return x;
}

static void check_arrays_all_paths(const format *f)
{
    const smx_isa before = smx_get_isa();
    size_t n;
    float *x = f32_cases(&n);
    uint16_t *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
    uint16_t *every = malloc(65536 * sizeof *every);
    float *wide_want = malloc(65536 * sizeof(float)), *wide = malloc(65536 * sizeof(float));
    assert_true(want && got && every && wide_want && wide);
    for (size_t i = 0; i < n; i++)
        want[i] = from_f32(f, x[i]);
    for (uint32_t i = 0; i < 65536; i++) {
        every[i] = (uint16_t)i;
        wide_want[i] = to_f32(f, (uint16_t)i);
    }

    for (size_t p = 0; p < N_ISAS; p++) {
        const smx_isa isa = all_isas[p];
        if (!smx_isa_supported(isa))
            continue;
        assert_int_equal(smx_set_isa(isa), SMX_OK);
        /* every encoding to float */
        assert_int_equal(to_f32_array(f, wide, every, 65536), SMX_OK);
        for (uint32_t i = 0; i < 65536; i++)
            if (bits_of(wide[i]) != bits_of(wide_want[i]))
                fail_msg("%s 0x%04x to float on %s: 0x%08x, scalar 0x%08x", f->name, i,
                         smx_isa_name(isa), bits_of(wide[i]), bits_of(wide_want[i]));
        /* the floats to the format */
        assert_int_equal(from_f32_array(f, got, x, n), SMX_OK);
        for (size_t i = 0; i < n; i++)
            if (got[i] != want[i])
                fail_msg("float 0x%08x to %s on %s: 0x%04x, scalar 0x%04x", bits_of(x[i]),
                         f->name, smx_isa_name(isa), got[i], want[i]);

        /* every length 0..70 from pointers 0..3 elements past an aligned
         * one, windows of the cases above; nothing written past the end */
        enum { MAXLEN = 70, GUARD = 8 };
        float wbuf[MAXLEN + GUARD + 4];
        uint16_t hbuf[MAXLEN + GUARD + 4];
        for (size_t len = 0; len <= MAXLEN; len++)
            for (size_t off = 0; off < 4; off++) {
                const size_t start = (len * 7919 + off * 104729) % (n - MAXLEN - 4);
                memset(hbuf, 0xA5, sizeof hbuf);
                assert_int_equal(from_f32_array(f, hbuf + off, x + start + off, len), SMX_OK);
                for (size_t i = 0; i < len; i++)
                    if (hbuf[off + i] != want[start + off + i])
                        fail_msg("%s on %s, length %zu at +%zu, element %zu: 0x%04x, scalar "
                                 "0x%04x",
                                 f->name, smx_isa_name(isa), len, off, i, hbuf[off + i],
                                 want[start + off + i]);
                for (size_t i = off + len; i < sizeof hbuf / sizeof hbuf[0]; i++)
                    if (hbuf[i] != 0xA5A5)
                        fail_msg("float to %s on %s, length %zu at +%zu: wrote element %zu",
                                 f->name, smx_isa_name(isa), len, off, i - off);
                for (size_t i = 0; i < off; i++)
                    assert_int_equal(hbuf[i], 0xA5A5);

                const uint16_t *src = every + (len * 977 + off * 31) % (65536 - MAXLEN - 4) + off;
                memset(wbuf, 0xA5, sizeof wbuf);
                assert_int_equal(to_f32_array(f, wbuf + off, src, len), SMX_OK);
                for (size_t i = 0; i < len; i++)
                    if (bits_of(wbuf[off + i]) != bits_of(wide_want[src[i]]))
                        fail_msg("%s to float on %s, length %zu at +%zu, element %zu: 0x%08x, "
                                 "scalar 0x%08x",
                                 f->name, smx_isa_name(isa), len, off, i, bits_of(wbuf[off + i]),
                                 bits_of(wide_want[src[i]]));
                for (size_t i = 0; i < sizeof wbuf / sizeof wbuf[0]; i++)
                    if ((i < off || i >= off + len) && bits_of(wbuf[i]) != 0xA5A5A5A5u)
                        fail_msg("%s to float on %s, length %zu at +%zu: wrote element %zu",
                                 f->name, smx_isa_name(isa), len, off, i);
            }
    }
    assert_int_equal(smx_set_isa(before), SMX_OK);
    free(x);
    free(want);
    free(got);
    free(every);
    free(wide_want);
    free(wide);
}

/* NULL with n > 0, and n floats past size_t bytes, are errors that write
 * nothing; n == 0 accepts NULL. */
static void test_array_arguments(void **state)
{
    (void)state;
    float w[4] = {1, 2, 3, 4};
    uint16_t h[4] = {1, 2, 3, 4};
    const format *formats[2] = {&BF16, &F16};
    for (int k = 0; k < 2; k++) {
        const format *f = formats[k];
        assert_int_equal(to_f32_array(f, NULL, h, 1), SMX_ERR_NULL_POINTER);
        assert_int_equal(to_f32_array(f, w, NULL, 1), SMX_ERR_NULL_POINTER);
        assert_int_equal(from_f32_array(f, NULL, w, 1), SMX_ERR_NULL_POINTER);
        assert_int_equal(from_f32_array(f, h, NULL, 1), SMX_ERR_NULL_POINTER);
        assert_int_equal(to_f32_array(f, NULL, NULL, 0), SMX_OK);
        assert_int_equal(from_f32_array(f, NULL, NULL, 0), SMX_OK);
        assert_int_equal(to_f32_array(f, w, h, 0), SMX_OK);
        assert_int_equal(from_f32_array(f, h, w, 0), SMX_OK);
        const size_t huge = SIZE_MAX / sizeof(float) + 1;
        assert_int_equal(to_f32_array(f, w, h, huge), SMX_ERR_SIZE_OVERFLOW);
        assert_int_equal(from_f32_array(f, h, w, huge), SMX_ERR_SIZE_OVERFLOW);
        assert_int_equal(to_f32_array(f, w, h, SIZE_MAX), SMX_ERR_SIZE_OVERFLOW);
        const float wcopy[4] = {1, 2, 3, 4};
        const uint16_t hcopy[4] = {1, 2, 3, 4};
        assert_memory_equal(w, wcopy, sizeof w);
        assert_memory_equal(h, hcopy, sizeof h);
    }
}

/* The types have uint16_t's layout: a uint16_t array is a half array. */
static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(smx_bf16), 2);
    assert_int_equal(sizeof(smx_f16), 2);
    assert_int_equal(_Alignof(smx_bf16), _Alignof(uint16_t));
    assert_int_equal(_Alignof(smx_f16), _Alignof(uint16_t));
    const uint16_t raw[2] = {0x3c00, 0xc000}; /* f16 1, -2 */
    float out[2];
    assert_int_equal(smx_f16_to_f32_array(out, (const smx_f16 *)raw, 2), SMX_OK);
    assert_true(out[0] == 1 && out[1] == -2);
}

/* Which instructions the vector paths use here, for the log. */
static void test_log_features(void **state)
{
    (void)state;
    print_message("half conversions: best path %s, F16C %d, AVX512_BF16 %d\n",
                  smx_isa_name(smx_best_isa()), smx__cpu_has_f16c(),
                  smx__cpu_has_avx512_bf16());
}

/* One cmocka test per format. */
#define FOR_BOTH_FORMATS(check)                                                               \
    static void check##_bf16(void **state)                                                    \
    {                                                                                         \
        (void)state;                                                                          \
        check(&BF16);                                                                         \
    }                                                                                         \
    static void check##_f16(void **state)                                                     \
    {                                                                                         \
        (void)state;                                                                          \
        check(&F16);                                                                          \
    }
#define BOTH_FORMATS(check) cmocka_unit_test(check##_bf16), cmocka_unit_test(check##_f16)

FOR_BOTH_FORMATS(check_to_f32_all)
FOR_BOTH_FORMATS(check_round_trip_all)
FOR_BOTH_FORMATS(check_ties_from_f32)
FOR_BOTH_FORMATS(check_random_from_f32)
FOR_BOTH_FORMATS(check_one_rounding)
FOR_BOTH_FORMATS(check_random_from_f64)
FOR_BOTH_FORMATS(check_arrays_all_paths)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_features),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_reference_values),
        BOTH_FORMATS(check_to_f32_all),
        BOTH_FORMATS(check_round_trip_all),
        BOTH_FORMATS(check_ties_from_f32),
        cmocka_unit_test(test_f16_named_values),
        cmocka_unit_test(test_bf16_named_values),
        BOTH_FORMATS(check_random_from_f32),
        BOTH_FORMATS(check_one_rounding),
        cmocka_unit_test(test_f64_named_values),
        BOTH_FORMATS(check_random_from_f64),
        BOTH_FORMATS(check_arrays_all_paths),
        cmocka_unit_test(test_array_arguments),
    };
    return cmocka_run_group_tests_name("half", tests, NULL, NULL);
}
