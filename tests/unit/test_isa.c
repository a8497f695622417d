/*
 * test_isa.c — the instruction-set API (smx_get_isa, smx_set_isa,
 * smx_isa_supported, smx_isa_name, smx_kernel_name, smx_operation_name,
 * SMX_ISA), the list of operations against smx.h, and every vector path against
 * the scalar reference on the same inputs: forward results within 1 ulp of
 * each other (2 for rows longer than the kernels' scratch), the same NaN,
 * zero and -inf positions, backward passes within the cancellation bound,
 * in place equal to out of place bit for bit.
 */
#include "test_util.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const smx_isa all_isas[] = {SMX_ISA_SCALAR, SMX_ISA_AVX2, SMX_ISA_AVX512, SMX_ISA_NEON};
#define N_ISAS (sizeof all_isas / sizeof all_isas[0])

/* Runs first: SMX_ISA, when it names a path this CPU has, is the path. */
static void test_env_caps_the_path(void **state)
{
    (void)state;
    const char *env = getenv("SMX_ISA");
    const smx_isa active = smx_get_isa();
    if (env && *env) {
        for (size_t i = 0; i < N_ISAS; i++)
            if (strcmp(env, smx_isa_name(all_isas[i])) == 0 && smx_isa_supported(all_isas[i]))
                assert_int_equal(active, all_isas[i]);
    } else {
        assert_int_equal(active, smx_best_isa());
    }
}

static void test_names_and_setting(void **state)
{
    (void)state;
    assert_string_equal(smx_isa_name(SMX_ISA_SCALAR), "scalar");
    assert_string_equal(smx_isa_name(SMX_ISA_AVX2), "avx2");
    assert_string_equal(smx_isa_name(SMX_ISA_AVX512), "avx512");
    assert_string_equal(smx_isa_name(SMX_ISA_NEON), "neon");
    assert_null(smx_isa_name((smx_isa)99));

    const smx_isa before = smx_get_isa();
    assert_int_equal(smx_set_isa((smx_isa)99), SMX_ERR_UNSUPPORTED_ISA);
    assert_int_equal(smx_get_isa(), before);
#if defined(__x86_64__)
    assert_int_equal(smx_set_isa(SMX_ISA_NEON), SMX_ERR_UNSUPPORTED_ISA);
    assert_int_equal(smx_get_isa(), before);
#elif defined(__aarch64__)
    assert_int_equal(smx_set_isa(SMX_ISA_AVX2), SMX_ERR_UNSUPPORTED_ISA);
#endif
    assert_int_equal(smx_set_isa(SMX_ISA_SCALAR), SMX_OK);
    assert_int_equal(smx_get_isa(), SMX_ISA_SCALAR);
    assert_string_equal(smx_kernel_name("softmax_f32"), "scalar");
    assert_int_equal(smx_set_isa(smx_best_isa()), SMX_OK);
    assert_int_equal(smx_get_isa(), smx_best_isa());
    assert_non_null(smx_strerror(SMX_ERR_UNSUPPORTED_ISA));
    assert_int_equal(smx_set_isa(before), SMX_OK);
}

/* smx_isa_supported answers without switching: as smx_set_isa would, for
 * every value, with the best path among the supported ones and nothing
 * supported above it. */
