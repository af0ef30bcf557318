"""The command line on CSV and network files: train, predict, evaluate, info, export and import."""

import csv
import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys

import numpy as np
import pytest

import nncore
from nncore import _cli

POINTS = pathlib.Path(__file__).with_name("data") / "points.csv"
COMMAND_LINE_PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "user_guide" / "command_line.md"

# The walk-through of the command line page, command for command (run in a folder holding points.csv).
WALKTHROUGH = [
    "nncore train points.csv --target inside --hidden 6 --seed 0 --no-scaling -o points.json",
    "nncore info points.json",
    "nncore predict points.json points.csv -o predictions.csv",
    "nncore evaluate points.json points.csv",
    "nncore export points.json --to fann -o points.net",
    "nncore import points.net -o from-fann.json",
]


def run_main(argv, capsys):
    """``_cli.main(argv)``'s exit code, stdout and stderr, whether it returns or exits."""
    try:
        code = _cli.main([str(arg) for arg in argv])
    except SystemExit as exit_info:
        code = exit_info.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty working folder holding a copy of ``tests/data/points.csv``, as the walk-through's."""
    shutil.copy(POINTS, tmp_path / "points.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def points():
    with open(POINTS, newline="") as f:
        rows = list(csv.reader(f))
    data = np.array(rows[1:], dtype=float)
    return rows[0], data[:, :2], data[:, 2:]


@pytest.fixture(scope="module")
def points_net(tmp_path_factory):
    """A network trained on the points by the command line, and its file."""
    path = tmp_path_factory.mktemp("net") / "points.json"
    assert (
        _cli.main(
            [
                "train",
                str(POINTS),
                "--target",
                "inside",
                "--hidden",
                "6",
                "--seed",
                "0",
                "--no-scaling",
                "--no-progress",
                "-o",
                str(path),
            ]
        )
        == 0
    )
    return path


def write(path, text):
    path.write_text(text)
    return path


# ---------------------------------------------------------------- the command line page's walk-through


def test_the_walk_through(folder, capsys):
    outputs = []
    for command in WALKTHROUGH:
        code, out, err = run_main(shlex.split(command)[1:], capsys)
        assert code == 0, (command, err)
        outputs.append(out)
    train_out, info_out, predict_out, evaluate_out, _, import_out = outputs
    task, trained = train_out.splitlines()
    assert task == "task: classification (detected: 'inside' holds 0 and 1)"
    assert trained.startswith("trained [2, 6, 1] for ") and trained.endswith("saved to points.json")
    net = nncore.load("points.json")
    assert net.input_names == ("x", "y") and net.output_names == ("inside",)
    assert "input names:   x, y" in info_out and "sizes:         [2, 6, 1]" in info_out
    assert predict_out == ""
    _, X, Y = points()
    with open("predictions.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["inside"]
    np.testing.assert_array_equal(np.array(rows[1:], dtype=float), net.predict(X))
    evaluation = net.evaluate(X, Y)
    assert f"error:    {evaluation.error:.6g}" in evaluate_out
    assert f"true positives {evaluation.true_positives}," in evaluate_out
    np.testing.assert_array_equal(nncore.load("points.net").predict(X), net.predict(X))
    np.testing.assert_array_equal(nncore.load("from-fann.json").predict(X), net.predict(X))
    assert "saved to from-fann.json" in import_out


@pytest.mark.skipif(not COMMAND_LINE_PAGE.is_file(), reason="the tests run from a copy without the docs")
def test_the_command_line_page_shows_the_walk_through_commands():
    text = COMMAND_LINE_PAGE.read_text(encoding="utf-8")
    section = text[text.index("## A walk-through") :]
    for command in WALKTHROUGH:
        assert f"\n$ {command}\n" in section, command


# ---------------------------------------------------------------- train


def test_train_uses_the_other_columns_as_inputs_and_prints_a_summary(tmp_path, capsys):
    code, out, err = run_main(
        [
            "train",
            POINTS,
            "--target",
            "inside",
            "--hidden",
            "3",
            "2",
            "--epochs",
            "7",
            "--activation",
            "tanh",
            "--output-activation",
            "tanh",
            "--learning-rate",
            "0.2",
            "--momentum",
            "0",
            "--order",
            "sequential",
            "--seed",
            "4",
            "--init",
            "xavier",
            "--no-progress",
            "-o",
            tmp_path / "n.json",
        ],
        capsys,
    )
    assert code == 0 and err == ""
    net = nncore.load(tmp_path / "n.json")
    assert net.sizes == (2, 3, 2, 1) and net.activations == ("tanh",) * 3
    assert (net.learning_rate, net.momentum, net.iterations) == (0.2, 0.0, 7 * 40)
    assert out == (
        "task: classification (detected: 'inside' holds 0 and 1)\n"
        f"trained [2, 3, 2, 1] for 7 epochs (280 steps): final error {_error_of(net):.6g}, "
        f"stopped by epochs; inputs standardised inside the network; saved to {tmp_path / 'n.json'}\n"
    )


def _error_of(net):
    """The final error of the same training through the Python API."""
    _, X, Y = points()
    again = nncore.Network(
        [2, 3, 2, 1],
        activation="tanh",
        learning_rate=0.2,
        momentum=0.0,
        init="xavier",
        seed=4,
        input_scaling="standard",
    )
    return again.fit(X, Y, epochs=7, order="sequential", seed=4).error


def test_train_matches_the_python_api(tmp_path, capsys):
    run_main(
        [
            "train",
            POINTS,
            "--target",
            "inside",
            "--epochs",
            "5",
            "--seed",
            "1",
            "--no-progress",
            "-o",
            tmp_path / "n.json",
        ],
        capsys,
    )
    _, X, Y = points()
    expected = nncore.Network([2, 10, 1], seed=1, input_scaling="standard")
    expected.fit(X, Y, epochs=5, seed=1)
    trained = nncore.load(tmp_path / "n.json")
    assert trained.weights[0].tolist() == expected.weights[0].tolist()
    assert trained.input_offset.tolist() == X.mean(axis=0).tolist()
    assert trained.input_scale.tolist() == X.std(axis=0).tolist()


@pytest.mark.parametrize(
    ("options", "network", "fit"),
    [
        (["--optimizer", "adam", "--batch-size", "4"], {"optimizer": "adam"}, {"batch_size": 4}),
        (["--optimizer", "rprop"], {"optimizer": "rprop"}, {}),
        (
            ["--optimizer", "sgd", "--batch-size", "all", "--weight-decay", "0.01", "--learning-rate", "0.5"],
            {"weight_decay": 0.01, "learning_rate": 0.5},
            {"batch_size": None},
        ),
        (
            ["--activation", "tanh", "--output-activation", "sigmoid", "--loss", "cross_entropy"],
            {"activation": ["tanh", "sigmoid"], "loss": "cross_entropy"},
            {},
        ),
    ],
)
def test_train_takes_the_learning_rule(tmp_path, capsys, options, network, fit):
    code, _, err = run_main(
        [
            "train",
            POINTS,
            "--target",
            "inside",
            "--epochs",
            "3",
            "--seed",
            "2",
            "--no-progress",
            *options,
            "-o",
            tmp_path / "n.json",
        ],
        capsys,
    )
    assert code == 0, err
    _, X, Y = points()
    expected = nncore.Network([2, 10, 1], seed=2, input_scaling="standard", **network)
    expected.fit(X, Y, epochs=3, seed=2, **fit)
    trained = nncore.load(tmp_path / "n.json")
    assert trained.to_dict()["layers"] == expected.to_dict()["layers"]
    assert (trained.optimizer, trained.loss) == (expected.optimizer, expected.loss)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--batch-size", "0"], "must be a whole number >= 1 or 'all'"),
        (["--optimizer", "rprop", "--batch-size", "2"], "whole batches"),
        (["--output-activation", "softmax"], "softmax"),
        (["--optimizer", "adam", "--momentum", "0.5"], "momentum does not apply"),
    ],
)
def test_train_refuses_a_rule_that_does_not_fit(tmp_path, capsys, options, message):
    code, _, err = run_main(
        ["train", POINTS, "--target", "inside", "--epochs", "1", "--no-progress", *options, "-o", tmp_path / "n.json"],
        capsys,
    )
    assert code == 2 and message in err
    assert not (tmp_path / "n.json").exists()


