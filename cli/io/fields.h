/*
 * fields.h — the smx command's one tokenizer: text into records of
 * fields.  The CSV reader (csv.c), the rows of scores (scores.c) and the
 * comma-separated option values (--labels, --hidden, --class-weight,
 * --plot-features, --grad) all split their text here.
 *
 *     cli_fields t;
 *     cli_field f;
 *     cli_fields_init(&t, text, len, CLI_SEP_COMMA, 0);
 *     while (cli_fields_more(&t)) {
 *         if (cli_fields_next(&t, &f) != CLI_OK) ... a quote problem (CSV only)
 *         ... f.text[0..f.len) ...; f.end == '\n': the last field of its record
 *     }
 *
 * A record is a line: it ends at LF, CRLF, a lone CR or the end of the
 * text (a quoted field may hold line ends; the record goes on past them).
 * Blanks are spaces and tabs (spaces only with CLI_SEP_TAB); those around
 * a field are never part of it.  A blank line is one empty field, the
 * last of its record; a separator at the end of the text is followed by an
 * empty field.  Nothing is copied: a field points into the text.
 */
#ifndef CLI_IO_FIELDS_H
#define CLI_IO_FIELDS_H

#include "status.h"

#include <stddef.h>

typedef enum cli_separator {
    CLI_SEP_COMMA,          /* one ',' between fields: "a,,b" has an empty middle field */
    CLI_SEP_TAB,            /* one tab between fields */
    CLI_SEP_BLANKS,         /* a run of blanks between fields: never an empty field but
                               on a blank line */
    CLI_SEP_COMMA_OR_BLANKS /* one ',' (blanks around it allowed) or a run of blanks */
} cli_separator;

/* cli_fields_init's flags. */
enum {
    /* A field that starts with '"' is quoted (CSV): it ends at the next
     * lone '"', "" inside stands for one quote, separators and line ends
     * inside are its own; only blanks may follow before the separator.
     * Without the flag '"' is an ordinary byte. */
    CLI_FIELDS_QUOTES = 1u,
    /* The text is one line (a row already read with getline): CR and LF
     * are blanks, not line ends. */
    CLI_FIELDS_ONE_LINE = 2u
};

typedef struct cli_field {
    const char *text; /* the field, without the blanks around it; a quoted field's
                         text between its quotes, with "" still doubled */
    size_t len;
    size_t offset;     /* of text's first byte (a quoted field: its opening quote) from the
                          start of the text given to cli_fields_init */
    size_t line;       /* 1-based line where the field starts */
    int quoted;
    char end;          /* what ended it: the separator (',', '\t', ' ' for blanks) or
                          '\n' for the end of its record */
    size_t end_offset; /* where that separator, or the line end, is */
} cli_field;

/* The tokenizer's place in the text. */
typedef struct cli_fields {
    const char *start, *p, *end;
    size_t line; /* line of *p, 1-based */
    cli_separator sep;
    unsigned flags;
    int open; /* the last field ended with a separator: one more follows */
} cli_fields;

void cli_fields_init(cli_fields *t, const char *text, size_t len, cli_separator sep,
                     unsigned flags);

/* 1 while a field is left: text, or an empty field after a separator at
 * the end of the text ("a," has two fields). */
int cli_fields_more(const cli_fields *t);

/* The next field into *f and CLI_OK.  With CLI_FIELDS_QUOTES,
 * CLI_ERR_SYNTAX for a quoted field whose closing quote is missing (t->p
 * is then at the end of the text) or is followed by something other than
 * blanks and a separator (t->p is then at that byte, on line t->line);
 * f->line is the line of the opening quote. */
cli_status cli_fields_next(cli_fields *t, cli_field *f);

/* Writes f's content to dst (room for f->len bytes), a quoted field's ""
 * as one quote; returns its length.  No NUL is added. */
size_t cli_field_copy(char *dst, const cli_field *f);

#endif
