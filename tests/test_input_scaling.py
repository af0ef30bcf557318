"""Input scaling inside the network: ``Network(input_scaling="standard" | "minmax")``.

The network computes on ``(x - input_offset) / input_scale``, fitted to the
rows of its first fit: every entry point, file and export applies it, with
the same IEEE operations in the network's dtype (a twin network without
scaling, trained on rows scaled by numpy, ends bit-identical). Raw inputs
that saturate the first layer make a new network's first fit warn.
"""

import copy
import json
import pickle
import warnings

import numpy as np
import pytest
from export_support import run_c, run_js

import nncore
from nncore import _cli
from nncore._activations import ACTIVATION_TABLE, SATURATION_SLOPE

DTYPES = ["float64", "float32"]


def raw_data(n=60, seed=0):
    """Inputs in their own units (columns of very different size, one constant), and a target they decide."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(500.0, 80.0, n), rng.normal(0.02, 0.005, n), np.full(n, 7.0), rng.normal(-3, 2, n)])
    Y = ((X[:, 0] - 500.0) / 80.0 + (X[:, 1] - 0.02) / 0.005 > 0).astype(float)
    return X, Y


def scaled_by_numpy(X, net):
    """``(X - offset) / scale`` in the network's dtype, as numpy computes it."""
    rows = np.asarray(X).astype(net.dtype)
    return (rows - net.input_offset) / net.input_scale


def fitted(kind="standard", dtype="float64", sizes=(4, 5, 1), **options):
    X, Y = raw_data()
    if sizes[-1] == 2:
        Y = np.column_stack([Y, 1.0 - Y])
    net = nncore.Network(list(sizes), seed=3, dtype=dtype, input_scaling=kind, **options)
    net.fit(X, Y, epochs=3, seed=1)
    return net, X, Y


def breast_cancer():
    datasets = pytest.importorskip("sklearn.datasets", reason="the breast-cancer data come from scikit-learn")
    X, y = datasets.load_breast_cancer(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(y))
    train, test = order[:400], order[400:]
    return X[train], y[train], X[test], y[test]


# ---------------------------------------------------------------- the case


@pytest.mark.parametrize("dtype", DTYPES)
def test_raw_breast_cancer_warns_and_learns_a_constant_while_scaled_learns(dtype):
    X, y, X_test, y_test = breast_cancer()
    majority = max(y_test.mean(), 1.0 - y_test.mean())
    raw = nncore.Network([30, 10, 1], seed=0, dtype=dtype)
    with pytest.warns(nncore.SaturationWarning, match="input_scaling") as caught:
        raw.fit(X, y, epochs=20, seed=0)
    assert len(caught) == 1
    outputs = raw.predict(X_test)
    assert outputs.max() - outputs.min() < 1e-3  # one value for every row
    assert raw.evaluate(X_test, y_test).accuracy == pytest.approx(majority)

    scaled = nncore.Network([30, 10, 1], seed=0, dtype=dtype, input_scaling="standard")
    with warnings.catch_warnings():
        warnings.simplefilter("error", nncore.SaturationWarning)
        result = scaled.fit(X, y, seed=0)  # brain.js's stopping rule, as the command line
    assert result.stop_reason == "error_threshold"
    assert scaled.evaluate(X_test, y_test).accuracy > (majority + 1.0) / 2  # well above the majority class


def test_the_command_line_scales_by_default_and_says_so(tmp_path, capsys):
    X, Y = raw_data()
    data = tmp_path / "raw.csv"
    data.write_text(
        "a,b,c,d,y\n" + "".join(",".join(map(repr, [*row.tolist(), float(t)])) + "\n" for row, t in zip(X, Y))
    )
    train = ["train", str(data), "--target", "y", "--epochs", "2", "--no-progress", "-o"]
    assert _cli.main([*train, str(tmp_path / "s.json"), "--seed", "0"]) == 0
    assert "inputs standardised inside the network" in capsys.readouterr().out
    net = nncore.load(tmp_path / "s.json")
    assert net.input_scaling == "standard"
    np.testing.assert_array_equal(net.input_offset, X.mean(axis=0))
    expected = nncore.Network([4, 10, 1], seed=0, input_scaling="standard")
    expected.fit(X, Y, epochs=2, seed=0)
    assert net.to_dict() == {**expected.to_dict(), "input_names": list("abcd"), "output_names": ["y"]}

    with pytest.warns(nncore.SaturationWarning):
        code = _cli.main([*train, str(tmp_path / "r.json"), "--no-scaling"])
    assert code == 0 and "inputs as given" in capsys.readouterr().out
    assert nncore.load(tmp_path / "r.json").input_scaling is None
    assert _cli.main(["info", str(tmp_path / "s.json")]) == 0
    assert "input scaling: standard" in capsys.readouterr().out
    assert _cli.main(["export", str(tmp_path / "s.json"), "--to", "fann", "-o", str(tmp_path / "s.net")]) != 0
    assert "input_scaling" in capsys.readouterr().err


