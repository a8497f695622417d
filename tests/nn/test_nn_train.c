/*
 * test_nn_train.c — training as a whole:
 *
 *   iris_accuracy      the "Done when": with the defaults, test
 *                      accuracy >= 93 % for the default seed and a mean
 *                      >= 94 % over the 80/20 stratified splits of seeds
 *                      1..10 (the split and the training both use the seed)
 *   iris_mse           --loss mse (softmax backward instead of the fused
 *                      gradient) also learns Iris: mean >= 90 %
 *   every_option       each activation and optimizer, mini-batches and
 *                      several hidden layers train without error and learn
 *   determinism        the same seed gives the same parameters bit for bit;
 *                      another seed gives others
 *   early_stopping     stops when the validation loss stalls and restores
 *                      the weights of the best epoch (checked by
 *                      re-evaluating them)
 *   progress           the callback sees every epoch and can stop training
 *   predict/evaluate   agree with each other and with the confusion matrix
 *   batch_rows_alone   the logits of a batch, through three layers of
 *                      awkward widths, are those of each row alone bit
 *                      for bit: a batch laid out other than one row per
 *                      sample (the data's and libsmx's layout) fails it
 *   class_weights      the weighted mean is scale-free (weights 4,4,4 train
 *                      the model of 1,1,1, bit for bit); a heavier class
 *                      changes the model and is predicted more often;
 *                      a weight that is 0, negative, NaN or infinite, or
 *                      weights with the mse loss, are refused
 *   errors             every bad argument is refused with its status, the
 *                      model left zeroed, nothing leaked (run under ASan)
 */
#include "nn_internal.h"
#include "nn_test.h"

#include <stdlib.h>
#include <string.h>

#define F NN_IRIS_FEATURES
#define C NN_IRIS_CLASSES

static double train_and_test(const nn_config *cfg, uint64_t seed)
{
    static iris_split s;
    iris_split_make(&s, cfg->test_fraction, seed);
    nn_config c = *cfg;
    c.seed = seed;
    nn_model m;
    assert_status(nn_train(&m, NULL, &c, s.xtr, s.ytr, s.ntr, F, C, NULL, NULL), NN_OK);
    nn_eval ev;
    assert_status(nn_evaluate(&ev, NULL, &m, c.loss, s.xte, s.yte, s.nte), NN_OK);
    nn_model_free(&m);
    return ev.accuracy;
}

static double mean_over_seeds(const nn_config *cfg, const char *what)
{
    double sum = 0.0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        const double acc = train_and_test(cfg, seed);
        print_message("    %s seed %2u: %.2f %%\n", what, (unsigned)seed, 100 * acc);
        sum += acc;
    }
    print_message("    %s mean: %.2f %%\n", what, 10 * sum);
    return sum / 10;
}

static void iris_accuracy(void **state)
{
    (void)state;
    const nn_config cfg = nn_default_config();
    const double acc = train_and_test(&cfg, cfg.seed);
    print_message("    default seed %u: %.2f %%\n", (unsigned)cfg.seed, 100 * acc);
    assert_true(acc >= 0.93);
    assert_true(mean_over_seeds(&cfg, "cross-entropy") >= 0.94);
}

static void iris_mse(void **state)
{
    (void)state;
    nn_config cfg = nn_default_config();
    cfg.loss = NN_LOSS_MSE;
    assert_true(mean_over_seeds(&cfg, "mse") >= 0.90);
}

static void every_option(void **state)
{
    (void)state;
    for (int a = NN_RELU; a <= NN_SOFTPLUS; a++)
        for (int o = NN_SGD; o <= NN_ADAM; o++) {
            nn_config c = nn_default_config();
            c.activation = (nn_activation)a;
            c.optimizer = (nn_optimizer)o;
            /* plain gradient descent needs larger steps than Adam */
            c.learning_rate = o == NN_SGD ? 0.1 : o == NN_MOMENTUM ? 0.01 : 0.003;
            c.batch_size = a % 2 ? 0 : 16;
            c.hidden[0] = 8, c.hidden[1] = 6, c.hidden[2] = 5;
            c.n_hidden = (size_t)(a + o) % 3 + 1;
            const double acc = train_and_test(&c, 3);
            if (acc < 0.85)
                fail_msg("%s/%s with %zu hidden layers: %.2f %%", nn_activation_name(c.activation),
                         nn_optimizer_name(c.optimizer), c.n_hidden, 100 * acc);
        }
}

