"""Every argument check of nncore, in one place: clear errors before any compiled code runs.

Each public entry point checks its arguments here, once, and hands plain,
checked values (floats, ints, tuples of names, C-contiguous float64 arrays)
to the compiled core and the services. A bad argument raises ``TypeError``
(wrong kind of value) or ``ValueError`` (right kind, wrong value) naming
the argument, what was expected and what was given.
"""

from __future__ import annotations

import math
import numbers
import re
import reprlib
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from nncore._vocabulary import (
    ACTIVATIONS,
    DEFAULT_LEARNING_RATES,
    DEFAULT_MOMENTUM,
    DTYPES,
    INPUT_SCALINGS,
    LOSSES,
    OPTIMIZER_PARAMETERS,
    OPTIMIZERS,
    ORDERS,
    RULE_DEFAULTS,
)

MAX_COUNT = 2**62
"""Largest count of steps or epochs a call may ask for (the compiled core counts in 64 bits)."""

MAX_ITERATIONS = 2**63 - 1
"""Largest step count a network holds; the compiled core's counter stops there instead of wrapping."""

MAX_PARAMETERS = 2**36
"""Largest number of weights a network may have: its buffers would take more than a terabyte.

Sizes beyond it are a ``ValueError``; a network below it that does not fit in
this machine's memory is a ``MemoryError`` saying how much it needs.
"""

MAX_SEED = 2**64 - 1

_SHORT = reprlib.Repr()
_SHORT.maxlevel = 3
_SHORT.maxstring = 40
_SHORT.maxother = 40
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 6


