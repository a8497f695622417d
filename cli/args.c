/*
 * args.c — the smx command line: options and positional arguments, the
 * one number parser and the one tokenizer (cli/io's) for option values,
 * messages, and --help.
 *
 * An argument that reads as a number is positional even when it starts
 * with '-': `smx softmax 1.43 -0.40 -inf` has three scores and no
 * options.  "--name" is an option of the command (or a common one), "-h"
 * is --help, "--" ends the options; any other word starting with '-' is
 * an unknown option.  Positional arguments keep their order; each
 * command says what they are and refuses any it does not use.
 */
#include "cli.h"

#include "io/fields.h"
#include "io/number.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const cli_option cli_common_options[] = {
    {"help", NULL, "show this help and exit (also -h)"},
    {NULL, NULL, NULL},
};

static size_t count_options(const cli_option *opts)
{
    size_t n = 0;
    while (opts && opts[n].name)
        n++;
    return n;
}

/* "smx: error: " and the message, then the hint when there is one. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void report(const char *hint, const char *fmt, va_list ap)
{
    fputs("smx: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (hint)
        fprintf(stderr, "hint: %s\n", hint);
}

int cli_error(const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(hint, fmt, ap);
    va_end(ap);
    return CLI_EXIT_FAIL;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("smx: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

const char *cli_plural(char *buf, size_t size, size_t count, const char *one, const char *many)
{
    snprintf(buf, size, "%zu %s", count, count == 1 ? one : many);
    return buf;
}

cli_status cli_parse_number(double *out, const char *text)
{
    return cli_parse_f64(out, text, strlen(text), 0);
}

/* Finds option `name` (of length len) among the command's and the common
 * options; its index in cli_args.values, or -1. */
static long find_option(const cli_command *cmd, const char *name, size_t len,
                        const cli_option **opt)
{
    const size_t n_own = count_options(cmd->options);
    for (size_t i = 0; i < n_own; i++) {
        if (strlen(cmd->options[i].name) == len && !strncmp(cmd->options[i].name, name, len)) {
            *opt = &cmd->options[i];
            return (long)i;
        }
    }
    for (size_t i = 0; cli_common_options[i].name; i++) {
        if (strlen(cli_common_options[i].name) == len &&
            !strncmp(cli_common_options[i].name, name, len)) {
            *opt = &cli_common_options[i];
            return (long)(n_own + i);
        }
    }
    return -1;
}

/* A word that is a number, special values included: a score, not an option. */
static int reads_as_number(const char *a)
{
    double v;
    /* out of range or too long is still a number: the command says so */
    const cli_status st = cli_parse_f64(&v, a, strlen(a), CLI_PARSE_ALLOW_NONFINITE);
    return st != CLI_ERR_NOT_NUMBER && st != CLI_ERR_MISSING;
}

/* A bad command line: the message and hint, args freed, CLI_EXIT_USAGE. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int usage_error(cli_args *args, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(hint, fmt, ap);
    va_end(ap);
    cli_args_free(args);
    return CLI_EXIT_USAGE;
}

int cli_parse(cli_args *args, const cli_command *cmd, int argc, char **argv)
{
    const size_t n_values = count_options(cmd->options) + count_options(cli_common_options);
    memset(args, 0, sizeof *args);
    args->command = cmd;
    args->words = malloc(sizeof(char *) * (size_t)(argc + 1));
    args->values = calloc(n_values + 1, sizeof(char *));
    if (!args->words || !args->values) {
        cli_args_free(args);
        cli_error(NULL, "out of memory");
        return CLI_EXIT_FAIL;
    }
    char hint[96];
    snprintf(hint, sizeof hint, "see `smx %s --help`", cmd->name);

    int options_end = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options_end || a[0] != '-' || !strcmp(a, "-") || reads_as_number(a)) {
            args->words[args->n_words++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            options_end = 1;
            continue;
        }
        const char *name = a + 2;
        size_t len;
        const char *eq = NULL;
        if (!strcmp(a, "-h")) {
            name = "help";
            len = 4;
        } else if (a[1] != '-') {
            return usage_error(args, hint, "unknown option '%s' for 'smx %s' (options are "
                               "spelled --name)", a, cmd->name);
        } else {
            eq = strchr(name, '=');
            len = eq ? (size_t)(eq - name) : strlen(name);
        }
        const cli_option *opt = NULL;
        const long idx = find_option(cmd, name, len, &opt);
        if (idx < 0)
            return usage_error(args, hint, "unknown option '--%.*s' for 'smx %s'", (int)len, name,
                               cmd->name);
        if (!opt->value) {
            if (eq)
                return usage_error(args, hint, "option '--%s' takes no value", opt->name);
            args->values[idx] = "";
        } else if (eq) {
            args->values[idx] = eq + 1;
        } else if (i + 1 < argc) {
            args->values[idx] = argv[++i];
        } else {
            return usage_error(args, hint, "option '--%s' needs a value (%s)", opt->name,
                               opt->value);
        }
    }
    return CLI_EXIT_OK;
}

void cli_args_free(cli_args *args)
{
    free((void *)args->words);
    free((void *)args->values);
    memset(args, 0, sizeof *args);
}

const char *cli_value(const cli_args *args, const char *name)
{
    const cli_option *opt;
    const long idx = find_option(args->command, name, strlen(name), &opt);
    return idx < 0 ? NULL : args->values[idx];
}

int cli_flag(const cli_args *args, const char *name) { return cli_value(args, name) != NULL; }

int cli_check_words(const cli_args *args, size_t lo, size_t hi, const char *what)
{
    if (args->n_words >= lo && args->n_words <= hi)
        return CLI_EXIT_OK;
    char hint[200];
    snprintf(hint, sizeof hint, "usage: %s", args->command->usage);
    for (char *p = hint; *p; p++)
        *p = *p == '\n' ? ' ' : *p; /* the usage on one line */
    if (args->n_words > hi)
        cli_error(hint, "unexpected argument '%s': 'smx %s' takes %s", args->words[hi],
                  args->command->name, what);
    else
        cli_error(hint, "'smx %s' needs %s", args->command->name, what);
    return CLI_EXIT_USAGE;
}

