"""fit_many: every network ends bit-identical to its own fit, whatever the threads; bad input changes nothing."""

import os
import re
import signal
import threading
import warnings

import numpy as np
import pytest

import nncore

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0], dtype=float)


def regression_data(n_in=3, n_out=2, rows=12, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((rows, n_in)), rng.random((rows, n_out))


def assert_same_results(result, alone):
    assert (result.steps, result.epochs, result.stop_reason) == (alone.steps, alone.epochs, alone.stop_reason)
    assert np.array_equal(result.errors, alone.errors)
    assert result.error == alone.error or (np.isnan(result.error) and np.isnan(alone.error))


def assert_like_fit_alone(make, X, Y, seeds, threads=2, **options):
    """Train make(i) for each seed with fit_many and alone with fit; every pair must agree to the bit."""
    population = [make(i) for i in range(len(seeds))]
    results = nncore.fit_many(population, X, Y, seeds=seeds, threads=threads, **options)
    assert len(results) == len(seeds)
    for i, (net, result) in enumerate(zip(population, results)):
        alone = make(i)
        alone_result = alone.fit(X, Y, seed=seeds[i], **options)
        assert net.to_dict() == alone.to_dict(), f"network {i}"
        assert_same_results(result, alone_result)
    return population, results


@pytest.mark.parametrize("order", ["shuffle", "random", "sequential"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_network_ends_as_its_own_fit_alone(order, dtype):
    population, _ = assert_like_fit_alone(
        lambda i: nncore.Network([2, 5, 1], seed=i, dtype=dtype),
        XOR_X,
        XOR_Y,
        seeds=[7, 8, 9, 10, 11],
        epochs=40,
        order=order,
    )
    # the networks did learn something different from each other
    assert len({str(net.to_dict()["layers"]) for net in population}) == 5


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
def test_every_activation(activation):
    X, Y = regression_data()
    assert_like_fit_alone(
        lambda i: nncore.Network([3, 4, 2], activation=activation, learning_rate=0.05, seed=i),
        X,
        Y,
        seeds=[1, 2, 3],
        epochs=15,
    )


def test_softmax_with_cross_entropy():
    rng = np.random.default_rng(1)
    X = rng.random((15, 4))
    Y = np.eye(3)[rng.integers(0, 3, 15)]
    assert_like_fit_alone(
        lambda i: nncore.Network([4, 5, 3], activation=["tanh", "softmax"], loss="cross_entropy", seed=i),
        X,
        Y,
        seeds=[3, 4, 5],
        epochs=20,
    )


@pytest.mark.parametrize(
    ("optimizer", "options"),
    [
        ("sgd", {"batch_size": 3}),
        ("adam", {}),
        ("adam", {"batch_size": 4}),
        ("rprop", {}),
        ("rprop", {"batch_size": None}),
    ],
)
def test_every_optimizer_and_batch_size(optimizer, options):
    X, Y = regression_data()
    assert_like_fit_alone(
        lambda i: nncore.Network([3, 4, 2], optimizer=optimizer, seed=i), X, Y, seeds=[5, 6, 7], epochs=12, **options
    )


def test_sample_weights_and_weight_decay():
    X, Y = regression_data(rows=10)
    weights = np.array([0, 1, 2, 1, 1, 0.5, 3, 1, 1, 2])
    assert_like_fit_alone(
        lambda i: nncore.Network([3, 4, 2], weight_decay=0.01 * i, seed=i),
        X,
        Y,
        seeds=[1, 2, 3],
        epochs=10,
        sample_weight=weights,
        batch_size=2,
    )


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_mixed_population_on_any_number_of_threads(threads):
    # different rates, hidden sizes, activations, dtypes and optimizers in one call
    def make(i):
        kinds = [
            dict(learning_rate=0.1, momentum=0.0),
            dict(learning_rate=0.5, momentum=0.3, dtype="float32"),
            dict(activation="tanh", init="xavier"),
            dict(optimizer="adam", learning_rate=0.01),
        ]
        sizes = [2, 3 + i % 3, 1]
        return nncore.Network(sizes, seed=i, **kinds[i % len(kinds)])

    assert_like_fit_alone(make, XOR_X, XOR_Y, seeds=list(range(100, 110)), threads=threads, steps=300, order="random")


def test_error_threshold_is_met_by_each_network_on_its_own():
    make = lambda i: nncore.Network([2, 6, 1], learning_rate=[0.2, 0.6, 1.2][i], seed=3)  # noqa: E731
    _, results = assert_like_fit_alone(make, XOR_X, XOR_Y, seeds=[1, 1, 1], epochs=5000, error_threshold=0.05)
    assert {result.stop_reason for result in results} == {"error_threshold"}
    assert len({result.epochs for result in results}) == 3


def test_defaults_are_fits_defaults():
    # without epochs and steps: brain.js's 20,000 epochs or an error below 0.005, as fit
    _, results = assert_like_fit_alone(
        lambda i: nncore.Network([2, 4, 1], learning_rate=1.0, seed=i), XOR_X, XOR_Y, seeds=[0, 1]
    )
    assert all(result.stop_reason in ("error_threshold", "epochs") for result in results)


def test_keep_errors_false_keeps_no_curve():
    population = [nncore.Network([2, 3, 1], seed=i) for i in range(2)]
    results = nncore.fit_many(population, XOR_X, XOR_Y, epochs=10, seeds=[0, 1], keep_errors=False)
    assert all(len(result.errors) == 0 and result.epochs == 10 for result in results)


def test_without_seeds_each_network_draws_its_own_order():
    population = [nncore.Network([2, 3, 1], seed=0) for _ in range(2)]
    nncore.fit_many(population, XOR_X, XOR_Y, epochs=20)
    assert population[0].to_dict() != population[1].to_dict()


def exploding_network(seed=0):
    # leaky relu with momentum 0.9 on targets of order 10 blows up within a few epochs
    return nncore.Network(
        [3, 8, 8, 2], activation="leaky_relu", learning_rate=0.005, momentum=0.9, init="he", seed=seed
    )


def test_a_diverging_network_is_rolled_back_and_the_others_go_on():
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 3)) * 10, rng.random((20, 2)) * 10
    calm = lambda: nncore.Network([3, 8, 8, 2], activation="leaky_relu", learning_rate=1e-5, init="he", seed=1)  # noqa: E731
    population = [calm(), exploding_network(), calm()]
    results = nncore.fit_many(population, X, Y, epochs=300, seeds=[1, 1, 2], threads=2)
    assert [result.stop_reason for result in results] == ["epochs", "diverged", "epochs"]
    alone = exploding_network()
    with pytest.raises(nncore.DivergenceError, match=r"diverged in epoch (\d+)") as info:
        alone.fit(X, Y, epochs=300, seed=1)
    assert population[1].to_dict() == alone.to_dict()
    failing_epoch = int(re.search(r"epoch (\d+)", str(info.value)).group(1))
    assert results[1].epochs == failing_epoch - 1 == alone.iterations // 20
    for i, seed in ((0, 1), (2, 2)):
        other = calm()
        other.fit(X, Y, epochs=300, seed=seed)
        assert population[i].to_dict() == other.to_dict()


def test_timeout_zero_takes_no_step():
    population = [nncore.Network([2, 3, 1], seed=i) for i in range(3)]
    before = [net.to_dict() for net in population]
    results = nncore.fit_many(population, XOR_X, XOR_Y, epochs=10, seeds=[0, 1, 2], timeout=0.0)
    assert [result.stop_reason for result in results] == ["timeout"] * 3
    assert [result.steps for result in results] == [0, 0, 0]
    assert [net.to_dict() for net in population] == before


@pytest.mark.parametrize("threads", [1, 2])  # one thread: the two networks share lanes
def test_timeout_stops_every_network_where_a_fit_of_as_many_steps_would(threads):
    population = [nncore.Network([2, 8, 1], seed=i) for i in range(2)]
    results = nncore.fit_many(
        population,
        XOR_X,
        XOR_Y,
        epochs=2**40,
        seeds=[4, 5],
        timeout=0.2,
        threads=threads,
        keep_errors=False,
        order="random",
    )
    for i, result in enumerate(results):
        assert result.stop_reason == "timeout"
        # On a busy machine a network may not have started within 0.2 s: then it took no step.
        assert 0 <= result.steps < 2**42
        alone = nncore.Network([2, 8, 1], seed=i)
        if result.steps:
            alone.fit(XOR_X, XOR_Y, steps=result.steps, seed=4 + i, order="random")
        assert population[i].to_dict() == alone.to_dict()


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals")
def test_ctrl_c_keeps_every_network_at_its_last_completed_step():
    population = [nncore.Network([2, 8, 1], seed=i) for i in range(3)]
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        results = nncore.fit_many(
            population, XOR_X, XOR_Y, epochs=2**40, seeds=[1, 2, 3], threads=2, keep_errors=False, order="random"
        )
    finally:
        timer.cancel()
    assert [result.stop_reason for result in results] == ["interrupt"] * 3
    for i, result in enumerate(results):
        assert result.steps < 2**42
        alone = nncore.Network([2, 8, 1], seed=i)
        if result.steps:
            alone.fit(XOR_X, XOR_Y, steps=result.steps, seed=1 + i, order="random")
        assert population[i].to_dict() == alone.to_dict()


def test_progress_bar_over_all_steps(capsys):
    pytest.importorskip("tqdm")
    population = [nncore.Network([2, 3, 1], seed=i) for i in range(3)]
    nncore.fit_many(population, XOR_X, XOR_Y, epochs=50, seeds=[0, 1, 2], progress=True)
    assert "600/600" in capsys.readouterr().err


# ---------------------------------------------------------------- SIMD lanes across networks


@pytest.fixture
def lane_groups(monkeypatch):
    """The sizes of the lane groups fit_many makes, recorded as it makes them."""
    from nncore import _core, _many

    made = []

    def recording(schedules):
        made.append(len(schedules))
        return _core.LaneGroup(schedules)

    monkeypatch.setattr(_many, "LaneGroup", recording)
    return made


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("order", ["shuffle", "random", "sequential"])
def test_networks_in_lanes_end_as_their_own_fit_alone(activation, dtype, order, lane_groups):
    X, Y = regression_data(n_in=3, n_out=2, rows=9, seed=2)

    def make(i):  # one shape, different rates and starts
        return nncore.Network(
            [3, 6, 5, 2],
            activation=activation,
            dtype=dtype,
            seed=i,
            learning_rate=[0.01, 0.02, 0.05][i % 3],
            momentum=[0.0, 0.1, 0.5][i % 3],
        )

    assert_like_fit_alone(make, X, Y, seeds=list(range(20, 27)), threads=2, epochs=25, order=order)
    assert sorted(lane_groups) == [3, 4]


@pytest.mark.parametrize("threads", [1, 2])
def test_lanes_stop_each_network_at_its_own_error_threshold(threads, lane_groups):
    def make(i):
        return nncore.Network([2, 6, 1], learning_rate=0.3 + 0.2 * i, seed=i % 3)

    _, results = assert_like_fit_alone(
        make, XOR_X, XOR_Y, seeds=[i % 4 for i in range(9)], threads=threads, epochs=3000, error_threshold=0.02
    )
    assert len({result.epochs for result in results}) > 3
    assert "error_threshold" in {result.stop_reason for result in results}
    assert sum(lane_groups) == 9


def test_lanes_with_a_steps_count_that_ends_inside_an_epoch(lane_groups):
    X, Y = regression_data(rows=7)
    assert_like_fit_alone(
        lambda i: nncore.Network([3, 4, 2], seed=i),
        X,
        Y,
        seeds=[1, 2, 3, 4],
        threads=1,
        steps=7 * 30 + 3,
        order="shuffle",
    )
    assert lane_groups == [4]


def test_lanes_record_more_epoch_errors_than_one_call_holds(lane_groups):
    # more epochs than the schedule's buffer of epoch errors: the lane loop returns for a flush
    from nncore import _core

    epochs = _core.EPOCH_ERRORS_CAPACITY + 50
    _, results = assert_like_fit_alone(
        lambda i: nncore.Network([2, 2, 1], seed=i),
        XOR_X[:1],
        XOR_Y[:1],
        seeds=[0, 1],
        threads=1,
        epochs=epochs,
        order="sequential",
    )
    assert [len(result.errors) for result in results] == [epochs, epochs]
    assert lane_groups == [2]


def test_a_diverging_lane_finishes_alone_and_the_other_lanes_go_on(lane_groups):
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 3)) * 10, rng.random((20, 2)) * 10

    def make(i):  # one shape; network 2 explodes, the others learn slowly
        if i == 2:
            return exploding_network()
        return nncore.Network([3, 8, 8, 2], activation="leaky_relu", learning_rate=1e-5, init="he", seed=i)

    population = [make(i) for i in range(5)]
    results = nncore.fit_many(population, X, Y, epochs=300, seeds=[1] * 5, threads=1)
    assert lane_groups == [5]
    assert [result.stop_reason for result in results] == ["epochs", "epochs", "diverged", "epochs", "epochs"]
    for i, net in enumerate(population):
        alone = make(i)
        if i == 2:
            with pytest.raises(nncore.DivergenceError):
                alone.fit(X, Y, epochs=300, seed=1)
        else:
            alone.fit(X, Y, epochs=300, seed=1)
        assert net.to_dict() == alone.to_dict()
    assert results[2].steps == population[2].iterations == results[2].epochs * 20


