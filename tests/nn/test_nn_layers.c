/*
 * test_nn_layers.c — smx_nn's building blocks against numbers worked out
 * by hand, and against a plain double reference at awkward sizes:
 *
 *   dense forward/backward   a 3 -> 2 layer on two samples, every output
 *                            (catches a transposed W, a wrong layout, a
 *                            bias added twice or summed over the wrong axis)
 *   dense at awkward sizes   B, nin, nout below, at and above the kernels'
 *                            tiles (4 outputs or inputs, 4 rows, 4 lanes,
 *                            32 inputs per weight tile): the tails; and
 *                            each row's outputs and input gradients bit
 *                            for bit those of the row alone (B = 1), which
 *                            a batch laid out other than row-major fails
 *   activations              values and derivatives from the output, NaN
 *                            passes through relu, softplus/sigmoid do not
 *                            overflow
 *   optimizers               one (and two) steps of sgd, momentum and adam
 *                            against the update rules written out here;
 *                            weight decay reaches weights, never biases
 */
#include "nn_test.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Dense, by hand                                                            */
/* ------------------------------------------------------------------------ */

/* W = [[1 2 3], [4 5 6]], b = [0.5, -1]; samples (1, 0, -1) and (2, 1, 0),
 * stored row-major, one row per sample: inp[r][i].
 *   out[0] = (1 - 3 + 0.5, 4 - 6 - 1) = (-1.5, -3)
 *   out[1] = (2 + 2 + 0.5, 8 + 5 - 1) = (4.5, 12)
 * With dout = [[1, -1], [2, 0.5]] (dout[r][o]):
 *   dW[o][i] = sum_r dout[r][o] inp[r][i] = [[5, 2, -1], [0, 0.5, 1]]
 *   db       = (3, -0.5)
 *   dinp[r][i] = sum_o dout[r][o] W[o][i] = [[-3, -3, -3], [4, 6.5, 9]] */
static void dense_by_hand(void **state)
{
    (void)state;
    const float W[6] = {1, 2, 3, 4, 5, 6}, b[2] = {0.5f, -1.0f};
    const float inp[6] = {1, 0, -1, 2, 1, 0};
    float out[4];
    nn_dense_forward(out, inp, W, b, 2, 3, 2);
    const float want_out[4] = {-1.5f, -3.0f, 4.5f, 12.0f};
    for (int k = 0; k < 4; k++)
        assert_close(out[k], want_out[k], 0.0);

    const float dout[4] = {1, -1, 2, 0.5f};
    float dW[6], db[2], dinp[6];
    nn_dense_backward(dinp, dW, db, dout, inp, W, 2, 3, 2);
    const float want_dW[6] = {5, 2, -1, 0, 0.5f, 1}, want_db[2] = {3, -0.5f};
    const float want_dinp[6] = {-3, -3, -3, 4, 6.5f, 9};
    for (int k = 0; k < 6; k++) {
        assert_close(dW[k], want_dW[k], 0.0);
        assert_close(dinp[k], want_dinp[k], 0.0);
    }
    for (int k = 0; k < 2; k++)
        assert_close(db[k], want_db[k], 0.0);

    /* dinp NULL: the first layer's backward skips it, the rest unchanged */
    float dW2[6], db2[2];
    nn_dense_backward(NULL, dW2, db2, dout, inp, W, 2, 3, 2);
    assert_memory_equal(dW2, dW, sizeof dW);
    assert_memory_equal(db2, db, sizeof db);
}

/* A random multiple of 1/64 in [-2, 2]. */
static float sixty_fourths(uint64_t *rs)
{
    return (float)((int)(test_rand(rs) % 257) - 128) / 64.0f;
}

/* Every combination of sizes around the kernels' block widths, against
 * the definitions evaluated in double.  Inputs are multiples of 1/64 in
 * [-2, 2] so that products are exact and the only float error is in the
 * sums: |error| <= n * 2^-24 * sum |terms|. */
