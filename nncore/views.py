"""The tutorial's object model as live views: ``net.layers[l].neurons[j].input_connections[k]``.

Nothing is copied: a view holds the network and a position in its flat
parameter buffers, and every read or write goes straight to the memory the
compiled kernels use. A value read through a view is therefore always the
current one, even after training that happened once the view was made, and a
value written through it changes the network.

Layer 0 is the input layer: its neurons only have an ``output`` (the last
input set by ``activate``, ``train`` or a prediction); they have no bias,
delta or input connections. Every other neuron has a ``bias``, an
``output`` and a ``delta`` (both as left by the last forward pass or
training step), and ``input_connections``, one per neuron of the previous
layer, each with a ``weight`` and a ``change`` (its last update, which
momentum carries into the next).

Writable: ``bias``, ``weight``, ``change`` and the ``output`` of an input
neuron (as the tutorial's ``activate`` does); values must be finite real
numbers. The other outputs and the deltas are results of the last step and
are read-only.

Views take no lock: a single read or write is safe, but one made while
another thread runs ``fit`` on the same network sees (or changes) the
training in mid-flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

from nncore._checks import check_finite, describe

if TYPE_CHECKING:
    from nncore.network import Network

_INPUT_LAYER_HAS_NO = {
    "bias": "a bias",
    "delta": "a delta",
    "input_connections": "input connections",
}


def _position(index: object, length: int, what: str) -> int:
    """``index`` as a position in ``range(length)``, negative indices counting from the end."""
    if not hasattr(index, "__index__") or isinstance(index, bool):
        raise TypeError(f"{what} indices must be integers or slices, got {describe(index)}")
    position = index.__index__()  # type: ignore[attr-defined]
    if position < 0:
        position += length
    if not 0 <= position < length:
        raise IndexError(f"{what} index {index} out of range: there are {length}")
    return position


class _Items(Sequence):
    """A fixed-length sequence of views made on demand."""

    __slots__ = ()
    _what = "item"

    def __len__(self) -> int:
        raise NotImplementedError

    def _make(self, position: int):
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int): ...
    @overload
    def __getitem__(self, index: slice) -> list: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(len(self)))]
        return self._make(_position(index, len(self), self._what))


class Layers(_Items):
    """``net.layers``: every layer of a network, the input layer first."""

    __slots__ = ("_net", "_offsets")
    _what = "layer"

    def __init__(self, net: Network) -> None:
        self._net = net
        weight_offsets, neuron_offsets = [0, 0], [0]
        for previous, size in zip(net.sizes, net.sizes[1:]):
            weight_offsets.append(weight_offsets[-1] + previous * size)
        for size in net.sizes:
            neuron_offsets.append(neuron_offsets[-1] + size)
        self._offsets = (tuple(weight_offsets), tuple(neuron_offsets))

    def __len__(self) -> int:
        return len(self._net.sizes)

    def _make(self, position: int) -> Layer:
        weight_offsets, neuron_offsets = self._offsets
        return Layer(self._net, position, neuron_offsets[position], weight_offsets[position])

    def __repr__(self) -> str:
        return f"<layers of a network: {', '.join(layer._describe() for layer in self)}>"


class Layer:
    """One layer of a network: its neurons, and the activation of the non-input ones.

    Attributes
    ----------
    index : int
        Position of the layer, 0 for the input layer.
    size : int
        Number of neurons.
    activation : str or None
        Activation of its neurons; None for the input layer.
    """

    __slots__ = ("_net", "index", "_neuron_offset", "_weight_offset")

    def __init__(self, net: Network, index: int, neuron_offset: int, weight_offset: int) -> None:
        self._net = net
        self.index = index
        self._neuron_offset = neuron_offset
        self._weight_offset = weight_offset

    @property
    def size(self) -> int:
        return self._net.sizes[self.index]

    @property
    def is_input(self) -> bool:
        """True for layer 0, whose neurons hold the inputs and nothing else."""
        return self.index == 0

    @property
    def activation(self) -> str | None:
        return None if self.is_input else self._net.activations[self.index - 1]

    @property
    def neurons(self) -> Neurons:
        """The neurons of the layer, as views."""
        return Neurons(self)

    def __len__(self) -> int:
        return self.size

    def _describe(self) -> str:
        kind = "input" if self.is_input else self.activation
        return f"{self.index}: {self.size} {kind}"

    def __repr__(self) -> str:
        kind = "input layer" if self.is_input else f"{self.activation} layer"
        return f"<{kind} {self.index} of {len(self._net.sizes)}, {self.size} neurons>"


class Neurons(_Items):
    """``layer.neurons``: the neurons of one layer."""

    __slots__ = ("_layer",)
    _what = "neuron"

    def __init__(self, layer: Layer) -> None:
        self._layer = layer

    def __len__(self) -> int:
        return self._layer.size

    def _make(self, position: int) -> InputNeuron | Neuron:
        layer = self._layer
        kind = InputNeuron if layer.is_input else Neuron
        return kind(layer, position)

    def __repr__(self) -> str:
        return f"<{len(self)} neurons of layer {self._layer.index}>"


class InputNeuron:
    """A neuron of the input layer: it only holds an input value, as ``output``.

    Attributes
    ----------
    layer : int
        Always 0.
    index : int
        Position in the layer.
    """

    __slots__ = ("_net", "layer", "index", "_at")

    def __init__(self, layer: Layer, index: int) -> None:
        self._net = layer._net
        self.layer = layer.index
        self.index = index
        self._at = layer._neuron_offset + index

    @property
    def output(self) -> float:
        """The input value last set (by ``activate``, ``train``, ``fit`` or ``predict``); writable."""
        return float(self._net._outputs[self._at])

    @output.setter
    def output(self, value: float) -> None:
        self._net._outputs[self._at] = check_finite("output", value)

    def __getattr__(self, name: str):
        if name in _INPUT_LAYER_HAS_NO:
            raise AttributeError(
                f"neurons of the input layer (layer 0) have no {name}: they only hold an input value, "
                f"as 'output'; {_INPUT_LAYER_HAS_NO[name]} belongs to the neurons of layers 1 and up"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: object) -> None:
        if name in _INPUT_LAYER_HAS_NO:
            self.__getattr__(name)  # raises the explanation
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<input neuron {self.index}: output={self.output!r}>"


class Neuron:
    """A neuron of a hidden or output layer.

    Attributes
    ----------
    layer : int
        Index of its layer (1 or more).
    index : int
        Position in the layer.
    """

    __slots__ = ("_net", "layer", "index", "_at", "_weights_at", "_fan_in")

    def __init__(self, layer: Layer, index: int) -> None:
        self._net = layer._net
        self.layer = layer.index
        self.index = index
        self._at = layer._neuron_offset + index
        self._fan_in = self._net.sizes[layer.index - 1]
        self._weights_at = layer._weight_offset + index * self._fan_in

    @property
    def bias(self) -> float:
        """The bias; writable (a finite real number)."""
        return float(self._net._biases[self._at])

    @bias.setter
    def bias(self, value: float) -> None:
        self._net._biases[self._at] = check_finite("bias", value)

    @property
    def output(self) -> float:
        """The output of the last forward pass (read-only)."""
        return float(self._net._outputs[self._at])

    @output.setter
    def output(self, value: float) -> None:
        raise AttributeError(
            f"the output of neuron {self.index} of layer {self.layer} is read-only: it is the result of "
            "the last forward pass (only the input layer's outputs can be set)"
        )

    @property
    def delta(self) -> float:
        """The delta of the last training step (read-only)."""
        return float(self._net._deltas[self._at])

    @delta.setter
    def delta(self, value: float) -> None:
        raise AttributeError(
            f"the delta of neuron {self.index} of layer {self.layer} is read-only: it is the result of "
            "the last training step"
        )

    @property
    def input_connections(self) -> Connections:
        """One connection from each neuron of the previous layer."""
        return Connections(self)

    def __repr__(self) -> str:
        return (f"<neuron {self.index} of layer {self.layer}: bias={self.bias!r}, "
                f"output={self.output!r}, delta={self.delta!r}>")


class Connections(_Items):
    """``neuron.input_connections``: the connections into one neuron."""

    __slots__ = ("_neuron",)
    _what = "connection"

    def __init__(self, neuron: Neuron) -> None:
        self._neuron = neuron

    def __len__(self) -> int:
        return self._neuron._fan_in

    def _make(self, position: int) -> Connection:
        return Connection(self._neuron, position)

    def __repr__(self) -> str:
        neuron = self._neuron
        return f"<{len(self)} connections into neuron {neuron.index} of layer {neuron.layer}>"


class Connection:
    """A connection from a neuron of the previous layer.

    Attributes
    ----------
    source : int
        Index of the neuron it comes from, in layer ``layer - 1``.
    target : int
        Index of the neuron it goes into, in layer ``layer``.
    layer : int
        Layer of the target neuron.
    """

    __slots__ = ("_net", "source", "target", "layer", "_at")

    def __init__(self, neuron: Neuron, source: int) -> None:
        self._net = neuron._net
        self.source = source
        self.target = neuron.index
        self.layer = neuron.layer
        self._at = neuron._weights_at + source

    @property
    def weight(self) -> float:
        """The weight; writable (a finite real number)."""
        return float(self._net._weights[self._at])

    @weight.setter
    def weight(self, value: float) -> None:
        self._net._weights[self._at] = check_finite("weight", value)

    @property
    def change(self) -> float:
        """The weight's last change, which momentum carries into the next; writable."""
        return float(self._net._changes[self._at])

    @change.setter
    def change(self, value: float) -> None:
        self._net._changes[self._at] = check_finite("change", value)

    def __repr__(self) -> str:
        return (f"<connection from neuron {self.source} of layer {self.layer - 1} to neuron {self.target} "
                f"of layer {self.layer}: weight={self.weight!r}, change={self.change!r}>")
