/*
 * test_safetensors.c — the safetensors writer and reader
 * (cli/io/safetensors.h).
 *
 *  - round trip: write, read, every float bit-exact (NaN payloads, -0,
 *    subnormals, infinities) and the metadata back;
 *  - an independent reader, written here from the format alone (8-byte
 *    little-endian length, JSON, offsets, little-endian floats), reads
 *    what the writer wrote — the steps Python's safetensors takes;
 *  - every truncation of a model file is refused, and so is each kind of
 *    damage to the header, with a message naming the tensor and field;
 *  - arbitrary single-byte corruption never crashes and never yields a
 *    file whose tensors point outside their data.
 */
#define _POSIX_C_SOURCE 200809L
#include "io_test.h"

#include "io/safetensors.h"

#include <cJSON.h>

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const size_t W1_SHAPE[] = {4, 3};
static const size_t B1_SHAPE[] = {3};
static const size_t EMPTY_SHAPE[] = {0, 5};

static float W1[12];
static float B1[3];
static float SCALAR[1];

static void fill_values(void)
{
    /* Values chosen to show any bit lost: a NaN with a payload, -0,
     * the smallest subnormal, infinities, and ordinary numbers. */
    const uint32_t bits[] = {0x7fc01234u, 0x80000000u, 0x00000001u, 0x7f800000u,
                             0xff800000u, 0x3f800000u, 0xbf9e0610u, 0x7f7fffffu,
                             0x00800000u, 0x12345678u, 0xdeadbeefu, 0x3eaaaaabu};
    memcpy(W1, bits, sizeof W1);
    B1[0] = 0.1f;
    B1[1] = -2.5f;
    B1[2] = 1e-30f;
    SCALAR[0] = 42.0f;
}

static const cli_st_kv META[] = {
    {"format", "smx-mlp"},
    {"classes", "[\"setosa\",\"versicolor\"]"},
    {"unicode", "caf\xc3\xa9 \xe2\x88\x82s/\xe2\x88\x82z"},
    {"quote\"key", "line\nbreak\ttab\\"},
};

/* Writes the sample model into a fresh buffer. */
static void sample(unsigned char **buf, size_t *size)
{
    fill_values();
    const cli_st_entry t[] = {
        {"w1", 2, W1_SHAPE, W1},
        {"b1", 1, B1_SHAPE, B1},
        {"scale", 0, NULL, SCALAR},
        {"empty", 2, EMPTY_SHAPE, NULL},
    };
    cli_io_error err;
    assert_io(cli_st_write_buffer(buf, size, t, 4, META, 4, &err), CLI_OK, &err);
}

