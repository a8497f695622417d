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

/* The operations as smx_kernel_name knows them, without the dtype. */
static const char *const operations[] = {
    "softmax",          "log_softmax",      "logsumexp",       "softmax_masked",
    "softmax_backward", "log_softmax_backward", "log_softmax_jvp", "softmax_jacobian",
    "cross_entropy",    "cross_entropy_ex", "cross_entropy_soft", "nll_loss",
};
#define N_OPERATIONS (sizeof operations / sizeof operations[0])

static const smx_isa isas[] = {SMX_ISA_SCALAR, SMX_ISA_AVX2, SMX_ISA_AVX512, SMX_ISA_NEON};
#define N_ISAS (sizeof isas / sizeof isas[0])

/* Whether this CPU (and build) can run `isa`, leaving the active path as
 * it was. */
static int supported(smx_isa isa)
{
    const smx_isa active = smx_get_isa();
    const int ok = smx_set_isa(isa) == SMX_OK;
    smx_set_isa(active);
    return ok;
}

static const char *kernel_of(const char *op, const char *dtype)
{
    char name[64];
    snprintf(name, sizeof name, "%s_%s", op, dtype);
    const char *k = smx_kernel_name(name);
    return k ? k : "?";
}

static int print_json(void)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "version", smx_version());
    cJSON *avail = cJSON_AddArrayToObject(root, "supported_isas");
    for (size_t i = 0; i < N_ISAS; i++)
        if (supported(isas[i]))
            cJSON_AddItemToArray(avail, cJSON_CreateString(smx_isa_name(isas[i])));
    cJSON_AddStringToObject(root, "best_isa", smx_isa_name(smx_best_isa()));
    cJSON_AddStringToObject(root, "isa", smx_isa_name(smx_get_isa()));
    cJSON_AddNumberToObject(root, "threads", smx_get_num_threads());
    cJSON *kernels = cJSON_AddObjectToObject(root, "kernels");
    for (size_t i = 0; i < N_OPERATIONS; i++) {
        cJSON *k = cJSON_AddObjectToObject(kernels, operations[i]);
        cJSON_AddStringToObject(k, "f32", kernel_of(operations[i], "f32"));
        cJSON_AddStringToObject(k, "f64", kernel_of(operations[i], "f64"));
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
    for (size_t i = 0; i < N_ISAS; i++)
        if (supported(isas[i]))
            printf(" %s", smx_isa_name(isas[i]));
    const char *env = getenv("SMX_ISA");
    printf("\npath:    %s (best %s%s%s)\n", smx_isa_name(smx_get_isa()),
           smx_isa_name(smx_best_isa()), env && *env ? "; SMX_ISA=" : "", env && *env ? env : "");
    const char *threads_env = getenv("SMX_NUM_THREADS");
    if (threads_env && *threads_env)
        printf("threads: %d (SMX_NUM_THREADS=%s)\n", smx_get_num_threads(), threads_env);
    else
        printf("threads: %d (the online CPUs)\n", smx_get_num_threads());
    printf("\n%-22s %-8s %s\n", "kernels", "f32", "f64");
    for (size_t i = 0; i < N_OPERATIONS; i++)
        printf("  %-20s %-8s %s\n", operations[i], kernel_of(operations[i], "f32"),
               kernel_of(operations[i], "f64"));
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
