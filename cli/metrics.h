/*
 * metrics.h — how well a model does on labelled rows, as `smx train` and
 * `smx eval` report it: loss, accuracy, the confusion matrix, per-class
 * precision, recall and F1, and the macro-F1 (metrics.c).
 */
#ifndef CLI_METRICS_H
#define CLI_METRICS_H

#include "nn.h"

#include <stddef.h>

struct cJSON;

typedef struct metrics {
    nn_eval eval;
    size_t classes;
    size_t *confusion; /* [classes][classes]: row the true class, column the predicted */
    /* Per class; NaN where it does not exist: no precision for a class
     * never predicted, no recall for one absent from the rows, no F1 for
     * one both never predicted and absent. */
    double *precision, *recall, *f1;
    /* The mean F1 over the classes that have one (scikit-learn's
     * f1_score(average="macro") over the labels present in either the
     * truth or the predictions). */
    double macro_f1;
} metrics;

/* Evaluates net on x[rows][features], y[rows]; prints the error and
 * returns CLI_EXIT_FAIL on failure.  metrics_free frees it either way. */
int metrics_of(metrics *m, const nn_model *net, nn_loss loss, const float *x,
               const int32_t *y, size_t rows);
void metrics_free(metrics *m);

/* The F1 of each class and their macro mean from a confusion matrix. */
void metrics_f1(double *f1, double *macro_f1, const size_t *confusion, size_t classes);

/* The confusion matrix and the per-class table, titled by `what`. */
void metrics_print(const metrics *m, char *const *class_names, const char *what);

/* rows, loss, accuracy, macro_f1 and, with_matrix, the confusion matrix
 * and the per-class figures (null where they do not exist). */
struct cJSON *metrics_json(const metrics *m, int with_matrix);

#endif
