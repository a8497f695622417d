/*
 * history.c — the per-epoch figures of a training run (history.h).
 */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int history_add(train_history *h, double train_loss, double train_accuracy, double val_loss,
                double val_accuracy, size_t best_epoch)
{
    if (h->epochs == h->capacity) {
        /* doubling from 256: a few reallocations even for long runs */
        const size_t cap = h->capacity ? 2 * h->capacity : 256;
        double *mem = malloc(4 * cap * sizeof *mem);
        if (!mem)
            return -1;
        double *old[4] = {h->train_loss, h->train_accuracy, h->val_loss, h->val_accuracy};
        for (int k = 0; k < 4; k++)
            if (h->epochs)
                memcpy(mem + (size_t)k * cap, old[k], h->epochs * sizeof *mem);
        free(h->train_loss); /* the one block that holds all four */
        h->train_loss = mem;
        h->train_accuracy = mem + cap;
        h->val_loss = mem + 2 * cap;
        h->val_accuracy = mem + 3 * cap;
        h->capacity = cap;
    }
    const size_t e = h->epochs++;
    h->train_loss[e] = train_loss;
    h->train_accuracy[e] = train_accuracy;
    h->val_loss[e] = val_loss;
    h->val_accuracy[e] = val_accuracy;
    h->best_epoch = best_epoch;
    return 0;
}

int history_has_validation(const train_history *h)
{
    for (size_t e = 0; e < h->epochs; e++)
        if (!isnan(h->val_loss[e]))
            return 1;
    return 0;
}

void history_free(train_history *h)
{
    free(h->train_loss);
    memset(h, 0, sizeof *h);
}
