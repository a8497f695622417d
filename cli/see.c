/*
 * see.c — `smx softmax`, `smx jacobian` and `smx explain`: the numbers of
 * the SoftMax and its derivative, for a person or (--json) a script.
 */
#include "cli.h"
#include "half.h"
#include "plot.h"
#include "scores.h"

#include "io/names.h"
#include "io/number.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What the three commands share: the mode, the precision, the labels. */
typedef struct see_setup {
    scores_mode mode;
    int precision;
    int json;
    int header; /* softmax from a file: skip the first line */
    half_format half; /* --bf16, --f16: the scores and probabilities in that format */
    int shortest;     /* print the half values as their shortest decimals (no --precision) */
    char **labels;
    size_t n_labels;
} see_setup;

static int see_setup_of(see_setup *s, const cli_args *args)
{
    memset(s, 0, sizeof *s);
    s->mode.f64 = cli_flag(args, "f64");
    s->mode.log = cli_flag(args, "log");
    s->mode.temperature = 1.0;
    s->json = cli_flag(args, "json");
    s->header = cli_flag(args, "header");
    if (cli_precision(args, &s->precision))
        return CLI_EXIT_FAIL;
    const int bf16 = cli_flag(args, "bf16"), f16 = cli_flag(args, "f16");
    if (s->mode.f64 + bf16 + f16 > 1) {
        cli_error("one format at a time: --f64 (double), --bf16, --f16, or none (float)",
                  "%s and %s exclude each other", s->mode.f64 ? "--f64" : "--bf16",
                  f16 ? "--f16" : "--bf16");
        return CLI_EXIT_USAGE;
    }
    s->half = bf16 ? HALF_BF16 : f16 ? HALF_F16 : HALF_NONE;
    s->shortest = s->half && !cli_value(args, "precision");
    const char *t = cli_value(args, "temperature");
    if (t && (cli_parse_number(&s->mode.temperature, t) != CLI_OK || !(s->mode.temperature > 0)))
        return cli_error("the temperature divides the scores: use a number > 0",
                         "bad --temperature '%s'", t);
    /* The library multiplies by 1/T, in float without --f64. */
    const double scale = 1.0 / s->mode.temperature;
    if (t && (s->mode.f64 ? !isfinite(scale) || scale < DBL_MIN
                          : !(fabs(scale) <= FLT_MAX) || (float)scale < FLT_MIN))
        return cli_error(s->mode.f64 ? NULL : "--f64 computes in double",
                         "--temperature %s: its inverse 1/T is beyond the range of %s", t,
                         s->mode.f64 ? "double" : "float");
    const char *labels = cli_value(args, "labels");
    if (labels && cli_split_list(&s->labels, &s->n_labels, labels) != CLI_OK)
        return cli_error(NULL, "out of memory");
    return CLI_EXIT_OK;
}

static void see_setup_free(see_setup *s) { cli_free_list(s->labels, s->n_labels); }

/* A score of a --bf16 or --f16 row rounded to the format: -1 when a
 * finite score rounds to infinity, which the format cannot compute with. */
static int round_to_half(double *v, half_format f)
{
    const double r = half_round(f, *v);
    if (isfinite(*v) && !isfinite(r))
        return -1;
    *v = r;
    return 0;
}

/* The scores given on the command line (at least min_n), into a fresh
 * *x: each argument a number in the dtype's range, or nan, inf, -inf;
 * divided by the temperature, still in range; as many as the labels.
 * --bf16 and --f16 round each to the format, with a note for each that
 * changes when note_rounding. */
