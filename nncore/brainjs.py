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

- the tutorial's ``Network.toJSON()`` (read): ``{"learningRate", "iterations",
  "layers"}``, each layer a list of neurons ``{"bias", "output", "error",
  "inputConnections", "outputConnections", ...}`` and each connection
  ``{"weight", "change", ...}``.

What each format keeps:

- brain.js stores weights and biases only; the momentum buffer is not saved
  (loading gives zeros, as in brain.js). Its ``trainOpts.iterations`` is a
  limit on training passes, not a count of steps taken, so it is not mapped to
  :attr:`nncore.Network.iterations`; an export writes brain.js's default.
- brain.js keeps weights in ``Float32Array``: a network exported by nncore
  runs in brain.js with its weights rounded to float32, and a network read
  from brain.js holds exactly brain.js's float32 values.
- The tutorial's JSON keeps every connection's ``change`` and the step count;
  it has no momentum field (the tutorial uses 0.1) and is sigmoid only.

Every conversion goes through nncore's dictionary format
(:mod:`nncore.serialization`), so a network read here is built by
:meth:`nncore.Network.from_dict`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from nncore import serialization
from nncore._checks import check_finite, describe, is_real_number

if TYPE_CHECKING:
    from nncore.network import Network

TO_BRAINJS_ACTIVATION = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky-relu"}
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
TUTORIAL_LEARNING_RATE = 0.3
TUTORIAL_MOMENTUM = 0.1


# ---------------------------------------------------------------- nncore -> brain.js 2


def to_brainjs(net: Network) -> dict:
    """The network as brain.js 2's ``NeuralNetwork.toJSON()`` object.

    ``new brain.NeuralNetwork().fromJSON(obj)`` in JavaScript (after
    ``JSON.stringify``/``JSON.parse``) gives a network computing the same
    function, with its weights rounded to float32.

    Parameters
    ----------
    net : nncore.Network

    Returns
    -------
    dict
        JSON-compatible: ``type``, ``sizes``, ``layers`` (the input layer with
        empty ``weights`` and ``biases``, then one ``{"weights", "biases"}``
        per layer, ``weights[j][k]`` from neuron ``k`` of the previous layer to
        neuron ``j``), the lookups (``{name: column}`` from the network's
        ``input_names``/``output_names``, else ``null``), ``options`` and ``trainOpts``
        (``activation``, ``learningRate``, ``momentum``, ``leakyReluAlpha``
        and brain.js's defaults for the rest).

    Raises
    ------
    ValueError
        If brain.js cannot express the network: different activations per
        layer, or a learning rate, momentum or ``leaky_relu`` slope outside
        the open interval (0, 1), which brain.js refuses to load.
    """
    return brainjs_from_dict(net.to_dict())


def brainjs_from_dict(data: dict) -> dict:
    """brain.js 2's ``toJSON()`` object for a network in nncore's dictionary format."""
    state = serialization.read_dict(data)
    activation = _single_activation(state.activations)
    learning_rate = _open_unit("learning_rate", "learningRate", state.learning_rate)
    momentum = _open_unit("momentum", "momentum", state.momentum)
    if activation == "leaky_relu":
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
    train_opts.update(leakyReluAlpha=alpha, learningRate=learning_rate, momentum=momentum)
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
    if len(set(activations)) != 1:
        raise ValueError(
            "brain.js uses one activation for every layer; this network has one per layer "
            f"{list(activations)}, which brain.js cannot express"
        )
    return activations[0]


def _open_unit(name: str, brainjs_name: str, value: float) -> float:
    if not 0.0 < value < 1.0:
        raise ValueError(
            f"brain.js loads only a {brainjs_name} strictly between 0 and 1; this network's "
            f"{name} is {value!r} (change it before exporting)"
        )
    return value


# ---------------------------------------------------------------- brain.js 2 and 1.x -> nncore


def from_brainjs(obj: Any) -> Network:
    """A network from brain.js's ``NeuralNetwork.toJSON()`` output.

    Parameters
    ----------
    obj : dict or str
        brain.js 2's object (``type``, ``sizes``, ``layers`` of
        ``{"weights", "biases"}``, ``trainOpts``) or brain.js 1.x's per-node
        object (``layers`` of ``{"<node>": {"bias", "weights": {...}}}``,
        ``activation``), parsed or as JSON text.

    Returns
    -------
    nncore.Network
        Same sizes, weights, biases, activation, learning rate, momentum and
        ``leaky_relu`` slope; a zero momentum buffer and ``iterations == 0``.

    Raises
    ------
    ValueError
        Naming the first missing or malformed field. brain.js 2's lookups
        (``inputLookup``/``outputLookup``) become the network's
        ``input_names``/``output_names``.
    """
    from nncore.network import Network

    return Network.from_dict(dict_from_brainjs(obj))


