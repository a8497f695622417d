/*
 * safetensors.c — the safetensors writer and checking reader of
 * safetensors.h.  The JSON header is built and parsed by cJSON; this file
 * owns the byte layout and every check on what the JSON says.
 */
#include "safetensors.h"

#include "internal.h"
#include "names.h"

#include <cJSON.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON numbers are doubles: integers up to 2^53 are exact.  Past 10^15
 * cJSON would print them in exponent form, which readers refuse for an
 * integer, so the writer keeps every number below that (a petabyte). */
#define CLI_ST_MAX_JSON_INT 999999999999999.0
#define CLI_ST_MAX_JSON_INT_Z ((size_t)999999999999999ull)

static const char METADATA_KEY[] = "__metadata__";

/* The dtype names of the safetensors format (and their sizes in bits),
 * so that a file of another dtype gets a clear "F16 is not supported"
 * rather than "unknown dtype". */
static const struct {
    const char *name;
    unsigned bits;
} DTYPES[] = {
    {"BOOL", 8},    {"U8", 8},       {"I8", 8},       {"F8_E5M2", 8}, {"F8_E4M3", 8},
    {"F8_E8M0", 8}, {"F4", 4},       {"F6_E2M3", 6},  {"F6_E3M2", 6}, {"I16", 16},
    {"U16", 16},    {"F16", 16},     {"BF16", 16},    {"I32", 32},    {"U32", 32},
    {"F32", 32},    {"F64", 64},     {"C64", 64},     {"I64", 64},    {"U64", 64},
};

static void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void put_f32_le(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(u >> (8 * i));
}

