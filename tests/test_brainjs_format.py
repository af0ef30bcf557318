"""brain.js and tutorial formats without Node: conversions, samples and strict checks."""

import copy
import json
import re

import numpy as np
import pytest

import nncore
from nncore import _brainjs, _brainjs2, reference


def forward(weights, biases, x, activation="sigmoid", alpha=0.01):
    """The outputs of a layered network computed with numpy, independently of nncore."""
    functions = {
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "tanh": np.tanh,
        "relu": lambda z: np.where(z > 0, z, 0.0),
        "leaky_relu": lambda z: np.where(z > 0, z, alpha * z),
    }
    out = np.asarray(x, dtype=float)
    for w, b in zip(weights, biases):
        out = functions[activation](np.asarray(w) @ out + np.asarray(b))
    return out


# ---------------------------------------------------------------- nncore -> brain.js 2 -> nncore


@pytest.mark.parametrize("sizes", [[2, 3, 1], [4, 1], [3, 5, 4, 2]])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_round_trip_keeps_weights_and_settings(sizes, activation):
    net = nncore.Network(sizes, activation=activation, learning_rate=0.2, momentum=0.4, leaky_relu_alpha=0.05, seed=3)
    rng = np.random.default_rng(0)
    net.fit(rng.random((6, sizes[0])), rng.random((6, sizes[-1])), epochs=2, seed=0)
    obj = net.to_brainjs()
    loaded = nncore.Network.from_brainjs(json.loads(json.dumps(obj)))
    assert loaded.sizes == net.sizes
    assert loaded.activations == net.activations
    assert (loaded.learning_rate, loaded.momentum) == (0.2, 0.4)
    if activation == "leaky_relu":
        assert loaded.leaky_relu_alpha == 0.05
    for ours, theirs in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        np.testing.assert_array_equal(ours, theirs)  # float64 is kept exactly
    X = rng.normal(size=(5, sizes[0]))
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    # brain.js keeps neither the momentum buffer nor a step count
    assert loaded.iterations == 0 and net.iterations == 12
    assert all(np.all(c == 0) for c in loaded.changes)


def test_export_has_brainjs_2_layout():
    net = nncore.Network(
        [3, 4, 2], activation="leaky_relu", leaky_relu_alpha=0.02, learning_rate=0.1, momentum=0.5, seed=0
    )
    obj = net.to_brainjs()
    assert list(obj) == [
        "type",
        "sizes",
        "layers",
        "inputLookup",
        "inputLookupLength",
        "outputLookup",
        "outputLookupLength",
        "options",
        "trainOpts",
    ]
    assert obj["type"] == "NeuralNetwork" and obj["sizes"] == [3, 4, 2]
    assert obj["layers"][0] == {"weights": [], "biases": []}
    assert np.shape(obj["layers"][1]["weights"]) == (4, 3) and np.shape(obj["layers"][2]["biases"]) == (2,)
    np.testing.assert_array_equal(obj["layers"][2]["weights"], net.weights[1])
    assert obj["options"] == {"inputSize": 3, "outputSize": 2, "binaryThresh": 0.5, "hiddenLayers": [4]}
    opts = obj["trainOpts"]
    assert (opts["activation"], opts["leakyReluAlpha"], opts["learningRate"], opts["momentum"]) == (
        "leaky-relu",
        0.02,
        0.1,
        0.5,
    )
    assert set(opts) == {"activation", *_brainjs.BRAINJS_TRAIN_DEFAULTS}
    assert json.loads(json.dumps(obj)) == obj


