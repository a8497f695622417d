/*
 * train.c — smx_nn's training loop (its configuration: config.c).
 *
 * One training: check everything, allocate everything once (model,
 * standardised copies of the data, one workspace, the optimizer state),
 * then run epochs of forward, loss, backward and update without a single
 * allocation, and free it all on every path out.
 */
#include "nn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Independent streams for the three uses of the seed, so that, say,
 * turning early stopping on does not change the initial weights: splitmix64
 * makes seeds that differ in a few bits unrelated. */
#define NN_STREAM_SHUFFLE UINT64_C(0x53485546464C4531)    /* "SHUFFLE1" */
#define NN_STREAM_VALIDATION UINT64_C(0x56414C4944415431) /* "VALIDAT1" */

/* Rows per chunk when evaluating the validation set with a small batch. */
#define NN_EVAL_ROWS 256

static int all_finite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

/* Everything one training owns, freed by one function on every path. */
typedef struct training {
    nn_model model;
    nn_work work;
    nn_optim opt;
    float *xs, *xv; /* standardised training and validation rows */
    float *grad, *best;
    size_t *perm;
} training;

static void training_free(training *t)
{
    nn_model_free(&t->model);
    nn_work_free(&t->work);
    nn_optim_free(&t->opt);
    free(t->xs);
    free(t->xv);
    free(t->grad);
    free(t->best);
    free(t->perm);
}

/* malloc of n items of size sz, with overflow refused, never 0 bytes. */
static void *alloc_array(size_t n, size_t sz)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / sz)
        return NULL;
    return malloc(n * sz);
}

static nn_status check_train_args(const nn_model *model, const nn_config *config,
                                  const float *x, const int32_t *y, size_t rows,
                                  const float *xval, const int32_t *yval, size_t val_rows,
                                  size_t features, size_t classes)
{
    if (!model || !config || !x || !y || (val_rows > 0 && (!xval || !yval)))
        return NN_ERR_NULL_POINTER;
    const nn_status st = nn_config_check(config);
    if (st != NN_OK)
        return st;
    if (rows == 0 || features == 0 || classes == 0 || rows > SIZE_MAX / features ||
        val_rows > SIZE_MAX / features)
        return NN_ERR_BAD_SIZE;
    if (!nn_labels_in_range(y, rows, classes) ||
        !nn_labels_in_range(yval, val_rows, classes))
        return NN_ERR_BAD_LABEL;
    if (!all_finite(x, rows * features) || !all_finite(xval, val_rows * features))
        return NN_ERR_NOT_FINITE;
    for (size_t k = 0; config->class_weights && k < classes; k++)
        if (!(config->class_weights[k] > 0.0f && isfinite(config->class_weights[k])))
            return NN_ERR_BAD_CONFIG;
    return NN_OK;
}

