"""The benchmark's machinery: its baselines compute what nncore computes, and its output is well formed.

No timing is asserted here: only that the implementations agree, that the
check catches one that does not, and that reports and command lines hold
together.

The suite is not installed with nncore: it is imported from the ``bench/``
folder beside ``tests/`` (in the repository, or beside a copy of ``tests/``).
"""

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
from nncore import _sampling, reference

BENCH = Path(__file__).resolve().parents[1] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from nncore_bench import c_loop, goals, implementations, memory, runner, timing  # noqa: E402
from nncore_bench.checks import (  # noqa: E402
    EXACT_TOLERANCE,
    CheckFailed,
    check_against_fit,
    raise_on_disagreement,
)
from nncore_bench.numpy_loop import NumpyNetwork  # noqa: E402
from nncore_bench.parameters import layers_of_dict, max_difference  # noqa: E402
from nncore_bench.workloads import WORKLOADS, Workload, make_case, sample_order  # noqa: E402

NO_COMPILER = "no C compiler on this machine (or Windows, where the C baseline is not built)"
needs_compiler = pytest.mark.skipif(c_loop.find_compiler() is None, reason=NO_COMPILER)

TINY = Workload("tiny", (5, 7, 4, 3), 600, "random", "random", 40, "a tiny random workload")
TINY_SHUFFLED = Workload("tiny-shuffled", (6, 5, 2), 250, "shuffle", "random", 50, "two and a half shuffled epochs")


@pytest.fixture(scope="module")
def tiny():
    return make_case(TINY, seed=3)


@pytest.fixture(scope="module")
def c_library():
    if c_loop.find_compiler() is None:
        pytest.skip(NO_COMPILER)
    return c_loop.CLoop()


def fit_layers(case, steps=None):
    net = case.new_network()
    case.fit(net, case.steps if steps is None else steps)
    return layers_of_dict(net.to_dict())


def moved(case, layers):
    """How far training moved the weights from the start (so that agreement is not vacuous)."""
    return max_difference(layers_of_dict(case.start), layers)


# ------------------------------------------------------------------ sample order


@pytest.mark.parametrize("seed", [0, 7, 2**64 - 1])
@pytest.mark.parametrize("n_rows", [1, 4, 1797])
def test_random_order_is_the_generator_of_fit(seed, n_rows):
    rng = _sampling.SplitMix64(seed)
    expected = [rng.index(n_rows) for _ in range(3000)]
    assert sample_order(n_rows, 3000, "random", seed).tolist() == expected


@pytest.mark.parametrize("order", ["random", "shuffle", "sequential"])
def test_reference_replaying_the_order_ends_where_fit_does(order):
    workload = Workload("w", (3, 4, 2), 90, order, "random", 20, "")
    case = make_case(workload, seed=5)
    net = reference.Network.from_dict(case.start)
    for i in case.indices:
        net.train(case.inputs[i].tolist(), case.targets[i].tolist())
    assert max_difference(fit_layers(case), layers_of_dict(net.to_dict())) == 0.0
    assert moved(case, fit_layers(case)) > 1e-3


def test_workloads_are_the_documented_ones():
    assert {name: (w.sizes, w.steps) for name, w in WORKLOADS.items()} == {
        "W1": ((2, 10, 10, 1), 20_000),
        "W2": ((2, 10, 10, 1), 1_000_000),
        "W3": ((64, 32, 10), 1797),
        "W4": ((784, 128, 10), 2_000),
        "W5": ((256, 256, 256, 10), 2_000),
    }
    case = make_case(WORKLOADS["W3"])
    assert case.inputs.shape == (1797, 64) and case.targets.shape == (1797, 10)
    assert case.inputs.min() >= 0.0 and case.inputs.max() <= 1.0
    assert np.all(case.targets.sum(axis=1) == 1.0)
    assert sorted(case.indices.tolist()) == list(range(1797))  # one shuffled epoch


def test_new_network_is_the_start(tiny):
    assert tiny.new_network().to_dict() == tiny.start


# ------------------------------------------------------------------ baselines agree with nncore


@needs_compiler
@pytest.mark.parametrize("workload", [TINY, TINY_SHUFFLED])
def test_c_loop_ends_with_nncores_weights(c_library, workload):
    case = make_case(workload, seed=1)
    net = c_loop.CNetwork(c_library, case.start)
    net.train(case.inputs, case.targets, case.indices)
    expected = fit_layers(case)
    assert max_difference(expected, net.layers()) <= EXACT_TOLERANCE
    assert moved(case, expected) > 1e-3


