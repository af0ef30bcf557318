"""Round trips with the real brain.js, installed from npm and run by Node.

brain.js 2 is pinned to 2.0.0-beta.24, the newest 2.x release (2.x has only
pre-releases; npm's "latest" is 1.6.1, which is tested too, for its per-node
format). brain.js 2 loads gpu.js at start-up (a peer dependency, pinned here
to 2.24.1). gpu.js lists the native headless-gl module (``gl``) as optional:
its install script downloads a prebuilt binary or compiles one, which needs
more than a package registry and a toolchain may not be there, and the CPU
``NeuralNetwork`` never uses it. So the install runs with ``--omit=optional``
(no ``gl``) and ``--ignore-scripts`` (no install script runs at all); brain.js
and gpu.js load without them.

The tests are skipped only when ``node`` or ``npm`` is missing; a failing
install is an error.
"""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

import nncore

pytestmark = pytest.mark.needs_network

BRAINJS_2 = ["brain.js@2.0.0-beta.24", "gpu.js@2.24.1"]
BRAINJS_1 = ["brain.js@1.6.1"]
BRIDGE = Path(__file__).with_name("brainjs_bridge.js")

# brain.js keeps weights, biases and every layer's outputs in Float32Array, so each
# value carries a relative rounding error of up to 2**-24 (6e-8); through a few layers
# that stays far below this.
FLOAT32_TOLERANCE = dict(rtol=2e-6, atol=2e-7)


class BrainJS:
    """brain.js installed in ``folder``, driven through ``brainjs_bridge.js``."""

    def __init__(self, node: str, folder: Path) -> None:
        self.node, self.folder = node, folder

    def call(self, **request) -> dict:
        completed = subprocess.run(
            [self.node, str(BRIDGE), str(self.folder)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if completed.returncode != 0:
            raise AssertionError(f"node failed ({completed.returncode}):\n{completed.stderr}")
        return json.loads(completed.stdout)


def install(tmp_path_factory, node_and_npm, packages) -> BrainJS:
    node, npm = node_and_npm
    folder = tmp_path_factory.mktemp("brainjs")
    # A package.json of its own keeps npm from installing into an enclosing project.
    (folder / "package.json").write_text('{"private": true}\n')
    command = [
        npm,
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--omit=optional",
        "--loglevel=error",
        *packages,
    ]
    completed = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=900, check=False)
    if completed.returncode != 0:
        # A skip, not a failure: without the registry there is no brain.js to compare with. The
        # full CI run fails on this skip all the same (it is not on tests/allowed_skips.txt).
        pytest.skip(
            f"npm could not install {' '.join(packages)} (is the npm registry reachable?): "
            f"{completed.stderr.strip()[-300:]}"
        )
    return BrainJS(node, folder)


@pytest.fixture(scope="session")
def brainjs2(tmp_path_factory, node_and_npm):
    return install(tmp_path_factory, node_and_npm, BRAINJS_2)


@pytest.fixture(scope="session")
def brainjs1(tmp_path_factory, node_and_npm):
    return install(tmp_path_factory, node_and_npm, BRAINJS_1)


CASES = [
    ([2, 3, 1], "sigmoid"),
    ([3, 5, 4, 2], "sigmoid"),
    ([4, 1], "sigmoid"),
    ([2, 6, 3], "tanh"),
    ([5, 8, 8, 1], "tanh"),
    ([3, 4, 2], "relu"),
    ([6, 10, 3], "leaky_relu"),
]


def data_for(sizes, seed, n=16):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, sizes[0])), rng.uniform(0, 1, (n, sizes[-1]))


def smooth_data(n_inputs, n_outputs, n=16):
    """Inputs in [-1, 1] and targets in (0, 1) that depend smoothly on them: something to learn."""
    X = np.random.default_rng(4).uniform(-1, 1, (n, n_inputs))
    mixing = np.random.default_rng(5).normal(0, 2, (n_inputs, n_outputs))
    return X, 1 / (1 + np.exp(-X @ mixing))


def brainjs_data(X, Y):
    return [{"input": x, "output": y} for x, y in zip(X.tolist(), Y.tolist())]


