"""FANN's fixed-point activations as forms of :class:`nncore.FixedNetwork` (``FANN_FIX_2.0`` networks).

libfixedfann (FANN 2.x's fixed-point build) computes with one binary point,
``decimal_point`` (``d``), for the inputs, weights and outputs of every layer,
in C ``int``: a neuron's sum adds ``(w * x) >> d`` over its connections (each
product rounded down on its own, the bias a weight on a neuron whose value is
``2**d``), and its activation is then one of these forms (the names are
FANN's, in lower case; a layer's ``parameters`` hold FANN's steepness, an
integer with ``d`` fractional bits, and FANN's activation code):

- ``fann_sigmoid`` and ``fann_sigmoid_symmetric`` (``FANN_SIGMOID`` and
  ``FANN_SIGMOID_STEPWISE``, ``FANN_SIGMOID_SYMMETRIC`` and
  ``FANN_SIGMOID_SYMMETRIC_STEPWISE``, which libfixedfann computes alike): the
  stepwise linear sigmoid of ``fann_activation.h``'s ``fann_stepwise``. Six
  points ``(v_i, r_i)`` where the sigmoid is 0.005, 0.05, 0.25, 0.75, 0.95 and
  0.995 (-0.98, -0.8, 0, ... for the symmetric one, from -1 to 1), computed by
  ``fann_update_stepwise`` in float and double arithmetic that
  :func:`stepwise_points` repeats step by step; below ``v_1`` the output is 0
  (-1), from ``v_6`` on it is 1, and between two points it is
  ``(r_{i+1} - r_i) * (sum - v_i) / (v_{i+1} - v_i) + r_i`` in integers, the
  division truncated (``v_i`` is FANN's value divided by the steepness, also
  truncated, so the steepness scales the sum without a multiplication);
- ``fann_linear``: the sum itself (FANN's fixed point ignores the steepness);
- ``fann_threshold`` and ``fann_threshold_symmetric``: ``2**d`` where the sum
  is >= 0, else 0 (``-2**d``).

Where libfixedfann's ``int`` would overflow, C leaves the result undefined;
nncore's sums saturate at the int32 range, and a layer's outputs at its
integers' (a ``fann_linear`` sum beyond 16 bits). A steepness so small that
the stepwise sigmoid's products could leave the int32 range is refused.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np

INT32_MAX = 2**31 - 1


class LayerFormat(Protocol):
    """What a form reads of its layer: :class:`nncore._fixed_forms.LayerFormat` (not imported: it imports this)."""

    @property
    def bits(self) -> int: ...

    @property
    def output_frac_bits(self) -> int: ...

    @property
    def parameters(self) -> Mapping[str, int]: ...


FANN_CODES = {
    "fann_linear": (0,),
    "fann_threshold": (1,),
    "fann_threshold_symmetric": (2,),
    "fann_sigmoid": (3, 4),
    "fann_sigmoid_symmetric": (5, 6),
}
"""Form name -> the FANN activation codes (``fann_data.h``) libfixedfann computes as that form."""


def _truncate(value: float) -> int:
    """C's conversion of a double to int: toward zero."""
    return int(value)


def _c_division(a: int, b: int) -> int:
    """C's integer division: the quotient truncated toward zero."""
    quotient = abs(a) // abs(b)
    return -quotient if (a < 0) != (b < 0) else quotient


