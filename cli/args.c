/*
 * args.c — the smx command line: options, numbers and words.
 *
 * An argument that parses as a number is a number even when it starts
 * with '-': `smx softmax 1.43 -0.40 0.23` has three numbers and no
 * options.  Everything else starting with "--" is an option of the
 * command (or a common one); anything else is a word (a file, or "-").
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const cli_option cli_common_options[] = {
    {"help", 0, "show this help and exit"},
    {NULL, 0, NULL},
};

static size_t count_options(const cli_option *opts)
{
    size_t n = 0;
    while (opts && opts[n].name)
        n++;
    return n;
}

int cli_error(const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("smx: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (hint)
        fprintf(stderr, "hint: %s\n", hint);
    return CLI_EXIT_FAIL;
}

int cli_parse_number(const char *text, double *out)
{
    while (*text == ' ' || *text == '\t')
        text++;
    if (*text == '\0')
        return -1;
    char *end;
    errno = 0;
    const double v = strtod(text, &end);
    if (end == text)
        return -1;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0' || !isfinite(v) || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
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

int cli_parse(cli_args *args, const cli_command *cmd, int argc, char **argv)
{
    const size_t n_values = count_options(cmd->options) + count_options(cli_common_options);
    memset(args, 0, sizeof *args);
    args->command = cmd;
    args->numbers = malloc(sizeof(double) * (size_t)(argc + 1));
    args->words = malloc(sizeof(char *) * (size_t)(argc + 1));
    args->values = calloc(n_values + 1, sizeof(char *));
    if (!args->numbers || !args->words || !args->values) {
        cli_args_free(args);
        cli_error(NULL, "out of memory");
        return CLI_EXIT_FAIL;
    }

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        double v;
        if (cli_parse_number(a, &v) == 0) {
            args->numbers[args->n_numbers++] = v;
            continue;
        }
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (a[0] == '-' && a[1] != '\0' && strcmp(a, "--") != 0) {
                cli_error("options are spelled --name; see `smx %s --help`",
                          "unknown option '%s'", a);
                cli_args_free(args);
                return CLI_EXIT_USAGE;
            }
            args->words[args->n_words++] = a;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        const size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_option *opt = NULL;
        const long idx = find_option(cmd, name, len, &opt);
        if (idx < 0) {
            char hint[128];
            snprintf(hint, sizeof hint, "see `smx %s --help`", cmd->name);
            cli_error(hint, "unknown option '--%.*s' for 'smx %s'", (int)len, name, cmd->name);
            cli_args_free(args);
            return CLI_EXIT_USAGE;
        }
        if (!opt->takes_value) {
            if (eq) {
                cli_error(NULL, "option '--%s' takes no value", opt->name);
                cli_args_free(args);
                return CLI_EXIT_USAGE;
            }
            args->values[idx] = "";
        } else if (eq) {
            args->values[idx] = eq + 1;
        } else if (i + 1 < argc) {
            args->values[idx] = argv[++i];
        } else {
            cli_error(NULL, "option '--%s' needs a value", opt->name);
            cli_args_free(args);
            return CLI_EXIT_USAGE;
        }
    }
    return CLI_EXIT_OK;
}

void cli_args_free(cli_args *args)
{
    free(args->numbers);
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

int cli_precision(const cli_args *args, int *precision)
{
    const char *v = cli_value(args, "precision");
    double p;
    *precision = 6;
    if (!v)
        return 0;
    if (cli_parse_number(v, &p) != 0 || p != floor(p) || p < 0 || p > 17)
        return cli_error("use an integer from 0 to 17", "bad --precision '%s'", v);
    *precision = (int)p;
    return 0;
}

void cli_print_help(FILE *out, const cli_command *cmd)
{
    fprintf(out, "usage: %s\n\n%s\n\noptions:\n", cmd->usage, cmd->summary);
    const cli_option *lists[2] = {cmd->options, cli_common_options};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; lists[l] && lists[l][i].name; i++) {
            char left[40];
            snprintf(left, sizeof left, "--%s%s", lists[l][i].name,
                     lists[l][i].takes_value ? " VALUE" : "");
            fprintf(out, "  %-24s %s\n", left, lists[l][i].help);
        }
    }
}

int cli_split_list(const char *text, char ***items, size_t *n_items)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    char **out = calloc(n, sizeof *out);
    if (!out)
        return -1;
    const char *start = text;
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(start, ',');
        const size_t len = end ? (size_t)(end - start) : strlen(start);
        out[i] = malloc(len + 1);
        if (!out[i]) {
            cli_free_list(out, i);
            return -1;
        }
        memcpy(out[i], start, len);
        out[i][len] = '\0';
        start = end ? end + 1 : start + len;
    }
    *items = out;
    *n_items = n;
    return 0;
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
