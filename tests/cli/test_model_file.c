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
    smx_nn_config cfg = smx_nn_default_config();
    cfg.epochs = 20;
    assert_int_equal(smx_nn_train(&m->net, NULL, &cfg, smx_nn_iris_x, smx_nn_iris_y,
                                  SMX_NN_IRIS_ROWS, SMX_NN_IRIS_FEATURES, SMX_NN_IRIS_CLASSES,
                                  NULL, NULL),
                     SMX_NN_OK);
    assert_int_equal(cli_model_set_names(m, smx_nn_iris_class_names, smx_nn_iris_feature_names,
                                         smx_nn_iris_target_name),
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

    float pa[SMX_NN_IRIS_ROWS * SMX_NN_IRIS_CLASSES], pb[sizeof pa / sizeof *pa];
    int32_t ca[SMX_NN_IRIS_ROWS], cb[SMX_NN_IRIS_ROWS];
    assert_int_equal(smx_nn_predict(pa, ca, &a.net, smx_nn_iris_x, SMX_NN_IRIS_ROWS), SMX_NN_OK);
    assert_int_equal(smx_nn_predict(pb, cb, &b.net, smx_nn_iris_x, SMX_NN_IRIS_ROWS), SMX_NN_OK);
    assert_memory_equal(pa, pb, sizeof pa);
    assert_memory_equal(ca, cb, sizeof ca);
    cli_model_free(&a);
    cli_model_free(&b);
}

/* Rewrites the saved model with one metadata value replaced. */
static void save_with_meta(const char *key, const char *value)
{
    smx_st_file f;
    smx_io_error err;
    assert_int_equal(smx_st_read_file(&f, path, &err), SMX_IO_OK);
    smx_st_entry t[2 * SMX_NN_MAX_LAYERS];
    for (size_t i = 0; i < f.n_tensors; i++)
        t[i] = (smx_st_entry){f.tensors[i].name, f.tensors[i].ndim, f.tensors[i].shape,
                              f.tensors[i].data};
    smx_st_kv meta[32];
    for (size_t i = 0; i < f.n_metadata; i++) {
        meta[i] = f.metadata[i];
        if (!strcmp(meta[i].key, key))
            meta[i].value = value;
    }
    char bad[300];
    snprintf(bad, sizeof bad, "%s.bad", path);
    assert_int_equal(smx_st_write_file(bad, t, f.n_tensors, meta, f.n_metadata, &err),
                     SMX_IO_OK);
    smx_st_free(&f);
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
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        save_with_meta(cases[i][0], cases[i][1]);
        assert_int_not_equal(cli_model_load(&b, bad), 0);
        assert_null(b.net.params); /* nothing left behind */
        assert_null(b.class_names);
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
    };
    const int failed = cmocka_run_group_tests_name("model_file", tests, NULL, NULL);
    remove(path);
    return failed;
}
