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
typedef struct shape {
    size_t rows, cols;
} shape;
enum { OUTS = 11 };
/* The losses of run_all: 2 reduced, rows per row (none), rows of
 * logsumexp, and after them the soft-target and NLL losses. */
#define LOSSES(rows) (3 * (rows) + 5)

#define REAL float
#define SFX "f32"
#define NAME(f) f##_f32
#include "threads_same_bits.inc"
#undef REAL
#undef SFX
#undef NAME
#define REAL double
#define SFX "f64"
#define NAME(f) f##_f64
#include "threads_same_bits.inc"

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_count_api),
        cmocka_unit_test(test_same_bits_for_any_thread_count_f32),
        cmocka_unit_test(test_same_bits_for_any_thread_count_f64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
