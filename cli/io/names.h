/*
 * names.h — finding a name in a list of names: a class among the model's
 * classes, a column among a header's, a feature for --plot-features, a
 * class for --target; and a name given twice (a header's columns, a model
 * file's tensors and metadata keys).  The one lookup of the smx command.
 */
#ifndef CLI_IO_NAMES_H
#define CLI_IO_NAMES_H

#include "status.h"

#include <stddef.h>

/* The index of the first of names[0..n) equal to s[0..len), byte for byte
 * (no case folding, no trimming), or n when none is.  NULL entries match
 * nothing; names itself may be NULL (then n). */
size_t cli_name_index(const char *const *names, size_t n, const char *s, size_t len);

/* What an option names a class or a feature by: a name among names[0..n)
 * (cli_name_index), else its 1-based position written as a whole number
 * ("3", "3.0"); the index, or n when word is neither. */
size_t cli_name_or_position(const char *const *names, size_t n, const char *word);

/* A name given twice among names[0..n) (no NULL entries): *first and
 * *second are the indices of the first two places of the smallest (by
 * strcmp) such name, first < second; both n when every name differs.
 * Sorts a copy of the pointers (n log n: a header may have tens of
 * thousands of columns).  CLI_OK, or CLI_ERR_NOMEM. */
cli_status cli_name_twice(size_t *first, size_t *second, const char *const *names, size_t n);

#endif