@pytest.mark.parametrize("count", [2, 3, 7, 8, 9, 15, 17, 33])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lanes_in_blocks_of_any_count(count, dtype, lane_groups):
    # a block holds 8 float64 or 16 float32 lanes: counts around those widths leave idle lanes in the last block
    # (9 and 17: one lane alone in it)
    X, Y = regression_data(n_in=5, n_out=3, rows=6, seed=count)

    def make(i):
        return nncore.Network(
            [5, 9, 6, 3], dtype=dtype, seed=i, learning_rate=0.05 + 0.01 * (i % 5), momentum=0.1 * (i % 4)
        )

    assert_like_fit_alone(make, X, Y, seeds=list(range(count)), threads=1, epochs=15, order="random")
    assert sum(lane_groups) == count


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lanes_with_sums_beyond_the_exponentials_range(activation, dtype, lane_groups):
    # inputs of order 1e3 drive the sums far beyond where exp overflows or underflows: the clamps of exp's
    # argument (in vectors in the lanes) must give the bits of the scalar ones
    rng = np.random.default_rng(5)
    X, Y = rng.normal(0, 3000, (10, 4)), rng.random((10, 2))

    def make(i):
        return nncore.Network([4, 7, 2], activation=activation, dtype=dtype, seed=i, learning_rate=0.2)

    with pytest.warns(nncore.SaturationWarning):
        assert_like_fit_alone(make, X, Y, seeds=list(range(11)), threads=1, epochs=10, order="shuffle")
    assert lane_groups == [11]


