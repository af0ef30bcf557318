"""float32 networks: every computation in float, in the float64 kernels' order.

Proved against two independent computations: a step-by-step emulation with
numpy float32 scalars in the core's order of operations (bit for bit), and a
plain numpy float32 implementation with matrix products and ``np.exp``
(within 1e-5 relative, the issue of summation order and of exp's last bit).
"""

import copy
import pickle

import elementary_numpy
import numpy as np
import pytest

import nncore
from nncore._vocabulary import ACTIVATIONS

f32 = np.float32
ONE, ZERO = f32(1.0), f32(0.0)


# ---------------------------------------------------------------- an emulation in float32 scalars


def activate(z, activation, alpha):
    if activation == "sigmoid":
        return elementary_numpy.sigmoid32(z)
    if activation == "tanh":
        return elementary_numpy.tanh32(z)
    if activation == "relu":
        return z if z > ZERO else ZERO
    if activation == "identity":
        return z
    return z if z > ZERO else alpha * z


def activate_layer(sums, activation, alpha):
    """A layer's outputs from its sums; softmax normalises the whole layer, the sum in index order."""
    if activation != "softmax":
        return [activate(z, activation, alpha) for z in sums]
    largest = sums[0]
    for z in sums[1:]:
        largest = z if z > largest else largest
    exps = [elementary_numpy.exp32(z - largest) for z in sums]
    total = ZERO
    for value in exps:
        total = total + value
    return [value / total for value in exps]


def derivative_times(error, output, activation, alpha):
    if activation == "sigmoid":
        return error * output * (ONE - output)
    if activation == "tanh":
        return (ONE - output * output) * error
    if activation == "relu":
        return error if output > ZERO else ZERO
    if activation == "identity":
        return error
    return error if output > ZERO else alpha * error


class Emulation:
    """A float32 network as nested lists of numpy float32 scalars, stepped in the core's order."""

    def __init__(self, net):
        self.activations = net.activations
        self.loss = net.loss
        self.alpha = f32(net.leaky_relu_alpha)
        self.lr, self.momentum = f32(net.learning_rate), f32(net.momentum)
        self.weights = [[list(row) for row in w] for w in net.weights]
        self.changes = [[list(row) for row in c] for c in net.changes]
        self.biases = [list(b) for b in net.biases]

    def forward(self, x):
        outputs = [[f32(v) for v in x]]
        for w, b, activation in zip(self.weights, self.biases, self.activations):
            sums = []
            for row, bias in zip(w, b):
                total = ZERO
                for weight, value in zip(row, outputs[-1]):
                    total = total + weight * value
                sums.append(bias + total)
            outputs.append(activate_layer(sums, activation, self.alpha))
        return outputs

    def train(self, x, target):
        outputs = self.forward(x)
        last = len(self.weights) - 1
        errors = [f32(t) - o for t, o in zip(target, outputs[-1])]
        deltas = [None] * len(self.weights)
        if self.loss == "cross_entropy":  # the loss's derivative cancels the activation's
            deltas[last] = errors
        else:
            deltas[last] = [
                derivative_times(e, o, self.activations[last], self.alpha) for e, o in zip(errors, outputs[-1])
            ]
        for l in range(last - 1, -1, -1):
            sums = []
            for j in range(len(outputs[l + 1])):
                total = ZERO
                for k, d in enumerate(deltas[l + 1]):
                    total = total + d * self.weights[l + 1][k][j]
                sums.append(total)
            deltas[l] = [derivative_times(s, o, self.activations[l], self.alpha) for s, o in zip(sums, outputs[l + 1])]
        for l, (w, c, b) in enumerate(zip(self.weights, self.changes, self.biases)):
            for j in range(len(w)):
                step = self.lr * deltas[l][j]
                for k in range(len(w[j])):
                    change = step * outputs[l][k] + self.momentum * c[j][k]
                    c[j][k] = change
                    w[j][k] = w[j][k] + change
                b[j] = b[j] + step


