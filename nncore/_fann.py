"""FANN files: networks (``.net``) and training data (``.data``) of the Fast Artificial Neural Network library.

Networks
--------
:func:`fann_from_dict` writes a network in nncore's dictionary format as the
text ``fann_save`` of FANN 2.x writes (first line ``FANN_FLO_2.1``), and
:func:`dict_from_fann` reads such text back. FANN gives every layer a bias
neuron, the last of the layer, whose output is 1: a neuron's bias in nncore
is the weight of its connection from the previous layer's bias neuron.

What is kept: the layer sizes, the weights and biases (written with 20
decimals of the exponent form, as ``fann_save`` does: exactly), the learning
rate and the momentum (FANN writes them with six decimals, ``%f``: 0.3 and
0.1 come back exactly, 0.1234567 as 0.123457). Not kept: the momentum buffer,
:attr:`~nncore.Network.iterations` and the input and output names (FANN has
no fields for them); reading gives zeros, 0 and no names. An export sets
FANN's training algorithm to ``FANN_TRAIN_INCREMENTAL`` and its error
function to ``FANN_ERRORFUNC_LINEAR``, the per-sample training and the error
nncore uses.

Activations are those FANN and nncore share (:data:`ACTIVATIONS`):
nncore's ``sigmoid`` is ``FANN_SIGMOID`` at steepness 0.5 (FANN computes
``1 / (1 + exp(-2 * steepness * sum))``), ``tanh`` is
``FANN_SIGMOID_SYMMETRIC`` at steepness 1 and ``identity`` is
``FANN_LINEAR`` at steepness 1. FANN 2.2 (the version Debian ships) has no
rectifier and no softmax, so networks with ``relu``, ``leaky_relu`` or
``softmax`` layers are not exported (:data:`NOT_IN_FANN` says why), nor
networks trained on ``cross_entropy``: FANN's error functions are the
squared error and its tanh variant, so FANN would go on training them on
another loss. Any other FANN activation or steepness is refused on reading
with a ``ValueError`` saying what to set, among them
``FANN_SIGMOID_STEPWISE``, the default of ``fann_create_standard``.

FANN clips ``steepness * sum`` to +-150 / steepness before the activation:
with sigmoid (steepness 0.5) a neuron's sum is clipped to +-600, with tanh
(steepness 1) to +-150. Beyond those sums the activation is already 0, 1 or
-1 to double precision (``1 - sigmoid(600)`` is 3e-261, ``1 - tanh(150)`` is
2e-130), so FANN's outputs differ from nncore's by less than 1e-129. An
``identity`` neuron, though, gives +-150 in FANN where its sum is beyond.

Only fully connected layered networks (``network_type=0``) without scaling
parameters (``scale_included=0``) are read: every neuron must list one
connection from each neuron of the previous layer, its bias neuron included.
Sparse networks (``connection_rate`` < 1) are refused, as are fixed-point
files (``FANN_FIX_2.0``): :mod:`nncore._fann_fixed` reads those into a
``FixedNetwork``. Counts and numbers are written in ASCII digits.

Reading checks every count against what the file holds before allocating
anything, so time and memory stay in proportion to the file's size.

Training data
-------------
:func:`read_data` and :func:`write_data` read and write FANN's ``.data``
files: a first line ``num_pairs num_inputs num_outputs``, then for every pair
a line of inputs and a line of outputs, numbers separated by spaces.
Each line must hold as many numbers as the first line announces (checked
before the arrays are allocated); with no pairs, the counts must still be
ones a network can have (at most 2**36).
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import numpy as np

from nncore import _files, _serialization
from nncore._activations import ACTIVATION_TABLE
from nncore._checks import MAX_PARAMETERS, as_float_array, check_rate, describe
from nncore._csvdata import parse_number, parse_whole_number
from nncore._fields import Fields

HEADER = "FANN_FLO_2.1"
"""First line of the float and double builds' ``.net`` files (what nncore writes and reads)."""

