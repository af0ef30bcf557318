"""net.layers[l].neurons[j]: live views on the compiled buffers, like the tutorial's objects."""

import numpy as np
import pytest

import nncore
from nncore import reference


def every_view_matches_the_copies(net):
    weights, biases, changes = net.weights, net.biases, net.changes
    for l, layer in enumerate(net.layers[1:], start=1):
        for j, neuron in enumerate(layer.neurons):
            assert neuron.bias == biases[l - 1][j]
            for k, connection in enumerate(neuron.input_connections):
                assert connection.weight == weights[l - 1][j, k]
                assert connection.change == changes[l - 1][j, k]


def test_structure_lengths_and_indexing():
    net = nncore.Network([3, 5, 4, 2], activation=["relu", "tanh", "sigmoid"], seed=0)
    layers = net.layers
    assert len(layers) == 4
    assert [len(layer.neurons) for layer in layers] == [3, 5, 4, 2]
    assert [layer.size for layer in layers] == [3, 5, 4, 2]
    assert [layer.activation for layer in layers] == [None, "relu", "tanh", "sigmoid"]
    assert [layer.is_input for layer in layers] == [True, False, False, False]
    assert layers[-1].index == 3 and layers[-4].index == 0
    assert [layer.index for layer in layers[1:3]] == [1, 2]
    assert len(layers[2].neurons[3].input_connections) == 5
    connection = layers[2].neurons[3].input_connections[-1]
    assert (connection.layer, connection.target.index, connection.source.index) == (2, 3, 4)
    assert (connection.target.layer, connection.source.layer) == (2, 1)
    assert connection.target == layers[2].neurons[3] and connection.source == layers[1].neurons[4]
    with pytest.raises(IndexError, match="layer index 4"):
        layers[4]
    with pytest.raises(IndexError, match="neuron index -6"):
        layers[1].neurons[-6]
    with pytest.raises(TypeError, match="integers"):
        layers["1"]
    assert "2 sigmoid" in repr(layers) and "input layer 0" in repr(layers[0])
    assert "bias=" in repr(layers[1].neurons[0]) and "weight=" in repr(connection)


def test_views_read_the_parameters():
    net = nncore.Network([3, 5, 4, 2], seed=0)
    net.fit(np.random.default_rng(0).random((6, 3)), np.random.default_rng(1).random((6, 2)), epochs=3)
    every_view_matches_the_copies(net)


def test_outputs_and_deltas_match_the_reference_after_a_step():
    net = nncore.Network([3, 4, 2], seed=4)
    ref = reference.Network.from_dict(net.to_dict())
    net.train([0.1, 0.9, 0.4], [1.0, 0.0])
    ref.train([0.1, 0.9, 0.4], [1.0, 0.0])
    for ours, theirs in zip(net.layers, ref.layers):
        for neuron, expected in zip(ours.neurons, theirs.neurons):
            assert neuron.output == pytest.approx(expected.output, abs=1e-12)
            if not ours.is_input:
                assert neuron.delta == pytest.approx(expected.delta, abs=1e-12)
                assert neuron.bias == pytest.approx(expected.bias, abs=1e-12)
                for connection, other in zip(neuron.input_connections, expected.input_connections):
                    assert connection.weight == pytest.approx(other.weight, abs=1e-12)
                    assert connection.change == pytest.approx(other.change, abs=1e-12)
    assert net.layers[2].neurons[0].delta != 0.0


def test_views_are_live():
    net = nncore.Network([2, 3, 1], seed=0)
    neuron = net.layers[1].neurons[2]
    connection = net.layers[2].neurons[0].input_connections[1]
    bias, weight = neuron.bias, connection.weight
    net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], epochs=50, seed=0)
    assert neuron.bias != bias and connection.weight != weight
    assert neuron.bias == net.biases[0][2]
    assert connection.weight == net.weights[1][0, 1]
    net.predict([0.25, 0.75])
    assert net.layers[0].neurons[1].output == 0.75
    assert net.layers[2].neurons[0].output == net.predict([0.25, 0.75])[0]


def edited_copy(net, change):
    data = net.to_dict()
    change(data)
    return nncore.Network.from_dict(data)


def test_writing_a_bias_is_the_same_as_editing_the_dict():
    net = nncore.Network([2, 3, 1], seed=0)
    rows = np.random.default_rng(0).random((5, 2))
    expected = edited_copy(net, lambda d: d["layers"][0]["biases"].__setitem__(1, 0.75))
    before = net.predict(rows)
    net.layers[1].neurons[1].bias = 0.75
    np.testing.assert_array_equal(net.predict(rows), expected.predict(rows))
    assert not np.array_equal(net.predict(rows), before)
    assert net.to_dict() == expected.to_dict()


def test_writing_weights_and_changes_steers_training():
    net = nncore.Network([2, 3, 1], seed=0)

    def edit(d):
        d["layers"][1]["weights"][0][2] = -1.5
        d["layers"][0]["changes"][2][0] = 0.25

    expected = edited_copy(net, edit)
    net.layers[2].neurons[0].input_connections[2].weight = -1.5
    net.layers[1].neurons[2].input_connections[0].change = np.float32(0.25)
    assert net.to_dict() == expected.to_dict()
    net.train([1, 0], [1])
    expected.train([1, 0], [1])
    assert net.to_dict() == expected.to_dict()


def test_writing_input_outputs_is_activate():
    net = nncore.Network([2, 3, 1], seed=0)
    net.layers[0].neurons[0].output = 0.2
    net.layers[0].neurons[1].output = 0.9
    by_views = net.run()
    net.activate([0.2, 0.9])
    np.testing.assert_array_equal(by_views, net.run())
    np.testing.assert_array_equal(by_views, net.predict([0.2, 0.9]))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("0.5", TypeError),
        (True, TypeError),
        (None, TypeError),
    ],
)
def test_writes_are_checked_and_leave_the_network_unchanged(value, error):
    net = nncore.Network([2, 3, 1], seed=0)
    before = net.to_dict()
    neuron = net.layers[1].neurons[0]
    with pytest.raises(error, match="bias"):
        neuron.bias = value
    with pytest.raises(error, match="weight"):
        neuron.input_connections[0].weight = value
    with pytest.raises(error, match="change"):
        neuron.input_connections[0].change = value
    with pytest.raises(error, match="output"):
        net.layers[0].neurons[0].output = value
    assert net.to_dict() == before


def test_the_input_layer_has_no_bias_delta_or_connections():
    net = nncore.Network([2, 3, 1], seed=0)
    neuron = net.layers[0].neurons[0]
    for name in ("bias", "delta", "input_connections"):
        with pytest.raises(AttributeError, match="input layer"):
            getattr(neuron, name)
    with pytest.raises(AttributeError, match="input layer"):
        neuron.bias = 1.0
    assert not hasattr(neuron, "bias")


def test_computed_outputs_and_deltas_are_read_only():
    net = nncore.Network([2, 3, 1], seed=0)
    neuron = net.layers[1].neurons[0]
    with pytest.raises(AttributeError, match="read-only"):
        neuron.output = 0.5
    with pytest.raises(AttributeError, match="read-only"):
        neuron.delta = 0.5
