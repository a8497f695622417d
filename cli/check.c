/*
 * check.c — `smx gradcheck`: every derivative of the library against
 * central finite differences of its forward function, in double.
 *
 * Each check evaluates a scalar function f of the scores through the
 * library (f = <v, forward(x)> for a random v, or a loss), perturbs one
 * input at a time by ±h, and compares (f(x+h) - f(x-h)) / (2h) with the
 * analytic gradient.  Inputs are chosen to be hard: large scores, masked
 * entries (-inf), long rows, label smoothing and class weights.
 */
#include "cli.h"
#include "nn.h"

#include <smx.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Central differences in double leave about 1e-9 relative error at these
 * step sizes; a wrong formula is off by O(1). */
#define GRADCHECK_BOUND 1e-6
#define GRADCHECK_STEP 1e-5

/* splitmix64: a small seeded generator, so the checks are repeatable. */
static uint64_t check_rng = 0x5eed;
static double uniform(void)
{
    uint64_t z = (check_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

/* A scalar function of n inputs, with its analytic gradient. */
typedef struct check_case {
    const char *name;
    size_t n;
    double *x;
    double (*f)(const struct check_case *c, const double *x);
    void (*grad)(const struct check_case *c, const double *x, double *g);
    /* problem data */
    size_t rows, cols;
    double *v, *work, *work2;
    int32_t *labels;
    double *targets, *weights;
    double scale, smoothing;
    smx_mask_f64 mask;
} check_case;

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0) /* 0 * -inf is 0 here: masked outputs carry no weight */
            s += a[i] * b[i];
    return s;
}

/* f = <v, softmax(x)> and its gradient softmax_backward(y, v). */
static double f_softmax(const check_case *c, const double *x)
{
    smx_softmax_f64(c->work, x, c->rows, c->cols);
    return dot(c->work, c->v, c->n);
}
static void g_softmax(const check_case *c, const double *x, double *g)
{
    smx_softmax_f64(c->work, x, c->rows, c->cols);
    smx_softmax_backward_f64(g, c->work, c->v, c->rows, c->cols);
}

/* f = <v, log_softmax(x)> over the finite outputs. */
static double f_log_softmax(const check_case *c, const double *x)
{
    smx_log_softmax_f64(c->work, x, c->rows, c->cols);
    double s = 0;
    for (size_t i = 0; i < c->n; i++)
        if (isfinite(c->work[i]))
            s += c->v[i] * c->work[i];
    return s;
}
static void g_log_softmax(const check_case *c, const double *x, double *g)
{
    smx_log_softmax_f64(c->work, x, c->rows, c->cols);
    smx_log_softmax_backward_f64(g, c->work, c->v, c->rows, c->cols);
}

/* The same along the middle axis of [2, cols, 3]. */
static double f_softmax_axis(const check_case *c, const double *x)
{
    smx_softmax_axis_f64(c->work, x, 2, c->cols, 3);
    return dot(c->work, c->v, c->n);
}
static void g_softmax_axis(const check_case *c, const double *x, double *g)
{
    smx_softmax_axis_f64(c->work, x, 2, c->cols, 3);
    smx_softmax_backward_axis_f64(g, c->work, c->v, 2, c->cols, 3);
}
static double f_log_softmax_axis(const check_case *c, const double *x)
{
    smx_log_softmax_axis_f64(c->work, x, 2, c->cols, 3);
    return dot(c->v, c->work, c->n);
}
static void g_log_softmax_axis(const check_case *c, const double *x, double *g)
{
    smx_log_softmax_axis_f64(c->work, x, 2, c->cols, 3);
    smx_log_softmax_backward_axis_f64(g, c->work, c->v, 2, c->cols, 3);
}