@pytest.mark.parametrize(
    ("name", "brainjs_name"), [("sigmoid", "sigmoid"), ("tanh", "tanh"), ("relu", "relu"), ("leaky_relu", "leaky-relu")]
)
def test_activation_names(name, brainjs_name):
    assert nncore.Network([2, 1], activation=name).to_brainjs()["trainOpts"]["activation"] == brainjs_name


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (dict(activation=["relu", "sigmoid"]), "one activation"),
        (dict(momentum=0.0), "momentum"),
        (dict(learning_rate=1.0), "learningRate"),
        (dict(activation="leaky_relu", leaky_relu_alpha=1.5), "leakyReluAlpha"),
    ],
)
def test_export_refuses_what_brainjs_cannot_load(settings, field):
    net = nncore.Network([2, 3, 1], **settings)
    with pytest.raises(ValueError, match=field):
        net.to_brainjs()


def test_unused_alpha_out_of_brainjs_range_is_replaced_by_its_default():
    net = nncore.Network([2, 1], activation="tanh", leaky_relu_alpha=2.0)
    assert net.to_brainjs()["trainOpts"]["leakyReluAlpha"] == 0.01


def test_json_text_is_accepted():
    net = nncore.Network([2, 2, 1], seed=1)
    loaded = nncore.Network.from_brainjs(json.dumps(net.to_brainjs()))
    np.testing.assert_array_equal(loaded.weights[0], net.weights[0])


def test_missing_train_opts_mean_brainjs_defaults():
    obj = nncore.Network([2, 2, 1], learning_rate=0.5, seed=1).to_brainjs()
    del obj["trainOpts"], obj["type"]
    loaded = nncore.Network.from_brainjs(obj)
    assert (loaded.activations, loaded.learning_rate, loaded.momentum) == (("sigmoid", "sigmoid"), 0.3, 0.1)


def test_module_functions_match_the_methods():
    net = nncore.Network([2, 2, 1], seed=2)
    assert _brainjs2.brainjs_from_dict(net.to_dict()) == net.to_brainjs()
    assert (
        nncore.Network.from_dict(_brainjs2.dict_from_brainjs(net.to_brainjs())).to_dict()
        == nncore.Network.from_brainjs(net.to_brainjs()).to_dict()
    )


# What brain.js 2.0.0-beta.24's toJSON() wrote for a [2, 3, 1] network after 100 training passes.
BRAINJS_2_SAMPLE = json.loads("""{"type":"NeuralNetwork","sizes":[2,3,1],"layers":[{"weights":[],"biases":[]},
{"weights":[[-0.18472346663475037,-0.11644168198108673],[-0.20341579616069794,-0.20346125960350037],
[0.025378044694662094,-0.1741010844707489]],"biases":[-0.18714916706085205,-0.16773779690265656,-0.21536971628665924]},
{"weights":[[-0.10647406429052353,0.09810291975736618,0.06282491981983185]],"biases":[-0.02015751227736473]}],
"inputLookup":null,"inputLookupLength":0,"outputLookup":null,"outputLookupLength":0,
"options":{"inputSize":0,"outputSize":0,"binaryThresh":0.5,"hiddenLayers":[3]},
"trainOpts":{"activation":"sigmoid","iterations":100,"errorThresh":0.005,"log":false,"logPeriod":10,
"leakyReluAlpha":0.01,"learningRate":0.3,"momentum":0.1,"callbackPeriod":10,"timeout":"Infinity",
"beta1":0.9,"beta2":0.999,"epsilon":1e-8}}""")


def test_brainjs_2_sample_loads():
    net = nncore.Network.from_brainjs(copy.deepcopy(BRAINJS_2_SAMPLE))
    layers = BRAINJS_2_SAMPLE["layers"][1:]
    assert net.sizes == (2, 3, 1) and net.activations == ("sigmoid", "sigmoid")
    assert (net.learning_rate, net.momentum, net.iterations) == (0.3, 0.1, 0)
    for ours, layer in zip(net.weights, layers):
        np.testing.assert_array_equal(ours, layer["weights"])
    X = np.random.default_rng(0).normal(size=(4, 2))
    expected = [forward([l["weights"] for l in layers], [l["biases"] for l in layers], x) for x in X]
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-14)
    # an export of the loaded network gives the sample back, but for what nncore knows better
    exported = net.to_brainjs()
    assert exported["layers"] == BRAINJS_2_SAMPLE["layers"]
    assert exported["trainOpts"] == dict(BRAINJS_2_SAMPLE["trainOpts"], iterations=20000)


