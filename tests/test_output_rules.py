"""The output-side learning rules: identity and softmax, mse and cross-entropy.

The pure-Python reference (``nncore.reference``) is the oracle: it uses the
same exponential (``nncore._elementary.exp64``) and the same libm ``log`` and
``log1p`` for the loss, and sums in the same order, so the compiled core must
agree with it to the last bit, over 1,000 steps, for every pair of output
activation and loss. The gradients are checked against central finite
differences of the loss the network itself reports (``evaluate``).
"""

import copy
import math
import pickle

import numpy as np
import pytest

import nncore
from nncore import _batched, reference
from nncore._vocabulary import ACTIVATIONS, CROSS_ENTROPY_OUTPUTS, LOSSES, OUTPUT_ONLY_ACTIVATIONS

ELEMENT_WISE = [name for name in ACTIVATIONS if name not in OUTPUT_ONLY_ACTIVATIONS]

# (hidden activations, output activation, loss): every output activation with every loss it goes with.
PAIRS = [(["tanh", "relu"], name, "mse") for name in ELEMENT_WISE] + [
    (["leaky_relu", "identity"], "softmax", "cross_entropy"),
    (["identity", "sigmoid"], "sigmoid", "cross_entropy"),
]
PAIR_IDS = [f"{output}-{loss}" for _, output, loss in PAIRS]


def make(sizes, hidden, output, loss, seed=1, **options):
    return nncore.Network(sizes, activation=[*hidden[: len(sizes) - 2], output], loss=loss, seed=seed, **options)


def targets_for(output, loss, rng, n, width):
    """Targets the loss is defined for: distributions for softmax, values in [0, 1] otherwise."""
    if output == "softmax":
        weights = rng.random((n, width)) ** 3
        return weights / weights.sum(axis=1, keepdims=True)
    return rng.random((n, width))


def layer_parameters(data):
    return [(layer["weights"], layer["biases"], layer["changes"]) for layer in data["layers"]]


# ---------------------------------------------------------------- the reference, bit for bit


@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRS, ids=PAIR_IDS)
def test_a_thousand_train_steps_equal_the_reference_bit_for_bit(hidden, output, loss):
    rng = np.random.default_rng(3)
    net = make([5, 7, 6, 4], hidden, output, loss, learning_rate=0.05)
    ref = reference.Network.from_dict(net.to_dict())
    X = rng.normal(0.0, 1.5, (60, 5))
    Y = targets_for(output, loss, rng, 60, 4)
    start = net.weights
    for step in range(1000):
        x, t = X[step % 60], Y[step % 60]
        assert net.train(x, t) == ref.train(x.tolist(), t.tolist()), step
    assert layer_parameters(net.to_dict()) == layer_parameters(ref.to_dict())
    assert net.iterations == ref.iterations == 1000
    assert max(np.max(np.abs(a - b)) for a, b in zip(net.weights, start)) > 0.01  # training moved the weights


@pytest.mark.parametrize("order", ["shuffle", "random"])
@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRS[-2:], ids=PAIR_IDS[-2:])
def test_fit_reports_the_loss_the_reference_computes(hidden, output, loss, order):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(11, 3))
    Y = targets_for(output, loss, rng, 11, 3)
    net = make([3, 5, 3], hidden, output, loss, learning_rate=0.1)
    ref = reference.Network.from_dict(net.to_dict())
    result = net.fit(X, Y, epochs=30, order=order, seed=5)
    assert result.errors.tolist() == ref.fit(X.tolist(), Y.tolist(), epochs=30, order=order, seed=5)
    assert layer_parameters(net.to_dict()) == layer_parameters(ref.to_dict())
    assert result.errors[-1] < result.errors[0]  # it learns


@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRS, ids=PAIR_IDS)
def test_predict_and_evaluate_equal_the_reference_bit_for_bit(hidden, output, loss):
    rng = np.random.default_rng(6)
    net = make([4, 6, 3], hidden, output, loss, seed=2)
    ref = reference.Network.from_dict(net.to_dict())
    X, Y = rng.normal(0.0, 2.0, (25, 4)), targets_for(output, loss, rng, 25, 3)
    losses = []
    for x, t, ours in zip(X, Y, net.predict(X)):
        assert ours.tolist() == ref.predict(x.tolist())
        losses.append(ref.sample_loss(t.tolist()))
    result = net.evaluate(X, Y)
    assert result.loss == loss and result.error == float(np.mean(losses))


