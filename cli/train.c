/*
 * train.c — `smx train`, `smx predict` and `smx eval`: a multilayer
 * perceptron whose output layer is the library's SoftMax, trained from a
 * CSV file (or the embedded Iris data) and saved as safetensors.
 *
 * Results go to standard output (text, or JSON with --json); progress
 * goes to standard error, so that a pipe gets only the results.  On a
 * terminal (standard output one, no --json) a live progress line with
 * a bar and a sparkline of the loss takes the place of the progress
 * lines, drawn on standard output.
 */
#include "cli.h"
#include "feature_rank.h"
#include "history.h"
#include "metrics.h"
#include "model_file.h"
#include "plot.h"
#include "progress.h"

#include "io/csv.h"
#include "iris_data.h"
#include "nn.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- shared: options, data, reports ------------------------------------- */

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A whole non-negative integer option, or the default when absent. */
static int size_option(const cli_args *args, const char *name, size_t *out, size_t lo, size_t hi)
{
    const char *v = cli_value(args, name);
    double d;
    if (!v)
        return CLI_EXIT_OK;
    if (cli_parse_number(&d, v) != CLI_OK || d != floor(d) || d < (double)lo || d > (double)hi)
        return cli_error(NULL, "bad --%s '%s': expected a whole number from %zu to %zu", name, v,
                         lo, hi);
    *out = (size_t)d;
    return CLI_EXIT_OK;
}

/* A number option within [lo, hi] (lo_open: > lo). */
static int real_option(const cli_args *args, const char *name, double *out, double lo,
                       int lo_open, double hi)
{
    const char *v = cli_value(args, name);
    double d;
    if (!v)
        return CLI_EXIT_OK;
    if (cli_parse_number(&d, v) != CLI_OK || d < lo || (lo_open && d == lo) || d > hi)
        return cli_error(NULL, "bad --%s '%s': expected a number in %c%g, %g]", name, v,
                         lo_open ? '(' : '[', lo, hi);
    *out = d;
    return CLI_EXIT_OK;
}

/* The hyper-parameters from the command line over the defaults. */
static int config_of(nn_config *c, const cli_args *args)
{
    *c = nn_default_config();
    const char *v;
    if ((v = cli_value(args, "hidden"))) {
        char **items;
        size_t n;
        if (cli_split_list(&items, &n, v) != CLI_OK)
            return cli_error(NULL, "out of memory");
        int rc = CLI_EXIT_OK;
        c->n_hidden = 0;
        if (!(n == 1 && (!strcmp(items[0], "none") || !strcmp(items[0], "0")))) {
            if (n > NN_MAX_HIDDEN)
                rc = cli_error(NULL, "--hidden has %zu layers, at most %d", n, NN_MAX_HIDDEN);
            for (size_t i = 0; rc == CLI_EXIT_OK && i < n; i++) {
                double d;
                if (cli_parse_number(&d, items[i]) != CLI_OK || d != floor(d) || d < 1 || d > 65536)
                    rc = cli_error("for example --hidden 16 or --hidden 32,16 (none: no hidden "
                                   "layer)",
                                   "bad --hidden width '%s'", items[i]);
                else
                    c->hidden[c->n_hidden++] = (size_t)d;
            }
        }
        cli_free_list(items, n);
        if (rc)
            return rc;
    }
    if ((v = cli_value(args, "activation")) && nn_activation_parse(&c->activation, v))
        return cli_error("relu, tanh, sigmoid or softplus", "unknown --activation '%s'", v);
    if ((v = cli_value(args, "loss")) && nn_loss_parse(&c->loss, v))
        return cli_error("ce (cross-entropy) or mse", "unknown --loss '%s'", v);
    if ((v = cli_value(args, "optimizer")) && nn_optimizer_parse(&c->optimizer, v))
        return cli_error("sgd, momentum or adam", "unknown --optimizer '%s'", v);
    if (real_option(args, "lr", &c->learning_rate, 0, 1, 10) ||
        real_option(args, "l2", &c->weight_decay, 0, 0, 10) ||
        real_option(args, "test-fraction", &c->test_fraction, 0, 1, 0.95) ||
        real_option(args, "val-fraction", &c->validation_fraction, 0, 0, 0.95) ||
        size_option(args, "epochs", &c->epochs, 1, 100000000) ||
        size_option(args, "batch", &c->batch_size, 0, SIZE_MAX / 2) ||
        size_option(args, "patience", &c->patience, 0, 100000000))
        return CLI_EXIT_FAIL;
    if ((v = cli_value(args, "seed"))) {
        double d;
        if (cli_parse_number(&d, v) != CLI_OK || d != floor(d) || d < 0 || d > 9007199254740992.0)
            return cli_error(NULL, "bad --seed '%s': expected a whole number >= 0", v);
        c->seed = (uint64_t)d;
    }
    /* The validation rows serve early stopping alone: one without the
     * other would be ignored. */
    if ((v = cli_value(args, "val-fraction")) && c->patience == 0)
        return cli_error("--patience N stops after N epochs without a lower validation loss",
                         "--val-fraction sets aside rows for early stopping: give --patience "
                         "too");
    if (c->patience > 0 && c->validation_fraction == 0)
        return cli_error("leave --val-fraction out for its default, 0.2",
                         "--patience needs validation rows: --val-fraction must be above 0");
    if (nn_config_check(c) != NN_OK)
        return cli_error(NULL, "these hyper-parameters are out of range");
    return CLI_EXIT_OK;
}

