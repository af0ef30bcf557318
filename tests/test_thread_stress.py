"""Sixteen threads on one network, every public operation mixed, for a few seconds.

The network is built so that its state after ``k`` training steps is known
in closed form: one relu neuron fed the input 0, momentum 0, target ``T``.
Each step (``train`` or a step of ``fit``) then changes only the bias,
``b <- b + lr * (T - b)``, so ``b_k = T - (T - b_0) * (1 - lr)**k`` and the
bias grows by about ``lr * T`` a step. A snapshot (``to_dict``, a pickle
round trip, a copy, a saved file) whose bias is not ``b_k`` for its own
``iterations`` was torn: its parameters and its step count were read at
different moments. The other operations run alongside do not change that
recurrence: the setters write the values already set, the view writes touch
only the weight (multiplied by the input 0) and its momentum buffer.

``NNCORE_STRESS=deep`` runs for a minute instead of a few seconds.
"""

import copy
import faulthandler
import math
import os
import pickle
import sys
import threading
import time

import numpy as np
import pytest

import nncore

pytestmark = pytest.mark.skipif(sys.platform == "emscripten", reason="WebAssembly builds have no threads")

DEEP = os.environ.get("NNCORE_STRESS", "").lower() == "deep"
DURATION = 60.0 if DEEP else 4.0  # seconds of stress
HANG_TIMEOUT = DURATION + 120.0  # a deadlock ends the run with every thread's traceback
N_THREADS = 16

LEARNING_RATE = 2.0**-30
TARGET = 2.0**20
BIAS_0 = 1.0
STEP = LEARNING_RATE * TARGET  # about how much the bias grows per step


def expected_bias(iterations: int) -> float:
    """The bias after ``iterations`` steps, in closed form."""
    return TARGET - (TARGET - BIAS_0) * math.exp(iterations * math.log1p(-LEARNING_RATE))


def is_consistent(snapshot: dict) -> bool:
    """True when the snapshot's bias is the one its iteration count implies (to a tenth of a step).

    The closed form and the step-by-step sums differ by rounding only, far
    less than the tenth of a step allowed; one step more or less is caught.
    """
    bias = snapshot["layers"][0]["biases"][0]
    return abs(bias - expected_bias(snapshot["iterations"])) < 0.1 * STEP


def counter_network() -> nncore.Network:
    return nncore.Network.from_dict(
        {
            "format": "nncore",
            "version": 1,
            "sizes": [1, 1],
            "activation": "relu",
            "learning_rate": LEARNING_RATE,
            "momentum": 0.0,
            "iterations": 0,
            "layers": [{"weights": [[0.0]], "biases": [BIAS_0], "changes": [[0.0]]}],
        }
    )


