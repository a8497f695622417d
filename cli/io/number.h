/*
 * number.h — strict parsing of one field as a number, for the CSV reader
 * and the command line.
 *
 * A field is (s, len): it need not be NUL-terminated and is never read
 * past len.  Blanks (space, tab, CR, LF, VT, FF) around the number are
 * trimmed; everything else must be the number:
 *
 *     real     [+-]? ( digits [ "." digits? ] | "." digits ) ( [eE] [+-]? digits )?
 *     integer  [+-]? digits
 *
 * No hexadecimal, no thousands separators, no decimal comma, and "inf",
 * "infinity", "nan" (any case, optional sign) only with
 * CLI_PARSE_ALLOW_NONFINITE — data cells never allow them.  The grammar
 * is checked here, then strtof/strtod convert (correctly rounded in
 * glibc), so the result does not depend on the locale as long as
 * LC_NUMERIC is "C" (the smx command never changes it; a locale whose
 * decimal point is not "." would make every fraction CLI_ERR_NOT_NUMBER,
 * never a wrong value).
 *
 * Overflow (a finite decimal beyond the type's range) is
 * CLI_ERR_RANGE.  Underflow is not an error: 1e-50 parses as float to
 * 0, as a decimal that small means zero in a data file.
 *
 * The statuses (status.h): CLI_OK; CLI_ERR_MISSING (nothing but blanks),
 * CLI_ERR_NOT_NUMBER (not in the grammar), CLI_ERR_NONFINITE (inf or nan
 * without CLI_PARSE_ALLOW_NONFINITE), CLI_ERR_RANGE, CLI_ERR_TOO_LONG
 * (more than CLI_PARSE_MAX_LEN characters).  On any failure *out is left
 * untouched.
 */
#ifndef CLI_IO_NUMBER_H
#define CLI_IO_NUMBER_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

/* Flags for cli_parse_f32/f64. */
enum { CLI_PARSE_ALLOW_NONFINITE = 1u };

/* The longest number accepted, in characters after trimming blanks: 17
 * significant digits need about 25, and 255 leaves room for any zero
 * padding a program writes without copying a field to the heap. */
#define CLI_PARSE_MAX_LEN 255

cli_status cli_parse_f32(float *out, const char *s, size_t len, unsigned flags);
cli_status cli_parse_f64(double *out, const char *s, size_t len, unsigned flags);
cli_status cli_parse_i64(int64_t *out, const char *s, size_t len);
cli_status cli_parse_i32(int32_t *out, const char *s, size_t len);
/* A non-negative integer that fits size_t ("+5" allowed, "-0" too). */
cli_status cli_parse_size(size_t *out, const char *s, size_t len);

#endif
