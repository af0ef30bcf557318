# cython: language_level=3
"""Exponential, tanh and sigmoid from IEEE-754 basic operations only.

The C library's ``exp`` and ``tanh`` differ in the last bit between
platforms.  These functions use only additions, subtractions,
multiplications and divisions, each rounded to nearest (the build turns off
fused multiply-add), and scale by powers of two built from exponent bits, so
their results are the same on every platform.  ``nncore/elementary.py``
performs the same operations in the same order in Python; the two agree bit
for bit.  The algorithms and their accuracy are described there.

The float32 functions keep every intermediate result in a ``float``: each
constant is a typed ``float`` local, never a bare literal, because a bare
literal is a C ``double`` and would promote the expression to double.  This
relies on C evaluating ``float`` and ``double`` expressions in their own
type (``FLT_EVAL_METHOD == 0``), as SSE2, AArch64 and WebAssembly do; the
x87 unit of 32-bit x86 without SSE2 does not.

Constants are written with 17 significant digits (float32 constants as the
exact decimal value of the float), which any correctly rounding compiler
turns into the bits given in the comment.  ``cdivision`` is on because no
divisor here can be zero.
"""

cimport cython
from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t
from libc.string cimport memcpy


# ------------------------------------------------------------------ float64

cdef inline double power_of_two64(int64_t k) noexcept nogil:
    """2^k for -1022 <= k <= 1023, from its exponent bits."""
    cdef uint64_t bits = (<uint64_t>(k + 1023)) << 52
    cdef double result
    memcpy(&result, &bits, sizeof(double))
    return result


@cython.cdivision(True)
cdef inline double reduced_exp64(double x, int64_t* k) noexcept nogil:
    """Return w and set k with exp(x) = (1 - w) * 2^k, for -746 <= x <= 710 or NaN."""
    cdef double ln2_hi = 0.69314718036912382     # 0x1.62e42fee00000p-1
    cdef double ln2_lo = 1.9082149292705877e-10  # 0x1.a39ef35793c76p-33
    cdef double inv_ln2 = 1.4426950408889634     # 0x1.71547652b82fep+0
    cdef double round_shift = 6755399441055744.0  # 0x1.8p52
    cdef double p1 = 0.16666666666666602         # 0x1.555555555553ep-3
    cdef double p2 = -0.0027777777777015593      # -0x1.6c16c16bebd93p-9
    cdef double p3 = 6.6137563214379344e-05      # 0x1.1566aaf25de2cp-14
    cdef double p4 = -1.6533902205465252e-06     # -0x1.bbd41c5d26bf1p-20
    cdef double p5 = 4.1381367970572385e-08      # 0x1.6376972bea4d0p-25
    cdef double shifted, kd, hi, lo, r, t, c
    cdef uint64_t bits
    shifted = x * inv_ln2 + round_shift
    kd = shifted - round_shift
    hi = x - kd * ln2_hi
    lo = kd * ln2_lo
    r = hi - lo
    t = r * r
    c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))))
    # The mantissa field of 1.5*2^52 + k holds 2^51 + k.  Reading k from the
    # bits rather than converting kd keeps a NaN input free of undefined
    # behaviour: its garbage k only scales a NaN.
    memcpy(&bits, &shifted, sizeof(double))
    k[0] = <int64_t>(bits & ((<uint64_t>1 << 52) - 1)) - (<int64_t>1 << 51)
    return (lo - (r * c) / (2.0 - c)) - hi


cdef inline double exp64(double x) noexcept nogil:
    cdef double w
    cdef int64_t k, k_half
    # Written so that NaN passes both tests unchanged.
    if x > 710.0:
        x = 710.0
    if x < -746.0:
        x = -746.0
    w = reduced_exp64(x, &k)
    k_half = k >> 1
    # Two exact scalings; only the second one can round (into subnormals) or overflow.
    return ((1.0 - w) * power_of_two64(k_half)) * power_of_two64(k - k_half)


