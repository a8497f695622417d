/*
 * nn.h — smx_nn, the small multilayer-perceptron trainer behind
 * `smx train`, `smx predict`, `smx eval` and the network part of
 * `smx gradcheck`.  Private to the smx project (the CLI and the tests);
 * not installed.  Depends only on libsmx (include/smx.h) and libm.
 *
 * QUICK START
 *
 *     nn_config cfg = nn_default_config();
 *     size_t idx[150], n_test;
 *     nn_split_stratified(idx, &n_test, y, 150, 3, cfg.test_fraction, cfg.seed);
 *     ... gather the first 150 - n_test rows of idx into xtr, ytr ...
 *     nn_model model;
 *     nn_report rep;
 *     nn_status st = nn_train(&model, &rep, &cfg, xtr, ytr, ntr, 4, 3, NULL, NULL);
 *     if (st != NN_OK) fprintf(stderr, "%s\n", nn_strerror(st));
 *     nn_predict(probs, pred, &model, xte, n_test);   // raw features in
 *     nn_model_free(&model);
 *
 * THE MODEL
 *
 *   sizes[0] = features -> sizes[1] -> ... -> sizes[L] = classes, L dense
 *   layers.  Layer i computes  z = W_i a + b_i;  every layer but the last
 *   applies the hidden activation; the last gives the logits, and the
 *   probabilities are smx_softmax_f32 of them.  Inputs are standardised
 *   first with the mean and std kept in the model: x' = (x - mean) / std.
 *
 *   Parameter layout (the contract with the safetensors writer):
 *     layers[i].weight  float32 [out][in], row-major: W[o][i] at o*in + i
 *                       -> tensor "layers.{i}.weight", shape [out, in]
 *     layers[i].bias    float32 [out]
 *                       -> tensor "layers.{i}.bias",   shape [out]
 *   (PyTorch's nn.Linear layout: its weight tensors load without a transpose.)
 *   All parameters sit in one block, params: layer 0 weight, layer 0 bias,
 *   layer 1 weight, ...; gradients use the same layout.
 *
 * CONVENTIONS
 *
 *   - Outputs, then inputs, then sizes, then options (as libsmx).
 *   - Every function that can fail returns nn_status; on failure its
 *     outputs are untouched (a model output is left zeroed), and nothing
 *     leaks.  Nothing prints, exits or keeps global state.
 *   - Deterministic: no threads, fixed summation order, the library's own
 *     random generator seeded from a 64-bit seed.  The same inputs and
 *     seed give the same model bit for bit.  (Checked on x86-64: gcc -O0,
 *     -O2, -O3, -O2 -mavx2 and clang -O2 builds train identical models;
 *     the initial weights use libm's log and cos, so another libm may
 *     differ in the last bit.)
 *   - Data are plain arrays: x[rows × features] row-major float, y[rows]
 *     int32 labels in [0, classes).
 */
#ifndef NN_H
#define NN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum nn_status {
    NN_OK = 0,
    NN_ERR_NULL_POINTER, /* a required pointer is NULL */
    NN_ERR_NO_MEMORY,    /* an allocation failed */
    NN_ERR_BAD_SIZE,     /* a size is 0 where it must not be, or overflows */
    NN_ERR_BAD_LABEL,    /* a label outside [0, classes) */
    NN_ERR_BAD_CONFIG,   /* a hyper-parameter out of its range */
    NN_ERR_TOO_FEW_ROWS, /* a split would leave one side empty */
    NN_ERR_NOT_FINITE,   /* an input feature is NaN or infinite */
    NN_ERR_DIVERGED,     /* the training loss became NaN or infinite */
    NN_ERR_LIBRARY       /* libsmx refused a call (a bug: arguments are checked first) */
} nn_status;

/* A short English sentence naming the status; never NULL. */
const char *nn_strerror(nn_status status);

/* ------------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded through splitmix64                    */
/* ------------------------------------------------------------------------ */

/* xoshiro256** (Blackman and Vigna, 2018): 256 bits of state, period
 * 2^256 - 1, passes BigCrush and PractRand; splitmix64 spreads a 64-bit
 * seed over the state so that seeds 1, 2, 3 give unrelated streams. */
typedef struct nn_rng {
    uint64_t s[4];
} nn_rng;

void nn_rng_seed(nn_rng *rng, uint64_t seed);
uint64_t nn_rng_next(nn_rng *rng);
/* Uniform in [0, 1) with 53 random bits. */
double nn_rng_uniform(nn_rng *rng);
/* Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject);
 * n == 0 gives 0. */
