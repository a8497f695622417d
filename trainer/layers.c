/*
 * layers.c — the forward/backward pairs of smx_nn's layers: dense (fully
 * connected) and the hidden activations.  Each backward has the forward's
 * stem and parameter order and quotes the forward it differentiates
 * (llm.c's habit).  Shapes: B samples (the batch), one row each (below).
 *
 * Speed.  Training Iris is ~33k multiply-adds per epoch, so these loops are
 * the whole cost.  At -O2, gcc's "very cheap" vector cost model vectorises
 * a loop only when no scalar remainder is needed, which a run-time length
 * never guarantees; the loops are therefore written over tiles of constant
 * width (whose loops it does vectorise) and a scalar tail.
 */
#include "nn.h"

#include <math.h>

/* Layout.  A batch of activations is stored as the data are and as
 * libsmx's softmax functions take them: one row per sample, A[B][n] with
 * A[r][i] at r*n + i (row-major), so that nothing is transposed between the
 * data, the layers and the loss.  The weights stay W[out][in] (PyTorch's
 * and the model file's layout).
 *
 * Every sum has a fixed order written in the code, the same whether or not
 * the compiler vectorises it (so models are reproducible bit for bit):
 *   forward   out[r][o] = b[o] + W[o][0] a[r][0] + W[o][1] a[r][1] + ...,
 *             the terms in input order, whatever B is;
 *   dinp      W[0][i] g[r][0] + W[1][i] g[r][1] + ..., in output order;
 *   dW, db    over the batch: NN_LANES partial sums (rows r = k mod 4 in
 *             lane k), combined pairwise, then the rows of the tail.
 *
 * Each kernel keeps NN_COLS adjacent outputs (forward, dW, db) or inputs
 * (dinp) in one array of accumulators, which the vectoriser turns into a
 * vector register, and several such arrays (rows or lanes) for independent
 * chains of additions.  The arrays are named and indexed by constants only:
 * gcc -O2 keeps an array indexed by a loop variable in memory, 2-3x slower.
 * The forward pass copies a tile of W, transposed, to the stack, so that
 * the tile's weights for one input are adjacent; its cost is that of one
 * row of the batch.
 *
 * bench/train_iris (1000 full-batch epochs of 4-16-3 on 120 rows) takes
 * 7.2 ms with these kernels; feature-major kernels, vectorised along the
 * batch, took 6.2 ms on the same machine including the two transposes per
 * batch they need (the logits in, their gradient out): Iris's layer
 * widths, 4, 16 and 3, are short rows to vectorise along. */
#define NN_COLS 4      /* outputs or inputs per tile: one SSE vector */
#define NN_LANES 4     /* partial sums per reduction over the batch */
#define NN_TILE_IN 32  /* inputs per stack copy of a weight tile */
#define NN_ACT_BLOCK 8 /* elements per block of the activations */
/* The tile functions take their width (NN_COLS or 1) as an argument and
 * are inlined where it is a constant: only then are their loops of
 * constant length (gcc does not inline them on its own). */
#define NN_TILE_FN static inline __attribute__((always_inline))

/* ------------------------------------------------------------------------ */
/* Dense                                                                     */
/* ------------------------------------------------------------------------ */

/* The tile width for n columns left: NN_COLS, or 1 for the tail. */
static inline size_t tile_width(size_t n)
{
    return n >= NN_COLS ? NN_COLS : 1;
}

/* Outputs o0..o0+used (used <= NN_COLS) of every row, for inputs
 * i0..i0+ni: on the first input tile the sums start from the bias, on
 * later ones from the partial sums already in out.  Lanes from used on
 * compute zeros and are not stored: the 3 logits of Iris take one tile
 * rather than three scalar sums per row. */