static void test_round_trip(void **state)
{
    (void)state;
    unsigned char *buf;
    size_t size;
    sample(&buf, &size);
    cli_io_error err;
    cli_st_file f;
    assert_io(cli_st_read_buffer(&f, buf, size, "m.safetensors", &err), CLI_OK, &err);
    assert_int_equal(f.n_tensors, 4);
    assert_string_equal(f.tensors[0].name, "w1"); /* header order kept */
    assert_string_equal(f.tensors[3].name, "empty");

    const cli_st_tensor *t = cli_st_find(&f, "w1");
    assert_non_null(t);
    assert_int_equal(t->ndim, 2);
    assert_int_equal(t->shape[0], 4);
    assert_int_equal(t->shape[1], 3);
    assert_int_equal(t->count, 12);
    assert_memory_equal(t->data, W1, sizeof W1);
    t = cli_st_find(&f, "b1");
    assert_memory_equal(t->data, B1, sizeof B1);
    t = cli_st_find(&f, "scale");
    assert_int_equal(t->ndim, 0);
    assert_int_equal(t->count, 1);
    assert_true(t->data[0] == 42.0f);
    t = cli_st_find(&f, "empty");
    assert_int_equal(t->count, 0);
    assert_null(t->data);
    assert_null(cli_st_find(&f, "w2"));

    assert_int_equal(f.n_metadata, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(cli_st_meta(&f, META[i].key), META[i].value);
    assert_null(cli_st_meta(&f, "missing"));

    const size_t want[] = {4, CLI_ST_ANY};
    assert_io(cli_st_get_f32(&f, "w1", 2, want, &t, &err), CLI_OK, &err);
    const size_t wrong[] = {4, 8};
    assert_io(cli_st_get_f32(&f, "w1", 2, wrong, &t, &err), CLI_ERR_SHAPE, &err);
    assert_msg(&err, "tensor \"w1\" has shape [4, 3], expected [4, 8] (m.safetensors)");
    assert_io(cli_st_get_f32(&f, "b1", 2, wrong, &t, &err), CLI_ERR_SHAPE, &err);
    assert_io(cli_st_get_f32(&f, "w9", 1, wrong, &t, &err), CLI_ERR_NOT_FOUND, &err);
    assert_msg(&err, "no tensor \"w9\"");
    cli_st_free(&f);
    cli_st_free(&f);
    free(buf);
}

/* ---- the independent reader: the format, step by step ---- */

static void test_independent_reader(void **state)
{
    (void)state;
    unsigned char *buf;
    size_t size;
    sample(&buf, &size);

    /* 1. eight bytes: the header length, unsigned little-endian. */
    assert_true(size >= 8);
    uint64_t n = 0;
    for (int i = 0; i < 8; i++)
        n |= (uint64_t)buf[i] << (8 * i);
    assert_true(n <= size - 8);
    assert_int_equal(n % 8, 0); /* padded: data starts 8-aligned */

    /* 2. the header: JSON, padded with spaces only. */
    char *json = malloc(n + 1);
    memcpy(json, buf + 8, n);
    json[n] = '\0';
    assert_int_equal(json[0], '{');
    size_t end = n;
    while (end > 0 && json[end - 1] == ' ')
        end--;
    assert_int_equal(json[end - 1], '}');
    cJSON *root = cJSON_Parse(json);
    assert_non_null(root);

    /* 3. metadata: strings. */
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "__metadata__");
    assert_true(cJSON_IsObject(meta));
    for (size_t i = 0; i < 4; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, META[i].key);
        assert_true(cJSON_IsString(v));
        assert_string_equal(v->valuestring, META[i].value);
    }

    /* 4. each tensor: F32, its shape, its bytes, little-endian. */
    const unsigned char *data = buf + 8 + n;
    const size_t data_size = size - 8 - n;
    const struct {
        const char *name;
        size_t ndim;
        const size_t *shape;
        const float *values;
        size_t count;
    } want[] = {{"w1", 2, W1_SHAPE, W1, 12},
                {"b1", 1, B1_SHAPE, B1, 3},
                {"scale", 0, NULL, SCALAR, 1},
                {"empty", 2, EMPTY_SHAPE, NULL, 0}};
    size_t covered = 0;
    for (size_t i = 0; i < 4; i++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, want[i].name);
        assert_true(cJSON_IsObject(t));
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(t, "dtype")->valuestring, "F32");
        const cJSON *shape = cJSON_GetObjectItemCaseSensitive(t, "shape");
        assert_int_equal(cJSON_GetArraySize(shape), (int)want[i].ndim);
        for (size_t k = 0; k < want[i].ndim; k++)
            assert_true(cJSON_GetArrayItem(shape, (int)k)->valuedouble ==
                        (double)want[i].shape[k]);
        const cJSON *offs = cJSON_GetObjectItemCaseSensitive(t, "data_offsets");
        assert_int_equal(cJSON_GetArraySize(offs), 2);
        const size_t b = (size_t)cJSON_GetArrayItem(offs, 0)->valuedouble;
        const size_t e = (size_t)cJSON_GetArrayItem(offs, 1)->valuedouble;
        assert_int_equal(e - b, 4 * want[i].count);
        assert_true(e <= data_size);
        covered += e - b;
        for (size_t k = 0; k < want[i].count; k++) {
            const unsigned char *p = data + b + 4 * k;
            const uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                               (uint32_t)p[3] << 24;
            uint32_t w;
            memcpy(&w, &want[i].values[k], 4);
            assert_int_equal(u, w);
        }
    }
    assert_int_equal(covered, data_size); /* fully indexed */
    cJSON_Delete(root);
    free(json);
    free(buf);
}

