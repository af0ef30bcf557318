"""The numpy forms of ``nncore._elementary``'s functions, test oracles only.

``exp32``, ``tanh32`` and ``sigmoid32`` (and their ``_array`` forms) are the
float32 twins of the compiled core's float32 functions (``exp32``, ``tanh32``, ``sigmoid32``):
every intermediate result is rounded to float32 by numpy's float32 arithmetic.
``exp64_array``, ``tanh64_array`` and ``sigmoid64_array`` give
``nncore._elementary``'s float64 functions of every element of an array, bit for
bit, so that sweeps over millions of arguments stay fast.  The algorithms and
their accuracy are described in ``nncore._elementary``; the float64 scalar
functions and constants are re-exported from there.
"""

import numpy as np

from nncore._elementary import (  # noqa: F401  (re-exported: the tests use one module)
    _EXP_MAX,
    _EXP_MIN,
    _INV_LN2,
    _LN2_HI,
    _LN2_LO,
    _P1,
    _P2,
    _P3,
    _P4,
    _P5,
    _ROUND_SHIFT,
    _SPLIT,
    _TANH_CLAMP,
    _TANH_SMALL,
    _TANH_TINY,
    _TP0,
    _TP1,
    _TP2,
    _TQ0,
    _TQ1,
    _TQ2,
    exp64,
    sigmoid64,
    tanh64,
)

# ------------------------------------------------------------------ float32
# The float64 forms of float32 constants, written so that each names one float32 exactly.
_F = np.float32
_LN2_HI_F = _F(0.693145751953125)  # 0x3f317200, 9 trailing zero bits
_LN2_LO_F = _F(1.428606765330187e-06)  # 0x35bfbe8e
_INV_LN2_F = _F(1.4426950216293335)  # 0x3fb8aa3b
_ROUND_SHIFT_F = _F(12582912.0)  # 0x1.8p23
# FreeBSD expf's rational form: c = r - r^2*(P1 + r^2*P2).
_P1_F = _F(0.16666625440120697)  # 0x3e2aaa8f
_P2_F = _F(-0.0027667332906275988)  # 0xbb355215
_EXP_MAX_F = _F(89.0)
_EXP_MIN_F = _F(-104.0)

# Below 2^-12, x itself is tanh(x) correctly rounded in float32.
_TANH_TINY_F = _F(0.000244140625)  # 0x1p-12
# tanh(x) = x + x*s*P(s), s = x*x, for |x| < 0.625 (Cephes tanhf.c).
_TANH_SMALL_F = _F(0.625)
_TC0 = _F(-0.0057049887254834175)  # 0xbbbaf0ea
_TC1 = _F(0.020639088004827499)  # 0x3ca9134e
_TC2 = _F(-0.053739715367555618)  # 0xbd5c1e2d
_TC3 = _F(0.13331441581249237)  # 0x3e088393
_TC4 = _F(-0.33333280682563782)  # 0xbeaaaa99
# tanh(x) rounds to 1 in float32 for x >= 9.02; clamping at 10 keeps exp(2x) finite.
_TANH_CLAMP_F = _F(10.0)
_ONE_F = _F(1.0)
_TWO_F = _F(2.0)
_SPLIT_F = _F(4097.0)  # 2^12 + 1: splits a float32 into two 12-bit halves


def _powers_of_two32(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``2^(k >> 1)`` and ``2^(k - (k >> 1))`` as float32, built from exponent bits."""
    k_half = k >> 1
    first = ((k_half + 127).astype(np.uint32) << np.uint32(23)).view(np.float32)
    second = ((k - k_half + 127).astype(np.uint32) << np.uint32(23)).view(np.float32)
    return first, second


def _reduced_exp32(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(w, k)`` with ``exp(x) = (1 - w) * 2^k`` for clamped, non-NaN float32 ``x``."""
    kd = (x * _INV_LN2_F + _ROUND_SHIFT_F) - _ROUND_SHIFT_F
    hi = x - kd * _LN2_HI_F
    lo = kd * _LN2_LO_F
    r = hi - lo
    t = r * r
    c = r - t * (_P1_F + t * _P2_F)
    w = (lo - (r * c) / (_TWO_F - c)) - hi
    return w, kd.astype(np.int32)


def exp32_array(x) -> np.ndarray:
    """Exponential of float32 values, every step rounded to float32.

    Parameters
    ----------
    x : array_like
        Exponents, converted to float32.

    Returns
    -------
    numpy.ndarray
        ``e**x`` as float32, within 1 ulp of the correctly rounded value;
        ``inf`` above about 88.72, ``0`` below about -103.97, NaN for NaN.
    """
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):  # signalling NaNs and overflow are expected
        nan = x != x
        xc = np.where(nan, _F(0.0), np.minimum(np.maximum(x, _EXP_MIN_F), _EXP_MAX_F))
        w, k = _reduced_exp32(xc)
        first, second = _powers_of_two32(k)
        return np.where(nan, x, ((_ONE_F - w) * first) * second)


def _tanh_large32(a: np.ndarray) -> np.ndarray:
    """``1 - 2/(exp(2a) + 1)`` for non-NaN float32 ``a <= 10``, as :func:`_tanh_large64`."""
    w, k = _reduced_exp32(a + a)
    scale = ((k + 127).astype(np.uint32) << np.uint32(23)).view(np.float32)
    big = scale + _ONE_F
    small = -(w * scale)
    s = big + small
    e = small - (s - big)
    d = _TWO_F / s
    split = _SPLIT_F * d
    d_hi = split - (split - d)
    d_lo = d - d_hi
    split = _SPLIT_F * s
    s_hi = split - (split - s)
    s_lo = s - s_hi
    p = d * s
    p_err = ((d_hi * s_hi - p) + d_hi * s_lo + d_lo * s_hi) + d_lo * s_lo
    residual = (_TWO_F - p) - p_err
    delta = (residual - d * e) / s
    h = _ONE_F - d
    h_err = (_ONE_F - h) - d
    return h + (h_err - delta)


