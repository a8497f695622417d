/*
 * model_file.c — saving and loading a cli_model as safetensors.
 *
 * The metadata values are strings (the format allows nothing else); the
 * lists among them are JSON text, built and parsed with cJSON.  Numbers
 * are written with enough digits that every float reads back to the same
 * bits, so a loaded model predicts exactly what the saved one did.
 * Loading checks every field and shape before it builds the network, and
 * refuses a file that holds anything it does not expect.
 */
#include "model_file.h"

#include "cli.h"
#include "io/names.h"
#include "io/safetensors.h"

#include <smx.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_string(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static char **dup_strings(const char *const *v, size_t n)
{
    char **d = calloc(n ? n : 1, sizeof *d);
    for (size_t i = 0; d && i < n; i++) {
        if (!(d[i] = dup_string(v[i]))) {
            free_strings(d, i);
            return NULL;
        }
    }
    return d;
}

int cli_model_set_names(cli_model *m, const char *const *class_names,
                        const char *const *feature_names, const char *target_name)
{
    m->class_names = dup_strings(class_names, m->net.classes);
    m->feature_names = dup_strings(feature_names, m->net.features);
    m->target_name = target_name ? dup_string(target_name) : NULL;
    if (!m->class_names || !m->feature_names || (target_name && !m->target_name))
        return cli_error(NULL, "out of memory");
    return CLI_EXIT_OK;
}

void cli_model_free(cli_model *m)
{
    /* the names first: their counts live in the network */
    free_strings(m->class_names, m->net.classes);
    free_strings(m->feature_names, m->net.features);
    free(m->target_name);
    nn_model_free(&m->net);
    memset(m, 0, sizeof *m);
}

/* JSON text of an array, for a metadata value (caller frees). */
static char *json_strings(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    char *text = a ? cJSON_PrintUnformatted(a) : NULL;
    cJSON_Delete(a);
    return text;
}

static char *json_numbers(const float *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i])); /* exact: float in double */
    char *text = a ? cJSON_PrintUnformatted(a) : NULL;
    cJSON_Delete(a);
    return text;
}

static char *json_sizes(const nn_model *net)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateNumber((double)net->features));
    for (size_t i = 0; a && i < net->n_layers; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)net->layers[i].out));
    char *text = a ? cJSON_PrintUnformatted(a) : NULL;
    cJSON_Delete(a);
    return text;
}

int cli_model_save(const cli_model *m, const char *path)
{
    const nn_model *net = &m->net;
    char names[NN_MAX_LAYERS][2][48];
    size_t shapes[NN_MAX_LAYERS][2][2];
    cli_st_entry tensors[2 * NN_MAX_LAYERS];
    for (size_t i = 0; i < net->n_layers; i++) {
        snprintf(names[i][0], sizeof names[i][0], "layers.%zu.weight", i);
        snprintf(names[i][1], sizeof names[i][1], "layers.%zu.bias", i);
        shapes[i][0][0] = net->layers[i].out;
        shapes[i][0][1] = net->layers[i].in;
        shapes[i][1][0] = net->layers[i].out;
        tensors[2 * i] = (cli_st_entry){names[i][0], 2, shapes[i][0], net->layers[i].weight};
        tensors[2 * i + 1] = (cli_st_entry){names[i][1], 1, shapes[i][1], net->layers[i].bias};
    }

    char *sizes = json_sizes(net), *classes = json_strings(m->class_names, net->classes);
    char *features = json_strings(m->feature_names, net->features);
    char *mean = json_numbers(net->mean, net->features);
    char *std = json_numbers(net->std, net->features);
    char library[32];
    snprintf(library, sizeof library, "smx %s", smx_version());
    int rc = CLI_EXIT_OK;
    if (!sizes || !classes || !features || !mean || !std) {
        rc = cli_error(NULL, "out of memory");
    } else {
        const cli_st_kv meta[] = {
            {"format", CLI_MODEL_FORMAT},
            {"format_version", CLI_MODEL_FORMAT_VERSION},
            {"sizes", sizes},
            {"activation", nn_activation_name(net->activation)},
            {"output", "softmax"},
            {"classes", classes},
            {"features", features},
            {"target", m->target_name ? m->target_name : ""},
            {"standardize_mean", mean},
            {"standardize_std", std},
            {"library", library},
        };
        cli_io_error err;
        if (cli_st_write_file(path, tensors, 2 * net->n_layers, meta, sizeof meta / sizeof *meta,
                              &err) != CLI_OK)
            rc = cli_error(NULL, "%s", err.message);
    }
    cJSON_free(sizes);
    cJSON_free(classes);
    cJSON_free(features);
    cJSON_free(mean);
    cJSON_free(std);
    return rc;
}

/* ---- loading ------------------------------------------------------------ */

/* The metadata value for key, or an error naming the file and key. */
static const char *need_meta(const cli_st_file *f, const char *key, const char *path)
{
    const char *v = cli_st_meta(f, key);
    if (!v)
        cli_error("the file was not written by `smx train --save`",
                  "model metadata lacks \"%s\" (%s)", key, path);
    return v;
}

