/*
 * scores.h — the softmax family on doubles through the f32 or f64
 * library functions, and reading rows of scores (scores.c).
 */
#ifndef CLI_SCORES_H
#define CLI_SCORES_H

#include "io/status.h"

#include <smx.h>

#include <stddef.h>
#include <stdio.h>

typedef struct scores_mode {
    int f64;            /* call the _f64 functions (else _f32, rounding inputs to float) */
    int log;            /* log-softmax instead of softmax */
    double temperature; /* softmax(x / T) */
} scores_mode;

smx_status scores_forward(double *y, const double *x, size_t n, const scores_mode *mode);
smx_status scores_jacobian(double *jac, const double *y, size_t n, int f64);
smx_status scores_backward(double *dx, const double *y, const double *dy, size_t n, int f64);

/* Parses one score s[0..len) as a double: a decimal number, or nan, inf,
 * -inf (any case), the library's special values (number.h's statuses).
 * A decimal below the smallest subnormal reads as 0 (it means 0 to any
 * data file). */
cli_status scores_parse(double *out, const char *s, size_t len);

/* Why a score is refused, as the end of a sentence about it ("is not a
 * number", "is beyond the range of float (3.4e38; --f64 computes in
 * double)"), from scores_parse's status and value (v: read only on
 * CLI_OK) for the chosen dtype; NULL when the score is fine. */
const char *scores_why(cli_status status, double v, int f64);

/* The index of the first score that divided by the temperature leaves
 * the range the library computes in (float scores are scaled in double,
 * double scores in double), or n when all stay finite. */
size_t scores_first_overflow(const double *x, size_t n, const scores_mode *mode);

/* What the library does with the special values among x, as `note:`
 * lines on stderr, each kind once per run (*noted remembers them). */
void scores_note_specials(const double *x, size_t n, unsigned *noted);

/* Reads the next non-blank line of scores into *row (grown as needed)
 * and its length into *n, 0 at the end of the input.  Scores are
 * separated by a comma (blanks around it allowed) or by blanks (fields.h,
 * CLI_SEP_COMMA_OR_BLANKS).  Returns CLI_EXIT_OK, or CLI_EXIT_FAIL after
 * printing the error with source:line:column (a cell that is not a score,
 * an empty cell, a NUL byte, a failed read such as a directory given as
 * the file, a score that the temperature takes out of range). */
int scores_read_row(FILE *in, const char *source, size_t *line_no, double **row, size_t *n,
                    size_t *cap, const scores_mode *mode);

#endif
