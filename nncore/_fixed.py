"""``nncore.FixedNetwork``: a network in fixed point, for chips without a floating-point unit.

The arithmetic is :mod:`nncore._fixed_forms`'s, in numpy here and in C in
:mod:`nncore._fixed_c`; :func:`from_network` chooses the binary points of a
float network's fixed-point twin.

How the binary points are chosen (each is the number of fractional bits,
from 0 to 30; every one can be given instead):

- the inputs': the largest that holds the inputs' magnitude (the sample
  ``inputs`` given, else the range that a fitted input scaling implies:
  minmax's exactly, standard's mean +- 3 standard deviations; else 1);
- a layer's outputs': ``bits - 1`` for sigmoid, tanh and softmax (values in
  [-1, 1], 1 itself saturating to ``1 - 2**(1 - bits)``); for relu,
  leaky_relu and identity the largest that holds the outputs' magnitude (the
  sample's, else a bound from the weights and the inputs' magnitude);
- a layer's weights' (and biases'): the largest that holds the largest
  weight or bias, but at most the one that leaves the int32 sum (whose binary
  point is the weights' plus the inputs') room for the sums the activation
  tells apart (sigmoid's table ends at 16, tanh's at 8, softmax's exp at 12
  and its largest sum) or for the output's range.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nncore import _fann_fixed, _fann_forms
from nncore._activations import ACTIVATION_TABLE
from nncore._batched import forward_matrix
from nncore._checks import check_count, check_finite, check_samples, describe
from nncore._fixed_c import c_fixed_source
from nncore._fixed_forms import (
    FIXED_ACTIVATIONS,
    INT32_MAX,
    MAX_FRAC_BITS,
    SOFTMAX_MAX_FRAC_BITS,
    SOFTMAX_MAX_OUTPUTS,
    STORAGE_DTYPES,
    LayerFormat,
    add,
    quantize,
    rescale,
    storage_range,
)
from nncore._scaling import scale_rows
from nncore._serialization import read_dict

FORMAT = "nncore-fixed"
VERSION = 1
BITS = (8, 16)
"""The widths of a fixed-point network's integers (the sums are int32 for both)."""

STANDARD_SPREAD = 3.0
"""The standard deviations either side of the mean that a standard input scaling's inputs are taken to span."""

ALPHA_FRAC_BITS = 15
"""The largest binary point of leaky_relu's slope (an integer of at most 2**15 in magnitude)."""

MAX_SIZE = 2**15 - 1
"""The most neurons in a layer (the C loops count with ``int``, 16 bits on AVR)."""


@dataclass(frozen=True)
class FixedLayer:
    """One layer: integer weights (n_out, n_in) and biases, binary points, activation form and its parameters."""

    weights: np.ndarray
    biases: np.ndarray
    weight_frac_bits: int
    output_frac_bits: int
    activation: str
    parameters: dict

    @property
    def products_shifted(self) -> bool:
        """Whether each product is shifted right by the weights' binary point before it is added (FANN's forms)."""
        return FIXED_ACTIVATIONS[self.activation].products_shifted

    def format(self, bits: int, input_frac_bits: int) -> LayerFormat:
        sum_frac_bits = input_frac_bits if self.products_shifted else self.weight_frac_bits + input_frac_bits
        return LayerFormat(bits, sum_frac_bits, self.output_frac_bits, self.parameters)

    def bias_sums(self, input_frac_bits: int) -> np.ndarray:
        """The biases at the sums' binary point: weights on a constant input of 1 (``2**input_frac_bits``)."""
        if self.products_shifted:  # the weights' binary point is the inputs'
            return self.biases.astype(np.int64)
        return rescale(self.biases.astype(np.int64), -input_frac_bits)

    def products(self, values: np.ndarray, k: int) -> np.ndarray:
        """The products of input ``k`` (int64, one row per sample) with each neuron's weight, as the sums add them."""
        products = values[:, k : k + 1] * self.weights[:, k].astype(np.int64)
        return products >> self.weight_frac_bits if self.products_shifted else products

    def saturating(self, bits: int, input_frac_bits: int) -> bool:
        """False when the weights prove that no partial sum leaves the int32 range, whatever the inputs."""
        largest_input = 2 ** (bits - 1)
        bound = (
            np.abs(self.bias_sums(input_frac_bits)) + np.abs(self.weights.astype(np.int64)).sum(axis=1) * largest_input
        )
        return bool(np.max(bound) > INT32_MAX)


