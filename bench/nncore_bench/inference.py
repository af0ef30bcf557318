"""Per-call costs of using a trained network (predict, likely, predict_proba) and the throughput of fit_many.

Both sit beside the workload table: the ratios are the goals of the tutorial's
own network, ``[2, 10, 10, 1]``, where the cost of one call, not the
arithmetic, decides the speed.
"""

from __future__ import annotations

import time

import numpy as np

import nncore
from nncore_bench.implementations import Trial
from nncore_bench.timing import Plan, measure_interleaved
from nncore_bench.workloads import XOR_INPUTS, XOR_TARGETS, Case


def _calls(function, argument, calls: int):
    """A trial maker: ``calls`` calls of ``function(argument)`` from a Python loop."""

    def make(n: int) -> Trial:
        def run() -> None:
            for _ in range(n):
                function(argument)

        return Trial(run, list)

    return make


def _once(function, argument):
    return lambda n: Trial(lambda: function(argument), list)


def per_call(case: Case, rows: int, repeats: int) -> dict:
    """Microseconds per call of ``activate``, ``predict`` and ``likely`` on one row (list and numpy),
    and per row of ``predict`` and of a classifier's ``predict_proba`` on ``rows`` rows."""
    net = case.new_network()
    calls = case.steps
    row_list = [float(v) for v in case.inputs[0]]
    row_array = np.array(row_list)
    many = np.random.default_rng(1).random((rows, case.sizes[0]))
    plans = [
        Plan("activate", _calls(net.activate, row_list, calls), calls, 4),
        Plan("predict_list", _calls(net.predict, row_list, calls), calls, 4),
        Plan("predict_numpy", _calls(net.predict, row_array, calls), calls, 4),
        Plan("likely_list", _calls(net.likely, row_list, calls), calls, 4),
        Plan("predict_rows", _once(net.predict, many), rows, 4),
    ]
    try:
        from nncore.sklearn import NetworkClassifier
    except ImportError:  # scikit-learn is optional
        classifier = None
    else:
        labels = (many[:, 0] > many[:, 1]).astype(int)
        hidden = tuple(case.sizes[1:-1])
        classifier = NetworkClassifier(hidden_layer_sizes=hidden, max_iter=1, random_state=0).fit(many, labels)
        plans += [
            Plan("predict_proba_rows", _once(classifier.predict_proba, many), rows, 4),
            Plan("classifier_network_predict_rows", _once(classifier.network_.predict, many), rows, 4),
        ]
    timings = measure_interleaved(plans, repeats)
    return {key: timing.us_per_step for key, timing in timings.items()} | {
        "workload": case.name,
        "sizes": list(case.sizes),
        "calls": calls,
        "rows": rows,
    }


def xor_population(n: int) -> tuple[list, np.ndarray, np.ndarray, dict]:
    """n networks [2, 10, 10, 1] on XOR, 2,000 random per-sample steps each."""
    nets = [nncore.Network([2, 10, 10, 1], seed=seed) for seed in range(n)]
    return (
        nets,
        np.array(XOR_INPUTS, dtype=float),
        np.array(XOR_TARGETS, dtype=float),
        {"steps": 2000, "order": "random"},
    )


def digits_population(n: int) -> tuple[list, np.ndarray, np.ndarray, dict]:
    """n networks [64, 32, 10] on digits-shaped data (1,797 rows), one shuffled epoch each."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 17, (1797, 64)) / 16.0
    Y = np.eye(10)[rng.integers(0, 10, 1797)]
    nets = [nncore.Network([64, 32, 10], seed=seed, learning_rate=0.1) for seed in range(n)]
    return nets, X, Y, {"epochs": 1, "order": "shuffle"}


def time_loop(make, n: int) -> tuple[float, int]:
    """Seconds and steps of a Python loop of ``Network.fit`` over the population."""
    nets, X, Y, options = make(n)
    started = time.perf_counter()
    steps = sum(net.fit(X, Y, seed=i, **options).steps for i, net in enumerate(nets))
    return time.perf_counter() - started, steps


def time_fit_many(make, n: int, threads: int) -> tuple[float, int]:
    """Seconds and steps of one ``fit_many`` call over the population."""
    nets, X, Y, options = make(n)
    started = time.perf_counter()
    results = nncore.fit_many(nets, X, Y, seeds=range(n), threads=threads, **options)
    return time.perf_counter() - started, sum(result.steps for result in results)


def populations(xor_networks: int, digits_networks: int, repeats: int) -> dict:
    """Million steps per second of a loop of ``fit`` and of ``fit_many`` on one and two threads (median of
    ``repeats`` interleaved rounds)."""
    result = {}
    for name, make, n in [("xor", xor_population, xor_networks), ("digits", digits_population, digits_networks)]:
        rates: dict[str, list[float]] = {"loop": [], "fit_many_1": [], "fit_many_2": []}
        for _ in range(repeats):
            for key, threads in [("loop", 0), ("fit_many_1", 1), ("fit_many_2", 2)]:
                seconds, steps = time_fit_many(make, n, threads) if threads else time_loop(make, n)
                rates[key].append(steps / seconds / 1e6)
        result[name] = {"networks": n} | {key: float(np.median(values)) for key, values in rates.items()}
    return result