def test_softmax_outputs_are_a_distribution():
    net = make([3, 4, 5], ["tanh"], "softmax", "cross_entropy")
    outputs = net.predict(np.random.default_rng(0).normal(0.0, 3.0, (50, 3)))
    assert np.all(outputs > 0.0)
    np.testing.assert_allclose(outputs.sum(axis=1), 1.0, rtol=0, atol=1e-15)


def test_identity_outputs_are_the_weighted_sums():
    net = nncore.Network([3, 2], activation="identity", seed=0)
    x = np.array([0.5, -1.0, 2.0])
    expected = [net.biases[0][j] + sum(net.weights[0][j, k] * x[k] for k in range(3)) for j in range(2)]
    assert net.predict(x).tolist() == expected


# ---------------------------------------------------------------- gradients


def sample_loss(data, x, t):
    return nncore.Network.from_dict(data).evaluate([x], [t]).error


def perturbed(data, layer, key, index, amount):
    changed = {**data, "layers": [dict(entry) for entry in data["layers"]]}
    values = np.array(changed["layers"][layer][key])
    values[index] += amount
    changed["layers"][layer][key] = values.tolist()
    return changed


@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRS, ids=PAIR_IDS)
def test_one_step_is_minus_the_learning_rate_times_the_gradient(hidden, output, loss):
    rng = np.random.default_rng(8)
    sizes = [3, 4, 3]
    net = make(sizes, hidden, output, loss, learning_rate=0.5, momentum=0.0, seed=9)
    x, t = rng.normal(size=3), targets_for(output, loss, rng, 1, 3)[0]
    data = net.to_dict()
    before = net.weights + net.biases
    net.train(x, t)
    after = net.weights + net.biases
    h = 1e-6
    for position, key in enumerate(["weights"] * 2 + ["biases"] * 2):
        layer = position % 2
        for index in np.ndindex(before[position].shape):
            plus = sample_loss(perturbed(data, layer, key, index, h), x, t)
            minus = sample_loss(perturbed(data, layer, key, index, -h), x, t)
            gradient = (plus - minus) / (2 * h)
            change = after[position][index] - before[position][index]
            assert change == pytest.approx(-0.5 * gradient, rel=1e-5, abs=1e-9), (key, layer, index)


@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRS, ids=PAIR_IDS)
def test_the_output_deltas_equal_the_reference_and_are_target_minus_output_for_matched_pairs(hidden, output, loss):
    rng = np.random.default_rng(10)
    net = make([2, 3, 3], hidden, output, loss, seed=3)
    ref = reference.Network.from_dict(net.to_dict())
    x, t = rng.normal(size=2), targets_for(output, loss, rng, 1, 3)[0]
    o = net.predict(x)
    net.train(x, t)
    ref.train(x.tolist(), t.tolist())
    deltas = [neuron.delta for neuron in net.layers[2].neurons]
    assert deltas == [neuron.delta for neuron in ref.layers[2].neurons]
    if loss == "cross_entropy" or output == "identity":
        assert deltas == (t - o).tolist()


# ---------------------------------------------------------------- saturation


def saturated(output, loss, sums):
    """A [2, n] network whose output sums are ``sums`` for the input [0, 0]."""
    base = nncore.Network([2, len(sums)], activation=output, loss=loss, seed=0).to_dict()
    base["layers"] = [{"weights": [[0.0, 0.0]] * len(sums), "biases": list(sums)}]
    return nncore.Network.from_dict(base)


@pytest.mark.parametrize(
    ("sums", "target"),
    [
        ([800.0, -800.0, 0.0], [0.0, 1.0, 0.0]),
        ([-1000.0, 1000.0, 999.0], [0.2, 0.3, 0.5]),
        ([3.0, 1.0, -2.0], [1.0, 0.0, 0.0]),
    ],
)
def test_softmax_cross_entropy_is_exact_where_the_outputs_saturate(sums, target):
    net = saturated("softmax", "cross_entropy", sums)
    z, t = np.array(sums), np.array(target)
    # logsumexp by numpy's own route, independent of the core's formula
    expected = float(np.logaddexp.reduce(z) - t @ z)
    loss = net.evaluate([[0.0, 0.0]], [target]).error
    assert math.isfinite(loss) and loss == pytest.approx(expected, rel=1e-13, abs=1e-13)
    assert net.train([0.0, 0.0], target) == loss
    assert all(np.isfinite(w).all() for w in net.weights + net.biases)


