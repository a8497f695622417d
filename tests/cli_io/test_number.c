/*
 * test_number.c — the strict number parser (cli/io/number.h): what it
 * accepts, what it refuses and why, and that a refusal leaves the output
 * untouched.
 */
#include "io_test.h"

#include "io/number.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

static cli_status f32(float *out, const char *s)
{
    return cli_parse_f32(out, s, strlen(s), 0);
}

static void test_f32_accepts_decimal_and_scientific(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        float want;
    } cases[] = {
        {"0", 0.0f},          {"1", 1.0f},           {"-2.5", -2.5f},     {"+3.25", 3.25f},
        {"5.", 5.0f},         {".5", 0.5f},          {"1e3", 1000.0f},    {"1E-2", 0.01f},
        {"-1.5e+2", -150.0f}, {"  7.0  ", 7.0f},     {"\t8\t", 8.0f},     {"0001.25", 1.25f},
        {"3.4028235e38", FLT_MAX}, {"1e-50", 0.0f},  {"5.1", 5.1f},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        float v = -123.0f;
        assert_int_equal(f32(&v, cases[i].text), CLI_OK);
        assert_memory_equal(&v, &cases[i].want, sizeof v);
    }
    float v;
    assert_int_equal(f32(&v, "-0"), CLI_OK);
    assert_true(v == 0.0f && signbit(v));
}

static void test_f32_correctly_rounded(void **state)
{
    (void)state;
    /* strtof, not (float)strtod: this decimal lies just above the
     * midpoint between two floats and rounds up only when parsed
     * directly to float (double rounding would round it down). */
    float v;
    assert_int_equal(f32(&v, "1.00000005960464477550"), CLI_OK);
    assert_true(v == nextafterf(1.0f, 2.0f));
}

/* Every number the parser accepts is what strtof/strtod make of it, bit
 * for bit — the fast path (exact mantissa and power of ten) included.
 * Decimals of 1 to 20 digits with the point anywhere and exponents
 * around the fast path's edges (10^±10 for float, 10^±22 for double). */
static void test_matches_libc(void **state)
{
    (void)state;
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (int n = 0; n < 200000; n++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17; /* xorshift64 */
        char text[64];
        size_t o = 0;
        if (seed & 1)
            text[o++] = '-';
        const int digits = 1 + (int)((seed >> 1) % 20);
        const int point = (int)((seed >> 6) % (unsigned)(digits + 2)) - 1; /* -1: none */
        uint64_t r = seed >> 11;
        for (int k = 0; k < digits; k++) {
            if (k == point)
                text[o++] = '.';
            /* Favour the edges: 2^24 = 16777216 and 2^53 start with 1. */
            text[o++] = (char)('0' + (k == 0 && (r & 8) ? 1 : (int)(r % 10)));
            r = r / 10 ? r / 10 : seed ^ (uint64_t)k;
        }
        if ((seed >> 40) & 1) {
            const int e = (int)((seed >> 41) % 61) - 30;
            o += (size_t)snprintf(text + o, sizeof text - o, "e%d", e);
        }
        text[o] = '\0';
        float f, fl = strtof(text, NULL);
        double d, dl = strtod(text, NULL);
        if (cli_parse_f32(&f, text, o, 0) == CLI_OK && memcmp(&f, &fl, sizeof f) != 0) {
            print_error("f32 \"%s\": %a, strtof %a\n", text, f, fl);
            fail();
        }
        if (cli_parse_f64(&d, text, o, 0) == CLI_OK && memcmp(&d, &dl, sizeof d) != 0) {
            print_error("f64 \"%s\": %a, strtod %a\n", text, d, dl);
            fail();
        }
    }
    /* The edges themselves. */
    static const char *const edges[] = {"16777216", "16777217", "16777215e10", "16777217e-10",
                                        "9007199254740992", "9007199254740993e22",
                                        "9007199254740992e-22", "1e10", "1e11", "1e-10",
                                        "1e-11", "0.0000000001", "3.4028235e38", "0e999999"};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        float f, fl = strtof(edges[i], NULL);
        double d, dl = strtod(edges[i], NULL);
        assert_int_equal(cli_parse_f32(&f, edges[i], strlen(edges[i]), 0), CLI_OK);
        assert_memory_equal(&f, &fl, sizeof f);
        assert_int_equal(cli_parse_f64(&d, edges[i], strlen(edges[i]), 0), CLI_OK);
        assert_memory_equal(&d, &dl, sizeof d);
    }
}

