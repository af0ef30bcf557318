"""The per-sample training step in numpy, with preallocated buffers updated in place.

Two ways to form the sums of each step:

- ``order="reference"``: every sum runs over its terms one after the other,
  as the pure-Python reference does (the products are formed with the summed
  index outermost and reduced along that axis, which numpy does term by term),
  so the final weights equal nncore's;
- ``order="blas"``: matrix-vector products with ``numpy.dot`` (BLAS), what a
  numpy user would write; the roundings differ from nncore's, so the weights
  agree only to about the rounding error accumulated over the run.
"""

from __future__ import annotations

import numpy as np

from nncore_bench.parameters import all_sigmoid, layers_of_dict

ORDERS = ("reference", "blas")


class NumpyNetwork:
    """A sigmoid network trained one sample at a time with numpy.

    Parameters
    ----------
    start : dict
        A network in nncore's dictionary format (sigmoid layers).
    order : {"reference", "blas"}
        How sums are formed (see the module's description).
    """

    def __init__(self, start: dict, order: str = "reference") -> None:
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, got {order!r}")
        if not all_sigmoid(start):
            raise ValueError("the numpy baseline implements sigmoid layers only")
        self.order = order
        self.learning_rate = float(start["learning_rate"])
        self.momentum = float(start["momentum"])
        layers = layers_of_dict(start)
        self.weights = [w for w, _, _ in layers]
        self.biases = [b for _, b, _ in layers]
        self.changes = [c for _, _, c in layers]
        sizes = list(start["sizes"])
        self.outputs = [np.zeros(n) for n in sizes]
        self.deltas = [np.zeros(n) for n in sizes[1:]]
        self.spare = [np.zeros(n) for n in sizes[1:]]  # 1 - o, per layer
        self.outer = [np.zeros_like(w) for w in self.weights]  # lr*delta x input, per layer
        # (n_in, n_out) products for the forward sums in reference order
        self.forward_products = [np.zeros((w.shape[1], w.shape[0])) for w in self.weights]
        self.errors = np.zeros(sizes[-1])

    def train(self, x: np.ndarray, t: np.ndarray) -> float:
        """One step on input ``x`` and target ``t``; returns 0.5 * sum of squared errors."""
        outputs, deltas = self.outputs, self.deltas
        outputs[0][...] = x
        # 1. forward
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = outputs[l + 1]
            if self.order == "blas":
                np.dot(w, outputs[l], out=z)
            else:
                products = self.forward_products[l]
                np.multiply(w.T, outputs[l][:, None], out=products)
                np.add.reduce(products, axis=0, out=z)
            np.add(b, z, out=z)
            np.negative(z, out=z)
            np.exp(z, out=z)
            np.add(1.0, z, out=z)
            np.divide(1.0, z, out=z)
        # 2. deltas: (error * o) * (1 - o)
        last = len(self.weights) - 1
        o = outputs[-1]
        np.subtract(t, o, out=self.errors)
        error = 0.5 * float(np.dot(self.errors, self.errors))
        self._scale_by_derivative(self.errors, last)
        for l in range(last - 1, -1, -1):
            w_next = self.weights[l + 1]
            if self.order == "blas":
                np.dot(w_next.T, deltas[l + 1], out=deltas[l])
            else:
                products = self.outer[l + 1]
                np.multiply(w_next, deltas[l + 1][:, None], out=products)
                np.add.reduce(products, axis=0, out=deltas[l])
            self._scale_by_derivative(deltas[l], l)
        # 3. update: change = (lr * delta) * input + momentum * change
        for l, (w, b, c) in enumerate(zip(self.weights, self.biases, self.changes)):
            step = self.spare[l]
            np.multiply(self.learning_rate, deltas[l], out=step)
            np.multiply(step[:, None], outputs[l][None, :], out=self.outer[l])
            np.multiply(c, self.momentum, out=c)
            np.add(self.outer[l], c, out=c)
            np.add(w, c, out=w)
            np.add(b, step, out=b)
        return error

    def _scale_by_derivative(self, error: np.ndarray, l: int) -> None:
        """deltas[l] = (error * o) * (1 - o), o being layer l + 1's output."""
        o, delta, one_minus = self.outputs[l + 1], self.deltas[l], self.spare[l]
        np.multiply(error, o, out=delta)
        np.subtract(1.0, o, out=one_minus)
        np.multiply(delta, one_minus, out=delta)

    def layers(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(weights, biases, changes) of each non-input layer, as copies."""
        return [(w.copy(), b.copy(), c.copy()) for w, b, c in zip(self.weights, self.biases, self.changes)]
