/*
 * test_nn_data.c — smx_nn's random numbers and data utilities:
 *
 *   rng                xoshiro256** outputs equal an independent Python
 *                      implementation's; uniform, bounded and normal draws
 *                      have the right range and moments
 *   permutation/shuffle a permutation; rows keep their labels; reproducible
 *   stratified split   Iris 80/20 is 10 test flowers per class; uneven
 *                      classes apportioned by largest remainder; both parts
 *                      ascending and disjoint; same seed same split,
 *                      another seed another; bad arguments refused
 *   standardisation    hand values; a constant column gets std 1; NaN refused
 *   metrics            confusion matrix, precision and recall by hand
 *   embedded Iris      every value bit-identical to strtof of the CSV
 */
#include "nn_test.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Random numbers                                                            */
/* ------------------------------------------------------------------------ */

/* Expected values from a direct Python transcription of splitmix64 and
 * xoshiro256** (Vigna's reference code), seeds 42 and 0. */
static void rng_known_values(void **state)
{
    (void)state;
    nn_rng r;
    nn_rng_seed(&r, 42);
    assert_true(nn_rng_next(&r) == UINT64_C(0x15780b2e0c2ec716));
    assert_true(nn_rng_next(&r) == UINT64_C(0x6104d9866d113a7e));
    assert_true(nn_rng_next(&r) == UINT64_C(0xae17533239e499a1));
    assert_true(nn_rng_uniform(&r) == 0.9246929453253876);
    nn_rng_seed(&r, 0);
    assert_true(nn_rng_next(&r) == UINT64_C(0x99ec5f36cb75f2b4));
    assert_true(nn_rng_next(&r) == UINT64_C(0xbf6e1f784956452a));
}

static void rng_distributions(void **state)
{
    (void)state;
    nn_rng r;
    nn_rng_seed(&r, 7);
    enum { N = 200000 };
    double su = 0, sn = 0, sn2 = 0;
    size_t counts[10] = {0};
    for (int i = 0; i < N; i++) {
        const double u = nn_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        su += u;
        const uint64_t k = nn_rng_below(&r, 10);
        assert_true(k < 10);
        counts[k]++;
        const double z = nn_rng_normal(&r);
        assert_true(isfinite(z));
        sn += z;
        sn2 += z * z;
    }
    /* 5 standard errors: sd(u) = 0.289, sd(z) = 1, sd(z^2) = sqrt(2) */
    assert_close(su / N, 0.5, 5 * 0.289 / sqrt(N));
    assert_close(sn / N, 0.0, 5 / sqrt(N));
    assert_close(sn2 / N, 1.0, 5 * sqrt(2.0) / sqrt(N));
    for (int k = 0; k < 10; k++)
        assert_close(counts[k] / (double)N, 0.1, 5 * 0.3 / sqrt(N));
    assert_true(nn_rng_below(&r, 0) == 0);
    assert_true(nn_rng_below(&r, 1) == 0);
    /* the full range: below(2^64 - 1) must not loop forever or overflow */
    (void)nn_rng_below(&r, UINT64_MAX);
}

/* ------------------------------------------------------------------------ */
/* Permutation and shuffle                                                   */
/* ------------------------------------------------------------------------ */