/* A JSON array of exactly n items (n == 0: any length, returned in *n). */
static cJSON *parse_array(const char *text, const char *key, size_t *n, const char *path)
{
    cJSON *a = cJSON_Parse(text);
    if (!a || !cJSON_IsArray(a)) {
        cJSON_Delete(a);
        cli_error(NULL, "model metadata \"%s\" is not a JSON array (%s)", key, path);
        return NULL;
    }
    const size_t got = (size_t)cJSON_GetArraySize(a);
    if (*n && got != *n) {
        cJSON_Delete(a);
        cli_error(NULL, "model metadata \"%s\" has %zu entries, expected %zu (%s)", key, got, *n,
                  path);
        return NULL;
    }
    *n = got;
    return a;
}

static char **load_strings(const cli_st_file *f, const char *key, size_t n, const char *path)
{
    const char *text = need_meta(f, key, path);
    cJSON *a = text ? parse_array(text, key, &n, path) : NULL;
    if (!a)
        return NULL;
    char **v = calloc(n ? n : 1, sizeof *v);
    size_t i = 0;
    for (const cJSON *it = a->child; v && it; it = it->next, i++) {
        if (!cJSON_IsString(it) || !(v[i] = dup_string(it->valuestring))) {
            cli_error(NULL, "model metadata \"%s\" entry %zu is not a string (%s)", key, i + 1,
                      path);
            free_strings(v, i);
            v = NULL;
        }
    }
    cJSON_Delete(a);
    /* names are what a user picks a class or a column by: each once */
    for (size_t i = 0; v && i < n; i++) {
        const size_t j = cli_name_index((const char *const *)v, i, v[i], strlen(v[i]));
        if (j < i) {
            cli_error("the file was damaged, or not written by `smx train --save`",
                      "model metadata \"%s\" names \"%s\" twice (entries %zu and %zu) (%s)",
                      key, v[i], j + 1, i + 1, path);
            free_strings(v, n);
            return NULL;
        }
    }
    return v;
}

/* n finite floats (> 0 as well when positive) from a JSON array. */
static int load_floats(float *out, const cli_st_file *f, const char *key, size_t n,
                       int positive, const char *path)
{
    const char *text = need_meta(f, key, path);
    cJSON *a = text ? parse_array(text, key, &n, path) : NULL;
    if (!a)
        return CLI_EXIT_FAIL;
    size_t i = 0;
    int rc = CLI_EXIT_OK;
    for (const cJSON *it = a->child; it; it = it->next, i++) {
        const double v = cJSON_IsNumber(it) ? it->valuedouble : NAN;
        if (!isfinite(v) || fabs(v) > 3.4028234663852886e38 || (positive && !(v > 0))) {
            rc = cli_error(NULL, "model metadata \"%s\" entry %zu is not a %s number (%s)", key,
                           i + 1, positive ? "positive" : "finite", path);
            break;
        }
        out[i] = (float)v;
    }
    cJSON_Delete(a);
    return rc;
}

static int load_sizes(size_t *sizes, size_t *n_sizes, const cli_st_file *f, const char *path)
{
    const char *text = need_meta(f, "sizes", path);
    /* widths are integers, written as digits: not 16.0 or 1.6e1 */
    if (text && text[strspn(text, "[], \t\n\r0123456789")] != '\0')
        return cli_error(NULL, "model metadata \"sizes\" is \"%.40s\": expected layer widths "
                         "written as integers, e.g. [4,16,3] (%s)",
                         text, path);
    size_t n = 0;
    cJSON *a = text ? parse_array(text, "sizes", &n, path) : NULL;
    if (!a)
        return CLI_EXIT_FAIL;
    int rc = CLI_EXIT_OK;
    if (n < 2 || n > NN_MAX_LAYERS + 1)
        rc = cli_error(NULL, "model metadata \"sizes\" has %zu entries, expected 2 to %d (%s)", n,
                       NN_MAX_LAYERS + 1, path);
    size_t i = 0;
    for (const cJSON *it = a->child; rc == CLI_EXIT_OK && it; it = it->next, i++) {
        const double v = cJSON_IsNumber(it) ? it->valuedouble : -1;
        if (!(v >= 1 && v <= 1e6 && v == floor(v)))
            rc = cli_error(NULL, "model metadata \"sizes\" entry %zu is not a layer width (%s)",
                           i + 1, path);
        else
            sizes[i] = (size_t)v;
    }
    *n_sizes = n;
    cJSON_Delete(a);
    return rc;
}

/* Is `name` one of the network's tensors, layers.{i}.weight or .bias? */
static int is_layer_tensor(const char *name, size_t n_layers)
{
    char want[48];
    for (size_t i = 0; i < n_layers; i++) {
        snprintf(want, sizeof want, "layers.%zu.weight", i);
        if (!strcmp(name, want))
            return 1;
        snprintf(want, sizeof want, "layers.%zu.bias", i);
        if (!strcmp(name, want))
            return 1;
    }
    return 0;
}