def as_float32(values):
    return np.asarray(values, dtype=np.float32).astype(np.float64)


@pytest.mark.parametrize(("sizes", "activation"), CASES)
def test_nncore_network_runs_in_brainjs(brainjs2, sizes, activation):
    net = nncore.Network(
        sizes, activation=activation, learning_rate=0.05, momentum=0.2, leaky_relu_alpha=0.1, seed=len(sizes)
    )
    X, Y = data_for(sizes, 1)
    net.fit(X, Y, epochs=20, seed=2)
    exported = net.to_brainjs()
    reply = brainjs2.call(action="run", network=exported, inputs=X.tolist())
    np.testing.assert_allclose(reply["outputs"], net.predict(X), **FLOAT32_TOLERANCE)
    # Not vacuous: the outputs vary across the inputs far more than the tolerance.
    assert np.ptp(net.predict(X), axis=0).min() > 1e-3
    # brain.js writes back the same object, its weights rounded to float32.
    written = reply["json"]
    assert written["layers"][0] == {"weights": [], "biases": []}
    for ours, theirs in zip(exported["layers"][1:], written["layers"][1:]):
        np.testing.assert_array_equal(theirs["weights"], as_float32(ours["weights"]))
        np.testing.assert_array_equal(theirs["biases"], as_float32(ours["biases"]))
    assert {**written, "layers": None} == {**exported, "layers": None}  # sizes, lookups, options, trainOpts


