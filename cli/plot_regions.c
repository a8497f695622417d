/*
 * plot_regions.c — `smx train --plot-regions`: what the SoftMax output
 * layer does, over two features (plot.h).  Each point of a grid gets the
 * colour of the class of largest probability, paler where that
 * probability is lower; the training and test rows go on top.
 */
#include "plot.h"

#include "cli.h"
#include "plot_canvas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { WIDTH = 800, HEIGHT = 600, GRID = 200 };

/* How much of its class colour a grid point shows: 0.15 at the lowest
 * confidence 1/K (a tie of every class), 0.75 at 1, so that the points
 * on top, in the full colour, still stand out. */
static double shade_of(double confidence, size_t classes)
{
    const double floor_p = 1.0 / (double)classes;
    double t = (confidence - floor_p) / (1.0 - floor_p);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return 0.15 + 0.6 * t;
}

/* The smallest and largest value of feature f over both sets of rows. */
static void range_of(double *lo, double *hi, const plot_rows *a, const plot_rows *b, size_t f,
                     size_t features)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    const plot_rows *sets[2] = {a, b};
    for (int s = 0; s < 2; s++) {
        for (size_t r = 0; r < sets[s]->rows; r++) {
            const double v = sets[s]->x[r * features + f];
            *lo = v < *lo ? v : *lo;
            *hi = v > *hi ? v : *hi;
        }
    }
    const double pad = *hi > *lo ? 0.05 * (*hi - *lo) : 0.5;
    *lo -= pad;
    *hi += pad;
}

/* The regions as a GRID x GRID picture (row 0 at the top), from the
 * model's predictions on the grid's points. */
static cairo_surface_t *regions_image(const nn_model *net, const axes *a,
                                      const size_t pair[2])
{
    const size_t rows = (size_t)GRID * GRID, F = net->features, K = net->classes;
    float *x = malloc(rows * F * sizeof *x), *probs = malloc(rows * K * sizeof *probs);
    int32_t *pred = malloc(rows * sizeof *pred);
    cairo_surface_t *img = NULL;
    if (!x || !probs || !pred)
        goto out;
    for (size_t i = 0; i < GRID; i++) {     /* up, from the top row */
        for (size_t j = 0; j < GRID; j++) { /* across */
            float *row = x + (i * GRID + j) * F;
            for (size_t f = 0; f < F; f++)
                row[f] = net->mean[f];
            /* the centre of each cell */
            row[pair[0]] = (float)(a->xmin + ((double)j + 0.5) / GRID * (a->xmax - a->xmin));
            row[pair[1]] = (float)(a->ymax - ((double)i + 0.5) / GRID * (a->ymax - a->ymin));
        }
    }
    if (nn_predict(probs, pred, net, x, rows) != NN_OK)
        goto out;
    img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, GRID, GRID);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS)
        goto out;
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    const int stride = cairo_image_surface_get_stride(img);
    for (size_t i = 0; i < GRID; i++) {
        uint32_t *line = (uint32_t *)(void *)(data + (size_t)stride * i);
        for (size_t j = 0; j < GRID; j++) {
            const size_t r = i * GRID + j, k = (size_t)pred[r];
            const rgb colour = rgb_mix(RGB_WHITE, class_colour(k),
                                       shade_of(probs[r * K + k], K));
            line[j] = (uint32_t)lround(colour.r * 255) << 16 |
                      (uint32_t)lround(colour.g * 255) << 8 | (uint32_t)lround(colour.b * 255);
        }
    }
    cairo_surface_mark_dirty(img);
out:
    free(x);
    free(probs);
    free(pred);
    return img;
}

/* A row's marker: a circle for training rows, a square for test rows. */
static void marker(canvas *c, double x, double y, rgb colour, int test)
{
    cairo_t *cr = c->cr;
    if (test)
        cairo_rectangle(cr, x - 4.5, y - 4.5, 9, 9);
    else
        cairo_arc(cr, x, y, 4, 0, 6.2832);
    canvas_colour(c, colour);
    cairo_fill_preserve(cr);
    canvas_colour(c, test ? RGB_BLACK : RGB_WHITE);
    cairo_set_line_width(cr, test ? 1.4 : 0.9);
    cairo_stroke(cr);
}

static void points(canvas *c, const axes *a, const plot_rows *rows, const size_t pair[2],
                   size_t features, int test)
{
    cairo_save(c->cr);
    cairo_rectangle(c->cr, a->left, a->top, a->width, a->height);
    cairo_clip(c->cr);
    for (size_t r = 0; r < rows->rows; r++)
        marker(c, axes_x(a, rows->x[r * features + pair[0]]),
               axes_y(a, rows->x[r * features + pair[1]]), class_colour((size_t)rows->y[r]),
               test);
    cairo_restore(c->cr);
}

/* The key on the right: the classes with their shading from 1/K to 1,
 * then the two markers. */