/* A labelled data set: read from CSV, or the embedded Iris flowers. */
typedef struct dataset {
    cli_csv_dataset csv; /* owns everything when read from a file */
    const float *x;
    const int32_t *y;
    size_t rows, features, classes;
    const char *const *class_names;
    const char *const *feature_names;
    const char *target;
    const char *source;
} dataset;

static int dataset_load(dataset *d, const cli_args *args)
{
    memset(d, 0, sizeof *d);
    if (args->n_words == 0) {
        if (cli_value(args, "target") && strcmp(cli_value(args, "target"), "species"))
            return cli_error("the embedded Iris data's target column is 'species'",
                             "unknown --target '%s'", cli_value(args, "target"));
        d->x = nn_iris_x;
        d->y = nn_iris_y;
        d->rows = NN_IRIS_ROWS;
        d->features = NN_IRIS_FEATURES;
        d->classes = NN_IRIS_CLASSES;
        d->class_names = nn_iris_class_names;
        d->feature_names = nn_iris_feature_names;
        d->target = nn_iris_target_name;
        d->source = "iris (embedded)";
        return CLI_EXIT_OK;
    }
    cli_csv_options opt = {0};
    opt.target = cli_value(args, "target");
    cli_io_error err;
    if (cli_csv_read_file(&d->csv, args->words[0], &opt, &err) != CLI_OK ||
        cli_csv_check_classes(&d->csv, &err) != CLI_OK) {
        cli_csv_free(&d->csv);
        return cli_error(NULL, "%s", err.message);
    }
    d->x = d->csv.x;
    d->y = d->csv.y;
    d->rows = d->csv.rows;
    d->features = d->csv.features;
    d->classes = d->csv.n_classes;
    d->class_names = (const char *const *)d->csv.class_names;
    d->feature_names = (const char *const *)d->csv.feature_names;
    d->target = d->csv.target_name;
    d->source = strcmp(args->words[0], "-") ? args->words[0] : "<stdin>";
    return CLI_EXIT_OK;
}

static cJSON *json_names(char *const *names, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    return a;
}

/* ---- smx train ---------------------------------------------------------- */

/* Progress: a live line on a terminal, a plain line every `every` epochs
 * otherwise, nothing when quiet.  The history of the epochs feeds the
 * live line's sparkline and --plot. */
typedef struct progress_state {
    int quiet, live;
    size_t every;
    double start, last_draw;
    train_history *history; /* NULL: not kept */
    int out_of_memory;
} progress_state;

/* The live line, within 80 columns: the bar, the epoch, the loss with
 * its sparkline since epoch 1, the accuracy, the time left. */
static void draw_live(const progress_state *s, const nn_progress *p, double now)
{
    char bar[3 * 12 + 1], spark[3 * 10 + 1] = "", val[32] = "";
    progress_bar(bar, sizeof bar, (double)p->epoch / (double)p->epochs, 12);
    if (s->history)
        progress_sparkline(spark, sizeof spark, s->history->train_loss, s->history->n, 10);
    if (!isnan(p->val_loss))
        snprintf(val, sizeof val, " val %.4f", p->val_loss);
    const double eta = (now - s->start) / (double)p->epoch * (double)(p->epochs - p->epoch);
    printf("\r\033[K%s %zu/%zu loss %.4f %s acc %.1f%%%s ETA %.1fs", bar, p->epoch, p->epochs,
           p->train_loss, spark, 100 * p->train_accuracy, val, eta);
    fflush(stdout);
}

static int on_epoch(const nn_progress *p, void *user)
{
    progress_state *s = user;
    if (s->history && history_add(s->history, p->train_loss, p->train_accuracy, p->val_loss,
                                  p->val_accuracy, p->best_epoch) != CLI_OK) {
        s->out_of_memory = 1;
        return 1; /* stop: the caller reports it */
    }
    if (s->quiet)
        return 0;
    const double now = seconds_now();
    const int last = p->epoch == p->epochs;
    char val[48] = "";
    if (!isnan(p->val_loss))
        snprintf(val, sizeof val, "  val loss %.4f acc %5.1f%%", p->val_loss,
                 100 * p->val_accuracy);
    if (s->live) {
        if (!last && now - s->last_draw < 0.1)
            return 0;
        s->last_draw = now;
        draw_live(s, p, now);
    } else if (p->epoch % s->every == 0 || p->epoch == 1) {
        fprintf(stderr, "epoch %zu/%zu  loss %.4f  acc %5.1f%%%s\n", p->epoch, p->epochs,
                p->train_loss, 100 * p->train_accuracy, val);
    }
    return 0;
}

static void describe_network(char *buf, size_t size, const nn_model *net)
{
    size_t used = (size_t)snprintf(buf, size, "%zu", net->features);
    for (size_t i = 0; i < net->n_layers && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "-%zu", net->layers[i].out);
}

/* ---- class weights ------------------------------------------------------ */

/* --class-weight: none, "balanced", or one weight per class. */
typedef struct class_weight_spec {
    int balanced;
    float *fixed; /* [classes] when given as a list */
} class_weight_spec;

