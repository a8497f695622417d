/*
 * fuzz_number.c — libFuzzer target: any bytes through the number parser
 * (cli/io/number.h), with cross-checks between its functions: a data
 * value is finite; an integer is also a real of the same value; float
 * and double agree to within float rounding; a failure leaves the output
 * untouched; and every accepted number is bit for bit what strtof/strtod
 * make of the same text (the parser's fast path must never differ from
 * the C library).  Also built into the test cli_io_replay_number.
 */
#include "io/number.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                               \
    do {                                                                                       \
        if (!(c))                                                                              \
            abort();                                                                           \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The C library's reading of the same text (strtof skips leading blanks
 * itself; the parser trims the same set at both ends). */
static void check_against_libc(const uint8_t *data, size_t size, float f, double d, int is_f,
                               int is_d)
{
    char *copy = malloc(size + 1);
    CHECK(copy != NULL);
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *end;
    if (is_f) {
        const float g = strtof(copy, &end);
        CHECK(end != copy);
        CHECK(memcmp(&f, &g, sizeof f) == 0);
    }
    if (is_d) {
        const double e = strtod(copy, &end);
        CHECK(end != copy);
        CHECK(memcmp(&d, &e, sizeof d) == 0);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;

    float f = 1234.5f;
    const cli_status sf = cli_parse_f32(&f, s, size, 0);
    if (sf == CLI_OK)
        CHECK(isfinite(f));
    else
        CHECK(f == 1234.5f);

    double d = 1234.5;
    const cli_status sd = cli_parse_f64(&d, s, size, 0);
    if (sd == CLI_OK)
        CHECK(isfinite(d));
    else
        CHECK(d == 1234.5);

    /* Same grammar: float and double fail alike, except that a double
     * in range may be a float out of range. */
    if (sd != CLI_OK)
        CHECK(sf == sd);
    if (sf == CLI_OK && sd == CLI_OK) {
        /* Both correctly rounded from the same decimal: the float is
         * the double rounded, give or take a double-rounding ulp. */
        const float fd = (float)d;
        CHECK(f == fd || nextafterf(f, INFINITY) == fd || nextafterf(f, -INFINITY) == fd ||
              (fabsf(f) <= FLT_MIN && fabsf(fd) <= FLT_MIN));
    }
    if (sd == CLI_OK && sf != CLI_OK)
        CHECK(sf == CLI_ERR_RANGE && fabs(d) > FLT_MAX);

    if (memchr(data, 0, size) == NULL)
        check_against_libc(data, size, f, d, sf == CLI_OK, sd == CLI_OK);

    float g;
    const cli_status sg = cli_parse_f32(&g, s, size, CLI_PARSE_ALLOW_NONFINITE);
    if (sf == CLI_OK)
        CHECK(sg == CLI_OK && (g == f || (isnan(g) && isnan(f))));
    if (sf == CLI_ERR_NONFINITE)
        CHECK(sg == CLI_OK && !isfinite(g));

    int64_t i = 77;
    const cli_status si = cli_parse_i64(&i, s, size);
    if (si == CLI_OK) {
        CHECK(sd == CLI_OK);
        CHECK(d == (double)i);
    } else {
        CHECK(i == 77);
    }

    int32_t j = 78;
    const cli_status sj = cli_parse_i32(&j, s, size);
    if (sj == CLI_OK)
        CHECK(si == CLI_OK && (int64_t)j == i);
    else
        CHECK(j == 78);

    size_t z = 79;
    const cli_status sz = cli_parse_size(&z, s, size);
    if (sz == CLI_OK && si == CLI_OK)
        CHECK(i >= 0 && (uint64_t)i == (uint64_t)z);
    if (sz != CLI_OK)
        CHECK(z == 79);
    return 0;
}
