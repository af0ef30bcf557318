"""The benchmark's workloads: a network, its data and the samples it visits.

Every implementation starts from the same weights (``Case.start``, a
``Network.to_dict()``) and visits the same rows in the same order
(``Case.indices``), the order ``Network.fit(..., order=..., seed=...)`` draws,
reproduced here with :class:`nncore.SplitMix64.SplitMix64`, its generator in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from nncore import Network
from nncore.reference import SplitMix64

XOR_INPUTS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
XOR_TARGETS = ((0.0,), (1.0,), (1.0,), (0.0,))
"""The tutorial's data set: XOR of two inputs, one row per sample."""


@dataclass(frozen=True)
class Workload:
    """What to train: layer sizes, data, how many steps and in which order."""

    name: str
    sizes: tuple[int, ...]
    steps: int
    order: str
    data: str
    """"xor", "digits" or "random"."""
    rows: int
    """Rows of the data set (for "digits", the rows of scikit-learn's copy)."""
    description: str
    reference_by_default: bool = True
    """Whether the pure-Python reference is timed here unless asked for."""


WORKLOADS = {
    "W1": Workload("W1", (2, 10, 10, 1), 20_000, "random", "xor", 4, "the tutorial's XOR, uniformly random rows"),
    "W2": Workload("W2", (2, 10, 10, 1), 1_000_000, "random", "xor", 4, "XOR, a long run", reference_by_default=False),
    "W3": Workload("W3", (64, 32, 10), 1797, "shuffle", "digits", 1797, "scikit-learn's digits, one shuffled epoch"),
    "W4": Workload(
        "W4", (784, 128, 10), 2_000, "random", "random", 1_000, "MNIST-shaped random data, uniformly random rows"
    ),
    "W5": Workload("W5", (256, 256, 256, 10), 2_000, "random", "random", 1_000, "random data, uniformly random rows"),
}


@dataclass
class Case:
    """A workload made concrete: starting network, data arrays and sample order."""

    workload: Workload
    start: dict
    inputs: np.ndarray
    targets: np.ndarray
    seed: int
    data_note: str
    indices: np.ndarray = field(repr=False)
    """Row visited at each step, ``workload.steps`` of them (int64)."""
    converted: dict = field(default_factory=dict, repr=False)
    """``data_as``'s arrays by dtype, made once (outside the timed runs)."""

    @property
    def name(self) -> str:
        return self.workload.name

    @property
    def sizes(self) -> tuple[int, ...]:
        return self.workload.sizes

    @property
    def steps(self) -> int:
        return self.workload.steps

    def new_network(self, dtype: str = "float64") -> Network:
        """A fresh ``Network`` in the state ``start`` describes.

        Built from the sizes and seed (``start`` was made that way) rather than
        with ``Network.from_dict``, whose checks take a good part of a second
        on the larger workloads.
        """
        return Network(
            list(self.sizes),
            learning_rate=self.start["learning_rate"],
            momentum=self.start["momentum"],
            seed=self.seed,
            dtype=dtype,
        )

    @cached_property
    def index_list(self) -> list[int]:
        """``indices`` as a list of Python ints, for loops written in Python."""
        return self.indices.tolist()

    @cached_property
    def rows_as_lists(self) -> tuple[list[list[float]], list[list[float]]]:
        """Inputs and targets as lists of lists of floats."""
        return self.inputs.tolist(), self.targets.tolist()

    @cached_property
    def rows_as_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Inputs and targets as lists of 1-D float64 arrays (views of the rows)."""
        return list(self.inputs), list(self.targets)

    def data_as(self, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and targets in ``dtype`` (the data a user of a network of that dtype would hold)."""
        if dtype == np.float64:
            return self.inputs, self.targets
        key = np.dtype(dtype).name
        if key not in self.converted:
            self.converted[key] = (self.inputs.astype(dtype), self.targets.astype(dtype))
        return self.converted[key]

    def fit(self, net: Network, steps: int):
        """Train ``net`` the way this case prescribes for ``steps`` steps, with ``Network.fit``."""
        inputs, targets = self.data_as(net.dtype)
        return net.fit(inputs, targets, steps=steps, order=self.workload.order, seed=self.seed)