static int class_weight_spec_of(class_weight_spec *cw, const cli_args *args,
                                const nn_config *cfg, const dataset *d)
{
    memset(cw, 0, sizeof *cw);
    const char *v = cli_value(args, "class-weight");
    if (!v)
        return CLI_EXIT_OK;
    if (cfg->loss != NN_LOSS_CROSS_ENTROPY)
        return cli_error("class weights scale the cross-entropy of each row",
                         "--class-weight needs --loss ce");
    if (!strcmp(v, "balanced")) {
        cw->balanced = 1;
        return CLI_EXIT_OK;
    }
    char **items;
    size_t n;
    if (cli_split_list(&items, &n, v) != CLI_OK)
        return cli_error(NULL, "out of memory");
    int rc = CLI_EXIT_OK;
    if (n != d->classes) {
        char order[160] = "";
        for (size_t k = 0; k < d->classes && strlen(order) < 120; k++)
            snprintf(order + strlen(order), sizeof order - strlen(order), "%s%s", k ? "," : "",
                     d->class_names[k]);
        char hint[200];
        snprintf(hint, sizeof hint, "balanced, or one weight per class in this order: %s",
                 order);
        rc = cli_error(hint, "--class-weight has %zu weight%s for %zu classes", n,
                       n == 1 ? "" : "s", d->classes);
    }
    cw->fixed = rc ? NULL : malloc(n * sizeof *cw->fixed);
    if (!rc && !cw->fixed)
        rc = cli_error(NULL, "out of memory");
    for (size_t k = 0; !rc && k < n; k++) {
        double w;
        if (cli_parse_number(&w, items[k]) != CLI_OK || !(w > 0) || w > FLT_MAX ||
            !((float)w > 0))
            rc = cli_error(NULL, "bad --class-weight value '%s': expected a number > 0",
                           items[k]);
        else
            cw->fixed[k] = (float)w;
    }
    cli_free_list(items, n);
    if (rc) {
        free(cw->fixed);
        cw->fixed = NULL;
    }
    return rc;
}

/* The class weights for training on y[rows] (into w[classes] when
 * balanced: rows / (classes x the class's rows), scikit-learn's rule, 1
 * for a class with no rows), or NULL for none. */
static const float *class_weights_for(float *w, const class_weight_spec *cw, const int32_t *y,
                                      size_t rows, size_t classes)
{
    if (cw->fixed)
        return cw->fixed;
    if (!cw->balanced)
        return NULL;
    for (size_t k = 0; k < classes; k++) {
        size_t count = 0;
        for (size_t r = 0; r < rows; r++)
            count += (size_t)y[r] == k;
        w[k] = count ? (float)((double)rows / ((double)classes * (double)count)) : 1.0f;
    }
    return w;
}

/* ---- stratified K-fold cross-validation --------------------------------- */

/* A stream of the seed of its own, apart from the split, the weights and
 * the shuffles (trainer/train.c keeps its streams apart the same way). */
#define FOLDS_STREAM 0x6b666f6c64730000ull /* "kfolds" */

/* fold[r] for every row: the rows of each class in a random order drawn
 * with the seed, dealt to the folds in turn, the turn carried from class
 * to class, so that each fold holds each class's share (to one row) and
 * the fold sizes differ by at most one (as scikit-learn's StratifiedKFold
 * with shuffle=True). */
static int assign_folds(size_t *fold, const int32_t *y, size_t rows, size_t classes,
                        size_t k, uint64_t seed)
{
    size_t *members = malloc(rows * sizeof *members), *perm = malloc(rows * sizeof *perm);
    if (!members || !perm) {
        free(members);
        free(perm);
        return cli_error(NULL, "out of memory");
    }
    nn_rng rng;
    nn_rng_seed(&rng, seed ^ FOLDS_STREAM);
    size_t turn = 0;
    for (size_t c = 0; c < classes; c++) {
        size_t n = 0;
        for (size_t r = 0; r < rows; r++)
            if ((size_t)y[r] == c)
                members[n++] = r;
        nn_permutation(perm, n, &rng);
        for (size_t i = 0; i < n; i++)
            fold[members[perm[i]]] = turn++ % k;
    }
    free(members);
    free(perm);
    return CLI_EXIT_OK;
}

static void describe_config(char *buf, size_t size, const nn_config *c, size_t features,
                            size_t classes)
{
    size_t used = (size_t)snprintf(buf, size, "%zu", features);
    for (size_t i = 0; i < c->n_hidden && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "-%zu", c->hidden[i]);
    if (used < size)
        snprintf(buf + used, size - used, "-%zu", classes);
}

/* mean and population standard deviation (numpy's std) of v[n]. */
static void mean_std(double *mean, double *std, const double *v, size_t n)
{
    double sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    *mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += (v[i] - *mean) * (v[i] - *mean);
    *std = sqrt(sq / (double)n);
}