class FixedNetwork:
    """A network in fixed point: integer weights and activations, for chips without floating point.

    Made by :meth:`nncore.Network.to_fixed` (or :meth:`from_dict`). A value
    ``v`` with a binary point ``f`` is the integer ``round(v * 2**f)``; each
    layer has its weights' binary point and its outputs'. The weighted sums
    are int32: the bias (a weight on a constant input of 1) and then the
    products in index order, each addition saturating (where the weights
    prove that no partial sum can leave int32, the C leaves the test out).
    Moving a binary point right rounds half up; every store into the
    network's integers saturates.

    Activations: relu, leaky_relu (its slope an integer over ``2**15`` or
    less) and identity exactly; sigmoid and tanh by linear interpolation in a
    table (sigmoid on [0, 16] in steps of 1/8, tanh on [0, 8] in steps of
    1/16, by symmetry below 0), at most 2.2e-4 (sigmoid) and 4e-4 (tanh)
    from the true function of the sum at 16 bits, 7.9e-3 at 8 bits (where
    1 itself is 127/128); softmax
    in integers: ``e_j = exp(z_j - max z)`` from a table (exp on [0, 12] in
    steps of 1/16, 15 fractional bits), then ``(e_j * 2**f + S // 2) // S``
    with ``S`` the sum of the ``e_j`` and ``f`` the outputs' binary point.

    A network read from FANN's fixed-point files (:meth:`from_fann`) computes
    as libfixedfann does instead: one binary point for everything, each
    product rounded down on its own before it is added, and FANN's stepwise
    linear sigmoid (forms ``fann_sigmoid``, ``fann_sigmoid_symmetric``,
    ``fann_linear``, ``fann_threshold``, ``fann_threshold_symmetric``).

    :meth:`predict_raw` computes with numpy integers exactly what the C of
    :meth:`to_c` computes, bit for bit.

    Attributes
    ----------
    bits : int
        8 or 16: the width of the weights, biases, inputs and activations.
    sizes : tuple of int
        The layers' sizes, inputs first.
    activations : tuple of str
        Each layer's activation form.
    input_frac_bits : int
        The inputs' binary point.
    output_frac_bits : int
        The outputs' binary point.
    weight_frac_bits, activation_frac_bits : tuple of int
        Each layer's weights' (and biases') and outputs' binary points.
    weights, biases : list of numpy.ndarray
        Copies of each layer's integer weights ``(n_out, n_in)`` and biases.
    network : dict or None
        The float network (:meth:`nncore.Network.to_dict`) this one was made
        from, which :meth:`compare` compares with; None if not known.

    Examples
    --------
    >>> import nncore
    >>> net = nncore.Network([2, 3, 1], seed=0)
    >>> fixed = net.to_fixed(bits=16)
    >>> inputs = fixed.quantize_inputs([[0.0, 1.0]])  # 1.0 is 2**14
    >>> inputs.tolist(), fixed.input_frac_bits
    ([[0, 16384]], 14)
    >>> outputs = fixed.predict_raw(inputs)  # the values times 2**fixed.output_frac_bits
    >>> bool(abs(outputs[0, 0] / 2**15 - net.predict([0.0, 1.0])[0]) < 1e-3)
    True
    """

    bits: int
    sizes: tuple[int, ...]
    input_frac_bits: int
    network: dict | None
    _layers: tuple[FixedLayer, ...]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a FixedNetwork is made by Network.to_fixed(...) or FixedNetwork.from_dict(...)")

    @classmethod
    def _make(cls, bits: int, input_frac_bits: int, layers: Sequence[FixedLayer], network: dict | None) -> FixedNetwork:
        fixed = cls.__new__(cls)
        fixed.bits, fixed.input_frac_bits, fixed._layers = bits, input_frac_bits, tuple(layers)
        fixed.sizes = (layers[0].weights.shape[1], *(layer.weights.shape[0] for layer in layers))
        fixed.network = network
        return fixed

    # ------------------------------------------------------------ description

    @property
    def activations(self) -> tuple[str, ...]:
        return tuple(layer.activation for layer in self._layers)

    @property
    def output_frac_bits(self) -> int:
        return self._layers[-1].output_frac_bits

    @property
    def weight_frac_bits(self) -> tuple[int, ...]:
        return tuple(layer.weight_frac_bits for layer in self._layers)

    @property
    def activation_frac_bits(self) -> tuple[int, ...]:
        return tuple(layer.output_frac_bits for layer in self._layers)

    @property
    def weights(self) -> list[np.ndarray]:
        return [layer.weights.copy() for layer in self._layers]

    @property
    def biases(self) -> list[np.ndarray]:
        return [layer.biases.copy() for layer in self._layers]

    def __repr__(self) -> str:
        return (
            f"FixedNetwork({list(self.sizes)}, bits={self.bits}, activations={list(self.activations)}, "
            f"input_frac_bits={self.input_frac_bits}, output_frac_bits={self.output_frac_bits})"
        )

    def _input_frac_bits_of(self) -> list[int]:
        """Each layer's inputs' binary point."""
        return [self.input_frac_bits, *self.activation_frac_bits[:-1]]

    # ------------------------------------------------------------ computing

    def quantize_inputs(self, X: Any) -> np.ndarray:
        """Real inputs as the network's integers: ``round(x * 2**input_frac_bits)``, halves up, saturated.

        Parameters
        ----------
        X : array_like, shape (n_inputs,) or (n_samples, n_inputs)
            Inputs as the float network takes them (a network's input scaling
            is in the first layer's weights).

        Returns
        -------
        numpy.ndarray
            int16 (or int8) of the same shape.

        Raises
        ------
        ValueError
            If ``X`` does not have the network's number of inputs or holds a value that is not finite.
        """
        rows, one_sample = check_samples(X, self.sizes[0])
        quantized = quantize(rows, self.input_frac_bits, self.bits).astype(STORAGE_DTYPES[self.bits])
        return quantized[0] if one_sample else quantized

    def predict_raw(self, Xq: Any) -> np.ndarray:
        """The integer outputs for integer inputs: numpy's twin of the C of :meth:`to_c`, bit for bit.

        Parameters
        ----------
        Xq : array_like of int, shape (n_inputs,) or (n_samples, n_inputs)
            Inputs as integers (:meth:`quantize_inputs`), within the range of the network's integers.

        Returns
        -------
        numpy.ndarray
            int16 (or int8) outputs, each a value times ``2**output_frac_bits``.

        Raises
        ------
        TypeError
            If ``Xq`` does not hold integers.
        ValueError
            If its shape does not fit the network, or a value is out of the integers' range.
        """
        rows, one_sample = self._integer_rows(Xq)
        values = rows
        for layer, input_frac_bits in zip(self._layers, self._input_frac_bits_of()):
            sums = self._sums(values, layer, input_frac_bits)
            values = FIXED_ACTIVATIONS[layer.activation].numpy(sums, layer.format(self.bits, input_frac_bits))
        outputs = values.astype(STORAGE_DTYPES[self.bits])
        return outputs[0] if one_sample else outputs

    def _integer_rows(self, Xq: Any) -> tuple[np.ndarray, bool]:
        n_inputs = self.sizes[0]
        if isinstance(Xq, (str, bytes, bytearray)):
            raise TypeError(f"Xq must be integers, shape ({n_inputs},) or (n_samples, {n_inputs}), got {describe(Xq)}")
        array = np.asarray(Xq)
        if array.dtype.kind not in "iub" or array.dtype.kind == "b":
            raise TypeError(
                f"Xq must be integers (quantize_inputs gives them from real inputs), got an array of {array.dtype}"
            )
        if array.ndim not in (1, 2) or array.shape[-1] != n_inputs:
            raise ValueError(f"Xq must have shape ({n_inputs},) or (n_samples, {n_inputs}), got shape {array.shape}")
        low, high = storage_range(self.bits)
        if array.size and (array.min() < low or array.max() > high):
            raise ValueError(
                f"Xq must hold {self.bits}-bit integers ({low} to {high}), got {array.min()} to {array.max()}"
            )
        rows = array.astype(np.int64).reshape(-1, n_inputs)
        return rows, array.ndim == 1

    def _sums(self, values: np.ndarray, layer: FixedLayer, input_frac_bits: int) -> np.ndarray:
        """A layer's int32 sums (in int64), as the C adds them: the bias, then each product in index order."""
        weights = layer.weights.astype(np.int64)
        bias = layer.bias_sums(input_frac_bits)
        if not layer.saturating(self.bits, input_frac_bits) and not layer.products_shifted:
            exact: np.ndarray = bias + values @ weights.T  # no partial sum can saturate
            return exact
        sums = np.repeat(bias[np.newaxis, :], len(values), axis=0)
        for k in range(weights.shape[1]):
            sums = add(sums, layer.products(values, k))
        return sums

    def predict(self, X: Any) -> np.ndarray:
        """The real outputs of the fixed-point network: ``predict_raw(quantize_inputs(X)) / 2**output_frac_bits``.

        Parameters
        ----------
        X : array_like, shape (n_inputs,) or (n_samples, n_inputs)

        Returns
        -------
        numpy.ndarray
            float64 outputs, shape (n_outputs,) or (n_samples, n_outputs).
        """
        return self.predict_raw(self.quantize_inputs(X)).astype(np.float64) / 2.0**self.output_frac_bits

    def compare(self, X: Any, threshold: float = 0.5) -> dict:
        """How far the fixed-point outputs are from the float network's on ``X``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_inputs)
        threshold : float, default 0.5
            A single output's class boundary.

        Returns
        -------
        dict
            ``"max_abs_difference"`` and ``"mean_abs_difference"``: over every
            output of every sample, between :meth:`predict` and the float
            network's outputs (computed by matrix products, within about 1e-15
            of :meth:`nncore.Network.predict`'s); ``"agreement"``: the share of samples put in the
            same class (the largest output's index, or for a single output
            whether it exceeds ``threshold``); ``"samples"``: their number.

        Raises
        ------
        ValueError
            If the network does not know its float network (``network`` is None), or ``X`` does not fit.
        """
        threshold = check_finite("threshold", threshold)
        if self.network is None:
            raise ValueError("compare needs the float network, and this FixedNetwork has none (network is None)")
        state = read_dict(self.network)
        rows, _ = check_samples(X, self.sizes[0])
        fixed = self.predict(rows)
        scaling = state.fitted_input_scaling()
        scaled = rows if scaling is None else scale_rows(rows, scaling[1], scaling[2], scaling[0])
        layers = [(weights.astype(np.float64), biases.astype(np.float64)) for weights, biases, _ in state.layers]
        real = forward_matrix(layers, state.activations, state.leaky_relu_alpha, scaled)
        difference = np.abs(fixed - real)
        if real.shape[1] > 1:
            same = np.argmax(fixed, axis=1) == np.argmax(real, axis=1)
        else:
            same = (fixed[:, 0] > threshold) == (real[:, 0] > threshold)
        return {
            "max_abs_difference": float(difference.max()) if difference.size else 0.0,
            "mean_abs_difference": float(difference.mean()) if difference.size else 0.0,
            "agreement": float(same.mean()) if len(same) else 1.0,
            "samples": len(rows),
        }

    def to_c(self, name: str = "nncore_predict") -> str:
        """The network as C99 for microcontrollers: ``void name(const int16_t *input, int16_t *output)``.

        ``int8_t`` for 8 bits. The source also defines ``NAME_INPUTS``,
        ``NAME_OUTPUTS``, ``NAME_INPUT_FRAC_BITS`` and ``NAME_OUTPUT_FRAC_BITS``
        (``NAME``: ``name`` in upper case).

        Parameters
        ----------
        name : str, default "nncore_predict"
            The function's name, a C identifier; the source's own functions and
            arrays start with it.

        Returns
        -------
        str
            Standalone C99 with integers only (no floating point, no library but
            ``<stdint.h>``, and ``<avr/pgmspace.h>`` on AVR; nothing allocated): the
            weights, biases and tables ``static const``, in flash (``PROGMEM``) on
            AVR; the activations in two stack arrays as wide as the widest hidden
            layer. It computes :meth:`predict_raw`'s outputs bit for bit.

        Raises
        ------
        ValueError
            If ``name`` is not a C identifier.
        """
        layers = []
        for layer, input_frac_bits in zip(self._layers, self._input_frac_bits_of()):
            layer_format = layer.format(self.bits, input_frac_bits)
            saturating = layer.saturating(self.bits, input_frac_bits)
            layers.append((layer.weights, layer.biases, layer_format, layer.activation, saturating))
        return c_fixed_source(name, self.bits, self.sizes, self.input_frac_bits, layers)

    # ------------------------------------------------------------ the dictionary

    def to_dict(self) -> dict:
        """The network as a JSON-compatible dictionary.

        ``{"format": "nncore-fixed", "version": 1, "bits": 16, "sizes": [...],
        "input_frac_bits": 14, "layers": [...], "network": {...}}``: each layer
        ``{"activation": ..., "weight_frac_bits": ..., "output_frac_bits": ...,
        "weights": [[...]], "biases": [...]}`` (integers), plus
        ``"parameters"`` for a form that has some (leaky_relu: ``"alpha"`` and
        ``"alpha_frac_bits"``, its slope being ``alpha / 2**alpha_frac_bits``);
        ``"network"``, the float network's :meth:`nncore.Network.to_dict`, when known.
        """
        layers = []
        for layer in self._layers:
            entry = {
                "activation": layer.activation,
                "weight_frac_bits": layer.weight_frac_bits,
                "output_frac_bits": layer.output_frac_bits,
                "weights": layer.weights.tolist(),
                "biases": layer.biases.tolist(),
            }
            if layer.parameters:
                entry["parameters"] = dict(layer.parameters)
            layers.append(entry)
        data = {
            "format": FORMAT,
            "version": VERSION,
            "bits": self.bits,
            "sizes": list(self.sizes),
            "input_frac_bits": self.input_frac_bits,
            "layers": layers,
        }
        if self.network is not None:
            data["network"] = json.loads(json.dumps(self.network))
        return data

    @classmethod
    def from_dict(cls, data: dict) -> FixedNetwork:
        """Build a fixed-point network from :meth:`to_dict`'s output; every field is checked.

        Raises
        ------
        ValueError
            Naming the first missing or malformed field.
        TypeError
            If ``data`` is not a dictionary.
        """
        return read_fixed_dict(data)

    # ------------------------------------------------------------ FANN's fixed-point files

    @classmethod
    def from_fann(cls, source: str | bytes | os.PathLike) -> FixedNetwork:
        """Read a fixed-point FANN network: a ``FANN_FIX_2.0`` file, as ``fann_save_to_fixed`` writes it.

        Parameters
        ----------
        source : str, bytes or os.PathLike
            The file's text (``bytes``, or a ``str`` of several lines whose first
            starts with ``FANN_``) or its path.

        Returns
        -------
        FixedNetwork
            16 bits, FANN's ``decimal_point`` as every binary point, FANN's
            activations as its forms: :meth:`predict_raw` gives libfixedfann's
            ``fann_run`` outputs bit for bit, and so does the C of :meth:`to_c`.
            It has no float network (``network`` is None).

        Raises
        ------
        ValueError
            Naming the file, the line and the field: not a ``FANN_FIX_2.0``
            network, a malformed field, a ``decimal_point`` above 14 or weights
            beyond 16 bits (which a FixedNetwork cannot hold), or an activation
            libfixedfann does not run.
        """
        return read_fixed_dict(_fann_fixed.fixed_dict_from_fann(source))

    def to_fann(self) -> str:
        """The network as a fixed-point FANN file (``FANN_FIX_2.0``), which libfixedfann reads and runs.

        Returns
        -------
        str
            The text of the ``.net`` file; libfixedfann's ``fann_run`` gives
            :meth:`predict_raw`'s outputs. The fields FANN uses only for
            training have ``fann_create_standard``'s defaults.

        Raises
        ------
        ValueError
            If a layer does not compute in FANN's forms (a network made by
            :meth:`nncore.Network.to_fixed` computes otherwise): only one read by
            :meth:`from_fann`, or built like one, is written.
        """
        return _fann_fixed.fann_from_fixed_dict(self.to_dict())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self).from_dict, (self.to_dict(),))


