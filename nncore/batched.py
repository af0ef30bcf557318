"""Forward pass over many rows at once with numpy matrix products (BLAS).

For large batches a matrix product beats any per-row loop; ``Network.predict``
switches to it above :data:`MIN_WORK`.  The sums are not accumulated in the
per-sample order, so results match the compiled forward pass to rounding
(about 1e-15 relative), not to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIN_WORK = 200_000
"""Rows x weights from which a batch goes through matrix products."""


def _activate_in_place(z: np.ndarray, activation: str, alpha: float) -> None:
    if activation == "sigmoid":
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        np.reciprocal(z, out=z)
    elif activation == "tanh":
        np.tanh(z, out=z)
    elif activation == "relu":
        np.maximum(z, 0.0, out=z)
    else:
        np.multiply(z, np.where(z > 0.0, 1.0, alpha), out=z)


def forward_matrix(layers: Sequence[tuple[np.ndarray, np.ndarray]], activations: Sequence[str],
                   alpha: float, rows: np.ndarray) -> np.ndarray:
    """Outputs for each row of ``rows``, given per-layer ``(weights, biases)``."""
    outputs = rows
    with np.errstate(over="ignore"):  # exp overflow gives inf, then sigmoid 0, as in C
        for (weights, biases), activation in zip(layers, activations):
            sums = outputs @ weights.T
            sums += biases
            _activate_in_place(sums, activation, alpha)
            outputs = sums
    return outputs
