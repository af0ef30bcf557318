"""The implementations the benchmark compares, behind one small interface.

An :class:`Implementation` turns a :class:`~nncore_bench.workloads.Case` and
a step count into a :class:`Trial`: everything is built when the trial is
made (network, buffers, lists of rows), so that :meth:`Trial.run` is the
per-sample loop and nothing else.  After the run, :meth:`Trial.layers` gives
the final parameters for the correctness check.
"""

from __future__ import annotations

import importlib.util
import operator
import warnings
from collections.abc import Callable

import numpy as np

import nncore
from nncore import Network, reference
from nncore_bench.c_loop import C_FLAGS, FAST_MATH_FLAGS, NATIVE_FLAGS, CLoop, CNetwork, CompilerUnavailable
from nncore_bench.numpy_loop import NumpyNetwork
from nncore_bench.parameters import Layers, layers_of_dict
from nncore_bench.tutorial import TutorialNetwork
from nncore_bench.workloads import Case

# How an implementation's final weights compare with nncore's:
EXACT = "exact"  # same algorithm, same summation order: equal up to ~1e-12 at most
CLOSE = "close"  # same algorithm, other summation order (BLAS): equal up to accumulated rounding
FLOAT32 = "float32"  # the same algorithm in float32: equal up to float32's rounding
NONE = "none"  # a different model (not compared)


class Trial:
    """One prepared run: ``run()`` is timed, ``layers()`` read afterwards."""

    def __init__(self, run: Callable[[], object], layers: Callable[[], Layers]) -> None:
        self.run = run
        self.layers = layers


class Implementation:
    """Base class: a named way of training, possibly unavailable on this machine."""

    key = ""
    label = ""
    agreement = EXACT
    note = ""

    def unavailable(self) -> str | None:
        """Why this implementation cannot run here, or None."""
        return None

    def prepare(self, case: Case, steps: int) -> Trial:
        raise NotImplementedError

    def version(self) -> str | None:
        return None


def _network_layers(net: Network) -> Callable[[], Layers]:
    return lambda: layers_of_dict(net.to_dict())


class Fit(Implementation):
    """``Network.fit`` of a float64 network (the basis of every ratio) or of a float32 one."""

    def __init__(self, dtype: str = "float64") -> None:
        self.dtype = dtype
        if dtype == "float64":
            self.key, self.label, self.note = "fit", "nncore Network.fit", "the compiled data-set loop"
        else:
            self.key, self.label, self.agreement = f"fit_{dtype}", f"nncore Network.fit, {dtype}", FLOAT32
            self.note = f"the compiled data-set loop, a {dtype} network"

    def prepare(self, case: Case, steps: int) -> Trial:
        net = case.new_network(self.dtype)
        return Trial(lambda: case.fit(net, steps), _network_layers(net))


class TrainFromPython(Implementation):
    """``Network.train`` called once per sample from a Python loop."""

    def __init__(self, rows: str) -> None:
        self.rows = rows
        self.key = f"train_{rows}"
        kind = "lists" if rows == "list" else "numpy rows"
        self.label = f"nncore train() loop, {kind}"
        self.note = f"Network.train(x, t) per step from Python, x and t {kind}"

    def prepare(self, case: Case, steps: int) -> Trial:
        net = case.new_network()
        xs, ys = case.rows_as_lists if self.rows == "list" else case.rows_as_arrays
        order = case.index_list[:steps]
        train = net.train

        def run() -> None:
            for i in order:
                train(xs[i], ys[i])

        return Trial(run, _network_layers(net))


class Reference(Implementation):
    key = "reference"
    label = "pure Python (the tutorial's objects, math.exp)"
    note = "nncore.reference's Neuron/Connection objects with math.exp and math.tanh"

    def __init__(self) -> None:
        self._built: dict[int, tuple[Case, TutorialNetwork]] = {}

    def prepare(self, case: Case, steps: int) -> Trial:
        # Building the tutorial's objects takes long on the larger workloads:
        # one network per case, its parameters reset for every trial.
        if id(case) not in self._built:
            self._built[id(case)] = (case, TutorialNetwork.from_dict(case.start))
        net = self._built[id(case)][1]
        load_reference(net, case.start)
        xs, ys = case.rows_as_lists
        order = case.index_list[:steps]
        train = net.train

        def run() -> None:
            for i in order:
                train(xs[i], ys[i])

        return Trial(run, lambda: layers_of_dict(net.to_dict()))


