/*
 * main.c — the smx command: finds the subcommand and runs it.
 */
#include "cli.h"

#include <smx.h>

#include <string.h>

static const cli_command *const commands[] = {
    &cli_cmd_softmax, &cli_cmd_jacobian, &cli_cmd_explain, &cli_cmd_gradcheck,
    &cli_cmd_train,   &cli_cmd_predict,  &cli_cmd_eval,    &cli_cmd_info,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: smx COMMAND [ARGS...]   (smx COMMAND --help for its options)\n\n"
                 "SoftMax and its derivatives, from the command line.\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const char *summary = commands[i]->summary;
        const char *dot = strchr(summary, '.');
        const int len = dot ? (int)(dot - summary) : (int)strlen(summary);
        /* the first sentence, on one line */
        fprintf(out, "  %-10s ", commands[i]->name);
        for (int k = 0; k < len; k++)
            fputc(summary[k] == '\n' ? ' ' : summary[k], out);
        fputc('\n', out);
    }
    fprintf(out, "\n  smx --version   print the version\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("smx %s\n", smx_version());
        return CLI_EXIT_OK;
    }
    if (!strcmp(name, "--help") || !strcmp(name, "help") || !strcmp(name, "-h")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(name, commands[i]->name) != 0)
            continue;
        cli_args args;
        int rc = cli_parse(&args, commands[i], argc - 2, argv + 2);
        if (rc != CLI_EXIT_OK)
            return rc;
        if (cli_flag(&args, "help")) {
            cli_print_help(stdout, commands[i]);
            rc = CLI_EXIT_OK;
        } else {
            rc = commands[i]->run(&args);
        }
        cli_args_free(&args);
        return rc;
    }
    cli_error("run `smx --help` for the list of commands", "unknown command '%s'", name);
    return CLI_EXIT_USAGE;
}