# ---------------------------------------------------------------- fitting the scaling


@pytest.mark.parametrize("dtype", DTYPES)
def test_offsets_and_scales_are_numpys_statistics_of_the_training_rows(dtype):
    X, Y = raw_data()
    rows = X.astype(dtype).astype(np.float64)  # what the network reads
    for kind, offset, spread in (
        ("standard", rows.mean(axis=0), rows.std(axis=0)),
        ("minmax", rows.min(axis=0), rows.max(axis=0) - rows.min(axis=0)),
    ):
        net = nncore.Network([4, 3, 1], input_scaling=kind, dtype=dtype, seed=0)
        assert (net.input_scaling, net.input_offset, net.input_scale) == (kind, None, None)
        net.fit(X, Y, epochs=1, seed=0)
        expected_scale = np.where(spread > 0, spread, 1.0).astype(dtype)
        assert net.input_offset.dtype == net.input_scale.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(net.input_offset, offset.astype(dtype))
        np.testing.assert_array_equal(net.input_scale, expected_scale)
        assert net.input_scale[2] == 1  # the constant column
    minmax = scaled_by_numpy(X, net)
    assert minmax.min() == 0 and minmax.max() == 1


def test_the_scaling_is_fitted_once_and_again_only_when_asked():
    net, X, Y = fitted()
    offset, scale = net.input_offset, net.input_scale
    net.fit(X * 3 + 1, Y, epochs=1, seed=0)
    np.testing.assert_array_equal(net.input_offset, offset)
    np.testing.assert_array_equal(net.input_scale, scale)
    net.input_offset[0] = 99.0  # a copy
    assert net.input_offset[0] == offset[0]
    assert net.fit_input_scaling(X * 3 + 1) is net
    np.testing.assert_array_equal(net.input_offset, (X * 3 + 1).mean(axis=0))


def test_the_scaling_is_fitted_to_the_rows_trained_on():
    X, Y = raw_data()
    weights = np.ones(len(X))
    weights[:10] = 0.0  # left out
    net = nncore.Network([4, 3, 1], input_scaling="standard", seed=0)
    net.fit(X, Y, epochs=1, seed=0, sample_weight=weights)
    np.testing.assert_array_equal(net.input_offset, X[10:].mean(axis=0))


def test_a_scaled_network_refuses_to_compute_before_its_scaling_is_fitted():
    X, Y = raw_data()
    net = nncore.Network([4, 3, 1], input_scaling="minmax", seed=0)
    for call in (
        lambda: net.predict(X),
        lambda: net.predict(X[0]),
        lambda: net.train(X[0], [1.0]),
        lambda: net.activate(X[0]),
        lambda: net.evaluate(X, Y),
        lambda: net.to_c(),
        lambda: net.to_javascript(),
    ):
        with pytest.raises(ValueError, match=r"input_scaling='minmax' is fitted .* fit_input_scaling\(X\)"):
            call()
    assert net.iterations == 0
    net.fit_input_scaling(X).train(X[0], [1.0])
    assert net.iterations == 1


def test_the_scaling_is_read_only_outside_fit_input_scaling():
    net = fitted()[0]
    for name in ("input_scaling", "input_offset", "input_scale"):
        with pytest.raises(AttributeError):
            setattr(net, name, None)
    assert net.input_scaling == "standard" and net.input_offset is not None


def test_fit_input_scaling_needs_a_scaled_network_and_rows():
    X, _ = raw_data()
    with pytest.raises(ValueError, match="input_scaling='standard' or 'minmax'"):
        nncore.Network([4, 3, 1]).fit_input_scaling(X)
    net = nncore.Network([4, 3, 1], input_scaling="standard")
    with pytest.raises(ValueError, match="4"):
        net.fit_input_scaling(X[:, :3])
    assert net.input_offset is None
    net.fit_input_scaling(X[0])  # one sample: offset its values, scale 1
    np.testing.assert_array_equal(net.input_offset, X[0])
    np.testing.assert_array_equal(net.input_scale, np.ones(4))