static void dense_awkward_sizes(void **state)
{
    (void)state;
    static const size_t Bs[] = {1, 2, 3, 7, 8, 9, 16, 17, 33};
    static const size_t ins[] = {1, 3, 4, 5, 8, 17, 33, 70};
    static const size_t outs[] = {1, 2, 3, 4, 5, 7, 16};
    uint64_t rs = 1;
    for (size_t a = 0; a < sizeof Bs / sizeof *Bs; a++)
        for (size_t c = 0; c < sizeof ins / sizeof *ins; c++)
            for (size_t d = 0; d < sizeof outs / sizeof *outs; d++) {
                const size_t B = Bs[a], nin = ins[c], nout = outs[d];
                float *inp = malloc(nin * B * sizeof *inp), *W = malloc(nout * nin * sizeof *W);
                float *bias = malloc(nout * sizeof *bias), *out = malloc(nout * B * sizeof *out);
                float *dout = malloc(nout * B * sizeof *dout), *dinp = malloc(nin * B * sizeof *dinp);
                float *dW = malloc(nout * nin * sizeof *dW), *db = malloc(nout * sizeof *db);
                assert_true(inp && W && bias && out && dout && dinp && dW && db);
                for (size_t k = 0; k < nin * B; k++)
                    inp[k] = sixty_fourths(&rs);
                for (size_t k = 0; k < nout * nin; k++)
                    W[k] = sixty_fourths(&rs);
                for (size_t k = 0; k < nout; k++)
                    bias[k] = sixty_fourths(&rs);
                for (size_t k = 0; k < nout * B; k++)
                    dout[k] = sixty_fourths(&rs);
                nn_dense_forward(out, inp, W, bias, B, nin, nout);
                nn_dense_backward(dinp, dW, db, dout, inp, W, B, nin, nout);
                const double tol_unit = 64.0 * 0x1p-24;
                for (size_t o = 0; o < nout; o++)
                    for (size_t r = 0; r < B; r++) {
                        double z = bias[o], mag = fabs(bias[o]);
                        for (size_t i = 0; i < nin; i++) {
                            z += (double)W[o * nin + i] * inp[r * nin + i];
                            mag += fabs((double)W[o * nin + i] * inp[r * nin + i]);
                        }
                        if (fabs(out[r * nout + o] - z) > tol_unit * (mag + 1))
                            fail_msg("forward B=%zu in=%zu out=%zu [%zu][%zu]: %g vs %g", B, nin,
                                     nout, r, o, out[r * nout + o], z);
                    }
                for (size_t o = 0; o < nout; o++) {
                    double s = 0, smag = 0;
                    for (size_t r = 0; r < B; r++) {
                        s += dout[r * nout + o];
                        smag += fabs(dout[r * nout + o]);
                    }
                    if (fabs(db[o] - s) > tol_unit * (smag + 1))
                        fail_msg("db B=%zu in=%zu out=%zu [%zu]", B, nin, nout, o);
                    for (size_t i = 0; i < nin; i++) {
                        double g = 0, mag = 0;
                        for (size_t r = 0; r < B; r++) {
                            g += (double)dout[r * nout + o] * inp[r * nin + i];
                            mag += fabs((double)dout[r * nout + o] * inp[r * nin + i]);
                        }
                        if (fabs(dW[o * nin + i] - g) > tol_unit * (mag + 1))
                            fail_msg("dW B=%zu in=%zu out=%zu [%zu][%zu]: %g vs %g", B, nin, nout,
                                     o, i, dW[o * nin + i], g);
                    }
                }
                /* row by row: the same bits as in the batch */
                for (size_t r = 0; r < B; r++) {
                    float row_out[16], row_dinp[70], dW1[16 * 70], db1[16];
                    nn_dense_forward(row_out, inp + r * nin, W, bias, 1, nin, nout);
                    nn_dense_backward(row_dinp, dW1, db1, dout + r * nout, inp + r * nin, W, 1,
                                      nin, nout);
                    if (memcmp(row_out, out + r * nout, nout * sizeof *out) != 0 ||
                        memcmp(row_dinp, dinp + r * nin, nin * sizeof *dinp) != 0)
                        fail_msg("B=%zu in=%zu out=%zu: row %zu differs from the row alone", B,
                                 nin, nout, r);
                }
                for (size_t i = 0; i < nin; i++)
                    for (size_t r = 0; r < B; r++) {
                        double g = 0, mag = 0;
                        for (size_t o = 0; o < nout; o++) {
                            g += (double)W[o * nin + i] * dout[r * nout + o];
                            mag += fabs((double)W[o * nin + i] * dout[r * nout + o]);
                        }
                        if (fabs(dinp[r * nin + i] - g) > tol_unit * (mag + 1))
                            fail_msg("dinp B=%zu in=%zu out=%zu [%zu][%zu]", B, nin, nout, r, i);
                    }
                free(inp);
                free(W);
                free(bias);
                free(out);
                free(dout);
                free(dinp);
                free(dW);
                free(db);
            }
}

