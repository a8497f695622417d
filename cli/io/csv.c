/*
 * csv.c — the CSV reader of csv.h.
 *
 * Two layers.  The records (csv_parser, next_record) come from the
 * command's one tokenizer (fields.h), which knows quotes, separators, line
 * endings and line numbers, and nothing about numbers; next_record keeps
 * each field's content, quotes undone.  The readers (read_train,
 * read_predict) check the header, then turn each record into a row of
 * floats and a label, checking every limit before growing an array.
 *
 * The whole input is in memory (the file readers load it with a size
 * cap), which keeps the tokenizer a loop over a pointer and lets a quoted
 * field span lines without any buffering logic.
 */
#include "csv.h"

#include "fields.h"
#include "internal.h"
#include "names.h"
#include "number.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Records                                                              */
/* ------------------------------------------------------------------ */

typedef struct csv_field {
    size_t off;  /* content at parser.buf + off, NUL-terminated */
    size_t len;
    size_t line; /* line where the field starts */
    int quoted;
} csv_field;

typedef struct csv_parser {
    const char *source;
    cli_fields t; /* the tokenizer (fields.h) over the whole text */
    char *buf;    /* field contents of the current record */
    size_t buf_len, buf_cap;
    csv_field *fields;
    const char **names; /* the stored fields' texts, after record_names */
    size_t n_fields;    /* fields in the record, stored or not */
    size_t fields_cap;
    size_t store_max;   /* fields past this are counted, not stored */
    size_t record_line; /* line where the record starts */
    cli_io_error *err;
} csv_parser;

static cli_status nomem(csv_parser *p)
{
    return cli_io_fail(p->err, CLI_ERR_NOMEM, p->source, p->t.line, 0, "out of memory");
}

/* Room for n more bytes in buf. */
static cli_status reserve(csv_parser *p, size_t n)
{
    if (p->buf_cap - p->buf_len <= n) {
        size_t want, cap = p->buf_cap ? p->buf_cap : 256;
        if (cli_add_size(p->buf_len, n + 1, &want))
            return nomem(p);
        while (cap < want) {
            if (cap > SIZE_MAX / 2)
                cap = want;
            else
                cap *= 2;
        }
        char *b = realloc(p->buf, cap);
        if (!b)
            return nomem(p);
        p->buf = b;
        p->buf_cap = cap;
    }
    return CLI_OK;
}

/* Counts the field and, when store, keeps its content (quotes undone)
 * NUL-terminated in buf. */
static cli_status add_field(csv_parser *p, const cli_field *f, int store)
{
    if (store) {
        if (p->n_fields == p->fields_cap) {
            size_t cap = p->fields_cap ? p->fields_cap * 2 : 16;
            if (cap > p->store_max)
                cap = p->store_max;
            csv_field *fs = realloc(p->fields, cap * sizeof *fs);
            if (!fs)
                return nomem(p);
            p->fields = fs;
            p->fields_cap = cap;
        }
        const cli_status st = reserve(p, f->len + 1);
        if (st != CLI_OK)
            return st;
        const size_t off = p->buf_len, len = cli_field_copy(p->buf + off, f);
        p->buf[off + len] = '\0';
        p->buf_len += len + 1;
        p->fields[p->n_fields] = (csv_field){off, len, f->line, f->quoted};
    }
    p->n_fields++;
    return CLI_OK;
}

/* The tokenizer's CLI_ERR_SYNTAX as a message: field (1-based) has no
 * closing quote, or something follows it. */
static cli_status quote_error(csv_parser *p, const cli_field *f, size_t field)
{
    if (!cli_fields_more(&p->t))
        return cli_io_fail(p->err, CLI_ERR_SYNTAX, p->source, f->line, field,
                           "quoted field %zu starts here but its closing quote is missing",
                           field);
    char shown[16];
    cli_io_quote(shown, sizeof shown, p->t.p, 1);
    return cli_io_fail(p->err, CLI_ERR_SYNTAX, p->source, p->t.line, field,
                       "unexpected %s after the closing quote of field %zu (a quote inside a "
                       "quoted field is written \"\")",
                       shown, field);
}

/* The next record into p->fields (p->n_fields 0 at the end of the
 * input), or an error in p->err.  Blank lines (one empty unquoted field)
 * are skipped. */
static cli_status next_record(csv_parser *p)
{
    p->n_fields = 0;
    while (cli_fields_more(&p->t)) {
        p->n_fields = 0;
        p->buf_len = 0;
        p->record_line = p->t.line;
        cli_field f;
        do {
            if (cli_fields_next(&p->t, &f) != CLI_OK)
                return quote_error(p, &f, p->n_fields + 1);
            const cli_status st = add_field(p, &f, p->n_fields < p->store_max);
            if (st != CLI_OK)
                return st;
        } while (f.end != '\n');
        if (p->n_fields == 1 && !f.quoted && f.len == 0)
            continue;
        return CLI_OK;
    }
    p->n_fields = 0;
    return CLI_OK;
}

static const char *field_text(const csv_parser *p, size_t i)
{
    return p->buf + p->fields[i].off;
}

/* p->names[i] = field_text(p, i) for the current record (every field
 * stored), to look names up in (names.h); valid until the next record. */