static int load_layers(cli_model *m, const cli_st_file *f, const char *path)
{
    nn_model *net = &m->net;
    /* Names first: a tensor missing from the header is named, not found as
     * bytes of the data section that no tensor claims. */
    for (size_t i = 0; i < f->n_tensors; i++)
        if (!is_layer_tensor(f->tensors[i].name, net->n_layers))
            return cli_error(NULL, "unexpected tensor \"%s\" in a model of %zu layers (%s)",
                             f->tensors[i].name, net->n_layers, path);
    for (size_t i = 0; i < net->n_layers; i++) {
        char name[2][48];
        snprintf(name[0], sizeof name[0], "layers.%zu.weight", i);
        snprintf(name[1], sizeof name[1], "layers.%zu.bias", i);
        const size_t wshape[2] = {net->layers[i].out, net->layers[i].in};
        const size_t bshape[1] = {net->layers[i].out};
        const cli_st_tensor *w, *b;
        cli_io_error err;
        if (cli_st_get_f32(f, name[0], 2, wshape, &w, &err) != CLI_OK ||
            cli_st_get_f32(f, name[1], 1, bshape, &b, &err) != CLI_OK)
            return cli_error(NULL, "%s", err.message);
        const cli_st_tensor *both[2] = {w, b};
        for (int t = 0; t < 2; t++)
            for (size_t k = 0; k < both[t]->count; k++)
                if (!isfinite(both[t]->data[k]))
                    return cli_error(NULL, "tensor \"%s\" holds a non-finite value (%s)",
                                     name[t], path);
        memcpy(net->layers[i].weight, w->data, w->count * sizeof(float));
        memcpy(net->layers[i].bias, b->data, b->count * sizeof(float));
    }
    cli_io_error err;
    if (cli_st_check_coverage(f, &err) != CLI_OK)
        return cli_error(NULL, "%s", err.message);
    return CLI_EXIT_OK;
}

int cli_model_load(cli_model *m, const char *path)
{
    memset(m, 0, sizeof *m);
    cli_st_file f;
    cli_io_error err;
    if (cli_st_read_file_with(&f, path, CLI_ST_UNCLAIMED_LATER, &err) != CLI_OK)
        return cli_error("a model file is what `smx train --save FILE` writes", "%s",
                         err.message);

    int rc = CLI_EXIT_FAIL;
    size_t sizes[NN_MAX_LAYERS + 1], n_sizes = 0;
    nn_activation act;
    const char *format = need_meta(&f, "format", path);
    const char *version = format ? need_meta(&f, "format_version", path) : NULL;
    const char *act_name = version ? need_meta(&f, "activation", path) : NULL;
    const char *output = act_name ? need_meta(&f, "output", path) : NULL;
    const char *target = output ? need_meta(&f, "target", path) : NULL;
    if (!target)
        goto done;
    if (strcmp(format, CLI_MODEL_FORMAT) != 0) {
        cli_error(NULL, "model format is \"%s\", expected \"%s\" (%s)", format,
                  CLI_MODEL_FORMAT, path);
        goto done;
    }
    if (strcmp(version, CLI_MODEL_FORMAT_VERSION) != 0) {
        cli_error("this smx reads format version " CLI_MODEL_FORMAT_VERSION,
                  "model format version \"%s\" is not supported (%s)", version, path);
        goto done;
    }
    if (strcmp(output, "softmax") != 0) {
        cli_error("an smx model ends in a SoftMax", "model output \"%s\" is not supported, "
                  "expected \"softmax\" (%s)", output, path);
        goto done;
    }
    if (nn_activation_parse(&act, act_name) != 0) {
        cli_error(NULL, "unknown activation \"%s\" in the model (%s)", act_name, path);
        goto done;
    }
    if (load_sizes(sizes, &n_sizes, &f, path))
        goto done;
    const nn_status st = nn_model_init(&m->net, sizes, n_sizes, act);
    if (st != NN_OK) {
        cli_error(NULL, "%s (%s)", nn_strerror(st), path);
        goto done;
    }
    if (load_layers(m, &f, path) ||
        load_floats(m->net.mean, &f, "standardize_mean", m->net.features, 0, path) ||
        load_floats(m->net.std, &f, "standardize_std", m->net.features, 1, path))
        goto done;
    m->class_names = load_strings(&f, "classes", m->net.classes, path);
    m->feature_names = m->class_names ? load_strings(&f, "features", m->net.features, path)
                                      : NULL;
    if (!m->feature_names)
        goto done;
    if (*target && !(m->target_name = dup_string(target))) {
        cli_error(NULL, "out of memory");
        goto done;
    }
    rc = CLI_EXIT_OK;
done:
    cli_st_free(&f);
    if (rc != CLI_EXIT_OK)
        cli_model_free(m);
    return rc;
}
