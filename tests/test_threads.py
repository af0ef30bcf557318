"""Many threads on one network, and on many networks: results stay exact.

Each network guards its buffers with its own lock, so a training step, a
forward pass or a parameter copy is never interleaved with another one on the
same network.  On a free-threaded CPython these tests run truly in parallel;
with the GIL they still interleave, because the compiled loops (``fit``,
``predict``) release the GIL while they hold a network's lock.
"""

import copy
import sys
import sysconfig
import threading

import numpy as np
import pytest

import nncore
from nncore import _fitting

pytestmark = pytest.mark.skipif(sys.platform == "emscripten", reason="WebAssembly builds have no threads")

N_THREADS = 8
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def run_in_threads(work, n_threads=N_THREADS):
    """Call ``work(i)`` for i in range(n_threads), each in its own thread, all released at once.

    Returns the results in order; re-raises the first exception a thread raised.
    """
    barrier = threading.Barrier(n_threads)
    results = [None] * n_threads
    failures = []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:  # handed to the main thread, which re-raises it
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results


def train_alone(seed):
    """Build, fit and train one network: the work of one thread in the independent-networks test."""
    net = nncore.Network([2, 8, 1], seed=seed)
    net.fit(XOR_X, XOR_Y, epochs=400, order="shuffle", seed=seed)
    for x, y in zip(XOR_X.tolist(), XOR_Y.tolist()):
        for _ in range(25):
            net.train(x, y)
    net.predict(XOR_X)
    return net.to_dict()


def test_separate_networks_in_threads_end_exactly_as_when_trained_alone():
    expected = [train_alone(seed) for seed in range(N_THREADS)]
    assert run_in_threads(train_alone) == expected


def test_steps_on_a_shared_network_never_mix_samples():
    # learning_rate 0: the network never changes, so every step's error is
    # known in advance; a step that used another thread's input or target, or
    # another step's outputs, would return a different error.
    net = nncore.Network([3, 16, 2], learning_rate=0.0, momentum=0.0, seed=1)
    rng = np.random.default_rng(0)
    samples = [(rng.random(3), rng.random(2)) for _ in range(N_THREADS)]
    probe = copy.deepcopy(net)
    expected_errors = [probe.train(x, t) for x, t in samples]
    batch = rng.random((512, 3))
    expected_outputs = probe.predict(batch)
    layers_before = net.to_dict()["layers"]
    rounds, steps_per_round = 20, 10

    def work(i):
        x, t = samples[i]
        as_lists = x.tolist(), t.tolist()
        errors, outputs_exact = [], True
        for _ in range(rounds):
            for step in range(steps_per_round):
                errors.append(net.train(*(as_lists if step % 2 else (x, t))))
            outputs_exact &= bool(np.array_equal(net.predict(batch), expected_outputs))
        return errors, outputs_exact

    for i, (errors, outputs_exact) in enumerate(run_in_threads(work)):
        assert errors == [expected_errors[i]] * (rounds * steps_per_round)
        assert outputs_exact
    assert net.iterations == N_THREADS * rounds * steps_per_round
    assert net.to_dict()["layers"] == layers_before


def test_shared_network_trained_from_many_threads_equals_the_same_steps_in_one():
    # Every thread trains on the same sample, so every serial order of the
    # steps gives the same network: the threaded result must equal it exactly.
    net = nncore.Network([4, 12, 3], learning_rate=0.2, momentum=0.5, seed=2)
    serial = copy.deepcopy(net)
    x, t = [0.1, 0.9, -0.4, 0.3], [0.2, 0.7, 0.5]
    steps = 300
    for _ in range(N_THREADS * steps):
        serial.train(x, t)

    def work(i):
        for step in range(steps):
            net.train(x, t)
            if step % 50 == 0:
                assert np.isfinite(net.predict(np.tile(x, (64, 1)))).all()

    run_in_threads(work)
    assert net.to_dict() == serial.to_dict()
    assert net.iterations == N_THREADS * steps


def test_snapshots_taken_while_another_thread_trains_are_never_torn():
    net = nncore.Network([3, 20, 20, 2], learning_rate=0.3, momentum=0.1, seed=3)
    x, t = [0.5, -0.2, 0.8], [0.9, 0.1]
    steps = 400
    replay = copy.deepcopy(net)
    states = [str(replay.to_dict()["layers"])]
    for _ in range(steps):
        replay.train(x, t)
        states.append(str(replay.to_dict()["layers"]))
    known_states = set(states)

    def work(i):
        if i == 0:
            for _ in range(steps):
                net.train(x, t)
            return []
        return [str(net.to_dict()["layers"]) for _ in range(40)]

    snapshots = [s for thread_snapshots in run_in_threads(work, 4) for s in thread_snapshots]
    assert all(snapshot in known_states for snapshot in snapshots)
    assert str(net.to_dict()["layers"]) == states[-1]


def test_fits_on_a_shared_network_run_one_after_the_other(monkeypatch):
    # Tiny chunks: each fit returns to Python many times, where the other could
    # slip in if whole fits were not serialised.
    monkeypatch.setattr(_fitting, "CHUNK_SECONDS", 1e-5)
    net = nncore.Network([2, 32, 32, 1], seed=4)
    seeds, epochs = (11, 12), 2000

    def fit_with(network, seed):
        return network.fit(XOR_X, XOR_Y, epochs=epochs, order="shuffle", seed=seed)

    orders = [seeds, seeds[::-1]]
    serial_states = []
    for order in orders:
        replay = copy.deepcopy(net)
        for seed in order:
            fit_with(replay, seed)
        serial_states.append(replay.to_dict())
    assert serial_states[0] != serial_states[1]

    results = run_in_threads(lambda i: fit_with(net, seeds[i]), n_threads=2)
    assert [r.steps for r in results] == [epochs * len(XOR_X)] * 2
    assert net.to_dict() in serial_states


@pytest.mark.skipif(not sysconfig.get_config_var("Py_GIL_DISABLED"), reason="needs a free-threaded CPython")
def test_importing_nncore_keeps_the_gil_disabled():
    # A module not declared free-threading compatible would turn the GIL back on.
    assert not sys._is_gil_enabled()