static cli_status record_names(csv_parser *p)
{
    const char **names = realloc(p->names, (p->n_fields ? p->n_fields : 1) * sizeof *names);
    if (!names)
        return cli_io_fail(p->err, CLI_ERR_NOMEM, p->source, p->record_line, 0,
                           "out of memory");
    for (size_t i = 0; i < p->n_fields; i++)
        names[i] = field_text(p, i);
    p->names = names;
    return CLI_OK;
}

/* The line holding data[pos], counted as the tokenizer counts. */
static size_t line_at(const char *data, size_t pos)
{
    size_t line = 1;
    for (size_t i = 0; i < pos; i++)
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= pos || data[i + 1] != '\n')))
            line++;
    return line;
}

/* Checks the size and NUL bytes, skips the BOM and leading blank lines
 * and picks the separator from the first line left. */
static cli_status parser_init(csv_parser *p, const char *data, size_t size, const char *source,
                                 size_t max_bytes, cli_io_error *err)
{
    memset(p, 0, sizeof *p);
    p->source = source;
    p->err = err;
    if (size > max_bytes) {
        char limit[32];
        cli_io_format_size(limit, sizeof limit, max_bytes);
        return cli_io_fail(err, CLI_ERR_TOO_LARGE, source, 0, 0,
                           "the input is larger than the %s limit (%zu bytes)", limit, size);
    }
    const char *nul = size ? memchr(data, '\0', size) : NULL;
    if (nul) {
        const size_t pos = (size_t)(nul - data);
        size_t start = pos; /* the column counts bytes from the start of its line */
        while (start > 0 && data[start - 1] != '\n' && data[start - 1] != '\r')
            start--;
        const size_t line = line_at(data, pos), column = pos - start + 1;
        return cli_io_fail(err, CLI_ERR_NUL, source, line, column,
                           "NUL byte at line %zu, column %zu: this is not a text file (or it "
                           "is UTF-16; save it as UTF-8)",
                           line, column);
    }
    const char *text = data;
    size_t len = size;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        len -= 3;
    }

    /* Blank lines before the header, then its separator: a comma outside
     * quotes, else a tab, else blanks. */
    size_t line = 1;
    for (;;) {
        size_t i = 0;
        while (i < len && (text[i] == ' ' || text[i] == '\t'))
            i++;
        if (i == len || (text[i] != '\n' && text[i] != '\r'))
            break;
        i += text[i] == '\r' && i + 1 < len && text[i + 1] == '\n' ? 2 : 1;
        text += i;
        len -= i;
        line++;
    }
    int in_quote = 0, comma = 0, tab = 0;
    for (size_t i = 0; i < len; i++) {
        const char c = text[i];
        if (c == '"')
            in_quote = !in_quote;
        else if (!in_quote && (c == '\n' || c == '\r'))
            break;
        else if (!in_quote && c == ',')
            comma = 1;
        else if (!in_quote && c == '\t')
            tab = 1;
    }
    cli_fields_init(&p->t, text, len,
                    comma ? CLI_SEP_COMMA : tab ? CLI_SEP_TAB : CLI_SEP_BLANKS,
                    CLI_FIELDS_QUOTES);
    p->t.line = line;
    return CLI_OK;
}

static void parser_free(csv_parser *p)
{
    free(p->buf);
    free(p->fields);
    free(p->names);
    p->buf = NULL;
    p->fields = NULL;
    p->names = NULL;
}

/* ------------------------------------------------------------------ */
/* Shared by the readers                                                */
/* ------------------------------------------------------------------ */

static cli_csv_limits resolve_limits(const cli_csv_limits *in)
{
    cli_csv_limits l = {0};
    if (in)
        l = *in;
    if (!l.max_bytes)
        l.max_bytes = CLI_CSV_DEFAULT_MAX_BYTES;
    if (!l.max_columns)
        l.max_columns = CLI_CSV_DEFAULT_MAX_COLUMNS;
    if (!l.max_rows)
        l.max_rows = CLI_CSV_DEFAULT_MAX_ROWS;
    if (!l.max_cells)
        l.max_cells = CLI_CSV_DEFAULT_MAX_CELLS;
    if (!l.max_classes)
        l.max_classes = CLI_CSV_DEFAULT_MAX_CLASSES;
    /* Labels are int32_t and the field array is sized max_columns + 1. */
    if (l.max_classes > (size_t)INT32_MAX)
        l.max_classes = (size_t)INT32_MAX;
    if (l.max_columns > SIZE_MAX / sizeof(csv_field) - 1)
        l.max_columns = SIZE_MAX / sizeof(csv_field) - 1;
    return l;
}

/* Reads the header record: fails on an empty input or too many columns. */
static cli_status read_header(csv_parser *p, const cli_csv_limits *lim)
{
    p->store_max = lim->max_columns + 1;
    const cli_status st = next_record(p);
    if (st != CLI_OK)
        return st;
    if (p->n_fields == 0)
        return cli_io_fail(p->err, CLI_ERR_EMPTY, p->source, 0, 0,
                           "the input is empty: expected a header line of column names");
    if (p->n_fields > lim->max_columns)
        return cli_io_fail(p->err, CLI_ERR_TOO_LARGE, p->source, p->record_line, 0,
                           "the header has more than %zu columns", lim->max_columns);
    return CLI_OK;
}

