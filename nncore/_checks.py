"""Checks shared by every public entry point: clear errors before any compiled code runs."""

from __future__ import annotations

import math
import numbers

import numpy as np


def describe(value: object) -> str:
    """A short description of ``value`` for error messages: its type and a clipped repr."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def is_real_number(value: object) -> bool:
    """True for ints and floats (Python or numpy), False for bools and everything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _to_float(name: str, value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError(f"{name} must be finite, got a number too large for a float") from None


def check_finite(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number, else raise."""
    if not is_real_number(value):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    number = _to_float(name, value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number!r}")
    return number


def check_rate(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number >= 0, else raise."""
    if not is_real_number(value):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    number = _to_float(name, value)
    if not math.isfinite(number) or number < 0.0:
        raise ValueError(f"{name} must be a finite number >= 0, got {number!r}")
    return number


MAX_COUNT = 2**62
"""Largest count of steps, epochs or iterations (the compiled core counts in 64 bits)."""


def check_count(name: str, value: object, minimum: int = 1) -> int:
    """``value`` as an int if it is an integer from ``minimum`` to :data:`MAX_COUNT`, else raise."""
    if not isinstance(value, (numbers.Integral)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got {describe(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if value > MAX_COUNT:
        raise ValueError(f"{name} must be at most 2**62, got {value}")
    return int(value)


def as_float_array(values: object, name: str, ndim: int) -> np.ndarray:
    """``values`` as a C-contiguous float64 array with ``ndim`` dimensions, all finite.

    Lists, tuples and arrays of any real dtype and layout are accepted; the
    result is a new array or ``values`` itself when it already fits.
    """
    if isinstance(values, (str, bytes, dict, set)) or values is None:
        raise TypeError(f"{name} must be an array of real numbers, got {describe(values)}")
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise ValueError(
            f"{name} must be a {ndim}-D array of real numbers with rows of equal length, "
            f"got {describe(values)}"
        ) from error
    if array.dtype.kind not in "iuf":
        if array.dtype.kind == "b":
            raise TypeError(f"{name} must contain real numbers, got booleans ({describe(values)})")
        if array.dtype.kind != "O":
            raise TypeError(
                f"{name} must contain real numbers, got dtype {array.dtype} ({describe(values)})"
            )
        if array.ndim != ndim:
            raise ValueError(
                f"{name} must be a {ndim}-D array of real numbers with rows of equal length, "
                f"got {describe(values)}"
            )
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must contain real numbers, got dtype {array.dtype} ({describe(values)})"
            ) from None
        except OverflowError:
            raise ValueError(f"{name} must be finite, got a number too large for a float") from None
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got {array.ndim}-D with shape {array.shape}")
    array = np.ascontiguousarray(array, dtype=np.float64)
    finite = np.isfinite(array)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        position = where[0] if ndim == 1 else where
        raise ValueError(f"{name} must be finite, got {float(array[where])!r} at index {position}")
    return array
