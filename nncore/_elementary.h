/* nncore's exponential, tanh and sigmoid from IEEE-754 basic operations only.

The C library's exp and tanh differ in the last bit between platforms.  These
functions use only additions, subtractions, multiplications and divisions, each
rounded to nearest (compiled without fused multiply-add), and scale by powers of
two built from exponent bits, so their results are the same on every platform.
nncore/_elementary.py performs the float64 operations in the same order in
Python; the two agree bit for bit.  The algorithms and their accuracy are
described there.

One text serves both floating-point types: NNCORE_ELEMENTARY below writes every
function once, for a type REAL with suffix B, and each type's section gives it
its constants and the two pieces whose form differs between the types (exp's
polynomial and tanh near zero).  The float32 functions keep every intermediate
result in a float: each constant is a float, so nothing is widened, which
relies on C evaluating float expressions in float (FLT_EVAL_METHOD == 0), as
SSE2, AArch64 and WebAssembly do.  Constants are written with 17 significant
digits (float32 constants as the exact decimal value of the float), which any
correctly rounding compiler turns into the bits given in the comment.

The compiled core includes this file (src/_elementary.pxd declares its
functions to Cython); Network.to_c copies its common section and the section of
the network's type from the installed package into the exported source.  Each
section is guarded on its own, so several exported networks share one file. */

/* ---------------------------------------------------------------- common */
#ifndef NNCORE_ELEMENTARY
#define NNCORE_ELEMENTARY
#include <stdint.h>
#include <string.h>

/* A network may use exp, tanh, both or neither. */
#if defined(__GNUC__) || defined(__clang__)
#define NNCORE_FUNCTION __attribute__((unused)) static inline
#elif defined(_MSC_VER)
#define NNCORE_FUNCTION static __inline
#else
#define NNCORE_FUNCTION static inline
#endif