/* Scaled and masked: f = <v, softmax(scale x + bias)> over kept entries. */
static double f_masked(const check_case *c, const double *x)
{
    smx_softmax_masked_f64(c->work, x, c->rows, c->cols, c->scale, &c->mask);
    return dot(c->work, c->v, c->n);
}
static void g_masked(const check_case *c, const double *x, double *g)
{
    smx_softmax_masked_f64(c->work, x, c->rows, c->cols, c->scale, &c->mask);
    smx_softmax_masked_backward_f64(g, c->work, c->v, c->rows, c->cols, c->scale);
}
static double f_log_masked(const check_case *c, const double *x)
{
    smx_log_softmax_masked_f64(c->work, x, c->rows, c->cols, c->scale, &c->mask);
    double s = 0;
    for (size_t i = 0; i < c->n; i++)
        if (isfinite(c->work[i]))
            s += c->v[i] * c->work[i];
    return s;
}
static void g_log_masked(const check_case *c, const double *x, double *g)
{
    smx_log_softmax_masked_f64(c->work, x, c->rows, c->cols, c->scale, &c->mask);
    smx_log_softmax_masked_backward_f64(g, c->work, c->v, c->rows, c->cols, c->scale);
}

/* The JVP in one direction v: f = <u, log_softmax(x)> has gradient
 * backward(u); the JVP gives <u, jvp(v)> = <backward(u), v>.  Checked as the
 * directional derivative along v: d/dt <u, l(x + t v)>. */
static double f_jvp_direction(const check_case *c, double t)
{
    for (size_t i = 0; i < c->n; i++)
        c->work2[i] = c->x[i] + t * c->v[i];
    smx_log_softmax_f64(c->work, c->work2, c->rows, c->cols);
    double s = 0;
    for (size_t i = 0; i < c->n; i++)
        s += c->targets[i] * c->work[i];
    return s;
}

/* Cross-entropy with weights and smoothing, mean reduction: f = loss. */
static double f_cross_entropy(const check_case *c, const double *x)
{
    smx_cross_entropy_options_f64 o = {SMX_REDUCTION_MEAN, 1, -100, c->weights, c->smoothing};
    double loss = NAN;
    smx_cross_entropy_ex_f64(&loss, NULL, x, c->labels, c->rows, c->cols, &o);
    return loss;
}
static void g_cross_entropy(const check_case *c, const double *x, double *g)
{
    smx_cross_entropy_options_f64 o = {SMX_REDUCTION_MEAN, 1, -100, c->weights, c->smoothing};
    double loss;
    smx_cross_entropy_ex_f64(&loss, g, x, c->labels, c->rows, c->cols, &o);
}
static double f_soft(const check_case *c, const double *x)
{
    smx_cross_entropy_options_f64 o = {SMX_REDUCTION_SUM, 0, 0, c->weights, c->smoothing};
    double loss = NAN;
    smx_cross_entropy_soft_f64(&loss, NULL, x, c->targets, c->rows, c->cols, &o);
    return loss;
}
static void g_soft(const check_case *c, const double *x, double *g)
{
    smx_cross_entropy_options_f64 o = {SMX_REDUCTION_SUM, 0, 0, c->weights, c->smoothing};
    double loss;
    smx_cross_entropy_soft_f64(&loss, g, x, c->targets, c->rows, c->cols, &o);
}
static double f_nll(const check_case *c, const double *y)
{
    smx_cross_entropy_options_f64 o = {SMX_REDUCTION_MEAN, 0, 0, c->weights, c->smoothing};
    double loss = NAN;
    smx_nll_loss_f64(&loss, NULL, y, c->labels, c->rows, c->cols, &o);
    return loss;
}
static void g_nll(const check_case *c, const double *y, double *g)
{
    smx_cross_entropy_options_f64 o = {SMX_REDUCTION_MEAN, 0, 0, c->weights, c->smoothing};
    double loss;
    smx_nll_loss_f64(&loss, g, y, c->labels, c->rows, c->cols, &o);
}

/* Compares the analytic gradient with central differences; returns the
 * largest relative error, measured against the row's gradient scale. */
static double check_gradient(const check_case *c)
{
    double *g = calloc(c->n, sizeof *g), *x = malloc(c->n * sizeof *x);
    double worst = 0, scale = 0;
    if (!g || !x) {
        free(g);
        free(x);
        return INFINITY;
    }
    memcpy(x, c->x, c->n * sizeof *x);
    c->grad(c, x, g);
    for (size_t i = 0; i < c->n; i++)
        scale = fmax(scale, fabs(g[i]));
    for (size_t i = 0; i < c->n; i++) {
        const double xi = x[i];
        if (!isfinite(xi)) {
            /* a masked (-inf) input: its gradient must be exactly 0 */
            worst = fmax(worst, g[i] == 0 ? 0 : INFINITY);
            continue;
        }
        const double h = GRADCHECK_STEP; /* the derivatives do not grow with |x| */
        x[i] = xi + h;
        const double up = c->f(c, x);
        const double hi = x[i];
        x[i] = xi - h;
        const double down = c->f(c, x);
        const double lo = x[i];
        x[i] = xi;
        const double numeric = (up - down) / (hi - lo); /* the steps actually taken */
        worst = fmax(worst, fabs(numeric - g[i]) / fmax(scale, 1e-300));
    }
    free(g);
    free(x);
    return worst;
}

