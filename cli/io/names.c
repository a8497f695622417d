/*
 * names.c — the lookup of names.h: a linear search, as the lists are
 * short (classes, columns, features) and searched a few times each.
 */
#include "names.h"

#include "number.h"

#include <string.h>

size_t cli_name_index(const char *const *names, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; names && i < n; i++)
        if (names[i] && strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return i;
    return n;
}

size_t cli_name_or_position(const char *const *names, size_t n, const char *word)
{
    const size_t len = strlen(word);
    const size_t i = cli_name_index(names, n, word, len);
    if (i < n)
        return i;
    double v;
    if (cli_parse_f64(&v, word, len, 0) == CLI_OK && v >= 1 && v <= (double)n &&
        v == (double)(size_t)v)
        return (size_t)v - 1;
    return n;
}