# ---------------------------------------------------------------- reading the dictionary


def _field(data: dict, key: str, where: str) -> Any:
    if key not in data:
        raise ValueError(f"fixed-point network data: {where}{key} is missing")
    return data[key]


def _integer(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"fixed-point network data: {name} must be an integer, got {describe(value)}")
    if not low <= value <= high:
        raise ValueError(f"fixed-point network data: {name} must be from {low} to {high}, got {value}")
    return int(value)


def _integers(value: object, name: str, shape: tuple[int, ...], bits: int) -> np.ndarray:
    try:
        array = np.array(value)
    except (ValueError, TypeError):
        array = np.array(None)
    if array.dtype.kind not in "iu" or array.shape != shape:
        raise ValueError(f"fixed-point network data: {name} must be integers of shape {shape}, got {describe(value)}")
    low, high = storage_range(bits)
    if array.size and (array.min() < low or array.max() > high):
        raise ValueError(f"fixed-point network data: {name} must be {bits}-bit integers ({low} to {high})")
    return array.astype(STORAGE_DTYPES[bits])


def read_fixed_dict(data: object) -> FixedNetwork:
    """:meth:`FixedNetwork.from_dict`: every field checked, each error naming its field."""
    if not isinstance(data, dict):
        raise TypeError(f"fixed-point network data must be a dict, got {describe(data)}")
    if data.get("format") != FORMAT:
        raise ValueError(f"fixed-point network data: format must be {FORMAT!r}, got {describe(data.get('format'))}")
    if data.get("version") != VERSION:
        raise ValueError(f"fixed-point network data: version must be {VERSION}, got {describe(data.get('version'))}")
    bits = _field(data, "bits", "")
    if bits not in BITS or isinstance(bits, bool):
        raise ValueError(f"fixed-point network data: bits must be 8 or 16, got {describe(bits)}")
    sizes = _field(data, "sizes", "")
    if not isinstance(sizes, list) or len(sizes) < 2:
        raise ValueError(f"fixed-point network data: sizes must be a list of at least 2 sizes, got {describe(sizes)}")
    sizes = [_integer(size, f"sizes[{i}]", 1, MAX_SIZE) for i, size in enumerate(sizes)]
    previous = input_frac_bits = _integer(_field(data, "input_frac_bits", ""), "input_frac_bits", 0, MAX_FRAC_BITS)
    entries = _field(data, "layers", "")
    if not isinstance(entries, list) or len(entries) != len(sizes) - 1:
        raise ValueError(
            f"fixed-point network data: layers must be a list of {len(sizes) - 1} layers, got {describe(entries)}"
        )
    layers = []
    for index, entry in enumerate(entries):
        where = f"layers[{index}]."
        if not isinstance(entry, dict):
            raise ValueError(f"fixed-point network data: layers[{index}] must be a dict, got {describe(entry)}")
        layer = _read_layer(entry, where, bits, sizes[index], sizes[index + 1], previous, index == len(entries) - 1)
        layers.append(layer)
        previous = layer.output_frac_bits
    network = data.get("network")
    if network is not None:
        network_sizes = list(read_dict(network).sizes)  # checked: compare reads it
        if network_sizes != sizes:
            raise ValueError(f"fixed-point network data: network has sizes {network_sizes}, not {sizes}")
    return FixedNetwork._make(bits, input_frac_bits, layers, network)


