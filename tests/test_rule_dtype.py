"""Rates and parameters of the learning rules against the network's dtype, and what a divergence advises."""

import contextlib

import numpy as np
import pytest

import nncore
from nncore._vocabulary import RULE_DEFAULTS

FLOAT32_MAX = float(np.finfo(np.float32).max)

# every rate and parameter, with an optimizer that takes it
RULE_VALUES = [
    ("learning_rate", "sgd"),
    ("momentum", "sgd"),
    ("weight_decay", "sgd"),
    ("epsilon", "adam"),
    ("rprop_increase", "rprop"),
    ("rprop_step_max", "rprop"),
    ("rprop_step_initial", "rprop"),
]


def float32_network(optimizer, **parameters):
    return nncore.Network([3, 4, 1], optimizer=optimizer, dtype="float32", seed=0, **parameters)


def test_the_reported_rprop_network_is_refused_at_construction():
    # float32 has no 1e39: the steps were infinite, fit failed inside its own roll-back and left infinite
    # weights, and save wrote a file that load refused
    with pytest.raises(ValueError, match=r"rprop_step_(max|initial) must be finite in float32 .* got 1e\+39"):
        nncore.Network([3, 4, 1], optimizer="rprop", dtype="float32", rprop_step_initial=1e39, rprop_step_max=1e39)


@pytest.mark.parametrize(
    ("name", "optimizer", "value"),
    [
        (name, optimizer, value)
        for name, optimizer in RULE_VALUES
        for value in (1e39, 1e-60)
        if value > 1 or name != "rprop_increase"
    ],
)
def test_a_value_float32_cannot_hold_is_refused_at_construction(name, optimizer, value):
    with pytest.raises(ValueError, match=f"{name} must be .*float32"):
        float32_network(optimizer, **{name: value, **({"rprop_step_min": 0.0} if name == "rprop_step_max" else {})})


@pytest.mark.parametrize(("name", "optimizer"), RULE_VALUES)
def test_a_value_float32_cannot_hold_is_refused_by_the_setter(name, optimizer):
    net = float32_network(optimizer)
    before = net.to_dict()
    with pytest.raises(ValueError, match=f"{name} must be finite in float32"):
        setattr(net, name, 1e39)
    assert net.to_dict() == before


@pytest.mark.parametrize(("name", "optimizer"), RULE_VALUES)
def test_a_value_float32_cannot_hold_is_refused_by_from_dict(name, optimizer):
    data = float32_network(optimizer).to_dict()
    data[name] = 1e39
    with pytest.raises(ValueError, match=f"{name} must be finite in float32"):
        nncore.Network.from_dict(data)


@pytest.mark.parametrize(("name", "optimizer"), RULE_VALUES)
def test_float64_keeps_the_values_float32_refuses(name, optimizer):
    net = nncore.Network([3, 4, 1], optimizer=optimizer, seed=0)
    setattr(net, name, 1e39)
    assert getattr(net, name) == 1e39
    assert nncore.Network.from_dict(net.to_dict()).to_dict() == net.to_dict()


def test_the_largest_float32_steps_train_and_save_a_file_that_loads(tmp_path):
    net = float32_network("rprop", rprop_step_initial=FLOAT32_MAX, rprop_step_max=FLOAT32_MAX)
    inputs, targets = np.random.default_rng(0).random((8, 3)), np.random.default_rng(1).random((8, 1))
    with contextlib.suppress(nncore.DivergenceError):  # rolled back to a finite state
        net.fit(inputs, targets, epochs=20, seed=0)
    net.save(tmp_path / "net.json")
    assert nncore.load(tmp_path / "net.json").to_dict() == net.to_dict()
    assert all(np.isfinite(w).all() for w in net.weights)


def test_the_defaults_fit_float32():
    for name, value in RULE_DEFAULTS.items():
        assert np.isfinite(np.float32(value)) and (value == 0 or np.float32(value) != 0), name


def test_divergence_from_weight_decay_names_weight_decay():
    net = nncore.Network([2, 3, 1], weight_decay=1e308, seed=0)
    with pytest.raises(nncore.DivergenceError, match=r"weight_decay \(now 1e\+308\)"):
        net.fit(np.random.default_rng(0).random((4, 2)), np.random.default_rng(1).random((4, 1)), epochs=5, seed=0)


def test_divergence_of_rprop_names_its_largest_step_not_the_learning_rate():
    net = nncore.Network(
        [2, 3, 1], optimizer="rprop", activation="identity", rprop_step_initial=1e308, rprop_step_max=1e308, seed=0
    )
    with pytest.raises(nncore.DivergenceError, match=r"rprop_step_max \(now 1e\+308\)") as raised:
        net.fit(np.random.default_rng(0).random((4, 2)), np.random.default_rng(1).random((4, 1)), epochs=50, seed=0)
    assert "learning_rate" not in str(raised.value)


def test_divergence_of_train_names_weight_decay():
    net = nncore.Network([2, 3, 1], learning_rate=1e300, weight_decay=1e300, seed=0)
    with pytest.raises(nncore.DivergenceError, match=r"learning_rate \(now 1e\+300\) or weight_decay"):  # noqa: PT012
        for _ in range(10):
            net.train([1.0, 1.0], [1.0])
