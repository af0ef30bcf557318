"""The command line on scikit-learn's data sets written to CSV: class labels, regression, validation, dtype, plot."""

import csv
import pathlib
import shlex

import numpy as np
import pytest

import nncore
from nncore import _cli, _csvdata, _csvtargets

POINTS = pathlib.Path(__file__).with_name("data") / "points.csv"
COMMAND_LINE_PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "user_guide" / "command_line.md"

# The iris example of the command line page, command for command.
IRIS_EXAMPLE = [
    "nncore train iris.csv --target species --validation-split 0.2 --patience 50 --seed 0 -o iris.json",
    "nncore predict iris.json iris.csv --proba -o species.csv",
    "nncore evaluate iris.json iris.csv",
]


def dataset_csv(tmp_path, name, labels=False):
    """scikit-learn's data set ``name`` as pandas writes it to CSV: the features and a ``target`` column
    (for iris with ``labels``: a ``species`` column of the class names instead)."""
    pytest.importorskip("pandas")
    datasets = pytest.importorskip("sklearn.datasets")
    bunch = getattr(datasets, f"load_{name}")(as_frame=True)
    frame = bunch.frame
    if labels:
        frame["species"] = [bunch.target_names[code] for code in frame.pop("target")]
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path, frame


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def train(cli, data, target, out, *options):
    """``nncore train`` without a progress bar, through ``cli`` (the ``nncore_cli`` fixture); its stdout."""
    code, stdout, stderr = cli("train", data, "--target", target, "--no-progress", *options, "-o", out)
    assert code == 0, stderr
    return stdout


# ---------------------------------------------------------------- class labels


def test_the_iris_example(tmp_path, monkeypatch, nncore_cli):
    dataset_csv(tmp_path, "iris", labels=True)
    monkeypatch.chdir(tmp_path)
    outputs = []
    for command in IRIS_EXAMPLE:
        code, out, err = nncore_cli(*shlex.split(command)[1:])
        assert code == 0, (command, err)
        outputs.append(out)
    assert outputs[0].startswith("task: classification (detected: 'species' holds 3 class labels")
    assert read_csv(tmp_path / "species.csv")[0] == ["label", "setosa", "versicolor", "virginica"]
    assert "confusion ('species'" in outputs[2]


@pytest.mark.skipif(not COMMAND_LINE_PAGE.is_file(), reason="the tests run from a copy without the docs")
def test_the_command_line_page_shows_the_iris_example():
    section = COMMAND_LINE_PAGE.read_text(encoding="utf-8").partition("## Class labels")[2]
    assert all(f"\n$ {command}\n" in section for command in IRIS_EXAMPLE)


@pytest.fixture(scope="module")
def iris(tmp_path_factory):
    """Iris with its species as text, a network trained on it by the command line, and train's output."""
    folder = tmp_path_factory.mktemp("iris")
    path, frame = dataset_csv(folder, "iris", labels=True)
    net_path = folder / "iris.json"
    argv = ["train", path, "--target", "species", "--seed", "0", "--validation-split", "0.2", "--patience", "20"]
    code = _cli.main([str(arg) for arg in [*argv, "--no-progress", "-o", net_path]])
    assert code == 0
    X = frame.drop(columns="species").to_numpy(dtype=float)
    return path, net_path, X, list(frame["species"]), argv


def test_a_column_of_text_is_class_labels(iris, tmp_path, nncore_cli):
    argv = iris[-1]
    code, out, _ = nncore_cli(*argv, "--no-progress", "-o", tmp_path / "n.json")
    assert code == 0
    assert out.splitlines()[0] == (
        "task: classification (detected: 'species' holds 3 class labels: setosa, versicolor, virginica)"
    )
    net = nncore.load(tmp_path / "n.json")
    assert net.output_names == ("setosa", "versicolor", "virginica")
    assert net.sizes[-1] == 3 and net.activations[-1] == "softmax" and net.loss == "cross_entropy"


