"""The tutorial's ``Network.toJSON()`` object: nncore networks to it and back.

``{"learningRate", "iterations", "layers"}``, each layer a list of neurons
``{"id", "bias", "output", "error", "delta", "inputConnections",
"outputConnections"}`` and each connection ``{"change", "weight", "from",
"to"}`` (neuron ids).

What the format keeps: the weights, biases, every connection's ``change``
(the momentum buffer), the learning rate and the step count. It has no
momentum field (the tutorial uses 0.1): an export does not write the
network's momentum, and reading gives 0.1 (or the object's ``momentum``, if
it has one). It is sigmoid only, and it has no names for inputs and outputs.
An export writes ``output``, ``error`` and ``delta`` as 0, the values of a
fresh tutorial neuron (they are results of the last step, which the next one
recomputes), and ``bias`` 0 for the input layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore import _serialization
from nncore._checks import check_count, describe
from nncore._fields import Fields
from nncore._json_formats import check_mse, convert, empty, layer_list, nncore_dict
from nncore._json_formats import sizes as checked_sizes

TUTORIAL_LEARNING_RATE = 0.3
TUTORIAL_MOMENTUM = 0.1


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
    state.refuse_input_scaling("the tutorial's JSON")
    if set(state.activations) != {"sigmoid"}:
        raise ValueError(
            "the tutorial's network is sigmoid only; this network's layers use "
            f"{list(state.activations)}, which the tutorial's JSON cannot express"
        )
    check_mse("the tutorial's network", state.loss)
    ids = [[f"n{index}-{j}" for j in range(size)] for index, size in enumerate(state.sizes)]
    layers = [[_tutorial_neuron(neuron_id) for neuron_id in layer_ids] for layer_ids in ids]
    for index, (weights, biases, changes) in enumerate(state.layers, start=1):
        for j, neuron in enumerate(layers[index]):
            neuron["bias"] = float(biases[j])
            for k, source in enumerate(layers[index - 1]):
                connection = {
                    "change": float(changes[j, k]),
                    "weight": float(weights[j, k]),
                    "from": ids[index - 1][k],
                    "to": ids[index][j],
                }
                # One connection, listed by both neurons (the tutorial shares one object between them).
                neuron["inputConnections"].append(connection)
                source["outputConnections"].append(dict(connection))
    return {"learningRate": state.learning_rate, "iterations": state.iterations, "layers": layers}


def _tutorial_neuron(neuron_id: str) -> dict:
    """A neuron as the tutorial's ``Neuron.toJSON()`` writes it, before its bias and connections are set."""
    return {
        "id": neuron_id,
        "delta": 0.0,
        "output": 0.0,
        "error": 0.0,
        "bias": 0.0,
        "inputConnections": [],
        "outputConnections": [],
    }


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
    return convert(obj, "tutorial data", "tutorial", _dict_from_tutorial_json)


def _dict_from_tutorial_json(fields: Fields) -> dict:
    layers_data = layer_list(fields)
    for index, layer in enumerate(layers_data):
        if not isinstance(layer, list):
            raise fields.error(f"layers[{index}]", f"must be a list of neurons, got {describe(layer)}")
        for j, neuron in enumerate(layer):
            if not isinstance(neuron, dict):
                raise fields.error(f"layers[{index}][{j}]", f"must be a neuron object, got {describe(neuron)}")
    sizes = checked_sizes([len(layer) for layer in layers_data], fields)
    for j, neuron in enumerate(layers_data[0]):
        if not empty(neuron.get("inputConnections")):
            raise fields.error(f"layers[0][{j}].inputConnections", "must be empty (input layer)")
    layers = [_tutorial_layer(fields, layers_data, index) for index in range(1, len(sizes))]
    for index in range(len(sizes)):
        _check_output_connections(fields, layers_data, layers, index)
    return nncore_dict(
        sizes,
        "sigmoid",
        layers,
        learning_rate=fields.rate("learningRate", TUTORIAL_LEARNING_RATE),
        momentum=fields.rate("momentum", TUTORIAL_MOMENTUM),
        iterations=_iterations(fields),
    )


