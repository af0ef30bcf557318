"""FANN files: ``.net`` networks and ``.data`` training files, checked against the real libfann.

The libfann tests compile ``tests/fann_bridge.c`` against the double build of
libfann (``-ldoublefann``, Debian's ``libfann-dev``); they are skipped when its
header is not installed.
"""

import os
import pathlib
import re
import shutil
import subprocess

import numpy as np
import pytest

import nncore
from nncore import _fann
from nncore._vocabulary import ACTIVATIONS

BRIDGE_SOURCE = pathlib.Path(__file__).with_name("fann_bridge.c")
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.fixture(scope="module")
def bridge(tmp_path_factory):
    """The compiled ``fann_bridge`` program, or a skip when libfann (double build) is not installed."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler (cc) to build the libfann bridge")
    program = tmp_path_factory.mktemp("fann") / "fann_bridge"
    built = subprocess.run(
        [compiler, "-O1", "-o", str(program), str(BRIDGE_SOURCE), "-ldoublefann", "-lm"], capture_output=True, text=True
    )
    if built.returncode != 0 and (
        "doublefann.h" in built.stderr or "-ldoublefann" in built.stderr or "cannot find -ldoublefann" in built.stderr
    ):
        pytest.skip("libfann is not installed (apt-get install libfann-dev)")
    assert built.returncode == 0, built.stderr
    return program


def run_bridge(bridge, *arguments):
    done = subprocess.run([str(bridge), *map(str, arguments)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [[float(word) for word in line.split()] for line in done.stdout.splitlines()]


def trained(sizes, activation, seed=0):
    """A network trained a little on random data, so that weights and biases are not the initial ones."""
    rng = np.random.default_rng(seed)
    net = nncore.Network(sizes, activation=activation, seed=seed, learning_rate=0.2, momentum=0.05)
    X, Y = rng.uniform(-1, 1, (20, sizes[0])), rng.uniform(0, 1, (20, sizes[-1]))
    net.fit(X, Y, epochs=20, seed=seed)
    return net


# ---------------------------------------------------------------- the activation table


def test_every_nncore_activation_is_mapped_or_refused_with_a_reason():
    for name in ACTIVATIONS:
        assert (name in _fann.ACTIVATIONS) != (name in _fann.NOT_IN_FANN), name
    for fann_name, steepness in _fann.ACTIVATIONS.values():
        assert fann_name in _fann.FANN_ACTIVATION_NAMES and steepness > 0
    assert all(reason for reason in _fann.NOT_IN_FANN.values())


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_exporting_a_rectifier_names_the_layer_and_what_fann_supports(activation):
    net = nncore.Network([2, 3, 1], activation=["sigmoid", activation], seed=0)
    with pytest.raises(ValueError, match=f"layer 2 uses '{activation}'.*FANN_SIGMOID at steepness 0.5"):
        net.to_fann()


# ---------------------------------------------------------------- the .net text


def test_the_text_has_fanns_layout():
    net = nncore.Network([3, 2, 1], activation=["tanh", "sigmoid"], seed=1)
    lines = net.to_fann().splitlines()
    fields = dict(line.split("=", 1) for line in lines[1:])
    assert lines[0] == "FANN_FLO_2.1"
    assert fields["num_layers"] == "3" and fields["layer_sizes"] == "4 3 2 "
    assert fields["learning_rate"] == "0.300000" and fields["learning_momentum"] == "0.100000"
    neurons = fields[_fann.NEURONS_KEY].split(") (")
    assert len(neurons) == 4 + 3 + 2
    assert neurons[4] == "4, 5, 1.00000000000000000000e+00" and neurons[7] == "3, 3, 5.00000000000000000000e-01"
    connections = fields[_fann.CONNECTIONS_KEY].strip().split(") (")
    assert len(connections) == 2 * 4 + 1 * 3
    # neuron 4's bias comes from the input layer's bias neuron (3); the output's from the hidden one's (6)
    assert connections[3] == f"3, {net.biases[0][0]:.20e}"
    assert connections[-1].rstrip(")") == f"6, {net.biases[1][0]:.20e}"


@pytest.mark.parametrize(
    "activation", ["sigmoid", "tanh", ["tanh", "sigmoid", "tanh"], ["identity", "tanh", "identity"]]
)
def test_a_round_trip_keeps_weights_biases_and_rates_exactly(activation):
    net = trained([3, 5, 4, 2], activation)
    back = nncore.Network.from_fann(net.to_fann())
    assert back.sizes == net.sizes and back.activations == net.activations
    assert (back.learning_rate, back.momentum) == (0.2, 0.05)
    for a, b in zip(back.weights + back.biases, net.weights + net.biases):
        np.testing.assert_array_equal(a, b)
    assert back.iterations == 0 and back.input_names is None
    assert all(not change.any() for change in back.changes)
    assert back.to_fann() == net.to_fann()


def test_rates_keep_six_decimals_as_fann_writes_them():
    net = nncore.Network([2, 1], learning_rate=0.1234567, momentum=0.0000004, seed=0)
    back = nncore.Network.from_fann(net.to_fann())
    assert (back.learning_rate, back.momentum) == (0.123457, 0.0)


def test_from_fann_takes_text_bytes_a_path_and_a_pathlike(tmp_path, monkeypatch):
    net = trained([2, 3, 1], "sigmoid")
    path = tmp_path / "net.net"
    path.write_text(net.to_fann())
    for source in (net.to_fann(), net.to_fann().encode(), str(path), path):
        np.testing.assert_array_equal(nncore.Network.from_fann(source).predict(XOR_X), net.predict(XOR_X))
    assert _fann.is_fann_file(path) and not _fann.is_fann_file(tmp_path) and not _fann.is_fann_file(tmp_path / "x")
    named_like_text = tmp_path / "FANN_xor.net"  # a str naming this file is a path, not text
    named_like_text.write_text(net.to_fann())
    monkeypatch.chdir(tmp_path)
    np.testing.assert_array_equal(nncore.Network.from_fann("FANN_xor.net").predict(XOR_X), net.predict(XOR_X))


def test_nncore_load_tells_a_fann_file_by_its_first_line(tmp_path):
    net = trained([2, 3, 1], "tanh")
    path = tmp_path / "saved.anything"
    path.write_text(net.to_fann())
    np.testing.assert_array_equal(nncore.load(path).predict(XOR_X), net.predict(XOR_X))


def _edit(text, key, value):
    return "\n".join(f"{key}={value}" if line.startswith(key + "=") else line for line in text.splitlines())


def _set_activation(text, code, steepness):
    """Every non-input neuron of a [2, 2, 1] network's text set to activation ``code`` at ``steepness``."""
    neurons = "(0, 0, 0.0) " * 3 + f"(3, {code}, {steepness}) " * 2 + f"(0, {code}, {steepness}) " * 1
    neurons += f"(3, {code}, {steepness}) (0, {code}, {steepness}) "
    return _edit(text, _fann.NEURONS_KEY, neurons)