static void test_file_round_trip(void **state)
{
    (void)state;
    char dir[] = "/tmp/smx_st_test_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], tmp[160];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    fill_values();
    const cli_st_entry t[] = {{"w1", 2, W1_SHAPE, W1}, {"b1", 1, B1_SHAPE, B1}};
    cli_io_error err;
    for (int pass = 0; pass < 2; pass++) { /* the second pass overwrites */
        assert_io(cli_st_write_file(path, t, 2, META, 1, &err), CLI_OK, &err);
        assert_int_equal(access(tmp, F_OK), -1);
        cli_st_file f;
        assert_io(cli_st_read_file(&f, path, &err), CLI_OK, &err);
        assert_memory_equal(cli_st_find(&f, "w1")->data, W1, sizeof W1);
        assert_string_equal(f.source, path);
        cli_st_free(&f);
    }
    /* Writing where no file can be: an error, no file left. */
    char bad[96];
    snprintf(bad, sizeof bad, "%s/no/such/dir/m.safetensors", dir);
    assert_io(cli_st_write_file(bad, t, 2, NULL, 0, &err), CLI_ERR_WRITE, &err);
    assert_msg(&err, "no/such/dir");
    cli_st_file f;
    assert_io(cli_st_read_file(&f, bad, &err), CLI_ERR_OPEN, &err);
    assert_msg(&err, "No such file");
    unlink(path);
    rmdir(dir);
}

static void test_write_refusals(void **state)
{
    (void)state;
    fill_values();
    unsigned char *buf;
    size_t size;
    cli_io_error err;
    const cli_st_entry dup[] = {{"w", 1, B1_SHAPE, B1}, {"w", 1, B1_SHAPE, B1}};
    assert_io(cli_st_write_buffer(&buf, &size, dup, 2, NULL, 0, &err), CLI_ERR_ARG, &err);
    assert_msg(&err, "two tensors are named \"w\"");
    const cli_st_entry reserved[] = {{"__metadata__", 1, B1_SHAPE, B1}};
    assert_io(cli_st_write_buffer(&buf, &size, reserved, 1, NULL, 0, &err), CLI_ERR_ARG, &err);
    const cli_st_entry nodata[] = {{"w", 1, B1_SHAPE, NULL}};
    assert_io(cli_st_write_buffer(&buf, &size, nodata, 1, NULL, 0, &err), CLI_ERR_ARG, &err);
    const size_t huge[] = {(size_t)1 << 40, (size_t)1 << 40};
    const cli_st_entry big[] = {{"w", 2, huge, B1}};
    assert_io(cli_st_write_buffer(&buf, &size, big, 1, NULL, 0, &err), CLI_ERR_TOO_LARGE,
              &err);
    const cli_st_kv badmeta[] = {{"k", "\xff"}};
    assert_io(cli_st_write_buffer(&buf, &size, NULL, 0, badmeta, 1, &err), CLI_ERR_ENCODING,
              &err);
    const cli_st_kv dupmeta[] = {{"k", "a"}, {"k", "b"}};
    assert_io(cli_st_write_buffer(&buf, &size, NULL, 0, dupmeta, 2, &err), CLI_ERR_ARG, &err);
    assert_msg(&err, "\"k\" is given twice");
    /* No tensors, no metadata: "{}" padded, a valid empty file. */
    assert_io(cli_st_write_buffer(&buf, &size, NULL, 0, NULL, 0, &err), CLI_OK, &err);
    assert_int_equal(size, 16);
    cli_st_file f;
    assert_io(cli_st_read_buffer(&f, buf, size, NULL, &err), CLI_OK, &err);
    assert_int_equal(f.n_tensors, 0);
    cli_st_free(&f);
    free(buf);
}

/* ---- damaged files ---- */

/* A file of the given header text and n_data bytes of data (value 0). */
static unsigned char *make_file(const char *header, size_t n_data, size_t *size)
{
    const size_t n = strlen(header);
    *size = 8 + n + n_data;
    unsigned char *buf = calloc(*size, 1);
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)n >> (8 * i));
    memcpy(buf + 8, header, n);
    return buf;
}

