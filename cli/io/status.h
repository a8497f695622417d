/*
 * status.h — how the smx command's input/output modules (cli/io: the
 * number parser, the CSV reader, the safetensors reader and writer) report
 * a failure.
 *
 * These modules never print and never exit.  Each call that can fail
 * returns an cli_io_status and, when the caller passes an cli_io_error,
 * fills it with a sentence that already names the place:
 *
 *     non-numeric value "abc" in column 2 "sepal_width" (iris.csv:14)
 *     tensor "w1": data_offsets [64, 96] end past the data section (32 bytes) (m.safetensors)
 *
 * so that the command prints `smx: error: <message>` and is done
 * (STYLE.md, "Errors").  `line` and `column` repeat the location for
 * programs and tests: 1-based, as an editor shows them, 0 when the
 * failure is not about one line or one column.
 */
#ifndef CLI_IO_STATUS_H
#define CLI_IO_STATUS_H

#include <stddef.h>

typedef enum cli_io_status {
    CLI_IO_OK = 0,
    CLI_IO_ERR_ARG,            /* a bad argument from the caller (NULL, bad option) */
    CLI_IO_ERR_NOMEM,          /* out of memory */
    CLI_IO_ERR_OPEN,           /* the file cannot be opened (missing, a directory, no permission) */
    CLI_IO_ERR_READ,           /* a read failed */
    CLI_IO_ERR_WRITE,          /* a write, flush, close or rename failed */
    CLI_IO_ERR_TOO_LARGE,      /* past a size limit: bytes, rows, columns, cells, classes */
    CLI_IO_ERR_NUL,            /* a NUL byte in a text file */
    CLI_IO_ERR_ENCODING,       /* a name or label that is not valid UTF-8 */
    CLI_IO_ERR_EMPTY,          /* no header line at all */
    CLI_IO_ERR_NO_DATA,        /* a header but no data rows */
    CLI_IO_ERR_SYNTAX,         /* a malformed CSV record (unterminated quote, text after a quote) */
    CLI_IO_ERR_HEADER,         /* a bad header: one column, an empty or duplicate name */
    CLI_IO_ERR_UNKNOWN_COLUMN, /* --target or a model feature names no column; an unexpected column */
    CLI_IO_ERR_RAGGED,         /* a row with a different number of fields than the header */
    CLI_IO_ERR_MISSING,        /* an empty cell in a feature or the target column */
    CLI_IO_ERR_NOT_NUMBER,     /* a feature cell that is not a finite number in float range */
    CLI_IO_ERR_UNKNOWN_CLASS,  /* a label the model does not know (prediction input) */
    CLI_IO_ERR_ONE_CLASS,      /* the target has fewer than two classes (cli_csv_check_classes) */
    CLI_IO_ERR_FORMAT,         /* a malformed safetensors file */
    CLI_IO_ERR_TRUNCATED,      /* a safetensors file shorter than its header says */
    CLI_IO_ERR_DTYPE,          /* a tensor whose dtype is not F32 */
    CLI_IO_ERR_NOT_FOUND,      /* no tensor of that name */
    CLI_IO_ERR_SHAPE           /* a tensor of another shape than expected */
} cli_io_status;

#define CLI_IO_MESSAGE_MAX 512

typedef struct cli_io_error {
    cli_io_status status;
    size_t line;   /* 1-based line in the input, 0 when not about a line */
    size_t column; /* 1-based column (field number), 0 when not about a column */
    char message[CLI_IO_MESSAGE_MAX]; /* "<what> (<source>:<line>)", NUL-terminated */
} cli_io_error;

/* A short name of the status ("ragged row"), never NULL. */
const char *cli_io_strstatus(cli_io_status status);

#endif