/* Checks the header's names: valid UTF-8, non-empty, distinct; fills
 * p->names with them. */
static cli_status check_header_names(csv_parser *p)
{
    const size_t n = p->n_fields;
    for (size_t i = 0; i < n; i++) {
        const char *s = field_text(p, i);
        const size_t len = p->fields[i].len;
        size_t bad;
        if (len == 0)
            return cli_io_fail(p->err, CLI_ERR_HEADER, p->source, p->fields[i].line, i + 1,
                               "column %zu has an empty name in the header: every column "
                               "needs a name",
                               i + 1);
        if (!cli_utf8_valid(s, len, &bad))
            return cli_io_fail(p->err, CLI_ERR_ENCODING, p->source, p->fields[i].line,
                               i + 1,
                               "the name of column %zu is not valid UTF-8 (byte %zu); save "
                               "the file as UTF-8",
                               i + 1, bad + 1);
    }
    size_t first, second;
    const cli_status st = record_names(p);
    if (st != CLI_OK)
        return st;
    if (cli_name_twice(&first, &second, p->names, n) != CLI_OK)
        return cli_io_fail(p->err, CLI_ERR_NOMEM, p->source, 0, 0, "out of memory");
    if (second < n) {
        char shown[64];
        cli_io_quote(shown, sizeof shown, p->names[second], p->fields[second].len);
        return cli_io_fail(p->err, CLI_ERR_HEADER, p->source, p->fields[second].line, second + 1,
                           "duplicate column name %s (columns %zu and %zu)", shown, first + 1,
                           second + 1);
    }
    return CLI_OK;
}

/* "a, b, c" — the record's fields for a message, cut with ", ..." to fit. */
static void column_list(char *dst, size_t cap, const csv_parser *p)
{
    size_t o = 0;
    dst[0] = '\0';
    for (size_t c = 0; c < p->n_fields && c < p->store_max; c++) {
        const char *name = field_text(p, c);
        const size_t need = strlen(name) + (c ? 2 : 0);
        if (o + need + 6 >= cap) {
            snprintf(dst + o, cap - o, "%s...", c ? ", " : "");
            return;
        }
        o += (size_t)snprintf(dst + o, cap - o, "%s%s", c ? ", " : "", name);
    }
}

/* The error for a feature cell that did not parse. */
static cli_status cell_error(csv_parser *p, size_t col, const char *name,
                                cli_status ps)
{
    const csv_field *f = &p->fields[col];
    char shown_name[64], shown[64];
    cli_io_quote(shown_name, sizeof shown_name, name, strlen(name));
    cli_io_quote(shown, sizeof shown, field_text(p, col), f->len);
    switch (ps) {
    case CLI_ERR_MISSING:
        return cli_io_fail(p->err, CLI_ERR_MISSING, p->source, f->line, col + 1,
                           "missing value in feature column %zu %s", col + 1, shown_name);
    case CLI_ERR_NONFINITE:
        return cli_io_fail(p->err, CLI_ERR_NOT_NUMBER, p->source, f->line, col + 1,
                           "%s in feature column %zu %s: features must be finite numbers",
                           shown, col + 1, shown_name);
    case CLI_ERR_RANGE:
        return cli_io_fail(p->err, CLI_ERR_NOT_NUMBER, p->source, f->line, col + 1,
                           "value %s in feature column %zu %s is out of float range", shown,
                           col + 1, shown_name);
    case CLI_ERR_TOO_LONG:
        return cli_io_fail(p->err, CLI_ERR_NOT_NUMBER, p->source, f->line, col + 1,
                           "value %s in feature column %zu %s is longer than %d characters",
                           shown, col + 1, shown_name, CLI_PARSE_MAX_LEN);
    default:
        return cli_io_fail(p->err, CLI_ERR_NOT_NUMBER, p->source, f->line, col + 1,
                           "non-numeric value %s in feature column %zu %s", shown, col + 1,
                           shown_name);
    }
}

static cli_status ragged_error(csv_parser *p, size_t expected, const char *what)
{
    const size_t got = p->n_fields;
    return cli_io_fail(p->err, CLI_ERR_RAGGED, p->source, p->record_line,
                       (got < expected ? got : expected) + 1,
                       "expected %zu fields %s, got %zu", expected, what, got);
}

/* Grows x (and y when want_y) to hold one more row of `width` floats,
 * after checking the row and cell limits. */
typedef struct row_store {
    float *x;
    int32_t *y;
    size_t rows, cap, width;
} row_store;

