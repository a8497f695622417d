/*
 * dispatch.c — which path serves the public API, and the API that chooses
 * it (smx_set_isa and friends in smx.h).
 *
 * A path is a table of passes per dtype (passes.h), which the planner
 * (plan.inc) runs.  The active path is chosen once, at the first call: the
 * best the CPU supports, capped by SMX_ISA; smx_set_isa changes it.  The
 * list of operations in registry.h names the public functions that
 * smx_kernel_name and smx_operation_name answer for.  The portable scalar
 * path is the reference that every other path is tested against.
 */
#include "cpu.h"
#include "kernels.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const isa_names[] = {
    [SMX_ISA_SCALAR] = "scalar",
    [SMX_ISA_AVX2] = "avx2",
    [SMX_ISA_AVX512] = "avx512",
    [SMX_ISA_NEON] = "neon",
};
#define N_ISAS (sizeof isa_names / sizeof isa_names[0])

/* -1 until the first call has chosen. */
static atomic_int active_isa = -1;

int smx_isa_supported(smx_isa isa)
{
    return (unsigned)isa < N_ISAS && smx__cpu_supports(isa);
}

smx_isa smx_best_isa(void)
{
    for (int isa = (int)N_ISAS - 1; isa > 0; isa--)
        if (smx_isa_supported((smx_isa)isa))
            return (smx_isa)isa;
    return SMX_ISA_SCALAR;
}

/* The best path, capped by SMX_ISA when it names one this CPU has. */
static smx_isa initial_isa(void)
{
    const smx_isa best = smx_best_isa();
    const char *env = getenv("SMX_ISA");
    if (!env || !*env)
        return best;
    for (size_t isa = 0; isa < N_ISAS; isa++) {
        if (strcmp(env, isa_names[isa]) != 0)
            continue;
        if (smx_isa_supported((smx_isa)isa))
            return (smx_isa)isa;
        fprintf(stderr, "smx: SMX_ISA=%s: this CPU or build lacks it; using %s\n", env,
                isa_names[best]);
        return best;
    }
    fprintf(stderr, "smx: SMX_ISA=%s: not one of scalar, avx2, avx512, neon; using %s\n", env,
            isa_names[best]);
    return best;
}

smx_isa smx_get_isa(void)
{
    int isa = atomic_load_explicit(&active_isa, memory_order_acquire);
    if (isa < 0) { /* two first calls at once choose the same */
        isa = (int)initial_isa();
        atomic_store_explicit(&active_isa, isa, memory_order_release);
    }
    return (smx_isa)isa;
}

smx_status smx_set_isa(smx_isa isa)
{
    if (!smx_isa_supported(isa))
        return SMX_ERR_UNSUPPORTED_ISA;
    atomic_store_explicit(&active_isa, (int)isa, memory_order_release);
    return SMX_OK;
}

const char *smx_isa_name(smx_isa isa)
{
    return (unsigned)isa < N_ISAS ? isa_names[isa] : NULL;
}

/* Each operation of registry.h: the public functions it computes. */
typedef struct operation {
    const char *const *functions; /* without smx_ and the dtype; NULL-ended */
} operation;

#define FUNCTION_NAME(fn) #fn,
#define FUNCTIONS_OF(isa, sfx, op, params, ...) \
    static const char *const functions_of_##op[] = {SMX__EACH(FUNCTION_NAME, __VA_ARGS__) NULL};
SMX__OPERATIONS_OF(FUNCTIONS_OF, any, f32)

#define OPERATION(isa, sfx, op, params, ...) {functions_of_##op},
static const operation operations[] = {SMX__OPERATIONS_OF(OPERATION, any, f32)};
#define N_OPERATIONS (sizeof operations / sizeof operations[0])

/* A name in registry.h that smx.h does not declare, in either dtype, stops
 * the build here. */
#define DECLARED(fn)                                                                         \
    _Static_assert(sizeof(&smx_##fn##_f32) > 0 && sizeof(&smx_##fn##_f64) > 0,             \
                   "smx.h declares smx_" #fn "_f32 and _f64");
#define FUNCTIONS_DECLARED(isa, sfx, op, params, ...) SMX__EACH(DECLARED, __VA_ARGS__)
SMX__OPERATIONS_OF(FUNCTIONS_DECLARED, any, f32)

const char *smx_operation_name(size_t i)
{
    for (size_t k = 0; k < N_OPERATIONS; k++)
        for (const char *const *fn = operations[k].functions; *fn; fn++)
            if (i-- == 0)
                return *fn;
    return NULL;
}

/* The public functions without bf16 and f16 twins (smx.h). */
static const char *const no_half_twins[] = {"softmax_jacobian", NULL};

static int has_half_twins(const char *fn, size_t len)
{
    for (const char *const *f = no_half_twins; *f; f++)
        if (strlen(*f) == len && strncmp(*f, fn, len) == 0)
            return 0;
    return 1;
}

/* Every operation runs on the active path's passes (plan.inc); the half
 * formats on its half passes or through float tiles (plan_half.inc). */
const char *smx_kernel_name(const char *operation)
{
    if (!operation)
        return NULL;
    static const char *const dtypes[] = {"_f32", "_f64", "_bf16", "_f16"};
    const size_t len = strlen(operation);
    size_t stem = 0;
    int half = 0;
    for (size_t d = 0; d < sizeof dtypes / sizeof dtypes[0]; d++) {
        const size_t dl = strlen(dtypes[d]);
        if (len > dl && strcmp(operation + len - dl, dtypes[d]) == 0) {
            stem = len - dl;
            half = d >= 2;
        }
    }
    if (stem == 0 || (half && !has_half_twins(operation, stem)))
        return NULL;
    for (size_t i = 0; i < N_OPERATIONS; i++)
        for (const char *const *fn = operations[i].functions; *fn; fn++)
            if (strlen(*fn) == stem && strncmp(*fn, operation, stem) == 0)
                return isa_names[smx_get_isa()];
    return NULL;
}
