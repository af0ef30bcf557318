"""What each loss asks of a network's outputs and of its targets.

``cross_entropy`` needs probabilities: a ``softmax`` or ``sigmoid`` output
layer, and targets that are distributions (softmax: values >= 0 summing to
1) or probabilities (sigmoid: values in [0, 1]); ``mse`` takes any finite
target. ``softmax`` normalises a whole layer, so it is an output activation
of ``cross_entropy`` only. The compiled core applies these rules to each
target it is given, the network and ``fit_many`` to whole data sets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from nncore._checks import describe
from nncore._vocabulary import CROSS_ENTROPY_OUTPUTS, OUTPUT_ONLY_ACTIVATIONS


def check_output_rules(activations: Sequence[str], loss: str) -> None:
    """Refuse checked activation names and loss that do not go together.

    ``softmax`` normalises a whole layer: it is allowed on the output layer
    only, and only with ``cross_entropy``; ``cross_entropy`` needs ``softmax``
    or ``sigmoid`` outputs (whose values are probabilities).
    """
    for layer, name in enumerate(activations[:-1], start=1):
        if name in OUTPUT_ONLY_ACTIVATIONS:
            raise ValueError(
                f"activation {name!r} is allowed on the output layer only, got it on layer {layer} "
                f"of {len(activations)}"
            )
    last = activations[-1]
    if last in OUTPUT_ONLY_ACTIVATIONS and loss != "cross_entropy":
        raise ValueError(f"activation {last!r} needs loss='cross_entropy', got loss={loss!r}")
    if loss == "cross_entropy" and last not in CROSS_ENTROPY_OUTPUTS:
        raise ValueError(
            f"loss='cross_entropy' needs a {' or '.join(map(repr, CROSS_ENTROPY_OUTPUTS))} output layer, got {last!r}"
        )


SUM_TOLERANCE = 1e-9
"""How far from 1 a row of float64 softmax targets may sum (rounding of label smoothing and the like)."""


@dataclass(frozen=True)
class TargetRule:
    """What targets of a loss must keep: every value in [lowest, highest], rows summing to 1 within
    ``sum_tolerance``."""

    lowest: float
    highest: float
    sum_tolerance: float  # inf: the rows' sums are free


def loss_target_rule(output_activation: str, loss: str, width: int, dtype: DTypeLike = np.float64) -> TargetRule | None:
    """The rule targets of ``width`` values of ``dtype`` obey for a network's loss; None when any finite target does.

    With ``cross_entropy``, softmax targets are rows of values >= 0 summing
    to 1 (a distribution over the outputs), sigmoid targets values in [0, 1]
    (one probability per output). The compiled ``train`` applies this rule
    to each target, :func:`check_loss_targets` to whole data sets.
    """
    if loss != "cross_entropy":
        return None
    if output_activation == "softmax":
        # float32 targets are each rounded by up to half an epsilon: their sum may be off by that much per value
        return TargetRule(0.0, math.inf, max(SUM_TOLERANCE, width * float(np.finfo(dtype).eps)))
    return TargetRule(0.0, 1.0, math.inf)


def check_loss_targets(targets: np.ndarray, output_activation: str, loss: str, name: str) -> None:
    """Refuse finite ``targets`` (one row, or rows; float64 or float32) that the loss is not defined for.

    See :func:`loss_target_rule`; the error names the first row or value that breaks it.
    """
    rule = loss_target_rule(output_activation, loss, targets.shape[-1], targets.dtype)
    if rule is None:
        return
    rows = targets.reshape(-1, targets.shape[-1])
    if math.isfinite(rule.sum_tolerance):
        sums = rows.sum(axis=1, dtype=np.float64)
        bad = np.flatnonzero(np.any(rows < rule.lowest, axis=1) | (np.abs(sums - 1.0) > rule.sum_tolerance))
        if bad.size:
            row = int(bad[0])
            what, where = ("values", "") if targets.ndim == 1 else ("rows of values", f" row {row}")
            raise ValueError(
                f"{name} must hold {what} >= 0 summing to 1 for loss='cross_entropy' with softmax "
                f"outputs, got{where} {describe(rows[row].tolist())} (sum {float(sums[row])!r})"
            )
    else:
        outside = np.argwhere((rows < rule.lowest) | (rows > rule.highest))
        if outside.size:
            row, column = (int(i) for i in outside[0])
            position = column if targets.ndim == 1 else (row, column)
            raise ValueError(
                f"{name} must hold values in [0, 1] for loss='cross_entropy' with sigmoid outputs, "
                f"got {float(rows[row, column])!r} at index {position}"
            )