static int run_folds(const cli_args *args, const nn_config *cfg, const dataset *d, size_t k,
                     const class_weight_spec *cw, int precision)
{
    const int json = cli_flag(args, "json"), quiet = cli_flag(args, "quiet") || json;
    const size_t rows = d->rows, F = d->features, C = d->classes;
    size_t *fold = malloc(rows * sizeof *fold), *idx = malloc(rows * sizeof *idx);
    size_t *n_train = calloc(k, sizeof *n_train);
    float *x = malloc(rows * F * sizeof *x), *w = malloc(C * sizeof *w);
    int32_t *y = malloc(rows * sizeof *y);
    metrics *m = calloc(k, sizeof *m);
    float *weights = calloc(k * C, sizeof *weights); /* per fold, for --json */
    double *acc = calloc(k, sizeof *acc), *f1 = calloc(k, sizeof *f1);
    double *loss = calloc(k, sizeof *loss);
    int rc = CLI_EXIT_OK;
    if (!fold || !idx || !n_train || !x || !w || !y || !m || !weights || !acc || !f1 || !loss) {
        rc = cli_error(NULL, "out of memory");
        goto out;
    }
    for (size_t c = 0; c < C; c++) {
        size_t count = 0;
        for (size_t r = 0; r < rows; r++)
            count += (size_t)d->y[r] == c;
        if (count < k)
            cli_warn("class \"%s\" has %zu row%s, fewer than the %zu folds: some folds test "
                     "none of it",
                     d->class_names[c], count, count == 1 ? "" : "s", k);
    }
    if ((rc = assign_folds(fold, d->y, rows, C, k, cfg->seed)))
        goto out;
    if (!quiet) {
        char r[48], f[48];
        fprintf(stderr, "%zu-fold cross-validation on %s: %s, %s, %zu classes\n", k, d->source,
                cli_plural(r, sizeof r, rows, "row", "rows"),
                cli_plural(f, sizeof f, F, "feature", "features"), C);
    }
    for (size_t f = 0; f < k; f++) {
        /* the other folds' rows train, this fold's rows test, each ascending */
        size_t n = 0;
        for (size_t r = 0; r < rows; r++)
            if (fold[r] != f)
                idx[n++] = r;
        n_train[f] = n;
        for (size_t r = 0; r < rows; r++)
            if (fold[r] == f)
                idx[n++] = r;
        nn_gather(x, y, d->x, d->y, idx, rows, F);
        nn_config c = *cfg;
        c.class_weights = class_weights_for(w, cw, y, n_train[f], C);
        if (c.class_weights)
            memcpy(weights + f * C, c.class_weights, C * sizeof *weights);
        nn_model net;
        const nn_status st = nn_train(&net, NULL, &c, x, y, n_train[f], F, C, NULL, NULL);
        if (st != NN_OK) {
            rc = cli_error(st == NN_ERR_DIVERGED ? "try a smaller --lr" : NULL,
                           "fold %zu: training: %s", f + 1, nn_strerror(st));
            goto out;
        }
        rc = metrics_of(&m[f], &net, c.loss, x + n_train[f] * F, y + n_train[f],
                        rows - n_train[f]);
        nn_model_free(&net);
        if (rc)
            goto out;
        acc[f] = m[f].eval.accuracy;
        f1[f] = m[f].macro_f1;
        loss[f] = m[f].eval.loss;
        if (!quiet)
            fprintf(stderr, "fold %zu/%zu: test accuracy %.2f %%\n", f + 1, k, 100 * acc[f]);
    }
    double acc_mean, acc_std, f1_mean, f1_std, loss_mean, loss_std;
    mean_std(&acc_mean, &acc_std, acc, k);
    mean_std(&f1_mean, &f1_std, f1, k);
    mean_std(&loss_mean, &loss_std, loss, k);

    char arch[128];
    describe_config(arch, sizeof arch, cfg, F, C);
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "data", d->source);
        cJSON_AddStringToObject(root, "network", arch);
        cJSON_AddStringToObject(root, "activation", nn_activation_name(cfg->activation));
        cJSON_AddStringToObject(root, "loss", nn_loss_name(cfg->loss));
        cJSON_AddStringToObject(root, "optimizer", nn_optimizer_name(cfg->optimizer));
        cJSON_AddNumberToObject(root, "learning_rate", cfg->learning_rate);
        cJSON_AddNumberToObject(root, "seed", (double)cfg->seed);
        cJSON_AddItemToObject(root, "classes", json_names((char *const *)d->class_names, C));
        cJSON_AddNumberToObject(root, "folds", (double)k);
        cJSON *per = cJSON_AddArrayToObject(root, "per_fold");
        for (size_t f = 0; f < k; f++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "fold", (double)(f + 1));
            cJSON_AddNumberToObject(o, "train_rows", (double)n_train[f]);
            if (cw->balanced || cw->fixed)
                cJSON_AddItemToObject(o, "class_weights",
                                      cJSON_CreateFloatArray(weights + f * C, (int)C));
            cJSON_AddItemToObject(o, "test", metrics_json(&m[f], 1));
            cJSON_AddItemToArray(per, o);
        }
        cJSON_AddNumberToObject(root, "accuracy_mean", acc_mean);
        cJSON_AddNumberToObject(root, "accuracy_std", acc_std);
        cJSON_AddNumberToObject(root, "macro_f1_mean", f1_mean);
        cJSON_AddNumberToObject(root, "macro_f1_std", f1_std);
        cJSON_AddNumberToObject(root, "loss_mean", loss_mean);
        cJSON_AddNumberToObject(root, "loss_std", loss_std);
        rc = cli_print_json(root);
        goto out;
    }
    printf("network %s (%s), %s loss, %s lr %g, batch %zu, L2 %g, seed %llu\n", arch,
           cfg->n_hidden ? nn_activation_name(cfg->activation) : "no hidden layer",
           nn_loss_name(cfg->loss), nn_optimizer_name(cfg->optimizer),
           cfg->learning_rate, cfg->batch_size, cfg->weight_decay,
           (unsigned long long)cfg->seed);
    printf("%zu-fold stratified cross-validation: each fold tested on a model trained on the "
           "others\n\n",
           k);
    printf("fold   train   test  %*s  accuracy  macro-F1\n", precision + 2, "loss");
    for (size_t f = 0; f < k; f++)
        printf("%4zu  %6zu %6zu  %*.*f  %6.2f %%  %8.4f\n", f + 1, n_train[f],
               rows - n_train[f], precision + 2, precision, loss[f], 100 * acc[f], f1[f]);
    printf("mean                %*.*f  %6.2f %%  %8.4f\n", precision + 2, precision, loss_mean,
           100 * acc_mean, f1_mean);
    printf("std                 %*.*f  %6.2f %%  %8.4f\n", precision + 2, precision, loss_std,
           100 * acc_std, f1_std);
    printf("(std: the population standard deviation over the folds, numpy's default)\n");