/* The functions of one type: REAL, with INT and UINT its integers of the same
width, MANTISSA bits of mantissa and exponent BIAS.  The constants
NNCORE_<NAME><B> and the functions nncore_exp_polynomial<B> and
nncore_tanh_small<B> come from the type's section.  Defined:

    nncore_power_of_two<B>(k)     2^k from its exponent bits, for k in the normal range
    nncore_reduced_exp<B>(x, &k)  w, setting k, with exp(x) = (1 - w) * 2^k, for clamped x
    nncore_exp_argument<B>(x)     x clamped to where exp is finite or 0 (NaN passes unchanged)
    nncore_exp_of_argument<B>(x)  exp of a clamped x
    nncore_exp<B>(x)
    nncore_two_product<B>(a, b, &p, &p_err)   p = fl(a*b), p + p_err == a*b exactly (Dekker)
    nncore_tanh_large<B>(a)       1 - 2/(exp(2a) + 1) for 0.625 <= a <= the clamp, or NaN
    nncore_tanh<B>(x)
    nncore_sigmoid_of_argument<B>(x)   1 / (1 + exp(-z)) for x = nncore_exp_argument<B>(-z)
    nncore_sigmoid<B>(z)

The mantissa field of 1.5*2^MANTISSA + k holds 2^(MANTISSA-1) + k: reading k
from the bits rather than converting kd keeps a NaN input free of undefined
behaviour (its garbage k only scales a NaN).  Of exp's two exact scalings only
the second can round (into subnormals) or overflow.  In tanh_large, s + e is
big + small exactly (|big| >= |small|), residual is 2 - d*s, delta is
2/(s + e) - d, and h + h_err is 1 - d exactly. */
#define NNCORE_ELEMENTARY_FUNCTIONS(B, REAL, INT, UINT, MANTISSA, BIAS) \
NNCORE_FUNCTION REAL nncore_power_of_two##B(INT k) \
{ \
    UINT bits = (UINT)(k + BIAS) << MANTISSA; \
    REAL result; \
    memcpy(&result, &bits, sizeof result); \
    return result; \
} \
\
NNCORE_FUNCTION REAL nncore_reduced_exp##B(REAL x, INT *k) \
{ \
    const REAL ln2_hi = NNCORE_LN2_HI##B, ln2_lo = NNCORE_LN2_LO##B; \
    const REAL inv_ln2 = NNCORE_INV_LN2_##B, round_shift = NNCORE_ROUND_SHIFT##B, two = 2; \
    REAL shifted = x * inv_ln2 + round_shift; \
    REAL kd = shifted - round_shift; \
    REAL hi = x - kd * ln2_hi; \
    REAL lo = kd * ln2_lo; \
    REAL r = hi - lo; \
    REAL t = r * r; \
    REAL c = r - t * nncore_exp_polynomial##B(t); \
    UINT bits; \
    memcpy(&bits, &shifted, sizeof bits); \
    *k = (INT)(bits & (((UINT)1 << MANTISSA) - 1)) - ((INT)1 << (MANTISSA - 1)); \
    return (lo - (r * c) / (two - c)) - hi; \
} \
\
NNCORE_FUNCTION REAL nncore_exp_argument##B(REAL x) \
{ \
    const REAL x_max = NNCORE_EXP_MAX##B, x_min = NNCORE_EXP_MIN##B; \
    x = x > x_max ? x_max : x; \
    return x < x_min ? x_min : x; \
} \
\
NNCORE_FUNCTION REAL nncore_exp_of_argument##B(REAL x) \
{ \
    const REAL one = 1; \
    INT k, k_half; \
    REAL w = nncore_reduced_exp##B(x, &k); \
    k_half = k >> 1; \
    return ((one - w) * nncore_power_of_two##B(k_half)) * nncore_power_of_two##B(k - k_half); \
} \
\
NNCORE_FUNCTION REAL nncore_exp##B(REAL x) \
{ \
    return nncore_exp_of_argument##B(nncore_exp_argument##B(x)); \
} \
\
NNCORE_FUNCTION void nncore_two_product##B(REAL a, REAL b, REAL *p, REAL *p_err) \
{ \
    const REAL split_factor = NNCORE_SPLIT##B; \
    REAL split = split_factor * a; \
    REAL a_hi = split - (split - a), a_lo = a - a_hi; \
    REAL b_hi, b_lo; \
    split = split_factor * b; \
    b_hi = split - (split - b); \
    b_lo = b - b_hi; \
    *p = a * b; \
    *p_err = ((a_hi * b_hi - *p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo; \
} \
\
NNCORE_FUNCTION REAL nncore_tanh_large##B(REAL a) \
{ \
    const REAL one = 1, two = 2; \
    REAL w, scale, big, small, s, e, d, p, p_err, residual, delta, h, h_err; \
    INT k; \
    w = nncore_reduced_exp##B(a + a, &k); \
    scale = nncore_power_of_two##B(k); \
    big = scale + one; \
    small = -(w * scale); \
    s = big + small; \
    e = small - (s - big); \
    d = two / s; \
    nncore_two_product##B(d, s, &p, &p_err); \
    residual = (two - p) - p_err; \
    delta = (residual - d * e) / s; \
    h = one - d; \
    h_err = (one - h) - d; \
    return h + (h_err - delta); \
} \
\
NNCORE_FUNCTION REAL nncore_tanh##B(REAL x) \
{ \
    const REAL zero = 0, tiny = NNCORE_TANH_TINY##B, clamp = NNCORE_TANH_CLAMP##B; \
    const REAL small = 0.625; \
    REAL a = x < zero ? -x : x; \
    REAL t; \
    if (a < tiny) return x; /* x is tanh(x) rounded; keeps -0.0 */ \
    if (a < small) return nncore_tanh_small##B(x); \
    if (a > clamp) a = clamp; /* tanh rounds to 1 well before; keeps exp finite */ \
    t = nncore_tanh_large##B(a); \
    return x < zero ? -t : t; \
} \
\
NNCORE_FUNCTION REAL nncore_sigmoid_of_argument##B(REAL x) \
{ \
    const REAL one = 1; \
    return one / (one + nncore_exp_of_argument##B(x)); \
} \
\
NNCORE_FUNCTION REAL nncore_sigmoid##B(REAL z) \
{ \
    return nncore_sigmoid_of_argument##B(nncore_exp_argument##B(-z)); \
}
#endif

/* ---------------------------------------------------------------- float64 */
#ifndef NNCORE_ELEMENTARY64
#define NNCORE_ELEMENTARY64
#include <float.h>
/* double expressions rounded to double at every operation (x87's extended precision would not) */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 2
#error "nncore's float64 functions need double expressions evaluated in double (FLT_EVAL_METHOD 0 or 1): on 32-bit x86, compile with -msse2 -mfpmath=sse"
#endif
#define NNCORE_LN2_HI64 0.69314718036912382          /* 0x1.62e42fee00000p-1 */
#define NNCORE_LN2_LO64 1.9082149292705877e-10       /* 0x1.a39ef35793c76p-33 */
#define NNCORE_INV_LN2_64 1.4426950408889634         /* 0x1.71547652b82fep+0 */
#define NNCORE_ROUND_SHIFT64 6755399441055744.0      /* 0x1.8p52 */
#define NNCORE_EXP_MAX64 710.0
#define NNCORE_EXP_MIN64 (-746.0)
#define NNCORE_SPLIT64 134217729.0                   /* 2^27 + 1 (Veltkamp) */
#define NNCORE_TANH_TINY64 7.4505805969238281e-09    /* 2^-27 */
#define NNCORE_TANH_CLAMP64 22.0                     /* tanh rounds to 1 from 19.1 on */

/* exp's rational form (fdlibm): c = r - t * P(t), t = r*r */
NNCORE_FUNCTION double nncore_exp_polynomial64(double t)
{
    const double p1 = 0.16666666666666602;           /* 0x1.555555555553ep-3 */
    const double p2 = -0.0027777777777015593;        /* -0x1.6c16c16bebd93p-9 */
    const double p3 = 6.6137563214379344e-05;        /* 0x1.1566aaf25de2cp-14 */
    const double p4 = -1.6533902205465252e-06;       /* -0x1.bbd41c5d26bf1p-20 */
    const double p5 = 4.1381367970572385e-08;        /* 0x1.6376972bea4d0p-25 */
    return p1 + t * (p2 + t * (p3 + t * (p4 + t * p5)));
}

/* tanh(x) = x + x*s*P(s)/Q(s), s = x*x, for |x| < 0.625 (Cephes tanh.c) */
NNCORE_FUNCTION double nncore_tanh_small64(double x)
{
    const double tp0 = -0.96439917942505227;         /* -0x1.edc5baafd6f4bp-1 */
    const double tp1 = -99.287723100191855;          /* -0x1.8d26a0e26682dp+6 */
    const double tp2 = -1614.6876844170845;          /* -0x1.93ac030580563p+10 */
    const double tq0 = 112.81167849163293;           /* 0x1.c33f28a581b86p+6 */
    const double tq1 = 2235.4883906010045;           /* 0x1.176fa0e5535fap+11 */
    const double tq2 = 4844.0630532512550;           /* 0x1.2ec102442040cp+12 */
    double s = x * x;
    double p = (tp0 * s + tp1) * s + tp2;
    double q = ((s + tq0) * s + tq1) * s + tq2;
    return x + x * s * (p / q);
}

NNCORE_ELEMENTARY_FUNCTIONS(64, double, int64_t, uint64_t, 52, 1023)
#endif

/* ---------------------------------------------------------------- float32 */
#ifndef NNCORE_ELEMENTARY32
#define NNCORE_ELEMENTARY32
#include <float.h>
/* float expressions rounded to float at every operation: GCC on s390x evaluates them in a wider
   type in its ISO C modes (-std=c99: FLT_EVAL_METHOD 1), which changes the last bits of the results */
#if defined(FLT_EVAL_METHOD) && (FLT_EVAL_METHOD == 1 || FLT_EVAL_METHOD == 2)
#error "nncore's float32 functions need float expressions evaluated in float (FLT_EVAL_METHOD 0): with GCC, compile with -fexcess-precision=fast"
#endif
#define NNCORE_LN2_HI32 0.693145751953125f           /* 0x3f317200 */
#define NNCORE_LN2_LO32 1.428606765330187e-06f       /* 0x35bfbe8e */
#define NNCORE_INV_LN2_32 1.4426950216293335f        /* 0x3fb8aa3b */
#define NNCORE_ROUND_SHIFT32 12582912.0f             /* 0x1.8p23 */
#define NNCORE_EXP_MAX32 89.0f
#define NNCORE_EXP_MIN32 (-104.0f)
#define NNCORE_SPLIT32 4097.0f                       /* 2^12 + 1 (Veltkamp) */
#define NNCORE_TANH_TINY32 0.000244140625f           /* 2^-12 */
#define NNCORE_TANH_CLAMP32 10.0f                    /* tanh rounds to 1 from 9.02 on */

/* exp's rational form (FreeBSD's expf): c = r - t * P(t), t = r*r */
NNCORE_FUNCTION float nncore_exp_polynomial32(float t)
{
    const float p1 = 0.16666625440120697f;           /* 0x3e2aaa8f */
    const float p2 = -0.0027667332906275988f;        /* 0xbb355215 */
    return p1 + t * p2;
}

/* tanh(x) = x + x*s*P(s), s = x*x, for |x| < 0.625 (Cephes tanhf.c) */
NNCORE_FUNCTION float nncore_tanh_small32(float x)
{
    const float tc0 = -0.0057049887254834175f;       /* 0xbbbaf0ea */
    const float tc1 = 0.020639088004827499f;         /* 0x3ca9134e */
    const float tc2 = -0.053739715367555618f;        /* 0xbd5c1e2d */
    const float tc3 = 0.13331441581249237f;          /* 0x3e088393 */
    const float tc4 = -0.33333280682563782f;         /* 0xbeaaaa99 */
    float s = x * x;
    return ((((tc0 * s + tc1) * s + tc2) * s + tc3) * s + tc4) * s * x + x;
}

NNCORE_ELEMENTARY_FUNCTIONS(32, float, int32_t, uint32_t, 23, 127)
#endif