def test_one_call_of_the_lane_loop_runs_every_lane_to_its_stop():
    # a lane that stops is set aside as it stops: the others go on in the same call, which returns
    # only when every lane stopped or the epochs asked for are done
    from nncore._core import LaneGroup
    from nncore._fit_options import check_fit_options
    from nncore._fitting import Training

    networks = [nncore.Network([2, 6, 1], learning_rate=0.3 + 0.2 * i, seed=i % 3) for i in range(9)]
    options = check_fit_options({"epochs": 400, "error_threshold": 0.02, "order": "sequential"})
    trainings = [Training(net, XOR_X, XOR_Y.reshape(-1, 1), options) for net in networks]
    group = LaneGroup([training.schedule for training in trainings])
    group.mark()
    assert group.advance(400) == "done"
    statuses = group.statuses()
    assert None not in statuses and "error_threshold" in statuses and "done" in statuses
    for lane, (net, training) in enumerate(zip(networks, trainings)):
        group.write_back(lane)
        alone = nncore.Network([2, 6, 1], learning_rate=0.3 + 0.2 * lane, seed=lane % 3)
        alone_result = alone.fit(XOR_X, XOR_Y, epochs=400, error_threshold=0.02, order="sequential")
        assert net.to_dict() == alone.to_dict()
        assert training.schedule.steps == alone_result.steps