def tanh32_array(x) -> np.ndarray:
    """Hyperbolic tangent of float32 values, every step rounded to float32.

    Parameters
    ----------
    x : array_like
        Arguments, converted to float32.

    Returns
    -------
    numpy.ndarray
        ``tanh(x)`` as float32, within 1 ulp of the correctly rounded value;
        odd, ``x`` itself for ``|x| < 2^-12``, ``±1`` for large ``|x|``,
        NaN for NaN.
    """
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):  # signalling NaNs and overflow are expected
        nan = x != x
        s = x * x
        small = ((((_TC0 * s + _TC1) * s + _TC2) * s + _TC3) * s + _TC4) * s * x + x
        a = np.where(nan, _ONE_F, np.minimum(np.abs(x), _TANH_CLAMP_F))
        t = _tanh_large32(a)
        large = np.where(x < 0, -t, t)
        result = np.where(np.abs(x) < _TANH_SMALL_F, small, large)
        return np.where((np.abs(x) < _TANH_TINY_F) | nan, x, result)


def sigmoid32_array(z) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))`` of float32 values, in float32.

    Parameters
    ----------
    z : array_like
        Arguments, converted to float32.

    Returns
    -------
    numpy.ndarray
        ``1 / (1 + exp32(-z))`` as float32.
    """
    z = np.asarray(z, dtype=np.float32)
    with np.errstate(all="ignore"):
        return _ONE_F / (_ONE_F + exp32_array(-z))


def exp32(x) -> np.float32:
    """Exponential of one float32 value; see :func:`exp32_array`."""
    return exp32_array(x)[()]


def tanh32(x) -> np.float32:
    """Hyperbolic tangent of one float32 value; see :func:`tanh32_array`."""
    return tanh32_array(x)[()]


def sigmoid32(z) -> np.float32:
    """Logistic function of one float32 value; see :func:`sigmoid32_array`."""
    return sigmoid32_array(z)[()]


# ------------------------------------------------------ float64, vectorised
def exp64_array(x) -> np.ndarray:
    """Exponential of float64 values, bit for bit equal to :func:`exp64`.

    Parameters
    ----------
    x : array_like
        Exponents, converted to float64.

    Returns
    -------
    numpy.ndarray
        ``exp64`` of every element.
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):  # signalling NaNs and overflow are expected
        nan = x != x
        xc = np.where(nan, 0.0, np.minimum(np.maximum(x, _EXP_MIN), _EXP_MAX))
        kd = (xc * _INV_LN2 + _ROUND_SHIFT) - _ROUND_SHIFT
        hi = xc - kd * _LN2_HI
        lo = kd * _LN2_LO
        r = hi - lo
        t = r * r
        c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
        y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
        k = kd.astype(np.int64)
        k_half = k >> 1
        first = ((k_half + 1023).astype(np.uint64) << np.uint64(52)).view(np.float64)
        second = ((k - k_half + 1023).astype(np.uint64) << np.uint64(52)).view(np.float64)
        return np.where(nan, x, (y * first) * second)


def tanh64_array(x) -> np.ndarray:
    """Hyperbolic tangent of float64 values, bit for bit equal to :func:`tanh64`.

    Parameters
    ----------
    x : array_like
        Arguments, converted to float64.

    Returns
    -------
    numpy.ndarray
        ``tanh64`` of every element.
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):  # signalling NaNs and overflow are expected
        nan = x != x
        s = x * x
        p = (_TP0 * s + _TP1) * s + _TP2
        q = ((s + _TQ0) * s + _TQ1) * s + _TQ2
        small = x + x * s * (p / q)
        a = np.where(nan, 1.0, np.minimum(np.abs(x), _TANH_CLAMP))
        t = _tanh_large64_array(a)
        large = np.where(x < 0.0, -t, t)
        result = np.where(np.abs(x) < _TANH_SMALL, small, large)
        return np.where((np.abs(x) < _TANH_TINY) | nan, x, result)


def _tanh_large64_array(a: np.ndarray) -> np.ndarray:
    """:func:`_tanh_large64` of every element of a non-NaN array."""
    two_a = a + a
    kd = (two_a * _INV_LN2 + _ROUND_SHIFT) - _ROUND_SHIFT
    hi = two_a - kd * _LN2_HI
    lo = kd * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    w = (lo - (r * c) / (2.0 - c)) - hi
    scale = ((kd.astype(np.int64) + 1023).astype(np.uint64) << np.uint64(52)).view(np.float64)
    big = scale + 1.0
    small = -(w * scale)
    s = big + small
    e = small - (s - big)
    d = 2.0 / s
    split = _SPLIT * d
    d_hi = split - (split - d)
    d_lo = d - d_hi
    split = _SPLIT * s
    s_hi = split - (split - s)
    s_lo = s - s_hi
    p = d * s
    p_err = ((d_hi * s_hi - p) + d_hi * s_lo + d_lo * s_hi) + d_lo * s_lo
    residual = (2.0 - p) - p_err
    delta = (residual - d * e) / s
    h = 1.0 - d
    h_err = (1.0 - h) - d
    return h + (h_err - delta)


def sigmoid64_array(z) -> np.ndarray:
    """Logistic function of float64 values, bit for bit equal to :func:`sigmoid64`.

    Parameters
    ----------
    z : array_like
        Arguments, converted to float64.

    Returns
    -------
    numpy.ndarray
        ``sigmoid64`` of every element.
    """
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(all="ignore"):
        return 1.0 / (1.0 + exp64_array(-z))