int cli_precision(const cli_args *args, int *precision)
{
    const char *v = cli_value(args, "precision");
    double p;
    *precision = 6;
    if (!v)
        return 0;
    if (cli_parse_number(&p, v) != CLI_OK || p != floor(p) || p < 0 || p > 17)
        return cli_error("use an integer from 0 to 17", "bad --precision '%s'", v);
    *precision = (int)p;
    return 0;
}

void cli_print_wrapped(FILE *out, const char *text, int at, int indent, int width)
{
    int col = at, fresh = 1; /* fresh: nothing on this line yet */
    for (const char *p = text; *p;) {
        if (*p == '\n' || *p == ' ') {
            if (*p == '\n') {
                fprintf(out, "\n%*s", indent, "");
                col = indent;
                fresh = 1;
            }
            p++;
            continue;
        }
        const size_t len = strcspn(p, " \n");
        if (!fresh && col + 1 + (int)len > width) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            fresh = 1;
        }
        if (!fresh) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, len, out);
        col += (int)len;
        fresh = 0;
        p += len;
    }
    fputc('\n', out);
}

void cli_print_help(FILE *out, const cli_command *cmd)
{
    fputs("usage: ", out);
    cli_print_wrapped(out, cmd->usage, 7, 7, 80);
    fputc('\n', out);
    cli_print_wrapped(out, cmd->summary, 0, 0, 80);
    fputs("\noptions:\n", out);
    const cli_option *lists[2] = {cmd->options, cli_common_options};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; lists[l] && lists[l][i].name; i++) {
            char left[40];
            snprintf(left, sizeof left, "--%s%s%s", lists[l][i].name,
                     lists[l][i].value ? " " : "", lists[l][i].value ? lists[l][i].value : "");
            fprintf(out, "  %-22s ", left);
            if (strlen(left) > 22) /* a long option gets a line of its own */
                fprintf(out, "\n%25s", "");
            cli_print_wrapped(out, lists[l][i].help, 25, 25, 80);
        }
    }
}

cli_status cli_split_list(char ***items, size_t *n_items, const char *text)
{
    cli_fields t;
    const size_t len = strlen(text);
    size_t n = 0, cap = 4;
    char **out = malloc(cap * sizeof *out);
    if (!out)
        return CLI_ERR_NOMEM;
    cli_fields_init(&t, text, len, CLI_SEP_COMMA, 0);
    do { /* once at least: "" is one empty item */
        cli_field f = {text, 0, 0, 1, 0, '\n', 0};
        if (cli_fields_more(&t))
            cli_fields_next(&t, &f); /* without quotes, never an error */
        if (n == cap) {
            char **grown = realloc(out, 2 * cap * sizeof *out);
            if (!grown) {
                cli_free_list(out, n);
                return CLI_ERR_NOMEM;
            }
            out = grown;
            cap *= 2;
        }
        if (!(out[n] = malloc(f.len + 1))) {
            cli_free_list(out, n);
            return CLI_ERR_NOMEM;
        }
        out[n][cli_field_copy(out[n], &f)] = '\0';
        n++;
    } while (cli_fields_more(&t));
    *items = out;
    *n_items = n;
    return CLI_OK;
}

void cli_free_list(char **items, size_t n_items)
{
    for (size_t i = 0; i < n_items; i++)
        free(items[i]);
    free(items);
}

int cli_print_json(cJSON *root)
{
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return cli_error(NULL, "out of memory");
    puts(text);
    cJSON_free(text);
    return CLI_EXIT_OK;
}