def test_predict_writes_the_label_and_with_proba_the_probabilities(iris, tmp_path, nncore_cli):
    path, net_path, X, _, _ = iris
    net = nncore.load(net_path)
    assert nncore_cli("predict", net_path, path, "-o", tmp_path / "p.csv")[0] == 0
    header, rows = read_csv(tmp_path / "p.csv")
    assert header == ["label"] and [row[0] for row in rows] == [net.likely(x) for x in X]
    assert nncore_cli("predict", net_path, path, "--proba", "-o", tmp_path / "p.csv")[0] == 0
    header, rows = read_csv(tmp_path / "p.csv")
    assert header == ["label", "setosa", "versicolor", "virginica"]
    assert [row[0] for row in rows] == [net.likely(x) for x in X]
    np.testing.assert_array_equal(np.array([row[1:] for row in rows], dtype=float), net.predict(X))


def test_evaluate_reports_accuracy_and_the_confusion_matrix_by_label(iris, nncore_cli):
    path, net_path, X, species, _ = iris
    net = nncore.load(net_path)
    code, out, err = nncore_cli("evaluate", net_path, path)
    assert code == 0, err
    predicted = [net.likely(x) for x in X]
    right = sum(p == s for p, s in zip(predicted, species))
    assert f"accuracy: {right / len(species):.6g} ({right} of {len(species)})" in out
    assert right / len(species) > 0.9
    lines = out.splitlines()
    at = lines.index("confusion ('species': rows are the true labels, columns the predicted ones):")
    assert lines[at + 1].split() == ["true", "\\", "predicted", "setosa", "versicolor", "virginica"]
    classes = ["setosa", "versicolor", "virginica"]
    for line, true in zip(lines[at + 2 : at + 5], classes):
        counts = [sum(s == true and p == other for p, s in zip(predicted, species)) for other in classes]
        assert line.split() == [true, *map(str, counts)]
    # the same with the label column named
    assert nncore_cli("evaluate", net_path, path, "--target", "species")[1] == out


def test_whole_numbers_with_few_values_are_class_labels(tmp_path, nncore_cli):
    path, _ = dataset_csv(tmp_path, "iris")  # target: 0, 1, 2
    out = train(nncore_cli, path, "target", tmp_path / "n.json", "--epochs", "3", "--seed", "0")
    assert out.startswith("task: classification (detected: 'target' holds 3 class labels: 0, 1, 2)\n")
    net = nncore.load(tmp_path / "n.json")
    assert net.output_names == ("0", "1", "2") and net.activations[-1] == "softmax"
    code, out, _ = nncore_cli("evaluate", tmp_path / "n.json", path)
    assert code == 0 and "confusion ('target'" in out


def test_two_classes_of_0_and_1_are_one_sigmoid_output(tmp_path, nncore_cli):
    path, _ = dataset_csv(tmp_path, "breast_cancer")
    out = train(nncore_cli, path, "target", tmp_path / "n.json", "--epochs", "2", "--seed", "0")
    assert out.startswith("task: classification (detected: 'target' holds 0 and 1)\n")
    net = nncore.load(tmp_path / "n.json")
    assert net.sizes[-1] == 1 and net.activations[-1] == "sigmoid" and net.output_names == ("target",)
    code, out, _ = nncore_cli("evaluate", tmp_path / "n.json", path)
    assert code == 0 and "accuracy: " in out and "true positives" in out


