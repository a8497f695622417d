/*
 * exp_loops.c — the f32 exp-and-sum loop of the row kernels, in double
 * lanes (simd/vexp.h) and in float lanes (simd/vexpf.h), for llvm-mca's
 * models of CPUs this machine is not (bench/mca/run.sh).  Compiled to
 * assembly only, never run; each loop body is an llvm-mca code region.
 *
 * VEC_AVX512 builds it on AVX-512, whose vec_avx512.h has no float lanes:
 * the 16-lane operations that vexpf.h needs are defined below, so that the
 * model can say whether the float lanes would pay there.
 */
#include <stddef.h>

#ifdef VEC_AVX512
#include "x86/vec_avx512.h"
#define FW 16
typedef __m512 vf;
typedef __mmask16 vfm;
static inline vf f_set1(float a) { return _mm512_set1_ps(a); }
static inline vf f_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf f_sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf f_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf f_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf f_max(vf a, vf b) { return _mm512_max_ps(a, b); }
static inline vfm f_ge(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
static inline vf f_and(vfm m, vf a) { return _mm512_maskz_mov_ps(m, a); }
static inline vf f_table8(vf k, const float *table)
{
    return _mm512_permutexvar_ps(_mm512_castps_si512(k),
                                 _mm512_broadcast_f32x8(_mm256_loadu_ps(table)));
}
static inline vf f_pow2_bits3(vf k)
{
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_slli_epi32(_mm512_castps_si512(k), 20),
                                                _mm512_set1_epi32((int)0xff800000u)));
}
static inline vd f_lo_wide(vf a) { return _mm512_cvtps_pd(_mm512_castps512_ps256(a)); }
static inline vd f_hi_wide(vf a)
{
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
}
static inline vf f_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void f_store(float *p, vf a) { _mm512_storeu_ps(p, a); }
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
