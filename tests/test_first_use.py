"""What a user meets first: brain.js habits, messages about data, the progress bar, the loss curve, an unbuilt tree."""

import io
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
from nncore import _fitting

XOR = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]


# ---------------------------------------------------------------- brain.js habits


def test_train_with_a_brainjs_data_set_says_to_use_fit():
    net = nncore.Network([2, 3, 1], seed=0)
    data = [{"input": [0, 1], "output": [1]}, {"input": [1, 1], "output": [0]}]
    with pytest.raises(TypeError, match=r"train\(\) takes one sample.*use fit\(data, epochs="):
        net.train(data, {"iterations": 20000})
    assert net.iterations == 0


def test_fit_with_brainjs_option_names_says_what_to_use():
    net = nncore.Network([2, 3, 1], seed=0)
    for option, instead in (
        ("iterations", "use epochs="),
        ("errorThresh", "use error_threshold="),
        ("log", r"use progress=True"),
        ("learningRate", r"brain.js's 'learningRate' is nncore's learning_rate, .* or net.learning_rate = \.\.\."),
    ):
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{option}': {instead}"):
            net.fit(*XOR, **{option: 1})
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'colour': it takes X, Y, batch_size, "):
        net.fit(*XOR, colour=1)
    assert net.iterations == 0


def test_run_with_an_input_is_brainjs_run():
    net = nncore.Network([2, 3, 2], seed=0)
    np.testing.assert_array_equal(net.run([0, 1]), net.predict([0, 1]))
    net.activate([1, 0])
    np.testing.assert_array_equal(net.run(), net.predict([1, 0]))  # the tutorial's run() as before
    net.input_names, net.output_names = ["a", "b"], ["yes", "no"]
    outputs = net.run({"b": 1})
    assert list(outputs) == ["yes", "no"]
    np.testing.assert_array_equal(list(outputs.values()), net.predict([0, 1]))
    with pytest.raises(ValueError, match="run takes one sample"):
        net.run([[0, 1], [1, 0]])


def test_fit_without_a_stopping_rule_uses_brainjs_defaults():
    net = nncore.Network([2, 3, 1], seed=0)
    result = net.fit(*XOR, order="sequential", seed=0)
    assert result.stop_reason == "error_threshold" and result.error < 0.005 <= result.errors[-2]
    assert 1 < result.epochs < 20000
    capped = nncore.Network([2, 3, 1], seed=0).fit(*XOR, error_threshold=1e-300, order="sequential")
    assert (capped.stop_reason, capped.epochs) == ("epochs", 20000)  # brain.js's 20,000 iterations
    one = nncore.Network([2, 3, 1], seed=0).fit(*XOR, epochs=1)
    assert (one.stop_reason, one.epochs) == ("epochs", 1)  # what is given is kept


# ---------------------------------------------------------------- data


@pytest.mark.parametrize("call", ["fit", "evaluate"])
def test_ragged_targets_get_nncores_message(call):
    net = nncore.Network([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match="Y must be a 2-D array of real numbers with rows of equal length"):
        getattr(net, call)([[0, 0], [0, 1]], [[1, 0], [0]])


# ---------------------------------------------------------------- the progress bar


def test_a_rejected_fit_draws_no_bar(capsys):
    pytest.importorskip("tqdm")
    net = nncore.Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="at most 2\\*\\*62 steps"):
        net.fit([[0, 0]] * 4, [0] * 4, epochs=2**62, progress=True)
    assert capsys.readouterr().err == ""


def test_the_bar_is_left_at_its_end_in_a_log(monkeypatch):
    tqdm = pytest.importorskip("tqdm")
    log = io.StringIO()  # not a terminal

    def bar_into_log(progress, total_epochs):
        return tqdm.tqdm(total=total_epochs, unit="epoch", desc="fit", leave=True, file=log)

    monkeypatch.setattr(_fitting, "_progress_bar", bar_into_log)
    nncore.Network([2, 3, 1], seed=0).fit(*XOR, epochs=3, progress=True)
    assert "3/3" in log.getvalue().splitlines()[-1].split("\r")[-1]


def test_the_real_bar_leaves_its_last_state_on_stderr(capsys):
    pytest.importorskip("tqdm")
    nncore.Network([2, 3, 1], seed=0).fit(*XOR, epochs=3, progress=True)
    assert "3/3" in capsys.readouterr().err.split("\r")[-1]


# ---------------------------------------------------------------- the loss curve


def test_fit_result_plots_its_loss_curve(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    result = nncore.Network([2, 3, 1], seed=0).fit(*XOR, epochs=50)
    ax = result.plot(label="xor")
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), result.errors)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 51))
    assert ax.get_xlabel() == "epoch" and line.get_label() == "xor"
    ax.figure.savefig(tmp_path / "loss.png")
    assert (tmp_path / "loss.png").stat().st_size > 1000


def test_plot_without_a_curve_or_without_matplotlib(monkeypatch):
    empty = nncore.Network([2, 3, 1], seed=0).fit(*XOR, epochs=5, keep_errors=False)
    with pytest.raises(ValueError, match="keep_errors=False"):
        empty.plot()
    result = nncore.Network([2, 3, 1], seed=0).fit(*XOR, epochs=5)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"nncore-nn\[plot\]"):
        result.plot()


# ---------------------------------------------------------------- the tutorial's object model


def test_every_neuron_but_the_outputs_has_output_connections():
    net = nncore.Network([2, 3, 1], seed=0)
    layers = net.layers
    assert [len(n.output_connections) for n in layers[0].neurons] == [3, 3]
    assert [len(n.output_connections) for n in layers[1].neurons] == [1, 1, 1]
    assert [len(n.output_connections) for n in layers[2].neurons] == [0]
    out = layers[0].neurons[1].output_connections[2]
    into = layers[1].neurons[2].input_connections[1]
    assert out.source == layers[0].neurons[1] and out.target == layers[1].neurons[2]
    assert (out.weight, out.change) == (into.weight, into.change) == (net.weights[0][2, 1], net.changes[0][2, 1])
    out.weight = 0.75  # one connection, seen from both ends
    assert into.weight == 0.75 == net.weights[0][2, 1]


def test_connections_lead_from_neuron_to_neuron():
    net = nncore.Network([2, 3, 1], seed=0)
    neuron = net.layers[2].neurons[0]
    sources = [connection.source for connection in neuron.input_connections]
    assert sources == list(net.layers[1].neurons)
    assert all(connection.target == neuron for connection in neuron.input_connections)
    assert [c.target for c in sources[0].output_connections] == [neuron]


# ---------------------------------------------------------------- an unbuilt source tree


def test_importing_an_unbuilt_source_tree_shows_one_clear_message(tmp_path):
    source = Path(nncore.__file__).parent
    copy = tmp_path / "nncore"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    # -I -S: no environment, no site hooks (an editable install has one), so only this copy can answer
    # "import nncore"; numpy's folder is added by hand.
    numpy_home = str(Path(np.__file__).parents[1])
    code = f"import sys; sys.path[:0] = [{str(tmp_path)!r}, {numpy_home!r}]; import nncore"
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "compiled core is missing" in result.stderr
    assert "partially initialized" not in result.stderr and "circular import" not in result.stderr