def test_task_classification_reads_numbers_as_labels(tmp_path, nncore_cli):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n0,0.5\n1,1.5\n2,0.5\n3,1.5\n")
    out = train(nncore_cli, data, "y", tmp_path / "n.json", "--task", "classification", "--epochs", "1")
    assert out.startswith("task: classification (as --task says: 'y' holds 2 class labels: 0.5, 1.5)\n")
    assert nncore.load(tmp_path / "n.json").output_names == ("0.5", "1.5")


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("x,y\n1,a\n2,a\n", [], "column 'y' holds one class label only ('a')"),
        ("x,y\n1,a\n2,\n3,b\n", [], "line 3, column 'y': no class label (the cell is empty)"),
        ("x,y\n1,a\n2,b\n", ["--task", "regression"], "line 2, column 'y': 'a' is not a number"),
        ("x,y,z\n1,a,0\n2,b,1\n", ["--target", "y", "z"], "column 'y' holds class labels; it must be the only target"),
        ("x,y,z\n1,2,0\n2,3,1\n", ["--target", "y", "z", "--task", "classification"], "needs columns of 0 and 1"),
    ],
)
def test_targets_that_make_no_task(tmp_path, nncore_cli, text, options, message):
    data = tmp_path / "d.csv"
    data.write_text(text)
    target = [] if "--target" in options else ["--target", "y"]
    argv = ["train", data, *target, *options, "--inputs", "x", "--no-progress", "-o", tmp_path / "n.json"]
    code, out, err = nncore_cli(*argv)
    assert (code, out) == (2, "") and message in err
    assert not (tmp_path / "n.json").exists()


def test_evaluate_and_predict_refuse_what_does_not_fit_the_classes(iris, tmp_path, nncore_cli):
    path, net_path, _, _, _ = iris
    header, rows = read_csv(path)
    rows[3][-1] = "rose"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n")
    code, _, err = nncore_cli("evaluate", net_path, bad)
    assert code == 2 and "no column, or several, holds" in err and "name it with --target" in err
    code, _, err = nncore_cli("evaluate", net_path, bad, "--target", "species")
    assert code == 2 and "line 5, column 'species': 'rose' is not one of the network's classes" in err
    code, _, err = nncore_cli("predict", _points_net(nncore_cli, tmp_path), POINTS, "--proba")
    assert code == 2 and "--proba is for a classifier of labels" in err


def test_a_classifier_of_labels_evaluates_on_one_hot_columns_too(iris, tmp_path, nncore_cli):
    _, net_path, X, species, _ = iris
    classes = ["setosa", "versicolor", "virginica"]
    hot = _csvtargets.one_hot(species, classes)
    names = [f"x{index}" for index in range(X.shape[1])]
    one_hot = tmp_path / "hot.csv"
    one_hot.write_text(_csvdata.format_csv([*names, *classes], np.hstack([X, hot])))
    net = nncore.load(net_path)
    code, out, _ = nncore_cli("evaluate", net_path, one_hot, "--inputs", *names)
    assert code == 0 and f"accuracy: {net.evaluate(X, hot).accuracy:.6g}" in out and "confusion" not in out


def _points_net(cli, tmp_path):
    train(cli, POINTS, "inside", tmp_path / "points.json", "--epochs", "1")
    return tmp_path / "points.json"


# ---------------------------------------------------------------- regression


def test_numbers_are_a_regression_evaluated_by_rmse_mae_and_r2(tmp_path, nncore_cli):
    path, frame = dataset_csv(tmp_path, "diabetes")
    options = ["--seed", "0", "--validation-split", "0.2", "--patience", "20"]
    out = train(nncore_cli, path, "target", tmp_path / "n.json", *options)
    assert out.startswith("task: regression (detected: 'target' holds numbers)\n")
    assert "(of the standardised targets)" in out
    net = nncore.load(tmp_path / "n.json")
    assert net.activations[-1] == "identity" and net.loss == "mse"
    code, out, _ = nncore_cli("evaluate", tmp_path / "n.json", path)
    assert code == 0 and "accuracy" not in out
    X, Y = frame.drop(columns="target").to_numpy(dtype=float), frame[["target"]].to_numpy(dtype=float)
    outputs = net.predict(X)
    rmse = np.sqrt(np.mean((outputs - Y) ** 2))
    r2 = 1 - np.sum((outputs - Y) ** 2) / np.sum((Y - Y.mean()) ** 2)
    assert f"RMSE:     {rmse:.6g}\n" in out
    assert f"MAE:      {np.mean(np.abs(outputs - Y)):.6g}\n" in out
    assert f"R²:       {r2:.6g}\n" in out
    assert r2 > 0.3  # outputs in the targets' units, not the standardised ones