FANN_ACTIVATION_NAMES = (
    "FANN_LINEAR",
    "FANN_THRESHOLD",
    "FANN_THRESHOLD_SYMMETRIC",
    "FANN_SIGMOID",
    "FANN_SIGMOID_STEPWISE",
    "FANN_SIGMOID_SYMMETRIC",
    "FANN_SIGMOID_SYMMETRIC_STEPWISE",
    "FANN_GAUSSIAN",
    "FANN_GAUSSIAN_SYMMETRIC",
    "FANN_GAUSSIAN_STEPWISE",
    "FANN_ELLIOT",
    "FANN_ELLIOT_SYMMETRIC",
    "FANN_LINEAR_PIECE",
    "FANN_LINEAR_PIECE_SYMMETRIC",
    "FANN_SIN_SYMMETRIC",
    "FANN_COS_SYMMETRIC",
    "FANN_SIN",
    "FANN_COS",
)
"""FANN 2.2's activation functions; a position is the code a ``.net`` file holds (``fann_data.h``)."""

ACTIVATIONS = {
    name: activation.fann for name, activation in ACTIVATION_TABLE.items() if not isinstance(activation.fann, str)
}
"""nncore's activation -> FANN's activation and steepness computing the same function."""

NOT_IN_FANN = {
    name: activation.fann for name, activation in ACTIVATION_TABLE.items() if isinstance(activation.fann, str)
}
"""nncore's activations FANN cannot express, and why."""

# The fields fann_save writes between the header and the layer sizes, in its order. The values are
# fann_create_standard's defaults, except the training algorithm and error function (see the module).
_CASCADE_FUNCTIONS = (3, 5, 7, 8, 10, 11, 14, 15, 16, 17)
_CASCADE_STEEPNESSES = (0.25, 0.5, 0.75, 1.0)
_LIMITS = {"bit_fail_limit": 0.35, "candidate_limit": 1000.0, "weight_multiplier": 0.4}
_TRAINING_FIELDS = """\
connection_rate=1.000000
network_type=0
learning_momentum={momentum}
training_algorithm=0
train_error_function=0
train_stop_function=0
cascade_output_change_fraction=0.010000
quickprop_decay=-0.000100
quickprop_mu=1.750000
rprop_increase_factor=1.200000
rprop_decrease_factor=0.500000
rprop_delta_min=0.000000
rprop_delta_max=50.000000
rprop_delta_zero=0.100000
cascade_output_stagnation_epochs=12
cascade_candidate_change_fraction=0.010000
cascade_candidate_stagnation_epochs=12
cascade_max_out_epochs=150
cascade_min_out_epochs=50
cascade_max_cand_epochs=150
cascade_min_cand_epochs=50
cascade_num_candidate_groups=2
bit_fail_limit={bit_fail_limit}
cascade_candidate_limit={candidate_limit}
cascade_weight_multiplier={weight_multiplier}
cascade_activation_functions_count={functions_count}
cascade_activation_functions={functions}
cascade_activation_steepnesses_count={steepnesses_count}
cascade_activation_steepnesses={steepnesses}
"""

NEURONS_KEY = "neurons (num_inputs, activation_function, activation_steepness)"
CONNECTIONS_KEY = "connections (connected_to_neuron, weight)"
_TUPLE = re.compile(r"\(([^()]*)\)")


def _e(value: float) -> str:
    """A number as ``fann_save`` writes weights and steepnesses (``%.20e``: exact for a double)."""
    return format(value, ".20e")


# ---------------------------------------------------------------- writing networks


def fann_from_dict(data: dict) -> str:
    """The ``.net`` text of a network in nncore's dictionary format.

    Parameters
    ----------
    data : dict
        nncore's dictionary format (checked by :func:`nncore._serialization.read_dict`).

    Returns
    -------
    str
        What ``fann_save`` of FANN 2.x writes for this network; ``fann_create_from_file``
        reads it.

    Raises
    ------
    ValueError
        If a layer's activation has no FANN equivalent (naming the layer, the
        activation and what FANN supports), or the network's loss is
        ``cross_entropy``, which FANN does not have.
    """
    state = _serialization.read_dict(data)
    state.refuse_input_scaling(
        "a FANN .net file",
        " exactly (its scale_mean_in and scale_deviation_in are float32, written with 6 decimals, and "
        "fann_scale_input computes ((x - mean) / deviation + 1) * factor + new_min, which rounds differently)",
    )
    fann_activations = [_fann_activation(name, layer) for layer, name in enumerate(state.activations, start=1)]
    if state.loss != "mse":
        raise ValueError(
            f"the network's loss is {state.loss!r}, which FANN cannot express: its error functions "
            "are the squared error (FANN_ERRORFUNC_LINEAR) and FANN_ERRORFUNC_TANH; FANN files "
            "hold networks trained on loss='mse'"
        )
    sizes = state.sizes
    lines = [
        HEADER,
        f"num_layers={len(sizes)}",
        f"learning_rate={state.learning_rate:f}",
        training_fields(f"{state.momentum:f}", _e),
        "layer_sizes=" + "".join(f"{size + 1} " for size in sizes),
        "scale_included=0",
        f"{NEURONS_KEY}=" + neurons_text(sizes, fann_activations, _e),
        f"{CONNECTIONS_KEY}=" + connections_text(sizes, state.layers, _e),
    ]
    return "\n".join(lines) + "\n"