static void determinism(void **state)
{
    (void)state;
    static iris_split s;
    iris_split_make(&s, 0.2, 9);
    nn_config c = nn_default_config();
    c.epochs = 50;
    nn_model a, b, d;
    assert_status(nn_train(&a, NULL, &c, s.xtr, s.ytr, s.ntr, F, C, NULL, NULL), NN_OK);
    assert_status(nn_train(&b, NULL, &c, s.xtr, s.ytr, s.ntr, F, C, NULL, NULL), NN_OK);
    c.seed++;
    assert_status(nn_train(&d, NULL, &c, s.xtr, s.ytr, s.ntr, F, C, NULL, NULL), NN_OK);
    assert_int_equal(a.n_params, b.n_params);
    assert_memory_equal(a.params, b.params, a.n_params * sizeof *a.params);
    assert_memory_equal(a.mean, b.mean, F * sizeof *a.mean);
    assert_memory_equal(a.std, b.std, F * sizeof *a.std);
    assert_true(memcmp(a.params, d.params, a.n_params * sizeof *a.params) != 0);
    nn_model_free(&a);
    nn_model_free(&b);
    nn_model_free(&d);
}

/* Records the validation loss of every epoch. */
typedef struct trace {
    size_t calls, stop_at;
    double val_loss[4096];
    size_t last_epoch;
} trace;

static int record(const nn_progress *p, void *user)
{
    trace *t = user;
    t->calls++;
    assert_int_equal(p->epoch, t->calls); /* every epoch, in order */
    if (p->epoch < 4096)
        t->val_loss[p->epoch] = p->val_loss;
    t->last_epoch = p->epoch;
    assert_true(isfinite(p->train_loss) && p->train_accuracy >= 0 && p->train_accuracy <= 1);
    return t->stop_at && p->epoch >= t->stop_at;
}

static void early_stopping(void **state)
{
    (void)state;
    static iris_split s;
    iris_split_make(&s, 0.2, 4);
    nn_config c = nn_default_config();
    c.learning_rate = 0.03; /* fast to overfit, so that the loss turns up */
    c.epochs = 2000;
    c.patience = 30;
    c.validation_fraction = 0.2;
    static trace t;
    memset(&t, 0, sizeof t);
    nn_model m;
    nn_report rep;
    assert_status(nn_train(&m, &rep, &c, s.xtr, s.ytr, s.ntr, F, C, record, &t), NN_OK);
    assert_true(rep.stopped_early);
    assert_int_equal(rep.train_rows + rep.val_rows, s.ntr);
    assert_int_equal(rep.val_rows, 24);
    assert_true(rep.epochs_run < c.epochs);
    assert_int_equal(rep.epochs_run, rep.best_epoch + c.patience);
    assert_int_equal(t.calls, rep.epochs_run);
    /* the best epoch has the lowest validation loss seen ... */
    for (size_t e = 1; e <= rep.epochs_run; e++)
        assert_true(t.val_loss[e] >= t.val_loss[rep.best_epoch]);
    /* ... and its weights are the ones kept: the report's validation loss,
     * measured after training, is that epoch's */
    assert_close(rep.val_loss, t.val_loss[rep.best_epoch], 1e-12);
    assert_true(rep.val_loss < t.val_loss[rep.epochs_run]);
    nn_model_free(&m);
}

static void progress_stops(void **state)
{
    (void)state;
    static iris_split s;
    iris_split_make(&s, 0.2, 2);
    nn_config c = nn_default_config();
    static trace t;
    memset(&t, 0, sizeof t);
    t.stop_at = 7;
    nn_model m;
    nn_report rep;
    assert_status(nn_train(&m, &rep, &c, s.xtr, s.ytr, s.ntr, F, C, record, &t), NN_OK);
    assert_true(rep.stopped_by_callback && !rep.stopped_early);
    assert_int_equal(rep.epochs_run, 7);
    assert_int_equal(t.calls, 7);
    assert_true(isnan(rep.val_loss)); /* no validation set */
    nn_model_free(&m);
}

