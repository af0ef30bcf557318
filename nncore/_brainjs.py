"""brain.js and tutorial files: nncore networks to and from their JSON objects.

Three formats are understood:

- brain.js 2's ``NeuralNetwork.toJSON()`` object (written and read)::

    {"type": "NeuralNetwork", "sizes": [2, 3, 1],
     "layers": [{"weights": [], "biases": []},
                {"weights": [[w, w], [w, w], [w, w]], "biases": [b, b, b]},
                {"weights": [[w, w, w]], "biases": [b]}],
     "inputLookup": null, "inputLookupLength": 0, "outputLookup": null, "outputLookupLength": 0,
     "options": {...}, "trainOpts": {"activation": "sigmoid", "learningRate": 0.3, "momentum": 0.1, ...}}

- brain.js 1.x's per-node object (read): ``layers`` is a list of objects keyed by
  node (``{"0": {"bias": b, "weights": {"0": w, "1": w}}, ...}``) and
  ``activation`` sits at the top level.

- the tutorial's ``Network.toJSON()`` (written and read): ``{"learningRate",
  "iterations", "layers"}``, each layer a list of neurons ``{"id", "bias",
  "output", "error", "delta", "inputConnections", "outputConnections"}`` and
  each connection ``{"change", "weight", "from", "to"}`` (neuron ids).

:func:`detect_format` tells which of these (or nncore's own format) a parsed
JSON object is. The readers take the object, JSON text or a file's path.

What each format keeps:

- brain.js stores weights and biases only; the momentum buffer is not saved
  (loading gives zeros, as in brain.js). Its ``trainOpts.iterations`` is a
  limit on training passes, not a count of steps taken, so it is not mapped to
  :attr:`nncore.Network.iterations`; an export writes brain.js's default.
- brain.js keeps weights in ``Float32Array``: a network exported by nncore
  runs in brain.js with its weights rounded to float32, and a network read
  from brain.js holds exactly brain.js's float32 values.
- The tutorial's JSON keeps the weights, biases, every connection's
  ``change`` (the momentum buffer), the learning rate and the step count.
  It has no momentum field (the tutorial uses 0.1): an export does not write
  the network's momentum, and reading gives 0.1 (or the object's
  ``momentum``, if it has one). It is sigmoid only, and it has no names for
  inputs and outputs. An export writes ``output``, ``error`` and ``delta``
  as 0, the values of a fresh tutorial neuron (they are results of the last
  step, which the next one recomputes), and ``bias`` 0 for the input layer.

Every conversion goes through nncore's dictionary format
(:mod:`nncore._serialization`): this module reads and writes plain data, and
:class:`nncore.Network` turns the dictionaries into networks and back.

Numbers must be JSON numbers: ints and floats (numpy's too), finite and
within a float's range. Booleans, strings, ``None``, fractions and decimals
are refused with a ``ValueError`` naming the field.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from nncore import _json, _files, _serialization
from nncore._activations import ACTIVATION_TABLE
from nncore._checks import as_float_array, check_count, check_finite, check_rule_parameter, describe, length_of

TO_BRAINJS_ACTIVATION = {name: activation.brainjs for name, activation in ACTIVATION_TABLE.items()
                         if activation.brainjs is not None}
FROM_BRAINJS_ACTIVATION = {value: key for key, value in TO_BRAINJS_ACTIVATION.items()}
BRAINJS_TYPES = ("NeuralNetwork", "NeuralNetworkGPU")

# brain.js 2's trainDefaults(), the values an export writes for options nncore has no counterpart of.
BRAINJS_TRAIN_DEFAULTS = {
    "iterations": 20000,
    "errorThresh": 0.005,
    "log": False,
    "logPeriod": 10,
    "leakyReluAlpha": 0.01,
    "learningRate": 0.3,
    "momentum": 0.1,
    "callbackPeriod": 10,
    "timeout": "Infinity",
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
}
# brain.js 2's trainOpts.praxis: how its NeuralNetwork moves the weights (absent or null: gradient descent
# with momentum; brain.js writes no praxis then).
TO_BRAINJS_PRAXIS = {"sgd": None, "adam": "adam"}
TUTORIAL_LEARNING_RATE = 0.3
TUTORIAL_MOMENTUM = 0.1


# ---------------------------------------------------------------- nncore -> brain.js 2


def brainjs_from_dict(data: dict) -> dict:
    """brain.js 2's ``toJSON()`` object for a network in nncore's dictionary format.

    See :meth:`nncore.Network.to_brainjs` for the layout and the errors.
    """
    state = _serialization.read_dict(data)
    activation = _single_activation(state.activations)
    _check_mse("brain.js's NeuralNetwork", state.loss)
    praxis = _brainjs_praxis(state.optimizer, state.rule_parameters)
    learning_rate = _open_unit("learning_rate", "learningRate", state.learning_rate)
    if state.optimizer == "sgd":
        momentum = _open_unit("momentum", "momentum", state.momentum)
    else:  # unused by Adam; brain.js checks it all the same
        momentum = BRAINJS_TRAIN_DEFAULTS["momentum"]
    if ACTIVATION_TABLE[activation].uses_alpha:
        alpha = _open_unit("leaky_relu_alpha", "leakyReluAlpha", state.leaky_relu_alpha)
    else:  # unused by the other activations; brain.js checks it all the same
        alpha = state.leaky_relu_alpha
        if not 0.0 < alpha < 1.0:
            alpha = BRAINJS_TRAIN_DEFAULTS["leakyReluAlpha"]
    sizes = list(state.sizes)
    layers = [{"weights": [], "biases": []}] + [
        {"weights": weights.tolist(), "biases": biases.tolist()} for weights, biases, _ in state.layers
    ]
    train_opts = {"activation": TO_BRAINJS_ACTIVATION[activation], **BRAINJS_TRAIN_DEFAULTS}
    train_opts.update(leakyReluAlpha=alpha, learningRate=learning_rate, momentum=momentum, **praxis)
    return {
        "type": "NeuralNetwork",
        "sizes": sizes,
        "layers": layers,
        "inputLookup": _lookup(state.input_names),
        "inputLookupLength": len(state.input_names) if state.input_names else 0,
        "outputLookup": _lookup(state.output_names),
        "outputLookupLength": len(state.output_names) if state.output_names else 0,
        "options": {
            "inputSize": sizes[0],
            "outputSize": sizes[-1],
            "binaryThresh": 0.5,
            "hiddenLayers": sizes[1:-1],
        },
        "trainOpts": train_opts,
    }


def _single_activation(activations: tuple[str, ...]) -> str:
    missing = [name for name in activations if name not in TO_BRAINJS_ACTIVATION]
    if missing:
        raise ValueError(
            f"brain.js's NeuralNetwork has no activation {missing[0]!r}; it has "
            f"{list(TO_BRAINJS_ACTIVATION)}, as nncore calls them"
        )
    if len(set(activations)) != 1:
        raise ValueError(
            "brain.js uses one activation for every layer; this network has one per layer "
            f"{list(activations)}, which brain.js cannot express"
        )
    return activations[0]


def _check_mse(format_name: str, loss: str) -> None:
    """Refuse a network trained on another loss than the squared error, the only one ``format_name`` has."""
    if loss != "mse":
        raise ValueError(
            f"{format_name} trains on the squared error only (loss 'mse'); this network's loss is {loss!r}, "
            "which it cannot express"
        )


def _brainjs_praxis(optimizer: str, parameters: dict) -> dict:
    """trainOpts' ``praxis`` (and Adam's parameters) for a network's optimizer, or a ValueError."""
    if optimizer not in TO_BRAINJS_PRAXIS:
        raise ValueError(f"brain.js's NeuralNetwork has no optimizer {optimizer!r} (its praxis is gradient "
                         "descent with momentum or 'adam')")
    if parameters.get("weight_decay", 0.0) != 0.0:
        raise ValueError(f"brain.js's NeuralNetwork has no weight decay; this network's weight_decay is "
                         f"{parameters['weight_decay']!r} (set it to 0 before exporting)")
    if optimizer == "adam":
        return {"praxis": "adam", "beta1": parameters["beta1"], "beta2": parameters["beta2"],
                "epsilon": parameters["epsilon"]}
    return {}


