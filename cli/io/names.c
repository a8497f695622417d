/*
 * names.c — the lookups of names.h: a linear search for one name, as the
 * lists are short (classes, columns, features) and searched a few times
 * each; a sort for a name given twice, as every name is compared.
 */
#include "names.h"

#include "number.h"

#include <stdlib.h>
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

typedef struct name_at {
    const char *name;
    size_t index;
} name_at;

static int cmp_name_at(const void *a, const void *b)
{
    const name_at *x = a, *y = b;
    const int c = strcmp(x->name, y->name);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

cli_status cli_name_twice(size_t *first, size_t *second, const char *const *names, size_t n)
{
    *first = *second = n;
    if (n < 2)
        return CLI_OK;
    name_at *at = malloc(n * sizeof *at);
    if (!at)
        return CLI_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        at[i] = (name_at){names[i], i};
    qsort(at, n, sizeof *at, cmp_name_at);
    for (size_t k = 1; k < n; k++) {
        if (strcmp(at[k - 1].name, at[k].name) == 0) {
            *first = at[k - 1].index;
            *second = at[k].index;
            break;
        }
    }
    free(at);
    return CLI_OK;
}
