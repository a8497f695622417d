/*
 * fields.c — the tokenizer of fields.h: one field per call, a pointer
 * walking the text, no copy.
 */
#include "fields.h"

#include <string.h>

void cli_fields_init(cli_fields *t, const char *text, size_t len, cli_separator sep,
                     unsigned flags)
{
    t->start = t->p = text;
    t->end = text + len;
    t->line = 1;
    t->sep = sep;
    t->flags = flags;
    t->open = 0;
}

int cli_fields_more(const cli_fields *t)
{
    return t->p < t->end || t->open;
}

static int is_line_end(const cli_fields *t, char c)
{
    return (c == '\n' || c == '\r') && !(t->flags & CLI_FIELDS_ONE_LINE);
}

/* A blank: space or tab, unless the tab is the separator; CR and LF too
 * in one line. */
static int is_blank(const cli_fields *t, char c)
{
    return c == ' ' || (c == '\t' && t->sep != CLI_SEP_TAB) ||
           ((c == '\n' || c == '\r') && (t->flags & CLI_FIELDS_ONE_LINE));
}

static int at_line_end(const cli_fields *t)
{
    return t->p >= t->end || is_line_end(t, *t->p);
}

/* Consumes the line end at t->p (LF, CRLF or a lone CR), if any. */
static void eat_line_end(cli_fields *t)
{
    if (t->p >= t->end)
        return;
    if (*t->p == '\r' && t->p + 1 < t->end && t->p[1] == '\n')
        t->p++;
    t->p++;
    t->line++;
}

static size_t skip_blanks(cli_fields *t)
{
    const char *from = t->p;
    while (t->p < t->end && is_blank(t, *t->p))
        t->p++;
    return (size_t)(t->p - from);
}

/* Does c end an unquoted field? */
static int ends_field(const cli_fields *t, char c)
{
    if (is_line_end(t, c))
        return 1;
    switch (t->sep) {
    case CLI_SEP_COMMA:
        return c == ',';
    case CLI_SEP_TAB:
        return c == '\t';
    case CLI_SEP_BLANKS:
        return is_blank(t, c);
    case CLI_SEP_COMMA_OR_BLANKS:
        return c == ',' || is_blank(t, c);
    }
    return 0;
}

/* A quoted field from its opening quote to just past its closing one. */
static cli_status read_quoted(cli_fields *t, cli_field *f)
{
    t->p++;
    const char *s = t->p;
    for (;;) {
        while (t->p < t->end && *t->p != '"') {
            if (*t->p == '\n' || (*t->p == '\r' && (t->p + 1 >= t->end || t->p[1] != '\n')))
                t->line++;
            t->p++;
        }
        if (t->p >= t->end)
            return CLI_ERR_SYNTAX; /* no closing quote */
        if (t->p + 1 < t->end && t->p[1] == '"') { /* "" is one quote */
            t->p += 2;
            continue;
        }
        f->text = s;
        f->len = (size_t)(t->p - s);
        f->quoted = 1;
        t->p++;
        return CLI_OK;
    }
}

cli_status cli_fields_next(cli_fields *t, cli_field *f)
{
    t->open = 0;
    skip_blanks(t);
    f->line = t->line;
    f->offset = (size_t)(t->p - t->start);
    f->text = t->p;
    f->len = 0;
    f->quoted = 0;
    if (t->sep == CLI_SEP_COMMA_OR_BLANKS && t->p < t->end && *t->p == ',') {
        /* an empty field before a comma */
        f->end = ',';
        f->end_offset = f->offset;
        t->p++;
        t->open = 1;
        return CLI_OK;
    }
    if ((t->flags & CLI_FIELDS_QUOTES) && t->p < t->end && *t->p == '"') {
        const cli_status st = read_quoted(t, f);
        if (st != CLI_OK)
            return st;
    } else {
        while (t->p < t->end && !ends_field(t, *t->p))
            t->p++;
        const char *e = t->p;
        while (e > f->text && is_blank(t, e[-1]))
            e--;
        f->len = (size_t)(e - f->text);
    }

    /* What ends it: the end of the record, or a separator. */
    const size_t blanks = skip_blanks(t);
    f->end_offset = (size_t)(t->p - t->start);
    t->open = 1; /* a separator: a field follows, if only an empty one */
    if (at_line_end(t)) {
        f->end = '\n';
        eat_line_end(t);
        t->open = 0;
        return CLI_OK;
    }
    const char c = *t->p;
    switch (t->sep) {
    case CLI_SEP_COMMA:
    case CLI_SEP_TAB:
        if (c == (t->sep == CLI_SEP_COMMA ? ',' : '\t')) {
            f->end = c;
            t->p++;
            return CLI_OK;
        }
        break;
    case CLI_SEP_COMMA_OR_BLANKS:
        if (c == ',') {
            f->end = ',';
            t->p++;
            return CLI_OK;
        }
        /* fall through - else blanks separate */
    case CLI_SEP_BLANKS:
        if (blanks > 0) {
            f->end = ' ';
            return CLI_OK;
        }
        break;
    }
    /* Only a quoted field stops at anything else. */
    t->open = 0;
    return CLI_ERR_SYNTAX;
}

size_t cli_field_copy(char *dst, const cli_field *f)
{
    if (!f->quoted) {
        if (f->len)
            memcpy(dst, f->text, f->len);
        return f->len;
    }
    size_t n = 0;
    for (size_t i = 0; i < f->len; i++) {
        dst[n++] = f->text[i];
        if (f->text[i] == '"')
            i++; /* the second quote of "" */
    }
    return n;
}
