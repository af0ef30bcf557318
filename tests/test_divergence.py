"""Divergence never leaves NaN in a network: train and fit roll back and raise."""

import re

import numpy as np
import pytest

import nncore


def exploding_network():
    # leaky relu with momentum 0.9 on targets of order 10 blows up within a few epochs
    return nncore.Network([3, 8, 8, 2], activation="leaky_relu", learning_rate=0.005, momentum=0.9, init="he", seed=0)


def test_fit_restores_the_start_of_the_failing_epoch():
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 3)) * 10, rng.random((20, 2)) * 10
    net = exploding_network()
    with pytest.raises(nncore.DivergenceError, match=r"diverged in epoch \d+") as info:
        net.fit(X, Y, epochs=1000, order="shuffle", seed=1)
    failing_epoch = int(re.search(r"epoch (\d+)", str(info.value)).group(1))
    assert failing_epoch > 1  # so the roll-back has earlier epochs to keep
    state = net.to_dict()
    assert all(np.isfinite(w).all() for w in net.weights + net.biases + net.changes)
    assert net.iterations == (failing_epoch - 1) * 20
    # The restored state is exactly where an uninterrupted fit of the earlier epochs ends.
    replay = exploding_network()
    if failing_epoch > 1:
        replay.fit(X, Y, epochs=failing_epoch - 1, order="shuffle", seed=1)
    assert replay.to_dict() == state
    # and the network stays usable
    net.learning_rate = 1e-3
    assert np.isfinite(net.train(X[0] / 10, Y[0] / 10))


def test_train_does_not_update_on_a_non_finite_error():
    net = nncore.Network([2, 2, 1], activation="relu", seed=0)
    data = net.to_dict()
    data["layers"][0]["weights"] = [[1e308, 1e308], [1e308, 1e308]]
    data["layers"][1]["weights"] = [[1e308, 1e308]]
    net = nncore.Network.from_dict(data)
    before = net.to_dict()
    with pytest.raises(nncore.DivergenceError, match="weights were not updated"):
        net.train([1e10, 1e10], [1.0])
    assert net.to_dict() == before
    assert net.iterations == 0


def test_divergence_error_is_a_floating_point_error():
    assert issubclass(nncore.DivergenceError, FloatingPointError)


def test_fit_with_long_epochs_restores_the_start_of_the_failing_epoch(monkeypatch):
    # Make every epoch longer than a compiled chunk, as with large data sets.
    from nncore import _fitting

    monkeypatch.setattr(_fitting, "FIRST_CHUNK_WORK", 500.0)
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 3)) * 10, rng.random((20, 2)) * 10
    net = exploding_network()
    with pytest.raises(nncore.DivergenceError) as info:
        net.fit(X, Y, epochs=1000, order="random", seed=2)
    failing_epoch = int(re.search(r"epoch (\d+)", str(info.value)).group(1))
    assert failing_epoch > 1
    monkeypatch.undo()
    replay = exploding_network()
    replay.fit(X, Y, epochs=failing_epoch - 1, order="random", seed=2)
    assert replay.to_dict() == net.to_dict()
