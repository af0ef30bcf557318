"""brain.js habits: sizes inferred at the first fit, brain.js 1.x files both ways, brain.js's error measure.

The tests that run brain.js 1.6.1 (``npm install brain.js``, whose "latest" it is) in Node
are marked ``needs_network``, as in ``test_brainjs.py``.
"""

import copy
import json
import pickle

import numpy as np
import pytest
from test_brainjs import BRAINJS_1, FLOAT32_TOLERANCE, install, smooth_data
from test_brainjs_format import BRAINJS_1_SAMPLE

import nncore


@pytest.fixture(scope="module")
def brainjs1(tmp_path_factory, node_and_npm):
    return install(tmp_path_factory, node_and_npm, BRAINJS_1)


# ---------------------------------------------------------------- to_brainjs(version=1)


def named_network(**settings):
    net = nncore.Network([3, 4, 2], seed=3, **settings)
    net.input_names = ["red", "green", "blue"]
    net.output_names = ["light", "dark"]
    return net


def test_version_1_has_brainjs_1_layout():
    net = nncore.Network([2, 3, 1], seed=0, learning_rate=0.2, momentum=0.05)
    obj = net.to_brainjs(version=1)
    assert set(obj) == {"sizes", "layers", "outputLookup", "inputLookup", "activation", "leakyReluAlpha", "trainOpts"}
    assert obj["sizes"] == [2, 3, 1] and obj["layers"][0] == {"0": {}, "1": {}}
    assert obj["layers"][2]["0"]["weights"] == {str(k): w for k, w in enumerate(net.weights[1][0].tolist())}
    assert obj["layers"][1]["2"]["bias"] == net.biases[0][2]
    assert (obj["inputLookup"], obj["outputLookup"], obj["activation"]) == (False, False, "sigmoid")
    assert obj["trainOpts"]["learningRate"] == 0.2 and obj["trainOpts"]["momentum"] == 0.05
    assert "activation" not in obj["trainOpts"] and obj["trainOpts"]["log"] is False
    back = nncore.Network.from_brainjs(json.loads(json.dumps(obj)))
    assert back.to_dict()["layers"] == nncore.Network.from_brainjs(net.to_brainjs()).to_dict()["layers"]


def test_version_1_keys_named_inputs_and_outputs_and_reads_back():
    net = named_network(activation="tanh")
    obj = net.to_brainjs(version=1)
    assert list(obj["layers"][0]) == ["red", "green", "blue"] and list(obj["layers"][2]) == ["light", "dark"]
    assert obj["inputLookup"] is True and obj["outputLookup"] is True
    assert obj["layers"][1]["3"]["weights"]["blue"] == net.weights[0][3, 2]
    back = nncore.Network.from_brainjs(json.dumps(obj))
    assert back.input_names == net.input_names and back.output_names == net.output_names
    for ours, theirs in zip(back.weights + back.biases, net.weights + net.biases):
        np.testing.assert_array_equal(ours, theirs)


def test_version_1_refuses_leaky_relu_which_brainjs_1_computes_otherwise():
    # brain.js 1.6.1's _runInputLeakyRelu: `sum < 0 ? 0 : alpha * sum`
    with pytest.raises(ValueError, match=r"leaky-relu is not leaky ReLU.*version=2"):
        nncore.Network([2, 1], activation="leaky_relu").to_brainjs(version=1)


@pytest.mark.parametrize("version", [0, 3, "1", True])
def test_other_versions_are_refused(version):
    with pytest.raises(ValueError, match=r"version must be 2 .* or 1"):
        nncore.Network([2, 1]).to_brainjs(version=version)


def test_version_1_refuses_names_javascript_would_reorder():
    net = nncore.Network([2, 1])
    net.input_names = ["x", "7"]
    with pytest.raises(ValueError, match=r"input name '7' would move"):
        net.to_brainjs(version=1)
    assert "inputLookup" in net.to_brainjs()  # version 2 keeps names in a lookup: no order to lose


