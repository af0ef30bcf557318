"""brain.js 1.x's per-node ``toJSON()`` object: read into nncore's dictionary format, and written.

``layers`` is a list of objects keyed by node
(``{"0": {"bias": b, "weights": {"0": w, "1": w}}, ...}``) and ``activation``
sits at the top level. With named inputs (outputs), brain.js 1.x keys the
input (output) layer by name, the first layer's ``weights`` by input name,
and sets the flag ``inputLookup`` (``outputLookup``): the names become
nncore's ``input_names`` (``output_names``), in brain.js's order.
:func:`nncore._brainjs2.dict_from_brainjs` reads it (telling it from
brain.js 2's layout with :func:`is_per_node`), and
:func:`nncore._brainjs2.brainjs_from_dict` writes it with :func:`write`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from nncore._brainjs import BRAINJS_TRAIN_DEFAULTS, activation_from_brainjs
from nncore._checks import describe
from nncore._fields import Fields
from nncore._json_formats import nncore_dict
from nncore._json_formats import sizes as checked_sizes

# A JavaScript object lists the keys that are array indices ("0", "17") first, in increasing order, then the
# others in the order they were added: brain.js 1.x reads nodes and weights in that order.
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]{0,9}")
_MAX_ARRAY_INDEX = 2**32 - 2
# brain.js 1.6.1's trainDefaults(): the training options its toJSON() writes (activation and
# leakyReluAlpha sit at the top level).
_TRAIN_OPTIONS = (
    "iterations",
    "errorThresh",
    "log",
    "logPeriod",
    "learningRate",
    "momentum",
    "callbackPeriod",
    "praxis",
    "beta1",
    "beta2",
    "epsilon",
)


def is_per_node(data: Mapping) -> bool:
    """True for brain.js 1.x's layout, whose layers map node names to nodes."""
    if "type" in data:
        return False
    last = data["layers"][-1]
    return isinstance(last, dict) and "biases" not in last and "weights" not in last


def read(fields: Fields) -> dict:
    """nncore's dictionary for the fields of a brain.js 1.x object (whose ``layers`` is a list of 2 or more)."""
    layers_data = fields.data["layers"]
    for index, layer in enumerate(layers_data):
        if not isinstance(layer, dict):
            raise fields.error(f"layers[{index}]", f"must be an object of nodes, got {describe(layer)}")
    # The node keys of each layer, in column order; the input and output layers may hold names.
    keys = [_node_keys(fields, layers_data, index) for index in range(len(layers_data))]
    sizes = [len(layer) for layer in layers_data]
    if "sizes" in fields and fields.data["sizes"] != sizes:
        given = checked_sizes(fields.data["sizes"], fields)
        raise fields.error("sizes", f"is {list(given)} but the layers hold {sizes} nodes")
    checked_sizes(sizes, fields)
    layers = []
    for index in range(1, len(layers_data)):
        n_out, n_in = sizes[index], sizes[index - 1]
        weights, biases = np.empty((n_out, n_in)), np.empty(n_out)
        for j, key in enumerate(keys[index]):
            name = f'layers[{index}]["{key}"]'
            node = layers_data[index][key]
            if not isinstance(node, dict):
                raise fields.error(name, f"must be an object with bias and weights, got {describe(node)}")
            node_fields = fields.child(node, name)
            biases[j] = node_fields.real("bias")
            node_weights = node_fields.required("weights")
            if not isinstance(node_weights, dict) or set(node_weights) != set(keys[index - 1]):
                raise node_fields.error(
                    "weights",
                    f"must map each of the {n_in} nodes of the previous layer "
                    f"({_keys_text(keys[index - 1])}) to a weight, got {describe(node_weights)}",
                )
            weight_fields = node_fields.child(node_weights, "weights", quoted_keys=True)
            for k, source in enumerate(keys[index - 1]):
                weights[j, k] = weight_fields.real(source)
        layers.append({"weights": weights, "biases": biases})
    options = fields.get("trainOpts", {})
    if not isinstance(options, dict):
        raise fields.error("trainOpts", f"must be an object, got {describe(options)}")
    options = fields.child(options, "trainOpts")
    input_named, output_named = (_is_named(fields, layers_data, index) for index in (0, len(layers_data) - 1))
    # 1.x leaves out options that are 0 or false, so a missing one means brain.js's default.
    return nncore_dict(
        sizes,
        activation_from_brainjs(fields, "activation"),
        layers,
        learning_rate=options.rate("learningRate", BRAINJS_TRAIN_DEFAULTS["learningRate"]),
        momentum=options.rate("momentum", BRAINJS_TRAIN_DEFAULTS["momentum"]),
        leaky_relu_alpha=fields.real("leakyReluAlpha", BRAINJS_TRAIN_DEFAULTS["leakyReluAlpha"]),
        input_names=keys[0] if input_named else None,
        output_names=keys[-1] if output_named else None,
    )


