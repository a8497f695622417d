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
        const char *vector_ops[] = {"softmax_f32", "log_softmax_f32", "softmax_axis_f32",
                                    "softmax_backward_f32", "log_softmax_backward_f32",
                                    "cross_entropy_f32", "cross_entropy_ex_f32"};
        for (size_t k = 0; k < sizeof vector_ops / sizeof vector_ops[0]; k++)
            assert_string_equal(smx_kernel_name(vector_ops[k]), own);
        assert_string_equal(smx_kernel_name("softmax_f64"), "scalar");
        assert_string_equal(smx_kernel_name("softmax_masked_f32"), "scalar");
        assert_string_equal(smx_kernel_name("softmax_jacobian_f32"), "scalar");
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
static float uniform(uint64_t *s, float scale)
{
    return scale * (float)((double)(next(s) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
}

/* Distance in ulp between two floats of the same sign class. */
static double ulp_diff(float a, float b)
{
    if (a == b)
        return 0;
    const double m = fmax(fabs((double)a), fabs((double)b));
    int e;
    frexp(m, &e);
    const double ulp = ldexp(1.0, (e - 24 < -149 ? -149 : e - 24));
    return fabs((double)a - (double)b) / ulp;
}

enum { ROWS = 3 };
static const size_t lengths[] = {1,  2,  3,   4,    5,    7,    8,    9,   15,
                                 16, 17, 31, 33, 100, 1000, 4096, 4097, 6000, 70001};

/* Row r of a test matrix: random scores, with -inf entries, ties at the
 * maximum, or (row kinds 3..5) a NaN, a +inf, nothing but -inf. */
static void fill_case(float *x, size_t n, int kind, uint64_t *s)
{
    const float scale = kind % 3 == 0 ? 1.0f : kind % 3 == 1 ? 10.0f : 100.0f;
    for (size_t k = 0; k < n; k++)
        x[k] = uniform(s, scale);
    if (kind >= 1 && n > 2)
        x[next(s) % n] = -INFINITY;
    if (kind == 2 && n > 3)
        x[0] = x[n - 1] = 200.0f; /* a tie at the maximum */
    if (kind == 3)
        x[next(s) % n] = NAN;
    if (kind == 4)
        x[next(s) % n] = INFINITY;
    if (kind == 5)
        for (size_t k = 0; k < n; k++)
            x[k] = -INFINITY;
}

static void check_close(const char *what, smx_isa isa, size_t n, const float *got,
                        const float *want, size_t count, double ulps)
{
    for (size_t i = 0; i < count; i++) {
        const int same_class = (isnan(got[i]) && isnan(want[i])) ||
                               (!isnan(got[i]) && !isnan(want[i]) &&
                                (got[i] == 0) == (want[i] == 0) &&
                                isinf(got[i]) == isinf(want[i]));
        if (!same_class || (!isnan(got[i]) && ulp_diff(got[i], want[i]) > ulps))
            fail_msg("%s on %s, n = %zu, element %zu: %.9g vs scalar %.9g", what,
                     smx_isa_name(isa), n, i, (double)got[i], (double)want[i]);
    }
}

/* The backward passes may differ by the reduction's rounding: a few ulp of
 * y * max(|dy|, |<dy, y>|), or of max(|dy|, exp(y) |sum dy|). */
static void check_backward(const char *what, smx_isa isa, size_t n, const float *got,
                           const float *want, const float *y, const float *dy, int log_form)
{
    for (size_t r = 0; r < ROWS; r++) {
        double red = 0;
        for (size_t k = 0; k < n; k++) {
            const float yk = y[r * n + k];
            if (log_form ? yk != -INFINITY : yk != 0)
                red += log_form ? (double)dy[r * n + k] : (double)yk * dy[r * n + k];
        }
        for (size_t k = 0; k < n; k++) {
            const size_t i = r * n + k;
            const double g = fabs((double)dy[i]);
            const double scale = log_form ? fmax(g, exp((double)y[i]) * fabs(red))
                                          : (double)y[i] * fmax(g, fabs(red));
            const double diff = fabs((double)got[i] - (double)want[i]);
            if (!(diff <= 4 * FLT_EPSILON * scale) && !(isnan(got[i]) && isnan(want[i])))
                fail_msg("%s on %s, n = %zu, element %zu: %.9g vs scalar %.9g", what,
                         smx_isa_name(isa), n, i, (double)got[i], (double)want[i]);
        }
    }
}

static void test_paths_agree(void **state)
{
    (void)state;
    const smx_isa before = smx_get_isa();
    uint64_t s = 0x15A0000000000001u;
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li], N = ROWS * n;
        float *x = malloc(N * sizeof *x), *dy = malloc(N * sizeof *dy);
        float *want[6], *got[6];
        for (int j = 0; j < 6; j++) {
            want[j] = malloc(N * sizeof(float));
            got[j] = malloc(N * sizeof(float));
        }
        int32_t labels[ROWS];
        for (int kind = 0; kind < 6; kind++) {
            for (size_t r = 0; r < ROWS; r++) {
                fill_case(x + r * n, n, r == 1 ? kind : kind % 3, &s);
                labels[r] = (int32_t)(next(&s) % n);
            }
            for (size_t i = 0; i < N; i++)
                dy[i] = uniform(&s, 1.0f);
            float loss_want[ROWS], loss_got[ROWS];
            const smx_cross_entropy_options_f32 none = {.reduction = SMX_REDUCTION_NONE};

            for (size_t p = 0; p < N_ISAS; p++) {
                const smx_isa isa = all_isas[p];
                if (!supported(isa))
                    continue;
                assert_int_equal(smx_set_isa(isa), SMX_OK);
                float **out = isa == SMX_ISA_SCALAR ? want : got;
                float *loss = isa == SMX_ISA_SCALAR ? loss_want : loss_got;
                assert_int_equal(smx_softmax_f32(out[0], x, ROWS, n), SMX_OK);
                assert_int_equal(smx_log_softmax_f32(out[1], x, ROWS, n), SMX_OK);
                /* the backward passes from the scalar path's outputs */
                assert_int_equal(smx_softmax_backward_f32(out[2], want[0], dy, ROWS, n), SMX_OK);
                assert_int_equal(smx_log_softmax_backward_f32(out[3], want[1], dy, ROWS, n),
                                 SMX_OK);
                assert_int_equal(smx_cross_entropy_ex_f32(loss, out[4], x, labels, ROWS, n,
                                                          &none),
                                 SMX_OK);
                /* in place: y == x gives the out-of-place result bit for bit */
                memcpy(out[5], x, N * sizeof(float));
                assert_int_equal(smx_softmax_f32(out[5], out[5], ROWS, n), SMX_OK);
                assert_memory_equal(out[5], out[0], N * sizeof(float));
                memcpy(out[5], x, N * sizeof(float));
                assert_int_equal(smx_cross_entropy_ex_f32(loss, out[5], out[5], labels, ROWS,
                                                          n, &none),
                                 SMX_OK);
                assert_memory_equal(out[5], out[4], N * sizeof(float));
                if (isa == SMX_ISA_SCALAR)
                    continue;
                const double ulps = n > 4096 ? 2 : 1;
                check_close("softmax", isa, n, got[0], want[0], N, ulps);
                check_close("log_softmax", isa, n, got[1], want[1], N, 1);
                check_close("cross_entropy dx", isa, n, got[4], want[4], N, ulps);
                check_close("cross_entropy loss", isa, n, loss_got, loss_want, ROWS, 1);
                check_backward("softmax_backward", isa, n, got[2], want[2], want[0], dy, 0);
                check_backward("log_softmax_backward", isa, n, got[3], want[3], want[1], dy, 1);
            }
        }
        free(x);
        free(dy);
        for (int j = 0; j < 6; j++) {
            free(want[j]);
            free(got[j]);
        }
    }
    assert_int_equal(smx_set_isa(before), SMX_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env_caps_the_path),
        cmocka_unit_test(test_names_and_setting),
        cmocka_unit_test(test_kernel_names),
        cmocka_unit_test(test_paths_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