def assert_emulation_bits(net, start, X, Y):
    """``net``'s parameters are those of the emulation of ``start`` (a dictionary) trained on X, Y in order."""
    emulation = Emulation(nncore.Network.from_dict(start))
    for x, y in zip(X, Y):
        emulation.train(x, y)
    for ours, theirs in zip(
        net.weights + net.biases + net.changes, emulation.weights + emulation.biases + emulation.changes
    ):
        np.testing.assert_array_equal(ours, np.array(theirs, dtype=np.float32))


def samples(sizes, n, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.5, 1.5, (n, sizes[0])), rng.uniform(0.0, 1.0, (n, sizes[-1]))


@pytest.mark.parametrize(
    ("activation", "loss"),
    [(name, "mse") for name in ACTIVATIONS if name != "softmax"]
    + [(["tanh", "relu", "softmax"], "cross_entropy"), (["identity", "tanh", "sigmoid"], "cross_entropy")],
)
def test_train_gives_the_float32_emulation_bit_for_bit(activation, loss):
    sizes = [3, 5, 4, 2]
    rate = 0.02 if activation == "identity" else 0.2  # a linear network diverges at 0.2 on these samples
    net = nncore.Network(
        sizes,
        activation=activation,
        seed=3,
        dtype="float32",
        learning_rate=rate,
        momentum=0.3,
        leaky_relu_alpha=0.05,
        loss=loss,
    )
    emulation = Emulation(net)
    X, Y = samples(sizes, 12, seed=4)
    if net.activations[-1] == "softmax":
        Y = Y / Y.sum(axis=1, keepdims=True)
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    for step in range(120):
        net.train(X[step % 12], Y[step % 12])
        emulation.train(X[step % 12], Y[step % 12])
    for ours, theirs in zip(
        net.weights + net.biases + net.changes, emulation.weights + emulation.biases + emulation.changes
    ):
        assert ours.dtype == np.float32
        np.testing.assert_array_equal(ours, np.array(theirs, dtype=np.float32))
    assert np.array_equal(net.predict(X[0]), np.array(emulation.forward(X[0])[-1], dtype=np.float32))


def test_fit_gives_the_float32_emulation_bit_for_bit():
    sizes = [4, 17, 3]  # 17 rows: a sixteen-row block and a tail
    net = nncore.Network(sizes, activation="tanh", seed=5, dtype="float32", learning_rate=0.05)
    emulation = Emulation(net)
    X, Y = samples(sizes, 9, seed=6)
    net.fit(X, Y, epochs=4, order="sequential")
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    for _ in range(4):
        for x, y in zip(X32, Y32):
            emulation.train(x, y)
    for ours, theirs in zip(net.weights + net.biases, emulation.weights + emulation.biases):
        np.testing.assert_array_equal(ours, np.array(theirs, dtype=np.float32))


# ---------------------------------------------------------------- plain numpy float32


def numpy_float32_steps(net, X, Y, order):
    """Per-sample backpropagation in numpy float32 with matrix products (any summation order)."""
    weights = [w.astype(np.float32) for w in net.weights]
    biases = [b.astype(np.float32) for b in net.biases]
    changes = [np.zeros_like(w) for w in weights]
    lr, momentum = f32(net.learning_rate), f32(net.momentum)
    for i in order:
        outputs = [X[i]]
        for w, b in zip(weights, biases):
            outputs.append((ONE / (ONE + np.exp(-(w @ outputs[-1] + b)))).astype(np.float32))
        delta = (Y[i] - outputs[-1]) * outputs[-1] * (ONE - outputs[-1])
        deltas = [delta]
        for l in range(len(weights) - 1, 0, -1):
            deltas.insert(0, (weights[l].T @ deltas[0]) * outputs[l] * (ONE - outputs[l]))
        for l, (w, b, c) in enumerate(zip(weights, biases, changes)):
            step = lr * deltas[l]
            c[...] = np.outer(step, outputs[l]) + momentum * c
            w += c
            b += step
    return weights, biases


