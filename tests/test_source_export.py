"""Networks exported as standalone C and JavaScript source, compiled or run and compared to ``predict``.

The C tests need a C compiler (``cc``) and the JavaScript tests Node.js
(``node``); each is skipped, with the reason, only when its tool is missing.
The C function must give ``predict``'s outputs bit for bit: it sums in the
compiled core's order, with the same activation formulas and math library.
The JavaScript one must agree within 1e-12: V8's ``Math.exp`` and
``Math.tanh`` may differ from the C library's in the last bit.
"""

import platform
import re
import subprocess
from importlib import resources

import numpy as np
import pytest
from export_support import STRICT_FLAGS, run_c, run_js

import nncore
from nncore import _source_export
from nncore._vocabulary import ACTIVATIONS


def rows_for(net, n_rows, seed=0):
    return np.random.default_rng(seed).uniform(-2.0, 2.0, (n_rows, net.sizes[0])).astype(net.dtype)


def predict_rows(net, rows):
    """``predict`` one row at a time: the compiled core's per-sample forward pass."""
    return np.array([net.predict(row) for row in rows], dtype=net.dtype)


def network(sizes, activation, seed=1, **options):
    """A network of ``activation``; softmax, an output layer's only, on top of sigmoid layers, with cross-entropy."""
    if activation == "softmax":
        activation = ["sigmoid"] * (len(sizes) - 2) + ["softmax"]
        options.setdefault("loss", "cross_entropy")
    return nncore.Network(sizes, activation=activation, seed=seed, **options)


# ---------------------------------------------------------------- C


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_c_gives_predict_bit_for_bit_for_every_activation(cc, tmp_path, activation):
    net = network([6, 9, 7, 3], activation, leaky_relu_alpha=0.2)
    rows = rows_for(net, 300)
    assert np.array_equal(run_c(cc, tmp_path, net, rows), predict_rows(net, rows))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_c_gives_predict_bit_for_bit_for_a_float32_network(cc, tmp_path, activation):
    # float arithmetic and the C copy of the core's exp32 and tanh32
    net = network([6, 9, 7, 3], activation, leaky_relu_alpha=0.2, dtype="float32")
    rows = rows_for(net, 300) * np.float32(4.0)  # reaches tanh's and exp's larger ranges too
    outputs = run_c(cc, tmp_path, net, rows)
    assert outputs.dtype == np.float32 and np.array_equal(outputs, predict_rows(net, rows))


@pytest.mark.parametrize(
    ("sizes", "activation"),
    [
        ([4, 3], "tanh"),  # no hidden layer
        ([3, 8, 2], ["relu", "sigmoid"]),  # one hidden layer
        ([5, 9, 12, 4, 3], ["leaky_relu", "tanh", "relu", "sigmoid"]),  # both buffers, in turn
    ],
)
def test_c_gives_predict_bit_for_bit_with_a_plain_O2(cc, tmp_path, sizes, activation):
    # No -std and no -ffp-contract: the compiler's own mode, in which GCC may fuse multiply-adds
    # unless the source's pragma forbids it.
    net = network(sizes, activation)
    rows = rows_for(net, 200, seed=2)
    assert np.array_equal(run_c(cc, tmp_path, net, rows, flags=("-O2",), std=False), predict_rows(net, rows))


def test_c_gives_predict_bit_for_bit_for_a_784_128_10_network(cc, tmp_path):
    net = network([784, 128, 10], "sigmoid", seed=0)
    rows = np.random.default_rng(3).uniform(0.0, 1.0, (20, 784))
    assert np.array_equal(run_c(cc, tmp_path, net, rows, flags=("-O2",)), predict_rows(net, rows))


@pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"),
    reason="-march=native with fused multiply-add is checked on x86-64",
)
def test_c_stays_bit_for_bit_when_the_cpu_has_fused_multiply_add(cc, tmp_path):
    net = network([20, 30, 4], ["tanh", "sigmoid"])
    rows = rows_for(net, 100, seed=4)
    outputs = run_c(cc, tmp_path, net, rows, flags=("-O3", "-march=native"), std=False)
    assert np.array_equal(outputs, predict_rows(net, rows))


