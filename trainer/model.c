/*
 * model.c — the smx_nn model: allocation and initialisation, the
 * forward/backward pass through the whole network (shared with train.c
 * through nn_internal.h), prediction, evaluation, and the float and double
 * loss evaluations behind gradient checking.  Also the status and name
 * strings.
 *
 * The output layer is where libsmx comes in: cross-entropy is its fused
 * smx_cross_entropy_ex_f32 (loss and softmax - onehot from the logits in
 * one call), and the MSE loss goes through smx_softmax_f32 forward and the
 * general smx_softmax_backward_f32 (the Jacobian-vector product).
 */
#include "nn_internal.h"

#include <smx.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

const char *nn_strerror(nn_status status)
{
    switch (status) {
    case NN_OK:
        return "success";
    case NN_ERR_NULL_POINTER:
        return "a required pointer is NULL";
    case NN_ERR_NO_MEMORY:
        return "out of memory";
    case NN_ERR_BAD_SIZE:
        return "a size is zero or too large";
    case NN_ERR_BAD_LABEL:
        return "a label is outside [0, classes)";
    case NN_ERR_BAD_CONFIG:
        return "a training setting is out of range";
    case NN_ERR_TOO_FEW_ROWS:
        return "too few rows to split: one side would be empty";
    case NN_ERR_NOT_FINITE:
        return "a feature value is NaN or infinite";
    case NN_ERR_DIVERGED:
        return "training diverged: the loss became NaN or infinite (lower the learning rate)";
    case NN_ERR_LIBRARY:
        return "libsmx refused a call (internal error)";
    }
    return "unknown nn_status";
}