static float get_f32_le(const unsigned char *p)
{
    const uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                       (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The index (into names) of the second place of a name given twice
 * (cli_name_twice); SIZE_MAX when all are distinct, SIZE_MAX - 1 when out
 * of memory. */
static size_t find_duplicate(const char *const *names, size_t n)
{
    size_t first, second;
    if (cli_name_twice(&first, &second, names, n) != CLI_OK)
        return SIZE_MAX - 1;
    return second < n ? second : SIZE_MAX;
}

static void quote(char *dst, size_t cap, const char *s)
{
    cli_io_quote(dst, cap, s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

static cli_status check_utf8_arg(const char *s, const char *what, size_t i, cli_io_error *err)
{
    size_t bad;
    if (!s)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "%s %zu is NULL", what, i + 1);
    if (!cli_utf8_valid(s, strlen(s), &bad))
        return cli_io_fail(err, CLI_ERR_ENCODING, NULL, 0, 0,
                           "%s %zu is not valid UTF-8 (byte %zu)", what, i + 1, bad + 1);
    return CLI_OK;
}

cli_status cli_st_write_buffer(unsigned char **out, size_t *out_size,
                                  const cli_st_entry *tensors, size_t n_tensors,
                                  const cli_st_kv *metadata, size_t n_metadata,
                                  cli_io_error *err)
{
    if (!out || !out_size || (n_tensors && !tensors) || (n_metadata && !metadata))
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "cli_st_write_buffer: NULL argument");
    cli_status st;
    const char **names = malloc((n_tensors + n_metadata + 1) * sizeof *names);
    size_t *offsets = malloc((n_tensors + 1) * sizeof *offsets);
    cJSON *root = NULL;
    char *json = NULL;
    unsigned char *buf = NULL;
    if (!names || !offsets)
        goto oom;

    /* Check the arguments and lay the tensors out. */
    size_t data_bytes = 0;
    for (size_t i = 0; i < n_tensors; i++) {
        const cli_st_entry *t = &tensors[i];
        if ((st = check_utf8_arg(t->name, "tensor name", i, err)) != CLI_OK)
            goto fail;
        char shown[64];
        quote(shown, sizeof shown, t->name);
        if (strcmp(t->name, METADATA_KEY) == 0) {
            st = cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0,
                             "tensor %zu: the name %s is reserved", i + 1, shown);
            goto fail;
        }
        if (t->ndim > CLI_ST_MAX_DIMS || (t->ndim && !t->shape)) {
            st = cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0,
                             "tensor %s: %zu dimensions (at most %d, with a shape)", shown,
                             t->ndim, CLI_ST_MAX_DIMS);
            goto fail;
        }
        size_t count = 1, bytes, end;
        for (size_t k = 0; k < t->ndim; k++) {
            if (t->shape[k] > CLI_ST_MAX_JSON_INT_Z || cli_mul_size(count, t->shape[k], &count)) {
                st = cli_io_fail(err, CLI_ERR_TOO_LARGE, NULL, 0, 0,
                                 "tensor %s: the shape is too large", shown);
                goto fail;
            }
        }
        if (cli_mul_size(count, sizeof(float), &bytes) ||
            cli_add_size(data_bytes, bytes, &end) || end > CLI_ST_MAX_JSON_INT_Z) {
            st = cli_io_fail(err, CLI_ERR_TOO_LARGE, NULL, 0, 0,
                             "tensor %s: the tensors are too large for one file", shown);
            goto fail;
        }
        if (count && !t->data) {
            st = cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "tensor %s: data is NULL", shown);
            goto fail;
        }
        offsets[i] = data_bytes;
        data_bytes = end;
        names[i] = t->name;
    }
    offsets[n_tensors] = data_bytes;
    size_t dup = find_duplicate(names, n_tensors);
    if (dup == SIZE_MAX - 1)
        goto oom;
    if (dup != SIZE_MAX) {
        char shown[64];
        quote(shown, sizeof shown, names[dup]);
        st = cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "two tensors are named %s", shown);
        goto fail;
    }
    for (size_t i = 0; i < n_metadata; i++) {
        if ((st = check_utf8_arg(metadata[i].key, "metadata key", i, err)) != CLI_OK ||
            (st = check_utf8_arg(metadata[i].value, "metadata value", i, err)) != CLI_OK)
            goto fail;
        names[i] = metadata[i].key;
    }
    dup = find_duplicate(names, n_metadata);
    if (dup == SIZE_MAX - 1)
        goto oom;
    if (dup != SIZE_MAX) {
        char shown[64];
        quote(shown, sizeof shown, names[dup]);
        st = cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "metadata key %s is given twice",
                         shown);
        goto fail;
    }

    /* The header. */
    root = cJSON_CreateObject();
    if (!root)
        goto oom;
    if (n_metadata) {
        cJSON *meta = cJSON_AddObjectToObject(root, METADATA_KEY);
        if (!meta)
            goto oom;
        for (size_t i = 0; i < n_metadata; i++)
            if (!cJSON_AddStringToObject(meta, metadata[i].key, metadata[i].value))
                goto oom;
    }
    for (size_t i = 0; i < n_tensors; i++) {
        const cli_st_entry *t = &tensors[i];
        cJSON *obj = cJSON_AddObjectToObject(root, t->name);
        if (!obj || !cJSON_AddStringToObject(obj, "dtype", "F32"))
            goto oom;
        cJSON *shape = cJSON_AddArrayToObject(obj, "shape");
        if (!shape)
            goto oom;
        for (size_t k = 0; k < t->ndim; k++) {
            cJSON *v = cJSON_CreateNumber((double)t->shape[k]);
            if (!v || !cJSON_AddItemToArray(shape, v)) {
                cJSON_Delete(v);
                goto oom;
            }
        }
        cJSON *offs = cJSON_AddArrayToObject(obj, "data_offsets");
        if (!offs)
            goto oom;
        for (size_t k = 0; k < 2; k++) {
            cJSON *v = cJSON_CreateNumber((double)offsets[i + k]);
            if (!v || !cJSON_AddItemToArray(offs, v)) {
                cJSON_Delete(v);
                goto oom;
            }
        }
    }
    json = cJSON_PrintUnformatted(root);
    if (!json)
        goto oom;
    const size_t json_len = strlen(json);
    /* Pad with spaces so that the data section starts 8-byte aligned. */
    const size_t header_len = (json_len + 7) / 8 * 8;
    size_t total;
    if (cli_add_size(8 + header_len, data_bytes, &total))
        goto oom;
    buf = malloc(total ? total : 1);
    if (!buf)
        goto oom;
    put_le64(buf, (uint64_t)header_len);
    memcpy(buf + 8, json, json_len);
    memset(buf + 8 + json_len, ' ', header_len - json_len);
    unsigned char *d = buf + 8 + header_len;
    for (size_t i = 0; i < n_tensors; i++) {
        const size_t count = (offsets[i + 1] - offsets[i]) / sizeof(float);
        for (size_t k = 0; k < count; k++, d += 4)
            put_f32_le(d, tensors[i].data[k]);
    }
    cJSON_free(json);
    cJSON_Delete(root);
    free(names);
    free(offsets);
    cli_io_ok(err);
    *out = buf;
    *out_size = total;
    return CLI_OK;