@pytest.mark.parametrize(
    ("code", "steepness", "message"),
    [
        (4, 0.5, r"FANN_SIGMOID_STEPWISE at steepness 0.5.*fann_set_activation_function_hidden\(ann, FANN_SIGMOID\)"),
        (0, 0.5, r"FANN_LINEAR at steepness 0.5;.*FANN_LINEAR at steepness 1 \(its identity\)"),
        (3, 1.0, r"FANN_SIGMOID at steepness 1;.*fann_set_activation_steepness_hidden\(ann, 0.5\)"),
        (5, 0.5, r"FANN_SIGMOID_SYMMETRIC at steepness 0.5"),
        (17, 0.5, r"FANN_COS at steepness 0.5"),
        (30, 0.5, r"activation code 30"),
    ],
)
def test_other_activations_are_refused_saying_what_to_set(code, steepness, message):
    text = _set_activation(nncore.Network([2, 2, 1], seed=0).to_fann(), code, steepness)
    with pytest.raises(ValueError, match="FANN network: layer 1 uses " + message):
        nncore.Network.from_fann(text)


def test_a_layer_mixing_activations_is_refused():
    text = nncore.Network([2, 2, 1], seed=0).to_fann()
    neurons = "(0, 0, 0.0) " * 3 + "(3, 3, 0.5) (3, 5, 1.0) (0, 3, 0.5) (3, 3, 0.5) (0, 3, 0.5) "
    with pytest.raises(ValueError, match="layer 1 mixes activations"):
        nncore.Network.from_fann(_edit(text, _fann.NEURONS_KEY, neurons))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("FANN_FLO_2.1", "FANN_FIX_2.0", 1), r"line 1: 'FANN_FIX_2.0' is a fixed-point"),
        (lambda t: t.replace("FANN_FLO_2.1", "FANN_FLO_9.9", 1), r"line 1: expected 'FANN_FLO_2.1'"),
        (lambda t: _edit(t, "num_layers", "x"), r"line 2, field 'num_layers': expected an integer >= 2"),
        (lambda t: _edit(t, "layer_sizes", "3 3"), r"field 'layer_sizes': expected 3 layer sizes"),
        (lambda t: _edit(t, "network_type", "1"), r"field 'network_type': is '1': only layered networks"),
        (lambda t: _edit(t, "scale_included", "1"), r"field 'scale_included'.*scaling parameters"),
        (lambda t: _edit(t, "learning_rate", "abc"), r"line 3, field 'learning_rate': expected a number"),
        (
            lambda t: _edit(t, "learning_momentum", "-0.5"),
            r"line 6, field 'learning_momentum': learning_momentum must be a finite number >= 0",
        ),
        (lambda t: t.replace("(3, 3, ", "(3, x, ", 1), r"neuron 3: expected \(integer, integer, number\)"),
        (
            lambda t: t.rstrip().rsplit(" (", 1)[0],
            r"line 36, field 'connections \(connected_to_neuron, weight\)': "
            r"expected 9 groups of 2 numbers, got 8",
        ),
        (
            lambda t: re.sub(r"weight\)=\(0, [^)]*\)", "weight)=(0, inf)", t),
            r"connection 0: expected \(neuron, finite number\)",
        ),
        (
            lambda t: re.sub(r"weight\)=\(0, ", "weight)=(4, ", t),
            r"neuron 3 \(layer 1\) is connected to neuron 4, outside the previous layer",
        ),
        (
            lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("layer_sizes")),
            r"missing field 'layer_sizes'",
        ),
        (lambda t: t + "no equals sign\n", r"line 37: expected key=value, got 'no equals sign'"),
    ],
)
def test_malformed_text_is_refused_naming_line_and_field(edit, message):
    text = nncore.Network([2, 2, 1], seed=0).to_fann()
    with pytest.raises(ValueError, match=message) as error:
        nncore.Network.from_fann(edit(text))
    assert str(error.value).startswith("FANN network: ")


