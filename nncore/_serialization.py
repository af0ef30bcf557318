"""nncore's dictionary format (version 2; version 1 still reads) and the checks on every field of it.

A network becomes a JSON-compatible dictionary::

    {"format": "nncore", "version": 1, "sizes": [2, 10, 10, 1], "activation": "sigmoid",
     "loss": "mse", "learning_rate": 0.3, "momentum": 0.1, "iterations": 0,
     "layers": [{"weights": [[...], ...], "biases": [...], "changes": [[...], ...]}, ...]}

``layers`` has one entry per non-input layer, ``weights`` and ``changes``
(the momentum buffer, optional on input) of shape ``(n_l, n_(l-1))``.
``activation`` is one name, or a list with one name per non-input layer.
``loss`` is ``"mse"`` or ``"cross_entropy"``; data without it (written before
networks had a choice of loss) is read as ``"mse"``.
``leaky_relu_alpha`` is written when a layer uses ``leaky_relu``.
``input_names`` and ``output_names`` (optional: the lookup tables of a network
trained on named data, one name per input or output) are written when set.
``dtype`` is ``"float64"`` or ``"float32"`` (optional on input: float64); the
numbers of a float32 network are its float32 values, exactly.

Version 2 adds the learning rule: ``optimizer`` (``"sgd"``, ``"adam"`` or
``"rprop"``), ``nesterov`` (``true`` for SGD with Nesterov's momentum,
written only then), ``weight_decay``, the optimizer's parameters (``beta1``,
``beta2``, ``epsilon`` for Adam; ``rprop_increase``, ``rprop_decrease``,
``rprop_step_min``, ``rprop_step_max``, ``rprop_step_initial`` for RPROP) and
its state, so that training continues exactly::

    "optimizer_state": {"updates": 12, "beta1_power": 0.28..., "beta2_power": 0.98...,
                        "layers": [{"m_weights": [[...]], "m_biases": [...],
                                    "v_weights": [[...]], "v_biases": [...]}, ...]}

(RPROP: ``"layers"`` of ``last_gradient_weights``, ``last_gradient_biases``,
``step_weights``, ``step_biases``; SGD keeps its state in ``changes``.) Every
version-2 field is optional on input: a version-1 dictionary reads as an SGD
network, and a missing ``optimizer_state`` starts the optimizer afresh.

Version 3 adds the input scaling: ``input_scaling`` (``"standard"`` or
``"minmax"``) and, once fitted, ``input_offset`` and ``input_scale`` (one
number per input, each scale > 0), the network computing on
``(x - input_offset) / input_scale``. Only a network that scales its inputs
is written as version 3, so that a release that cannot apply the scaling
refuses the file instead of ignoring it; the others stay version 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from nncore._activations import ACTIVATION_TABLE
from nncore._checks import (
    MAX_ITERATIONS,
    RULE_PARAMETER_CHECKS,
    check_activations,
    check_alpha,
    check_count,
    check_dtype,
    check_flag,
    check_input_scaling,
    check_loss,
    check_names,
    check_optimizer,
    check_rate,
    check_sizes,
    check_step_limits,
    describe,
    input_scaling_not_fitted,
    length_of,
)
from nncore._fields import Fields
from nncore._loss_rules import check_output_rules
from nncore._vocabulary import DEFAULT_LEAKY_RELU_ALPHA, DEFAULT_LOSS, OPTIMIZER_PARAMETERS, RULE_DEFAULTS

FORMAT = "nncore"
VERSION = 2
SCALED_VERSION = 3
"""The version of a dictionary with ``input_scaling``."""
VERSIONS = (1, 2, 3)
"""The versions read."""

RULE_PARAMETERS = {
    optimizer: ("weight_decay",) + tuple(name for name in names if name in RULE_DEFAULTS)
    for optimizer, names in OPTIMIZER_PARAMETERS.items()
}
"""The parameters a dictionary holds for each optimizer, besides learning_rate and momentum."""

STATE_NAMES = {"adam": ("m", "v"), "rprop": ("last_gradient", "step")}
"""The names of the two values an optimizer keeps per weight and bias (SGD keeps its in ``changes``)."""


def make_dict(
    sizes: Sequence[int],
    activations: Sequence[str],
    learning_rate: float,
    momentum: float,
    iterations: int,
    layers: list[dict],
    leaky_relu_alpha: float,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    dtype: str = "float64",
    optimizer: str = "sgd",
    rule_parameters: dict | None = None,
    optimizer_state: tuple | None = None,
    loss: str = DEFAULT_LOSS,
    input_scaling: tuple | None = None,
    nesterov: bool = False,
) -> dict:
    """Assemble a version-2 dictionary (version 3 with ``input_scaling``) from plain Python values.

    ``rule_parameters`` maps every name of ``RULE_PARAMETERS[optimizer]`` to its
    value; ``optimizer_state`` is ``nncore._core``'s snapshot of it (lists or arrays);
    ``input_scaling`` is ``(name, offset, scale)``, the arrays None before they are fitted.
    """
    names = set(activations)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(sizes),
        "activation": activations[0] if len(names) == 1 else list(activations),
        "loss": loss,
        "learning_rate": learning_rate,
        "momentum": momentum,
        "iterations": iterations,
        "dtype": dtype,
        "optimizer": optimizer,
        **{name: (rule_parameters or {}).get(name, RULE_DEFAULTS[name]) for name in RULE_PARAMETERS[optimizer]},
        "layers": layers,
    }
    if nesterov:
        data["nesterov"] = True
    if optimizer in STATE_NAMES and optimizer_state is not None:
        data["optimizer_state"] = _state_dict(optimizer, optimizer_state)
    if any(ACTIVATION_TABLE[name].uses_alpha for name in names):
        data["leaky_relu_alpha"] = leaky_relu_alpha
    if input_names is not None:
        data["input_names"] = list(input_names)
    if output_names is not None:
        data["output_names"] = list(output_names)
    if input_scaling is not None:
        kind, offset, scale = input_scaling
        data["version"] = SCALED_VERSION
        data["input_scaling"] = kind
        if offset is not None:
            data["input_offset"], data["input_scale"] = offset, scale
    return data


def _state_dict(optimizer: str, state: tuple) -> dict:
    first, second = STATE_NAMES[optimizer]
    moments, updates, beta1_power, beta2_power = state
    layers = [
        {f"{first}_weights": fw, f"{first}_biases": fb, f"{second}_weights": sw, f"{second}_biases": sb}
        for fw, fb, sw, sb in moments
    ]
    if optimizer == "adam":
        return {"updates": updates, "beta1_power": beta1_power, "beta2_power": beta2_power, "layers": layers}
    return {"layers": layers}


@dataclass
class State:
    """A checked version-1 dictionary: plain values and arrays of ``dtype`` per layer."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    learning_rate: float
    momentum: float
    iterations: int
    leaky_relu_alpha: float
    layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # (weights, biases, changes)
    input_names: tuple[str, ...] | None = None
    output_names: tuple[str, ...] | None = None
    dtype: str = "float64"
    loss: str = DEFAULT_LOSS
    optimizer: str = "sgd"
    rule_parameters: dict = field(default_factory=dict)
    optimizer_state: tuple | None = None
    """As nncore._core's snapshot has it: (moments per layer, updates, beta1_power, beta2_power); None: fresh."""
    input_scaling: str | None = None
    input_offset: np.ndarray | None = None
    """The fitted offset of the input scaling; None without scaling or before it is fitted (so is input_scale)."""
    input_scale: np.ndarray | None = None
    nesterov: bool = False

    def fitted_input_scaling(self) -> tuple[str, np.ndarray, np.ndarray] | None:
        """``(input_scaling, input_offset, input_scale)``; None without scaling; a ValueError if it is not fitted."""
        if self.input_scaling is None:
            return None
        if self.input_offset is None or self.input_scale is None:
            raise input_scaling_not_fitted(self.input_scaling)
        return self.input_scaling, self.input_offset, self.input_scale

    def refuse_input_scaling(self, format_name: str, why: str = "") -> None:
        """Raise a ValueError naming ``input_scaling`` if the network has one: ``format_name`` cannot hold it."""
        if self.input_scaling is not None:
            raise ValueError(
                f"the network scales its inputs (input_scaling={self.input_scaling!r}), which {format_name} "
                f"cannot hold{why}: written there, it would compute on unscaled inputs; nncore's JSON, "
                "ONNX, C and JavaScript keep the scaling"
            )


