"""The data of a fit, prepared once for ``Network.fit``, ``fit_many`` and the scikit-learn estimators.

:func:`prepare` turns what the caller gave (arrays, or brain.js-style named
samples; sample weights; a batch size; held-out data) into what the fit
driver (:mod:`nncore._fitting`) trains on: checked rows in the network's
dtype, the rows of weight 0 left out, each row's factor, the batch size in
samples (0: all of them) and a function measuring the held-out error. A
network that scales its inputs trains on its scaled rows, the scaling fitted
to the rows first if it is not yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nncore import _datasets, _scaling
from nncore._checks import check_data, check_sample_weight, describe, sample_factors
from nncore._fit_options import (
    PER_SAMPLE,
    FitOptions,
    check_error_measure,
    check_fit_length,
    check_optimizer_batch_size,
)
from nncore._loss_rules import check_loss_targets


@dataclass(frozen=True)
class Rows:
    """A data set checked for networks of some widths and dtype, the rows of weight 0 left out."""

    inputs: np.ndarray
    targets: np.ndarray
    n_given: int
    """Rows given, before the rows of weight 0 were left out."""
    factors: np.ndarray | None
    """Each kept row's weight divided by their mean, in the network's dtype; None: unweighted."""
    input_names: tuple[str, ...] | None = None
    """The names the inputs were read through (named data), or None."""
    output_names: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FitData:
    """Everything a fit trains on, checked against one network."""

    rows: Rows
    batch_size: int
    """Samples per update; 0: all of them."""
    validation_error: Callable[[], float] | None = None
    """Measures the network's mean error on the held-out data; None without validation data."""
    input_scaling: tuple[np.ndarray, np.ndarray] | None = None
    """``(offset, scale)`` fitted to the rows, for the network to take before it trains; None: nothing to take."""
    scaled_inputs: np.ndarray | None = None
    """The rows' inputs scaled as the network scales them; None: the network does not scale."""

    @property
    def inputs(self) -> np.ndarray:
        """What the network trains on: the rows' inputs, scaled by the network's input scaling if it has one."""
        return self.rows.inputs if self.scaled_inputs is None else self.scaled_inputs

    @property
    def targets(self) -> np.ndarray:
        return self.rows.targets

    @property
    def factors(self) -> np.ndarray | None:
        return self.rows.factors


def read_rows(
    X: Any,
    Y: Any,
    n_inputs: int,
    n_outputs: int,
    dtype: str,
    sample_weight: Any = None,
    input_names: tuple[str, ...] | None = None,
    output_names: tuple[str, ...] | None = None,
    learn_names: bool = False,
) -> Rows:
    """``X`` and ``Y`` (or named samples in ``X``) as rows for networks of these widths and ``dtype``.

    Named sides are read through ``input_names`` and ``output_names``, or
    through names learned from the data when those are None and
    ``learn_names`` is true (:func:`nncore._datasets.resolve`). Rows whose
    ``sample_weight`` is 0 are left out; the others get their factor.
    """
    data = _datasets.resolve(X, Y, (n_inputs, n_outputs), input_names, output_names, learn_names=learn_names)
    inputs, targets = check_data(data.inputs, data.targets, n_inputs, n_outputs, dtype)
    n_given = len(inputs)
    factors = None
    if sample_weight is not None:
        keep, weights = sample_factors(check_sample_weight(sample_weight, n_given))
        if len(keep) < n_given:
            inputs, targets = inputs[keep], targets[keep]
        factors = None if weights is None else weights.astype(dtype)
    return Rows(inputs, targets, n_given, factors, data.input_names, data.output_names)


def prepare(
    network: Any,
    X: Any,
    Y: Any,
    options: FitOptions,
    batch_size: Any = PER_SAMPLE,
    sample_weight: Any = None,
    validation_data: Any = None,
    *,
    learn_names: bool = False,
    clip_batch: bool = False,
    rows: Rows | None = None,
    scaled: dict | None = None,
) -> FitData:
    """The data of a fit of ``network`` (a :class:`nncore.Network`), checked; see :meth:`nncore.Network.fit`.

    ``rows`` are :func:`read_rows`'s for this network's widths and dtype when
    the caller already has them (``fit_many`` reads the data once for many
    networks, and keeps in ``scaled`` the rows scaled for each scaling, so that
    the networks scaling alike share them). ``clip_batch`` makes a batch larger
    than the rows trained on shrink to them with a warning instead of being
    refused (the estimators' rule, scikit-learn's). Nothing of the network
    changes: a scaling fitted to the rows is returned for the network to take.
    """
    sizes, dtype = network.sizes, network.dtype.name
    if rows is None:
        rows = read_rows(
            X, Y, sizes[0], sizes[-1], dtype, sample_weight, network.input_names, network.output_names, learn_names
        )
    batch = check_optimizer_batch_size(batch_size, network.optimizer, rows.n_given, len(rows.inputs), clip_batch)
    validation_error = None
    if validation_data is not None:
        validation_error = _validation_error(network, validation_data, rows.input_names, rows.output_names)
    check_loss_targets(rows.targets, network.activations[-1], network.loss, "Y")
    check_error_measure(options, network.loss)
    check_fit_length(len(rows.inputs), options)
    kind, offset, scale = network._input_scaling_state()
    if kind is None:
        return FitData(rows, batch, validation_error)
    fitted = None
    if offset is None:
        offset, scale = fitted = _scaling.fit_scaling(kind, rows.inputs)
    key = (id(rows.inputs), offset.tobytes(), scale.tobytes())
    cache = {} if scaled is None else scaled
    if key not in cache:
        cache[key] = _scaling.scale_rows(rows.inputs, offset, scale, kind)
    return FitData(rows, batch, validation_error, fitted, cache[key])


def _validation_error(network: Any, validation_data: Any, input_names: Any, output_names: Any) -> Callable[[], float]:
    """A function measuring the network's mean error on checked ``validation_data`` (see :meth:`nncore.Network.fit`)."""
    if isinstance(validation_data, tuple) and len(validation_data) == 2:
        X_val, Y_val = validation_data
    elif isinstance(validation_data, list):
        X_val, Y_val = validation_data, None
    else:
        raise TypeError(
            f"validation_data must be a tuple (X_val, Y_val) or a list of brain.js samples, "
            f"got {describe(validation_data)}"
        )
    sizes = network.sizes
    held_out = read_rows(
        X_val,
        Y_val,
        sizes[0],
        sizes[-1],
        network.dtype.name,
        None,
        network.input_names or input_names,
        network.output_names or output_names,
    )
    rows, targets = held_out.inputs, held_out.targets
    check_loss_targets(targets, network.activations[-1], network.loss, "validation targets")
    return lambda: float(np.mean(network._forward_and_losses(rows, targets)[1]))
