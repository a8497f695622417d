/*
 * backward_shift.h — how far a backward pass scales dy down when its
 * reduction over a row passed the top of the range (scalar/backward.inc,
 * and the f64 vector kernels).
 */
#ifndef SMX_SCALAR_BACKWARD_SHIFT_H
#define SMX_SCALAR_BACKWARD_SHIFT_H

#include <stddef.h>

/* k with 2^k > n: n terms, each at most the largest finite value in size,
 * sum to under 2^k times it. */
static inline int backward_shift(size_t n)
{
    int k = 1;
    while (k < 62 && ((size_t)1 << k) <= n)
        k++;
    return k;
}

#endif