uint64_t nn_rng_below(nn_rng *rng, uint64_t n);
/* Standard normal (mean 0, variance 1) by the Box-Muller transform; one
 * value per call (the second of the pair is dropped, so the stream does
 * not depend on hidden state). */
double nn_rng_normal(nn_rng *rng);

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

typedef enum nn_activation {
    NN_RELU = 0, /* max(0, z) */
    NN_TANH,     /* tanh(z) */
    NN_SIGMOID,  /* 1 / (1 + exp(-z)) */
    NN_SOFTPLUS  /* log(1 + exp(z)) */
} nn_activation;

typedef enum nn_loss {
    NN_LOSS_CROSS_ENTROPY = 0, /* libsmx's fused cross-entropy: loss and s - onehot */
    NN_LOSS_MSE                /* mean over rows of sum_k (s_k - onehot_k)^2, through
                                      smx_softmax_backward_f32 (the Jacobian-vector product) */
} nn_loss;

typedef enum nn_optimizer {
    NN_SGD = 0,   /* p -= lr g */
    NN_MOMENTUM,  /* heavy ball: v = mu v + g; p -= lr v (PyTorch's SGD momentum) */
    NN_ADAM       /* Adam with bias correction (Kingma and Ba, 2015) */
} nn_optimizer;

/* Lower-case names ("relu", "cross-entropy", "adam") for the CLI, and the
 * reverse: parse returns 0 on success, -1 for an unknown name (out
 * untouched).  "ce" and "cross_entropy" are accepted for cross-entropy. */
const char *nn_activation_name(nn_activation a);
const char *nn_loss_name(nn_loss l);
const char *nn_optimizer_name(nn_optimizer o);
int nn_activation_parse(nn_activation *out, const char *name);
int nn_loss_parse(nn_loss *out, const char *name);
int nn_optimizer_parse(nn_optimizer *out, const char *name);

/* ------------------------------------------------------------------------ */
/* The model                                                                 */
/* ------------------------------------------------------------------------ */

#define NN_MAX_HIDDEN 8                      /* hidden layers */
#define NN_MAX_LAYERS (NN_MAX_HIDDEN + 1) /* dense layers */

typedef struct nn_layer {
    size_t in, out;
    float *weight; /* [out][in], row-major; points into params */
    float *bias;   /* [out]; points into params */
} nn_layer;

typedef struct nn_model {
    size_t features, classes;
    size_t n_layers; /* dense layers: hidden layers + 1 */
    nn_layer layers[NN_MAX_LAYERS];
    nn_activation activation; /* of every hidden layer */
    float *mean;                  /* [features] standardisation: x' = (x - mean) / std */
    float *std;                   /* [features], every entry > 0 and finite */
    size_t n_params;
    float *params; /* every weight and bias, in the layout above */
} nn_model;

/* Allocates a model of n_sizes - 1 dense layers with the given sizes
 * (n_sizes in 2..NN_MAX_LAYERS + 1, every size >= 1), parameters all
 * zero, mean 0 and std 1 (no standardisation).  Fill the parameters with
 * nn_model_randomize, by training, or from a file.  On failure *model
 * is zeroed.  Free with nn_model_free. */
nn_status nn_model_init(nn_model *model, const size_t *sizes, size_t n_sizes,
                        nn_activation activation);

/* Frees what init allocated and zeroes *model; NULL or a zeroed model is
 * fine (a no-op). */
void nn_model_free(nn_model *model);

/* Draws fresh weights from a generator seeded with seed; biases 0.
 *   relu, softplus: He normal, W ~ N(0, 2 / in) (He et al. 2015: keeps
 *                   the variance of the activations through a ReLU).
 *   tanh, sigmoid:  Glorot uniform, W ~ U(-a, a), a = sqrt(6 / (in + out))
 *                   (Glorot and Bengio 2010).
 * The output layer follows the hidden activation's rule. */
void nn_model_randomize(nn_model *model, uint64_t seed);

/* Probabilities and classes for rows of raw (unstandardised) features:
 * probs[rows × classes] (may be NULL) and pred[rows] = argmax, the first
 * of equal maxima (may be NULL).  Allocates a workspace for at most 256
 * rows at a time and frees it. */
nn_status nn_predict(float *probs, int32_t *pred, const nn_model *model,
                     const float *x, size_t rows);

