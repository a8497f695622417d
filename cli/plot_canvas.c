/*
 * plot_canvas.c — the surface, text, colours and axes the pictures share
 * (plot_canvas.h), and plot_check (plot.h).
 */
#include "plot_canvas.h"

#include "cli.h"
#include "plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const rgb RGB_WHITE = {1, 1, 1}, RGB_BLACK = {0, 0, 0}, RGB_GREY = {0.35, 0.35, 0.35},
          RGB_LIGHT_GREY = {0.88, 0.88, 0.88};

#define FONT "sans-serif"

/* ---- the file ----------------------------------------------------------- */

cli_status canvas_format_of(const char *path, canvas_format *format)
{
    static const struct {
        const char *ext;
        canvas_format format;
    } known[] = {{".png", CANVAS_PNG}, {".svg", CANVAS_SVG}, {".pdf", CANVAS_PDF}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof known / sizeof known[0]; i++) {
        if (!strcasecmp(dot, known[i].ext)) {
            *format = known[i].format;
            return CLI_OK;
        }
    }
    return CLI_ERR_ARG;
}

int plot_check(const char *option, const char *path)
{
    canvas_format format;
    if (canvas_format_of(path, &format) != CLI_OK)
        return cli_error("the extension chooses the format: .png, .svg or .pdf",
                         "--%s %s: unknown picture format", option, path);
    /* the folder must take a new file; the file itself is written last */
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return cli_error(NULL, "--%s %s: no folder %s", option, path, dir);
    if (access(dir, W_OK) != 0)
        return cli_error(NULL, "--%s %s: cannot write in %s: %s", option, path, dir,
                         strerror(errno));
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_error(NULL, "--%s %s is a folder", option, path);
    return CLI_EXIT_OK;
}

static cairo_status_t write_to_file(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* cairo and fontconfig keep their fonts cached until exit; handing the
 * caches back then (with the calls cairo documents for it) leaves a leak
 * checker's report to smx's own memory. */
static void release_font_caches(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

int canvas_open(canvas *c, const char *path, double width, double height)
{
    static int release_registered;
    if (!release_registered && atexit(release_font_caches) == 0)
        release_registered = 1;
    memset(c, 0, sizeof *c);
    if (canvas_format_of(path, &c->format) != CLI_OK)
        return cli_error("the extension chooses the format: .png, .svg or .pdf",
                         "%s: unknown picture format", path);
    c->path = path;
    c->width = width;
    c->height = height;
    c->file = fopen(path, "wb");
    if (!c->file)
        return cli_error(NULL, "cannot write %s: %s", path, strerror(errno));
    switch (c->format) {
    case CANVAS_PNG:
        /* RGB24: an opaque picture, written as an RGB PNG without alpha */
        c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(width),
                                                (int)ceil(height));
        break;
    case CANVAS_SVG:
        c->surface = cairo_svg_surface_create_for_stream(write_to_file, c->file, width, height);
        break;
    case CANVAS_PDF:
        c->surface = cairo_pdf_surface_create_for_stream(write_to_file, c->file, width, height);
        break;
    }
    c->cr = cairo_create(c->surface);
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
        const char *why = cairo_status_to_string(cairo_status(c->cr));
        cairo_destroy(c->cr);
        cairo_surface_destroy(c->surface);
        fclose(c->file);
        remove(path);
        return cli_error(NULL, "cannot draw %s: %s", path, why);
    }
    canvas_colour(c, RGB_WHITE);
    cairo_paint(c->cr);
    cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
    return CLI_EXIT_OK;
}