@needs_compiler
def test_c_loop_returns_the_summed_sample_errors(c_library, tiny):
    net = c_loop.CNetwork(c_library, tiny.start)
    total = net.train(tiny.inputs, tiny.targets, tiny.indices[:50])
    ref = reference.Network.from_dict(tiny.start)
    expected = sum(ref.train(tiny.inputs[i].tolist(), tiny.targets[i].tolist()) for i in tiny.indices[:50])
    assert total == pytest.approx(expected, rel=1e-12)


@needs_compiler
def test_c_loop_rejects_rows_outside_the_data(c_library, tiny):
    net = c_loop.CNetwork(c_library, tiny.start)
    with pytest.raises(ValueError, match="outside the data"):
        net.train(tiny.inputs, tiny.targets, np.array([0, len(tiny.inputs)], dtype=np.int64))


def test_missing_compiler_is_reported_not_raised(monkeypatch):
    with pytest.raises(c_loop.CompilerUnavailable):
        c_loop.CLoop(compiler="/nonexistent/cc")
    monkeypatch.setattr(c_loop, "find_compiler", lambda: None)
    assert "C compiler" in implementations.PlainC().unavailable()


@pytest.mark.parametrize("workload", [TINY, TINY_SHUFFLED])
def test_numpy_in_reference_order_ends_with_nncores_weights(workload):
    case = make_case(workload, seed=2)
    net = NumpyNetwork(case.start, "reference")
    for i in case.indices:
        net.train(case.inputs[i], case.targets[i])
    expected = fit_layers(case)
    assert max_difference(expected, net.layers()) <= EXACT_TOLERANCE
    assert moved(case, expected) > 1e-3


def test_numpy_with_blas_agrees_to_rounding(tiny):
    net = NumpyNetwork(tiny.start, "blas")
    errors = [net.train(tiny.inputs[i], tiny.targets[i]) for i in tiny.indices]
    assert max_difference(fit_layers(tiny), net.layers()) < 1e-10
    ref = reference.Network.from_dict(tiny.start)
    expected = [ref.train(tiny.inputs[i].tolist(), tiny.targets[i].tolist()) for i in tiny.indices]
    assert errors == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_numpy_network_rejects_other_activations():
    data = nncore.Network([2, 3, 1], activation="tanh", seed=0).to_dict()
    with pytest.raises(ValueError, match="sigmoid"):
        NumpyNetwork(data)
    with pytest.raises(ValueError, match="order"):
        NumpyNetwork(nncore.Network([2, 3, 1], seed=0).to_dict(), "fast")


@pytest.mark.parametrize(
    "make",
    [
        implementations.Fit,
        lambda: implementations.TrainFromPython("list"),
        lambda: implementations.TrainFromPython("numpy"),
        implementations.Reference,
        lambda: implementations.Numpy("reference"),
        implementations.PlainC,
    ],
)
def test_every_exact_implementation_passes_the_check(tiny, make):
    implementation = make()
    if implementation.unavailable():
        pytest.skip(implementation.unavailable())
    agreement = check_against_fit(tiny, implementation, 300)
    assert agreement.passed and agreement.max_difference <= EXACT_TOLERANCE


def test_reference_trials_start_from_the_start_every_time(tiny):
    implementation = implementations.Reference()
    first = implementation.prepare(tiny, 200)
    first.run()
    after_first = first.layers()
    second = implementation.prepare(tiny, 0)  # the same objects, reset
    assert max_difference(second.layers(), layers_of_dict(tiny.start)) == 0.0
    second = implementation.prepare(tiny, 200)
    second.run()
    assert max_difference(second.layers(), after_first) == 0.0
    # math.exp, not the core's own exp: equal up to last-bit differences
    assert max_difference(second.layers(), fit_layers(tiny, 200)) <= 1e-12


def test_torch_agrees_to_rounding(tiny):
    pytest.importorskip("torch")
    agreement = check_against_fit(tiny, implementations.Torch(), 300)
    assert agreement.passed
    assert moved(tiny, fit_layers(tiny, 300)) > 1e-3


