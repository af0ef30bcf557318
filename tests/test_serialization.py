"""The dictionary and JSON formats: exact round trips and strict checks."""

import copy
import json
import pickle
import re

import numpy as np
import pytest

import nncore


def trained_network():
    net = nncore.Network([3, 4, 2], learning_rate=0.2, momentum=0.3, seed=1)
    rng = np.random.default_rng(0)
    net.fit(rng.random((8, 3)), rng.random((8, 2)), epochs=5, seed=0)
    return net


def test_dict_format_fields():
    net = trained_network()
    data = net.to_dict()
    assert data["format"] == "nncore" and data["version"] == 2
    assert data["sizes"] == [3, 4, 2]
    assert (data["optimizer"], data["weight_decay"]) == ("sgd", 0.0) and "optimizer_state" not in data
    assert data["activation"] == "sigmoid"
    assert (data["learning_rate"], data["momentum"], data["iterations"]) == (0.2, 0.3, 40)
    assert len(data["layers"]) == 2
    layer = data["layers"][1]
    assert np.shape(layer["weights"]) == np.shape(layer["changes"]) == (2, 4)
    assert np.shape(layer["biases"]) == (2,)
    np.testing.assert_array_equal(layer["weights"], net.weights[1])
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    "round_trip",
    [
        lambda n: nncore.Network.from_dict(n.to_dict()),
        lambda n: nncore.Network.from_json(n.to_json()),
        lambda n: nncore.Network.from_json(n.to_json().encode()),
        lambda n: pickle.loads(pickle.dumps(n)),
        copy.deepcopy,
        copy.copy,
    ],
)
def test_round_trip_is_exact_and_training_continues_identically(round_trip):
    net = trained_network()
    loaded = round_trip(net)
    assert loaded is not net
    assert loaded.to_dict() == net.to_dict()
    rng = np.random.default_rng(3)
    X, Y = rng.random((8, 3)), rng.random((8, 2))
    net.fit(X, Y, epochs=3, seed=4)
    loaded.fit(X, Y, epochs=3, seed=4)
    assert loaded.to_dict() == net.to_dict()
    assert loaded.iterations == net.iterations == 64


def test_changes_may_be_omitted():
    data = trained_network().to_dict()
    for layer in data["layers"]:
        del layer["changes"]
    net = nncore.Network.from_dict(data)
    assert all(np.all(c == 0) for c in net.changes)


def test_per_layer_activations_round_trip():
    net = nncore.Network([2, 3, 3, 1], activation=["relu", "leaky_relu", "sigmoid"], leaky_relu_alpha=0.05, seed=0)
    data = net.to_dict()
    assert data["activation"] == ["relu", "leaky_relu", "sigmoid"]
    assert data["leaky_relu_alpha"] == 0.05
    loaded = nncore.Network.from_dict(data)
    assert loaded.activations == ("relu", "leaky_relu", "sigmoid")
    assert loaded.leaky_relu_alpha == 0.05


def broken(change):
    data = trained_network().to_dict()
    change(data)
    return data


BAD_DICTS = {
    "format": lambda d: d.update(format="brain.js"),
    "version": lambda d: d.update(version=4),
    "sizes": lambda d: d.update(sizes=[3]),
    "sizes[1]": lambda d: d.update(sizes=[3, 0, 2]),
    "activation": lambda d: d.update(activation="softmax"),
    "learning_rate": lambda d: d.update(learning_rate=-1),
    "momentum": lambda d: d.update(momentum="0.1"),
    "iterations": lambda d: d.update(iterations=1.5),
    "'layers'": lambda d: d.update(layers=d["layers"][:1]),
    "layers[0].weights": lambda d: d["layers"][0].update(weights=[[0.0] * 3] * 3),
    "layers[1].biases": lambda d: d["layers"][1].update(biases=[0.0, float("nan")]),
    "layers[1].changes": lambda d: d["layers"][1].update(changes=[[float("inf")] * 4] * 2),
    "layers[0].weights ": lambda d: d["layers"][0].update(weights="abc"),
    "'layers[0].biases'": lambda d: d["layers"][0].pop("biases"),
    "'format'": lambda d: d.pop("format"),
}


@pytest.mark.parametrize("field", sorted(BAD_DICTS))
def test_from_dict_names_the_bad_field(field):
    with pytest.raises(ValueError, match=re.escape(field.strip())):
        nncore.Network.from_dict(broken(BAD_DICTS[field]))


def test_from_dict_and_json_reject_wrong_types():
    with pytest.raises(TypeError, match="dict"):
        nncore.Network.from_dict([1, 2])
    with pytest.raises(ValueError, match="JSON"):
        nncore.Network.from_json("{not json")
    with pytest.raises(TypeError, match="JSON string"):
        nncore.Network.from_json(42)