oom:
    st = cli_io_fail(err, CLI_ERR_NOMEM, NULL, 0, 0, "out of memory writing a model");
fail:
    if (json)
        cJSON_free(json);
    cJSON_Delete(root);
    free(buf);
    free(names);
    free(offsets);
    return st;
}

cli_status cli_st_write_file(const char *path, const cli_st_entry *tensors, size_t n_tensors,
                                const cli_st_kv *metadata, size_t n_metadata,
                                cli_io_error *err)
{
    if (!path || !*path)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "no file name to save the model");
    unsigned char *buf;
    size_t size;
    cli_status st = cli_st_write_buffer(&buf, &size, tensors, n_tensors, metadata, n_metadata,
                                           err);
    if (st != CLI_OK)
        return st;
    const size_t plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp) {
        free(buf);
        return cli_io_fail(err, CLI_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        st = cli_io_fail(err, CLI_ERR_WRITE, NULL, 0, 0, "cannot create '%s': %s", tmp,
                         strerror(errno));
        goto done;
    }
    const int wrote = fwrite(buf, 1, size, f) == size;
    int saved = errno;
    const int flushed = fflush(f) == 0;
    if (wrote && !flushed)
        saved = errno;
    const int closed = fclose(f) == 0;
    if (wrote && flushed && !closed)
        saved = errno;
    if (!wrote || !flushed || !closed) {
        st = cli_io_fail(err, CLI_ERR_WRITE, NULL, 0, 0, "cannot write '%s': %s", tmp,
                         strerror(saved));
        remove(tmp);
        goto done;
    }
    if (rename(tmp, path) != 0) {
        st = cli_io_fail(err, CLI_ERR_WRITE, NULL, 0, 0, "cannot rename '%s' to '%s': %s",
                         tmp, path, strerror(errno));
        remove(tmp);
        goto done;
    }
    cli_io_ok(err);
done:
    free(tmp);
    free(buf);
    return st;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

void cli_st_free(cli_st_file *f)
{
    if (!f)
        return;
    if (f->tensors)
        for (size_t i = 0; i < f->n_tensors; i++)
            free((char *)f->tensors[i].name);
    if (f->metadata)
        for (size_t i = 0; i < f->n_metadata; i++) {
            free((char *)f->metadata[i].key);
            free((char *)f->metadata[i].value);
        }
    free(f->tensors);
    free(f->metadata);
    free(f->floats_);
    free(f->source);
    memset(f, 0, sizeof *f);
}

/* A JSON number that is a non-negative integer a reader can trust. */
static int json_size(const cJSON *v, size_t *out)
{
    if (!cJSON_IsNumber(v))
        return 0;
    const double d = v->valuedouble;
    if (!(d >= 0.0 && d <= CLI_ST_MAX_JSON_INT))
        return 0;
    const uint64_t u = (uint64_t)d;
    if ((double)u != d)
        return 0;
    *out = (size_t)u;
    return 1;
}

typedef struct reader {
    const char *source;
    cli_io_error *err;
    unsigned flags; /* CLI_ST_UNCLAIMED_LATER */
} reader;

/* Every number in a header is a shape extent or a data offset, and must
 * be written as digits: 4.0, 4e0 and -0 equal an integer in a double but
 * are not one in JSON (the reference reader, serde, refuses them too).
 * The header is valid JSON here; strings are skipped whole. */
static cli_status check_integer_syntax(const reader *r, const char *h, size_t n)
{
    int depth = 0;
    const char *key[3] = {NULL, NULL, NULL}, *str = NULL;
    size_t key_len[3] = {0, 0, 0}, str_len = 0, entry = 1;
    for (size_t i = 0; i < n; i++) {
        const char c = h[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && h[j] != '"')
                j += h[j] == '\\' ? 2 : 1;
            str = h + i + 1;
            str_len = j - i - 1;
            i = j;
        } else if (c == ':' && depth >= 1 && depth <= 2) {
            key[depth] = str;
            key_len[depth] = str_len;
        } else if (c == '{' || c == '[') {
            depth++;
            entry = 1;
        } else if (c == ',' && depth == 3) {
            entry++;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i, nonzero = 0;
            int plain = 1; /* digits, or a minus and digits (refused later) but not -0 */
            while (j < n && (h[j] == '-' || h[j] == '+' || h[j] == '.' || h[j] == 'e' ||
                             h[j] == 'E' || (h[j] >= '0' && h[j] <= '9'))) {
                plain &= h[j] != '.' && h[j] != 'e' && h[j] != 'E';
                nonzero += h[j] >= '1' && h[j] <= '9';
                j++;
            }
            plain &= !(c == '-' && nonzero == 0);
            if (!plain && depth == 3 && key[1] && key[2] &&
                !(key_len[1] == strlen(METADATA_KEY) &&
                  !memcmp(key[1], METADATA_KEY, key_len[1])))
                return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                                   "tensor \"%.*s\": \"%.*s\" entry %zu is %.*s, not an "
                                   "integer written as digits",
                                   (int)(key_len[1] > 48 ? 48 : key_len[1]), key[1],
                                   (int)(key_len[2] > 16 ? 16 : key_len[2]), key[2], entry,
                                   (int)(j - i > 32 ? 32 : j - i), h + i);
            i = j - 1;
        }
    }
    return CLI_OK;
}