@functools.cache
def stepwise_points(decimal_point: int, symmetric: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``fann_update_stepwise``'s six sums (``sigmoid_values``, with ``2 * d`` fractional bits) and results.

    Its arithmetic, operation by operation: ``multiplier / (float) result - 1`` in float (numpy's
    float32 rounds as C's float does), ``log`` and the products in double, each conversion to
    ``int`` truncated.
    """
    m = 2**decimal_point
    f32, t = np.float32, _truncate
    if symmetric:
        results = [
            max(t(m / 100.0 - m - 0.5), 1 - m),
            max(t(m / 10.0 - m - 0.5), 1 - m),
            max(t(m / 2.0 - m - 0.5), 1 - m),
            min(m - t(m / 2.0 + 0.5), m - 1),
            min(m - t(m / 10.0 + 0.5), m - 1),
            min(m - t(m / 100.0 + 1.0), m - 1),
        ]
        ratios = [(f32(m) - f32(r)) / (f32(r) + f32(m)) for r in results]
    else:
        results = [
            max(t(m / 200.0 + 0.5), 1),
            max(t(m / 20.0 + 0.5), 1),
            max(t(m / 4.0 + 0.5), 1),
            min(m - t(m / 4.0 + 0.5), m - 1),
            min(m - t(m / 20.0 + 0.5), m - 1),
            min(m - t(m / 200.0 + 0.5), m - 1),
        ]
        ratios = [f32(m) / f32(r) - f32(1) for r in results]
    values = [t(((math.log(float(ratio)) * float(f32(m))) / -2.0) * float(f32(m))) for ratio in ratios]
    return tuple(values), tuple(results)


def stepwise(layer: LayerFormat) -> tuple[list[int], list[int], int, int]:
    """A layer's ``v_1..v_6``, ``r_1..r_6`` and the outputs below and beyond them."""
    symmetric = layer.parameters["code"] in FANN_CODES["fann_sigmoid_symmetric"]
    values, results = stepwise_points(layer.output_frac_bits, symmetric)
    m = 2**layer.output_frac_bits
    return [_c_division(v, layer.parameters["steepness"]) for v in values], list(results), -m if symmetric else 0, m


def check_steepness(decimal_point: int, code: int, steepness: int) -> str | None:
    """Why ``steepness`` cannot be computed exactly (libfixedfann's int arithmetic would overflow), or None."""
    if steepness <= 0:
        return f"the steepness must be above 0, got {steepness}"
    if code in FANN_CODES["fann_sigmoid"] + FANN_CODES["fann_sigmoid_symmetric"]:
        symmetric = code in FANN_CODES["fann_sigmoid_symmetric"]
        values, results = stepwise_points(decimal_point, symmetric)
        v = [_c_division(value, steepness) for value in values]
        largest = max((results[i + 1] - results[i]) * (v[i + 1] - v[i]) for i in range(5))
        if largest > INT32_MAX or max(abs(x) for x in v) > INT32_MAX // 2:
            return (
                f"steepness {steepness} (with decimal_point={decimal_point}) is so small that FANN's "
                "stepwise sigmoid leaves the int32 range"
            )
    return None


def _stepwise_numpy(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
    v, r, low, high = stepwise(layer)
    # within a segment, sums - v_i >= 0 and r_{i+1} > r_i: the truncated division is the floor
    pieces = [np.full_like(sums, low)] + [
        ((r[i + 1] - r[i]) * (sums - v[i])) // (v[i + 1] - v[i]) + r[i] for i in range(5)
    ]
    return saturate(np.select([sums < value for value in v], pieces, high), layer.bits)


def _stepwise_c(prefix: str, layer: LayerFormat) -> str:
    v, r, low, high = stepwise(layer)

    def piece(i: int) -> str:
        return f"({r[i + 1] - r[i]}L * (acc - ({v[i]}L))) / {v[i + 1] - v[i]}L + ({r[i]}L)"

    inner = (
        f"acc < {v[4]}L ? (acc < {v[2]}L ? (acc < {v[1]}L ? (acc < {v[0]}L ? {low}L : {piece(0)}) : {piece(1)}) "
        f": (acc < {v[3]}L ? {piece(2)} : {piece(3)})) : (acc < {v[5]}L ? {piece(4)} : {high}L)"
    )
    return f"{prefix}_sat({inner})"


def _linear_numpy(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
    return saturate(sums, layer.bits)


def _threshold(
    symmetric: bool,
) -> tuple[Callable[[np.ndarray, LayerFormat], np.ndarray], Callable[[str, LayerFormat], str]]:
    def numpy_form(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
        m = 2**layer.output_frac_bits
        return saturate(np.where(sums < 0, -m if symmetric else 0, m), layer.bits)

    def c_form(prefix: str, layer: LayerFormat) -> str:
        m = 2**layer.output_frac_bits
        return f"{prefix}_sat(acc < 0 ? {-m if symmetric else 0}L : {m}L)"

    return numpy_form, c_form


def saturate(values: np.ndarray, bits: int) -> np.ndarray:
    """``values`` held to the range of ``bits``-bit integers, as the network stores them."""
    held: np.ndarray = np.clip(values, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    return held


PARAMETERS = ("steepness", "code")
"""What each form reads from its layer's ``parameters``: FANN's steepness and activation code."""

FORMS = {
    "fann_sigmoid": (_stepwise_numpy, _stepwise_c),
    "fann_sigmoid_symmetric": (_stepwise_numpy, _stepwise_c),
    "fann_linear": (_linear_numpy, lambda prefix, layer: f"{prefix}_sat(acc)"),
    "fann_threshold": _threshold(False),
    "fann_threshold_symmetric": _threshold(True),
}
"""Form name -> its numpy function of a layer's sums and its C expression of ``acc``
(see :class:`nncore._fixed_forms.FixedActivation`); every form's products are shifted."""


def read_parameters(
    given: dict, form: str, where: str, input_frac_bits: int, weight_frac_bits: int, output_frac_bits: int
) -> dict:
    """A FANN form's layer parameters from :meth:`nncore.FixedNetwork.from_dict`'s data, checked."""
    if not input_frac_bits == weight_frac_bits == output_frac_bits:
        raise ValueError(
            f"fixed-point network data: {where}activation {form!r} is FANN's, with one binary point for the "
            f"inputs, weights and outputs; got {input_frac_bits}, {weight_frac_bits} and {output_frac_bits}"
        )
    code, steepness = given["code"], given["steepness"]
    if code not in FANN_CODES[form] or isinstance(code, bool):
        raise ValueError(
            f"fixed-point network data: {where}parameters.code of {form!r} must be one of "
            f"{list(FANN_CODES[form])}, got {code!r}"
        )
    if isinstance(steepness, bool) or not isinstance(steepness, (int, np.integer)):
        raise ValueError(f"fixed-point network data: {where}parameters.steepness must be an integer, got {steepness!r}")
    problem = check_steepness(output_frac_bits, int(code), int(steepness))
    if problem is not None:
        raise ValueError(f"fixed-point network data: {where}parameters.steepness: {problem}")
    return {"steepness": int(steepness), "code": int(code)}
