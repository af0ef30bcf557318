"""Measurements beside the workload table: train() per call, predict, memory, two threads."""

from __future__ import annotations

import threading

import numpy as np

from nncore.bench import memory
from nncore.bench.implementations import Fit, TrainFromPython, Trial, call_overhead_trial
from nncore.bench.parameters import layers_of_dict
from nncore.bench.timing import measure
from nncore.bench.workloads import WORKLOADS, Case, make_case
from nncore.network import Network


def train_per_call(case: Case, repeats: int) -> dict:
    """Microseconds per ``Network.train`` call from a Python loop, by kind of input, with the loop's own cost."""
    steps = case.steps
    xs, ys = case.inputs, case.targets
    order = case.index_list

    def indexing_trial(n: int) -> Trial:
        net = case.new_network()
        train, chosen = net.train, order[:n]

        def run() -> None:
            for i in chosen:
                train(xs[i], ys[i])

        return Trial(run, lambda: [])

    rows = {
        "train_list": lambda n: TrainFromPython("list").prepare(case, n),
        "train_numpy": lambda n: TrainFromPython("numpy").prepare(case, n),
        "train_numpy_indexing": indexing_trial,
        "loop_overhead": lambda n: call_overhead_trial(case, n),
        "fit": lambda n: Fit().prepare(case, n),
    }
    return {key: measure(make, steps, repeats).us_per_step for key, make in rows.items()} | {"steps": steps}


def fit_call_cost(case: Case, repeats: int) -> dict:
    """Microseconds of one ``fit`` call that takes no step: checking the data, setting up, returning."""
    net = case.new_network()
    timing = measure(lambda n: Trial(lambda: case.fit(net, 0), lambda: []), 1, repeats)
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
    """``Network.predict`` on ``rows`` rows against a numpy matrix-product forward pass, in microseconds per row."""
    case = make_case(WORKLOADS[workload], steps=1)
    net = case.new_network()
    layers = layers_of_dict(case.start)
    inputs = np.random.default_rng(1).random((rows, case.sizes[0]))
    difference = float(np.max(np.abs(net.predict(inputs) - _numpy_forward(layers, inputs))))

    def trial(run) -> Trial:
        return Trial(run, lambda: [])

    predict = measure(lambda n: trial(lambda: net.predict(inputs)), rows, repeats)
    numpy = measure(lambda n: trial(lambda: _numpy_forward(layers, inputs)), rows, repeats)
    return {"workload": workload, "sizes": list(case.sizes), "rows": rows,
            "predict_us_per_row": predict.us_per_step, "numpy_us_per_row": numpy.us_per_step,
            "max_difference": difference}


def two_threads(workload: str, steps: int, repeats: int) -> dict:
    """Two networks fitted one after the other, then at the same time on two threads."""
    case = make_case(WORKLOADS[workload], steps=1)

    def serial_trial(n: int) -> Trial:
        nets = [case.new_network() for _ in range(2)]
        return Trial(lambda: [case.fit(net, steps) for net in nets], lambda: [])

    def threaded_trial(n: int) -> Trial:
        nets = [case.new_network() for _ in range(2)]

        def run() -> None:
            threads = [threading.Thread(target=case.fit, args=(net, steps)) for net in nets]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        return Trial(run, lambda: [])

    serial = measure(serial_trial, 2 * steps, repeats)
    threaded = measure(threaded_trial, 2 * steps, repeats)
    return {"workload": workload, "steps_per_network": steps,
            "serial_seconds": serial.median, "threaded_seconds": threaded.median,
            "throughput_ratio": serial.median / threaded.median}


def fit_memory(steps: list[int]) -> dict:
    """Peak memory of ``fit`` on W1 for each step count, each in a fresh process."""
    runs = [memory.measure_in_subprocess(n) for n in steps]
    return {"runs": runs}