static nn_status train_loop(training *t, nn_report *rep, const nn_config *c,
                            const int32_t *y, size_t rows, const int32_t *yval,
                            size_t val_rows, nn_progress_fn progress, void *user)
{
    nn_model *m = &t->model;
    nn_work *w = &t->work;
    const size_t F = m->features;
    const size_t batch = (c->batch_size == 0 || c->batch_size >= rows) ? rows : c->batch_size;
    const int full_batch = batch == rows;
    const int early = c->patience > 0 && val_rows > 0;
    nn_rng rng;
    nn_rng_seed(&rng, c->seed ^ NN_STREAM_SHUFFLE);

    double best_loss = INFINITY;
    size_t best_epoch = 0, epoch = 0;
    nn_status st = NN_OK;
    nn_progress pg = {0};
    pg.epochs = c->epochs;
    pg.val_loss = pg.val_accuracy = NAN;

    while (epoch < c->epochs) {
        epoch++;
        /* Shuffling changes only the summation order of a full batch, so
         * it is skipped there. */
        if (!full_batch)
            nn_permutation(t->perm, rows, &rng);
        double loss_sum = 0.0;
        size_t correct = 0;
        for (size_t start = 0; start < rows; start += batch) {
            const size_t n = rows - start < batch ? rows - start : batch;
            const int32_t *labels = y;
            if (full_batch) {
                w->act0 = t->xs;
            } else {
                /* gather the batch's rows in their shuffled order */
                const size_t *p = t->perm + start;
                for (size_t k = 0; k < n; k++) {
                    memcpy(w->input + k * F, t->xs + p[k] * F, F * sizeof *w->input);
                    w->labels[k] = y[p[k]];
                }
                w->act0 = w->input;
                labels = w->labels;
            }
            nn_forward(w, m, n);
            /* the running accuracy is only for the progress callback */
            if (progress)
                correct += nn_count_correct(NULL, w, m, labels, n);
            double l;
            if ((st = nn_loss_backward(&l, t->grad, w, m, c->loss, c->class_weights, labels,
                                       n)) != NN_OK)
                return st;
            if (!isfinite(l))
                return NN_ERR_DIVERGED;
            loss_sum += l * (double)n;
            nn_optim_step(&t->opt, m, t->grad);
        }
        pg.epoch = epoch;
        pg.train_loss = loss_sum / (double)rows;
        pg.train_accuracy = progress ? (double)correct / (double)rows : NAN;

        int stop = 0;
        if (val_rows > 0) {
            nn_eval ev;
            if ((st = nn_evaluate_rows(&ev, NULL, w, m, c->loss, t->xv, yval, val_rows, 0)) !=
                NN_OK)
                return st;
            pg.val_loss = ev.loss;
            pg.val_accuracy = ev.accuracy;
            if (ev.loss < best_loss) {
                best_loss = ev.loss;
                best_epoch = epoch;
                if (early)
                    memcpy(t->best, m->params, m->n_params * sizeof *m->params);
            } else if (early && epoch - best_epoch >= c->patience) {
                rep->stopped_early = 1;
                stop = 1;
            }
            pg.best_epoch = best_epoch;
        }
        if (progress && progress(&pg, user) != 0) {
            rep->stopped_by_callback = 1;
            stop = 1;
        }
        if (stop)
            break;
    }

    rep->epochs_run = epoch;
    rep->best_epoch = epoch;
    if (early && best_epoch > 0) {
        memcpy(m->params, t->best, m->n_params * sizeof *m->params);
        rep->best_epoch = best_epoch;
    }
    return NN_OK;
}

/* nn_train_validated on arguments check_train_args has accepted. */
static nn_status train_checked(nn_model *model, nn_report *report, const nn_config *config,
                               const float *x, const int32_t *y, size_t rows,
                               const float *xval, const int32_t *yval, size_t val_rows,
                               size_t features, size_t classes, nn_progress_fn progress,
                               void *user)
{
    nn_status st;
    *model = (nn_model){0};

    const nn_config *c = config;
    training t;
    memset(&t, 0, sizeof t);
    size_t sizes[NN_MAX_LAYERS + 1];
    sizes[0] = features;
    for (size_t i = 0; i < c->n_hidden; i++)
        sizes[i + 1] = c->hidden[i];
    sizes[c->n_hidden + 1] = classes;
    if ((st = nn_model_init(&t.model, sizes, c->n_hidden + 2, c->activation)) != NN_OK)
        return st;
    nn_model *m = &t.model;

    const size_t batch = (c->batch_size == 0 || c->batch_size >= rows) ? rows : c->batch_size;
    /* Room for a training batch, and for the validation rows in chunks of
     * up to NN_EVAL_ROWS when they are more than a batch. */
    const size_t val_chunk = val_rows < NN_EVAL_ROWS ? val_rows : NN_EVAL_ROWS;
    const size_t cap = batch > val_chunk ? batch : val_chunk;
    if ((st = nn_work_init(&t.work, m, cap)) != NN_OK)
        goto done;
    if ((st = nn_optim_init(&t.opt, c, m->n_params)) != NN_OK)
        goto done;
    t.xs = alloc_array(rows * features, sizeof *t.xs);
    t.xv = alloc_array(val_rows * features, sizeof *t.xv);
    t.grad = alloc_array(m->n_params, sizeof *t.grad);
    t.best = alloc_array(m->n_params, sizeof *t.best);
    t.perm = alloc_array(rows, sizeof *t.perm);
    if (!t.xs || !t.xv || !t.grad || !t.best || !t.perm) {
        st = NN_ERR_NO_MEMORY;
        goto done;
    }

    /* Standardise once with the statistics of the rows fitted; the
     * validation rows get the same transformation, as unseen data will. */
    if ((st = nn_standardize_fit(m->mean, m->std, x, rows, features)) != NN_OK)
        goto done;
    nn_standardize_apply(t.xs, x, rows, features, m->mean, m->std);
    nn_standardize_apply(t.xv, xval, val_rows, features, m->mean, m->std);
    nn_model_randomize(m, c->seed);

    nn_report rep;
    memset(&rep, 0, sizeof rep);
    rep.train_rows = rows;
    rep.val_rows = val_rows;
    if ((st = train_loop(&t, &rep, c, y, rows, yval, val_rows, progress, user)) != NN_OK)
        goto done;

    /* The kept model's figures, measured now rather than taken from the
     * running means of the last epoch. */
    nn_eval ev;
    if ((st = nn_evaluate_rows(&ev, NULL, &t.work, m, c->loss, t.xs, y, rows, 0)) !=
        NN_OK)
        goto done;
    rep.train_loss = ev.loss;
    rep.train_accuracy = ev.accuracy;
    rep.val_loss = rep.val_accuracy = NAN;
    if (val_rows > 0) {
        if ((st = nn_evaluate_rows(&ev, NULL, &t.work, m, c->loss, t.xv, yval, val_rows,
                                   0)) != NN_OK)
            goto done;
        rep.val_loss = ev.loss;
        rep.val_accuracy = ev.accuracy;
    }
    if (report)
        *report = rep;
    /* Hand the model over; training_free below must not free it. */
    *model = t.model;
    t.model = (nn_model){0};

done:
    training_free(&t);
    return st;
}