def test_networks_off_the_plain_path_do_not_take_lanes(lane_groups):
    def make(i):
        return [
            nncore.Network([2, 3, 1], optimizer="adam", seed=i),
            nncore.Network([2, 3, 1], weight_decay=0.01, seed=i),
            nncore.Network([2, 3, 1], loss="cross_entropy", seed=i),
            nncore.Network([2, 3, 1], seed=i),
        ][i % 4]

    assert_like_fit_alone(make, XOR_X, XOR_Y, seeds=list(range(8)), threads=1, epochs=20)
    assert lane_groups == [2]  # the two plain networks


@pytest.mark.parametrize(
    ("options", "batch_size", "weighted"),
    [
        ({"optimizer": "adam"}, 1, False),
        ({"weight_decay": 0.01}, 1, False),
        ({"loss": "cross_entropy"}, 1, False),
        ({"activation": ["sigmoid", "softmax"], "loss": "cross_entropy"}, 1, False),
        ({}, 2, False),
        ({}, 1, True),
    ],
)
def test_one_rule_says_which_fits_take_lanes(options, batch_size, weighted):
    # the plain path (SGD, no weight decay, one unweighted sample per update) with mse and no softmax
    assert nncore.Network([2, 3, 2], seed=0).takes_lanes(1, False)
    assert not nncore.Network([2, 3, 2], seed=0, **options).takes_lanes(batch_size, weighted)