static int scores_of_args(double **x, const cli_args *args, const see_setup *s, size_t min_n,
                          int note_rounding)
{
    const size_t n = args->n_words;
    *x = NULL;
    if (n < min_n) {
        char hint[96];
        snprintf(hint, sizeof hint, "for example: smx %s 1.43 -0.40 0.23",
                 args->command->name);
        return cli_error(hint, "'smx %s' needs at least %zu score%s", args->command->name,
                         min_n, min_n == 1 ? "" : "s");
    }
    if (s->labels && s->n_labels != n)
        return cli_error("give one label per score", "%zu labels for %zu scores", s->n_labels,
                         n);
    double *v = malloc(n * sizeof *v);
    if (!v)
        return cli_error(NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        v[i] = 0;
        const cli_status st = scores_parse(&v[i], args->words[i], strlen(args->words[i]));
        const char *why = scores_why(st, v[i], s->mode.f64 || s->half);
        const double given = why ? 0 : v[i];
        /* beyond double (1e309) is beyond the half format too: say the format */
        const int beyond_double = why && s->half && strstr(why, "range of double");
        if (beyond_double || (!why && s->half && round_to_half(&v[i], s->half) != 0)) {
            free(v);
            return cli_error("without --bf16 or --f16 smx computes in float (to 3.4e38)",
                             "score argument %zu '%.40s%s' is beyond the range of %s (%s)", i + 1,
                             args->words[i], strlen(args->words[i]) > 40 ? "..." : "",
                             half_name(s->half), half_max_text(s->half));
        }
        if (!why && note_rounding && s->half && v[i] != given && !isnan(v[i])) {
            char exact[64];
            fprintf(stderr, "note: score %s is %s in %s\n", args->words[i],
                    exact_decimal(exact, sizeof exact, v[i], 20), half_name(s->half));
        }
        if (why) {
            free(v);
            return cli_error("scores are numbers, or nan, inf and -inf",
                             "score argument %zu '%.40s%s' %s", i + 1, args->words[i],
                             strlen(args->words[i]) > 40 ? "..." : "", why);
        }
    }
    const size_t bad = scores_first_overflow(v, n, &s->mode);
    if (bad < n) {
        free(v);
        return cli_error("use a larger --temperature", "score argument %zu '%s' divided by the "
                         "temperature %g is beyond the range of double", bad + 1,
                         args->words[bad], s->mode.temperature);
    }
    unsigned noted = 0;
    scores_note_specials(v, n, &noted);
    *x = v;
    return CLI_EXIT_OK;
}

static const char *label_of(const see_setup *s, size_t i, char *buf, size_t size)
{
    if (s->labels)
        return s->labels[i];
    snprintf(buf, size, "z%zu", i + 1);
    return buf;
}

static int label_width(const see_setup *s, size_t n)
{
    size_t w = 4;
    char buf[32];
    for (size_t i = 0; i < n; i++) {
        const size_t len = strlen(label_of(s, i, buf, sizeof buf));
        w = len > w ? len : w;
    }
    return (int)(w > 24 ? 24 : w);
}

static cJSON *json_array(const double *v, size_t n)
{
    return cJSON_CreateDoubleArray(v, (int)n);
}

static cJSON *json_labels(const see_setup *s, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    char buf[32];
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(label_of(s, i, buf, sizeof buf)));
    return a;
}

static void print_row(const double *v, size_t n, int precision)
{
    for (size_t i = 0; i < n; i++)
        printf("%s%.*f", i ? " " : "", precision, v[i]);
    putchar('\n');
}

/* A result as printed: a half value as its shortest decimal (unless
 * --precision asks for fixed digits), any other with `precision` digits. */
static const char *value_text(char *buf, size_t size, const see_setup *s, double v)
{
    if (s->shortest)
        return half_shortest(buf, size, v, s->half);
    snprintf(buf, size, "%.*f", s->precision, v);
    return buf;
}

static void print_values(const see_setup *s, const double *v, size_t n)
{
    char buf[64];
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? " " : "", value_text(buf, sizeof buf, s, v[i]));
    putchar('\n');
}

/* The library's forward function on a row: in the half format of --bf16
 * or --f16 (the scores are values of it), else as scores_forward. */
static smx_status forward_of(double *y, const double *x, size_t n, const see_setup *s)
{
    if (s->half)
        return half_forward(y, x, n, s->half, s->mode.log, (float)(1.0 / s->mode.temperature));
    return scores_forward(y, x, n, &s->mode);
}

/* --bf16, --f16: the format's name in the JSON output. */
static void json_format(cJSON *root, const see_setup *s)
{
    if (s->half)
        cJSON_AddStringToObject(root, "format", half_name(s->half));
}

/* ---- smx softmax -------------------------------------------------------- */

