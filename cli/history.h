/*
 * history.h — the figures of each epoch of a training run, as the
 * trainer reports them (smx_nn_progress): kept for the progress line's
 * sparkline and for the training picture (history.c).
 */
#ifndef SMX_CLI_HISTORY_H
#define SMX_CLI_HISTORY_H

#include <stddef.h>

typedef struct train_history {
    size_t epochs; /* epochs recorded so far; entry e holds epoch e + 1 */
    size_t capacity;
    double *train_loss, *train_accuracy; /* running figures over the epoch's batches */
    double *val_loss, *val_accuracy;     /* NaN without validation rows */
    size_t best_epoch;                   /* of the lowest validation loss; 0 without */
} train_history;

/* Appends one epoch's figures; -1 when out of memory (the history is
 * then unchanged). */
int history_add(train_history *h, double train_loss, double train_accuracy, double val_loss,
                double val_accuracy, size_t best_epoch);

/* Whether any epoch has a validation loss. */
int history_has_validation(const train_history *h);

void history_free(train_history *h);

#endif