# ---------------------------------------------------------------- brain.js 1.x


# What brain.js 1.6.1's toJSON() wrote for a [2, 3, 1] network after 100 training passes.
BRAINJS_1_SAMPLE = {
    "sizes": [2, 3, 1],
    "layers": [
        {"0": {}, "1": {}},
        {
            "0": {"bias": 0.08748985826969147, "weights": {"0": -0.20265156030654907, "1": 0.11539851874113083}},
            "1": {"bias": -0.025611354038119316, "weights": {"0": -0.07852664589881897, "1": -0.2277703732252121}},
            "2": {"bias": 0.14198510348796844, "weights": {"0": -0.11068221181631088, "1": 0.07089664041996002}},
        },
        {
            "0": {
                "bias": 0.04900820925831795,
                "weights": {"0": -0.06960155069828033, "1": -0.04425254091620445, "2": 0.018890760838985443},
            }
        },
    ],
    "outputLookup": False,
    "inputLookup": False,
    "activation": "sigmoid",
    "trainOpts": {
        "iterations": 100,
        "errorThresh": 0.005,
        "log": False,
        "logPeriod": 10,
        "learningRate": 0.3,
        "momentum": 0.1,
        "callbackPeriod": 10,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
    },
}


def sample_1x_parameters(sample):
    weights, biases = [], []
    for layer, previous in zip(sample["layers"][1:], sample["layers"]):
        weights.append(
            [[layer[j]["weights"][k] for k in map(str, range(len(previous)))] for j in map(str, range(len(layer)))]
        )
        biases.append([layer[j]["bias"] for j in map(str, range(len(layer)))])
    return weights, biases


def test_brainjs_1_sample_loads():
    net = nncore.Network.from_brainjs(copy.deepcopy(BRAINJS_1_SAMPLE))
    weights, biases = sample_1x_parameters(BRAINJS_1_SAMPLE)
    assert net.sizes == (2, 3, 1) and net.activations == ("sigmoid", "sigmoid")
    assert net.weights[0][2, 1] == 0.07089664041996002 and net.biases[1][0] == 0.04900820925831795
    for ours, theirs in zip(net.weights + net.biases, weights + biases):
        np.testing.assert_array_equal(ours, theirs)
    X = np.random.default_rng(0).normal(size=(4, 2))
    np.testing.assert_allclose(net.predict(X)[:, 0], [forward(weights, biases, x)[0] for x in X], rtol=1e-14)


def test_brainjs_1_keys_in_any_order_and_top_level_options():
    sample = copy.deepcopy(BRAINJS_1_SAMPLE)
    layer = sample["layers"][1]
    sample["layers"][1] = {key: layer[key] for key in ("2", "0", "1")}
    sample["layers"][1]["1"]["weights"] = {"1": -0.2277703732252121, "0": -0.07852664589881897}
    sample.update(activation="leaky-relu", leakyReluAlpha=0.2)
    del sample["sizes"], sample["trainOpts"]["momentum"]  # 1.x leaves out options that are 0 or false
    net = nncore.Network.from_brainjs(sample)
    weights, _ = sample_1x_parameters(BRAINJS_1_SAMPLE)
    np.testing.assert_array_equal(net.weights[0], weights[0])
    assert (net.activations[0], net.leaky_relu_alpha, net.momentum) == ("leaky_relu", 0.2, 0.1)


# ---------------------------------------------------------------- the tutorial