static int softmax_stream(FILE *in, const char *source, const see_setup *s)
{
    double *row = NULL, *out = NULL;
    size_t n = 0, cap = 0, line_no = 0, out_cap = 0;
    int rc = CLI_EXIT_OK;
    unsigned noted = 0;
    int noted_rounding = 0;
    cJSON *rows = s->json ? cJSON_CreateArray() : NULL;
    /* --bf16, --f16: each score is read in double's range, then rounded */
    scores_mode read_mode = s->mode;
    read_mode.f64 |= s->half != HALF_NONE;
    if (s->header) {
        /* the first line holds column names: skipped whatever it says */
        char *line = NULL;
        size_t line_cap = 0;
        if (getline(&line, &line_cap, in) >= 0)
            line_no++;
        free(line);
    }
    while ((rc = scores_read_row(in, source, &line_no, &row, &n, &cap, &read_mode)) ==
               CLI_EXIT_OK &&
           n > 0) {
        if (out_cap < n) {
            double *grown = realloc(out, n * sizeof *out);
            if (!grown) {
                rc = cli_error(NULL, "out of memory (%s:%zu)", source, line_no);
                break;
            }
            out = grown;
            out_cap = n;
        }
        size_t beyond = n;
        for (size_t i = 0; s->half && i < n && beyond == n; i++) {
            const double given = row[i];
            if (round_to_half(&row[i], s->half) != 0) {
                beyond = i;
            } else if (!noted_rounding && row[i] != given && !isnan(given)) {
                char a[64], b[64];
                fprintf(stderr, "note: scores are rounded to %s: %s is %s (%s:%zu)\n",
                        half_name(s->half), half_shortest(a, sizeof a, given, HALF_NONE),
                        exact_decimal(b, sizeof b, row[i], 20), source, line_no);
                noted_rounding = 1;
            }
        }
        if (beyond < n) {
            char a[64];
            rc = cli_error("without --bf16 or --f16 smx computes in float (to 3.4e38)",
                           "score %zu of the row, %s, is beyond the range of %s (%s) (%s:%zu)",
                           beyond + 1, half_shortest(a, sizeof a, row[beyond], HALF_NONE),
                           half_name(s->half), half_max_text(s->half), source, line_no);
            break;
        }
        scores_note_specials(row, n, &noted);
        const smx_status st = forward_of(out, row, n, s);
        if (st != SMX_OK) {
            rc = cli_error(NULL, "%s (%s:%zu)", smx_strerror(st), source, line_no);
            break;
        }
        if (rows)
            cJSON_AddItemToArray(rows, json_array(out, n));
        else {
            print_values(s, out, n);
            fflush(stdout);
        }
    }
    free(row);
    free(out);
    if (rows) {
        if (rc == CLI_EXIT_OK) {
            cJSON *root = cJSON_CreateObject();
            json_format(root, s);
            cJSON_AddItemToObject(root, s->mode.log ? "log_probabilities" : "probabilities",
                                  rows);
            return cli_print_json(root);
        }
        cJSON_Delete(rows);
    }
    return rc;
}

/* `smx softmax FILE`: one argument that is not a score. */
static int reads_a_file(const cli_args *args)
{
    double v;
    return args->n_words == 0 ||
           (args->n_words == 1 &&
            cli_parse_f64(&v, args->words[0], strlen(args->words[0]),
                          CLI_PARSE_ALLOW_NONFINITE) != CLI_OK &&
            (!strcmp(args->words[0], "-") || args->words[0][0] != '\0'));
}

static int softmax_file(const char *path, const see_setup *s)
{
    const int is_stdin = !strcmp(path, "-");
    FILE *in = is_stdin ? stdin : fopen(path, "r");
    if (!in)
        return cli_error(NULL, "cannot open '%s': %s", path, strerror(errno));
    const int rc = softmax_stream(in, is_stdin ? "<stdin>" : path, s);
    if (!is_stdin)
        fclose(in);
    return rc;
}

