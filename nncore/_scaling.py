"""Input scaling inside a network: fitting it to training data, applying it to rows, and the saturation warning.

A network built with ``input_scaling="standard"`` or ``"minmax"`` computes on
``(x - input_offset) / input_scale``, each input's offset and scale fitted to
the rows of its first fit (:func:`fit_scaling`). The compiled core applies
them to the samples of ``train`` and ``activate`` and to the rows of its
forward passes; a fit scales its rows once, here (:func:`scale_rows`), with
the same IEEE operations in the network's dtype, so both give the same bits.

:func:`warn_if_saturated` is ``fit``'s check that raw inputs do not drive the
first layer where it stops learning (sigmoid and tanh sums far from 0).
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from nncore._activations import ACTIVATION_TABLE, SATURATION_SLOPE
from nncore._checks import unscalable_input
from nncore._exceptions import SaturationWarning

SATURATION_ROWS = 256
"""At most this many rows (the first ones) go through the first layer for :func:`warn_if_saturated`.

Their sums (256 per neuron of the first layer) decide a majority well enough, and the check runs at
every first ``fit`` of a network: with 2,000 rows it cost 9 ms on a [784, 128, ...] network, an
eighth of fitting 2,000 samples."""

SATURATED_SHARE = 0.5
""":func:`warn_if_saturated` warns when more than this share of the first layer's sums are saturated."""


def fit_scaling(kind: str, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``(offset, scale)`` of input scaling ``kind`` fitted to ``inputs`` (checked rows), in their dtype.

    ``"standard"``: the mean and the population standard deviation of each
    column; ``"minmax"``: its minimum and its range (to [0, 1]). Both are
    computed in float64, then rounded to the rows' dtype. A column whose
    scale is 0 (a constant) or beyond the dtype gets scale 1.
    """
    if len(inputs) == 0:
        raise ValueError(f"input_scaling={kind!r} is fitted to the training inputs, got no rows")
    values = inputs.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if kind == "standard":
            offset, spread = values.mean(axis=0), values.std(axis=0)
        else:
            offset = values.min(axis=0)
            spread = values.max(axis=0) - offset
        offset, scale = offset.astype(inputs.dtype), spread.astype(inputs.dtype)
    if not np.isfinite(offset).all():
        raise ValueError(f"the inputs are too large for input_scaling={kind!r}: their mean is not finite")
    scale[~(np.isfinite(scale) & (scale > 0))] = 1
    return offset, scale


def scale_rows(rows: np.ndarray, offset: np.ndarray, scale: np.ndarray, kind: str) -> np.ndarray:
    """``(rows - offset) / scale`` in the rows' dtype, C-contiguous, or a ValueError if a value is not finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = (rows - offset) / scale
    if not np.isfinite(scaled).all():
        raise unscalable_input(kind)
    return np.ascontiguousarray(scaled)


def warn_if_saturated(inputs: np.ndarray, weights: np.ndarray, biases: np.ndarray, activation: str) -> bool:
    """Warn (:class:`nncore.SaturationWarning`) when ``inputs`` saturate the first layer; True if it warned.

    Saturated: more than half of the first layer's sums over the first
    :data:`SATURATION_ROWS` rows lie where the activation's slope is below
    :data:`nncore._activations.SATURATION_SLOPE`; relu, leaky_relu and
    identity never saturate. The warning names the caller's line outside nncore.
    """
    shares = saturated_shares(inputs, weights[np.newaxis], biases[np.newaxis], activation)
    if shares is None or not shares[0] > SATURATED_SHARE:
        return False
    warn_saturated(float(shares[0]), activation)
    return True


def saturated_shares(inputs: np.ndarray, weights: np.ndarray, biases: np.ndarray, activation: str) -> np.ndarray | None:
    """The share of saturated sums (see :func:`warn_if_saturated`) of each of many first layers on ``inputs``.

    ``weights`` holds the layers' weights, shape ``(n_layers, width, n_inputs)``,
    ``biases`` their biases, ``(n_layers, width)``. Each layer's sums are the
    product of one layer alone (numpy's matmul runs the same product per layer
    of the stack) and each share an exact count divided by the number of
    sums, so a layer's share does not depend on the others checked with it.
    None when the activation never saturates or there are no rows.
    """
    beyond = ACTIVATION_TABLE[activation].saturation
    if beyond is None or len(inputs) == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        rows = inputs[:SATURATION_ROWS].astype(np.float64, copy=False)
        sums = rows @ weights.astype(np.float64, copy=False).transpose(0, 2, 1) + biases[:, np.newaxis, :]
    saturated = np.count_nonzero(~(np.abs(sums) <= beyond), axis=(1, 2))
    shares: np.ndarray = saturated / (sums.shape[1] * sums.shape[2])
    return shares


def warn_saturated(share: float, activation: str) -> None:
    """The :class:`nncore.SaturationWarning` of a first layer whose sums are saturated in this ``share``."""
    beyond = ACTIVATION_TABLE[activation].saturation
    assert beyond is not None, "only an activation that saturates warns"
    warnings.warn(
        f"the inputs saturate the first layer: {share:.0%} of its {activation} sums on the training data "
        f"are beyond +-{beyond:.2g}, where its slope is below {SATURATION_SLOPE:g} and it hardly learns "
        "(the network may learn a constant); scale the inputs: Network(..., input_scaling='standard')",
        SaturationWarning,
        stacklevel=_caller_outside_package(),
    )


def _caller_outside_package() -> int:
    """The ``stacklevel`` that makes a warning raised by this function's caller name the first frame outside nncore."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == package:
        frame, level = frame.f_back, level + 1
    return level