def dict_from_brainjs(obj: Any) -> dict:
    """nncore's dictionary for a brain.js 2 or 1.x ``toJSON()`` object, every field checked."""
    data = _parse(obj, "brain.js")
    layers = _field(data, "layers", "brain.js")
    if not isinstance(layers, list) or len(layers) < 2:
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
        raise ValueError(f"{where}: field 'type' must be one of {list(BRAINJS_TYPES)}, got {kind!r}")
    sizes = _sizes(_field(data, "sizes", "brain.js"), where)
    input_names = _names_from_lookup(data, "inputLookup", sizes[0], where)
    output_names = _names_from_lookup(data, "outputLookup", sizes[-1], where)
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
            if weights_data not in ([], None) or biases_data not in ([], None):
                raise ValueError(f"{where}: field '{name}' (the input layer) must have empty weights and biases")
            continue
        weights = _reals(weights_data, f"{name}.weights", (sizes[index], sizes[index - 1]), where)
        biases = _reals(biases_data, f"{name}.biases", (sizes[index],), where)
        layers.append({"weights": weights, "biases": biases})
    options = data.get("trainOpts", {})
    if not isinstance(options, dict):
        raise ValueError(f"{where}: field 'trainOpts' must be an object, got {describe(options)}")
    activation = _brainjs_activation(options.get("activation", "sigmoid"), "trainOpts.activation", where)
    return _nncore_dict(
        sizes, activation, layers,
        learning_rate=_rate(options, "learningRate", BRAINJS_TRAIN_DEFAULTS["learningRate"], "trainOpts.", where),
        momentum=_rate(options, "momentum", BRAINJS_TRAIN_DEFAULTS["momentum"], "trainOpts.", where),
        leaky_relu_alpha=_real(options.get("leakyReluAlpha", BRAINJS_TRAIN_DEFAULTS["leakyReluAlpha"]),
                               "trainOpts.leakyReluAlpha", where),
        input_names=input_names, output_names=output_names,
    )


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


def _numbered(nodes: dict) -> bool:
    """True when the keys of a per-node object are exactly '0', '1', ... in some order."""
    return set(nodes) == {str(index) for index in range(len(nodes))}


def _lookup(names: tuple[str, ...] | None) -> dict | None:
    """brain.js's lookup table (name to column) for a network's names."""
    return None if names is None else {name: column for column, name in enumerate(names)}


def _names_from_lookup(data: dict, field: str, size: int, where: str) -> list[str] | None:
    """Column names from a brain.js 2 lookup ``{name: column}``, or None when there is none."""
    lookup = data.get(field)
    if not lookup:
        return None
    columns = list(lookup.values()) if isinstance(lookup, dict) else None
    if columns is None or sorted(columns) != list(range(size)) or not all(isinstance(n, str) for n in lookup):
        raise ValueError(
            f"{where}: field {field!r} must map {size} names to the columns 0..{size - 1}, got {describe(lookup)}"
        )
    return sorted(lookup, key=lookup.__getitem__)


def _brainjs_activation(name: object, field: str, where: str) -> str:
    if name not in FROM_BRAINJS_ACTIVATION:
        raise ValueError(f"{where}: field {field!r} must be one of {list(FROM_BRAINJS_ACTIVATION)}, got {name!r}")
    return FROM_BRAINJS_ACTIVATION[name]  # type: ignore[index]


# ---------------------------------------------------------------- the tutorial -> nncore