static void test_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        cli_status want;
    } cases[] = {
        {"", CLI_ERR_MISSING},           {"   ", CLI_ERR_MISSING},
        {"abc", CLI_ERR_NOT_NUMBER},       {"1.2.3", CLI_ERR_NOT_NUMBER},
        {"1e", CLI_ERR_NOT_NUMBER},        {"1e+", CLI_ERR_NOT_NUMBER},
        {".", CLI_ERR_NOT_NUMBER},         {"-", CLI_ERR_NOT_NUMBER},
        {"+-1", CLI_ERR_NOT_NUMBER},       {"0x10", CLI_ERR_NOT_NUMBER},
        {"1,5", CLI_ERR_NOT_NUMBER},       {"1 2", CLI_ERR_NOT_NUMBER},
        {"1_000", CLI_ERR_NOT_NUMBER},     {"NA", CLI_ERR_NOT_NUMBER},
        {"?", CLI_ERR_NOT_NUMBER},         {"nan(1)", CLI_ERR_NOT_NUMBER},
        {"inf", CLI_ERR_NONFINITE},    {"-Infinity", CLI_ERR_NONFINITE},
        {"NaN", CLI_ERR_NONFINITE},    {"1e39", CLI_ERR_RANGE},
        {"-3.5e38", CLI_ERR_RANGE},    {"1e999999999999", CLI_ERR_RANGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        float v = 42.0f;
        const cli_status st = f32(&v, cases[i].text);
        if (st != cases[i].want)
            print_error("\"%s\": %s\n", cases[i].text, cli_strstatus(st));
        assert_int_equal(st, cases[i].want);
        assert_true(v == 42.0f); /* untouched */
    }
}

static void test_nonfinite_when_allowed(void **state)
{
    (void)state;
    double d;
    assert_int_equal(cli_parse_f64(&d, "-inf", 4, CLI_PARSE_ALLOW_NONFINITE), CLI_OK);
    assert_true(isinf(d) && d < 0);
    assert_int_equal(cli_parse_f64(&d, " NAN ", 5, CLI_PARSE_ALLOW_NONFINITE), CLI_OK);
    assert_true(isnan(d));
    float f;
    assert_int_equal(cli_parse_f32(&f, "Infinity", 8, CLI_PARSE_ALLOW_NONFINITE), CLI_OK);
    assert_true(isinf(f) && f > 0);
}

static void test_f64(void **state)
{
    (void)state;
    double d;
    assert_int_equal(cli_parse_f64(&d, "1e39", 4, 0), CLI_OK);
    assert_true(d == 1e39);
    assert_int_equal(cli_parse_f64(&d, "1.7976931348623157e308", 22, 0), CLI_OK);
    assert_true(d == DBL_MAX);
    assert_int_equal(cli_parse_f64(&d, "1e309", 5, 0), CLI_ERR_RANGE);
    assert_int_equal(cli_parse_f64(&d, "0.1", 3, 0), CLI_OK);
    assert_true(d == 0.1);
}

static void test_reads_only_len_bytes(void **state)
{
    (void)state;
    /* The field is "12" inside a longer buffer; nothing past len counts. */
    const char buf[] = "12,34";
    float f;
    assert_int_equal(cli_parse_f32(&f, buf, 2, 0), CLI_OK);
    assert_true(f == 12.0f);
    int64_t i;
    assert_int_equal(cli_parse_i64(&i, buf + 3, 2), CLI_OK);
    assert_int_equal(i, 34);
    /* Not NUL-terminated at all. */
    const char raw[3] = {'7', '.', '5'};
    assert_int_equal(cli_parse_f32(&f, raw, 3, 0), CLI_OK);
    assert_true(f == 7.5f);
    assert_int_equal(cli_parse_f32(&f, NULL, 0, 0), CLI_ERR_MISSING);
}

