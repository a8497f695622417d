/*
 * progress.c — the bar and the sparkline of the live progress line
 * (progress.h).
 */
#include "progress.h"

#include <math.h>
#include <string.h>

/* U+2581 .. U+2588: one to eight eighths of a cell high */
static const char *const rising[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                      "\u2585", "\u2586", "\u2587", "\u2588"};
/* U+258F .. U+2588: one to eight eighths of a cell wide */
static const char *const widening[8] = {"\u258f", "\u258e", "\u258d", "\u258c",
                                        "\u258b", "\u258a", "\u2589", "\u2588"};

/* Appends s to buf[size] when it fits whole. */
static void append(char *buf, size_t size, size_t *used, const char *s)
{
    const size_t len = strlen(s);
    if (*used + len < size) {
        memcpy(buf + *used, s, len + 1);
        *used += len;
    }
}

void progress_bar(char *buf, size_t size, double fraction, int cells)
{
    size_t used = 0;
    buf[0] = '\0';
    fraction = fraction > 0 ? (fraction < 1 ? fraction : 1) : 0;
    const long eighths = lround(fraction * 8 * cells);
    for (long i = 0; i < cells; i++) {
        const long filled = eighths - 8 * i; /* eighths of this cell */
        append(buf, size, &used, filled >= 8 ? widening[7] : filled > 0 ? widening[filled - 1] : " ");
    }
}

void progress_sparkline(char *buf, size_t size, const double *v, size_t n, int cells)
{
    double mean[64];
    size_t used = 0, shares = n < (size_t)cells ? n : (size_t)cells;
    buf[0] = '\0';
    shares = shares < 64 ? shares : 64;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t s = 0; s < shares; s++) {
        const size_t from = s * n / shares, to = (s + 1) * n / shares;
        double sum = 0;
        size_t count = 0;
        for (size_t i = from; i < to; i++) {
            if (isfinite(v[i])) {
                sum += v[i];
                count++;
            }
        }
        mean[s] = count ? sum / (double)count : NAN;
        if (count) {
            lo = mean[s] < lo ? mean[s] : lo;
            hi = mean[s] > hi ? mean[s] : hi;
        }
    }
    for (size_t s = 0; s < shares; s++) {
        if (isnan(mean[s])) {
            append(buf, size, &used, " ");
            continue;
        }
        const long level = hi > lo ? lround((mean[s] - lo) / (hi - lo) * 7) : 0;
        append(buf, size, &used, rising[level]);
    }
}
