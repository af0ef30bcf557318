"""Fixed-point networks: Network.to_fixed, nncore.FixedNetwork, its integer forms and its dictionary."""

import copy
import math
import pickle
from fractions import Fraction

import numpy as np
import pytest
from fixed_support import XOR_INPUTS, every_activation_network, random_integer_rows, xor_network

import nncore
from nncore import _fixed_forms
from nncore._activations import ACTIVATION_TABLE
from nncore._fixed_forms import FIXED_ACTIVATIONS, LayerFormat


@pytest.fixture(scope="module")
def xor_net():
    return xor_network()


@pytest.fixture(scope="module")
def digits():
    datasets = pytest.importorskip("sklearn.datasets")
    model_selection = pytest.importorskip("sklearn.model_selection")
    X, y = datasets.load_digits(return_X_y=True)
    X_train, X_test, y_train, _ = model_selection.train_test_split(X, y, test_size=0.25, random_state=0)
    net = nncore.Network(
        [64, 32, 10], activation=["sigmoid", "softmax"], loss="cross_entropy", input_scaling="minmax", seed=0
    )
    net.fit(X_train, np.eye(10)[y_train])
    return net, X_test


# ---------------------------------------------------------------- the goals


@pytest.mark.parametrize(("bits", "goal"), [(16, 0.995), (8, 0.97)])
def test_digits_classification_agrees_with_the_float_network(digits, bits, goal):
    net, X_test = digits
    result = net.to_fixed(bits=bits).compare(X_test)
    assert result["samples"] == len(X_test)
    assert result["agreement"] >= goal, result


def test_xor_in_16_bits_is_within_a_thousandth_of_the_float_network(xor_net):
    fixed = xor_net.to_fixed(bits=16)
    result = fixed.compare(XOR_INPUTS)
    assert result["agreement"] == 1.0
    assert result["max_abs_difference"] < 1e-3
    difference = np.abs(fixed.predict(XOR_INPUTS) - xor_net.predict(XOR_INPUTS)).max()
    assert difference == pytest.approx(result["max_abs_difference"], abs=1e-12)


def test_compare_reports_mean_and_max_over_every_output():
    net = every_activation_network()
    fixed = net.to_fixed(bits=16)
    X = np.random.default_rng(0).normal(size=(200, 4))
    result = fixed.compare(X)
    difference = np.abs(fixed.predict(X) - net.predict(X))
    assert result["max_abs_difference"] == pytest.approx(difference.max(), abs=1e-12)
    assert result["mean_abs_difference"] == pytest.approx(difference.mean(), abs=1e-12)
    agree = np.mean(np.argmax(fixed.predict(X), axis=1) == np.argmax(net.predict(X), axis=1))
    assert result["agreement"] == agree


# ---------------------------------------------------------------- binary points


def test_the_binary_points_follow_the_ranges(xor_net):
    fixed = xor_net.to_fixed(bits=16)
    assert fixed.input_frac_bits == 14  # inputs up to 1: 16384
    assert fixed.activation_frac_bits == (15, 15)  # sigmoid
    assert fixed.output_frac_bits == 15
    largest = max(np.abs(w).max() for w in xor_net.weights + xor_net.biases)
    for weights, biases, frac_bits in zip(fixed.weights, fixed.biases, fixed.weight_frac_bits):
        assert np.abs(weights).max() <= 32767 and np.abs(biases).max() <= 32767
        assert largest * 2.0**frac_bits <= 32767.5 or frac_bits == 27 - 15  # room left for the sigmoid's sums


def test_one_binary_point_for_everything_as_fann_has(xor_net):
    fixed = xor_net.to_fixed(bits=16, frac_bits=6)
    assert fixed.input_frac_bits == 6
    assert fixed.weight_frac_bits == fixed.activation_frac_bits == (6, 6)
    assert fixed.compare(XOR_INPUTS)["agreement"] == 1.0


def test_binary_points_per_layer_and_for_the_inputs(xor_net):
    fixed = xor_net.to_fixed(bits=8, frac_bits=[3, 5], input_frac_bits=2)
    assert (fixed.input_frac_bits, fixed.weight_frac_bits, fixed.activation_frac_bits) == (2, (3, 5), (3, 5))
    np.testing.assert_array_equal(fixed.quantize_inputs(XOR_INPUTS), XOR_INPUTS * 4)


def test_sample_inputs_choose_the_input_binary_point():
    net = nncore.Network([3, 4, 2], activation=["relu", "identity"], seed=1)
    X = np.random.default_rng(1).uniform(-20, 20, size=(100, 3))
    fixed = net.to_fixed(bits=16, inputs=X)
    assert fixed.input_frac_bits == 10  # |x| < 32
    assert fixed.compare(X)["max_abs_difference"] < 0.05
    assert net.to_fixed(bits=16, inputs=X[0]).input_frac_bits >= 10