def test_a_bad_file_is_named_in_the_error(tmp_path):
    path = tmp_path / "bad.net"
    path.write_text(_edit(nncore.Network([2, 1], seed=0).to_fann(), "num_layers", "1"))
    with pytest.raises(ValueError, match=f"^{path}: line 2, field 'num_layers'"):
        nncore.Network.from_fann(path)
    with pytest.raises(TypeError, match="text, bytes or a path"):
        nncore.Network.from_fann(12)


def test_a_sparse_network_is_refused_naming_the_neuron():
    # A sparse network's missing connections would be weights the file does not hold: a small file could
    # then ask for a huge network, so every neuron must list the whole previous layer.
    text = nncore.Network([2, 2, 1], seed=0).to_fann()
    neurons_line = next(line for line in text.splitlines() if line.startswith(_fann.NEURONS_KEY))
    neurons = neurons_line.replace("(3, 3,", "(2, 3,", 1)  # neuron 3 loses its connection from input 1
    connections = "(0, 1.5) (2, 0.25) (0, 1.0) (1, 2.0) (2, 3.0) (3, 4.0) (4, 5.0) (5, 6.0) "
    text = _edit(text.replace(neurons_line, neurons), _fann.CONNECTIONS_KEY, connections)
    with pytest.raises(ValueError, match=r"neuron 3 \(layer 1\) has 2 inputs, expected 3 .*not sparse ones"):
        nncore.Network.from_fann(text)