static void test_too_long(void **state)
{
    (void)state;
    char buf[CLI_PARSE_MAX_LEN + 2];
    memset(buf, '0', sizeof buf);
    buf[1] = '.';
    float f = 3.0f;
    assert_int_equal(cli_parse_f32(&f, buf, CLI_PARSE_MAX_LEN, 0), CLI_OK);
    assert_true(f == 0.0f);
    f = 3.0f;
    assert_int_equal(cli_parse_f32(&f, buf, CLI_PARSE_MAX_LEN + 1, 0), CLI_ERR_TOO_LONG);
    assert_true(f == 3.0f);
}

static void test_integers(void **state)
{
    (void)state;
    int64_t v = 5;
    assert_int_equal(cli_parse_i64(&v, " -42 ", 5), CLI_OK);
    assert_int_equal(v, -42);
    assert_int_equal(cli_parse_i64(&v, "9223372036854775807", 19), CLI_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(cli_parse_i64(&v, "-9223372036854775808", 20), CLI_OK);
    assert_true(v == INT64_MIN);
    v = 5;
    assert_int_equal(cli_parse_i64(&v, "9223372036854775808", 19), CLI_ERR_RANGE);
    assert_int_equal(cli_parse_i64(&v, "1.0", 3), CLI_ERR_NOT_NUMBER);
    assert_int_equal(cli_parse_i64(&v, "1e3", 3), CLI_ERR_NOT_NUMBER);
    assert_int_equal(cli_parse_i64(&v, "+", 1), CLI_ERR_NOT_NUMBER);
    assert_int_equal(cli_parse_i64(&v, "", 0), CLI_ERR_MISSING);
    assert_int_equal(v, 5);

    int32_t w = 1;
    assert_int_equal(cli_parse_i32(&w, "2147483647", 10), CLI_OK);
    assert_int_equal(w, INT32_MAX);
    assert_int_equal(cli_parse_i32(&w, "2147483648", 10), CLI_ERR_RANGE);
    assert_int_equal(cli_parse_i32(&w, "-2147483649", 11), CLI_ERR_RANGE);
    assert_int_equal(w, INT32_MAX);

    size_t s = 9;
    assert_int_equal(cli_parse_size(&s, "+17", 3), CLI_OK);
    assert_int_equal(s, 17);
    assert_int_equal(cli_parse_size(&s, "-0", 2), CLI_OK);
    assert_int_equal(s, 0);
    s = 9;
    assert_int_equal(cli_parse_size(&s, "-1", 2), CLI_ERR_RANGE);
    assert_int_equal(cli_parse_size(&s, "18446744073709551616", 20), CLI_ERR_RANGE);
    assert_int_equal(s, 9);
}

static void test_strstatus(void **state)
{
    (void)state;
    /* every status has a name of its own */
    for (int s = CLI_OK; s <= CLI_STATUS_LAST; s++) {
        const char *name = cli_strstatus((cli_status)s);
        assert_non_null(name);
        assert_string_not_equal(name, cli_strstatus((cli_status)(CLI_STATUS_LAST + 1)));
        for (int t = CLI_OK; t < s; t++)
            assert_string_not_equal(name, cli_strstatus((cli_status)t));
    }
    assert_string_equal(cli_strstatus(CLI_ERR_NOT_NUMBER), "not a number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f32_accepts_decimal_and_scientific),
        cmocka_unit_test(test_f32_correctly_rounded),
        cmocka_unit_test(test_matches_libc),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_nonfinite_when_allowed),
        cmocka_unit_test(test_f64),
        cmocka_unit_test(test_reads_only_len_bytes),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_strstatus),
    };
    return cmocka_run_group_tests_name("cli_io_number", tests, NULL, NULL);
}