LEVEL_SCRIPT = r"""
import numpy as np
import nncore
X, Y = np.random.default_rng(3).random((11, 4)), np.random.default_rng(4).random((11, 3))
for dtype in ("float64", "float32"):
    for activation in ("sigmoid", "tanh", "relu"):
        make = lambda i: nncore.Network([4, 7, 3], activation=activation, dtype=dtype, seed=i,
                                        learning_rate=0.05 * (1 + i % 3))
        population = [make(i) for i in range(9)]
        nncore.fit_many(population, X, Y, epochs=30, seeds=range(9), threads=1)
        for i, net in enumerate(population):
            alone = make(i)
            alone.fit(X, Y, epochs=30, seed=i)
            assert net.to_dict() == alone.to_dict(), (dtype, activation, i)
print(nncore.show_runtime()["simd"])
"""


@pytest.mark.parametrize("level", nncore._core.SIMD_AVAILABLE)
def test_lanes_agree_with_fit_at_every_instruction_set_level(level, tmp_path):
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-c", LEVEL_SCRIPT],
        env={**os.environ, "NNCORE_SIMD": level},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1].endswith(level)


# ---------------------------------------------------------------- set-up once per lane group


def test_lanes_take_no_checkpoint_per_network(monkeypatch, lane_groups):
    # a lane group keeps its networks' start itself: no network is snapshotted for a checkpoint of its own
    snapshots = []
    original = nncore.Network._snapshot

    def counting(self):
        snapshots.append(self)
        return original(self)

    monkeypatch.setattr(nncore.Network, "_snapshot", counting)
    population = [nncore.Network([2, 5, 1], seed=i) for i in range(20)]
    nncore.fit_many(population, XOR_X, XOR_Y, epochs=30, seeds=range(20), threads=1)
    assert lane_groups == [20]
    assert snapshots == []


def test_the_group_keeps_each_lanes_start_as_its_checkpoint():
    # what the group hands a lane that goes on alone is the checkpoint its schedule gave before the group ran
    from nncore._core import LaneGroup
    from nncore._fit_options import check_fit_options
    from nncore._fitting import Training

    for dtype in ("float64", "float32"):
        networks = [nncore.Network([2, 6, 3, 1], seed=i, dtype=dtype, learning_rate=0.1 * (i + 1)) for i in range(11)]
        options = check_fit_options({"epochs": 50, "order": "shuffle"})
        X, Y = XOR_X.astype(dtype), XOR_Y.reshape(-1, 1).astype(dtype)
        trainings = Training.in_lanes(networks, list(range(11)), X, Y, options)
        before = [training.schedule.checkpoint() for training in trainings]
        group = LaneGroup([training.schedule for training in trainings])
        group.mark()
        group.advance(20)
        for lane, checkpoint in enumerate(before):
            start = group.start_checkpoint(lane)
            assert repr(start) == repr(checkpoint), (dtype, lane)
            group.rewind(lane)
            trainings[lane].schedule.restore(start)
            assert repr(trainings[lane].schedule.checkpoint()) == repr(checkpoint)