def training_fields(momentum: str, number: Callable[[float], str]) -> str:
    """The fields between the learning rate and the layer sizes, ``number`` writing FANN's limits and steepnesses.

    Shared with the fixed-point files (:mod:`nncore._fann_fixed`), which write them as integers.
    """
    return _TRAINING_FIELDS.format(
        momentum=momentum,
        functions_count=len(_CASCADE_FUNCTIONS),
        functions="".join(f"{code} " for code in _CASCADE_FUNCTIONS),
        steepnesses_count=len(_CASCADE_STEEPNESSES),
        steepnesses="".join(f"{number(value)} " for value in _CASCADE_STEEPNESSES),
        **{key: number(value) for key, value in _LIMITS.items()},
    ).rstrip("\n")


def _fann_activation(name: str, layer: int) -> tuple[int, float]:
    """FANN's activation code and steepness for nncore's ``name``, or a ValueError naming ``layer``."""
    if name not in ACTIVATIONS:
        supported = ", ".join(
            f"{nncore_name} ({fann} at steepness {steepness:g})"
            for nncore_name, (fann, steepness) in ACTIVATIONS.items()
        )
        raise ValueError(
            f"layer {layer} uses {name!r}, which FANN cannot express: {NOT_IN_FANN.get(name, '')}; "
            f"FANN files hold {supported}"
        )
    fann_name, steepness = ACTIVATIONS[name]
    return FANN_ACTIVATION_NAMES.index(fann_name), steepness


def neurons_text(sizes: Sequence[int], activations: Sequence[tuple[int, Any]], number: Callable[[Any], str]) -> str:
    """The ``neurons`` field: every neuron, each layer's bias neuron last; ``number`` writes a steepness."""
    parts = [f"(0, 0, {number(0)}) " * (sizes[0] + 1)]
    for n_in, n_out, (code, steepness) in zip(sizes, sizes[1:], activations):
        parts.append(f"({n_in + 1}, {code}, {number(steepness)}) " * n_out)
        parts.append(f"(0, {code}, {number(steepness)}) ")
    return "".join(parts)


def connections_text(sizes: Sequence[int], layers: Sequence, number: Callable[[Any], str]) -> str:
    """The ``connections`` field: each neuron's weights in order, then its bias (from the bias neuron).

    ``layers`` holds ``(weights, biases, ...)`` arrays; ``number`` writes a weight.
    """
    parts: list[str] = []
    first = 0  # global index of the previous layer's first neuron
    for n_in, (weights, biases, *_) in zip(sizes, layers):
        for row, bias in zip(weights.tolist(), biases.tolist()):
            parts.extend(f"({first + k}, {number(w)}) " for k, w in enumerate(row))
            parts.append(f"({first + n_in}, {number(bias)}) ")
        first += n_in + 1
    return "".join(parts)


# ---------------------------------------------------------------- reading networks


def is_fann_text(text: str) -> bool:
    """True when ``text`` is the text of a ``.net`` file, not a path: lines, the first starting with ``FANN_``.

    A file named ``FANN_xor.net`` is a path: a single line is never a network.
    """
    return text.lstrip("\ufeff").startswith("FANN_") and "\n" in text


