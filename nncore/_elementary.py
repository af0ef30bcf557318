"""Exponential, tanh and sigmoid from IEEE-754 basic operations only.

The C library's ``exp`` and ``tanh`` differ in the last bit between platforms,
so a network that uses them does not train to the same weights everywhere.
The functions here use only additions, subtractions, multiplications and
divisions, each rounded to nearest, plus exact scaling by powers of two, so
their results are defined by IEEE-754 alone.  The compiled core computes the
same functions in ``nncore/_elementary.h`` with the same operations in the
same order; the two give identical bits.

Algorithms
----------
``exp``
    Cody-Waite reduction ``x = k*ln2 + r`` with ``|r| <= ln2/2``, ``ln2``
    split into a high part with trailing zero bits (so ``k*ln2_hi`` is exact)
    and a low part: ``hi = x - k*ln2_hi``, ``lo = k*ln2_lo``, ``r = hi - lo``.
    ``exp(r)`` comes from the rational form of fdlibm's ``exp`` (FreeBSD's
    ``expf`` in float32): ``c = r - r^2*P(r^2)``,
    ``exp(r) = 1 - ((lo - r*c/(2-c)) - hi)``.
    The result is scaled by ``2^k`` in two exact steps of ``2^(k//2)`` and
    ``2^(k - k//2)``, so overflow to infinity and gradual underflow round
    once, like any other multiplication.
``tanh``
    ``x`` itself for tiny ``|x|``; for ``|x| < 0.625`` an odd rational
    function of ``x`` (float64) or an odd polynomial (float32), both from
    Cephes; elsewhere ``1 - 2/(exp(2|x|) + 1)`` with the sign of ``x``,
    evaluated with the rounding error of each step carried along in a second
    number (double-double arithmetic, Dekker's exact product without FMA).  ``|x|``
    is clamped before the exponential, which saturates the result to
    exactly ``±1``.
``sigmoid``
    ``1 / (1 + exp(-z))``, the formula of the pure-Python reference.

The compiled core has float32 versions as well, which round every
intermediate result to float32; their numpy twins, like numpy forms of the
functions here, live with the tests (``tests/elementary_numpy.py``), the only
code that needs them.

Accuracy against the correctly rounded value (ulp = unit in the last place):
below 1 ulp for ``exp64``, ``exp32``, ``tanh64`` and ``tanh32`` (measured
maxima 0.83, 0.91, 0.83 and 0.78 ulp), below 3 ulp for ``sigmoid64`` and
``sigmoid32`` wherever ``exp(-z)`` is finite (measured 2.2 ulp: the formula
rounds three times).  Below ``z = -709.78`` (float32: ``-88.72``)
``exp(-z)`` overflows and the sigmoid is ``0.0``, not the tiny true value.
"""

from __future__ import annotations

import math

__all__ = ["exp64", "sigmoid64", "tanh64"]

# ------------------------------------------------------------------ float64
# Every constant is written with 17 significant digits, which names one double
# exactly; the comment gives its bits.
_LN2_HI = 0.69314718036912382  # 0x1.62e42fee00000p-1, 21 trailing zero bits
_LN2_LO = 1.9082149292705877e-10  # 0x1.a39ef35793c76p-33
_INV_LN2 = 1.4426950408889634  # 0x1.71547652b82fep+0
# Adding then subtracting 1.5 * 2^52 rounds to the nearest integer (ties to even).
_ROUND_SHIFT = 6755399441055744.0  # 0x1.8p52
_P1 = 0.16666666666666602  # 0x1.555555555553ep-3
_P2 = -0.0027777777777015593  # -0x1.6c16c16bebd93p-9
_P3 = 6.6137563214379344e-05  # 0x1.1566aaf25de2cp-14
_P4 = -1.6533902205465252e-06  # -0x1.bbd41c5d26bf1p-20
_P5 = 4.1381367970572385e-08  # 0x1.6376972bea4d0p-25
# Beyond these, exp(x) rounds to +inf or to 0; clamping keeps 2^k representable.
_EXP_MAX = 710.0
_EXP_MIN = -746.0

# Below 2^-27, x itself is tanh(x) correctly rounded (x^3/3 < half an ulp of x);
# returning x also keeps the sign of -0.0, which the rational form would lose.
_TANH_TINY = 7.4505805969238281e-09  # 0x1p-27
# tanh(x) = x + x*s*P(s)/Q(s), s = x*x, for |x| < 0.625 (Cephes tanh.c).
_TANH_SMALL = 0.625
_TP0 = -0.96439917942505227  # -0x1.edc5baafd6f4bp-1
_TP1 = -99.287723100191855  # -0x1.8d26a0e26682dp+6
_TP2 = -1614.6876844170845  # -0x1.93ac030580563p+10
_TQ0 = 112.81167849163293  # 0x1.c33f28a581b86p+6
_TQ1 = 2235.4883906010045  # 0x1.176fa0e5535fap+11
_TQ2 = 4844.0630532512550  # 0x1.2ec102442040cp+12
# tanh(x) rounds to 1 for x >= 19.1; clamping at 22 keeps exp(2x) finite.
_TANH_CLAMP = 22.0
# Veltkamp's splitting constant 2^27 + 1: splits a double into two 26-bit halves.
_SPLIT = 134217729.0


