"""The readers' contracts: paths, text and objects; format detection; deep JSON; numbers; the tutorial export."""

import ast
import copy
import fractions
import json
import pathlib
import re

import numpy as np
import pytest

import nncore
from nncore import _json, _json_formats

READERS = [nncore.Network.from_brainjs, nncore.Network.from_tutorial_json]


def trained(sizes=(2, 4, 3, 1), steps=30, seed=0, **kwargs):
    net = nncore.Network(list(sizes), seed=seed, **kwargs)
    rng = np.random.default_rng(seed)
    net.fit(rng.random((8, sizes[0])), rng.random((8, sizes[-1])), steps=steps, seed=seed)
    return net


def samples():
    """A network and its three serialized forms (the tutorial needs sigmoid layers)."""
    net = trained()
    return net, {"nncore": net.to_dict(), "brainjs": net.to_brainjs(), "tutorial": net.to_tutorial_json()}


def same_parameters(a, b, changes=True):
    for ours, theirs in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(ours, theirs)
    if changes:
        for ours, theirs in zip(a.changes, b.changes):
            np.testing.assert_array_equal(ours, theirs)


# ---------------------------------------------------------------- the modules stay leaves


@pytest.mark.parametrize(
    "module", ["_files", "_json", "_json_formats", "_brainjs", "_brainjs1", "_brainjs2", "_tutorial_format"]
)
def test_readers_do_not_import_the_network_module(module):
    source = (pathlib.Path(nncore.__file__).parent / f"{module}.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    assert "nncore._network" not in imported


# ---------------------------------------------------------------- a path, text or an object


@pytest.mark.parametrize("kind", ["brainjs", "tutorial"])
@pytest.mark.parametrize("how", ["str path", "Path", "text", "indented text", "bytes", "bytearray", "dict"])
def test_readers_take_a_path_text_or_an_object(tmp_path, kind, how):
    net, forms = samples()
    obj = forms[kind]
    path = tmp_path / "net.json"
    path.write_text(json.dumps(obj))
    given = {
        "str path": str(path),
        "Path": path,
        "text": json.dumps(obj),
        "indented text": "\n\t  " + json.dumps(obj),
        "bytes": json.dumps(obj).encode(),
        "bytearray": bytearray(json.dumps(obj).encode()),
        "dict": obj,
    }[how]
    read = nncore.Network.from_brainjs if kind == "brainjs" else nncore.Network.from_tutorial_json
    loaded = read(given)
    same_parameters(loaded, net, changes=kind == "tutorial")


@pytest.mark.parametrize("read", READERS)
def test_a_str_that_is_not_json_is_a_path(tmp_path, monkeypatch, read):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError):
        read("missing.json")
    (tmp_path / "net.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"net.json.*JSON object.*array"):
        read("net.json")
    with pytest.raises(TypeError, match="path"):
        read(3.5)
    with pytest.raises(ValueError, match=r"neither JSON text .* nor the path of an existing file"):
        read('\ufeff{"layers": []}')


@pytest.mark.parametrize("read", READERS)
def test_errors_from_a_file_name_the_file(tmp_path, read):
    _, forms = samples()
    obj = copy.deepcopy(forms["brainjs"] if read == nncore.Network.from_brainjs else forms["tutorial"])
    obj["layers"][1] = 5
    path = tmp_path / "bad-net.json"
    path.write_text(json.dumps(obj))
    with pytest.raises(ValueError, match=r"^.*bad-net\.json: .*layers\[1\]"):
        read(path)


def test_a_reader_given_another_format_points_to_the_right_one():
    _, forms = samples()
    with pytest.raises(ValueError, match=r"tutorial's toJSON.*from_tutorial_json"):
        nncore.Network.from_brainjs(forms["tutorial"])
    with pytest.raises(ValueError, match=r"brain.js's toJSON.*from_brainjs"):
        nncore.Network.from_tutorial_json(forms["brainjs"])
    with pytest.raises(ValueError, match="nncore's format"):
        nncore.Network.from_brainjs(forms["nncore"])


# ---------------------------------------------------------------- format detection and nncore.load


BRAINJS_1 = {
    "layers": [
        {"0": {}, "1": {}},
        {"0": {"bias": 0.5, "weights": {"0": 1.0, "1": -2.0}}},
    ],
    "outputLookup": False,
    "inputLookup": False,
    "activation": "sigmoid",
    "trainOpts": {"learningRate": 0.2},
}


def test_detect_format():
    _, forms = samples()
    for kind, obj in forms.items():
        assert _json_formats.detect_format(obj) == kind
        assert _json_formats.detect_format(json.loads(json.dumps(obj))) == kind
    one_x = copy.deepcopy(BRAINJS_1)
    del one_x["trainOpts"]
    assert _json_formats.detect_format(one_x) == "brainjs"


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ([], "an array"),
        ({}, "an empty object"),
        ({"weights": [1]}, "'weights'"),
        ("net", "a string"),
        (None, "null"),
        (3, "a number"),
        ({"layers": [[], {}]}, "'layers'"),
    ],
)
def test_detect_format_says_what_it_got_and_what_was_expected(value, what):
    with pytest.raises(ValueError, match=re.escape(what)) as error:
        _json_formats.detect_format(value)
    message = str(error.value)
    assert "nncore's format" in message and "brain.js" in message and "tutorial" in message


