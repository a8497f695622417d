/*
 * layers.c — the forward/backward pairs of smx_nn's layers: dense (fully
 * connected) and the hidden activations.  Each backward has the forward's
 * stem and parameter order and quotes the forward it differentiates
 * (llm.c's habit).  Shapes: B samples (the batch), feature-major (below).
 *
 * Speed.  Training Iris is ~33k multiply-adds per epoch, so these loops are
 * the whole cost.  At -O2, gcc's "very cheap" vector cost model vectorises
 * a loop only when no scalar remainder is needed, which a run-time length
 * never guarantees; the loops are therefore written as fixed-size blocks
 * (whose inner loops of constant length it does vectorise) and a scalar
 * tail.
 */
#include "nn.h"

#include <math.h>

/* Layout.  A batch of activations is stored as in the textbook equations
 * z = W a + b: one column per sample, A[n][B] with A[i][r] at i*B + r
 * (feature-major).  Then every loop below runs along a row of length B,
 * the batch, contiguous and long, whatever the layer widths: with Iris's
 * 4-16-3 network the sample-major alternative ran its inner loops over 4,
 * 16 or 3 elements, and bench/train_iris.c measured 22 ms for 1000 epochs
 * against 10.6 ms with this layout (of which 6.3 ms are libsmx's
 * cross-entropy in both).  The weights stay W[out][in] (PyTorch's and the
 * model file's layout).
 *
 * Each kernel works on blocks of NN_COLS columns kept in an array of
 * accumulators, written element by element: the vectoriser turns the block
 * into vector registers, and the order of every sum is fixed by the code
 * (terms in index order; for reductions over the batch, four lane sums
 * combined pairwise), so results are the same bit for bit whether or not
 * it vectorises, and the scalar tails use the same order. */
#define NN_COLS 8  /* columns per block in forward and dinp: two SSE vectors
                           (16 measured 20 % slower: the accumulators spill) */
#define NN_LANES 4 /* partial sums per reduction over the batch */

/* ------------------------------------------------------------------------ */
/* Dense                                                                     */
/* ------------------------------------------------------------------------ */

/* out[o][r] = b[o] + sum_i W[o][i] inp[i][r]   (Z = W A + b 1^T)
 * out [nout][B], inp [nin][B], W [nout][nin], b [nout]. */
void nn_dense_forward(float *out, const float *inp, const float *W, const float *b,
                      size_t B, size_t nin, size_t nout)
{
    for (size_t o = 0; o < nout; o++) {
        const float *w = W + o * nin;
        float *z = out + o * B;
        size_t r = 0;
        for (; r + NN_COLS <= B; r += NN_COLS) {
            float acc[NN_COLS];
            for (size_t k = 0; k < NN_COLS; k++)
                acc[k] = b[o];
            for (size_t i = 0; i < nin; i++) {
                const float wi = w[i];
                const float *a = inp + i * B + r;
                for (size_t k = 0; k < NN_COLS; k++)
                    acc[k] += wi * a[k];
            }
            for (size_t k = 0; k < NN_COLS; k++)
                z[r + k] = acc[k];
        }
        for (; r < B; r++) {
            float acc = b[o];
            for (size_t i = 0; i < nin; i++)
                acc += w[i] * inp[i * B + r];
            z[r] = acc;
        }
    }
}

/* sum_r x[r] y[r] over a row of the batch: NN_LANES partial sums over
 * blocks, combined pairwise, then the tail.  dot_x4 computes four such
 * dots sharing x, the same way (so the same bits), with four independent
 * accumulators to hide the latency of the additions. */
static inline float dot(const float *x, const float *y, size_t n)
{
    float acc[NN_LANES] = {0.0f, 0.0f, 0.0f, 0.0f};
    size_t r = 0;
    for (; r + NN_LANES <= n; r += NN_LANES)
        for (size_t k = 0; k < NN_LANES; k++)
            acc[k] += x[r + k] * y[r + k];
    float s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; r < n; r++)
        s += x[r] * y[r];
    return s;
}