@pytest.mark.parametrize(
    ("sums", "target"), [([800.0, -800.0], [0.0, 1.0]), ([-40.0, 40.0], [0.25, 0.75]), ([0.5, -0.5], [1.0, 0.0])]
)
def test_sigmoid_cross_entropy_is_exact_where_the_outputs_saturate(sums, target):
    net = saturated("sigmoid", "cross_entropy", sums)
    z, t = np.array(sums), np.array(target)
    # -t log(o) - (1 - t) log(1 - o) with log(o) = -log(1 + exp(-z)), log(1 - o) = -log(1 + exp(z))
    expected = float(np.sum(t * np.logaddexp(0.0, -z) + (1.0 - t) * np.logaddexp(0.0, z)))
    loss = net.evaluate([[0.0, 0.0]], [target]).error
    assert math.isfinite(loss) and loss == pytest.approx(expected, rel=1e-13, abs=1e-13)
    assert net.train([0.0, 0.0], target) == loss


# ---------------------------------------------------------------- the rules, and bad input


@pytest.mark.parametrize(
    ("activation", "loss", "message"),
    [
        (
            ["softmax", "sigmoid"],
            "cross_entropy",
            r"'softmax' is allowed on the output layer only, got it on layer 1 of 2",
        ),
        (["tanh", "softmax"], "mse", r"'softmax' needs loss='cross_entropy', got loss='mse'"),
        ("softmax", "cross_entropy", r"'softmax' is allowed on the output layer only"),
        (
            ["tanh", "tanh"],
            "cross_entropy",
            r"loss='cross_entropy' needs a 'softmax' or 'sigmoid' output layer, got 'tanh'",
        ),
        (["tanh", "identity"], "cross_entropy", r"needs a 'softmax' or 'sigmoid' output layer, got 'identity'"),
        ("sigmoid", "hinge", r"loss must be one of \['mse', 'cross_entropy'\], got 'hinge'"),
    ],
)
def test_pairs_that_do_not_go_together_are_refused(activation, loss, message):
    with pytest.raises(ValueError, match=message):
        nncore.Network([2, 3, 2], activation=activation, loss=loss)
    with pytest.raises(ValueError, match=message):
        reference.Network([2, 3, 2], activation=activation, loss=loss)


def test_a_loss_that_is_not_a_name_is_a_type_error():
    with pytest.raises(TypeError, match=r"loss must be one of \['mse', 'cross_entropy'\], got int 3"):
        nncore.Network([2, 1], loss=3)


@pytest.mark.parametrize(
    ("output", "target", "message"),
    [
        (
            "softmax",
            [0.5, 0.6, 0.0],
            r"target must hold values >= 0 summing to 1 .* softmax outputs, got list "
            r"\[0.5, 0.6, 0.0\] \(sum 1.1\)",
        ),
        ("softmax", [-0.5, 1.0, 0.5], r"target must hold values >= 0 summing to 1"),
        ("sigmoid", [0.5, 1.5, 0.0], r"target must hold values in \[0, 1\] .* sigmoid outputs, got 1.5 at index 1"),
        ("sigmoid", [0.5, 0.0, -0.25], r"got -0.25 at index 2"),
    ],
)
def test_train_refuses_targets_the_loss_is_not_defined_for_and_changes_nothing(output, target, message):
    net = make([2, 3, 3], ["tanh"], output, "cross_entropy")
    before = net.to_dict()
    with pytest.raises(ValueError, match=message):
        net.train([0.1, 0.2], target)
    assert net.to_dict() == before


