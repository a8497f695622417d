/*
 * scores.h — the softmax family on doubles through the f32 or f64
 * library functions, and reading rows of scores (scores.c).
 */
#ifndef SMX_CLI_SCORES_H
#define SMX_CLI_SCORES_H

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

/* Reads the next non-blank line of numbers (commas and/or blanks between
 * them) into *row (grown as needed); a first line that is not all numbers
 * is a CSV header and is skipped.  1: a row; 0: end of input; -1: a bad
 * line, reported with source:line. */
int scores_read_row(FILE *in, const char *source, size_t *line_no, double **row, size_t *n,
                    size_t *cap);

#endif
