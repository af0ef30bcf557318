"""The learning rules as a user meets them: arguments, attributes, saving, early stopping, brain.js's praxis.

The arithmetic of every rule is proved against the pure-Python reference in
``test_learning_rules.py``; this file checks the API around it.
"""

import copy
import pickle

import numpy as np
import pytest

import nncore
from nncore._examples import XOR_INPUTS, XOR_TARGETS

X, Y = np.array(XOR_INPUTS), np.array(XOR_TARGETS)


def data(n=40, n_in=3, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-1, 1, (n, n_in))
    return inputs, 1 / (1 + np.exp(-inputs @ rng.normal(0, 2, (n_in, n_out))))


# ---------------------------------------------------------------- constructing


@pytest.mark.parametrize(
    ("optimizer", "rate", "momentum"), [("sgd", 0.3, 0.1), ("adam", 0.001, 0.0), ("rprop", 0.0, 0.0)]
)
def test_each_optimizer_has_its_defaults(optimizer, rate, momentum):
    net = nncore.Network([2, 3, 1], optimizer=optimizer)
    assert (net.optimizer, net.learning_rate, net.momentum) == (optimizer, rate, momentum)
    assert (net.beta1, net.beta2, net.epsilon) == (0.9, 0.999, 1e-8)
    assert (net.rprop_increase, net.rprop_decrease, net.rprop_step_min, net.rprop_step_max, net.rprop_step_initial) == (
        1.2,
        0.5,
        0.0,
        50.0,
        0.1,
    )
    assert net.weight_decay == 0.0


@pytest.mark.parametrize(
    ("optimizer", "argument"),
    [
        ("adam", "momentum"),
        ("rprop", "learning_rate"),
        ("rprop", "momentum"),
        ("sgd", "beta1"),
        ("sgd", "rprop_increase"),
        ("adam", "rprop_step_max"),
        ("rprop", "epsilon"),
    ],
)
def test_a_parameter_of_another_optimizer_is_refused(optimizer, argument):
    with pytest.raises(ValueError, match=f"{argument} does not apply to optimizer='{optimizer}'"):
        nncore.Network([2, 1], optimizer=optimizer, **{argument: 0.5})


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("beta1", 1.0, ValueError),
        ("beta2", -0.1, ValueError),
        ("epsilon", 0.0, ValueError),
        ("weight_decay", -1.0, ValueError),
        ("weight_decay", float("nan"), ValueError),
        ("rprop_increase", 0.9, ValueError),
        ("rprop_decrease", 1.5, ValueError),
        ("rprop_step_max", 0.0, ValueError),
        ("beta1", "0.9", TypeError),
        ("epsilon", None, TypeError),
    ],
)
def test_rule_parameters_are_checked_when_set(name, value, error):
    net = nncore.Network([2, 2, 1], optimizer="adam" if name in ("beta1", "beta2", "epsilon") else "rprop", seed=1)
    before = net.to_dict()
    with pytest.raises(error, match=name):
        setattr(net, name, value)
    assert net.to_dict() == before


def test_rprop_step_limits_must_be_ordered():
    with pytest.raises(ValueError, match="rprop_step_min must be <= rprop_step_max"):
        nncore.Network([2, 1], optimizer="rprop", rprop_step_min=2.0, rprop_step_max=1.0)
    net = nncore.Network([2, 1], optimizer="rprop")
    with pytest.raises(ValueError, match="rprop_step_min must be <= rprop_step_max"):
        net.rprop_step_min = 60.0
    net.rprop_step_max = 5.0
    assert net.rprop_step_max == 5.0


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rprop", "nesterov", 3])
def test_the_optimizer_is_a_name_from_the_table(optimizer):
    if optimizer in ("sgd", "adam", "rprop"):
        assert nncore.Network([2, 1], optimizer=optimizer).optimizer == optimizer
    else:
        with pytest.raises((ValueError, TypeError), match=r"optimizer must be one of \['sgd', 'adam', 'rprop'\]"):
            nncore.Network([2, 1], optimizer=optimizer)


def test_the_optimizer_cannot_be_changed_after_construction():
    net = nncore.Network([2, 1])
    with pytest.raises(AttributeError):
        net.optimizer = "adam"


# ---------------------------------------------------------------- training


