/*
 * half.h — the smx command in bf16 and f16 (--bf16, --f16): scores
 * rounded to the format, the library's half-precision softmax, and the
 * numbers of the format written as decimals (half.c).
 */
#ifndef CLI_HALF_H
#define CLI_HALF_H

#include <smx.h>

#include <stddef.h>

typedef enum half_format { HALF_NONE = 0, HALF_BF16, HALF_F16 } half_format;

/* "bf16" or "f16". */
const char *half_name(half_format f);

/* "8 significant bits" or "11 significant bits". */
const char *half_bits_text(half_format f);

/* The largest finite value of the format, in short ("3.39e38", "65504"). */
const char *half_max_text(half_format f);

/* v rounded to the format, to nearest with ties to even, as a double
 * (exact); +-inf when v is beyond the format's range, as the library's
 * conversion gives.  HALF_NONE: v itself (a double). */
double half_round(half_format f, double v);

/* The spacing of the format's values around v: the ulp of the binade
 * that holds |v| (the subnormal spacing below the smallest normal). */
double half_ulp(half_format f, double v);

/* softmax (or log-softmax when `log`) of the n scores x, each a value of
 * the format, times scale, through smx_softmax_masked_bf16/_f16 (or the
 * log forms); y gets the results, values of the format.
 * SMX_ERR_OUT_OF_MEMORY when the arrays cannot be had. */
smx_status half_forward(double *y, const double *x, size_t n, half_format f, int log,
                        float scale);

/* The shortest decimal that reads back (rounded to the format) as v, a
 * value of the format (HALF_NONE: a double), in %g style ("0.684",
 * "1.2e-05"); "nan", "inf", "-inf" for those. */
const char *half_shortest(char *buf, size_t size, double v, half_format f);

/* The exact decimal value of the double v: fixed-point from 1e-5 up to
 * max_digits digits before the point, scientific beyond; cut after
 * max_digits significant digits, with "..." marking the cut. */
const char *exact_decimal(char *buf, size_t size, double v, int max_digits);

#endif
