/*
 * cli.h — what the smx command's subcommands share: the parsed command
 * line, number output in the chosen precision, and error reporting.
 *
 * Exit codes: 0 success, 1 a check failed or the input was bad,
 * 2 a usage error (unknown option, missing argument).  A function here
 * that prints its own message returns one of them; one that does not
 * print returns a cli_status (io/status.h).
 */
#ifndef CLI_H
#define CLI_H

#include "io/status.h"

#include <stddef.h>
#include <stdio.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* An option a subcommand accepts. */
typedef struct cli_option {
    const char *name;  /* without the leading "--" */
    const char *value; /* what its value holds ("N", "FILE"), shown in --help; NULL: a flag */
    const char *help;  /* for --help, wrapped to 80 columns */
} cli_option;

/* A subcommand: its name, its one-line summary, its usage line, its
 * options, and the function that runs it. */
typedef struct cli_command cli_command;

typedef struct cli_args {
    const cli_command *command;
    const char **words; /* the positional arguments (scores, files, "-"), in order */
    size_t n_words;
    const char **values; /* per option of the command: its value, "" for a flag, NULL if absent */
} cli_args;

struct cli_command {
    const char *name;
    const char *summary;
    const char *usage;
    const cli_option *options; /* terminated by a {NULL} entry */
    int (*run)(const cli_args *args);
};

/* The subcommands (one file per group: see.c, check.c, train.c). */
extern const cli_command cli_cmd_softmax, cli_cmd_jacobian, cli_cmd_explain, cli_cmd_gradcheck,
    cli_cmd_train, cli_cmd_predict, cli_cmd_eval, cli_cmd_info;

/* Options every command takes; cli_args.values holds them after the
 * command's own, in this order. */
extern const cli_option cli_common_options[];

/* The subcommand called `name`, or NULL. */
const cli_command *cli_find_command(const char *name);

/* Parses argv (after the subcommand's name) into args; prints the error
 * and returns CLI_EXIT_USAGE on a bad command line.  "--name" and
 * "--name=value" are options ("-h" is --help); "--" ends them; "-" and
 * anything that reads as a number ("-0.4", "-inf") are positional; any
 * other word starting with "-" is an unknown option. */
int cli_parse(cli_args *args, const cli_command *cmd, int argc, char **argv);
void cli_args_free(cli_args *args);

/* The value of option `name` (NULL when absent, "" for a given flag). */
const char *cli_value(const cli_args *args, const char *name);
int cli_flag(const cli_args *args, const char *name);

/* --precision N (default 6), checked to lie in [0, 17]. */
int cli_precision(const cli_args *args, int *precision);

/* Fails with a usage error unless the command got from `lo` to `hi`
 * positional arguments; `what` says what they are ("a model file and at
 * most one data file"). */
int cli_check_words(const cli_args *args, size_t lo, size_t hi, const char *what);

/* Prints the command's --help text to out, every line within 80 columns. */
void cli_print_help(FILE *out, const cli_command *cmd);

/* Prints text to out in lines of at most `width` columns, the first
 * starting at column `at` (already printed), the others indented by
 * `indent` spaces; breaks at blanks and at the text's own newlines. */
void cli_print_wrapped(FILE *out, const char *text, int at, int indent, int width);

/* `smx: error: <message>` on stderr, then `hint: <hint>` when hint is
 * not NULL.  Returns CLI_EXIT_FAIL so that callers can `return cli_error(..)`. */
int cli_error(const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prints a JSON document to standard output and frees it (cJSON). */
struct cJSON;
int cli_print_json(struct cJSON *root);

/* Parses a whole string as a finite number (leading/trailing blanks
 * allowed) with cli/io's parser (number.h and its statuses). */
cli_status cli_parse_number(double *out, const char *text);

/* `smx: warning: <message>` on stderr. */
void cli_warn(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* "1 row", "2 rows": the count and the noun, in the singular for 1. */
const char *cli_plural(char *buf, size_t size, size_t count, const char *one, const char *many);

/* Splits a comma-separated option value into freshly allocated strings
 * with cli/io's tokenizer (fields.h, CLI_SEP_COMMA): blanks around an
 * item dropped, "a,,b" has an empty middle item, "" is one empty item.
 * CLI_OK, or CLI_ERR_NOMEM. */
cli_status cli_split_list(char ***items, size_t *n_items, const char *text);
void cli_free_list(char **items, size_t n_items);

#endif