def test_input_scaling_is_folded_into_the_first_layer():
    rng = np.random.default_rng(2)
    X = rng.uniform(0, 100, size=(200, 3))
    Y = (X[:, :1] > 50).astype(float)
    for kind in ("minmax", "standard"):
        net = nncore.Network([3, 5, 1], input_scaling=kind, seed=2)
        net.fit(X, Y, epochs=20, seed=2)
        fixed = net.to_fixed(bits=16)
        # raw inputs up to 100; standard: the mean +- 3 deviations, about 50 +- 87
        assert fixed.input_frac_bits == (8 if kind == "minmax" else 7)
        result = fixed.compare(X)
        assert result["max_abs_difference"] < 1e-2 and result["mean_abs_difference"] < 1e-3, (kind, result)


# ---------------------------------------------------------------- the integer forms


@pytest.mark.parametrize("bits", [16, 8])
@pytest.mark.parametrize(
    ("name", "function", "table"), [("sigmoid", None, "SIGMOID_TABLE"), ("tanh", np.tanh, "TANH_TABLE")]
)
def test_sigmoid_and_tanh_stay_within_their_stated_error_for_every_input(bits, name, function, table):
    table = getattr(_fixed_forms, table)
    form = FIXED_ACTIVATIONS[name]
    frac_bits = table.input_frac_bits
    sums = np.arange(-table.limit - 4096, table.limit + 4096, dtype=np.int64)
    outputs = form.numpy(sums[np.newaxis, :], LayerFormat(bits, frac_bits, bits - 1))[0]
    z = sums / 2.0**frac_bits
    exact = 1.0 / (1.0 + np.exp(-z)) if function is None else function(z)
    error = np.abs(outputs / 2.0 ** (bits - 1) - exact).max()
    assert error <= form.max_error[bits]
    assert error > form.max_error[bits] / 2  # the bound says what the form does


@pytest.mark.parametrize("s", [1, 2, 5, 13, 30, 31])
def test_shift_right_rounds_half_up_for_negative_values_too(s):
    values = np.array([-(2**31), -(2**31) + 1, -3 * 2 ** (s - 1), -(2 ** (s - 1)), -1, 0, 1, 2 ** (s - 1), 2**31 - 1])
    rng = np.random.default_rng(s)
    values = np.concatenate([values, rng.integers(-(2**31), 2**31 - 1, 1000)]).astype(np.int64)
    expected = [math.floor(Fraction(int(v), 2**s) + Fraction(1, 2)) for v in values]
    assert _fixed_forms.shift_right(values, s).tolist() == expected


def test_shift_left_and_add_saturate_to_int32():
    values = np.array([-(2**31), -(2**20), -1, 0, 1, 2**20, 2**31 - 1], dtype=np.int64)
    assert _fixed_forms.shift_left(values, 11).tolist() == [-(2**31), -(2**31), -2048, 0, 2048, 2**31 - 1, 2**31 - 1]
    assert _fixed_forms.add(values, values).tolist() == [-(2**31), -(2**21), -2, 0, 2, 2**21, 2**31 - 1]


@pytest.mark.parametrize("bits", [16, 8])
def test_relu_leaky_relu_and_identity_are_exact_at_the_output_binary_point(bits):
    low, high = _fixed_forms.storage_range(bits)
    sums = np.arange(-70000, 70000, 7, dtype=np.int64)[np.newaxis, :]
    layer = LayerFormat(bits, 4, 4, {"alpha": 3277, "alpha_frac_bits": 15})
    assert FIXED_ACTIVATIONS["identity"].numpy(sums, layer).tolist() == np.clip(sums, low, high).tolist()
    assert FIXED_ACTIVATIONS["relu"].numpy(sums, layer).tolist() == np.clip(sums, 0, high).tolist()
    leaky = [
        min(high, max(low, v if v > 0 else math.floor(Fraction(v * 3277, 2**15) + Fraction(1, 2)))) for v in sums[0]
    ]
    assert FIXED_ACTIVATIONS["leaky_relu"].numpy(sums, layer)[0].tolist() == leaky


def test_softmax_sums_to_one_and_keeps_the_order():
    rng = np.random.default_rng(4)
    sums = rng.integers(-(2**20), 2**20, size=(500, 7))
    layer = LayerFormat(16, 16, 15)
    outputs = FIXED_ACTIVATIONS["softmax"].numpy(sums, layer) / 2.0**15
    exact = np.exp(sums / 2.0**16 - np.max(sums / 2.0**16, axis=1, keepdims=True))
    exact /= exact.sum(axis=1, keepdims=True)
    assert np.abs(outputs - exact).max() < 1e-3
    assert np.abs(outputs.sum(axis=1) - 1).max() < 7 * 2.0**-15
    assert (np.argmax(outputs, axis=1) == np.argmax(sums, axis=1)).all()


