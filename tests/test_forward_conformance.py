"""One conformance test: every implementation of the forward pass against the compiled ``predict``.

The cases are every (hidden activation, output activation, loss) the
package accepts, in each dtype, derived from its own tables (the activations
of ``nncore._activations``, the losses and dtypes of ``nncore._vocabulary``):
a new activation, loss or dtype joins every
implementation at once, and an implementation that cannot handle it fails
(it does not skip). Each network sees ordinary inputs and inputs large
enough to saturate sigmoid, tanh and softmax.

The implementations, and what each promises against the per-sample
compiled forward pass (``predict`` of a batch below
``nncore._batched.MIN_WORK``):

- the compiled kernels at every instruction-set level this CPU and build
  offer, each in its own process (``NNCORE_SIMD``): bit for bit;
- the SIMD lanes of ``fit_many`` (``nncore._core.LaneGroup``), for the networks
  that take them (``takes_lanes``: the plain path, mse, so no softmax): one step of each input in a lane of
  its own reports the mse of ``predict``'s outputs bit for bit, and leaves the
  network as the compiled per-sample step (``train``) does, bit for bit;
- ``nncore.reference``, in Python floats, so for float64 networks: bit for bit;
- the C export (``Network.to_c``), all networks compiled into one program: bit for bit;
- the batched numpy path (``predict`` of a large batch of a large network): within a tolerance
  (:data:`ROUNDINGS`), since its matrix products sum in another order and
  numpy's exp and tanh are not the core's;
- the JavaScript export run by Node, in doubles with V8's ``Math.exp`` and
  ``Math.tanh``: within the tolerance;
- the ONNX export run by onnxruntime: within the tolerance.

A missing tool (``cc``, ``node``, onnxruntime) skips its implementation,
naming the tool.
"""

import copy
import functools
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import pairwise
from unittest import mock

import numpy as np
import pytest
from export_support import JSFunction, c_function, run_c_functions, run_js_functions

import nncore
from nncore import _batched, _core, reference
from nncore._activations import ACTIVATION_TABLE
from nncore._vocabulary import DTYPES, LOSSES

SIZES = [5, 19, 11, 4]  # tails after every vector width (4, 8 and 16 values)
LEAKY_RELU_ALPHA = 0.1  # not a float32 value: the float32 kernels round it

ROUNDINGS = 128
"""Where bits may differ: |difference| <= ROUNDINGS * the dtype's epsilon * the row's magnitude
(:func:`magnitudes_of`); the largest seen on x86-64 is about 2."""


@dataclass(frozen=True)
class Case:
    """A network whose hidden layers have one activation and whose output layer has another."""

    dtype: str
    hidden: str
    output: str
    loss: str

    def __str__(self):
        return f"{self.dtype}-{self.hidden}-{self.output}-{self.loss}"


def _accepted(case):
    try:
        nncore.Network(SIZES, activation=[case.hidden, case.hidden, case.output], loss=case.loss, dtype=case.dtype)
    except ValueError:
        return False
    return True


CASES = [
    case
    for case in (
        Case(dtype, hidden, output, loss)
        for dtype in DTYPES
        for hidden in ACTIVATION_TABLE
        for output in ACTIVATION_TABLE
        for loss in LOSSES
    )
    if _accepted(case)
]


@functools.cache
def network_of(case):
    seed = CASES.index(case)
    return nncore.Network(
        SIZES,
        activation=[case.hidden, case.hidden, case.output],
        loss=case.loss,
        dtype=case.dtype,
        leaky_relu_alpha=LEAKY_RELU_ALPHA,
        seed=seed,
    )


@functools.cache
def rows_of(case):
    """Ordinary inputs, then large ones of both signs (sums in the tens and hundreds), of the case's dtype."""
    rng = np.random.default_rng(CASES.index(case))
    ordinary = rng.uniform(-2.0, 2.0, (20, SIZES[0]))
    large = rng.uniform(20.0, 80.0, (15, SIZES[0])) * rng.choice([-1.0, 1.0], (15, SIZES[0]))
    return np.concatenate([ordinary, large]).astype(case.dtype)


@functools.cache
def targets_of(case):
    """A target for each row, for the lanes' steps."""
    rng = np.random.default_rng(1000 + CASES.index(case))
    return rng.uniform(0.0, 1.0, (len(rows_of(case)), SIZES[-1])).astype(case.dtype)


