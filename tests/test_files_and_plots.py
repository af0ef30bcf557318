"""Reading and writing files (from_json of a path, load of text, directories), astype, the ONNX model's
float32 input, FitResult.plot's curves, and progress bars that end at 100 %."""

import json
import os
import pathlib

import numpy as np
import pytest

import nncore
from nncore import _cli

XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [0, 1, 1, 0]
POINTS = pathlib.Path(__file__).with_name("data") / "points.csv"
SAVING_PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "user_guide" / "saving.md"


def trained(dtype="float64", **options):
    net = nncore.Network([2, 3, 1], seed=0, dtype=dtype, **options)
    net.fit(XOR_X, XOR_Y, epochs=20, seed=0)
    net.input_names, net.output_names = ["a", "b"], ["y"]
    return net


# ---------------------------------------------------------------- from_json, load, save


@pytest.mark.skipif(not SAVING_PAGE.is_file(), reason="the tests run from a copy without the docs")
def test_the_saving_page_shows_the_dictionary_that_to_dict_writes():
    example = SAVING_PAGE.read_text(encoding="utf-8").partition("The dictionary format")[2].split("```")[1]
    data = nncore.Network([2, 10, 10, 1]).to_dict()
    assert f'"version": {data["version"]},' in example
    assert [key for key in data if f'"{key}":' not in example] == []


def test_from_json_reads_a_file_by_str_or_pathlike(tmp_path):
    net = trained()
    path = tmp_path / "net.json"
    net.save(path)
    for source in (path, str(path), path.read_text(), path.read_bytes(), "  \n" + path.read_text()):
        assert nncore.Network.from_json(source).to_dict() == net.to_dict()