def tutorial_json(net):
    """The tutorial's Network.toJSON() for a reference network (neurons with ids, connections with ends)."""
    ids = {id(neuron): f"n{l}-{j}" for l, layer in enumerate(net.layers) for j, neuron in enumerate(layer.neurons)}

    def connection(c):
        return {"change": c.change, "weight": c.weight, "from": ids[id(c.source)], "to": ids[id(c.target)]}

    return {
        "learningRate": net.learning_rate,
        "iterations": net.iterations,
        "layers": [
            [
                {
                    "id": ids[id(n)],
                    "delta": n.delta,
                    "output": n.output,
                    "error": 0,
                    "bias": n.bias,
                    "inputConnections": [connection(c) for c in n.input_connections],
                    "outputConnections": [connection(c) for c in n.output_connections],
                }
                for n in layer.neurons
            ]
            for layer in net.layers
        ],
    }


def trained_reference(sizes=(2, 4, 3, 1), steps=50):
    ref = reference.Network.from_dict(nncore.Network(list(sizes), init="tutorial", seed=5).to_dict())
    rng = np.random.default_rng(1)
    for _ in range(steps):
        ref.train(rng.random(sizes[0]).tolist(), rng.random(sizes[-1]).tolist())
    return ref


def test_tutorial_json_loads_with_changes_and_step_count():
    ref = trained_reference()
    net = nncore.Network.from_tutorial_json(json.loads(json.dumps(tutorial_json(ref))))
    assert net.to_dict() == ref.to_dict()  # weights, biases, changes, rates, iterations: all exact
    assert net.iterations == 50 and net.momentum == 0.1
    # training goes on exactly as the tutorial's network would
    for x, t in [([0.2, 0.9], [1.0]), ([0.7, 0.1], [0.0])]:
        assert net.train(x, t) == ref.train(x, t)
    np.testing.assert_allclose(
        np.concatenate([w.ravel() for w in net.weights]),
        [c.weight for layer in ref.layers[1:] for n in layer.neurons for c in n.input_connections],
        rtol=0,
        atol=1e-15,
    )


def test_tutorial_json_as_the_text_shows_it():
    # The tutorial's text lists output, error, bias and the connections' change and weight.
    neuron = {"output": 0, "error": 0, "bias": 0, "inputConnections": []}
    sample = {
        "learningRate": 0.2,
        "iterations": 7,
        "layers": [
            [
                dict(neuron, outputConnections=[{"change": 0, "weight": 0.5}, {"change": 0.01, "weight": -1.5}]),
                dict(neuron, outputConnections=[{"change": 0, "weight": 2.0}, {"change": 0, "weight": 0.25}]),
            ],
            [
                dict(
                    neuron,
                    bias=-1,
                    inputConnections=[{"change": 0, "weight": 0.5}, {"change": 0, "weight": 2.0}],
                    outputConnections=[{"change": 0, "weight": 1.0}],
                ),
                dict(
                    neuron,
                    bias=2,
                    inputConnections=[{"change": 0.01, "weight": -1.5}, {"change": 0, "weight": 0.25}],
                    outputConnections=[{"change": 0, "weight": -3.0}],
                ),
            ],
            [
                dict(
                    neuron,
                    bias=0.5,
                    inputConnections=[{"change": 0, "weight": 1.0}, {"change": 0, "weight": -3.0}],
                    outputConnections=[],
                )
            ],
        ],
    }
    net = nncore.Network.from_tutorial_json(sample)
    weights, biases = [[[0.5, 2.0], [-1.5, 0.25]], [[1.0, -3.0]]], [[-1, 2], [0.5]]
    np.testing.assert_array_equal(net.weights[0], weights[0])
    np.testing.assert_array_equal(net.changes[0], [[0, 0], [0.01, 0]])
    assert (net.learning_rate, net.momentum, net.iterations) == (0.2, 0.1, 7)
    for x in ([0, 0], [1, 0], [0.3, -2]):
        np.testing.assert_allclose(net.predict(x), forward(weights, biases, x), rtol=1e-15)