static int run_softmax(const cli_args *args)
{
    see_setup s;
    double *x = NULL;
    int rc = see_setup_of(&s, args);
    if (!rc && reads_a_file(args)) {
        /* Rows from the named file, or from standard input. */
        if (s.labels)
            rc = cli_error("--labels names the scores given as arguments",
                           "--labels does not apply to rows read from a file");
        else
            rc = softmax_file(args->n_words ? args->words[0] : "-", &s);
        see_setup_free(&s);
        return rc;
    }
    if (!rc && s.header)
        rc = cli_error(NULL, "--header applies to rows read from a file or standard input");
    if (rc || (rc = scores_of_args(&x, args, &s, 1, 1))) {
        see_setup_free(&s);
        return rc;
    }
    const size_t n = args->n_words;
    double *y = malloc(n * sizeof *y);
    smx_status st = y ? forward_of(y, x, n, &s) : SMX_ERR_NULL_POINTER;
    if (st != SMX_OK) {
        rc = cli_error(NULL, "%s", smx_strerror(st));
    } else if (s.json) {
        cJSON *root = cJSON_CreateObject();
        json_format(root, &s);
        cJSON_AddItemToObject(root, "labels", json_labels(&s, n));
        cJSON_AddItemToObject(root, "scores", json_array(x, n));
        cJSON_AddNumberToObject(root, "temperature", s.mode.temperature);
        cJSON_AddItemToObject(root, s.mode.log ? "log_probabilities" : "probabilities",
                              json_array(y, n));
        rc = cli_print_json(root);
    } else if (s.labels) {
        const int w = label_width(&s, n);
        char buf[64];
        for (size_t i = 0; i < n; i++)
            printf("%-*s  %s\n", w, s.labels[i], value_text(buf, sizeof buf, &s, y[i]));
    } else {
        print_values(&s, y, n);
    }
    free(x);
    free(y);
    see_setup_free(&s);
    return rc;
}

/* ---- smx jacobian ------------------------------------------------------- */

static void print_matrix(const see_setup *s, const double *m, size_t n)
{
    const int w = label_width(s, n);
    const int cw = s->precision + 5 > w ? s->precision + 5 : w;
    char buf[32];
    printf("%*s", w, "");
    for (size_t j = 0; j < n; j++)
        printf("  %*s", cw, label_of(s, j, buf, sizeof buf));
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        printf("%-*s", w, label_of(s, i, buf, sizeof buf));
        for (size_t j = 0; j < n; j++)
            printf("  %*.*f", cw, s->precision, m[i * n + j]);
        putchar('\n');
    }
}

static int run_jacobian(const cli_args *args)
{
    see_setup s;
    double *x = NULL;
    int rc = see_setup_of(&s, args);
    if (rc || (rc = scores_of_args(&x, args, &s, 1, 1))) {
        see_setup_free(&s);
        return rc;
    }
    const size_t n = args->n_words;
    double *y = malloc(n * sizeof *y), *jac = malloc(n * n * sizeof *jac);
    smx_status st = (y && jac) ? scores_forward(y, x, n, &s.mode)
                               : SMX_ERR_NULL_POINTER;
    if (st == SMX_OK)
        st = scores_jacobian(jac, y, n, s.mode.f64);
    if (st != SMX_OK) {
        rc = cli_error(NULL, "%s", smx_strerror(st));
    } else if (s.json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddItemToObject(root, "labels", json_labels(&s, n));
        cJSON_AddItemToObject(root, "probabilities", json_array(y, n));
        cJSON *rows = cJSON_AddArrayToObject(root, "jacobian");
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(rows, json_array(jac + i * n, n));
        rc = cli_print_json(root);
    } else {
        printf("Jacobian ds_i/dz_j of the SoftMax (row i: output, column j: input)\n");
        print_matrix(&s, jac, n);
    }
    free(x);
    free(y);
    free(jac);
    see_setup_free(&s);
    return rc;
}

/* ---- smx explain -------------------------------------------------------- */

/* The upstream gradient g = dL/ds: --grad values, or the cross-entropy
 * L = -log s_c of --target (a label or a 1-based index), g = -onehot/s_c. */
