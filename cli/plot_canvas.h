/*
 * plot_canvas.h — what the pictures share (plot_canvas.c): a cairo
 * surface chosen by the file's extension, text, the class colours, and
 * axes with ticks.  Sizes are in points, which are pixels in a PNG.
 */
#ifndef CLI_PLOT_CANVAS_H
#define CLI_PLOT_CANVAS_H

#include "io/status.h"

#include <cairo.h>
#include <stddef.h>
#include <stdio.h>

typedef enum canvas_format { CANVAS_PNG, CANVAS_SVG, CANVAS_PDF } canvas_format;

typedef struct canvas {
    cairo_surface_t *surface;
    cairo_t *cr;
    canvas_format format;
    FILE *file;
    const char *path;
    double width, height;
} canvas;

typedef struct rgb {
    double r, g, b;
} rgb;

/* The format of path's extension (.png, .svg, .pdf, in any case):
 * CLI_OK, or CLI_ERR_ARG for any other. */
cli_status canvas_format_of(const char *path, canvas_format *format);

/* Opens path for writing and starts a white picture of width x height;
 * prints the error and returns CLI_EXIT_FAIL on failure (nothing is
 * left open then). */
int canvas_open(canvas *c, const char *path, double width, double height);

/* Writes the picture and closes it; on failure prints the error, removes
 * the file and returns CLI_EXIT_FAIL. */
int canvas_close(canvas *c);

void canvas_colour(canvas *c, rgb colour);

/* Text with its baseline at y; align 0 puts its left end at x, 0.5 its
 * middle, 1 its right end. */
void canvas_text(canvas *c, double x, double y, const char *text, double size, double align,
                 int bold);
/* Text read from bottom to top (an axis title), centred on (x, y). */
void canvas_text_up(canvas *c, double x, double y, const char *text, double size);
double canvas_text_width(canvas *c, const char *text, double size, int bold);
/* Text broken at blanks into lines of at most `width`, the first
 * baseline at y; returns the baseline after the last line. */
double canvas_paragraph(canvas *c, double x, double y, double width, const char *text,
                        double size);

void canvas_line(canvas *c, double x0, double y0, double x1, double y1, double line_width);

/* The colour of class k: the Okabe-Ito palette (told apart with every
 * common colour-vision deficiency) for the first seven, then hues. */
rgb class_colour(size_t k);
/* a + t (b - a), t in [0, 1]. */
rgb rgb_mix(rgb a, rgb b, double t);
extern const rgb RGB_WHITE, RGB_BLACK, RGB_GREY, RGB_LIGHT_GREY;

/* A plot area and the data range it shows. */
typedef struct axes {
    double left, top, width, height;
    double xmin, xmax, ymin, ymax;
} axes;

double axes_x(const axes *a, double v);
double axes_y(const axes *a, double v);

/* Widens [*lo, *hi] to multiples of a round step (1, 2 or 5 times a
 * power of ten) giving about `ticks` intervals; an empty or non-finite
 * range becomes one around it. */
void axes_round_range(double *lo, double *hi, int ticks);

/* axes_draw's flags. */
enum {
    AXES_X_INTEGERS = 1, /* whole-number x ticks only (epochs) */
    AXES_Y_PERCENT = 2,  /* y numbers as percentages */
    AXES_NO_X_TICKS = 4, /* the caller labels x (bars of classes) */
};

/* The frame, the grid, the ticks with their numbers, and the axis titles
 * (either may be NULL). */
void axes_draw(canvas *c, const axes *a, const char *x_title, const char *y_title, int flags);

#endif
