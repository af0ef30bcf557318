"""predict: one row or many, through the compiled loop or matrix products."""

import numpy as np
import pytest

import nncore
from nncore import _batched


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", ["relu", "leaky_relu", "sigmoid"]])
def test_large_batches_match_the_per_sample_forward_pass(activation):
    net = nncore.Network([30, 40, 20, 5], activation=activation, leaky_relu_alpha=0.2, seed=0)
    rows = np.random.default_rng(0).normal(size=(400, 30)) * 3
    assert rows.shape[0] * (30 * 40 + 40 * 20 + 20 * 5) >= _batched.MIN_WORK
    batch = net.predict(rows)
    assert batch.shape == (400, 5)
    for row, out in zip(rows[::37], batch[::37]):
        net.activate(row)
        np.testing.assert_allclose(out, net.run(), rtol=1e-12, atol=1e-14)
    small = net.predict(rows[:3])  # below the threshold: the compiled loop
    np.testing.assert_allclose(small, batch[:3], rtol=1e-12, atol=1e-14)


def test_saturated_sigmoid_stays_finite():
    net = nncore.Network([2, 3, 1], init="tutorial", seed=0)
    rows = np.full((_batched.MIN_WORK, 2), 1e4)
    out = net.predict(rows)
    assert np.isfinite(out).all()
    net.activate(rows[0])
    np.testing.assert_allclose(out[0], net.run(), atol=1e-14)


def test_predict_does_not_change_the_network():
    net = nncore.Network([30, 40, 5], seed=1)
    before = net.to_dict()
    net.predict(np.ones((1000, 30)))
    net.predict(np.ones(30))
    after = net.to_dict()
    assert after == before