/* Reads one tensor's entry into *t (name already set). */
static cli_status read_tensor(const reader *r, const cJSON *entry, cli_st_tensor *t,
                                 size_t data_size)
{
    char shown[64];
    quote(shown, sizeof shown, t->name);
    if (!cJSON_IsObject(entry))
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: its entry is not a JSON object", shown);
    const cJSON *dtype = NULL, *shape = NULL, *offs = NULL;
    for (const cJSON *f = entry->child; f; f = f->next) {
        const cJSON **slot = NULL;
        if (f->string && strcmp(f->string, "dtype") == 0)
            slot = &dtype;
        else if (f->string && strcmp(f->string, "shape") == 0)
            slot = &shape;
        else if (f->string && strcmp(f->string, "data_offsets") == 0)
            slot = &offs;
        char shown_f[64];
        quote(shown_f, sizeof shown_f, f->string ? f->string : "");
        if (!slot)
            return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                               "tensor %s: unknown field %s", shown, shown_f);
        if (*slot)
            return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                               "tensor %s: field %s is given twice", shown, shown_f);
        *slot = f;
    }
    if (!dtype || !shape || !offs)
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: field \"%s\" is missing", shown,
                           !dtype ? "dtype" : !shape ? "shape" : "data_offsets");

    /* dtype */
    if (!cJSON_IsString(dtype))
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: \"dtype\" is not a string", shown);
    size_t k = 0;
    const size_t n_dtypes = sizeof DTYPES / sizeof DTYPES[0];
    while (k < n_dtypes && strcmp(DTYPES[k].name, dtype->valuestring) != 0)
        k++;
    char shown_d[64];
    quote(shown_d, sizeof shown_d, dtype->valuestring);
    if (k == n_dtypes)
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: unknown dtype %s", shown, shown_d);
    if (strcmp(DTYPES[k].name, "F32") != 0)
        return cli_io_fail(r->err, CLI_ERR_DTYPE, r->source, 0, 0,
                           "tensor %s: dtype %s (%u-bit) is not supported: smx models hold F32",
                           shown, DTYPES[k].name, DTYPES[k].bits);

    /* shape */
    if (!cJSON_IsArray(shape))
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: \"shape\" is not an array", shown);
    const int ndim = cJSON_GetArraySize(shape);
    if (ndim > CLI_ST_MAX_DIMS)
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: \"shape\" has %d dimensions, at most %d are supported",
                           shown, ndim, CLI_ST_MAX_DIMS);
    t->ndim = (size_t)ndim;
    size_t count = 1, overflow = 0, dim = 0;
    for (const cJSON *v = shape->child; v; v = v->next, dim++) {
        if (!json_size(v, &t->shape[dim]))
            return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                               "tensor %s: \"shape\" entry %zu is not a non-negative integer",
                               shown, dim + 1);
        if (cli_mul_size(count, t->shape[dim], &count))
            overflow = 1;
    }
    /* A zero extent makes the count 0 even after an overflow. */
    for (size_t d = 0; d < t->ndim; d++)
        if (t->shape[d] == 0)
            count = 0, overflow = 0;
    size_t bytes = 0;
    if (overflow || cli_mul_size(count, sizeof(float), &bytes))
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: \"shape\" has more elements than memory can hold",
                           shown);
    t->count = count;

    /* data_offsets */
    if (!cJSON_IsArray(offs) || cJSON_GetArraySize(offs) != 2 ||
        !json_size(offs->child, &t->begin) || !json_size(offs->child->next, &t->end))
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: \"data_offsets\" is not two non-negative integers "
                           "[begin, end]",
                           shown);
    if (t->end < t->begin)
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: \"data_offsets\" [%zu, %zu] end before they begin", shown,
                           t->begin, t->end);
    if (t->end - t->begin != bytes)
        return cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                           "tensor %s: \"shape\" holds %zu floats (%zu bytes) but "
                           "\"data_offsets\" [%zu, %zu] span %zu bytes",
                           shown, count, bytes, t->begin, t->end, t->end - t->begin);
    if (t->end > data_size)
        return cli_io_fail(r->err, CLI_ERR_TRUNCATED, r->source, 0, 0,
                           "tensor %s: \"data_offsets\" [%zu, %zu] end past the data section "
                           "(%zu bytes): truncated file?",
                           shown, t->begin, t->end, data_size);
    return CLI_OK;
}

