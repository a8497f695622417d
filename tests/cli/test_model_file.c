/*
 * test_model_file.c — the model file of `smx train --save`: a model saved
 * and loaded again predicts the same bits, keeps its names, and a file
 * whose metadata or tensors do not fit the network is refused.
 */
#include "model_file.h"

#include "io/safetensors.h"
#include "iris_data.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char path[256];

static void train_small(cli_model *m)
{
    memset(m, 0, sizeof *m);
    nn_config cfg = nn_default_config();
    cfg.epochs = 20;
    assert_int_equal(nn_train(&m->net, NULL, &cfg, nn_iris_x, nn_iris_y,
                              NN_IRIS_ROWS, NN_IRIS_FEATURES, NN_IRIS_CLASSES,
                              NULL, NULL),
                     NN_OK);
    assert_int_equal(cli_model_set_names(m, nn_iris_class_names, nn_iris_feature_names,
                                         nn_iris_target_name),
                     0);
}

static void round_trip_predicts_the_same_bits(void **state)
{
    (void)state;
    cli_model a, b;
    train_small(&a);
    assert_int_equal(cli_model_save(&a, path), 0);
    assert_int_equal(cli_model_load(&b, path), 0);

    assert_int_equal(a.net.n_params, b.net.n_params);
    assert_memory_equal(a.net.params, b.net.params, a.net.n_params * sizeof(float));
    assert_memory_equal(a.net.mean, b.net.mean, a.net.features * sizeof(float));
    assert_memory_equal(a.net.std, b.net.std, a.net.features * sizeof(float));
    assert_int_equal(a.net.activation, b.net.activation);
    for (size_t k = 0; k < a.net.classes; k++)
        assert_string_equal(a.class_names[k], b.class_names[k]);
    for (size_t j = 0; j < a.net.features; j++)
        assert_string_equal(a.feature_names[j], b.feature_names[j]);
    assert_string_equal(a.target_name, b.target_name);

    float pa[NN_IRIS_ROWS * NN_IRIS_CLASSES], pb[sizeof pa / sizeof *pa];
    int32_t ca[NN_IRIS_ROWS], cb[NN_IRIS_ROWS];
    assert_int_equal(nn_predict(pa, ca, &a.net, nn_iris_x, NN_IRIS_ROWS), NN_OK);
    assert_int_equal(nn_predict(pb, cb, &b.net, nn_iris_x, NN_IRIS_ROWS), NN_OK);
    assert_memory_equal(pa, pb, sizeof pa);
    assert_memory_equal(ca, cb, sizeof ca);
    cli_model_free(&a);
    cli_model_free(&b);
}

/* Rewrites the saved model with one metadata value replaced. */
static void save_with_meta(const char *key, const char *value)
{
    cli_st_file f;
    cli_io_error err;
    assert_int_equal(cli_st_read_file(&f, path, &err), CLI_OK);
    cli_st_entry t[2 * NN_MAX_LAYERS];
    for (size_t i = 0; i < f.n_tensors; i++)
        t[i] = (cli_st_entry){f.tensors[i].name, f.tensors[i].ndim, f.tensors[i].shape,
                              f.tensors[i].data};
    cli_st_kv meta[32];
    for (size_t i = 0; i < f.n_metadata; i++) {
        meta[i] = f.metadata[i];
        if (!strcmp(meta[i].key, key))
            meta[i].value = value;
    }
    char bad[300];
    snprintf(bad, sizeof bad, "%s.bad", path);
    assert_int_equal(cli_st_write_file(bad, t, f.n_tensors, meta, f.n_metadata, &err),
                     CLI_OK);
    cli_st_free(&f);
}