@pytest.mark.parametrize("load", [nncore.load, nncore.Network.load])
@pytest.mark.parametrize("kind", ["nncore", "brainjs", "tutorial"])
def test_load_tells_the_format_by_content(tmp_path, load, kind):
    net, forms = samples()
    path = tmp_path / "net.json"
    path.write_text(json.dumps(forms[kind]))
    loaded = load(path)
    assert type(loaded) is nncore.Network
    same_parameters(loaded, net, changes=kind != "brainjs")
    assert loaded.learning_rate == net.learning_rate
    assert loaded.iterations == (0 if kind == "brainjs" else net.iterations)


def test_load_reads_a_brainjs_1_file(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps(BRAINJS_1))
    net = nncore.load(path)
    assert net.sizes == (2, 1) and net.learning_rate == 0.2
    np.testing.assert_array_equal(net.weights[0], [[1.0, -2.0]])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[]", "expected a network.*got an array"),
        ("{}", "expected a network.*empty object"),
        ('"net"', "expected a network.*a string"),
        ('{"layers": [[], {}]}', "expected a network.*'layers'"),
    ],
)
def test_load_of_something_else_names_the_file(tmp_path, content, expected):
    path = tmp_path / "other.json"
    path.write_text(content)
    for load in (nncore.load, nncore.Network.load):
        with pytest.raises(ValueError, match=f"other.json: {expected}"):
            load(path)


def test_load_errors_in_brainjs_and_tutorial_files_name_the_file(tmp_path):
    _, forms = samples()
    forms["brainjs"]["trainOpts"]["activation"] = ["sigmoid"]
    forms["tutorial"]["iterations"] = -3
    for kind, field in (("brainjs", "trainOpts.activation"), ("tutorial", "iterations")):
        path = tmp_path / f"{kind}.json"
        path.write_text(json.dumps(forms[kind]))
        with pytest.raises(ValueError, match=rf"{kind}\.json: .*{field}"):
            nncore.load(path)


# ---------------------------------------------------------------- brain.js's fields


