"""The tutorial's object model as live views: ``net.layers[l].neurons[j].input_connections[k]``.

Nothing is copied: a view holds a layer's :class:`nncore._core.LayerBuffers`
(read-only numpy views of the network's memory, handed out by the compiled
core, which alone knows the layout) and a position in them. A value read
through a view is therefore always the current one, even after training
that happened once the view was made, and a value written through it
changes the network.

Layer 0 is the input layer: its neurons only have an ``output`` (the last
input set by ``activate``, ``train`` or a prediction) and
``output_connections``; they have no bias, delta or input connections.
Every other neuron has a ``bias``, an ``output`` and a ``delta`` (both as
left by the last forward pass or training step), ``input_connections``, one
per neuron of the previous layer, and ``output_connections``, one per
neuron of the next layer (none for the output layer), as in the tutorial.
A connection has a ``weight``, a ``change`` (its last update, which
momentum carries into the next), and the neurons it joins, ``source`` and
``target``.

Writable: ``bias``, ``weight``, ``change`` and the ``output`` of an input
neuron (as the tutorial's ``activate`` does); values must be finite real
numbers. A write made while another thread runs ``fit`` on the network
waits for that fit to end. The other outputs and the deltas are results of
the last step and are read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn, overload

import numpy as np

from nncore._checks import check_finite, describe
from nncore._core import LayerBuffers

_INPUT_LAYER_HAS_NO = {
    "bias": "a bias",
    "delta": "a delta",
    "input_connections": "input connections",
}


def _position(index: object, length: int, what: str) -> int:
    """``index`` as a position in ``range(length)``, negative indices counting from the end."""
    if not hasattr(index, "__index__") or isinstance(index, bool):
        raise TypeError(f"{what} indices must be integers or slices, got {describe(index)}")
    try:
        position = index.__index__()
    except Exception:
        raise TypeError(f"{what} indices must be integers or slices, got {describe(index)}") from None
    if not isinstance(position, int):
        raise TypeError(f"{what} indices must be integers or slices, got {describe(index)}")
    given = position
    if position < 0:
        position += length
    if not 0 <= position < length:
        raise IndexError(f"{what} index {given} out of range: there are {length}")
    return position


def _beyond_input(buffer: np.ndarray | None) -> np.ndarray:
    """A buffer of a layer from 1 up (the input layer has no weights, biases or deltas)."""
    assert buffer is not None
    return buffer


class _Items(Sequence):
    """A fixed-length sequence of views made on demand."""

    __slots__ = ()
    _what = "item"

    def __len__(self) -> int:
        raise NotImplementedError

    def _make(self, position: int) -> Any:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(len(self)))]
        return self._make(_position(index, len(self), self._what))


class Layers(_Items):
    """``net.layers``: every layer of a network, the input layer first."""

    __slots__ = ("_activations", "_buffers")
    _what = "layer"

    def __init__(self, buffers: Sequence[LayerBuffers], activations: Sequence[str]) -> None:
        self._buffers = tuple(buffers)
        self._activations = (None, *activations)

    def __len__(self) -> int:
        return len(self._buffers)

    def _make(self, position: int) -> Layer:
        return Layer(self, position)

    def __repr__(self) -> str:
        return f"<layers of a network: {', '.join(layer._describe() for layer in self)}>"


class Layer:
    """One layer of a network: its neurons, and the activation of the non-input ones.

    Attributes
    ----------
    index : int
        Position of the layer, 0 for the input layer.
    """

    __slots__ = ("_buffers", "_layers", "index")

    def __init__(self, layers: Layers, index: int) -> None:
        self._layers = layers
        self.index = index
        self._buffers = layers._buffers[index]

    @property
    def size(self) -> int:
        """Number of neurons."""
        return len(self._buffers.outputs)

    @property
    def is_input(self) -> bool:
        """True for layer 0, whose neurons hold the inputs."""
        return self.index == 0

    @property
    def is_output(self) -> bool:
        """True for the last layer, whose neurons have no output connections."""
        return self.index == len(self._layers) - 1

    @property
    def activation(self) -> str | None:
        """Activation of the layer's neurons; None for the input layer."""
        return self._layers._activations[self.index]

    @property
    def neurons(self) -> Neurons:
        """The neurons of the layer, as views."""
        return Neurons(self)

    def __len__(self) -> int:
        return self.size

    def _neighbour(self, offset: int) -> Layer:
        return Layer(self._layers, self.index + offset)

    def _describe(self) -> str:
        kind = "input" if self.is_input else self.activation
        return f"{self.index}: {self.size} {kind}"

    def __repr__(self) -> str:
        kind = "input layer" if self.is_input else f"{self.activation} layer"
        return f"<{kind} {self.index} of {len(self._layers)}, {self.size} neurons>"