static int cmp_tensor_offsets(const void *a, const void *b)
{
    const cli_st_tensor *x = *(const cli_st_tensor *const *)a;
    const cli_st_tensor *y = *(const cli_st_tensor *const *)b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return (x > y) - (x < y);
}

/* The tensors, sorted by offset, must tile [0, data_size) exactly; with
 * CLI_ST_UNCLAIMED_LATER, only overlaps are refused here. */
static cli_status check_coverage(const reader *r, const cli_st_tensor *t, size_t n,
                                    size_t data_size)
{
    const int gaps_later = (r->flags & CLI_ST_UNCLAIMED_LATER) != 0;
    const cli_st_tensor **order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return cli_io_fail(r->err, CLI_ERR_NOMEM, r->source, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        order[i] = &t[i];
    qsort(order, n, sizeof *order, cmp_tensor_offsets);
    cli_status st = CLI_OK;
    size_t pos = 0;
    const cli_st_tensor *prev = NULL;
    for (size_t i = 0; i < n && st == CLI_OK; i++) {
        char shown[64], shown_p[64];
        quote(shown, sizeof shown, order[i]->name);
        if (order[i]->begin > pos && !gaps_later)
            st = cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                             "bytes [%zu, %zu) of the data section belong to no tensor "
                             "(before tensor %s)",
                             pos, order[i]->begin, shown);
        else if (order[i]->begin < pos) {
            quote(shown_p, sizeof shown_p, prev->name);
            st = cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                             "tensor %s (bytes [%zu, %zu)) overlaps tensor %s (bytes [%zu, "
                             "%zu))",
                             shown, order[i]->begin, order[i]->end, shown_p, prev->begin,
                             prev->end);
        }
        pos = order[i]->end > pos ? order[i]->end : pos;
        prev = order[i];
    }
    if (st == CLI_OK && pos != data_size && !gaps_later)
        st = cli_io_fail(r->err, CLI_ERR_FORMAT, r->source, 0, 0,
                         "the last %zu bytes of the data section belong to no tensor",
                         data_size - pos);
    free(order);
    return st;
}