/* ------------------------------------------------------------------------ */
/* Activations                                                               */
/* ------------------------------------------------------------------------ */

static void activations(void **state)
{
    (void)state;
    enum { N = 11 };
    /* 11 values: the 8-wide block and a tail of 3; extremes included */
    const float x[N] = {-100.0f, -3.0f, -0.5f, 0.0f, 0.25f, 1.0f, 2.0f, 20.0f, 100.0f, -20.0f, 0.5f};
    float y[N], dx[N], dy[N];
    for (int k = 0; k < N; k++)
        dy[k] = 1.0f + 0.125f * (float)k;

    for (int a = NN_RELU; a <= NN_SOFTPLUS; a++) {
        nn_activation_forward(y, x, N, (nn_activation)a);
        nn_activation_backward(dx, y, dy, N, (nn_activation)a);
        for (int k = 0; k < N; k++) {
            const double z = x[k];
            double f = 0, d = 0;
            switch (a) {
            case NN_RELU:
                f = z > 0 ? z : 0;
                d = z > 0 ? 1 : 0;
                break;
            case NN_TANH:
                f = tanh(z);
                d = 1 - f * f;
                break;
            case NN_SIGMOID:
                f = 1 / (1 + exp(-z));
                d = f * (1 - f);
                break;
            case NN_SOFTPLUS:
                f = z > 30 ? z : log1p(exp(z));
                d = 1 / (1 + exp(-z));
                break;
            }
            if (!(fabs(y[k] - f) <= 4e-7 * fmax(1, fabs(f))))
                fail_msg("%s(%g) = %.9g, want %.9g", nn_activation_name((nn_activation)a),
                         z, y[k], f);
            /* derivative from the rounded output: a few float ulps of 1 */
            const double want = dy[k] * d;
            if (!(fabs(dx[k] - want) <= 1e-6 * fmax(1, fabs(want))))
                fail_msg("%s'(%g) * %g = %.9g, want %.9g",
                         nn_activation_name((nn_activation)a), z, dy[k], dx[k], want);
        }
        /* in place, as the trainer uses them */
        float yy[N], gg[N];
        memcpy(yy, x, sizeof yy);
        nn_activation_forward(yy, yy, N, (nn_activation)a);
        assert_memory_equal(yy, y, sizeof y);
        memcpy(gg, dy, sizeof gg);
        nn_activation_backward(gg, yy, gg, N, (nn_activation)a);
        assert_memory_equal(gg, dx, sizeof dx);
    }

    /* a NaN must survive relu, so that divergence reaches the loss */
    float nan_in[9] = {NAN, 1, -1, 2, 3, 4, 5, 6, NAN}, nan_out[9];
    nn_activation_forward(nan_out, nan_in, 9, NN_RELU);
    assert_true(isnan(nan_out[0]) && isnan(nan_out[8]));
    assert_true(nan_out[2] == 0.0f && nan_out[1] == 1.0f);
}

/* ------------------------------------------------------------------------ */
/* Optimizers                                                                */
/* ------------------------------------------------------------------------ */

static nn_optim make_optim(nn_optimizer kind, double lr, size_t n)
{
    nn_config c = nn_default_config();
    c.optimizer = kind;
    c.learning_rate = lr;
    c.weight_decay = 0.0;
    nn_optim o;
    assert_status(nn_optim_init(&o, &c, n), NN_OK);
    return o;
}

