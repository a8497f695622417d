/*
 * optim.c — smx_nn's optimizers: SGD, heavy-ball momentum and Adam, with
 * L2 weight decay on the weights only.
 *
 * Each update follows PyTorch's torch.optim implementation operation for
 * operation (weight decay added to the gradient, momentum without
 * dampening, Adam's bias corrections folded into a step size and a
 * denominator scale), so that a run can be compared with PyTorch's step by
 * step.  The parameters and moments are float, as in a float32 PyTorch
 * model; the bias corrections are computed in double, as PyTorch does in
 * Python floats.
 */
#include "nn.h"

#include <math.h>
#include <stdlib.h>

nn_status nn_optim_init(nn_optim *opt, const nn_config *config, size_t n)
{
    if (!opt || !config)
        return NN_ERR_NULL_POINTER;
    const nn_status st = nn_config_check(config);
    if (st != NN_OK)
        return st;

    nn_optim o = {0};
    o.kind = config->optimizer;
    o.lr = (float)config->learning_rate;
    o.momentum = (float)config->momentum;
    o.beta1 = (float)config->beta1;
    o.beta2 = (float)config->beta2;
    /* 1 - beta in double, then rounded, as PyTorch passes alpha=1-beta1 (a
     * Python float): 1 - 0.9 rounds to 0.1f, where 1.0f - 0.9f would give
     * 0.100000024f. */
    o.one_minus_beta1 = (float)(1.0 - config->beta1);
    o.one_minus_beta2 = (float)(1.0 - config->beta2);
    o.epsilon = (float)config->epsilon;
    o.weight_decay = (float)config->weight_decay;
    o.n = n;
    /* calloc: the moments start at zero, and n * sizeof overflow is its
     * job to refuse.  +1 so that n == 0 is not a NULL that means failure. */
    if (o.kind != NN_SGD && !(o.m = calloc(n + 1, sizeof *o.m)))
        return NN_ERR_NO_MEMORY;
    if (o.kind == NN_ADAM && !(o.v = calloc(n + 1, sizeof *o.v))) {
        free(o.m);
        return NN_ERR_NO_MEMORY;
    }
    *opt = o;
    return NN_OK;
}

void nn_optim_free(nn_optim *opt)
{
    if (!opt)
        return;
    free(opt->m);
    free(opt->v);
    *opt = (nn_optim){0};
}

void nn_optim_tick(nn_optim *opt)
{
    opt->t++;
    if (opt->kind == NN_ADAM) {
        /* PyTorch: bias_correction1 = 1 - beta1 ** step (a double), then
         * step_size = lr / bias_correction1 and
         * denom = sqrt(v) / sqrt(bias_correction2) + eps. */
        const double t = (double)opt->t;
        const double bc1 = 1.0 - pow((double)opt->beta1, t);
        const double bc2 = 1.0 - pow((double)opt->beta2, t);
        opt->step_size = (float)((double)opt->lr / bc1);
        opt->bc2_sqrt = (float)sqrt(bc2);
    }
}

void nn_optim_update(nn_optim *opt, float *restrict p, const float *restrict g,
                     size_t off, size_t n, float wd)
{
    const float lr = opt->lr;
    switch (opt->kind) {
    case NN_SGD:
        for (size_t i = 0; i < n; i++) {
            const float gi = g[i] + wd * p[i];
            p[i] -= lr * gi;
        }
        break;
    case NN_MOMENTUM: {
        /* torch.optim.SGD(momentum=mu, dampening=0): buf = mu buf + g,
         * p -= lr buf.  The first step starts from buf = 0, which gives
         * PyTorch's buf = g exactly (mu * 0 + g = g). */
        float *restrict m = opt->m + off;
        const float mu = opt->momentum;
        for (size_t i = 0; i < n; i++) {
            const float gi = g[i] + wd * p[i];
            m[i] = mu * m[i] + gi;
            p[i] -= lr * m[i];
        }
        break;
    }
    case NN_ADAM: {
        float *restrict m = opt->m + off;
        float *restrict v = opt->v + off;
        const float b1 = opt->beta1, b2 = opt->beta2, eps = opt->epsilon;
        const float c1 = opt->one_minus_beta1, c2 = opt->one_minus_beta2;
        const float step = opt->step_size, bc2s = opt->bc2_sqrt;
        /* Blocks of four independent lanes, so that the square roots and
         * divisions overlap (and vectorise with -fno-math-errno); the
         * tail runs the same formula one lane at a time. */
#define ADAM_LANE(i)                                                                         \
    do {                                                                                     \
        const float gi = g[i] + wd * p[i];                                                   \
        m[i] = m[i] * b1 + c1 * gi;      /* exp_avg.mul_(b1).add_(g, alpha=1-b1) */           \
        v[i] = v[i] * b2 + c2 * gi * gi; /* exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2) */ \
        const float denom = sqrtf(v[i]) / bc2s + eps;                                        \
        p[i] -= step * m[i] / denom; /* p.addcdiv_(m, denom, value=-step_size) */            \
    } while (0)
        size_t i = 0;
        for (; i + 4 <= n; i += 4)
            for (size_t k = i; k < i + 4; k++)
                ADAM_LANE(k);
        for (; i < n; i++)
            ADAM_LANE(i);
#undef ADAM_LANE
        break;
    }
    }
}

void nn_optim_step(nn_optim *opt, nn_model *model, const float *grad)
{
    nn_optim_tick(opt);
    for (size_t l = 0; l < model->n_layers; l++) {
        const nn_layer *L = &model->layers[l];
        const size_t w_off = (size_t)(L->weight - model->params);
        const size_t b_off = (size_t)(L->bias - model->params);
        nn_optim_update(opt, L->weight, grad + w_off, w_off, L->out * L->in,
                        opt->weight_decay);
        nn_optim_update(opt, L->bias, grad + b_off, b_off, L->out, 0.0f);
    }
}
