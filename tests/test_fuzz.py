"""Property-based attacks on every public entry point (see ``fuzz_support.py`` for the rule checked).

The calls that feed hostile objects to the compiled core run in child
processes (one per property, many examples each): a crash or a hang fails
that test with the child's output. The readers of dictionaries, JSON text and
files, the setters and the round trips run here.

``NNCORE_FUZZ=deep`` runs 50 times the examples, with a random seed.
"""

import copy
import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nncore

HERE = Path(__file__).resolve().parent
SUPPORT = HERE / "fuzz_support.py"


def _load_support():
    spec = importlib.util.spec_from_file_location("nncore_fuzz_support", SUPPORT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pickle and hypothesis look classes up by module name
    spec.loader.exec_module(module)
    return module


fz = _load_support()
fuzz_settings, attempt, Unchanged = fz.fuzz_settings, fz.attempt, fz.Unchanged

CHILD_TIMEOUT = 300 * (fz.DEEP_FACTOR if fz.DEEP else 1)


# ---------------------------------------------------------------- in child processes


@pytest.mark.skipif(sys.platform == "emscripten", reason="WebAssembly builds cannot start processes")
@pytest.mark.parametrize("name", sorted(fz.CHILD_PROPERTIES))
def test_hostile_calls_in_a_child_process(name):
    # The child imports nncore from where this process did (an installed wheel or a source tree).
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    try:
        child = subprocess.run(
            [sys.executable, str(SUPPORT), name],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
            cwd=HERE,
            env=env,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{name}: the child hung for {CHILD_TIMEOUT} s\n{error.stdout}\n{error.stderr}")
    output = f"stdout:\n{child.stdout[-20000:]}\nstderr:\n{child.stderr[-20000:]}"
    assert child.returncode == 0, f"{name}: the child ended with code {child.returncode}\n{output}"
    assert "examples passed" in child.stdout, output


# ---------------------------------------------------------------- readers of dictionaries and text


def as_text(document):
    """``document`` as JSON text, or itself when it holds what JSON cannot write."""
    try:
        return json.dumps(document)
    except (TypeError, ValueError, RecursionError):
        return document


def _keys(document) -> list[str]:
    return sorted({str(path[-1]) for path in fz._paths(document) if path and isinstance(path[-1], str)})


@fuzz_settings(150)
@given(fz.networks(), st.data())
def test_from_dict_of_a_mutated_dict(net, data):
    document = net.to_dict()
    broken = data.draw(fz.mutated(document), label="document")
    made = attempt(lambda: nncore.Network.from_dict(broken), _keys(document) + ["dict"], what="from_dict")
    if made is not None:
        fz.round_trips(made)


@fuzz_settings(30)
@given(st.one_of(fz.junk, st.sampled_from([10, 10_000]).map(fz.deep_list)))
def test_from_dict_of_junk(value):
    attempt(lambda: nncore.Network.from_dict(value), ["network data", "dict"], what="from_dict")


@fuzz_settings(150)
@given(fz.networks(), st.data())
def test_from_json_of_edited_text(net, data):
    text = net.to_json()
    edited = data.draw(fz.edited_text(text), label="text")
    as_bytes = data.draw(st.booleans(), label="as bytes")
    if as_bytes:
        edited = edited.encode("utf-8", "surrogatepass")
    # a str that no longer starts with { or [ is a path, which may name no file
    also, words = ((), TEXT_WORDS) if as_bytes else (OSError, TEXT_WORDS + ["path"])
    made = attempt(lambda: nncore.Network.from_json(edited), _keys(net.to_dict()) + words, also=also, what="from_json")
    if made is not None:
        fz.round_trips(made)


TEXT_WORDS = ["JSON", "nested"]
"""Words a reader of text may name instead of a field: the text itself, or how deeply it nests."""

DEEP_TEXTS = [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 100_000 + "1" + "}" * 100_000,
    "[" * 100_000,
    "1" * 100_000,
    '"' + "\\u0000" * 1000 + '"',
    "1e999",
    "-Infinity",
    "NaN",
    "",
]


@pytest.mark.parametrize("text", DEEP_TEXTS, ids=range(len(DEEP_TEXTS)))
@pytest.mark.parametrize("reader", ["from_json", "from_brainjs", "from_tutorial_json"])
def test_readers_of_deeply_nested_or_odd_json_text(reader, text):
    # the readers also take a path: text that is not JSON may name no file.
    attempt(lambda: getattr(nncore.Network, reader)(text), TEXT_WORDS + ["data", "path"], also=OSError, what=reader)


@fuzz_settings(120)
@given(fz.networks(), st.data())
def test_from_brainjs_of_a_mutated_object(net, data):
    net.learning_rate, net.momentum = 0.3, 0.1
    try:
        document = net.to_brainjs()
    except ValueError:  # several activations or a slope brain.js refuses: nothing to mutate
        return
    broken = data.draw(fz.mutated(document), label="document")
    if data.draw(st.booleans(), label="as text"):
        broken = as_text(broken)
    made = attempt(
        lambda: nncore.Network.from_brainjs(broken), _keys(document) + ["brain.js data", "dict"], what="from_brainjs"
    )
    if made is not None:
        fz.round_trips(made)


def tutorial_document(net) -> dict:
    """The tutorial's ``Network.toJSON()`` of a sigmoid network, with neuron ids and connection ends."""
    layers = net.layers

    def ident(l, j):
        return f"n{l}-{j}"

    def connection(l, j, k):  # from neuron k of layer l - 1 to neuron j of layer l
        c = layers[l].neurons[j].input_connections[k]
        return {"weight": c.weight, "change": c.change, "from": ident(l - 1, k), "to": ident(l, j)}

    document = {"learningRate": net.learning_rate, "momentum": net.momentum, "iterations": net.iterations, "layers": []}
    for l, size in enumerate(net.sizes):
        neurons = []
        for j in range(size):
            following = range(net.sizes[l + 1]) if l + 1 < len(net.sizes) else range(0)
            neurons.append(
                {
                    "id": ident(l, j),
                    "output": 0,
                    "error": 0,
                    "bias": 0 if l == 0 else layers[l].neurons[j].bias,
                    "inputConnections": [] if l == 0 else [connection(l, j, k) for k in range(net.sizes[l - 1])],
                    "outputConnections": [connection(l + 1, i, j) for i in following],
                }
            )
        document["layers"].append(neurons)
    return document


@fuzz_settings(80)
@given(fz.networks(), st.data())
def test_from_tutorial_json_of_a_mutated_object(net, data):
    document = tutorial_document(net)
    broken = data.draw(fz.mutated(document), label="document")
    if data.draw(st.booleans(), label="as text"):
        broken = as_text(broken)
    made = attempt(
        lambda: nncore.Network.from_tutorial_json(broken),
        _keys(document) + ["tutorial data", "dict"],
        what="from_tutorial_json",
    )
    if made is not None:
        fz.round_trips(made)


def test_tutorial_document_is_read_back_exactly():
    # The mutations above start from a valid document: check that it is one.
    net = nncore.Network([2, 3, 1], momentum=0.1, seed=3)
    net.train([0.5, 0.25], [1.0])
    made = nncore.Network.from_tutorial_json(tutorial_document(net))
    assert made.to_dict() == net.to_dict()


# ---------------------------------------------------------------- files


@fuzz_settings(60)
@given(fz.networks(), st.data())
def test_load_of_an_edited_file(tmp_path_factory, net, data):
    path = tmp_path_factory.mktemp("load") / "net.json"
    content = data.draw(fz.edited_text(net.to_json()), label="content").encode("utf-8", "surrogatepass")
    path.write_bytes(content)
    loader = data.draw(st.sampled_from([nncore.load, nncore.Network.load]))
    made = attempt(lambda: loader(path), _keys(net.to_dict()) + TEXT_WORDS, what="load")
    if made is not None:
        fz.round_trips(made)


@fuzz_settings(40)
@given(fz.networks(), st.one_of(fz.junk, st.just(""), st.just("\x00"), st.just(b"net.json")))
def test_save_and_load_of_a_junk_path(tmp_path_factory, net, path):
    if isinstance(path, str) and path.strip("\x00"):  # a real name: keep it inside a temporary folder
        path = str(tmp_path_factory.mktemp("paths") / ("net" + path.replace(os.sep, "_")))
    # A name the file system refuses, or a file that is not there, is an OSError, as for open().
    attempt(lambda: net.save(path), ["path"], net=net, read_only=True, also=OSError, what="save")
    attempt(lambda: nncore.load(path), ["path"], also=OSError, what="load")


# ---------------------------------------------------------------- setters, writers, copies


@fuzz_settings(150)
@given(fz.networks(), st.sampled_from(["learning_rate", "momentum", "input_names", "output_names"]), st.data())
def test_setters(net, name, data):
    if name.endswith("_names"):
        value = data.draw(
            st.one_of(fz.junk, st.lists(st.one_of(st.text(max_size=3), fz.junk), max_size=5), fz.arrays()),
            label="value",
        )
    else:
        value = data.draw(st.one_of(fz.junk, st.floats()), label="value")
    attempt(lambda: setattr(net, name, value), [name], net=net, what=f"setting {name}")
    fz.round_trips(net)


@fuzz_settings(60)
@given(fz.networks())
def test_writers_and_copies_keep_the_exact_state(net):
    fz.round_trips(net)
    document = attempt(net.to_brainjs, ["brain.js"], net=net, read_only=True, what="to_brainjs")
    if document is not None:
        made = nncore.Network.from_brainjs(json.loads(json.dumps(document)))
        assert made.sizes == net.sizes and made.activations == net.activations
        x = np.linspace(-1, 1, net.sizes[0])
        np.testing.assert_allclose(made.predict(x), net.predict(x), rtol=1e-5, atol=1e-5)  # float32 weights


@fuzz_settings(30)
@given(fz.networks())
def test_copies_are_independent(net):
    for made in (copy.copy(net), copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        before = Unchanged(net).state
        made.learning_rate = 0.5
        made.layers[1].neurons[0].bias = 123.0
        made.layers[1].neurons[0].input_connections[0].change = -1.0
        assert Unchanged(net).state == before


# ---------------------------------------------------------------- names of exported C and JavaScript functions


def naming_network(dtype="float64"):
    net = nncore.Network([3, 4, 2], activation=["tanh", "sigmoid"], seed=3, dtype=dtype)
    net.input_names, net.output_names = ["a", "b", "c"], ["p", "q"]
    return net


NAMING_INPUT = np.array([0.25, -1.5, 2.0])

C_ISSUE_NAMES = [
    "nncore_exp64",
    "nncore_tanh32",
    "NNCORE_FUNCTION",
    "NNCORE_ELEMENTARY64",
    "memcpy",
    "int64_t",
    "uint32_t",
    "size_t",
    "NULL",
    "INFINITY",
    "isnan",
    "UINT64_C",
    "INT8_MAX",
    "printf",
    "abort",
    "y0",
    "linux",
    "strdup",
]
JAVASCRIPT_ISSUE_NAMES = ["layers", "x0", "x1", "x2", "inputNames", "outputNames", "result", "input", "row", "sum"]


def check_c_names(cc, names, directory, dtype="float64"):
    """Every name ``to_c`` takes compiles in strict C99 and in the default dialect, and gives ``predict``'s bits."""
    net = naming_network(dtype)
    before = Unchanged(net)
    accepted = fz.accepted_names(net.to_c, names)
    before.check("refused names")
    if not accepted:
        return accepted
    expected = [float(value) for value in net.predict(NAMING_INPUT.astype(net.dtype))]
    for dialect, flags in fz.C_DIALECTS.items():
        for batch in fz.c_batches(accepted, len(net.sizes) - 1):
            outputs = fz.run_c_functions(cc, flags, net, batch, NAMING_INPUT, directory)
            wrong = [name for name in batch if outputs.get(name) != expected]
            assert not wrong, f"{dialect}: wrong outputs from {wrong[:10]}"
    return accepted


def check_javascript_names(node, names, directory):
    """Every name ``to_javascript`` takes runs in node, agrees with ``predict`` and leaves its input alone."""
    net = naming_network()
    before = Unchanged(net)
    accepted = fz.accepted_names(net.to_javascript, names)
    before.check("refused names")
    if not accepted:
        return accepted
    expected = net.predict(NAMING_INPUT)
    outputs = fz.run_javascript_functions(node, net, accepted, NAMING_INPUT, directory)
    wrong = [name for name in accepted if not np.allclose(outputs.get(name, []), expected, rtol=1e-12, atol=0)]
    assert not wrong, f"wrong outputs from {wrong[:10]}"
    return accepted


def test_every_reserved_c_name_is_refused():
    from nncore._source_export import C_RESERVED, c_own_names

    net = naming_network()
    assert fz.accepted_names(net.to_c, sorted(C_RESERVED | c_own_names())) == []
    assert fz.accepted_names(net.to_c, C_ISSUE_NAMES) == []


def test_every_reserved_javascript_name_is_refused():
    from nncore._source_export import JAVASCRIPT_RESERVED

    net = naming_network()
    assert fz.accepted_names(net.to_javascript, sorted(JAVASCRIPT_RESERVED) + ["_nnX0", "_nnLayers"]) == []


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_c_names_of_the_headers_and_the_generated_code_are_refused_or_compile(cc, tmp_path, dtype):
    from nncore._source_export import C_RESERVED, c_own_names

    net = naming_network(dtype)
    names = set().union(*(fz.c_header_names(cc, flags) for flags in fz.C_DIALECTS.values()))
    names |= set(fz._IDENTIFIER.findall(net.to_c()))  # the generated code's own words: a, sum, input, ...
    names |= {variant for name in sorted(C_RESERVED | c_own_names())[::29] for variant in fz.name_variants(name)}
    accepted = check_c_names(cc, names, str(tmp_path), dtype)
    assert "a" in accepted and "input" in accepted and "sum" in accepted


def test_javascript_names_of_the_globals_and_the_generated_code_are_refused_or_run(node, tmp_path):
    from nncore._source_export import JAVASCRIPT_RESERVED

    names = fz.javascript_global_names(node) | set(JAVASCRIPT_ISSUE_NAMES)
    names |= set(fz._IDENTIFIER.findall(naming_network().to_javascript()))
    names |= {variant for name in sorted(JAVASCRIPT_RESERVED) for variant in fz.name_variants(name)}
    accepted = check_javascript_names(node, names, str(tmp_path))
    assert set(JAVASCRIPT_ISSUE_NAMES) <= set(accepted)


def test_the_command_line_exports_a_javascript_function_named_layers_that_works(node, tmp_path):
    net = naming_network()
    net.save(tmp_path / "net.json")
    from nncore import _cli

    assert (
        _cli.main(
            ["export", str(tmp_path / "net.json"), "--to", "js", "--name", "layers", "-o", str(tmp_path / "layers.js")]
        )
        == 0
    )
    assert (tmp_path / "layers.js").read_text() == net.to_javascript("layers")
    outputs = fz.run_javascript_functions(node, net, ["layers"], NAMING_INPUT, str(tmp_path))
    assert np.allclose(outputs["layers"], net.predict(NAMING_INPUT), rtol=1e-12, atol=0)


_NAME_POOL = sorted(set(C_ISSUE_NAMES) | set(JAVASCRIPT_ISSUE_NAMES))


@st.composite
def export_names(draw):
    """A list of names drawn from the reserved-word lists, the issue's names and the generated code's,
    each maybe edited the way a user would."""
    from nncore._source_export import C_RESERVED, JAVASCRIPT_RESERVED, c_own_names

    pool = st.sampled_from(sorted(C_RESERVED | c_own_names() | JAVASCRIPT_RESERVED) + _NAME_POOL)
    edit = st.sampled_from(
        [
            str,
            str.upper,
            str.lower,
            str.capitalize,
            lambda n: n + "_",
            lambda n: n + "1",
            lambda n: "x" + n,
            lambda n: n + "_weights_1",
            lambda n: n + "$",
        ]
    )
    return draw(st.lists(st.builds(lambda name, change: change(name), pool, edit), min_size=1, max_size=40))


@fuzz_settings(4)
@given(names=export_names())
def test_names_drawn_from_the_reserved_lists_compile_and_run(cc, node, tmp_path_factory, names):
    directory = str(tmp_path_factory.mktemp("names"))
    check_c_names(cc, names, directory)
    check_javascript_names(node, names, directory)