static void predict_and_evaluate(void **state)
{
    (void)state;
    static iris_split s;
    iris_split_make(&s, 0.2, 5);
    const nn_config c = nn_default_config();
    nn_model m;
    nn_report rep;
    assert_status(nn_train(&m, &rep, &c, s.xtr, s.ytr, s.ntr, F, C, NULL, NULL), NN_OK);
    float probs[NN_IRIS_ROWS * C];
    int32_t pred[NN_IRIS_ROWS];
    assert_status(nn_predict(probs, pred, &m, s.xte, s.nte), NN_OK);
    nn_eval ev;
    size_t cm[C * C];
    assert_status(nn_evaluate(&ev, cm, &m, c.loss, s.xte, s.yte, s.nte), NN_OK);
    size_t correct = 0, total = 0, diag = 0;
    double loss = 0.0;
    for (size_t r = 0; r < s.nte; r++) {
        double sum = 0.0;
        for (size_t k = 0; k < C; k++) {
            sum += probs[r * C + k];
            assert_true(probs[r * C + k] <= probs[r * C + (size_t)pred[r]]);
        }
        assert_close(sum, 1.0, 1e-6);
        correct += pred[r] == s.yte[r];
        loss -= log(probs[r * C + (size_t)s.yte[r]]) / (double)s.nte;
    }
    for (size_t k = 0; k < C * C; k++)
        total += cm[k];
    for (size_t k = 0; k < C; k++)
        diag += cm[k * C + k];
    assert_int_equal(ev.correct, correct);
    assert_int_equal(diag, correct);
    assert_int_equal(total, s.nte);
    assert_close(ev.loss, loss, 1e-5);
    /* the report's training figures are the model's on its training rows */
    assert_status(nn_evaluate(&ev, NULL, &m, c.loss, s.xtr, s.ytr, s.ntr), NN_OK);
    assert_close(rep.train_accuracy, ev.accuracy, 0.0);
    assert_close(rep.train_loss, ev.loss, 1e-6); /* float means of other chunks */
    /* one row at a time gives the same answers as the batch */
    for (size_t r = 0; r < s.nte; r++) {
        float p1[C];
        int32_t c1;
        assert_status(nn_predict(p1, &c1, &m, s.xte + r * F, 1), NN_OK);
        assert_int_equal(c1, pred[r]);
        for (size_t k = 0; k < C; k++)
            assert_close(p1[k], probs[r * C + k], 1e-6);
    }
    nn_model_free(&m);
}

/* The forward pass of one batch of 37 Iris rows against each row alone
 * (B = 1, where any layout is the same): widths 4-5-9-3 cover full and
 * partial tiles, 37 rows a partial last block of rows. */
static void batch_rows_alone(void **state)
{
    (void)state;
    enum { ROWS = 37 };
    const size_t sizes[4] = {F, 5, 9, C};
    nn_model m;
    assert_status(nn_model_init(&m, sizes, 4, NN_TANH), NN_OK);
    nn_model_randomize(&m, 7);
    for (size_t k = 0; k < m.n_params; k++) /* biases too, so that each adds its own */
        m.params[k] += 0.01f * (float)(k % 7);
    const float *x = nn_iris_x + 50 * F; /* versicolor and virginica rows */
    assert_status(nn_standardize_fit(m.mean, m.std, x, ROWS, F), NN_OK);

    nn_work batch, one;
    assert_status(nn_work_init(&batch, &m, ROWS), NN_OK);
    assert_status(nn_work_init(&one, &m, 1), NN_OK);
    nn_load_input(&batch, &m, x, ROWS, 1);
    nn_forward(&batch, &m, ROWS);
    for (size_t r = 0; r < ROWS; r++) {
        nn_load_input(&one, &m, x + r * F, 1, 1);
        nn_forward(&one, &m, 1);
        for (size_t k = 0; k < C; k++)
            if (memcmp(&one.logits[k], &batch.logits[r * C + k], sizeof(float)) != 0)
                fail_msg("row %zu logit %zu: %.9g alone, %.9g in the batch", r, k,
                         one.logits[k], batch.logits[r * C + k]);
    }
    nn_work_free(&batch);
    nn_work_free(&one);
    nn_model_free(&m);
}

