/*
 * dispatch.c — which kernels serve the public API, and the API that
 * chooses them (smx_set_isa and friends in smx.h).
 *
 * One table per dtype and path (kernels.h).  The portable scalar kernels
 * are the reference that every other path is tested against.  The active
 * path is chosen once, at the first call: the best the CPU supports, capped
 * by SMX_ISA; smx_set_isa changes it.
 */
#include "cpu.h"
#include "kernels.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCALAR_ENTRIES(sfx)                                                                  \
    smx__scalar_softmax_##sfx, smx__scalar_log_softmax_##sfx,                                \
        smx__scalar_softmax_masked_##sfx, smx__scalar_log_softmax_masked_##sfx,              \
        smx__scalar_logsumexp_##sfx, smx__scalar_softmax_backward_##sfx,                     \
        smx__scalar_log_softmax_backward_##sfx, smx__scalar_log_softmax_jvp_##sfx,           \
        smx__scalar_jacobian_##sfx, smx__scalar_cross_entropy_##sfx,                         \
        smx__scalar_nll_loss_##sfx

static const smx__kernels_f32 scalar_f32 = {"scalar", SCALAR_ENTRIES(f32)};
static const smx__kernels_f64 scalar_f64 = {"scalar", SCALAR_ENTRIES(f64)};

/* A vector path's table: its own kernel for every entry. */
#define SIMD_TABLE(isa, sfx)                                                                 \
    {                                                                                        \
        #isa, smx__##isa##_softmax_##sfx, smx__##isa##_log_softmax_##sfx,                    \
            smx__##isa##_softmax_masked_##sfx, smx__##isa##_log_softmax_masked_##sfx,        \
            smx__##isa##_logsumexp_##sfx, smx__##isa##_softmax_backward_##sfx,               \
            smx__##isa##_log_softmax_backward_##sfx, smx__##isa##_log_softmax_jvp_##sfx,     \
            smx__##isa##_jacobian_##sfx, smx__##isa##_cross_entropy_##sfx,                   \
            smx__##isa##_nll_loss_##sfx                                                      \
    }

#if defined(SMX_HAVE_X86_KERNELS)
static const smx__kernels_f32 avx2_f32 = SIMD_TABLE(avx2, f32);
static const smx__kernels_f32 avx512_f32 = SIMD_TABLE(avx512, f32);
static const smx__kernels_f64 avx2_f64 = SIMD_TABLE(avx2, f64);
static const smx__kernels_f64 avx512_f64 = SIMD_TABLE(avx512, f64);
#endif
#if defined(SMX_HAVE_NEON_KERNELS)
static const smx__kernels_f32 neon_f32 = SIMD_TABLE(neon, f32);
static const smx__kernels_f64 neon_f64 = SIMD_TABLE(neon, f64);
#endif

static const char *const isa_names[] = {"scalar", "avx2", "avx512", "neon"};
#define N_ISAS (sizeof isa_names / sizeof isa_names[0])

/* -1 until the first call has chosen. */
static atomic_int active_isa = -1;

smx_isa smx_best_isa(void)
{
    for (int isa = (int)N_ISAS - 1; isa > 0; isa--)
        if (smx__cpu_supports((smx_isa)isa))
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
        if (smx__cpu_supports((smx_isa)isa))
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
    if ((unsigned)isa >= N_ISAS || !smx__cpu_supports(isa))
        return SMX_ERR_UNSUPPORTED_ISA;
    atomic_store_explicit(&active_isa, (int)isa, memory_order_release);
    return SMX_OK;
}

const char *smx_isa_name(smx_isa isa)
{
    return (unsigned)isa < N_ISAS ? isa_names[isa] : NULL;
}

const smx__kernels_f32 *smx__kernels_f32_active(void)
{
    switch (smx_get_isa()) {
#if defined(SMX_HAVE_X86_KERNELS)
    case SMX_ISA_AVX2:
        return &avx2_f32;
    case SMX_ISA_AVX512:
        return &avx512_f32;
#endif
#if defined(SMX_HAVE_NEON_KERNELS)
    case SMX_ISA_NEON:
        return &neon_f32;
#endif
    default:
        return &scalar_f32;
    }
}

const smx__kernels_f64 *smx__kernels_f64_active(void)
{
    switch (smx_get_isa()) {
#if defined(SMX_HAVE_X86_KERNELS)
    case SMX_ISA_AVX2:
        return &avx2_f64;
    case SMX_ISA_AVX512:
        return &avx512_f64;
#endif
#if defined(SMX_HAVE_NEON_KERNELS)
    case SMX_ISA_NEON:
        return &neon_f64;
#endif
    default:
        return &scalar_f64;
    }
}

/* The entries of a table by operation name: the offset of each entry. */
typedef struct op_entry {
    const char *name;
    size_t offset_f32, offset_f64;
} op_entry;

#define OP(field) {#field, offsetof(smx__kernels_f32, field), offsetof(smx__kernels_f64, field)}
static const op_entry ops[] = {
    OP(softmax),          OP(log_softmax),          OP(softmax_masked),
    OP(log_softmax_masked), OP(logsumexp),          OP(softmax_backward),
    OP(log_softmax_backward), OP(log_softmax_jvp),  OP(jacobian),
    OP(cross_entropy),    OP(nll_loss),
};

/* Every public function is served by one entry; several share one (the
 * axis form of softmax is the softmax entry, the masked backward passes the
 * backward entries, all cross-entropy forms the cross_entropy entry). */
static const struct {
    const char *function, *entry;
} function_entries[] = {
    {"softmax", "softmax"},
    {"softmax_axis", "softmax"},
    {"log_softmax", "log_softmax"},
    {"log_softmax_axis", "log_softmax"},
    {"softmax_masked", "softmax_masked"},
    {"log_softmax_masked", "log_softmax_masked"},
    {"logsumexp", "logsumexp"},
    {"softmax_backward", "softmax_backward"},
    {"softmax_backward_axis", "softmax_backward"},
    {"softmax_masked_backward", "softmax_backward"},
    {"log_softmax_backward", "log_softmax_backward"},
    {"log_softmax_backward_axis", "log_softmax_backward"},
    {"log_softmax_masked_backward", "log_softmax_backward"},
    {"log_softmax_jvp", "log_softmax_jvp"},
    {"softmax_jacobian", "jacobian"},
    {"cross_entropy", "cross_entropy"},
    {"cross_entropy_ex", "cross_entropy"},
    {"cross_entropy_soft", "cross_entropy"},
    {"nll_loss", "nll_loss"},
};

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
    for (size_t i = 0; i < sizeof function_entries / sizeof function_entries[0]; i++) {
        const char *fn = function_entries[i].function;
        if (strlen(fn) != len - 4 || strncmp(fn, operation, len - 4) != 0)
            continue;
        for (size_t j = 0; j < sizeof ops / sizeof ops[0]; j++) {
            if (strcmp(ops[j].name, function_entries[i].entry) != 0)
                continue;
            const void *active = f32 ? (const void *)smx__kernels_f32_active()
                                     : (const void *)smx__kernels_f64_active();
            const void *scalar = f32 ? (const void *)&scalar_f32 : (const void *)&scalar_f64;
            const size_t off = f32 ? ops[j].offset_f32 : ops[j].offset_f64;
            if (same_entry(active, scalar, off))
                return "scalar";
            return f32 ? smx__kernels_f32_active()->name : smx__kernels_f64_active()->name;
        }
    }
    return NULL;
}
