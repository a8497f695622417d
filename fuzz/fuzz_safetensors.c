/*
 * fuzz_safetensors.c — libFuzzer target: any bytes through the model
 * loader (cli/io/safetensors.h).
 *
 * A file it accepts must be consistent (tensors tile the data section,
 * counts match shapes) and must survive a round trip: written back by
 * cli_st_write_buffer and read again, every name, shape, float bit and
 * metadata pair is the same.  Also built into the test
 * cli_io_replay_safetensors.
 */
#include "io/safetensors.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                               \
    do {                                                                                       \
        if (!(c))                                                                              \
            abort();                                                                           \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_io_error err;
    cli_st_file f;
    const cli_status st = cli_st_read_buffer(&f, data, size, "fuzz.safetensors", &err);
    CHECK(err.status == st);
    if (st != CLI_OK) {
        CHECK(err.message[0] != '\0');
        CHECK(f.tensors == NULL && f.n_tensors == 0 && f.metadata == NULL);
        return 0;
    }
    CHECK(8 + f.header_size + f.data_size == size);
    size_t total = 0;
    for (size_t i = 0; i < f.n_tensors; i++) {
        const cli_st_tensor *t = &f.tensors[i];
        CHECK(t->end <= f.data_size && t->end - t->begin == 4 * t->count);
        CHECK((t->count == 0) == (t->data == NULL));
        CHECK(cli_st_find(&f, t->name) != NULL);
        total += 4 * t->count;
    }
    CHECK(total == f.data_size);

    /* Round trip. */
    cli_st_entry *e = calloc(f.n_tensors + 1, sizeof *e);
    CHECK(e != NULL);
    for (size_t i = 0; i < f.n_tensors; i++)
        e[i] = (cli_st_entry){f.tensors[i].name, f.tensors[i].ndim, f.tensors[i].shape,
                              f.tensors[i].data};
    unsigned char *buf = NULL;
    size_t n = 0;
    const cli_status ws = cli_st_write_buffer(&buf, &n, e, f.n_tensors, f.metadata,
                                                 f.n_metadata, &err);
    if (ws == CLI_OK) {
        cli_st_file g;
        CHECK(cli_st_read_buffer(&g, buf, n, "again", &err) == CLI_OK);
        CHECK(g.n_tensors == f.n_tensors && g.n_metadata == f.n_metadata);
        for (size_t i = 0; i < f.n_tensors; i++) {
            const cli_st_tensor *a = &f.tensors[i], *b = &g.tensors[i];
            CHECK(strcmp(a->name, b->name) == 0 && a->ndim == b->ndim && a->count == b->count);
            CHECK(memcmp(a->shape, b->shape, a->ndim * sizeof a->shape[0]) == 0);
            if (a->count)
                CHECK(memcmp(a->data, b->data, a->count * sizeof(float)) == 0);
        }
        for (size_t i = 0; i < f.n_metadata; i++)
            CHECK(strcmp(f.metadata[i].key, g.metadata[i].key) == 0 &&
                  strcmp(f.metadata[i].value, g.metadata[i].value) == 0);
        cli_st_free(&g);
        free(buf);
    } else {
        /* Only names the writer refuses to produce: a JSON escape that
         * decodes to NUL or to a lone surrogate, or the like. */
        CHECK(ws == CLI_ERR_ARG || ws == CLI_ERR_ENCODING);
    }
    free(e);
    cli_st_free(&f);
    return 0;
}
