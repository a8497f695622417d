/*
 * test_isa.c — the instruction-set API (smx_get_isa, smx_set_isa,
 * smx_isa_name, smx_kernel_name, SMX_ISA), and every vector path against
 * the scalar reference on the same inputs: forward results within 1 ulp of
 * each other (2 for rows longer than the kernels' scratch), the same NaN,
 * zero and -inf positions, backward passes within the cancellation bound,
 * in place equal to out of place bit for bit.
 */
#include "test_util.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const smx_isa all_isas[] = {SMX_ISA_SCALAR, SMX_ISA_AVX2, SMX_ISA_AVX512, SMX_ISA_NEON};
#define N_ISAS (sizeof all_isas / sizeof all_isas[0])

static int supported(smx_isa isa)
{
    const smx_isa before = smx_get_isa();
    const int ok = smx_set_isa(isa) == SMX_OK;
    assert_int_equal(smx_set_isa(before), SMX_OK);
    return ok;
}

/* Runs first: SMX_ISA, when it names a path this CPU has, is the path. */
static void test_env_caps_the_path(void **state)
{
    (void)state;
    const char *env = getenv("SMX_ISA");
    const smx_isa active = smx_get_isa();
    if (env && *env) {
        for (size_t i = 0; i < N_ISAS; i++)
            if (strcmp(env, smx_isa_name(all_isas[i])) == 0 && supported(all_isas[i]))
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

static void test_kernel_names(void **state)
{
    (void)state;
    const smx_isa before = smx_get_isa();
    for (size_t i = 0; i < N_ISAS; i++) {
        if (!supported(all_isas[i]))
            continue;
        assert_int_equal(smx_set_isa(all_isas[i]), SMX_OK);
        const char *own = smx_isa_name(all_isas[i]);
        const char *vector_ops[] = {"softmax", "log_softmax", "logsumexp", "softmax_axis",
                                    "softmax_backward", "log_softmax_backward",
                                    "log_softmax_jvp", "softmax_jacobian",
                                    "cross_entropy", "cross_entropy_ex",
                                    "cross_entropy_soft", "nll_loss"};
        for (size_t k = 0; k < sizeof vector_ops / sizeof vector_ops[0]; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s_f32", vector_ops[k]);
            assert_string_equal(smx_kernel_name(name), own);
            snprintf(name, sizeof name, "%s_f64", vector_ops[k]);
            assert_string_equal(smx_kernel_name(name), own);
        }
        assert_string_equal(smx_kernel_name("softmax_masked_f32"), own);
        assert_string_equal(smx_kernel_name("log_softmax_masked_f64"), own);
    }
    assert_null(smx_kernel_name("softmax"));
    assert_null(smx_kernel_name("softmax_f16"));
    assert_null(smx_kernel_name("no_such_f32"));
    assert_null(smx_kernel_name(NULL));
    assert_int_equal(smx_set_isa(before), SMX_OK);
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
        cmocka_unit_test(test_kernel_names),
        cmocka_unit_test(test_paths_agree_f32),
        cmocka_unit_test(test_paths_agree_f64),
        cmocka_unit_test(test_tiny_probabilities_weighted_f32),
        cmocka_unit_test(test_tiny_probabilities_weighted_f64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