cli_status cli_st_check_coverage(const cli_st_file *f, cli_io_error *err)
{
    if (!f)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "cli_st_check_coverage: NULL");
    const reader r = {f->source ? f->source : "<buffer>", err, 0};
    const cli_status st = check_coverage(&r, f->tensors, f->n_tensors, f->data_size);
    if (st == CLI_OK)
        cli_io_ok(err);
    return st;
}

static cli_status read_image(cli_st_file *out, const unsigned char *data, size_t size,
                                const char *source, unsigned flags, cli_io_error *err)
{
    const reader r = {source, err, flags};
    cli_st_file f;
    memset(&f, 0, sizeof f);
    char *hdr = NULL;
    cJSON *root = NULL;
    cli_status st;

    if (!(f.source = cli_strndup(source, strlen(source))))
        goto oom;
    if (size < 8) {
        st = cli_io_fail(err, CLI_ERR_TRUNCATED, source, 0, 0,
                         "the file has %zu bytes, too few for a safetensors file (it starts "
                         "with an 8-byte header length): truncated file?",
                         size);
        goto fail;
    }
    const uint64_t n64 = get_le64(data);
    if (n64 > CLI_ST_MAX_HEADER) {
        st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                         "header length %llu is over the 100 MB limit: not a safetensors file?",
                         (unsigned long long)n64);
        goto fail;
    }
    const size_t n = (size_t)n64;
    if (n > size - 8) {
        st = cli_io_fail(err, CLI_ERR_TRUNCATED, source, 0, 0,
                         "header length %zu runs past the end of the file (%zu bytes): "
                         "truncated file?",
                         n, size);
        goto fail;
    }
    const unsigned char *h = data + 8;
    if (n < 2) {
        st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                         "header length %zu is too short for a JSON object", n);
        goto fail;
    }
    if (h[0] != '{') {
        st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                         "the header (%zu bytes at byte 8) does not start with '{': not a "
                         "safetensors file?",
                         n);
        goto fail;
    }
    size_t bad;
    const unsigned char *nul = memchr(h, 0, n);
    if (nul) {
        st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                         "the header holds a NUL byte at byte %zu", (size_t)(nul - data));
        goto fail;
    }
    if (!cli_utf8_valid((const char *)h, n, &bad)) {
        st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                         "the header is not valid UTF-8 at byte %zu", 8 + bad);
        goto fail;
    }
    /* cJSON gets a NUL-terminated copy: it must never see past the header. */
    if (!(hdr = cli_strndup((const char *)h, n)))
        goto oom;
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(hdr, n, &end, 0);
    if (!root) {
        const size_t at = end && end >= hdr && end <= hdr + n ? (size_t)(end - hdr) : 0;
        st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                         "the header is not valid JSON (error near byte %zu)", 8 + at);
        goto fail;
    }
    for (const char *q = end; q < hdr + n; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') {
            st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                             "the header has text after its JSON object, at byte %zu",
                             8 + (size_t)(q - hdr));
            goto fail;
        }
    if (!cJSON_IsObject(root)) {
        st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                         "the header is not a JSON object");
        goto fail;
    }
    if ((st = check_integer_syntax(&r, hdr, n)) != CLI_OK)
        goto fail;
    f.header_size = n;
    f.data_size = size - 8 - n;

    /* Keys: distinct; count tensors and metadata. */
    size_t n_keys = 0, n_tensors = 0;
    const cJSON *meta = NULL;
    for (const cJSON *e = root->child; e; e = e->next)
        n_keys++;
    {
        const char **keys = malloc((n_keys ? n_keys : 1) * sizeof *keys);
        if (!keys)
            goto oom;
        size_t i = 0;
        for (const cJSON *e = root->child; e; e = e->next)
            keys[i++] = e->string ? e->string : "";
        const size_t dup = find_duplicate(keys, n_keys);
        if (dup == SIZE_MAX - 1) {
            free(keys);
            goto oom;
        }
        if (dup != SIZE_MAX) {
            char shown[64];
            quote(shown, sizeof shown, keys[dup]);
            free(keys);
            st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                             "the header names %s twice", shown);
            goto fail;
        }
        free(keys);
    }
    for (const cJSON *e = root->child; e; e = e->next) {
        if (e->string && strcmp(e->string, METADATA_KEY) == 0)
            meta = e;
        else
            n_tensors++;
    }

    /* __metadata__ */
    if (meta) {
        if (!cJSON_IsObject(meta)) {
            st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                             "\"__metadata__\" is not a JSON object");
            goto fail;
        }
        size_t n_meta = 0;
        for (const cJSON *e = meta->child; e; e = e->next)
            n_meta++;
        f.metadata = calloc(n_meta ? n_meta : 1, sizeof *f.metadata);
        if (!f.metadata)
            goto oom;
        for (const cJSON *e = meta->child; e; e = e->next) {
            const char *key = e->string ? e->string : "";
            char shown[64];
            quote(shown, sizeof shown, key);
            if (!cJSON_IsString(e)) {
                st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                                 "\"__metadata__\" value for %s is not a string", shown);
                goto fail;
            }
            cli_st_kv *kv = &f.metadata[f.n_metadata];
            kv->key = cli_strndup(key, strlen(key));
            kv->value = cli_strndup(e->valuestring, strlen(e->valuestring));
            f.n_metadata++;
            if (!kv->key || !kv->value)
                goto oom;
        }
        const char **keys = malloc((n_meta ? n_meta : 1) * sizeof *keys);
        if (!keys)
            goto oom;
        for (size_t i = 0; i < n_meta; i++)
            keys[i] = f.metadata[i].key;
        const size_t dup = find_duplicate(keys, n_meta);
        free(keys);
        if (dup == SIZE_MAX - 1)
            goto oom;
        if (dup != SIZE_MAX) {
            char shown[64];
            quote(shown, sizeof shown, f.metadata[dup].key);
            st = cli_io_fail(err, CLI_ERR_FORMAT, source, 0, 0,
                             "\"__metadata__\" names %s twice", shown);
            goto fail;
        }
    }

    /* Tensors */
    f.tensors = calloc(n_tensors ? n_tensors : 1, sizeof *f.tensors);
    if (!f.tensors)
        goto oom;
    for (const cJSON *e = root->child; e; e = e->next) {
        if (e == meta)
            continue;
        cli_st_tensor *t = &f.tensors[f.n_tensors];
        const char *name = e->string ? e->string : "";
        if (!(t->name = cli_strndup(name, strlen(name))))
            goto oom;
        f.n_tensors++;
        if ((st = read_tensor(&r, e, t, f.data_size)) != CLI_OK)
            goto fail;
    }
    if ((st = check_coverage(&r, f.tensors, f.n_tensors, f.data_size)) != CLI_OK)
        goto fail;

    /* The data, in host order, tensor after tensor in one array: they do
     * not overlap, so it holds at most data_size / 4 floats. */
    size_t n_floats = 0;
    for (size_t i = 0; i < f.n_tensors; i++)
        n_floats += f.tensors[i].count;
    f.floats_ = malloc((n_floats ? n_floats : 1) * sizeof(float));
    if (!f.floats_)
        goto oom;
    const unsigned char *d = data + 8 + n;
    for (size_t i = 0, at = 0; i < f.n_tensors; i++) {
        cli_st_tensor *t = &f.tensors[i];
        for (size_t k = 0; k < t->count; k++)
            f.floats_[at + k] = get_f32_le(d + t->begin + 4 * k);
        t->data = t->count ? f.floats_ + at : NULL;
        at += t->count;
    }

    free(hdr);
    cJSON_Delete(root);
    cli_io_ok(err);
    *out = f;
    return CLI_OK;