out:
    for (size_t f = 0; m && f < k; f++)
        metrics_free(&m[f]);
    free(m);
    free(fold);
    free(idx);
    free(n_train);
    free(x);
    free(w);
    free(y);
    free(weights);
    free(acc);
    free(f1);
    free(loss);
    return rc;
}

/* The picture options: each drawable, none with --folds, --plot-features
 * only with --plot-regions, two files for two pictures. */
static int plot_options_ok(const cli_args *args, size_t folds)
{
    const char *plot = cli_value(args, "plot"), *regions = cli_value(args, "plot-regions");
    int rc;
    if (plot && (rc = plot_check("plot", plot)))
        return rc;
    if (regions && (rc = plot_check("plot-regions", regions)))
        return rc;
    if (folds && (plot || regions))
        return cli_error("train without --folds for the pictures of one model",
                         "--folds trains %zu models: --%s does not apply", folds,
                         plot ? "plot" : "plot-regions");
    if (cli_value(args, "plot-features") && !regions)
        return cli_error("--plot-regions FILE draws the decision regions",
                         "--plot-features chooses the features of --plot-regions: give it too");
    if (plot && regions && !strcmp(plot, regions))
        return cli_error(NULL, "--plot and --plot-regions both name %s: give two files", plot);
    return CLI_EXIT_OK;
}

/* The two features of --plot-regions: --plot-features, or the two of
 * largest ANOVA F statistic over all the rows (a property of the data,
 * the same for every seed). */
static int region_features(size_t pair[2], const cli_args *args, const dataset *d)
{
    double *F = malloc(d->features * sizeof *F);
    if (!F)
        return cli_error(NULL, "out of memory");
    features_f_statistic(F, d->x, d->y, d->rows, d->features, d->classes);
    const int rc = features_pick_pair(pair, cli_value(args, "plot-features"), d->feature_names,
                                      d->features, F);
    free(F);
    return rc;
}

/* The pictures of a trained model, when asked for; `arch` and the test
 * accuracy title them. */
static int draw_pictures(const cli_args *args, const dataset *d, const nn_config *cfg,
                         const cli_model *model, const train_history *history,
                         const nn_report *report, const char *arch, const float *x,
                         const int32_t *y, size_t n_train, size_t n_test, double test_accuracy,
                         const size_t pair[2])
{
    const char *plot = cli_value(args, "plot"), *regions = cli_value(args, "plot-regions");
    char title[512];
    int rc;
    snprintf(title, sizeof title, "%s, network %s", d->source, arch);
    if (plot) {
        plot_training_info info = {title, nn_loss_name(cfg->loss), test_accuracy,
                                   report->stopped_early ? report->best_epoch : 0};
        if ((rc = plot_training(plot, history, &info)))
            return rc;
    }
    if (regions) {
        const plot_rows train = {x, y, n_train};
        const plot_rows test = {x + n_train * d->features, y + n_train, n_test};
        plot_regions_info info = {title, (const char *const *)model->class_names,
                                  d->feature_names, {pair[0], pair[1]}, test_accuracy};
        if ((rc = plot_regions(regions, &model->net, &train, &test, &info)))
            return rc;
    }
    return CLI_EXIT_OK;
}

