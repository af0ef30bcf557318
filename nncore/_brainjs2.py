"""brain.js 2's ``NeuralNetwork.toJSON()`` object: nncore networks to it and back (brain.js 1.x's too).

The object (written and read)::

    {"type": "NeuralNetwork", "sizes": [2, 3, 1],
     "layers": [{"weights": [], "biases": []},
                {"weights": [[w, w], [w, w], [w, w]], "biases": [b, b, b]},
                {"weights": [[w, w, w]], "biases": [b]}],
     "inputLookup": null, "inputLookupLength": 0, "outputLookup": null, "outputLookupLength": 0,
     "options": {...}, "trainOpts": {"activation": "sigmoid", "learningRate": 0.3, "momentum": 0.1, ...}}

:func:`dict_from_brainjs` also reads brain.js 1.x's per-node object, and
:func:`brainjs_from_dict` writes it, handing it to :mod:`nncore._brainjs1`.

What the format keeps: weights and biases only; the momentum buffer is not
saved (loading gives zeros, as in brain.js). Its ``trainOpts.iterations`` is
a limit on training passes, not a count of steps taken, so it is not mapped to
:attr:`nncore.Network.iterations`; an export writes brain.js's default.
brain.js keeps weights in ``Float32Array``: a network exported by nncore runs
in brain.js with its weights rounded to float32, and a network read from
brain.js holds exactly brain.js's float32 values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nncore import _brainjs1, _serialization
from nncore._activations import ACTIVATION_TABLE
from nncore._brainjs import (
    BRAINJS_TRAIN_DEFAULTS,
    BRAINJS_TYPES,
    TO_BRAINJS_ACTIVATION,
    TO_BRAINJS_PRAXIS,
    activation_from_brainjs,
)
from nncore._checks import check_rule_parameter, describe
from nncore._fields import Fields
from nncore._json_formats import check_mse, convert, empty, layer_list, nncore_dict
from nncore._json_formats import sizes as checked_sizes

# ---------------------------------------------------------------- nncore -> brain.js 2


def brainjs_from_dict(data: dict, version: int = 2) -> dict:
    """brain.js's ``toJSON()`` object (``version`` 2, or 1 for 1.x's) for a network in nncore's dictionary format.

    See :meth:`nncore.Network.to_brainjs` for the layout and the errors.
    """
    state = _serialization.read_dict(data)
    state.refuse_input_scaling("brain.js's JSON")
    activation = _single_activation(state.activations)
    check_mse("brain.js's NeuralNetwork", state.loss)
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
    train_opts = {"activation": TO_BRAINJS_ACTIVATION[activation], **BRAINJS_TRAIN_DEFAULTS}
    train_opts.update(leakyReluAlpha=alpha, learningRate=learning_rate, momentum=momentum, **praxis)
    if version == 1:
        return _brainjs1.write(
            [(weights, biases) for weights, biases, _ in state.layers],
            TO_BRAINJS_ACTIVATION[activation],
            train_opts,
            alpha,
            state.input_names,
            state.output_names,
        )
    sizes = list(state.sizes)
    layers = [{"weights": [], "biases": []}] + [
        {"weights": weights.tolist(), "biases": biases.tolist()} for weights, biases, _ in state.layers
    ]
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


def _brainjs_praxis(optimizer: str, parameters: dict) -> dict:
    """trainOpts' ``praxis`` (and Adam's parameters) for a network's optimizer, or a ValueError."""
    if optimizer not in TO_BRAINJS_PRAXIS:
        raise ValueError(
            f"brain.js's NeuralNetwork has no optimizer {optimizer!r} (its praxis is gradient "
            "descent with momentum or 'adam')"
        )
    if parameters.get("weight_decay", 0.0) != 0.0:
        raise ValueError(
            f"brain.js's NeuralNetwork has no weight decay; this network's weight_decay is "
            f"{parameters['weight_decay']!r} (set it to 0 before exporting)"
        )
    if optimizer == "adam":
        return {
            "praxis": "adam",
            "beta1": parameters["beta1"],
            "beta2": parameters["beta2"],
            "epsilon": parameters["epsilon"],
        }
    return {}


def _open_unit(name: str, brainjs_name: str, value: float) -> float:
    if not 0.0 < value < 1.0:
        raise ValueError(
            f"brain.js loads only a {brainjs_name} strictly between 0 and 1; this network's "
            f"{name} is {value!r} (change it before exporting)"
        )
    return value


def _lookup(names: tuple[str, ...] | None) -> dict | None:
    """brain.js's lookup table (name to column) for a network's names."""
    return None if names is None else {name: column for column, name in enumerate(names)}


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
    return convert(obj, "brain.js data", "brainjs", _dict_from_brainjs)


def _dict_from_brainjs(fields: Fields) -> dict:
    layer_list(fields)
    if _brainjs1.is_per_node(fields.data):
        return _brainjs1.read(fields)
    return _read(fields)