oom:
    st = cli_io_fail(err, CLI_ERR_NOMEM, source, 0, 0, "out of memory reading the model");
fail:
    free(hdr);
    cJSON_Delete(root);
    cli_st_free(&f);
    return st;
}

cli_status cli_st_read_buffer(cli_st_file *out, const void *data, size_t size,
                                 const char *source, cli_io_error *err)
{
    if (!out || (!data && size))
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "cli_st_read_buffer: NULL argument");
    memset(out, 0, sizeof *out);
    return read_image(out, data ? data : "", size, source ? source : "<buffer>", 0, err);
}

cli_status cli_st_read_file(cli_st_file *out, const char *path, cli_io_error *err)
{
    return cli_st_read_file_with(out, path, 0, err);
}

cli_status cli_st_read_file_with(cli_st_file *out, const char *path, unsigned flags,
                                    cli_io_error *err)
{
    if (!out)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "cli_st_read_file: NULL argument");
    memset(out, 0, sizeof *out);
    char *data;
    size_t size;
    cli_status st = cli_io_read_all(path, CLI_ST_MAX_FILE, "model file", &data, &size, err);
    if (st != CLI_OK)
        return st;
    const char *source = (path == NULL || strcmp(path, "-") == 0) ? "<stdin>" : path;
    st = read_image(out, (const unsigned char *)data, size, source, flags, err);
    free(data);
    return st;
}

