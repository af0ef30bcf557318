"""Ways to draw the starting weights and biases of a network.

Each initializer takes a ``numpy.random.Generator`` and the layer sizes and
returns one ``(weights, biases)`` pair per non-input layer, ``weights`` of
shape ``(n_l, n_(l-1))``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

Parameters = list[tuple[np.ndarray, np.ndarray]]


def _layer_pairs(sizes: Sequence[int]) -> Iterator[tuple[int, int]]:
    return zip(sizes[1:], sizes[:-1])


def tutorial(rng: np.random.Generator, sizes: Sequence[int]) -> Parameters:
    """The tutorial's scheme: weights uniform in [0, 1), biases random integers in {-3, ..., 2}.

    Learns XOR quickly, but its all-positive weights saturate sigmoid neurons
    with many inputs (a 784-input layer starts with sums in the hundreds).
    """
    return [
        (rng.random((n_out, n_in)), rng.integers(-3, 3, size=n_out).astype(np.float64))
        for n_out, n_in in _layer_pairs(sizes)
    ]


def brainjs(rng: np.random.Generator, sizes: Sequence[int]) -> Parameters:
    """brain.js's scheme: weights and biases uniform in [-0.2, 0.2)."""
    return [
        (rng.uniform(-0.2, 0.2, (n_out, n_in)), rng.uniform(-0.2, 0.2, n_out)) for n_out, n_in in _layer_pairs(sizes)
    ]


def xavier(rng: np.random.Generator, sizes: Sequence[int]) -> Parameters:
    """Xavier/Glorot uniform: weights in +-sqrt(6 / (fan_in + fan_out)), biases 0."""
    return [
        (rng.uniform(-1.0, 1.0, (n_out, n_in)) * np.sqrt(6.0 / (n_in + n_out)), np.zeros(n_out))
        for n_out, n_in in _layer_pairs(sizes)
    ]


def he(rng: np.random.Generator, sizes: Sequence[int]) -> Parameters:
    """He (Kaiming) normal, for relu layers: weights N(0, 2 / fan_in), biases 0."""
    return [
        (rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in)), np.zeros(n_out)) for n_out, n_in in _layer_pairs(sizes)
    ]


def scaled(rng: np.random.Generator, sizes: Sequence[int]) -> Parameters:
    """The default: weights uniform in +-2.4 / sqrt(fan_in) (LeCun's 1998 range), biases alike.

    Fan-in scaling keeps every layer's weighted sums of order one however wide
    it is; unlike zero biases, random biases spread the hidden units apart,
    which is what lets a small sigmoid network escape XOR's plateau quickly.
    """
    params = []
    for n_out, n_in in _layer_pairs(sizes):
        limit = 2.4 / np.sqrt(n_in)
        params.append((rng.uniform(-limit, limit, (n_out, n_in)), rng.uniform(-limit, limit, n_out)))
    return params


INITIALIZERS: dict[str, Callable[[np.random.Generator, Sequence[int]], Parameters]] = {
    "scaled": scaled,
    "tutorial": tutorial,
    "brainjs": brainjs,
    "xavier": xavier,
    "he": he,
}
DEFAULT = "scaled"
