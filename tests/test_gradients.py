"""One step's weight change is -learning_rate * dE/dw, checked by central finite differences."""

import numpy as np
import pytest

import nncore


def sample_error(net, x, t):
    return 0.5 * float(np.sum((np.asarray(t) - net.predict(x)) ** 2))


def perturbed(data, layer, key, index, amount):
    copy = {**data, "layers": [dict(l) for l in data["layers"]]}
    values = np.array(copy["layers"][layer][key])
    values[index] += amount
    copy["layers"][layer][key] = values.tolist()
    return nncore.Network.from_dict(copy)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "leaky_relu", ["tanh", "relu", "sigmoid"]])
def test_step_is_gradient_descent(activation):
    rng = np.random.default_rng(0)
    sizes = [3, 5, 4, 2]
    net = nncore.Network(sizes, activation=activation, learning_rate=0.7, momentum=0.0, seed=4)
    x, t = rng.random(3), rng.random(2)
    data = net.to_dict()
    before_w, before_b = net.weights, net.biases
    net.train(x, t)
    h = 1e-6
    checked = 0
    for layer in range(len(sizes) - 1):
        for key, before, after in (("weights", before_w, net.weights), ("biases", before_b, net.biases)):
            for index in np.ndindex(before[layer].shape):
                plus = sample_error(perturbed(data, layer, key, index, h), x, t)
                minus = sample_error(perturbed(data, layer, key, index, -h), x, t)
                gradient = (plus - minus) / (2 * h)
                change = after[layer][index] - before[layer][index]
                assert change == pytest.approx(-0.7 * gradient, rel=1e-5, abs=1e-9), (layer, key, index)
                checked += 1
    assert checked == sum(a * b + a for a, b in zip(sizes[1:], sizes[:-1]))


def test_momentum_adds_previous_change():
    net = nncore.Network([2, 3, 1], learning_rate=0.5, momentum=0.25, seed=1)
    net.train([1, 0], [1])
    first_change = net.changes
    data = net.to_dict()
    data["momentum"] = 0.0
    for layer in data["layers"]:
        del layer["changes"]
    plain = nncore.Network.from_dict(data)  # same weights, no momentum
    net.train([0, 1], [0])
    plain.train([0, 1], [0])
    for ours, gradient_step, previous in zip(net.changes, plain.changes, first_change):
        assert np.abs(previous).max() > 1e-4
        np.testing.assert_allclose(ours, gradient_step + 0.25 * previous, rtol=0, atol=1e-15)