def test_from_json_names_the_file_it_read(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(trained().to_json().replace('"sigmoid"', '"sigmoidal"'))
    with pytest.raises(ValueError, match=r"broken\.json: .*activation"):
        nncore.Network.from_json(path)
    with pytest.raises(FileNotFoundError):
        nncore.Network.from_json(str(tmp_path / "missing.json"))
    with pytest.raises(TypeError, match=r"JSON string .* or a file's path .*got int"):
        nncore.Network.from_json(3)


def test_from_json_points_to_the_reader_of_another_format(tmp_path):
    path = tmp_path / "brain.json"
    path.write_text(json.dumps(trained().to_brainjs()))
    with pytest.raises(ValueError, match=r"brain\.json: .*brain\.js's toJSON\(\).*from_brainjs"):
        nncore.Network.from_json(path)


@pytest.mark.parametrize("load", [nncore.load, nncore.Network.load])
def test_load_of_text_points_to_from_json(load):
    text = trained().to_json()
    with pytest.raises(ValueError, match=r"takes a file's path .*got text .*Network\.from_json"):
        load(text)
    with pytest.raises(ValueError, match=r"takes a file's path .*from_fann"):
        load(trained().to_fann())
    with pytest.raises(TypeError, match=r"takes a file's path .*got bytes .*Network\.from_json"):
        load(text.encode())


def test_load_reads_a_file_whose_name_looks_like_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = trained()
    net.save("{net}.json")
    assert nncore.load("{net}.json").to_dict() == net.to_dict()


def test_save_and_load_name_a_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = trained()
    before = sorted(os.listdir(tmp_path))
    for target in (".", tmp_path, str(tmp_path) + os.sep, "..", pathlib.Path(".")):
        with pytest.raises(ValueError, match=r"a directory, not a file; give the path of a file to write"):
            net.save(target)
        with pytest.raises(ValueError, match=r"a directory, not a file; give the path of a file to read"):
            nncore.load(target)
    assert sorted(os.listdir(tmp_path)) == before


# ---------------------------------------------------------------- astype


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rprop"])
def test_astype_float32_rounds_every_value_and_keeps_the_rest(optimizer):
    net = trained(optimizer=optimizer)
    small = net.astype("float32")
    assert isinstance(small, nncore.Network) and small is not net
    assert small.dtype == np.float32 and net.dtype == np.float64
    wide, narrow = net.to_dict(), small.to_dict()

    def rounded(value):
        return np.asarray(value, dtype=np.float64).astype(np.float32).astype(np.float64).tolist()

    for key in wide:
        if key == "dtype":
            assert narrow[key] == "float32"
        elif key == "layers":
            for layer, converted in zip(wide[key], narrow[key]):
                assert {name: rounded(values) for name, values in layer.items()} == converted
        elif key == "optimizer_state":
            for layer, converted in zip(wide[key]["layers"], narrow[key]["layers"]):
                assert {name: rounded(values) for name, values in layer.items()} == converted
            assert {k: v for k, v in wide[key].items() if k != "layers"} == {
                k: v for k, v in narrow[key].items() if k != "layers"
            }
        else:
            assert narrow[key] == wide[key], key
    assert np.array_equal(small.predict(XOR_X), small.astype(np.float64).astype(np.float32).predict(XOR_X))


def test_astype_round_trip_keeps_float32_values_exactly():
    small = trained("float32", optimizer="adam")
    back = small.astype(np.float64).astype("float32")
    assert back.to_dict() == small.to_dict()
    assert small.astype("float64").to_dict() == {**small.to_dict(), "dtype": "float64"}
    # training goes on exactly as the original's would
    errors = [net.fit(XOR_X, XOR_Y, epochs=3, seed=1).errors.tolist() for net in (back, small)]
    assert errors[0] == errors[1]


def test_astype_copies_as_numpy_does():
    net = trained()
    same = net.astype("float64")
    assert same is not net and same.to_dict() == net.to_dict()
    same.fit(XOR_X, XOR_Y, epochs=1)
    assert same.iterations != net.iterations
    assert net.astype(np.dtype("float64"), copy=False) is net
    assert net.astype("float32", copy=False) is not net


def test_astype_refuses_bad_types_and_values_out_of_float32_range():
    net = trained()
    with pytest.raises(ValueError, match="dtype"):
        net.astype("float16")
    with pytest.raises(TypeError, match="copy must be True or False"):
        net.astype("float32", copy="yes")
    net.layers[1].neurons[0].bias = 1e300
    before = net.to_dict()
    with pytest.raises(ValueError, match="biases"):
        net.astype("float32")
    assert net.to_dict() == before


# ---------------------------------------------------------------- ONNX: float32 input


def test_onnx_model_of_a_float64_network_takes_float32_input():
    onnx = pytest.importorskip("onnx")
    onnxruntime = pytest.importorskip("onnxruntime")
    net = nncore.Network([3, 8, 2], activation=["tanh", "sigmoid"], seed=1)
    net.fit(np.random.default_rng(0).random((20, 3)), np.random.default_rng(1).random((20, 2)), epochs=5, seed=0)
    model = net.to_onnx(input_dtype="float32")
    proto = onnx.load_from_string(model)
    types = [value.type.tensor_type.elem_type for value in (proto.graph.input[0], proto.graph.output[0])]
    assert types == [onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE]
    assert proto.graph.node[0].op_type == "Cast"
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(2).normal(size=(50, 3)).astype(np.float32)
    out = session.run(["output"], {"input": x})[0]
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, net.predict(x.astype(np.float64)), rtol=0, atol=1e-12)
    # the default stays the network's type
    default = onnx.load_from_string(net.to_onnx())
    assert default.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE


def test_onnx_input_dtype_is_checked():
    with pytest.raises(ValueError, match="input_dtype must be float64 or float32, got str 'int32'"):
        trained().to_onnx(input_dtype="int32")


# ---------------------------------------------------------------- FitResult.plot