static const char *const activation_names[] = {"relu", "tanh", "sigmoid", "softplus"};
static const char *const loss_names[] = {"cross-entropy", "mse"};
static const char *const optimizer_names[] = {"sgd", "momentum", "adam"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *nn_activation_name(nn_activation a)
{
    return (size_t)a < COUNT(activation_names) ? activation_names[a] : "unknown";
}

const char *nn_loss_name(nn_loss l)
{
    return (size_t)l < COUNT(loss_names) ? loss_names[l] : "unknown";
}

const char *nn_optimizer_name(nn_optimizer o)
{
    return (size_t)o < COUNT(optimizer_names) ? optimizer_names[o] : "unknown";
}

static int find_name(const char *const *names, size_t n, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

int nn_activation_parse(nn_activation *out, const char *name)
{
    const int i = find_name(activation_names, COUNT(activation_names), name);
    if (i < 0 || !out)
        return -1;
    *out = (nn_activation)i;
    return 0;
}

int nn_loss_parse(nn_loss *out, const char *name)
{
    int i = find_name(loss_names, COUNT(loss_names), name);
    if (i < 0 && name && (strcmp(name, "ce") == 0 || strcmp(name, "cross_entropy") == 0))
        i = NN_LOSS_CROSS_ENTROPY;
    if (i < 0 || !out)
        return -1;
    *out = (nn_loss)i;
    return 0;
}

int nn_optimizer_parse(nn_optimizer *out, const char *name)
{
    const int i = find_name(optimizer_names, COUNT(optimizer_names), name);
    if (i < 0 || !out)
        return -1;
    *out = (nn_optimizer)i;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Model                                                                     */
/* ------------------------------------------------------------------------ */

/* a * b + c into *out, or 0 on size_t overflow. */
static int mul_add(size_t *out, size_t a, size_t b, size_t c)
{
    if (b != 0 && a > (SIZE_MAX - c) / b)
        return 0;
    *out = a * b + c;
    return 1;
}

nn_status nn_model_init(nn_model *model, const size_t *sizes, size_t n_sizes,
                        nn_activation activation)
{
    if (!model)
        return NN_ERR_NULL_POINTER;
    *model = (nn_model){0};
    if (!sizes)
        return NN_ERR_NULL_POINTER;
    if (n_sizes < 2 || n_sizes > NN_MAX_LAYERS + 1)
        return NN_ERR_BAD_SIZE;
    if ((size_t)activation >= COUNT(activation_names))
        return NN_ERR_BAD_CONFIG;
    size_t n_params = 0;
    for (size_t l = 0; l + 1 < n_sizes; l++) {
        size_t layer;
        if (sizes[l] == 0 || sizes[l + 1] == 0)
            return NN_ERR_BAD_SIZE;
        /* out * in + out, then the running total */
        if (!mul_add(&layer, sizes[l + 1], sizes[l], sizes[l + 1]) ||
            !mul_add(&n_params, 1, n_params, layer) || n_params > SIZE_MAX / sizeof(float))
            return NN_ERR_BAD_SIZE;
    }
    const size_t features = sizes[0];
    if (features > SIZE_MAX / (2 * sizeof(float)))
        return NN_ERR_BAD_SIZE;

    nn_model m = {0};
    m.params = calloc(n_params, sizeof *m.params);
    m.mean = malloc(2 * features * sizeof *m.mean);
    if (!m.params || !m.mean) {
        free(m.params);
        free(m.mean);
        return NN_ERR_NO_MEMORY;
    }
    m.std = m.mean + features;
    for (size_t j = 0; j < features; j++) {
        m.mean[j] = 0.0f;
        m.std[j] = 1.0f;
    }
    m.features = features;
    m.classes = sizes[n_sizes - 1];
    m.n_layers = n_sizes - 1;
    m.activation = activation;
    m.n_params = n_params;
    float *p = m.params;
    for (size_t l = 0; l < m.n_layers; l++) {
        nn_layer *L = &m.layers[l];
        L->in = sizes[l];
        L->out = sizes[l + 1];
        L->weight = p;
        p += L->out * L->in;
        L->bias = p;
        p += L->out;
    }
    *model = m;
    return NN_OK;
}

void nn_model_free(nn_model *model)
{
    if (!model)
        return;
    free(model->params);
    free(model->mean); /* std lives in the same block */
    *model = (nn_model){0};
}

void nn_model_randomize(nn_model *model, uint64_t seed)
{
    nn_rng rng;
    nn_rng_seed(&rng, seed);
    const int he = model->activation == NN_RELU || model->activation == NN_SOFTPLUS;
    for (size_t l = 0; l < model->n_layers; l++) {
        nn_layer *L = &model->layers[l];
        const size_t n = L->out * L->in;
        if (he) {
            const double sd = sqrt(2.0 / (double)L->in);
            for (size_t i = 0; i < n; i++)
                L->weight[i] = (float)(sd * nn_rng_normal(&rng));
        } else {
            const double a = sqrt(6.0 / (double)(L->in + L->out));
            for (size_t i = 0; i < n; i++)
                L->weight[i] = (float)(a * (2.0 * nn_rng_uniform(&rng) - 1.0));
        }
        for (size_t o = 0; o < L->out; o++)
            L->bias[o] = 0.0f;
    }
}

nn_status nn_check_model(const nn_model *model)
{
    if (!model || !model->params || !model->mean || !model->std)
        return NN_ERR_NULL_POINTER;
    if (model->n_layers < 1 || model->n_layers > NN_MAX_LAYERS ||
        (size_t)model->activation >= COUNT(activation_names))
        return NN_ERR_BAD_SIZE;
    size_t in = model->features;
    for (size_t l = 0; l < model->n_layers; l++) {
        const nn_layer *L = &model->layers[l];
        if (L->in != in || L->out == 0 || !L->weight || !L->bias)
            return NN_ERR_BAD_SIZE;
        in = L->out;
    }
    if (in != model->classes || in == 0)
        return NN_ERR_BAD_SIZE;
    return NN_OK;
}

/* ------------------------------------------------------------------------ */
/* Workspace and the pass through the network                                */
/* ------------------------------------------------------------------------ */

nn_status nn_work_init(nn_work *w, const nn_model *model, size_t cap)
{
    *w = (nn_work){0};
    if (cap == 0)
        cap = 1;
    size_t widest = model->classes, total = 0;
    for (size_t l = 0; l < model->n_layers; l++) {
        if (model->layers[l].out > widest)
            widest = model->layers[l].out;
        if (!mul_add(&total, cap, model->layers[l].out, total))
            return NN_ERR_BAD_SIZE;
    }
    /* probs, dlogits, grad_a, grad_b, input */
    const size_t C = model->classes;
    if (!mul_add(&total, cap, C, total) || !mul_add(&total, cap, C, total) ||
        !mul_add(&total, cap, widest, total) || !mul_add(&total, cap, widest, total) ||
        !mul_add(&total, cap, model->features, total) || total > SIZE_MAX / sizeof(float) ||
        cap > SIZE_MAX / sizeof(int32_t))
        return NN_ERR_BAD_SIZE;
    float *block = malloc(total * sizeof *block);
    int32_t *labels = malloc(cap * sizeof *labels);
    if (!block || !labels) {
        free(block);
        free(labels);
        return NN_ERR_NO_MEMORY;
    }
    float *p = block;
    for (size_t l = 0; l < model->n_layers; l++) {
        w->act[l + 1] = p;
        p += cap * model->layers[l].out;
    }
    w->logits = w->act[model->n_layers];
    w->probs = p;
    p += cap * C;
    w->dlogits = p;
    p += cap * C;
    w->grad_a = p;
    p += cap * widest;
    w->grad_b = p;
    p += cap * widest;
    w->input = p;
    w->labels = labels;
    w->block = block;
    w->cap = cap;
    w->act0 = w->input;
    return NN_OK;
}

void nn_work_free(nn_work *w)
{
    free(w->block);
    free(w->labels);
    *w = (nn_work){0};
}

void nn_load_input(nn_work *w, const nn_model *model, const float *x, size_t B,
                   int standardize)
{
    if (!standardize) {
        w->act0 = x; /* already in the layout the first layer reads */
        return;
    }
    const size_t F = model->features;
    nn_standardize_apply(w->input, x, B, F, model->mean, model->std);
    w->act0 = w->input;
}

void nn_forward(nn_work *w, const nn_model *model, size_t B)
{
    const float *in = w->act0;
    for (size_t l = 0; l < model->n_layers; l++) {
        const nn_layer *L = &model->layers[l];
        float *out = w->act[l + 1];
        nn_dense_forward(out, in, L->weight, L->bias, B, L->in, L->out);
        if (l + 1 < model->n_layers)
            nn_activation_forward(out, out, B * L->out, model->activation);
        in = out;
    }
}

nn_status nn_loss_backward(double *loss, float *grad, nn_work *w,
                           const nn_model *model, nn_loss loss_kind,
                           const float *class_weights, const int32_t *y, size_t B)
{
    const size_t C = model->classes, L = model->n_layers;
    float *dz = w->dlogits;

    if (loss_kind == NN_LOSS_CROSS_ENTROPY) {
        /* The fused call: mean loss and dL/dlogits = (softmax - onehot) / B;
         * with class weights, w[y_r] (softmax - onehot) / sum_r w[y_r]. */
        smx_cross_entropy_options_f32 opt = {0};
        opt.class_weights = class_weights;
        float lf;
        if (smx_cross_entropy_ex_f32(&lf, grad ? dz : NULL, w->logits, y, B, C, &opt) != SMX_OK)
            return NN_ERR_LIBRARY;
        *loss = lf;
    } else {
        /* L = (1/B) sum_r sum_k (s_rk - t_rk)^2 with s = softmax(logits):
         *     dL/ds = 2 (s - t) / B
         *     dL/dz = J^T dL/ds = s * (dL/ds - <dL/ds, s>)   (smx_softmax_backward_f32)
         * the path the fused gradient short-cuts for cross-entropy. */
        if (smx_softmax_f32(w->probs, w->logits, B, C) != SMX_OK)
            return NN_ERR_LIBRARY;
        const float two_over_b = 2.0f / (float)B;
        double sum = 0.0;
        for (size_t r = 0; r < B; r++) {
            const float *s = w->probs + r * C;
            float *ds = dz + r * C;
            for (size_t k = 0; k < C; k++) {
                const float d = s[k] - ((size_t)y[r] == k ? 1.0f : 0.0f);
                sum += (double)d * d;
                ds[k] = two_over_b * d;
            }
        }
        *loss = sum / (double)B;
        if (grad && smx_softmax_backward_f32(dz, w->probs, dz, B, C) != SMX_OK)
            return NN_ERR_LIBRARY;
    }
    if (!grad)
        return NN_OK;

    /* Backpropagation, last layer first: g is dL/d(output of layer l),
     * [B][out] like the activations, starting from dL/dlogits as libsmx
     * wrote it; the gradients of the layers below alternate between
     * grad_a and grad_b. */
    const float *g = dz;
    for (size_t l = L; l-- > 0;) {
        const nn_layer *Ly = &model->layers[l];
        const float *inp = l ? w->act[l] : w->act0;
        const size_t w_off = (size_t)(Ly->weight - model->params);
        const size_t b_off = (size_t)(Ly->bias - model->params);
        float *g_in = g == w->grad_a ? w->grad_b : w->grad_a;
        nn_dense_backward(l ? g_in : NULL, grad + w_off, grad + b_off, g, inp, Ly->weight,
                          B, Ly->in, Ly->out);
        if (l) {
            /* through the activation that produced act[l], from its output */
            nn_activation_backward(g_in, w->act[l], g_in, B * Ly->in, model->activation);
            g = g_in;
        }
    }
    return NN_OK;
}

size_t nn_count_correct(int32_t *pred, const nn_work *w, const nn_model *model,
                        const int32_t *y, size_t B)
{
    const size_t C = model->classes;
    const float *logits = w->logits;
    size_t correct = 0;
    for (size_t r = 0; r < B; r++) {
        const float *z = logits + r * C;
        size_t best = 0;
        for (size_t k = 1; k < C; k++)
            if (z[k] > z[best])
                best = k;
        if (pred)
            pred[r] = (int32_t)best;
        if (y)
            correct += (size_t)y[r] == best;
    }
    return correct;
}

nn_status nn_evaluate_rows(nn_eval *eval, size_t *confusion, nn_work *w,
                           const nn_model *model, nn_loss loss_kind,
                           const float *x, const int32_t *y, size_t rows,
                           int standardize)
{
    const size_t F = model->features, C = model->classes;
    double loss_sum = 0.0;
    size_t correct = 0;
    if (confusion)
        for (size_t i = 0; i < C * C; i++)
            confusion[i] = 0;
    for (size_t start = 0; start < rows; start += w->cap) {
        const size_t n = rows - start < w->cap ? rows - start : w->cap;
        nn_load_input(w, model, x + start * F, n, standardize);
        nn_forward(w, model, n);
        correct += nn_count_correct(w->labels, w, model, y + start, n);
        if (confusion)
            for (size_t r = 0; r < n; r++)
                confusion[(size_t)y[start + r] * C + (size_t)w->labels[r]]++;
        double l; /* unweighted: evaluation figures are plain means */
        const nn_status st =
            nn_loss_backward(&l, NULL, w, model, loss_kind, NULL, y + start, n);
        if (st != NN_OK)
            return st;
        loss_sum += l * (double)n;
    }
    eval->rows = rows;
    eval->correct = correct;
    eval->accuracy = rows ? (double)correct / (double)rows : NAN;
    eval->loss = rows ? loss_sum / (double)rows : NAN;
    return NN_OK;
}

/* ------------------------------------------------------------------------ */
/* Prediction and evaluation                                                 */
/* ------------------------------------------------------------------------ */

/* Rows per chunk in predict and evaluate: bounds the workspace (a few
 * hundred KB for wide layers) while amortising the per-chunk calls. */
#define NN_CHUNK_ROWS 256

static size_t chunk_rows(size_t rows)
{
    return rows < NN_CHUNK_ROWS ? rows : NN_CHUNK_ROWS;
}

nn_status nn_predict(float *probs, int32_t *pred, const nn_model *model,
                     const float *x, size_t rows)
{
    nn_status st = nn_check_model(model);
    if (st != NN_OK)
        return st;
    if (rows == 0)
        return NN_OK;
    if (!x)
        return NN_ERR_NULL_POINTER;
    nn_work w;
    if ((st = nn_work_init(&w, model, chunk_rows(rows))) != NN_OK)
        return st;
    const size_t F = model->features, C = model->classes;
    for (size_t start = 0; start < rows; start += w.cap) {
        const size_t n = rows - start < w.cap ? rows - start : w.cap;
        nn_load_input(&w, model, x + start * F, n, 1);
        nn_forward(&w, model, n);
        if (pred)
            nn_count_correct(pred + start, &w, model, NULL, n);
        if (probs && smx_softmax_f32(probs + start * C, w.logits, n, C) != SMX_OK) {
            st = NN_ERR_LIBRARY;
            break;
        }
    }
    nn_work_free(&w);
    return st;
}

nn_status nn_evaluate(nn_eval *eval, size_t *confusion, const nn_model *model,
                      nn_loss loss_kind, const float *x, const int32_t *y,
                      size_t rows)
{
    nn_status st = nn_check_model(model);
    if (st != NN_OK)
        return st;
    if (!eval || (rows > 0 && (!x || !y)))
        return NN_ERR_NULL_POINTER;
    if ((size_t)loss_kind >= COUNT(loss_names))
        return NN_ERR_BAD_CONFIG;
    if (!nn_labels_in_range(y, rows, model->classes))
        return NN_ERR_BAD_LABEL;
    nn_work w;
    if ((st = nn_work_init(&w, model, chunk_rows(rows))) != NN_OK)
        return st;
    nn_eval e;
    st = nn_evaluate_rows(&e, confusion, &w, model, loss_kind, x, y, rows, 1);
    nn_work_free(&w);
    if (st == NN_OK)
        *eval = e;
    return st;
}

/* ------------------------------------------------------------------------ */
/* Loss and gradient of the whole network                                    */
/* ------------------------------------------------------------------------ */

static nn_status check_loss_args(const nn_model *model, nn_loss loss_kind,
                                 const float *x, const int32_t *y, size_t rows)
{
    const nn_status st = nn_check_model(model);
    if (st != NN_OK)
        return st;
    if (rows == 0)
        return NN_ERR_BAD_SIZE;
    if (!x || !y)
        return NN_ERR_NULL_POINTER;
    if ((size_t)loss_kind >= COUNT(loss_names))
        return NN_ERR_BAD_CONFIG;
    return nn_labels_in_range(y, rows, model->classes) ? NN_OK : NN_ERR_BAD_LABEL;
}

nn_status nn_loss_gradient(double *loss, float *grad, const nn_model *model,
                           nn_loss loss_kind, const float *x, const int32_t *y,
                           size_t rows)
{
    nn_status st = check_loss_args(model, loss_kind, x, y, rows);
    if (st != NN_OK)
        return st;
    if (!loss)
        return NN_ERR_NULL_POINTER;
    /* One batch of all the rows: the gradient of the mean, exactly as one
     * full-batch training step computes it. */
    nn_work w;
    if ((st = nn_work_init(&w, model, rows)) != NN_OK)
        return st;
    nn_load_input(&w, model, x, rows, 1);
    nn_forward(&w, model, rows);
    double l;
    st = nn_loss_backward(&l, grad, &w, model, loss_kind, NULL, y, rows);
    nn_work_free(&w);
    if (st == NN_OK)
        *loss = l;
    return st;
}

/* act(z) in double, the same formulas as layers.c. */
static double activate_f64(double z, nn_activation act)
{
    switch (act) {
    case NN_RELU:
        return z < 0.0 ? 0.0 : z;
    case NN_TANH:
        return tanh(z);
    case NN_SIGMOID:
        return z >= 0.0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
    case NN_SOFTPLUS:
        return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z)));
    }
    return NAN;
}

