/*
 * header_cxx11.cpp — smx.h as a C++11 program sees it.  Built by the
 * header_cxx11 test with -std=c++11 -Wall -Wextra -Wpedantic -Werror and
 * linked with libsmx: the link fails if a declaration lacks extern "C".
 */
#include <smx.h>
#include <smx.h> // the include guard

#include <cstdio>

int main()
{
    const float x[3] = {1.43f, -0.40f, 0.23f};
    float y[3];
    smx_status st = smx_softmax_f32(y, x, 1, 3);

    double loss = 0.0;
    const double z[3] = {1.43, -0.40, 0.23};
    const int32_t label[1] = {0};
    smx_cross_entropy_options_f64 opts = smx_cross_entropy_options_f64();
    opts.reduction = SMX_REDUCTION_MEAN;
    if (st == SMX_OK)
        st = smx_cross_entropy_ex_f64(&loss, nullptr, z, label, 1, 3, &opts);

    std::printf("smx %s: %s\n", smx_version(), smx_strerror(st));
    return st == SMX_OK ? 0 : 1;
}
