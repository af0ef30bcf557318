"""brain.js-style data: {"input": ..., "output": ...} samples, named values, likely()."""

import copy
import pickle

import numpy as np
import pytest

import nncore

COLOURS = [
    {"input": {"r": 0.03, "g": 0.7}, "output": {"black": 1}},
    {"input": {"b": 0.5, "r": 0.16}, "output": {"white": 1}},
    {"input": {"r": 0.5, "g": 0.5, "b": 1.0}, "output": {"white": 1}},
]
# the same data as arrays, columns in first-seen order: r, g, b and black, white
COLOURS_X = [[0.03, 0.7, 0.0], [0.16, 0.0, 0.5], [0.5, 0.5, 1.0]]
COLOURS_Y = [[1, 0], [0, 1], [0, 1]]


def test_names_are_learned_in_first_seen_order():
    net = nncore.Network([3, 4, 2], seed=0)
    assert net.input_names is None and net.output_names is None
    net.fit(COLOURS, epochs=1)
    assert net.input_names == ("r", "g", "b")
    assert net.output_names == ("black", "white")


def test_named_data_trains_exactly_as_the_arrays():
    by_names = nncore.Network([3, 4, 2], seed=0)
    by_arrays = nncore.Network([3, 4, 2], seed=0)
    result = by_names.fit(COLOURS, epochs=50, seed=3)
    expected = by_arrays.fit(COLOURS_X, COLOURS_Y, epochs=50, seed=3)
    np.testing.assert_array_equal(result.errors, expected.errors)
    for ours, theirs in zip(by_names.weights, by_arrays.weights):
        np.testing.assert_array_equal(ours, theirs)


def test_sequence_samples_and_mixed_sides():
    xor = [([0, 0], [0]), ([0, 1], [1]), ([1, 0], [1]), ([1, 1], [0])]
    samples = [{"input": x, "output": y} for x, y in xor]
    a, b = nncore.Network([2, 3, 1], seed=1), nncore.Network([2, 3, 1], seed=1)
    a.fit(samples, epochs=20, seed=0)
    b.fit([x for x, _ in xor], [y for _, y in xor], epochs=20, seed=0)
    assert a.to_dict() == b.to_dict()
    assert a.input_names is None and a.output_names is None

    mixed = [{"input": x, "output": {"one": y[0], "zero": 1 - y[0]}} for x, y in xor]
    net = nncore.Network([2, 3, 2], seed=1)
    net.fit(mixed, epochs=1)
    assert net.input_names is None and net.output_names == ("one", "zero")


def test_later_named_data_is_read_through_the_remembered_names():
    net = nncore.Network([3, 4, 2], seed=0)
    net.fit(COLOURS, epochs=1, seed=0)
    # keys in another order, and "g" left out: still columns r, g, b
    reordered = [{"input": {"b": 1.0, "r": 0.25}, "output": {"white": 1, "black": 0}}]
    twin = copy.deepcopy(net)
    net.fit(reordered, epochs=1, seed=0)
    twin.fit([[0.25, 0.0, 1.0]], [[0, 1]], epochs=1, seed=0)
    assert net.to_dict() == twin.to_dict()


def test_unknown_name_is_rejected_and_the_network_left_unchanged():
    net = nncore.Network([3, 4, 2], seed=0)
    net.fit(COLOURS, epochs=1)
    before = net.to_dict()
    with pytest.raises(ValueError, match=r"'alpha'.*not one of the network's input names"):
        net.fit([{"input": {"r": 1, "alpha": 0.5}, "output": {"black": 1}}], epochs=1)
    assert net.to_dict() == before


def test_names_are_forgotten_when_fit_rejects_its_other_arguments():
    net = nncore.Network([3, 4, 2], seed=0)
    with pytest.raises(ValueError, match="epochs"):
        net.fit(COLOURS, epochs=-1)
    assert net.input_names is None and net.output_names is None
    assert net.iterations == 0


def test_names_survive_every_round_trip():
    net = nncore.Network([3, 4, 2], seed=0)
    net.fit(COLOURS, epochs=1)
    data = net.to_dict()
    assert data["input_names"] == ["r", "g", "b"] and data["output_names"] == ["black", "white"]
    for loaded in (
        nncore.Network.from_dict(data),
        nncore.Network.from_json(net.to_json()),
        pickle.loads(pickle.dumps(net)),
        copy.deepcopy(net),
    ):
        assert loaded.input_names == ("r", "g", "b")
        assert loaded.output_names == ("black", "white")
        assert loaded.likely({"r": 0.03, "g": 0.7}) == net.likely({"r": 0.03, "g": 0.7})


def test_dicts_without_names_still_load():
    data = nncore.Network([3, 4, 2], seed=0).to_dict()
    assert "input_names" not in data and "output_names" not in data
    loaded = nncore.Network.from_dict(data)
    assert loaded.input_names is None and loaded.output_names is None


