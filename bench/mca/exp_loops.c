/*
 * exp_loops.c — the f32 exp-and-sum loop of the row kernels, in double
 * lanes (simd/vexp.h) and in float lanes (simd/vexpf.h), for llvm-mca's
 * models of CPUs this machine is not (bench/mca/run.sh).  Compiled to
 * assembly only, never run; each loop body is an llvm-mca code region.
 *
 * VEC_AVX512 builds it on AVX-512 (vec_avx512.h), the default on AVX2.
 */
#include <stddef.h>

#ifdef VEC_AVX512
#include "x86/vec_avx512.h"
#else
#include "x86/vec_avx2.h"
#endif
#include "simd/vexp.h"
#include "simd/vexpf.h"

#define REGION(name) __asm__ volatile("# LLVM-MCA-BEGIN " name ::: "memory")
#define END_REGION() __asm__ volatile("# LLVM-MCA-END" ::: "memory")

/* FW entries per loop body in both (one float vector, FW / VW double
 * ones; the bodies written out, as gcc -O2 does not unroll), so that their
 * cycles compare. */

/* exp(x - m) in double lanes, kept in double, summed: the AVX-512 path. */
#define DOUBLE_STEP(j)                                                   \
    do {                                                                 \
        const vd ej = v_exp(v_sub(v_load_f32(x + k + (j) * VW), vm));    \
        s##j = v_add(s##j, ej);                                          \
        v_store_f64(e + k + (j) * VW, ej);                               \
    } while (0)
double double_lanes(const float *x, size_t n, double m, double *e)
{
    const vd vm = v_set1(m);
    vd s0 = v_set1(0.0), s1 = s0, s2 = s0, s3 = s0;
    for (size_t k = 0; k + FW <= n; k += FW) {
        REGION("double lanes, FW entries");
        DOUBLE_STEP(0);
        DOUBLE_STEP(1);
#if FW / VW == 4
        DOUBLE_STEP(2);
        DOUBLE_STEP(3);
#endif
        END_REGION();
    }
    return v_hsum(v_add(v_add(s0, s1), v_add(s2, s3)));
}

/* exp(x - m) * 2^100 in float lanes as a pair, kept, summed in double:
 * the AVX2 and NEON path. */
double float_lanes(const float *x, size_t n, double m, float *hi_out, float *lo_out)
{
    const vf neg_m = f_set1((float)-m);
    vd s0 = v_set1(0.0), s1 = s0;
    vf lost = f_set1(0.0f);
    for (size_t k = 0; k + FW <= n; k += FW) {
        REGION("float lanes, FW entries");
        vf hi, lo;
        f_exp_shifted(f_load(x + k), neg_m, &hi, &lo);
        f_store(hi_out + k, hi);
        f_store(lo_out + k, lo);
        s0 = v_add(s0, f_lo_wide(hi));
        s1 = v_add(s1, f_hi_wide(hi));
        lost = f_add(lost, lo);
        END_REGION();
    }
    return v_hsum(v_add(s0, s1)) + v_hsum(f_lo_wide(lost));
}
