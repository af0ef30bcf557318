"""The compiled core and the pure-Python reference implement the same algorithm."""

import numpy as np
import pytest

import nncore
from nncore import reference


def max_weight_difference(net, ref):
    ours = net.to_dict()["layers"]
    theirs = ref.to_dict()["layers"]
    worst = 0.0
    for a, b in zip(ours, theirs):
        for key in ("weights", "biases", "changes"):
            worst = max(worst, float(np.max(np.abs(np.asarray(a[key]) - np.asarray(b[key])))))
    return worst


@pytest.mark.parametrize(("sizes", "seed"), [([2, 10, 10, 1], 0), ([5, 7, 3], 1), ([3, 4, 5, 6, 2], 2)])
def test_train_steps_match_reference(sizes, seed):
    rng = np.random.default_rng(seed)
    net = nncore.Network(sizes, seed=seed)
    ref = reference.Network.from_dict(net.to_dict())
    if sizes == [2, 10, 10, 1]:
        data = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
        samples = [data[i] for i in rng.integers(0, 4, 1000)]
    else:
        samples = [(rng.random(sizes[0]).tolist(), rng.random(sizes[-1]).tolist()) for _ in range(1000)]
    for x, t in samples:
        assert net.train(x, t) == pytest.approx(ref.train(x, t), abs=1e-12)
    assert net.iterations == ref.iterations == 1000
    assert max_weight_difference(net, ref) < 1e-9
    # not vacuous: training moved the weights a long way from where they started
    start = nncore.Network(sizes, seed=seed)
    assert max(np.max(np.abs(a - b)) for a, b in zip(net.weights, start.weights)) > 0.01


@pytest.mark.parametrize("order", ["random", "shuffle", "sequential"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", ["relu", "tanh", "sigmoid"]])
def test_fit_matches_reference_fit(order, activation):
    rng = np.random.default_rng(7)
    X, Y = rng.random((13, 5)), rng.random((13, 3))
    net = nncore.Network([5, 6, 4, 3], activation=activation, learning_rate=0.05, seed=3)
    ref = reference.Network.from_dict(net.to_dict())
    result = net.fit(X, Y, epochs=40, order=order, seed=11)
    errors = ref.fit(X.tolist(), Y.tolist(), epochs=40, order=order, seed=11)
    np.testing.assert_allclose(result.errors, errors, rtol=0, atol=1e-12)
    assert max_weight_difference(net, ref) < 1e-9


def test_predict_and_run_match_reference():
    net = nncore.Network([4, 8, 3], seed=5)
    ref = reference.Network.from_dict(net.to_dict())
    rows = np.random.default_rng(5).random((20, 4))
    batch = net.predict(rows)
    for row, out in zip(rows, batch):
        net.activate(row)
        np.testing.assert_allclose(net.run(), ref.predict(row.tolist()), atol=1e-12)
        np.testing.assert_allclose(out, ref.predict(row.tolist()), atol=1e-12)
