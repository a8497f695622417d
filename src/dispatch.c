/*
 * dispatch.c — which kernels serve the public API.
 *
 * One table per dtype (kernels.h).  The portable scalar kernels are the
 * reference that every other implementation is tested against; they are
 * the whole table until per-ISA kernels join it.
 */
#include "kernels.h"

static const smx__kernels_f32 scalar_f32 = {
    "scalar",
    smx__scalar_softmax_f32,
    smx__scalar_log_softmax_f32,
    smx__scalar_softmax_masked_f32,
    smx__scalar_log_softmax_masked_f32,
    smx__scalar_logsumexp_f32,
    smx__scalar_softmax_backward_f32,
    smx__scalar_log_softmax_backward_f32,
    smx__scalar_log_softmax_jvp_f32,
    smx__scalar_jacobian_f32,
    smx__scalar_cross_entropy_f32,
    smx__scalar_nll_loss_f32,
};

static const smx__kernels_f64 scalar_f64 = {
    "scalar",
    smx__scalar_softmax_f64,
    smx__scalar_log_softmax_f64,
    smx__scalar_softmax_masked_f64,
    smx__scalar_log_softmax_masked_f64,
    smx__scalar_logsumexp_f64,
    smx__scalar_softmax_backward_f64,
    smx__scalar_log_softmax_backward_f64,
    smx__scalar_log_softmax_jvp_f64,
    smx__scalar_jacobian_f64,
    smx__scalar_cross_entropy_f64,
    smx__scalar_nll_loss_f64,
};

const smx__kernels_f32 *smx__kernels_f32_active(void) { return &scalar_f32; }

const smx__kernels_f64 *smx__kernels_f64_active(void) { return &scalar_f64; }