@pytest.mark.parametrize(("value", "error"), [("zscore", ValueError), (1, TypeError), (True, TypeError)])
def test_input_scaling_names_what_it_takes(value, error):
    with pytest.raises(error, match=r"input_scaling must be one of \['standard', 'minmax'\]"):
        nncore.Network([2, 1], input_scaling=value)


def test_a_failed_first_fit_forgets_the_scaling_it_fitted():
    X, Y = raw_data()
    net = nncore.Network([4, 3, 1], activation="identity", learning_rate=1e300, input_scaling="standard", seed=0)
    with pytest.raises(nncore.DivergenceError):
        net.fit(X, Y * 1e300, epochs=1, seed=0)
    assert (net.iterations, net.input_offset, net.input_scale) == (0, None, None)


def test_inputs_whose_mean_overflows_are_refused():
    net = nncore.Network([1, 1], input_scaling="standard")
    with pytest.raises(ValueError, match="too large for input_scaling='standard'"):
        net.fit_input_scaling([[1.7e308], [1.7e308]])
    assert net.input_offset is None


def test_an_input_the_scaling_takes_beyond_the_dtype_is_refused():
    net = nncore.Network([1, 1], dtype="float32", input_scaling="standard", seed=0)
    net.fit_input_scaling([[0.0], [2e-30]])
    for call in (lambda: net.predict([[1e30]]), lambda: net.train([1e30], [0.5])):
        with pytest.raises(ValueError, match="too large for input_scaling='standard'"):
            call()
    assert net.iterations == 0


# ---------------------------------------------------------------- every entry point applies it


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["standard", "minmax"])
def test_a_scaled_network_trains_as_an_unscaled_twin_on_rows_scaled_by_numpy(kind, dtype):
    X, Y = raw_data()
    X_val, Y_val = raw_data(20, seed=1)
    net = nncore.Network([4, 5, 1], seed=3, dtype=dtype, input_scaling=kind)
    result = net.fit(X, Y, epochs=3, seed=1, validation_data=(X_val, Y_val))
    twin = nncore.Network([4, 5, 1], seed=3, dtype=dtype)
    twin_result = twin.fit(
        scaled_by_numpy(X, net), Y, epochs=3, seed=1, validation_data=(scaled_by_numpy(X_val, net), Y_val)
    )
    assert net.to_dict()["layers"] == twin.to_dict()["layers"]
    np.testing.assert_array_equal(result.errors, twin_result.errors)
    np.testing.assert_array_equal(result.validation_errors, twin_result.validation_errors)

    for x, y in zip(X[:5], Y[:5]):
        assert net.train(x, [y]) == twin.train(scaled_by_numpy(x, net), [y])
    assert net.to_dict()["layers"] == twin.to_dict()["layers"]

    np.testing.assert_array_equal(net.predict(X), twin.predict(scaled_by_numpy(X, net)))
    np.testing.assert_array_equal(net.predict(X[0]), twin.predict(scaled_by_numpy(X[0], net)))
    np.testing.assert_array_equal(net.run(X[1]), twin.run(scaled_by_numpy(X[1], net)))
    assert net.likely(X[2]) == twin.likely(scaled_by_numpy(X[2], net))
    net.activate(X[3])
    twin.activate(scaled_by_numpy(X[3], net))
    np.testing.assert_array_equal(net.run(), twin.run())
    evaluation, twin_evaluation = net.evaluate(X, Y), twin.evaluate(scaled_by_numpy(X, net), Y)
    assert (evaluation.error, evaluation.accuracy) == (twin_evaluation.error, twin_evaluation.accuracy)


def test_the_rows_of_a_fit_are_not_scaled_twice_by_its_own_checks():
    net, X, Y = fitted()
    twin = nncore.Network.from_dict({k: v for k, v in net.to_dict().items() if not k.startswith("input_")})
    rows, targets = np.ascontiguousarray(scaled_by_numpy(X, net)), np.ascontiguousarray(Y[:, None])
    for got, expected in zip(
        net._forward_and_losses(rows, targets, scale=False), twin._forward_and_losses(rows, targets)
    ):
        np.testing.assert_array_equal(got, expected)
    raw = np.ascontiguousarray(X)
    for got, expected in zip(net._forward_and_losses(raw, targets), twin._forward_and_losses(rows, targets)):
        np.testing.assert_array_equal(got, expected)