def test_predict_raw_saturates_instead_of_wrapping():
    net = every_activation_network(scale=50.0)
    fixed = net.to_fixed(bits=8)
    rows = random_integer_rows(fixed, 500)
    outputs = fixed.predict_raw(rows)
    assert outputs.dtype == np.int8
    real = net.predict(rows / 2.0**fixed.input_frac_bits)
    assert np.mean(np.argmax(outputs, axis=1) == np.argmax(real, axis=1)) > 0.8


# ---------------------------------------------------------------- the methods


def test_quantize_inputs_rounds_half_up_and_saturates(xor_net):
    fixed = xor_net.to_fixed(bits=8, frac_bits=2)
    X = [[0.125, -0.125], [0.375, 1000.0], [-1000.0, -0.375]]
    np.testing.assert_array_equal(fixed.quantize_inputs(X), [[1, 0], [2, 127], [-128, -1]])
    assert fixed.quantize_inputs(X[0]).shape == (2,)
    assert fixed.quantize_inputs(X).dtype == np.int8


def test_predict_is_predict_raw_over_the_binary_point(xor_net):
    fixed = xor_net.to_fixed()
    raw = fixed.predict_raw(fixed.quantize_inputs(XOR_INPUTS))
    np.testing.assert_array_equal(fixed.predict(XOR_INPUTS), raw / 2.0**fixed.output_frac_bits)
    np.testing.assert_array_equal(fixed.predict(XOR_INPUTS[1]), fixed.predict(XOR_INPUTS)[1])
    assert fixed.predict_raw([16384, 0]).shape == (1,)


def test_predict_raw_refuses_what_is_not_integers_of_its_width(xor_net):
    fixed = xor_net.to_fixed(bits=8)
    with pytest.raises(TypeError, match="integers"):
        fixed.predict_raw(XOR_INPUTS)
    with pytest.raises(TypeError, match="integers"):
        fixed.predict_raw("12")
    with pytest.raises(ValueError, match=r"8-bit integers \(-128 to 127\), got -129 to 0"):
        fixed.predict_raw([[-129, 0]])
    with pytest.raises(ValueError, match="shape"):
        fixed.predict_raw([[1, 2, 3]])


def test_pickle_copy_and_dictionary_round_trip():
    net = every_activation_network()
    fixed = net.to_fixed(bits=16)
    rows = random_integer_rows(fixed, 300)
    for other in (
        pickle.loads(pickle.dumps(fixed)),
        copy.deepcopy(fixed),
        nncore.FixedNetwork.from_dict(fixed.to_dict()),
    ):
        assert type(other) is nncore.FixedNetwork
        assert other.to_dict() == fixed.to_dict()
        np.testing.assert_array_equal(other.predict_raw(rows), fixed.predict_raw(rows))
    assert b"nncore._fixed" not in pickle.dumps(fixed)
    assert repr(fixed).startswith("FixedNetwork([4, 6, 5, 5, 4, 3], bits=16, activations=['tanh', 'relu',")


def test_a_dictionary_without_the_float_network_computes_but_does_not_compare(xor_net):
    data = xor_net.to_fixed().to_dict()
    del data["network"]
    fixed = nncore.FixedNetwork.from_dict(data)
    assert fixed.network is None
    assert fixed.predict(XOR_INPUTS).shape == (4, 1)
    with pytest.raises(ValueError, match="network is None"):
        fixed.compare(XOR_INPUTS)