cdef inline void two_product(double a, double b, double* p, double* p_err) noexcept nogil:
    """p = fl(a*b) and p + p_err == a*b exactly (Dekker, no FMA)."""
    cdef double split_factor = 134217729.0  # 2^27 + 1 (Veltkamp)
    cdef double split, a_hi, a_lo, b_hi, b_lo
    split = split_factor * a
    a_hi = split - (split - a)
    a_lo = a - a_hi
    split = split_factor * b
    b_hi = split - (split - b)
    b_lo = b - b_hi
    p[0] = a * b
    p_err[0] = ((a_hi * b_hi - p[0]) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


@cython.cdivision(True)
cdef inline double tanh_large64(double a) noexcept nogil:
    """1 - 2/(exp(2a) + 1) for 0.625 <= a <= 22 or NaN, carrying rounding errors."""
    cdef double w, scale, big, small, s, e, d, p, p_err, residual, delta, h, h_err
    cdef int64_t k
    w = reduced_exp64(a + a, &k)
    scale = power_of_two64(k)
    big = scale + 1.0
    small = -(w * scale)
    s = big + small
    e = small - (s - big)            # s + e == big + small exactly, as |big| >= |small|
    d = 2.0 / s
    two_product(d, s, &p, &p_err)
    residual = (2.0 - p) - p_err     # 2 - d*s
    delta = (residual - d * e) / s   # 2/(s + e) - d
    h = 1.0 - d
    h_err = (1.0 - h) - d            # h + h_err == 1 - d exactly
    return h + (h_err - delta)


@cython.cdivision(True)
cdef inline double tanh64(double x) noexcept nogil:
    cdef double tp0 = -0.96439917942505227  # -0x1.edc5baafd6f4bp-1
    cdef double tp1 = -99.287723100191855   # -0x1.8d26a0e26682dp+6
    cdef double tp2 = -1614.6876844170845   # -0x1.93ac030580563p+10
    cdef double tq0 = 112.81167849163293    # 0x1.c33f28a581b86p+6
    cdef double tq1 = 2235.4883906010045    # 0x1.176fa0e5535fap+11
    cdef double tq2 = 4844.0630532512550    # 0x1.2ec102442040cp+12
    cdef double a = -x if x < 0.0 else x
    cdef double s, p, q, t
    if a < 7.4505805969238281e-09:  # 2^-27: x is tanh(x) rounded; keeps -0.0
        return x
    if a < 0.625:
        s = x * x
        p = (tp0 * s + tp1) * s + tp2
        q = ((s + tq0) * s + tq1) * s + tq2
        return x + x * s * (p / q)
    if a > 22.0:  # tanh rounds to 1 from 19.1 on; keeps exp finite
        a = 22.0
    t = tanh_large64(a)
    return -t if x < 0.0 else t


@cython.cdivision(True)
cdef inline double sigmoid64(double z) noexcept nogil:
    return 1.0 / (1.0 + exp64(-z))


# ------------------------------------------------------------------ float32

cdef inline float power_of_two32(int32_t k) noexcept nogil:
    """2^k for -126 <= k <= 127, from its exponent bits."""
    cdef uint32_t bits = (<uint32_t>(k + 127)) << 23
    cdef float result
    memcpy(&result, &bits, sizeof(float))
    return result


@cython.cdivision(True)
cdef inline float reduced_exp32(float x, int32_t* k) noexcept nogil:
    """Return w and set k with exp(x) = (1 - w) * 2^k, for -104 <= x <= 89 or NaN."""
    cdef float ln2_hi = 0.693145751953125       # 0x3f317200
    cdef float ln2_lo = 1.428606765330187e-06   # 0x35bfbe8e
    cdef float inv_ln2 = 1.4426950216293335     # 0x3fb8aa3b
    cdef float round_shift = 12582912.0         # 0x1.8p23
    cdef float p1 = 0.16666625440120697         # 0x3e2aaa8f
    cdef float p2 = -0.0027667332906275988      # 0xbb355215
    cdef float two = 2.0
    cdef float shifted, kd, hi, lo, r, t, c
    cdef uint32_t bits
    shifted = x * inv_ln2 + round_shift
    kd = shifted - round_shift
    hi = x - kd * ln2_hi
    lo = kd * ln2_lo
    r = hi - lo
    t = r * r
    c = r - t * (p1 + t * p2)
    # The mantissa field of 1.5*2^23 + k holds 2^22 + k (see reduced_exp64).
    memcpy(&bits, &shifted, sizeof(float))
    k[0] = <int32_t>(bits & ((<uint32_t>1 << 23) - 1)) - (<int32_t>1 << 22)
    return (lo - (r * c) / (two - c)) - hi


cdef inline float exp32(float x) noexcept nogil:
    cdef float x_max = 89.0
    cdef float x_min = -104.0
    cdef float one = 1.0
    cdef float w
    cdef int32_t k, k_half
    if x > x_max:
        x = x_max
    if x < x_min:
        x = x_min
    w = reduced_exp32(x, &k)
    k_half = k >> 1
    return ((one - w) * power_of_two32(k_half)) * power_of_two32(k - k_half)


cdef inline void two_product32(float a, float b, float* p, float* p_err) noexcept nogil:
    """p = fl(a*b) and p + p_err == a*b exactly (Dekker, no FMA)."""
    cdef float split_factor = 4097.0  # 2^12 + 1 (Veltkamp)
    cdef float split, a_hi, a_lo, b_hi, b_lo
    split = split_factor * a
    a_hi = split - (split - a)
    a_lo = a - a_hi
    split = split_factor * b
    b_hi = split - (split - b)
    b_lo = b - b_hi
    p[0] = a * b
    p_err[0] = ((a_hi * b_hi - p[0]) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


@cython.cdivision(True)
cdef inline float tanh_large32(float a) noexcept nogil:
    """1 - 2/(exp(2a) + 1) for 0.625 <= a <= 10 or NaN, as tanh_large64 in float32."""
    cdef float one = 1.0
    cdef float two = 2.0
    cdef float w, scale, big, small, s, e, d, p, p_err, residual, delta, h, h_err
    cdef int32_t k
    w = reduced_exp32(a + a, &k)
    scale = power_of_two32(k)
    big = scale + one
    small = -(w * scale)
    s = big + small
    e = small - (s - big)
    d = two / s
    two_product32(d, s, &p, &p_err)
    residual = (two - p) - p_err
    delta = (residual - d * e) / s
    h = one - d
    h_err = (one - h) - d
    return h + (h_err - delta)


cdef inline float tanh32(float x) noexcept nogil:
    cdef float tc0 = -0.0057049887254834175  # 0xbbbaf0ea
    cdef float tc1 = 0.020639088004827499    # 0x3ca9134e
    cdef float tc2 = -0.053739715367555618   # 0xbd5c1e2d
    cdef float tc3 = 0.13331441581249237     # 0x3e088393
    cdef float tc4 = -0.33333280682563782    # 0xbeaaaa99
    cdef float tiny = 0.000244140625         # 2^-12: x is tanh(x) rounded
    cdef float small = 0.625
    cdef float clamp = 10.0                  # tanh rounds to 1 from 9.02 on
    cdef float zero = 0.0
    cdef float a = -x if x < zero else x
    cdef float s, t
    if a < tiny:
        return x
    if a < small:
        s = x * x
        return ((((tc0 * s + tc1) * s + tc2) * s + tc3) * s + tc4) * s * x + x
    if a > clamp:
        a = clamp
    t = tanh_large32(a)
    return -t if x < zero else t


@cython.cdivision(True)
cdef inline float sigmoid32(float z) noexcept nogil:
    cdef float one = 1.0
    return one / (one + exp32(-z))
