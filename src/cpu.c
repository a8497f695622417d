/*
 * cpu.c — which instruction sets this CPU and OS support (cpu.h).
 */
#include "cpu.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <stdatomic.h>

/* XCR0: the register state the OS saves on a context switch. */
static unsigned long long xcr0(void)
{
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static int has_avx2_fma(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx || !fma || (xcr0() & 0x6) != 0x6) /* XMM and YMM state */
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b >> 5) & 1; /* AVX2 */
}

#ifdef SMX_AVX512_EMULATED /* test builds: the AVX-512 kernels run on AVX2 */
static int has_avx512(void) { return has_avx2_fma(); }
#else
static int has_avx512(void)
{
    unsigned a, b, c, d;
    if (!has_avx2_fma() || !__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    const unsigned need = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31); /* F DQ BW VL */
    /* opmask, upper ZMM0-15 and ZMM16-31 state, besides XMM and YMM */
    return (b & need) == need && (xcr0() & 0xe6) == 0xe6;
}
#endif

/* F16C: the VEX conversions between binary16 and float, on AVX state. */
static int has_f16c(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
    return osxsave && avx && f16c && (xcr0() & 0x6) == 0x6;
}

/* AVX512_BF16 (CPUID leaf 7, subleaf 1, EAX bit 5), on top of the AVX-512
 * that the avx512 path needs.  Never in the emulated test build: SIMDe's
 * AVX-512 is not the hardware's. */
static int has_avx512_bf16(void)
{
#ifdef SMX_AVX512_EMULATED
    return 0;
#else
    unsigned a, b, c, d;
    if (!has_avx512() || !__get_cpuid_count(7, 0, &a, &b, &c, &d) || a < 1)
        return 0;
    __cpuid_count(7, 1, a, b, c, d);
    return (a >> 5) & 1;
#endif
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
/* A feature probed once (CPUID is slow, under a hypervisor very slow: the
 * half-precision planner asks on every call); two threads probing at once
 * store the same value. */
static int probed(atomic_int *cache, int (*probe)(void))
{
    int f = atomic_load_explicit(cache, memory_order_relaxed);
    if (f < 0) {
        f = probe();
        atomic_store_explicit(cache, f, memory_order_relaxed);
    }
    return f;
}
#endif

int smx__cpu_has_f16c(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    static atomic_int cache = -1;
    return probed(&cache, has_f16c);
#else
    return 0;
#endif
}

int smx__cpu_has_avx512_bf16(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    static atomic_int cache = -1;
    return probed(&cache, has_avx512_bf16);
#else
    return 0;
#endif
}

int smx__cpu_supports(smx_isa isa)
{
    switch (isa) {
    case SMX_ISA_SCALAR:
        return 1;
#if defined(__x86_64__) && defined(__GNUC__) && defined(SMX_HAVE_X86_KERNELS)
    case SMX_ISA_AVX2:
        return has_avx2_fma();
    case SMX_ISA_AVX512:
        return has_avx512();
#endif
#if defined(__aarch64__) && defined(SMX_HAVE_NEON_KERNELS)
    case SMX_ISA_NEON:
        return 1;
#endif
    default:
        return 0;
    }
}
