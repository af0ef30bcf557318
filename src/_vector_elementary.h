/* _elementary.h's exp, sigmoid and tanh on vectors: every lane gets exactly
 * the scalar function's IEEE operations, in the same order, so each lane's
 * result has the scalar function's bits (the builds turn contraction off).
 *
 * NNCORE_VECTOR_ELEMENTARY(V, F, BYTES) writes, for vectors of BYTES bytes:
 *
 *     nncore_<V>64, nncore_<V>32      the vectors of doubles and of floats
 *     nncore_<F>_exp_argument<B>(x)   x clamped as nncore_exp_argument<B>
 *     nncore_<F>_reduced_exp<B>(x, &k)     w with exp(x) = (1 - w) * 2^k, as nncore_reduced_exp<B>
 *     nncore_<F>_power_of_two<B>(k)   2^k from its exponent bits
 *     nncore_<F>_exp_of_argument<B>(x), nncore_<F>_exp<B>(x)
 *     nncore_<F>_sigmoid_of_argument<B>(x), nncore_<F>_sigmoid<B>(z)
 *     nncore_<F>_tanh<B>(x)
 *     nncore_<F>_sigmoid_values<B>(z, n), nncore_<F>_tanh_values<B>(z, n)
 *                                     the function of n values in place (n a multiple of the lanes)
 *     nncore_<F>_lanes<B>             lanes of a vector
 *
 * With GCC and Clang the vectors are their vector extensions (BYTES a power
 * of two, 16 or more); a scalar ``a ? b : c`` becomes a selection by the
 * comparison's mask, and tanh computes each of its three forms on every lane
 * and keeps the one the scalar code would return.  With other compilers, or
 * when NNCORE_VECTOR_PLAIN is defined, a "vector" is one value and the
 * functions are _elementary.h's own (tests/test_vector_elementary.py compiles
 * and checks both variants).
 */
#ifndef NNCORE_VECTOR_ELEMENTARY_H
#define NNCORE_VECTOR_ELEMENTARY_H

#include <stddef.h>
#include <stdint.h>
#include "_elementary.h"

#if (defined(__GNUC__) || defined(__clang__)) && !defined(NNCORE_VECTOR_PLAIN)
#define NNCORE_VECTOR_TYPES 1

/* The functions take and return vectors that may be wider than the level's registers; they are inline, so
   no call passes one, and GCC's note that such calls' ABI differs between levels does not apply. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

/* Inline as the compiler sees fit: forced (always_inline), fit_many's AVX-512 lanes ran about 15 % slower. */
#define NNCORE_VECTOR_FUNCTION __attribute__((unused)) static inline

/* NNCORE_VECTOR_MIN(B, BYTES)(T, SELECT, a, x) is a < x ? a : x lane by lane (x where x is NaN), for
   vectors T of BYTES bytes of B-bit values, and NNCORE_VECTOR_MAX(B, BYTES) a > x ? a : x: x86's minp and
   maxp, one instruction, where the level has them for that width; else the selection by the comparison's
   mask.  At 16 and 32 bytes they are the builtins GCC and Clang share, which (unlike the intrinsics'
   functions) inline into a region compiled for a narrower target, as _small_step.h's. */
