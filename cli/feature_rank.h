/*
 * feature_rank.h — which two features `smx train --plot-regions` draws: the
 * ones named by --plot-features, or the two most informative by the
 * one-way ANOVA F statistic (feature_rank.c).  The trainer never sees
 * this choice: it only chooses what the picture shows.
 */
#ifndef CLI_FEATURE_RANK_H
#define CLI_FEATURE_RANK_H

#include <stddef.h>
#include <stdint.h>

/* F[features]: for each feature, the one-way ANOVA F statistic of its
 * values x[rows][features] grouped by class y[rows] in [0, classes):
 *
 *     F = (between-class sum of squares / (K - 1))
 *       / (within-class sum of squares / (N - K))
 *
 * with K the classes present and N the rows: the spread of the class
 * means against the spread inside the classes (scikit-learn's
 * f_classif).  A feature constant within every class but not across
 * them separates the classes perfectly: +inf.  A constant feature, or
 * one where K < 2 or N <= K, tells nothing: 0. */
void features_f_statistic(double *F, const float *x, const int32_t *y, size_t rows,
                          size_t features, size_t classes);

/* pair[2] from `spec` ("a,b": two different feature names or 1-based
 * positions), or, when spec is NULL, the two features of largest F
 * (ties to the first), in their column order.  Prints the error and
 * returns CLI_EXIT_FAIL when spec is bad or there are fewer than two
 * features. */
int features_pick_pair(size_t pair[2], const char *spec, const char *const *names,
                       size_t features, const double *F);

#endif