static void forward_tile(float *out, const float *inp, const float *W, const float *b,
                         size_t B, size_t nin, size_t nout, size_t o0, size_t used, size_t i0,
                         size_t ni)
{
    float wt[NN_TILE_IN][NN_COLS]; /* wt[i][k] = W[o0 + k][i0 + i] */
    float bias[NN_COLS];           /* b, with zeros in the unused lanes */
    for (size_t k = 0; k < NN_COLS; k++) {
        for (size_t i = 0; i < ni; i++)
            wt[i][k] = k < used ? W[(o0 + k) * nin + i0 + i] : 0.0f;
        bias[k] = k < used ? b[o0 + k] : 0.0f;
    }
    /* Read through a restrict pointer: gcc otherwise loses track of
     * which stack array a load in the loop below reads, and then keeps the
     * accumulators in memory instead of registers (a 3x slower kernel). */
    const float *restrict wtp = &wt[0][0];
    /* Four rows at a time, four independent chains of additions (rows
     * past the end repeat the last row: computed and stored again). */
    for (size_t r = 0; r < B; r += 4) {
        const size_t r1 = r + 1 < B ? r + 1 : B - 1, r2 = r + 2 < B ? r + 2 : B - 1;
        const size_t r3 = r + 3 < B ? r + 3 : B - 1;
        const float *a0 = inp + r * nin + i0, *a1 = inp + r1 * nin + i0;
        const float *a2 = inp + r2 * nin + i0, *a3 = inp + r3 * nin + i0;
        float *z0 = out + r * nout + o0, *z1 = out + r1 * nout + o0;
        float *z2 = out + r2 * nout + o0, *z3 = out + r3 * nout + o0;
        float acc0[NN_COLS], acc1[NN_COLS], acc2[NN_COLS], acc3[NN_COLS];
        if (i0 == 0) {
            for (size_t k = 0; k < NN_COLS; k++)
                acc0[k] = acc1[k] = acc2[k] = acc3[k] = bias[k];
        } else {
            for (size_t k = 0; k < NN_COLS; k++) {
                acc0[k] = k < used ? z0[k] : 0.0f;
                acc1[k] = k < used ? z1[k] : 0.0f;
                acc2[k] = k < used ? z2[k] : 0.0f;
                acc3[k] = k < used ? z3[k] : 0.0f;
            }
        }
        for (size_t i = 0; i < ni; i++) {
            const float x0 = a0[i], x1 = a1[i], x2 = a2[i], x3 = a3[i];
            for (size_t k = 0; k < NN_COLS; k++) {
                const float w = wtp[i * NN_COLS + k];
                acc0[k] += x0 * w;
                acc1[k] += x1 * w;
                acc2[k] += x2 * w;
                acc3[k] += x3 * w;
            }
        }
        if (used == NN_COLS) {
            for (size_t k = 0; k < NN_COLS; k++) {
                z0[k] = acc0[k];
                z1[k] = acc1[k];
                z2[k] = acc2[k];
                z3[k] = acc3[k];
            }
        } else {
            for (size_t k = 0; k < NN_COLS; k++)
                if (k < used) {
                    z0[k] = acc0[k];
                    z1[k] = acc1[k];
                    z2[k] = acc2[k];
                    z3[k] = acc3[k];
                }
        }
    }
}

/* out[r][o] = b[o] + sum_i W[o][i] inp[r][i]   (Z = A W^T + 1 b^T)
 * out [B][nout], inp [B][nin], W [nout][nin], b [nout]. */
void nn_dense_forward(float *out, const float *inp, const float *W, const float *b,
                      size_t B, size_t nin, size_t nout)
{
    for (size_t o = 0; o < nout; o += NN_COLS) {
        const size_t used = nout - o < NN_COLS ? nout - o : NN_COLS;
        size_t i0 = 0;
        do { /* at least once: with nin 0 the outputs are the biases */
            const size_t ni = nin - i0 < NN_TILE_IN ? nin - i0 : NN_TILE_IN;
            forward_tile(out, inp, W, b, B, nin, nout, o, used, i0, ni);
            i0 += NN_TILE_IN;
        } while (i0 < nin);
    }
}

/* s[k] = sum_r g[r][o] a[r][i0 + k] for k < width, over the batch in the
 * lane order above; g [B][ng], a [B][na].  The four lanes are four named
 * arrays indexed by constants only, so that they stay in registers.
 * width is a constant where this is inlined. */
NN_TILE_FN void weighted_sums(float *s, const float *g, size_t ng, size_t o, const float *a,
                              size_t na, size_t i0, size_t B, size_t width)
{
    float acc0[NN_COLS], acc1[NN_COLS], acc2[NN_COLS], acc3[NN_COLS];
    for (size_t k = 0; k < width; k++)
        acc0[k] = acc1[k] = acc2[k] = acc3[k] = 0.0f;
    size_t r = 0;
    for (; r + NN_LANES <= B; r += NN_LANES) {
        const float g0 = g[r * ng + o], g1 = g[(r + 1) * ng + o];
        const float g2 = g[(r + 2) * ng + o], g3 = g[(r + 3) * ng + o];
        const float *a0 = a + r * na + i0, *a1 = a0 + na, *a2 = a1 + na, *a3 = a2 + na;
        for (size_t k = 0; k < width; k++) {
            acc0[k] += g0 * a0[k];
            acc1[k] += g1 * a1[k];
            acc2[k] += g2 * a2[k];
            acc3[k] += g3 * a3[k];
        }
    }
    for (size_t k = 0; k < width; k++)
        s[k] = (acc0[k] + acc1[k]) + (acc2[k] + acc3[k]);
    for (; r < B; r++) {
        const float gro = g[r * ng + o];
        const float *ar = a + r * na + i0;
        for (size_t k = 0; k < width; k++)
            s[k] += gro * ar[k];
    }
}

