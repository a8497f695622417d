/*
 * test_nn_gradcheck.c — the gradient of a whole network, by finite
 * differences, for every hidden activation and both losses.
 *
 * The network is 5 -> 7 -> 6 -> 3 (two hidden layers, widths off the
 * kernels' block sizes) on 13 random rows (one 8-column block and a tail),
 * with random biases and non-trivial standardisation, so that every
 * parameter and every code path contributes.  The analytic gradient is
 * nn_loss_gradient's backpropagation in float; the reference is the
 * central difference (L(p + h) - L(p - h)) / 2h of nn_loss_f64, the
 * same network evaluated in double.
 *
 * Bound.  With h = 2^-16 the difference quotient of the double loss is
 * good to ~1e-10 (truncation h^2 |L'''| / 6, rounding 1e-16 / h), so what
 * is measured is the float gradient's own error, ~1e-6 of the gradient's
 * scale (float sums of a few dozen terms).  The test asks
 *     |g_k - fd_k| <= 1e-4 * max_j |fd_j|
 * for every parameter k: 100 times the expected error, while a wrong
 * derivative (a missing activation factor, a transposed weight, a bias
 * gradient summed over the wrong axis) is off by a large fraction of the
 * scale.  ReLU's kink is not a risk: no pre-activation lies within
 * h * |input| of 0 for these seeds (the test would show it as a failure).
 */
#include "nn_test.h"

#include <stdlib.h>
#include <string.h>

enum { ROWS = 13, F = 5, C = 3 };
#define FD_STEP 0x1p-16
#define FD_BOUND 1e-4

static void check_network(nn_activation act, nn_loss loss, uint64_t seed)
{
    const size_t sizes[] = {F, 7, 6, C};
    nn_model m;
    assert_status(nn_model_init(&m, sizes, 4, act), NN_OK);
    nn_model_randomize(&m, seed);
    uint64_t rs = seed * 7919;
    for (size_t l = 0; l < m.n_layers; l++)
        for (size_t o = 0; o < m.layers[l].out; o++)
            m.layers[l].bias[o] = test_uniform(&rs, -0.5f, 0.5f);
    for (size_t j = 0; j < F; j++) {
        m.mean[j] = test_uniform(&rs, -1.0f, 1.0f);
        m.std[j] = test_uniform(&rs, 0.5f, 2.0f);
    }
    float x[ROWS * F];
    int32_t y[ROWS];
    for (size_t k = 0; k < ROWS * F; k++)
        x[k] = test_uniform(&rs, -3.0f, 3.0f);
    for (size_t r = 0; r < ROWS; r++)
        y[r] = (int32_t)(test_rand(&rs) % C);

    const size_t n = m.n_params;
    float *grad = malloc(n * sizeof *grad);
    double *p = malloc(n * sizeof *p);
    assert_true(grad && p);
    double loss_f32, loss_f64;
    assert_status(nn_loss_gradient(&loss_f32, grad, &m, loss, x, y, ROWS), NN_OK);
    assert_status(nn_loss_f64(&loss_f64, &m, NULL, loss, x, y, ROWS), NN_OK);
    /* the two evaluations agree to float accuracy */
    assert_close(loss_f32, loss_f64, 1e-5);

    for (size_t k = 0; k < n; k++)
        p[k] = m.params[k];
    double *fd = malloc(n * sizeof *fd);
    assert_non_null(fd);
    double scale = 0.0;
    for (size_t k = 0; k < n; k++) {
        double lp, lm;
        const double saved = p[k];
        p[k] = saved + FD_STEP;
        assert_status(nn_loss_f64(&lp, &m, p, loss, x, y, ROWS), NN_OK);
        p[k] = saved - FD_STEP;
        assert_status(nn_loss_f64(&lm, &m, p, loss, x, y, ROWS), NN_OK);
        p[k] = saved;
        fd[k] = (lp - lm) / (2 * FD_STEP);
        if (fabs(fd[k]) > scale)
            scale = fabs(fd[k]);
    }
    assert_true(scale > 1e-3); /* a gradient worth checking */
    double worst = 0.0;
    size_t worst_k = 0;
    for (size_t k = 0; k < n; k++) {
        const double e = fabs(grad[k] - fd[k]) / scale;
        if (e > worst) {
            worst = e;
            worst_k = k;
        }
    }
    print_message("    %-8s %-13s max |g - fd| / max |fd| = %.2e (parameter %zu of %zu)\n",
                  nn_activation_name(act), nn_loss_name(loss), worst, worst_k, n);
    if (!(worst <= FD_BOUND))
        fail_msg("%s/%s: parameter %zu: backprop %.9g, finite difference %.9g (scale %.3g)",
                 nn_activation_name(act), nn_loss_name(loss), worst_k, grad[worst_k],
                 fd[worst_k], scale);
    free(grad);
    free(p);
    free(fd);
    nn_model_free(&m);
}

static void gradcheck_all(void **state)
{
    (void)state;
    for (int a = NN_RELU; a <= NN_SOFTPLUS; a++)
        for (int l = NN_LOSS_CROSS_ENTROPY; l <= NN_LOSS_MSE; l++)
            for (uint64_t seed = 1; seed <= 3; seed++)
                check_network((nn_activation)a, (nn_loss)l, seed);
}

/* Softmax regression (no hidden layer): the gradient is exactly
 * (softmax - onehot)^T x / rows for cross-entropy, written out here. */
static void gradient_without_hidden_layer(void **state)
{
    (void)state;
    const size_t sizes[] = {2, 3};
    nn_model m;
    assert_status(nn_model_init(&m, sizes, 2, NN_RELU), NN_OK);
    const float W[6] = {0.5f, -1.0f, 0.25f, 0.75f, -0.5f, 0.0f}, b[3] = {0.1f, 0.0f, -0.1f};
    memcpy(m.layers[0].weight, W, sizeof W);
    memcpy(m.layers[0].bias, b, sizeof b);
    const float x[4] = {1.0f, 2.0f, -1.0f, 0.5f};
    const int32_t y[2] = {2, 0};
    float grad[9];
    double loss;
    assert_status(nn_loss_gradient(&loss, grad, &m, NN_LOSS_CROSS_ENTROPY, x, y, 2),
                  NN_OK);
    double want_loss = 0.0, gw[6] = {0}, gb[3] = {0};
    for (int r = 0; r < 2; r++) {
        double z[3], s[3], sum = 0.0;
        for (int o = 0; o < 3; o++) {
            z[o] = b[o] + W[o * 2] * x[r * 2] + W[o * 2 + 1] * x[r * 2 + 1];
            sum += exp(z[o]);
        }
        want_loss += (log(sum) - z[y[r]]) / 2;
        for (int o = 0; o < 3; o++) {
            s[o] = exp(z[o]) / sum - (o == y[r]);
            gb[o] += s[o] / 2;
            gw[o * 2] += s[o] * x[r * 2] / 2;
            gw[o * 2 + 1] += s[o] * x[r * 2 + 1] / 2;
        }
    }
    assert_close(loss, want_loss, 1e-6);
    for (int k = 0; k < 6; k++)
        assert_close(grad[k], gw[k], 1e-6);
    for (int k = 0; k < 3; k++)
        assert_close(grad[6 + k], gb[k], 1e-6);
    nn_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gradcheck_all),
        cmocka_unit_test(gradient_without_hidden_layer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
