/*
 * model_file.h — a trained classifier as the smx command saves and loads
 * it: the network (smx_nn) plus the names a user needs to apply it (class
 * and feature names, the target column), in one safetensors file.
 *
 * The file (model_file.c has the details):
 *   tensors     layers.{i}.weight  F32 [out, in]   (PyTorch's nn.Linear layout)
 *               layers.{i}.bias    F32 [out]
 *   __metadata__  format "smx.mlp", format_version "1", sizes "[4,16,3]",
 *               activation "relu", output "softmax", classes, features
 *               (JSON arrays of strings), target, standardize_mean and
 *               standardize_std (JSON arrays of numbers: x' = (x - mean) / std
 *               feeds layer 0), library "smx 0.1.0".
 */
#ifndef CLI_MODEL_FILE_H
#define CLI_MODEL_FILE_H

#include "nn.h"

#include <stddef.h>

typedef struct cli_model {
    nn_model net;
    char **class_names; /* [net.classes] */
    char **feature_names; /* [net.features] */
    char *target_name;  /* may be NULL */
} cli_model;

#define CLI_MODEL_FORMAT "smx.mlp"
#define CLI_MODEL_FORMAT_VERSION "1"

/* Both print `smx: error: ...` and return CLI_EXIT_FAIL on failure. */
int cli_model_save(const cli_model *model, const char *path);
int cli_model_load(cli_model *model, const char *path);

/* Copies the names into the model (freed by cli_model_free). */
int cli_model_set_names(cli_model *model, const char *const *class_names,
                        const char *const *feature_names, const char *target_name);

/* Frees everything; safe on a zeroed model. */
void cli_model_free(cli_model *model);

#endif