def brainjs_sample():
    net = nncore.Network([2, 3, 2], seed=0)
    net.input_names, net.output_names = ["a", "b"], ["x", "y"]
    return net.to_brainjs()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inputLookup", {"a": "0", "b": 1}, "inputLookup['a'] must be a column number (an integer), got str '0'"),
        ("inputLookup", {"a": True, "b": 0}, "inputLookup['a'] must be a column number (an integer), got bool True"),
        ("inputLookup", {"a": 0.0, "b": 1}, "inputLookup['a'] must be a column number"),
        ("inputLookup", {"a": None, "b": 1}, "inputLookup['a'] must be a column number"),
        ("inputLookup", {"a": 0, "b": 0}, "'inputLookup' must map 2 names to the columns 0..1"),
        ("inputLookup", ["a", "b"], "'inputLookup' must be an object"),
        ("inputLookup", True, "'inputLookup' must be an object"),
        ("inputLookup", "ab", "'inputLookup' must be an object"),
        ("outputLookup", {"x": "1", "y": 0}, "outputLookup['x'] must be a column number (an integer), got str '1'"),
        ("outputLookup", {"x": False, "y": True}, "outputLookup['x'] must be a column number"),
        ("outputLookup", {"x": [0], "y": 1}, "outputLookup['x'] must be a column number"),
        ("inputLookupLength", 3, "'inputLookupLength' must be 2"),
        ("inputLookupLength", True, "'inputLookupLength' must be 2"),
        ("outputLookupLength", "2", "'outputLookupLength' must be 2"),
        ("options", [], "'options' must be an object"),
        ("sizes", [10**400, 3, 2], "sizes[0] must be at most 2**36"),
        ("type", ["NeuralNetwork"], "'type' must be one of"),
    ],
)
def test_brainjs_fields_are_checked(field, value, message):
    obj = brainjs_sample()
    obj[field] = value
    with pytest.raises(ValueError, match=r"^brain\.js data: ") as error:
        nncore.Network.from_brainjs(obj)
    assert message in str(error.value)


@pytest.mark.parametrize("value", [["sigmoid"], [], 1, None, {"name": "relu"}, True])
@pytest.mark.parametrize("one_x", [False, True])
def test_brainjs_activation_must_be_a_name(value, one_x):
    obj = copy.deepcopy(BRAINJS_1) if one_x else brainjs_sample()
    if one_x:
        obj["activation"] = value
    else:
        obj["trainOpts"]["activation"] = value
    with pytest.raises(ValueError, match="activation' must be one of"):
        nncore.Network.from_brainjs(obj)


@pytest.mark.parametrize("lookup", [None, False, {}])
def test_no_lookup_is_null_false_or_empty(lookup):
    obj = brainjs_sample()
    obj["inputLookup"], obj["inputLookupLength"] = lookup, 0
    obj["outputLookupLength"] = None  # some brain.js versions write null
    net = nncore.Network.from_brainjs(obj)
    assert net.input_names is None and net.output_names == ("x", "y")


# ---------------------------------------------------------------- numbers


HUGE = pytest.param(10**400, id="10**400")
MINUS_HUGE = pytest.param(-(10**400), id="-10**400")


@pytest.mark.parametrize("value", [HUGE, MINUS_HUGE, fractions.Fraction(1, 3), float("inf"), "0.5", None, True])
def test_a_brainjs_weight_must_be_a_finite_json_number(value):
    obj = brainjs_sample()
    obj["layers"][1]["weights"][2][1] = value
    with pytest.raises(ValueError, match=r"^brain.js data: field 'layers\[1\].weights'"):
        nncore.Network.from_brainjs(obj)


@pytest.mark.parametrize("value", [HUGE, fractions.Fraction(1, 3), float("nan")])
def test_other_brainjs_numbers_must_be_finite_json_numbers(value):
    obj = brainjs_sample()
    obj["layers"][2]["biases"][0] = value
    with pytest.raises(ValueError, match=r"layers\[2\].biases"):
        nncore.Network.from_brainjs(obj)
    for key in ("learningRate", "momentum", "leakyReluAlpha"):
        obj = brainjs_sample()
        obj["trainOpts"][key] = value
        with pytest.raises(ValueError, match=f"trainOpts.{key}"):
            nncore.Network.from_brainjs(obj)
    one_x = copy.deepcopy(BRAINJS_1)
    one_x["layers"][1]["0"]["weights"]["1"] = value
    with pytest.raises(ValueError, match=r'layers\[1\]\["0"\].weights\["1"\]'):
        nncore.Network.from_brainjs(one_x)