static cli_status grow_rows(csv_parser *p, row_store *s, int want_y,
                               const cli_csv_limits *lim)
{
    if (s->rows >= lim->max_rows)
        return cli_io_fail(p->err, CLI_ERR_TOO_LARGE, p->source, p->record_line, 0,
                           "more than %zu data rows", lim->max_rows);
    size_t cells;
    if (cli_mul_size(s->rows + 1, s->width, &cells) || cells > lim->max_cells)
        return cli_io_fail(p->err, CLI_ERR_TOO_LARGE, p->source, p->record_line, 0,
                           "more than %zu cells (rows x features = %zu x %zu)", lim->max_cells,
                           s->rows + 1, s->width);
    if (s->rows < s->cap)
        return CLI_OK;
    size_t cap = s->cap ? s->cap * 2 : 64;
    if (cap > lim->max_rows)
        cap = lim->max_rows;
    size_t xbytes, ybytes;
    if (s->width && cap > lim->max_cells / s->width)
        cap = lim->max_cells / s->width; /* >= rows + 1, checked above */
    if (cli_mul_size(cap, s->width, &xbytes) || cli_mul_size(xbytes, sizeof(float), &xbytes) ||
        cli_mul_size(cap, sizeof(int32_t), &ybytes))
        return cli_io_fail(p->err, CLI_ERR_TOO_LARGE, p->source, p->record_line, 0,
                           "the data is too large for this machine");
    float *x = realloc(s->x, xbytes ? xbytes : 1);
    if (!x)
        return cli_io_fail(p->err, CLI_ERR_NOMEM, p->source, p->record_line, 0,
                           "out of memory at %zu rows", s->rows);
    s->x = x;
    if (want_y) {
        int32_t *y = realloc(s->y, ybytes);
        if (!y)
            return cli_io_fail(p->err, CLI_ERR_NOMEM, p->source, p->record_line, 0,
                               "out of memory at %zu rows", s->rows);
        s->y = y;
    }
    s->cap = cap;
    return CLI_OK;
}

/* Shrinks the arrays to the rows read. */
static void trim_rows(row_store *s)
{
    if (s->rows == 0 || s->rows == s->cap)
        return;
    float *x = realloc(s->x, s->rows * s->width * sizeof(float) + 1);
    if (x)
        s->x = x;
    if (s->y) {
        int32_t *y = realloc(s->y, s->rows * sizeof(int32_t));
        if (y)
            s->y = y;
    }
}

/* ------------------------------------------------------------------ */
/* Class labels                                                         */
/* ------------------------------------------------------------------ */

typedef struct label_entry {
    char *name;
    size_t len;
    uint64_t hash;
    int64_t value; /* when is_int */
    int is_int;
} label_entry;

typedef struct label_map {
    label_entry *e;
    size_t n, cap;
    int32_t *slots; /* open addressing: index into e, or -1 */
    size_t n_slots; /* a power of two, at least twice n */
    int all_int;
} label_map;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static cli_status map_rehash(label_map *m, size_t n_slots)
{
    int32_t *slots = malloc(n_slots * sizeof *slots);
    if (!slots)
        return CLI_ERR_NOMEM;
    for (size_t i = 0; i < n_slots; i++)
        slots[i] = -1;
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (size_t)m->e[k].hash & (n_slots - 1);
        while (slots[i] >= 0)
            i = (i + 1) & (n_slots - 1);
        slots[i] = (int32_t)k;
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    return CLI_OK;
}

/* *id = the label's first-appearance index: CLI_OK; CLI_ERR_NOMEM;
 * CLI_ERR_TOO_LARGE for a new label past max_classes. */
static cli_status map_lookup_add(label_map *m, const char *s, size_t len, size_t max_classes,
                          int32_t *id, int *is_new)
{
    const uint64_t h = hash_bytes(s, len);
    *is_new = 0;
    if (m->n_slots) {
        size_t i = (size_t)h & (m->n_slots - 1);
        while (m->slots[i] >= 0) {
            const label_entry *e = &m->e[m->slots[i]];
            if (e->hash == h && e->len == len && memcmp(e->name, s, len) == 0) {
                *id = m->slots[i];
                return CLI_OK;
            }
            i = (i + 1) & (m->n_slots - 1);
        }
    }
    if (m->n >= max_classes)
        return CLI_ERR_TOO_LARGE;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        label_entry *e = realloc(m->e, cap * sizeof *e);
        if (!e)
            return CLI_ERR_NOMEM;
        m->e = e;
        m->cap = cap;
    }
    label_entry *e = &m->e[m->n];
    e->name = cli_strndup(s, len);
    if (!e->name)
        return CLI_ERR_NOMEM;
    e->len = len;
    e->hash = h;
    e->is_int = cli_parse_i64(&e->value, s, len) == CLI_OK;
    if (!e->is_int)
        m->all_int = 0;
    m->n++;
    if (m->n * 2 > m->n_slots) {
        if (map_rehash(m, m->n_slots ? m->n_slots * 2 : 32) != CLI_OK) {
            m->n--;
            free(e->name);
            return CLI_ERR_NOMEM;
        }
    } else {
        size_t i = (size_t)h & (m->n_slots - 1);
        while (m->slots[i] >= 0)
            i = (i + 1) & (m->n_slots - 1);
        m->slots[i] = (int32_t)(m->n - 1);
    }
    *id = (int32_t)(m->n - 1);
    *is_new = 1;
    return CLI_OK;
}