def test_rprop_trains_on_whole_batches_only():
    net = nncore.Network([2, 4, 1], optimizer="rprop", seed=0)
    before = net.to_dict()
    with pytest.raises(ValueError, match=r"rprop.*whole batches"):
        net.train([0, 1], [1])
    with pytest.raises(ValueError, match=r"rprop.*batch_size must be None"):
        net.fit(X, Y, epochs=1, batch_size=2)
    assert net.to_dict() == before
    result = net.fit(X, Y, epochs=200)  # the default batch for RPROP: the whole data set
    assert result.error < 0.01 and net.iterations == 800


@pytest.mark.parametrize(
    ("batch_size", "message"),
    [(0, "batch_size must be >= 1"), (5, "at most the 4 samples"), (1.5, "batch_size must be an integer")],
)
def test_a_bad_batch_size_is_refused(batch_size, message):
    net = nncore.Network([2, 3, 1], seed=0)
    before = net.to_dict()
    with pytest.raises((ValueError, TypeError), match=message):
        net.fit(X, Y, epochs=1, batch_size=batch_size)
    assert net.to_dict() == before


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, 1, 1], "one weight per sample"),
        ([1, -1, 1, 1], "must be >= 0"),
        ([0, 0, 0, 0], "not be all zero"),
        ([1, float("nan"), 1, 1], "must be finite"),
        ("heavy", "array of real numbers"),
    ],
)
def test_bad_sample_weights_are_refused(weights, message):
    net = nncore.Network([2, 3, 1], seed=0)
    before = net.to_dict()
    with pytest.raises((ValueError, TypeError), match=message):
        net.fit(X, Y, epochs=1, sample_weight=weights)
    assert net.to_dict() == before


def test_a_weight_of_zero_leaves_the_row_out():
    inputs, targets = data()
    weights = np.ones(len(inputs))
    weights[::3] = 0.0
    a, b = nncore.Network([3, 4, 2], seed=2), nncore.Network([3, 4, 2], seed=2)
    a.fit(inputs, targets, epochs=3, order="sequential", sample_weight=weights)
    b.fit(inputs[weights > 0], targets[weights > 0], epochs=3, order="sequential")
    assert a.to_dict() == b.to_dict()


def test_equal_weights_change_nothing_and_unequal_ones_do():
    inputs, targets = data()
    plain, equal, unequal = (nncore.Network([3, 4, 2], seed=2) for _ in range(3))
    plain.fit(inputs, targets, epochs=3, seed=1)
    equal.fit(inputs, targets, epochs=3, seed=1, sample_weight=np.full(len(inputs), 0.1))
    unequal.fit(inputs, targets, epochs=3, seed=1, sample_weight=np.linspace(0.5, 2.0, len(inputs)))
    assert plain.to_dict() == equal.to_dict()
    assert plain.to_dict() != unequal.to_dict()


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_rule_learns_xor(optimizer, dtype):
    rate = {"sgd": 0.5, "adam": 0.05}[optimizer]
    net = nncore.Network([2, 6, 1], optimizer=optimizer, learning_rate=rate, seed=3, dtype=dtype)
    net.fit(X, Y, epochs=3000, seed=0, batch_size=2)
    assert np.array_equal(net.predict(X).round().ravel(), Y.ravel())


def test_weight_decay_shrinks_the_weights():
    inputs, targets = data()
    plain, decayed = nncore.Network([3, 8, 2], seed=5), nncore.Network([3, 8, 2], seed=5, weight_decay=0.05)
    plain.fit(inputs, targets, epochs=200, seed=1)
    decayed.fit(inputs, targets, epochs=200, seed=1)
    norm = lambda net: sum(float(np.sum(w**2)) for w in net.weights)  # noqa: E731
    assert norm(decayed) < 0.8 * norm(plain)


def test_adam_diverging_in_fit_rolls_back_to_finite_state():
    net = nncore.Network([1, 1], activation="identity", optimizer="adam", learning_rate=1e300, seed=1)
    with pytest.raises(nncore.DivergenceError):
        net.fit([[1e10], [2e10]], [[-1e10], [1e10]], epochs=50)
    state = net.to_dict()
    assert all(np.isfinite(np.asarray(layer["weights"])).all() for layer in state["layers"])


# ---------------------------------------------------------------- saving the optimizer's state