@pytest.mark.parametrize("literal", ["1e400", "-1e999", "1" * 400])
def test_json_number_literals_beyond_a_float_name_the_field(literal):
    obj = brainjs_sample()
    obj["layers"][1]["biases"][0] = 12345.678
    text = json.dumps(obj).replace("12345.678", literal)
    assert literal in text
    with pytest.raises(ValueError, match=r"layers\[1\].biases.*finite"):
        nncore.Network.from_brainjs(text)


@pytest.mark.parametrize("value", [HUGE, 2**62 + 1, 1e300, float("inf"), 2.5, -1, "3", True, None])
def test_tutorial_iterations_must_be_a_count(value):
    _, forms = samples()
    obj = forms["tutorial"]
    obj["iterations"] = value
    with pytest.raises(ValueError, match=r"^tutorial data: field 'iterations' must be a whole number"):
        nncore.Network.from_tutorial_json(obj)


def test_tutorial_iterations_may_be_a_whole_float():
    _, forms = samples()
    obj = forms["tutorial"]
    obj["iterations"] = 12.0
    assert nncore.Network.from_tutorial_json(obj).iterations == 12


@pytest.mark.parametrize("value", [HUGE, fractions.Fraction(1, 2), float("-inf")])
def test_tutorial_numbers_must_be_finite_json_numbers(value):
    _, forms = samples()
    for change, field in [
        (
            lambda d: d["layers"][1][0]["inputConnections"][1].update(weight=value),
            r"layers\[1\]\[0\].inputConnections\[1\].weight",
        ),
        (lambda d: d["layers"][2][2].update(bias=value), r"layers\[2\]\[2\].bias"),
        (lambda d: d.update(learningRate=value), "learningRate"),
    ]:
        obj = copy.deepcopy(forms["tutorial"])
        change(obj)
        with pytest.raises(ValueError, match=field):
            nncore.Network.from_tutorial_json(obj)


# ---------------------------------------------------------------- JSON text


def deep_arrays(depth):
    return "[" * depth + "]" * depth


