"""Every activation function of nncore, and what each part of nncore computes or calls it: one table.

:data:`ACTIVATION_TABLE` holds one :class:`Activation` per name, in the order
of the kernels' integer codes (``src/_kernels.pxd.tp`` declares its enum in
the same order; ``nncore._vocabulary.ACTIVATIONS`` is this table's names).
The reference, the batched ``predict``, the C, JavaScript and ONNX exports,
the brain.js and FANN formats and the scikit-learn estimators read their
forms and names from here, so adding an activation is an entry here, its
kernels (``src/_kernels.pxd.tp``: the enum, which ``nncore._core`` checks
against these names when it loads, and the formulas; ``src/_lanes.pxd.tp``
for ``fit_many``'s lanes) and the tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nncore._elementary import sigmoid64, tanh64


@dataclass(frozen=True)
class Activation:
    """One activation function: its formulas and its names in each format.

    Attributes
    ----------
    name : str
        nncore's name.
    function : callable or None
        ``function(z, alpha)``: the activation of one weighted sum, in float64,
        as the compiled core computes it (bit for bit); ``alpha`` is the
        ``leaky_relu`` slope. None for a whole-layer activation.
    delta : callable or None
        ``delta(error, output, alpha)``: ``error * f'(z)`` written with the
        output ``o = f(z)``, in the core's order of operations. None for a
        whole-layer activation, whose deltas the loss gives.
    numpy : callable
        ``numpy(sums, alpha)``: the activation in place over a matrix of sums,
        one row per sample (matrix-product ``predict``).
    c : str
        The C expression of the activation of ``z``; ``{bits}`` is the type's
        width (64, 32), ``{f}`` the suffix of its literals, ``{alpha}`` the
        slope as a literal.
    javascript : str
        The JavaScript expression of the activation of ``z``; ``{alpha}`` as in ``c``.
    onnx : callable
        ``onnx(graph, z, alpha)``: adds the ONNX nodes of the activation of the
        tensor named ``z`` to a graph (``nncore._onnx_export.GraphBuilder``) and
        returns the name of the result.
    whole_layer : bool
        True when the activation normalises a whole layer (softmax): the output
        layer's only, the exports finish it with a pass over the layer.
    uses_alpha : bool
        True when the activation uses the ``leaky_relu_alpha`` slope.
    saturation : float or None
        The magnitude of ``z`` beyond which the slope falls below
        :data:`SATURATION_SLOPE` (where the first layer's sums stop learning:
        ``fit``'s warning about unscaled inputs), or None when the slope
        never fades with ``|z|``.
    brainjs : str or None
        brain.js's name, or None when brain.js has no such activation.
    fann : tuple or str
        FANN 2.2's ``(activation, steepness)`` computing the same function, or
        why FANN cannot express it.
    sklearn : str or None
        scikit-learn's name (``MLPClassifier(activation=...)``), or None when
        scikit-learn has no such activation.
    """

    name: str
    function: Callable[[float, float], float] | None
    delta: Callable[[float, float, float], float] | None
    numpy: Callable[[np.ndarray, float], None]
    c: str
    javascript: str
    onnx: Callable[[Any, str, float], str]
    brainjs: str | None
    fann: tuple[str, float] | str
    sklearn: str | None
    whole_layer: bool = False
    uses_alpha: bool = False
    saturation: float | None = None


SATURATION_SLOPE = 1e-3
"""A slope below which an activation counts as saturated (see :attr:`Activation.saturation`)."""


def _sigmoid_rows(z: np.ndarray, alpha: float) -> None:
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    np.reciprocal(z, out=z)


def _softmax_rows(z: np.ndarray, alpha: float) -> None:
    # Each row shifted by its largest sum first, as the core does: no overflow.
    z -= np.max(z, axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= np.sum(z, axis=1, keepdims=True)


def _onnx_leaky_relu(graph: Any, z: str, alpha: float) -> str:
    # z > 0 ? z : alpha * z, as the compiled core computes it, with alpha in full precision
    # (ONNX's LeakyRelu takes its alpha as a float32 attribute)
    positive = graph.node("Greater", z, graph.constant("zero", 0.0))
    return graph.node("Where", positive, z, graph.node("Mul", z, graph.constant("alpha", alpha)))


ACTIVATION_TABLE: dict[str, Activation] = {
    entry.name: entry
    for entry in (
        Activation(
            "sigmoid",
            function=lambda z, alpha: sigmoid64(z),
            delta=lambda error, output, alpha: error * output * (1.0 - output),
            numpy=_sigmoid_rows,
            c="nncore_sigmoid{bits}(z)",
            javascript="1 / (1 + Math.exp(-z))",
            onnx=lambda graph, z, alpha: graph.node("Sigmoid", z),
            brainjs="sigmoid",
            fann=("FANN_SIGMOID", 0.5),
            sklearn="logistic",
            # o * (1 - o) = slope at o = (1 - sqrt(1 - 4 slope)) / 2, z = log((1 - o) / o): about 6.9
            saturation=math.log(2.0 / (1.0 - math.sqrt(1.0 - 4.0 * SATURATION_SLOPE)) - 1.0),
        ),
        Activation(
            "tanh",
            function=lambda z, alpha: tanh64(z),
            delta=lambda error, output, alpha: (1.0 - output * output) * error,
            numpy=lambda z, alpha: np.tanh(z, out=z),
            c="nncore_tanh{bits}(z)",
            javascript="Math.tanh(z)",
            onnx=lambda graph, z, alpha: graph.node("Tanh", z),
            brainjs="tanh",
            fann=("FANN_SIGMOID_SYMMETRIC", 1.0),
            sklearn="tanh",
            saturation=math.atanh(math.sqrt(1.0 - SATURATION_SLOPE)),  # 1 - tanh(z)**2 = slope: about 4.1
        ),
        Activation(
            "relu",
            function=lambda z, alpha: z if z > 0.0 else 0.0,
            delta=lambda error, output, alpha: error if output > 0.0 else 0.0,
            numpy=lambda z, alpha: np.maximum(z, 0.0, out=z),
            c="z > 0.0{f} ? z : 0.0{f}",
            javascript="z > 0 ? z : 0",
            onnx=lambda graph, z, alpha: graph.node("Relu", z),
            brainjs="relu",
            fann="FANN 2.2 has no rectifier (FANN_LINEAR_PIECE_RECT came with FANN 2.3)",
            sklearn="relu",
        ),
        Activation(
            "leaky_relu",
            function=lambda z, alpha: z if z > 0.0 else alpha * z,
            delta=lambda error, output, alpha: error if output > 0.0 else alpha * error,
            numpy=lambda z, alpha: np.multiply(z, np.where(z > 0.0, 1.0, alpha), out=z),
            c="z > 0.0{f} ? z : {alpha} * z",
            javascript="z > 0 ? z : {alpha} * z",
            onnx=_onnx_leaky_relu,
            brainjs="leaky-relu",
            fann="FANN 2.2 has no leaky rectifier (FANN_LINEAR_PIECE_RECT_LEAKY came with FANN 2.3)",
            sklearn=None,
            uses_alpha=True,
        ),
        Activation(
            "identity",
            function=lambda z, alpha: z,
            delta=lambda error, output, alpha: error,
            numpy=lambda z, alpha: None,
            c="z",
            javascript="z",
            onnx=lambda graph, z, alpha: graph.node("Identity", z),
            brainjs=None,
            fann=("FANN_LINEAR", 1.0),
            sklearn="identity",
        ),
        Activation(
            "softmax",
            function=None,
            delta=None,  # an output layer's, with cross-entropy, whose deltas are t - o: never scaled
            numpy=_softmax_rows,
            c="z",  # normalised by the layer's pass
            javascript="z",
            # Softmax (opset 13 and later) normalises along the last axis, each sample's outputs.
            onnx=lambda graph, z, alpha: graph.node("Softmax", z),
            brainjs=None,
            fann="FANN has no softmax (its activations work on one neuron at a time)",
            sklearn=None,
            whole_layer=True,
        ),
    )
}
"""Activation name -> its :class:`Activation`, in the order of the kernels' codes."""