class Neurons(_Items):
    """``layer.neurons``: the neurons of one layer."""

    __slots__ = ("_layer",)
    _what = "neuron"

    def __init__(self, layer: Layer) -> None:
        self._layer = layer

    def __len__(self) -> int:
        return self._layer.size

    def _make(self, position: int) -> InputNeuron | Neuron:
        return _neuron(self._layer, position)

    def __repr__(self) -> str:
        return f"<{len(self)} neurons of layer {self._layer.index}>"


def _neuron(layer: Layer, index: int) -> InputNeuron | Neuron:
    return InputNeuron(layer, index) if layer.is_input else Neuron(layer, index)


class _NeuronBase:
    """What every neuron has: its place, its output and its output connections."""

    __slots__ = ("_layer", "index", "layer")
    _layer: Layer
    index: int
    layer: int

    def __init__(self, layer: Layer, index: int) -> None:
        object.__setattr__(self, "_layer", layer)
        object.__setattr__(self, "layer", layer.index)
        object.__setattr__(self, "index", index)

    @property
    def output_connections(self) -> OutputConnections:
        """One connection to each neuron of the next layer (none for the output layer)."""
        return OutputConnections(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _NeuronBase):
            return NotImplemented
        return (self._layer._buffers is other._layer._buffers) and self.index == other.index

    def __hash__(self) -> int:
        return hash((id(self._layer._buffers), self.index))


class InputNeuron(_NeuronBase):
    """A neuron of the input layer: it holds an input value, as ``output``.

    Attributes
    ----------
    layer : int
        Always 0.
    index : int
        Position in the layer.
    """

    __slots__ = ()

    @property
    def output(self) -> float:
        """The input value last set (by ``activate``, ``train``, ``fit`` or ``predict``); writable."""
        return float(self._layer._buffers.outputs[self.index])

    @output.setter
    def output(self, value: float) -> None:
        self._layer._buffers.set_input(self.index, check_finite("output", value))

    def __getattr__(self, name: str) -> NoReturn:
        if name in _INPUT_LAYER_HAS_NO:
            raise AttributeError(
                f"neurons of the input layer (layer 0) have no {name}: they only hold an input value, "
                f"as 'output'; only the neurons of layers 1 and up have {_INPUT_LAYER_HAS_NO[name]}"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: object) -> None:
        if name in _INPUT_LAYER_HAS_NO:
            self.__getattr__(name)  # raises the explanation
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<input neuron {self.index}: output={self.output!r}>"