def _open_unit(name: str, brainjs_name: str, value: float) -> float:
    if not 0.0 < value < 1.0:
        raise ValueError(
            f"brain.js loads only a {brainjs_name} strictly between 0 and 1; this network's "
            f"{name} is {value!r} (change it before exporting)"
        )
    return value


# ---------------------------------------------------------------- brain.js 2 and 1.x -> nncore


def dict_from_brainjs(obj: Any) -> dict:
    """nncore's dictionary for brain.js's ``NeuralNetwork.toJSON()`` output, every field checked.

    Parameters
    ----------
    obj : dict, str, bytes or os.PathLike
        brain.js 2's object (``type``, ``sizes``, ``layers`` of
        ``{"weights", "biases"}``, ``inputLookup``/``outputLookup``,
        ``trainOpts``) or brain.js 1.x's per-node object (``layers`` of
        ``{"<node>": {"bias", "weights": {...}}}``, ``activation``): parsed,
        as JSON text, or in a file. A ``str`` whose first non-blank character
        is ``{`` or ``[`` is JSON text; any other ``str`` is a file's path.

    Returns
    -------
    dict
        nncore's dictionary format (:mod:`nncore._serialization`): the same
        sizes, weights, biases, activation, learning rate, momentum and
        ``leaky_relu`` slope; no momentum buffer and ``iterations == 0``.
        brain.js 2's lookups become ``input_names``/``output_names``.
        ``options``, ``trainOpts.iterations`` and the other training options
        are not used.

    Raises
    ------
    ValueError
        Naming the first missing or malformed field (and the file, if read
        from one); or for a ``str`` holding ``{``, ``[`` or a line break that
        is neither JSON text nor an existing file's path.
    TypeError
        If ``obj`` is none of the above.
    """
    return _convert(obj, "brain.js data", "brainjs", _dict_from_brainjs)