static void expect_bad(const char *header, size_t n_data, cli_status want, const char *part)
{
    size_t size;
    unsigned char *buf = make_file(header, n_data, &size);
    cli_io_error err;
    cli_st_file f;
    memset(&f, 0xab, sizeof f);
    const cli_status st = cli_st_read_buffer(&f, buf, size, "bad.safetensors", &err);
    if (st != want || !strstr(err.message, part))
        print_error("header %s\n", header);
    assert_io(st, want, &err);
    assert_msg(&err, part);
    assert_msg(&err, "(bad.safetensors)");
    assert_null(f.tensors); /* zeroed on failure */
    assert_int_equal(f.n_tensors, 0);
    free(buf);
}

static void test_damaged_headers(void **state)
{
    (void)state;
#define T(body) "{\"w\":{\"dtype\":\"F32\",\"shape\":" body "}}"
    expect_bad("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
               CLI_ERR_DTYPE, "tensor \"w\": dtype F16 (16-bit) is not supported");
    expect_bad("{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
               CLI_ERR_FORMAT, "tensor \"w\": unknown dtype \"Q4\"");
    expect_bad("{\"w\":{\"dtype\":3,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, CLI_ERR_FORMAT,
               "\"dtype\" is not a string");
    expect_bad(T("[3],\"data_offsets\":[0,8]"), 8, CLI_ERR_FORMAT,
               "tensor \"w\": \"shape\" holds 3 floats (12 bytes) but \"data_offsets\" [0, 8] "
               "span 8 bytes");
    expect_bad(T("[-2],\"data_offsets\":[0,8]"), 8, CLI_ERR_FORMAT,
               "\"shape\" entry 1 is not a non-negative integer");
    expect_bad(T("[1.5],\"data_offsets\":[0,8]"), 8, CLI_ERR_FORMAT, "entry 1");
    expect_bad(T("[\"2\"],\"data_offsets\":[0,8]"), 8, CLI_ERR_FORMAT, "entry 1");
    expect_bad(T("[1e300],\"data_offsets\":[0,8]"), 8, CLI_ERR_FORMAT, "entry 1");
    expect_bad(T("2,\"data_offsets\":[0,8]"), 8, CLI_ERR_FORMAT, "\"shape\" is not an array");
    expect_bad(T("[1,1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]"), 8, CLI_ERR_FORMAT,
               "9 dimensions");
    expect_bad(T("[1099511627776,1099511627776],\"data_offsets\":[0,8]"), 8, CLI_ERR_FORMAT,
               "more elements than memory");
    expect_bad(T("[2],\"data_offsets\":[0]"), 8, CLI_ERR_FORMAT, "\"data_offsets\"");
    expect_bad(T("[2],\"data_offsets\":[8,0]"), 8, CLI_ERR_FORMAT, "end before they begin");
    expect_bad(T("[2],\"data_offsets\":[0,-8]"), 8, CLI_ERR_FORMAT, "\"data_offsets\"");
    expect_bad(T("[2],\"data_offsets\":[4,12]"), 8, CLI_ERR_TRUNCATED,
               "end past the data section (8 bytes)");
    expect_bad(T("[2],\"data_offsets\":[0,8]"), 12, CLI_ERR_FORMAT,
               "the last 4 bytes of the data section belong to no tensor");
    expect_bad(T("[2],\"data_offsets\":[4,12]"), 12, CLI_ERR_FORMAT,
               "bytes [0, 4) of the data section belong to no tensor (before tensor \"w\")");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
               "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
               12, CLI_ERR_FORMAT, "tensor \"b\" (bytes [4, 12)) overlaps tensor \"a\"");
    expect_bad(T("[2],\"data_offsets\":[0,8],\"extra\":1"), 8, CLI_ERR_FORMAT,
               "tensor \"w\": unknown field \"extra\"");
    expect_bad("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, CLI_ERR_FORMAT,
               "tensor \"w\": field \"shape\" is missing");
    expect_bad("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
               8, CLI_ERR_FORMAT, "field \"dtype\" is given twice");
    expect_bad("{\"w\":[1,2]}", 0, CLI_ERR_FORMAT, "tensor \"w\": its entry is not a JSON object");
    expect_bad(T("[2],\"data_offsets\":[0,8]") "x", 8, CLI_ERR_FORMAT,
               "text after its JSON object");
    expect_bad("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],", 8, CLI_ERR_FORMAT, "not valid JSON");
    expect_bad("[1,2,3]", 0, CLI_ERR_FORMAT, "does not start with '{'");
    expect_bad("{", 0, CLI_ERR_FORMAT, "header length 1 is too short");
    expect_bad("{\"\xff\":1}", 0, CLI_ERR_FORMAT, "not valid UTF-8 at byte 10");
    expect_bad("{\"__metadata__\":{\"k\":1}}", 0, CLI_ERR_FORMAT,
               "\"__metadata__\" value for \"k\" is not a string");
    expect_bad("{\"__metadata__\":[]}", 0, CLI_ERR_FORMAT, "\"__metadata__\" is not a JSON object");
    expect_bad("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", 0, CLI_ERR_FORMAT,
               "names \"k\" twice");
    expect_bad("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
               "\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}",
               8, CLI_ERR_FORMAT, "the header names \"w\" twice");
