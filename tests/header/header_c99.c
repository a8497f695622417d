/*
 * header_c99.c — smx.h as a C99 program sees it.  Built by the header_c99
 * test with -std=c99 -Wall -Wextra -Wpedantic -Werror -Wstrict-prototypes
 * and linked with libsmx: the header must need nothing newer than C99,
 * survive being included twice, and declare what the library defines.
 */
#include <smx.h>
#include <smx.h> /* the include guard */

#include <stdio.h>

int main(void)
{
    float x[3] = {1.43f, -0.40f, 0.23f}, y[3];
    double jac[9], s[3] = {0.5, 0.25, 0.25};
    smx_mask_f32 mask = {0, 0, 0, 0};
    smx_cross_entropy_options_f64 opts = {SMX_REDUCTION_SUM, 0, 0, 0, 0.0};
    smx_status st = smx_softmax_f32(y, x, 1, 3);

    if (st == SMX_OK)
        st = smx_softmax_masked_f32(y, x, 1, 3, 1.0f, &mask);
    if (st == SMX_OK)
        st = smx_softmax_jacobian_f64(jac, s, 3);
    (void)opts;
    printf("smx %s (%d.%d.%d): %s\n", smx_version(), SMX_VERSION_MAJOR, SMX_VERSION_MINOR,
           SMX_VERSION_PATCH, smx_strerror(st));
    return st == SMX_OK ? 0 : 1;
}
