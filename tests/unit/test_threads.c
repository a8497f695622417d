/*
 * test_threads.c — the thread-count API, and results that are the same
 * bits for every thread count, on every path: many rows, short rows, one
 * long row cut into chunks, several long rows; special values included.
 */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_thread_count_api(void **state)
{
    (void)state;
    const int before = smx_get_num_threads();
    assert_true(before >= 1);
    assert_int_equal(smx_set_num_threads(-1), SMX_ERR_BAD_OPTION);
    assert_int_equal(smx_get_num_threads(), before);
    assert_int_equal(smx_set_num_threads(3), SMX_OK);
    assert_int_equal(smx_get_num_threads(), 3);
    assert_int_equal(smx_set_num_threads(100000), SMX_OK);
    assert_int_equal(smx_get_num_threads(), 256);
    assert_int_equal(smx_set_num_threads(0), SMX_OK); /* the default again */
    assert_true(smx_get_num_threads() >= 1);
    const char *env = getenv("SMX_NUM_THREADS");
    if (env && atoi(env) >= 1 && atoi(env) <= 256)
        assert_int_equal(smx_get_num_threads(), atoi(env));
    assert_int_equal(smx_set_num_threads(before), SMX_OK);
}

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

typedef struct shape {
    size_t rows, cols;
} shape;

/* The outputs of the five vector operations (and the losses), for one
 * thread count. */
enum { OUTS = 6 };
static void run_all(float **out, float *losses, const float *x, const float *dy,
                    const int32_t *labels, shape sh)
{
    assert_int_equal(smx_softmax_f32(out[0], x, sh.rows, sh.cols), SMX_OK);
    assert_int_equal(smx_log_softmax_f32(out[1], x, sh.rows, sh.cols), SMX_OK);
    assert_int_equal(smx_softmax_backward_f32(out[2], out[0], dy, sh.rows, sh.cols), SMX_OK);
    assert_int_equal(smx_log_softmax_backward_f32(out[3], out[1], dy, sh.rows, sh.cols), SMX_OK);
    smx_cross_entropy_options_f32 opt = {.reduction = SMX_REDUCTION_NONE,
                                         .has_ignore_index = 1,
                                         .ignore_index = labels[0]};
    assert_int_equal(smx_cross_entropy_ex_f32(losses + 2, out[4], x, labels, sh.rows, sh.cols,
                                              &opt),
                     SMX_OK);
    opt.reduction = SMX_REDUCTION_MEAN;
    assert_int_equal(smx_cross_entropy_ex_f32(losses, out[5], x, labels, sh.rows, sh.cols, &opt),
                     SMX_OK);
    assert_int_equal(smx_cross_entropy_f32(losses + 1, NULL, x, labels, sh.rows, sh.cols),
                     SMX_OK);
}

static void test_same_bits_for_any_thread_count(void **state)
{
    (void)state;
    const shape shapes[] = {{1, 3 * 65536 + 123}, {3, 70001}, {200, 1000}, {9000, 10},
                            {7001, 3}, {40, 2048}};
    const smx_isa isas[] = {SMX_ISA_SCALAR, SMX_ISA_AVX2, SMX_ISA_AVX512, SMX_ISA_NEON};
    const smx_isa isa_before = smx_get_isa();
    const int threads_before = smx_get_num_threads();
    uint64_t s = 0x7EAD500000000001u;
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        const shape sh = shapes[si];
        const size_t N = sh.rows * sh.cols;
        float *x = malloc(N * sizeof *x), *dy = malloc(N * sizeof *dy);
        int32_t *labels = malloc(sh.rows * sizeof *labels);
        float *ref[OUTS], *got[OUTS];
        float *ref_loss = malloc((sh.rows + 2) * sizeof(float));
        float *got_loss = malloc((sh.rows + 2) * sizeof(float));
        for (int k = 0; k < OUTS; k++) {
            ref[k] = malloc(N * sizeof(float));
            got[k] = malloc(N * sizeof(float));
        }
        for (size_t i = 0; i < N; i++) {
            x[i] = uniform(&s, 30.0f);
            dy[i] = uniform(&s, 1.0f);
        }
        for (size_t r = 0; r < sh.rows; r++)
            labels[r] = (int32_t)(next(&s) % sh.cols);
        x[next(&s) % N] = -INFINITY;
        if (sh.rows > 2) { /* a NaN row and a +inf row among the others */
            x[1 * sh.cols + next(&s) % sh.cols] = NAN;
            x[2 * sh.cols + next(&s) % sh.cols] = INFINITY;
        }
        for (size_t p = 0; p < sizeof isas / sizeof isas[0]; p++) {
            if (smx_set_isa(isas[p]) != SMX_OK)
                continue;
            for (int threads = 1; threads <= 4; threads++) {
                assert_int_equal(smx_set_num_threads(threads), SMX_OK);
                run_all(threads == 1 ? ref : got, threads == 1 ? ref_loss : got_loss, x, dy,
                        labels, sh);
                if (threads == 1)
                    continue;
                for (int k = 0; k < OUTS; k++)
                    if (memcmp(ref[k], got[k], N * sizeof(float)) != 0)
                        fail_msg("%s, %zux%zu, output %d: %d threads differ from 1",
                                 smx_isa_name(isas[p]), sh.rows, sh.cols, k, threads);
                if (memcmp(ref_loss, got_loss, (sh.rows + 2) * sizeof(float)) != 0)
                    fail_msg("%s, %zux%zu, losses: %d threads differ from 1",
                             smx_isa_name(isas[p]), sh.rows, sh.cols, threads);
            }
        }
        free(x);
        free(dy);
        free(labels);
        free(ref_loss);
        free(got_loss);
        for (int k = 0; k < OUTS; k++) {
            free(ref[k]);
            free(got[k]);
        }
    }
    assert_int_equal(smx_set_isa(isa_before), SMX_OK);
    assert_int_equal(smx_set_num_threads(threads_before), SMX_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_count_api),
        cmocka_unit_test(test_same_bits_for_any_thread_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