def test_task_regression_at_train_and_at_evaluate(tmp_path, nncore_cli):
    out = train(nncore_cli, POINTS, "inside", tmp_path / "n.json", "--task", "regression", "--epochs", "2")
    assert out.startswith("task: regression (as --task says: 'inside' holds numbers)\n")
    assert nncore.load(tmp_path / "n.json").activations[-1] == "identity"
    sigmoid = _points_net(nncore_cli, tmp_path)
    code, out, _ = nncore_cli("evaluate", sigmoid, POINTS, "--task", "regression")
    assert code == 0 and "RMSE:" in out and "R²:" in out and "accuracy" not in out


def test_a_regression_holds_out_rows_by_default_and_predicts_unseen_rows(tmp_path, nncore_cli):
    # Without --validation-split, 20,000 epochs on every row learnt diabetes' noise: R² below 0 on unseen rows.
    _, frame = dataset_csv(tmp_path, "diabetes")
    test_rows = np.random.default_rng(0).permutation(len(frame))[: len(frame) // 4]
    frame.drop(index=test_rows).to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[test_rows].to_csv(tmp_path / "test.csv", index=False)
    out = train(nncore_cli, tmp_path / "train.csv", "target", tmp_path / "n.json", "--seed", "0")
    assert "stopped by patience" in out and "(on 20% of the rows, held out by default for a regression)" in out
    net = nncore.load(tmp_path / "n.json")
    test = frame.iloc[test_rows]
    outputs = net.predict(test.drop(columns="target").to_numpy(dtype=float))
    assert _csvtargets.regression_measures(test[["target"]].to_numpy(dtype=float), outputs).r2 > 0.2


def test_validation_split_0_trains_a_regression_on_every_row(tmp_path, nncore_cli):
    path, frame = dataset_csv(tmp_path, "diabetes")
    out = train(nncore_cli, path, "target", tmp_path / "n.json", "--validation-split", "0", "--epochs", "2")
    assert "validation error" not in out and f"for 2 epochs ({2 * len(frame)} steps)" in out
    out = train(nncore_cli, path, "target", tmp_path / "n.json", "--patience", "1", "--epochs", "2")
    assert "best validation error" in out and f"({2 * round(0.8 * len(frame))} steps)" in out


def test_constant_targets_have_no_r2(tmp_path, nncore_cli):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n0,2.5\n1,2.5\n")
    train(nncore_cli, data, "y", tmp_path / "n.json", "--task", "regression", "--epochs", "1")
    code, out, _ = nncore_cli("evaluate", tmp_path / "n.json", data)
    assert code == 0 and "R²:       nan (the targets are constant)" in out


def test_regression_measures_average_r2_over_outputs():
    targets = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    outputs = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 33.0]])
    measures = _csvtargets.regression_measures(targets, outputs)
    assert measures.r2 == pytest.approx((1.0 + (1 - 9 / 200)) / 2)
    assert measures.mae == pytest.approx(3 / 6) and measures.rmse == pytest.approx(np.sqrt(9 / 6))


# ---------------------------------------------------------------- validation, seed, dtype


