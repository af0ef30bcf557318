"""Parameters of a network as plain arrays, and how far two sets of them lie apart."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Layers = list  # of (weights (n_out, n_in), biases (n_out,), changes (n_out, n_in) or None)


def layers_of_dict(data: dict) -> Layers:
    """(weights, biases, changes) of each non-input layer of a ``Network.to_dict()`` result."""
    return [
        (
            np.array(layer["weights"], dtype=np.float64),
            np.array(layer["biases"], dtype=np.float64),
            np.array(layer["changes"], dtype=np.float64),
        )
        for layer in data["layers"]
    ]


def all_sigmoid(data: dict) -> bool:
    """True when every non-input layer of the dictionary uses the sigmoid."""
    activation = data.get("activation", "sigmoid")
    names = [activation] if isinstance(activation, str) else list(activation)
    return all(name == "sigmoid" for name in names)


def largest_magnitude(layers: Sequence) -> float:
    """The largest magnitude of any weight, bias or change."""
    return max(
        (
            float(np.max(np.abs(np.asarray(x))))
            for layer in layers
            for x in layer
            if x is not None and np.asarray(x).size
        ),
        default=0.0,
    )


def max_difference(ours: Sequence, theirs: Sequence) -> float:
    """Largest absolute difference between weights, biases and (where both have them) changes."""
    if len(ours) != len(theirs):
        raise ValueError(f"layer counts differ: {len(ours)} and {len(theirs)}")
    worst = 0.0
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            if x is None or y is None:
                continue
            x, y = np.asarray(x), np.asarray(y)
            if x.shape != y.shape:
                raise ValueError(f"parameter shapes differ: {x.shape} and {y.shape}")
            if x.size:
                worst = max(worst, float(np.max(np.abs(x - y))))
    return worst