def _read_layer(
    entry: dict, where: str, bits: int, n_in: int, n_out: int, input_frac_bits: int, last: bool
) -> FixedLayer:
    activation = _field(entry, "activation", where)
    if activation not in FIXED_ACTIVATIONS:
        raise ValueError(
            f"fixed-point network data: {where}activation must be one of {list(FIXED_ACTIVATIONS)}, "
            f"got {describe(activation)}"
        )
    form = FIXED_ACTIVATIONS[activation]
    weight_frac_bits = _integer(
        _field(entry, "weight_frac_bits", where), f"{where}weight_frac_bits", 0, MAX_FRAC_BITS - input_frac_bits
    )
    output_frac_bits = _integer(_field(entry, "output_frac_bits", where), f"{where}output_frac_bits", 0, MAX_FRAC_BITS)
    if form.c_pass is not None:
        if not last:
            raise ValueError(f"fixed-point network data: {where}activation {activation!r} is for the output layer only")
        _integer(output_frac_bits, f"{where}output_frac_bits", 0, SOFTMAX_MAX_FRAC_BITS)
        _integer(n_out, f"{where}size", 1, SOFTMAX_MAX_OUTPUTS)
    weights = _integers(_field(entry, "weights", where), f"{where}weights", (n_out, n_in), bits)
    biases = _integers(_field(entry, "biases", where), f"{where}biases", (n_out,), bits)
    given = entry.get("parameters", {})
    if not isinstance(given, dict) or set(given) != set(form.parameters):
        raise ValueError(
            f"fixed-point network data: {where}parameters must hold {list(form.parameters)}, got {describe(given)}"
        )
    parameters = {}
    if form.products_shifted:  # FANN's forms: one binary point, a steepness and an activation code
        frac_bits = (input_frac_bits, weight_frac_bits, output_frac_bits)
        parameters = _fann_forms.read_parameters(given, activation, where, *frac_bits)
    elif form.parameters:  # leaky_relu's slope
        parameters["alpha"] = _integer(given["alpha"], f"{where}parameters.alpha", -(2**15), 2**15)
        parameters["alpha_frac_bits"] = _integer(
            given["alpha_frac_bits"], f"{where}parameters.alpha_frac_bits", 0, ALPHA_FRAC_BITS
        )
    return FixedLayer(weights, biases, weight_frac_bits, output_frac_bits, activation, parameters)