static void test_isa_supported(void **state)
{
    (void)state;
    const smx_isa before = smx_get_isa();
    assert_int_equal(smx_isa_supported(SMX_ISA_SCALAR), 1);
    assert_int_equal(smx_isa_supported((smx_isa)-1), 0);
    assert_int_equal(smx_isa_supported((smx_isa)N_ISAS), 0);
    assert_int_equal(smx_isa_supported((smx_isa)99), 0);
    for (int isa = -1; isa <= (int)N_ISAS; isa++) {
        const int supported = smx_isa_supported((smx_isa)isa);
        assert_true(supported == 0 || supported == 1);
        assert_int_equal(smx_get_isa(), before); /* asking changes nothing */
        assert_int_equal(smx_set_isa((smx_isa)isa) == SMX_OK, supported);
        assert_int_equal(smx_set_isa(before), SMX_OK);
        if (isa > (int)smx_best_isa())
            assert_int_equal(supported, 0);
    }
    assert_int_equal(smx_isa_supported(smx_best_isa()), 1);
#if defined(__x86_64__) && defined(__GNUC__)
    /* the compiler's own CPU test (CPUID and the OS's register state):
     * AVX2 with FMA exactly; AVX-512 at least where F, BW, DQ and VL are
     * (a build that emulates AVX-512 offers it on AVX2 CPUs too) */
    __builtin_cpu_init();
    const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const int avx512 = avx2 && __builtin_cpu_supports("avx512f") &&
                       __builtin_cpu_supports("avx512bw") &&
                       __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    assert_int_equal(smx_isa_supported(SMX_ISA_AVX2), avx2);
    if (avx512)
        assert_int_equal(smx_isa_supported(SMX_ISA_AVX512), 1);
    if (smx_isa_supported(SMX_ISA_AVX512))
        assert_int_equal(avx2, 1);
    assert_int_equal(smx_isa_supported(SMX_ISA_NEON), 0);
#elif defined(__aarch64__)
    assert_int_equal(smx_isa_supported(SMX_ISA_NEON), 1);
    assert_int_equal(smx_isa_supported(SMX_ISA_AVX2), 0);
    assert_int_equal(smx_isa_supported(SMX_ISA_AVX512), 0);
#endif
}

/* Each path computes every operation of smx_operation_name (the library's
 * registry), in every dtype it comes in, with its own passes; the
 * Jacobian has no half-precision twins. */
static void test_kernel_names(void **state)
{
    (void)state;
    const smx_isa before = smx_get_isa();
    for (size_t i = 0; i < N_ISAS; i++) {
        if (!smx_isa_supported(all_isas[i]))
            continue;
        assert_int_equal(smx_set_isa(all_isas[i]), SMX_OK);
        const char *own = smx_isa_name(all_isas[i]);
        for (size_t k = 0; smx_operation_name(k); k++) {
            char name[64];
            snprintf(name, sizeof name, "%s_f32", smx_operation_name(k));
            assert_string_equal(smx_kernel_name(name), own);
            snprintf(name, sizeof name, "%s_f64", smx_operation_name(k));
            assert_string_equal(smx_kernel_name(name), own);
            const int half = strcmp(smx_operation_name(k), "softmax_jacobian") != 0;
            snprintf(name, sizeof name, "%s_bf16", smx_operation_name(k));
            if (half)
                assert_string_equal(smx_kernel_name(name), own);
            else
                assert_null(smx_kernel_name(name));
            snprintf(name, sizeof name, "%s_f16", smx_operation_name(k));
            if (half)
                assert_string_equal(smx_kernel_name(name), own);
            else
                assert_null(smx_kernel_name(name));
        }
    }
    assert_null(smx_kernel_name("softmax"));
    assert_null(smx_kernel_name("softmax_f8"));
    assert_null(smx_kernel_name("_bf16"));
    assert_null(smx_kernel_name("no_such_f32"));
    assert_null(smx_kernel_name("_f32"));
    assert_null(smx_kernel_name("softmax_axis_f32x"));
    assert_null(smx_kernel_name(NULL));
    assert_int_equal(smx_set_isa(before), SMX_OK);
}

/* Whether the `len` characters at `stem` are a name of smx_operation_name. */
static int is_operation(const char *stem, size_t len)
{
    for (size_t k = 0; smx_operation_name(k); k++)
        if (strlen(smx_operation_name(k)) == len && strncmp(smx_operation_name(k), stem, len) == 0)
            return 1;
    return 0;
}

/* The registry against smx.h itself: every function the header declares
 * in an _f32 and an _f64 form (smx_<name>_f32( ... )) is an operation,
 * and every operation is such a pair, each name once. */
