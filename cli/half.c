/*
 * half.c — the smx command in bf16 and f16: rounding a score to the
 * format, the library's half-precision softmax on a row of doubles, and
 * the format's values as decimals (the shortest that reads back, or the
 * exact one).
 */
#include "half.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *half_name(half_format f) { return f == HALF_BF16 ? "bf16" : "f16"; }

const char *half_bits_text(half_format f)
{
    return f == HALF_BF16 ? "8 significant bits" : "11 significant bits";
}

const char *half_max_text(half_format f) { return f == HALF_BF16 ? "3.39e38" : "65504"; }

double half_round(half_format f, double v)
{
    switch (f) {
    case HALF_BF16:
        return smx_bf16_to_f32(smx_f64_to_bf16(v));
    case HALF_F16:
        return smx_f16_to_f32(smx_f64_to_f16(v));
    default:
        return v;
    }
}

double half_ulp(half_format f, double v)
{
    /* bf16: 8 significant bits, normal from 2^-126; f16: 11 bits, from 2^-14 */
    const int bits = f == HALF_BF16 ? 8 : 11, min_exp = f == HALF_BF16 ? -126 : -14;
    int e = min_exp;
    if (v != 0 && isfinite(v)) {
        (void)frexp(fabs(v), &e); /* |v| = m 2^e, m in [0.5, 1): its binade is 2^(e-1) */
        e = e - 1 < min_exp ? min_exp : e - 1;
    }
    return ldexp(1.0, e - (bits - 1));
}

smx_status half_forward(double *y, const double *x, size_t n, half_format f, int log,
                        float scale)
{
    uint16_t *buf = malloc(sizeof(uint16_t) * (n ? n : 1));
    if (!buf)
        return SMX_ERR_OUT_OF_MEMORY;
    smx_status st;
    if (f == HALF_BF16) {
        smx_bf16 *h = (smx_bf16 *)buf;
        for (size_t i = 0; i < n; i++)
            h[i] = smx_f64_to_bf16(x[i]);
        st = log ? smx_log_softmax_masked_bf16(h, h, 1, n, scale, NULL)
                 : smx_softmax_masked_bf16(h, h, 1, n, scale, NULL);
        for (size_t i = 0; st == SMX_OK && i < n; i++)
            y[i] = smx_bf16_to_f32(h[i]);
    } else {
        smx_f16 *h = (smx_f16 *)buf;
        for (size_t i = 0; i < n; i++)
            h[i] = smx_f64_to_f16(x[i]);
        st = log ? smx_log_softmax_masked_f16(h, h, 1, n, scale, NULL)
                 : smx_softmax_masked_f16(h, h, 1, n, scale, NULL);
        for (size_t i = 0; st == SMX_OK && i < n; i++)
            y[i] = smx_f16_to_f32(h[i]);
    }
    free(buf);
    return st;
}

/* nan, inf, -inf as the rest of the command prints them; NULL otherwise. */
static const char *special_text(double v)
{
    return isnan(v) ? "nan" : v == INFINITY ? "inf" : v == -INFINITY ? "-inf" : NULL;
}

const char *half_shortest(char *buf, size_t size, double v, half_format f)
{
    const char *special = special_text(v);
    if (special) {
        snprintf(buf, size, "%s", special);
        return buf;
    }
    /* 4 significant digits always read back for bf16, 5 for f16; fewer
     * often do.  A short decimal is never within double's rounding of a
     * tie of the format, so reading it through double is exact enough. */
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (half_round(f, strtod(buf, NULL)) == v)
            break;
    }
    if (strchr(buf, 'e') && fabs(v) >= 1 && fabs(v) < 1e16 && v == floor(v))
        snprintf(buf, size, "%.0f", v); /* 60000, not 6e+04 */
    return buf;
}

/* The decimal digits of a double's exact value: m 2^e as m 5^-e 10^e for
 * e < 0.  A double has at most 767 significant digits. */
#define EXACT_MAX_DIGITS 800

/* digits[0] is the least significant; returns how many there are. */
static int mul_small(unsigned char *digits, int n, unsigned factor)
{
    unsigned carry = 0;
    for (int i = 0; i < n; i++) {
        const unsigned d = digits[i] * factor + carry;
        digits[i] = (unsigned char)(d % 10);
        carry = d / 10;
    }
    while (carry && n < EXACT_MAX_DIGITS) {
        digits[n++] = (unsigned char)(carry % 10);
        carry /= 10;
    }
    return n;
}

const char *exact_decimal(char *buf, size_t size, double v, int max_digits)
{
    const char *special = special_text(v);
    if (special || v == 0) {
        snprintf(buf, size, "%s", special ? special : signbit(v) ? "-0" : "0");
        return buf;
    }
    int e;
    uint64_t m = (uint64_t)ldexp(frexp(fabs(v), &e), 53);
    e -= 53;
    while (!(m & 1)) {
        m >>= 1;
        e++;
    }
    unsigned char digits[EXACT_MAX_DIGITS];
    int n = 0;
    for (; m; m /= 10)
        digits[n++] = (unsigned char)(m % 10);
    for (int k = 0; k < (e > 0 ? e : -e); k++)
        n = mul_small(digits, n, e > 0 ? 2 : 5);
    const int point = e < 0 ? -e : 0;  /* digits after the decimal point */
    const int exp10 = n - 1 - point;   /* of the leading digit */
    const int shown = n < max_digits ? n : max_digits;
    const int cut = n > shown;
    char text[EXACT_MAX_DIGITS + 16], *p = text;
    if (v < 0)
        *p++ = '-';
    if (exp10 >= -5 && exp10 < max_digits) {
        /* fixed: the integer part has at most max_digits digits, all shown */
        if (exp10 < 0) {
            *p++ = '0';
            *p++ = '.';
            for (int k = -1; k > exp10; k--)
                *p++ = '0';
        }
        for (int k = 0; k < shown; k++) {
            if (exp10 >= 0 && k == exp10 + 1)
                *p++ = '.';
            *p++ = (char)('0' + digits[n - 1 - k]);
        }
    } else {
        *p++ = (char)('0' + digits[n - 1]);
        if (shown > 1)
            *p++ = '.';
        for (int k = 1; k < shown; k++)
            *p++ = (char)('0' + digits[n - 1 - k]);
    }
    if (cut) {
        memcpy(p, "...", 3);
        p += 3;
    }
    if (!(exp10 >= -5 && exp10 < max_digits))
        p += sprintf(p, "e%+d", exp10);
    *p = '\0';
    snprintf(buf, size, "%s", text);
    return buf;
}