nn_status nn_loss_f64(double *loss, const nn_model *model, const double *params,
                      nn_loss loss_kind, const float *x, const int32_t *y,
                      size_t rows)
{
    nn_status st = check_loss_args(model, loss_kind, x, y, rows);
    if (st != NN_OK)
        return st;
    if (!loss)
        return NN_ERR_NULL_POINTER;
    size_t widest = model->features;
    for (size_t l = 0; l < model->n_layers; l++)
        if (model->layers[l].out > widest)
            widest = model->layers[l].out;
    size_t n_buf;
    if (!mul_add(&n_buf, rows, widest, 0) || n_buf > SIZE_MAX / (2 * sizeof(double)))
        return NN_ERR_BAD_SIZE;
    double *a = malloc(2 * n_buf * sizeof *a);
    double *own = params ? NULL : malloc(model->n_params * sizeof *own);
    if (!a || (!params && !own)) {
        free(a);
        free(own);
        return NN_ERR_NO_MEMORY;
    }
    if (own) {
        for (size_t i = 0; i < model->n_params; i++)
            own[i] = model->params[i];
        params = own;
    }
    double *cur = a, *next = a + n_buf;
    const size_t F = model->features;
    /* The inputs standardised in float, exactly as the float path does, so
     * that both evaluate the same function of the parameters. */
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < F; j++)
            cur[r * F + j] = (double)((x[r * F + j] - model->mean[j]) / model->std[j]);
    for (size_t l = 0; l < model->n_layers; l++) {
        const nn_layer *L = &model->layers[l];
        const double *W = params + (L->weight - model->params);
        const double *b = params + (L->bias - model->params);
        const int hidden = l + 1 < model->n_layers;
        for (size_t r = 0; r < rows; r++)
            for (size_t o = 0; o < L->out; o++) {
                double z = b[o];
                for (size_t i = 0; i < L->in; i++)
                    z += W[o * L->in + i] * cur[r * L->in + i];
                next[r * L->out + o] = hidden ? activate_f64(z, model->activation) : z;
            }
        double *t = cur;
        cur = next;
        next = t;
    }
    /* cur: the logits in double. */
    const size_t C = model->classes;
    double result = NAN;
    if (loss_kind == NN_LOSS_CROSS_ENTROPY) {
        if (smx_cross_entropy_f64(&result, NULL, cur, y, rows, C) != SMX_OK)
            st = NN_ERR_LIBRARY;
    } else if (smx_softmax_f64(next, cur, rows, C) != SMX_OK) {
        st = NN_ERR_LIBRARY;
    } else {
        double sum = 0.0;
        for (size_t r = 0; r < rows; r++)
            for (size_t k = 0; k < C; k++) {
                const double d = next[r * C + k] - ((size_t)y[r] == k ? 1.0 : 0.0);
                sum += d * d;
            }
        result = sum / (double)rows;
    }
    free(a);
    free(own);
    if (st == NN_OK)
        *loss = result;
    return st;
}