static void map_free(label_map *m)
{
    for (size_t k = 0; k < m->n; k++)
        free(m->e[k].name);
    free(m->e);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static int cmp_label_int(const void *a, const void *b)
{
    const label_entry *x = *(const label_entry *const *)a, *y = *(const label_entry *const *)b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return (x > y) - (x < y);
}

static int cmp_label_str(const void *a, const void *b)
{
    const label_entry *x = *(const label_entry *const *)a, *y = *(const label_entry *const *)b;
    return strcmp(x->name, y->name);
}

/* Sorts the classes (csv.h) and renumbers y[0..rows). */
static cli_status finish_classes(label_map *m, int32_t *y, size_t rows, char ***names_out,
                                    size_t *n_out, const char *source, cli_io_error *err)
{
    const size_t n = m->n;
    label_entry **order = malloc(n * sizeof *order);
    int32_t *remap = malloc(n * sizeof *remap);
    char **names = calloc(n, sizeof *names);
    if (!order || !remap || !names)
        goto oom;
    for (size_t k = 0; k < n; k++)
        order[k] = &m->e[k];
    qsort(order, n, sizeof *order, m->all_int ? cmp_label_int : cmp_label_str);
    size_t classes = 0;
    for (size_t k = 0; k < n; k++) {
        const int same = m->all_int && k > 0 && order[k]->value == order[k - 1]->value;
        if (!same) {
            if (m->all_int) {
                char tmp[32];
                snprintf(tmp, sizeof tmp, "%" PRId64, order[k]->value);
                names[classes] = cli_strndup(tmp, strlen(tmp));
            } else {
                names[classes] = cli_strndup(order[k]->name, order[k]->len);
            }
            if (!names[classes])
                goto oom;
            classes++;
        }
        remap[order[k] - m->e] = (int32_t)(classes - 1);
    }
    for (size_t r = 0; r < rows; r++)
        y[r] = remap[y[r]];
    free(order);
    free(remap);
    *names_out = names;
    *n_out = classes;
    return CLI_OK;
oom:
    if (names)
        for (size_t k = 0; k < n; k++)
            free(names[k]);
    free(names);
    free(order);
    free(remap);
    return cli_io_fail(err, CLI_ERR_NOMEM, source, 0, 0, "out of memory");
}

/* ------------------------------------------------------------------ */
/* Datasets                                                             */
/* ------------------------------------------------------------------ */

void cli_csv_free(cli_csv_dataset *d)
{
    if (!d)
        return;
    if (d->class_names)
        for (size_t k = 0; k < d->n_classes; k++)
            free(d->class_names[k]);
    if (d->feature_names)
        for (size_t j = 0; j < d->features; j++)
            free(d->feature_names[j]);
    free(d->class_names);
    free(d->feature_names);
    free(d->x);
    free(d->y);
    free(d->target_name);
    free(d->source);
    memset(d, 0, sizeof *d);
}

cli_status cli_csv_check_classes(const cli_csv_dataset *d, cli_io_error *err)
{
    if (!d)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "no data set");
    cli_io_ok(err);
    if (d->n_classes >= 2)
        return CLI_OK;
    const char *target = d->target_name ? d->target_name : "";
    char shown_t[64], shown_c[64];
    cli_io_quote(shown_t, sizeof shown_t, target, strlen(target));
    if (d->n_classes == 1) {
        cli_io_quote(shown_c, sizeof shown_c, d->class_names[0], strlen(d->class_names[0]));
        return cli_io_fail(err, CLI_ERR_ONE_CLASS, d->source, 0, d->target_column,
                           "the target column %zu %s holds only one class, %s: training needs "
                           "at least two",
                           d->target_column, shown_t, shown_c);
    }
    return cli_io_fail(err, CLI_ERR_ONE_CLASS, d->source, 0, d->target_column,
                       "the target column %s holds no class: training needs at least two",
                       shown_t);
}