def is_fann_file(path: str | os.PathLike) -> bool:
    """True when ``path`` is a regular file whose first line starts with ``FANN_``; False otherwise.

    Reads only the first bytes, and never blocks on a FIFO or device (which are not regular files).
    """
    try:
        target = _files.check_path(path)
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except (OSError, TypeError, ValueError):
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        start = os.read(fd, 8)
    finally:
        os.close(fd)
    return start.removeprefix(b"\xef\xbb\xbf").startswith(b"FANN_")


def dict_from_fann(source: str | bytes | os.PathLike) -> dict:
    """nncore's dictionary format of a FANN ``.net`` network.

    Parameters
    ----------
    source : str, bytes or os.PathLike
        The file's text (``bytes``, or a ``str`` of several lines whose first
        starts with ``FANN_``) or its path (any other ``str``, or an ``os.PathLike``).

    Returns
    -------
    dict
        nncore's dictionary format: sizes, activations, weights, biases,
        learning rate and momentum; no momentum buffer, 0 iterations, no names.

    Raises
    ------
    ValueError
        Naming the file (when read from one), the line and the field: not a
        FANN float network, a malformed field, or an activation nncore does not have.
    """
    return parse_source(source, _parse_network)


def parse_source(source: object, parse: Callable[[list[str]], dict]) -> dict:
    """``parse`` of the lines of a ``.net`` file given as text, bytes or a path; its errors name the file."""
    text, where = _fann_source(source)
    try:
        return parse(text.lstrip("\ufeff").splitlines())
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def _fann_source(source: object) -> tuple[str, str]:
    """The text of ``source`` and how errors name it."""
    if isinstance(source, (bytes, bytearray)):
        return _decode(bytes(source), "FANN network"), "FANN network"
    if isinstance(source, str) and is_fann_text(source):
        return source, "FANN network"
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"a FANN network must be given as text, bytes or a path, got {describe(source)}")
    path = _files.check_path(source)
    return _decode(_files.read_file(path), path), path


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{where}: not a text file (byte {error.start} is not UTF-8)") from None


def _parse_network(lines: list[str]) -> dict:
    header = lines[0].strip() if lines else ""
    if header != HEADER:
        raise ValueError(_header_error(header))
    fields = _fields(lines)
    sizes_with_bias, neurons, sources, weights = read_structure(fields)
    sizes = [size - 1 for size in sizes_with_bias]
    activations, layers = read_layers(fields, sizes, neurons, sources, weights, _nncore_activation)
    learning_rate, momentum = (_rate(fields, key) for key in ("learning_rate", "learning_momentum"))
    return _serialization.make_dict(sizes, activations, learning_rate, momentum, 0, layers, 0.01)


def read_structure(fields: Fields) -> tuple[list[int], list, np.ndarray, np.ndarray]:
    """The layer sizes (bias neurons counted), the neurons, and each connection's source and weight.

    Shared by the float files and the fixed-point ones (:mod:`nncore._fann_fixed`): a fully connected
    layered network, every count checked before anything is allocated.
    """
    n_layers = _integer(fields, "num_layers", minimum=2)
    sizes_with_bias = _integers(fields, "layer_sizes")
    if len(sizes_with_bias) != n_layers or min(sizes_with_bias) < 2:
        raise ValueError(
            f"{fields.label('layer_sizes')}: expected {n_layers} layer sizes of at least 2 "
            f"(each with its bias neuron), got {_value(fields, 'layer_sizes')!r}"
        )
    _expect(fields, "network_type", "0", "only layered networks (FANN_NETTYPE_LAYER) are read, not shortcut ones")
    _expect(
        fields,
        "scale_included",
        "0",
        "nncore does not apply FANN's scaling parameters; save the network without them (fann_clear_scaling_params)",
    )
    neurons = _neurons(fields, sum(sizes_with_bias))
    _check_fully_connected(fields, sizes_with_bias, neurons)
    sources, weights = _connections(fields, sum(count for count, _, _ in neurons), len(neurons))
    return sizes_with_bias, neurons, sources, weights


def _header_error(header: str) -> str:
    if header.startswith("FANN_FIX"):
        return (
            f"line 1: {header!r} is a fixed-point FANN network: read it with nncore.FixedNetwork.from_fann; "
            f"Network.from_fann reads {HEADER!r} files, saved by the float or double build of FANN"
        )
    return f"line 1: expected {HEADER!r} (a FANN network saved by fann_save), got {header[:40]!r}"


