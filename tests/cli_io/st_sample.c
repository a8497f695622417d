/*
 * st_sample.c — writes the small model that read_safetensors.py checks
 * (usage: cli_io_st_sample OUT.safetensors).  The values are a formula
 * of the index so that the script can recompute them.
 */
#include "io/safetensors.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.safetensors\n", argv[0]);
        return 2;
    }
    float w1[4 * 3], b1[3];
    for (int i = 0; i < 12; i++)
        w1[i] = 0.25f * (float)i - 1.0f; /* exact in binary32 */
    b1[0] = 0.5f;
    b1[1] = -0.5f;
    b1[2] = 2.0f;
    const size_t w1_shape[] = {4, 3}, b1_shape[] = {3};
    const cli_st_entry tensors[] = {{"w1", 2, w1_shape, w1}, {"b1", 1, b1_shape, b1}};
    const cli_st_kv meta[] = {{"format", "smx-test"}, {"classes", "setosa,versicolor,virginica"}};
    cli_io_error err;
    if (cli_st_write_file(argv[1], tensors, 2, meta, 2, &err) != CLI_OK) {
        fprintf(stderr, "cli_io_st_sample: %s\n", err.message);
        return 1;
    }
    return 0;
}