def describe(value: object) -> str:
    """A short description of ``value`` for error messages: its type and a clipped repr.

    Never fails: deeply nested containers are cut at a few levels, and an
    object whose ``__repr__`` raises is described by its type alone.
    """
    try:
        text = _SHORT.repr(value)
    except Exception:  # a broken __repr__, or one that recurses without end
        text = "(no repr)"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    """``value`` if it is one of the strings ``choices``, else raise naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {list(choices)}, got {describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


# ---------------------------------------------------------------- numbers


def is_real_number(value: object) -> bool:
    """True for ints and floats (Python or numpy), False for bools and everything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _to_float(name: str, value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError(f"{name} must be finite, got a number too large for a float") from None
    except (TypeError, ValueError, ArithmeticError):
        raise TypeError(f"{name} must be a real number, got {describe(value)}") from None


def check_finite(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number, else raise."""
    if not is_real_number(value):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    number = _to_float(name, value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number!r}")
    return number


def check_rate(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number >= 0, else raise."""
    if not is_real_number(value):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    number = _to_float(name, value)
    if not math.isfinite(number) or number < 0.0:
        raise ValueError(f"{name} must be a finite number >= 0, got {number!r}")
    return number


def check_in_dtype(name: str, value: float, dtype: np.dtype | str) -> float:
    """``value``, a checked rate or parameter of the learning rule, if the network's ``dtype`` holds it.

    The kernels round every rate and parameter to the network's dtype:
    float32 may turn a large value into infinity, or a small one into 0.
    """
    with np.errstate(over="ignore", under="ignore"):
        rounded = float(np.dtype(dtype).type(value))
    if math.isinf(rounded):
        raise ValueError(
            f"{name} must be finite in {np.dtype(dtype)} (magnitude below "
            f"{np.finfo(dtype).max:.2g}, the network's dtype), got {value!r}"
        )
    if rounded == 0.0 and value != 0.0:
        raise ValueError(
            f"{name} must be 0 or at least {np.finfo(dtype).smallest_subnormal:.2g} in magnitude "
            f"in {np.dtype(dtype)} (the network's dtype), got {value!r}"
        )
    return value


def check_count(name: str, value: object, minimum: int = 1, maximum: int = MAX_COUNT) -> int:
    """``value`` as an int if it is an integer from ``minimum`` to ``maximum``, else raise."""
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got {describe(value)}")
    number = int(value)
    if number < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {number}")
    if number > maximum:
        limit = "2**62" if maximum == MAX_COUNT else "2**63 - 1" if maximum == MAX_ITERATIONS else str(maximum)
        raise ValueError(f"{name} must be at most {limit}, got {describe(number)}")
    return number


def check_optional_count(name: str, value: object, minimum: int = 0) -> int | None:
    """None, or :func:`check_count`."""
    return None if value is None else check_count(name, value, minimum)


def check_seed(value: object) -> int | None:
    """A seed: None (fresh randomness) or an integer from 0 to 2**64 - 1."""
    if value is None:
        return None
    return check_count("seed", value, minimum=0, maximum=MAX_SEED)


# ---------------------------------------------------------------- network structure


def check_sizes(sizes: object) -> tuple[int, ...]:
    """Layer sizes as a tuple of ints: at least two layers, each of at least one neuron."""
    if (
        isinstance(sizes, (str, bytes, bytearray))
        or not isinstance(sizes, (Sequence, np.ndarray))
        or (isinstance(sizes, np.ndarray) and sizes.ndim != 1)
    ):
        raise TypeError(f"sizes must be a sequence of layer sizes such as [2, 10, 1], got {describe(sizes)}")
    try:
        listed = tuple(sizes)
    except Exception:  # a sequence whose __len__ or items misbehave
        raise TypeError(f"sizes must be a sequence of layer sizes such as [2, 10, 1], got {describe(sizes)}") from None
    if len(listed) < 2:
        raise ValueError(f"sizes must list at least 2 layers (inputs and outputs), got {describe(sizes)}")
    checked = []
    for index, size in enumerate(listed):
        if not isinstance(size, numbers.Integral) or isinstance(size, (bool, np.bool_)):
            raise TypeError(f"sizes[{index}] must be an integer, got {describe(size)}")
        if size < 1:
            raise ValueError(f"sizes[{index}] must be at least 1 neuron, got {size}")
        if size > MAX_PARAMETERS:  # type: ignore[operator]  # the numeric tower's ABCs are untyped
            raise ValueError(f"sizes[{index}] must be at most 2**36 neurons, got {describe(size)}")
        checked.append(int(size))
    weights = sum(a * b for a, b in pairwise(checked))
    if weights > MAX_PARAMETERS:
        raise ValueError(f"sizes {checked} would make {weights} weights, more than the 2**36 a network may have")
    return tuple(checked)


def check_hidden_layers(hidden_layers: object) -> tuple[int, ...]:
    """The sizes of the hidden layers (brain.js's ``hiddenLayers``), as a tuple of ints; may be empty."""
    if (
        isinstance(hidden_layers, (str, bytes, bytearray))
        or not isinstance(hidden_layers, (Sequence, np.ndarray))
        or (isinstance(hidden_layers, np.ndarray) and hidden_layers.ndim != 1)
    ):
        raise TypeError(
            f"hidden_layers must be a sequence of hidden layer sizes such as [3] or [10, 10], "
            f"got {describe(hidden_layers)}"
        )
    try:
        return check_sizes((1, *hidden_layers, 1))[1:-1]
    except (TypeError, ValueError) as error:  # sizes[i] is hidden_layers[i - 1]
        message = re.sub(r"sizes\[(\d+)\]", lambda match: f"hidden_layers[{int(match[1]) - 1}]", str(error))
        raise type(error)(message) from None


def check_activations(activation: object, n_layers: int) -> tuple[str, ...]:
    """One activation name per non-input layer, from one name or a sequence of names."""
    if isinstance(activation, str):
        names: object = [activation] * n_layers
    else:
        names = activation
    if not isinstance(names, (list, tuple)):
        raise TypeError(f"activation must be a name or a list of names, got {describe(activation)}")
    try:
        names = tuple(names)
    except Exception:  # a list whose __len__ or items misbehave
        raise TypeError(f"activation must be a name or a list of names, got {describe(activation)}") from None
    if len(names) != n_layers:
        raise ValueError(f"activation must be one name or {n_layers} names (one per non-input layer), got {len(names)}")
    return tuple(check_choice("activation", name, ACTIVATIONS) for name in names)


def check_loss(value: object) -> str:
    """The name of a loss, one of :data:`nncore._vocabulary.LOSSES`."""
    return check_choice("loss", value, LOSSES)


def check_alpha(value: object) -> float:
    """The slope of ``leaky_relu`` for negative inputs: a finite real number."""
    return check_finite("leaky_relu_alpha", value)


def check_init(value: object, choices: Sequence[str]) -> str:
    """The name of an initialisation, one of ``choices``."""
    return check_choice("init", value, choices)


def check_dtype(value: object) -> str:
    """A network's floating-point type, by name: ``"float64"`` or ``"float32"``.

    Also accepted: ``numpy.float64``/``numpy.float32``, their ``numpy.dtype``,
    and Python's ``float`` (float64).
    """
    if isinstance(value, str):
        return check_choice("dtype", value, DTYPES)
    try:
        name: str | None = np.dtype(value).name if value is not None else None  # type: ignore[call-overload]
    except (TypeError, ValueError):
        name = None
    if name not in DTYPES or isinstance(value, (bool, int, np.generic)):
        raise TypeError(f"dtype must be one of {list(DTYPES)} (a name, a numpy type or dtype), got {describe(value)}")
    return name


def as_network_dtype(array: np.ndarray, dtype: str, name: str) -> np.ndarray:
    """A finite float64 ``array`` in the network's ``dtype`` (C-contiguous), or a ValueError naming ``name``.

    float32 rounds each value to nearest; a value beyond float32's range
    (3.4e38) is refused rather than turned into infinity.
    """
    if array.dtype == np.dtype(dtype):
        return array
    with np.errstate(over="ignore"):
        converted = np.ascontiguousarray(array, dtype=np.dtype(dtype))
    if not np.isfinite(converted).all():
        position = np.unravel_index(int(np.argmin(np.isfinite(converted))), converted.shape)
        raise ValueError(
            f"{name} must be finite in {dtype} (magnitude below 3.4e38, the network's dtype), "
            f"got {array[position]!r} at index {tuple(int(i) for i in position)}"
        )
    return converted


def check_input_scaling(value: object) -> str | None:
    """How a network scales its inputs: one of :data:`nncore._vocabulary.INPUT_SCALINGS`, or None (not at all)."""
    return None if value is None else check_choice("input_scaling", value, INPUT_SCALINGS)


def input_scaling_not_fitted(kind: str) -> ValueError:
    """The error of a network asked to compute before its ``input_scaling`` was fitted."""
    return ValueError(
        f"input_scaling={kind!r} is fitted to the training data by the network's first fit, which has not "
        "run yet: call fit(X, Y) first, or fit_input_scaling(X) to fit the scaling alone"
    )


def unscalable_input(kind: str) -> ValueError:
    """The error of an input that the network's ``input_scaling`` takes beyond its dtype's range."""
    return ValueError(
        f"an input is too large for input_scaling={kind!r}: (input - input_offset) / input_scale "
        "is not finite in the network's dtype"
    )


def check_optimizer(value: object) -> str:
    """How the weights move: one of :data:`nncore._vocabulary.OPTIMIZERS`."""
    return check_choice("optimizer", value, OPTIMIZERS)


def _check_in_range(
    name: str, value: object, low: float, high: float, closed_high: bool, positive: bool = False
) -> float:
    number = check_finite(name, value)
    above = number > low if positive else number >= low
    below = number <= high if closed_high else number < high
    if not (above and below):
        interval = f"{'(' if positive else '['}{low:g}, {high:g}{']' if closed_high else ')'}"
        raise ValueError(f"{name} must be in {interval}, got {number!r}")
    return number


RULE_PARAMETER_CHECKS: dict[str, Callable[[object], float]] = {
    "weight_decay": lambda v: check_rate("weight_decay", v),
    "beta1": lambda v: _check_in_range("beta1", v, 0.0, 1.0, closed_high=False),
    "beta2": lambda v: _check_in_range("beta2", v, 0.0, 1.0, closed_high=False),
    "epsilon": lambda v: _check_in_range("epsilon", v, 0.0, math.inf, closed_high=False, positive=True),
    "rprop_increase": lambda v: _check_in_range("rprop_increase", v, 1.0, math.inf, closed_high=False),
    "rprop_decrease": lambda v: _check_in_range("rprop_decrease", v, 0.0, 1.0, closed_high=True, positive=True),
    "rprop_step_min": lambda v: check_rate("rprop_step_min", v),
    "rprop_step_max": lambda v: _check_in_range("rprop_step_max", v, 0.0, math.inf, closed_high=False, positive=True),
    "rprop_step_initial": lambda v: _check_in_range(
        "rprop_step_initial", v, 0.0, math.inf, closed_high=False, positive=True
    ),
}
"""One check per parameter of the learning rules (Adam's betas in [0, 1), RPROP's factors, ...)."""


def check_rule_parameter(name: str, value: object) -> float:
    """A parameter of a learning rule, checked by :data:`RULE_PARAMETER_CHECKS`."""
    return RULE_PARAMETER_CHECKS[name](value)


def check_learning_rule(
    optimizer: str, learning_rate: object, momentum: object, weight_decay: object, given: dict[str, object]
) -> tuple[tuple[float, float], dict[str, float]]:
    """``Network``'s rates and rule parameters, checked for ``optimizer`` (already checked).

    ``given`` maps the optimizer-specific parameters to their values, None
    where not given. A rate or parameter that ``optimizer`` does not use is
    refused when given, so that a mistake never passes silently. Returns
    ``(learning_rate, momentum)`` (the defaults where not given; 0 where they
    do not apply) and every parameter of ``RULE_DEFAULTS``.
    """
    for name, value in {"learning_rate": learning_rate, "momentum": momentum, **given}.items():
        if value is not None:
            check_rule_applies(optimizer, name)
    rate = DEFAULT_LEARNING_RATES[optimizer] if learning_rate is None else check_rate("learning_rate", learning_rate)
    default_momentum = DEFAULT_MOMENTUM if optimizer == "sgd" else 0.0
    momentum_value = default_momentum if momentum is None else check_rate("momentum", momentum)
    parameters = {
        name: check_rule_parameter(name, RULE_DEFAULTS[name] if given.get(name) is None else given[name])
        for name in RULE_DEFAULTS
        if name != "weight_decay"
    }
    parameters["weight_decay"] = check_rule_parameter("weight_decay", weight_decay)
    check_step_limits(parameters["rprop_step_min"], parameters["rprop_step_max"])
    return (rate, momentum_value), parameters


def check_rule_applies(optimizer: str, name: str) -> None:
    """A ``ValueError`` when the rate or parameter ``name`` is not one of ``optimizer``'s (or ``weight_decay``).

    The message says which optimizer uses it: a value given for another
    optimizer would be silently ignored, and lost by ``to_dict``.
    """
    applies = OPTIMIZER_PARAMETERS[optimizer]
    if name in applies or name == "weight_decay":
        return
    users = [f"optimizer={other!r}" for other, names in OPTIMIZER_PARAMETERS.items() if name in names]
    raise ValueError(
        f"{name} does not apply to optimizer={optimizer!r}, whose parameters are {', '.join(applies)} and "
        f"weight_decay: {name} is a parameter of {' and '.join(users)} (the optimizer is chosen when the "
        "network is made)"
    )


def check_step_limits(step_min: float, step_max: float) -> None:
    """RPROP's smallest step may not exceed its largest."""
    if step_min > step_max:
        raise ValueError(f"rprop_step_min must be <= rprop_step_max, got {step_min!r} > {step_max!r}")


def check_order(value: object) -> str:
    """How ``fit`` orders the samples: one of :data:`nncore._vocabulary.ORDERS`."""
    return check_choice("order", value, ORDERS)


def check_names(names: object, size: int, side: str) -> tuple[str, ...] | None:
    """A network's lookup table for one side (``"input"`` or ``"output"``): None, or ``size`` distinct strings."""
    if names is None:
        return None
    label = f"{side}_names"
    if isinstance(names, (str, bytes, bytearray)) or not isinstance(names, (Sequence, np.ndarray)):
        raise TypeError(f"{label} must be a sequence of strings or None, got {describe(names)}")
    try:
        checked = tuple(names)
    except Exception:  # a sequence that cannot be read: a __len__ or __getitem__ that fails or lies
        raise TypeError(f"{label} must be a sequence of strings or None, got {describe(names)}") from None
    for index, name in enumerate(checked):
        if not isinstance(name, str):
            raise TypeError(f"{label}[{index}] must be a string, got {describe(name)}")
    if len(checked) != size:
        raise ValueError(f"{label} must hold {size} names (one per {side} of the network), got {len(checked)}")
    if len(set(checked)) != len(checked):
        repeated = sorted({name for name in checked if checked.count(name) > 1})
        raise ValueError(f"{label} must be distinct, got {describe(repeated)} more than once")
    return checked


# ---------------------------------------------------------------- fit's controls


def check_optional_rate(name: str, value: object) -> float | None:
    """None, or :func:`check_rate`."""
    return None if value is None else check_rate(name, value)


def check_threshold(value: object) -> float:
    """The class threshold of ``evaluate`` with one output: a finite real number."""
    return check_finite("threshold", value)


def train_call_hint(input: object, target: object) -> str | None:
    """What to call instead, when ``train(input, target)`` looks like brain.js's ``train(data, options)``."""
    try:
        data_set = isinstance(input, (list, tuple)) and len(input) > 0 and isinstance(input[0], Mapping)
    except Exception:  # a sequence whose len() or [0] misbehaves: no hint, the caller's error stands
        data_set = False
    if data_set:
        return (
            "train() takes one sample, train(input, target); to train on a data set of "
            "{'input': ..., 'output': ...} samples use fit(data, epochs=..., error_threshold=...)"
        )
    if isinstance(target, Mapping):
        return (
            f"train() takes one sample, train(input, target), and no options (got target = "
            f"{describe(target)}); to train on a data set with options use fit(X, Y, epochs=...)"
        )
    return None


# ---------------------------------------------------------------- arrays


def as_float_array(values: object, name: str, ndim: int, dtype: str = "float64") -> np.ndarray:
    """``values`` as a C-contiguous array of ``dtype`` with ``ndim`` dimensions, all finite.

    Lists, tuples and arrays of any real dtype and layout are accepted; the
    result is a new array or ``values`` itself when it already fits. Text and
    byte strings (``bytes``, ``bytearray``) are not numbers and are refused.
    For ``dtype="float32"`` see :func:`as_network_dtype`; float32 data is
    never widened on the way.
    """
    if isinstance(values, (str, bytes, bytearray, Mapping, set, frozenset)) or values is None:
        raise TypeError(f"{name} must be an array of real numbers, got {describe(values)}")
    if isinstance(values, (list, tuple)) and any(isinstance(row, (str, bytes, bytearray)) for row in values):
        raise TypeError(f"{name} must be an array of real numbers, got {describe(values)}")

    def shape_error() -> ValueError:
        # Built only when needed: describing a large array costs more than the checks themselves.
        return ValueError(
            f"{name} must be a {ndim}-D array of real numbers with rows of equal length, got {describe(values)}"
        )

    try:
        array = np.asarray(values)
    except (TypeError, ValueError, RecursionError, OverflowError):  # ragged or absurdly deep lists
        raise shape_error() from None
    except Exception as error:  # an array-like that refuses numpy, e.g. a tensor that requires grad
        raise TypeError(f"{name} could not be read as an array: {type(error).__name__}: {error}") from None
    if array.dtype.kind not in "iuf":
        if array.dtype.kind == "b":
            raise TypeError(f"{name} must contain real numbers, got booleans ({describe(values)})")
        if array.dtype.kind != "O":
            raise TypeError(f"{name} must contain real numbers, got dtype {array.dtype} ({describe(values)})")
        if array.ndim != ndim:
            raise shape_error()
        array = _object_array_as_float(array, name, values)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got {array.ndim}-D with shape {array.shape}")
    keeps_float32 = dtype == "float32" and array.dtype == np.float32
    array = np.ascontiguousarray(array, dtype=np.float32 if keeps_float32 else np.float64)
    if not array.flags.aligned:  # a view at an odd address: the kernels read whole values
        array = array.copy()
    # A sum is finite only if every term is (NaN and +-inf propagate); only when it
    # is not (or it overflowed) is the element-wise test, with its temporary, needed.
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(array, axis=None)
    if not math.isfinite(total):
        finite = np.isfinite(array)
        if not finite.all():
            where = tuple(int(i) for i in np.argwhere(~finite)[0])
            position = where[0] if ndim == 1 else where
            raise ValueError(f"{name} must be finite, got {float(array[where])!r} at index {position}")
    return as_network_dtype(array, dtype, name)


def _object_array_as_float(array: np.ndarray, name: str, values: object) -> np.ndarray:
    """An object array (numbers of mixed kinds, or other objects) as float64, or raise."""
    for item in array.flat:
        if not is_real_number(item):
            raise TypeError(f"{name} must contain real numbers, got {describe(item)}")
    try:
        return array.astype(np.float64)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got a number too large for a float") from None
    except (TypeError, ValueError, ArithmeticError):
        raise TypeError(f"{name} must contain real numbers, got {describe(values)}") from None


def has_items(values: list | tuple) -> bool:
    """True when the list or tuple ``values`` is not empty; False also when its ``__len__`` misbehaves."""
    return bool(length_of(values))


def length_of(values: object) -> int | None:
    """``len(values)``, or None when it has none or its ``__len__`` misbehaves (fails, or is not a count)."""
    try:
        return len(values)  # type: ignore[arg-type]
    except Exception:
        return None


def check_data(
    X: object, Y: object, n_inputs: int, n_outputs: int, dtype: str = "float64"
) -> tuple[np.ndarray, np.ndarray]:
    """A data set as C-contiguous arrays of ``dtype`` and shape ``(n, n_inputs)`` and ``(n, n_outputs)``.

    ``Y`` may be 1-D when there is one output.
    """
    inputs = as_float_array(X, "X", 2, dtype)
    if n_outputs == 1 and _is_flat(Y):
        targets = as_float_array(Y, "Y", 1, dtype).reshape(-1, 1)
    else:
        targets = as_float_array(Y, "Y", 2, dtype)
    if inputs.shape[0] == 0:
        raise ValueError("X must hold at least one sample, got 0 rows")
    if inputs.shape[1] != n_inputs:
        raise ValueError(f"X must have {n_inputs} columns (the network's inputs), got {inputs.shape[1]}")
    if targets.shape[1] != n_outputs:
        raise ValueError(f"Y must have {n_outputs} columns (the network's outputs), got {targets.shape[1]}")
    if targets.shape[0] != inputs.shape[0]:
        raise ValueError(f"X and Y must have the same number of rows, got {inputs.shape[0]} and {targets.shape[0]}")
    return inputs, targets


def target_width(Y: object) -> int:
    """The number of outputs of the targets ``Y``: 1 for 1-D targets, else the columns of 2-D ones."""
    return 1 if _is_flat(Y) else as_float_array(Y, "Y", 2).shape[1]


def _is_flat(values: object) -> bool:
    """True when ``values`` is a 1-D sequence or array-like (a list of numbers, a pandas Series, a 1-D tensor, a range).

    A list or tuple is told by its first item alone; anything else that numpy
    reads (the ``__array__`` protocol, sequences) by its number of dimensions.
    """
    if isinstance(values, np.ndarray):
        return values.ndim == 1
    if isinstance(values, (list, tuple)):
        if not has_items(values):
            return False
        first = values[0]
        return not isinstance(first, (list, tuple, np.ndarray)) and np.ndim(first) == 0
    if isinstance(values, (str, bytes, bytearray, Mapping, set, frozenset)) or values is None:
        return False
    try:
        return bool(np.ndim(values) == 1)  # type: ignore[arg-type]  # any array-like
    except Exception:  # not readable as an array: as_float_array says why
        return False


# ---------------------------------------------------------------- fit's data, fit_many's controls


def check_batch_size(value: object, n_samples: int) -> int:
    """Samples per update: an integer from 1 to ``n_samples``, or None for all of them (returned as 0)."""
    if value is None:
        return 0
    size = check_count("batch_size", value)
    if size > n_samples:
        raise ValueError(f"batch_size must be at most the {n_samples} samples (or None for all of them), got {size}")
    return size


def check_seeds(seeds: object, n_networks: int) -> list[int | None]:
    """One seed per network (each None or an integer from 0 to 2**64 - 1); None: a fresh seed for each."""
    if seeds is None:
        return [None] * n_networks
    if isinstance(seeds, (str, bytes, Mapping)) or length_of(seeds) is None:
        raise TypeError(f"seeds must be a sequence of one seed per network, got {describe(seeds)}")
    values = list(seeds)  # type: ignore[call-overload]
    if len(values) != n_networks:
        raise ValueError(f"seeds must hold one seed per network ({n_networks}), got {len(values)}")
    return [
        None if value is None else check_count(f"seeds[{i}]", value, minimum=0, maximum=MAX_SEED)
        for i, value in enumerate(values)
    ]


def check_threads(value: object) -> int:
    """A number of worker threads: an integer >= 1."""
    return check_count("threads", value)


def check_sample_weight(weights: object, n_samples: int) -> np.ndarray:
    """One finite weight >= 0 per sample, not all 0, as a float64 array."""
    array = as_float_array(weights, "sample_weight", 1)
    if array.shape[0] != n_samples:
        raise ValueError(f"sample_weight must have one weight per sample ({n_samples}), got {array.shape[0]}")
    if (array < 0).any():
        index = int(np.argmax(array < 0))
        raise ValueError(f"sample_weight must be >= 0, got {float(array[index])!r} at index {index}")
    if not (array > 0).any():
        raise ValueError("sample_weight must not be all zero: there would be nothing to train on")
    return array


def sample_factors(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The rows to train on (weight > 0) and each one's factor ``w / mean(w)``; None when all are equal.

    The mean is ``math.fsum(w) / n`` over the kept rows, one rounding each.
    """
    keep = np.flatnonzero(weights > 0)
    kept = weights[keep]
    if (kept == kept[0]).all():
        return keep, None
    mean = math.fsum(kept.tolist()) / len(kept)
    return keep, kept / mean


def check_flag(name: str, value: object) -> bool:
    """A yes/no option: a bool (or numpy bool)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_samples(inputs: Any, n_inputs: int, dtype: str = "float64") -> tuple[np.ndarray, bool]:
    """``predict``'s input as a 2-D array of rows in ``dtype``, and whether it was one sample (1-D)."""
    expected = f"inputs must be 1-D (one sample of {n_inputs} values) or 2-D (n_samples, {n_inputs})"
    if isinstance(inputs, (str, bytes, bytearray)):
        raise TypeError(f"{expected}, got {describe(inputs)}")
    try:
        ndim = np.ndim(inputs)
    except (ValueError, RecursionError):  # ragged rows, or nesting too deep for numpy
        raise ValueError(f"{expected} with rows of equal length, got {describe(inputs)}") from None
    if ndim not in (1, 2):
        got = describe(inputs) if ndim == 0 else f"{ndim}-D input of shape {np.shape(inputs)}"
        raise ValueError(f"{expected}, got {got}")
    rows = as_float_array(inputs, "inputs", ndim, dtype)
    if rows.shape[-1] != n_inputs:
        raise ValueError(f"inputs must have {n_inputs} values per sample, got {rows.shape[-1]}")
    return rows.reshape(-1, n_inputs), ndim == 1
