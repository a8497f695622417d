/*
 * number.c — strict number parsing (number.h): trim, check the grammar
 * ourselves, then let strtof/strtod/strtoll do the conversion on a
 * NUL-terminated copy in a stack buffer.
 */
#include "number.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* strtoll's long long is int64_t here, so its ERANGE is our range. */
_Static_assert(LLONG_MAX == INT64_MAX && LLONG_MIN == INT64_MIN, "long long is not 64-bit");

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Trims blanks from both ends of s[0..*len); returns the new start. */
static const char *trim(const char *s, size_t *len)
{
    size_t a = 0, b = *len;
    while (a < b && is_blank(s[a]))
        a++;
    while (b > a && is_blank(s[b - 1]))
        b--;
    *len = b - a;
    return s + a;
}

/* Case-insensitive comparison of s[0..len) with the lower-case word w. */
static int equals_word(const char *s, size_t len, const char *w)
{
    if (strlen(w) != len)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return 0;
    }
    return 1;
}

/* A real in the grammar, taken apart: value = ±mantissa × 10^exp10, when
 * the mantissa's significant digits fit (!too_many). */
typedef struct real_parts {
    int negative;
    int too_many;      /* more than 19 significant digits */
    uint64_t mantissa; /* the significant digits as an integer */
    long exp10;        /* clamped to ±CLI_EXP10_CLAMP */
} real_parts;

/* Far past any exponent a float or double can reach, small enough that
 * sums of two stay within a long. */
#define CLI_EXP10_CLAMP 100000L

/* 0: s[0..len) is a real in the grammar of number.h (parts filled); 1:
 * inf or nan (*is_nan tells which); -1: neither. */
static int classify_real(const char *s, size_t len, real_parts *r, int *is_nan)
{
    size_t i = 0;
    r->negative = 0;
    r->too_many = 0;
    r->mantissa = 0;
    r->exp10 = 0;
    *is_nan = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        r->negative = s[i] == '-';
        i++;
    }
    if (i < len && (s[i] == 'i' || s[i] == 'I' || s[i] == 'n' || s[i] == 'N')) {
        if (equals_word(s + i, len - i, "inf") || equals_word(s + i, len - i, "infinity"))
            return 1;
        if (equals_word(s + i, len - i, "nan")) {
            *is_nan = 1;
            return 1;
        }
        return -1;
    }
    size_t digits = 0, significant = 0, fraction = 0;
    uint64_t m = 0;
    for (int part = 0; part < 2; part++) { /* the integer part, then the fraction */
        for (; i < len && is_digit(s[i]); i++) {
            const unsigned d = (unsigned)(s[i] - '0');
            digits++;
            fraction += (size_t)part;
            if (m == 0 && d == 0)
                continue; /* a leading zero */
            if (++significant > 19)
                r->too_many = 1;
            else
                m = m * 10 + d;
        }
        if (part == 0 && i < len && s[i] == '.')
            i++;
        else
            break;
    }
    r->mantissa = m;
    const long scale = fraction > (size_t)CLI_EXP10_CLAMP ? -CLI_EXP10_CLAMP : -(long)fraction;
    if (digits == 0)
        return -1;
    long exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int exp_negative = 0;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            exp_negative = s[i++] == '-';
        size_t exp_digits = 0;
        for (; i < len && is_digit(s[i]); i++, exp_digits++)
            if (exp < CLI_EXP10_CLAMP)
                exp = exp * 10 + (s[i] - '0');
        if (exp_digits == 0)
            return -1;
        if (exp_negative)
            exp = -exp;
    }
    r->exp10 = exp + scale;
    return i == len ? 0 : -1;
}

/* The fast path (Clinger, 1990): when the mantissa and 10^|exp10| are
 * both exact in the type, one IEEE multiplication or division rounds
 * their product or quotient correctly, which is what strtof/strtod
 * return.  It takes the short decimals data files are made of ("5.1",
 * "-0.25", "1e-3") and leaves the rest to the C library; strtof was half
 * the time of reading a CSV file.  Only where arithmetic is done in the
 * type's own precision (FLT_EVAL_METHOD 0: SSE, NEON), else x87's extra
 * precision would round twice. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define CLI_FAST_PATH 1
#else
#define CLI_FAST_PATH 0
#endif

static const float POW10_F32[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f,
                                  1e6f, 1e7f, 1e8f, 1e9f, 1e10f}; /* 5^10 < 2^24 */
static const double POW10_F64[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}; /* 5^22 < 2^53 */

static int fast_f32(const real_parts *r, float *out)
{
    if (!CLI_FAST_PATH || r->too_many)
        return 0;
    float v;
    if (r->mantissa == 0)
        v = 0.0f;
    else if (r->mantissa <= ((uint64_t)1 << 24) && r->exp10 >= -10 && r->exp10 <= 10)
        v = r->exp10 >= 0 ? (float)r->mantissa * POW10_F32[r->exp10]
                          : (float)r->mantissa / POW10_F32[-r->exp10];
    else
        return 0;
    *out = r->negative ? -v : v;
    return 1;
}

static int fast_f64(const real_parts *r, double *out)
{
    if (!CLI_FAST_PATH || r->too_many)
        return 0;
    double v;
    if (r->mantissa == 0)
        v = 0.0;
    else if (r->mantissa <= ((uint64_t)1 << 53) && r->exp10 >= -22 && r->exp10 <= 22)
        v = r->exp10 >= 0 ? (double)r->mantissa * POW10_F64[r->exp10]
                          : (double)r->mantissa / POW10_F64[-r->exp10];
    else
        return 0;
    *out = r->negative ? -v : v;
    return 1;
}

/* Shared front half of the real parsers: trims, checks the grammar, and
 * then either resolves inf/nan into *special_value (*special = 1), or
 * fills *parts and points *text at the trimmed number (*special = 0). */
