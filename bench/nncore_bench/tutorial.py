"""The benchmark's pure-Python baseline: the tutorial's object model with ``math.exp``.

``nncore.reference`` computes sigmoid and tanh with its own exponential
(the compiled core's own functions, written in Python) so that it agrees with
the core to the last bit.  A user who writes the tutorial in Python calls
``math.exp`` and ``math.tanh``, which are faster in Python; the "versus pure
Python" figures compare against that.
"""

from __future__ import annotations

import math

from nncore import reference


def _sigmoid(z: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:  # math.exp raises where C returns inf
        return 0.0


class MathLayer(reference.Layer):
    """A reference layer whose sigmoid and tanh come from the ``math`` module."""

    def activate(self, z: float) -> float:
        if self.activation == "sigmoid":
            return _sigmoid(z)
        if self.activation == "tanh":
            return math.tanh(z)
        return super().activate(z)


class TutorialNetwork(reference.Network):
    """``nncore.reference.Network`` with the ``math`` module's activation functions."""

    layer_type = MathLayer