def _dict_from_brainjs(data: dict) -> dict:
    layers = _field(data, "layers", "brain.js")
    if not isinstance(layers, list) or (length_of(layers) or 0) < 2:
        raise ValueError(f"brain.js data: field 'layers' must be a list of at least 2 layers, got {describe(layers)}")
    if _is_per_node(data):
        return _from_brainjs_1(data)
    return _from_brainjs_2(data)


def _is_per_node(data: dict) -> bool:
    """True for brain.js 1.x's layout, whose layers map node names to nodes."""
    if "type" in data:
        return False
    last = data["layers"][-1]
    return isinstance(last, dict) and "biases" not in last and "weights" not in last


def _from_brainjs_2(data: dict) -> dict:
    where = "brain.js data"
    kind = data.get("type", "NeuralNetwork")
    if kind not in BRAINJS_TYPES:
        raise ValueError(f"{where}: field 'type' must be one of {list(BRAINJS_TYPES)}, got {describe(kind)}")
    sizes = _sizes(_field(data, "sizes", "brain.js"), where)
    input_names = _names_from_lookup(data, "inputLookup", sizes[0], where)
    output_names = _names_from_lookup(data, "outputLookup", sizes[-1], where)
    options = data.get("options")
    if options is not None and not isinstance(options, dict):
        raise ValueError(f"{where}: field 'options' must be an object, got {describe(options)}")
    layers_data = data["layers"]
    if len(layers_data) != len(sizes):
        raise ValueError(
            f"{where}: field 'layers' must have {len(sizes)} entries (one per size, input layer first), "
            f"got {len(layers_data)}"
        )
    layers = []
    for index, layer in enumerate(layers_data):
        name = f"layers[{index}]"
        if not isinstance(layer, dict):
            raise ValueError(
                f"{where}: field {name!r} must be an object with weights and biases, got {describe(layer)}"
            )
        weights_data = _field(layer, "weights", "brain.js", f"{name}.")
        biases_data = _field(layer, "biases", "brain.js", f"{name}.")
        if index == 0:  # the input layer has no parameters; brain.js writes empty lists
            if not (_empty(weights_data) and _empty(biases_data)):
                raise ValueError(f"{where}: field '{name}' (the input layer) must have empty weights and biases")
            continue
        weights = _reals(weights_data, f"{name}.weights", (sizes[index], sizes[index - 1]), where)
        biases = _reals(biases_data, f"{name}.biases", (sizes[index],), where)
        layers.append({"weights": weights, "biases": biases})
    options = data.get("trainOpts", {})
    if not isinstance(options, dict):
        raise ValueError(f"{where}: field 'trainOpts' must be an object, got {describe(options)}")
    activation = _brainjs_activation(options.get("activation", "sigmoid"), "trainOpts.activation", where)
    optimizer, parameters = _praxis_of(options, where)
    return _nncore_dict(
        sizes, activation, layers,
        learning_rate=_rate(options, "learningRate", BRAINJS_TRAIN_DEFAULTS["learningRate"], "trainOpts.", where),
        momentum=_rate(options, "momentum", BRAINJS_TRAIN_DEFAULTS["momentum"], "trainOpts.", where)
        if optimizer == "sgd" else 0.0,
        leaky_relu_alpha=_real(options.get("leakyReluAlpha", BRAINJS_TRAIN_DEFAULTS["leakyReluAlpha"]),
                               "trainOpts.leakyReluAlpha", where),
        input_names=input_names, output_names=output_names, optimizer=optimizer, rule_parameters=parameters,
    )


