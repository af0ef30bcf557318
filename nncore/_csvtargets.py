"""The target columns of a CSV file: class labels or numbers, the task they make, and its measures.

:func:`read_targets` tells what ``nncore train``'s targets are: a column of
text (``setosa``, ``versicolor``, ...) or of whole numbers with few values is
a column of class labels (one output per class, one-hot targets), a column of
0 and 1 a two-class target for one output, other numbers a regression.
:func:`read_labels` reads a column of labels against a network's classes (for
``evaluate``); :func:`regression_measures` and :func:`confusion_matrix` are
what ``evaluate`` reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nncore._csvdata import Table, parse_number

TASKS = ("classification", "regression")

MAX_CLASSES = 20
"""A column of whole numbers with at most this many distinct values is a column of class labels (unless
``--task regression``)."""


@dataclass(frozen=True)
class Targets:
    """What a network trains on, as :func:`read_targets` found it."""

    task: str
    """``"classification"`` or ``"regression"``."""
    values: np.ndarray
    """The targets, one row per sample: one-hot rows for class labels."""
    classes: tuple[str, ...] | None
    """The class labels, one output each (the network's ``output_names``); None for numeric targets."""
    detected: str
    """What the columns hold, as the command line says it."""


def label_of(text: str) -> str:
    """A cell as a class label: its text, or for a number its shortest form (``1.0`` and ``1`` are ``1``)."""
    value = parse_number(text)
    if value is None:
        return text
    return str(int(value)) if value.is_integer() else repr(value)


def _sorted_labels(labels: set[str]) -> tuple[str, ...]:
    """Labels in order: numerically when they are all numbers, else as text."""
    values = {label: parse_number(label) for label in labels}
    numbers = {label: value for label, value in values.items() if value is not None}
    if len(numbers) == len(labels):
        return tuple(sorted(labels, key=numbers.__getitem__))
    return tuple(sorted(labels))


def one_hot(labels: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """One row per label, 1 in its class's column."""
    position = {label: index for index, label in enumerate(classes)}
    rows = np.zeros((len(labels), len(classes)))
    rows[np.arange(len(labels)), [position[label] for label in labels]] = 1.0
    return rows


def _labels_text(classes: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(classes[:limit])
    return shown + (f", ... ({len(classes)} in all)" if len(classes) > limit else "")


def read_targets(table: Table, names: Sequence[str], task: str | None = None) -> Targets:
    """The target columns ``names`` of ``table``, and the task they make (``task`` when given).

    Raises
    ------
    ValueError
        For a column of text among several targets, a column of one label
        only, an empty label, text as a regression target, or several
        columns that are not all 0 or 1 as a classification's targets.
    """
    if len(names) == 1:
        (name,) = names
        cells = table.texts(name)
        numeric = [parse_number(cell) is not None for cell in cells]
        # A column of text is labels; one mixing numbers and text is labels only when --task says so
        # (else the first text is a number's error, as for inputs).
        if (task == "classification" and not all(numeric)) or (task is None and not any(numeric)):
            return _class_labels(table, name, cells)
        numbers = table.columns(names)[:, 0]
        if task is None:
            few = len(set(numbers.tolist())) <= MAX_CLASSES
            task = "classification" if few and np.all(numbers == np.round(numbers)) else "regression"
        if task == "classification" and not set(numbers.tolist()) <= {0.0, 1.0}:
            return _class_labels(table, name, cells)
    else:
        for name in names:
            if not any(parse_number(cell) is not None for cell in table.texts(name)):
                raise ValueError(f"{table.path}: column {name!r} holds class labels; it must be the only target")
    values = table.columns(names)
    binary = bool(np.isin(values, (0.0, 1.0)).all())
    if task is None:
        task = "classification" if binary else "regression"
    columns = ", ".join(repr(name) for name in names)
    if task == "classification":
        if not binary:
            raise ValueError(
                f"classification on several target columns needs columns of 0 and 1; {columns} hold others"
            )
        return Targets(task, values, None, f"{columns} hold{'s' if len(names) == 1 else ''} 0 and 1")
    return Targets(task, values, None, f"{columns} hold{'s' if len(names) == 1 else ''} numbers")


def _class_labels(table: Table, name: str, cells: Sequence[str]) -> Targets:
    """A column of class labels: one-hot targets, one class per distinct label."""
    for line, cell in zip(table.line_numbers, cells):
        if not cell:
            raise ValueError(f"{table.path}, line {line}, column {name!r}: no class label (the cell is empty)")
    labels = [label_of(cell) for cell in cells]
    classes = _sorted_labels(set(labels))
    if len(classes) < 2:
        raise ValueError(
            f"{table.path}: column {name!r} holds one class label only ({classes[0]!r}); a classifier needs two or more"
        )
    detected = f"{name!r} holds {len(classes)} class labels: {_labels_text(classes)}"
    return Targets("classification", one_hot(labels, classes), classes, detected)


def read_labels(table: Table, name: str, classes: Sequence[str]) -> list[str]:
    """The column ``name`` as labels of ``classes``; a ``ValueError`` names the first label that is not one."""
    known = set(classes)
    labels = [label_of(cell) for cell in table.texts(name)]
    for line, label in zip(table.line_numbers, labels):
        if label not in known:
            raise ValueError(
                f"{table.path}, line {line}, column {name!r}: {label[:40]!r} is not one of the network's classes "
                f"({_labels_text(classes)})"
            )
    return labels


def find_label_column(table: Table, classes: Sequence[str], exclude: Sequence[str]) -> str | None:
    """The one column (not in ``exclude``) whose every cell is one of ``classes``; None if no column or several."""
    known, excluded = set(classes), set(exclude)
    found = [
        name
        for name in table.names
        if name not in excluded and all(label_of(cell) in known for cell in table.texts(name))
    ]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class RegressionMeasures:
    """How close a regression's outputs are to its targets."""

    rmse: float
    """The root of the mean squared difference, over every output of every sample."""
    mae: float
    """The mean absolute difference, over every output of every sample."""
    r2: float
    """The coefficient of determination, 1 - SS_res / SS_tot, averaged over the outputs (NaN for constant targets)."""


def regression_measures(targets: np.ndarray, outputs: np.ndarray) -> RegressionMeasures:
    """RMSE, MAE and R² of ``outputs`` against ``targets`` (both of shape ``(n_samples, n_outputs)``)."""
    targets, outputs = np.asarray(targets, dtype=float), np.asarray(outputs, dtype=float)
    difference = outputs - targets
    residual = np.sum(difference**2, axis=0)
    total = np.sum((targets - targets.mean(axis=0)) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = float(np.mean(1.0 - residual / total)) if np.all(total > 0) else float("nan")
    return RegressionMeasures(float(np.sqrt(np.mean(difference**2))), float(np.mean(np.abs(difference))), r2)


def confusion_matrix(true: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """Counts of (true class, predicted class): rows are the true classes, columns the predicted ones."""
    position = {label: index for index, label in enumerate(classes)}
    counts = np.zeros((len(classes), len(classes)), dtype=np.int64)
    np.add.at(counts, ([position[label] for label in true], [position[label] for label in predicted]), 1)
    return counts


def format_confusion(counts: np.ndarray, classes: Sequence[str]) -> list[str]:
    """The confusion matrix as lines of text, one row per true class, one column per predicted class."""
    header = ["true \\ predicted", *classes]
    rows = [[label, *(str(count) for count in row)] for label, row in zip(classes, counts.tolist())]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    return [
        "  ".join([row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])])
        for row in [header, *rows]
    ]