def test_train_with_chosen_inputs(tmp_path, capsys):
    code, _, _ = run_main(
        [
            "train",
            POINTS,
            "--target",
            "x",
            "--inputs",
            "y",
            "--epochs",
            "2",
            "--no-progress",
            "-o",
            tmp_path / "n.json",
        ],
        capsys,
    )
    net = nncore.load(tmp_path / "n.json")
    assert code == 0 and net.input_names == ("y",) and net.output_names == ("x",)


def test_train_stops_by_default_as_fit_does(tmp_path, capsys):
    args = _cli.build_parser().parse_args(["train", "d.csv", "--target", "t", "-o", "n.json"])
    assert (args.hidden, args.epochs, args.error_threshold, args.order) == ([10], None, None, "shuffle")
    code, out, _ = run_main(
        [
            "train",
            POINTS,
            "--target",
            "inside",
            "--seed",
            "0",
            "--error-threshold",
            "0.05",
            "--no-progress",
            "-o",
            tmp_path / "n.json",
        ],
        capsys,
    )
    assert code == 0 and "stopped by error_threshold" in out


def test_progress_bar_on_request_and_off_on_request(tmp_path, capsys):
    pytest.importorskip("tqdm")
    base = ["train", POINTS, "--target", "inside", "--epochs", "3", "-o", tmp_path / "n.json"]
    assert "epoch" in run_main(base + ["--progress"], capsys)[2]
    assert run_main(base + ["--no-progress"], capsys)[2] == ""