def test_300_steps_agree_with_plain_numpy_float32_within_1e_5():
    net = nncore.Network([2, 10, 10, 1], seed=0, dtype="float32")
    X, Y = nncore._examples.XOR_INPUTS, nncore._examples.XOR_TARGETS
    X32, Y32 = np.asarray(X, dtype=np.float32), np.asarray(Y, dtype=np.float32).reshape(-1, 1)
    order = np.random.default_rng(7).integers(0, 4, 300)
    weights, biases = numpy_float32_steps(net, X32, Y32, order)
    start = [w.copy() for w in net.weights]
    for i in order:
        net.train(X32[i], Y32[i])
    for ours, theirs in zip(net.weights + net.biases, weights + biases):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)
    assert max(np.max(np.abs(a - b)) for a, b in zip(net.weights, start)) > 0.01  # not vacuous


def test_float32_and_float64_networks_learn_the_same_thing():
    X, Y = nncore._examples.XOR_INPUTS, nncore._examples.XOR_TARGETS
    results = {}
    for dtype in ("float64", "float32"):
        net = nncore.Network([2, 10, 10, 1], seed=0, dtype=dtype)
        net.fit(X, Y, steps=20000, order="random", seed=0)
        results[dtype] = net.predict(X)
    assert results["float32"].dtype == np.float32 and results["float64"].dtype == np.float64
    np.testing.assert_allclose(results["float32"], results["float64"], atol=1e-3)
    assert not np.array_equal(results["float32"].astype(np.float64), results["float64"])


# ---------------------------------------------------------------- the API


def trained32(seed=1):
    net = nncore.Network([3, 6, 2], activation="tanh", seed=seed, dtype="float32")
    X, Y = samples([3, 6, 2], 10, seed=seed)
    net.fit(X, Y, epochs=5, seed=seed)
    return net, X


@pytest.mark.parametrize("dtype", ["float32", np.float32, np.dtype("float32")])
def test_dtype_is_given_by_name_or_numpy_type(dtype):
    net = nncore.Network([2, 1], dtype=dtype)
    assert net.dtype == np.dtype(np.float32) and isinstance(net.dtype, np.dtype)
    assert "dtype='float32'" in repr(net)
    assert nncore.Network([2, 1], dtype=float).dtype == np.float64
    assert "dtype" not in repr(nncore.Network([2, 1]))


@pytest.mark.parametrize(
    ("dtype", "error"),
    [
        ("float16", ValueError),
        ("double", ValueError),
        (np.float16, TypeError),
        (np.int32, TypeError),
        (None, TypeError),
        (3, TypeError),
    ],
)
def test_an_unknown_dtype_is_refused_naming_the_choices(dtype, error):
    with pytest.raises(error, match=r"dtype must be one of \['float64', 'float32'\]"):
        nncore.Network([2, 1], dtype=dtype)


def test_every_buffer_and_result_is_float32():
    net, X = trained32()
    assert all(a.dtype == np.float32 for a in net.weights + net.biases + net.changes)
    assert net.predict(X).dtype == np.float32 and net.predict(X[0]).dtype == np.float32
    net.activate(X[0])
    assert net.run().dtype == np.float32
    assert all(buffers.outputs.dtype == np.float32 for buffers in net._layer_buffers())
    assert isinstance(net.train(X[0], [0.5, 0.5]), float)


def test_the_numpy_batch_path_agrees_with_the_per_row_path():
    net = nncore.Network([64, 200, 10], seed=2, dtype="float32")
    rows = np.random.default_rng(1).uniform(0, 1, (40, 64))
    batch = net.predict(rows)  # large enough for matrix products
    assert batch.dtype == np.float32
    np.testing.assert_allclose(batch, np.array([net.predict(row) for row in rows]), rtol=1e-5, atol=1e-6)


