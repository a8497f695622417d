/*
 * csv.h — reading a training set or prediction input from CSV text.
 *
 * Quick start (training):
 *
 *     cli_csv_dataset d;
 *     cli_io_error err;
 *     cli_csv_options opt = {0};
 *     opt.target = "species";                 // NULL: the last column
 *     if (cli_csv_read_file(&d, "iris.csv", &opt, &err) != CLI_OK ||
 *         cli_csv_check_classes(&d, &err) != CLI_OK)
 *         return cli_error(NULL, "%s", err.message);   // ... (iris.csv:14)
 *     ... d.x[r * d.features + j], d.y[r], d.class_names[d.y[r]] ...
 *     cli_csv_free(&d);
 *
 * The text, as read:
 *   - UTF-8; a byte-order mark at the start is skipped.  A NUL byte
 *     anywhere is an error (a binary file, or UTF-16).
 *   - Lines end in LF, CRLF or a lone CR.  Lines holding only blanks are
 *     skipped wherever they are (trailing blank lines are common).
 *   - The first non-blank line is the header.  Its separator decides the
 *     file's: a comma when it has one outside quotes, else a tab when it
 *     has one, else runs of blanks (whitespace-separated, "1.5 2 3").
 *   - A field may be quoted: "a, b" holds a comma, "" is one quote, a
 *     quoted field may span lines.  Blanks around a field (and around
 *     the quotes of a quoted one) are dropped; inside quotes they stay.
 *   - Line numbers in messages count physical lines from 1, as an editor
 *     shows them; a record spanning lines is reported at the line where
 *     the failing field starts.
 *
 * The training set:
 *   - Every column but the target is a feature and holds numbers
 *     (number.h: finite, within float range; no inf/nan/NA — an empty
 *     cell is CLI_ERR_MISSING, any other non-number
 *     CLI_ERR_NOT_NUMBER, both naming line and column).
 *   - The target holds class labels: names or integers.  The classes
 *     are sorted, so the same data gives the same class indices whatever
 *     the row order: by value when every label is an integer (then the
 *     class name is the value's canonical decimal form, so "01", "+1"
 *     and "1" are one class "1"), else by bytes (strcmp) of the label as
 *     written.  Labels are kept as they are (no case folding).
 *   - Column names must be non-empty and distinct, and valid UTF-8, as
 *     must class labels (they go into the model's JSON metadata).
 *
 * Limits (cli_csv_limits; 0 takes the default): every one is checked
 * before the memory it guards is allocated, and every size product is
 * checked for overflow, so a huge or hostile file gets
 * CLI_ERR_TOO_LARGE, never an out-of-memory crash.
 */
#ifndef CLI_IO_CSV_H
#define CLI_IO_CSV_H

#include "status.h"

#include <stddef.h>
#include <stdint.h>

/* Defaults for cli_csv_limits.  1 GiB of text is far beyond any data set
 * one trains with a command-line tool, while its floats still fit in
 * memory here (24 GiB); 2^28 cells are 1 GiB of floats. */
#define CLI_CSV_DEFAULT_MAX_BYTES ((size_t)1 << 30)
#define CLI_CSV_DEFAULT_MAX_COLUMNS ((size_t)1 << 16)
#define CLI_CSV_DEFAULT_MAX_ROWS ((size_t)INT32_MAX)
#define CLI_CSV_DEFAULT_MAX_CELLS ((size_t)1 << 28)
#define CLI_CSV_DEFAULT_MAX_CLASSES ((size_t)1 << 16)

typedef struct cli_csv_limits {
    size_t max_bytes;   /* size of the input text */
    size_t max_columns; /* fields in the header */
    size_t max_rows;    /* data rows */
    size_t max_cells;   /* rows × features */
    size_t max_classes; /* distinct target labels */
} cli_csv_limits;

typedef struct cli_csv_options {
    const char *target;    /* name of the target column; NULL: the last column */
    cli_csv_limits limits; /* zeros: the defaults above */
} cli_csv_options;

/* A data set read from CSV.  Everything is owned by it; cli_csv_free()
 * releases it (and is safe on a zeroed or already freed one). */
typedef struct cli_csv_dataset {
    size_t rows;          /* data rows */
    size_t features;      /* feature columns */
    float *x;             /* [rows][features], row-major; NULL when rows == 0 */
    int32_t *y;           /* [rows] class indices in [0, n_classes); NULL: no target */
    size_t n_classes;     /* training: distinct labels; prediction: 0 */
    char **class_names;   /* [n_classes], sorted as above; NULL in prediction input */
    char **feature_names; /* [features], in column order (training) or model order */
    char *target_name;    /* the target column's name; NULL when there was none */
    size_t target_column; /* its 1-based column number; 0 when there was none */
    char *source;         /* the name used in messages: path, "<stdin>", or as given */
} cli_csv_dataset;

/* Reads a training set from `path` ("-": standard input).  On failure *out
 * is left zeroed and err says what and where. */
cli_status cli_csv_read_file(cli_csv_dataset *out, const char *path,
                                const cli_csv_options *options, cli_io_error *err);

/* The same from data[0..size) (need not be NUL-terminated); `source` names
 * it in messages (NULL: "<buffer>"). */
cli_status cli_csv_read_buffer(cli_csv_dataset *out, const char *data, size_t size,
                                  const char *source, const cli_csv_options *options,
                                  cli_io_error *err);

/* Training needs at least two classes: CLI_ERR_ONE_CLASS otherwise,
 * naming the target column and the one class.  Kept out of the readers
 * so that evaluation can read a file holding one class. */
cli_status cli_csv_check_classes(const cli_csv_dataset *d, cli_io_error *err);

void cli_csv_free(cli_csv_dataset *d);

/* Prediction input: the features a model was trained on, and maybe its
 * target column for evaluation.
 *
 * The first non-blank line is a header when it holds every one of the
 * model's feature names, or when one of its first n_features fields is
 * not a number; otherwise there is no header and it is data.
 *   - With a header, columns are matched by name, in any order; the
 *     column named `target` (if given and present) holds labels; any
 *     other column is CLI_ERR_UNKNOWN_COLUMN, and a missing feature
 *     too.  With feature_names NULL every column other than the target
 *     is a feature, in file order, and there must be n_features of them.
 *   - Without a header, a row holds the n_features features in model
 *     order, optionally followed by one more field: the label.
 * Labels are read only when class_names is given: each must be one of
 * them (exact match, or equal as integers when both are integers), else
 * CLI_ERR_UNKNOWN_CLASS; out->y then holds their indices.  Without
 * class_names labels are skipped and out->y is NULL.
 * out->feature_names holds the model's names (or the header's when
 * feature_names is NULL; "" without either). */
typedef struct cli_csv_predict_options {
    size_t n_features;                 /* the model's input width, >= 1 */
    const char *const *feature_names;  /* [n_features] or NULL */
    const char *target;                /* the model's target column name, or NULL */
    size_t n_classes;
    const char *const *class_names;    /* [n_classes] or NULL: do not read labels */
    cli_csv_limits limits;
} cli_csv_predict_options;

cli_status cli_csv_read_predict_file(cli_csv_dataset *out, const char *path,
                                        const cli_csv_predict_options *options,
                                        cli_io_error *err);
cli_status cli_csv_read_predict_buffer(cli_csv_dataset *out, const char *data, size_t size,
                                          const char *source,
                                          const cli_csv_predict_options *options,
                                          cli_io_error *err);

#endif