@pytest.mark.parametrize(
    ("names", "field"),
    [
        (["r", "g"], "input_names"),
        (["r", "g", "r"], "input_names"),
        ("rgb", "input_names"),
        ([1, 2, 3], "input_names"),
    ],
)
def test_from_dict_checks_the_names(names, field):
    data = nncore.Network([3, 4, 2], seed=0).to_dict()
    data["input_names"] = names
    with pytest.raises(ValueError, match=field):
        nncore.Network.from_dict(data)


def test_likely_returns_the_strongest_name_or_index():
    net = nncore.Network([2, 3], seed=0)
    data = net.to_dict()
    data["layers"][0].update(weights=[[5.0, 0.0], [0.0, 5.0], [0.0, 0.0]], biases=[0.0, 0.0, 0.0])
    net = nncore.Network.from_dict(data)
    assert net.likely([1, 0]) == 0
    assert net.likely([0, 1]) == 1
    assert net.likely([-1, -1]) == 2
    assert net.likely([0, 0]) == 0  # equal outputs: the first, as brain.js
    net.input_names, net.output_names = ["x", "y"], ["first", "second", "third"]
    assert net.likely({"y": 1}) == "second"
    assert net.likely({"x": -1, "y": -1}) == "third"
    assert net.likely([1, 0]) == "first"
    with pytest.raises(ValueError, match="one sample"):
        net.likely([[1, 0], [0, 1]])


def test_predict_takes_a_dict_of_named_inputs():
    net = nncore.Network([3, 4, 2], seed=0)
    net.fit(COLOURS, epochs=1)
    np.testing.assert_array_equal(net.predict({"b": 0.5, "r": 0.16}), net.predict([0.16, 0.0, 0.5]))
    without_names = nncore.Network([3, 4, 2], seed=0)
    with pytest.raises(ValueError, match="no input names"):
        without_names.predict({"r": 1})


def test_setting_names_is_checked():
    net = nncore.Network([2, 1], seed=0)
    net.input_names = ("a", "b")
    assert net.input_names == ("a", "b")
    with pytest.raises(ValueError, match="2 names"):
        net.input_names = ["a"]
    with pytest.raises(ValueError, match="distinct"):
        net.input_names = ["a", "a"]
    with pytest.raises(TypeError, match="string"):
        net.output_names = [1]
    with pytest.raises(TypeError, match="sequence of strings"):
        net.output_names = "a"
    assert net.input_names == ("a", "b") and net.output_names is None
    net.input_names = None
    assert net.input_names is None


@pytest.mark.parametrize(
    ("data", "error", "match"),
    [
        ([{"input": {"r": 1}}], ValueError, "no 'output'"),
        ([{"output": [1]}], ValueError, "no 'input'"),
        ([{"input": [0, 1], "output": [1]}, {"input": {"a": 1}, "output": [1]}], TypeError, r"data\[1\]\['input'\]"),
        ([{"input": {"a": 1, "b": 2}, "output": [1]}, [0, 1]], TypeError, r"data\[1\]"),
        ([{"input": {"a": 1, 2: 0}, "output": [1]}], TypeError, "not a string"),
        ([{"input": {"a": True, "b": 0}, "output": [1]}], TypeError, "real number"),
        ([{"input": {"a": float("nan"), "b": 0}, "output": [1]}], ValueError, "finite"),
        ([{"input": {"a": 1}, "output": [1]}], ValueError, "names 1 inputs"),
        ([{"input": {"a": 1, "b": 1, "c": 1}, "output": [1]}], ValueError, "names 3 inputs"),
        ([{"input": [0, 1, 2], "output": [1]}], ValueError, "2 values"),
        ([{"input": [0, 1], "output": [1, 0]}], ValueError, "1 values"),
    ],
)
def test_bad_samples_are_named_and_change_nothing(data, error, match):
    net = nncore.Network([2, 3, 1], seed=0)
    before = net.to_dict()
    with pytest.raises(error, match=match):
        net.fit(data, epochs=1)
    assert net.to_dict() == before
    assert net.input_names is None and net.output_names is None


def test_y_is_needed_with_arrays_and_refused_with_samples():
    net = nncore.Network([2, 1], seed=0)
    with pytest.raises(TypeError, match="Y"):
        net.fit([[0, 1]], epochs=1)
    with pytest.raises(ValueError, match="at least one sample"):
        net.fit([], epochs=1)
    with pytest.raises(TypeError, match="leave Y out"):
        net.fit([{"input": [0, 1], "output": [1]}], [[1]], epochs=1)


def test_a_named_value_too_large_for_a_float_is_refused():
    net = nncore.Network([2, 2, 1], seed=0)
    before = net.to_dict()
    with pytest.raises(ValueError, match="finite"):
        net.fit([{"input": {"a": 10**400, "b": 0}, "output": [1]}], epochs=1)
    assert net.to_dict() == before
