/*
 * plot_explain.c — `smx explain --plot`: the scores, the probabilities,
 * the Jacobian as a heatmap and the gradient, one panel each (plot.h).
 */
#include "plot.h"

#include "cli.h"
#include "plot_canvas.h"

#include <math.h>
#include <stdio.h>

enum { WIDTH = 960, HEIGHT = 720 };

/* The heatmap's ends: positive entries red, negative blue, 0 white. */
static const rgb POSITIVE = {0.698, 0.094, 0.169}, NEGATIVE = {0.129, 0.400, 0.675};

/* v with three decimals, without the sign of a value that rounds to 0. */
static void number_text(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.3f", fabs(v) < 0.0005 ? 0.0 : v);
}

/* One label under each slot of a bar panel, where it fits. */
static void slot_labels(canvas *c, const axes *a, const char *const *labels, size_t n)
{
    const double slot = a->width / (double)n;
    canvas_colour(c, RGB_BLACK);
    for (size_t i = 0; i < n; i++)
        if (canvas_text_width(c, labels[i], 11, 0) < slot - 2)
            canvas_text(c, a->left + slot * ((double)i + 0.5), a->top + a->height + 16,
                        labels[i], 11, 0.5, 0);
}

/* Bars of v[n], one per class in its colour, each annotated with its
 * value where the slot has room.  fixed: the range a->ymin..ymax is
 * given; otherwise it is fitted to v and 0. */
static void bars(canvas *c, axes *a, const char *title, const double *v, size_t n,
                 const char *const *labels, int fixed)
{
    if (!fixed) {
        double lo = 0, hi = 0;
        for (size_t i = 0; i < n; i++) {
            if (isfinite(v[i])) {
                lo = v[i] < lo ? v[i] : lo;
                hi = v[i] > hi ? v[i] : hi;
            }
        }
        if (lo == hi)
            hi = 1;
        /* room for the numbers above and below the bars */
        const double pad = 0.12 * (hi - lo);
        lo -= lo < 0 ? pad : 0;
        hi += hi > 0 ? pad : 0;
        axes_round_range(&lo, &hi, 5);
        a->ymin = lo;
        a->ymax = hi;
    }
    a->xmin = 0;
    a->xmax = (double)n;
    canvas_colour(c, RGB_BLACK);
    canvas_text(c, a->left + a->width / 2, a->top - 10, title, 13, 0.5, 1);
    axes_draw(c, a, NULL, NULL, AXES_NO_X_TICKS);
    const double slot = a->width / (double)n, base = axes_y(a, 0);
    char num[32];
    for (size_t i = 0; i < n; i++) {
        const double x = a->left + slot * (double)i;
        number_text(num, sizeof num, v[i]);
        const int room = canvas_text_width(c, num, 10, 0) < slot - 2;
        if (!isfinite(v[i])) { /* -inf, inf, nan: no bar, the value said */
            canvas_colour(c, RGB_GREY);
            if (room)
                canvas_text(c, x + slot / 2, base - 4, num, 10, 0.5, 0);
            continue;
        }
        const double top = axes_y(a, v[i]);
        cairo_rectangle(c->cr, x + 0.2 * slot, fmin(top, base), 0.6 * slot, fabs(base - top));
        canvas_colour(c, class_colour(i));
        cairo_fill(c->cr);
        if (room) {
            canvas_colour(c, RGB_BLACK);
            canvas_text(c, x + slot / 2, v[i] >= 0 ? top - 4 : top + 12, num, 10, 0.5, 0);
        }
    }
    canvas_colour(c, RGB_BLACK);
    canvas_line(c, a->left, base, a->left + a->width, base, 1);
    slot_labels(c, a, labels, n);
}

/* The Jacobian in an n x n square at (left, top), side `side`, with a
 * colour bar; each cell annotated where it has room. */