static void expect_train_error(const nn_config *c, const float *x, const int32_t *y,
                               size_t rows, size_t features, size_t classes, nn_status want);

/* Trains on the seed-5 split with these class weights (NULL: none) and
 * counts the predictions of each class over all 150 flowers. */
static void train_weighted(nn_model *m, size_t predicted[C], const float *weights)
{
    static iris_split s;
    iris_split_make(&s, 0.2, 5);
    nn_config c = nn_default_config();
    c.epochs = 100;
    c.class_weights = weights;
    assert_status(nn_train(m, NULL, &c, s.xtr, s.ytr, s.ntr, F, C, NULL, NULL), NN_OK);
    int32_t pred[NN_IRIS_ROWS];
    assert_status(nn_predict(NULL, pred, m, nn_iris_x, NN_IRIS_ROWS), NN_OK);
    for (size_t k = 0; k < C; k++)
        predicted[k] = 0;
    for (size_t r = 0; r < NN_IRIS_ROWS; r++)
        predicted[pred[r]]++;
}

static void class_weights(void **state)
{
    (void)state;
    static const float ones[C] = {1, 1, 1}, fours[C] = {4, 4, 4}, heavy[C] = {1, 1, 8};
    nn_model a, b, h;
    size_t pa[C], pb[C], ph[C];
    train_weighted(&a, pa, ones);
    train_weighted(&b, pb, fours);
    train_weighted(&h, ph, heavy);
    /* sum w l / sum w: a common factor 4 (a power of 2) cancels exactly */
    assert_memory_equal(a.params, b.params, a.n_params * sizeof *a.params);
    assert_true(memcmp(a.params, h.params, a.n_params * sizeof *a.params) != 0);
    print_message("    virginica predicted %zu times with weights 1,1,1, %zu with 1,1,8\n", pa[2],
                  ph[2]);
    assert_true(ph[2] > pa[2]);
    nn_model_free(&a);
    nn_model_free(&b);
    nn_model_free(&h);

    const nn_config ok = nn_default_config();
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int32_t y[4] = {0, 1, 0, 1};
    const float bad[][2] = {{1, 0}, {-1, 1}, {NAN, 1}, {1, INFINITY}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nn_config c = ok;
        c.class_weights = bad[i];
        expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_CONFIG);
    }
    nn_config c = ok;
    c.class_weights = ones;
    c.loss = NN_LOSS_MSE;
    assert_status(nn_config_check(&c), NN_ERR_BAD_CONFIG);
}

static void expect_train_error(const nn_config *c, const float *x, const int32_t *y,
                               size_t rows, size_t features, size_t classes, nn_status want)
{
    nn_model m;
    memset(&m, 0xAB, sizeof m);
    assert_status(nn_train(&m, NULL, c, x, y, rows, features, classes, NULL, NULL), want);
    /* zeroed: nn_model_free on it is a no-op */
    assert_null(m.params);
    assert_int_equal(m.n_params, 0);
    nn_model_free(&m);
}