static cli_status prepare_real(const char *s, size_t len, unsigned flags,
                                     real_parts *parts, int *special, double *special_value,
                                     const char **text, size_t *text_len)
{
    if (!s)
        return CLI_ERR_MISSING;
    s = trim(s, &len);
    if (len == 0)
        return CLI_ERR_MISSING;
    int is_nan;
    const int kind = classify_real(s, len, parts, &is_nan);
    if (kind < 0)
        return CLI_ERR_NOT_NUMBER;
    if (kind == 1) {
        if (!(flags & CLI_PARSE_ALLOW_NONFINITE))
            return CLI_ERR_NONFINITE;
        *special = 1;
        *special_value = is_nan ? NAN : (parts->negative ? -INFINITY : INFINITY);
        return CLI_OK;
    }
    if (len > CLI_PARSE_MAX_LEN)
        return CLI_ERR_TOO_LONG;
    *special = 0;
    *text = s;
    *text_len = len;
    return CLI_OK;
}

/* A NUL-terminated copy of the trimmed number for strtof/strtod. */
static const char *c_string(char buf[CLI_PARSE_MAX_LEN + 1], const char *s, size_t len)
{
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

cli_status cli_parse_f32(float *out, const char *s, size_t len, unsigned flags)
{
    char buf[CLI_PARSE_MAX_LEN + 1];
    real_parts parts;
    int special;
    double sv = 0;
    const char *text;
    size_t text_len;
    cli_status st = prepare_real(s, len, flags, &parts, &special, &sv, &text, &text_len);
    if (st != CLI_OK)
        return st;
    if (special) {
        *out = (float)sv;
        return CLI_OK;
    }
    if (fast_f32(&parts, out))
        return CLI_OK;
    char *end;
    errno = 0;
    const float v = strtof(c_string(buf, text, text_len), &end);
    if (*end != '\0')
        return CLI_ERR_NOT_NUMBER; /* a locale whose decimal point is not "." */
    if (errno == ERANGE && isinf(v))
        return CLI_ERR_RANGE;
    *out = v;
    return CLI_OK;
}

cli_status cli_parse_f64(double *out, const char *s, size_t len, unsigned flags)
{
    char buf[CLI_PARSE_MAX_LEN + 1];
    real_parts parts;
    int special;
    double sv = 0;
    const char *text;
    size_t text_len;
    cli_status st = prepare_real(s, len, flags, &parts, &special, &sv, &text, &text_len);
    if (st != CLI_OK)
        return st;
    if (special) {
        *out = sv;
        return CLI_OK;
    }
    if (fast_f64(&parts, out))
        return CLI_OK;
    char *end;
    errno = 0;
    const double v = strtod(c_string(buf, text, text_len), &end);
    if (*end != '\0')
        return CLI_ERR_NOT_NUMBER;
    if (errno == ERANGE && isinf(v))
        return CLI_ERR_RANGE;
    *out = v;
    return CLI_OK;
}

/* Trims and checks [+-]?digits; copies into buf.  *negative tells the
 * sign. */
static cli_status prepare_integer(char buf[CLI_PARSE_MAX_LEN + 1], const char *s,
                                        size_t len, int *negative)
{
    if (!s)
        return CLI_ERR_MISSING;
    s = trim(s, &len);
    if (len == 0)
        return CLI_ERR_MISSING;
    size_t i = 0;
    *negative = 0;
    if (s[0] == '+' || s[0] == '-') {
        *negative = s[0] == '-';
        i++;
    }
    if (i == len)
        return CLI_ERR_NOT_NUMBER;
    for (; i < len; i++)
        if (!is_digit(s[i]))
            return CLI_ERR_NOT_NUMBER;
    if (len > CLI_PARSE_MAX_LEN)
        return CLI_ERR_TOO_LONG;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return CLI_OK;
}

cli_status cli_parse_i64(int64_t *out, const char *s, size_t len)
{
    char buf[CLI_PARSE_MAX_LEN + 1];
    int negative;
    cli_status st = prepare_integer(buf, s, len, &negative);
    if (st != CLI_OK)
        return st;
    char *end;
    errno = 0;
    const long long v = strtoll(buf, &end, 10);
    if (*end != '\0')
        return CLI_ERR_NOT_NUMBER;
    if (errno == ERANGE)
        return CLI_ERR_RANGE;
    *out = (int64_t)v;
    return CLI_OK;
}

cli_status cli_parse_i32(int32_t *out, const char *s, size_t len)
{
    int64_t v;
    cli_status st = cli_parse_i64(&v, s, len);
    if (st != CLI_OK)
        return st;
    if (v < INT32_MIN || v > INT32_MAX)
        return CLI_ERR_RANGE;
    *out = (int32_t)v;
    return CLI_OK;
}

cli_status cli_parse_size(size_t *out, const char *s, size_t len)
{
    char buf[CLI_PARSE_MAX_LEN + 1];
    int negative;
    cli_status st = prepare_integer(buf, s, len, &negative);
    if (st != CLI_OK)
        return st;
    /* Skip the sign ourselves: strtoull would wrap "-1" to the maximum. */
    const char *digits = buf + (buf[0] == '+' || buf[0] == '-');
    char *end;
    errno = 0;
    const unsigned long long v = strtoull(digits, &end, 10);
    if (*end != '\0')
        return CLI_ERR_NOT_NUMBER;
    if (negative && v != 0)
        return CLI_ERR_RANGE;
    if (errno == ERANGE)
        return CLI_ERR_RANGE;
#if ULLONG_MAX > SIZE_MAX
    if (v > SIZE_MAX)
        return CLI_ERR_RANGE;
#endif
    *out = (size_t)v;
    return CLI_OK;
}
