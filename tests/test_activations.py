"""One table of activations (``nncore._activations``) drives every place that computes or names one.

An activation is spelled once: its formulas and its name in each format are an
entry of ``ACTIVATION_TABLE``, and every exporter, reader and implementation
takes them from there. These tests check that each of them knows every
activation of the table, and that no module of the package keeps a table of
activations of its own.
"""

import ast
from pathlib import Path

import numpy as np
import pytest

from nncore import _batched, _brainjs, _fann, _onnx_export, _source_export, _vocabulary, reference, sklearn
from nncore._activations import ACTIVATION_TABLE
from nncore._vocabulary import ACTIVATIONS

PACKAGE = Path(__file__).resolve().parents[1] / "nncore"


class RecordingGraph:
    """Stands in for the ONNX graph builder: records the nodes an activation adds."""

    def __init__(self):
        self.nodes = []

    def node(self, op_type, *inputs, output=None):
        self.nodes.append((op_type, inputs))
        return f"{op_type.lower()}_{len(self.nodes)}"

    def constant(self, stem, values):
        return stem


def test_the_table_is_the_vocabulary_in_the_kernels_order():
    assert tuple(ACTIVATION_TABLE) == ACTIVATIONS
    assert [entry.name for entry in ACTIVATION_TABLE.values()] == list(ACTIVATIONS)
    assert (
        tuple(name for name, entry in ACTIVATION_TABLE.items() if entry.whole_layer)
        == _vocabulary.OUTPUT_ONLY_ACTIVATIONS
    )


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_place_knows_every_activation_of_the_table(name):
    entry = ACTIVATION_TABLE[name]
    for ctype in _source_export.C_TYPES.values():
        expression = _source_export.c_activation(name, ctype, "0.25")
        assert "{" not in expression and "z" in expression
    assert "{" not in _source_export.javascript_activation(name, "0.25")
    if entry.whole_layer:
        assert name in _source_export.C_LAYER_PASSES and name in _source_export.JAVASCRIPT_LAYER_PASSES
    graph = RecordingGraph()
    assert _onnx_export.ACTIVATION_NODES[name](graph, "z", 0.25) and graph.nodes
    rows = np.array([[-1.5], [0.0], [2.0]])
    outputs = _batched.forward_matrix([(np.ones((2, 1)), np.zeros(2))], [name], 0.25, rows)
    assert outputs.shape == (3, 2) and np.all(np.isfinite(outputs))
    if entry.brainjs is not None:
        assert _brainjs.FROM_BRAINJS_ACTIVATION[entry.brainjs] == name
    assert name in _fann.ACTIVATIONS or name in _fann.NOT_IN_FANN
    if isinstance(entry.fann, tuple):
        assert entry.fann[0] in _fann.FANN_ACTIVATION_NAMES
    if entry.sklearn is not None and not entry.whole_layer:
        assert entry.sklearn in sklearn.HIDDEN_ACTIVATIONS
    layer = reference.Layer(3, name, 0.25)
    outputs = layer.activate_all([-1.5, 0.0, 2.0])
    assert len(outputs) == 3
    if not entry.whole_layer:
        assert layer.delta(1.0, outputs[2]) == entry.delta(1.0, outputs[2], 0.25)


def _activation_tables_in(path):
    """The dictionaries of ``path`` whose keys name two or more activations: tables of activations."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        and sum(isinstance(key, ast.Constant) and key.value in ACTIVATIONS for key in node.keys) >= 2
    ]


@pytest.mark.skipif(not PACKAGE.is_dir(), reason="the tests run from a copy without the package sources")
def test_no_module_keeps_a_table_of_activations_of_its_own():
    found = {
        path.name: lines
        for path in sorted(PACKAGE.glob("*.py"))
        if path.name != "_activations.py" and (lines := _activation_tables_in(path))
    }
    assert not found, found