static void key(canvas *c, double x, double y, const plot_regions_info *info, size_t K)
{
    cairo_t *cr = c->cr;
    canvas_colour(c, RGB_BLACK);
    canvas_text(c, x, y, "class (shade: its probability)", 12, 0, 1);
    y += 12;
    for (size_t k = 0; k < K && k < 12; k++) {
        cairo_pattern_t *ramp = cairo_pattern_create_linear(x, 0, x + 60, 0);
        const rgb lo = rgb_mix(RGB_WHITE, class_colour(k), shade_of(1.0 / (double)K, K));
        const rgb hi = rgb_mix(RGB_WHITE, class_colour(k), shade_of(1.0, K));
        cairo_pattern_add_color_stop_rgb(ramp, 0, lo.r, lo.g, lo.b);
        cairo_pattern_add_color_stop_rgb(ramp, 1, hi.r, hi.g, hi.b);
        cairo_rectangle(cr, x, y, 60, 14);
        cairo_set_source(cr, ramp);
        cairo_fill(cr);
        cairo_pattern_destroy(ramp);
        marker(c, x + 72, y + 7, class_colour(k), 0);
        canvas_colour(c, RGB_BLACK);
        canvas_text(c, x + 84, y + 11, info->class_names[k], 11, 0, 0);
        y += 20;
    }
    char low[32];
    snprintf(low, sizeof low, "1/%zu", K);
    canvas_colour(c, RGB_GREY);
    canvas_text(c, x, y + 6, low, 10, 0, 0);
    canvas_text(c, x + 60, y + 6, "1", 10, 1, 0);
    y += 34;
    const rgb neutral = {0.6, 0.6, 0.6};
    marker(c, x + 6, y - 4, neutral, 0);
    canvas_colour(c, RGB_BLACK);
    canvas_text(c, x + 18, y, "training row", 11, 0, 0);
    y += 20;
    marker(c, x + 6, y - 4, neutral, 1);
    canvas_colour(c, RGB_BLACK);
    canvas_text(c, x + 18, y, "test row", 11, 0, 0);
}

int plot_regions(const char *path, const nn_model *net, const plot_rows *train,
                 const plot_rows *test, const plot_regions_info *info)
{
    const size_t F = net->features, K = net->classes;
    axes a = {70, 64, 460, 430, 0, 0, 0, 0};
    range_of(&a.xmin, &a.xmax, train, test, info->pair[0], F);
    range_of(&a.ymin, &a.ymax, train, test, info->pair[1], F);
    cairo_surface_t *img = regions_image(net, &a, info->pair);
    if (!img)
        return cli_error(NULL, "out of memory");
    canvas c;
    int rc = canvas_open(&c, path, WIDTH, HEIGHT);
    if (rc) {
        cairo_surface_destroy(img);
        return rc;
    }
    char text[1024];
    snprintf(text, sizeof text, "Decision regions of the SoftMax output: %s and %s",
             info->feature_names[info->pair[0]], info->feature_names[info->pair[1]]);
    canvas_colour(&c, RGB_BLACK);
    canvas_text(&c, WIDTH / 2.0, 26, text, 15, 0.5, 1);
    snprintf(text, sizeof text, "%s, test accuracy %.2f %%", info->title,
             100 * info->test_accuracy);
    canvas_colour(&c, RGB_GREY);
    canvas_text(&c, WIDTH / 2.0, 46, text, 12, 0.5, 0);

    /* the grid, stretched over the plot area with its cells kept sharp */
    cairo_save(c.cr);
    cairo_translate(c.cr, a.left, a.top);
    cairo_scale(c.cr, a.width / GRID, a.height / GRID);
    cairo_set_source_surface(c.cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(c.cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(c.cr, 0, 0, GRID, GRID);
    cairo_fill(c.cr);
    cairo_restore(c.cr);
    cairo_surface_destroy(img);

    axes_draw(&c, &a, info->feature_names[info->pair[0]], info->feature_names[info->pair[1]], 0);
    points(&c, &a, train, info->pair, F, 0);
    points(&c, &a, test, info->pair, F, 1);
    key(&c, a.left + a.width + 24, a.top + 10, info, K);

    /* what the other features were held at */
    size_t used = (size_t)snprintf(text, sizeof text, "Each grid point is a row of these two "
                                                      "features");
    if (F > 2) {
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 " with the others held at their training means (");
        for (size_t f = 0, first = 1; f < F && used < sizeof text; f++) {
            if (f == info->pair[0] || f == info->pair[1])
                continue;
            used += (size_t)snprintf(text + used, sizeof text - used, "%s%s %.3g",
                                     first ? "" : ", ", info->feature_names[f], net->mean[f]);
            first = 0;
        }
        if (used < sizeof text)
            used += (size_t)snprintf(text + used, sizeof text - used, ")");
    }
    if (used < sizeof text)
        snprintf(text + used, sizeof text - used,
                 ", coloured by the class the model gives the largest probability.");
    canvas_colour(&c, RGB_GREY);
    canvas_paragraph(&c, a.left, HEIGHT - 40, WIDTH - a.left - 30, text, 11);
    return canvas_close(&c);
}