def _reduced_exp64(x: float) -> tuple[float, int]:
    """Return ``(w, k)`` with ``exp(x) = (1 - w) * 2^k``, for a clamped, non-NaN ``x``.

    ``w`` carries about 60 bits of ``1 - exp(r)``; ``exp64`` rounds ``1 - w``
    and the large-argument branch of ``tanh64`` keeps the pair unrounded.
    """
    kd = (x * _INV_LN2 + _ROUND_SHIFT) - _ROUND_SHIFT
    hi = x - kd * _LN2_HI
    lo = kd * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    w = (lo - (r * c) / (2.0 - c)) - hi
    return w, int(kd)


def _two_product(a: float, b: float) -> tuple[float, float]:
    """``(p, e)`` with ``p = fl(a*b)`` and ``p + e == a*b`` exactly (Dekker, no FMA)."""
    split = _SPLIT * a
    a_hi = split - (split - a)
    a_lo = a - a_hi
    split = _SPLIT * b
    b_hi = split - (split - b)
    b_lo = b - b_hi
    p = a * b
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _tanh_large64(a: float) -> float:
    """``tanh(a) = 1 - 2/(exp(2a) + 1)`` for ``0.625 <= a <= 22``, in double-double.

    Rounding ``exp(2a)``, the sum, the quotient and the difference one after
    the other would cost more than an ulp near ``a = 0.625``; carrying the
    rounding errors keeps the result within about half an ulp.
    """
    w, k = _reduced_exp64(a + a)
    scale = math.ldexp(1.0, k)
    big = scale + 1.0
    small = -(w * scale)
    s = big + small
    e = small - (s - big)  # s + e == big + small exactly, as |big| >= |small|
    d = 2.0 / s
    p, p_err = _two_product(d, s)
    residual = (2.0 - p) - p_err  # 2 - d*s
    delta = (residual - d * e) / s  # 2/(s + e) - d
    h = 1.0 - d
    h_err = (1.0 - h) - d  # h + h_err == 1 - d exactly
    return h + (h_err - delta)


def exp64(x: float) -> float:
    """Exponential of a double, identical on every platform.

    Parameters
    ----------
    x : float
        The exponent.

    Returns
    -------
    float
        ``e**x`` within 1 ulp of the correctly rounded value; ``inf`` above
        about 709.78, ``0.0`` below about -745.13, NaN for NaN.
    """
    if x != x:
        return x
    if x > _EXP_MAX:
        x = _EXP_MAX
    if x < _EXP_MIN:
        x = _EXP_MIN
    w, k = _reduced_exp64(x)
    y = 1.0 - w
    k_half = k >> 1
    return (y * math.ldexp(1.0, k_half)) * math.ldexp(1.0, k - k_half)


def tanh64(x: float) -> float:
    """Hyperbolic tangent of a double, identical on every platform.

    Parameters
    ----------
    x : float
        The argument.

    Returns
    -------
    float
        ``tanh(x)`` within 1 ulp of the correctly rounded value; odd
        (``tanh64(-x) == -tanh64(x)``), ``x`` itself for ``|x| < 2^-27``
        (so ``-0.0`` for ``-0.0``), ``±1.0`` for large ``|x|``, NaN for NaN.
    """
    if x != x:
        return x
    a = -x if x < 0.0 else x
    if a < _TANH_TINY:
        return x
    if a < _TANH_SMALL:
        s = x * x
        p = (_TP0 * s + _TP1) * s + _TP2
        q = ((s + _TQ0) * s + _TQ1) * s + _TQ2
        return x + x * s * (p / q)
    if a > _TANH_CLAMP:
        a = _TANH_CLAMP
    t = _tanh_large64(a)
    return -t if x < 0.0 else t


def sigmoid64(z: float) -> float:
    """Logistic function ``1 / (1 + exp(-z))`` of a double, identical on every platform.

    Parameters
    ----------
    z : float
        The argument.

    Returns
    -------
    float
        ``1 / (1 + exp64(-z))``: exactly ``0.0`` for ``z`` below about -709.78
        and ``1.0`` for ``z`` above about 36.7.
    """
    return 1.0 / (1.0 + exp64(-z))
