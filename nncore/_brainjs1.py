"""brain.js 1.x's per-node ``toJSON()`` object, read into nncore's dictionary format.

``layers`` is a list of objects keyed by node
(``{"0": {"bias": b, "weights": {"0": w, "1": w}}, ...}``) and ``activation``
sits at the top level. :func:`nncore._brainjs2.dict_from_brainjs` reads it
(telling it from brain.js 2's layout with :func:`is_per_node`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nncore._brainjs import BRAINJS_TRAIN_DEFAULTS, activation_from_brainjs
from nncore._checks import describe
from nncore._fields import Fields
from nncore._json_formats import nncore_dict
from nncore._json_formats import sizes as checked_sizes


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
    # 1.x keys the input and output layers by name when it has lookups; numbered keys are positions.
    for flag, index in (("inputLookup", 0), ("outputLookup", len(layers_data) - 1)):
        if not _numbered(layers_data[index]):
            raise ValueError(
                f"{fields.source}: field {flag!r}: the network has named "
                f"{'inputs' if index == 0 else 'outputs'} (layers[{index}] is keyed by "
                f"{list(layers_data[index])[:5]}); nncore works on arrays, so rename the keys to "
                "0, 1, 2, ... in the order wanted and set the flag to false"
            )
    for index, layer in enumerate(layers_data):
        if not _numbered(layer):
            raise fields.error(
                f"layers[{index}]",
                f'must be keyed by node numbers "0" to "{len(layer) - 1}", got keys {list(layer)[:5]}',
            )
    sizes = [len(layer) for layer in layers_data]
    if "sizes" in fields and fields.data["sizes"] != sizes:
        given = checked_sizes(fields.data["sizes"], fields)
        raise fields.error("sizes", f"is {list(given)} but the layers hold {sizes} nodes")
    checked_sizes(sizes, fields)
    layers = []
    for index in range(1, len(layers_data)):
        n_out, n_in = sizes[index], sizes[index - 1]
        weights, biases = np.empty((n_out, n_in)), np.empty(n_out)
        for j in range(n_out):
            name = f'layers[{index}]["{j}"]'
            node = layers_data[index][str(j)]
            if not isinstance(node, dict):
                raise fields.error(name, f"must be an object with bias and weights, got {describe(node)}")
            node_fields = fields.child(node, name)
            biases[j] = node_fields.real("bias")
            node_weights = node_fields.required("weights")
            if not isinstance(node_weights, dict) or not _numbered(node_weights) or len(node_weights) != n_in:
                raise node_fields.error(
                    "weights",
                    f"must map each of the {n_in} nodes of the previous layer "
                    f'("0" to "{n_in - 1}") to a weight, got {describe(node_weights)}',
                )
            weight_fields = node_fields.child(node_weights, "weights", quoted_keys=True)
            for k in range(n_in):
                weights[j, k] = weight_fields.real(str(k))
        layers.append({"weights": weights, "biases": biases})
    options = fields.get("trainOpts", {})
    if not isinstance(options, dict):
        raise fields.error("trainOpts", f"must be an object, got {describe(options)}")
    options = fields.child(options, "trainOpts")
    # 1.x leaves out options that are 0 or false, so a missing one means brain.js's default.
    return nncore_dict(
        sizes,
        activation_from_brainjs(fields, "activation"),
        layers,
        learning_rate=options.rate("learningRate", BRAINJS_TRAIN_DEFAULTS["learningRate"]),
        momentum=options.rate("momentum", BRAINJS_TRAIN_DEFAULTS["momentum"]),
        leaky_relu_alpha=fields.real("leakyReluAlpha", BRAINJS_TRAIN_DEFAULTS["leakyReluAlpha"]),
    )


def _numbered(nodes: dict) -> bool:
    """True when the keys of a per-node object are exactly '0', '1', ... in some order."""
    return set(nodes) == {str(index) for index in range(len(nodes))}
