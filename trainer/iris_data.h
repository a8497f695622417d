/*
 * iris_data.h — the 150 flowers of Fisher's Iris data, embedded so that
 * `smx train` with no file and the tests train on them without reading a
 * file.  The arrays (iris_data.c) are written from data/iris.csv at build
 * time by cmake/iris_data.cmake; the values are the CSV's decimal strings
 * as C float literals, so they are bit-identical to what strtof() gives
 * when the CSV is read.
 */
#ifndef NN_IRIS_DATA_H
#define NN_IRIS_DATA_H

#include <stdint.h>

#define NN_IRIS_ROWS 150
#define NN_IRIS_FEATURES 4
#define NN_IRIS_CLASSES 3

/* Features, row-major [150][4], in the CSV's row and column order:
 * sepal_length, sepal_width, petal_length, petal_width (cm). */
extern const float nn_iris_x[NN_IRIS_ROWS * NN_IRIS_FEATURES];

/* Class of each row, 0..2, numbered in order of first appearance in the
 * CSV: 0 setosa, 1 versicolor, 2 virginica (rows 0-49, 50-99, 100-149). */
extern const int32_t nn_iris_y[NN_IRIS_ROWS];

/* The CSV header's feature column names and the class names, as written
 * in the CSV. */
extern const char *const nn_iris_feature_names[NN_IRIS_FEATURES];
extern const char *const nn_iris_class_names[NN_IRIS_CLASSES];

/* The CSV header's name of the target column: "species". */
extern const char *const nn_iris_target_name;

#endif