static int upstream_of(const cli_args *args, const see_setup *s, const double *y, size_t n,
                       double *g, size_t *target)
{
    const char *grad = cli_value(args, "grad");
    const char *name = cli_value(args, "target");
    *target = n;
    if (grad && name)
        return cli_error(NULL, "give --grad or --target, not both");
    if (grad) {
        char **items;
        size_t k;
        if (cli_split_list(&items, &k, grad) != CLI_OK)
            return cli_error(NULL, "out of memory");
        int rc = k == n ? CLI_EXIT_OK
                        : cli_error("give one value per score, comma-separated",
                                    "--grad has %zu values for %zu scores", k, n);
        for (size_t i = 0; rc == CLI_EXIT_OK && i < n; i++)
            if (cli_parse_number(&g[i], items[i]) != CLI_OK)
                rc = cli_error(NULL, "bad --grad value '%s'", items[i]);
        cli_free_list(items, k);
        return rc;
    }
    if (!name) {
        /* default: the cross-entropy of the most probable class */
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            best = y[i] > y[best] ? i : best;
        *target = best;
    } else {
        *target = cli_name_or_position((const char *const *)s->labels, n, name);
        if (*target == n)
            return cli_error("name a class from --labels, or its 1-based position",
                             "unknown --target '%s'", name);
    }
    if (!(y[*target] > 0)) {
        char buf[32];
        return cli_error("choose a class of non-zero probability, or give --grad",
                         "the probability of --target %s is %s: the upstream gradient "
                         "-1/s_c would be infinite",
                         label_of(s, *target, buf, sizeof buf),
                         isnan(y[*target]) ? "NaN" : "0 (its score is -inf, or it underflows)");
    }
    for (size_t i = 0; i < n; i++)
        g[i] = i == *target ? -1.0 / y[i] : 0.0;
    return CLI_EXIT_OK;
}

/* A score in the text: fixed-point, or with an exponent from 1e6 on so
 * that a line stays within 80 columns. */
static const char *score_text(char *buf, size_t size, double v, int precision)
{
    snprintf(buf, size, fabs(v) >= 1e6 && isfinite(v) ? "%.*e" : "%.*f", precision, v);
    return buf;
}

/* head, then tail on the same line when both fit in 80 columns, else on
 * the next line, indented by 9. */
static void print_fitted(const char *head, const char *tail)
{
    if (strlen(head) + 1 + strlen(tail) <= 80)
        printf("%s %s\n", head, tail);
    else
        printf("%s\n         %s\n", head, tail);
}

/* --bf16, --f16, step 0: the scores that rounding to the format changed. */
static void explain_rounded_scores(const cli_args *args, const see_setup *s, const double *z,
                                   size_t n, int w)
{
    size_t changed = 0;
    char a[32], head[128], tail[64];
    for (size_t i = 0; i < n; i++) {
        double given;
        if (cli_parse_number(&given, args->words[i]) == CLI_OK && given != z[i])
            changed++;
    }
    if (!changed) {
        printf("0. Every score is a value of %s (%s) as given.\n\n", half_name(s->half),
               half_bits_text(s->half));
        return;
    }
    printf("0. Round each score to %s (%s, to nearest, ties to even):\n",
           half_name(s->half), half_bits_text(s->half));
    for (size_t i = 0; i < n; i++) {
        double given;
        if (cli_parse_number(&given, args->words[i]) != CLI_OK || given == z[i])
            continue;
        const size_t len = strlen(args->words[i]);
        snprintf(head, sizeof head, "     %-*s  %.24s%s", w, label_of(s, i, a, sizeof a),
                 args->words[i], len > 24 ? "..." : "");
        snprintf(tail, sizeof tail, "is %s", "");
        exact_decimal(tail + 3, sizeof tail - 3, z[i], 20);
        print_fitted(head, tail);
    }
    putchar('\n');
}

/* How far a half result y lies from the exact value, in ulp of the format
 * there: "0.29 ulp below". */
static const char *ulp_text(char *buf, size_t size, double ulps)
{
    if (ulps == 0)
        snprintf(buf, size, "0 ulp");
    else
        snprintf(buf, size, fabs(ulps) >= 0.005 ? "%.2f ulp %s" : "%.1e ulp %s", fabs(ulps),
                 ulps < 0 ? "below" : "above");
    return buf;
}

/* --plot: the picture of what explain printed. */
static int draw_explain(const char *path, const see_setup *s, const double *z, const double *y,
                        const double *jac, const double *g, const double *dz, size_t n,
                        size_t target)
{
    char(*names)[32] = malloc(n * sizeof *names);
    const char **labels = malloc(n * sizeof *labels);
    int rc = CLI_EXIT_OK;
    if (!names || !labels) {
        rc = cli_error(NULL, "out of memory");
    } else {
        for (size_t i = 0; i < n; i++)
            labels[i] = label_of(s, i, names[i], sizeof names[i]);
        const plot_explain_info info = {n, z, y, jac, g, dz, labels, target,
                                        s->mode.temperature};
        rc = plot_explain(path, &info);
    }
    free(names);
    free((void *)labels);
    return rc;
}