#define NNCORE_VECTOR_MIN(B, BYTES) NNCORE_VECTOR_MIN_(B, BYTES)
#define NNCORE_VECTOR_MIN_(B, BYTES) NNCORE_VECTOR_MIN##B##_##BYTES
#define NNCORE_VECTOR_MAX(B, BYTES) NNCORE_VECTOR_MAX_(B, BYTES)
#define NNCORE_VECTOR_MAX_(B, BYTES) NNCORE_VECTOR_MAX##B##_##BYTES
#define NNCORE_VECTOR_MIN_ANY(T, SELECT, a, x) SELECT((a) < (x), (a), (x))
#define NNCORE_VECTOR_MAX_ANY(T, SELECT, a, x) SELECT((a) > (x), (a), (x))
#if defined(__SSE2__)
typedef double nncore_vector_pd16 __attribute__((vector_size(16)));
typedef float nncore_vector_ps16 __attribute__((vector_size(16)));
#define NNCORE_VECTOR_MIN64_16(T, S, a, x) ((T)__builtin_ia32_minpd((nncore_vector_pd16)(a), (nncore_vector_pd16)(x)))
#define NNCORE_VECTOR_MAX64_16(T, S, a, x) ((T)__builtin_ia32_maxpd((nncore_vector_pd16)(a), (nncore_vector_pd16)(x)))
#define NNCORE_VECTOR_MIN32_16(T, S, a, x) ((T)__builtin_ia32_minps((nncore_vector_ps16)(a), (nncore_vector_ps16)(x)))
#define NNCORE_VECTOR_MAX32_16(T, S, a, x) ((T)__builtin_ia32_maxps((nncore_vector_ps16)(a), (nncore_vector_ps16)(x)))
#else
#define NNCORE_VECTOR_MIN64_16 NNCORE_VECTOR_MIN_ANY
#define NNCORE_VECTOR_MAX64_16 NNCORE_VECTOR_MAX_ANY
#define NNCORE_VECTOR_MIN32_16 NNCORE_VECTOR_MIN_ANY
#define NNCORE_VECTOR_MAX32_16 NNCORE_VECTOR_MAX_ANY
#endif
#if defined(__AVX__)
typedef double nncore_vector_pd32 __attribute__((vector_size(32)));
typedef float nncore_vector_ps32 __attribute__((vector_size(32)));
#define NNCORE_VECTOR_MIN64_32(T, S, a, x) ((T)__builtin_ia32_minpd256((nncore_vector_pd32)(a), (nncore_vector_pd32)(x)))
#define NNCORE_VECTOR_MAX64_32(T, S, a, x) ((T)__builtin_ia32_maxpd256((nncore_vector_pd32)(a), (nncore_vector_pd32)(x)))
#define NNCORE_VECTOR_MIN32_32(T, S, a, x) ((T)__builtin_ia32_minps256((nncore_vector_ps32)(a), (nncore_vector_ps32)(x)))
#define NNCORE_VECTOR_MAX32_32(T, S, a, x) ((T)__builtin_ia32_maxps256((nncore_vector_ps32)(a), (nncore_vector_ps32)(x)))
#else
#define NNCORE_VECTOR_MIN64_32 NNCORE_VECTOR_MIN_ANY
#define NNCORE_VECTOR_MAX64_32 NNCORE_VECTOR_MAX_ANY
#define NNCORE_VECTOR_MIN32_32 NNCORE_VECTOR_MIN_ANY
#define NNCORE_VECTOR_MAX32_32 NNCORE_VECTOR_MAX_ANY
#endif
#if defined(__AVX512F__)
#include <immintrin.h>
#define NNCORE_VECTOR_MIN64_64(T, S, a, x) ((T)_mm512_min_pd((__m512d)(a), (__m512d)(x)))
#define NNCORE_VECTOR_MAX64_64(T, S, a, x) ((T)_mm512_max_pd((__m512d)(a), (__m512d)(x)))
#define NNCORE_VECTOR_MIN32_64(T, S, a, x) ((T)_mm512_min_ps((__m512)(a), (__m512)(x)))
#define NNCORE_VECTOR_MAX32_64(T, S, a, x) ((T)_mm512_max_ps((__m512)(a), (__m512)(x)))
#else
#define NNCORE_VECTOR_MIN64_64 NNCORE_VECTOR_MIN_ANY
#define NNCORE_VECTOR_MAX64_64 NNCORE_VECTOR_MAX_ANY
#define NNCORE_VECTOR_MIN32_64 NNCORE_VECTOR_MIN_ANY
#define NNCORE_VECTOR_MAX32_64 NNCORE_VECTOR_MAX_ANY
#endif

/* The vector of REAL (aligned to its element only: loads and stores assume no more), and the integers of
   the same width for the exponent arithmetic.  Casts between them keep the bits. */
#define NNCORE_VECTOR_TYPES_OF(V, B, REAL, INT, UINT, BYTES)                                                   \
    typedef REAL nncore_##V##B __attribute__((vector_size(BYTES), aligned(sizeof(REAL)), may_alias));      \
    typedef INT nncore_##V##B##_int __attribute__((vector_size(BYTES)));                                      \
    typedef UINT nncore_##V##B##_uint __attribute__((vector_size(BYTES)));