def read_dict(data: object) -> State:
    """Check every field of a version-1 dictionary; raise ``ValueError`` naming the first bad one."""
    if not isinstance(data, dict):
        raise TypeError(f"network data must be a dict, got {describe(data)}")
    fields = Fields(data, "network data")
    if fields.required("format") != FORMAT:
        raise fields.error("format", f"must be {FORMAT!r}, got {describe(data['format'])}")
    version = fields.required("version")
    if type(version) is not int or version not in VERSIONS:
        raise fields.error("version", f"must be 1, 2 or 3, got {describe(version)}")
    given = {key: fields.required(key) for key in ("sizes", "activation", "learning_rate", "momentum", "iterations")}
    with fields.checks():
        sizes = check_sizes(given["sizes"])
        activations = check_activations(given["activation"], len(sizes) - 1)
        loss = check_loss(data.get("loss", DEFAULT_LOSS))
        check_output_rules(activations, loss)
        learning_rate = check_rate("learning_rate", given["learning_rate"])
        momentum = check_rate("momentum", given["momentum"])
        iterations = check_count("iterations", given["iterations"], minimum=0, maximum=MAX_ITERATIONS)
        alpha = check_alpha(data.get("leaky_relu_alpha", DEFAULT_LEAKY_RELU_ALPHA))
        input_names = check_names(data.get("input_names"), sizes[0], "input")
        output_names = check_names(data.get("output_names"), sizes[-1], "output")
        dtype = check_dtype(data.get("dtype", "float64"))
        optimizer = check_optimizer(data.get("optimizer", "sgd"))
        rule_parameters = {
            name: RULE_PARAMETER_CHECKS[name](data.get(name, RULE_DEFAULTS[name]))
            for name in RULE_PARAMETERS[optimizer]
        }
        if optimizer == "rprop":
            check_step_limits(rule_parameters["rprop_step_min"], rule_parameters["rprop_step_max"])
        input_scaling = check_input_scaling(data.get("input_scaling"))
        nesterov = check_flag("nesterov", data.get("nesterov", False))
        if nesterov and optimizer != "sgd":
            raise ValueError(f"nesterov is SGD's, not optimizer={optimizer!r}'s")
    layers = []
    for layer, n_out, n_in in _layers(fields, "layers", sizes):
        weights = layer.reals("weights", (n_out, n_in), dtype)
        biases = layer.reals("biases", (n_out,), dtype)
        if layer.get("changes", None) is None:
            changes = np.zeros((n_out, n_in), dtype=dtype)
        else:
            changes = layer.reals("changes", (n_out, n_in), dtype)
        layers.append((weights, biases, changes))
    optimizer_state = _read_optimizer_state(fields, optimizer, sizes, dtype)
    input_offset, input_scale = _read_input_scaling(fields, input_scaling, sizes[0], dtype)
    return State(
        sizes,
        activations,
        learning_rate,
        momentum,
        iterations,
        alpha,
        layers,
        input_names,
        output_names,
        dtype,
        loss,
        optimizer,
        rule_parameters,
        optimizer_state,
        input_scaling,
        input_offset,
        input_scale,
        nesterov,
    )


