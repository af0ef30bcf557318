"""brain.js-style data: a list of ``{"input": ..., "output": ...}`` samples, with named values.

Each side of a sample is either a sequence of numbers or a dict of named
numbers, e.g. ``{"input": {"r": 0.03, "g": 0.7}, "output": {"black": 1}}``.
Names become columns through a lookup table built as brain.js builds it: in
the order the names are first seen, going through the data set sample by
sample; a name a sample leaves out counts as 0. A network remembers its
tables (``input_names``, ``output_names``) from the first named data it is
trained on, and every later named sample is read through them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nncore._checks import as_float_array, check_finite, describe, has_items, target_width

SIDES = ("input", "output")


@dataclass(frozen=True)
class Arrays:
    """A data set as checked arrays, with the name tables it was read through."""

    inputs: Any
    """Inputs, one row per sample (an array, or the caller's ``X`` untouched)."""
    targets: Any
    """Targets, one row per sample (an array, or the caller's ``Y`` untouched)."""
    input_names: tuple[str, ...] | None
    """Names of the input columns, or None when the inputs were not named."""
    output_names: tuple[str, ...] | None
    """Names of the output columns, or None when the outputs were not named."""


def is_samples(data: object) -> bool:
    """True when ``data`` looks like brain.js data: a list or tuple of dicts."""
    return isinstance(data, (list, tuple)) and has_items(data) and isinstance(data[0], Mapping)


def widths(X: Any, Y: Any) -> tuple[int, int]:
    """The number of inputs and outputs of the data given to ``fit`` (``X`` and ``Y``, or named samples in ``X``).

    For a network whose sizes the first fit's data sets: named sides count
    their names (every name seen in the data), the others their columns.
    """
    data = resolve(X, Y, None, None, None, learn_names=True)
    n_inputs = len(data.input_names) if data.input_names else as_float_array(data.inputs, "X", 2).shape[1]
    n_outputs = len(data.output_names) if data.output_names else target_width(data.targets)
    return n_inputs, n_outputs


def resolve(
    X: Any,
    Y: Any,
    sizes: Sequence[int] | None,
    input_names: tuple[str, ...] | None,
    output_names: tuple[str, ...] | None,
    *,
    learn_names: bool,
) -> Arrays:
    """The data given to ``fit`` or ``evaluate`` as (inputs, targets), for ``_checks.check_data``.

    With ``Y`` given, ``X`` and ``Y`` pass through untouched. With ``Y``
    omitted, ``X`` must be a list of ``{"input": ..., "output": ...}`` samples;
    named sides are read through the network's tables (``input_names``,
    ``output_names``), or, when it has none and ``learn_names`` is true,
    through new tables built from the data (first seen, first column).
    ``sizes`` None takes the data's widths (:func:`widths`).
    """
    if Y is not None:
        if is_samples(X):
            raise TypeError("X is a list of {'input': ..., 'output': ...} samples: leave Y out, the targets are in X")
        return Arrays(X, Y, None, None)
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise ValueError("the data must hold at least one sample, got an empty list")
    if not is_samples(X):
        raise TypeError(
            "Y (the targets) is missing: pass X and Y as arrays, or X alone as a list of "
            f"{{'input': ..., 'output': ...}} samples, got X = {describe(X)}"
        )
    samples = list(X)
    for index, sample in enumerate(samples):
        if not isinstance(sample, Mapping):
            raise TypeError(f"data[{index}] must be a dict with 'input' and 'output', got {describe(sample)}")
        for side in SIDES:
            if side not in sample:
                raise ValueError(f"data[{index}] has no {side!r}: every sample needs 'input' and 'output'")
    inputs, input_names = _side(samples, "input", None if sizes is None else sizes[0], input_names, learn_names)
    targets, output_names = _side(samples, "output", None if sizes is None else sizes[-1], output_names, learn_names)
    return Arrays(inputs, targets, input_names, output_names)


def _side(
    samples: list, side: str, size: int | None, known: tuple[str, ...] | None, learn_names: bool
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """One side of every sample as a float64 array, and the names it was read with."""
    values = [sample[side] for sample in samples]
    named = isinstance(values[0], Mapping)
    for index, value in enumerate(values):
        if isinstance(value, Mapping) != named:
            expected = "a dict of named values" if named else "a sequence of numbers"
            raise TypeError(f"data[{index}][{side!r}] must be {expected} like data[0][{side!r}], got {describe(value)}")
    if not named:
        rows = as_float_array(values, f"the {side}s", 2)
        if size is not None and rows.shape[1] != size:
            raise ValueError(
                f"each sample's {side!r} must have {size} values (the network's {side}s), got {rows.shape[1]}"
            )
        return rows, None
    names = known
    if names is None:
        if not learn_names:
            raise ValueError(
                f"this network has no {side} names, so named {side}s cannot be matched to its "
                f"{side}s: train it on named data first, or set net.{side}_names"
            )
        names = _first_seen_names(values, side)
        if size is not None and len(names) != size:
            raise ValueError(f"the data names {len(names)} {side}s {list(names)}, but the network has {size} {side}s")
    columns = {name: column for column, name in enumerate(names)}
    rows = np.zeros((len(values), len(names)))
    for index, value in enumerate(values):
        _fill_row(rows[index], value, columns, f"data[{index}][{side!r}]", side)
    return rows, names


def _first_seen_names(values: list[Mapping], side: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for index, value in enumerate(values):
        for name in value:
            if not isinstance(name, str):
                raise TypeError(f"data[{index}][{side!r}] has a name that is not a string: {describe(name)}")
            seen.setdefault(name, None)
    return tuple(seen)


def _fill_row(row: np.ndarray, value: Mapping, columns: dict[str, int], where: str, side: str) -> None:
    """Write the named numbers of ``value`` into their columns of ``row`` (the rest stay 0)."""
    for name, number in value.items():
        if name not in columns:
            raise ValueError(
                f"{where} has the name {describe(name)}, which is not one of the network's {side} names {list(columns)}"
            )
        row[columns[name]] = check_finite(f"{where}[{name!r}]", number)


def named_input(values: Mapping, names: tuple[str, ...] | None) -> np.ndarray:
    """One sample given as ``{name: value}`` as a 1-D array, through the network's input ``names``."""
    if names is None:
        raise ValueError(
            "this network has no input names, so a dict input cannot be matched to its inputs: "
            "train it on named data first, or set net.input_names"
        )
    row = np.zeros(len(names))
    _fill_row(row, values, {name: column for column, name in enumerate(names)}, "input", "input")
    return row
