/*
 * scores.c — the softmax family as the smx command calls it: on doubles,
 * through the library's f32 or f64 functions (--f64), and rows of scores
 * read from the command line, a file or standard input.
 */
#include "scores.h"

#include "cli.h"
#include "io/fields.h"
#include "io/number.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define SCORES_STR_(x) #x
#define SCORES_STR(x) SCORES_STR_(x)

static const char NOT_A_NUMBER[] = "is not a number";

/* Runs one forward function on n doubles through the chosen dtype. */
smx_status scores_forward(double *y, const double *x, size_t n, const scores_mode *mode)
{
    const double scale = 1.0 / mode->temperature;
    if (mode->f64) {
        return mode->log ? smx_log_softmax_masked_f64(y, x, 1, n, scale, NULL)
                         : smx_softmax_masked_f64(y, x, 1, n, scale, NULL);
    }
    float *buf = malloc(sizeof(float) * (n ? n : 1));
    if (!buf)
        return SMX_ERR_NULL_POINTER;
    for (size_t i = 0; i < n; i++)
        buf[i] = (float)x[i];
    const smx_status st = mode->log
                              ? smx_log_softmax_masked_f32(buf, buf, 1, n, (float)scale, NULL)
                              : smx_softmax_masked_f32(buf, buf, 1, n, (float)scale, NULL);
    if (st == SMX_OK)
        for (size_t i = 0; i < n; i++)
            y[i] = buf[i];
    free(buf);
    return st;
}

smx_status scores_jacobian(double *jac, const double *y, size_t n, int f64)
{
    if (f64)
        return smx_softmax_jacobian_f64(jac, y, n);
    float *buf = calloc(n * n + n + 1, sizeof(float));
    if (!buf)
        return SMX_ERR_NULL_POINTER;
    for (size_t i = 0; i < n; i++)
        buf[n * n + i] = (float)y[i];
    const smx_status st = smx_softmax_jacobian_f32(buf, buf + n * n, n);
    if (st == SMX_OK)
        for (size_t i = 0; i < n * n; i++)
            jac[i] = buf[i];
    free(buf);
    return st;
}

smx_status scores_backward(double *dx, const double *y, const double *dy, size_t n, int f64)
{
    if (f64)
        return smx_softmax_backward_f64(dx, y, dy, 1, n);
    float *buf = calloc(3 * n + 1, sizeof(float));
    if (!buf)
        return SMX_ERR_NULL_POINTER;
    for (size_t i = 0; i < n; i++) {
        buf[n + i] = (float)y[i];
        buf[2 * n + i] = (float)dy[i];
    }
    const smx_status st = smx_softmax_backward_f32(buf, buf + n, buf + 2 * n, 1, n);
    if (st == SMX_OK)
        for (size_t i = 0; i < n; i++)
            dx[i] = buf[i];
    free(buf);
    return st;
}

cli_status scores_parse(double *out, const char *s, size_t len)
{
    return cli_parse_f64(out, s, len, CLI_PARSE_ALLOW_NONFINITE);
}

const char *scores_why(cli_status status, double v, int f64)
{
    switch (status) {
    case CLI_OK:
        if (!f64 && isfinite(v) && fabs(v) > FLT_MAX)
            return "is beyond the range of float (3.4e38; --f64 computes in double)";
        return NULL;
    case CLI_ERR_RANGE:
        return "is beyond the range of double (1.8e308)";
    case CLI_ERR_TOO_LONG:
        return "is longer than " SCORES_STR(CLI_PARSE_MAX_LEN) " characters";
    case CLI_ERR_MISSING:
        return "is empty";
    default:
        return NOT_A_NUMBER;
    }
}

size_t scores_first_overflow(const double *x, size_t n, const scores_mode *mode)
{
    /* float scores times a float scale cannot leave double's range */
    if (!mode->f64)
        return n;
    const double scale = 1.0 / mode->temperature;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isinf(x[i] * scale))
            return i;
    return n;
}

enum { NOTED_NEG_INF = 1u, NOTED_POS_INF = 2u, NOTED_NAN = 4u };

void scores_note_specials(const double *x, size_t n, unsigned *noted)
{
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++)
        seen |= isnan(x[i]) ? NOTED_NAN : x[i] == INFINITY ? NOTED_POS_INF
                                        : x[i] == -INFINITY ? NOTED_NEG_INF : 0u;
    seen &= ~*noted;
    if (seen & NOTED_NEG_INF)
        fputs("note: a -inf score gets probability exactly 0 (log-probability -inf) and "
              "gradient 0;\n      the other scores are as if it were absent (a row of only "
              "-inf: all 0, log all -inf)\n",
              stderr);
    if (seen & NOTED_POS_INF)
        fputs("note: a +inf score makes its whole row NaN, as in PyTorch, JAX and SciPy\n",
              stderr);
    if (seen & NOTED_NAN)
        fputs("note: a NaN score makes its whole row NaN\n", stderr);
    *noted |= seen;
}