@functools.cache
def magnitudes_of(case):
    """Each row's scale of rounding errors: the largest ``|b_j| + sum_k |w_jk x_k|`` of any neuron on its way
    (at least 1). Another order of summation may move a sum by a few epsilons of it, and an activation
    (each has a slope of at most 1) passes that on; an output that cancels (``identity`` layers with
    large inputs) keeps that absolute error however small it is."""
    net, magnitudes = network_of(case), []
    for row in rows_of(case):
        net.activate(row)
        net.run()
        largest = 1.0
        for layer, weights, biases in zip(net.layers, net.weights, net.biases):
            inputs = np.array([neuron.output for neuron in layer.neurons], dtype=np.float64)
            largest = max(largest, float(np.max(np.abs(biases) + np.abs(weights.astype(np.float64)) @ np.abs(inputs))))
        magnitudes.append(largest)
    return np.array(magnitudes)


def predicted(case):
    """The reference point: the compiled per-sample forward pass."""
    net, rows = network_of(case), rows_of(case)
    assert len(rows) * sum(a * b for a, b in pairwise(SIZES)) < _batched.MIN_WORK
    return net.predict(rows)


def squared_errors(outputs, targets):
    """Each row's mse loss as the compiled core computes it: 0.5 * (((0 + e0*e0) + e1*e1) + ...) in the dtype."""
    dtype = outputs.dtype.type
    result = []
    for row, target in zip(outputs, targets):
        total = dtype(0.0)
        for value, wanted in zip(row, target):
            error = wanted - value
            total = total + error * error
        result.append(dtype(0.5) * total)
    return np.array(result, dtype=np.float64)


# ---------------------------------------------------------------- the implementations
#
# Each runner takes the cases, the tool its implementation needs and a folder of its own,
# and returns {case: outputs}, or {case: the exception} for a case it failed on (the test
# of that case fails with it).


def _each(run_one):
    """A runner that calls ``run_one(case, tool)`` for each case, keeping a failure for its case."""

    def run(cases, tool, folder):
        results = {}
        for case in cases:
            try:
                results[case] = run_one(case, tool)
            except Exception as error:
                results[case] = error
        return results

    return run


def _at_level(function):
    """A runner that calls ``function(case)`` for each case in a process of its own that loads the kernels
    of the level its tool names (``NNCORE_SIMD``): this file, run as a script (see the end)."""

    def run(cases, level, folder):
        results_path = folder / "results.pickle"
        completed = subprocess.run(
            [sys.executable, __file__, str(results_path), function.__name__, *map(str, cases)],
            env={**os.environ, "NNCORE_SIMD": level},
            capture_output=True,
            text=True,
            timeout=300,
            cwd=folder,
        )
        assert completed.returncode == 0, completed.stderr
        results = pickle.loads(results_path.read_bytes())
        assert results.pop("simd") == level
        return {case: results[str(case)] for case in cases}

    return run


def _in_lanes(case):
    """Each input in a lane of its own, all lanes one step in one group: the errors the lanes report.

    Each lane's network must then be as the compiled per-sample step (``train``) leaves it.
    """
    net, rows, targets = network_of(case), rows_of(case), targets_of(case)
    in_lanes = [copy.deepcopy(net) for _ in rows]
    schedules = [
        _core.FitSchedule(lane_net, rows[i : i + 1], targets[i : i + 1], "sequential", 0, 1)
        for i, lane_net in enumerate(in_lanes)
    ]
    with ExitStack() as holding:
        for lane_net in in_lanes:
            holding.enter_context(lane_net._fitting())
        group = _core.LaneGroup(schedules)
        group.advance(1)
        assert group.statuses() == ["done"] * len(rows)
        for lane in range(len(rows)):
            group.write_back(lane)
    for lane, (lane_net, row, target) in enumerate(zip(in_lanes, rows, targets)):
        alone = copy.deepcopy(net)
        alone.train(row, target)
        assert _parameters(lane_net) == _parameters(alone), f"lane {lane}'s step differs from train's"
    return np.array([schedule.last_epoch_error for schedule in schedules])


