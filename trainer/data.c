/*
 * data.c — smx_nn's data utilities over plain arrays: permutation and
 * shuffle, the stratified train/test split, row gathering,
 * standardisation, and the confusion-matrix metrics.
 */
#include "nn.h"
#include "nn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nn_permutation(size_t *perm, size_t n, nn_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    /* Fisher-Yates, from the end: every permutation equally likely. */
    for (size_t i = n; i > 1; i--) {
        const size_t j = (size_t)nn_rng_below(rng, i);
        const size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}

nn_status nn_shuffle(float *x, int32_t *y, size_t rows, size_t features,
                     uint64_t seed)
{
    if (rows == 0)
        return NN_OK;
    if (!x && features > 0)
        return NN_ERR_NULL_POINTER;
    float *tmp = malloc((features ? features : 1) * sizeof *tmp);
    if (!tmp)
        return NN_ERR_NO_MEMORY;
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    for (size_t i = rows; i > 1; i--) {
        const size_t j = (size_t)nn_rng_below(&rng, i);
        if (j == i - 1)
            continue;
        if (features > 0) {
            float *a = x + (i - 1) * features, *b = x + j * features;
            memcpy(tmp, a, features * sizeof *a);
            memcpy(a, b, features * sizeof *a);
            memcpy(b, tmp, features * sizeof *a);
        }
        if (y) {
            const int32_t t = y[i - 1];
            y[i - 1] = y[j];
            y[j] = t;
        }
    }
    free(tmp);
    return NN_OK;
}

/* Largest-remainder apportionment of `total` test rows to the classes in
 * proportion to count[k]: quota_k = total count_k / rows; every class gets
 * the floor of its quota, and the rows left over go one each to the
 * classes with the largest remainders (ties: the lower class).  Exact
 * integer arithmetic (rem = numerator mod rows), so the split depends on
 * nothing but the counts.  take[k] <= count[k] always: a class is rounded
 * up only when its quota is not an integer, and the quota is <= count[k]. */
static void apportion(size_t *take, size_t *rem, const size_t *count, size_t classes,
                      size_t rows, size_t total)
{
    size_t given = 0;
    for (size_t k = 0; k < classes; k++) {
        take[k] = count[k] * total / rows;
        rem[k] = count[k] * total % rows;
        given += take[k];
    }
    /* The remainders sum to (total - given) * rows, so there are at least
     * total - given classes with rem > 0 and the loop always finds one. */
    for (; given < total; given++) {
        size_t best = 0;
        for (size_t k = 1; k < classes; k++)
            if (rem[k] > rem[best])
                best = k;
        take[best]++;
        rem[best] = 0;
    }
}

nn_status nn_split_stratified(size_t *idx, size_t *n_test, const int32_t *y,
                              size_t rows, size_t classes, double test_fraction,
                              uint64_t seed)
{
    if (!idx || !n_test || (!y && rows > 0))
        return NN_ERR_NULL_POINTER;
    if (!(test_fraction > 0.0 && test_fraction < 1.0))
        return NN_ERR_BAD_CONFIG;
    if (classes == 0 || classes > SIZE_MAX / 4)
        return NN_ERR_BAD_SIZE;
    if (!nn_labels_in_range(y, rows, classes))
        return NN_ERR_BAD_LABEL;
    return nn_split_rows(idx, n_test, y, rows, classes, test_fraction, seed);
}

int nn_labels_in_range(const int32_t *y, size_t rows, size_t classes)
{
    for (size_t r = 0; r < rows; r++)
        if (y[r] < 0 || (size_t)y[r] >= classes)
            return 0;
    return 1;
}

