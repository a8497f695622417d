/*
 * half.c — the half-precision types of smx.h (smx_bf16, smx_f16): the
 * scalar conversions, written on the encodings with integer arithmetic
 * (no compiler half-precision type, no dependence on the floating-point
 * environment), and the array conversions, which hand the bulk of an array
 * to the active path's vector code (half_kernels.h) and convert the rest
 * here.  The scalar functions are the reference the vector code is tested
 * against, bit for bit.
 */
#include "smx.h"

#include "api_checks.h"
#include "cpu.h"
#include "half_kernels.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The arrays are passed to the vector code as uint16_t arrays. */
_Static_assert(sizeof(smx_bf16) == 2 && sizeof(smx_f16) == 2, "a half is two bytes");

static uint32_t f32_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static float f32_from_bits(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* m / 2^s rounded to nearest, ties to even (s >= 1). */
static uint64_t shift_rne(uint64_t m, unsigned s)
{
    if (s >= 64)
        return 0; /* every m used here is below 2^63, half of 2^64 */
    const uint64_t q = m >> s, rest = m & ((UINT64_C(1) << s) - 1), half = UINT64_C(1) << (s - 1);
    return q + (rest > half || (rest == half && (q & 1)));
}

/* ------------------------------------------------------------------------ */
/* bfloat16                                                                  */
/* ------------------------------------------------------------------------ */

static inline uint16_t bf16_from_f32_bits(uint32_t x)
{
    /* A NaN keeps its sign and top payload bits and is made quiet, so that
     * a payload only in the low 16 bits still gives a NaN, not inf. */
    if ((x & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((x >> 16) | 0x0040u);
    /* Rounding the low 16 bits away, ties to even: below half adds no
     * carry, above half always does, a tie does when bit 16 is odd.  A
     * carry out of the fraction steps the exponent, up to inf, as it
     * should; subnormals are rounded on the same grid. */
    return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

float smx_bf16_to_f32(smx_bf16 x) { return f32_from_bits((uint32_t)x.bits << 16); }

smx_bf16 smx_f32_to_bf16(float x)
{
    const smx_bf16 r = {bf16_from_f32_bits(f32_bits(x))};
    return r;
}

/* ------------------------------------------------------------------------ */
/* binary16                                                                  */
/* ------------------------------------------------------------------------ */

static inline uint16_t f16_from_f32_bits(uint32_t x)
{
    const uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    const uint32_t a = x & 0x7fffffffu;
    if (a > 0x7f800000u) /* NaN: quiet, sign and top payload bits kept */
        return (uint16_t)(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
    if (a >= 0x477ff000u) /* 65520 = 65504 + half its ulp: ties to even go to inf */
        return (uint16_t)(sign | 0x7c00u);
    if (a >= 0x38800000u) {
        /* A normal result: rebias the exponent (127 -> 15), then round the
         * low 13 bits away, ties to even; a carry steps the exponent. */
        const uint32_t r = a - 0x38000000u;
        return (uint16_t)(sign | ((r + 0xfffu + ((r >> 13) & 1u)) >> 13));
    }
    if (a <= 0x33000000u) /* at most 2^-25, half the smallest subnormal: zero */
        return sign;
    /* A subnormal result, in units of 2^-24: the significand m 2^(e-150)
     * shifted right by 126 - e, 14 to 24 places here.  2^-14 - 2^-25 and
     * above round up to the smallest normal, whose encoding follows the
     * largest subnormal's. */
    const uint32_t m = (a & 0x7fffffu) | 0x800000u;
    return (uint16_t)(sign | shift_rne(m, 126u - (a >> 23)));
}

static inline uint32_t f32_bits_from_f16(uint16_t h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t e = (h >> 10) & 0x1fu;
    uint32_t m = h & 0x3ffu;
    if (e == 0x1f) /* inf, or a NaN made quiet (as F16C and NEON do) */
        return sign | 0x7f800000u | (m ? 0x400000u | (m << 13) : 0);
    if (e != 0)
        return sign | ((e + 112u) << 23) | (m << 13);
    if (m == 0)
        return sign;
    /* Subnormal m 2^-24: normalise, k places up to the hidden bit. */
    uint32_t k = 0;
    while (!(m & 0x400u)) {
        m <<= 1;
        k++;
    }
    return sign | ((113u - k) << 23) | ((m & 0x3ffu) << 13);
}

float smx_f16_to_f32(smx_f16 x) { return f32_from_bits(f32_bits_from_f16(x.bits)); }

smx_f16 smx_f32_to_f16(float x)
{
    const smx_f16 r = {f16_from_f32_bits(f32_bits(x))};
    return r;
}

/* ------------------------------------------------------------------------ */
/* From double, rounded once                                                 */
/* ------------------------------------------------------------------------ */

/* A half format: `mbits` fraction bits, `emin` the exponent of its smallest
 * normal, `inf` its infinity and `quiet` its quiet bit (without sign). */
static uint16_t half_from_f64(double x, unsigned mbits, int emin, uint16_t inf, uint16_t quiet)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    const uint16_t sign = (uint16_t)((u >> 48) & 0x8000u);
    const uint64_t frac = u & ((UINT64_C(1) << 52) - 1);
    const int biased = (int)((u >> 52) & 0x7ff);
    if (biased == 0x7ff) {
        if (frac == 0)
            return (uint16_t)(sign | inf);
        const uint64_t payload = (frac >> (52 - mbits)) & ((UINT64_C(1) << mbits) - 1);
        return (uint16_t)(sign | inf | quiet | payload);
    }
    if (biased == 0) /* zero, or below 2^-1022: far under half of any half's subnormal */
        return sign;
    /* x = m 2^(e - 52).  The result's ulp is 2^q, q = max(e, emin) - mbits;
     * n = x / 2^q rounded is its significand (below 2^mbits: a subnormal),
     * and ((q + mbits - emin) << mbits) + n its encoding: the exponent field
     * is 1 + (q + mbits - emin) less the hidden bit that n carries, and a
     * significand rounded up to 2^(mbits+1) steps the exponent. */
    const int e = biased - 1023;
    const uint64_t m = frac | (UINT64_C(1) << 52);
    const int q = (e > emin ? e : emin) - (int)mbits;
    const uint64_t n = shift_rne(m, (unsigned)(q - (e - 52)));
    const uint64_t bits = ((uint64_t)(q + (int)mbits - emin) << mbits) + n;
    /* past the largest finite: inf (q + mbits - emin is at most 1023 + 126: no overflow) */
    return (uint16_t)(sign | (bits >= inf ? inf : bits));
}

smx_bf16 smx_f64_to_bf16(double x)
{
    const smx_bf16 r = {half_from_f64(x, 7, -126, 0x7f80u, 0x0040u)};
    return r;
}

smx_f16 smx_f64_to_f16(double x)
{
    const smx_f16 r = {half_from_f64(x, 10, -14, 0x7c00u, 0x0200u)};
    return r;
}

/* ------------------------------------------------------------------------ */
/* Arrays                                                                    */
/* ------------------------------------------------------------------------ */

/* The vector code of the active path, one entry per direction; NULL where
 * the path has none (the scalar loop below does it all). */
typedef struct half_path {
    size_t (*bf16_to_f32)(float *, const uint16_t *, size_t);
    size_t (*f32_to_bf16)(uint16_t *, const float *, size_t);
    size_t (*f16_to_f32)(float *, const uint16_t *, size_t);
    size_t (*f32_to_f16)(uint16_t *, const float *, size_t);
} half_path;

#if defined(SMX_HAVE_HALF_AVX2)
enum { HAS_F16C = 1, HAS_AVX512_BF16 = 2 };

/* The CPU features beyond the path's own, probed once (CPUID is slow,
 * under a hypervisor very slow); two threads probing at once store the
 * same value. */
static int x86_features(void)
{
    static atomic_int features = -1;
    int f = atomic_load_explicit(&features, memory_order_relaxed);
    if (f < 0) {
        f = (smx__cpu_has_f16c() ? HAS_F16C : 0) |
            (smx__cpu_has_avx512_bf16() ? HAS_AVX512_BF16 : 0);
        atomic_store_explicit(&features, f, memory_order_relaxed);
    }
    return f;
}
#endif

/* The vector code for the path smx_get_isa() names, so that smx_set_isa
 * chooses it as it does the kernels.  AVX2 and AVX-512 use F16C for f16
 * (any CPU with AVX2 has had it, but CPUID is asked), AVX-512 the AVX-512
 * BF16 rounding where the CPU has it and the AVX2 code otherwise; the
 * emulated AVX-512 test build has no half code of its own and uses the
 * AVX2 code there too. */
static half_path active_path(void)
{
    half_path p = {NULL, NULL, NULL, NULL};
    const smx_isa isa = smx_get_isa();
#if defined(SMX_HAVE_HALF_AVX2)
    if (isa == SMX_ISA_AVX2 || isa == SMX_ISA_AVX512) {
        const int features = x86_features();
        p.bf16_to_f32 = smx__avx2_bf16_to_f32;
        p.f32_to_bf16 = smx__avx2_f32_to_bf16;
        if (features & HAS_F16C) {
            p.f16_to_f32 = smx__avx2_f16_to_f32;
            p.f32_to_f16 = smx__avx2_f32_to_f16;
        }
#if defined(SMX_HAVE_HALF_AVX512)
        if (isa == SMX_ISA_AVX512) {
            p.bf16_to_f32 = smx__avx512_bf16_to_f32;
            p.f16_to_f32 = smx__avx512_f16_to_f32;
            p.f32_to_f16 = smx__avx512_f32_to_f16;
            if (features & HAS_AVX512_BF16)
                p.f32_to_bf16 = smx__avx512_f32_to_bf16;
        }
#endif
    }
#elif defined(SMX_HAVE_HALF_NEON)
    if (isa == SMX_ISA_NEON) {
        p.bf16_to_f32 = smx__neon_bf16_to_f32;
        p.f32_to_bf16 = smx__neon_f32_to_bf16;
        p.f16_to_f32 = smx__neon_f16_to_f32;
        p.f32_to_f16 = smx__neon_f32_to_f16;
    }
#else
    (void)isa;
#endif
    return p;
}

/* Both pointers are needed for n > 0, and n floats must fit in memory. */
static smx_status check_arrays(const void *dst, const void *src, size_t n)
{
    size_t count;
    SMX_TRY(smx__need(dst, n));
    SMX_TRY(smx__need(src, n));
    return smx__count(&count, n, 1, 1, sizeof(float));
}

smx_status smx_bf16_to_f32_array(float *dst, const smx_bf16 *src, size_t n)
{
    SMX_TRY(check_arrays(dst, src, n));
    if (n == 0)
        return SMX_OK;
    const half_path p = active_path();
    size_t i = p.bf16_to_f32 ? p.bf16_to_f32(dst, (const uint16_t *)src, n) : 0;
    for (; i < n; i++)
        dst[i] = smx_bf16_to_f32(src[i]);
    return SMX_OK;
}

smx_status smx_f32_to_bf16_array(smx_bf16 *dst, const float *src, size_t n)
{
    SMX_TRY(check_arrays(dst, src, n));
    if (n == 0)
        return SMX_OK;
    const half_path p = active_path();
    size_t i = p.f32_to_bf16 ? p.f32_to_bf16((uint16_t *)dst, src, n) : 0;
    for (; i < n; i++)
        dst[i].bits = bf16_from_f32_bits(f32_bits(src[i]));
    return SMX_OK;
}

smx_status smx_f16_to_f32_array(float *dst, const smx_f16 *src, size_t n)
{
    SMX_TRY(check_arrays(dst, src, n));
    if (n == 0)
        return SMX_OK;
    const half_path p = active_path();
    size_t i = p.f16_to_f32 ? p.f16_to_f32(dst, (const uint16_t *)src, n) : 0;
    for (; i < n; i++)
        dst[i] = f32_from_bits(f32_bits_from_f16(src[i].bits));
    return SMX_OK;
}

smx_status smx_f32_to_f16_array(smx_f16 *dst, const float *src, size_t n)
{
    SMX_TRY(check_arrays(dst, src, n));
    if (n == 0)
        return SMX_OK;
    const half_path p = active_path();
    size_t i = p.f32_to_f16 ? p.f32_to_f16((uint16_t *)dst, src, n) : 0;
    for (; i < n; i++)
        dst[i].bits = f16_from_f32_bits(f32_bits(src[i]));
    return SMX_OK;
}