# ---------------------------------------------------------------- from a float network


def frac_bits_for(magnitude: float, bits: int, limit: int = MAX_FRAC_BITS) -> int:
    """The largest binary point from 0 to ``limit`` at which ``magnitude`` fits ``bits``-bit integers (0 if none)."""
    high = 2 ** (bits - 1) - 1
    for frac_bits in range(limit, 0, -1):
        if math.floor(magnitude * 2.0**frac_bits + 0.5) <= high:
            return frac_bits
    return 0


def _check_frac_bits(value: object, n_layers: int) -> list[int] | None:
    if value is None:
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return [check_count("frac_bits", value, 0, MAX_FRAC_BITS)] * n_layers
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != n_layers:
        raise TypeError(
            f"frac_bits must be an integer or a sequence of {n_layers} integers (one per layer), got {describe(value)}"
        )
    return [check_count(f"frac_bits[{i}]", v, 0, MAX_FRAC_BITS) for i, v in enumerate(value)]


def from_network(
    data: dict,
    bits: object = 16,
    frac_bits: object = None,
    input_frac_bits: object = None,
    inputs: np.ndarray | None = None,
) -> FixedNetwork:
    """The fixed-point twin of the float network ``data`` (:meth:`nncore.Network.to_dict`).

    ``inputs``: checked sample rows, raw (before any input scaling), from which
    the inputs' and the linear layers' outputs' binary points are chosen.
    """
    if bits not in BITS or isinstance(bits, bool):
        raise ValueError(f"bits must be 8 or 16, got {describe(bits)}")
    width = 16 if bits == 16 else 8
    state = read_dict(data)
    n_layers = len(state.layers)
    given = _check_frac_bits(frac_bits, n_layers)
    if input_frac_bits is not None:
        input_frac_bits = check_count("input_frac_bits", input_frac_bits, 0, MAX_FRAC_BITS)
    elif isinstance(frac_bits, (int, np.integer)):
        input_frac_bits = given[0] if given else None
    if any(size > MAX_SIZE for size in state.sizes):
        raise ValueError(
            f"a fixed-point network's layers have at most {MAX_SIZE} neurons, got sizes {list(state.sizes)}"
        )
    layers = [(w.astype(np.float64), b.astype(np.float64)) for w, b, _ in state.layers]
    magnitude = 1.0
    scaling = state.fitted_input_scaling()
    if scaling is not None:  # folded into the first layer: the fixed-point network takes the raw inputs
        kind, offset, scale = (scaling[0], scaling[1].astype(np.float64), scaling[2].astype(np.float64))
        weights = layers[0][0] / scale
        layers[0] = (weights, layers[0][1] - weights @ offset)
        spread = scale if kind == "minmax" else STANDARD_SPREAD * scale
        low, high = (offset, offset + spread) if kind == "minmax" else (offset - spread, offset + spread)
        magnitude = float(np.max(np.maximum(np.abs(low), np.abs(high))))
    observed = _observed(layers, state.activations, state.leaky_relu_alpha, inputs) if inputs is not None else None
    if inputs is not None:
        magnitude = float(np.max(np.abs(inputs))) if inputs.size else magnitude
    previous = input_frac_bits if input_frac_bits is not None else frac_bits_for(magnitude, width)
    network_input_frac_bits = previous
    fixed_layers = []
    for index, ((weights, biases), activation) in enumerate(zip(layers, state.activations)):
        form = FIXED_ACTIVATIONS[activation]
        bound = float(np.max(np.abs(weights).sum(axis=1) * magnitude + np.abs(biases)))
        sums, outputs = observed[index] if observed is not None else (bound, _output_bound(activation, bound, state))
        if given is not None:
            weight_frac_bits = output_frac_bits = given[index]
            if form.c_pass is not None:
                output_frac_bits = min(output_frac_bits, SOFTMAX_MAX_FRAC_BITS)
        else:
            output_frac_bits = width - 1 if form.output_magnitude is not None else frac_bits_for(outputs, width)
            room = form.sum_magnitude if form.sum_magnitude is not None else 2.0 ** (width - 1 - output_frac_bits)
            if form.c_pass is not None:
                room = max(room, sums)
            sum_frac_bits = min(MAX_FRAC_BITS, 31 - math.ceil(math.log2(room)))
            largest = float(max(np.max(np.abs(weights)), np.max(np.abs(biases))))
            weight_frac_bits = max(0, min(frac_bits_for(largest, width), sum_frac_bits - previous))
        if weight_frac_bits + previous > MAX_FRAC_BITS:
            raise ValueError(
                f"frac_bits: layer {index + 1}'s weights' binary point ({weight_frac_bits}) plus its inputs' "
                f"({previous}) must be at most {MAX_FRAC_BITS}"
            )
        parameters = _parameters(activation, state.leaky_relu_alpha)
        fixed_layers.append(
            FixedLayer(
                quantize(weights, weight_frac_bits, width).astype(STORAGE_DTYPES[width]),
                quantize(biases, weight_frac_bits, width).astype(STORAGE_DTYPES[width]),
                weight_frac_bits,
                output_frac_bits,
                activation,
                parameters,
            )
        )
        magnitude = outputs if form.output_magnitude is None else form.output_magnitude
        previous = output_frac_bits
    return FixedNetwork._make(width, network_input_frac_bits, fixed_layers, json.loads(json.dumps(data)))


