"""Network.to_svg, _repr_svg_ and ``nncore info --svg``: the picture parses as XML and draws the network's numbers."""

import doctest
import importlib.util
import math
import pathlib
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import nncore
from nncore import _cli

SVG = "{http://www.w3.org/2000/svg}"
ROOT = pathlib.Path(__file__).resolve().parents[1]
XOR_PICTURE = ROOT / "docs" / "images" / "xor-network.svg"
XOR_SCRIPT = ROOT / "docs" / "images" / "make_xor_network.py"
BLUE, RED = "#2166ac", "#b2182b"


def parse(svg):
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def circles(root, layer):
    return [c for c in root.iter(f"{SVG}circle") if c.get("data-layer") == str(layer)]


def lines(root):
    return list(root.iter(f"{SVG}line"))


def visible(element):
    """An element's own text, without that of its children (a label's tooltip)."""
    return (element.text or "") + "".join(child.tail or "" for child in element)


def texts(root, cls=None):
    return [visible(t) for t in root.iter(f"{SVG}text") if cls is None or t.get("class") == cls]


def drawn(size, limit):
    """The neurons of a layer that the picture shows: all, or the first half (rounded up) and the last."""
    if size <= limit:
        return list(range(size))
    first = math.ceil(limit / 2)
    return list(range(first)) + list(range(size - (limit - first), size))


def trained_xor():
    net = nncore.Network([2, 4, 1], seed=3)
    net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], steps=3000, order="random", seed=3)
    return net


# ---------------------------------------------------------------- what is drawn


@pytest.mark.parametrize(
    ("sizes", "max_neurons"),
    [([2, 3, 1], 16), ([5, 40, 17, 3], 16), ([4, 9, 2], 2), ([3, 7, 7], 5), ([300, 200, 100, 10], 16)],
)
def test_circles_per_layer_and_the_ellipsis(sizes, max_neurons):
    root = parse(nncore.Network(sizes, seed=0).to_svg(max_neurons=max_neurons))
    more = texts(root, "ellipsis")
    for layer, size in enumerate(sizes):
        found = circles(root, layer)
        assert [int(c.get("data-neuron")) for c in found] == drawn(size, max_neurons)
        kind = "input" if layer == 0 else "output" if layer == len(sizes) - 1 else "hidden"
        assert {c.get("class") for c in found} == {kind}
    wider = [size for size in sizes if size > max_neurons]
    assert sorted(more) == sorted(f"\u2026 {size - max_neurons} more" for size in wider)


@pytest.mark.parametrize("min_weight", [0.0, 0.3, 0.8, 100.0])
def test_lines_are_the_drawn_connections_at_or_above_the_threshold(min_weight):
    net = nncore.Network([6, 20, 3], seed=1)
    root = parse(net.to_svg(min_weight=min_weight, max_neurons=8))
    found = {(int(e.get("data-layer")), int(e.get("data-from")), int(e.get("data-to"))) for e in lines(root)}
    expected = {
        (layer, i, j)
        for layer, w in enumerate(net.weights, start=1)
        for j in drawn(w.shape[0], 8)
        for i in drawn(w.shape[1], 8)
        if abs(w[j, i]) >= min_weight
    }
    assert len(lines(root)) == len(found) == len(expected)
    assert found == expected
    caption = " ".join(texts(root))
    if min_weight > 0:
        below = sum(int((np.abs(w) < min_weight).sum()) for w in net.weights)
        assert f"weights below {min_weight:g} not drawn ({below} of {6 * 20 + 20 * 3})" in caption
    else:
        assert "not drawn" not in caption


def test_colours_and_widths_follow_the_weights_and_biases():
    net = trained_xor()
    root = parse(net.to_svg())
    largest = max(float(np.abs(a).max()) for a in net.weights + net.biases)
    seen = []
    for e in lines(root):
        w = net.weights[int(e.get("data-layer")) - 1][int(e.get("data-to")), int(e.get("data-from"))]
        assert e.get("stroke") == (BLUE if w > 0 else RED)
        width = float(e.get("stroke-width"))
        assert width == pytest.approx(0.3 + 4.7 * abs(w) / largest, abs=0.006)
        assert "".join(e.itertext()) == f"weight {w:.4g}"
        seen.append((abs(w), width))
    widths = [width for _, width in sorted(seen)]
    assert widths == sorted(widths)
    for layer in (1, 2):
        for c in circles(root, layer):
            b = net.biases[layer - 1][int(c.get("data-neuron"))]
            assert c.get("stroke") == (BLUE if b > 0 else RED)
            assert float(c.get("stroke-width")) == pytest.approx(0.5 + 3.0 * abs(b) / largest, abs=0.006)
    assert sorted(texts(root, "bias")) == sorted(f"{b:+.2f}" for b in np.concatenate(net.biases))