def _fields(lines: list[str]) -> Fields:
    """``key=value`` lines as fields, each named by its line in errors."""
    values, numbers = {}, {}
    for number, line in enumerate(lines[1:], start=2):
        key, equals, value = line.partition("=")
        if not equals:
            if line.strip():
                raise ValueError(f"line {number}: expected key=value, got {line[:40]!r}")
            continue
        values[key.strip()], numbers[key.strip()] = value, number
    return Fields(values, lines=numbers)


def _value(fields: Fields, key: str) -> str:
    return cast(str, fields.required(key)).strip()  # a FANN field's value is text


def _integer(fields: Fields, key: str, minimum: int) -> int:
    text = _value(fields, key)
    value = parse_whole_number(text)
    if value is None or value < minimum:
        raise ValueError(f"{fields.label(key)}: expected an integer >= {minimum}, got {text[:40]!r}")
    return value


def _integers(fields: Fields, key: str) -> list[int]:
    values = [parse_whole_number(part) for part in _value(fields, key).split()]
    if None in values:
        raise ValueError(f"{fields.label(key)}: expected integers, got {_value(fields, key)[:40]!r}")
    return cast("list[int]", values)  # no None among them


def _number(fields: Fields, key: str) -> float:
    text = _value(fields, key)
    number = parse_number(text)
    if number is None:
        raise ValueError(f"{fields.label(key)}: expected a number, got {text[:40]!r}")
    return number


def _rate(fields: Fields, key: str) -> float:
    value = _number(fields, key)
    try:
        return check_rate(key, value)
    except ValueError as error:
        raise ValueError(f"{fields.label(key)}: {error}") from None


def _expect(fields: Fields, key: str, expected: str, why: str) -> None:
    if key in fields and _value(fields, key) != expected:
        raise ValueError(f"{fields.label(key)}: is {_value(fields, key)!r}: {why}")


def _tuples(fields: Fields, key: str, count: int, width: int) -> Iterator[list[str]]:
    """The ``(a, b, ...)`` tuples of a field, one at a time, checked for ``count`` tuples of ``width`` items.

    One at a time, and never more than ``count``: only the numbers read are held.
    """
    found = 0
    for match in _TUPLE.finditer(_value(fields, key)):
        items = [item.strip() for item in match[1].split(",")]
        if found == count:
            raise ValueError(f"{fields.label(key)}: expected {count} groups of {width} numbers, got more")
        if len(items) != width:
            raise ValueError(
                f"{fields.label(key)}: expected {count} groups of {width} numbers, group {found} has {len(items)}"
            )
        found += 1
        yield items
    if found != count:
        raise ValueError(f"{fields.label(key)}: expected {count} groups of {width} numbers, got {found} groups")


def _neurons(fields: Fields, count: int) -> list[tuple[int, int, float]]:
    neurons = []
    for index, (inputs, code, steepness) in enumerate(_tuples(fields, NEURONS_KEY, count, 3)):
        values = (parse_whole_number(inputs), parse_whole_number(code), parse_number(steepness))
        if None in values:
            raise ValueError(
                f"{fields.label(NEURONS_KEY)}: neuron {index}: expected (integer, integer, number), "
                f"got ({inputs}, {code}, {steepness})"
            )
        neurons.append(values)
    return cast("list[tuple[int, int, float]]", neurons)  # no None among them


def _check_fully_connected(fields: Fields, sizes_with_bias: list[int], neurons: list) -> None:
    """Each neuron must have the inputs of a fully connected layer: the whole previous layer, or none (bias, input).

    Checked before any weight is read: a neuron's count of inputs decides how many weights are expected.
    """
    index = 0
    for layer, size in enumerate(sizes_with_bias):
        for j in range(size):
            if j == size - 1:
                inputs, which = 0, f"the bias neuron of layer {layer}"
            elif layer == 0:
                inputs, which = 0, "an input neuron"
            else:
                inputs, which = sizes_with_bias[layer - 1], f"layer {layer}"
            if neurons[index][0] != inputs:
                one_each = f" (one from each neuron of layer {layer - 1}, its bias neuron included)" if inputs else ""
                raise ValueError(
                    f"{fields.label(NEURONS_KEY)}: neuron {index} ({which}) has {neurons[index][0]} "
                    f"inputs, expected {inputs}{one_each}; nncore reads fully connected layered "
                    "networks, not sparse ones (connection_rate < 1)"
                )
            index += 1