def test_save_load_pickle_and_copy_keep_dtype_and_every_bit(tmp_path):
    net, X = trained32()
    data = net.to_dict()
    assert data["dtype"] == "float32"
    path = tmp_path / "net.json"
    net.save(path)
    for other in (
        nncore.Network.from_dict(data),
        nncore.Network.load(path),
        pickle.loads(pickle.dumps(net)),
        copy.copy(net),
        copy.deepcopy(net),
        nncore.Network.from_json(net.to_json()),
    ):
        assert other.dtype == np.float32
        assert other.to_dict() == data
        assert np.array_equal(other.predict(X), net.predict(X))


def test_a_dictionary_without_dtype_is_float64_and_a_bad_dtype_is_named():
    data = nncore.Network([2, 2, 1], seed=1).to_dict()
    del data["dtype"]
    assert nncore.Network.from_dict(data).dtype == np.float64
    data["dtype"] = "float16"
    with pytest.raises(ValueError, match="network data: dtype must be one of"):
        nncore.Network.from_dict(data)


def test_a_float32_dictionary_refuses_values_beyond_float32_and_rounds_the_others():
    data = nncore.Network([2, 2, 1], seed=1, dtype="float32").to_dict()
    data["layers"][0]["weights"][1][0] = 1e39
    with pytest.raises(ValueError, match=r"field 'layers\[0\]\.weights' must be finite in float32.*1e\+39"):
        nncore.Network.from_dict(data)
    data["layers"][0]["weights"][1][0] = 0.1
    net = nncore.Network.from_dict(data)
    assert net.weights[0][1, 0] == np.float32(0.1)


@pytest.mark.parametrize(
    "call",
    [
        lambda net: net.train([1e39, 0, 0], [0, 0]),
        lambda net: net.train([0, 0, 0], [0, -1e39]),
        lambda net: net.activate([0, 1e40, 0]),
        lambda net: net.predict([0, 1e40, 0]),
        lambda net: net.fit([[0, 0, 1e39]], [[0, 0]], epochs=1),
        lambda net: net.evaluate([[0, 0, 0]], [[0, 1e39]]),
    ],
)
def test_values_beyond_float32_are_refused_and_leave_the_network_unchanged(call):
    net, _ = trained32()
    before = net.to_dict()
    with pytest.raises(ValueError, match="finite in float32"):
        call(net)
    assert net.to_dict() == before


def test_writes_through_the_views_round_to_float32_and_refuse_overflow():
    net, _ = trained32()
    neuron = net.layers[1].neurons[0]
    neuron.bias = 0.1
    assert neuron.bias == float(np.float32(0.1)) and net.biases[0][0] == np.float32(0.1)
    before = net.to_dict()
    with pytest.raises(ValueError, match="finite in float32"):
        neuron.input_connections[0].weight = 1e39
    assert net.to_dict() == before


def test_a_float32_network_stops_before_overflowing():
    # leaky_relu with slope 1 is the identity: nothing saturates, the weight grows without bound
    net = nncore.Network(
        [1, 1], activation="leaky_relu", leaky_relu_alpha=1.0, seed=1, dtype="float32", learning_rate=1.0, momentum=0.5
    )
    with pytest.raises(nncore.DivergenceError):  # noqa: PT012 (at some step of the loop)
        for _ in range(200):
            net.train([1e12], [-1e12])
    assert all(np.isfinite(a).all() for a in net.weights + net.biases + net.changes)


def test_fit_of_a_float32_network_that_overflows_rolls_back_to_finite_weights():
    net = nncore.Network(
        [1, 1], activation="leaky_relu", leaky_relu_alpha=1.0, seed=1, dtype="float32", learning_rate=1.0, momentum=0.5
    )
    with pytest.raises(nncore.DivergenceError):
        net.fit([[1e12], [2e12]], [[-1e12], [1e12]], epochs=100)
    assert all(np.isfinite(a).all() for a in net.weights + net.biases + net.changes)
