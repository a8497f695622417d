/*
 * info.c — `smx info`: the library's version, the instruction sets this
 * CPU offers, the path in use, the thread count, and which path computes
 * each operation.
 */
#include "cli.h"

#include <smx.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The paths are the smx_isa values that have a name; the operations come
 * from smx_operation_name (the library's registry of operations). */
static int is_isa(int i) { return smx_isa_name((smx_isa)i) != NULL; }

/* The width of the operation column: the longest name, at least 20. */
static int operation_width(void)
{
    size_t width = 20;
    for (size_t i = 0; smx_operation_name(i); i++) {
        const size_t len = strlen(smx_operation_name(i));
        width = len > width ? len : width;
    }
    return (int)width;
}

static const char *kernel_of(const char *op, const char *dtype)
{
    char name[64];
    snprintf(name, sizeof name, "%s_%s", op, dtype);
    const char *k = smx_kernel_name(name);
    return k ? k : "-";
}

static int print_json(void)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "version", smx_version());
    cJSON *avail = cJSON_AddArrayToObject(root, "supported_isas");
    for (int i = 0; is_isa(i); i++)
        if (smx_isa_supported((smx_isa)i))
            cJSON_AddItemToArray(avail, cJSON_CreateString(smx_isa_name((smx_isa)i)));
    cJSON_AddStringToObject(root, "best_isa", smx_isa_name(smx_best_isa()));
    cJSON_AddStringToObject(root, "isa", smx_isa_name(smx_get_isa()));
    cJSON_AddNumberToObject(root, "threads", smx_get_num_threads());
    cJSON *kernels = cJSON_AddObjectToObject(root, "kernels");
    for (size_t i = 0; smx_operation_name(i); i++) {
        const char *op = smx_operation_name(i);
        cJSON *k = cJSON_AddObjectToObject(kernels, op);
        cJSON_AddStringToObject(k, "f32", kernel_of(op, "f32"));
        cJSON_AddStringToObject(k, "f64", kernel_of(op, "f64"));
        cJSON_AddStringToObject(k, "bf16", kernel_of(op, "bf16"));
        cJSON_AddStringToObject(k, "f16", kernel_of(op, "f16"));
    }
    return cli_print_json(root);
}

static int run_info(const cli_args *args)
{
    if (cli_check_words(args, 0, 0, "no arguments"))
        return CLI_EXIT_USAGE;
    if (cli_flag(args, "json"))
        return print_json();
    printf("smx %s\n", smx_version());
    printf("instruction sets:");
    for (int i = 0; is_isa(i); i++)
        if (smx_isa_supported((smx_isa)i))
            printf(" %s", smx_isa_name((smx_isa)i));
    const char *env = getenv("SMX_ISA");
    printf("\npath:    %s (best %s%s%s)\n", smx_isa_name(smx_get_isa()),
           smx_isa_name(smx_best_isa()), env && *env ? "; SMX_ISA=" : "", env && *env ? env : "");
    const char *threads_env = getenv("SMX_NUM_THREADS");
    if (threads_env && *threads_env)
        printf("threads: %d (SMX_NUM_THREADS=%s)\n", smx_get_num_threads(), threads_env);
    else
        printf("threads: %d (the online CPUs)\n", smx_get_num_threads());
    const int width = operation_width();
    printf("\n%-*s %-8s %-8s %-8s %s\n", width + 2, "kernels", "f32", "f64", "bf16", "f16");
    for (size_t i = 0; smx_operation_name(i); i++) {
        const char *op = smx_operation_name(i);
        printf("  %-*s %-8s %-8s %-8s %s\n", width, op, kernel_of(op, "f32"),
               kernel_of(op, "f64"), kernel_of(op, "bf16"), kernel_of(op, "f16"));
    }
    return CLI_EXIT_OK;
}

static const cli_option info_options[] = {{"json", NULL, "print JSON for scripts"},
                                          {NULL, NULL, NULL}};
const cli_command cli_cmd_info = {
    "info",
    "Print the library version, the instruction sets of this CPU, the path and\n"
    "thread count in use, and the kernel that computes each operation.",
    "smx info [--json]",
    info_options,
    run_info,
};