static void permutation_and_shuffle(void **state)
{
    (void)state;
    enum { N = 37, FEAT = 3 };
    size_t p[N], q[N];
    nn_rng r;
    nn_rng_seed(&r, 5);
    nn_permutation(p, N, &r);
    int seen[N] = {0};
    for (size_t i = 0; i < N; i++) {
        assert_true(p[i] < N);
        seen[p[i]]++;
    }
    for (size_t i = 0; i < N; i++)
        assert_int_equal(seen[i], 1);
    nn_rng_seed(&r, 5);
    nn_permutation(q, N, &r);
    assert_memory_equal(p, q, sizeof p);

    /* shuffle: row i holds (i, 10 i, 100 i) and label i */
    float x[N * FEAT], x2[N * FEAT];
    int32_t y[N], y2[N];
    for (int i = 0; i < N; i++) {
        x[i * FEAT] = (float)i, x[i * FEAT + 1] = 10.0f * i, x[i * FEAT + 2] = 100.0f * i;
        y[i] = i;
    }
    memcpy(x2, x, sizeof x);
    memcpy(y2, y, sizeof y);
    assert_status(nn_shuffle(x, y, N, FEAT, 11), NN_OK);
    int moved = 0;
    for (int i = 0; i < N; i++) {
        assert_true(x[i * FEAT] == (float)y[i]);
        assert_true(x[i * FEAT + 1] == 10.0f * y[i] && x[i * FEAT + 2] == 100.0f * y[i]);
        moved += y[i] != i;
    }
    assert_true(moved > N / 2);
    assert_status(nn_shuffle(x2, y2, N, FEAT, 11), NN_OK);
    assert_memory_equal(x, x2, sizeof x);
    assert_memory_equal(y, y2, sizeof y);
}

/* ------------------------------------------------------------------------ */
/* Stratified split                                                          */
/* ------------------------------------------------------------------------ */

static void check_split_shape(const size_t *idx, size_t rows, size_t n_test)
{
    int *seen = calloc(rows, sizeof *seen);
    assert_non_null(seen);
    for (size_t i = 0; i < rows; i++) {
        assert_true(idx[i] < rows);
        seen[idx[i]]++;
        /* ascending within each part */
        if (i > 0 && i != rows - n_test)
            assert_true(idx[i - 1] < idx[i]);
    }
    for (size_t i = 0; i < rows; i++)
        assert_int_equal(seen[i], 1);
    free(seen);
}

static void split_iris(void **state)
{
    (void)state;
    size_t idx[NN_IRIS_ROWS], idx2[NN_IRIS_ROWS], n_test;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        assert_status(nn_split_stratified(idx, &n_test, nn_iris_y, NN_IRIS_ROWS, 3,
                                          0.2, seed),
                      NN_OK);
        assert_int_equal(n_test, 30);
        check_split_shape(idx, NN_IRIS_ROWS, n_test);
        size_t per_class[3] = {0};
        for (size_t i = NN_IRIS_ROWS - n_test; i < NN_IRIS_ROWS; i++)
            per_class[nn_iris_y[idx[i]]]++;
        for (int k = 0; k < 3; k++)
            assert_int_equal(per_class[k], 10);
        /* reproducible, and another seed draws another split */
        assert_status(nn_split_stratified(idx2, &n_test, nn_iris_y, NN_IRIS_ROWS, 3,
                                          0.2, seed),
                      NN_OK);
        assert_memory_equal(idx, idx2, sizeof idx);
        assert_status(nn_split_stratified(idx2, &n_test, nn_iris_y, NN_IRIS_ROWS, 3,
                                          0.2, seed + 100),
                      NN_OK);
        assert_true(memcmp(idx, idx2, sizeof idx) != 0);
    }
}

/* Classes of 7, 13 and 30 rows, test fraction 0.3: 15 test rows; quotas
 * 2.1, 3.9 and 9.0 -> floors 2, 3, 9 (14), and the one left over goes to
 * the largest remainder, class 1: (2, 4, 9).  A class absent from the
 * data (class 3 of 4) gets none. */
static void split_uneven(void **state)
{
    (void)state;
    enum { R = 50 };
    int32_t y[R];
    /* class 0 at rows 0, 5, ..., 30; class 1 the first 13 other rows; the
     * rest class 2: interleaved, not sorted */
    int ones = 0;
    for (int i = 0; i < R; i++) {
        if (i % 5 == 0 && i <= 30)
            y[i] = 0;
        else if (ones < 13)
            y[i] = 1, ones++;
        else
            y[i] = 2;
    }
    size_t count[4] = {0};
    for (int i = 0; i < R; i++)
        count[y[i]]++;
    assert_int_equal(count[0], 7);
    assert_int_equal(count[1], 13);
    assert_int_equal(count[2], 30);
    size_t idx[R], n_test;
    assert_status(nn_split_stratified(idx, &n_test, y, R, 4, 0.3, 3), NN_OK);
    assert_int_equal(n_test, 15);
    check_split_shape(idx, R, n_test);
    size_t per_class[4] = {0};
    for (size_t i = R - n_test; i < R; i++)
        per_class[y[idx[i]]]++;
    assert_int_equal(per_class[0], 2);
    assert_int_equal(per_class[1], 4);
    assert_int_equal(per_class[2], 9);
    assert_int_equal(per_class[3], 0);
}

