"""Forward pass over many rows at once with numpy matrix products (BLAS).

For large batches a matrix product beats any per-row loop; ``Network.predict``
switches to it above :data:`MIN_WORK`.  The sums are not accumulated in the
per-sample order, so results match the compiled forward pass to rounding
(about 1e-15 relative), not to the last bit.  For the same reason sigmoid and
tanh come from numpy (``np.exp``, ``np.tanh``), not from the core's own
functions (numpy forms of ``nncore._elementary``'s): those would cost several
numpy passes per activation and could not restore bit-identity that the sums
have already given up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore._vocabulary import ACTIVATIONS

MIN_WORK = 200_000
"""Rows x weights from which a batch goes through matrix products."""


def _sigmoid(z: np.ndarray, alpha: float) -> None:
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    np.reciprocal(z, out=z)


def _tanh(z: np.ndarray, alpha: float) -> None:
    np.tanh(z, out=z)


def _relu(z: np.ndarray, alpha: float) -> None:
    np.maximum(z, 0.0, out=z)


def _leaky_relu(z: np.ndarray, alpha: float) -> None:
    np.multiply(z, np.where(z > 0.0, 1.0, alpha), out=z)


def _identity(z: np.ndarray, alpha: float) -> None:
    pass


def _softmax(z: np.ndarray, alpha: float) -> None:
    # Each row shifted by its largest sum first, as the core does: no overflow.
    z -= np.max(z, axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=1, keepdims=True)


# In place, on a matrix of sums (one row per sample); one entry per name of nncore._vocabulary.ACTIVATIONS.
_ACTIVATE = {"sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "leaky_relu": _leaky_relu,
             "identity": _identity, "softmax": _softmax}
assert tuple(_ACTIVATE) == ACTIVATIONS


def forward_matrix(layers: Sequence[tuple[np.ndarray, np.ndarray]], activations: Sequence[str],
                   alpha: float, rows: np.ndarray) -> np.ndarray:
    """Outputs for each row of ``rows``, given per-layer ``(weights, biases)``."""
    outputs = rows
    with np.errstate(over="ignore"):  # exp overflow gives inf, then sigmoid 0, as in C
        for (weights, biases), activation in zip(layers, activations):
            sums = outputs @ weights.T
            sums += biases
            _ACTIVATE[activation](sums, alpha)
            outputs = sums
    return outputs