static cli_status read_train(cli_csv_dataset *out, const char *data, size_t size,
                                const char *source, const cli_csv_options *opt,
                                cli_io_error *err)
{
    cli_io_error scratch; /* the tokenizer reports through an error struct */
    if (!err)
        err = &scratch;
    const cli_csv_limits lim = resolve_limits(opt ? &opt->limits : NULL);
    const char *target = opt ? opt->target : NULL;
    cli_csv_dataset d;
    memset(&d, 0, sizeof d);
    csv_parser p;
    label_map labels;
    memset(&labels, 0, sizeof labels);
    labels.all_int = 1;
    row_store rs = {0};
    cli_status st;

    d.source = cli_strndup(source, strlen(source));
    if (!d.source)
        return cli_io_fail(err, CLI_ERR_NOMEM, source, 0, 0, "out of memory");
    st = parser_init(&p, data, size, source, lim.max_bytes, err);
    if (st != CLI_OK)
        goto fail;
    /* check_header_names fills p.names */
    if ((st = read_header(&p, &lim)) != CLI_OK || (st = check_header_names(&p)) != CLI_OK)
        goto fail;

    /* The target column and the feature names. */
    const size_t ncols = p.n_fields;
    const size_t header_line = p.record_line;
    size_t t = ncols - 1;
    if (target) {
        t = cli_name_index(p.names, ncols, target, strlen(target));
        if (t == ncols) {
            char shown[64], list[256];
            cli_io_quote(shown, sizeof shown, target, strlen(target));
            column_list(list, sizeof list, &p);
            st = cli_io_fail(err, CLI_ERR_UNKNOWN_COLUMN, source, header_line, 0,
                             "no column named %s for the target; the columns are: %s", shown,
                             list);
            goto fail;
        }
    }
    if (ncols < 2) {
        st = cli_io_fail(err, CLI_ERR_HEADER, source, header_line, 0,
                         "the header has only one column: need at least one feature column "
                         "and the target column (is the separator a comma?)");
        goto fail;
    }
    d.features = ncols - 1;
    d.target_column = t + 1;
    d.feature_names = calloc(d.features, sizeof *d.feature_names);
    d.target_name = cli_strndup(field_text(&p, t), p.fields[t].len);
    if (!d.feature_names || !d.target_name)
        goto oom;
    for (size_t c = 0, j = 0; c < ncols; c++) {
        if (c == t)
            continue;
        if (!(d.feature_names[j++] = cli_strndup(field_text(&p, c), p.fields[c].len)))
            goto oom;
    }

    /* The rows. */
    p.store_max = ncols;
    rs.width = d.features;
    while ((st = next_record(&p)) == CLI_OK && p.n_fields > 0) {
        if (p.n_fields != ncols) {
            st = ragged_error(&p, ncols, "as in the header");
            goto fail;
        }
        if ((st = grow_rows(&p, &rs, 1, &lim)) != CLI_OK)
            goto fail;
        float *xr = rs.x + rs.rows * rs.width;
        for (size_t c = 0, j = 0; c < ncols; c++) {
            if (c == t)
                continue;
            const cli_status ps = cli_parse_f32(&xr[j], field_text(&p, c),
                                                      p.fields[c].len, 0);
            if (ps != CLI_OK) {
                st = cell_error(&p, c, d.feature_names[j], ps);
                goto fail;
            }
            j++;
        }
        const csv_field *tf = &p.fields[t];
        char shown_t[64];
        if (tf->len == 0) {
            cli_io_quote(shown_t, sizeof shown_t, d.target_name, strlen(d.target_name));
            st = cli_io_fail(err, CLI_ERR_MISSING, source, tf->line, t + 1,
                             "missing class label in target column %zu %s", t + 1, shown_t);
            goto fail;
        }
        int32_t id;
        int is_new;
        const cli_status ls = map_lookup_add(&labels, field_text(&p, t), tf->len,
                                             lim.max_classes, &id, &is_new);
        if (ls == CLI_ERR_NOMEM)
            goto oom;
        if (ls == CLI_ERR_TOO_LARGE) {
            cli_io_quote(shown_t, sizeof shown_t, d.target_name, strlen(d.target_name));
            st = cli_io_fail(err, CLI_ERR_TOO_LARGE, source, tf->line, t + 1,
                             "more than %zu distinct classes in target column %zu %s (is it "
                             "the right column?)",
                             lim.max_classes, t + 1, shown_t);
            goto fail;
        }
        size_t bad;
        if (is_new && !cli_utf8_valid(field_text(&p, t), tf->len, &bad)) {
            cli_io_quote(shown_t, sizeof shown_t, d.target_name, strlen(d.target_name));
            st = cli_io_fail(err, CLI_ERR_ENCODING, source, tf->line, t + 1,
                             "the class label in target column %zu %s is not valid UTF-8 "
                             "(byte %zu); save the file as UTF-8",
                             t + 1, shown_t, bad + 1);
            goto fail;
        }
        rs.y[rs.rows] = id;
        rs.rows++;
    }
    if (st != CLI_OK)
        goto fail;
    if (rs.rows == 0) {
        st = cli_io_fail(err, CLI_ERR_NO_DATA, source, header_line, 0,
                         "the file has a header but no data rows");
        goto fail;
    }
    trim_rows(&rs);
    d.rows = rs.rows;
    d.x = rs.x;
    d.y = rs.y;
    rs.x = NULL;
    rs.y = NULL;
    if ((st = finish_classes(&labels, d.y, d.rows, &d.class_names, &d.n_classes, source, err)) !=
        CLI_OK)
        goto fail;
    map_free(&labels);
    parser_free(&p);
    cli_io_ok(err);
    *out = d;
    return CLI_OK;

oom:
    st = cli_io_fail(err, CLI_ERR_NOMEM, source, 0, 0, "out of memory");
fail:
    free(rs.x);
    free(rs.y);
    map_free(&labels);
    parser_free(&p);
    cli_csv_free(&d);
    return st;
}

/* The display name for a path. */
static const char *source_of(const char *path)
{
    return (path == NULL || strcmp(path, "-") == 0) ? "<stdin>" : path;
}

cli_status cli_csv_read_buffer(cli_csv_dataset *out, const char *data, size_t size,
                                  const char *source, const cli_csv_options *options,
                                  cli_io_error *err)
{
    if (!out || (!data && size))
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "cli_csv_read_buffer: NULL argument");
    memset(out, 0, sizeof *out);
    return read_train(out, data ? data : "", size, source ? source : "<buffer>", options, err);
}

cli_status cli_csv_read_file(cli_csv_dataset *out, const char *path,
                                const cli_csv_options *options, cli_io_error *err)
{
    if (!out)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "cli_csv_read_file: NULL argument");
    memset(out, 0, sizeof *out);
    const cli_csv_limits lim = resolve_limits(options ? &options->limits : NULL);
    char *data;
    size_t size;
    cli_status st = cli_io_read_all(path, lim.max_bytes, "CSV file", &data, &size, err);
    if (st != CLI_OK)
        return st;
    st = read_train(out, data, size, source_of(path), options, err);
    free(data);
    return st;
}

/* ------------------------------------------------------------------ */
/* Prediction input                                                     */
/* ------------------------------------------------------------------ */

