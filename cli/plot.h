/*
 * plot.h — the pictures of the smx command: the training curves and the
 * decision regions of `smx train`, and the SoftMax with its derivative
 * of `smx explain`.  The file name's extension chooses the format: .png,
 * .svg or .pdf.
 *
 * Drawn with cairo (plot_canvas.c, plot_training.c, plot_regions.c,
 * plot_explain.c).  A build without cairo has plot_none.c instead, where
 * plot_check says so and fails, so that no picture is ever asked for in
 * vain.  Every function prints its error (cli_error) and returns
 * CLI_EXIT_FAIL on failure; a picture that could not be written is
 * removed.
 */
#ifndef CLI_PLOT_H
#define CLI_PLOT_H

#include "history.h"
#include "nn.h"

#include <stddef.h>
#include <stdint.h>

/* Checks, before any work, that the picture of option `option` ("plot")
 * can be drawn to `path`: smx has cairo, the extension is .png, .svg or
 * .pdf, and the folder exists and is writable. */
int plot_check(const char *option, const char *path);

/* The loss and the accuracy per epoch, training and (when recorded)
 * validation, with the final test accuracy; `title` names the run. */
typedef struct plot_training_info {
    const char *title;
    const char *loss_name; /* "cross-entropy", "mse" */
    double test_accuracy;
    size_t best_epoch; /* the epoch whose weights were kept (early stopping), 0: the last */
} plot_training_info;

int plot_training(const char *path, const train_history *h, const plot_training_info *info);

/* Labelled rows of a data set, drawn as points. */
typedef struct plot_rows {
    const float *x; /* [rows][features] */
    const int32_t *y;
    size_t rows;
} plot_rows;

/* The decision regions of net over features pair[0] (across) and
 * pair[1] (up): the class of largest probability on a grid, shaded by
 * that probability, the other features held at the model's training
 * means (net->mean); the training and test rows on top. */
typedef struct plot_regions_info {
    const char *title;
    const char *const *class_names;
    const char *const *feature_names;
    size_t pair[2];
    double test_accuracy;
} plot_regions_info;

int plot_regions(const char *path, const nn_model *net, const plot_rows *train,
                 const plot_rows *test, const plot_regions_info *info);

/* The scores z, the probabilities s as bars, the Jacobian J = diag(s) -
 * s s^T as an annotated heatmap, and the gradient dz = J^T g, all of n
 * classes.  target < n: g is the cross-entropy's of that class;
 * target == n: g was given. */
typedef struct plot_explain_info {
    size_t n;
    const double *z, *s, *jacobian, *g, *dz;
    const char *const *labels;
    size_t target;
    double temperature;
} plot_explain_info;

int plot_explain(const char *path, const plot_explain_info *info);

#endif
