/*
 * scores.c — the softmax family as the smx command calls it: on doubles,
 * through the library's f32 or f64 functions (--f64), and rows of scores
 * read from the command line, a file or standard input.
 */
#include "scores.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>

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

int scores_read_row(FILE *in, const char *source, size_t *line_no, double **row, size_t *n,
                    size_t *cap)
{
    char *line = NULL;
    size_t line_cap = 0;
    for (;;) {
        const long got = (long)getline(&line, &line_cap, in);
        if (got < 0) {
            free(line);
            return 0;
        }
        (*line_no)++;
        /* A UTF-8 byte order mark on the first line, and CR of CRLF. */
        char *p = line;
        if (*line_no == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
            p += 3;
        *n = 0;
        int bad = 0;
        const int first = *line_no == 1;
        for (char *tok = strtok(p, ", \t\r\n"); tok; tok = strtok(NULL, ", \t\r\n")) {
            double v;
            if (cli_parse_number(tok, &v) != 0 && first) {
                *n = 0; /* a CSV header on the first line: names, not scores */
                break;
            }
            if (cli_parse_number(tok, &v) != 0) {
                cli_error("each line holds one row of scores, separated by commas or blanks",
                          "not a number: '%s' (%s:%zu)", tok, source, *line_no);
                bad = 1;
                break;
            }
            if (*n == *cap) {
                const size_t new_cap = *cap ? 2 * *cap : 16;
                double *grown = realloc(*row, new_cap * sizeof(double));
                if (!grown) {
                    cli_error(NULL, "out of memory (%s:%zu)", source, *line_no);
                    bad = 1;
                    break;
                }
                *row = grown;
                *cap = new_cap;
            }
            (*row)[(*n)++] = v;
        }
        if (bad) {
            free(line);
            return -1;
        }
        if (*n > 0) {
            free(line);
            return 1;
        }
        /* blank line: read on */
    }
}