def test_c_source_holds_every_weight_exactly_in_order():
    data = network([3, 5, 2], "tanh").to_dict()
    data["layers"][0]["biases"][1] = 0.0  # a zero, written 0x0p+0
    data["layers"][1]["weights"][0][0] = -0.0
    net = nncore.Network.from_dict(data)
    source = net.to_c()
    arrays = source[
        source.index("static const") : source.index("\nvoid nncore_predict(const double *input, double *output)\n{")
    ]
    literals = re.findall(r"-?0x[0-9a-f.]+p[+-]\d+", arrays)
    expected = np.concatenate([np.concatenate([w.ravel(), b]) for w, b in zip(net.weights, net.biases)])
    assert len(literals) == expected.size
    assert [float.fromhex(text) for text in literals] == expected.tolist()
    assert [np.float64(float.fromhex(text)).tobytes() for text in literals] == [v.tobytes() for v in expected]


def test_c_source_loops_instead_of_unrolling():
    net = network([64, 32, 10], "relu")
    source = net.to_c()
    assert source.count("for (int j = 0;") == 2 and source.count("for (int k = 0;") == 2
    n_parameters = sum(w.size + b.size for w, b in zip(net.weights, net.biases))
    assert len(source) < 30 * n_parameters


def test_c_header_describes_the_function_and_the_named_sides():
    net = network([2, 3, 2], "sigmoid")
    net.input_names, net.output_names = ["x", "*/ y ??/"], ["sum", "carry"]
    source = net.to_c("adder")
    header = source.split("*/", 1)[0]
    assert "void adder(const double *input, double *output);" in header
    assert "ADDER_INPUTS (2)" in header and "ADDER_OUTPUTS (2)" in header
    assert '["sum", "carry"]' in header
    assert "#define ADDER_INPUTS 2\n#define ADDER_OUTPUTS 2\n" in source
    assert "#pragma STDC FP_CONTRACT OFF" in source


def test_c_export_of_a_named_network_compiles_and_matches(cc, tmp_path):
    net = network([2, 4, 2], "tanh")
    net.input_names, net.output_names = ["a */", "b ??/"], ["c", "d"]
    rows = rows_for(net, 50)
    assert np.array_equal(run_c(cc, tmp_path, net, rows, name="named_net"), predict_rows(net, rows))


