/*
 * test_vexpf.c — the float-lane exp of the f32 row kernels
 * (src/simd/vexpf.h) against long double, on this build's float lanes
 * (AVX2 on x86-64, NEON on AArch64): the pair (hi, lo) is within 2^-26.5
 * of exp(x - m) * 2^100, relative, hi is lo's float sum rounded, and the
 * special values give what the row kernels rely on.  The kernels' results
 * are measured by the accuracy suite; this holds the bound its comment
 * states, over a sweep of every 2039th float of [-150, 0] and random
 * (x, m) pairs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include "x86/vec_avx2.h"
#define HAVE_FLOAT_LANES 1
static int lanes_supported(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#elif defined(__aarch64__)
#include "arm/vec_neon.h"
#define HAVE_FLOAT_LANES 1
static int lanes_supported(void) { return 1; }
#endif

#ifdef HAVE_FLOAT_LANES
#include "simd/vexpf.h"

#define BOUND 1.0536712127723509e-08 /* 2^-26.5 */

/* exp(x - m) * 2^100 for FW entries, checked; returns the worst relative
 * error among those with x - m >= -150. */
static double check_lanes(const float *x, float m)
{
    vf hi, lo;
    f_exp_shifted(f_load(x), f_set1(-m), &hi, &lo);
    float h[FW], l[FW];
    f_store(h, hi);
    f_store(l, lo);
    double worst = 0;
    for (int i = 0; i < FW; i++) {
        const long double d = (long double)x[i] - (long double)m;
        if (d < -150)
            continue;
        const long double want = expl(d) * 0x1p100L;
        const long double err = fabsl(((long double)h[i] + (long double)l[i]) - want) / want;
        if ((float)((double)h[i] + (double)l[i]) != h[i])
            fail_msg("x = %a, m = %a: hi %a is not the rounded sum with lo %a", (double)x[i],
                     (double)m, (double)h[i], (double)l[i]);
        if ((double)err > worst)
            worst = (double)err;
    }
    return worst;
}

static void test_sweep(void **state)
{
    (void)state;
    if (!lanes_supported())
        skip();
    float x[FW];
    int fill = 0;
    double worst = 0;
    /* the bit patterns of -0 .. -150, every 2039th */
    for (uint32_t b = 0x80000000u;; b += 2039) {
        float v;
        memcpy(&v, &b, sizeof v);
        if (!(v >= -150.0f))
            break;
        x[fill++] = v;
        if (fill == FW) {
            const double w = check_lanes(x, 0.0f);
            worst = w > worst ? w : worst;
            fill = 0;
        }
    }
    printf("vexpf sweep: worst 2^%.2f, bound 2^-26.5\n", log2(worst));
    assert_true(worst <= BOUND);
}

/* x - m is rounded in floats: the two-sum has to carry what it loses. */
static void test_random_pairs(void **state)
{
    (void)state;
    if (!lanes_supported())
        skip();
    uint64_t s = 0x9E3779B97F4A7C15u;
    double worst = 0;
    for (int it = 0; it < (1 << 16); it++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        const int scale = (int)(s >> 59) - 16; /* m's magnitude: 2^-16 .. 2^15 */
        const float m = ldexpf((float)((s >> 11) & 0xffff) / 65536.0f - 0.5f, scale);
        float x[FW];
        for (int i = 0; i < FW; i++) {
            s = s * 6364136223846793005u + 1442695040888963407u;
            const float u = (float)(s >> 40) / 16777216.0f; /* [0, 1) */
            const float d = (s & 1) ? -150.0f * u : -0.125f * u;
            x[i] = m + d > m ? m : m + d;
        }
        const double w = check_lanes(x, m);
        worst = w > worst ? w : worst;
    }
    printf("vexpf random pairs: worst 2^%.2f, bound 2^-26.5\n", log2(worst));
    assert_true(worst <= BOUND);
}

/* x == m gives exactly 2^100; -inf, overflowing differences and anything
 * below -150 give (0, 0). */
static void test_special_values(void **state)
{
    (void)state;
    if (!lanes_supported())
        skip();
    const float ms[] = {0.0f, -0.0f, 1e-30f, -7.25f, 1e30f, 3e38f, -3e38f};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        float x[FW], h[FW], l[FW];
        for (int k = 0; k < FW; k++)
            x[k] = k % 2 ? ms[i] : -HUGE_VALF;
        if (ms[i] > 1e30f)
            x[0] = -3e38f; /* x - m overflows to -inf */
        vf hi, lo;
        f_exp_shifted(f_load(x), f_set1(-ms[i]), &hi, &lo);
        f_store(h, hi);
        f_store(l, lo);
        for (int k = 0; k < FW; k++) {
            assert_true(h[k] == (k % 2 ? 0x1p100f : 0.0f));
            assert_true(l[k] == 0.0f);
        }
    }
    float x[FW], h[FW], l[FW];
    for (int k = 0; k < FW; k++)
        x[k] = -150.0f - (float)(k + 1) * 0.25f;
    vf hi, lo;
    f_exp_shifted(f_load(x), f_set1(0.0f), &hi, &lo);
    f_store(h, hi);
    f_store(l, lo);
    for (int k = 0; k < FW; k++)
        assert_true(h[k] == 0.0f && l[k] == 0.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_random_pairs),
        cmocka_unit_test(test_special_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    printf("no float lanes in this build\n");
    return 0;
}
#endif
