/*
 * test_passes.c — the pass tables of src/passes.h, called directly: every
 * vector path this CPU runs against the scalar path's passes on the same
 * inputs, at the sizes where the kernels change course (the lanes, the
 * short rows, the kernels' scratch), within the bounds between paths of
 * test_isa.c; no pass writes outside its block or changes its inputs; the
 * passes over spans of a long row, merged as the planner merges them,
 * give the scalar path's whole-row results.  The checks are in
 * test_passes.inc, compiled per dtype; docs/testing.md says what each
 * one catches.
 *
 * The test picks its paths itself (not through SMX_ISA), so it is
 * registered once, without @path copies.
 */
#include "test_passes.h"

#define BOTH_DTYPES(fn)                                                                      \
    {#fn "/f32", fn##_f32, tctx_setup, tctx_teardown, (void *)&dtype_f32},                    \
        {#fn "/f64", fn##_f64, tctx_setup, tctx_teardown, (void *)&dtype_f64},

int main(void)
{
    const struct CMUnitTest tests[] = {PASS_TESTS(BOTH_DTYPES)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
