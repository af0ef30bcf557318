"""A trained network as an ONNX model, built with the optional ``onnx`` package.

The model has one input, ``input`` of shape ``[N, n_inputs]``, and one
output, ``output`` of shape ``[N, n_outputs]``, both in the network's
floating-point type (the input may be another, cast to the network's by a
``Cast`` node: float32 input for a float64 network); the input scaling, if
the network has one, is ``Sub`` (the offsets) and ``Div`` (the scales); each
layer is ``MatMul`` (by the transposed weights, shape ``(n_in, n_out)``),
``Add`` (the biases) and the activation's nodes, taken from
:data:`ACTIVATION_NODES` (each activation's entry in
``nncore._activations.ACTIVATION_TABLE``).

Every constant is stored in the network's type: ``leaky_relu`` is built from
``Greater``/``Where``/``Mul`` with its slope as a tensor, because the
``LeakyRelu`` operator holds its slope as a float32 attribute, which would
round it.

``onnx`` is imported when a model is built, never when this module is: it is
an optional dependency (``pip install "nncore-nn[onnx]"``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from nncore._activations import ACTIVATION_TABLE
from nncore._checks import describe
from nncore._serialization import State, read_dict
from nncore._version import __version__

OPSET = 17
"""The ONNX operator set of the model (onnxruntime 1.14 and newer run it)."""

IR_VERSION = 8
"""The ONNX file-format version of the model, the one that introduced opset 17."""

DTYPES = {np.dtype(np.float64): "DOUBLE", np.dtype(np.float32): "FLOAT"}
"""The ``onnx.TensorProto`` element type of each network dtype."""


def import_onnx() -> ModuleType:
    """The ``onnx`` package, or an ImportError that says how to install it."""
    try:
        import onnx
        import onnx.checker  # older releases (Debian's 1.12) do not import their submodules with onnx
        import onnx.helper
        import onnx.numpy_helper
    except ImportError:
        raise ImportError('exporting to ONNX needs the onnx package: pip install "nncore-nn[onnx]"') from None
    return onnx


class GraphBuilder:
    """The nodes and constant tensors of an ONNX graph, each output given a fresh name."""

    def __init__(self, onnx: ModuleType, dtype: np.dtype) -> None:
        self.onnx = onnx
        self.dtype = dtype
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def _fresh(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def constant(self, stem: str, values: np.ndarray | float) -> str:
        """Add a constant tensor of ``values`` (in the graph's dtype); return its name."""
        name = self._fresh(stem)
        array = np.asarray(values, dtype=self.dtype)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def node(self, op_type: str, *inputs: str, output: str | None = None, **attributes: Any) -> str:
        """Add a node ``op_type(*inputs)`` with ``attributes``; return the name of its output."""
        name = output or self._fresh(op_type.lower())
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), [name], name=f"node_{name}", **attributes))
        return name


ACTIVATION_NODES: dict[str, Callable[[GraphBuilder, str, float], str]] = {
    name: activation.onnx for name, activation in ACTIVATION_TABLE.items()
}
"""Activation name -> a function adding the activation's nodes to a graph: it takes the graph,
the name of the weighted sums and the ``leaky_relu`` slope, and returns the name of the result."""


def onnx_model(data: dict, dtype: object = np.float64, input_dtype: object = None) -> bytes:
    """The network as a serialized ONNX model.

    Parameters
    ----------
    data : dict
        The network in nncore's dictionary format (``Network.to_dict()``).
    dtype : numpy dtype, default float64
        The network's floating-point type (float64 or float32), that of the
        model's output, constants and computation.
    input_dtype : numpy dtype, optional
        The type of the model's input (float64 or float32), when it is not
        ``dtype``: a ``Cast`` node converts it to ``dtype`` first.

    Returns
    -------
    bytes
        The model (``ModelProto.SerializeToString()``), checked with
        ``onnx.checker.check_model(..., full_check=True)``. The network's
        ``input_names`` and ``output_names``, when it has them, are in the
        model's ``metadata_props`` as JSON lists.

    Raises
    ------
    ImportError
        If the ``onnx`` package is not installed.
    ValueError
        If ``dtype`` or ``input_dtype`` is not float64 or float32.
    """
    element_type = _element_type(dtype, "dtype")
    input_type = element_type if input_dtype is None else _element_type(input_dtype, "input_dtype")
    state = read_dict(data)
    onnx = import_onnx()
    graph = GraphBuilder(onnx, np.dtype(dtype))  # type: ignore[call-overload]
    values = "input"
    if input_type != element_type:
        values = graph.node("Cast", values, to=getattr(onnx.TensorProto, element_type))
    scaling = state.fitted_input_scaling()
    if scaling is not None:  # (input - offset) / scale, the core's order of operations
        values = graph.node(
            "Div",
            graph.node("Sub", values, graph.constant("input_offset", scaling[1])),
            graph.constant("input_scale", scaling[2]),
        )
    for (weights, biases, _), activation in zip(state.layers, state.activations):
        sums = graph.node(
            "Add", graph.node("MatMul", values, graph.constant("weights", weights.T)), graph.constant("biases", biases)
        )
        values = ACTIVATION_NODES[activation](graph, sums, state.leaky_relu_alpha)
    graph.node("Identity", values, output="output")
    model = _model(onnx, graph, state, getattr(onnx.TensorProto, input_type), getattr(onnx.TensorProto, element_type))
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def _element_type(dtype: object, name: str) -> str:
    try:
        return DTYPES[np.dtype(dtype)]  # type: ignore[call-overload]
    except (TypeError, KeyError):
        raise ValueError(f"{name} must be float64 or float32, got {describe(dtype)}") from None


def _model(onnx: ModuleType, graph: GraphBuilder, state: State, input_type: int, output_type: int) -> Any:
    helper = onnx.helper
    description = f"a {list(state.sizes)} network ({', '.join(state.activations)})"
    onnx_graph = helper.make_graph(
        graph.nodes,
        "nncore_network",
        [helper.make_tensor_value_info("input", input_type, ["N", state.sizes[0]])],
        [helper.make_tensor_value_info("output", output_type, ["N", state.sizes[-1]])],
        initializer=graph.initializers,
        doc_string=description,
    )
    model = helper.make_model(
        onnx_graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="nncore",
        producer_version=__version__,
        doc_string=description,
    )
    model.ir_version = IR_VERSION
    names = {"input_names": state.input_names, "output_names": state.output_names}
    helper.set_model_props(model, {key: json.dumps(list(value)) for key, value in names.items() if value})
    return model