static int run_explain(const cli_args *args)
{
    see_setup s;
    double *z = NULL;
    const char *plot = cli_value(args, "plot");
    if (plot && plot_check("plot", plot))
        return CLI_EXIT_FAIL;
    int rc = see_setup_of(&s, args);
    /* explain's text shows the rounding itself (step 0) */
    if (rc || (rc = scores_of_args(&z, args, &s, 2, s.json))) {
        see_setup_free(&s);
        return rc;
    }
    const size_t n = args->n_words;
    const int p = s.precision;
    const int w = label_width(&s, n);
    char a[32], b[32];
    s.mode.log = 0;

    double *mem = calloc(8 * n + n * n, sizeof(double));
    if (!mem) {
        free(z);
        see_setup_free(&s);
        return cli_error(NULL, "out of memory");
    }
    double *y = mem, *e = mem + n, *g = mem + 2 * n, *dz = mem + 3 * n, *jg = mem + 4 * n;
    double *exact = mem + 6 * n, *ulps = mem + 7 * n; /* --bf16, --f16 */
    double *jac = mem + 8 * n;
    size_t target = n;
    /* The derivative is computed in float from the half probabilities
     * (s.mode.f64 is 0 with --bf16 and --f16). */
    smx_status st = forward_of(y, z, n, &s);
    if (st == SMX_OK && s.half) {
        /* the exact softmax of the half scores at the library's float scale */
        const double scale = (float)(1.0 / s.mode.temperature);
        st = smx_softmax_masked_f64(exact, z, 1, n, scale, NULL);
        for (size_t i = 0; i < n; i++)
            ulps[i] = (y[i] - exact[i]) / half_ulp(s.half, exact[i]);
    }
    if (st == SMX_OK)
        st = scores_jacobian(jac, y, n, s.mode.f64);
    if (st != SMX_OK) {
        rc = cli_error(NULL, "%s", smx_strerror(st));
        goto done;
    }
    if ((rc = upstream_of(args, &s, y, n, g, &target)))
        goto done;
    st = scores_backward(dz, y, g, n, s.mode.f64);
    if (st != SMX_OK) {
        rc = cli_error(NULL, "%s", smx_strerror(st));
        goto done;
    }

    const double t = s.mode.temperature;
    double m = -INFINITY, sum = 0, dot = 0, worst = 0;
    for (size_t i = 0; i < n; i++)
        m = z[i] / t > m ? z[i] / t : m;
    for (size_t i = 0; i < n; i++) {
        e[i] = exp(z[i] / t - m);
        sum += e[i];
        dot += y[i] * g[i];
    }
    for (size_t i = 0; i < n; i++) {
        jg[i] = 0;
        for (size_t j = 0; j < n; j++)
            jg[i] += jac[i * n + j] * g[j];
        worst = fmax(worst, fabs(jg[i] - dz[i]));
    }
    if (plot && (rc = draw_explain(plot, &s, z, y, jac, g, dz, n, target)))
        goto done;

    if (s.json) {
        cJSON *root = cJSON_CreateObject();
        json_format(root, &s);
        cJSON_AddItemToObject(root, "labels", json_labels(&s, n));
        cJSON_AddItemToObject(root, "scores", json_array(z, n));
        cJSON_AddNumberToObject(root, "temperature", t);
        cJSON_AddNumberToObject(root, "max", m);
        cJSON_AddItemToObject(root, "exp_shifted", json_array(e, n));
        cJSON_AddNumberToObject(root, "sum", sum);
        cJSON_AddItemToObject(root, "probabilities", json_array(y, n));
        if (s.half) {
            cJSON_AddItemToObject(root, "exact_probabilities", json_array(exact, n));
            cJSON_AddItemToObject(root, "ulp_errors", json_array(ulps, n));
        }
        cJSON *rows = cJSON_AddArrayToObject(root, "jacobian");
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(rows, json_array(jac + i * n, n));
        if (target < n)
            cJSON_AddStringToObject(root, "target", label_of(&s, target, a, sizeof a));
        cJSON_AddItemToObject(root, "upstream_gradient", json_array(g, n));
        cJSON_AddNumberToObject(root, "dot", dot);
        cJSON_AddItemToObject(root, "gradient", json_array(dz, n));
        cJSON_AddItemToObject(root, "jacobian_times_gradient", json_array(jg, n));
        cJSON_AddNumberToObject(root, "max_difference", worst);
        if (plot)
            cJSON_AddStringToObject(root, "plot", plot);
        rc = cli_print_json(root);
        goto done;
    }

    printf("SoftMax of %zu scores, step by step%s\n\n", n,
           t != 1 ? " (each score divided by the temperature)" : "");
    char num[64];
    if (s.half)
        explain_rounded_scores(args, &s, z, n, w);
    printf("1. Subtract the largest score, m = %s: it cancels in the ratio below,\n"
           "   and keeps every exponential at most 1 (no overflow).\n",
           score_text(num, sizeof num, m, p));
    printf("2. Exponentials e_i = exp(z_i - m):\n");
    for (size_t i = 0; i < n; i++)
        printf("     %-*s  z = %*s   e = %.*f\n", w, label_of(&s, i, a, sizeof a), p + 4,
               score_text(num, sizeof num, z[i], p), p, e[i]);
    printf("3. Their sum S = %.*f; each probability s_i = e_i / S:\n", p, sum);
    for (size_t i = 0; i < n; i++)
        printf("     %-*s  s = %.*f / %.*f = %s\n", w, label_of(&s, i, a, sizeof a), p, e[i],
               p, sum, value_text(num, sizeof num, &s, y[i]));
    printf("   s = ");
    print_values(&s, y, n);
    if (!s.half) {
        printf("   (they sum to 1)\n\n");
    } else {
        char head[128], tail[128], ex[48], u[32];
        double total = 0;
        printf("   In %s (%s) the library rounds each exact quotient once, to\n"
               "   nearest; its error in ulp, the spacing of %s values around it:\n",
               half_name(s.half), half_bits_text(s.half), half_name(s.half));
        for (size_t i = 0; i < n; i++) {
            total += y[i];
            snprintf(head, sizeof head, "     %-*s  %s", w, label_of(&s, i, a, sizeof a),
                     value_text(num, sizeof num, &s, y[i]));
            if (isfinite(ulps[i]))
                snprintf(tail, sizeof tail, "(exact %s; %s)",
                         exact_decimal(ex, sizeof ex, exact[i], 10),
                         ulp_text(u, sizeof u, ulps[i]));
            else
                snprintf(tail, sizeof tail, "(exact %s)", exact_decimal(ex, sizeof ex, exact[i], 10));
            print_fitted(head, tail);
        }
        printf("   (the exact ones sum to 1, these to %s)\n", exact_decimal(ex, sizeof ex, total, 17));
        printf("   The derivative below is computed in float from these %s values.\n\n",
               half_name(s.half));
    }

    const size_t i0 = target < n ? target : 0, j0 = i0 == 0 ? 1 : 0;
    const char *li = label_of(&s, i0, a, sizeof a), *lj = label_of(&s, j0, b, sizeof b);
    printf("4. Same class, by the quotient rule on s_i = e_i / S (dS/dz_i = e_i):\n"
           "     ds_i/dz_i = (e_i S - e_i e_i) / S^2 = s_i (1 - s_i)\n"
           "     %s: %.*f x (1 - %.*f) = %.*f\n",
           li, p, y[i0], p, y[i0], p, jac[i0 * n + i0]);
    printf("5. Another class j (e_i does not depend on z_j, dS/dz_j = e_j):\n"
           "     ds_i/dz_j = (0 - e_i e_j) / S^2 = -s_i s_j\n"
           "     %s w.r.t. %s: -%.*f x %.*f = %.*f\n",
           li, lj, p, y[i0], p, y[j0], p, jac[i0 * n + j0]);
    printf("   so the %s row of the Jacobian, ds_%s/dz, is\n     ", li, li);
    print_row(jac + i0 * n, n, p);
    putchar('\n');
    printf("6. The general rule: J = diag(s) - s s^T, symmetric, each row sums to 0:\n");
    print_matrix(&s, jac, n);
    putchar('\n');

    if (target < n)
        printf("7. Backward for the cross-entropy L = -log s_c of target c = %s:\n"
               "   the upstream gradient g = dL/ds is -1/s_c at c, 0 elsewhere:\n",
               label_of(&s, target, a, sizeof a));
    else
        printf("7. Backward for the upstream gradient g = dL/ds given by --grad:\n");
    printf("     g = ");
    print_row(g, n, p);
    printf("   without the matrix, in O(n): dz = s * (g - <s, g>), <s, g> = %.*f\n", p, dot);
    printf("     dz = ");
    print_row(dz, n, p);
    if (target < n)
        printf("   which is s - onehot(c): the cross-entropy gradient needs no division.\n");
    printf("   check against the matrix, J g = ");
    print_row(jg, n, p);
    printf("   largest difference: %.3g\n", worst);
    if (plot)
        printf("\ndrew %s (scores, probabilities, Jacobian, gradient)\n", plot);

done:
    free(z);
    free(mem);
    see_setup_free(&s);
    return rc;
}