/* --save must not overwrite the training data. */
static int save_target_ok(const cli_args *args)
{
    const char *save = cli_value(args, "save");
    struct stat a, b;
    if (!save || args->n_words == 0)
        return CLI_EXIT_OK;
    const char *data = args->words[0];
    if (!strcmp(save, data) ||
        (stat(save, &a) == 0 && stat(data, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino))
        return cli_error("name a new file, e.g. --save model.safetensors",
                         "--save %s would overwrite the training data", save);
    return CLI_EXIT_OK;
}

static int run_train(const cli_args *args)
{
    nn_config cfg;
    dataset d;
    int rc, precision = 4;
    if (cli_value(args, "precision") && (rc = cli_precision(args, &precision)))
        return rc;
    if ((rc = cli_check_words(args, 0, 1, "at most one data file")))
        return rc;
    size_t folds = 0;
    if ((rc = config_of(&cfg, args)) || (rc = save_target_ok(args)) ||
        (rc = size_option(args, "folds", &folds, 2, 1000000)))
        return rc;
    if (folds && (cli_value(args, "test-fraction") || cli_value(args, "save")))
        return cli_error("train without --folds to hold out a test set or save a model",
                         "--folds tests on every row in turn: --%s does not apply",
                         cli_value(args, "save") ? "save" : "test-fraction");
    if ((rc = plot_options_ok(args, folds)))
        return rc;
    if ((rc = dataset_load(&d, args)))
        return rc;
    class_weight_spec cw;
    size_t pair[2] = {0, 0};
    if ((cli_value(args, "plot-regions") && (rc = region_features(pair, args, &d))) ||
        (rc = class_weight_spec_of(&cw, args, &cfg, &d))) {
        cli_csv_free(&d.csv);
        return rc;
    }
    const int json = cli_flag(args, "json");
    /* the live line only on a terminal, never into a pipe or a file */
    progress_state ps = {cli_flag(args, "quiet"), !json && isatty(STDOUT_FILENO), 0,
                         seconds_now(), 0, NULL, 0};
    ps.every = cfg.epochs >= 10 ? cfg.epochs / 10 : 1;
    train_history history;
    memset(&history, 0, sizeof history);
    if ((ps.live && !ps.quiet) || cli_value(args, "plot"))
        ps.history = &history;
    float *weights = malloc(d.classes * sizeof *weights);
    if (!weights)
        rc = cli_error(NULL, "out of memory");
    if (rc || (rc = size_option(args, "every", &ps.every, 1, SIZE_MAX)))
        goto out_data;
    if (folds) {
        if (folds > d.rows)
            rc = cli_error(NULL, "--folds %zu: more folds than the %zu rows", folds, d.rows);
        else
            rc = run_folds(args, &cfg, &d, folds, &cw, precision);
        goto out_data;
    }

    /* Shuffle with the seed and split 80/20 (by default), class by class. */
    size_t *idx = malloc(d.rows * sizeof *idx), n_test = 0;
    float *x = malloc(d.rows * d.features * sizeof *x);
    int32_t *y = malloc(d.rows * sizeof *y);
    cli_model model;
    memset(&model, 0, sizeof model);
    metrics train_m, test_m;
    memset(&train_m, 0, sizeof train_m);
    memset(&test_m, 0, sizeof test_m);
    if (!idx || !x || !y) {
        rc = cli_error(NULL, "out of memory");
        goto out;
    }
    nn_status st = nn_split_stratified(idx, &n_test, d.y, d.rows, d.classes,
                                       cfg.test_fraction, cfg.seed);
    if (st != NN_OK) {
        rc = cli_error("the test split needs rows of every class on both sides", "%s (%zu rows)",
                       nn_strerror(st), d.rows);
        goto out;
    }
    nn_gather(x, y, d.x, d.y, idx, d.rows, d.features);
    const size_t n_train = d.rows - n_test;
    const float *x_test = x + n_train * d.features;
    const int32_t *y_test = y + n_train;

    if (!json && !ps.quiet) {
        char rows[48], features[48];
        fprintf(stderr, "training on %s: %s (%zu train, %zu test), %s, %zu classes\n",
                d.source, cli_plural(rows, sizeof rows, d.rows, "row", "rows"), n_train, n_test,
                cli_plural(features, sizeof features, d.features, "feature", "features"),
                d.classes);
    }
    cfg.class_weights = class_weights_for(weights, &cw, y, n_train, d.classes);
    const double t0 = seconds_now();
    ps.start = t0;
    nn_report report;
    st = nn_train(&model.net, &report, &cfg, x, y, n_train, d.features, d.classes, on_epoch,
                  &ps);
    const double elapsed = seconds_now() - t0;
    if (ps.live && !ps.quiet)
        fputs("\n\n", stdout);
    if (ps.out_of_memory) {
        rc = cli_error(NULL, "out of memory");
        goto out;
    }
    if (st != NN_OK) {
        rc = cli_error(st == NN_ERR_DIVERGED ? "try a smaller --lr" : NULL, "training: %s",
                       nn_strerror(st));
        goto out;
    }
    if ((rc = cli_model_set_names(&model, d.class_names, d.feature_names, d.target)) ||
        (rc = metrics_of(&train_m, &model.net, cfg.loss, x, y, n_train)) ||
        (rc = metrics_of(&test_m, &model.net, cfg.loss, x_test, y_test, n_test)))
        goto out;

    const char *save = cli_value(args, "save");
    if (save && (rc = cli_model_save(&model, save)))
        goto out;

    char arch[128];
    describe_network(arch, sizeof arch, &model.net);
    if ((rc = draw_pictures(args, &d, &cfg, &model, &history, &report, arch, x, y, n_train,
                            n_test, test_m.eval.accuracy, pair)))
        goto out;
    const char *plot = cli_value(args, "plot"), *regions = cli_value(args, "plot-regions");
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "data", d.source);
        cJSON_AddStringToObject(root, "network", arch);
        cJSON_AddStringToObject(root, "activation", nn_activation_name(cfg.activation));
        cJSON_AddStringToObject(root, "loss", nn_loss_name(cfg.loss));
        cJSON_AddStringToObject(root, "optimizer", nn_optimizer_name(cfg.optimizer));
        cJSON_AddNumberToObject(root, "learning_rate", cfg.learning_rate);
        cJSON_AddNumberToObject(root, "seed", (double)cfg.seed);
        cJSON_AddNumberToObject(root, "epochs_run", (double)report.epochs_run);
        cJSON_AddNumberToObject(root, "best_epoch", (double)report.best_epoch);
        cJSON_AddNumberToObject(root, "seconds", elapsed);
        cJSON_AddItemToObject(root, "classes", json_names(model.class_names, d.classes));
        if (cfg.class_weights)
            cJSON_AddItemToObject(root, "class_weights",
                                  cJSON_CreateFloatArray(cfg.class_weights, (int)d.classes));
        cJSON_AddItemToObject(root, "train", metrics_json(&train_m, 0));
        cJSON_AddItemToObject(root, "test", metrics_json(&test_m, 1));
        if (save)
            cJSON_AddStringToObject(root, "saved", save);
        if (plot)
            cJSON_AddStringToObject(root, "plot", plot);
        if (regions) {
            cJSON *o = cJSON_AddObjectToObject(root, "plot_regions");
            cJSON_AddStringToObject(o, "file", regions);
            cJSON *f = cJSON_AddArrayToObject(o, "features");
            for (int i = 0; i < 2; i++)
                cJSON_AddItemToArray(f, cJSON_CreateString(d.feature_names[pair[i]]));
        }
        rc = cli_print_json(root);
        goto out;
    }
    printf("network %s (%s), %s loss, %s lr %g, batch %zu, L2 %g, seed %llu\n", arch,
           model.net.n_layers > 1 ? nn_activation_name(cfg.activation) : "no hidden layer",
           nn_loss_name(cfg.loss),
           nn_optimizer_name(cfg.optimizer), cfg.learning_rate, cfg.batch_size,
           cfg.weight_decay, (unsigned long long)cfg.seed);
    char epochs[48];
    printf("%s in %.3f s%s\n\n", cli_plural(epochs, sizeof epochs, report.epochs_run, "epoch",
                                            "epochs"),
           elapsed,
           report.stopped_early ? " (stopped early; best epoch kept)" : "");
    if (cfg.class_weights) {
        printf("class weights:");
        for (size_t k = 0; k < d.classes; k++)
            printf(" %s %.4g", model.class_names[k], cfg.class_weights[k]);
        printf("\n\n");
    }
    printf("          rows  %*s  accuracy  macro-F1\n", precision + 2, "loss");
    printf("train   %6zu  %*.*f  %6.2f %%  %8.4f\n", n_train, precision + 2, precision,
           train_m.eval.loss, 100 * train_m.eval.accuracy, train_m.macro_f1);
    printf("test    %6zu  %*.*f  %6.2f %%  %8.4f\n", n_test, precision + 2, precision,
           test_m.eval.loss, 100 * test_m.eval.accuracy, test_m.macro_f1);
    metrics_print(&test_m, model.class_names, "test rows");
    if (save)
        printf("\nsaved %s\n", save);
    if (plot)
        printf("%sdrew %s (loss and accuracy per epoch)\n", save ? "" : "\n", plot);
    if (regions)
        printf("%sdrew %s (decision regions over %s and %s)\n", save || plot ? "" : "\n",
               regions, d.feature_names[pair[0]], d.feature_names[pair[1]]);