def test_fit_and_evaluate_refuse_bad_targets_naming_the_row():
    net = make([2, 3, 2], ["tanh"], "softmax", "cross_entropy")
    before = net.to_dict()
    X, Y = [[0.0, 1.0], [1.0, 0.0]], [[0.0, 1.0], [0.7, 0.7]]
    with pytest.raises(ValueError, match=r"Y must hold rows of values >= 0 summing to 1 .* got row 1"):
        net.fit(X, Y, epochs=1)
    with pytest.raises(ValueError, match=r"Y must hold rows of values >= 0 summing to 1 .* got row 1"):
        net.evaluate(X, Y)
    assert net.to_dict() == before


def test_softmax_targets_may_miss_1_by_rounding():
    net = make([2, 3, 10], ["tanh"], "softmax", "cross_entropy")
    smoothed = [0.1] * 10
    assert sum(smoothed) != 1.0
    assert math.isfinite(net.train([0.0, 1.0], smoothed))


@pytest.mark.parametrize(("excess", "accepted"), [(5e-10, True), (-5e-10, True), (3e-9, False), (-3e-9, False)])
def test_train_fit_and_evaluate_draw_the_same_line_for_softmax_target_sums(excess, accepted):
    net = make([2, 3, 2], ["tanh"], "softmax", "cross_entropy")
    target = [0.25, 0.75 + excess]
    calls = [
        lambda: net.train([0.5, 0.5], target),
        lambda: net.fit([[0.5, 0.5]], [target], epochs=1),
        lambda: net.evaluate([[0.5, 0.5]], [target]),
    ]
    for call in calls:
        if accepted:
            call()
        else:
            with pytest.raises(ValueError, match="summing to 1"):
                call()


def test_mse_takes_any_finite_target():
    net = nncore.Network([2, 2], activation="identity")
    assert net.train([1.0, 2.0], [-50.0, 300.0]) > 0.0


# ---------------------------------------------------------------- the loss belongs to the network


def test_the_loss_is_in_the_dictionary_and_read_back():
    net = make([2, 3, 2], ["tanh"], "softmax", "cross_entropy")
    data = net.to_dict()
    assert data["loss"] == "cross_entropy"
    back = nncore.Network.from_dict(data)
    assert back.loss == "cross_entropy" and back.activations == net.activations
    assert back.to_dict() == data
    assert nncore.Network([2, 1]).to_dict()["loss"] == "mse"


def test_data_without_a_loss_reads_as_mse():
    data = nncore.Network([2, 3, 1], seed=0).to_dict()
    del data["loss"]
    assert nncore.Network.from_dict(data).loss == "mse"
    assert reference.Network.from_dict(data).loss == "mse"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"loss": "hinge"}, r"network data: loss must be one of"),
        ({"loss": None}, r"network data: loss must be one of"),
        ({"loss": "mse"}, r"network data: activation 'softmax' needs loss='cross_entropy'"),
    ],
)
def test_a_bad_loss_field_is_refused(change, message):
    data = {**make([2, 3, 2], ["tanh"], "softmax", "cross_entropy").to_dict(), **change}
    with pytest.raises(ValueError, match=message):
        nncore.Network.from_dict(data)


def test_pickle_copy_save_and_load_keep_the_loss(tmp_path):
    net = make([3, 4, 2], ["relu"], "sigmoid", "cross_entropy")
    net.train([0.1, 0.2, 0.3], [1.0, 0.0])
    path = tmp_path / "net.json"
    net.save(path)
    data = net.to_dict()
    next_loss = nncore.Network.from_dict(data).train([0.3, 0.2, 0.1], [0.0, 1.0])
    for other in (
        pickle.loads(pickle.dumps(net)),
        copy.copy(net),
        copy.deepcopy(net),
        nncore.load(path),
        nncore.Network.from_json(net.to_json()),
    ):
        assert other.loss == "cross_entropy" and other.to_dict() == data
        assert other.train([0.3, 0.2, 0.1], [0.0, 1.0]) == next_loss


def test_the_loss_is_read_only_and_shown_by_repr():
    net = make([2, 3, 2], ["tanh"], "softmax", "cross_entropy")
    assert "loss='cross_entropy'" in repr(net) and "activation=['tanh', 'softmax']" in repr(net)
    with pytest.raises(AttributeError):
        net.loss = "mse"
    assert net.loss == "cross_entropy"


