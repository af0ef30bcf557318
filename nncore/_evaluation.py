"""``Network.evaluate`` (brain.js's ``test``): error, accuracy, misclassified rows, confusion counts.

A sample is classified the way brain.js's ``test`` does it. With one output,
the class is 1 when the value is above a threshold (0.5 by default) and 0
otherwise, for the network's output and the target alike. With several
outputs, the class is the index of the largest value (the first of equal
ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nncore._pickling import PortablePickle

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True, eq=False)
class Misclass(PortablePickle):
    """A sample the network put in the wrong class.

    Attributes
    ----------
    index : int
        Its row in the evaluated data.
    input : numpy.ndarray
        Its input.
    output : numpy.ndarray
        What the network gave.
    expected : numpy.ndarray
        Its target.
    actual_class : int
        The class of ``output``.
    expected_class : int
        The class of ``expected``.
    """

    index: int
    input: np.ndarray
    output: np.ndarray
    expected: np.ndarray
    actual_class: int
    expected_class: int


@dataclass(frozen=True, eq=False)
class Evaluation(PortablePickle):
    """How a network does on a data set: what ``Network.evaluate`` returns.

    Attributes
    ----------
    error : float
        Mean over the samples of the network's loss (``loss``), the error
        ``train`` and ``fit`` report.
    accuracy : float
        Fraction of the samples put in their expected class.
    total : int
        Number of samples.
    misclasses : tuple of Misclass
        The samples put in the wrong class, in data order.
    actual_classes : numpy.ndarray of int
        The class of the network's output for every sample.
    expected_classes : numpy.ndarray of int
        The class of the target of every sample.
    threshold : float or None
        The threshold between class 0 and class 1 with one output; None with
        several outputs (the largest wins).
    true_positives, true_negatives, false_positives, false_negatives : int or None
        Confusion counts with one output (class 1 is "positive"); None with
        several outputs.
    precision : float or None
        ``true_positives / (true_positives + false_positives)``, 0.0 when there
        is no true positive (as brain.js); None with several outputs.
    recall : float or None
        ``true_positives / (true_positives + false_negatives)``, 0.0 when there
        is no true positive (as brain.js); None with several outputs.
    loss : str
        The loss ``error`` is the mean of: ``"mse"`` (``0.5 * sum((target -
        output)**2)``) or ``"cross_entropy"``.
    """

    error: float
    accuracy: float
    total: int
    misclasses: tuple[Misclass, ...] = field(repr=False)
    actual_classes: np.ndarray = field(repr=False)
    expected_classes: np.ndarray = field(repr=False)
    threshold: float | None = None
    true_positives: int | None = None
    true_negatives: int | None = None
    false_positives: int | None = None
    false_negatives: int | None = None
    precision: float | None = None
    recall: float | None = None
    loss: str = "mse"

    @property
    def misclassified(self) -> np.ndarray:
        """Row indices of the misclassified samples."""
        return np.array([m.index for m in self.misclasses], dtype=np.intp)

    @property
    def binary(self) -> bool:
        """True when the network has one output (threshold classes and confusion counts)."""
        return self.threshold is not None

    def __repr__(self) -> str:
        shown = ["error", "loss", "accuracy", "total"]
        if self.binary:
            shown += [
                "threshold",
                "true_positives",
                "true_negatives",
                "false_positives",
                "false_negatives",
                "precision",
                "recall",
            ]
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        rows = [str(index) for index in self.misclassified[:10].tolist()]
        if len(self.misclasses) > 10:
            rows.append(f"... ({len(self.misclasses)} in all)")
        return f"Evaluation({fields}, misclassified=[{', '.join(rows)}])"


def evaluate(
    inputs: np.ndarray, targets: np.ndarray, outputs: np.ndarray, threshold: float, losses: np.ndarray, loss: str
) -> Evaluation:
    """Score ``outputs`` against ``targets`` (checked 2-D float64 arrays); see :meth:`nncore.Network.evaluate`.

    ``losses`` holds each sample's value of the loss named ``loss``, as the
    network computed it.
    """
    error = float(np.mean(losses))
    binary = targets.shape[1] == 1
    if binary:
        actual = (outputs[:, 0] > threshold).astype(np.intp)
        expected = (targets[:, 0] > threshold).astype(np.intp)
    else:
        actual, expected = np.argmax(outputs, axis=1), np.argmax(targets, axis=1)
    wrong = np.flatnonzero(actual != expected)
    misclasses = tuple(
        Misclass(int(i), _frozen(inputs[i]), _frozen(outputs[i]), _frozen(targets[i]), int(actual[i]), int(expected[i]))
        for i in wrong
    )
    total = len(inputs)
    common: dict[str, Any] = dict(
        error=error,
        loss=loss,
        accuracy=(total - len(wrong)) / total,
        total=total,
        misclasses=misclasses,
        actual_classes=_frozen(actual),
        expected_classes=_frozen(expected),
    )
    if not binary:
        return Evaluation(**common)
    true_positives = int(np.sum((actual == 1) & (expected == 1)))
    true_negatives = int(np.sum((actual == 0) & (expected == 0)))
    false_positives = int(np.sum((actual == 1) & (expected == 0)))
    false_negatives = int(np.sum((actual == 0) & (expected == 1)))
    return Evaluation(
        **common,
        threshold=threshold,
        true_positives=true_positives,
        true_negatives=true_negatives,
        false_positives=false_positives,
        false_negatives=false_negatives,
        precision=true_positives / (true_positives + false_positives) if true_positives else 0.0,
        recall=true_positives / (true_positives + false_negatives) if true_positives else 0.0,
    )


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array)
    copy.flags.writeable = False
    return copy
