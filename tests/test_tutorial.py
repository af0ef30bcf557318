"""The tutorial's own tests: logic gates on [2, 10, 10, 1], 20,000 random per-sample steps."""

import numpy as np
import pytest

import nncore

INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}


@pytest.mark.parametrize("gate", sorted(GATES))
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_gate_is_learned_with_train(gate, seed):
    """The tutorial's loop: train() on a uniformly random row, 20,000 times."""
    net = nncore.Network([2, 10, 10, 1], learning_rate=0.3, seed=seed)
    rng = np.random.default_rng(seed)
    targets = GATES[gate]
    for i in rng.integers(0, 4, 20000):
        net.train(INPUTS[i], [targets[i]])
    for x, t in zip(INPUTS, targets):
        net.activate(x)
        assert round(float(net.run()[0])) == t


@pytest.mark.parametrize("init", ["scaled", "tutorial"])
@pytest.mark.parametrize("gate", sorted(GATES))
def test_gate_is_learned_with_fit(gate, init):
    for seed in range(5):
        net = nncore.Network([2, 10, 10, 1], init=init, seed=seed)
        result = net.fit(INPUTS, GATES[gate], steps=20000, order="random", seed=seed)
        assert result.steps == 20000
        assert np.round(net.predict(INPUTS)[:, 0]).tolist() == GATES[gate]


def test_untrained_network_does_not_know_xor():
    """Guards the tests above against passing on any network."""
    misses = 0
    for seed in range(5):
        net = nncore.Network([2, 10, 10, 1], seed=seed)
        misses += np.round(net.predict(INPUTS)[:, 0]).tolist() != GATES["XOR"]
    assert misses == 5
