/*
 * internal.h — helpers shared by the cli/io modules and nothing else:
 * error formatting, overflow-checked sizes, UTF-8 checks, and reading a
 * whole file with a size cap.
 */
#ifndef CLI_IO_INTERNAL_H
#define CLI_IO_INTERNAL_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Fills *err (when not NULL) with status, line, column and the message
 * "<fmt...> (<source>:<line>)" — or "(<source>)" when line is 0, or no
 * parenthesis when source is NULL.  Returns status. */
cli_status cli_io_fail(cli_io_error *err, cli_status status, const char *source,
                          size_t line, size_t column, const char *fmt, ...) CLI_PRINTF(6, 7);

/* Clears *err to CLI_OK and an empty message. */
void cli_io_ok(cli_io_error *err);

/* *out = a * b; returns 1 (and leaves *out) on overflow, else 0. */
int cli_mul_size(size_t a, size_t b, size_t *out);
/* *out = a + b; returns 1 (and leaves *out) on overflow, else 0. */
int cli_add_size(size_t a, size_t b, size_t *out);

/* Writes s[0..len) into dst (capacity cap >= 8) for a message: in double
 * quotes, control bytes and quotes escaped, cut after about 40 bytes with
 * "..." on a UTF-8 character boundary. */
void cli_io_quote(char *dst, size_t cap, const char *s, size_t len);

/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates, at most
 * U+10FFFF); else 0 and *bad = offset of the first bad byte. */
int cli_utf8_valid(const char *s, size_t len, size_t *bad);

/* A NUL-terminated copy of s[0..n), or NULL when out of memory. */
char *cli_strndup(const char *s, size_t n);

/* Reads all of `path` ("-" or NULL: standard input) into a fresh buffer
 * (*data, NUL-terminated one past *size, for free()).  More than
 * max_bytes → CLI_ERR_TOO_LARGE, found before reading when the file is
 * a regular one.  `what` names the content in messages ("CSV file"). */
cli_status cli_io_read_all(const char *path, size_t max_bytes, const char *what,
                              char **data, size_t *size, cli_io_error *err);

/* "1 GiB", "100 MB", "12345 bytes": a size limit for a message. */
void cli_io_format_size(char *dst, size_t cap, size_t bytes);

#endif