/* The class index of a label among the model's classes, or -1. */
static int32_t match_class(const char *s, size_t len, const cli_csv_predict_options *o)
{
    const size_t k = cli_name_index(o->class_names, o->n_classes, s, len);
    if (k < o->n_classes)
        return (int32_t)k;
    int64_t v, w;
    if (cli_parse_i64(&v, s, len) != CLI_OK)
        return -1;
    for (size_t i = 0; i < o->n_classes; i++)
        if (o->class_names[i] &&
            cli_parse_i64(&w, o->class_names[i], strlen(o->class_names[i])) == CLI_OK &&
            v == w)
            return (int32_t)i;
    return -1;
}

/* Column roles in prediction input. */
enum { COL_TARGET = -1, COL_SKIP = -2 };

static cli_status read_predict(cli_csv_dataset *out, const char *data, size_t size,
                                  const char *source, const cli_csv_predict_options *o,
                                  cli_io_error *err)
{
    cli_io_error scratch; /* the tokenizer reports through an error struct */
    if (!err)
        err = &scratch;
    const cli_csv_limits lim = resolve_limits(&o->limits);
    const size_t nf = o->n_features;
    const int want_labels = o->class_names != NULL;
    cli_csv_dataset d;
    memset(&d, 0, sizeof d);
    csv_parser p;
    memset(&p, 0, sizeof p);
    row_store rs = {0};
    long *role = NULL; /* per column: feature index, COL_TARGET or COL_SKIP */
    cli_status st;

    d.source = cli_strndup(source, strlen(source));
    d.features = nf;
    d.feature_names = calloc(nf, sizeof *d.feature_names);
    if (!d.source || !d.feature_names)
        goto oom;
    if ((st = parser_init(&p, data, size, source, lim.max_bytes, err)) != CLI_OK)
        goto fail;
    if ((st = read_header(&p, &lim)) != CLI_OK || (st = record_names(&p)) != CLI_OK)
        goto fail;
    const size_t ncols = p.n_fields;
    const size_t first_line = p.record_line;

    /* Header or data? (csv.h) */
    int header = 0;
    if (o->feature_names) {
        size_t found = 0;
        for (size_t j = 0; j < nf; j++)
            found += cli_name_index(p.names, ncols, o->feature_names[j],
                                    strlen(o->feature_names[j])) < ncols;
        header = found == nf;
    }
    for (size_t c = 0; !header && c < ncols && c < nf; c++) {
        float v;
        if (cli_parse_f32(&v, field_text(&p, c), p.fields[c].len, 0) != CLI_OK)
            header = 1;
    }

    role = malloc((ncols + 1) * sizeof *role);
    if (!role)
        goto oom;
    size_t expected = ncols; /* fields per data row */
    int has_target = 0;
    size_t t = 0;
    if (header) {
        if ((st = check_header_names(&p)) != CLI_OK)
            goto fail;
        size_t next = 0;
        for (size_t c = 0; c < ncols; c++) {
            const char *name = field_text(&p, c);
            role[c] = COL_SKIP;
            if (o->target && strcmp(name, o->target) == 0) {
                role[c] = COL_TARGET;
                has_target = 1;
                t = c;
                continue;
            }
            if (o->feature_names) {
                const size_t j = cli_name_index(o->feature_names, nf, name, p.fields[c].len);
                if (j < nf)
                    role[c] = (long)j;
            } else if (next < nf) {
                role[c] = (long)next;
                d.feature_names[next] = cli_strndup(name, p.fields[c].len);
                if (!d.feature_names[next])
                    goto oom;
                next++;
            } else {
                next++;
            }
            if (role[c] == COL_SKIP && o->feature_names) {
                char shown[64], shown_t[64];
                cli_io_quote(shown, sizeof shown, name, p.fields[c].len);
                if (o->target)
                    cli_io_quote(shown_t, sizeof shown_t, o->target, strlen(o->target));
                st = cli_io_fail(err, CLI_ERR_UNKNOWN_COLUMN, source, first_line, c + 1,
                                 "column %zu %s is neither a feature of the model nor its "
                                 "target%s%s",
                                 c + 1, shown, o->target ? " " : "", o->target ? shown_t : "");
                goto fail;
            }
        }
        if (o->feature_names) {
            for (size_t j = 0; j < nf; j++) {
                size_t c = 0;
                while (c < ncols && role[c] != (long)j)
                    c++;
                if (c == ncols) {
                    char shown[64];
                    cli_io_quote(shown, sizeof shown, o->feature_names[j],
                                 strlen(o->feature_names[j]));
                    st = cli_io_fail(err, CLI_ERR_UNKNOWN_COLUMN, source, first_line, 0,
                                     "the model's feature %zu %s is not a column of the header",
                                     j + 1, shown);
                    goto fail;
                }
            }
        } else if (next != nf) {
            st = cli_io_fail(err, CLI_ERR_HEADER, source, first_line, 0,
                             "the header has %zu feature columns, the model takes %zu", next,
                             nf);
            goto fail;
        }
    } else {
        if (ncols != nf && ncols != nf + 1) {
            char what[96];
            snprintf(what, sizeof what, "(the model's features%s)",
                     ncols > nf ? ", or one more for the label" : "");
            st = ragged_error(&p, ncols > nf ? nf + 1 : nf, what);
            goto fail;
        }
        for (size_t c = 0; c < nf; c++)
            role[c] = (long)c;
        if (ncols == nf + 1) {
            role[nf] = COL_TARGET;
            has_target = 1;
            t = nf;
        }
    }
    for (size_t j = 0; j < nf; j++)
        if (!d.feature_names[j]) {
            const char *name = o->feature_names ? o->feature_names[j] : "";
            if (!(d.feature_names[j] = cli_strndup(name, strlen(name))))
                goto oom;
        }
    if (has_target) {
        const char *tn = header ? field_text(&p, t) : (o->target ? o->target : "");
        d.target_name = cli_strndup(tn, strlen(tn));
        if (!d.target_name)
            goto oom;
        d.target_column = t + 1;
    }

    /* The rows; without a header the first record is one. */
    p.store_max = ncols;
    rs.width = nf;
    const int read_y = has_target && want_labels;
    st = header ? next_record(&p) : CLI_OK;
    for (; st == CLI_OK && p.n_fields > 0; st = next_record(&p)) {
        if (p.n_fields != expected) {
            st = ragged_error(&p, expected, header ? "as in the header" : "as in the first row");
            goto fail;
        }
        if ((st = grow_rows(&p, &rs, read_y, &lim)) != CLI_OK)
            goto fail;
        float *xr = rs.x + rs.rows * nf;
        for (size_t c = 0; c < ncols; c++) {
            if (role[c] >= 0) {
                const cli_status ps = cli_parse_f32(&xr[role[c]], field_text(&p, c),
                                                          p.fields[c].len, 0);
                if (ps != CLI_OK) {
                    st = cell_error(&p, c, d.feature_names[role[c]], ps);
                    goto fail;
                }
            } else if (role[c] == COL_TARGET && read_y) {
                const csv_field *tf = &p.fields[c];
                char shown_t[64], shown[64];
                cli_io_quote(shown_t, sizeof shown_t, d.target_name, strlen(d.target_name));
                if (tf->len == 0) {
                    st = cli_io_fail(err, CLI_ERR_MISSING, source, tf->line, c + 1,
                                     "missing class label in target column %zu %s", c + 1,
                                     shown_t);
                    goto fail;
                }
                const int32_t k = match_class(field_text(&p, c), tf->len, o);
                if (k < 0) {
                    cli_io_quote(shown, sizeof shown, field_text(&p, c), tf->len);
                    st = cli_io_fail(err, CLI_ERR_UNKNOWN_CLASS, source, tf->line, c + 1,
                                     "class %s in target column %zu %s is not one of the "
                                     "model's %zu classes",
                                     shown, c + 1, shown_t, o->n_classes);
                    goto fail;
                }
                rs.y[rs.rows] = k;
            }
        }
        rs.rows++;
    }
    if (st != CLI_OK)
        goto fail;
    if (rs.rows == 0) {
        st = cli_io_fail(err, CLI_ERR_NO_DATA, source, first_line, 0,
                         "the file has a header but no data rows");
        goto fail;
    }
    trim_rows(&rs);
    d.rows = rs.rows;
    d.x = rs.x;
    d.y = rs.y;
    free(role);
    parser_free(&p);
    cli_io_ok(err);
    *out = d;
    return CLI_OK;

oom:
    st = cli_io_fail(err, CLI_ERR_NOMEM, source, 0, 0, "out of memory");
fail:
    free(role);
    free(rs.x);
    free(rs.y);
    parser_free(&p);
    cli_csv_free(&d);
    return st;
}

