/*
 * consumer.c — a program outside the smx tree that uses an installed
 * libsmx: softmax of the Iris scores (1.43, -0.40, 0.23), checked against
 * the worked example (0.684178, 0.109751, 0.206070) to 1e-6.  Exits
 * non-zero on an error status or a wrong number.  Built by run.sh with
 * pkg-config and with find_package(smx).
 */
#include <smx.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    const float x[3] = {1.43f, -0.40f, 0.23f};
    const double want[3] = {0.684178, 0.109751, 0.206070};
    float y[3];
    int bad = 0;

    smx_status st = smx_softmax_f32(y, x, 1, 3);
    if (st != SMX_OK) {
        fprintf(stderr, "consumer: smx_softmax_f32: %s\n", smx_strerror(st));
        return EXIT_FAILURE;
    }
    for (int i = 0; i < 3; i++) {
        if (!(fabs((double)y[i] - want[i]) <= 1e-6)) {
            fprintf(stderr, "consumer: y[%d] = %.9f, expected %.6f\n", i, (double)y[i], want[i]);
            bad = 1;
        }
    }
    printf("consumer (libsmx %s): %.6f %.6f %.6f\n", smx_version(), (double)y[0],
           (double)y[1], (double)y[2]);
    return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