static void split_errors(void **state)
{
    (void)state;
    const int32_t y[4] = {0, 1, 0, 1}, bad[4] = {0, 1, 2, 1};
    size_t idx[4] = {99, 99, 99, 99}, n_test = 99;
    assert_status(nn_split_stratified(idx, &n_test, y, 4, 2, 0.0, 1), NN_ERR_BAD_CONFIG);
    assert_status(nn_split_stratified(idx, &n_test, y, 4, 2, 1.0, 1), NN_ERR_BAD_CONFIG);
    assert_status(nn_split_stratified(idx, &n_test, y, 4, 2, NAN, 1), NN_ERR_BAD_CONFIG);
    assert_status(nn_split_stratified(idx, &n_test, bad, 4, 2, 0.5, 1), NN_ERR_BAD_LABEL);
    assert_status(nn_split_stratified(idx, &n_test, y, 1, 2, 0.5, 1),
                  NN_ERR_TOO_FEW_ROWS);
    assert_status(nn_split_stratified(idx, &n_test, y, 4, 2, 0.9, 1),
                  NN_ERR_TOO_FEW_ROWS); /* ceil(3.6) = 4: no training rows */
    assert_status(nn_split_stratified(idx, &n_test, y, 4, 0, 0.5, 1), NN_ERR_BAD_SIZE);
    assert_status(nn_split_stratified(NULL, &n_test, y, 4, 2, 0.5, 1),
                  NN_ERR_NULL_POINTER);
    /* outputs untouched on every error */
    assert_int_equal(n_test, 99);
    for (int i = 0; i < 4; i++)
        assert_int_equal(idx[i], 99);
}

/* ------------------------------------------------------------------------ */
/* Standardisation                                                           */
/* ------------------------------------------------------------------------ */

/* Columns (1, 2, 3, 4): mean 2.5, population std sqrt(1.25); (5, 5, 5, 5):
 * mean 5, std 0 -> 1; (-1e6, 1e6, -1e6, 1e6): mean 0, std 1e6. */
static void standardize(void **state)
{
    (void)state;
    const float x[12] = {1, 5, -1e6f, 2, 5, 1e6f, 3, 5, -1e6f, 4, 5, 1e6f};
    float mean[3], sd[3], z[12];
    assert_status(nn_standardize_fit(mean, sd, x, 4, 3), NN_OK);
    assert_close(mean[0], 2.5, 1e-7);
    assert_close(sd[0], sqrt(1.25), 1e-7);
    assert_close(mean[1], 5.0, 0.0);
    assert_close(sd[1], 1.0, 0.0);
    assert_close(mean[2], 0.0, 0.0);
    assert_close(sd[2], 1e6, 1e-7);
    nn_standardize_apply(z, x, 4, 3, mean, sd);
    assert_close(z[0], -1.5 / sqrt(1.25), 1e-6);
    assert_close(z[9], 1.5 / sqrt(1.25), 1e-6);
    for (int r = 0; r < 4; r++)
        assert_close(z[r * 3 + 1], 0.0, 0.0);
    /* in place */
    float w[12];
    memcpy(w, x, sizeof w);
    nn_standardize_apply(w, w, 4, 3, mean, sd);
    assert_memory_equal(w, z, sizeof z);

    /* a NaN or an infinity is refused and nothing is written */
    float bad[4] = {1, NAN, 2, 3}, m2[2] = {7, 7}, s2[2] = {7, 7};
    assert_status(nn_standardize_fit(m2, s2, bad, 2, 2), NN_ERR_NOT_FINITE);
    bad[1] = INFINITY;
    assert_status(nn_standardize_fit(m2, s2, bad, 2, 2), NN_ERR_NOT_FINITE);
    assert_true(m2[0] == 7 && m2[1] == 7 && s2[0] == 7 && s2[1] == 7);
    assert_status(nn_standardize_fit(m2, s2, x, 0, 2), NN_ERR_BAD_SIZE);
}