def _parameters(net):
    """A network's weights, biases and changes, bit for bit, and its step count."""
    return [array.tobytes() for array in (*net.weights, *net.biases, *net.changes)], net.iterations


def _run_reference(case, tool):
    ref = reference.Network.from_dict(network_of(case).to_dict())
    return np.array([ref.predict(row.tolist()) for row in rows_of(case)])


def _run_batched(case, tool):
    """``predict`` of the rows repeated until the batch takes the matrix products."""
    net, rows = network_of(case), rows_of(case)
    repeats = -(-_batched.MIN_WORK // (len(rows) * sum(a * b for a, b in pairwise(SIZES))))
    with (
        mock.patch.object(_batched, "MIN_WEIGHTS", 0),  # these networks are small: the compiled lanes otherwise
        mock.patch.object(_batched, "forward_matrix", wraps=_batched.forward_matrix) as forward_matrix,
    ):
        outputs = net.predict(np.tile(rows, (repeats, 1)))
    assert forward_matrix.call_count == 1, "predict of a large batch did not take the matrix products"
    return outputs[: len(rows)]


def _exported(cases, export):
    """``export(case, number)`` for each case: the exports, and the failures as results."""
    functions, failures = {}, {}
    for number, case in enumerate(cases):
        try:
            functions[case] = export(case, number)
        except Exception as error:
            failures[case] = error
    return functions, failures


def _run_c(cases, cc, folder):
    """Every network exported to C and compiled into one program."""
    functions, results = _exported(
        cases, lambda case, number: c_function(network_of(case), rows_of(case), name=f"predict_{number}")
    )
    results.update(zip(functions, run_c_functions(cc, folder, list(functions.values()))))
    return results


def _run_javascript(cases, node, folder):
    """Every network exported to JavaScript and run in one Node process."""

    def export(case, number):
        return JSFunction(
            network_of(case).to_javascript(f"predict{number}"), f"predict{number}", rows_of(case).tolist()
        )

    functions, results = _exported(cases, export)
    for case, result in zip(functions, run_js_functions(node, folder, list(functions.values()))):
        results[case] = np.array(result["outputs"]) if "outputs" in result else RuntimeError(result["error"])
    return results


def _run_onnx(case, onnxruntime):
    session = onnxruntime.InferenceSession(network_of(case).to_onnx(), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": rows_of(case)})[0]


@dataclass(frozen=True)
class Implementation:
    """How to run an implementation, the tool it needs, the cases it takes and what it promises."""

    run: Callable  # (cases, tool, folder) -> {case: outputs or exception}
    exact: bool  # bit for bit, else within ROUNDINGS epsilons of the magnitudes
    tool: str | None = None  # "cc", "node", "onnxruntime" or "simd-LEVEL"
    takes: Callable[[Case], bool] = lambda case: True  # its domain, by rule: never by activation
    observe: Callable = lambda outputs, case: outputs  # what it gives of predict's outputs


def _mse_of_predict(outputs, case):
    return squared_errors(outputs, targets_of(case))


IMPLEMENTATIONS = {
    **{
        f"kernels-{level}": Implementation(_at_level(predicted), exact=True, tool=f"simd-{level}")
        for level in _core.SIMD_LEVELS
    },
    # fit_many's rule: one sample per update, no sample weights
    **{
        f"lanes-{level}": Implementation(
            _at_level(_in_lanes),
            exact=True,
            tool=f"simd-{level}",
            takes=lambda case: network_of(case).takes_lanes(1, False),
            observe=_mse_of_predict,
        )
        for level in _core.SIMD_LEVELS
    },
    "reference": Implementation(_each(_run_reference), exact=True, takes=lambda case: case.dtype == "float64"),
    "c": Implementation(_run_c, exact=True, tool="cc"),
    "batched": Implementation(_each(_run_batched), exact=False),
    "javascript": Implementation(_run_javascript, exact=False, tool="node"),
    "onnx": Implementation(_each(_run_onnx), exact=False, tool="onnxruntime"),
}


def _tool(request, name):
    """The tool an implementation needs, or a skip that names it."""
    if name is None:
        return None
    if name.startswith("simd-"):
        level = name[len("simd-") :]
        if level not in _core.SIMD_AVAILABLE:
            pytest.skip(
                f"the {level} kernels are not offered by this CPU or this build (they offer "
                f"{', '.join(_core.SIMD_AVAILABLE)})"
            )
        return level
    if name == "onnxruntime":
        pytest.importorskip("onnx", reason="the ONNX export needs the onnx package (pip install onnx)")
        return pytest.importorskip("onnxruntime", reason="running the exported ONNX model needs onnxruntime")
    return request.getfixturevalue(name)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Each implementation's results over all its cases, computed once, at its first test."""
    computed = {}

    def of(name, tool):
        if name not in computed:
            implementation = IMPLEMENTATIONS[name]
            cases = [case for case in CASES if implementation.takes(case)]
            try:
                computed[name] = implementation.run(cases, tool, tmp_path_factory.mktemp(name))
            except Exception as error:  # e.g. the one C program did not compile: every case fails with it
                computed[name] = dict.fromkeys(cases, error)
        return computed[name]

    return of


def _agreement(outputs, expected, exact, dtype, magnitudes):
    """Why ``outputs`` break the promise against ``expected``, or None."""
    outputs = np.asarray(outputs)
    if outputs.shape != expected.shape:
        return f"shape {outputs.shape}, expected {expected.shape}"
    if exact:
        if outputs.dtype != expected.dtype:
            return f"dtype {outputs.dtype}, expected {expected.dtype}"
        same = outputs.view(f"u{outputs.itemsize}") == expected.view(f"u{expected.itemsize}")
    else:
        tolerance = ROUNDINGS * np.finfo(dtype).eps * magnitudes[:, None]
        same = np.abs(outputs.astype(np.float64) - expected) <= tolerance
    if same.all():
        return None
    where = tuple(int(i) for i in np.argwhere(~same)[0])
    return (
        f"{int(np.sum(~same))} of {same.size} values differ; the first at {where}: "
        f"{outputs[where]!r}, expected {expected[where]!r} ({'bit for bit' if exact else 'within tolerance'})"
    )


def _marks(implementation):
    """needs_node for the tests that run Node (conftest.py marks those that take the node fixture by name)."""
    return [pytest.mark.needs_node] if implementation.tool == "node" else []


PAIRS = [
    pytest.param(name, case, id=f"{name}-{case}", marks=_marks(implementation))
    for name, implementation in IMPLEMENTATIONS.items()
    for case in CASES
    if implementation.takes(case)
]


@pytest.mark.parametrize(("name", "case"), PAIRS)
def test_every_implementation_of_the_forward_pass_agrees_with_predict(name, case, outcomes, request):
    implementation = IMPLEMENTATIONS[name]
    outcome = outcomes(name, _tool(request, implementation.tool)).get(case)
    if outcome is None:
        pytest.fail(f"{name} gave no result for {case}")
    if isinstance(outcome, BaseException):
        pytest.fail(f"{name} failed on {case}:\n" + "".join(traceback.format_exception(outcome)))
    expected = implementation.observe(predicted(case), case)
    problem = _agreement(outcome, expected, implementation.exact, case.dtype, magnitudes_of(case))
    assert problem is None, f"{name} on {case}: {problem}"


def test_the_cases_cover_every_activation_loss_and_dtype():
    # not vacuous: each name of the tables is in some case, each activation as an output and
    # (unless output-only) as a hidden one, and each implementation takes cases of each activation
    assert {case.output for case in CASES} == set(ACTIVATION_TABLE)
    assert {case.loss for case in CASES} == set(LOSSES) and {case.dtype for case in CASES} == set(DTYPES)
    for name, implementation in IMPLEMENTATIONS.items():
        taken = [case for case in CASES if implementation.takes(case)]
        assert {case.hidden for case in taken} == {case.hidden for case in CASES}, name


def _child(results_path, function_name, *keys):
    """In the process of one level: ``function_name(case)`` for each case named, pickled to ``results_path``."""
    function, cases = globals()[function_name], {str(case): case for case in CASES}
    results = {"simd": nncore.show_runtime()["simd"]}
    for key in keys:
        try:
            results[key] = function(cases[key])
        except Exception as error:  # sent as text: the exception itself might not unpickle
            results[key] = RuntimeError("".join(traceback.format_exception(error)))
    with open(results_path, "wb") as file:
        pickle.dump(results, file)


if __name__ == "__main__":
    _child(*sys.argv[1:])