def _connections(fields: Fields, count: int, n_neurons: int) -> tuple[np.ndarray, np.ndarray]:
    """The source neuron and the weight of every connection, in the file's order."""
    sources, weights = [], []
    for index, (source, weight) in enumerate(_tuples(fields, CONNECTIONS_KEY, count, 2)):
        neuron, value = parse_whole_number(source), parse_number(weight)
        if neuron is None or value is None:
            raise ValueError(
                f"{fields.label(CONNECTIONS_KEY)}: connection {index}: expected "
                f"(neuron, finite number), got ({source}, {weight})"
            )
        if neuron >= n_neurons:
            raise ValueError(
                f"{fields.label(CONNECTIONS_KEY)}: connection {index} comes from neuron {neuron}, "
                f"but the network has {n_neurons} neurons"
            )
        sources.append(neuron)
        weights.append(value)
    return np.array(sources, dtype=np.int64), np.array(weights, dtype=float)


def read_layers(
    fields: Fields,
    sizes: list[int],
    neurons: list,
    sources: np.ndarray,
    values: np.ndarray,
    activation_of: Callable[[set, int, bool], Any],
) -> tuple[list[Any], list[dict]]:
    """Each non-input layer's activation and ``{"weights", "biases"}`` from the flat neuron and connection lists.

    ``activation_of(kinds, layer, last)`` names a layer's activation from the set of its neurons'
    ``(code, steepness)``, or raises a ValueError.

    Every neuron of a layer has ``n_in + 1`` connections (checked by :func:`_check_fully_connected`), from
    the previous layer's neurons (in any order), the bias neuron last by position.
    """
    activations, layers = [], []
    first_previous, first, position = 0, sizes[0] + 1, 0
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        end = position + n_out * (n_in + 1)
        columns = (sources[position:end] - first_previous).reshape(n_out, n_in + 1)
        outside = (columns < 0) | (columns > n_in)
        if outside.any():
            j, k = np.argwhere(outside)[0]
            raise ValueError(
                f"{fields.label(CONNECTIONS_KEY)}: neuron {first + j} (layer {layer}) is "
                f"connected to neuron {first_previous + columns[j, k]}, outside the previous "
                "layer; only layered networks are read"
            )
        full = np.zeros((n_out, n_in + 1))
        full[np.arange(n_out)[:, None], columns] = values[position:end].reshape(n_out, n_in + 1)
        kinds = {(code, steepness) for _, code, steepness in neurons[first : first + n_out]}
        activations.append(activation_of(kinds, layer, layer == len(sizes) - 1))
        layers.append({"weights": full[:, :n_in], "biases": full[:, n_in]})
        first_previous, first, position = first, first + n_out + 1, end
    return activations, layers


def _nncore_activation(kinds: set, layer: int, last: bool) -> str:
    """nncore's name for a layer's FANN activations (one kind per layer), or a ValueError saying what to set."""
    side = "output" if last else "hidden"
    advice = (
        f"nncore reads FANN_SIGMOID at steepness 0.5 (its sigmoid), FANN_SIGMOID_SYMMETRIC at "
        f"steepness 1 (its tanh) and FANN_LINEAR at steepness 1 (its identity): "
        f"set fann_set_activation_function_{side}(ann, FANN_SIGMOID) and "
        f"fann_set_activation_steepness_{side}(ann, 0.5) before training"
    )
    if len(kinds) != 1:
        raise ValueError(
            f"layer {layer} mixes activations {sorted(_describe_kind(k) for k in kinds)}; "
            f"nncore has one activation per layer: {advice}"
        )
    kind = next(iter(kinds))
    for name, (fann_name, steepness) in ACTIVATIONS.items():
        if kind == (FANN_ACTIVATION_NAMES.index(fann_name), steepness):
            return name
    raise ValueError(f"layer {layer} uses {_describe_kind(kind)}; {advice}")


def _describe_kind(kind: tuple[int, float]) -> str:
    code, steepness = kind
    name = FANN_ACTIVATION_NAMES[code] if code < len(FANN_ACTIVATION_NAMES) else f"activation code {code}"
    return f"{name} at steepness {steepness:g}"