/* Where the results go: text lines, or (--json) an array of objects. */
typedef struct check_log {
    cJSON *json; /* NULL: text */
    int failures;
} check_log;

static void report(check_log *log, const char *name, size_t n, double err, double bound)
{
    const int ok = err <= bound;
    log->failures += !ok;
    if (log->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddNumberToObject(o, "n", (double)n);
        cJSON_AddNumberToObject(o, "max_relative_error", isfinite(err) ? err : 1e308);
        cJSON_AddNumberToObject(o, "bound", bound);
        cJSON_AddBoolToObject(o, "ok", ok);
        cJSON_AddItemToArray(log->json, o);
        return;
    }
    printf("  %-38s n=%-5zu max rel. error %8.2e  %s\n", name, n, err, ok ? "ok" : "FAILED");
}

/* Fills the problem's arrays for rows x cols; hard inputs: scores
 * offset ± spread (a large offset tests the shift by the maximum), a
 * masked entry per row when `masked`. */
static cli_status setup(check_case *c, size_t rows, size_t cols, double offset,
                        double spread, int masked)
{
    memset(c, 0, sizeof *c);
    c->rows = rows;
    c->cols = cols;
    c->n = rows * cols;
    c->scale = 1;
    double *mem = calloc(6 * c->n + cols, sizeof(double));
    c->labels = calloc(rows, sizeof(int32_t));
    if (!mem || !c->labels) {
        free(mem);
        free(c->labels);
        return CLI_ERR_NOMEM;
    }
    c->x = mem;
    c->v = mem + c->n;
    c->work = mem + 2 * c->n;
    c->work2 = mem + 3 * c->n;
    c->targets = mem + 4 * c->n;
    c->weights = mem + 6 * c->n;
    for (size_t i = 0; i < c->n; i++) {
        c->x[i] = offset + (2 * uniform() - 1) * spread;
        c->v[i] = 2 * uniform() - 1;
        c->targets[i] = uniform();
    }
    for (size_t r = 0; r < rows; r++) {
        c->labels[r] = (int32_t)(uniform() * (double)cols);
        if (masked && cols > 2)
            c->x[r * cols + (size_t)(c->labels[r] + 1) % cols] = -INFINITY;
    }
    for (size_t k = 0; k < cols; k++)
        c->weights[k] = 0.5 + uniform();
    return CLI_OK;
}

static void teardown(check_case *c)
{
    free(c->x);
    free(c->labels);
}

/* The gradient of a whole network, 5 -> 7 -> 6 -> 3 on 13 rows, by
 * backpropagation in float (nn_loss_gradient), against central
 * differences of the same loss evaluated in double.  The float gradient
 * is good to about 1e-6 of its scale; a wrong derivative is off by O(1). */