# ---------------------------------------------------------------- against libfann


@pytest.mark.parametrize(
    ("sizes", "activation"),
    [
        ([2, 4, 1], "sigmoid"),
        ([3, 6, 5, 2], "tanh"),
        ([4, 7, 3, 3], ["tanh", "sigmoid", "tanh"]),
        ([5, 2], "sigmoid"),
        ([3, 6, 2], ["tanh", "identity"]),
        ([4, 5, 3], ["identity", "sigmoid"]),
    ],
)
def test_a_network_exported_by_nncore_runs_in_libfann_with_the_same_outputs(bridge, tmp_path, sizes, activation):
    net = trained(sizes, activation, seed=len(sizes))
    X = np.random.default_rng(1).uniform(-3, 3, (25, sizes[0]))
    (tmp_path / "net.net").write_text(net.to_fann())
    nncore.write_fann_data(tmp_path / "rows.data", X, np.zeros((len(X), sizes[-1])))
    outputs = np.array(run_bridge(bridge, "run", tmp_path / "net.net", tmp_path / "rows.data"))
    assert outputs.shape == (len(X), sizes[-1])
    np.testing.assert_allclose(outputs, net.predict(X), rtol=0, atol=1e-12)


@pytest.mark.parametrize("activation", ["sigmoid", ["tanh", "sigmoid"], ["tanh", "identity"]])
def test_libfann_saves_the_same_text_nncore_writes(bridge, tmp_path, activation):
    text = trained([3, 4, 2], activation).to_fann()
    (tmp_path / "net.net").write_text(text)
    run_bridge(bridge, "save", tmp_path / "net.net", tmp_path / "copy.net")
    assert (tmp_path / "copy.net").read_text() == text


def test_fann_clips_only_sums_whose_activation_is_already_saturated(bridge, tmp_path):
    for activation, limit in (("sigmoid", 1e-260), ("tanh", 1e-129)):
        net = nncore.Network.from_dict(
            {
                **nncore.Network([2, 1], activation=activation).to_dict(),
                "layers": [{"weights": [[700.0, -800.0]], "biases": [0.0]}],
            }
        )
        (tmp_path / "net.net").write_text(net.to_fann())
        nncore.write_fann_data(tmp_path / "rows.data", XOR_X, XOR_Y)
        outputs = run_bridge(bridge, "run", tmp_path / "net.net", tmp_path / "rows.data")
        np.testing.assert_allclose(outputs, net.predict(XOR_X), rtol=0, atol=limit)


def test_a_network_trained_in_libfann_predicts_the_same_in_nncore(bridge, tmp_path):
    nncore.write_fann_data(tmp_path / "xor.data", XOR_X, XOR_Y)
    run_bridge(bridge, "train", tmp_path / "xor.net", tmp_path / "xor.data", 200)
    net = nncore.Network.from_fann(tmp_path / "xor.net")
    assert net.sizes == (2, 4, 1) and net.activations == ("sigmoid", "sigmoid")
    assert (net.learning_rate, net.momentum) == (0.3, 0.1)
    assert np.ptp(net.weights[0]) > 0  # trained weights, not a constant
    X = np.random.default_rng(2).uniform(-2, 2, (30, 2))
    nncore.write_fann_data(tmp_path / "rows.data", X, np.zeros((30, 1)))
    outputs = run_bridge(bridge, "run", tmp_path / "xor.net", tmp_path / "rows.data")
    np.testing.assert_allclose(net.predict(X), outputs, rtol=0, atol=1e-12)