# ---------------------------------------------------------------- training data


def read_data(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """The inputs and targets of a FANN ``.data`` file.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    X, Y : numpy.ndarray
        Shapes ``(num_pairs, num_inputs)`` and ``(num_pairs, num_outputs)``, float64.

    Raises
    ------
    ValueError
        Naming the file and the line: a bad first line, a line with the wrong
        count of numbers, a word that is not a finite number, or missing pairs.
    """
    target = _files.check_path(path)
    lines = _decode(_files.read_file(target), target).splitlines()
    try:
        return _parse_data(lines)
    except ValueError as error:
        raise ValueError(f"{target}: {error}") from None


def _parse_data(lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
    header: list[Any] = [parse_whole_number(part) for part in lines[0].split()] if lines else []
    if len(header) != 3 or None in header or min(header[1:]) < 1:
        raise ValueError(
            f"line 1: expected 'num_pairs num_inputs num_outputs' (integers in ASCII digits, the "
            f"last two >= 1), got {(lines[0] if lines else '')[:60]!r}"
        )
    pairs, n_inputs, n_outputs = header
    if max(n_inputs, n_outputs) > MAX_PARAMETERS:
        raise ValueError(
            f"line 1 announces {n_inputs} inputs and {n_outputs} outputs; a network has at most 2**36 of each"
        )
    found = sum(1 for _ in _lines_of_numbers(lines))
    if found != 2 * pairs:
        raise ValueError(
            f"line 1 announces {pairs} pairs ({2 * pairs} lines of numbers), the file has {found} lines of numbers"
        )
    # Every line's count first: the arrays are allocated only for numbers the file holds.
    for index, (number, line) in enumerate(_lines_of_numbers(lines)):
        count, side = (n_outputs, "outputs") if index % 2 else (n_inputs, "inputs")
        if len(line.split()) != count:
            raise ValueError(f"line {number}: expected {count} {side}, got {len(line.split())} numbers")
    X, Y = np.empty((pairs, n_inputs)), np.empty((pairs, n_outputs))
    for index, (number, line) in enumerate(_lines_of_numbers(lines)):
        (Y if index % 2 else X)[index // 2] = _data_line(number, line)
    return X, Y


def _lines_of_numbers(lines: list[str]) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of every line after the first that is not blank, one at a time."""
    return ((number, line) for number, line in enumerate(itertools.islice(lines, 1, None), start=2) if line.strip())


def _data_line(number: int, line: str) -> list[float]:
    words = line.split()
    values = [parse_number(word) for word in words]
    for word, value in zip(words, values):
        if value is None:
            raise ValueError(f"line {number}: {word[:40]!r} is not a finite number")
    return cast("list[float]", values)  # no None among them


def write_data(path: str | os.PathLike, X: Any, Y: Any) -> None:
    """Write inputs and targets as a FANN ``.data`` file, atomically and without loss.

    Parameters
    ----------
    path : str or os.PathLike
    X : array_like, shape (n_samples, n_inputs)
    Y : array_like, shape (n_samples, n_outputs), or (n_samples,) for one output

    Raises
    ------
    ValueError
        If ``X`` and ``Y`` are not finite 2-D arrays (``Y`` may be 1-D) with the
        same number of rows.
    """
    target = _files.check_path(path)
    inputs = as_float_array(X, "X", 2)
    targets = as_float_array(Y, "Y", 1 if np.ndim(Y) == 1 else 2)
    targets = targets.reshape(-1, 1) if targets.ndim == 1 else targets
    if len(inputs) != len(targets):
        raise ValueError(f"X and Y must have the same number of rows, got {len(inputs)} and {len(targets)}")
    if inputs.shape[1] < 1 or targets.shape[1] < 1:
        raise ValueError(f"X and Y need at least one column each, got shapes {inputs.shape} and {targets.shape}")
    lines = [f"{len(inputs)} {inputs.shape[1]} {targets.shape[1]}"]
    for x, y in zip(inputs.tolist(), targets.tolist()):
        lines.append(" ".join(map(repr, x)))  # repr: the shortest text that reads back as the same double
        lines.append(" ".join(map(repr, y)))
    _files.write_atomically(target, ("\n".join(lines) + "\n").encode("ascii"))