def test_validation_split_holds_out_rows_drawn_by_the_seed(tmp_path, nncore_cli):
    options = ["--epochs", "30", "--seed", "3", "--validation-split", "0.25", "--patience", "5"]
    out = train(nncore_cli, POINTS, "inside", tmp_path / "a.json", *options)
    assert "best validation error " in out
    train(nncore_cli, POINTS, "inside", tmp_path / "b.json", *options)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    # the same as fit with the rows the seed draws held out
    _, rows = read_csv(POINTS)
    data = np.array(rows, dtype=float)
    held = np.sort(np.random.default_rng(3).permutation(len(data))[:10])
    kept = np.setdiff1d(np.arange(len(data)), held)
    X, Y = data[:, :2], data[:, 2:]
    expected = nncore.Network([2, 10, 1], seed=3, input_scaling="standard")
    result = expected.fit(X[kept], Y[kept], epochs=30, seed=3, validation_data=(X[held], Y[held]), patience=5)
    assert nncore.load(tmp_path / "a.json").weights[0].tolist() == expected.weights[0].tolist()
    assert f"best validation error {result.validation_errors[result.best_epoch - 1]:.6g} at epoch" in out
    train(nncore_cli, POINTS, "inside", tmp_path / "c.json", *options[:3], "4", *options[4:])
    assert nncore.load(tmp_path / "c.json").weights[0].tolist() != expected.weights[0].tolist()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--patience", "3"], "--patience needs --validation-split"),
        (["--validation-split", "0.01"], "holds out 0; it must leave at least one row"),
        (["--validation-split", "1"], "must be a number from 0 up to (not including) 1, got '1'"),
        (["--validation-split", "half"], "must be a number from 0 up to (not including) 1, got 'half'"),
    ],
)
def test_bad_validation_options(tmp_path, nncore_cli, options, message):
    code, _, err = nncore_cli(
        "train", POINTS, "--target", "inside", *options, "--no-progress", "-o", tmp_path / "n.json"
    )
    assert code == 2 and message in err and not (tmp_path / "n.json").exists()


def test_dtype_float32(tmp_path, nncore_cli):
    path, _ = dataset_csv(tmp_path, "diabetes")
    train(nncore_cli, path, "target", tmp_path / "n.json", "--dtype", "float32", "--epochs", "2", "--seed", "0")
    net = nncore.load(tmp_path / "n.json")
    assert net.dtype == np.float32
    code, out, _ = nncore_cli("evaluate", tmp_path / "n.json", path)
    assert code == 0 and "R²:" in out


# ---------------------------------------------------------------- the plot


def test_the_plot_keeps_every_text_inside_the_image(tmp_path, nncore_cli, monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot  # before the patch: pyplot wraps Figure.savefig when imported
    from matplotlib.figure import Figure

    saved = []
    original = Figure.savefig

    def savefig(figure, *args, **kwargs):
        """Save, then measure the saved area and the texts drawn, while the figure is still open."""
        original(figure, *args, **kwargs)
        # a layout that fits the texts in, whatever their length: a tight box, or a layout engine
        tight = kwargs.get("bbox_inches") == "tight"
        renderer = figure.canvas.get_renderer()
        area = figure.get_tightbbox(renderer).transformed(figure.dpi_scale_trans) if tight else figure.bbox
        texts = []
        for ax in figure.axes:
            texts += [ax.title, ax.xaxis.label, ax.yaxis.label]
            for axis in (ax.xaxis, ax.yaxis):
                low, high = sorted(axis.get_view_interval())
                texts += [tick.label1 for tick in axis.get_major_ticks() if low <= tick.get_loc() <= high]
        boxes = [text.get_window_extent(renderer) for text in texts if text.get_visible() and text.get_text()]
        saved.append((tight or figure.get_layout_engine() is not None, area, boxes))

    monkeypatch.setattr(Figure, "savefig", savefig)
    train(nncore_cli, POINTS, "inside", tmp_path / "n.json", "--epochs", "20", "--plot", tmp_path / "loss.png")
    ((fitted, area, boxes),) = saved
    assert fitted and len(boxes) > 4
    for box in boxes:
        assert area.x0 - 1 <= box.x0 and box.x1 <= area.x1 + 1, box
        assert area.y0 - 1 <= box.y0 and box.y1 <= area.y1 + 1, box