@pytest.mark.needs_network
@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"activation": "sigmoid"}, False),
        ({"activation": "tanh", "learning_rate": 0.1}, True),
        ({"activation": "relu"}, False),
        ({"activation": "relu"}, True),
        ({"optimizer": "adam"}, False),
    ],
)
def test_version_1_runs_in_brainjs_1(brainjs1, settings, named):
    net = named_network(**settings) if named else nncore.Network([3, 4, 2], seed=3, **settings)
    X = np.random.default_rng(1).uniform(-1, 1, (8, 3))
    inputs = [dict(zip(net.input_names, x)) for x in X.tolist()] if named else X.tolist()
    reply = brainjs1.call(action="run", network=net.to_brainjs(version=1), inputs=inputs)
    outputs = [[row[name] for name in net.output_names] for row in reply["outputs"]] if named else reply["outputs"]
    np.testing.assert_allclose(outputs, net.predict(X), **FLOAT32_TOLERANCE)


# ---------------------------------------------------------------- brain.js 1.x files with named inputs and outputs


def test_brainjs_1_named_inputs_and_outputs_become_names():
    sample = copy.deepcopy(BRAINJS_1_SAMPLE)
    sample["layers"][0] = {"red": {}, "green": {}}
    for node in sample["layers"][1].values():
        node["weights"] = {"green": node["weights"]["1"], "red": node["weights"]["0"]}  # any order: by name
    sample["layers"][2] = {"light": sample["layers"][2]["0"]}
    sample.update(inputLookup=True, outputLookup=True)
    net = nncore.Network.from_brainjs(sample)
    plain = nncore.Network.from_brainjs(copy.deepcopy(BRAINJS_1_SAMPLE))
    assert net.input_names == ("red", "green") and net.output_names == ("light",)
    for ours, theirs in zip(net.weights + net.biases, plain.weights + plain.biases):
        np.testing.assert_array_equal(ours, theirs)
    assert net.run({"red": 0.3, "green": -1.0}) == {"light": plain.predict([0.3, -1.0])[0]}


def test_brainjs_1_names_in_javascripts_key_order():
    sample = copy.deepcopy(BRAINJS_1_SAMPLE)
    sample["layers"][0] = {"b": {}, "5": {}}  # JavaScript lists "5" first, and so does brain.js's lookup
    for node in sample["layers"][1].values():
        node["weights"] = {"5": node["weights"]["0"], "b": node["weights"]["1"]}
    net = nncore.Network.from_brainjs(sample)
    assert net.input_names == ("5", "b")
    np.testing.assert_array_equal(net.weights[0], nncore.Network.from_brainjs(BRAINJS_1_SAMPLE).weights[0])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(inputLookup="yes"), r"field 'inputLookup' must be true or false"),
        (
            lambda d: (d["layers"].__setitem__(0, {"r": {}, "g": {}}), d.update(inputLookup=True)),
            r"weights.*\"r\", \"g\"",
        ),
    ],
)
def test_brainjs_1_bad_names_name_the_field(change, message):
    sample = copy.deepcopy(BRAINJS_1_SAMPLE)
    change(sample)
    with pytest.raises(ValueError, match=message):
        nncore.Network.from_brainjs(sample)


@pytest.mark.needs_network
def test_brainjs_1_trained_on_named_data_loads_with_its_names(brainjs1):
    X, Y = smooth_data(3, 2)
    inputs = [dict(zip(("r", "g", "b"), x)) for x in X.tolist()]
    data = [{"input": x, "output": dict(zip(("warm", "cold"), y))} for x, y in zip(inputs, Y.tolist())]
    reply = brainjs1.call(
        action="train", options={"hiddenLayers": [4]}, data=data, trainOpts={"iterations": 200}, inputs=inputs, seed=1
    )
    assert reply["json"]["inputLookup"] is True and reply["json"]["outputLookup"] is True
    net = nncore.Network.from_brainjs(reply["json"])
    assert net.input_names == ("r", "g", "b") and net.output_names == ("warm", "cold")
    outputs = [[row[name] for name in net.output_names] for row in reply["outputs"]]
    np.testing.assert_allclose(net.predict(X), outputs, **FLOAT32_TOLERANCE)