/* Appends v to the row, growing it. */
static cli_status push(double **row, size_t *n, size_t *cap, double v)
{
    if (*n == *cap) {
        const size_t new_cap = *cap ? 2 * *cap : 16;
        double *grown = realloc(*row, new_cap * sizeof(double));
        if (!grown)
            return CLI_ERR_NOMEM;
        *row = grown;
        *cap = new_cap;
    }
    (*row)[(*n)++] = v;
    return CLI_OK;
}

/* Splits one line (len bytes, no NUL among them) into scores with the
 * command's tokenizer (fields.h: a comma with blanks around it, or
 * blanks); CLI_EXIT_FAIL after printing the error. */
static int parse_line(const char *line, size_t len, const char *source, size_t line_no,
                      double **row, size_t *n, size_t *cap, const scores_mode *mode)
{
    static const char separators[] = "separate the scores of a row with commas or blanks";
    cli_fields t;
    cli_fields_init(&t, line, len, CLI_SEP_COMMA_OR_BLANKS, CLI_FIELDS_ONE_LINE);
    *n = 0;
    char after = 0;   /* what ended the field before: ',' or not */
    size_t comma = 0; /* where that comma is */
    while (cli_fields_more(&t)) {
        cli_field f;
        cli_fields_next(&t, &f); /* without quotes, never an error */
        if (f.len == 0) {
            if (f.end == ',')
                return cli_error(separators, "empty cell before ',' (%s:%zu:%zu)", source,
                                 line_no, f.offset + 1);
            if (after == ',')
                return cli_error(separators, "nothing after ',' (%s:%zu:%zu)", source,
                                 line_no, comma + 1);
            continue; /* a blank line */
        }
        double v = 0;
        const cli_status st = scores_parse(&v, f.text, f.len);
        const char *why = scores_why(st, v, mode->f64);
        if (!why && scores_first_overflow(&v, 1, mode) == 0)
            why = "divided by the temperature is beyond the range of double";
        if (why) {
            const int semicolon = memchr(f.text, ';', f.len) != NULL;
            const int long_cell = f.len > 40;
            const char *hint = semicolon ? "';' is not a separator: use commas or blanks"
                               : why != NOT_A_NUMBER ? NULL
                               : line_no == 1        ? "a header line of names? --header skips it"
                                                     : separators;
            return cli_error(hint, "'%.*s%s' %s (%s:%zu:%zu)", long_cell ? 40 : (int)f.len,
                             f.text, long_cell ? "..." : "", why, source, line_no,
                             f.offset + 1);
        }
        if (push(row, n, cap, v) != CLI_OK)
            return cli_error(NULL, "out of memory (%s:%zu)", source, line_no);
        after = f.end;
        comma = f.end_offset;
    }
    return CLI_EXIT_OK;
}

int scores_read_row(FILE *in, const char *source, size_t *line_no, double **row, size_t *n,
                    size_t *cap, const scores_mode *mode)
{
    char *line = NULL;
    size_t line_cap = 0;
    int rc = CLI_EXIT_OK;
    *n = 0;
    for (;;) {
        errno = 0;
        const ssize_t got = getline(&line, &line_cap, in);
        if (got < 0) {
            if (ferror(in))
                rc = cli_error(NULL, "cannot read %s: %s", source, strerror(errno ? errno : EIO));
            break;
        }
        (*line_no)++;
        const char *p = line;
        size_t len = (size_t)got;
        /* A UTF-8 byte order mark on the first line (columns count after it). */
        if (*line_no == 1 && len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
            p += 3;
            len -= 3;
        }
        const char *nul = memchr(p, '\0', len);
        if (nul) {
            rc = cli_error("the input is not text (or it is UTF-16: save it as UTF-8)",
                           "NUL byte (%s:%zu:%zu)", source, *line_no, (size_t)(nul - p) + 1);
            break;
        }
        if ((rc = parse_line(p, len, source, *line_no, row, n, cap, mode)) != CLI_EXIT_OK ||
            *n > 0)
            break;
        /* a blank line holds no row: read on */
    }
    free(line);
    if (rc != CLI_EXIT_OK)
        *n = 0;
    return rc;
}
