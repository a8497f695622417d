/*
 * progress.h — the pieces of `smx train`'s live progress line on a
 * terminal: a bar and a sparkline of the loss, in Unicode block
 * characters (progress.c).
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stddef.h>

/* A bar `cells` characters wide, filled to `fraction` (clamped to
 * [0, 1]) in eighths of a cell (U+2588 to U+258F), padded with blanks;
 * UTF-8 into buf (3 bytes a cell: size >= 3 * cells + 1). */
void progress_bar(char *buf, size_t size, double fraction, int cells);

/* A sparkline of v[n] in `cells` characters (U+2581 to U+2588, lowest to
 * highest): the values split into `cells` consecutive shares (fewer
 * when n < cells), each drawn at its mean, scaled from the smallest mean
 * to the largest; non-finite values are skipped.  UTF-8 into buf. */
void progress_sparkline(char *buf, size_t size, const double *v, size_t n, int cells);

#endif