@pytest.mark.parametrize("order", ["shuffle", "random", "sequential"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_schedule_alike_trains_as_one_made_for_its_network(order, dtype):
    # a lane group's schedules after the first are made alike (the data checked once): each trains its
    # network as a schedule made for it would, on the plain path and off it (sample factors, batches)
    from nncore._core import FitSchedule

    X, Y = regression_data(n_in=3, n_out=2, rows=7, seed=4)
    X, Y = X.astype(dtype), Y.astype(dtype)
    factors = np.linspace(0.5, 1.5, 7).astype(dtype)
    for settings in [(1, None), (3, factors), (0, None)]:
        template = FitSchedule(nncore.Network([3, 4, 2], seed=0, dtype=dtype), X, Y, order, 5, 40, 0.01, 2, True,
                               *settings)  # fmt: skip
        made, alike = nncore.Network([3, 4, 2], seed=9, dtype=dtype), nncore.Network([3, 4, 2], seed=9, dtype=dtype)
        schedules = [FitSchedule(made, X, Y, order, 77, 40, 0.01, 2, True, *settings), template.alike(alike, 77)]
        assert repr(schedules[0].checkpoint()) == repr(schedules[1].checkpoint())
        while True:
            statuses = [schedule.advance(9) for schedule in schedules]
            assert statuses[0] == statuses[1]
            assert repr(schedules[0].checkpoint()) == repr(schedules[1].checkpoint())
            if statuses[0] in ("done", "error_threshold"):
                break
        assert made.to_dict() == alike.to_dict() and made.iterations > 0
        assert np.array_equal(schedules[0].epoch_errors, schedules[1].epoch_errors)
    with pytest.raises(ValueError, match=r"sizes \[3, 4, 2\]"):
        template.alike(nncore.Network([3, 5, 2], seed=0, dtype=dtype), 1)
    with pytest.raises(ValueError, match="dtype"):
        template.alike(nncore.Network([3, 4, 2], seed=0, dtype="float32" if dtype == "float64" else "float64"), 1)
    per_sample = FitSchedule(nncore.Network([3, 4, 2], seed=0, dtype=dtype), X, Y, order, 5, 40)
    with pytest.raises(ValueError, match="rprop"):
        per_sample.alike(nncore.Network([3, 4, 2], seed=0, dtype=dtype, optimizer="rprop"), 1)


def test_first_layers_copies_every_networks_first_layer():
    from nncore._core import first_layers

    for dtype in ("float64", "float32"):
        networks = [nncore.Network([3, 5, 4, 2], seed=i, dtype=dtype) for i in range(6)]
        weights, biases = first_layers(networks)
        assert weights.dtype == biases.dtype == np.dtype(dtype)
        for network, w, b in zip(networks, weights, biases):
            layer = network._layer_buffers()[1]
            assert np.array_equal(w, layer.weights) and np.array_equal(b, layer.biases)
        weights[0, 0, 0] = 42.0  # a copy
        assert networks[0]._layer_buffers()[1].weights[0, 0] != 42.0
    for other in ([3, 6, 4, 2], [4, 5, 4, 2]):
        with pytest.raises(ValueError, match="one shape"):
            first_layers([nncore.Network([3, 5, 4, 2], seed=0), nncore.Network(other, seed=0)])
    with pytest.raises(ValueError, match="dtype"):
        first_layers([nncore.Network([3, 5, 1], seed=0), nncore.Network([3, 5, 1], seed=0, dtype="float32")])


def test_a_lane_whose_epoch_start_overflows_goes_back_to_the_start_of_its_fit(lane_groups):
    # momentum 0.99 blows up in epoch 2 with weights finite but outputs no longer: the fit goes back to its
    # start, which the lane group kept for the lane
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 3)) * 10, rng.random((20, 2)) * 10

    def make(i):
        rates = {"learning_rate": 0.01, "momentum": 0.99} if i == 1 else {"learning_rate": 1e-5}
        return nncore.Network([3, 8, 8, 2], activation="leaky_relu", init="he", seed=0, **rates)

    population = [make(i) for i in range(3)]
    results = nncore.fit_many(population, X, Y, epochs=300, seeds=[1] * 3, threads=1)
    assert lane_groups == [3]
    assert [result.stop_reason for result in results] == ["epochs", "diverged", "epochs"]
    alone = make(1)
    with pytest.raises(nncore.DivergenceError, match="start of the fit"):
        alone.fit(X, Y, epochs=300, seed=1)
    assert population[1].to_dict() == alone.to_dict() == make(1).to_dict()
    assert results[1].steps == 0 and population[1].iterations == 0