#define NETWORK_BOUND 1e-4
static double check_network(nn_activation act, nn_loss loss_kind)
{
    enum { ROWS = 13, F = 5, C = 3 };
    const size_t sizes[] = {F, 7, 6, C};
    nn_model m;
    if (nn_model_init(&m, sizes, 4, act) != NN_OK)
        return INFINITY;
    nn_model_randomize(&m, 7);
    float x[ROWS * F];
    int32_t y[ROWS];
    for (size_t k = 0; k < ROWS * F; k++)
        x[k] = (float)(6 * uniform() - 3);
    for (size_t r = 0; r < ROWS; r++)
        y[r] = (int32_t)(uniform() * C);
    for (size_t k = 0; k < m.n_params; k++)
        m.params[k] += (float)(0.2 * uniform() - 0.1); /* biases off 0 too */

    const size_t n = m.n_params;
    float *grad = malloc(n * sizeof *grad);
    double *p = malloc(n * sizeof *p), *fd = malloc(n * sizeof *fd);
    double worst = INFINITY, loss, scale = 0;
    if (grad && p && fd &&
        nn_loss_gradient(&loss, grad, &m, loss_kind, x, y, ROWS) == NN_OK) {
        const double h = 0x1p-16;
        for (size_t k = 0; k < n; k++)
            p[k] = m.params[k];
        for (size_t k = 0; k < n; k++) {
            double up = NAN, down = NAN;
            p[k] += h;
            nn_loss_f64(&up, &m, p, loss_kind, x, y, ROWS);
            p[k] -= 2 * h;
            nn_loss_f64(&down, &m, p, loss_kind, x, y, ROWS);
            p[k] += h;
            fd[k] = (up - down) / (2 * h);
            scale = fmax(scale, fabs(fd[k]));
        }
        worst = 0;
        for (size_t k = 0; k < n; k++)
            worst = fmax(worst, fabs(grad[k] - fd[k]) / fmax(scale, 1e-300));
        if (!(worst == worst))
            worst = INFINITY;
    }
    free(grad);
    free(p);
    free(fd);
    nn_model_free(&m);
    return worst;
}