out:
    history_free(&history);
    metrics_free(&train_m);
    metrics_free(&test_m);
    cli_model_free(&model);
    free(idx);
    free(x);
    free(y);
out_data:
    free(weights);
    free(cw.fixed);
    cli_csv_free(&d.csv);
    return rc;
}

/* ---- smx predict and smx eval ------------------------------------------- */

static int read_input(cli_csv_dataset *data, const cli_model *m, const char *path,
                      int want_labels)
{
    cli_csv_predict_options opt;
    memset(&opt, 0, sizeof opt);
    opt.n_features = m->net.features;
    opt.feature_names = (const char *const *)m->feature_names;
    opt.target = m->target_name;
    opt.n_classes = m->net.classes;
    opt.class_names = want_labels ? (const char *const *)m->class_names : NULL;
    cli_io_error err;
    if (cli_csv_read_predict_file(data, path, &opt, &err) != CLI_OK)
        return cli_error(NULL, "%s", err.message);
    return CLI_EXIT_OK;
}

/* One CSV field as RFC 4180 writes it: in double quotes, with each quote
 * doubled, when it holds a comma, a quote or a line break. */
static void print_csv_field(const char *text)
{
    if (!text[strcspn(text, ",\"\r\n")]) {
        fputs(text, stdout);
        return;
    }
    putchar('"');
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            putchar('"');
        putchar(*p);
    }
    putchar('"');
}

static int run_predict(const cli_args *args)
{
    int precision, rc;
    if ((rc = cli_check_words(args, 1, 2, "a model file and at most one data file")))
        return rc;
    if ((rc = cli_precision(args, &precision)))
        return rc;
    cli_model m;
    if ((rc = cli_model_load(&m, args->words[0])))
        return rc;
    cli_csv_dataset data;
    if ((rc = read_input(&data, &m, args->n_words == 2 ? args->words[1] : "-", 0))) {
        cli_model_free(&m);
        return rc;
    }
    const size_t k = m.net.classes;
    float *probs = malloc((data.rows ? data.rows : 1) * k * sizeof *probs);
    int32_t *pred = malloc((data.rows ? data.rows : 1) * sizeof *pred);
    nn_status st = probs && pred ? nn_predict(probs, pred, &m.net, data.x, data.rows)
                                     : NN_ERR_NO_MEMORY;
    if (st != NN_OK) {
        rc = cli_error(NULL, "%s", nn_strerror(st));
    } else if (cli_flag(args, "json")) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddItemToObject(root, "classes", json_names(m.class_names, k));
        cJSON *rows = cJSON_AddArrayToObject(root, "predictions");
        for (size_t r = 0; r < data.rows; r++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "class", m.class_names[pred[r]]);
            cJSON_AddItemToObject(o, "probabilities",
                                  cJSON_CreateFloatArray(probs + r * k, (int)k));
            cJSON_AddItemToArray(rows, o);
        }
        rc = cli_print_json(root);
    } else {
        printf("class");
        for (size_t j = 0; j < k; j++) {
            putchar(',');
            print_csv_field(m.class_names[j]);
        }
        putchar('\n');
        for (size_t r = 0; r < data.rows; r++) {
            print_csv_field(m.class_names[pred[r]]);
            for (size_t j = 0; j < k; j++)
                printf(",%.*f", precision, probs[r * k + j]);
            putchar('\n');
        }
    }
    free(probs);
    free(pred);
    cli_csv_free(&data);
    cli_model_free(&m);
    return rc;
}