#define NNCORE_VECTOR_FUNCTIONS_OF(V, F, B, REAL, INT, UINT, MANTISSA, BIAS, BYTES)                                \
    typedef nncore_##V##B nncore_##F##_real##B;                                                            \
    typedef nncore_##V##B##_int nncore_##F##_int##B;                                                        \
    enum { nncore_##F##_lanes##B = sizeof(nncore_##V##B) / sizeof(REAL) };                                \
                                                                                                            \
    /* mask ? a : b, lane by lane, for a mask of a comparison (all ones or all zeros a lane) */            \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_select##B(nncore_##V##B##_int mask, nncore_##V##B a, \
                                                                nncore_##V##B b)                           \
    {                                                                                                       \
        return (nncore_##V##B)((mask & (nncore_##V##B##_int)a) | (~mask & (nncore_##V##B##_int)b));          \
    }                                                                                                       \
                                                                                                            \
    /* x > x_max ? x_max : x, then x < x_min ? x_min : x: min(x_max, x) and max(x_min, x) */              \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_exp_argument##B(nncore_##V##B x)                      \
    {                                                                                                       \
        const nncore_##V##B zero = {0};                                                                    \
        const nncore_##V##B x_max = zero + NNCORE_EXP_MAX##B, x_min = zero + NNCORE_EXP_MIN##B;            \
        x = NNCORE_VECTOR_MIN(B, BYTES)(nncore_##V##B, nncore_##F##_select##B, x_max, x);                   \
        return NNCORE_VECTOR_MAX(B, BYTES)(nncore_##V##B, nncore_##F##_select##B, x_min, x);                \
    }                                                                                                       \
                                                                                                            \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_power_of_two##B(nncore_##V##B##_int k)                \
    {                                                                                                       \
        return (nncore_##V##B)((nncore_##V##B##_uint)(k + BIAS) << MANTISSA);                              \
    }                                                                                                       \
                                                                                                            \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_reduced_exp##B(nncore_##V##B x,                       \
                                                                     nncore_##V##B##_int *k)               \
    {                                                                                                       \
        const REAL ln2_hi = NNCORE_LN2_HI##B, ln2_lo = NNCORE_LN2_LO##B;                                   \
        const REAL inv_ln2 = NNCORE_INV_LN2_##B, round_shift = NNCORE_ROUND_SHIFT##B, two = 2;             \
        nncore_##V##B shifted = x * inv_ln2 + round_shift;                                                 \
        nncore_##V##B kd = shifted - round_shift;                                                          \
        nncore_##V##B hi = x - kd * ln2_hi;                                                                \
        nncore_##V##B lo = kd * ln2_lo;                                                                    \
        nncore_##V##B r = hi - lo;                                                                         \
        nncore_##V##B t = r * r;                                                                           \
        nncore_##V##B c = r - t * nncore_##F##_exp_polynomial##B(t);                                       \
        *k = (nncore_##V##B##_int)((nncore_##V##B##_uint)shifted & (((UINT)1 << MANTISSA) - 1))              \
             - ((INT)1 << (MANTISSA - 1));                                                                  \
        return (lo - (r * c) / (two - c)) - hi;                                                            \
    }                                                                                                       \
                                                                                                            \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_exp_of_argument##B(nncore_##V##B x)                   \
    {                                                                                                       \
        const REAL one = 1;                                                                                \
        nncore_##V##B##_int k, k_half;                                                                      \
        nncore_##V##B w = nncore_##F##_reduced_exp##B(x, &k);                                               \
        k_half = k >> 1;                                                                                   \
        return ((one - w) * nncore_##F##_power_of_two##B(k_half)) * nncore_##F##_power_of_two##B(k - k_half); \
    }                                                                                                       \
                                                                                                            \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_exp##B(nncore_##V##B x)                               \
    {                                                                                                       \
        return nncore_##F##_exp_of_argument##B(nncore_##F##_exp_argument##B(x));                           \
    }                                                                                                       \
                                                                                                            \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_sigmoid_of_argument##B(nncore_##V##B x)               \
    {                                                                                                       \
        const REAL one = 1;                                                                                \
        return one / (one + nncore_##F##_exp_of_argument##B(x));                                            \
    }                                                                                                       \
                                                                                                            \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_sigmoid##B(nncore_##V##B z)                           \
    {                                                                                                       \
        return nncore_##F##_sigmoid_of_argument##B(nncore_##F##_exp_argument##B(-z));                      \
    }                                                                                                       \
                                                                                                            \
    /* nncore_tanh_large<B> for 0 <= a <= the clamp (NaN included) */                                      \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_tanh_large##B(nncore_##V##B a)                        \
    {                                                                                                       \
        const REAL one = 1, two = 2, split_factor = NNCORE_SPLIT##B;                                       \
        nncore_##V##B w, scale, big, small, s, e, d, p, p_err, residual, delta, h, h_err, split;            \
        nncore_##V##B d_hi, d_lo, s_hi, s_lo;                                                              \
        nncore_##V##B##_int k;                                                                              \
        w = nncore_##F##_reduced_exp##B(a + a, &k);                                                         \
        scale = nncore_##F##_power_of_two##B(k);                                                            \
        big = scale + one;                                                                                 \
        small = -(w * scale);                                                                              \
        s = big + small;                                                                                   \
        e = small - (s - big);                                                                             \
        d = two / s;                                                                                       \
        /* nncore_two_product<B>(d, s, &p, &p_err) */                                                      \
        split = split_factor * d;                                                                          \
        d_hi = split - (split - d);                                                                        \
        d_lo = d - d_hi;                                                                                   \
        split = split_factor * s;                                                                          \
        s_hi = split - (split - s);                                                                        \
        s_lo = s - s_hi;                                                                                   \
        p = d * s;                                                                                         \
        p_err = ((d_hi * s_hi - p) + d_hi * s_lo + d_lo * s_hi) + d_lo * s_lo;                              \
        residual = (two - p) - p_err;                                                                      \
        delta = (residual - d * e) / s;                                                                    \
        h = one - d;                                                                                       \
        h_err = (one - h) - d;                                                                             \
        return h + (h_err - delta);                                                                        \
    }                                                                                                       \
                                                                                                            \
    NNCORE_VECTOR_FUNCTION nncore_##V##B nncore_##F##_tanh##B(nncore_##V##B x)                              \
    {                                                                                                       \
        const nncore_##V##B zero = {0};                                                                    \
        const nncore_##V##B tiny = zero + NNCORE_TANH_TINY##B, clamp = zero + NNCORE_TANH_CLAMP##B;        \
        const nncore_##V##B small = zero + (REAL)0.625;                                                    \
        nncore_##V##B a = nncore_##F##_select##B(x < zero, -x, x);                                         \
        nncore_##V##B t = nncore_##F##_tanh_large##B(nncore_##F##_select##B(a > clamp, clamp, a));          \
        t = nncore_##F##_select##B(x < zero, -t, t);                                                       \
        t = nncore_##F##_select##B(a < small, nncore_##F##_tanh_small##B(x), t);                           \
        return nncore_##F##_select##B(a < tiny, x, t);                                                     \
    }                                                                                                       \
                                                                                                            \
    __attribute__((unused)) static inline void nncore_##F##_sigmoid_values##B(REAL *z, ptrdiff_t n)        \
    {                                                                                                       \
        for (ptrdiff_t i = 0; i < n; i += nncore_##F##_lanes##B)                                            \
            *(nncore_##V##B *)(z + i) = nncore_##F##_sigmoid##B(*(nncore_##V##B *)(z + i));                 \
    }                                                                                                       \
                                                                                                            \
    __attribute__((unused)) static inline void nncore_##F##_tanh_values##B(REAL *z, ptrdiff_t n)           \
    {                                                                                                       \
        for (ptrdiff_t i = 0; i < n; i += nncore_##F##_lanes##B)                                            \
            *(nncore_##V##B *)(z + i) = nncore_##F##_tanh##B(*(nncore_##V##B *)(z + i));                    \
    }

/* The type-specific pieces of _elementary.h (exp's polynomial, tanh near zero), the same literals */
#define NNCORE_VECTOR_PIECES(V, F)                                                                              \
    NNCORE_VECTOR_FUNCTION nncore_##V##64 nncore_##F##_exp_polynomial64(nncore_##V##64 t)                   \
    {                                                                                                       \
        const double p1 = 0.16666666666666602, p2 = -0.0027777777777015593, p3 = 6.6137563214379344e-05;   \
        const double p4 = -1.6533902205465252e-06, p5 = 4.1381367970572385e-08;                             \
        return p1 + t * (p2 + t * (p3 + t * (p4 + t * p5)));                                               \
    }                                                                                                       \
    NNCORE_VECTOR_FUNCTION nncore_##V##32 nncore_##F##_exp_polynomial32(nncore_##V##32 t)                   \
    {                                                                                                       \
        const float p1 = 0.16666625440120697f, p2 = -0.0027667332906275988f;                                \
        return p1 + t * p2;                                                                                \
    }                                                                                                       \
    NNCORE_VECTOR_FUNCTION nncore_##V##64 nncore_##F##_tanh_small64(nncore_##V##64 x)                       \
    {                                                                                                       \
        const double tp0 = -0.96439917942505227, tp1 = -99.287723100191855, tp2 = -1614.6876844170845;      \
        const double tq0 = 112.81167849163293, tq1 = 2235.4883906010045, tq2 = 4844.0630532512550;          \
        nncore_##V##64 s = x * x;                                                                          \
        nncore_##V##64 p = (tp0 * s + tp1) * s + tp2;                                                      \
        nncore_##V##64 q = ((s + tq0) * s + tq1) * s + tq2;                                                \
        return x + x * s * (p / q);                                                                        \
    }                                                                                                       \
    NNCORE_VECTOR_FUNCTION nncore_##V##32 nncore_##F##_tanh_small32(nncore_##V##32 x)                       \
    {                                                                                                       \
        const float tc0 = -0.0057049887254834175f, tc1 = 0.020639088004827499f;                             \
        const float tc2 = -0.053739715367555618f, tc3 = 0.13331441581249237f;                               \
        const float tc4 = -0.33333280682563782f;                                                            \
        nncore_##V##32 s = x * x;                                                                          \
        return ((((tc0 * s + tc1) * s + tc2) * s + tc3) * s + tc4) * s * x + x;                            \
    }

/* Vectors nncore_<V>64 and nncore_<V>32 of BYTES bytes and the functions nncore_<F>_...<B> on them */
#define NNCORE_VECTOR_ELEMENTARY(V, F, BYTES)                                                                   \
    NNCORE_VECTOR_TYPES_OF(V, 64, double, int64_t, uint64_t, BYTES)                                         \
    NNCORE_VECTOR_TYPES_OF(V, 32, float, int32_t, uint32_t, BYTES)                                          \
    NNCORE_VECTOR_PIECES(V, F)                                                                              \
    NNCORE_VECTOR_FUNCTIONS_OF(V, F, 64, double, int64_t, uint64_t, 52, 1023, BYTES)                        \
    NNCORE_VECTOR_FUNCTIONS_OF(V, F, 32, float, int32_t, uint32_t, 23, 127, BYTES)

#else

/* ---------------------------------------------------------------- one lane at a time (other compilers) */

#define NNCORE_VECTOR_TYPES 0

#define NNCORE_VECTOR_PLAIN_OF(V, F, B, REAL, INT)                                                              \
    typedef REAL nncore_##V##B;                                                                            \
    typedef REAL nncore_##F##_real##B;                                                                     \
    typedef INT nncore_##F##_int##B;                                                                       \
    enum { nncore_##F##_lanes##B = 1 };                                                                    \
    NNCORE_FUNCTION REAL nncore_##F##_exp_argument##B(REAL x) { return nncore_exp_argument##B(x); }       \
    NNCORE_FUNCTION REAL nncore_##F##_power_of_two##B(INT k) { return nncore_power_of_two##B(k); }        \
    NNCORE_FUNCTION REAL nncore_##F##_reduced_exp##B(REAL x, INT *k) { return nncore_reduced_exp##B(x, k); } \
    NNCORE_FUNCTION REAL nncore_##F##_exp_of_argument##B(REAL x) { return nncore_exp_of_argument##B(x); } \
    NNCORE_FUNCTION REAL nncore_##F##_exp##B(REAL x) { return nncore_exp##B(x); }                         \
    NNCORE_FUNCTION REAL nncore_##F##_sigmoid_of_argument##B(REAL x) { return nncore_sigmoid_of_argument##B(x); } \
    NNCORE_FUNCTION REAL nncore_##F##_sigmoid##B(REAL z) { return nncore_sigmoid##B(z); }                 \
    NNCORE_FUNCTION REAL nncore_##F##_tanh##B(REAL x) { return nncore_tanh##B(x); }                       \
    NNCORE_FUNCTION void nncore_##F##_sigmoid_values##B(REAL *z, ptrdiff_t n)                             \
    {                                                                                                       \
        ptrdiff_t i;                                                                                       \
        for (i = 0; i < n; i++) z[i] = nncore_sigmoid##B(z[i]);                                            \
    }                                                                                                       \
    NNCORE_FUNCTION void nncore_##F##_tanh_values##B(REAL *z, ptrdiff_t n)                                \
    {                                                                                                       \
        ptrdiff_t i;                                                                                       \
        for (i = 0; i < n; i++) z[i] = nncore_tanh##B(z[i]);                                               \
    }

#define NNCORE_VECTOR_ELEMENTARY(V, F, BYTES)                                                                   \
    NNCORE_VECTOR_PLAIN_OF(V, F, 64, double, int64_t)                                                       \
    NNCORE_VECTOR_PLAIN_OF(V, F, 32, float, int32_t)

#endif
#endif
