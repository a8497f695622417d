/*
 * status.h — cli_status, the one status of the smx command's application
 * layer, and the located message of a failed input or output.
 *
 * Two layers, one convention each:
 *   - A function that does not print (all of cli/io: the number parser,
 *     the field tokenizer, the name lookup, the CSV reader, the
 *     safetensors reader and writer; and the command's own silent
 *     helpers) returns a cli_status: CLI_OK or why not.
 *   - A function that prints its own message (the commands and their
 *     steps, in cli/) returns the process's exit code, CLI_EXIT_* of
 *     cli.h.  It turns a cli_status into a message where it knows the
 *     words for it.
 *
 * cli/io never prints and never exits.  Each of its calls that can fail
 * returns a cli_status and, when the caller passes a cli_io_error, fills
 * it with a sentence that already names the place:
 *
 *     non-numeric value "abc" in column 2 "sepal_width" (iris.csv:14)
 *     tensor "w1": data_offsets [64, 96] end past the data section (32 bytes) (m.safetensors)
 *
 * so that the command prints `smx: error: <message>` and is done.  `line`
 * and `column` repeat the location for programs and tests: 1-based, as an
 * editor shows them, 0 when the failure is not about one line or one
 * column.
 */
#ifndef CLI_IO_STATUS_H
#define CLI_IO_STATUS_H

#include <stddef.h>

typedef enum cli_status {
    CLI_OK = 0,
    /* the caller, the machine, the file */
    CLI_ERR_ARG,            /* a bad argument from the caller (NULL, bad option, unknown format) */
    CLI_ERR_NOMEM,          /* out of memory */
    CLI_ERR_OPEN,           /* the file cannot be opened (missing, a directory, no permission) */
    CLI_ERR_READ,           /* a read failed */
    CLI_ERR_WRITE,          /* a write, flush, close or rename failed */
    CLI_ERR_TOO_LARGE,      /* past a size limit: bytes, rows, columns, cells, classes */
    /* text and fields */
    CLI_ERR_NUL,            /* a NUL byte in a text file */
    CLI_ERR_ENCODING,       /* a name or label that is not valid UTF-8 */
    CLI_ERR_SYNTAX,         /* a malformed record (unterminated quote, text after a quote) */
    CLI_ERR_MISSING,        /* an empty field: nothing but blanks where a value belongs */
    /* one number (number.h); a CSV cell reports any of them as NOT_NUMBER */
    CLI_ERR_NOT_NUMBER,     /* not a number in the grammar of number.h */
    CLI_ERR_NONFINITE,      /* inf or nan where only finite numbers are allowed */
    CLI_ERR_RANGE,          /* beyond the type's range (or negative for a size) */
    CLI_ERR_TOO_LONG,       /* a number longer than CLI_PARSE_MAX_LEN characters */
    /* data sets (csv.h) */
    CLI_ERR_EMPTY,          /* no header line at all */
    CLI_ERR_NO_DATA,        /* a header but no data rows */
    CLI_ERR_HEADER,         /* a bad header: one column, an empty or duplicate name */
    CLI_ERR_UNKNOWN_COLUMN, /* --target or a model feature names no column; an unexpected column */
    CLI_ERR_RAGGED,         /* a row with a different number of fields than the header */
    CLI_ERR_UNKNOWN_CLASS,  /* a label the model does not know (prediction input) */
    CLI_ERR_ONE_CLASS,      /* the target has fewer than two classes (cli_csv_check_classes) */
    /* model files (safetensors.h) */
    CLI_ERR_FORMAT,         /* a malformed safetensors file */
    CLI_ERR_TRUNCATED,      /* a safetensors file shorter than its header says */
    CLI_ERR_DTYPE,          /* a tensor whose dtype is not F32 */
    CLI_ERR_NOT_FOUND,      /* no tensor of that name */
    CLI_ERR_SHAPE           /* a tensor of another shape than expected */
} cli_status;

/* The last status, for tests that go through them all. */
#define CLI_STATUS_LAST CLI_ERR_SHAPE

#define CLI_IO_MESSAGE_MAX 512

typedef struct cli_io_error {
    cli_status status;
    size_t line;   /* 1-based line in the input, 0 when not about a line */
    size_t column; /* 1-based column (field number), 0 when not about a column */
    char message[CLI_IO_MESSAGE_MAX]; /* "<what> (<source>:<line>)", NUL-terminated */
} cli_io_error;

/* A short name of the status ("ragged row", "not a number"), never NULL. */
const char *cli_strstatus(cli_status status);

#endif