# ---------------------------------------------------------------- bad input names the field


def brainjs_2_sample():
    return nncore.Network([2, 3, 1], seed=0).to_brainjs()


def broken(sample, change):
    data = sample()
    change(data)
    return data


BAD_BRAINJS = {
    "type": lambda d: d.update(type="RNN"),
    "'sizes'": lambda d: d.pop("sizes"),
    "sizes ": lambda d: d.update(sizes=[2, 0, 1]),
    "'layers'": lambda d: d.update(layers=d["layers"][1:]),
    "layers[0]": lambda d: d["layers"][0].update(biases=[1.0, 2.0]),
    "layers[1].weights": lambda d: d["layers"][1].update(weights=[[0.1, 0.2]] * 2),
    "layers[2].weights ": lambda d: d["layers"][2].update(weights=[[0.1, None, 0.3]]),
    "layers[2].biases": lambda d: d["layers"][2].update(biases=[True]),
    "layers[1].biases ": lambda d: d["layers"][1].update(biases=[0.0, 1e400, 0.0]),
    "'layers[1].biases'": lambda d: d["layers"][1].pop("biases"),
    "trainOpts.activation": lambda d: d["trainOpts"].update(activation="softmax"),
    "trainOpts.learningRate": lambda d: d["trainOpts"].update(learningRate=-0.1),
    "trainOpts.momentum": lambda d: d["trainOpts"].update(momentum="0.1"),
    "trainOpts ": lambda d: d.update(trainOpts=[]),
    "inputLookup": lambda d: d.update(inputLookup={"a": 0, "b": 5}),
    "outputLookup": lambda d: d.update(outputLookup={"yes": 0, "no": 1}),
}


BAD_BRAINJS_1 = {
    "'sizes'": lambda d: d.update(sizes=[2, 4, 1]),
    'layers[1]["2"]': lambda d: d["layers"][1].update({"2": [0.1, 0.2]}),
    'layers[1]["0"].bias': lambda d: d["layers"][1]["0"].update(bias="x"),
    """'layers[2]["0"].bias'""": lambda d: d["layers"][2]["0"].pop("bias"),
    'layers[2]["0"].weights': lambda d: d["layers"][2]["0"]["weights"].pop("2"),
    'layers[1]["1"].weights["0"]': lambda d: d["layers"][1]["1"]["weights"].update({"0": float("nan")}),
    "'activation'": lambda d: d.update(activation="softplus"),
    "outputLookup": lambda d: d.update(outputLookup="yes"),
    "leakyReluAlpha": lambda d: d.update(leakyReluAlpha=None),
    "layers[1] ": lambda d: d["layers"][1].update({"3": d["layers"][1].pop("2")}),
    "layers[0]": lambda d: d.update(layers=[[0, 1]] + d["layers"][1:]),
}


BAD_TUTORIAL = {
    "'layers'": lambda d: d.update(layers=d["layers"][:1]),
    "layers[1]": lambda d: d["layers"].__setitem__(1, {"neurons": []}),
    "layers[2][0]": lambda d: d["layers"][2].__setitem__(0, 3.0),
    "layers[0][1].inputConnections": lambda d: d["layers"][0][1]["inputConnections"].append({"weight": 1.0}),
    "layers[1][2].inputConnections": lambda d: d["layers"][1][2]["inputConnections"].pop(),
    "layers[1][0].bias": lambda d: d["layers"][1][0].update(bias=None),
    "'layers[2][0].bias'": lambda d: d["layers"][2][0].pop("bias"),
    "layers[1][3].inputConnections[1].weight": lambda d: d["layers"][1][3]["inputConnections"][1].update(weight="1"),
    "layers[2][0].inputConnections[0].change": lambda d: d["layers"][2][0]["inputConnections"][0].update(change=[]),
    "layers[1][1].inputConnections[0].from": lambda d: d["layers"][1][1]["inputConnections"][0].update(
        {"from": "n0-1"}
    ),
    "layers[0][1].outputConnections[2]": lambda d: d["layers"][0][1]["outputConnections"][2].update(weight=9.0),
    "layers[3][0].outputConnections": lambda d: d["layers"][3][0]["outputConnections"].append({"weight": 1.0}),
    "learningRate": lambda d: d.update(learningRate=float("inf")),
    "iterations": lambda d: d.update(iterations=-1),
    "iterations ": lambda d: d.update(iterations=2.5),
}