# ---------------------------------------------------------------- Network(hidden_layers=[3]): sizes from the first fit

XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [0, 1, 1, 0]


def test_hidden_layers_take_the_sizes_of_the_first_fit():
    net = nncore.Network(hidden_layers=[3], seed=5, learning_rate=0.5)
    result = net.fit(XOR_X, XOR_Y, epochs=50, seed=1)
    sized = nncore.Network([2, 3, 1], seed=5, learning_rate=0.5)
    assert sized.fit(XOR_X, XOR_Y, epochs=50, seed=1).errors.tolist() == result.errors.tolist()
    assert net.sizes == (2, 3, 1) and net.to_dict() == sized.to_dict()


def test_hidden_layers_take_named_data_as_brainjs_does():
    data = [
        {"input": {"r": 0.1, "g": 0.9}, "output": {"dark": 1}},
        {"input": {"b": 0.7}, "output": {"light": 1}},
    ]
    net = nncore.Network(hidden_layers=[4, 2], seed=1, activation="tanh")
    net.fit(data, epochs=3, seed=0)
    assert net.sizes == (3, 4, 2, 2) and net.input_names == ("r", "g", "b") and net.output_names == ("dark", "light")
    sized = nncore.Network([3, 4, 2, 2], seed=1, activation="tanh")
    sized.fit(data, epochs=3, seed=0)
    assert net.to_dict() == sized.to_dict()


@pytest.mark.parametrize(("n_inputs", "hidden"), [(2, 3), (7, 3), (8, 4), (13, 6)])
def test_without_sizes_brainjs_hidden_layer_rule(n_inputs, hidden):
    # brain.js's verifyIsInitialized: hiddenLayers default [max(3, floor(inputSize / 2))]
    X = np.random.default_rng(0).uniform(size=(5, n_inputs))
    net = nncore.Network(seed=2)
    net.fit(X, np.ones((5, 2)) / 2, epochs=1)
    assert net.sizes == (n_inputs, hidden, 2)


def test_hidden_layers_keep_the_other_arguments_such_as_input_scaling():
    X = np.random.default_rng(0).normal(50, 10, (20, 4))
    Y = (X[:, :1] > 50).astype(float)
    net = nncore.Network(hidden_layers=[3], input_scaling="standard", optimizer="adam", seed=1)
    net.fit(X, Y, epochs=5, seed=0)
    sized = nncore.Network([4, 3, 1], input_scaling="standard", optimizer="adam", seed=1)
    sized.fit(X, Y, epochs=5, seed=0)
    assert net.to_dict() == sized.to_dict() and net.input_scaling == "standard"


def test_train_takes_the_sizes_of_its_sample():
    net, sized = nncore.Network(hidden_layers=[4], seed=2), nncore.Network([3, 4, 2], seed=2)
    assert net.train([0.1, 0.2, 0.3], [0.5, 0.25]) == sized.train([0.1, 0.2, 0.3], [0.5, 0.25])
    assert net.to_dict() == sized.to_dict()


NEEDS_SIZES = {
    "predict": lambda net: net.predict([[0, 1]]),
    "activate": lambda net: net.activate([0, 1]),
    "run": lambda net: net.run([0, 1]),
    "evaluate": lambda net: net.evaluate(XOR_X, XOR_Y),
    "sizes": lambda net: net.sizes,
    "weights": lambda net: net.weights,
    "layers": lambda net: net.layers,
    "learning_rate": lambda net: net.learning_rate,
    "momentum": lambda net: net.momentum,
    "leaky_relu_alpha": lambda net: net.leaky_relu_alpha,
    "beta1": lambda net: net.beta1,
    "to_dict": lambda net: net.to_dict(),
    "to_brainjs": lambda net: net.to_brainjs(),
    "to_c": lambda net: net.to_c(),
    "save": lambda net: net.save("unused.json"),
    "input_names": lambda net: setattr(net, "input_names", ["a", "b"]),
    "train with named input": lambda net: net.train({"a": 1.0}, [1.0]),
}