static inline void dot_x4(float out[4], const float *x, const float *y0, const float *y1,
                          const float *y2, const float *y3, size_t n)
{
    float a0[NN_LANES] = {0.0f, 0.0f, 0.0f, 0.0f};
    float a1[NN_LANES] = {0.0f, 0.0f, 0.0f, 0.0f};
    float a2[NN_LANES] = {0.0f, 0.0f, 0.0f, 0.0f};
    float a3[NN_LANES] = {0.0f, 0.0f, 0.0f, 0.0f};
    size_t r = 0;
    for (; r + NN_LANES <= n; r += NN_LANES)
        for (size_t k = 0; k < NN_LANES; k++) {
            const float xk = x[r + k];
            a0[k] += xk * y0[r + k];
            a1[k] += xk * y1[r + k];
            a2[k] += xk * y2[r + k];
            a3[k] += xk * y3[r + k];
        }
    float s0 = (a0[0] + a0[1]) + (a0[2] + a0[3]);
    float s1 = (a1[0] + a1[1]) + (a1[2] + a1[3]);
    float s2 = (a2[0] + a2[1]) + (a2[2] + a2[3]);
    float s3 = (a3[0] + a3[1]) + (a3[2] + a3[3]);
    for (; r < n; r++) {
        s0 += x[r] * y0[r];
        s1 += x[r] * y1[r];
        s2 += x[r] * y2[r];
        s3 += x[r] * y3[r];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

/* Backward of nn_dense_forward(out, inp, W, b, B, nin, nout):
 *     Z = W A + b 1^T
 *     dA = W^T dZ        dinp[i][r] = sum_o W[o][i] dout[o][r]   (skipped if dinp is NULL)
 *     dW = dZ A^T        dW[o][i]   = sum_r dout[o][r] inp[i][r]
 *     db = dZ 1          db[o]      = sum_r dout[o][r]
 * dW and db are overwritten, not accumulated. */
void nn_dense_backward(float *dinp, float *dW, float *db, const float *dout,
                       const float *inp, const float *W, size_t B, size_t nin, size_t nout)
{
    for (size_t o = 0; o < nout; o++) {
        const float *g = dout + o * B;
        float *dw = dW + o * nin;
        size_t i = 0;
        for (; i + 4 <= nin; i += 4) {
            const float *a = inp + i * B;
            dot_x4(dw + i, g, a, a + B, a + 2 * B, a + 3 * B, B);
        }
        for (; i < nin; i++)
            dw[i] = dot(g, inp + i * B, B);
        /* sum_r g[r] = dot(g, ones) in the same order, without the ones */
        float acc[NN_LANES] = {0.0f, 0.0f, 0.0f, 0.0f};
        size_t r = 0;
        for (; r + NN_LANES <= B; r += NN_LANES)
            for (size_t k = 0; k < NN_LANES; k++)
                acc[k] += g[r + k];
        float s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        for (; r < B; r++)
            s += g[r];
        db[o] = s;
    }

    if (!dinp || nout == 0) {
        if (dinp)
            for (size_t k = 0; k < nin * B; k++)
                dinp[k] = 0.0f;
        return;
    }
    for (size_t i = 0; i < nin; i++) {
        float *d = dinp + i * B;
        size_t r = 0;
        for (; r + NN_COLS <= B; r += NN_COLS) {
            float acc[NN_COLS];
            const float w0 = W[i];
            for (size_t k = 0; k < NN_COLS; k++)
                acc[k] = w0 * dout[r + k];
            for (size_t o = 1; o < nout; o++) {
                const float wo = W[o * nin + i];
                const float *g = dout + o * B + r;
                for (size_t k = 0; k < NN_COLS; k++)
                    acc[k] += wo * g[k];
            }
            for (size_t k = 0; k < NN_COLS; k++)
                d[r + k] = acc[k];
        }
        for (; r < B; r++) {
            float acc = W[i] * dout[r];
            for (size_t o = 1; o < nout; o++)
                acc += W[o * nin + i] * dout[o * B + r];
            d[r] = acc;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Activations                                                               */
/* ------------------------------------------------------------------------ */

/* Logistic sigmoid without overflow: exp of a non-positive argument only. */
static inline float sigmoid(float z)
{
    if (z >= 0.0f)
        return 1.0f / (1.0f + expf(-z));
    const float e = expf(z);
    return e / (1.0f + e);
}

/* softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|): no overflow for
 * large z, no loss of e^z for very negative z. */
static inline float softplus(float z)
{
    return (z > 0.0f ? z : 0.0f) + log1pf(expf(-fabsf(z)));
}

void nn_activation_forward(float *y, const float *x, size_t n, nn_activation act)
{
    switch (act) {
    case NN_RELU: {
        /* z < 0 ? 0 : z, not z > 0 ? z : 0, so that a NaN passes through
         * and divergence shows in the loss instead of being zeroed.
         * Blocks of constant length, as in the dense kernels, so that -O2
         * vectorises the comparison. */
        size_t i = 0;
        for (; i + NN_COLS <= n; i += NN_COLS) {
            /* all loads before all stores: y may be x, and the vectoriser
             * may then still load and store whole blocks */
            float t[NN_COLS];
            for (size_t k = 0; k < NN_COLS; k++)
                t[k] = x[i + k];
            for (size_t k = 0; k < NN_COLS; k++)
                y[i + k] = t[k] < 0.0f ? 0.0f : t[k];
        }
        for (; i < n; i++)
            y[i] = x[i] < 0.0f ? 0.0f : x[i];
        break;
    }
    case NN_TANH:
        for (size_t i = 0; i < n; i++)
            y[i] = tanhf(x[i]);
        break;
    case NN_SIGMOID:
        for (size_t i = 0; i < n; i++)
            y[i] = sigmoid(x[i]);
        break;
    case NN_SOFTPLUS:
        for (size_t i = 0; i < n; i++)
            y[i] = softplus(x[i]);
        break;
    }
}

/* Backward of nn_activation_forward(y, x, n, act), from the output
 * (the forward may have overwritten x with y):
 *     relu:     y = max(0, x)          dy/dx = [y > 0]  (0 at the kink, as PyTorch)
 *     tanh:     y = tanh x             dy/dx = 1 - y^2
 *     sigmoid:  y = 1 / (1 + e^-x)     dy/dx = y (1 - y)
 *     softplus: y = log(1 + e^x)       dy/dx = sigmoid(x) = 1 - e^-y = -expm1(-y)
 * (-expm1 keeps the derivative accurate where it is tiny, y near 0.) */
void nn_activation_backward(float *dx, const float *y, const float *dy, size_t n,
                            nn_activation act)
{
    switch (act) {
    case NN_RELU: {
        size_t i = 0;
        for (; i + NN_COLS <= n; i += NN_COLS) {
            float t[NN_COLS], g[NN_COLS]; /* dx may be dy: loads first */
            for (size_t k = 0; k < NN_COLS; k++) {
                t[k] = y[i + k];
                g[k] = dy[i + k];
            }
            for (size_t k = 0; k < NN_COLS; k++)
                dx[i + k] = t[k] > 0.0f ? g[k] : 0.0f;
        }
        for (; i < n; i++)
            dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
        break;
    }
    case NN_TANH:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * (1.0f - y[i] * y[i]);
        break;
    case NN_SIGMOID:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * (y[i] * (1.0f - y[i]));
        break;
    case NN_SOFTPLUS:
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * -expm1f(-y[i]);
        break;
    }
}