nn_status nn_train_validated(nn_model *model, nn_report *report,
                             const nn_config *config, const float *x,
                             const int32_t *y, size_t rows, const float *xval,
                             const int32_t *yval, size_t val_rows, size_t features,
                             size_t classes, nn_progress_fn progress, void *user)
{
    const nn_status st = check_train_args(model, config, x, y, rows, xval, yval, val_rows,
                                          features, classes);
    if (st != NN_OK) {
        if (model)
            *model = (nn_model){0};
        return st;
    }
    return train_checked(model, report, config, x, y, rows, xval, yval, val_rows, features,
                         classes, progress, user);
}

nn_status nn_train(nn_model *model, nn_report *report,
                   const nn_config *config, const float *x, const int32_t *y,
                   size_t rows, size_t features, size_t classes,
                   nn_progress_fn progress, void *user)
{
    nn_status st = check_train_args(model, config, x, y, rows, NULL, NULL, 0, features,
                                    classes);
    if (st != NN_OK) {
        if (model)
            *model = (nn_model){0};
        return st;
    }
    if (config->patience == 0 || config->validation_fraction == 0.0)
        return train_checked(model, report, config, x, y, rows, NULL, NULL, 0, features,
                             classes, progress, user);

    /* Early stopping: hold out a stratified validation part of the rows. */
    size_t *idx = alloc_array(rows, sizeof *idx);
    float *xf = alloc_array(rows * features, sizeof *xf);
    int32_t *yf = alloc_array(rows, sizeof *yf);
    size_t n_val = 0;
    if (!idx || !xf || !yf) {
        st = NN_ERR_NO_MEMORY;
    } else {
        st = nn_split_rows(idx, &n_val, y, rows, classes, config->validation_fraction,
                           config->seed ^ NN_STREAM_VALIDATION);
    }
    if (st == NN_OK) {
        /* One buffer: the fitting rows, then the validation rows. */
        nn_gather(xf, yf, x, y, idx, rows, features);
        const size_t n_fit = rows - n_val;
        st = train_checked(model, report, config, xf, yf, n_fit, xf + n_fit * features,
                           yf + n_fit, n_val, features, classes, progress, user);
    } else {
        *model = (nn_model){0};
    }
    free(idx);
    free(xf);
    free(yf);
    return st;
}
