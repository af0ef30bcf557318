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
    assert f"restored to its state at the start of that epoch (epoch {failing_epoch})" in str(info.value)
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


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def overflowing_network():
    # identity layers with momentum 0.9 on data of order 1e3 and targets of order 1e6: the weights grow
    # so fast that the start of the failing epoch already computes outputs beyond float64's range
    return nncore.Network([2, 3, 1], activation="identity", learning_rate=0.9, momentum=0.9, seed=0)


def test_fit_goes_back_to_its_start_when_the_failing_epoch_starts_from_an_overflowing_network():
    X, Y = XOR_X * 1e3, XOR_Y * 1e6
    net = overflowing_network()
    before = net.to_dict()
    with pytest.raises(nncore.DivergenceError, match=r"diverged in epoch (\d+).*start of the fit \(epoch 1\)") as info:
        net.fit(X, Y, epochs=100, seed=0)
    assert int(re.search(r"diverged in epoch (\d+)", str(info.value)).group(1)) > 1
    assert net.to_dict() == before
    assert np.isfinite(net.predict(X)).all()
    assert np.isfinite(net.evaluate(X, Y).error)


def test_fit_many_goes_back_to_the_start_of_the_fit_as_fit_does():
    X, Y = XOR_X * 1e3, XOR_Y * 1e6
    nets = [overflowing_network(), overflowing_network()]
    before = nets[0].to_dict()
    results = nncore.fit_many(nets, X, Y, epochs=100, seeds=[0, 0], threads=1)
    assert [result.stop_reason for result in results] == ["diverged", "diverged"]
    assert [result.steps for result in results] == [0, 0]
    assert nets[0].to_dict() == nets[1].to_dict() == before
