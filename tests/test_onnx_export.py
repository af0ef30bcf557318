"""Networks exported to ONNX, checked by ``onnx`` and run by onnxruntime.

``onnx`` and ``onnxruntime`` are optional: the tests that need them are
skipped, with the reason, when they are not installed (CI installs both).
onnxruntime's outputs must equal ``predict``'s within 1e-12 for float64
networks: its matrix products may sum in another order than the core, so
they are not bit for bit, but every constant is kept in double precision.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

import nncore
from nncore import _onnx_export
from nncore._vocabulary import ACTIVATIONS


@pytest.fixture(scope="module")
def onnx():
    return pytest.importorskip("onnx", reason="the ONNX export needs the onnx package (pip install onnx)")


@pytest.fixture(scope="module")
def onnxruntime(onnx):
    return pytest.importorskip("onnxruntime", reason="running the exported model needs onnxruntime")


def run_model(onnxruntime, model: bytes, rows: np.ndarray) -> np.ndarray:
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": rows})[0]


def network(sizes, activation, seed=1, **options):
    """A network of ``activation``; softmax, an output layer's only, on top of sigmoid layers, with cross-entropy."""
    if activation == "softmax":
        activation = ["sigmoid"] * (len(sizes) - 2) + ["softmax"]
        options.setdefault("loss", "cross_entropy")
    return nncore.Network(sizes, activation=activation, seed=seed, **options)


def test_every_activation_has_an_entry_in_the_table():
    assert set(ACTIVATIONS) <= set(_onnx_export.ACTIVATION_NODES), sorted(
        set(ACTIVATIONS) - set(_onnx_export.ACTIVATION_NODES)
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_onnxruntime_agrees_with_predict_for_every_activation(onnxruntime, activation):
    # leaky_relu with the default slope 0.01: a float32 slope (LeakyRelu's attribute)
    # would be 2e-10 off and miss 1e-12.
    net = network([6, 9, 7, 3], activation)
    rows = np.random.default_rng(0).uniform(-3.0, 3.0, (1000, 6))
    outputs = run_model(onnxruntime, net.to_onnx(), rows)
    assert outputs.dtype == np.float64 and outputs.shape == (1000, 3)
    np.testing.assert_allclose(outputs, net.predict(rows), rtol=0, atol=1e-12)


def test_onnxruntime_agrees_with_predict_for_mixed_layers(onnxruntime):
    net = network([5, 16, 12, 8, 4], ["leaky_relu", "tanh", "relu", "sigmoid"], leaky_relu_alpha=0.3)
    rows = np.random.default_rng(1).uniform(-2.0, 2.0, (1000, 5))
    np.testing.assert_allclose(run_model(onnxruntime, net.to_onnx(), rows), net.predict(rows), rtol=0, atol=1e-12)


def test_the_model_passes_the_full_onnx_check(onnx):
    model = onnx.load_from_string(network([4, 6, 2], ["relu", "leaky_relu"]).to_onnx())
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version == _onnx_export.OPSET
    assert model.ir_version == _onnx_export.IR_VERSION


def test_the_model_declares_its_input_and_output(onnx):
    model = onnx.load_from_string(network([4, 6, 2], "sigmoid").to_onnx())
    for value, width in ((model.graph.input[0], 4), (model.graph.output[0], 2)):
        tensor = value.type.tensor_type
        assert tensor.elem_type == onnx.TensorProto.DOUBLE
        assert [tensor.shape.dim[0].dim_param, tensor.shape.dim[1].dim_value] == ["N", width]
    assert [value.name for value in model.graph.input] == ["input"]
    assert [value.name for value in model.graph.output] == ["output"]


def test_weights_and_the_leaky_relu_slope_are_stored_exactly(onnx):
    net = network([3, 4, 2], "leaky_relu", leaky_relu_alpha=0.01)
    model = onnx.load_from_string(net.to_onnx())
    constants = {item.name: onnx.numpy_helper.to_array(item) for item in model.graph.initializer}
    weights = [array for name, array in constants.items() if name.startswith("weights")]
    assert [array.tobytes() for array in weights] == [w.T.tobytes() for w in net.weights]
    slopes = [array for name, array in constants.items() if name.startswith("alpha")]
    assert slopes and all(array.dtype == np.float64 and float(array) == 0.01 for array in slopes)
    assert "LeakyRelu" not in {node.op_type for node in model.graph.node}


def test_names_are_in_the_metadata(onnx):
    net = network([2, 3, 2], "tanh")
    net.input_names, net.output_names = ["x", "y"], ["sum", "carry"]
    properties = {item.key: item.value for item in onnx.load_from_string(net.to_onnx()).metadata_props}
    assert json.loads(properties["input_names"]) == ["x", "y"]
    assert json.loads(properties["output_names"]) == ["sum", "carry"]

    unnamed = onnx.load_from_string(network([2, 3, 2], "tanh").to_onnx())
    assert not {item.key for item in unnamed.metadata_props} & {"input_names", "output_names"}


def test_a_float32_network_exports_float32(onnx, onnxruntime):
    net = network([4, 8, 3], ["tanh", "sigmoid"])
    model = _onnx_export.onnx_model(net.to_dict(), np.float32)
    loaded = onnx.load_from_string(model)
    assert loaded.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert {item.data_type for item in loaded.graph.initializer} == {onnx.TensorProto.FLOAT}
    rows = np.random.default_rng(2).uniform(-1.0, 1.0, (100, 4)).astype(np.float32)
    outputs = run_model(onnxruntime, model, rows)
    assert outputs.dtype == np.float32
    np.testing.assert_allclose(outputs, net.predict(rows.astype(np.float64)), rtol=0, atol=1e-5)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_float32_network_exports_its_own_dtype(onnx, onnxruntime, activation):
    net = network([5, 7, 3], activation, dtype="float32", leaky_relu_alpha=0.2)
    loaded = onnx.load_from_string(net.to_onnx())
    assert loaded.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    rows = np.random.default_rng(3).uniform(-2.0, 2.0, (1000, 5)).astype(np.float32)
    outputs = run_model(onnxruntime, net.to_onnx(), rows)
    expected = net.predict(rows)
    assert outputs.dtype == expected.dtype == np.float32
    # float32 rounding of the sums' order and of onnxruntime's own exp and tanh
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-6)


def test_a_dtype_without_an_onnx_type_is_refused():
    with pytest.raises(ValueError, match="dtype must be float64 or float32, got"):
        _onnx_export.onnx_model(network([2, 2], "relu").to_dict(), np.int64)


def test_export_leaves_the_network_unchanged(onnx):
    net = network([3, 4, 2], "sigmoid")
    before = net.to_dict()
    net.to_onnx()
    assert net.to_dict() == before


WITHOUT_ONNX = """
import sys
sys.modules["onnx"] = None  # makes "import onnx" raise ImportError, as when it is not installed
import nncore
net = nncore.Network([2, 3, 1], seed=0)
try:
    net.to_onnx()
except ImportError as error:
    print(error)
"""


def test_without_onnx_the_export_says_how_to_install_it(tmp_path):
    ran = subprocess.run(
        [sys.executable, "-c", WITHOUT_ONNX], capture_output=True, text=True, check=True, cwd=tmp_path, timeout=120
    )
    assert 'pip install "nncore-nn[onnx]"' in ran.stdout


def test_importing_nncore_does_not_import_onnx(tmp_path):
    script = (
        "import sys, nncore; nncore.Network([2, 1]).to_c(); print(sorted({'onnx', 'onnxruntime'} & set(sys.modules)))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path, timeout=120
    )
    assert ran.stdout.strip() == "[]"
