/*
 * safetensors.h — writing and reading model files in the safetensors
 * format, the one PyTorch, NumPy and JAX users load directly.
 *
 * The format, as written and as checked on reading:
 *
 *     bytes 0..8       N, the header length, unsigned 64-bit little-endian
 *     bytes 8..8+N     the header: a UTF-8 JSON object
 *     bytes 8+N..      the data section
 *
 *     { "__metadata__": {"key": "value", ...},               (optional)
 *       "w1": {"dtype": "F32", "shape": [4, 16], "data_offsets": [0, 256]},
 *       ... }
 *
 * data_offsets are [begin, end) byte offsets into the data section;
 * tensors are row-major; F32 is IEEE binary32, little-endian.
 *
 * Writing: tensors are laid out contiguously in the order given, the
 * header keys in that order too (after "__metadata__"), the header padded
 * with spaces so that the data starts at a multiple of 8 bytes.  Floats
 * are written little-endian byte by byte, whatever the host.  The file is
 * written to "<path>.tmp" and renamed, so a failed save leaves no partial
 * model behind and an old model intact.
 *
 * Reading checks everything a hostile or damaged file could get wrong
 * and names the tensor and field at fault: the file holds the 8 bytes of
 * N; N is at most CLI_ST_MAX_HEADER and fits the file; the header is
 * valid UTF-8 and a JSON object (parsed by cJSON) starting with "{"; keys
 * are distinct; each tensor has exactly dtype, shape and data_offsets;
 * the dtype is F32 (other safetensors dtypes are recognised and refused
 * by name); shape entries are non-negative integers whose product times
 * 4 equals end - begin, without overflow; offsets lie in the data
 * section; shapes and offsets are written as digits (not 4.0, 4e0 or -0);
 * sorted by offset, the tensors cover the data section exactly
 * (no overlap, no gap, no trailing bytes — as the reference
 * implementation requires); "__metadata__" maps strings to strings.
 * Tensor data is copied out in host order, so lookups return aligned
 * floats.
 */
#ifndef CLI_IO_SAFETENSORS_H
#define CLI_IO_SAFETENSORS_H

#include "status.h"

#include <stddef.h>

/* The reference implementation refuses headers over 100,000,000 bytes. */
#define CLI_ST_MAX_HEADER ((size_t)100000000)
/* A model file is read whole; 1 GiB is far beyond the MLPs smx trains. */
#define CLI_ST_MAX_FILE ((size_t)1 << 30)
/* Dimensions per tensor; smx writes 1 and 2, readers accept up to 8. */
#define CLI_ST_MAX_DIMS 8
/* In an expected shape (cli_st_get_f32): any extent. */
#define CLI_ST_ANY ((size_t)-1)

/* A tensor to write: name, shape, and count = product(shape) floats. */
typedef struct cli_st_entry {
    const char *name;
    size_t ndim;         /* 0 (a scalar) .. CLI_ST_MAX_DIMS */
    const size_t *shape; /* [ndim]; may be NULL when ndim == 0 */
    const float *data;   /* row-major; may be NULL when the count is 0 */
} cli_st_entry;

/* A metadata pair, both valid UTF-8. */
typedef struct cli_st_kv {
    const char *key;
    const char *value;
} cli_st_kv;

/* Writes the file image into a fresh buffer (*out, for free()). */
cli_status cli_st_write_buffer(unsigned char **out, size_t *out_size,
                                  const cli_st_entry *tensors, size_t n_tensors,
                                  const cli_st_kv *metadata, size_t n_metadata,
                                  cli_io_error *err);

/* Writes the file at path (via "<path>.tmp" and rename). */
cli_status cli_st_write_file(const char *path, const cli_st_entry *tensors, size_t n_tensors,
                                const cli_st_kv *metadata, size_t n_metadata,
                                cli_io_error *err);

/* A tensor read from a file. */
typedef struct cli_st_tensor {
    const char *name;
    size_t ndim;
    size_t shape[CLI_ST_MAX_DIMS];
    size_t count;       /* product of shape */
    const float *data;  /* [count] in host order; NULL when count == 0 */
    size_t begin, end;  /* data_offsets as in the header */
} cli_st_tensor;

/* A file read whole.  cli_st_free() releases it. */
typedef struct cli_st_file {
    cli_st_tensor *tensors; /* in header order */
    size_t n_tensors;
    cli_st_kv *metadata;    /* in header order */
    size_t n_metadata;
    size_t header_size;     /* N */
    size_t data_size;       /* bytes of the data section */
    char *source;           /* the name used in messages */
    /* private */
    float *floats_;
} cli_st_file;

/* Reads and checks the file at path ("-": standard input).  On failure
 * *out is zeroed and err names what and where. */
cli_status cli_st_read_file(cli_st_file *out, const char *path, cli_io_error *err);

/* For cli_st_read_file_with: bytes of the data section that no tensor
 * claims are not refused on reading but by cli_st_check_coverage, so that
 * a reader expecting certain tensors can first name one that is missing
 * from the header (its bytes left behind) by its name. */
enum { CLI_ST_UNCLAIMED_LATER = 1u };

cli_status cli_st_read_file_with(cli_st_file *out, const char *path, unsigned flags,
                                    cli_io_error *err);

/* The coverage check that CLI_ST_UNCLAIMED_LATER put off: the tensors,
 * sorted by offset, tile the data section exactly. */
cli_status cli_st_check_coverage(const cli_st_file *f, cli_io_error *err);

/* The same from data[0..size); source names it in messages (NULL:
 * "<buffer>"). */
cli_status cli_st_read_buffer(cli_st_file *out, const void *data, size_t size,
                                 const char *source, cli_io_error *err);

void cli_st_free(cli_st_file *f);

/* The tensor named `name`, or NULL. */
const cli_st_tensor *cli_st_find(const cli_st_file *f, const char *name);

/* The tensor named `name` if its shape is `shape` (ndim entries; an entry
 * CLI_ST_ANY matches any extent): CLI_ERR_NOT_FOUND or
 * CLI_ERR_SHAPE otherwise, with a message naming both shapes. */
cli_status cli_st_get_f32(const cli_st_file *f, const char *name, size_t ndim,
                             const size_t *shape, const cli_st_tensor **out, cli_io_error *err);

/* The metadata value for key, or NULL. */
const char *cli_st_meta(const cli_st_file *f, const char *key);

#endif