class Worker:
    """One thread's share: every operation in turn until the deadline; it keeps what it saw."""

    def __init__(self, net, index, directory, deadline):
        self.net, self.index, self.deadline = net, index, deadline
        self.path = directory / f"net-{index}.json"
        self.rng = np.random.default_rng(index)
        self.steps = 0  # training steps this thread made
        self.snapshots = []
        self.problems = []
        self.operations = [
            self.train,
            self.fit,
            self.predict_small,
            self.predict_large,
            self.to_dict,
            self.pickle_round_trip,
            self.deep_copy,
            self.setters,
            self.views,
            self.save_load,
        ]

    def run(self):
        turn = self.index
        while time.monotonic() < self.deadline:
            self.operations[turn % len(self.operations)]()
            turn += 1

    def train(self):
        error = self.net.train([0.0], [TARGET])
        self.steps += 1
        if not (math.isfinite(error) and error > 0):
            self.problems.append(f"train returned the error {error!r}")

    def fit(self):
        result = self.net.fit(
            [[0.0], [0.0]], [[TARGET], [TARGET]], steps=int(self.rng.integers(1, 20)), order="sequential"
        )
        self.steps += result.steps

    def predict_small(self):
        self._check_outputs(self.net.predict([[0.0], [0.0], [0.0]]))

    def predict_large(self):
        self._check_outputs(self.net.predict(np.zeros((int(self.rng.integers(500, 3000)), 1))))

    def _check_outputs(self, outputs):
        # The output is the bias of the moment: one value for the whole batch.
        if not (np.isfinite(outputs).all() and (outputs == outputs[0, 0]).all() and outputs[0, 0] >= BIAS_0):
            self.problems.append(f"predict gave rows that differ or are out of range: {np.unique(outputs)[:5]}")

    def to_dict(self):
        self.snapshots.append(("to_dict", self.net.to_dict()))

    def pickle_round_trip(self):
        self.snapshots.append(("pickle", pickle.loads(pickle.dumps(self.net)).to_dict()))

    def deep_copy(self):
        made = copy.deepcopy(self.net) if self.rng.random() < 0.5 else copy.copy(self.net)
        self.snapshots.append(("copy", made.to_dict()))

    def setters(self):
        self.net.learning_rate = LEARNING_RATE
        self.net.momentum = 0.0
        if self.net.learning_rate != LEARNING_RATE or self.net.momentum != 0.0:
            self.problems.append("a setter's value did not stick")

    def views(self):
        neuron = self.net.layers[1].neurons[0]
        bias = neuron.bias
        if not (
            math.isfinite(bias) and bias >= BIAS_0 and math.isfinite(neuron.output) and math.isfinite(neuron.delta)
        ):
            self.problems.append(f"a view read {bias!r}, {neuron.output!r}, {neuron.delta!r}")
        connection = neuron.input_connections[0]
        connection.weight = float(self.rng.normal())
        connection.change = 0.0

    def save_load(self):
        self.net.save(self.path)
        self.snapshots.append(("save/load", nncore.load(self.path).to_dict()))


def run_workers(workers):
    failures = []

    def run(worker):
        try:
            worker.run()
        except BaseException as error:  # handed to the main thread
            failures.append((worker.index, error))

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_the_closed_form_is_what_training_does():
    # The detector below relies on it: step by step, the bias follows expected_bias.
    net = counter_network()
    for k in range(1, 2001):
        net.train([0.0], [TARGET])
        if k in (1, 2, 10, 2000):
            assert is_consistent(net.to_dict()), k
    broken = net.to_dict()
    broken["iterations"] += 1
    assert not is_consistent(broken)
    broken["iterations"] -= 2
    assert not is_consistent(broken)


def test_sixteen_threads_on_one_network(tmp_path):
    net = counter_network()
    # To the real error stream: pytest may have replaced sys.stderr by an object without a file number.
    faulthandler.dump_traceback_later(HANG_TIMEOUT, exit=True, file=sys.__stderr__)
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # with the GIL: switch threads often, so operations interleave finely
    try:
        workers = [Worker(net, i, tmp_path, time.monotonic() + DURATION) for i in range(N_THREADS)]
        failures = run_workers(workers)
    finally:
        sys.setswitchinterval(switch_interval)
        faulthandler.cancel_dump_traceback_later()
    assert not failures, f"{len(failures)} threads raised; the first: {failures[0]!r}"
    problems = [problem for worker in workers for problem in worker.problems]
    assert not problems, f"{len(problems)} problems; the first ones: {problems[:5]}"

    snapshots = [item for worker in workers for item in worker.snapshots]
    torn = [
        (source, snapshot["iterations"], snapshot["layers"][0]["biases"][0])
        for source, snapshot in snapshots
        if not is_consistent(snapshot)
    ]
    by_source = {source: sum(1 for s, _, _ in torn if s == source) for source, _ in snapshots}
    assert not torn, (
        f"{len(torn)} of {len(snapshots)} snapshots were torn (bias from another step count than the "
        f"recorded iterations), by source {by_source}; e.g. (source, iterations, bias): {torn[:3]}"
    )

    # Every step counted once, none lost, and the network ends finite and loadable.
    final = net.to_dict()
    assert final["iterations"] == sum(worker.steps for worker in workers)
    assert is_consistent(final)
    assert net._all_finite()
    assert nncore.Network.from_dict(final).to_dict() == final
    net.save(tmp_path / "final.json")
    assert nncore.load(tmp_path / "final.json").to_dict() == final
