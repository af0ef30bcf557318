"""Forward pass over many rows at once with numpy matrix products (BLAS).

For large batches of a large network a matrix product beats any per-row loop;
``Network.predict`` switches to it above :data:`MIN_WORK` and :data:`MIN_WEIGHTS`.  The sums are not accumulated in the
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

from nncore._activations import ACTIVATION_TABLE

MIN_WORK = 200_000
"""Rows x weights from which a batch of a large network goes through matrix products."""

MIN_WEIGHTS = 10_000
"""Weights from which a network is large: below, the compiled forward pass of rows side by side in SIMD
lanes is faster than matrix products at any batch size, and gives the bits of the one-row forward pass."""


def forward_matrix(
    layers: Sequence[tuple[np.ndarray, np.ndarray]], activations: Sequence[str], alpha: float, rows: np.ndarray
) -> np.ndarray:
    """Outputs for each row of ``rows``, given per-layer ``(weights, biases)``."""
    outputs = rows
    with np.errstate(over="ignore"):  # exp overflow gives inf, then sigmoid 0, as in C
        for (weights, biases), activation in zip(layers, activations):
            sums = outputs @ weights.T
            sums += biases
            ACTIVATION_TABLE[activation].numpy(sums, alpha)
            outputs = sums
    return outputs