def test_a_weight_of_zero_is_grey_and_thinnest():
    net = nncore.Network([2, 2, 1], seed=0)
    net.layers[1].neurons[0].input_connections[1].weight = 0.0
    root = parse(net.to_svg())
    (zero,) = [e for e in lines(root) if (e.get("data-layer"), e.get("data-from"), e.get("data-to")) == ("1", "1", "0")]
    assert (zero.get("stroke"), zero.get("stroke-width")) == ("#999999", "0.3")


def test_headers_and_caption_say_sizes_and_activations():
    net = nncore.Network([3, 5, 4, 2], activation=["relu", "tanh", "sigmoid"], dtype="float32", input_scaling="minmax")
    all_text = texts(parse(net.to_svg()))
    assert all_text[:8] == [
        "input",
        "3 inputs",
        "hidden 1",
        "5 \u00b7 relu",
        "hidden 2",
        "4 \u00b7 tanh",
        "output",
        "2 \u00b7 sigmoid",
    ]
    assert "Network [3, 5, 4, 2], relu, tanh, sigmoid, loss mse, float32, inputs scaled (minmax)" in all_text
    assert "Network [2, 3, 1], sigmoid, loss mse" in texts(parse(nncore.Network([2, 3, 1]).to_svg()))


def test_names_label_the_inputs_and_outputs_and_are_escaped():
    net = nncore.Network([3, 4, 2], seed=0)
    net.input_names = ["<b>", "a & b", 'say "hi" \x01']
    net.output_names = ["caf\u00e9 \u2713 \U0001f600", "\ud800 lone"]
    svg = net.to_svg()
    assert svg.isascii()
    labels = texts(parse(svg), "label")
    assert labels == ["<b>", "a & b", 'say "hi" \ufffd', "caf\u00e9 \u2713 \U0001f600", "\ufffd lone"]


def test_numbers_label_unnamed_inputs_and_outputs_and_long_names_are_cut():
    net = nncore.Network([40, 3, 2], seed=0)
    assert texts(parse(net.to_svg(max_neurons=4)), "label") == ["1", "2", "39", "40", "1", "2"]
    net.output_names = ["short", "a name much longer than twenty characters"]
    root = parse(net.to_svg())
    (long,) = [t for t in root.iter(f"{SVG}text") if t.get("class") == "label" and t.find(f"{SVG}title") is not None]
    assert long.find(f"{SVG}title").text == "a name much longer than twenty characters"
    assert texts(root, "label")[-2:] == ["short", "a name much longer \u2026"]


def test_lines_stay_bounded_for_a_network_of_hundreds_of_neurons():
    root = parse(nncore.Network([400, 300, 200, 10], seed=0).to_svg())
    assert len(lines(root)) == 16 * 16 + 16 * 16 + 16 * 10
    assert len(list(root.iter(f"{SVG}circle"))) == 16 + 16 + 16 + 10


# ---------------------------------------------------------------- options