def deep_objects(depth):
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    "text",
    [
        deep_arrays(100_000),
        deep_objects(100_000),
        deep_arrays(_json.MAX_DEPTH + 1),
        '{"layers": ' + deep_arrays(5000) + "}",
    ],
)
def test_deep_json_is_a_value_error(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    readers = [nncore.Network.from_json, nncore.Network.from_brainjs, nncore.Network.from_tutorial_json]
    for read in readers:
        for given in (text, text.encode()):
            with pytest.raises(ValueError, match=f"nested .* at most {_json.MAX_DEPTH}"):
                read(given)
    for read in readers[1:] + [nncore.load, nncore.Network.load]:
        with pytest.raises(ValueError, match=r"deep.json is nested"):
            read(path)


def test_nesting_depth_ignores_brackets_in_strings():
    assert _json.nesting_depth('{"a": "[[[[{{", "b": ["]]\\"[["]}') == 2
    assert _json.nesting_depth("[1, 2]") == 1 and _json.nesting_depth("3") == 0
    nested = deep_arrays(_json.MAX_DEPTH)
    assert _json.parse(nested, "x") is not None  # the limit itself is accepted


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_not_json(literal):
    obj = brainjs_sample()
    text = json.dumps(obj).replace('"learningRate": 0.3', f'"learningRate": {literal}')
    assert literal in text
    with pytest.raises(ValueError, match=f"brain.js data is not valid JSON: {literal} is not a JSON value"):
        nncore.Network.from_brainjs(text)
    with pytest.raises(ValueError, match=f"network data is not valid JSON: {literal}"):
        nncore.Network.from_json(json.dumps(nncore.Network([2, 1]).to_dict()).replace("0.3", literal, 1))


def test_brainjs_timeout_string_is_read():
    obj = brainjs_sample()
    assert obj["trainOpts"]["timeout"] == "Infinity"
    nncore.Network.from_brainjs(json.dumps(obj))


def test_an_integer_with_too_many_digits_is_invalid_json():
    text = json.dumps(brainjs_sample()).replace('"learningRate": 0.3', '"learningRate": ' + "9" * 5000)
    with pytest.raises(ValueError, match=r"brain.js data is not valid JSON"):
        nncore.Network.from_brainjs(text)


def test_bytes_that_are_not_text_are_invalid_json():
    with pytest.raises(ValueError, match="network data is not valid JSON"):
        nncore.Network.from_json(b'{"format": "\xff\xfe\xfd"}')


# ---------------------------------------------------------------- the tutorial export


@pytest.mark.parametrize("sizes", [(1, 1), (2, 1), (2, 4, 3, 1), (3, 5, 2), (4, 2, 2, 2, 3)])
def test_tutorial_round_trip_is_exact(sizes):
    net = trained(sizes, learning_rate=0.25, steps=40)
    obj = net.to_tutorial_json()
    for form in (obj, json.loads(json.dumps(obj)), json.dumps(obj)):
        loaded = nncore.Network.from_tutorial_json(form)
        same_parameters(loaded, net)
        assert (loaded.learning_rate, loaded.iterations, loaded.sizes) == (0.25, net.iterations, net.sizes)
        assert loaded.iterations == 40


def test_tutorial_export_has_the_tutorials_layout():
    net = trained((2, 3, 1))
    obj = net.to_tutorial_json()
    assert set(obj) == {"learningRate", "iterations", "layers"}
    assert [len(layer) for layer in obj["layers"]] == [2, 3, 1]
    neuron = obj["layers"][1][2]
    assert set(neuron) == {"id", "delta", "output", "error", "bias", "inputConnections", "outputConnections"}
    assert neuron["bias"] == net.biases[0][2]
    for k, connection in enumerate(neuron["inputConnections"]):
        assert set(connection) == {"change", "weight", "from", "to"}
        assert connection["weight"] == net.weights[0][2, k] and connection["change"] == net.changes[0][2, k]
        assert (connection["from"], connection["to"]) == (obj["layers"][0][k]["id"], neuron["id"])
        assert obj["layers"][0][k]["outputConnections"][2] == connection
    assert [c["weight"] for c in neuron["outputConnections"]] == [net.weights[1][0, 2]]
    assert all(not n["inputConnections"] for n in obj["layers"][0])
    assert all(not n["outputConnections"] for n in obj["layers"][-1])
    ids = [n["id"] for layer in obj["layers"] for n in layer]
    assert len(set(ids)) == len(ids)


def test_tutorial_export_does_not_keep_the_momentum_or_names():
    net = trained((2, 2, 1), momentum=0.5)
    net.input_names = ["a", "b"]
    loaded = nncore.Network.from_tutorial_json(net.to_tutorial_json())
    assert loaded.momentum == 0.1 and loaded.input_names is None
    same_parameters(loaded, net)


@pytest.mark.parametrize("activation", ["tanh", ["sigmoid", "relu"], "leaky_relu"])
def test_tutorial_export_refuses_other_activations(activation):
    net = nncore.Network([2, 2, 1], activation=activation, seed=0)
    with pytest.raises(ValueError, match=r"tutorial's network is sigmoid only.*\['"):
        net.to_tutorial_json()


# ---------------------------------------------------------------- one field reader


def test_every_dictionary_format_names_a_missing_field_by_its_path():
    _, forms = samples()
    broken = copy.deepcopy(forms)
    del broken["nncore"]["layers"][0]["biases"]
    del broken["brainjs"]["layers"][1]["biases"]
    del broken["tutorial"]["layers"][1][0]["bias"]
    cases = [
        (nncore.Network.from_dict, broken["nncore"], "network data: missing field 'layers[0].biases'"),
        (nncore.Network.from_brainjs, broken["brainjs"], "brain.js data: missing field 'layers[1].biases'"),
        (nncore.Network.from_tutorial_json, broken["tutorial"], "tutorial data: missing field 'layers[1][0].bias'"),
    ]
    for read, obj, message in cases:
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            read(obj)