def sample_order(n_rows: int, steps: int, order: str, seed: int) -> np.ndarray:
    """The rows ``Network.fit`` visits for ``order`` and ``seed``, as an int64 array."""
    if order == "random":
        return _random_rows(n_rows, steps, seed)
    if order == "sequential":
        return np.arange(steps, dtype=np.int64) % n_rows
    if order != "shuffle":
        raise ValueError(f"order must be 'random', 'shuffle' or 'sequential', got {order!r}")
    rng = SplitMix64(seed)
    permutation = list(range(n_rows))
    chunks = []
    for _ in range(-(-steps // n_rows)):
        rng.shuffle(permutation)
        chunks.append(np.array(permutation, dtype=np.int64))
    return np.concatenate(chunks)[:steps]


def _random_rows(n_rows: int, steps: int, seed: int, block: int = 1 << 16) -> np.ndarray:
    """``[rng.index(n_rows) for each step]`` of ``rng = SplitMix64(seed)``, computed in blocks with numpy.

    The generator's k-th state is ``seed + k * INCREMENT`` (mod 2**64), so every
    draw can be computed independently; numpy's uint64 arithmetic wraps like C's.
    """
    increment = np.uint64(SplitMix64.INCREMENT)
    rows = np.empty(steps, dtype=np.int64)
    with np.errstate(over="ignore"):
        for begin in range(0, steps, block):
            k = np.arange(begin + 1, min(steps, begin + block) + 1, dtype=np.uint64)
            z = np.uint64(seed & SplitMix64.MASK64) + k * increment
            z = (z ^ (z >> np.uint64(30))) * np.uint64(SplitMix64.MULTIPLIER_1)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(SplitMix64.MULTIPLIER_2)
            z = z ^ (z >> np.uint64(31))
            u = (z >> np.uint64(11)).astype(np.float64) * SplitMix64.UNIT
            rows[begin : begin + len(k)] = (u * n_rows).astype(np.int64)
    return rows


def digits() -> tuple[np.ndarray, np.ndarray] | None:
    """scikit-learn's digits: pixels scaled to [0, 1] and one-hot targets, or None without scikit-learn."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        return None
    data = load_digits()
    inputs = np.ascontiguousarray(data.data / 16.0, dtype=np.float64)
    targets = np.zeros((len(data.target), 10))
    targets[np.arange(len(data.target)), data.target] = 1.0
    return inputs, targets


def random_data(rows: int, n_in: int, n_out: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs uniform in [0, 1) and one-hot targets of random classes."""
    rng = np.random.default_rng(seed)
    inputs = rng.random((rows, n_in))
    targets = np.zeros((rows, n_out))
    targets[np.arange(rows), rng.integers(0, n_out, rows)] = 1.0
    return inputs, targets


def make_case(workload: Workload, seed: int = 0, steps: int | None = None) -> Case:
    """The concrete case of ``workload``; ``steps`` overrides the workload's step count."""
    if steps is not None:
        workload = Workload(**{**workload.__dict__, "steps": steps})
    note = ""
    if workload.data == "xor":
        inputs, targets = np.array(XOR_INPUTS), np.array(XOR_TARGETS)
    elif workload.data == "digits":
        loaded = digits()
        if loaded is None:
            inputs, targets = random_data(workload.rows, workload.sizes[0], workload.sizes[-1], seed)
            note = "scikit-learn not installed: random data of the digits' shape"
        else:
            inputs, targets = loaded
    else:
        inputs, targets = random_data(workload.rows, workload.sizes[0], workload.sizes[-1], seed)
    start = Network(list(workload.sizes), seed=seed).to_dict()
    indices = sample_order(len(inputs), workload.steps, workload.order, seed)
    return Case(workload, start, inputs, targets, seed, note, indices)