@pytest.mark.parametrize("use", sorted(NEEDS_SIZES))
def test_before_the_first_fit_what_needs_sizes_says_so(use):
    net = nncore.Network(hidden_layers=[3])
    with pytest.raises(RuntimeError, match=r"sizes are not known until its first fit: fit\(X, Y\)"):
        NEEDS_SIZES[use](net)
    assert "sizes not known until the first fit" in repr(net)


def test_sizes_and_hidden_layers_together_are_refused():
    with pytest.raises(ValueError, match=r"give sizes .* or hidden_layers .*, not both"):
        nncore.Network([2, 3, 1], hidden_layers=[3])


@pytest.mark.parametrize(
    ("hidden", "error", "message"),
    [
        (3, TypeError, r"hidden_layers must be a sequence"),
        ("3", TypeError, r"hidden_layers must be a sequence"),
        ([3, 0], ValueError, r"hidden_layers\[1\] must be at least 1 neuron"),
        ([2.5], TypeError, r"hidden_layers\[0\] must be an integer"),
    ],
)
def test_bad_hidden_layers_are_refused(hidden, error, message):
    with pytest.raises(error, match=message):
        nncore.Network(hidden_layers=hidden)


def test_activation_per_layer_counts_the_hidden_layers():
    nncore.Network(hidden_layers=[3, 2], activation=["tanh", "tanh", "sigmoid"])
    with pytest.raises(ValueError, match="activation"):
        nncore.Network(hidden_layers=[3], activation=["tanh", "tanh", "sigmoid"])


def test_a_failing_first_fit_leaves_the_sizes_unknown():
    net = nncore.Network(hidden_layers=[3], seed=4)
    with pytest.raises(ValueError, match="same number of rows"):
        net.fit(XOR_X, XOR_Y[:3], epochs=1)
    with pytest.raises(ValueError, match="Y must have 1 columns"):
        net.fit(XOR_X, XOR_Y, epochs=1, validation_data=(XOR_X, [[0, 1]] * 4))
    with pytest.raises(ValueError, match="target"):
        net.train([0.0, 1.0], [float("nan")])
    assert "sizes not known until the first fit" in repr(net)
    net.fit(XOR_X, XOR_Y, epochs=2, seed=0)
    sized = nncore.Network([2, 3, 1], seed=4)
    sized.fit(XOR_X, XOR_Y, epochs=2, seed=0)
    assert net.to_dict() == sized.to_dict()


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy, lambda net: pickle.loads(pickle.dumps(net))])
def test_copies_before_the_first_fit_start_alike(duplicate):
    net = nncore.Network(hidden_layers=[5], optimizer="adam", learning_rate=0.01)  # no seed: drawn once
    twin = duplicate(net)
    assert repr(twin) == repr(net)
    for each in (net, twin):
        each.fit(XOR_X, XOR_Y, epochs=3, seed=0)
    assert twin.to_dict() == net.to_dict() and twin.optimizer == "adam"


# ---------------------------------------------------------------- error_measure="brainjs": where brain.js stops


def brainjs_epoch_errors(net, X, Y, epochs):
    """brain.js's training error of each epoch (calculateTrainingError): per sample, in order, the mean of
    (t - o)**2 over the outputs before the update; then the mean over the samples. On a copy of ``net``."""
    replay = copy.deepcopy(net)
    errors = []
    for _ in range(epochs):
        per_sample = []
        for x, t in zip(X, Y):
            per_sample.append(np.mean((np.asarray(t) - replay.predict(x)) ** 2))
            replay.train(x, t)
        errors.append(np.mean(per_sample))
    return np.array(errors)