static void test_operations_are_the_header_functions(void **state)
{
    (void)state;
    FILE *f = fopen(SMX_HEADER_PATH, "rb");
    assert_non_null(f);
    static char header[1 << 17];
    const size_t size = fread(header, 1, sizeof header - 1, f);
    assert_true(size > 0 && size < sizeof header - 1 && !ferror(f));
    fclose(f);
    header[size] = 0;

    for (const char *p = header; (p = strstr(p, "smx_")) != NULL; p++) {
        if (p > header && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
            continue;
        size_t len = 4;
        while (isalnum((unsigned char)p[len]) || p[len] == '_')
            len++;
        const int f32 = len > 8 && strncmp(p + len - 4, "_f32", 4) == 0;
        const int f64 = len > 8 && strncmp(p + len - 4, "_f64", 4) == 0;
        if ((!f32 && !f64) || p[len] != '(')
            continue; /* a type, or not a dtype function */
        char twin[96];
        snprintf(twin, sizeof twin, "%.*s_%s(", (int)len - 4, p, f32 ? "f64" : "f32");
        if (!strstr(header, twin))
            continue; /* one form only, as smx_bf16_to_f32: a conversion */
        if (!is_operation(p + 4, len - 8))
            fail_msg("smx.h declares %.*s, which is no operation of smx_operation_name",
                     (int)len, p);
    }
    size_t count = 0;
    for (size_t k = 0; smx_operation_name(k); k++, count++) {
        for (size_t j = 0; j < k; j++)
            assert_string_not_equal(smx_operation_name(j), smx_operation_name(k));
        for (int d = 0; d < 2; d++) {
            char call[80];
            snprintf(call, sizeof call, "smx_%s_%s(", smx_operation_name(k), d ? "f64" : "f32");
            if (!strstr(header, call))
                fail_msg("operation %s: smx.h declares no %.*s", smx_operation_name(k),
                         (int)strlen(call) - 1, call);
        }
    }
    assert_true(count >= 19); /* the functions of this version */
    assert_null(smx_operation_name(count + 1));
    assert_null(smx_operation_name((size_t)-1));
}

/* ---- every path against the scalar path ------------------------------ */

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}
enum { ROWS = 3 };
static const size_t lengths[] = {1,  2,  3,   4,    5,    7,    8,    9,   15,
                                 16, 17, 31, 33, 100, 1000, 4096, 4097, 6000, 70001};

/* f32: both paths round a double result once: 1 ulp apart, 2 for rows
 * longer than the vector kernels' scratch (their exponentials wait in
 * float).  f64: the scalar kernels are within 1.5 ulp (2 steps for
 * log-softmax) and the vector ones within 0.6, so 2.5 apart. */
#define REAL float
#define SFX "f32"
#define NAME(f) f##_f32
#define MANT 24
#define MIN_EXP (-149)
#define EPS FLT_EPSILON
#define FORWARD_ULPS(n) ((n) > 4096 ? 2 : 1)
#define LOG_ULPS 1
#include "isa_paths.inc"
#undef REAL
#undef SFX
#undef NAME
#undef MANT
#undef MIN_EXP
#undef EPS
#undef FORWARD_ULPS
#undef LOG_ULPS

#define REAL double
#define SFX "f64"
#define NAME(f) f##_f64
#define MANT 53
#define MIN_EXP (-1074)
#define EPS DBL_EPSILON
#define FORWARD_ULPS(n) 2.5
#define LOG_ULPS 2.5
#include "isa_paths.inc"

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env_caps_the_path),
        cmocka_unit_test(test_names_and_setting),
        cmocka_unit_test(test_isa_supported),
        cmocka_unit_test(test_kernel_names),
        cmocka_unit_test(test_operations_are_the_header_functions),
        cmocka_unit_test(test_paths_agree_f32),
        cmocka_unit_test(test_paths_agree_f64),
        cmocka_unit_test(test_tiny_probabilities_weighted_f32),
        cmocka_unit_test(test_tiny_probabilities_weighted_f64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