def test_the_vocabulary_lists_what_the_rules_use():
    assert LOSSES == ("mse", "cross_entropy")
    assert set(CROSS_ENTROPY_OUTPUTS) <= set(ACTIVATIONS) and set(OUTPUT_ONLY_ACTIVATIONS) <= set(ACTIVATIONS)


# ---------------------------------------------------------------- services that work on the dictionary


@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRS[-3:], ids=PAIR_IDS[-3:])
def test_a_large_batch_through_matrix_products_agrees_with_the_per_row_pass(hidden, output, loss):
    net = make([20, 64, 10], hidden, output, loss, seed=4)
    rows = np.random.default_rng(11).normal(size=(400, 20))  # above _batched.MIN_WORK
    assert rows.shape[0] * (20 * 64 + 64 * 10) >= _batched.MIN_WORK
    one_by_one = np.array([net.predict(row) for row in rows])
    np.testing.assert_allclose(net.predict(rows), one_by_one, rtol=1e-13, atol=1e-14)


def test_the_tutorial_views_show_identity_and_softmax_layers():
    net = make([2, 3, 2], ["identity"], "softmax", "cross_entropy")
    layers = net.layers
    assert [layer.activation for layer in layers] == [None, "identity", "softmax"]
    assert "3 identity" in repr(layers) and "2 softmax" in repr(layers)
    net.train([1.0, 0.0], [0.0, 1.0])
    o = net.predict([1.0, 0.0])
    assert sum(neuron.output for neuron in net.layers[2].neurons) == pytest.approx(1.0, abs=1e-15)
    assert o.sum() == pytest.approx(1.0, abs=1e-15)


def test_fann_reads_and_writes_identity_as_linear_at_steepness_1():
    net = make([3, 4, 2], ["identity"], "identity", "mse", seed=5)
    text = net.to_fann()
    assert "(4, 0, 1.00000000000000000000e+00)" in text  # FANN_LINEAR is code 0
    back = nncore.Network.from_fann(text)
    assert back.activations == ("identity", "identity")
    for a, b in zip(back.weights + back.biases, net.weights + net.biases):
        np.testing.assert_array_equal(a, b)


def test_fann_refuses_softmax_and_cross_entropy_naming_them():
    with pytest.raises(ValueError, match=r"layer 2 uses 'softmax', which FANN cannot express: FANN has no softmax"):
        make([2, 3, 2], ["sigmoid"], "softmax", "cross_entropy").to_fann()
    with pytest.raises(ValueError, match=r"loss is 'cross_entropy', which FANN cannot express"):
        make([2, 3, 2], ["sigmoid"], "sigmoid", "cross_entropy").to_fann()


@pytest.mark.parametrize(
    ("activation", "loss", "message"),
    [
        ("identity", "mse", r"brain.js's NeuralNetwork has no activation 'identity'"),
        (["sigmoid", "softmax"], "cross_entropy", r"brain.js's NeuralNetwork has no activation 'softmax'"),
        ("sigmoid", "cross_entropy", r"brain.js's NeuralNetwork trains on the squared error only .* 'cross_entropy'"),
    ],
)
def test_brainjs_refuses_what_its_neural_network_does_not_have(activation, loss, message):
    net = nncore.Network([2, 3, 2], activation=activation, loss=loss)
    with pytest.raises(ValueError, match=message):
        net.to_brainjs()


def test_the_tutorial_json_refuses_cross_entropy():
    with pytest.raises(ValueError, match=r"the tutorial's network trains on the squared error only"):
        nncore.Network([2, 3, 1], loss="cross_entropy").to_tutorial_json()


@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRS[-3:], ids=PAIR_IDS[-3:])
def test_a_float32_network_reports_in_evaluate_the_loss_train_computes(hidden, output, loss):
    rng = np.random.default_rng(12)
    net = make([3, 5, 4], hidden, output, loss, dtype="float32")
    X, Y = rng.normal(size=(6, 3)), targets_for(output, loss, rng, 6, 4).astype(np.float32)
    for x, t in zip(X, Y):
        expected = net.evaluate([x], [t]).error
        assert math.isfinite(expected) and net.train(x, t) == expected
    assert net.predict(X).dtype == np.float32