static cli_status check_predict_options(const cli_csv_predict_options *o, cli_io_error *err)
{
    if (!o || o->n_features == 0)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0,
                           "prediction input needs the model's number of features");
    if (o->feature_names)
        for (size_t j = 0; j < o->n_features; j++)
            if (!o->feature_names[j])
                return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "feature name %zu is NULL",
                                   j + 1);
    if (o->class_names && o->n_classes > (size_t)INT32_MAX)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0, "too many classes");
    return CLI_OK;
}

cli_status cli_csv_read_predict_buffer(cli_csv_dataset *out, const char *data, size_t size,
                                          const char *source,
                                          const cli_csv_predict_options *options,
                                          cli_io_error *err)
{
    if (!out || (!data && size))
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0,
                           "cli_csv_read_predict_buffer: NULL argument");
    memset(out, 0, sizeof *out);
    cli_status st = check_predict_options(options, err);
    if (st != CLI_OK)
        return st;
    return read_predict(out, data ? data : "", size, source ? source : "<buffer>", options, err);
}

cli_status cli_csv_read_predict_file(cli_csv_dataset *out, const char *path,
                                        const cli_csv_predict_options *options,
                                        cli_io_error *err)
{
    if (!out)
        return cli_io_fail(err, CLI_ERR_ARG, NULL, 0, 0,
                           "cli_csv_read_predict_file: NULL argument");
    memset(out, 0, sizeof *out);
    cli_status st = check_predict_options(options, err);
    if (st != CLI_OK)
        return st;
    const cli_csv_limits lim = resolve_limits(&options->limits);
    char *data;
    size_t size;
    st = cli_io_read_all(path, lim.max_bytes, "CSV file", &data, &size, err);
    if (st != CLI_OK)
        return st;
    st = read_predict(out, data, size, source_of(path), options, err);
    free(data);
    return st;
}