class Numpy(Implementation):
    """numpy per sample; ``order`` chooses reference-order sums or BLAS products."""

    def __init__(self, order: str) -> None:
        self.order = order
        if order == "reference":
            self.key, self.label, self.agreement = "numpy", "numpy per sample", EXACT
            self.note = "preallocated, in place; sums in the reference's order"
        else:
            self.key, self.label, self.agreement = "numpy_blas", "numpy per sample, BLAS dot", CLOSE
            self.note = "preallocated, in place; numpy.dot (BLAS) sums"

    def version(self) -> str:
        return np.__version__

    def prepare(self, case: Case, steps: int) -> Trial:
        net = NumpyNetwork(case.start, self.order)
        xs, ys = case.rows_as_arrays
        order = case.index_list[:steps]
        train = net.train

        def run() -> None:
            for i in order:
                train(xs[i], ys[i])

        return Trial(run, net.layers)


class FitAtLevel(Implementation):
    """``Network.fit`` with the kernels of one instruction-set level (``nncore.show_runtime()``)."""

    def __init__(self, level: str, dtype: str = "float64") -> None:
        self.level, self.dtype = level, dtype
        suffix = "" if dtype == "float64" else f"_{dtype}"
        self.key = f"fit_{level}{suffix}"
        self.label = f"nncore Network.fit, {level} kernels" + ("" if dtype == "float64" else f", {dtype}")
        self.note = f"the compiled data-set loop, kernels compiled for {level}" + (
            "" if dtype == "float64" else f", a {dtype} network"
        )
        if dtype != "float64":
            self.agreement = FLOAT32

    def unavailable(self) -> str | None:
        available = available_levels()
        if self.level not in available:
            return f"{self.level} kernels not available here (available: {', '.join(available)})"
        return None

    def prepare(self, case: Case, steps: int) -> Trial:
        net = case.new_network(self.dtype)

        def run() -> None:
            chosen = nncore.use_simd(self.level)
            try:
                case.fit(net, steps)
            finally:
                nncore.use_simd(chosen)

        return Trial(run, _network_layers(net))


SIMD_LEVELS = ("baseline", "neon", "avx2", "avx512")
"""The instruction-set levels nncore builds: neon on arm64, avx2 and avx512 on x86-64 (elsewhere only the baseline)."""


def available_levels() -> list[str]:
    """The levels this installation built and this CPU runs: those ``nncore.use_simd`` accepts."""
    available = []
    for level in SIMD_LEVELS:
        try:
            previous = nncore.use_simd(level)
        except ValueError:
            continue
        nncore.use_simd(previous)
        available.append(level)
    return available


class PlainC(Implementation):
    """``train_loop.c`` built with the given flags: the baseline (``key="c"``) or an anchor."""

    key = "c"
    label = "plain C loop"

    def __init__(
        self, flags: tuple[str, ...] = C_FLAGS, key: str = "c", label: str = "plain C loop", agreement: str = EXACT
    ) -> None:
        self.key, self.label, self.agreement, self.flags = key, label, agreement, flags
        self._loop: CLoop | None = None
        self._reason: str | None = None
        self.note = "naive C, one sample at a time"

    def unavailable(self) -> str | None:
        if self._loop is None and self._reason is None:
            try:
                self._loop = CLoop(flags=self.flags)
                self.note = f"naive C, one sample at a time ({self._loop.describe()})"
            except CompilerUnavailable as error:
                self._reason = str(error)
        return self._reason

    def version(self) -> str | None:
        return self._loop.describe() if self._loop else None

    def prepare(self, case: Case, steps: int) -> Trial:
        if self.unavailable():
            raise RuntimeError(self._reason)
        net = CNetwork(self._loop, case.start)
        order = np.ascontiguousarray(case.indices[:steps])
        inputs, targets = case.inputs, case.targets
        return Trial(lambda: net.train(inputs, targets, order), net.layers)


class Torch(Implementation):
    key = "torch"
    label = "PyTorch per sample"
    agreement = CLOSE
    note = "float64 nn.Linear + sigmoid, SGD momentum on weights only, 0.5 * sum of squared errors; one thread"

    def unavailable(self) -> str | None:
        return None if importlib.util.find_spec("torch") else "PyTorch not installed"

    def version(self) -> str:
        import torch

        return torch.__version__

    def prepare(self, case: Case, steps: int) -> Trial:
        import torch
        from torch import nn

        torch.set_num_threads(1)
        start = case.start
        linears = []
        for layer in start["layers"]:
            w = torch.tensor(layer["weights"], dtype=torch.float64)
            linear = nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
            with torch.no_grad():
                linear.weight.copy_(w)
                linear.bias.copy_(torch.tensor(layer["biases"], dtype=torch.float64))
            linears.append(linear)
        model = nn.Sequential(*[m for linear in linears for m in (linear, nn.Sigmoid())])
        # nncore keeps no momentum for biases: two parameter groups.
        optimizer = torch.optim.SGD(
            [
                {"params": [linear.weight for linear in linears], "momentum": float(start["momentum"])},
                {"params": [linear.bias for linear in linears], "momentum": 0.0},
            ],
            lr=float(start["learning_rate"]),
        )
        xs = list(torch.from_numpy(case.inputs))
        ys = list(torch.from_numpy(case.targets))
        order = case.index_list[:steps]

        def run() -> None:
            for i in order:
                output = model(xs[i])
                loss = 0.5 * ((ys[i] - output) ** 2).sum()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()

        def layers() -> Layers:
            return [
                (linear.weight.detach().numpy().copy(), linear.bias.detach().numpy().copy(), None) for linear in linears
            ]

        return Trial(run, layers)


