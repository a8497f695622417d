/*
 * nn_internal.h — what model.c shares with train.c: the workspace of one
 * forward/backward pass through the network.  Not part of nn.h.
 */
#ifndef NN_INTERNAL_H
#define NN_INTERNAL_H

#include "nn.h"

/* Buffers for batches of up to `cap` rows, allocated once per training (or
 * per predict/evaluate call) so that the epoch loop never allocates.
 * Every batch is row-major, one row per sample, as the data are and as
 * libsmx's softmax functions take them (see layers.c): nothing is
 * transposed on the way in or out.
 *   act0        the input batch [B][features]: `input`, or caller data
 *   act[l + 1]  layer l's output [B][out]: pre-activation overwritten in
 *               place by the activation; for the last layer, the logits
 *   logits      act[L], the logits [B][classes]
 *   probs       softmax of the logits (MSE only) [B][classes]
 *   dlogits     dL/dlogits [B][classes]
 *   grad_a/b    ping-pong gradients wrt activations [B][widest layer]
 *   input       [cap][features], for a gathered or standardised batch
 *   labels      [cap], for a gathered batch or predicted classes */
typedef struct nn_work {
    size_t cap;
    const float *act0;
    float *act[NN_MAX_LAYERS + 1];
    float *logits, *probs, *dlogits;
    float *grad_a, *grad_b;
    float *input;
    int32_t *labels;
    float *block; /* the one allocation all of the float buffers live in */
} nn_work;

nn_status nn_work_init(nn_work *w, const nn_model *model, size_t cap);
void nn_work_free(nn_work *w);

/* Points w->act0 at the B rows x: at x itself when standardize is 0 (x
 * already standardised), else at w->input[r][j] = (x[r][j] - mean[j]) /
 * std[j] (x raw features). */
void nn_load_input(nn_work *w, const nn_model *model, const float *x, size_t B,
                   int standardize);

/* The B rows at w->act0 through the network: logits into w->logits. */
void nn_forward(nn_work *w, const nn_model *model, size_t B);

/* After nn_forward: *loss = mean loss of the batch against labels y
 * (the weighted mean with class_weights, cross-entropy only; NULL: none);
 * when grad is not NULL, the gradient of that mean wrt every parameter in
 * the params layout.  Returns NN_ERR_LIBRARY if libsmx refuses. */
nn_status nn_loss_backward(double *loss, float *grad, nn_work *w,
                           const nn_model *model, nn_loss loss_kind,
                           const float *class_weights, const int32_t *y, size_t B);

/* After nn_forward: the number of rows r < B whose argmax of the
 * logits (first of equal maxima) is y[r] (y may be NULL: 0); pred[r] gets
 * the argmax when pred is not NULL. */
size_t nn_count_correct(int32_t *pred, const nn_work *w, const nn_model *model,
                        const int32_t *y, size_t B);

/* 1 when every y[r] (r < rows) is in [0, classes): the one label check of
 * each public entry point; what it calls trusts the labels. */
int nn_labels_in_range(const int32_t *y, size_t rows, size_t classes);

/* nn_split_stratified on labels already checked (nn_labels_in_range). */
nn_status nn_split_rows(size_t *idx, size_t *n_test, const int32_t *y, size_t rows,
                        size_t classes, double test_fraction, uint64_t seed);

/* Checks model shape fields are consistent (the CLI may have filled a
 * model by hand after init). */
nn_status nn_check_model(const nn_model *model);

/* Loss, accuracy (into eval) and the confusion matrix (when not NULL) of
 * rows of x, in chunks of w->cap rows; x holds raw features when
 * standardize is non-zero (each chunk is standardised into w->input), or
 * features already standardised otherwise. */
nn_status nn_evaluate_rows(nn_eval *eval, size_t *confusion, nn_work *w,
                           const nn_model *model, nn_loss loss_kind,
                           const float *x, const int32_t *y, size_t rows,
                           int standardize);

#endif