/* ------------------------------------------------------------------------ */
/* Loss and gradient of a whole network (training and gradcheck)             */
/* ------------------------------------------------------------------------ */

/* *loss = the mean loss over the rows (standardisation applied to x), and
 * grad[n_params] (may be NULL) its gradient with respect to every
 * parameter, in the params layout, by backpropagation in float.  No
 * weight decay term. */
nn_status nn_loss_gradient(double *loss, float *grad, const nn_model *model,
                           nn_loss loss_kind, const float *x, const int32_t *y,
                           size_t rows);

/* The same mean loss evaluated entirely in double, with the parameters
 * taken from params[n_params] (double; NULL: the model's own) instead of
 * the model's: the reference for finite-difference gradient checks. */
nn_status nn_loss_f64(double *loss, const nn_model *model, const double *params,
                      nn_loss loss_kind, const float *x, const int32_t *y,
                      size_t rows);

/* ------------------------------------------------------------------------ */
/* Training                                                                  */
/* ------------------------------------------------------------------------ */

/* Every knob of nn_train.  nn_default_config() gives the defaults
 * chosen on Iris (train.c says why each one, with the number that
 * decided it). */
typedef struct nn_config {
    size_t hidden[NN_MAX_HIDDEN]; /* width of each hidden layer */
    size_t n_hidden;                  /* 0..NN_MAX_HIDDEN (0: softmax regression) */
    nn_activation activation;
    nn_loss loss;
    nn_optimizer optimizer;
    double learning_rate; /* > 0 */
    double momentum;      /* heavy-ball coefficient in [0, 1) */
    double beta1, beta2;  /* Adam's moment decays, in [0, 1) */
    double epsilon;       /* Adam's denominator guard, > 0 */
    double weight_decay;  /* L2 on weights (not biases): g += weight_decay * W; >= 0 */
    size_t epochs;        /* >= 1: passes over the training rows */
    size_t batch_size;    /* rows per step; 0 or >= rows: full batch */
    uint64_t seed;        /* initialisation, shuffling and the validation split */
    double test_fraction; /* for the caller's train/test split, in (0, 1) */
    /* Early stopping: validation_fraction of the training rows (stratified)
     * are held out; after patience epochs without a lower validation loss,
     * training stops and the weights of the best epoch are restored.
     * patience 0 or validation_fraction 0: no early stopping, all rows train.
     * With early stopping on, the best epoch's weights are restored however
     * training ends (patience, the epoch limit, or the callback). */
    double validation_fraction; /* [0, 1) */
    size_t patience;
    /* NULL, or one weight per class, finite and > 0, for the cross-entropy
     * (libsmx's class_weights, PyTorch's weight=): each row's loss is
     * scaled by its class's weight and a batch's loss is the weighted mean
     * sum_r w[y_r] l_r / sum_r w[y_r], for imbalanced data.  The training
     * steps use it; validation and evaluation figures stay unweighted.
     * With the mse loss it is NN_ERR_BAD_CONFIG.  Must stay valid
     * during nn_train. */
    const float *class_weights;
} nn_config;

/* The defaults: 16 relu hidden units, cross-entropy, Adam with learning
 * rate 0.003, batch 32, 300 epochs, L2 1e-3, no early stopping, seed 42,
 * test fraction 0.2 (train.c has the validation numbers behind them). */
nn_config nn_default_config(void);

/* Checks every field's range: NN_OK or NN_ERR_BAD_CONFIG. */
nn_status nn_config_check(const nn_config *config);

/* What the progress callback sees once per epoch.  Training figures are
 * the means over the epoch's steps, measured on each batch as it was
 * before its update (the usual running figures; free to compute). */
typedef struct nn_progress {
    size_t epoch;  /* 1-based */
    size_t epochs; /* the configured maximum */
    double train_loss, train_accuracy;
    double val_loss, val_accuracy; /* NaN without a validation set */
    size_t best_epoch;             /* epoch of the lowest validation loss so far; 0 without */
} nn_progress;

/* Return 0 to go on, non-zero to stop after this epoch (e.g. on Ctrl-C);
 * a stopped training still returns NN_OK and a usable model. */
typedef int (*nn_progress_fn)(const nn_progress *progress, void *user);

