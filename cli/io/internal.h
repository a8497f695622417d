/*
 * internal.h — helpers shared by the cli/io modules and nothing else:
 * error formatting, overflow-checked sizes, UTF-8 checks, and reading a
 * whole file with a size cap.
 */
#ifndef SMX_CLI_IO_INTERNAL_H
#define SMX_CLI_IO_INTERNAL_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define SMX__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SMX__PRINTF(f, a)
#endif

/* Fills *err (when not NULL) with status, line, column and the message
 * "<fmt...> (<source>:<line>)" — or "(<source>)" when line is 0, or no
 * parenthesis when source is NULL.  Returns status. */
smx_io_status smx__io_fail(smx_io_error *err, smx_io_status status, const char *source,
                           size_t line, size_t column, const char *fmt, ...) SMX__PRINTF(6, 7);

/* Clears *err to SMX_IO_OK and an empty message. */
void smx__io_ok(smx_io_error *err);

/* *out = a * b; returns 1 (and leaves *out) on overflow, else 0. */
int smx__mul_size(size_t a, size_t b, size_t *out);
/* *out = a + b; returns 1 (and leaves *out) on overflow, else 0. */
int smx__add_size(size_t a, size_t b, size_t *out);

/* Writes s[0..len) into dst (capacity cap >= 8) for a message: in double
 * quotes, control bytes and quotes escaped, cut after about 40 bytes with
 * "..." on a UTF-8 character boundary. */
void smx__io_quote(char *dst, size_t cap, const char *s, size_t len);

/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates, at most
 * U+10FFFF); else 0 and *bad = offset of the first bad byte. */
int smx__utf8_valid(const char *s, size_t len, size_t *bad);

/* A NUL-terminated copy of s[0..n), or NULL when out of memory. */
char *smx__strndup(const char *s, size_t n);

/* Reads all of `path` ("-" or NULL: standard input) into a fresh buffer
 * (*data, NUL-terminated one past *size, for free()).  More than
 * max_bytes → SMX_IO_ERR_TOO_LARGE, found before reading when the file is
 * a regular one.  `what` names the content in messages ("CSV file"). */
smx_io_status smx__io_read_all(const char *path, size_t max_bytes, const char *what,
                               char **data, size_t *size, smx_io_error *err);

/* "1 GiB", "100 MB", "12345 bytes": a size limit for a message. */
void smx__io_format_size(char *dst, size_t cap, size_t bytes);

#endif