/* ---- the commands ------------------------------------------------------- */

#define SEE_COMMON_OPTIONS                                                                   \
    {"labels", "A,B,...", "class names, comma-separated (one per score)"},                    \
        {"temperature", "T", "divide the scores by T > 0 first (default 1)"},                \
        {"precision", "N", "digits after the decimal point, 0 to 17 (default 6)"},           \
        {"f64", NULL, "compute in double (default: float)"},                                 \
        {"json", NULL, "print JSON for scripts"}

/* softmax and explain: the library's half-precision functions. */
#define SEE_HALF_OPTIONS                                                                     \
    {"bf16", NULL, "round the scores to bfloat16 and compute with the library's bf16 "      \
                   "functions; print each result as the shortest decimal that reads back "  \
                   "as the same bf16 value"},                                                \
        {"f16", NULL, "the same in IEEE binary16 (half)"}

static const cli_option softmax_options[] = {
    {"log", NULL, "log-softmax instead of softmax"},
    {"header", NULL, "rows from a file: skip its first line (column names)"},
    SEE_COMMON_OPTIONS,
    SEE_HALF_OPTIONS,
    {NULL, NULL, NULL},
};
static const cli_option jacobian_options[] = {SEE_COMMON_OPTIONS, {NULL, NULL, NULL}};
static const cli_option explain_options[] = {
    {"grad", "G1,G2,...", "upstream gradient dL/ds, comma-separated"},
    {"target", "CLASS", "backward of the cross-entropy of this class (a label or a 1-based "
                        "index; default: the most probable)"},
    {"plot", "FILE", "draw the scores, the probabilities, the Jacobian as a heatmap and the "
                     "gradient (FILE.png, .svg or .pdf)"},
    SEE_COMMON_OPTIONS,
    SEE_HALF_OPTIONS,
    {NULL, NULL, NULL},
};