nn_status nn_split_rows(size_t *idx, size_t *n_test, const int32_t *y, size_t rows,
                        size_t classes, double test_fraction, uint64_t seed)
{
    if (!(test_fraction > 0.0 && test_fraction < 1.0))
        return NN_ERR_BAD_CONFIG;
    if (classes == 0 || classes > SIZE_MAX / 4)
        return NN_ERR_BAD_SIZE;
    /* ceil(f * rows), computed so that 0.2 * 150 is 30, not 31: the
     * product is rounded to a near integer first when it is one. */
    const double want = test_fraction * (double)rows;
    size_t total = (size_t)ceil(want - 1e-9 * want);
    if (total == 0 || total >= rows)
        return NN_ERR_TOO_FEW_ROWS;
    /* Guard the products count * total in apportion(). */
    if (rows > SIZE_MAX / rows)
        return NN_ERR_BAD_SIZE;

    /* count, take, start, rem (per class), a per-class list of rows, and
     * a test flag per row. */
    size_t *count = calloc(4 * classes, sizeof *count);
    size_t *by_class = malloc(rows * sizeof *by_class);
    unsigned char *is_test = calloc(rows, 1);
    if (!count || !by_class || !is_test) {
        free(count);
        free(by_class);
        free(is_test);
        return NN_ERR_NO_MEMORY;
    }
    size_t *take = count + classes, *start = count + 2 * classes, *rem = count + 3 * classes;
    for (size_t r = 0; r < rows; r++)
        count[y[r]]++;
    apportion(take, rem, count, classes, rows, total);
    for (size_t k = 1; k < classes; k++)
        start[k] = start[k - 1] + count[k - 1];
    /* Rows of each class, in file order (start[] used as a cursor, then
     * restored). */
    for (size_t r = 0; r < rows; r++)
        by_class[start[y[r]]++] = r;
    for (size_t k = 0; k < classes; k++)
        start[k] -= count[k];

    /* Within each class, a partial Fisher-Yates draws take[k] rows without
     * replacement; classes are drawn in order from one stream, so the
     * result depends only on the seed and the labels. */
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    for (size_t k = 0; k < classes; k++) {
        size_t *list = by_class + start[k];
        for (size_t i = 0; i < take[k]; i++) {
            const size_t j = i + (size_t)nn_rng_below(&rng, count[k] - i);
            const size_t t = list[i];
            list[i] = list[j];
            list[j] = t;
            is_test[list[i]] = 1;
        }
    }

    /* Both parts in ascending row order: the split is a set, and printing
     * the test rows in file order is what a reader expects. */
    size_t a = 0, b = rows - total;
    for (size_t r = 0; r < rows; r++) {
        if (is_test[r])
            idx[b++] = r;
        else
            idx[a++] = r;
    }
    *n_test = total;
    free(count);
    free(by_class);
    free(is_test);
    return NN_OK;
}

void nn_gather(float *xo, int32_t *yo, const float *x, const int32_t *y, const size_t *idx,
               size_t n, size_t features)
{
    for (size_t k = 0; k < n; k++) {
        if (features > 0)
            memcpy(xo + k * features, x + idx[k] * features, features * sizeof *xo);
        if (yo)
            yo[k] = y[idx[k]];
    }
}

nn_status nn_standardize_fit(float *mean, float *std, const float *x, size_t rows,
                             size_t features)
{
    if (features == 0)
        return NN_OK;
    if (!mean || !std || !x)
        return NN_ERR_NULL_POINTER;
    if (rows == 0)
        return NN_ERR_BAD_SIZE;
    for (size_t i = 0; i < rows * features; i++)
        if (!isfinite(x[i]))
            return NN_ERR_NOT_FINITE;
    /* Two passes in double: the mean, then the squared deviations from it
     * (no catastrophic cancellation of E[x^2] - E[x]^2 on data far from 0). */
    for (size_t j = 0; j < features; j++) {
        double s = 0.0;
        for (size_t r = 0; r < rows; r++)
            s += x[r * features + j];
        const double mu = s / (double)rows;
        double ss = 0.0;
        for (size_t r = 0; r < rows; r++) {
            const double d = x[r * features + j] - mu;
            ss += d * d;
        }
        const float sd = (float)sqrt(ss / (double)rows);
        mean[j] = (float)mu;
        /* A constant column (sd 0), or one too spread for a float, is only
         * centred: dividing by 0 would make NaN of every row. */
        std[j] = (sd > 0.0f && isfinite(sd)) ? sd : 1.0f;
    }
    return NN_OK;
}

void nn_standardize_apply(float *out, const float *x, size_t rows, size_t features,
                          const float *mean, const float *std)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < features; j++)
            out[r * features + j] = (x[r * features + j] - mean[j]) / std[j];
}

nn_status nn_confusion(size_t *confusion, const int32_t *y_true, const int32_t *y_pred,
                       size_t rows, size_t classes)
{
    if (!confusion || (rows > 0 && (!y_true || !y_pred)))
        return NN_ERR_NULL_POINTER;
    for (size_t r = 0; r < rows; r++)
        if (y_true[r] < 0 || (size_t)y_true[r] >= classes || y_pred[r] < 0 ||
            (size_t)y_pred[r] >= classes)
            return NN_ERR_BAD_LABEL;
    for (size_t i = 0; i < classes * classes; i++)
        confusion[i] = 0;
    for (size_t r = 0; r < rows; r++)
        confusion[(size_t)y_true[r] * classes + (size_t)y_pred[r]]++;
    return NN_OK;
}

void nn_precision_recall(double *precision, double *recall, const size_t *confusion,
                         size_t classes)
{
    for (size_t k = 0; k < classes; k++) {
        size_t predicted = 0, actual = 0;
        for (size_t i = 0; i < classes; i++) {
            predicted += confusion[i * classes + k];
            actual += confusion[k * classes + i];
        }
        const double hit = (double)confusion[k * classes + k];
        if (precision)
            precision[k] = predicted ? hit / (double)predicted : 0.0;
        if (recall)
            recall[k] = actual ? hit / (double)actual : 0.0;
    }
}