def _iterations(fields: Fields) -> int:
    """The tutorial's step count: a whole number (JavaScript has no integers: ``7.0`` is 7)."""
    value = fields.get("iterations", 0)
    count = int(value) if isinstance(value, (float, np.floating)) and float(value).is_integer() else value
    try:
        return check_count("iterations", count, minimum=0)
    except (TypeError, ValueError):
        raise fields.error("iterations", f"must be a whole number from 0 to 2**62, got {describe(value)}") from None


def _tutorial_layer(fields: Fields, layers_data: list, index: int) -> dict:
    previous, neurons = layers_data[index - 1], layers_data[index]
    n_in = len(previous)
    weights, changes, biases = np.empty((len(neurons), n_in)), np.zeros((len(neurons), n_in)), np.empty(len(neurons))
    for j, neuron in enumerate(neurons):
        neuron_fields = fields.child(neuron, f"layers[{index}][{j}]")
        biases[j] = neuron_fields.real("bias")
        connections = neuron_fields.required("inputConnections")
        if not isinstance(connections, list) or len(connections) != n_in:
            raise neuron_fields.error(
                "inputConnections",
                f"must list {n_in} connections (one from each neuron "
                f"of layer {index - 1}), got {describe(connections)}",
            )
        for k, connection in enumerate(connections):
            name = f"inputConnections[{k}]"
            weights[j, k], changes[j, k] = _connection(neuron_fields, connection, name)
            _check_ends(neuron_fields, connection, previous[k], neuron, name)
    return {"weights": weights, "biases": biases, "changes": changes}


def _connection(neuron_fields: Fields, connection: object, name: str) -> tuple[float, float]:
    """The weight and change of the connection ``name`` of a neuron."""
    if not isinstance(connection, dict):
        raise neuron_fields.error(name, f"must be a connection object, got {describe(connection)}")
    fields = neuron_fields.child(connection, name)
    return fields.real("weight"), fields.real("change", 0.0)


def _check_ends(neuron_fields: Fields, connection: dict, source: dict, target: dict, name: str) -> None:
    """When ids are present, a connection must run from ``source`` to ``target``."""
    for end, neuron in (("from", source), ("to", target)):
        if end in connection and "id" in neuron and connection[end] != neuron["id"]:
            raise neuron_fields.error(
                f"{name}.{end}",
                f"is {describe(connection[end])} but that neuron's id is {describe(neuron['id'])}: "
                "connections must be listed in the order of the neurons they link",
            )


def _check_output_connections(fields: Fields, layers_data: list, layers: list[dict], index: int) -> None:
    """Each ``outputConnections`` list, if present, must repeat the next layer's input connections."""
    following = layers_data[index + 1] if index + 1 < len(layers_data) else []
    for k, neuron in enumerate(layers_data[index]):
        neuron_fields = fields.child(neuron, f"layers[{index}][{k}]")
        connections = neuron.get("outputConnections")
        if connections is None:
            continue
        if not isinstance(connections, list) or len(connections) != len(following):
            raise neuron_fields.error(
                "outputConnections",
                f"must list {len(following)} connections (one to each "
                f"neuron of the next layer), got {describe(connections)}",
            )
        for j, connection in enumerate(connections):
            name = f"outputConnections[{j}]"
            weight, change = _connection(neuron_fields, connection, name)
            _check_ends(neuron_fields, connection, neuron, following[j], name)
            expected = float(layers[index]["weights"][j, k]), float(layers[index]["changes"][j, k])
            if (weight, change) != expected:
                raise neuron_fields.error(
                    name,
                    f"has weight {weight!r} and change {change!r} but the same connection in "
                    f"'layers[{index + 1}][{j}].inputConnections[{k}]' has {expected[0]!r} and {expected[1]!r}",
                )