const cli_st_tensor *cli_st_find(const cli_st_file *f, const char *name)
{
    if (!f || !name)
        return NULL;
    for (size_t i = 0; i < f->n_tensors; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

/* "[4, 16]" with "*" for CLI_ST_ANY. */
static void format_shape(char *dst, size_t cap, size_t ndim, const size_t *shape)
{
    size_t o = 0;
    o += (size_t)snprintf(dst, cap, "[");
    for (size_t k = 0; k < ndim && o < cap; k++) {
        if (shape[k] == CLI_ST_ANY)
            o += (size_t)snprintf(dst + o, cap - o, "%s*", k ? ", " : "");
        else
            o += (size_t)snprintf(dst + o, cap - o, "%s%zu", k ? ", " : "", shape[k]);
    }
    if (o < cap)
        snprintf(dst + o, cap - o, "]");
}

cli_status cli_st_get_f32(const cli_st_file *f, const char *name, size_t ndim,
                             const size_t *shape, const cli_st_tensor **out, cli_io_error *err)
{
    if (!f || !name || !out || (ndim && !shape))
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "cli_st_get_f32: NULL argument");
    const char *source = f->source ? f->source : "<model>";
    char shown[64];
    quote(shown, sizeof shown, name);
    const cli_st_tensor *t = cli_st_find(f, name);
    if (!t)
        return cli_io_fail(err, CLI_ERR_NOT_FOUND, source, 0, 0,
                           "the model has no tensor %s", shown);
    int ok = t->ndim == ndim;
    for (size_t k = 0; ok && k < ndim; k++)
        ok = shape[k] == CLI_ST_ANY || shape[k] == t->shape[k];
    if (!ok) {
        char have[160], want[160];
        format_shape(have, sizeof have, t->ndim, t->shape);
        format_shape(want, sizeof want, ndim < CLI_ST_MAX_DIMS ? ndim : CLI_ST_MAX_DIMS, shape);
        return cli_io_fail(err, CLI_ERR_SHAPE, source, 0, 0,
                           "tensor %s has shape %s, expected %s", shown, have, want);
    }
    cli_io_ok(err);
    *out = t;
    return CLI_OK;
}

const char *cli_st_meta(const cli_st_file *f, const char *key)
{
    if (!f || !key)
        return NULL;
    for (size_t i = 0; i < f->n_metadata; i++)
        if (strcmp(f->metadata[i].key, key) == 0)
            return f->metadata[i].value;
    return NULL;
}
