"""nncore's dictionary format (version 1) and the checks on every field of it.

A network becomes a JSON-compatible dictionary::

    {"format": "nncore", "version": 1, "sizes": [2, 10, 10, 1], "activation": "sigmoid",
     "loss": "mse", "learning_rate": 0.3, "momentum": 0.1, "iterations": 0,
     "layers": [{"weights": [[...], ...], "biases": [...], "changes": [[...], ...]}, ...]}

``layers`` has one entry per non-input layer, ``weights`` and ``changes``
(the momentum buffer, optional on input) of shape ``(n_l, n_(l-1))``.
``activation`` is one name, or a list with one name per non-input layer.
``loss`` is ``"mse"`` or ``"cross_entropy"``; data without it (written before
networks had a choice of loss) is read as ``"mse"``.
``leaky_relu_alpha`` is written when a layer uses ``leaky_relu``.
``input_names`` and ``output_names`` (optional: the lookup tables of a network
trained on named data, one name per input or output) are written when set.
``dtype`` is ``"float64"`` or ``"float32"`` (optional on input: float64); the
numbers of a float32 network are its float32 values, exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nncore._checks import (
    MAX_ITERATIONS, as_float_array, check_activations, check_alpha, check_count, check_dtype, check_loss,
    check_names, check_output_rules, check_rate, check_sizes, describe, length_of,
)
from nncore._vocabulary import DEFAULT_LEAKY_RELU_ALPHA, DEFAULT_LOSS

FORMAT = "nncore"
VERSION = 1


def make_dict(
    sizes: Sequence[int],
    activations: Sequence[str],
    learning_rate: float,
    momentum: float,
    iterations: int,
    layers: list[dict],
    leaky_relu_alpha: float,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    dtype: str = "float64",
    loss: str = DEFAULT_LOSS,
) -> dict:
    """Assemble a version-1 dictionary from plain Python values."""
    names = set(activations)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(sizes),
        "activation": activations[0] if len(names) == 1 else list(activations),
        "loss": loss,
        "learning_rate": learning_rate,
        "momentum": momentum,
        "iterations": iterations,
        "dtype": dtype,
        "layers": layers,
    }
    if "leaky_relu" in names:
        data["leaky_relu_alpha"] = leaky_relu_alpha
    if input_names is not None:
        data["input_names"] = list(input_names)
    if output_names is not None:
        data["output_names"] = list(output_names)
    return data


@dataclass
class State:
    """A checked version-1 dictionary: plain values and arrays of ``dtype`` per layer."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    learning_rate: float
    momentum: float
    iterations: int
    leaky_relu_alpha: float
    layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # (weights, biases, changes)
    input_names: tuple[str, ...] | None = None
    output_names: tuple[str, ...] | None = None
    dtype: str = "float64"
    loss: str = DEFAULT_LOSS


def _field(data: dict, key: str, where: str = "") -> object:
    if key not in data:
        raise ValueError(f"network data: missing field {where}{key!r}")
    return data[key]


def _matrix(value: object, field: str, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """``value`` as a finite array of ``dtype`` and ``shape``, or a ValueError naming ``field``."""
    try:
        array = as_float_array(value, field, len(shape), dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(f"network data: {error}") from None
    if array.shape != shape:
        raise ValueError(f"network data: {field} must have shape {shape}, got {array.shape}")
    return array


def read_dict(data: object) -> State:
    """Check every field of a version-1 dictionary; raise ``ValueError`` naming the first bad one."""
    if not isinstance(data, dict):
        raise TypeError(f"network data must be a dict, got {describe(data)}")
    if _field(data, "format") != FORMAT:
        raise ValueError(f"network data: field 'format' must be {FORMAT!r}, got {describe(data['format'])}")
    version = _field(data, "version")
    if type(version) is not int or version != VERSION:
        raise ValueError(f"network data: field 'version' must be {VERSION}, got {describe(version)}")
    fields = {key: _field(data, key) for key in ("sizes", "activation", "learning_rate", "momentum", "iterations")}
    try:
        sizes = check_sizes(fields["sizes"])
        activations = check_activations(fields["activation"], len(sizes) - 1)
        loss = check_loss(data.get("loss", DEFAULT_LOSS))
        check_output_rules(activations, loss)
        learning_rate = check_rate("learning_rate", fields["learning_rate"])
        momentum = check_rate("momentum", fields["momentum"])
        iterations = check_count("iterations", fields["iterations"], minimum=0, maximum=MAX_ITERATIONS)
        alpha = check_alpha(data.get("leaky_relu_alpha", DEFAULT_LEAKY_RELU_ALPHA))
        input_names = check_names(data.get("input_names"), sizes[0], "input")
        output_names = check_names(data.get("output_names"), sizes[-1], "output")
        dtype = check_dtype(data.get("dtype", "float64"))
    except (TypeError, ValueError) as error:
        raise ValueError(f"network data: {error}") from None
    layers_data = _field(data, "layers")
    if not isinstance(layers_data, list) or length_of(layers_data) != len(sizes) - 1:
        raise ValueError(
            f"network data: field 'layers' must be a list of {len(sizes) - 1} layers, got {describe(layers_data)}"
        )
    layers = []
    for index, (layer, n_out, n_in) in enumerate(zip(layers_data, sizes[1:], sizes[:-1])):
        where = f"layers[{index}]"
        if not isinstance(layer, dict):
            raise ValueError(f"network data: {where} must be a dict, got {describe(layer)}")
        weights = _matrix(_field(layer, "weights", f"{where}."), f"{where}.weights", (n_out, n_in), dtype)
        biases = _matrix(_field(layer, "biases", f"{where}."), f"{where}.biases", (n_out,), dtype)
        if layer.get("changes") is None:
            changes = np.zeros((n_out, n_in), dtype=dtype)
        else:
            changes = _matrix(layer["changes"], f"{where}.changes", (n_out, n_in), dtype)
        layers.append((weights, biases, changes))
    return State(sizes, activations, learning_rate, momentum, iterations, alpha, layers,
                 input_names, output_names, dtype, loss)