/* s[k] = sum_r g[r][o + k] for k < width, in the same order as
 * weighted_sums (its sums with a = 1, without the ones). */
NN_TILE_FN void column_sums(float *s, const float *g, size_t ng, size_t o, size_t B,
                            size_t width)
{
    float acc0[NN_COLS], acc1[NN_COLS], acc2[NN_COLS], acc3[NN_COLS];
    for (size_t k = 0; k < width; k++)
        acc0[k] = acc1[k] = acc2[k] = acc3[k] = 0.0f;
    size_t r = 0;
    for (; r + NN_LANES <= B; r += NN_LANES) {
        const float *g0 = g + r * ng + o, *g1 = g0 + ng, *g2 = g1 + ng, *g3 = g2 + ng;
        for (size_t k = 0; k < width; k++) {
            acc0[k] += g0[k];
            acc1[k] += g1[k];
            acc2[k] += g2[k];
            acc3[k] += g3[k];
        }
    }
    for (size_t k = 0; k < width; k++)
        s[k] = (acc0[k] + acc1[k]) + (acc2[k] + acc3[k]);
    for (; r < B; r++) {
        const float *gr = g + r * ng + o;
        for (size_t k = 0; k < width; k++)
            s[k] += gr[k];
    }
}

/* dinp[r][i0..i0+width) for one row: W[0][i] g[0] + W[1][i] g[1] + ... */
NN_TILE_FN void dinp_tile(float *d, const float *g, const float *W, size_t nin, size_t nout,
                          size_t i0, size_t width)
{
    float acc[NN_COLS];
    for (size_t k = 0; k < width; k++)
        acc[k] = W[i0 + k] * g[0];
    for (size_t o = 1; o < nout; o++) {
        const float go = g[o];
        const float *w = W + o * nin + i0;
        for (size_t k = 0; k < width; k++)
            acc[k] += w[k] * go;
    }
    for (size_t k = 0; k < width; k++)
        d[i0 + k] = acc[k];
}

/* Backward of nn_dense_forward(out, inp, W, b, B, nin, nout):
 *     Z = A W^T + 1 b^T
 *     dA = dZ W          dinp[r][i] = sum_o dout[r][o] W[o][i]   (skipped if dinp is NULL)
 *     dW = dZ^T A        dW[o][i]   = sum_r dout[r][o] inp[r][i]
 *     db = dZ^T 1        db[o]      = sum_r dout[r][o]
 * dW and db are overwritten, not accumulated. */
void nn_dense_backward(float *dinp, float *dW, float *db, const float *dout,
                       const float *inp, const float *W, size_t B, size_t nin, size_t nout)
{
    for (size_t o = 0; o < nout; o++) {
        float *dw = dW + o * nin;
        for (size_t i = 0; i < nin;) {
            const size_t width = tile_width(nin - i);
            if (width == NN_COLS)
                weighted_sums(dw + i, dout, nout, o, inp, nin, i, B, NN_COLS);
            else
                weighted_sums(dw + i, dout, nout, o, inp, nin, i, B, 1);
            i += width;
        }
    }
    for (size_t o = 0; o < nout;) {
        const size_t width = tile_width(nout - o);
        if (width == NN_COLS)
            column_sums(db + o, dout, nout, o, B, NN_COLS);
        else
            column_sums(db + o, dout, nout, o, B, 1);
        o += width;
    }

    if (!dinp)
        return;
    if (nout == 0) {
        for (size_t k = 0; k < B * nin; k++)
            dinp[k] = 0.0f;
        return;
    }
    for (size_t r = 0; r < B; r++) {
        float *d = dinp + r * nin;
        const float *g = dout + r * nout;
        for (size_t i = 0; i < nin;) {
            const size_t width = tile_width(nin - i);
            if (width == NN_COLS)
                dinp_tile(d, g, W, nin, nout, i, NN_COLS);
            else
                dinp_tile(d, g, W, nin, nout, i, 1);
            i += width;
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
        for (; i + NN_ACT_BLOCK <= n; i += NN_ACT_BLOCK) {
            /* all loads before all stores: y may be x, and the vectoriser
             * may then still load and store whole blocks */
            float t[NN_ACT_BLOCK];
            for (size_t k = 0; k < NN_ACT_BLOCK; k++)
                t[k] = x[i + k];
            for (size_t k = 0; k < NN_ACT_BLOCK; k++)
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
        for (; i + NN_ACT_BLOCK <= n; i += NN_ACT_BLOCK) {
            float t[NN_ACT_BLOCK], g[NN_ACT_BLOCK]; /* dx may be dy: loads first */
            for (size_t k = 0; k < NN_ACT_BLOCK; k++) {
                t[k] = y[i + k];
                g[k] = dy[i + k];
            }
            for (size_t k = 0; k < NN_ACT_BLOCK; k++)
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
