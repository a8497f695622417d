/*
 * dispatch.c — which kernels serve the public API, and the API that
 * chooses them (smx_set_isa and friends in smx.h).
 *
 * One table per dtype and path (kernels.h), each built from the list of
 * operations in registry.h, which also names the public functions that
 * smx_kernel_name and smx_operation_name answer for.  The portable scalar
 * kernels are the reference that every other path is tested against.  The
 * active path is chosen once, at the first call: the best the CPU
 * supports, capped by SMX_ISA; smx_set_isa changes it.
 */
#include "cpu.h"
#include "kernels.h"

#include <assert.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A path's table: its own kernel for every operation of registry.h,
 * `.softmax = smx__avx2_softmax_f32` and so on. */
#define TABLE_ENTRY(isa, sfx, op, params, ...) .op = SMX__KERNEL(isa, op, sfx),
#define TABLE(isa, sfx) {.name = #isa, SMX__OPERATIONS_OF(TABLE_ENTRY, isa, sfx)}

static const smx__kernels_f32 scalar_f32 = TABLE(scalar, f32);
static const smx__kernels_f64 scalar_f64 = TABLE(scalar, f64);
#if defined(SMX_HAVE_X86_KERNELS)
static const smx__kernels_f32 avx2_f32 = TABLE(avx2, f32);
static const smx__kernels_f32 avx512_f32 = TABLE(avx512, f32);
static const smx__kernels_f64 avx2_f64 = TABLE(avx2, f64);
static const smx__kernels_f64 avx512_f64 = TABLE(avx512, f64);
#endif
#if defined(SMX_HAVE_NEON_KERNELS)
static const smx__kernels_f32 neon_f32 = TABLE(neon, f32);
static const smx__kernels_f64 neon_f64 = TABLE(neon, f64);
#endif

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

/* The tables by path; NULL for a path this build leaves out, which
 * smx__cpu_supports never offers. */
static const smx__kernels_f32 *const tables_f32[N_ISAS] = {
    [SMX_ISA_SCALAR] = &scalar_f32,
#if defined(SMX_HAVE_X86_KERNELS)
    [SMX_ISA_AVX2] = &avx2_f32,
    [SMX_ISA_AVX512] = &avx512_f32,
#endif
#if defined(SMX_HAVE_NEON_KERNELS)
    [SMX_ISA_NEON] = &neon_f32,
#endif
};
static const smx__kernels_f64 *const tables_f64[N_ISAS] = {
    [SMX_ISA_SCALAR] = &scalar_f64,
#if defined(SMX_HAVE_X86_KERNELS)
    [SMX_ISA_AVX2] = &avx2_f64,
    [SMX_ISA_AVX512] = &avx512_f64,
#endif
#if defined(SMX_HAVE_NEON_KERNELS)
    [SMX_ISA_NEON] = &neon_f64,
#endif
};

const smx__kernels_f32 *smx__kernels_f32_active(void)
{
    const smx__kernels_f32 *table = tables_f32[smx_get_isa()];
    assert(table);
    return table;
}

const smx__kernels_f64 *smx__kernels_f64_active(void)
{
    const smx__kernels_f64 *table = tables_f64[smx_get_isa()];
    assert(table);
    return table;
}

/* Each operation of registry.h: the public functions it computes, and
 * its entry in the tables of either dtype. */
typedef struct operation {
    const char *const *functions; /* without smx_ and the dtype; NULL-ended */
    size_t offset_f32, offset_f64;
} operation;

#define FUNCTION_NAME(fn) #fn,
#define FUNCTIONS_OF(isa, sfx, op, params, ...) \
    static const char *const functions_of_##op[] = {SMX__EACH(FUNCTION_NAME, __VA_ARGS__) NULL};
SMX__OPERATIONS_OF(FUNCTIONS_OF, any, f32)

#define OPERATION(isa, sfx, op, params, ...) \
    {functions_of_##op, offsetof(smx__kernels_f32, op), offsetof(smx__kernels_f64, op)},
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

/* Whether two tables hold the same function at `offset`. */
static int same_entry(const void *a, const void *b, size_t offset)
{
    return memcmp((const char *)a + offset, (const char *)b + offset,
                  sizeof(void (*)(void))) == 0;
}

const char *smx_kernel_name(const char *operation)
{
    if (!operation)
        return NULL;
    const size_t len = strlen(operation);
    if (len < 4)
        return NULL;
    const char *dtype = operation + len - 4;
    const int f32 = strcmp(dtype, "_f32") == 0;
    if (!f32 && strcmp(dtype, "_f64") != 0)
        return NULL;
    for (size_t i = 0; i < N_OPERATIONS; i++) {
        for (const char *const *fn = operations[i].functions; *fn; fn++) {
            if (strlen(*fn) != len - 4 || strncmp(*fn, operation, len - 4) != 0)
                continue;
            const void *active = f32 ? (const void *)smx__kernels_f32_active()
                                     : (const void *)smx__kernels_f64_active();
            const void *scalar = f32 ? (const void *)&scalar_f32 : (const void *)&scalar_f64;
            const size_t off = f32 ? operations[i].offset_f32 : operations[i].offset_f64;
            if (same_entry(active, scalar, off))
                return "scalar";
            return f32 ? smx__kernels_f32_active()->name : smx__kernels_f64_active()->name;
        }
    }
    return NULL;
}