def from_tutorial_json(obj: Any) -> Network:
    """A network from the tutorial's ``Network.toJSON()`` output.

    Parameters
    ----------
    obj : dict or str
        ``{"learningRate", "iterations", "layers"}``, each layer a list of
        neurons ``{"bias", "inputConnections": [{"weight", "change"}, ...],
        "outputConnections": [...], ...}``, parsed or as JSON text. Neuron
        ``i`` of a layer holds in ``inputConnections[k]`` its connection from
        neuron ``k`` of the previous layer (the tutorial's ``connectLayers``
        order). ``outputConnections``, neuron ``id`` and connection
        ``from``/``to`` are optional; when present they must agree with the
        input connections. ``output``, ``error`` and ``delta`` are ignored.

    Returns
    -------
    nncore.Network
        Sigmoid layers with the tutorial's weights, biases and changes (the
        momentum buffer), its learning rate and step count, and momentum 0.1
        (or the object's ``momentum`` field, if it has one).

    Raises
    ------
    ValueError
        Naming the first missing or malformed field.
    """
    from nncore.network import Network

    return Network.from_dict(dict_from_tutorial_json(obj))


def dict_from_tutorial_json(obj: Any) -> dict:
    """nncore's dictionary for the tutorial's ``Network.toJSON()`` output, every field checked."""
    where = "tutorial data"
    data = _parse(obj, "tutorial")
    layers_data = _field(data, "layers", "tutorial")
    if not isinstance(layers_data, list) or len(layers_data) < 2:
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
        if neuron.get("inputConnections"):
            raise ValueError(f"{where}: field 'layers[0][{j}].inputConnections' must be empty (input layer)")
    layers = [_tutorial_layer(layers_data, index, where) for index in range(1, len(sizes))]
    for index in range(len(sizes)):
        _check_output_connections(layers_data, layers, index, where)
    iterations = data.get("iterations", 0)
    if not is_real_number(iterations) or not float(iterations).is_integer() or iterations < 0:
        raise ValueError(f"{where}: field 'iterations' must be a whole number >= 0, got {describe(iterations)}")
    return _nncore_dict(
        sizes, "sigmoid", layers,
        learning_rate=_rate(data, "learningRate", TUTORIAL_LEARNING_RATE, "", where),
        momentum=_rate(data, "momentum", TUTORIAL_MOMENTUM, "", where),
        iterations=int(iterations),
    )


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
                f"{where}: field '{field}.{end}' is {connection[end]!r} but that neuron's id is "
                f"{neuron['id']!r}: connections must be listed in the order of the neurons they link"
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
                 momentum: float, leaky_relu_alpha: float = serialization.DEFAULT_LEAKY_RELU_ALPHA,
                 iterations: int = 0, input_names: list[str] | None = None,
                 output_names: list[str] | None = None) -> dict:
    return serialization.make_dict(
        sizes, [activation] * (len(sizes) - 1), learning_rate, momentum, iterations, layers, leaky_relu_alpha,
        input_names=input_names, output_names=output_names,
    )


def _parse(obj: Any, source: str) -> dict:
    if isinstance(obj, (str, bytes, bytearray)):
        try:
            obj = json.loads(obj)
        except json.JSONDecodeError as error:
            raise ValueError(f"{source} data is not valid JSON: {error}") from None
    if not isinstance(obj, dict):
        raise TypeError(f"{source} data must be a dict (a parsed JSON object) or JSON text, got {describe(obj)}")
    return obj


def _field(data: dict, key: str, source: str, prefix: str = "") -> Any:
    if key not in data:
        raise ValueError(f"{source} data: missing field '{prefix}{key}'")
    return data[key]


def _sizes(sizes: object, where: str) -> list[int]:
    try:
        return list(serialization.check_sizes(sizes))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: field 'sizes': {error}") from None


def _real(value: object, field: str, where: str) -> float:
    try:
        return check_finite(field, value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: field {field!r} must be a finite number, got {describe(value)}") from None


def _rate(data: dict, key: str, default: float, prefix: str, where: str) -> float:
    value = _real(data.get(key, default), prefix + key, where)
    if value < 0.0:
        raise ValueError(f"{where}: field '{prefix}{key}' must be >= 0, got {value!r}")
    return value


def _reals(value: object, field: str, shape: tuple[int, ...], where: str) -> np.ndarray:
    """``value`` as a float64 array of ``shape`` holding finite numbers (no booleans), or a ValueError."""
    rows = value if len(shape) == 2 else [value]
    ok = isinstance(value, list) and len(value) == shape[0] and all(
        isinstance(row, list) and len(row) == shape[-1] and all(is_real_number(x) for x in row) for row in rows
    )
    if not ok:
        raise ValueError(f"{where}: field {field!r} must be numbers of shape {shape}, got {describe(value)}")
    array = np.array(value, dtype=np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{where}: field {field!r} must be finite")
    return array