typedef struct nn_report {
    size_t epochs_run;
    size_t best_epoch; /* the epoch whose weights were kept: epochs_run without early stopping */
    int stopped_early; /* patience ran out */
    int stopped_by_callback;
    size_t train_rows, val_rows;
    /* The kept model's figures on the rows it was fitted on and on the
     * validation rows (NaN without), evaluated after training. */
    double train_loss, train_accuracy;
    double val_loss, val_accuracy;
} nn_report;

/* Trains a new model on x[rows × features] (raw features), y[rows].
 * Standardisation statistics are those of the rows fitted (the training
 * rows less any validation rows) and are stored in the model.  With early
 * stopping on (see nn_config) the validation rows are a stratified
 * split of these rows drawn with the seed.  *model must not hold a model
 * (it is overwritten); on success it owns one (nn_model_free), on
 * failure it is zeroed.  report and progress may be NULL.  Every class
 * in 0..classes-1 is allowed to be absent. */
nn_status nn_train(nn_model *model, nn_report *report,
                   const nn_config *config, const float *x, const int32_t *y,
                   size_t rows, size_t features, size_t classes,
                   nn_progress_fn progress, void *user);

/* The same with a validation set given by the caller (val_rows may be 0):
 * config->validation_fraction is ignored, early stopping uses (xval, yval)
 * when patience > 0 and val_rows > 0, and the validation figures are
 * reported every epoch whenever val_rows > 0. */
nn_status nn_train_validated(nn_model *model, nn_report *report,
                             const nn_config *config, const float *x,
                             const int32_t *y, size_t rows, const float *xval,
                             const int32_t *yval, size_t val_rows, size_t features,
                             size_t classes, nn_progress_fn progress, void *user);

/* ------------------------------------------------------------------------ */
/* Data utilities                                                            */
/* ------------------------------------------------------------------------ */

/* perm[0..n) = a uniformly random permutation of 0..n-1 (Fisher-Yates). */
void nn_permutation(size_t *perm, size_t n, nn_rng *rng);

/* Shuffles the rows of x[rows × features] and y[rows] together, in place,
 * with a generator seeded by seed.  y may be NULL.  Allocates one row. */
nn_status nn_shuffle(float *x, int32_t *y, size_t rows, size_t features,
                     uint64_t seed);

/* Stratified train/test split of row indices.  The test set has
 * ceil(test_fraction * rows) rows (scikit-learn's rule), apportioned to the
 * classes in proportion to their counts by largest remainder (ties: the
 * lower class); within each class the test rows are a random choice drawn
 * with seed.  idx[rows] receives the training rows' indices, ascending,
 * followed by the test rows' indices, ascending; *n_test their count.
 * test_fraction in (0, 1); NN_ERR_TOO_FEW_ROWS if either side would be
 * empty.  Allocates and frees a small workspace. */
nn_status nn_split_stratified(size_t *idx, size_t *n_test, const int32_t *y,
                              size_t rows, size_t classes, double test_fraction,
                              uint64_t seed);

/* xo[k] = x[idx[k]] (rows of features), yo[k] = y[idx[k]] for k < n.
 * yo and y may be NULL together. */
void nn_gather(float *xo, int32_t *yo, const float *x, const int32_t *y, const size_t *idx,
               size_t n, size_t features);

/* mean[j], std[j] of column j over the rows (population std, divisor
 * rows, as scikit-learn's StandardScaler), accumulated in double.  A
 * column with std 0 (constant) or a std that is not finite gets std 1, so
 * that it is centred and never divided by 0.  Fails on rows == 0 or a
 * non-finite feature (outputs untouched). */
nn_status nn_standardize_fit(float *mean, float *std, const float *x, size_t rows,
                             size_t features);

/* out = (x - mean) / std, column by column.  out may be x. */
void nn_standardize_apply(float *out, const float *x, size_t rows, size_t features,
                          const float *mean, const float *std);

/* ------------------------------------------------------------------------ */
/* Metrics                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct nn_eval {
    size_t rows, correct;
    double accuracy; /* correct / rows */
    double loss;     /* mean loss of the given kind */
} nn_eval;

/* Evaluates the model on raw features: loss, accuracy, and (when not NULL)
 * the confusion matrix confusion[classes × classes], row = true class,
 * column = predicted class. */
nn_status nn_evaluate(nn_eval *eval, size_t *confusion, const nn_model *model,
                      nn_loss loss_kind, const float *x, const int32_t *y,
                      size_t rows);

/* confusion[classes × classes] (zeroed first) from true and predicted
 * labels; labels outside [0, classes) are NN_ERR_BAD_LABEL. */
