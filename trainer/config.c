/*
 * config.c — the trainer's configuration: its defaults and its check.  A
 * file of its own so that the optimizer (optim.c) and the training loop
 * (train.c), which both check a configuration, depend on it and not on
 * each other.
 */
#include "nn.h"

#include <math.h>
#include <string.h>

/* The defaults, chosen on Iris by validation, never by the test split.
 * `bench/train_iris --tune` takes the training part (120 rows) of each of
 * the ten 80/20 stratified splits of seeds 1..10, splits it again five
 * ways (stratified, seeds 101..105) into 96 fitting and 24 validation
 * rows, and scores every candidate by its mean validation cross-entropy
 * over those 50 runs.  (Validation accuracy cannot choose: it lies within
 * 95.5-96.0 %, 6 of 1200 predictions, across most of the grid.)  Stage 1
 * searches the grid without weight decay or early stopping; stage 2 tries
 * them at the winner.
 *
 *   grid: lr {0.001, 0.003, 0.01, 0.03, 0.1} x batch {full, 32, 16, 8}
 *         x epochs {50, 100, 200, 300, 500, 1000, 2000}, Adam, 16 relu
 *     lr 0.003, batch 32, 300 epochs   val loss 0.0959, acc 95.67 %  <- lowest
 *     lr 0.01,  batch 16,  50 epochs            0.0962       95.50 %
 *     lr 0.003, full,     500 epochs            0.0981       95.67 %
 *     lr 0.01,  full,    1000 epochs            0.2500       95.50 %  (overfits)
 *   then, at the winner:
 *     weight decay 0      0.0959, 95.67 %     1e-3   0.0876, 96.00 %  <- lowest
 *                  1e-4   0.0945, 95.67 %     1e-2   0.0943, 96.33 %
 *     early stopping (a fifth of the 96 rows held out, up to 2000
 *     epochs, patience 20 / 50 / 100): 0.1222 / 0.1236 / 0.1328 -> off:
 *     with 120 rows, holding out validation rows costs more than
 *     stopping at the right epoch gains.
 *
 * With these defaults the test accuracy over the splits of seeds 1..10 is
 * 96.67 % on average (90.00 % at worst, seed 6), 96.67 % for the default
 * seed 42 (the issue asks for >= 94 % and >= 93 %). */
nn_config nn_default_config(void)
{
    nn_config c;
    memset(&c, 0, sizeof c);
    /* 16 ReLU units: the network the issue compares against (scikit-learn's
     * MLPClassifier and PyTorch with 16 ReLU units reach 95.3 % mean test
     * accuracy on these splits). */
    c.hidden[0] = 16;
    c.n_hidden = 1;
    c.activation = NN_RELU;
    c.loss = NN_LOSS_CROSS_ENTROPY;
    c.optimizer = NN_ADAM;
    c.learning_rate = 0.003; /* validation, above */
    c.momentum = 0.9;        /* the usual heavy-ball value (used by --optimizer momentum) */
    c.beta1 = 0.9;           /* Adam's published defaults (Kingma and Ba 2015), */
    c.beta2 = 0.999;         /* also PyTorch's and scikit-learn's */
    c.epsilon = 1e-8;
    c.weight_decay = 1e-3; /* validation, above */
    c.epochs = 300;        /* validation, above */
    c.batch_size = 32;     /* validation, above: 4 steps per epoch on 120 rows */
    c.seed = 42;           /* any fixed value; 42 by convention */
    c.test_fraction = 0.2; /* the 80/20 split */
    c.validation_fraction = 0.2; /* used only when patience > 0 */
    c.patience = 0;              /* early stopping off: validation, above */
    return c;
}

nn_status nn_config_check(const nn_config *c)
{
    if (!c)
        return NN_ERR_NULL_POINTER;
    const int ok =
        c->n_hidden <= NN_MAX_HIDDEN && (unsigned)c->activation <= NN_SOFTPLUS &&
        (unsigned)c->loss <= NN_LOSS_MSE && (unsigned)c->optimizer <= NN_ADAM &&
        isfinite(c->learning_rate) && c->learning_rate > 0.0 && c->momentum >= 0.0 &&
        c->momentum < 1.0 && c->beta1 >= 0.0 && c->beta1 < 1.0 && c->beta2 >= 0.0 &&
        c->beta2 < 1.0 && isfinite(c->epsilon) && c->epsilon > 0.0 &&
        isfinite(c->weight_decay) && c->weight_decay >= 0.0 && c->epochs >= 1 &&
        c->test_fraction > 0.0 && c->test_fraction < 1.0 && c->validation_fraction >= 0.0 &&
        c->validation_fraction < 1.0 &&
        (!c->class_weights || c->loss == NN_LOSS_CROSS_ENTROPY);
    if (!ok)
        return NN_ERR_BAD_CONFIG;
    for (size_t i = 0; i < c->n_hidden; i++)
        if (c->hidden[i] == 0)
            return NN_ERR_BAD_CONFIG;
    return NN_OK;
}