@pytest.fixture
def pyplot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_plot_draws_the_validation_curve_and_the_best_epoch(pyplot):
    rng = np.random.default_rng(0)
    X, Xv = rng.random((40, 2)), rng.random((20, 2))
    net = nncore.Network([2, 16, 1], seed=0, learning_rate=2.0, momentum=0.9)
    Y, Yv = (X.sum(1) > 1).astype(float), (Xv.sum(1) > 1).astype(float)
    result = net.fit(X, Y, epochs=400, seed=0, validation_data=(Xv, Yv), patience=5)
    assert result.stop_reason == "patience" and result.best_epoch is not None
    ax = result.plot()
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["training", "validation", f"best epoch ({result.best_epoch})"]
    assert lines["training"].get_ydata().tolist() == result.errors.tolist()
    assert lines["validation"].get_ydata().tolist() == result.validation_errors.tolist()
    assert list(lines["validation"].get_xdata()) == list(range(1, len(result.validation_errors) + 1))
    assert list(lines[f"best epoch ({result.best_epoch})"].get_xdata()) == [result.best_epoch] * 2
    assert [text.get_text() for text in ax.get_legend().get_texts()] == list(lines)
    assert f"best epoch {result.best_epoch}" in ax.get_title()


def test_plot_without_validation_draws_the_training_curve_with_a_legend(pyplot):
    result = nncore.Network([2, 3, 1], seed=0).fit(XOR_X, XOR_Y, epochs=10, seed=0)
    ax = result.plot(label="xor", color="red")
    assert [line.get_label() for line in ax.get_lines()] == ["xor"]
    assert ax.get_lines()[0].get_color() == "red"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["xor"]


def test_plot_of_validation_errors_alone(pyplot):
    net = nncore.Network([2, 3, 1], seed=0)
    result = net.fit(XOR_X, XOR_Y, epochs=4, seed=0, keep_errors=False, validation_data=(XOR_X, XOR_Y))
    ax = result.plot()
    assert [line.get_label() for line in ax.get_lines()] == ["validation", f"best epoch ({result.best_epoch})"]


# ---------------------------------------------------------------- progress bars


@pytest.fixture
def bars(monkeypatch):
    """The tqdm bars made while the test runs (tqdm is in the test extra)."""
    import tqdm.auto

    made = []

    class RecordingBar(tqdm.auto.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(tqdm.auto, "tqdm", RecordingBar)
    return made


def ended_at_100_percent(bar):
    return bar.n == bar.total and bar.n > 0


def test_a_budget_of_steps_ending_mid_epoch_ends_the_bar_at_100_percent(bars):
    X = np.random.default_rng(0).random((7, 2))
    result = nncore.Network([2, 2, 1], seed=0).fit(X, X[:, 0], steps=100, seed=0, progress=True)
    assert result.stop_reason == "steps" and result.epochs == 14
    assert [(bar.n, bar.total) for bar in bars] == [(15, 15)]


@pytest.mark.parametrize(
    "options",
    [
        {"error_threshold": 0.5},
        {"validation_data": (XOR_X, [1, 0, 0, 1]), "patience": 2},  # learning XOR worsens this
        {"callback": lambda progress: progress.epoch < 3},
    ],
    ids=["error_threshold", "patience", "callback"],
)
def test_training_stopped_early_ends_the_bar_at_100_percent(bars, options):
    result = nncore.Network([2, 3, 1], seed=0).fit(XOR_X, XOR_Y, epochs=100_000, seed=0, progress=True, **options)
    assert result.epochs < 100_000
    assert len(bars) == 1 and ended_at_100_percent(bars[0]) and bars[0].n == result.epochs


def test_fit_many_stopped_early_ends_the_bar_at_100_percent(bars):
    nets = [nncore.Network([2, 3, 1], seed=seed) for seed in range(2)]
    results = nncore.fit_many(nets, XOR_X, XOR_Y, epochs=100_000, error_threshold=0.5, progress=True, threads=1)
    assert all(result.stop_reason == "error_threshold" for result in results)
    assert len(bars) == 1 and ended_at_100_percent(bars[0]) and bars[0].n == sum(r.steps for r in results)


def test_the_command_line_bar_is_finished_when_training_stops_early(bars, tmp_path, capsys):
    argv = ["train", POINTS, "--target", "inside", "--error-threshold", "1", "--progress", "-o", tmp_path / "n.json"]
    assert _cli.main([str(arg) for arg in argv]) == 0
    assert "stopped by error_threshold" in capsys.readouterr().out
    assert len(bars) == 1 and ended_at_100_percent(bars[0])
