/*
 * feature_rank.c — the feature pair of the decision-region picture
 * (feature_rank.h).
 */
#include "feature_rank.h"

#include "cli.h"
#include "io/names.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void features_f_statistic(double *F, const float *x, const int32_t *y, size_t rows,
                          size_t features, size_t classes)
{
    size_t *count = calloc(classes, sizeof *count);
    double *sum = calloc(classes, sizeof *sum);
    if (!count || !sum) {
        for (size_t f = 0; f < features; f++)
            F[f] = 0.0;
        free(count);
        free(sum);
        return;
    }
    size_t present = 0;
    for (size_t r = 0; r < rows; r++)
        present += count[y[r]]++ == 0;
    for (size_t f = 0; f < features; f++) {
        /* two passes in double: the means, then the squares about them */
        double total = 0.0;
        memset(sum, 0, classes * sizeof *sum);
        for (size_t r = 0; r < rows; r++) {
            sum[y[r]] += x[r * features + f];
            total += x[r * features + f];
        }
        const double mean = total / (double)rows;
        double between = 0.0, within = 0.0;
        for (size_t k = 0; k < classes; k++)
            if (count[k])
                between += (double)count[k] * (sum[k] / (double)count[k] - mean) *
                           (sum[k] / (double)count[k] - mean);
        for (size_t r = 0; r < rows; r++) {
            const double d = x[r * features + f] - sum[y[r]] / (double)count[y[r]];
            within += d * d;
        }
        if (present < 2 || rows <= present || between == 0.0)
            F[f] = 0.0;
        else if (within == 0.0)
            F[f] = INFINITY;
        else
            F[f] = (between / (double)(present - 1)) / (within / (double)(rows - present));
    }
    free(count);
    free(sum);
}

int features_pick_pair(size_t pair[2], const char *spec, const char *const *names,
                       size_t features, const double *F)
{
    if (features < 2)
        return cli_error("the decision regions are drawn over two features",
                         "--plot-regions needs two features; the data has %zu", features);
    if (!spec) {
        size_t a = 0, b = 1;
        if (F[b] > F[a]) {
            a = 1;
            b = 0;
        }
        for (size_t f = 2; f < features; f++) {
            if (F[f] > F[a]) {
                b = a;
                a = f;
            } else if (F[f] > F[b]) {
                b = f;
            }
        }
        pair[0] = a < b ? a : b;
        pair[1] = a < b ? b : a;
        return CLI_EXIT_OK;
    }
    char **items;
    size_t n;
    if (cli_split_list(&items, &n, spec) != CLI_OK)
        return cli_error(NULL, "out of memory");
    int rc = CLI_EXIT_OK;
    if (n != 2) {
        rc = cli_error("for example --plot-features petal_length,petal_width or 3,4",
                       "--plot-features names %zu feature%s: give two", n, n == 1 ? "" : "s");
    } else {
        for (size_t i = 0; i < 2 && !rc; i++) {
            pair[i] = cli_name_or_position(names, features, items[i]);
            if (pair[i] == features)
                rc = cli_error("name a feature column, or give its 1-based position",
                               "unknown feature '%s' in --plot-features", items[i]);
        }
        if (!rc && pair[0] == pair[1])
            rc = cli_error(NULL, "--plot-features names '%s' twice: give two different features",
                           items[0]);
    }
    cli_free_list(items, n);
    return rc;
}