def test_size_options_scale_the_picture_and_keep_its_proportions():
    net = nncore.Network([2, 3, 1], seed=0)
    natural = parse(net.to_svg())
    view = natural.get("viewBox")
    _, _, w, h = (float(v) for v in view.split())
    assert (float(natural.get("width")), float(natural.get("height"))) == (w, h)
    wide = parse(net.to_svg(width=2 * w))
    assert wide.get("viewBox") == view
    assert float(wide.get("height")) == pytest.approx(2 * h, abs=0.01)
    tall = parse(net.to_svg(height=h / 2))
    assert float(tall.get("width")) == pytest.approx(w / 2, abs=0.01)
    both = parse(net.to_svg(width=300, height=np.float32(100)))
    assert (both.get("width"), both.get("height")) == ("300", "100")


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"width": 0}, ValueError, "width must be a number of pixels >= 1 (or None: the picture's own size), got 0"),
        (
            {"width": -3.5},
            ValueError,
            "width must be a number of pixels >= 1 (or None: the picture's own size), got -3.5",
        ),
        ({"height": float("inf")}, ValueError, "height must be finite, got inf"),
        ({"height": "big"}, TypeError, "height must be a real number, got str 'big'"),
        ({"min_weight": -0.1}, ValueError, "min_weight must be a finite number >= 0, got -0.1"),
        ({"min_weight": None}, TypeError, "min_weight must be a real number, got NoneType None"),
        ({"min_weight": float("nan")}, ValueError, "min_weight must be a finite number >= 0, got nan"),
        ({"max_neurons": 1}, ValueError, "max_neurons must be >= 2, got 1"),
        ({"max_neurons": 2.5}, TypeError, "max_neurons must be an integer, got float 2.5"),
        ({"max_neurons": True}, TypeError, "max_neurons must be an integer, got bool True"),
        ({"scale": 2}, TypeError, "scale"),
    ],
)
def test_bad_options_are_refused_by_name(options, error, words):
    net = nncore.Network([2, 3, 1], seed=0)
    with pytest.raises(error) as raised:
        net.to_svg(**options)
    assert words in str(raised.value)


def test_options_are_keywords_only():
    with pytest.raises(TypeError):
        nncore.Network([2, 3, 1]).to_svg(400)


# ---------------------------------------------------------------- notebooks, unsized networks, the docstring


def test_repr_svg_is_to_svg():
    net = trained_xor()
    net.input_names = ["x", "y"]
    assert net._repr_svg_() == net.to_svg()


def test_an_unsized_network_has_no_picture_until_its_first_fit():
    net = nncore.Network(hidden_layers=[3], seed=0)
    with pytest.raises(RuntimeError, match="sizes are not known until its first fit"):
        net.to_svg()
    assert net._repr_svg_() is None
    net.fit([[0, 0], [1, 1]], [[0], [1]], epochs=1)
    assert len(circles(parse(net._repr_svg_()), 1)) == 3


def test_docstring_examples_run():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(nncore.Network.to_svg, "to_svg", globs={}):
        runner.run(test)
    assert runner.summarize(verbose=False).attempted > 0
    assert runner.summarize(verbose=False).failed == 0


# ---------------------------------------------------------------- the command line


def test_info_writes_the_picture_and_says_where(tmp_path, capsys):
    net = trained_xor()
    net.input_names, net.output_names = ["a", "b"], ["a xor b"]
    net.save(tmp_path / "xor.json")
    picture = tmp_path / "xor.svg"
    code = _cli.main(["info", str(tmp_path / "xor.json"), "--svg", str(picture)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[-1] == f"picture:       {picture}"
    assert picture.read_text(encoding="ascii") == nncore.load(tmp_path / "xor.json").to_svg()
    assert texts(parse(picture.read_bytes()), "label") == ["a", "b", "a xor b"]


@pytest.mark.parametrize(
    ("target", "message"),
    [("missing/x.svg", "missing: cannot write the file: no such directory"), ("-", "--svg needs a file name")],
)
def test_info_reports_a_picture_it_cannot_write(tmp_path, capsys, target, message):
    nncore.Network([2, 3, 1], seed=0).save(tmp_path / "n.json")
    code = _cli.main(["info", str(tmp_path / "n.json"), "--svg", str(tmp_path / target) if target != "-" else "-"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.startswith("nncore info: error: ") and message in captured.err
    assert len(captured.err.splitlines()) == 1


# ---------------------------------------------------------------- the picture in the documentation


@pytest.mark.skipif(not XOR_SCRIPT.is_file(), reason="the tests run from a copy without the package sources")
def test_the_committed_xor_picture_is_what_its_script_draws():
    spec = importlib.util.spec_from_file_location("make_xor_network", XOR_SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert XOR_PICTURE.read_text(encoding="ascii") == script.xor_network_svg()
    root = parse(XOR_PICTURE.read_bytes())
    assert texts(root, "label") == ["a", "b", "a XOR b"]
    assert len(lines(root)) == 2 * 10 + 10 * 10 + 10
