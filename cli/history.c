/*
 * history.c — the per-epoch figures of a training run (history.h).
 */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Merges the entries in pairs (all are full then), doubling the stride. */
static void halve(train_history *h)
{
    double *series[4] = {h->train_loss, h->train_accuracy, h->val_loss, h->val_accuracy};
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < h->n / 2; i++)
            series[k][i] = 0.5 * (series[k][2 * i] + series[k][2 * i + 1]);
    h->n /= 2;
    h->stride *= 2;
}

cli_status history_add(train_history *h, double train_loss, double train_accuracy,
                       double val_loss, double val_accuracy, size_t best_epoch)
{
    if (!h->train_loss) {
        double *mem = malloc(4 * (size_t)HISTORY_ENTRIES * sizeof *mem);
        if (!mem)
            return CLI_ERR_NOMEM;
        h->train_loss = mem; /* the one block that holds all four series */
        h->train_accuracy = mem + HISTORY_ENTRIES;
        h->val_loss = mem + 2 * HISTORY_ENTRIES;
        h->val_accuracy = mem + 3 * HISTORY_ENTRIES;
        h->stride = 1;
    }
    const double v[4] = {train_loss, train_accuracy, val_loss, val_accuracy};
    double *series[4] = {h->train_loss, h->train_accuracy, h->val_loss, h->val_accuracy};
    if (h->n > 0 && h->last_count < h->stride) {
        /* into the last entry: its running mean */
        const double count = (double)++h->last_count;
        for (int k = 0; k < 4; k++)
            series[k][h->n - 1] += (v[k] - series[k][h->n - 1]) / count;
    } else {
        if (h->n == HISTORY_ENTRIES)
            halve(h);
        for (int k = 0; k < 4; k++)
            series[k][h->n] = v[k];
        h->n++;
        h->last_count = 1;
    }
    h->epochs++;
    h->best_epoch = best_epoch;
    return CLI_OK;
}

size_t history_epoch(const train_history *h, size_t i)
{
    return i + 1 < h->n ? (i + 1) * h->stride : i * h->stride + h->last_count;
}

int history_has_validation(const train_history *h)
{
    for (size_t i = 0; i < h->n; i++)
        if (!isnan(h->val_loss[i]))
            return 1;
    return 0;
}

void history_free(train_history *h)
{
    free(h->train_loss);
    memset(h, 0, sizeof *h);
}
