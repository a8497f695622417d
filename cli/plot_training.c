/*
 * plot_training.c — `smx train --plot`: the loss and the accuracy of
 * each epoch, training and validation, beside the final test accuracy
 * (plot.h).
 */
#include "plot.h"

#include "cli.h"
#include "plot_canvas.h"

#include <math.h>
#include <stdio.h>

enum { WIDTH = 960, HEIGHT = 440 };

/* One curve through the history's series v; NaN entries are gaps. */
static void curve(canvas *c, const axes *a, const train_history *h, const double *v, rgb colour)
{
    const size_t n = h->n;
    cairo_t *cr = c->cr;
    canvas_colour(c, colour);
    cairo_set_line_width(cr, 2);
    cairo_save(cr);
    cairo_rectangle(cr, a->left, a->top, a->width, a->height);
    cairo_clip(cr);
    int pen = 0;
    for (size_t e = 0; e < n; e++) {
        if (!isfinite(v[e])) {
            pen = 0;
            continue;
        }
        const double x = axes_x(a, (double)history_epoch(h, e)), y = axes_y(a, v[e]);
        if (pen)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        pen = 1;
    }
    if (n == 1 && isfinite(v[0])) /* one epoch: a dot, not an empty line */
        cairo_arc(cr, axes_x(a, 1), axes_y(a, v[0]), 2.5, 0, 6.2832);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* A legend in the top (or bottom) right corner of a: one line per entry. */
static void legend(canvas *c, const axes *a, const char *const *names, const rgb *colours,
                   const int *dashed, size_t n, int bottom)
{
    const double font = 11, row = 17;
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        const double t = canvas_text_width(c, names[i], font, 0);
        w = t > w ? t : w;
    }
    const double box_w = w + 46, box_h = row * (double)n + 8;
    const double x = a->left + a->width - box_w - 8;
    const double y = bottom ? a->top + a->height - box_h - 8 : a->top + 8;
    cairo_t *cr = c->cr;
    cairo_rectangle(cr, x, y, box_w, box_h);
    canvas_colour(c, RGB_WHITE);
    cairo_fill_preserve(cr);
    canvas_colour(c, RGB_GREY);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    const double dash[] = {6, 4};
    for (size_t i = 0; i < n; i++) {
        const double ly = y + 4 + row * ((double)i + 0.5);
        canvas_colour(c, colours[i]);
        cairo_set_dash(cr, dash, dashed[i] ? 2 : 0, 0);
        canvas_line(c, x + 8, ly, x + 34, ly, 2);
        cairo_set_dash(cr, dash, 0, 0);
        canvas_colour(c, RGB_BLACK);
        canvas_text(c, x + 40, ly + 4, names[i], font, 0, 0);
    }
}

/* A vertical marker at the kept epoch, when it is not the last. */
static void best_epoch_mark(canvas *c, const axes *a, size_t best, size_t epochs)
{
    if (best == 0 || best >= epochs)
        return;
    const double x = axes_x(a, (double)best), dot[] = {2, 3};
    canvas_colour(c, RGB_GREY);
    cairo_set_dash(c->cr, dot, 2, 0);
    canvas_line(c, x, a->top, x, a->top + a->height, 1);
    cairo_set_dash(c->cr, dot, 0, 0);
    char text[64];
    snprintf(text, sizeof text, "kept: epoch %zu", best);
    canvas_text(c, x - 4, a->top + a->height / 2, text, 10, 1, 0);
}

int plot_training(const char *path, const train_history *h, const plot_training_info *info)
{
    canvas c;
    int rc = canvas_open(&c, path, WIDTH, HEIGHT);
    if (rc)
        return rc;
    const int val = history_has_validation(h);
    const rgb train_colour = class_colour(0), val_colour = class_colour(1),
              test_colour = class_colour(3);

    char title[512];
    snprintf(title, sizeof title, "%s: final test accuracy %.2f %%", info->title,
             100 * info->test_accuracy);
    canvas_colour(&c, RGB_BLACK);
    canvas_text(&c, WIDTH / 2.0, 28, title, 15, 0.5, 1);

    const double epochs = h->epochs > 1 ? (double)h->epochs : 2;
    /* the largest loss, for the axis */
    axes loss = {80, 56, 370, 300, 1, epochs, 0, 0};
    axes acc = {560, 56, 370, 300, 1, epochs, 0, 1};
    double top = 0;
    for (size_t e = 0; e < h->n; e++) {
        if (isfinite(h->train_loss[e]) && h->train_loss[e] > top)
            top = h->train_loss[e];
        if (isfinite(h->val_loss[e]) && h->val_loss[e] > top)
            top = h->val_loss[e];
    }
    axes_round_range(&loss.ymin, &top, 5);
    loss.ymax = top;
    loss.ymin = 0;

    char loss_title[96];
    snprintf(loss_title, sizeof loss_title, "loss (%s)", info->loss_name);
    canvas_colour(&c, RGB_BLACK);
    canvas_text(&c, loss.left + loss.width / 2, loss.top - 8, "loss", 13, 0.5, 1);
    canvas_text(&c, acc.left + acc.width / 2, acc.top - 8, "accuracy", 13, 0.5, 1);
    axes_draw(&c, &loss, "epoch", loss_title, AXES_X_INTEGERS);
    axes_draw(&c, &acc, "epoch", "accuracy", AXES_X_INTEGERS | AXES_Y_PERCENT);

    curve(&c, &loss, h, h->train_loss, train_colour);
    curve(&c, &acc, h, h->train_accuracy, train_colour);
    if (val) {
        curve(&c, &loss, h, h->val_loss, val_colour);
        curve(&c, &acc, h, h->val_accuracy, val_colour);
    }
    /* the test accuracy, measured once on the final model: a level line */
    const double ty = axes_y(&acc, info->test_accuracy), dash[] = {6, 4};
    canvas_colour(&c, test_colour);
    cairo_set_dash(c.cr, dash, 2, 0);
    canvas_line(&c, acc.left, ty, acc.left + acc.width, ty, 2);
    cairo_set_dash(c.cr, dash, 0, 0);
    best_epoch_mark(&c, &loss, info->best_epoch, h->epochs);
    best_epoch_mark(&c, &acc, info->best_epoch, h->epochs);

    const char *loss_names[] = {"training", "validation"};
    const rgb loss_colours[] = {train_colour, val_colour};
    const int solid[] = {0, 0, 1}; /* the test line is dashed */
    legend(&c, &loss, loss_names, loss_colours, solid, val ? 2 : 1, 0);
    char test_name[64];
    snprintf(test_name, sizeof test_name, "test, final model: %.2f %%",
             100 * info->test_accuracy);
    const char *acc_names[] = {"training", "validation", test_name};
    const rgb acc_colours[] = {train_colour, val_colour, test_colour};
    if (val) {
        legend(&c, &acc, acc_names, acc_colours, solid, 3, 1);
    } else {
        const char *names[] = {acc_names[0], acc_names[2]};
        const rgb colours[] = {acc_colours[0], acc_colours[2]};
        const int dashed[] = {0, 1};
        legend(&c, &acc, names, colours, dashed, 2, 1);
    }
    canvas_colour(&c, RGB_GREY);
    canvas_text(&c, 80, HEIGHT - 20,
                "training: the means over each epoch's batches, each measured before its "
                "update; validation and test: rows the model never trained on",
                10, 0, 0);
    return canvas_close(&c);
}