nn_status nn_confusion(size_t *confusion, const int32_t *y_true, const int32_t *y_pred,
                       size_t rows, size_t classes);

/* Per class k, from a confusion matrix: precision = C[k][k] / column sum,
 * recall = C[k][k] / row sum.  A class never predicted (precision) or
 * never present (recall) gets 0, scikit-learn's zero_division default.
 * Either output may be NULL. */
void nn_precision_recall(double *precision, double *recall, const size_t *confusion,
                         size_t classes);

/* ------------------------------------------------------------------------ */
/* Building blocks (exposed for the tests and for teaching)                  */
/* ------------------------------------------------------------------------ */

/* Layout of a batch of activations: row-major, one row per sample, as
 * the data (x[rows × features]) and libsmx's softmax functions: A[B][n],
 * element (sample r, feature i) at r*n + i.  A batch goes from the data
 * through every layer to the loss and back without a transpose. */

/* out[B][nout] = inp W^T + 1 b^T:  out[r][o] = b[o] + sum_i W[o][i] inp[r][i],
 * with W[nout][nin] row-major (the model's layout) and inp[B][nin].  Each
 * row's outputs depend on that row alone, bit for bit (the sums run in
 * input order whatever B is). */
void nn_dense_forward(float *out, const float *inp, const float *W, const float *b,
                      size_t B, size_t nin, size_t nout);

/* Backward of nn_dense_forward(out, inp, W, b, B, nin, nout), from
 * dout[B][nout] = dL/dout:
 *     dinp[B][nin]  = dout W       (skipped when dinp is NULL)
 *     dW[nout][nin] = dout^T inp   (overwritten, not accumulated)
 *     db[nout]      = dout^T 1     (the sum over the batch)
 * Each sum has a fixed order (see layers.c): same inputs, same bits. */
void nn_dense_backward(float *dinp, float *dW, float *db, const float *dout,
                       const float *inp, const float *W, size_t B, size_t nin, size_t nout);

/* y[n] = act(x[n]) elementwise; y may be x.  NaN stays NaN. */
void nn_activation_forward(float *y, const float *x, size_t n, nn_activation act);

/* Backward of nn_activation_forward(y, x, n, act) from its output y
 * alone: dx = dy * act'(x), with act' written in terms of y:
 *     relu y > 0;  tanh 1 - y^2;  sigmoid y (1 - y);  softplus 1 - exp(-y).
 * dx may be dy. */
void nn_activation_backward(float *dx, const float *y, const float *dy, size_t n,
                            nn_activation act);

/* One optimizer's state over n_params parameters (heap-allocated
 * moments).  init copies the hyper-parameters from config. */
typedef struct nn_optim {
    nn_optimizer kind;
    float lr, momentum, beta1, beta2, epsilon, weight_decay;
    float one_minus_beta1, one_minus_beta2; /* rounded from double, as PyTorch */
    uint64_t t;       /* steps taken */
    float step_size;  /* Adam, set by tick: lr / (1 - b1^t) */
    float bc2_sqrt;   /* Adam, set by tick: sqrt(1 - b2^t) */
    size_t n;         /* parameters */
    float *m, *v;     /* momentum buffer / Adam moments, zero at start (NULL when unused) */
} nn_optim;

nn_status nn_optim_init(nn_optim *opt, const nn_config *config, size_t n);
void nn_optim_free(nn_optim *opt);

/* One step on a segment params[0..n) at offset off of the optimizer's
 * state (so m, v line up), with this segment's weight decay wd (the model
 * step passes weight_decay for weights, 0 for biases).  Call
 * nn_optim_tick once per step before the segments.
 *     g' = g + wd p
 *     sgd:      p -= lr g'
 *     momentum: m = mu m + g';  p -= lr m
 *     adam:     m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2;
 *               p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 *               (= lr mhat / (sqrt(vhat) + eps) of the paper, in PyTorch's
 *               order: step size times m first, then the division)
 * (PyTorch's order of operations, so runs compare step by step.) */
void nn_optim_tick(nn_optim *opt);
void nn_optim_update(nn_optim *opt, float *p, const float *g, size_t off, size_t n,
                     float wd);

/* tick, then update every layer of the model: weights with weight_decay,
 * biases without.  grad in the params layout; opt sized n_params. */
void nn_optim_step(nn_optim *opt, nn_model *model, const float *grad);

#ifdef __cplusplus
}
#endif

#endif /* NN_H */
