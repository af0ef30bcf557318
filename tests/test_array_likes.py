"""Data of any array kind: whatever numpy reads (the ``__array__`` protocol, sequences) is data.

1-D targets are one column wherever targets are taken: fit, evaluate,
fit_many, validation data and the estimators; sample weights of any array
kind too. Data that is truly bad keeps its precise error.
"""

import array
from collections import UserList

import numpy as np
import pytest

import nncore

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y = [0.0, 1.0, 1.0, 0.0]


class ArrayLike:
    """Only the ``__array__`` protocol, as a tensor or a data frame column offers it."""

    def __init__(self, values):
        self.values = np.asarray(values)

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)


class Refusing:
    """An array-like whose conversion fails, as a tensor that requires grad does."""

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad")


def targets_of_every_kind():
    return {
        "__array__": ArrayLike(Y),
        "range": range(4),
        "sequence": UserList(Y),
        "array.array": array.array("d", Y),
        "memoryview": memoryview(array.array("d", Y)),
    }


def scores(evaluation):
    return evaluation.error, evaluation.accuracy, evaluation.expected_classes.tolist()


def fitted_on(targets, **options):
    net = nncore.Network([2, 3, 1], seed=0)
    net.fit(X, targets, epochs=3, seed=0, **options)
    return net.to_dict()


@pytest.mark.parametrize("kind", list(targets_of_every_kind()))
def test_fit_takes_1d_targets_of_any_array_kind_as_one_column(kind):
    targets = targets_of_every_kind()[kind]
    expected = np.asarray(list(np.asarray(targets, dtype=float)), dtype=float).reshape(-1, 1)
    assert fitted_on(targets) == fitted_on(expected)


@pytest.mark.parametrize("kind", list(targets_of_every_kind()))
def test_evaluate_validation_data_and_fit_many_take_them_too(kind):
    targets = targets_of_every_kind()[kind]
    column = np.asarray(targets, dtype=float).reshape(-1, 1)
    net = nncore.Network([2, 3, 1], seed=0)
    assert scores(net.evaluate(X, targets)) == scores(net.evaluate(X, column))
    result = net.fit(X, column, epochs=3, seed=0, validation_data=(ArrayLike(X), targets))
    assert len(result.validation_errors) == 3
    nets = [nncore.Network([2, 3, 1], seed=0), nncore.Network([2, 3, 1], seed=0)]
    nncore.fit_many(nets[:1], X, targets, epochs=3, seeds=[0])
    nncore.fit_many(nets[1:], X, column, epochs=3, seeds=[0])
    assert nets[0].to_dict() == nets[1].to_dict()


def test_inputs_and_sample_weights_of_any_array_kind():
    weights = [1.0, 2.0, 1.0, 0.5]
    expected = fitted_on(Y, sample_weight=weights)
    assert fitted_on(Y, sample_weight=ArrayLike(weights)) == expected
    assert fitted_on(Y, sample_weight=array.array("d", weights)) == expected
    net = nncore.Network([2, 3, 1], seed=0)
    net.fit(ArrayLike(X), ArrayLike(Y), epochs=3, seed=0, sample_weight=UserList(weights))
    assert net.to_dict() == expected


def test_bad_array_likes_keep_precise_errors():
    net = nncore.Network([2, 3, 2], seed=0)
    before = net.to_dict()
    with pytest.raises(ValueError, match=r"Y must be 2-D, got 1-D"):
        net.fit(X, ArrayLike(Y), epochs=1)  # one column for two outputs
    with pytest.raises(TypeError, match=r"Y could not be read as an array: RuntimeError: Can't call numpy"):
        nncore.Network([2, 3, 1], seed=0).fit(X, Refusing(), epochs=1)
    with pytest.raises(ValueError, match=r"Y must be finite, got nan at index 2"):
        nncore.Network([2, 3, 1], seed=0).fit(X, ArrayLike([0, 1, np.nan, 0]), epochs=1)
    with pytest.raises(ValueError, match=r"X and Y must have the same number of rows, got 4 and 3"):
        nncore.Network([2, 3, 1], seed=0).fit(X, range(3), epochs=1)
    with pytest.raises(TypeError, match=r"Y must contain real numbers"):
        nncore.Network([2, 3, 1], seed=0).fit(X, ArrayLike(["a", "b", "c", "d"]), epochs=1)
    assert net.to_dict() == before


def test_pandas_series_and_frames():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(X, columns=["a", "b"])
    series = pandas.Series(Y, name="target")
    assert fitted_on(series) == fitted_on(Y)
    net = nncore.Network([2, 3, 1], seed=0)
    net.fit(frame, series, epochs=3, seed=0, sample_weight=pandas.Series([1.0, 2.0, 1.0, 1.0]))
    assert scores(net.evaluate(frame, series)) == scores(net.evaluate(X, Y))


def test_torch_tensors():
    torch = pytest.importorskip("torch")
    assert fitted_on(torch.tensor(Y)) == fitted_on(Y)
    net = nncore.Network([2, 3, 1], seed=0)
    assert scores(net.evaluate(torch.tensor(X), torch.tensor(Y))) == scores(net.evaluate(X, Y))
    with pytest.raises(TypeError, match="Y could not be read as an array"):
        net.fit(X, torch.tensor(Y, requires_grad=True), epochs=1)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_estimators_take_array_likes_and_ranges():
    pytest.importorskip("sklearn")
    from nncore.sklearn import NetworkClassifier, NetworkRegressor

    labels = ArrayLike([0, 1, 1, 0])
    classifier = NetworkClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    assert classifier.fit(ArrayLike(X), labels).classes_.tolist() == [0, 1]  # 1-D: labels, not one column
    regressor = NetworkRegressor(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    assert regressor.fit(X, range(4)).predict(X).shape == (4,)