@pytest.mark.parametrize("check_bytes", [None, 1, 3000])
def test_one_saturation_warning_for_the_call_the_first_network_whose_own_fit_warns(check_bytes, monkeypatch):
    # the networks are checked together (as many in one product as fit in check_bytes, at least one); the
    # warning is the first network's (in order) that fit warns for
    from nncore import _many

    if check_bytes is not None:
        monkeypatch.setattr(_many, "SATURATION_CHECK_BYTES", check_bytes)
    rng = np.random.default_rng(3)
    X, Y = rng.normal(0, 4, (30, 3)), rng.random((30, 1))

    def make(i):
        return [
            nncore.Network([3, 4, 1], activation="relu", seed=i, init="he"),  # never saturates
            nncore.Network([3, 4, 1], activation="sigmoid", seed=i, dtype="float32", init="xavier"),
            nncore.Network([3, 6, 1], activation="tanh", seed=i),
            nncore.Network([3, 4, 1], activation="sigmoid", seed=i, init="tutorial"),
            nncore.Network([3, 5, 2, 1], activation="tanh", seed=i, init="tutorial", dtype="float32"),
        ][i % 5]

    own = []
    for i in range(15):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            make(i).fit(X, Y, epochs=1, seed=i)
        own.append([str(w.message) for w in caught if issubclass(w.category, nncore.SaturationWarning)])
    assert any(own) and not all(own)
    for start in range(15):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            nncore.fit_many([make(i) for i in range(start, 15)], X, Y, epochs=1, seeds=range(start, 15), threads=1)
        warned = [w for w in caught if issubclass(w.category, nncore.SaturationWarning)]
        expected = next((messages for messages in own[start:] if messages), [])
        assert [str(w.message) for w in warned] == expected
        assert all(w.filename == __file__ for w in warned)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_saturated_shares_of_many_layers_are_each_layers_own(dtype):
    from nncore._activations import ACTIVATION_TABLE
    from nncore._scaling import SATURATION_ROWS, saturated_shares

    rng = np.random.default_rng(7)
    for n_in, width, count, rows in [(1, 1, 1, 1), (2, 10, 64, 4), (17, 9, 5, 300), (64, 32, 3, 1797), (5, 3, 2, 0)]:
        inputs = (rng.normal(0, 3, (rows, n_in))).astype(dtype)
        weights = rng.normal(0, 1, (count, width, n_in)).astype(dtype)
        biases = rng.normal(0, 1, (count, width)).astype(dtype)
        for activation in ("sigmoid", "tanh"):
            shares = saturated_shares(inputs, weights, biases, activation)
            if rows == 0:
                assert shares is None
                continue
            for k in range(count):
                alone = saturated_shares(inputs, weights[k : k + 1], biases[k : k + 1], activation)
                assert shares[k] == alone[0]
                sums = inputs[:SATURATION_ROWS].astype(float) @ weights[k].astype(float).T + biases[k]
                beyond = ACTIVATION_TABLE[activation].saturation
                assert np.isclose(shares[k], np.mean(np.abs(sums) > beyond), atol=2 / sums.size)
        assert saturated_shares(inputs, weights, biases, "relu") is None


# ---------------------------------------------------------------- bad input changes nothing


def unchanged_after(call, population):
    before = [net.to_dict() for net in population]
    call()
    assert [net.to_dict() for net in population] == before


@pytest.mark.parametrize(
    ("networks", "error", "message"),
    [
        ([], ValueError, "at least one network"),
        ("nets", TypeError, "networks must be a list"),
        ([object()], TypeError, r"networks\[0\] must be an nncore.Network, got object"),
    ],
)
def test_a_bad_population_is_refused(networks, error, message):
    with pytest.raises(error, match=message):
        nncore.fit_many(networks, XOR_X, XOR_Y, epochs=1)


@pytest.mark.parametrize(
    ("mutate", "error", "message"),
    [
        (lambda nets: nets + [nets[0]], ValueError, r"networks\[3\] is the same network as networks\[0\]"),
        (lambda nets: nets + ["net"], TypeError, r"networks\[3\] must be an nncore.Network, got str"),
        (lambda nets: nets + [nncore.Network([3, 2, 1])], ValueError, r"networks\[3\]: X must have 3 columns"),
        (lambda nets: nets + [nncore.Network([2, 2, 2])], ValueError, r"networks\[3\]: Y must be 2-D"),
        (lambda nets: nets + [nncore.Network([2, 2, 1], optimizer="rprop")], ValueError, "rprop.*batch_size"),
    ],
)
def test_a_bad_network_anywhere_leaves_every_network_unchanged(mutate, error, message):
    population = [nncore.Network([2, 3, 1], seed=i) for i in range(3)]
    bad = mutate(population)
    kwargs = {"batch_size": 2} if "rprop" in message else {}
    unchanged_after(
        lambda: _expect(error, message, lambda: nncore.fit_many(bad, XOR_X, XOR_Y, epochs=5, **kwargs)), population
    )