class Neuron(_NeuronBase):
    """A neuron of a hidden or output layer.

    Attributes
    ----------
    layer : int
        Index of its layer (1 or more).
    index : int
        Position in the layer.
    """

    __slots__ = ()

    @property
    def bias(self) -> float:
        """The bias; writable (a finite real number)."""
        return float(_beyond_input(self._layer._buffers.biases)[self.index])

    @bias.setter
    def bias(self, value: float) -> None:
        self._layer._buffers.set_bias(self.index, check_finite("bias", value))

    @property
    def output(self) -> float:
        """The output of the last forward pass (read-only)."""
        return float(self._layer._buffers.outputs[self.index])

    @output.setter
    def output(self, value: float) -> None:
        raise AttributeError(
            f"the output of neuron {self.index} of layer {self.layer} is read-only: it is the result of "
            "the last forward pass (only the input layer's outputs can be set)"
        )

    @property
    def delta(self) -> float:
        """The delta of the last training step (read-only)."""
        return float(_beyond_input(self._layer._buffers.deltas)[self.index])

    @delta.setter
    def delta(self, value: float) -> None:
        raise AttributeError(
            f"the delta of neuron {self.index} of layer {self.layer} is read-only: it is the result of "
            "the last training step"
        )

    @property
    def input_connections(self) -> InputConnections:
        """One connection from each neuron of the previous layer."""
        return InputConnections(self)

    def __repr__(self) -> str:
        return (
            f"<neuron {self.index} of layer {self.layer}: bias={self.bias!r}, "
            f"output={self.output!r}, delta={self.delta!r}>"
        )


class InputConnections(_Items):
    """``neuron.input_connections``: the connections into one neuron, one per neuron of the previous layer."""

    __slots__ = ("_neuron",)
    _what = "connection"

    def __init__(self, neuron: Neuron) -> None:
        self._neuron = neuron

    def __len__(self) -> int:
        return self._neuron._layer._neighbour(-1).size

    def _make(self, position: int) -> Connection:
        return Connection(self._neuron._layer, target=self._neuron.index, source=position)

    def __repr__(self) -> str:
        neuron = self._neuron
        return f"<{len(self)} connections into neuron {neuron.index} of layer {neuron.layer}>"


class OutputConnections(_Items):
    """``neuron.output_connections``: the connections out of one neuron, one per neuron of the next layer."""

    __slots__ = ("_neuron",)
    _what = "connection"

    def __init__(self, neuron: _NeuronBase) -> None:
        self._neuron = neuron

    def __len__(self) -> int:
        layer = self._neuron._layer
        return 0 if layer.is_output else layer._neighbour(1).size

    def _make(self, position: int) -> Connection:
        return Connection(self._neuron._layer._neighbour(1), target=position, source=self._neuron.index)

    def __repr__(self) -> str:
        neuron = self._neuron
        return f"<{len(self)} connections out of neuron {neuron.index} of layer {neuron.layer}>"


class Connection:
    """A connection from a neuron of one layer to a neuron of the next.

    Attributes
    ----------
    layer : int
        Layer of the target neuron.
    """

    __slots__ = ("_layer", "_source", "_target", "layer")

    def __init__(self, layer: Layer, *, target: int, source: int) -> None:
        self._layer = layer
        self.layer = layer.index
        self._target = target
        self._source = source

    @property
    def source(self) -> InputNeuron | Neuron:
        """The neuron it comes from, in layer ``layer - 1``."""
        return _neuron(self._layer._neighbour(-1), self._source)

    @property
    def target(self) -> Neuron:
        """The neuron it goes into, in layer ``layer``."""
        return _neuron(self._layer, self._target)  # type: ignore[return-value]

    @property
    def weight(self) -> float:
        """The weight; writable (a finite real number)."""
        return float(_beyond_input(self._layer._buffers.weights)[self._target, self._source])

    @weight.setter
    def weight(self, value: float) -> None:
        self._layer._buffers.set_weight(self._target, self._source, check_finite("weight", value))

    @property
    def change(self) -> float:
        """The weight's last change, which momentum carries into the next; writable."""
        return float(_beyond_input(self._layer._buffers.changes)[self._target, self._source])

    @change.setter
    def change(self, value: float) -> None:
        self._layer._buffers.set_change(self._target, self._source, check_finite("change", value))

    def __repr__(self) -> str:
        return (
            f"<connection from neuron {self._source} of layer {self.layer - 1} to neuron {self._target} "
            f"of layer {self.layer}: weight={self.weight!r}, change={self.change!r}>"
        )