def first_true(flags):
    """The 1-based epoch of the first true flag."""
    assert flags.any()
    return 1 + int(np.argmax(flags))


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_brainjs_error_measure_stops_where_brainjs_would(n_outputs):
    X, Y = smooth_data(2, n_outputs)
    net = nncore.Network([2, 4, n_outputs], seed=3, learning_rate=0.5)
    errors = brainjs_epoch_errors(net, X, Y, 400)
    threshold = float(np.sqrt(errors[150] * errors[151]))  # between two epochs' errors
    stops = {
        "brainjs": first_true(errors <= threshold),  # brain.js: status.error <= errorThresh
        "half_sse": first_true(errors * n_outputs / 2 < threshold),  # the mean of 0.5 * sum((t - o)**2)
    }
    assert stops["brainjs"] != stops["half_sse"]  # the test tells the measures apart
    for measure, epochs in stops.items():
        trained = copy.deepcopy(net)
        result = trained.fit(X, Y, order="sequential", error_threshold=threshold, error_measure=measure)
        assert (result.stop_reason, result.epochs) == ("error_threshold", epochs), measure


def test_error_measure_is_checked():
    net = nncore.Network([2, 2], activation="softmax", loss="cross_entropy")
    with pytest.raises(ValueError, match=r"error_measure='brainjs' is brain\.js's mean squared error.*'cross_entropy'"):
        net.fit(XOR_X, [[1, 0], [0, 1], [0, 1], [1, 0]], error_measure="brainjs", epochs=1)
    assert net.iterations == 0
    with pytest.raises(ValueError, match=r"error_measure must be one of \['half_sse', 'brainjs'\], got 'mse'"):
        nncore.Network([2, 1]).fit(XOR_X, XOR_Y, error_measure="mse")


def test_brainjs_error_thresh_hint_says_how_the_errors_differ():
    with pytest.raises(TypeError, match=r"'errorThresh'") as error:
        nncore.Network([2, 1]).fit(XOR_X, XOR_Y, errorThresh=0.01)
    assert 'error_measure="brainjs"' in str(error.value) and "0.5 * sum((t - o)**2)" in str(error.value)


@pytest.mark.needs_network
def test_brainjs_stops_at_the_same_epoch(brainjs1):
    """brain.js 1.6.1 trains the same network and stops after as many passes as fit with error_measure='brainjs'."""
    X, Y = smooth_data(2, 2, n=8)
    X, Y = X.astype(np.float32).astype(float), Y.astype(np.float32).astype(float)  # brain.js's Float32Array data
    # both start from the float32 weights brain.js holds
    held = nncore.Network.from_brainjs(nncore.Network([2, 3, 2], seed=6).to_brainjs(version=1), dtype="float32")
    start = nncore.Network.from_brainjs(held.to_brainjs(version=1))
    errors = brainjs_epoch_errors(start, X, Y, 300)
    # a threshold far from every epoch's error but the ones it falls between, so float32 rounding cannot move the stop
    gaps = np.abs(np.diff(np.log(errors)))
    epoch = 100 + int(np.argmax(gaps[100:250]))
    threshold = float(np.sqrt(errors[epoch] * errors[epoch + 1]))
    ours = copy.deepcopy(start)
    result = ours.fit(X, Y, order="sequential", error_threshold=threshold, error_measure="brainjs")
    reply = brainjs1.call(
        action="continue",
        network=start.to_brainjs(version=1),
        data=[{"input": x, "output": y} for x, y in zip(X.tolist(), Y.tolist())],
        trainOpts={"errorThresh": threshold},
    )
    expected = first_true(errors <= threshold)
    assert result.stop_reason == "error_threshold"
    assert reply["status"]["iterations"] == result.epochs == expected
    assert reply["status"]["error"] == pytest.approx(errors[expected - 1], rel=1e-4)
