"""Measurements beside the workload table: train() per call, predict, memory, two threads."""

from __future__ import annotations

import hashlib
import statistics
import threading
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from nncore_bench import memory
from nncore_bench.implementations import Fit, TrainFromPython, Trial, call_overhead_trial
from nncore_bench.parameters import layers_of_dict
from nncore_bench.timing import Plan, measure, measure_interleaved
from nncore_bench.workloads import WORKLOADS, Case, make_case


def train_per_call(case: Case, repeats: int) -> dict:
    """Microseconds per ``Network.train`` call from a Python loop, by kind of input, with the loop's own cost."""
    steps = case.steps
    order = case.index_list

    def loop_trial(xs, ys) -> Callable[[int], Trial]:
        def make(n: int) -> Trial:
            train, chosen = case.new_network().train, order[:n]

            def run() -> None:
                for i in chosen:
                    train(xs[i], ys[i])

            return Trial(run, list)

        return make

    int_rows = (
        [[int(v) for v in row] for row in case.inputs.tolist()],
        [[int(v) for v in row] for row in case.targets.tolist()],
    )
    exact_ints = np.array_equal(np.array(int_rows[0]), case.inputs)
    plans = [
        Plan("train_list", lambda n: TrainFromPython("list").prepare(case, n), steps, 4),
        Plan("train_numpy", lambda n: TrainFromPython("numpy").prepare(case, n), steps, 4),
        Plan("train_numpy_indexing", loop_trial(case.inputs, case.targets), steps, 4),
        Plan("loop_overhead", lambda n: call_overhead_trial(case, n), steps, 4),
        Plan("fit", lambda n: Fit().prepare(case, n), steps, 4),
    ]
    if exact_ints:
        plans.insert(1, Plan("train_list_of_ints", loop_trial(*int_rows), steps, 4))
    timings = measure_interleaved(plans, repeats)
    return {key: timing.us_per_step for key, timing in timings.items()} | {"steps": steps}


def fit_call_cost(case: Case, repeats: int) -> dict:
    """Microseconds of one ``fit`` call that takes no step: checking the data, setting up, returning."""
    net = case.new_network()
    timing = measure(lambda n: Trial(lambda: case.fit(net, 0), list), 1, repeats)
    return {"workload": case.name, "us_per_call": timing.us_per_step, "data_bytes": int(case.inputs.nbytes)}


def _numpy_forward(layers: list, rows: np.ndarray) -> np.ndarray:
    """The batched forward pass a numpy user writes: one matrix product per layer."""
    outputs = rows
    for weights, biases, _ in layers:
        z = outputs @ weights.T
        z += biases
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        outputs = np.divide(1.0, z, out=z)
    return outputs


def predict_vs_numpy(workload: str, rows: int, repeats: int) -> dict:
    """``Network.predict`` on ``rows`` rows against a numpy matrix-product forward pass (microseconds per row)."""
    case = make_case(WORKLOADS[workload], steps=1)
    net = case.new_network()
    layers = layers_of_dict(case.start)
    inputs = np.random.default_rng(1).random((rows, case.sizes[0]))
    difference = float(np.max(np.abs(net.predict(inputs) - _numpy_forward(layers, inputs))))

    timings = measure_interleaved(
        [
            Plan("predict", lambda n: Trial(lambda: net.predict(inputs), list), rows, 2),
            Plan("numpy", lambda n: Trial(lambda: _numpy_forward(layers, inputs), list), rows, 2),
        ],
        repeats,
    )
    predict, numpy = timings["predict"], timings["numpy"]
    return {
        "workload": workload,
        "sizes": list(case.sizes),
        "rows": rows,
        "predict_us_per_row": predict.us_per_step,
        "numpy_us_per_row": numpy.us_per_step,
        "max_difference": difference,
    }


def _serial_and_threaded(make_jobs: Callable[[], list[Callable[[], object]]], repeats: int) -> tuple[float, float]:
    """Median seconds of running the jobs one after the other, and of running them on one thread each.

    The two ways alternate (after one untimed warm-up of each), so a change of
    load on a shared machine weighs on both alike.
    """
    serial, threaded = [], []
    for _ in range(repeats + 1):
        jobs = make_jobs()
        started = time.perf_counter()
        for job in jobs:
            job()
        serial.append(time.perf_counter() - started)
        threads = [threading.Thread(target=job) for job in make_jobs()]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        threaded.append(time.perf_counter() - started)
    return statistics.median(serial[1:]), statistics.median(threaded[1:])


def _hashing_job(seconds: float) -> Callable[[], object]:
    """A job of about ``seconds`` that runs without the GIL (SHA-256 of a large buffer)."""
    block = bytes(8 * 1024 * 1024)
    started = time.perf_counter()
    hashlib.sha256(block).digest()
    rounds = max(1, round(seconds / max(time.perf_counter() - started, 1e-6)))

    def job() -> None:
        digest = hashlib.sha256()
        for _ in range(rounds):
            digest.update(block)

    return job


def two_threads(workload: str, steps: int, repeats: int) -> dict:
    """Two networks fitted one after the other, then at the same time on two threads.

    Beside it, the same comparison for a job that needs no GIL at all (hashing),
    which shows how much parallelism the machine offered at the time.
    """
    case = make_case(WORKLOADS[workload], steps=1)

    def fit_jobs() -> list[Callable[[], object]]:
        return [partial(case.fit, case.new_network(), steps) for _ in range(2)]

    serial, threaded = _serial_and_threaded(fit_jobs, repeats)
    hashing = _hashing_job(serial / 2)
    control_serial, control_threaded = _serial_and_threaded(lambda: [hashing, hashing], repeats)
    return {
        "workload": workload,
        "steps_per_network": steps,
        "serial_seconds": serial,
        "threaded_seconds": threaded,
        "throughput_ratio": serial / threaded,
        "control_throughput_ratio": control_serial / control_threaded,
    }


def fit_memory(steps: list[int]) -> dict:
    """Peak memory of ``fit`` on W1 for each step count, with and without the loss curve, each in a fresh process."""
    runs = [memory.measure_in_subprocess(n, keep) for keep in (True, False) for n in steps]
    return {"runs": runs}