static void refuses_what_does_not_fit(void **state)
{
    (void)state;
    cli_model a, b;
    train_small(&a);
    assert_int_equal(cli_model_save(&a, path), 0);
    cli_model_free(&a);
    char bad[300];
    snprintf(bad, sizeof bad, "%s.bad", path);
    static const char *const cases[][2] = {
        {"format", "torch"},
        {"format_version", "2"},
        {"sizes", "[4,8,3]"},       /* tensors of another shape */
        {"sizes", "[4,16]"},        /* too few layers for the tensors */
        {"sizes", "not json"},
        {"activation", "gelu"},
        {"classes", "[\"a\",\"b\"]"}, /* two names for three outputs */
        {"features", "[1,2,3,4]"},  /* not strings */
        {"standardize_std", "[1,0,1,1]"}, /* a zero std */
        {"standardize_mean", "[1,2,3]"},
        {"output", "sigmoid"},          /* smx models end in a SoftMax */
        {"output", "log_softmax"},
        {"classes", "[\"a\",\"b\",\"a\"]"}, /* a name twice */
        {"features", "[\"x\",\"y\",\"z\",\"y\"]"},
        {"sizes", "[4.0,16,3]"},          /* widths written as floats */
        {"sizes", "[4,1.6e1,3]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        save_with_meta(cases[i][0], cases[i][1]);
        assert_int_not_equal(cli_model_load(&b, bad), 0);
        assert_null(b.net.params); /* nothing left behind */
        assert_null(b.class_names);
    }
    remove(bad);
}

/* The message of a failed load, from stderr. */
static void load_message(char *msg, size_t size, const char *file)
{
    fflush(stderr);
    FILE *saved = tmpfile();
    assert_non_null(saved);
    const int fd = dup(fileno(stderr));
    dup2(fileno(saved), fileno(stderr));
    cli_model b;
    const int rc = cli_model_load(&b, file);
    fflush(stderr);
    dup2(fd, fileno(stderr));
    close(fd);
    assert_int_not_equal(rc, 0);
    rewind(saved);
    const size_t got = fread(msg, 1, size - 1, saved);
    msg[got] = '\0';
    fclose(saved);
}

/* Rewrites the saved model without one tensor; keep_bytes: its data stays
 * in the file (only the header entry is gone). */
static void save_without(const char *name, int keep_bytes)
{
    cli_st_file f;
    cli_io_error err;
    assert_int_equal(cli_st_read_file(&f, path, &err), CLI_OK);
    char bad[300];
    snprintf(bad, sizeof bad, "%s.bad", path);
    if (!keep_bytes) {
        cli_st_entry t[2 * NN_MAX_LAYERS];
        size_t n = 0;
        for (size_t i = 0; i < f.n_tensors; i++)
            if (strcmp(f.tensors[i].name, name))
                t[n++] = (cli_st_entry){f.tensors[i].name, f.tensors[i].ndim,
                                        f.tensors[i].shape, f.tensors[i].data};
        assert_int_equal(cli_st_write_file(bad, t, n, f.metadata, f.n_metadata, &err),
                         CLI_OK);
        cli_st_free(&f);
        return;
    }
    /* The header without the entry, padded with blanks to its old length. */
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    unsigned char *img = malloc(1 << 20);
    const size_t size = fread(img, 1, 1 << 20, in);
    fclose(in);
    const size_t n = f.header_size;
    char *h = (char *)img + 8;
    char key[64];
    snprintf(key, sizeof key, "\"%s\":{", name);
    char *at = strstr(h, key);
    assert_true(at && at < h + n);
    char *close = strchr(at, '}');
    size_t cut = (size_t)(close - at) + 1;
    if (close[1] == ',')
        cut++;
    else if (at[-1] == ',')
        at--, cut++;
    memmove(at, at + cut, (size_t)(h + n - (at + cut)));
    memset(h + n - cut, ' ', cut);
    FILE *out = fopen(bad, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(img, 1, size, out), size);
    fclose(out);
    free(img);
    cli_st_free(&f);
}

static void names_a_missing_tensor(void **state)
{
    (void)state;
    cli_model a;
    train_small(&a);
    assert_int_equal(cli_model_save(&a, path), 0);
    cli_model_free(&a);
    char bad[300], msg[1024];
    snprintf(bad, sizeof bad, "%s.bad", path);
    for (int keep = 0; keep < 2; keep++) {
        save_without("layers.1.bias", keep);
        load_message(msg, sizeof msg, bad);
        if (!strstr(msg, "no tensor \"layers.1.bias\""))
            fail_msg("keep %d: %s", keep, msg);
    }
    remove(bad);
}

int main(void)
{
    snprintf(path, sizeof path, "%s/smx-model-test-%ld.safetensors",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_predicts_the_same_bits),
        cmocka_unit_test(refuses_what_does_not_fit),
        cmocka_unit_test(names_a_missing_tensor),
    };
    const int failed = cmocka_run_group_tests_name("model_file", tests, NULL, NULL);
    remove(path);
    return failed;
}
