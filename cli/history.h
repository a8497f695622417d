/*
 * history.h — the figures of each epoch of a training run, as the
 * trainer reports them (nn_progress): kept for the progress line's
 * sparkline and for the training picture (history.c).
 *
 * At most HISTORY_ENTRIES entries, whatever the number of epochs: each
 * entry holds the means of `stride` consecutive epochs (the last entry
 * possibly fewer), and when the entries run out, neighbours are merged
 * in pairs and the stride doubles.  4096 entries are four times the
 * width of a picture, in 128 KiB.
 */
#ifndef CLI_HISTORY_H
#define CLI_HISTORY_H

#include "io/status.h"

#include <stddef.h>

enum { HISTORY_ENTRIES = 4096 };

typedef struct train_history {
    size_t epochs;     /* epochs recorded */
    size_t n;          /* entries in use */
    size_t stride;     /* epochs per entry, a power of two */
    size_t last_count; /* epochs in the last entry, 1..stride */
    double *train_loss, *train_accuracy; /* [n]: running figures over the epochs' batches */
    double *val_loss, *val_accuracy;     /* [n]: NaN without validation rows */
    size_t best_epoch;                   /* of the lowest validation loss; 0 without */
} train_history;

/* Records one epoch's figures: CLI_OK, or CLI_ERR_NOMEM (the history is
 * then unchanged). */
cli_status history_add(train_history *h, double train_loss, double train_accuracy, double val_loss,
                double val_accuracy, size_t best_epoch);

/* The last epoch entry i covers (1-based). */
size_t history_epoch(const train_history *h, size_t i);

/* Whether any entry has a validation loss. */
int history_has_validation(const train_history *h);

void history_free(train_history *h);

#endif