#undef T

    /* The length field itself. */
    size_t size;
    unsigned char *buf = make_file("{}", 0, &size);
    cli_io_error err;
    cli_st_file f;
    buf[7] = 0x01; /* 2^56 + 2 */
    assert_io(cli_st_read_buffer(&f, buf, size, "x", &err), CLI_ERR_FORMAT, &err);
    assert_msg(&err, "over the 100 MB limit");
    buf[7] = 0;
    buf[0] = 3; /* one more than there is */
    assert_io(cli_st_read_buffer(&f, buf, size, "x", &err), CLI_ERR_TRUNCATED, &err);
    assert_msg(&err, "runs past the end of the file");
    buf[0] = 2;
    assert_io(cli_st_read_buffer(&f, buf, size, "x", &err), CLI_OK, &err);
    cli_st_free(&f);
    free(buf);

    /* A NUL inside the header. */
    const char nul_header[] = "{\"a\0\":1}";
    buf = make_file("{\"ab\":1}", 0, &size);
    memcpy(buf + 8, nul_header, 8);
    assert_io(cli_st_read_buffer(&f, buf, size, "x", &err), CLI_ERR_FORMAT, &err);
    assert_msg(&err, "NUL byte at byte 11");
    free(buf);
}

/* Shapes and offsets are integers written as digits: a float or an
 * exponent that equals an integer is refused, naming tensor and field. */
static void test_integers_as_digits(void **state)
{
    (void)state;
    expect_bad("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8,
               CLI_ERR_FORMAT, "tensor \"w\": \"shape\" entry 1 is 2.0, not an integer "
               "written as digits");
    expect_bad("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8e0]}}", 8,
               CLI_ERR_FORMAT, "\"data_offsets\" entry 2 is 8e0");
    expect_bad("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-0,8]}}", 8,
               CLI_ERR_FORMAT, "\"data_offsets\" entry 1 is -0");
    /* Numbers inside strings are text: metadata may hold any. */
    size_t size;
    unsigned char *buf = make_file("{\"__metadata__\":{\"shape\":\"[2.0, -1e3]\"},"
                                   "\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                                   "\"data_offsets\":[0,8]}}",
                                   8, &size);
    cli_io_error err;
    cli_st_file f;
    assert_io(cli_st_read_buffer(&f, buf, size, "ok.safetensors", &err), CLI_OK, &err);
    assert_int_equal(f.tensors[0].shape[0], 2);
    cli_st_free(&f);
    free(buf);
}

/* CLI_ST_UNCLAIMED_LATER: a tensor left out of the header (its bytes
 * still there) reads, so that the caller can name what it misses; the
 * data of the others is right even at an odd offset; the coverage check
 * then refuses the file. */