def _praxis_of(options: dict, where: str) -> tuple[str, dict]:
    """nncore's optimizer and its parameters from brain.js 2's trainOpts.praxis, beta1, beta2, epsilon."""
    praxis = options.get("praxis")
    if praxis is None or praxis == "":
        return "sgd", {}
    if praxis != "adam":
        raise ValueError(f"{where}: field 'trainOpts.praxis' must be null or 'adam', got {describe(praxis)}")
    parameters = {}
    for name in ("beta1", "beta2", "epsilon"):
        value = _real(options.get(name, BRAINJS_TRAIN_DEFAULTS[name]), f"trainOpts.{name}", where)
        try:
            parameters[name] = check_rule_parameter(name, value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{where}: field 'trainOpts.{name}': {error}") from None
    return "adam", parameters


def _from_brainjs_1(data: dict) -> dict:
    where = "brain.js data"
    layers_data = data["layers"]
    for index, layer in enumerate(layers_data):
        if not isinstance(layer, dict):
            raise ValueError(f"{where}: field 'layers[{index}]' must be an object of nodes, got {describe(layer)}")
    # 1.x keys the input and output layers by name when it has lookups; numbered keys are positions.
    for flag, index in (("inputLookup", 0), ("outputLookup", len(layers_data) - 1)):
        if not _numbered(layers_data[index]):
            raise ValueError(
                f"{where}: field {flag!r}: the network has named "
                f"{'inputs' if index == 0 else 'outputs'} (layers[{index}] is keyed by "
                f"{list(layers_data[index])[:5]}); nncore works on arrays, so rename the keys to "
                "0, 1, 2, ... in the order wanted and set the flag to false"
            )
    for index, layer in enumerate(layers_data):
        if not _numbered(layer):
            raise ValueError(
                f"{where}: field 'layers[{index}]' must be keyed by node numbers \"0\" to "
                f"\"{len(layer) - 1}\", got keys {list(layer)[:5]}"
            )
    sizes = [len(layer) for layer in layers_data]
    if "sizes" in data and data["sizes"] != sizes:
        given = _sizes(data["sizes"], where)
        raise ValueError(f"{where}: field 'sizes' is {list(given)} but the layers hold {sizes} nodes")
    _sizes(sizes, where)
    layers = []
    for index in range(1, len(layers_data)):
        n_out, n_in = sizes[index], sizes[index - 1]
        weights, biases = np.empty((n_out, n_in)), np.empty(n_out)
        for j in range(n_out):
            name = f'layers[{index}]["{j}"]'
            node = layers_data[index][str(j)]
            if not isinstance(node, dict):
                raise ValueError(
                    f"{where}: field {name!r} must be an object with bias and weights, got {describe(node)}"
                )
            biases[j] = _real(_field(node, "bias", "brain.js", f"{name}."), f"{name}.bias", where)
            node_weights = _field(node, "weights", "brain.js", f"{name}.")
            if not isinstance(node_weights, dict) or not _numbered(node_weights) or len(node_weights) != n_in:
                raise ValueError(
                    f"{where}: field '{name}.weights' must map each of the {n_in} nodes of the previous "
                    f'layer ("0" to "{n_in - 1}") to a weight, got {describe(node_weights)}'
                )
            for k in range(n_in):
                weights[j, k] = _real(node_weights[str(k)], f'{name}.weights["{k}"]', where)
        layers.append({"weights": weights, "biases": biases})
    options = data.get("trainOpts", {})
    if not isinstance(options, dict):
        raise ValueError(f"{where}: field 'trainOpts' must be an object, got {describe(options)}")
    # 1.x leaves out options that are 0 or false, so a missing one means brain.js's default.
    return _nncore_dict(
        sizes, _brainjs_activation(data.get("activation", "sigmoid"), "activation", where), layers,
        learning_rate=_rate(options, "learningRate", BRAINJS_TRAIN_DEFAULTS["learningRate"], "trainOpts.", where),
        momentum=_rate(options, "momentum", BRAINJS_TRAIN_DEFAULTS["momentum"], "trainOpts.", where),
        leaky_relu_alpha=_real(data.get("leakyReluAlpha", BRAINJS_TRAIN_DEFAULTS["leakyReluAlpha"]),
                               "leakyReluAlpha", where),
    )


def _empty(value: object) -> bool:
    """True for what brain.js writes as the input layer's parameters: an empty list, or null."""
    return value is None or (isinstance(value, list) and not value)


def _numbered(nodes: dict) -> bool:
    """True when the keys of a per-node object are exactly '0', '1', ... in some order."""
    return set(nodes) == {str(index) for index in range(len(nodes))}


def _lookup(names: tuple[str, ...] | None) -> dict | None:
    """brain.js's lookup table (name to column) for a network's names."""
    return None if names is None else {name: column for column, name in enumerate(names)}


def _names_from_lookup(data: dict, field: str, size: int, where: str) -> list[str] | None:
    """Column names from a brain.js 2 lookup ``{name: column}``, or None when there is none.

    No lookup is ``null`` (what brain.js writes), a missing field, ``false`` or
    ``{}``. A lookup must give each of the ``size`` columns one name, and
    ``<field>Length``, unless null or missing, must be its number of names (0
    without one).
    """
    lookup = data.get(field)
    if lookup is None or lookup is False or (isinstance(lookup, dict) and not lookup):
        names = None
    elif not isinstance(lookup, dict):
        raise ValueError(
            f"{where}: field {field!r} must be an object mapping names to columns, or null, got {describe(lookup)}"
        )
    else:
        names = _lookup_names(lookup, field, size, where)
    _check_lookup_length(data, field, 0 if names is None else len(names), where)
    return names


def _lookup_names(lookup: dict, field: str, size: int, where: str) -> list[str]:
    for name, column in lookup.items():
        if not isinstance(name, str):
            raise ValueError(f"{where}: field {field!r} must have names (strings) as keys, got {describe(name)}")
        if not isinstance(column, (int, np.integer)) or isinstance(column, bool):
            raise ValueError(
                f"{where}: {field}[{name!r}] must be a column number (an integer), got {describe(column)}"
            )
    columns = sorted(int(column) for column in lookup.values())
    if len(columns) != size or columns != list(range(size)):  # the length first: size may be huge
        raise ValueError(
            f"{where}: field {field!r} must map {size} names to the columns 0..{size - 1} (each once), "
            f"got columns {columns[:10]}"
        )
    return sorted(lookup, key=lookup.__getitem__)


def _check_lookup_length(data: dict, field: str, count: int, where: str) -> None:
    length_field = f"{field}Length"
    length = data.get(length_field)
    if length is None:  # some brain.js versions write null
        return
    if not isinstance(length, (int, np.integer)) or isinstance(length, bool) or length != count:
        raise ValueError(
            f"{where}: field {length_field!r} must be {count}, the number of names in {field!r} "
            f"(or null), got {describe(length)}"
        )


def _brainjs_activation(name: object, field: str, where: str) -> str:
    if not isinstance(name, str) or name not in FROM_BRAINJS_ACTIVATION:
        raise ValueError(
            f"{where}: field {field!r} must be one of {list(FROM_BRAINJS_ACTIVATION)}, got {describe(name)}"
        )
    return FROM_BRAINJS_ACTIVATION[name]


# ---------------------------------------------------------------- nncore -> the tutorial


def tutorial_json_from_dict(data: dict) -> dict:
    """The tutorial's ``Network.toJSON()`` object for a network in nncore's dictionary format.

    See :meth:`nncore.Network.to_tutorial_json` for the layout and what is kept.

    Raises
    ------
    ValueError
        If a layer is not sigmoid (the tutorial's network is sigmoid only), or
        ``data`` is not a valid network dictionary.
    """
    state = _serialization.read_dict(data)
    if set(state.activations) != {"sigmoid"}:
        raise ValueError(
            "the tutorial's network is sigmoid only; this network's layers use "
            f"{list(state.activations)}, which the tutorial's JSON cannot express"
        )
    _check_mse("the tutorial's network", state.loss)
    ids = [[f"n{index}-{j}" for j in range(size)] for index, size in enumerate(state.sizes)]
    layers = [[_tutorial_neuron(neuron_id) for neuron_id in layer_ids] for layer_ids in ids]
    for index, (weights, biases, changes) in enumerate(state.layers, start=1):
        for j, neuron in enumerate(layers[index]):
            neuron["bias"] = float(biases[j])
            for k, source in enumerate(layers[index - 1]):
                connection = {"change": float(changes[j, k]), "weight": float(weights[j, k]),
                              "from": ids[index - 1][k], "to": ids[index][j]}
                # One connection, listed by both neurons (the tutorial shares one object between them).
                neuron["inputConnections"].append(connection)
                source["outputConnections"].append(dict(connection))
    return {"learningRate": state.learning_rate, "iterations": state.iterations, "layers": layers}


def _tutorial_neuron(neuron_id: str) -> dict:
    """A neuron as the tutorial's ``Neuron.toJSON()`` writes it, before its bias and connections are set."""
    return {"id": neuron_id, "delta": 0.0, "output": 0.0, "error": 0.0, "bias": 0.0,
            "inputConnections": [], "outputConnections": []}


# ---------------------------------------------------------------- the tutorial -> nncore


def dict_from_tutorial_json(obj: Any) -> dict:
    """nncore's dictionary for the tutorial's ``Network.toJSON()`` output, every field checked.

    Parameters
    ----------
    obj : dict, str, bytes or os.PathLike
        ``{"learningRate", "iterations", "layers"}``, each layer a list of
        neurons ``{"bias", "inputConnections": [{"weight", "change"}, ...],
        "outputConnections": [...], ...}``: parsed, as JSON text, or in a
        file. A ``str`` whose first non-blank character is ``{`` or ``[`` is
        JSON text; any other ``str`` is a file's path. Neuron ``i`` of a
        layer holds in ``inputConnections[k]`` its connection from neuron
        ``k`` of the previous layer (the tutorial's ``connectLayers`` order).
        ``outputConnections``, neuron ``id`` and connection ``from``/``to``
        are optional; when present they must agree with the input
        connections. ``output``, ``error`` and ``delta`` are ignored.

    Returns
    -------
    dict
        nncore's dictionary format: sigmoid layers with the tutorial's
        weights, biases and changes (the momentum buffer), its learning rate
        and step count, and momentum 0.1 (or the object's ``momentum`` field,
        if it has one).

    Raises
    ------
    ValueError
        Naming the first missing or malformed field (and the file, if read
        from one); or for a ``str`` holding ``{``, ``[`` or a line break that
        is neither JSON text nor an existing file's path.
    TypeError
        If ``obj`` is none of the above.
    """
    return _convert(obj, "tutorial data", "tutorial", _dict_from_tutorial_json)


def _dict_from_tutorial_json(data: dict) -> dict:
    where = "tutorial data"
    layers_data = _field(data, "layers", "tutorial")
    if not isinstance(layers_data, list) or (length_of(layers_data) or 0) < 2:
        raise ValueError(f"{where}: field 'layers' must be a list of at least 2 layers, got {describe(layers_data)}")
    for index, layer in enumerate(layers_data):
        if not isinstance(layer, list):
            raise ValueError(f"{where}: field 'layers[{index}]' must be a list of neurons, got {describe(layer)}")
        for j, neuron in enumerate(layer):
            if not isinstance(neuron, dict):
                raise ValueError(
                    f"{where}: field 'layers[{index}][{j}]' must be a neuron object, got {describe(neuron)}"
                )
    sizes = _sizes([len(layer) for layer in layers_data], where)
    for j, neuron in enumerate(layers_data[0]):
        if not _empty(neuron.get("inputConnections")):
            raise ValueError(f"{where}: field 'layers[0][{j}].inputConnections' must be empty (input layer)")
    layers = [_tutorial_layer(layers_data, index, where) for index in range(1, len(sizes))]
    for index in range(len(sizes)):
        _check_output_connections(layers_data, layers, index, where)
    return _nncore_dict(
        sizes, "sigmoid", layers,
        learning_rate=_rate(data, "learningRate", TUTORIAL_LEARNING_RATE, "", where),
        momentum=_rate(data, "momentum", TUTORIAL_MOMENTUM, "", where),
        iterations=_iterations(data.get("iterations", 0), where),
    )


def _iterations(value: object, where: str) -> int:
    """The tutorial's step count: a whole number (JavaScript has no integers: ``7.0`` is 7)."""
    count = int(value) if isinstance(value, (float, np.floating)) and float(value).is_integer() else value
    try:
        return check_count("iterations", count, minimum=0)
    except (TypeError, ValueError):
        raise ValueError(
            f"{where}: field 'iterations' must be a whole number from 0 to 2**62, got {describe(value)}"
        ) from None


def _tutorial_layer(layers_data: list, index: int, where: str) -> dict:
    previous, neurons = layers_data[index - 1], layers_data[index]
    n_in = len(previous)
    weights, changes, biases = np.empty((len(neurons), n_in)), np.zeros((len(neurons), n_in)), np.empty(len(neurons))
    for j, neuron in enumerate(neurons):
        name = f"layers[{index}][{j}]"
        biases[j] = _real(_field(neuron, "bias", "tutorial", f"{name}."), f"{name}.bias", where)
        connections = _field(neuron, "inputConnections", "tutorial", f"{name}.")
        if not isinstance(connections, list) or len(connections) != n_in:
            raise ValueError(
                f"{where}: field '{name}.inputConnections' must list {n_in} connections (one from each "
                f"neuron of layer {index - 1}), got {describe(connections)}"
            )
        for k, connection in enumerate(connections):
            field = f"{name}.inputConnections[{k}]"
            weights[j, k], changes[j, k] = _connection(connection, field, where)
            _check_ends(connection, previous[k], neuron, field, where)
    return {"weights": weights, "biases": biases, "changes": changes}


def _connection(connection: object, field: str, where: str) -> tuple[float, float]:
    if not isinstance(connection, dict):
        raise ValueError(f"{where}: field {field!r} must be a connection object, got {describe(connection)}")
    weight = _real(_field(connection, "weight", "tutorial", f"{field}."), f"{field}.weight", where)
    change = _real(connection.get("change", 0.0), f"{field}.change", where)
    return weight, change


def _check_ends(connection: dict, source: dict, target: dict, field: str, where: str) -> None:
    """When ids are present, a connection must run from ``source`` to ``target``."""
    for end, neuron in (("from", source), ("to", target)):
        if end in connection and "id" in neuron and connection[end] != neuron["id"]:
            raise ValueError(
                f"{where}: field '{field}.{end}' is {describe(connection[end])} but that neuron's id is "
                f"{describe(neuron['id'])}: connections must be listed in the order of the neurons they link"
            )


def _check_output_connections(layers_data: list, layers: list[dict], index: int, where: str) -> None:
    """Each ``outputConnections`` list, if present, must repeat the next layer's input connections."""
    following = layers_data[index + 1] if index + 1 < len(layers_data) else []
    for k, neuron in enumerate(layers_data[index]):
        name = f"layers[{index}][{k}].outputConnections"
        connections = neuron.get("outputConnections")
        if connections is None:
            continue
        if not isinstance(connections, list) or len(connections) != len(following):
            raise ValueError(
                f"{where}: field {name!r} must list {len(following)} connections (one to each neuron of "
                f"the next layer), got {describe(connections)}"
            )
        for j, connection in enumerate(connections):
            field = f"{name}[{j}]"
            weight, change = _connection(connection, field, where)
            _check_ends(connection, neuron, following[j], field, where)
            expected = float(layers[index]["weights"][j, k]), float(layers[index]["changes"][j, k])
            if (weight, change) != expected:
                raise ValueError(
                    f"{where}: field {field!r} has weight {weight!r} and change {change!r} but the same "
                    f"connection in 'layers[{index + 1}][{j}].inputConnections[{k}]' has {expected[0]!r} "
                    f"and {expected[1]!r}"
                )


# ---------------------------------------------------------------- shared checks


def _nncore_dict(sizes: list[int], activation: str, layers: list[dict], *, learning_rate: float,
                 momentum: float, leaky_relu_alpha: float = _serialization.DEFAULT_LEAKY_RELU_ALPHA,
                 iterations: int = 0, input_names: list[str] | None = None,
                 output_names: list[str] | None = None, optimizer: str = "sgd",
                 rule_parameters: dict | None = None) -> dict:
    return _serialization.make_dict(
        sizes, [activation] * (len(sizes) - 1), learning_rate, momentum, iterations, layers, leaky_relu_alpha,
        input_names=input_names, output_names=output_names, optimizer=optimizer, rule_parameters=rule_parameters,
    )


_JSON_TEXT = re.compile(r"[ \t\r\n]*[\[{]")
_BROKEN_TEXT = re.compile(r"[\[{\n]")  # in a str read as a path: more likely JSON text with junk in front
_FORMAT_NAMES = {"nncore": "nncore's format", "brainjs": "brain.js's toJSON()", "tutorial": "the tutorial's toJSON()"}
_READERS = {"nncore": "Network.from_dict (or nncore.load)", "brainjs": "Network.from_brainjs",
            "tutorial": "Network.from_tutorial_json"}


def detect_format(obj: object) -> str:
    """Which network format a parsed JSON value is in.

    Parameters
    ----------
    obj : object
        A parsed JSON value.

    Returns
    -------
    str
        ``"nncore"`` (an object with a ``format`` field), ``"brainjs"``
        (brain.js 2 or 1.x: an object with ``type``, ``sizes`` or
        ``trainOpts``, or whose ``layers`` are objects) or ``"tutorial"`` (an
        object whose ``layers`` are lists of neurons). Only the shape is
        looked at; the reader of the format checks every field.

    Raises
    ------
    ValueError
        Saying what ``obj`` looks like and what was expected.
    """
    if isinstance(obj, dict):
        if "format" in obj:
            return "nncore"
        if any(key in obj for key in ("type", "sizes", "trainOpts")):
            return "brainjs"
        layers = obj.get("layers")
        if isinstance(layers, list) and layers:
            if all(isinstance(layer, list) for layer in layers):
                return "tutorial"
            if all(isinstance(layer, dict) for layer in layers):
                return "brainjs"
    raise ValueError(
        f"expected a network: nncore's format (an object with \"format\": \"nncore\"), brain.js's "
        f"toJSON() (an object with \"sizes\" and \"layers\" of objects) or the tutorial's toJSON() (an "
        f"object with \"layers\" of lists of neurons); got {_what(obj)}"
    )


def _what(obj: object) -> str:
    if isinstance(obj, dict):
        keys = list(obj)
        more = ", ..." if len(keys) > 8 else ""
        shown = ", ".join(repr(key) for key in keys[:8])
        return f"an object with the keys [{shown}{more}]" if keys else "an empty object"
    kinds = ((list, "an array"), (str, "a string"), (bool, "a boolean"), ((int, float), "a number"))
    kind = next((text for types, text in kinds if isinstance(obj, types)), type(obj).__name__)
    return f"{kind} ({describe(obj)})" if obj is not None else "null"


def _convert(obj: Any, source: str, expected: str, convert) -> dict:
    """``convert(data)`` for the object ``obj`` holds; a file's errors name the file."""
    data, path = _read_object(obj, source)
    try:
        if not isinstance(data, dict):
            raise ValueError(f"{source} must be a JSON object, got {_what(data)}")
        _json.check_plain(data, source)
        _check_not_other_format(data, source, expected)
        return convert(data)
    except ValueError as error:
        if path is None:
            raise
        raise ValueError(f"{path}: {error}") from None


def _read_object(obj: Any, source: str) -> tuple[object, str | None]:
    """The parsed value ``obj`` stands for, and the path it was read from (None if not a file)."""
    if isinstance(obj, dict):
        return obj, None
    if isinstance(obj, (bytes, bytearray)) or (isinstance(obj, str) and _JSON_TEXT.match(obj)):
        return _json.parse(obj, source), None
    if isinstance(obj, (str, os.PathLike)):
        path = _files.check_path(obj)
        if isinstance(obj, str) and _BROKEN_TEXT.search(obj) and not os.path.exists(path):
            raise ValueError(
                f"{source} is neither JSON text (a str whose first non-blank character is {{ or [) nor the "
                f"path of an existing file, got {describe(obj)}"
            )
        return _files.read_json(path), path
    raise TypeError(
        f"{source} must be a dict (a parsed JSON object), JSON text or a file's path, got {describe(obj)}"
    )


def _check_not_other_format(data: dict, source: str, expected: str) -> None:
    """Point to the right reader when ``data`` is clearly in another format."""
    try:
        found = detect_format(data)
    except ValueError:  # no clear format: the reader's own checks name the field
        return
    if found != expected:
        raise ValueError(
            f"{source}: this is {_FORMAT_NAMES[found]}, not {_FORMAT_NAMES[expected]}; "
            f"read it with {_READERS[found]}"
        )


def _field(data: dict, key: str, source: str, prefix: str = "") -> Any:
    if key not in data:
        raise ValueError(f"{source} data: missing field '{prefix}{key}'")
    return data[key]


def _sizes(sizes: object, where: str) -> list[int]:
    try:
        return list(_serialization.check_sizes(sizes))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: field 'sizes': {error}") from None


def _is_json_number(value: object) -> bool:
    """True for what a JSON number parses to: ints and floats (numpy's too), not bools or fractions."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _real(value: object, field: str, where: str) -> float:
    if not _is_json_number(value):
        raise ValueError(f"{where}: field {field!r} must be a finite number, got {describe(value)}")
    try:
        return check_finite(field, value)
    except ValueError:  # infinite, NaN, or too large for a float
        raise ValueError(f"{where}: field {field!r} must be a finite number, got {describe(value)}") from None


def _rate(data: dict, key: str, default: float, prefix: str, where: str) -> float:
    value = _real(data.get(key, default), prefix + key, where)
    if value < 0.0:
        raise ValueError(f"{where}: field '{prefix}{key}' must be >= 0, got {value!r}")
    return value


def _reals(value: object, field: str, shape: tuple[int, ...], where: str) -> np.ndarray:
    """``value`` as a float64 array of ``shape`` holding finite JSON numbers, or a ValueError."""
    rows = value if len(shape) == 2 else [value]
    ok = isinstance(value, list) and len(value) == shape[0] and all(
        isinstance(row, list) and len(row) == shape[-1] and all(_is_json_number(x) for x in row) for row in rows
    )
    if not ok:
        raise ValueError(f"{where}: field {field!r} must be numbers of shape {shape}, got {describe(value)}")
    try:
        return as_float_array(value, f"field {field!r}", len(shape))
    except (TypeError, ValueError) as error:  # infinite, NaN, or too large for a float
        raise ValueError(f"{where}: {error}") from None
