"""The compiled core's learning rules agree with the pure-Python reference to the last bit.

Every optimizer, batch size, weighting and weight decay is replayed by
``nncore.reference`` (itself checked against PyTorch, finite differences and
hand-derived updates in ``test_reference_rules.py``); Adam is also checked
against ``torch.optim.Adam`` directly.
"""

import numpy as np
import pytest

import nncore
from nncore import reference

RULES = [
    (optimizer, batch_size)
    for optimizer in ("sgd", "adam", "rprop")
    for batch_size in (1, 3, None)
    if optimizer != "rprop" or batch_size is None
]  # rprop trains on whole batches only
LEARNING_RATES = {"sgd": {"learning_rate": 0.1, "momentum": 0.5}, "adam": {"learning_rate": 0.01}, "rprop": {}}


def rows(seed, weighted):
    """11 rows (1,000 steps end inside an epoch and inside a batch), and weights with two zeros if ``weighted``."""
    rng = np.random.default_rng(seed)
    X, Y = rng.uniform(-1.0, 1.0, (11, 4)), rng.random((11, 2))
    if not weighted:
        return X, Y, None
    weights = rng.uniform(0.2, 3.0, 11)
    weights[[2, 7]] = 0.0
    return X, Y, weights


def assert_same_parameters(net, ref):
    for (weights, biases), core_weights, core_biases in zip(ref.parameters(), net.weights, net.biases):
        np.testing.assert_array_equal(core_weights, np.array(weights))
        np.testing.assert_array_equal(core_biases, np.array(biases))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "leaky_relu", ["relu", "sigmoid"]])
@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("optimizer", "batch_size"), RULES)
def test_core_matches_reference(optimizer, batch_size, weighted, weight_decay, activation):
    X, Y, weights = rows(1, weighted)
    net = nncore.Network(
        [4, 6, 2],
        activation=activation,
        optimizer=optimizer,
        weight_decay=weight_decay,
        seed=3,
        **LEARNING_RATES[optimizer],
    )
    start = [w.copy() for w in net.weights]
    ref = reference.Network.from_dict(net.to_dict(), optimizer=optimizer, weight_decay=weight_decay)
    result = net.fit(X, Y, steps=1000, order="shuffle", seed=5, batch_size=batch_size, sample_weight=weights)
    errors = ref.fit(
        X.tolist(),
        Y.tolist(),
        steps=1000,
        order="shuffle",
        seed=5,
        batch_size=batch_size,
        sample_weight=None if weights is None else weights.tolist(),
    )
    assert net.iterations == ref.iterations == 1000
    assert_same_parameters(net, ref)
    np.testing.assert_allclose(result.errors, errors, rtol=1e-12, atol=0)
    assert max(np.abs(a - b).max() for a, b in zip(net.weights, start)) > 1e-3  # training did move the weights


@pytest.mark.parametrize(("optimizer", "batch_size"), RULES)
def test_state_round_trip_continues_exactly(optimizer, batch_size):
    X, Y, weights = rows(2, True)
    options = {"optimizer": optimizer, "weight_decay": 0.01, **LEARNING_RATES[optimizer]}
    straight = nncore.Network([4, 5, 2], seed=4, **options)
    halves = nncore.Network.from_dict(straight.to_dict())
    fit = {"order": "sequential", "batch_size": batch_size, "sample_weight": weights}
    straight.fit(X, Y, steps=2 * 9 * 20, **fit)
    halves.fit(X, Y, steps=9 * 20, **fit)
    halves = nncore.Network.from_dict(halves.to_dict())  # the optimizer's state travels in the dictionary
    halves.fit(X, Y, steps=9 * 20, **fit)
    for a, b in zip(straight.weights + straight.biases, halves.weights + halves.biases):
        np.testing.assert_array_equal(a, b)


def test_default_learning_rates():
    assert nncore.Network([2, 1], optimizer="sgd").to_dict()["learning_rate"] == 0.3
    assert nncore.Network([2, 1], optimizer="adam").to_dict()["learning_rate"] == 0.001


# ---------------------------------------------------------------- Adam through the core against torch.optim.Adam


def torch_sample_loss(torch, params, x, t):
    """0.5 * sum((t - o)^2) of a sigmoid network: its gradient is minus nncore's delta * input."""
    h = torch.tensor(x, dtype=torch.float64)
    for w, b in params:
        h = torch.sigmoid(w @ h + b)
    return 0.5 * torch.sum((torch.tensor(t, dtype=torch.float64) - h) ** 2)


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_core_adam_matches_torch(weight_decay):
    torch = pytest.importorskip("torch")
    net = nncore.Network(
        [3, 5, 2],
        learning_rate=0.01,
        optimizer="adam",
        weight_decay=weight_decay,
        beta1=0.85,
        beta2=0.99,
        epsilon=1e-7,
        seed=2,
    )
    params = [
        (
            torch.tensor(w, dtype=torch.float64, requires_grad=True),
            torch.tensor(b, dtype=torch.float64, requires_grad=True),
        )
        for w, b in zip(net.weights, net.biases)
    ]
    start = [w.copy() for w in net.weights]
    rng = np.random.default_rng(3)
    X, Y = rng.uniform(-1.0, 1.0, (25, 3)), rng.random((25, 2))
    net.fit(X, Y, steps=500, order="sequential")
    # torch's weight_decay is on every parameter of a group: the weights get it, the biases do not
    optimizer = torch.optim.Adam(
        [
            {"params": [w for w, _ in params], "weight_decay": weight_decay},
            {"params": [b for _, b in params], "weight_decay": 0.0},
        ],
        lr=0.01,
        betas=(0.85, 0.99),
        eps=1e-7,
    )
    for step in range(500):
        optimizer.zero_grad()
        torch_sample_loss(torch, params, X[step % 25], Y[step % 25]).backward()
        optimizer.step()
    for (w, b), core_w, core_b in zip(params, net.weights, net.biases):
        np.testing.assert_allclose(core_w, w.detach().numpy(), rtol=0, atol=1e-9)
        np.testing.assert_allclose(core_b, b.detach().numpy(), rtol=0, atol=1e-9)
    assert max(np.abs(a - b).max() for a, b in zip(net.weights, start)) > 0.1


@pytest.mark.parametrize("activation", [["tanh", "softmax"], ["relu", "sigmoid"]])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("optimizer", "batch_size"), RULES)
def test_core_matches_reference_with_cross_entropy(optimizer, batch_size, weighted, activation):
    X, _, weights = rows(4, weighted)
    rng = np.random.default_rng(6)
    Y = rng.random((11, 2))
    if activation[-1] == "softmax":
        Y /= Y.sum(axis=1, keepdims=True)  # categorical targets: rows summing to 1
    net = nncore.Network(
        [4, 6, 2],
        activation=activation,
        loss="cross_entropy",
        optimizer=optimizer,
        weight_decay=0.01,
        seed=7,
        **LEARNING_RATES[optimizer],
    )
    ref = reference.Network.from_dict(net.to_dict(), optimizer=optimizer, weight_decay=0.01)
    assert ref.loss == "cross_entropy"
    result = net.fit(X, Y, steps=1000, order="random", seed=8, batch_size=batch_size, sample_weight=weights)
    errors = ref.fit(
        X.tolist(),
        Y.tolist(),
        steps=1000,
        order="random",
        seed=8,
        batch_size=batch_size,
        sample_weight=None if weights is None else weights.tolist(),
    )
    assert_same_parameters(net, ref)
    np.testing.assert_allclose(result.errors, errors, rtol=1e-12, atol=0)