class ScikitLearn(Implementation):
    key = "sklearn"
    label = "scikit-learn MLPRegressor"
    agreement = NONE
    note = (
        'solver="sgd", batch_size=1, momentum 0.1 (weights and biases), logistic hidden layers, '
        "identity output (its own model: not compared)"
    )

    def unavailable(self) -> str | None:
        return None if importlib.util.find_spec("sklearn") else "scikit-learn not installed"

    def version(self) -> str:
        import sklearn

        return sklearn.__version__

    def prepare(self, case: Case, steps: int) -> Trial:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPRegressor

        start = case.start
        regressor = MLPRegressor(
            hidden_layer_sizes=tuple(start["sizes"][1:-1]),
            activation="logistic",
            solver="sgd",
            batch_size=1,
            learning_rate="constant",
            learning_rate_init=float(start["learning_rate"]),
            momentum=float(start["momentum"]),
            nesterovs_momentum=False,
            alpha=0.0,
            shuffle=False,
            max_iter=1,
            tol=0.0,
            n_iter_no_change=10**9,
            random_state=0,
        )
        order = case.indices[:steps]
        inputs = np.ascontiguousarray(case.inputs[order])
        targets = case.targets[order]
        if targets.shape[1] == 1:
            targets = targets[:, 0]
        targets = np.ascontiguousarray(targets)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            regressor.partial_fit(inputs[:1], targets[:1])  # builds the layers
        for layer, coef, intercept in zip(start["layers"], regressor.coefs_, regressor.intercepts_):
            coef[...] = np.asarray(layer["weights"]).T
            intercept[...] = layer["biases"]
        optimizer = getattr(regressor, "_optimizer", None)
        if optimizer is not None and hasattr(optimizer, "velocities"):
            optimizer.velocities = [np.zeros_like(v) for v in optimizer.velocities]

        def run() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                regressor.partial_fit(inputs, targets)

        def layers() -> Layers:
            return [(c.T.copy(), b.copy(), None) for c, b in zip(regressor.coefs_, regressor.intercepts_)]

        return Trial(run, layers)


def load_reference(net: reference.Network, data: dict) -> None:
    """Put the parameters of a ``to_dict()`` dictionary into an existing reference network of the same sizes."""
    for layer, values in zip(net.layers[1:], data["layers"]):
        for neuron, bias, weights, changes in zip(
            layer.neurons, values["biases"], values["weights"], values["changes"]
        ):
            neuron.bias = float(bias)
            for connection, weight, change in zip(neuron.input_connections, weights, changes):
                connection.weight = float(weight)
                connection.change = float(change)
    net.iterations = int(data["iterations"])


def all_implementations() -> list[Implementation]:
    """Every implementation, nncore's fit first (the basis of every ratio)."""
    levels = [FitAtLevel(level, dtype) for dtype in ("float64", "float32") for level in SIMD_LEVELS]
    anchors = [
        PlainC(NATIVE_FLAGS, "c_native", "C, -O3 -march=native, sums in order"),
        PlainC(FAST_MATH_FLAGS, "c_fast_math", "C, -O3 -march=native -ffast-math", CLOSE),
    ]
    return [
        Fit(),
        Fit("float32"),
        TrainFromPython("list"),
        TrainFromPython("numpy"),
        PlainC(),
        *anchors,
        *levels,
        Numpy("reference"),
        Numpy("blas"),
        Torch(),
        ScikitLearn(),
        Reference(),
    ]


def call_overhead_trial(case: Case, steps: int) -> Trial:
    """The Python loop of the train() trials calling a do-nothing builtin: the loop's own cost."""
    xs, ys = case.rows_as_lists
    order = case.index_list[:steps]
    nothing = operator.is_

    def run() -> None:
        for i in order:
            nothing(xs[i], ys[i])

    return Trial(run, list)