static void optimizers_by_hand(void **state)
{
    (void)state;
    const float g[2] = {0.5f, 0.25f};

    /* sgd: p - lr g = (1 - 0.05, -2 - 0.025); with decay 0.1 the
     * gradient is g + 0.1 p = (0.6, 0.05) */
    nn_optim o = make_optim(NN_SGD, 0.1, 2);
    float p[2] = {1.0f, -2.0f};
    nn_optim_tick(&o);
    nn_optim_update(&o, p, g, 0, 2, 0.0f);
    assert_close(p[0], 0.95, 1e-7);
    assert_close(p[1], -2.025, 1e-7);
    p[0] = 1.0f, p[1] = -2.0f;
    nn_optim_update(&o, p, g, 0, 2, 0.1f);
    assert_close(p[0], 0.94, 1e-7);
    assert_close(p[1], -2.005, 1e-7);
    nn_optim_free(&o);

    /* momentum 0.9: step 1 v = g, p = (0.95, -2.025); step 2 with the same
     * g: v = 0.9 g + g = (0.95, 0.475), p = (0.855, -2.0725) */
    o = make_optim(NN_MOMENTUM, 0.1, 2);
    p[0] = 1.0f, p[1] = -2.0f;
    nn_optim_tick(&o);
    nn_optim_update(&o, p, g, 0, 2, 0.0f);
    assert_close(p[0], 0.95, 1e-7);
    assert_close(p[1], -2.025, 1e-7);
    nn_optim_tick(&o);
    nn_optim_update(&o, p, g, 0, 2, 0.0f);
    assert_close(p[0], 0.855, 1e-7);
    assert_close(p[1], -2.0725, 1e-7);
    nn_optim_free(&o);

    /* adam, the paper's form: m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
     * p -= lr mhat / (sqrt(vhat) + eps), mhat = m / (1-b1^t),
     * vhat = v / (1-b2^t).  Step 1 moves every parameter by lr against
     * the sign of its gradient: (0.9, -2.1).  Step 2, gradient (-0.5, 0.5):
     *   m0 = 0.9*0.05 - 0.05 = -0.005,  v0 = 0.999*0.00025 + 0.00025
     *   p0 = 0.9 + 0.1 * (0.005/0.19) / sqrt(v0/0.001999) = 0.905263... */
    o = make_optim(NN_ADAM, 0.1, 2);
    p[0] = 1.0f, p[1] = -2.0f;
    nn_optim_tick(&o);
    nn_optim_update(&o, p, g, 0, 2, 0.0f);
    assert_close(p[0], 0.9, 1e-6);
    assert_close(p[1], -2.1, 1e-6);
    const float g2[2] = {-0.5f, 0.5f};
    nn_optim_tick(&o);
    nn_optim_update(&o, p, g2, 0, 2, 0.0f);
    double m[2], v[2], want[2] = {1.0, -2.0};
    for (int k = 0; k < 2; k++) {
        m[k] = 0.1 * g[k];
        v[k] = 0.001 * g[k] * g[k];
        want[k] -= 0.1 * (m[k] / 0.1) / (sqrt(v[k] / 0.001) + 1e-8);
        m[k] = 0.9 * m[k] + 0.1 * g2[k];
        v[k] = 0.999 * v[k] + 0.001 * g2[k] * g2[k];
        want[k] -= 0.1 * (m[k] / 0.19) / (sqrt(v[k] / (1 - 0.999 * 0.999)) + 1e-8);
    }
    assert_close(want[0], 0.905263, 1e-6); /* the number in the comment */
    assert_close(p[0], want[0], 1e-6);
    assert_close(p[1], want[1], 1e-6);
    nn_optim_free(&o);
}

/* nn_optim_step decays the weights and not the biases: a 1 -> 1
 * layer with W = b = 1, gradient 1, sgd lr 0.1, decay 0.5:
 *   W = 1 - 0.1 (1 + 0.5) = 0.85,  b = 1 - 0.1 = 0.9 */
static void weight_decay_skips_biases(void **state)
{
    (void)state;
    nn_model m;
    const size_t sizes[2] = {1, 1};
    assert_status(nn_model_init(&m, sizes, 2, NN_RELU), NN_OK);
    assert_int_equal(m.n_params, 2);
    m.layers[0].weight[0] = 1.0f;
    m.layers[0].bias[0] = 1.0f;
    nn_config c = nn_default_config();
    c.optimizer = NN_SGD;
    c.learning_rate = 0.1;
    c.weight_decay = 0.5;
    nn_optim o;
    assert_status(nn_optim_init(&o, &c, m.n_params), NN_OK);
    const float grad[2] = {1.0f, 1.0f};
    nn_optim_step(&o, &m, grad);
    assert_close(m.layers[0].weight[0], 0.85, 1e-7);
    assert_close(m.layers[0].bias[0], 0.9, 1e-7);
    nn_optim_free(&o);
    nn_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dense_by_hand),
        cmocka_unit_test(dense_awkward_sizes),
        cmocka_unit_test(activations),
        cmocka_unit_test(optimizers_by_hand),
        cmocka_unit_test(weight_decay_skips_biases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