def test_scikit_learn_trains_from_nncores_start(tiny):
    pytest.importorskip("sklearn")
    trial = implementations.ScikitLearn().prepare(tiny, 100)
    assert max_difference([(w, b, None) for w, b, _ in layers_of_dict(tiny.start)], trial.layers()) == 0.0
    trial.run()
    assert max_difference([(w, b, None) for w, b, _ in layers_of_dict(tiny.start)], trial.layers()) > 1e-4


# ------------------------------------------------------------------ the check catches a wrong kernel


class WrongNumpy(implementations.Numpy):
    """numpy per sample with a slightly different learning rate: a wrong kernel."""

    def prepare(self, case, steps):
        start = dict(case.start, learning_rate=case.start["learning_rate"] * (1 + 1e-9))
        return super().prepare(dataclasses.replace(case, start=start), steps)


def test_the_check_fails_loudly_on_a_wrong_kernel(tiny):
    agreement = check_against_fit(tiny, WrongNumpy("reference"), 300)
    assert not agreement.passed
    with pytest.raises(CheckFailed, match="numpy"):
        raise_on_disagreement([agreement])


def test_a_failed_check_stops_the_run_before_timing(monkeypatch, capsys):
    monkeypatch.setattr(runner, "all_implementations", lambda: [implementations.Fit(), WrongNumpy("reference")])
    status = runner.main(["--quick", "--workloads", "W1", "--no-extras"])
    captured = capsys.readouterr()
    assert status == 1
    assert "CORRECTNESS CHECK FAILED" in captured.err and "timing W1" not in captured.err
    assert captured.out == ""


# ------------------------------------------------------------------ timing


def test_interleaved_rounds_run_every_plan_in_turn():
    calls = []

    def maker(key):
        return lambda steps: implementations.Trial(lambda: calls.append((key, steps)), list)

    plans = [timing.Plan("a", maker("a"), 10, 2), timing.Plan("b", maker("b"), 3, 1)]
    timings = timing.measure_interleaved(plans, rounds=3, warmups=1)
    assert calls == [("a", 10), ("b", 3)] + [("a", 10), ("a", 10), ("b", 3)] * 3
    assert len(timings["a"].seconds) == 6 and len(timings["b"].seconds) == 3
    assert timings["a"].steps == 10 and timings["a"].best_us_per_step <= timings["a"].us_per_step


def test_step_and_run_budgets():
    assert timing.steps_within(1e-3, 0.5, 20_000) == 500
    assert timing.steps_within(1e-3, 0.5, 100) == 100  # never more than the workload
    assert timing.steps_within(1.0, 0.5, 100, minimum=20) == 20  # however slow, the minimum
    assert timing.runs_per_round(1e-6, 20_000, 0.5) == 20  # short loops: several runs, capped
    assert timing.runs_per_round(1e-3, 1000, 0.5) == 1


# ------------------------------------------------------------------ reports and the command line


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "results.json"
    status = runner.main(["--quick", "--workloads", "W1,W3", "--json", str(out)])
    return status, json.loads(out.read_text())


def test_quick_json_is_complete(quick_run):
    status, results = quick_run
    assert status == 0
    assert set(results) >= {"machine", "settings", "checks", "workloads", "extras", "goals"}
    assert results["settings"]["quick"] and results["settings"]["repeats"] == 5
    assert list(results["workloads"]) == ["W1", "W3"]
    for workload in results["workloads"].values():
        rows = {row["key"]: row for row in workload["rows"]}
        assert workload["rows"][0]["key"] == "fit" and rows["fit"]["ratio_to_fit"] == 1.0
        assert {"train_list", "train_numpy", "reference", "numpy", "numpy_blas"} <= set(rows)
        for row in rows.values():
            assert len(row["seconds"]) >= 5 and all(s > 0 for s in row["seconds"])
            assert 1 <= row["steps_timed"] <= workload["steps"]
            assert math.isfinite(row["us_per_step"]) and row["us_per_step"] > 0
            assert 0 < row["best_us_per_step"] <= row["us_per_step"]
            assert row["ratio_to_fit"] == pytest.approx(row["us_per_step"] / rows["fit"]["us_per_step"])
    checked = {(c["workload"], c["implementation"]) for c in results["checks"]}
    assert {("W1", "reference"), ("W1", "numpy"), ("W3", "train_list")} <= checked
    assert all(c["passed"] for c in results["checks"])