def test_libfann_reads_the_data_files_nncore_writes_exactly(bridge, tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(7, 3)) * 10.0 ** rng.integers(-20, 20, size=(7, 3))
    Y = np.array([0.1, 1 / 3, -2.5e-300, 1e300, 0.0, -0.0, 123456789.123456789])
    nncore.write_fann_data(tmp_path / "d.data", X, Y)
    rows = run_bridge(bridge, "read", tmp_path / "d.data")
    np.testing.assert_array_equal(rows[0::2], X)
    np.testing.assert_array_equal(rows[1::2], Y.reshape(-1, 1))


# ---------------------------------------------------------------- .data files


def test_data_files_round_trip_losslessly(tmp_path):
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(9, 4)) / 3.0, rng.normal(size=(9, 2)) * 1e-200
    nncore.write_fann_data(tmp_path / "d.data", X, Y)
    X2, Y2 = nncore.read_fann_data(tmp_path / "d.data")
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(Y2, Y)
    assert (tmp_path / "d.data").read_text().splitlines()[0] == "9 4 2"
    assert sorted(os.listdir(tmp_path)) == ["d.data"]  # no temporary file left


def test_a_one_dimensional_target_is_one_output(tmp_path):
    nncore.write_fann_data(tmp_path / "x.data", XOR_X, XOR_Y.ravel())
    assert (tmp_path / "x.data").read_text() == "4 2 1\n0.0 0.0\n0.0\n0.0 1.0\n1.0\n1.0 0.0\n1.0\n1.0 1.0\n0.0\n"
    _, Y = nncore.read_fann_data(str(tmp_path / "x.data"))
    np.testing.assert_array_equal(Y, XOR_Y)


def test_fanns_own_layout_is_read(tmp_path):
    (tmp_path / "xor.data").write_text("4 2 1\n-1 -1\n-1\n-1 1\n1\n1 -1\n1\n1 1\n-1\n")
    X, Y = nncore.read_fann_data(tmp_path / "xor.data")
    np.testing.assert_array_equal(X, [[-1, -1], [-1, 1], [1, -1], [1, 1]])
    np.testing.assert_array_equal(Y, [[-1], [1], [1], [-1]])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"line 1: expected 'num_pairs num_inputs num_outputs'"),
        ("2 2\n", r"line 1: expected 'num_pairs num_inputs num_outputs'"),
        ("1 0 1\n\n1\n", r"line 1: expected"),
        ("2 2 1\n0 0\n0\n", r"line 1 announces 2 pairs \(4 lines of numbers\), the file has 2"),
        ("1 2 1\n0 0 0\n0\n", r"line 2: expected 2 inputs, got 3 numbers"),
        ("1 2 1\n0 0\n0 1\n", r"line 3: expected 1 outputs, got 2 numbers"),
        ("1 2 1\n0 abc\n0\n", r"line 2: 'abc' is not a finite number"),
        ("1 2 1\n0 1\nnan\n", r"line 3: 'nan' is not a finite number"),
    ],
)
def test_malformed_data_files_name_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "bad.data"
    path.write_text(text)
    with pytest.raises(ValueError, match=f"^{path}: {message}"):
        nncore.read_fann_data(path)


@pytest.mark.parametrize(
    ("X", "Y", "error", "message"),
    [
        ([[0.0, np.nan]], [[0.0]], ValueError, "X must be finite"),
        ([[0.0, 1.0]], [[0.0], [1.0]], ValueError, "same number of rows"),
        ([0.0, 1.0], [[0.0]], ValueError, "X must be 2-D"),
        ("abc", [[0.0]], TypeError, "X must be an array of real numbers"),
    ],
)
def test_writing_bad_data_raises_and_writes_nothing(tmp_path, X, Y, error, message):
    with pytest.raises(error, match=message):
        nncore.write_fann_data(tmp_path / "d.data", X, Y)
    assert os.listdir(tmp_path) == []