static int run_gradcheck(const cli_args *args)
{
    if (cli_check_words(args, 0, 0, "no arguments"))
        return CLI_EXIT_USAGE;
    check_log log = {cli_flag(args, "json") ? cJSON_CreateArray() : NULL, 0};
    check_case c;
    struct {
        const char *name;
        size_t rows, cols;
        double offset, spread;
        int masked;
        double (*f)(const check_case *, const double *);
        void (*g)(const check_case *, const double *, double *);
    } plans[] = {
        {"softmax_backward", 4, 7, 0, 3, 0, f_softmax, g_softmax},
        {"softmax_backward (scores ~1000)", 3, 9, 1000, 3, 0, f_softmax, g_softmax},
        {"softmax_backward (masked -inf)", 4, 8, 0, 5, 1, f_softmax, g_softmax},
        {"softmax_backward (long row)", 1, 1000, 0, 4, 0, f_softmax, g_softmax},
        {"log_softmax_backward", 4, 7, 0, 3, 0, f_log_softmax, g_log_softmax},
        {"log_softmax_backward (masked -inf)", 4, 8, 0, 20, 1, f_log_softmax, g_log_softmax},
        {"log_softmax_backward (long row)", 1, 1000, 0, 4, 0, f_log_softmax, g_log_softmax},
        {"softmax_backward_axis", 1, 5, 0, 3, 0, f_softmax_axis, g_softmax_axis},
        {"log_softmax_backward_axis", 1, 5, 0, 3, 0, f_log_softmax_axis, g_log_softmax_axis},
        {"softmax_masked_backward", 3, 6, 0, 3, 0, f_masked, g_masked},
        {"log_softmax_masked_backward", 3, 6, 0, 3, 0, f_log_masked, g_log_masked},
        {"cross_entropy_ex (weights, smoothing)", 5, 6, 0, 4, 0, f_cross_entropy,
         g_cross_entropy},
        {"cross_entropy_ex (scores ~-1e4)", 5, 10, -1e4, 5, 0, f_cross_entropy, g_cross_entropy},
        {"cross_entropy_soft", 4, 5, 0, 4, 0, f_soft, g_soft},
        {"nll_loss", 4, 5, 0, 2, 0, f_nll, g_nll},
    };

    if (!log.json)
        printf("smx gradcheck: central differences in double, bound %.0e\n", GRADCHECK_BOUND);
    for (size_t p = 0; p < sizeof plans / sizeof plans[0]; p++) {
        /* the axis cases cover [2, cols, 3] */
        const int axis = plans[p].f == f_softmax_axis || plans[p].f == f_log_softmax_axis;
        if (setup(&c, axis ? 6 : plans[p].rows, plans[p].cols, plans[p].offset,
                  plans[p].spread, plans[p].masked) != CLI_OK)
            return cli_error(NULL, "out of memory");
        if (axis)
            c.rows = 2 * 3, c.n = 6 * plans[p].cols;
        c.f = plans[p].f;
        c.grad = plans[p].g;
        c.smoothing = 0.1;
        if (c.f == f_masked || c.f == f_log_masked) {
            static const uint8_t keep[6] = {1, 1, 0, 1, 1, 1};
            c.scale = 1 / 0.7; /* temperature 0.7 */
            c.mask.bias = c.weights; /* any finite additive mask, one row broadcast */
            c.mask.bias_rows = 1;
            c.mask.keep = keep;
            c.mask.keep_rows = 1;
        }
        if (c.f == f_nll) /* the NLL takes log-probabilities */
            smx_log_softmax_f64(c.x, c.x, c.rows, c.cols);
        report(&log, plans[p].name, c.n, check_gradient(&c), GRADCHECK_BOUND);
        teardown(&c);
    }

    /* The JVP: <u, jvp(v)> against d/dt <u, log_softmax(x + t v)>. */
    if (setup(&c, 3, 8, 0, 4, 0) != CLI_OK)
        return cli_error(NULL, "out of memory");
    {
        double *l = c.work2 + 0, *jvp = malloc(c.n * sizeof *jvp);
        (void)l;
        if (!jvp) {
            teardown(&c);
            return cli_error(NULL, "out of memory");
        }
        smx_log_softmax_f64(c.work, c.x, c.rows, c.cols);
        smx_log_softmax_jvp_f64(jvp, c.work, c.v, c.rows, c.cols);
        const double analytic = dot(c.targets, jvp, c.n);
        const double h = GRADCHECK_STEP;
        const double numeric = (f_jvp_direction(&c, h) - f_jvp_direction(&c, -h)) / (2 * h);
        report(&log, "log_softmax_jvp", c.n,
               fabs(numeric - analytic) / fmax(fabs(analytic), 1e-300), GRADCHECK_BOUND);
        free(jvp);
    }
    teardown(&c);

    /* The Jacobian, column by column, against differences of softmax. */
    if (setup(&c, 1, 6, 0, 3, 0) != CLI_OK)
        return cli_error(NULL, "out of memory");
    {
        double y[6], jac[36], up[6], down[6], x[6], worst = 0;
        memcpy(x, c.x, sizeof x);
        smx_softmax_f64(y, x, 1, 6);
        smx_softmax_jacobian_f64(jac, y, 6);
        for (size_t j = 0; j < 6; j++) {
            const double h = GRADCHECK_STEP;
            x[j] = c.x[j] + h;
            smx_softmax_f64(up, x, 1, 6);
            x[j] = c.x[j] - h;
            smx_softmax_f64(down, x, 1, 6);
            x[j] = c.x[j];
            for (size_t i = 0; i < 6; i++)
                worst = fmax(worst, fabs((up[i] - down[i]) / (2 * h) - jac[i * 6 + j]));
        }
        report(&log, "softmax_jacobian", 36, worst, GRADCHECK_BOUND);
    }
    teardown(&c);

    if (!log.json)
        printf("whole network (5-7-6-3, float backprop vs double differences), bound %.0e\n",
               NETWORK_BOUND);
    for (int a = NN_RELU; a <= NN_SOFTPLUS; a++) {
        for (int l = NN_LOSS_CROSS_ENTROPY; l <= NN_LOSS_MSE; l++) {
            char name[64];
            snprintf(name, sizeof name, "network %s, %s", nn_activation_name(a),
                     nn_loss_name(l));
            report(&log, name, 13, check_network((nn_activation)a, (nn_loss)l),
                   NETWORK_BOUND);
        }
    }

    if (log.json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddItemToObject(root, "checks", log.json);
        cJSON_AddBoolToObject(root, "passed", log.failures == 0);
        const int rc = cli_print_json(root);
        if (rc)
            return rc;
    } else if (log.failures) {
        printf("%d check%s FAILED\n", log.failures, log.failures == 1 ? "" : "s");
    } else {
        printf("all checks passed\n");
    }
    return log.failures ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static const cli_option gradcheck_options[] = {
    {"json", NULL, "print JSON for scripts"},
    {NULL, NULL, NULL},
};

const cli_command cli_cmd_gradcheck = {
    "gradcheck",
    "Check every derivative in the library against central finite differences\n"
    "in double, on hard inputs (large scores, masked entries, long rows, label\n"
    "smoothing, class weights), and the gradient of a whole small network.\n"
    "Exits non-zero if any error exceeds its bound.",
    "smx gradcheck [--json]",
    gradcheck_options,
    run_gradcheck,
};