def _is_named(fields: Fields, layers_data: list, index: int) -> bool:
    """Whether brain.js 1.x's ``fromJSON`` takes the nodes of the input or output layer ``index`` as names.

    It does when the layer's lookup flag is set, or when the layer has no node "0".
    """
    flag = "inputLookup" if index == 0 else "outputLookup"
    value = fields.get(flag, False)
    if value is not None and not isinstance(value, bool):
        raise fields.error(flag, f"must be true or false, got {describe(value)}")
    return bool(value) or "0" not in layers_data[index]


def _node_keys(fields: Fields, layers_data: list, index: int) -> list[str]:
    """The keys of layer ``index``'s nodes in column order: "0", "1", ..., or the input or output names."""
    layer = layers_data[index]
    numbered = [str(position) for position in range(len(layer))]
    if set(layer) == set(numbered):
        return numbered
    if index in (0, len(layers_data) - 1) and _is_named(fields, layers_data, index):
        return js_key_order(layer)
    raise fields.error(
        f"layers[{index}]",
        f'must be keyed by node numbers "0" to "{len(layer) - 1}", got keys {list(layer)[:5]}'
        + ("" if index else ' (named inputs need a node keyed by each name and no node "0")'),
    )


def js_key_order(keys: Sequence[str] | Mapping[str, object]) -> list[str]:
    """``keys`` in the order JavaScript's ``Object.keys`` lists them: array indices first, increasing."""
    indices = [key for key in keys if _is_array_index(key)]
    return sorted(indices, key=int) + [key for key in keys if not _is_array_index(key)]


def _is_array_index(key: str) -> bool:
    return _ARRAY_INDEX.fullmatch(key) is not None and int(key) <= _MAX_ARRAY_INDEX


def _keys_text(keys: list[str]) -> str:
    if keys == [str(position) for position in range(len(keys))]:
        return f'"0" to "{len(keys) - 1}"'
    return ", ".join(f'"{key}"' for key in keys[:5]) + (", ..." if len(keys) > 5 else "")


def write(
    layers: Sequence[tuple[np.ndarray, np.ndarray]],
    activation: str,
    train_opts: dict,
    leaky_relu_alpha: float,
    input_names: Sequence[str] | None,
    output_names: Sequence[str] | None,
) -> dict:
    """brain.js 1.x's ``toJSON()`` object for checked ``(weights, biases)`` layers and brain.js's names.

    ``train_opts`` are brain.js 2's training options; 1.x writes only its own,
    and only those that are not 0 or false (``log`` always), as its ``getTrainOptsJSON``.
    """
    if activation == "leaky-relu":
        raise ValueError(
            "brain.js 1.x's leaky-relu is not leaky ReLU: it computes sum < 0 ? 0 : alpha * sum (brain.js 2 "
            "fixed it), so it cannot run this network; write brain.js 2's format (version=2)"
        )
    n_layers = len(layers) + 1
    keys = [[str(position) for position in range(len(biases))] for _, biases in layers]
    keys.insert(0, [str(position) for position in range(layers[0][0].shape[1])])
    for index, names in ((0, input_names), (n_layers - 1, output_names)):
        if names is not None:
            _check_writable_names(names, "input" if index == 0 else "output")
            keys[index] = list(names)
    json_layers: list[dict] = [{key: {} for key in keys[0]}]
    for index, (weights, biases) in enumerate(layers, start=1):
        json_layers.append(
            {
                key: {"bias": float(biases[j]), "weights": dict(zip(keys[index - 1], weights[j].tolist()))}
                for j, key in enumerate(keys[index])
            }
        )
    options = {name: train_opts[name] for name in _TRAIN_OPTIONS if train_opts.get(name)}
    options["log"] = False
    return {
        "sizes": [len(layer_keys) for layer_keys in keys],
        "layers": json_layers,
        "outputLookup": output_names is not None,
        "inputLookup": input_names is not None,
        "activation": activation,
        "leakyReluAlpha": leaky_relu_alpha,
        "trainOpts": options,
    }


def _check_writable_names(names: Sequence[str], side: str) -> None:
    """Refuse names that brain.js 1.x would put in another order (array indices such as "3" come first)."""
    if js_key_order(names) != list(names):
        index = next(name for name in names if _is_array_index(name))
        raise ValueError(
            f"brain.js 1.x lists a layer's nodes in JavaScript's key order, which puts names that are "
            f"numbers first: the {side} name {index!r} would move; rename it (e.g. {side}_names = "
            f"['x{index}', ...]) or write brain.js 2's format (version=2)"
        )