/* ------------------------------------------------------------------------ */
/* Metrics                                                                   */
/* ------------------------------------------------------------------------ */

/* true  0 0 0 1 1 2 2 2
 * pred  0 0 1 1 2 2 2 0
 * confusion (row true, column predicted): [[2 1 0] [0 1 1] [1 0 2]]
 * precision: 2/3, 1/2, 2/3;  recall: 2/3, 1/2, 2/3; class 3 of 4 absent:
 * 0 and 0 (scikit-learn's zero_division). */
static void metrics(void **state)
{
    (void)state;
    const int32_t t[8] = {0, 0, 0, 1, 1, 2, 2, 2}, p[8] = {0, 0, 1, 1, 2, 2, 2, 0};
    size_t cm[16];
    assert_status(nn_confusion(cm, t, p, 8, 4), NN_OK);
    const size_t want[16] = {2, 1, 0, 0, 0, 1, 1, 0, 1, 0, 2, 0, 0, 0, 0, 0};
    assert_memory_equal(cm, want, sizeof want);
    double prec[4], rec[4];
    nn_precision_recall(prec, rec, cm, 4);
    assert_close(prec[0], 2.0 / 3, 1e-15);
    assert_close(prec[1], 0.5, 1e-15);
    assert_close(prec[2], 2.0 / 3, 1e-15);
    assert_close(rec[0], 2.0 / 3, 1e-15);
    assert_close(rec[1], 0.5, 1e-15);
    assert_close(rec[2], 2.0 / 3, 1e-15);
    assert_true(prec[3] == 0.0 && rec[3] == 0.0);
    const int32_t bad[8] = {0, 0, 0, 1, 1, 2, 2, 4};
    assert_status(nn_confusion(cm, t, bad, 8, 4), NN_ERR_BAD_LABEL);
}

/* ------------------------------------------------------------------------ */
/* The embedded Iris data against the CSV                                    */
/* ------------------------------------------------------------------------ */

static void iris_matches_csv(void **state)
{
    (void)state;
    FILE *f = fopen(NN_IRIS_CSV, "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    line[strcspn(line, "\r\n")] = '\0';
    char header[256] = "";
    for (int j = 0; j < NN_IRIS_FEATURES; j++) {
        strcat(header, nn_iris_feature_names[j]);
        strcat(header, ",");
    }
    strcat(header, nn_iris_target_name);
    assert_string_equal(line, header);
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        assert_true(rows < NN_IRIS_ROWS);
        char *p = line;
        for (int j = 0; j < NN_IRIS_FEATURES; j++) {
            char *end;
            const float v = strtof(p, &end);
            assert_true(end != p && *end == ',');
            /* bit for bit, not merely close */
            assert_memory_equal(&v, &nn_iris_x[rows * NN_IRIS_FEATURES + j], sizeof v);
            p = end + 1;
        }
        p[strcspn(p, "\r\n")] = '\0';
        assert_string_equal(p, nn_iris_class_names[nn_iris_y[rows]]);
        rows++;
    }
    assert_int_equal(rows, NN_IRIS_ROWS);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_known_values),
        cmocka_unit_test(rng_distributions),
        cmocka_unit_test(permutation_and_shuffle),
        cmocka_unit_test(split_iris),
        cmocka_unit_test(split_uneven),
        cmocka_unit_test(split_errors),
        cmocka_unit_test(standardize),
        cmocka_unit_test(metrics),
        cmocka_unit_test(iris_matches_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