def test_a_diverged_scaled_fit_leaves_a_network_that_computes_finite_outputs():
    # the roll-back case, scaled: epoch 2 starts with outputs that overflow on the data
    X, Y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]) * 1e3, np.array([0, 1, 1, 0]) * 1e6
    net = nncore.Network([2, 3, 1], activation="identity", learning_rate=0.9, momentum=0.9, seed=0)
    scaled = nncore.Network(
        [2, 3, 1], activation="identity", learning_rate=0.9, momentum=0.9, seed=0, input_scaling="standard"
    )
    scaled.fit_input_scaling(X)
    with pytest.raises(nncore.DivergenceError, match="start of the fit"):
        scaled.fit(X, Y, epochs=100, seed=0)
    assert scaled.iterations == 0 and scaled.input_offset is not None  # as before the fit
    assert np.isfinite(scaled.predict(X)).all()
    np.testing.assert_array_equal(scaled.predict(X), net.predict(scaled_by_numpy(X, scaled)))


def test_the_matrix_product_predict_of_large_batches_scales_too():
    net, X, _ = fitted(sizes=(4, 300, 300, 1))
    rows = np.tile(X, (10, 1))
    np.testing.assert_allclose(net.predict(rows), np.array([net.predict(row) for row in rows]), rtol=1e-12)


def test_fit_many_scales_each_network_as_its_own_fit():
    X, Y = raw_data()
    kinds = ["standard", None, "minmax", "standard", "standard"]
    population = [nncore.Network([4, 3, 1], seed=s, input_scaling=k) for s, k in enumerate(kinds)]
    alone = [nncore.Network([4, 3, 1], seed=s, input_scaling=k) for s, k in enumerate(kinds)]
    with pytest.warns(nncore.SaturationWarning) as caught:  # the unscaled one, once for the call
        nncore.fit_many(population, X, Y, epochs=4, seeds=range(5), threads=2)
    assert len(caught) == 1
    for s, net in enumerate(alone):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", nncore.SaturationWarning)
            net.fit(X, Y, epochs=4, seed=s)
    for trained, expected in zip(population, alone):
        assert trained.to_dict() == expected.to_dict()


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_nncore_file_and_copy_keeps_the_scaling(tmp_path, dtype):
    net, X, _ = fitted("minmax", dtype)
    data = net.to_dict()
    assert data["version"] == 3 and data["input_scaling"] == "minmax"
    assert data["input_offset"] == net.input_offset.tolist() and data["input_scale"] == net.input_scale.tolist()
    net.save(tmp_path / "net.json")
    for again in (
        nncore.Network.from_dict(data),
        nncore.Network.from_json(net.to_json()),
        nncore.load(tmp_path / "net.json"),
        pickle.loads(pickle.dumps(net)),
        copy.copy(net),
        copy.deepcopy(net),
    ):
        assert again.to_dict() == data
        np.testing.assert_array_equal(again.predict(X), net.predict(X))
    other = net.astype("float32" if dtype == "float64" else "float64")
    assert other.input_scaling == "minmax" and other.input_offset.dtype == other.input_scale.dtype == other.dtype
    np.testing.assert_array_equal(other.input_scale, net.input_scale.astype(other.dtype))
    unfitted = nncore.Network([4, 3, 1], input_scaling="standard")
    assert "input_offset" not in unfitted.to_dict()
    assert nncore.Network.from_dict(unfitted.to_dict()).input_scaling == "standard"


def test_an_unscaled_network_writes_the_files_it_wrote_before():
    data = nncore.Network([2, 3, 1], seed=0).to_dict()
    assert data["version"] == 2 and not {"input_scaling", "input_offset", "input_scale"} & set(data)


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d: d.update(input_scaling="zscore"), "input_scaling"),
        (lambda d: d.update(input_scale=[1.0, 0.0, 1.0, 1.0]), "input_scale"),
        (lambda d: d.update(input_scale=[1.0, 2.0]), "input_scale"),
        (lambda d: d.update(input_offset=[1.0, float("nan"), 1.0, 1.0]), "input_offset"),
        (lambda d: d.pop("input_scaling"), "input_offset"),
        (lambda d: d.pop("input_scale"), "input_scale"),
    ],
)
def test_a_bad_scaling_field_is_named(edit, field):
    data = fitted()[0].to_dict()
    edit(data)
    with pytest.raises(ValueError, match=field):
        nncore.Network.from_dict(data)