def test_quick_json_extras_and_goals(quick_run):
    _, results = quick_run
    extras = results["extras"]
    assert set(extras["train_per_call"]) >= {"train_list", "train_numpy", "loop_overhead", "fit"}
    assert [p["workload"] for p in extras["predict"]] == ["W1", "W4"]
    assert all(p["max_difference"] < 1e-12 for p in extras["predict"])
    small, large, _, lean_large = extras["memory"]["runs"]
    assert large["steps"] > small["steps"] and lean_large["steps"] == large["steps"]
    assert large["loss_curve_bytes"] == 8 * large["epochs"]
    assert lean_large["loss_curve_bytes"] == 0 and not lean_large["keep_errors"]
    assert all(t["throughput_ratio"] > 0 and t["control_throughput_ratio"] > 0 for t in extras["threads"])
    statuses = {g["status"] for g in results["goals"]}
    assert statuses <= {"met", "not met", "not measured"}
    texts = " ".join(g["text"] for g in results["goals"])
    assert "W1" in texts and "W3" in texts and "threads" in texts and "predict" in texts


def test_markdown_report_of_the_quick_run(quick_run):
    from nncore_bench import report

    _, results = quick_run
    text = report.markdown(results)
    assert "### W1: [2, 10, 10, 1], 20,000 steps" in text
    # --quick times as many of fit's steps as fit in its budget: the report shows that count
    fit_row = next(row for row in results["workloads"]["W1"]["rows"] if row["key"] == "fit")
    assert 0 < fit_row["steps_timed"] <= 20_000
    timed = f"{fit_row['steps_timed']:,}" + (" of 20,000" if fit_row["steps_timed"] < 20_000 else "")
    assert f"| nncore Network.fit | {timed} |" in text
    assert "### Goals" in text and "### Correctness check" in text
    assert results["machine"]["date"] in text


def test_plot_is_written(quick_run, tmp_path):
    pytest.importorskip("matplotlib")
    from nncore_bench import report

    _, results = quick_run
    path = tmp_path / "bench.png"
    assert report.plot(results, str(path)) is None
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_compiler
def test_run_script(tmp_path):
    # Run from elsewhere: the script finds the suite beside itself, and nncore where it is installed.
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--quick",
            "--workloads",
            "W1",
            "--implementations",
            "c",
            "--no-extras",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "| nncore Network.fit |" in done.stdout and "| plain C loop |" in done.stdout
    assert "command: `python bench/run.py --quick --workloads W1 --implementations c --no-extras`" in done.stdout
    assert "check W1 c:" in done.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workloads", "W9"], "W1, W2"),
        (["--repeats", "0"], ">= 1"),
        (["--implementations", "fortran"], "fit"),
        (["--budget", "-1"], "> 0"),
    ],
)
def test_bad_options_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        runner.main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_goal_statuses():
    per_step = {
        "W1": {"fit": 0.3, "c": 0.31, "train_list": 0.7, "train_numpy": 0.5, "reference": 20.0},
        "W4": {"fit": 100.0, "c": 110.0, "numpy": 300.0, "numpy_blas": 200.0},
    }
    extras = {"threads": [{"workload": "W1", "throughput_ratio": 1.8}]}
    found = {g.text: g for g in goals.evaluate(per_step, extras)}
    assert found["fit at least twice as fast as the plain C loop on W1"].status == "not met"
    assert found["fit faster than the plain C loop on W4"].status == "not met"
    assert found["train() per call on W1, lists"].status == "not met"
    assert found["train() per call on W1, numpy rows"].status == "met"
    fastest_numpy = found["fit against numpy per sample on W4 (the faster numpy variant)"]
    assert fastest_numpy.measured == pytest.approx(2.0) and fastest_numpy.row == "numpy_blas"
    assert found["fit against PyTorch per sample on W4"].status == "not measured"
    assert found["two networks on two threads against one after the other (W1)"].status == "met"


def test_memory_probe_counts_the_loss_curve():
    run = memory.measure_in_subprocess(10_000)
    assert run["steps"] == 10_000 and run["epochs"] == 2_500
    assert run["loss_curve_bytes"] == 8 * 2_500
    assert run["tracemalloc_peak_bytes"] >= run["loss_curve_bytes"]
