/*
 * fuzz_csv.c — libFuzzer target: any bytes through the CSV readers
 * (cli/io/csv.h), as a training set and as prediction input.
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks what a
 * caller relies on after CLI_OK: every label a valid class index,
 * every feature finite, names present; and after a failure: a message
 * and a zeroed output.  The limits are small so that the limit paths run
 * and memory stays bounded.  Also built into the test
 * cli_io_replay_csv, which replays the committed corpus.
 */
#include "io/csv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                               \
    do {                                                                                       \
        if (!(c))                                                                              \
            abort();                                                                           \
    } while (0)

static const cli_csv_limits LIMITS = {1 << 20, 64, 4096, 1 << 16, 32};

static void check_result(cli_status st, const cli_csv_dataset *d, const cli_io_error *err)
{
    CHECK(err->status == st);
    if (st != CLI_OK) {
        CHECK(err->message[0] != '\0');
        CHECK(d->x == NULL && d->y == NULL && d->rows == 0 && d->feature_names == NULL);
        return;
    }
    CHECK(d->rows >= 1 && d->features >= 1 && d->x != NULL);
    CHECK(d->source != NULL);
    for (size_t i = 0; i < d->rows * d->features; i++)
        CHECK(isfinite(d->x[i]));
    for (size_t j = 0; j < d->features; j++)
        CHECK(d->feature_names[j] != NULL);
    if (d->y)
        for (size_t r = 0; r < d->rows; r++)
            CHECK(d->y[r] >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_io_error err;
    cli_csv_dataset d;

    /* A training set, the target last. */
    cli_csv_options opt = {0};
    opt.limits = LIMITS;
    cli_status st = cli_csv_read_buffer(&d, (const char *)data, size, "fuzz.csv", &opt, &err);
    check_result(st, &d, &err);
    if (st == CLI_OK) {
        CHECK(d.n_classes >= 1 && d.n_classes <= LIMITS.max_classes && d.y != NULL);
        for (size_t r = 0; r < d.rows; r++)
            CHECK((size_t)d.y[r] < d.n_classes);
        for (size_t k = 0; k < d.n_classes; k++) {
            CHECK(d.class_names[k] != NULL);
            if (k > 0) /* sorted, distinct */
                CHECK(strcmp(d.class_names[k - 1], d.class_names[k]) != 0);
        }
        cli_io_error e2;
        const cli_status cs = cli_csv_check_classes(&d, &e2);
        CHECK(cs == (d.n_classes >= 2 ? CLI_OK : CLI_ERR_ONE_CLASS));
    }
    cli_csv_free(&d);

    /* A training set with the target named "c". */
    opt.target = "c";
    st = cli_csv_read_buffer(&d, (const char *)data, size, "fuzz.csv", &opt, &err);
    check_result(st, &d, &err);
    cli_csv_free(&d);

    /* Prediction input for a model of features a, b and classes x, y, 1. */
    static const char *const features[] = {"a", "b"};
    static const char *const classes[] = {"x", "y", "1"};
    cli_csv_predict_options po = {0};
    po.n_features = 2;
    po.feature_names = features;
    po.target = "c";
    po.class_names = classes;
    po.n_classes = 3;
    po.limits = LIMITS;
    st = cli_csv_read_predict_buffer(&d, (const char *)data, size, "fuzz.csv", &po, &err);
    check_result(st, &d, &err);
    if (st == CLI_OK) {
        CHECK(d.features == 2);
        if (d.y)
            for (size_t r = 0; r < d.rows; r++)
                CHECK(d.y[r] < 3);
    }
    cli_csv_free(&d);

    /* ... and with no feature names. */
    po.feature_names = NULL;
    po.class_names = NULL;
    st = cli_csv_read_predict_buffer(&d, (const char *)data, size, "fuzz.csv", &po, &err);
    check_result(st, &d, &err);
    CHECK(d.y == NULL);
    cli_csv_free(&d);
    return 0;
}