def _expect(error, message, call):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"seeds": [1, 2]}, ValueError, r"one seed per network \(3\), got 2"),
        ({"seeds": 5}, TypeError, "seeds must be a sequence"),
        ({"seeds": [1, -1, 2]}, ValueError, r"seeds\[1\] must be >= 0"),
        ({"seeds": [1, 2.5, 2]}, TypeError, r"seeds\[1\] must be an integer"),
        ({"threads": 0}, ValueError, "threads must be >= 1"),
        ({"threads": 1.5}, TypeError, "threads must be an integer"),
        ({"steps": -1}, ValueError, "steps must be >= 0"),
        ({"order": "backwards"}, ValueError, "order must be one of"),
        ({"sample_weight": [1, 1]}, ValueError, "sample_weight must have one weight per sample"),
        ({"batch_size": 9}, ValueError, "batch_size must be at most"),
        ({"Y": None}, TypeError, "X and Y"),
        ({"Y": [0, 1, 2, 0]}, ValueError, r"values in \[0, 1\]"),
    ],
)
def test_bad_arguments_leave_every_network_unchanged(kwargs, error, message):
    population = [nncore.Network([2, 3, 1], seed=i) for i in range(2)]
    population.append(nncore.Network([2, 3, 1], loss="cross_entropy", seed=9))
    Y = kwargs.pop("Y", XOR_Y)
    unchanged_after(
        lambda: _expect(
            error, message, lambda: nncore.fit_many(population, XOR_X, Y, epochs=5, **{"seeds": [1, 2, 3], **kwargs})
        ),
        population,
    )


def test_an_unknown_option_is_refused():
    with pytest.raises(TypeError, match="callback"):
        nncore.fit_many([nncore.Network([2, 1])], XOR_X, XOR_Y, callback=print)


# ---------------------------------------------------------------- nncore xor --seeds


def test_xor_seeds_counts_the_seeds_whose_own_fit_learns_xor(capsys):
    from nncore import _cli

    code = _cli.main(
        [
            "xor",
            "--seeds",
            "12",
            "--steps",
            "1500",
            "--hidden",
            "4",
            "--init",
            "scaled",
            "tutorial",
            "--learning-rate",
            "0.3",
            "2",
            "--threads",
            "2",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    rows = [line.split() for line in out.splitlines() if line.startswith(("  scaled", "  tutorial"))]
    assert [(row[0], float(row[1]), int(row[2])) for row in rows] == [
        ("scaled", 0.3, 1500),
        ("scaled", 2.0, 1500),
        ("tutorial", 0.3, 1500),
        ("tutorial", 2.0, 1500),
    ]
    for init, rate, _, learned, share, *_ in rows:
        expected = 0
        for seed in range(12):
            net = nncore.Network([2, 4, 1], seed=seed, init=init, learning_rate=float(rate))
            net.fit(XOR_X, XOR_Y, steps=1500, order="random", seed=seed)
            expected += bool(((net.predict(XOR_X)[:, 0] > 0.5) == (XOR_Y > 0.5)).all())
        assert learned == f"{expected}/12"
        assert share == f"{100 * expected / 12:.1f}%"
    assert len({row[3] for row in rows}) > 1  # the settings do differ


def test_xor_takes_several_values_only_with_seeds(capsys):
    from nncore import _cli

    assert _cli.main(["xor", "--steps", "10", "20"]) == 2
    assert "several values of --steps need --seeds" in capsys.readouterr().err


# ---------------------------------------------------------------- on a Dask cluster


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_on_a_dask_cluster_the_results_are_those_of_a_local_run(dask_client):
    def make(i):
        return nncore.Network(
            [2, 4, 1], learning_rate=0.1 + 0.05 * (i % 4), seed=i, dtype="float32" if i % 3 == 0 else "float64"
        )

    seeds = list(range(10, 19))
    remote = [make(i) for i in range(9)]
    local = [make(i) for i in range(9)]
    remote_results = nncore.fit_many(remote, XOR_X, XOR_Y, epochs=200, seeds=seeds, client=dask_client)
    local_results = nncore.fit_many(local, XOR_X, XOR_Y, epochs=200, seeds=seeds)
    for net, other, result, other_result in zip(remote, local, remote_results, local_results):
        assert net.to_dict() == other.to_dict()
        assert net.iterations == 800
        assert_same_results(result, other_result)
    # the workers did the work: the caller's objects changed
    assert remote[0].to_dict() != make(0).to_dict()
