/*
 * rng.c — smx_nn's random numbers: xoshiro256** seeded through splitmix64.
 *
 * Training must be reproducible bit for bit from a seed on every platform,
 * so the library never touches rand() (whose sequence differs between C
 * libraries and is shared global state).  Both generators are by Sebastiano
 * Vigna (public domain reference code at prng.di.unimi.it).
 */
#include "nn.h"

#include <math.h>

/* splitmix64: a 64-bit counter through a strong mixer.  Used only to turn
 * one seed into xoshiro's 256-bit state, as its authors recommend: nearby
 * seeds give unrelated states, and the state is never all zero (the one
 * state xoshiro cannot leave) because splitmix64 is a bijection of its
 * counter and four consecutive outputs cannot all be 0. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void nn_rng_seed(nn_rng *rng, uint64_t seed)
{
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&sm);
}

uint64_t nn_rng_next(nn_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* The top 53 bits (xoshiro's low bits are its weakest) times 2^-53: every
 * value k * 2^-53, k < 2^53, equally likely; never 1. */
double nn_rng_uniform(nn_rng *rng)
{
    return (double)(nn_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Lemire (2019), "Fast random integer generation in an interval": the high
 * half of a 64×64-bit product, rejecting the few low halves that would make
 * some results more likely than others.  The 128-bit product is built from
 * 32-bit halves so that it is portable C11 (no __int128). */
static void mul64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    const uint64_t a_lo = a & 0xFFFFFFFFu, a_hi = a >> 32;
    const uint64_t b_lo = b & 0xFFFFFFFFu, b_hi = b >> 32;
    const uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
    const uint64_t mid = (p0 >> 32) + (p1 & 0xFFFFFFFFu) + (p2 & 0xFFFFFFFFu);
    *lo = (mid << 32) | (p0 & 0xFFFFFFFFu);
    *hi = p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
}

uint64_t nn_rng_below(nn_rng *rng, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t hi, lo;
    mul64x64(nn_rng_next(rng), n, &hi, &lo);
    if (lo < n) {
        const uint64_t threshold = (0 - n) % n; /* 2^64 mod n */
        while (lo < threshold)
            mul64x64(nn_rng_next(rng), n, &hi, &lo);
    }
    return hi;
}

/* Box-Muller: sqrt(-2 log u1) cos(2 pi u2).  u1 is taken in (0, 1] so the
 * log is finite.  Only the cosine half is used: one call, one value, and
 * no cached spare that would make the stream depend on call history. */
double nn_rng_normal(nn_rng *rng)
{
    const double two_pi = 6.283185307179586476925286766559;
    const double u1 = 1.0 - nn_rng_uniform(rng);
    const double u2 = nn_rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}