def test_plot_saves_the_loss_curve(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    code, out, _ = run_main(
        [
            "train",
            POINTS,
            "--target",
            "inside",
            "--epochs",
            "20",
            "--no-progress",
            "-o",
            tmp_path / "n.json",
            "--plot",
            tmp_path / "loss.png",
        ],
        capsys,
    )
    assert code == 0 and out.rstrip().endswith(f"loss curve in {tmp_path / 'loss.png'}")
    assert (tmp_path / "loss.png").read_bytes().startswith(b"\x89PNG")


def test_plot_without_matplotlib_is_one_error_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # find_spec then reports it missing
    code, out, err = run_main(
        [
            "train",
            POINTS,
            "--target",
            "inside",
            "--no-progress",
            "-o",
            tmp_path / "n.json",
            "--plot",
            tmp_path / "loss.png",
        ],
        capsys,
    )
    assert (code, out) == (2, "")
    assert err == 'nncore train: error: --plot needs matplotlib: pip install "nncore-nn[plot]"\n'
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- bad files: one line, exit 2, nothing written


BAD_FILES = [
    ("age,y\n1,0\n2,1\n\n3,1\n4,0\n5,1\nabc,0\n", "line 8, column 'age': 'abc' is not a number"),
    ("age,y\n1,0\n,1\n", "line 3, column 'age': '' is not a number (the cell is empty)"),
    ("age,y\n1,0\n2,nan\n", "line 3, column 'y': 'nan' is not a number"),
    ("age,y\n1,0\n2\n", "line 3, column 'y': missing (the row has 1 values, the header 2 columns)"),
    ("age,y\n1,0\n2,1,7\n", "line 3, column 3: extra value '7' (the row has 3 values, the header 2 columns)"),
    ("", "line 1: the file is empty; expected a header row of column names"),
    ("\n\n", "line 1: the file is empty; expected a header row of column names"),
    ("age,y\n", "line 2: no data rows after the header"),
    ("age,age,y\n1,2,3\n", "line 1: the header names column 'age' twice"),
    ("age,,y\n1,2,3\n", "line 1: column 2 of the header has no name"),
    ("height,weight\n1,2\n", "line 1: no column 'y' (the columns are 'height', 'weight')"),
    ('age,y\n1,"0\n', "line 2: not valid CSV (unexpected end of data)"),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_a_bad_file_is_one_line_with_exit_code_2_and_nothing_written(tmp_path, capsys, text, message):
    data = write(tmp_path / "data.csv", text)
    code, out, err = run_main(["train", data, "--target", "y", "--no-progress", "-o", tmp_path / "n.json"], capsys)
    assert (code, out) == (2, "")
    assert err == f"nncore train: error: {data}, {message}\n"
    assert os.listdir(tmp_path) == ["data.csv"]


def test_the_error_line_has_argparse_style(tmp_path, capsys, monkeypatch):
    write(tmp_path / "data.csv", "age,y\n1,0\n2,1\n3,1\n4,0\n5,1\nabc,0\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["train", "data.csv", "--target", "y", "-o", "n.json"], capsys)
    assert code == 2 and err == "nncore train: error: data.csv, line 7, column 'age': 'abc' is not a number\n"


def test_a_file_that_is_not_utf8_or_missing(tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_bytes(b"age,y\n\xff,1\n")
    code, _, err = run_main(["train", data, "--target", "y", "-o", tmp_path / "n.json"], capsys)
    assert code == 2 and err == f"nncore train: error: {data}: not a UTF-8 text file (byte 6)\n"
    code, _, err = run_main(["predict", tmp_path / "none.json", data], capsys)
    assert code == 2 and err == f"nncore predict: error: {tmp_path / 'none.json'}: No such file or directory\n"


def test_a_column_both_input_and_target(tmp_path, capsys):
    code, _, err = run_main(["train", POINTS, "--target", "x", "--inputs", "x", "y", "-o", tmp_path / "n.json"], capsys)
    assert code == 2 and err == "nncore train: error: column 'x' is both an input and a target\n"


def test_bad_options_are_argparse_errors(capsys):
    code, _, err = run_main(["train", POINTS, "--target", "inside", "--learning-rate", "-1", "-o", "n.json"], capsys)
    assert code == 2 and err.splitlines()[-1] == (
        "nncore train: error: argument --learning-rate: must be a number >= 0, got '-1'"
    )
    code, _, err = run_main(["train", POINTS, "-o", "n.json"], capsys)
    assert code == 2 and "the following arguments are required: --target" in err


# ---------------------------------------------------------------- predict and evaluate


def test_predict_matches_inputs_by_name_ignoring_other_columns(points_net, tmp_path, capsys):
    _, X, _ = points()
    reordered = "id,y,label,x\n" + "".join(f"{i},{y!r},text,{x!r}\n" for i, (x, y) in enumerate(X.tolist()))
    code, out, _ = run_main(["predict", points_net, write(tmp_path / "r.csv", reordered)], capsys)
    rows = list(csv.reader(out.splitlines()))
    assert code == 0 and rows[0] == ["inside"]
    np.testing.assert_array_equal(np.array(rows[1:], dtype=float), nncore.load(points_net).predict(X))


def test_predict_refuses_a_missing_input_column(points_net, tmp_path, capsys):
    data = write(tmp_path / "r.csv", "x,z\n1,2\n")
    code, out, err = run_main(["predict", points_net, data, "-o", tmp_path / "p.csv"], capsys)
    assert (code, out) == (2, "")
    assert err == f"nncore predict: error: {data}, line 1: no column 'y' (the columns are 'x', 'z')\n"
    assert not (tmp_path / "p.csv").exists()


def test_predict_without_names_takes_every_column_in_order_or_the_chosen_ones(tmp_path, capsys):
    net = nncore.Network([2, 3, 2], seed=0)
    net.save(tmp_path / "n.json")
    data = write(tmp_path / "d.csv", "a,b\n0.5,1\n-1,2\n")
    code, out, _ = run_main(["predict", tmp_path / "n.json", data], capsys)
    rows = list(csv.reader(out.splitlines()))
    assert code == 0 and rows[0] == ["output_0", "output_1"]
    np.testing.assert_array_equal(np.array(rows[1:], dtype=float), net.predict([[0.5, 1], [-1, 2]]))
    wide = write(tmp_path / "w.csv", "a,b,c\n0.5,1,9\n")
    code, _, err = run_main(["predict", tmp_path / "n.json", wide], capsys)
    assert code == 2 and err == (
        f"nncore predict: error: {wide}, line 1: the network has 2 unnamed inputs and "
        "the file has 3 columns; choose the input columns with --inputs\n"
    )
    code, out, _ = run_main(["predict", tmp_path / "n.json", wide, "--inputs", "c", "a"], capsys)
    assert code == 0
    np.testing.assert_array_equal(
        np.array(list(csv.reader(out.splitlines()))[1:], dtype=float), net.predict([[9, 0.5]])
    )


def test_predict_writes_the_output_file_atomically(points_net, tmp_path, capsys):
    write(tmp_path / "p.csv", "old\n")
    code, out, _ = run_main(["predict", points_net, POINTS, "-o", tmp_path / "p.csv"], capsys)
    assert (code, out) == (0, "")
    assert (tmp_path / "p.csv").read_text().startswith("inside\n")
    assert sorted(os.listdir(tmp_path)) == ["p.csv"]


def test_evaluate_prints_error_accuracy_and_confusion(points_net, capsys):
    _, X, Y = points()
    result = nncore.load(points_net).evaluate(X, Y)
    code, out, _ = run_main(["evaluate", points_net, POINTS], capsys)
    assert code == 0
    assert out.splitlines() == [
        f"samples:  {result.total}",
        f"error:    {result.error:.6g}",
        f"accuracy: {result.accuracy:.6g} ({result.total - len(result.misclasses)} of {result.total})",
        f"confusion (threshold 0.5): true positives {result.true_positives}, true negatives "
        f"{result.true_negatives}, false positives {result.false_positives}, false negatives "
        f"{result.false_negatives}",
        f"precision: {result.precision:.6g}, recall: {result.recall:.6g}",
    ]


def test_evaluate_an_unnamed_network_needs_target(tmp_path, capsys):
    net = nncore.Network([2, 2, 2], seed=0)
    net.save(tmp_path / "n.json")
    data = write(tmp_path / "d.csv", "a,b,c,d\n0,1,1,0\n1,1,0,1\n")
    code, _, err = run_main(["evaluate", tmp_path / "n.json", data, "--inputs", "a", "b"], capsys)
    assert code == 2 and "the network has no output names; name the target columns with --target" in err
    code, out, _ = run_main(["evaluate", tmp_path / "n.json", data, "--inputs", "a", "b", "--target", "c", "d"], capsys)
    result = net.evaluate([[0, 1], [1, 1]], [[1, 0], [0, 1]])
    assert code == 0 and f"error:    {result.error:.6g}" in out and "confusion" not in out


# ---------------------------------------------------------------- info, export, import


def test_info(points_net, capsys):
    net = nncore.load(points_net)
    code, out, _ = run_main(["info", points_net], capsys)
    assert code == 0
    assert out.splitlines()[1:] == [
        "sizes:         [2, 6, 1]",
        "activations:   sigmoid, sigmoid",
        "loss:          mse",
        "optimizer:     sgd",
        "dtype:         float64",
        "learning rate: 0.3",
        "momentum:      0.1",
        f"iterations:    {net.iterations}",
        "input names:   x, y",
        "output names:  inside",
        "input scaling: (none)",
    ]


@pytest.mark.parametrize(
    ("to", "read"),
    [
        ("brainjs", lambda path: nncore.Network.from_brainjs(path)),
        ("tutorial", lambda path: nncore.Network.from_tutorial_json(path)),
        ("fann", lambda path: nncore.Network.from_fann(path)),
    ],
)
def test_export_and_import_back(points_net, tmp_path, capsys, to, read):
    net = nncore.load(points_net)
    _, X, _ = points()
    code, out, _ = run_main(["export", points_net, "--to", to, "-o", tmp_path / "out"], capsys)
    assert (code, out) == (0, "")
    tolerance = 1e-6 if to == "brainjs" else 0  # brain.js keeps float32 weights
    np.testing.assert_allclose(read(tmp_path / "out").predict(X), net.predict(X), rtol=0, atol=tolerance)
    code, _, _ = run_main(["import", tmp_path / "out", "-o", tmp_path / "back.json"], capsys)
    assert code == 0
    np.testing.assert_allclose(nncore.load(tmp_path / "back.json").predict(X), net.predict(X), rtol=0, atol=tolerance)
    assert json.loads((tmp_path / "back.json").read_text())["format"] == "nncore"


@pytest.mark.parametrize(
    ("to", "method", "named"), [("onnx", "to_onnx", False), ("c", "to_c", True), ("js", "to_javascript", True)]
)
def test_export_to_onnx_c_and_javascript(points_net, tmp_path, capsys, to, method, named):
    if to == "onnx":
        pytest.importorskip("onnx", reason="exporting to ONNX needs the onnx package (an optional extra)")
    net = nncore.load(points_net)
    argv = ["export", points_net, "--to", to, "-o", tmp_path / "out"] + (["--name", "points"] if named else [])
    code, _, err = run_main(argv, capsys)
    assert code == 0, err
    expected = _cli.exported(net, to, "points" if named else None)
    assert expected and (tmp_path / "out").read_bytes() == expected
    if named:
        assert b"points" in expected


def test_export_to_onnx_without_onnx_is_one_line_naming_the_extra(points_net, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if not installed
    code, out, err = run_main(["export", points_net, "--to", "onnx", "-o", tmp_path / "out"], capsys)
    assert (code, out) == (2, "")
    assert err == 'nncore export: error: exporting to ONNX needs the onnx package: pip install "nncore-nn[onnx]"\n'
    assert not (tmp_path / "out").exists()


def test_export_errors(points_net, tmp_path, capsys):
    code, _, err = run_main(["export", points_net, "--to", "fann", "--name", "f", "-o", tmp_path / "o"], capsys)
    assert code == 2 and err == "nncore export: error: --name is for --to c and --to js, not --to fann\n"
    relu = nncore.Network([2, 3, 1], activation="relu", seed=0)
    relu.save(tmp_path / "relu.json")
    code, _, err = run_main(["export", tmp_path / "relu.json", "--to", "fann", "-o", tmp_path / "o"], capsys)
    assert code == 2 and err.startswith("nncore export: error: layer 1 uses 'relu', which FANN cannot express")
    assert sorted(os.listdir(tmp_path)) == ["relu.json"]


def test_import_a_bad_file_names_it(tmp_path, capsys):
    bad = write(tmp_path / "bad.net", "FANN_FLO_2.1\nnum_layers=1\n")
    code, _, err = run_main(["import", bad, "-o", tmp_path / "n.json"], capsys)
    assert code == 2
    assert err == (f"nncore import: error: {bad}: line 2, field 'num_layers': expected an integer >= 2, got '1'\n")
    assert not (tmp_path / "n.json").exists()


@pytest.mark.skipif(sys.platform == "emscripten", reason="WebAssembly builds cannot start processes")
def test_a_real_process_gets_exit_code_2_and_one_line(points_net, tmp_path):
    data = write(tmp_path / "d.csv", "x,y\n1,2\n3,oops\n")
    done = subprocess.run(
        [sys.executable, "-m", "nncore", "predict", str(points_net), str(data)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"nncore predict: error: {data}, line 3, column 'y': 'oops' is not a number\n"
    done = subprocess.run(
        [sys.executable, "-m", "nncore", "predict", str(points_net), str(POINTS)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout.startswith("inside\n") and len(done.stdout.splitlines()) == 41