const cli_command cli_cmd_softmax = {
    "softmax",
    "Print the SoftMax probabilities of the scores.  A score is a number, or\n"
    "nan, inf or -inf (-inf gets probability exactly 0).  With no scores, read\n"
    "one row per line (commas or blanks between numbers) from FILE or standard\n"
    "input and print one row of probabilities per line.",
    "smx softmax [SCORES... | FILE | -] [--log] [--temperature T]\n"
    "[--labels A,B,...] [--header] [--f64 | --bf16 | --f16]",
    softmax_options,
    run_softmax,
};

const cli_command cli_cmd_jacobian = {
    "jacobian",
    "Print the n x n Jacobian ds_i/dz_j = s_i (delta_ij - s_j) of the SoftMax.",
    "smx jacobian SCORES... [--labels A,B,...]",
    jacobian_options,
    run_jacobian,
};

const cli_command cli_cmd_explain = {
    "explain",
    "Walk through the SoftMax and its derivative with these scores: the\n"
    "exponentials, the probabilities, the quotient rule for the same and for\n"
    "another class, the Jacobian, and the backward product without the matrix.\n"
    "With --bf16 or --f16, each probability the library gives in that format\n"
    "beside the exact one, and its error in ulp of the format.",
    "smx explain SCORES... [--labels A,B,...]\n[--target CLASS | --grad G1,G2,...] [--plot FILE]\n"
    "[--f64 | --bf16 | --f16]",
    explain_options,
    run_explain,
};