# ---------------------------------------------------------------- exports


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_c_export_scales_bit_for_bit_as_predict(cc, tmp_path, dtype):
    net, X, _ = fitted("standard", dtype, sizes=(4, 6, 2))
    rows = np.vstack([X, X * 1.5 - 3.0]).astype(dtype)
    expected = np.array([net.predict(row) for row in rows])
    assert np.array_equal(run_c(cc, tmp_path, net, rows), expected)
    assert "input_offset" in net.to_c() and "(input[k] - nncore_predict_input_offset[k])" in net.to_c()


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_javascript_export_scales_as_predict(node, tmp_path, dtype):
    net, X, _ = fitted("minmax", dtype, sizes=(4, 6, 2))
    net.input_names = ["a", "b", "c", "d"]
    outputs = np.array(run_js(node, tmp_path, net, X.tolist()))
    named = run_js(node, tmp_path, net, [dict(zip("abcd", row)) for row in X.tolist()])
    tolerance = 1e-12 if dtype == "float64" else 1e-5  # JavaScript computes in double
    np.testing.assert_allclose(outputs, net.predict(X), rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(np.array(named), outputs, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_onnx_export_scales_with_sub_and_div(dtype):
    onnx = pytest.importorskip("onnx", reason="the ONNX export needs the onnx package (pip install onnx)")
    onnxruntime = pytest.importorskip("onnxruntime", reason="running the exported model needs onnxruntime")
    net, X, _ = fitted("standard", dtype, sizes=(4, 6, 2))
    model = net.to_onnx()
    assert [node.op_type for node in onnx.load_from_string(model).graph.node][:3] == ["Sub", "Div", "MatMul"]
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    outputs = session.run(None, {"input": X.astype(dtype)})[0]
    tolerance = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(outputs, net.predict(X), rtol=0, atol=tolerance)


@pytest.mark.parametrize(
    ("write", "format_name"),
    [
        (lambda net: net.to_brainjs(), "brain.js"),
        (lambda net: net.to_tutorial_json(), "tutorial"),
        (lambda net: net.to_fann(), "FANN"),
    ],
)
def test_formats_without_an_exact_place_for_the_scaling_refuse_it_by_name(write, format_name):
    net = fitted()[0]
    with pytest.raises(ValueError, match=rf"input_scaling='standard'\), which .*{format_name}.* cannot hold"):
        write(net)
    data = net.to_dict()
    for key in ("input_scaling", "input_offset", "input_scale"):
        del data[key]
    write(nncore.Network.from_dict(data))  # the same network unscaled is written


# ---------------------------------------------------------------- the saturation warning


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_the_saturation_threshold_is_where_the_slope_falls_to_1e_3(activation):
    entry = ACTIVATION_TABLE[activation]
    output = entry.function(entry.saturation, 0.0)
    assert entry.delta(1.0, output, 0.0) == pytest.approx(SATURATION_SLOPE, rel=1e-9)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "identity"])
def test_rectifiers_and_identity_never_saturate(activation):
    X, Y = raw_data()
    assert ACTIVATION_TABLE[activation].saturation is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", nncore.SaturationWarning)
        nncore.Network([4, 3, 1], activation=activation, learning_rate=1e-12, seed=0).fit(X * 1e3, Y, epochs=1)


def test_the_warning_comes_at_the_first_fit_only_and_names_the_callers_line():
    X, Y = raw_data()
    net = nncore.Network([4, 3, 1], activation="tanh", seed=0)
    with pytest.warns(
        nncore.SaturationWarning, match=r"tanh sums .* beyond \+-4.1.*input_scaling='standard'"
    ) as caught:
        net.fit(X, Y, epochs=2)
    assert len(caught) == 1 and caught[0].filename == __file__
    assert issubclass(nncore.SaturationWarning, UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error", nncore.SaturationWarning)
        net.fit(X, Y, epochs=1)  # a network that has trained is not warned about again
        nncore.Network([4, 3, 1], activation="tanh", seed=0).fit(X / 1000.0, Y, epochs=1)  # small inputs


def test_the_dictionary_format_is_documented_with_version_3():
    from nncore import _serialization

    assert "Version 3 adds the input scaling" in _serialization.__doc__
    assert json.loads(fitted()[0].to_json())["version"] == _serialization.SCALED_VERSION


def test_the_warning_looks_at_the_first_rows_only():
    from nncore._scaling import SATURATION_ROWS

    rng = np.random.default_rng(0)
    quiet = rng.uniform(-1, 1, size=(SATURATION_ROWS, 4))
    loud = rng.uniform(-1, 1, size=(4 * SATURATION_ROWS, 4)) * 1e4
    Y = np.zeros((5 * SATURATION_ROWS, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", nncore.SaturationWarning)
        nncore.Network([4, 3, 1], seed=0).fit(np.vstack([quiet, loud]), Y, steps=1)
    for dtype in (np.float64, np.float32):
        with pytest.warns(nncore.SaturationWarning, match="input_scaling"):
            nncore.Network([4, 3, 1], seed=0, dtype=dtype).fit(np.vstack([loud, quiet]).astype(dtype), Y, steps=1)