def tutorial_sample():
    return tutorial_json(trained_reference(steps=3))


@pytest.mark.parametrize("field", sorted(BAD_BRAINJS))
def test_bad_brainjs_2_names_the_field(field):
    with pytest.raises(ValueError, match=r"^brain\.js data: ") as error:
        nncore.Network.from_brainjs(broken(brainjs_2_sample, BAD_BRAINJS[field]))
    assert field.strip() in str(error.value)


@pytest.mark.parametrize("field", sorted(BAD_BRAINJS_1))
def test_bad_brainjs_1_names_the_field(field):
    with pytest.raises(ValueError, match=re.escape(field.strip())):
        nncore.Network.from_brainjs(broken(lambda: copy.deepcopy(BRAINJS_1_SAMPLE), BAD_BRAINJS_1[field]))


@pytest.mark.parametrize("field", sorted(BAD_TUTORIAL))
def test_bad_tutorial_json_names_the_field(field):
    with pytest.raises(ValueError, match=r"^tutorial data: ") as error:
        nncore.Network.from_tutorial_json(broken(tutorial_sample, BAD_TUTORIAL[field]))
    assert field.strip() in str(error.value)


@pytest.mark.parametrize("load", [nncore.Network.from_brainjs, nncore.Network.from_tutorial_json])
def test_not_an_object(load):
    with pytest.raises(TypeError, match="dict"):
        load([1, 2])
    with pytest.raises(ValueError, match="not valid JSON"):
        load("{oops")
    with pytest.raises(ValueError, match="missing field 'layers'"):
        load({})


def test_brainjs_lookups_become_names_and_back():
    net = nncore.Network([2, 3, 2], seed=0)
    net.input_names = ["r", "g"]
    net.output_names = ["light", "dark"]
    obj = net.to_brainjs()
    assert obj["inputLookup"] == {"r": 0, "g": 1} and obj["inputLookupLength"] == 2
    assert obj["outputLookup"] == {"light": 0, "dark": 1} and obj["outputLookupLength"] == 2
    obj["inputLookup"] = {"g": 1, "r": 0}  # brain.js orders keys as it met them
    loaded = nncore.Network.from_brainjs(obj)
    assert loaded.input_names == ("r", "g") and loaded.output_names == ("light", "dark")
    assert loaded.likely({"r": 0.2, "g": 0.9}) == net.likely({"r": 0.2, "g": 0.9})
    assert nncore.Network([2, 3, 2], seed=0).to_brainjs()["inputLookup"] is None


def test_a_number_too_large_for_a_float_is_a_value_error_naming_the_field():
    obj = nncore.Network([2, 3, 1], seed=0).to_brainjs()
    obj["trainOpts"]["learningRate"] = 10**400
    with pytest.raises(ValueError, match=r"trainOpts.learningRate"):
        nncore.Network.from_brainjs(obj)


def test_tutorial_export_matches_the_tutorials_object_model():
    ref = trained_reference()
    expected = json.loads(json.dumps(tutorial_json(ref)))
    for layer in expected["layers"]:
        for neuron in layer:  # results of the last step, which the export does not keep
            neuron.update(output=0.0, delta=0.0, error=0.0)
    for neuron in expected["layers"][0]:
        neuron["bias"] = 0.0
    net = nncore.Network.from_dict(ref.to_dict())
    assert net.to_tutorial_json() == expected
