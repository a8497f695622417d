/*
 * nn_test.h — what the smx_nn tests (tests/nn/) share: cmocka's includes,
 * a relative-closeness check that prints the values, the stratified Iris
 * split, and an independent splitmix64 for random inputs.
 */
#ifndef SMX_NN_TEST_H
#define SMX_NN_TEST_H

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "iris_data.h"
#include "nn.h"

#include <math.h>
#include <stdio.h>

/* |got - want| <= tol * max(1, |want|), with the values printed on failure. */
#define assert_close(got, want, tol)                                                         \
    do {                                                                                     \
        const double g_ = (double)(got), w_ = (double)(want);                                \
        const double t_ = (tol) * (fabs(w_) > 1.0 ? fabs(w_) : 1.0);                         \
        if (!(fabs(g_ - w_) <= t_))                                                          \
            fail_msg("%s = %.9g, want %.9g (tolerance %.3g)", #got, g_, w_, t_);             \
    } while (0)

#define assert_status(expr, want)                                                            \
    do {                                                                                     \
        const nn_status s_ = (expr);                                                     \
        if (s_ != (want))                                                                    \
            fail_msg("%s: %s, want %s", #expr, nn_strerror(s_), nn_strerror(want));  \
    } while (0)

/* The stratified train/test split of the embedded Iris data drawn with
 * seed, gathered into arrays. */
typedef struct iris_split {
    float xtr[NN_IRIS_ROWS * NN_IRIS_FEATURES];
    float xte[NN_IRIS_ROWS * NN_IRIS_FEATURES];
    int32_t ytr[NN_IRIS_ROWS], yte[NN_IRIS_ROWS];
    size_t ntr, nte;
} iris_split;

static inline void iris_split_make(iris_split *s, double test_fraction, uint64_t seed)
{
    size_t idx[NN_IRIS_ROWS];
    assert_status(nn_split_stratified(idx, &s->nte, nn_iris_y, NN_IRIS_ROWS,
                                      NN_IRIS_CLASSES, test_fraction, seed),
                  NN_OK);
    s->ntr = NN_IRIS_ROWS - s->nte;
    nn_gather(s->xtr, s->ytr, nn_iris_x, nn_iris_y, idx, s->ntr,
              NN_IRIS_FEATURES);
    nn_gather(s->xte, s->yte, nn_iris_x, nn_iris_y, idx + s->ntr, s->nte,
              NN_IRIS_FEATURES);
}

/* splitmix64 for test inputs: independent of the library's generator. */
static inline uint64_t test_rand(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static inline float test_uniform(uint64_t *state, float lo, float hi)
{
    return lo + (hi - lo) * (float)((double)(test_rand(state) >> 11) * 0x1.0p-53);
}

#endif
