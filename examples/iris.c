/*
 * examples/iris.c — the worked Iris example of the softmax derivative, with
 * libsmx.  A network that classifies iris flowers gives the raw scores
 * (logits) Setosa 1.43, Versicolor -0.40, Virginica 0.23.  This program
 * turns them into probabilities with smx_softmax_f64, builds the 3 × 3
 * Jacobian ds_i/dz_j with smx_softmax_jacobian_f64, and prints both, then
 * the Setosa row worked out by hand with the quotient-rule results:
 *
 *     ds_i/dz_i = s_i (1 - s_i)        same class
 *     ds_i/dz_j = -s_i s_j   (i != j)  cross class
 *
 * Build and run: `make demo`, or after `cmake --build build`,
 * `build/examples/smx-iris`.  Exits non-zero if a libsmx call fails.
 */
#include <smx.h>

#include <stdio.h>
#include <stdlib.h>

enum { N_CLASSES = 3 };

static const char *const class_names[N_CLASSES] = {"Setosa", "Versicolor", "Virginica"};

/* Prints "smx-iris: <what>: <status sentence>" and says whether st is an error. */
static int failed(smx_status st, const char *what)
{
    if (st == SMX_OK)
        return 0;
    fprintf(stderr, "smx-iris: %s: %s\n", what, smx_strerror(st));
    return 1;
}

/* One row of numbers, "%.6f" separated by single spaces. */
static void print_row(const double *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        printf(k ? " %.6f" : "%.6f", v[k]);
    printf("\n");
}

int main(void)
{
    const double z[N_CLASSES] = {1.43, -0.40, 0.23}; /* raw scores, one flower */
    double s[N_CLASSES];                             /* probabilities */
    double jac[N_CLASSES * N_CLASSES];               /* jac[i*n + j] = ds_i/dz_j */
    smx_status st;

    printf("smx-iris: softmax and its derivative for one iris flower (libsmx %s)\n\n",
           smx_version());

    printf("raw scores z:\n");
    for (size_t i = 0; i < N_CLASSES; i++)
        printf("  %-10s  %5.2f\n", class_names[i], z[i]);

    /* s = softmax(z): one row of three scores. */
    st = smx_softmax_f64(s, z, 1, N_CLASSES);
    if (failed(st, "smx_softmax_f64"))
        return EXIT_FAILURE;

    printf("\nprobabilities s = softmax(z) = exp(z_i - max z) / sum_k exp(z_k - max z)\n");
    printf("(Setosa Versicolor Virginica; they sum to 1):\n  ");
    print_row(s, N_CLASSES);

    /* J = diag(s) - s s^T, from the probabilities alone. */
    st = smx_softmax_jacobian_f64(jac, s, N_CLASSES);
    if (failed(st, "smx_softmax_jacobian_f64"))
        return EXIT_FAILURE;

    printf("\nJacobian J[i][j] = ds_i/dz_j = s_i (delta_ij - s_j)\n");
    printf("(row: the probability s_i; column: the score z_j; each row sums to 0):\n");
    printf("  %-11s", "ds_i/dz_j");
    for (size_t j = 0; j < N_CLASSES; j++)
        printf(" %-9s", class_names[j]);
    printf("\n");
    for (size_t i = 0; i < N_CLASSES; i++) {
        printf("  %-11s ", class_names[i]);
        print_row(&jac[i * N_CLASSES], N_CLASSES);
    }

    /* The Setosa row by hand: the numbers of the quotient-rule derivation. */
    printf("\nthe Setosa row, step by step:\n");
    printf("  same class   ds_Setosa/dz_Setosa     =  s_Setosa (1 - s_Setosa)\n");
    printf("  %36s =  %.6f x (1 - %.6f) = %9.6f\n", "", s[0], s[0], s[0] * (1.0 - s[0]));
    for (size_t j = 1; j < N_CLASSES; j++) {
        printf("  cross class  ds_Setosa/dz_%-10s = -s_Setosa s_%s\n", class_names[j],
               class_names[j]);
        printf("  %36s = -%.6f x %.6f       = %9.6f\n", "", s[0], s[j], -s[0] * s[j]);
    }

    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("smx-iris: writing the output");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