def _read_input_scaling(
    fields: Fields, input_scaling: str | None, n_inputs: int, dtype: str
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The fitted ``(input_offset, input_scale)`` of a dictionary, checked; (None, None) when there are none."""
    given = [key for key in ("input_offset", "input_scale") if fields.get(key, None) is not None]
    if not given:
        return None, None
    if input_scaling is None:
        raise fields.error(given[0], "is given without input_scaling ('standard' or 'minmax')")
    offset = fields.reals("input_offset", (n_inputs,), dtype)
    scale = fields.reals("input_scale", (n_inputs,), dtype)
    if not (scale > 0).all():
        raise fields.error("input_scale", f"must be > 0, got {scale[~(scale > 0)][0]!r}")
    return offset, scale


def _layers(fields: Fields, key: str, sizes: tuple[int, ...]) -> list[tuple[Fields, int, int]]:
    """The field ``key``: one object per non-input layer, each with its numbers of outputs and inputs."""
    layers = fields.required(key)
    if not isinstance(layers, list) or length_of(layers) != len(sizes) - 1:
        raise fields.error(key, f"must be a list of {len(sizes) - 1} layers, got {describe(layers)}")
    checked = []
    for index, (layer, n_out, n_in) in enumerate(zip(layers, sizes[1:], sizes[:-1])):
        if not isinstance(layer, dict):
            raise fields.error(f"{key}[{index}]", f"must be a dict, got {describe(layer)}")
        checked.append((fields.child(layer, f"{key}[{index}]"), n_out, n_in))
    return checked


def _read_optimizer_state(fields: Fields, optimizer: str, sizes: tuple[int, ...], dtype: str) -> tuple | None:
    """The optimizer's state of a version-2 dictionary, checked; None when there is none (a fresh start)."""
    state = fields.get("optimizer_state", None)
    if state is None or optimizer not in STATE_NAMES:
        return None
    where = "optimizer_state"
    if not isinstance(state, dict):
        raise fields.error(where, f"must be a dict, got {describe(state)}")
    state_fields = fields.child(state, where)
    first, second = STATE_NAMES[optimizer]
    updates, beta1_power, beta2_power = 0, 1.0, 1.0
    if optimizer == "adam":
        given = {key: state_fields.required(key) for key in ("updates", "beta1_power", "beta2_power")}
        with fields.checks():
            updates = check_count(f"{where}.updates", given["updates"], minimum=0, maximum=MAX_ITERATIONS)
            beta1_power = check_rate(f"{where}.beta1_power", given["beta1_power"])
            beta2_power = check_rate(f"{where}.beta2_power", given["beta2_power"])
        if beta1_power > 1.0 or beta2_power > 1.0:
            raise ValueError(f"network data: {where}.beta1_power and beta2_power must be in [0, 1]")
    moments = [
        tuple(
            layer.reals(f"{name}_{kind}", (n_out, n_in) if kind == "weights" else (n_out,), dtype)
            for name in (first, second)
            for kind in ("weights", "biases")
        )
        for layer, n_out, n_in in _layers(state_fields, "layers", sizes)
    ]
    if optimizer == "rprop" and any((np.asarray(m[2]) < 0).any() or (np.asarray(m[3]) < 0).any() for m in moments):
        raise ValueError(f"network data: {where}: RPROP's step sizes must be >= 0")
    return moments, updates, beta1_power, beta2_power