static void test_unclaimed_later(void **state)
{
    (void)state;
    char dir[] = "/tmp/smx_st_test_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/gap.safetensors", dir);
    size_t size;
    unsigned char *buf = make_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],"
                                   "\"data_offsets\":[2,6]}}",
                                   8, &size);
    const float one = 1.0f; /* little-endian 00 00 80 3f */
    const unsigned char le[4] = {0x00, 0x00, 0x80, 0x3f};
    memcpy(buf + size - 8 + 2, le, 4);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(buf, 1, size, out), size);
    assert_int_equal(fclose(out), 0);
    cli_io_error err;
    cli_st_file f;
    assert_io(cli_st_read_file(&f, path, &err), CLI_ERR_FORMAT, &err);
    assert_msg(&err, "bytes [0, 2) of the data section belong to no tensor");
    assert_io(cli_st_read_file_with(&f, path, CLI_ST_UNCLAIMED_LATER, &err), CLI_OK, &err);
    assert_memory_equal(cli_st_find(&f, "w")->data, &one, sizeof one);
    assert_io(cli_st_check_coverage(&f, &err), CLI_ERR_FORMAT, &err);
    assert_msg(&err, "bytes [0, 2) of the data section belong to no tensor");
    cli_st_free(&f);
    free(buf);
    unlink(path);
    rmdir(dir);
}

static void test_every_truncation(void **state)
{
    (void)state;
    unsigned char *full;
    size_t size;
    sample(&full, &size);
    for (size_t len = 0; len < size; len++) {
        /* An exact-size copy, so that AddressSanitizer sees any read past
         * the end. */
        unsigned char *cut = malloc(len ? len : 1);
        memcpy(cut, full, len);
        cli_io_error err;
        cli_st_file f;
        const cli_status st = cli_st_read_buffer(&f, cut, len, "cut.safetensors", &err);
        if (st != CLI_ERR_TRUNCATED)
            print_error("length %zu of %zu: %s\n", len, size, err.message);
        assert_int_equal(st, CLI_ERR_TRUNCATED);
        assert_msg(&err, "truncated file?");
        assert_null(f.tensors);
        free(cut);
    }
    free(full);
}

static void test_corrupted_bytes(void **state)
{
    (void)state;
    unsigned char *full;
    size_t size;
    sample(&full, &size);
    uint64_t n = 0;
    for (int i = 0; i < 8; i++)
        n |= (uint64_t)full[i] << (8 * i);
    static const unsigned char values[] = {0x00, 0x01, ' ', '"', ',', ':', '[', ']',
                                           '{',  '}',  '0', '9', '-', 'e', 0x7f, 0xc3, 0xff};
    size_t accepted = 0, refused = 0;
    for (size_t pos = 0; pos < 8 + n; pos++) {
        for (size_t v = 0; v < sizeof values; v++) {
            if (full[pos] == values[v])
                continue;
            unsigned char *bad = malloc(size);
            memcpy(bad, full, size);
            bad[pos] = values[v];
            cli_io_error err;
            cli_st_file f;
            const cli_status st = cli_st_read_buffer(&f, bad, size, "c", &err);
            if (st == CLI_OK) {
                /* Still a consistent file (a changed name or metadata
                 * text): every tensor within the data section. */
                accepted++;
                size_t total = 0;
                for (size_t i = 0; i < f.n_tensors; i++) {
                    assert_true(f.tensors[i].end <= f.data_size);
                    assert_int_equal(f.tensors[i].end - f.tensors[i].begin,
                                     4 * f.tensors[i].count);
                    total += 4 * f.tensors[i].count;
                }
                assert_int_equal(total, f.data_size);
                cli_st_free(&f);
            } else {
                refused++;
                assert_true(strlen(err.message) > 0);
                assert_int_equal(err.status, st);
            }
            free(bad);
        }
    }
    assert_true(refused > accepted);
    /* The damage that must be caught: the structural bytes. */
    free(full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_independent_reader),
        cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_write_refusals),
        cmocka_unit_test(test_damaged_headers),
        cmocka_unit_test(test_integers_as_digits),
        cmocka_unit_test(test_unclaimed_later),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_corrupted_bytes),
    };
    return cmocka_run_group_tests_name("cli_io_safetensors", tests, NULL, NULL);
}