int canvas_close(canvas *c)
{
    cairo_status_t st = cairo_status(c->cr);
    cairo_destroy(c->cr);
    if (st == CAIRO_STATUS_SUCCESS && c->format == CANVAS_PNG)
        st = cairo_surface_write_to_png_stream(c->surface, write_to_file, c->file);
    cairo_surface_finish(c->surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(c->surface);
    cairo_surface_destroy(c->surface);
    const int io_error = ferror(c->file);
    const int close_error = fclose(c->file);
    if (st != CAIRO_STATUS_SUCCESS || io_error || close_error) {
        remove(c->path);
        return cli_error(NULL, "cannot write %s: %s", c->path,
                         st != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(st)
                                                    : strerror(errno));
    }
    return CLI_EXIT_OK;
}

/* ---- drawing ------------------------------------------------------------ */

void canvas_colour(canvas *c, rgb colour) { cairo_set_source_rgb(c->cr, colour.r, colour.g, colour.b); }

static void set_font(canvas *c, double size, int bold)
{
    cairo_select_font_face(c->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(c->cr, size);
}

double canvas_text_width(canvas *c, const char *text, double size, int bold)
{
    cairo_text_extents_t e;
    set_font(c, size, bold);
    cairo_text_extents(c->cr, text, &e);
    return e.x_advance;
}

void canvas_text(canvas *c, double x, double y, const char *text, double size, double align,
                 int bold)
{
    const double w = canvas_text_width(c, text, size, bold);
    cairo_move_to(c->cr, x - align * w, y);
    cairo_show_text(c->cr, text);
}

void canvas_text_up(canvas *c, double x, double y, const char *text, double size)
{
    const double w = canvas_text_width(c, text, size, 0);
    cairo_save(c->cr);
    cairo_translate(c->cr, x, y);
    cairo_rotate(c->cr, -1.57079632679489661923); /* a quarter turn */
    cairo_move_to(c->cr, -w / 2, 0);
    cairo_show_text(c->cr, text);
    cairo_restore(c->cr);
}

double canvas_paragraph(canvas *c, double x, double y, double width, const char *text,
                        double size)
{
    char line[512];
    size_t used = 0;
    const double leading = 1.3 * size;
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        const size_t len = strcspn(p, " ");
        if (!len)
            break;
        char trial[512];
        snprintf(trial, sizeof trial, "%.*s%s%.*s", (int)used, line, used ? " " : "", (int)len,
                 p);
        if (used && canvas_text_width(c, trial, size, 0) > width) {
            line[used] = '\0';
            canvas_text(c, x, y, line, size, 0, 0);
            y += leading;
            used = (size_t)snprintf(line, sizeof line, "%.*s", (int)len, p);
        } else {
            used = (size_t)snprintf(line, sizeof line, "%s", trial);
        }
        used = used < sizeof line ? used : sizeof line - 1;
        p += len;
    }
    if (used) {
        line[used] = '\0';
        canvas_text(c, x, y, line, size, 0, 0);
        y += leading;
    }
    return y;
}

void canvas_line(canvas *c, double x0, double y0, double x1, double y1, double line_width)
{
    cairo_set_line_width(c->cr, line_width);
    cairo_move_to(c->cr, x0, y0);
    cairo_line_to(c->cr, x1, y1);
    cairo_stroke(c->cr);
}

rgb rgb_mix(rgb a, rgb b, double t)
{
    const rgb m = {a.r + t * (b.r - a.r), a.g + t * (b.g - a.g), a.b + t * (b.b - a.b)};
    return m;
}

rgb class_colour(size_t k)
{
    static const rgb okabe_ito[] = {
        {0.000, 0.447, 0.698}, /* blue */
        {0.902, 0.624, 0.000}, /* orange */
        {0.000, 0.620, 0.451}, /* bluish green */
        {0.835, 0.369, 0.000}, /* vermillion */
        {0.800, 0.475, 0.655}, /* reddish purple */
        {0.337, 0.706, 0.914}, /* sky blue */
        {0.941, 0.894, 0.259}, /* yellow */
    };
    const size_t n = sizeof okabe_ito / sizeof okabe_ito[0];
    if (k < n)
        return okabe_ito[k];
    /* beyond: hues a golden angle apart, mid saturation and value */
    const double h = fmod((double)(k - n) * 137.508, 360.0) / 60.0, s = 0.65, v = 0.8;
    const double f = h - floor(h), p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    const rgb sector[6] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    return sector[(int)floor(h) % 6];
}

/* ---- axes --------------------------------------------------------------- */

double axes_x(const axes *a, double v)
{
    return a->left + (v - a->xmin) / (a->xmax - a->xmin) * a->width;
}

double axes_y(const axes *a, double v)
{
    return a->top + a->height - (v - a->ymin) / (a->ymax - a->ymin) * a->height;
}

/* 1, 2 or 5 times a power of ten, near range / ticks. */
static double round_step(double range, int ticks)
{
    const double raw = range / ticks, power = pow(10, floor(log10(raw))), f = raw / power;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}

void axes_round_range(double *lo, double *hi, int ticks)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0;
        *hi = 1;
    }
    if (*hi <= *lo) {
        const double half = *lo != 0 ? fabs(*lo) * 0.1 : 0.5;
        *lo -= half;
        *hi += half;
    }
    const double step = round_step(*hi - *lo, ticks);
    *lo = floor(*lo / step + 1e-9) * step;
    *hi = ceil(*hi / step - 1e-9) * step;
}