@pytest.mark.parametrize(
    ("hidden", "activation", "learning_rate"),
    [
        ([3], "sigmoid", 0.3),
        ([4, 3], "sigmoid", 0.3),
        ([5], "tanh", 0.1),
        ([6, 4], "relu", 0.05),
        ([5], "leaky-relu", 0.05),
    ],
)
def test_brainjs_trained_network_loads_in_nncore(brainjs2, hidden, activation, learning_rate):
    X, Y = smooth_data(3, 2)
    reply = brainjs2.call(
        action="train",
        options={"hiddenLayers": hidden, "activation": activation},
        data=brainjs_data(X, Y),
        trainOpts={"iterations": 300, "errorThresh": 1e-6, "learningRate": learning_rate, "momentum": 0.1},
        inputs=X.tolist(),
        seed=2,
    )
    assert reply["status"]["iterations"] == 300
    net = nncore.Network.from_brainjs(reply["json"])
    assert net.sizes == (3, *hidden, 2)
    assert net.activations[0] == activation.replace("-", "_")
    assert (net.learning_rate, net.momentum) == (learning_rate, 0.1)
    np.testing.assert_allclose(net.predict(X), reply["outputs"], **FLOAT32_TOLERANCE)
    # Not vacuous: every output varies across the inputs far more than the tolerance.
    assert np.ptp(net.predict(X), axis=0).min() > 1e-2


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_training_continues_alike_in_both(brainjs2, activation):
    """The same network trained on in brain.js and in nncore ends up in the same place."""
    sizes = [3, 6, 2]
    net = nncore.Network(sizes, activation=activation, learning_rate=0.2, momentum=0.3, init="brainjs", seed=7)
    X, Y = data_for(sizes, 5, n=8)
    X, Y = as_float32(X), as_float32(Y)  # brain.js turns training data into Float32Array
    exported = net.to_brainjs()
    for layer in exported["layers"][1:]:  # start both from the float32 weights brain.js holds
        layer["weights"], layer["biases"] = as_float32(layer["weights"]).tolist(), as_float32(layer["biases"]).tolist()
    reply = brainjs2.call(
        action="continue",
        network=exported,
        data=brainjs_data(X, Y),
        trainOpts={"iterations": 30, "errorThresh": 1e-6},
        inputs=X.tolist(),
    )
    assert reply["status"]["iterations"] == 30
    start = nncore.Network.from_brainjs(exported)
    ours = nncore.Network.from_brainjs(exported)
    ours.fit(X, Y, epochs=30, order="sequential")  # brain.js's order: the rows as given
    theirs = nncore.Network.from_brainjs(reply["json"])
    moved = max(np.max(np.abs(a - b)) for a, b in zip(theirs.weights, start.weights))
    differ = max(np.max(np.abs(a - b)) for a, b in zip(theirs.weights + theirs.biases, ours.weights + ours.biases))
    assert moved > 0.05
    # brain.js rounds every updated weight to float32; 30 epochs of that stay within a few float32 steps
    assert differ < 1e-5
    np.testing.assert_allclose(ours.predict(X), reply["outputs"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("hidden", "activation"), [([3], "sigmoid"), ([4, 3], "tanh"), ([6], "relu")])
def test_brainjs_1_trained_network_loads_in_nncore(brainjs1, hidden, activation):
    X, Y = smooth_data(2, 1)
    reply = brainjs1.call(
        action="train",
        options={"hiddenLayers": hidden, "activation": activation},
        data=brainjs_data(X, Y),
        trainOpts={"iterations": 300, "errorThresh": 1e-6, "learningRate": 0.1},
        inputs=X.tolist(),
        seed=2,
    )
    written = reply["json"]
    assert "type" not in written and isinstance(written["layers"][1]["0"]["weights"], dict)  # the 1.x layout
    net = nncore.Network.from_brainjs(written)
    assert net.sizes == (2, *hidden, 1) and net.activations[0] == activation
    np.testing.assert_allclose(net.predict(X), reply["outputs"], **FLOAT32_TOLERANCE)
    assert np.ptp(net.predict(X)) > 1e-2


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_a_float32_network_holds_brainjs_weights_exactly(brainjs2, activation):
    X, Y = smooth_data(3, 2)
    reply = brainjs2.call(
        action="train",
        options={"hiddenLayers": [5], "activation": activation},
        data=brainjs_data(X, Y),
        trainOpts={"iterations": 200, "errorThresh": 1e-6, "learningRate": 0.1},
        inputs=X.tolist(),
        seed=3,
    )
    written = reply["json"]
    net = nncore.Network.from_brainjs(written, dtype="float32")
    assert net.dtype == np.float32
    for layer, weights, biases in zip(written["layers"][1:], net.weights, net.biases):
        # brain.js's JSON holds its Float32Array values; nncore keeps exactly those
        assert weights.dtype == np.float32
        np.testing.assert_array_equal(weights, np.asarray(layer["weights"], dtype=np.float64))
        np.testing.assert_array_equal(biases, np.asarray(layer["biases"], dtype=np.float64))
    # brain.js sums in double and stores float32 outputs; nncore float32 sums in float
    np.testing.assert_allclose(net.predict(X), reply["outputs"], **FLOAT32_TOLERANCE)
    assert np.ptp(net.predict(X), axis=0).min() > 1e-2
    exported = net.to_brainjs()
    for ours, theirs in zip(exported["layers"][1:], written["layers"][1:]):
        assert ours["weights"] == theirs["weights"] and ours["biases"] == theirs["biases"]


def test_praxis_adam_goes_both_ways(brainjs2):
    """An Adam network runs and trains in brain.js as praxis 'adam', and comes back as Adam."""
    X, Y = smooth_data(3, 2)
    net = nncore.Network([3, 5, 2], optimizer="adam", learning_rate=0.02, beta1=0.85, seed=4)
    net.fit(X, Y, epochs=5, seed=1)
    exported = net.to_brainjs()
    assert exported["trainOpts"]["praxis"] == "adam" and exported["trainOpts"]["beta1"] == 0.85
    reply = brainjs2.call(
        action="continue",
        network=exported,
        data=brainjs_data(X, Y),
        trainOpts={"iterations": 20, "errorThresh": 1e-9},
        inputs=X.tolist(),
    )
    assert reply["json"]["trainOpts"]["praxis"] == "adam"
    back = nncore.Network.from_brainjs(reply["json"])
    assert (back.optimizer, back.learning_rate, back.beta1, back.beta2) == ("adam", 0.02, 0.85, 0.999)
    np.testing.assert_allclose(back.predict(X), reply["outputs"], **FLOAT32_TOLERANCE)
    # brain.js trained on with Adam: the weights moved away from the exported ones
    assert max(np.max(np.abs(a - b)) for a, b in zip(back.weights, net.weights)) > 1e-3