def test_c_float32_source_uses_float_and_compiles(cc, tmp_path):
    net = network([3, 4, 2], ["sigmoid", "leaky_relu"])
    source = _source_export.c_source(net.to_dict(), "small", np.float32)
    assert "void small(const float *input, float *output)" in source
    assert "nncore_sigmoid32(" in source and "double" not in source.split("*/", 1)[1]
    path = tmp_path / "small.c"
    path.write_text(source)
    compiled = subprocess.run(
        [cc, *STRICT_FLAGS, "-O2", "-c", "-o", str(tmp_path / "small.o"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stderr


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_c_copies_exp_tanh_and_sigmoid_from_the_installed_header(dtype):
    # One C text for the core and the export: the header the kernels include, shipped with the package.
    header = resources.files("nncore").joinpath("_elementary.h").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^/\* -+ (\w+) \*/\n(.*?)(?=^/\* -+ \w+ \*/\n|\Z)", header, re.M | re.S))
    assert sorted(sections) == ["common", "float32", "float64"]
    source = _source_export.c_source(network([2, 3, 1], "tanh").to_dict(), "f", dtype)
    other = "float32" if dtype == "float64" else "float64"
    assert sections["common"] + sections[dtype] in source and sections[other] not in source


@pytest.mark.parametrize(
    "name", ["", "1net", "net-1", "net 1", "int", "double", "main", "exp", "_net", "__net", "né", "predict$"]
)
def test_c_refuses_a_name_that_is_not_a_c_identifier(name):
    net = network([2, 2], "sigmoid")
    before = net.to_dict()
    with pytest.raises(ValueError, match="name"):
        net.to_c(name)
    assert net.to_dict() == before


@pytest.mark.parametrize("name", [None, 3, b"net"])
def test_c_and_javascript_refuse_a_name_that_is_not_a_string(name):
    net = network([2, 2], "sigmoid")
    with pytest.raises(TypeError, match="name must be a string"):
        net.to_c(name)
    with pytest.raises(TypeError, match="name must be a string"):
        net.to_javascript(name)


def test_c_refuses_a_dtype_it_has_no_type_for():
    with pytest.raises(ValueError, match="dtype must be float64 or float32, got"):
        _source_export.c_source(network([2, 2], "sigmoid").to_dict(), "f", np.int32)


# ---------------------------------------------------------------- JavaScript


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_javascript_agrees_with_predict_for_every_activation(node, tmp_path, activation):
    net = network([6, 9, 7, 3], activation, leaky_relu_alpha=0.2)
    rows = rows_for(net, 300)
    outputs = np.array(run_js(node, tmp_path, net, rows.tolist()))
    np.testing.assert_allclose(outputs, predict_rows(net, rows), rtol=1e-12, atol=1e-12)


def test_javascript_agrees_with_predict_for_mixed_layers_and_a_784_128_10_network(node, tmp_path):
    for sizes, activation in (
        ([5, 9, 12, 4, 3], ["leaky_relu", "tanh", "relu", "sigmoid"]),
        ([784, 128, 10], "sigmoid"),
    ):
        net = network(sizes, activation, seed=0)
        rows = rows_for(net, 20, seed=5)
        outputs = np.array(run_js(node, tmp_path, net, rows.tolist()))
        np.testing.assert_allclose(outputs, predict_rows(net, rows), rtol=1e-12, atol=1e-12)


def test_javascript_handles_zero_biases_and_zero_weights(node, tmp_path):
    data = network([3, 4, 2], "tanh").to_dict()
    for layer in data["layers"]:
        layer["biases"] = [0.0] * len(layer["biases"])
    data["layers"][0]["weights"][1] = [0.0, 0.0, 0.0]
    net = nncore.Network.from_dict(data)
    rows = rows_for(net, 20)
    outputs = np.array(run_js(node, tmp_path, net, rows.tolist()))
    np.testing.assert_allclose(outputs, predict_rows(net, rows), rtol=1e-12, atol=1e-12)


def test_javascript_takes_and_returns_objects_for_a_named_network(node, tmp_path):
    net = network([3, 5, 2], "sigmoid")
    net.input_names, net.output_names = ["a", "b", "constructor"], ["__proto__", 'out "2"']
    inputs = [{"a": 0.5, "b": -1.0, "constructor": 2.0}, {"b": 0.25}, {}, [0.1, 0.2, 0.3]]
    outputs = run_js(node, tmp_path, net, inputs)
    for given, result in zip(inputs, outputs):
        expected = net.run(given)
        assert list(result) == ["__proto__", 'out "2"']
        np.testing.assert_allclose([result[key] for key in expected], list(expected.values()), rtol=1e-12, atol=1e-12)


def test_javascript_refuses_an_input_of_the_wrong_length(node, tmp_path):
    net = network([3, 2], "relu")
    (tmp_path / "predict.js").write_text(net.to_javascript("f"))
    script = (
        'const fs = require("fs");'
        'const f = new Function(fs.readFileSync(process.argv[1], "utf8") + "\\nreturn f;")();'
        'try { f([1, 2]); } catch (error) { process.stdout.write(error.name + ": " + error.message); }'
    )
    ran = subprocess.run(
        [node, "-e", script, str(tmp_path / "predict.js")], capture_output=True, text=True, check=True, timeout=60
    )
    assert ran.stdout == "RangeError: f: expected 3 inputs, got 2"


def test_javascript_source_writes_each_weight_as_its_shortest_decimal_and_loops():
    net = network([64, 32, 10], "tanh")
    source = net.to_javascript()
    for value in (net.weights[0][3, 7], net.weights[1][9, 31], net.biases[1][4]):
        assert repr(float(value)) in source
    assert source.count("for (let j = 0;") == 2
    n_parameters = sum(w.size + b.size for w, b in zip(net.weights, net.biases))
    assert len(source) < 30 * n_parameters


@pytest.mark.parametrize(
    "name",
    [
        "",
        "1f",
        "my-net",
        "my net",
        "class",
        "function",
        "return",
        "let",
        "await",
        "eval",
        "arguments",
        "undefined",
        "né",
    ],
)
def test_javascript_refuses_a_name_that_is_not_a_javascript_identifier(name):
    net = network([2, 2], "sigmoid")
    before = net.to_dict()
    with pytest.raises(ValueError, match="name"):
        net.to_javascript(name)
    assert net.to_dict() == before


def test_javascript_accepts_dollar_and_underscore_names(node, tmp_path):
    net = network([2, 3, 1], "relu")
    rows = rows_for(net, 5)
    for name in ("$predict", "_predict", "predict_2"):
        outputs = np.array(run_js(node, tmp_path, net, rows.tolist(), name=name))
        np.testing.assert_allclose(outputs, predict_rows(net, rows), rtol=1e-12, atol=1e-12)
