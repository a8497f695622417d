/*
 * plot_none.c — plot.h in an smx built without cairo: every picture
 * option says so (plot_check runs before any work).
 */
#include "plot.h"

#include "cli.h"

int plot_check(const char *option, const char *path)
{
    (void)path;
    return cli_error("install libcairo2-dev and build smx again",
                     "smx was built without cairo; --%s is not available", option);
}

int plot_training(const char *path, const train_history *h, const plot_training_info *info)
{
    (void)h;
    (void)info;
    return plot_check("plot", path);
}

int plot_regions(const char *path, const nn_model *net, const plot_rows *train,
                 const plot_rows *test, const plot_regions_info *info)
{
    (void)net;
    (void)train;
    (void)test;
    (void)info;
    return plot_check("plot-regions", path);
}

int plot_explain(const char *path, const plot_explain_info *info)
{
    (void)info;
    return plot_check("plot", path);
}