static void heatmap(canvas *c, double left, double top, double side, const double *jac,
                    const char *const *labels, size_t n)
{
    double big = 0;
    for (size_t i = 0; i < n * n; i++)
        big = isfinite(jac[i]) && fabs(jac[i]) > big ? fabs(jac[i]) : big;
    big = big > 0 ? big : 1;
    const double cell = side / (double)n, font = cell / 5 < 11 ? cell / 5 : 11;
    char num[32];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            const double v = jac[i * n + j], t = isfinite(v) ? fabs(v) / big : 0;
            cairo_rectangle(c->cr, left + cell * (double)j, top + cell * (double)i, cell, cell);
            canvas_colour(c, rgb_mix(RGB_WHITE, v >= 0 ? POSITIVE : NEGATIVE, t));
            cairo_fill(c->cr);
            number_text(num, sizeof num, v);
            if (font >= 7 && canvas_text_width(c, num, font, 0) < cell - 4) {
                canvas_colour(c, t > 0.6 ? RGB_WHITE : RGB_BLACK);
                canvas_text(c, left + cell * ((double)j + 0.5),
                            top + cell * ((double)i + 0.5) + font * 0.35, num, font, 0.5, 0);
            }
        }
    }
    canvas_colour(c, RGB_BLACK);
    cairo_set_line_width(c->cr, 1);
    cairo_rectangle(c->cr, left, top, side, side);
    cairo_stroke(c->cr);
    for (size_t i = 0; i < n; i++) {
        if (canvas_text_width(c, labels[i], 11, 0) < 70 && cell >= 12) {
            canvas_text(c, left - 6, top + cell * ((double)i + 0.5) + 4, labels[i], 11, 1, 0);
        }
        if (canvas_text_width(c, labels[i], 11, 0) < cell - 2)
            canvas_text(c, left + cell * ((double)i + 0.5), top + side + 16, labels[i], 11, 0.5,
                        0);
    }
    canvas_text(c, left + side / 2, top + side + 34, "j (score z_j)", 11, 0.5, 0);
    canvas_text_up(c, left - 86, top + side / 2, "i (probability s_i)", 11);

    /* the colour bar: -big at the bottom, +big at the top */
    const double bx = left + side + 18, bw = 14;
    cairo_pattern_t *ramp = cairo_pattern_create_linear(0, top + side, 0, top);
    cairo_pattern_add_color_stop_rgb(ramp, 0, NEGATIVE.r, NEGATIVE.g, NEGATIVE.b);
    cairo_pattern_add_color_stop_rgb(ramp, 0.5, 1, 1, 1);
    cairo_pattern_add_color_stop_rgb(ramp, 1, POSITIVE.r, POSITIVE.g, POSITIVE.b);
    cairo_rectangle(c->cr, bx, top, bw, side);
    cairo_set_source(c->cr, ramp);
    cairo_fill_preserve(c->cr);
    cairo_pattern_destroy(ramp);
    canvas_colour(c, RGB_BLACK);
    cairo_stroke(c->cr);
    snprintf(num, sizeof num, "%+.3f", big);
    canvas_text(c, bx + bw + 4, top + 8, num, 10, 0, 0);
    canvas_text(c, bx + bw + 4, top + side / 2 + 4, "0", 10, 0, 0);
    snprintf(num, sizeof num, "%+.3f", -big);
    canvas_text(c, bx + bw + 4, top + side, num, 10, 0, 0);
}

int plot_explain(const char *path, const plot_explain_info *info)
{
    canvas c;
    int rc = canvas_open(&c, path, WIDTH, HEIGHT);
    if (rc)
        return rc;
    const size_t n = info->n;
    char text[512];
    snprintf(text, sizeof text, "The SoftMax of %zu scores and its derivative", n);
    canvas_colour(&c, RGB_BLACK);
    canvas_text(&c, WIDTH / 2.0, 28, text, 16, 0.5, 1);
    if (info->target < n)
        snprintf(text, sizeof text,
                 "loss: the cross-entropy L = -log s_c of the target c = %s",
                 info->labels[info->target]);
    else
        snprintf(text, sizeof text, "loss: the upstream gradient g = dL/ds given by --grad");
    canvas_colour(&c, RGB_GREY);
    canvas_text(&c, WIDTH / 2.0, 50, text, 12, 0.5, 0);

    axes scores = {80, 100, 360, 210, 0, 0, 0, 0};
    if (info->temperature != 1)
        snprintf(text, sizeof text, "scores z (divided by T = %g in the SoftMax)",
                 info->temperature);
    else
        snprintf(text, sizeof text, "scores z");
    bars(&c, &scores, text, info->z, n, info->labels, 0);

    axes probs = {560, 100, 360, 210, 0, 0, 0, 1};
    bars(&c, &probs, "probabilities s = softmax(z)", info->s, n, info->labels, 1);

    canvas_colour(&c, RGB_BLACK);
    canvas_text(&c, 250, 390, "Jacobian ds_i/dz_j = s_i (delta_ij - s_j)", 13, 0.5, 1);
    heatmap(&c, 130, 410, 230, info->jacobian, info->labels, n);
    canvas_colour(&c, RGB_GREY);
    canvas_paragraph(&c, 80, 702, 400,
                     "diagonal s_i (1 - s_i) > 0; elsewhere -s_i s_j < 0; each row sums to 0",
                     10);

    axes grad = {560, 410, 360, 230, 0, 0, 0, 0};
    if (info->target < n)
        snprintf(text, sizeof text, "gradient dL/dz = s - onehot(%s)",
                 info->labels[info->target]);
    else
        snprintf(text, sizeof text, "gradient dL/dz = s * (g - <s, g>)");
    bars(&c, &grad, text, info->dz, n, info->labels, 0);
    return canvas_close(&c);
}