@pytest.mark.parametrize(("optimizer", "batch_size"), [("adam", 1), ("adam", 3), ("rprop", None), ("sgd", 3)])
def test_a_network_saved_mid_training_continues_exactly(optimizer, batch_size, tmp_path):
    inputs, targets = data()
    straight = nncore.Network([3, 5, 2], optimizer=optimizer, seed=7, weight_decay=0.001)
    straight.fit(inputs, targets, epochs=6, seed=3, batch_size=batch_size)
    first = nncore.Network([3, 5, 2], optimizer=optimizer, seed=7, weight_decay=0.001)
    first.fit(inputs, targets, epochs=3, seed=3, batch_size=batch_size)
    path = tmp_path / "half.json"
    first.save(path)
    for resumed in (nncore.load(path), pickle.loads(pickle.dumps(first)), copy.deepcopy(first)):
        resumed.fit(inputs, targets, epochs=3, seed=3, batch_size=batch_size)
        # the second half replays the first three epochs' order: compare with a network that did the same
        expected = nncore.Network.from_dict(first.to_dict())
        expected.fit(inputs, targets, epochs=3, seed=3, batch_size=batch_size)
        assert resumed.to_dict() == expected.to_dict()
    fresh_state = nncore.Network.from_dict({k: v for k, v in first.to_dict().items() if k != "optimizer_state"})
    fresh_state.fit(inputs, targets, epochs=3, seed=3, batch_size=batch_size)
    if optimizer != "sgd":  # without its state the optimizer starts afresh: not the same path
        assert fresh_state.to_dict()["layers"] != expected.to_dict()["layers"]


def test_adam_state_is_in_the_dictionary():
    net = nncore.Network([2, 3, 1], optimizer="adam", seed=1)
    net.fit(X, Y, epochs=2, batch_size=2)
    state = net.to_dict()
    assert state["version"] == 2 and state["optimizer"] == "adam"
    assert state["optimizer_state"]["updates"] == 4
    assert state["optimizer_state"]["beta1_power"] == pytest.approx(0.9**4, rel=1e-15)
    layer = state["optimizer_state"]["layers"][0]
    assert np.shape(layer["m_weights"]) == (3, 2) and np.shape(layer["v_biases"]) == (3,)
    assert np.min(layer["v_weights"]) >= 0.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["optimizer_state"].update(updates=-1), "updates must be >= 0"),
        (lambda s: s["optimizer_state"].update(beta1_power=2.0), "beta1_power and beta2_power must be in"),
        (
            lambda s: s["optimizer_state"]["layers"][0].pop("m_weights"),
            "missing field 'optimizer_state.layers\\[0\\].m_weights'",
        ),
        (lambda s: s["optimizer_state"]["layers"][0].update(v_biases=[1.0]), "v_biases' must have shape"),
        (lambda s: s.update(optimizer="lbfgs"), "optimizer must be one of"),
        (lambda s: s.update(beta2=1.5), "beta2 must be in"),
    ],
)
def test_a_bad_optimizer_state_is_named(change, message):
    net = nncore.Network([2, 3, 1], optimizer="adam", seed=1)
    net.fit(X, Y, epochs=1)
    state = net.to_dict()
    change(state)
    with pytest.raises(ValueError, match=message):
        nncore.Network.from_dict(state)


def test_a_version_1_dictionary_still_loads_as_sgd():
    state = nncore.Network([2, 3, 1], seed=1).to_dict()
    old = {key: value for key, value in state.items() if key not in ("optimizer", "weight_decay", "loss", "dtype")}
    old["version"] = 1
    net = nncore.Network.from_dict(old)
    assert (net.optimizer, net.weight_decay) == ("sgd", 0.0)
    assert net.to_dict() == state


def test_repr_names_the_rule():
    assert "optimizer='adam', learning_rate=0.001" in repr(nncore.Network([2, 1], optimizer="adam"))
    assert "optimizer='rprop'" in repr(nncore.Network([2, 1], optimizer="rprop"))
    assert "weight_decay=0.01" in repr(nncore.Network([2, 1], weight_decay=0.01))


# ---------------------------------------------------------------- early stopping


def test_patience_stops_and_restores_the_best_epoch():
    inputs, targets = data(n=60, seed=1)
    held_out = data(n=30, seed=2)
    net = nncore.Network([3, 30, 2], seed=1, learning_rate=2.0, momentum=0.9)  # overfits and wanders
    result = net.fit(inputs, targets, epochs=400, seed=0, validation_data=held_out, patience=5)
    assert result.stop_reason == "patience"
    assert len(result.validation_errors) == result.epochs
    best = int(np.argmin(result.validation_errors)) + 1
    assert result.best_epoch == best and result.epochs == best + 5
    # the network holds the state of the best epoch: its validation error is the best one
    assert net.evaluate(*held_out).error == pytest.approx(result.validation_errors[best - 1], rel=1e-12)


