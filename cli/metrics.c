/*
 * metrics.c — a model's figures on labelled rows (metrics.h).
 */
#include "metrics.h"

#include "cli.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void metrics_f1(double *f1, double *macro_f1, const size_t *confusion, size_t classes)
{
    double sum = 0.0;
    size_t counted = 0;
    for (size_t c = 0; c < classes; c++) {
        size_t predicted = 0, actual = 0;
        for (size_t i = 0; i < classes; i++) {
            predicted += confusion[i * classes + c];
            actual += confusion[c * classes + i];
        }
        /* F1 = 2 tp / (2 tp + fp + fn) = 2 tp / (predicted + actual): the
         * harmonic mean of precision and recall, defined whenever the class
         * is predicted or present, and 0 when one of them is 0. */
        if (predicted + actual == 0) {
            f1[c] = NAN;
            continue;
        }
        f1[c] = 2.0 * (double)confusion[c * classes + c] / (double)(predicted + actual);
        sum += f1[c];
        counted++;
    }
    *macro_f1 = counted ? sum / (double)counted : NAN;
}

int metrics_of(metrics *m, const nn_model *net, nn_loss loss, const float *x,
               const int32_t *y, size_t rows)
{
    const size_t k = net->classes;
    memset(m, 0, sizeof *m);
    m->classes = k;
    m->confusion = calloc(k * k, sizeof *m->confusion);
    m->precision = calloc(k, sizeof *m->precision);
    m->recall = calloc(k, sizeof *m->recall);
    m->f1 = calloc(k, sizeof *m->f1);
    if (!m->confusion || !m->precision || !m->recall || !m->f1)
        return cli_error(NULL, "out of memory");
    const nn_status st = nn_evaluate(&m->eval, m->confusion, net, loss, x, y, rows);
    if (st != NN_OK)
        return cli_error(NULL, "%s", nn_strerror(st));
    nn_precision_recall(m->precision, m->recall, m->confusion, k);
    /* A class never predicted has no precision (0/0), one absent from the
     * rows no recall: NaN here, "n/a" in text, null in JSON. */
    for (size_t c = 0; c < k; c++) {
        size_t predicted = 0, actual = 0;
        for (size_t i = 0; i < k; i++) {
            predicted += m->confusion[i * k + c];
            actual += m->confusion[c * k + i];
        }
        if (!predicted)
            m->precision[c] = NAN;
        if (!actual)
            m->recall[c] = NAN;
    }
    metrics_f1(m->f1, &m->macro_f1, m->confusion, k);
    return CLI_EXIT_OK;
}

void metrics_free(metrics *m)
{
    free(m->confusion);
    free(m->precision);
    free(m->recall);
    free(m->f1);
    memset(m, 0, sizeof *m);
}

static int name_width(char *const *names, size_t n, int at_least)
{
    size_t w = (size_t)at_least;
    for (size_t i = 0; i < n; i++)
        w = strlen(names[i]) > w ? strlen(names[i]) : w;
    return (int)(w > 20 ? 20 : w);
}

/* "0.950", or "n/a" for NaN. */
static const char *figure(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else
        snprintf(buf, size, "%.3f", v);
    return buf;
}

void metrics_print(const metrics *m, char *const *classes, const char *what)
{
    const size_t k = m->classes;
    const int w = name_width(classes, k, 9);
    printf("\nconfusion matrix (%s; rows: true class, columns: predicted)\n", what);
    printf("%-*s", w, "");
    for (size_t j = 0; j < k; j++)
        printf(" %*.*s", w, w, classes[j]);
    putchar('\n');
    for (size_t i = 0; i < k; i++) {
        printf("%-*.*s", w, w, classes[i]);
        for (size_t j = 0; j < k; j++)
            printf(" %*zu", w, m->confusion[i * k + j]);
        putchar('\n');
    }
    printf("\n%-*s  precision  recall     F1\n", w, "per class");
    for (size_t i = 0; i < k; i++) {
        char p[16], r[16], f[16];
        printf("%-*.*s  %9s  %6s  %5s\n", w, w, classes[i], figure(p, sizeof p, m->precision[i]),
               figure(r, sizeof r, m->recall[i]), figure(f, sizeof f, m->f1[i]));
    }
}

cJSON *metrics_json(const metrics *m, int with_matrix)
{
    const size_t k = m->classes;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "rows", (double)m->eval.rows);
    cJSON_AddNumberToObject(o, "loss", m->eval.loss);
    cJSON_AddNumberToObject(o, "accuracy", m->eval.accuracy);
    cJSON_AddNumberToObject(o, "macro_f1", m->macro_f1);
    if (with_matrix) {
        cJSON *rows = cJSON_AddArrayToObject(o, "confusion");
        for (size_t i = 0; i < k; i++) {
            cJSON *r = cJSON_CreateArray();
            for (size_t j = 0; j < k; j++)
                cJSON_AddItemToArray(r, cJSON_CreateNumber((double)m->confusion[i * k + j]));
            cJSON_AddItemToArray(rows, r);
        }
        /* cJSON writes NaN as null */
        cJSON_AddItemToObject(o, "precision", cJSON_CreateDoubleArray(m->precision, (int)k));
        cJSON_AddItemToObject(o, "recall", cJSON_CreateDoubleArray(m->recall, (int)k));
        cJSON_AddItemToObject(o, "f1", cJSON_CreateDoubleArray(m->f1, (int)k));
    }
    return o;
}
