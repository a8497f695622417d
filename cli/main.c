/*
 * main.c — the smx command: finds the subcommand and runs it.
 */
#include "cli.h"

#include "io/number.h"

#include <smx.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const cli_command *const commands[] = {
    &cli_cmd_softmax, &cli_cmd_jacobian, &cli_cmd_explain, &cli_cmd_gradcheck,
    &cli_cmd_train,   &cli_cmd_predict,  &cli_cmd_eval,    &cli_cmd_info,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

const cli_command *cli_find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(name, commands[i]->name))
            return commands[i];
    return NULL;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: smx COMMAND [ARGS...]   (smx help COMMAND for its options)\n\n"
                 "SoftMax and its derivatives, from the command line.\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const char *summary = commands[i]->summary;
        size_t len = 0; /* up to the first full stop that ends a sentence */
        while (summary[len] && !(summary[len] == '.' && (summary[len + 1] == ' ' ||
                                                         summary[len + 1] == '\n' ||
                                                         summary[len + 1] == '\0')))
            len++;
        char first[256]; /* the first sentence, on one line */
        snprintf(first, sizeof first, "%.*s", (int)len, summary);
        for (char *p = first; *p; p++)
            *p = *p == '\n' ? ' ' : *p;
        fprintf(out, "  %-10s ", commands[i]->name);
        cli_print_wrapped(out, first, 13, 13, 80);
    }
    fprintf(out, "\n  smx --version   print the version (also -V)\n"
                 "  smx --help      this list (also -h)\n");
}

/* The library ignores an SMX_NUM_THREADS that is not a whole number >= 1
 * (src/parallel.c); a user who set it should hear that, once. */
static void check_threads_env(void)
{
    const char *env = getenv("SMX_NUM_THREADS");
    if (!env || !*env)
        return;
    /* The library reads it with strtol: blanks before the digits but not
     * after them, and a number too large for a long is capped, not
     * ignored. */
    const size_t len = strlen(env);
    int64_t n = 0;
    const cli_status st = cli_parse_i64(&n, env, len);
    const int too_large = st == CLI_ERR_RANGE && !strchr(env, '-');
    const int blank_after = isspace((unsigned char)env[len - 1]);
    if ((st != CLI_OK && !too_large) || (st == CLI_OK && n < 1) || blank_after)
        cli_warn("SMX_NUM_THREADS=%s is not a whole number >= 1: ignored, using %d threads "
                 "(the online CPUs)",
                 env, smx_get_num_threads());
}

static int run_command(const cli_command *cmd, int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(&args, cmd, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (cli_flag(&args, "help")) {
        cli_print_help(stdout, cmd);
        rc = CLI_EXIT_OK;
    } else {
        rc = cmd->run(&args);
    }
    cli_args_free(&args);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "-V") || !strcmp(name, "version")) {
        printf("smx %s\n", smx_version());
        return CLI_EXIT_OK;
    }
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        if (argc == 2) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        const cli_command *cmd = cli_find_command(argv[2]);
        if (!cmd) {
            cli_error("run `smx --help` for the list of commands", "unknown command '%s'",
                      argv[2]);
            return CLI_EXIT_USAGE;
        }
        if (argc > 3) {
            cli_error("smx help COMMAND", "unexpected argument '%s'", argv[3]);
            return CLI_EXIT_USAGE;
        }
        cli_print_help(stdout, cmd);
        return CLI_EXIT_OK;
    }
    const cli_command *cmd = cli_find_command(name);
    if (!cmd) {
        cli_error("run `smx --help` for the list of commands", "unknown command '%s'", name);
        return CLI_EXIT_USAGE;
    }
    check_threads_env();
    return run_command(cmd, argc - 2, argv + 2);
}