def test_validation_errors_without_a_stop():
    inputs, targets = data()
    held_out = data(n=10, seed=3)
    net = nncore.Network([3, 4, 2], seed=1)
    result = net.fit(inputs, targets, epochs=7, validation_data=held_out, patience=100)
    assert result.stop_reason == "epochs" and len(result.validation_errors) == 7
    assert result.validation_errors[-1] == pytest.approx(net.evaluate(*held_out).error, rel=1e-12)
    assert 1 <= result.best_epoch <= 7
    plain = net.fit(inputs, targets, epochs=1)
    assert plain.best_epoch is None and len(plain.validation_errors) == 0


@pytest.mark.parametrize(
    ("validation", "error", "message"),
    [
        ("x", TypeError, "validation_data must be a tuple"),
        ((np.zeros((3, 2)), np.zeros((3, 2))), ValueError, "X must have 3 columns"),
        ((np.zeros((3, 3)), np.zeros((4, 2))), ValueError, "same number of rows"),
    ],
)
def test_bad_validation_data_is_refused(validation, error, message):
    inputs, targets = data()
    net = nncore.Network([3, 4, 2], seed=1)
    before = net.to_dict()
    with pytest.raises(error, match=message):
        net.fit(inputs, targets, epochs=1, validation_data=validation)
    assert net.to_dict() == before


# ---------------------------------------------------------------- brain.js's praxis


def test_brainjs_praxis_round_trip_offline():
    net = nncore.Network([2, 3, 1], optimizer="adam", learning_rate=0.01, beta2=0.99, seed=1)
    exported = net.to_brainjs()
    assert exported["trainOpts"]["praxis"] == "adam" and exported["trainOpts"]["beta2"] == 0.99
    back = nncore.Network.from_brainjs(exported)
    assert (back.optimizer, back.learning_rate, back.beta2) == ("adam", 0.01, 0.99)
    assert "praxis" not in nncore.Network([2, 1]).to_brainjs()["trainOpts"]  # as brain.js writes SGD networks


@pytest.mark.parametrize(
    ("net", "message"),
    [
        (nncore.Network([2, 1], optimizer="rprop"), "no optimizer 'rprop'"),
        (nncore.Network([2, 1], weight_decay=0.1), "no weight decay"),
    ],
)
def test_brainjs_refuses_what_it_cannot_hold(net, message):
    with pytest.raises(ValueError, match=message):
        net.to_brainjs()


@pytest.mark.parametrize(
    ("praxis", "message"), [("sgd", "praxis' must be null or 'adam'"), (3, "praxis' must be null")]
)
def test_an_unknown_praxis_is_refused(praxis, message):
    exported = nncore.Network([2, 1]).to_brainjs()
    exported["trainOpts"]["praxis"] = praxis
    with pytest.raises(ValueError, match=message):
        nncore.Network.from_brainjs(exported)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rprop"])
def test_a_weight_of_two_is_the_row_twice_in_whole_batch_training(optimizer):
    inputs, targets = data(n=12)
    weights = np.ones(12)
    weights[[2, 7]] = 2.0
    doubled = np.r_[np.arange(12), [2, 7]]
    weighted = nncore.Network([3, 4, 2], optimizer=optimizer, seed=4)
    duplicated = nncore.Network([3, 4, 2], optimizer=optimizer, seed=4)
    weighted.fit(inputs, targets, epochs=20, batch_size=None, sample_weight=weights)
    duplicated.fit(inputs[doubled], targets[doubled], epochs=20, batch_size=None)
    for a, b in zip(weighted.weights + weighted.biases, duplicated.weights + duplicated.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)  # the same sums, in another order
    assert not np.array_equal(weighted.weights[0], nncore.Network([3, 4, 2], optimizer=optimizer, seed=4).weights[0])


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_mini_batch_of_every_sample_is_whole_batch_training(optimizer):
    inputs, targets = data(n=10)
    whole = nncore.Network([3, 4, 2], optimizer=optimizer, seed=4)
    mini = nncore.Network([3, 4, 2], optimizer=optimizer, seed=4)
    whole.fit(inputs, targets, epochs=5, batch_size=None, order="sequential")
    mini.fit(inputs, targets, epochs=5, batch_size=10, order="sequential")
    assert whole.to_dict() == mini.to_dict()