static void errors(void **state)
{
    (void)state;
    const nn_config ok = nn_default_config();
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int32_t y[4] = {0, 1, 0, 1};
    nn_config c = ok;
    c.learning_rate = 0;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_CONFIG);
    c = ok;
    c.learning_rate = NAN;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_CONFIG);
    c = ok;
    c.epochs = 0;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_CONFIG);
    c = ok;
    c.n_hidden = NN_MAX_HIDDEN + 1;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_CONFIG);
    c = ok;
    c.hidden[0] = 0;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_CONFIG);
    c = ok;
    c.beta2 = 1.0;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_CONFIG);
    c = ok;
    c.activation = (nn_activation)17;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_CONFIG);
    expect_train_error(&ok, x, y, 0, 2, 2, NN_ERR_BAD_SIZE);
    expect_train_error(&ok, x, y, 4, 0, 2, NN_ERR_BAD_SIZE);
    expect_train_error(&ok, x, y, 4, 2, 0, NN_ERR_BAD_SIZE);
    expect_train_error(&ok, NULL, y, 4, 2, 2, NN_ERR_NULL_POINTER);
    expect_train_error(NULL, x, y, 4, 2, 2, NN_ERR_NULL_POINTER);
    y[3] = 2;
    expect_train_error(&ok, x, y, 4, 2, 2, NN_ERR_BAD_LABEL);
    y[3] = -1;
    expect_train_error(&ok, x, y, 4, 2, 2, NN_ERR_BAD_LABEL);
    y[3] = 1;
    x[5] = NAN;
    expect_train_error(&ok, x, y, 4, 2, 2, NN_ERR_NOT_FINITE);
    x[5] = 6;
    /* early stopping on 4 rows: the validation split leaves nothing */
    c = ok;
    c.patience = 5;
    c.validation_fraction = 0.9;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_TOO_FEW_ROWS);
    /* with early stopping the split and the training trust the labels
     * nn_train checked once on entry: a bad one is still refused */
    c.validation_fraction = 0.5;
    y[0] = 2;
    expect_train_error(&c, x, y, 4, 2, 2, NN_ERR_BAD_LABEL);
    y[0] = 0;
    /* nn_train_validated checks the validation labels too */
    nn_model mv;
    const int32_t yv_bad[2] = {1, 3};
    assert_status(nn_train_validated(&mv, NULL, &ok, x, y, 4, x, yv_bad, 2, 2, 2, NULL, NULL),
                  NN_ERR_BAD_LABEL);
    assert_null(mv.params);
    /* a learning rate that blows up is reported, not returned as a model */
    c = ok;
    c.optimizer = NN_SGD;
    c.learning_rate = 1e30;
    c.batch_size = 0;
    expect_train_error(&c, nn_iris_x, nn_iris_y, NN_IRIS_ROWS, F, C,
                       NN_ERR_DIVERGED);

    /* models: sizes out of range, overflowing parameter counts */
    nn_model m;
    const size_t huge[3] = {SIZE_MAX / 2, 4, 3}, zero[2] = {0, 3};
    assert_status(nn_model_init(&m, huge, 3, NN_RELU), NN_ERR_BAD_SIZE);
    assert_null(m.params);
    assert_status(nn_model_init(&m, zero, 2, NN_RELU), NN_ERR_BAD_SIZE);
    assert_status(nn_model_init(&m, zero, 1, NN_RELU), NN_ERR_BAD_SIZE);
    assert_status(nn_model_init(&m, zero, NN_MAX_LAYERS + 2, NN_RELU),
                  NN_ERR_BAD_SIZE);
    /* evaluate refuses labels the model has no class for */
    const size_t sizes[2] = {2, 2};
    assert_status(nn_model_init(&m, sizes, 2, NN_RELU), NN_OK);
    nn_eval ev = {0};
    const int32_t bad[4] = {0, 1, 2, 0};
    assert_status(nn_evaluate(&ev, NULL, &m, NN_LOSS_CROSS_ENTROPY, x, bad, 4),
                  NN_ERR_BAD_LABEL);
    assert_int_equal(ev.rows, 0);
    nn_model_free(&m);
    nn_model_free(&m); /* twice is fine */

    /* names round-trip */
    for (int a = NN_RELU; a <= NN_SOFTPLUS; a++) {
        nn_activation back;
        assert_int_equal(nn_activation_parse(&back, nn_activation_name((nn_activation)a)), 0);
        assert_int_equal(back, a);
    }
    nn_loss l;
    assert_int_equal(nn_loss_parse(&l, "mse"), 0);
    assert_int_equal(l, NN_LOSS_MSE);
    assert_int_equal(nn_loss_parse(&l, "ce"), 0);
    assert_int_equal(l, NN_LOSS_CROSS_ENTROPY);
    nn_optimizer o;
    assert_int_equal(nn_optimizer_parse(&o, "adamw"), -1);
    assert_int_equal(nn_optimizer_parse(&o, "momentum"), 0);
    assert_int_equal(o, NN_MOMENTUM);
    for (int st = NN_OK; st <= NN_ERR_LIBRARY; st++)
        assert_true(strcmp(nn_strerror((nn_status)st), "unknown nn_status") != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iris_accuracy),
        cmocka_unit_test(iris_mse),
        cmocka_unit_test(every_option),
        cmocka_unit_test(determinism),
        cmocka_unit_test(early_stopping),
        cmocka_unit_test(progress_stops),
        cmocka_unit_test(predict_and_evaluate),
        cmocka_unit_test(batch_rows_alone),
        cmocka_unit_test(class_weights),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