/* The ticks of [lo, hi]: the step, and the decimals that show it. */
static double tick_step(double lo, double hi, int ticks, int integers, int *decimals)
{
    double step = round_step(hi - lo, ticks);
    if (integers && step < 1)
        step = 1;
    *decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    return step;
}

void axes_draw(canvas *c, const axes *a, const char *x_title, const char *y_title, int flags)
{
    const int y_percent = flags & AXES_Y_PERCENT;
    cairo_t *cr = c->cr;
    const double font = 11, right = a->left + a->width, bottom = a->top + a->height;
    int dx, dy;
    const double sx = tick_step(a->xmin, a->xmax, 6, flags & AXES_X_INTEGERS, &dx);
    const double sy = tick_step(a->ymin, a->ymax, 5, 0, &dy);
    char num[32];
    for (double v = ceil(a->xmin / sx - 1e-9) * sx;
         !(flags & AXES_NO_X_TICKS) && v <= a->xmax + 1e-9 * sx; v += sx) {
        const double x = axes_x(a, v);
        canvas_colour(c, RGB_LIGHT_GREY);
        canvas_line(c, x, a->top, x, bottom, 0.8);
        canvas_colour(c, RGB_BLACK);
        canvas_line(c, x, bottom, x, bottom + 4, 1);
        snprintf(num, sizeof num, "%.*f", dx, fabs(v) < 1e-9 * sx ? 0.0 : v);
        canvas_text(c, x, bottom + 16, num, font, 0.5, 0);
    }
    if (y_percent)
        dy = dy > 2 ? dy - 2 : 0;
    for (double v = ceil(a->ymin / sy - 1e-9) * sy; v <= a->ymax + 1e-9 * sy; v += sy) {
        const double y = axes_y(a, v);
        canvas_colour(c, RGB_LIGHT_GREY);
        canvas_line(c, a->left, y, right, y, 0.8);
        canvas_colour(c, RGB_BLACK);
        canvas_line(c, a->left - 4, y, a->left, y, 1);
        const double shown = fabs(v) < 1e-9 * sy ? 0.0 : v;
        if (y_percent)
            snprintf(num, sizeof num, "%.*f %%", dy, 100 * shown);
        else
            snprintf(num, sizeof num, "%.*f", dy, shown);
        canvas_text(c, a->left - 7, y + 4, num, font, 1, 0);
    }
    canvas_colour(c, RGB_BLACK);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, a->left, a->top, a->width, a->height);
    cairo_stroke(cr);
    if (x_title)
        canvas_text(c, a->left + a->width / 2, bottom + 34, x_title, 12, 0.5, 0);
    if (y_title)
        canvas_text_up(c, a->left - 52, a->top + a->height / 2, y_title, 12);
}
