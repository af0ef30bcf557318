/* Which instruction sets the CPU and the operating system let nncore use.
 *
 * A level counts only when the CPU has the instructions AND the operating
 * system saves the wider registers on a context switch (XGETBV's XCR0).
 * GCC and Clang check both in __builtin_cpu_supports; MSVC gets the same from
 * __cpuidex and _xgetbv.  On arm64, Advanced SIMD (NEON) is part of the
 * architecture: every arm64 CPU has it.  Other architectures (wasm, s390x, ...)
 * have only the baseline.
 */
#ifndef NNCORE_CPU_FEATURES_H
#define NNCORE_CPU_FEATURES_H

#if defined(_MSC_VER) && !defined(__clang__) && (defined(_M_X64) || defined(_M_IX86))
#include <intrin.h>
#include <immintrin.h>

static int nncore_xcr0_has(unsigned long long mask)
{
    int info[4];
    __cpuid(info, 1);
    if (!(info[2] & (1 << 27)))        /* OSXSAVE: XGETBV is usable */
        return 0;
    return (_xgetbv(0) & mask) == mask;
}

static int nncore_cpu_has_avx2(void)
{
    int info[4];
    __cpuid(info, 0);
    if (info[0] < 7 || !nncore_xcr0_has(0x6))   /* SSE and AVX state */
        return 0;
    __cpuidex(info, 7, 0);
    return (info[1] & (1 << 5)) != 0;           /* EBX bit 5: AVX2 */
}

static int nncore_cpu_has_avx512f(void)
{
    int info[4];
    __cpuid(info, 0);
    if (info[0] < 7 || !nncore_xcr0_has(0xe6))  /* AVX, opmask and ZMM state */
        return 0;
    __cpuidex(info, 7, 0);
    return (info[1] & (1 << 16)) != 0;          /* EBX bit 16: AVX512F */
}

#elif (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))

static int nncore_cpu_has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}

static int nncore_cpu_has_avx512f(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
}

#else

static int nncore_cpu_has_avx2(void) { return 0; }
static int nncore_cpu_has_avx512f(void) { return 0; }

#endif

static int nncore_cpu_has_neon(void)
{
#if defined(__aarch64__) || defined(_M_ARM64)
    return 1;
#else
    return 0;
#endif
}

#endif