def _changed(data, path, value):
    data = copy.deepcopy(data)
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("format",), "nncore", "format must be 'nncore-fixed'"),
        (("version",), 2, "version must be 1"),
        (("bits",), 32, "bits must be 8 or 16"),
        (("bits",), True, "bits must be 8 or 16"),
        (("sizes",), [2], "sizes must be a list"),
        (("sizes", 0), 0, r"sizes\[0\] must be from 1"),
        (("input_frac_bits",), KeyError, "input_frac_bits is missing"),
        (("input_frac_bits",), 31, "input_frac_bits must be from 0 to 30"),
        (("layers",), [], "layers must be a list of 2 layers"),
        (("layers", 0), [], r"layers\[0\] must be a dict"),
        (("layers", 0, "activation"), "softsign", r"layers\[0\].activation must be one of"),
        (("layers", 0, "activation"), "softmax", "for the output layer only"),
        (("layers", 0, "weight_frac_bits"), 1.5, r"layers\[0\].weight_frac_bits must be an integer"),
        (("layers", 0, "weight_frac_bits"), 17, r"layers\[0\].weight_frac_bits must be from 0 to 16"),
        (("layers", 1, "output_frac_bits"), -1, r"layers\[1\].output_frac_bits must be from 0"),
        (("layers", 0, "weights"), [[1, 2]], r"layers\[0\].weights must be integers of shape \(3, 2\)"),
        (("layers", 0, "weights"), [[1.0, 2.0]] * 3, r"layers\[0\].weights must be integers"),
        (("layers", 0, "biases"), [40000, 0, 0], r"layers\[0\].biases must be 16-bit integers"),
        (("layers", 0, "parameters"), {"alpha": 1}, r"layers\[0\].parameters must hold \[\]"),
        (("network", "sizes"), [2, 4, 1], "network"),
    ],
)
def test_from_dict_names_the_bad_field(xor_net, path, value, message):
    data = _changed(xor_net.to_fixed().to_dict(), path, value)
    with pytest.raises(ValueError, match=message):
        nncore.FixedNetwork.from_dict(data)


def test_from_dict_checks_the_slope_of_leaky_relu_and_the_softmax_binary_point():
    data = every_activation_network().to_fixed().to_dict()
    with pytest.raises(ValueError, match=r"parameters.alpha must be from -32768 to 32768"):
        nncore.FixedNetwork.from_dict(_changed(data, ("layers", 2, "parameters", "alpha"), 40000))
    with pytest.raises(ValueError, match=r"output_frac_bits must be from 0 to 15"):
        nncore.FixedNetwork.from_dict(_changed(data, ("layers", 4, "output_frac_bits"), 16))
    with pytest.raises(TypeError, match="must be a dict"):
        nncore.FixedNetwork.from_dict([])


def test_a_fixed_network_is_made_not_constructed():
    with pytest.raises(TypeError, match=r"Network.to_fixed"):
        nncore.FixedNetwork()


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"bits": 12}, ValueError, "bits must be 8 or 16, got int 12"),
        ({"bits": 16, "frac_bits": 31}, ValueError, "frac_bits must be at most 30"),
        ({"bits": 16, "frac_bits": [1]}, TypeError, "one per layer"),
        ({"bits": 16, "frac_bits": "4"}, TypeError, "frac_bits must be an integer or a sequence"),
        ({"bits": 16, "frac_bits": [20, 20], "input_frac_bits": 14}, ValueError, "must be at most 30"),
        ({"bits": 16, "input_frac_bits": -1}, ValueError, "input_frac_bits must be >= 0"),
        ({"bits": 16, "inputs": [[1, 2, 3]]}, ValueError, "inputs"),
    ],
)
def test_to_fixed_refuses_bad_options_and_leaves_the_network_alone(xor_net, options, error, message):
    before = xor_net.to_dict()
    with pytest.raises(error, match=message):
        xor_net.to_fixed(**options)
    assert xor_net.to_dict() == before


def test_to_fixed_refuses_a_slope_too_steep_for_its_integers():
    net = nncore.Network([2, 2, 1], activation="leaky_relu", leaky_relu_alpha=40000.0, seed=0)
    with pytest.raises(ValueError, match="leaky_relu_alpha must be at most 2"):
        net.to_fixed()


def test_a_leaky_relu_slope_of_zero_or_below_zero():
    for alpha in (0.0, -0.5):
        net = nncore.Network([2, 3, 1], activation="leaky_relu", leaky_relu_alpha=alpha, seed=5)
        fixed = net.to_fixed(bits=16)
        X = np.random.default_rng(5).uniform(-1, 1, size=(100, 2))
        assert fixed.compare(X)["max_abs_difference"] < 1e-3


def test_every_activation_has_an_integer_form():
    assert set(ACTIVATION_TABLE) <= set(FIXED_ACTIVATIONS)


def test_from_dict_refuses_ragged_weights_and_a_float_network_of_other_sizes(xor_net):
    data = xor_net.to_fixed().to_dict()
    with pytest.raises(ValueError, match=r"layers\[0\].weights must be integers of shape \(3, 2\)"):
        nncore.FixedNetwork.from_dict(_changed(data, ("layers", 0, "weights"), [[1, 2], [3], [4, 5]]))
    other = nncore.Network([2, 4, 1], seed=0).to_dict()
    with pytest.raises(ValueError, match=r"network has sizes \[2, 4, 1\], not \[2, 3, 1\]"):
        nncore.FixedNetwork.from_dict(_changed(data, ("network",), other))


def test_to_fixed_refuses_a_layer_wider_than_its_c_loops_count():
    with pytest.raises(ValueError, match="at most 32767 neurons"):
        nncore.Network([1, 32768, 1], seed=0).to_fixed()