def _output_bound(activation: str, sums: float, state: Any) -> float:
    if activation == "leaky_relu":
        return sums * max(1.0, abs(float(state.leaky_relu_alpha)))
    return sums


def _observed(
    layers: list[tuple[np.ndarray, np.ndarray]], activations: Sequence[str], alpha: float, inputs: np.ndarray
) -> list[tuple[float, float]]:
    """Each layer's largest sum and output magnitudes over the sample ``inputs``."""
    found = []
    values = inputs.astype(np.float64)
    for (weights, biases), activation in zip(layers, activations):
        sums = values @ weights.T + biases
        values = sums.copy()
        with np.errstate(over="ignore"):
            ACTIVATION_TABLE[activation].numpy(values, alpha)
        found.append((float(np.max(np.abs(sums))), float(np.max(np.abs(values)))))
    return found


def _parameters(activation: str, alpha: float) -> dict:
    if not FIXED_ACTIVATIONS[activation].parameters:
        return {}
    if abs(alpha) > 2**15:
        raise ValueError(f"leaky_relu_alpha must be at most 2**15 in magnitude for a fixed-point network, got {alpha}")
    alpha_frac_bits = frac_bits_for(abs(alpha), 16, ALPHA_FRAC_BITS)
    return {"alpha": math.floor(alpha * 2**alpha_frac_bits + 0.5), "alpha_frac_bits": alpha_frac_bits}