def _read(fields: Fields) -> dict:
    kind = fields.get("type", "NeuralNetwork")
    if kind not in BRAINJS_TYPES:
        raise fields.error("type", f"must be one of {list(BRAINJS_TYPES)}, got {describe(kind)}")
    sizes = checked_sizes(fields.required("sizes"), fields)
    input_names = _names_from_lookup(fields, "inputLookup", sizes[0])
    output_names = _names_from_lookup(fields, "outputLookup", sizes[-1])
    options = fields.get("options", None)
    if options is not None and not isinstance(options, dict):
        raise fields.error("options", f"must be an object, got {describe(options)}")
    layers_data = fields.data["layers"]
    if len(layers_data) != len(sizes):
        raise fields.error(
            "layers", f"must have {len(sizes)} entries (one per size, input layer first), got {len(layers_data)}"
        )
    layers = []
    for index, layer in enumerate(layers_data):
        name = f"layers[{index}]"
        if not isinstance(layer, dict):
            raise fields.error(name, f"must be an object with weights and biases, got {describe(layer)}")
        layer_fields = fields.child(layer, name)
        weights_data, biases_data = layer_fields.required("weights"), layer_fields.required("biases")
        if index == 0:  # the input layer has no parameters; brain.js writes empty lists
            if not (empty(weights_data) and empty(biases_data)):
                raise fields.error(name, "(the input layer) must have empty weights and biases")
            continue
        weights = layer_fields.reals("weights", (sizes[index], sizes[index - 1]))
        biases = layer_fields.reals("biases", (sizes[index],))
        layers.append({"weights": weights, "biases": biases})
    options = train_options(fields)
    optimizer, parameters = _praxis_of(options)
    return nncore_dict(
        sizes,
        activation_from_brainjs(options, "activation"),
        layers,
        learning_rate=options.rate("learningRate", BRAINJS_TRAIN_DEFAULTS["learningRate"]),
        momentum=options.rate("momentum", BRAINJS_TRAIN_DEFAULTS["momentum"]) if optimizer == "sgd" else 0.0,
        leaky_relu_alpha=options.real("leakyReluAlpha", BRAINJS_TRAIN_DEFAULTS["leakyReluAlpha"]),
        input_names=input_names,
        output_names=output_names,
        optimizer=optimizer,
        rule_parameters=parameters,
    )


def train_options(fields: Fields) -> Fields:
    """The fields of ``trainOpts`` (none when it is missing)."""
    options = fields.get("trainOpts", {})
    if not isinstance(options, dict):
        raise fields.error("trainOpts", f"must be an object, got {describe(options)}")
    return fields.child(options, "trainOpts")


def _praxis_of(options: Fields) -> tuple[str, dict]:
    """nncore's optimizer and its parameters from brain.js 2's trainOpts.praxis, beta1, beta2, epsilon."""
    praxis = options.get("praxis", None)
    if praxis is None or praxis == "":
        return "sgd", {}
    if praxis != "adam":
        raise options.error("praxis", f"must be null or 'adam', got {describe(praxis)}")
    parameters = {}
    for name in ("beta1", "beta2", "epsilon"):
        value = options.real(name, BRAINJS_TRAIN_DEFAULTS[name])
        try:
            parameters[name] = check_rule_parameter(name, value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{options.source}: {options.label(name)}: {error}") from None
    return "adam", parameters


def _names_from_lookup(fields: Fields, field: str, size: int) -> list[str] | None:
    """Column names from a brain.js 2 lookup ``{name: column}``, or None when there is none.

    No lookup is ``null`` (what brain.js writes), a missing field, ``false`` or
    ``{}``. A lookup must give each of the ``size`` columns one name, and
    ``<field>Length``, unless null or missing, must be its number of names (0
    without one).
    """
    lookup = fields.get(field, None)
    if lookup is None or lookup is False or (isinstance(lookup, dict) and not lookup):
        names = None
    elif not isinstance(lookup, dict):
        raise fields.error(field, f"must be an object mapping names to columns, or null, got {describe(lookup)}")
    else:
        names = _lookup_names(fields, lookup, field, size)
    _check_lookup_length(fields, field, 0 if names is None else len(names))
    return names


def _lookup_names(fields: Fields, lookup: dict, field: str, size: int) -> list[str]:
    for name, column in lookup.items():
        if not isinstance(name, str):
            raise fields.error(field, f"must have names (strings) as keys, got {describe(name)}")
        if not isinstance(column, (int, np.integer)) or isinstance(column, bool):
            raise ValueError(
                f"{fields.source}: {field}[{name!r}] must be a column number (an integer), got {describe(column)}"
            )
    columns = sorted(int(column) for column in lookup.values())
    if len(columns) != size or columns != list(range(size)):  # the length first: size may be huge
        raise fields.error(
            field, f"must map {size} names to the columns 0..{size - 1} (each once), got columns {columns[:10]}"
        )
    return sorted(lookup, key=lookup.__getitem__)


def _check_lookup_length(fields: Fields, field: str, count: int) -> None:
    length_field = f"{field}Length"
    length = fields.get(length_field, None)
    if length is None:  # some brain.js versions write null
        return
    if not isinstance(length, (int, np.integer)) or isinstance(length, bool) or length != count:
        raise fields.error(
            length_field, f"must be {count}, the number of names in {field!r} (or null), got {describe(length)}"
        )