static int run_eval(const cli_args *args)
{
    cli_model m;
    int rc, precision = 4;
    if ((rc = cli_check_words(args, 2, 2, "a model file and a data file")))
        return rc;
    if (cli_value(args, "precision") && (rc = cli_precision(args, &precision)))
        return rc;
    if ((rc = cli_model_load(&m, args->words[0])))
        return rc;
    cli_csv_dataset data;
    if ((rc = read_input(&data, &m, args->words[1], 1))) {
        cli_model_free(&m);
        return rc;
    }
    metrics mt;
    memset(&mt, 0, sizeof mt);
    if (!data.y) {
        rc = cli_error("evaluation needs the true class of each row",
                       "no target column%s%s%s in %s",
                       m.target_name ? " '" : "", m.target_name ? m.target_name : "",
                       m.target_name ? "'" : "",
                       strcmp(args->words[1], "-") ? args->words[1] : "<stdin>");
    } else if (!(rc = metrics_of(&mt, &m.net, NN_LOSS_CROSS_ENTROPY, data.x, data.y,
                                  data.rows))) {
        const size_t k = m.net.classes;
        if (cli_flag(args, "json")) {
            cJSON *root = metrics_json(&mt, 1);
            cJSON_AddItemToObject(root, "classes", json_names(m.class_names, k));
            rc = cli_print_json(root);
        } else {
            char rows[48];
            printf("%s  cross-entropy %.*f  accuracy %.2f %%  macro-F1 %.4f\n",
                   cli_plural(rows, sizeof rows, mt.eval.rows, "row", "rows"), precision,
                   mt.eval.loss, 100 * mt.eval.accuracy, mt.macro_f1);
            metrics_print(&mt, m.class_names, "these rows");
        }
    }
    metrics_free(&mt);
    cli_csv_free(&data);
    cli_model_free(&m);
    return rc;
}

/* ---- the commands ------------------------------------------------------- */

static const cli_option train_options[] = {
    {"target", "NAME", "the class column (default: the last)"},
    {"hidden", "W1,W2,...", "hidden layer widths, e.g. 16 or 32,16; none for no hidden layer "
                            "(default 16)"},
    {"activation", "NAME", "relu (default), tanh, sigmoid or softplus"},
    {"loss", "NAME", "ce (fused cross-entropy, default) or mse (through the Jacobian)"},
    {"optimizer", "NAME", "adam (default), momentum or sgd"},
    {"lr", "RATE", "learning rate (default 0.003)"},
    {"epochs", "N", "passes over the training rows (default 300)"},
    {"batch", "ROWS", "rows per step; 0 for the full batch (default 32)"},
    {"l2", "DECAY", "weight decay on the weights (default 0.001)"},
    {"seed", "N", "seed of the split, the initial weights and the shuffles (default 42)"},
    {"test-fraction", "F", "share of rows held out for the test (default 0.2)"},
    {"patience", "N", "early stopping: stop after N epochs without a lower validation loss"},
    {"val-fraction", "F", "with --patience: share of training rows for validation (default "
                          "0.2)"},
    {"class-weight", "W", "balanced (rows / (classes x rows of the class), from the training "
                          "rows) or W1,W2,... (one weight > 0 per class): the cross-entropy's "
                          "class weights, for imbalanced data"},
    {"folds", "K", "stratified K-fold cross-validation: K models, each trained on K-1 folds "
                   "and tested on the one left out; the mean and std of the test accuracy "
                   "and macro-F1"},
    {"save", "FILE", "write the model to this safetensors file"},
    {"plot", "FILE", "draw the loss and the accuracy per epoch, training and validation, "
                     "with the final test accuracy (FILE.png, .svg or .pdf)"},
    {"plot-regions", "FILE", "draw the decision regions over two features: the class of "
                             "largest probability, shaded by it, the other features at "
                             "their training means; the rows on top"},
    {"plot-features", "A,B", "the two features of --plot-regions (names or 1-based "
                             "positions; default: the two of largest ANOVA F statistic)"},
    {"every", "N", "a progress line every N epochs (without a terminal; on one, a live "
                   "progress bar)"},
    {"quiet", NULL, "no progress"},
    {"precision", "N", "digits of the losses (default 4)"},
    {"json", NULL, "print JSON for scripts"},
    {NULL, NULL, NULL},
};

static const cli_option predict_options[] = {
    {"precision", "N", "digits of the probabilities, 0 to 17 (default 6)"},
    {"json", NULL, "print JSON for scripts"},
    {NULL, NULL, NULL},
};

static const cli_option eval_options[] = {
    {"precision", "N", "digits of the loss (default 4)"},
    {"json", NULL, "print JSON for scripts"},
    {NULL, NULL, NULL},
};

const cli_command cli_cmd_train = {
    "train",
    "Train a multilayer perceptron with a SoftMax output on a CSV file (header\n"
    "row, numeric features, a class column) or, with no file, on the embedded\n"
    "Iris data; report train and test accuracy and the confusion matrix.",
    "smx train [DATA.csv] [--target NAME] [--hidden W1,W2,...] [--epochs N]\n"
    "[--save FILE] [OPTIONS...]",
    train_options,
    run_train,
};

const cli_command cli_cmd_predict = {
    "predict",
    "Print the class and the probabilities of each row of DATA.csv (or standard\n"
    "input) under a model written by `smx train --save`.",
    "smx predict MODEL.safetensors [DATA.csv | -]",
    predict_options,
    run_predict,
};

const cli_command cli_cmd_eval = {
    "eval",
    "Print the loss, the accuracy, the confusion matrix and per-class precision\n"
    "and recall of a saved model on labelled rows.",
    "smx eval MODEL.safetensors DATA.csv|-",
    eval_options,
    run_eval,
};
