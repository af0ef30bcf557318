"""nncore.sklearn: the scikit-learn estimators, checked by scikit-learn's own estimator checks and in use."""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn", minversion="1.6")

from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    parametrize_with_checks,
)

import nncore
from nncore.sklearn import NetworkClassifier, NetworkRegressor

PER_SAMPLE_WEIGHTS = (
    "per-sample (and mini-batch) training updates once per row, so a row given twice takes two steps "
    "where a weight of 2 takes one larger step: the two fits differ. Whole-batch training "
    "(batch_size=None) is equivalent, which test_whole_batch_sample_weights_equal_repeated_rows checks."
)


def expected_failed_checks(estimator):
    if estimator.batch_size is not None and estimator.solver != "rprop":
        return {"check_sample_weight_equivalence_on_dense_data": PER_SAMPLE_WEIGHTS}
    return {}


# Only max_iter is lowered (as scikit-learn's own tests do for its MLP); every other parameter is the default.
@parametrize_with_checks(
    [NetworkClassifier(max_iter=50), NetworkRegressor(max_iter=50)], expected_failed_checks=expected_failed_checks
)
def test_scikit_learn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.mark.parametrize(
    "estimator",
    [
        NetworkClassifier(batch_size=None, alpha=0.0, max_iter=30),
        NetworkRegressor(batch_size=None, alpha=0.0, max_iter=30),
        NetworkRegressor(solver="rprop", alpha=0.0, max_iter=30),
    ],
    ids=["classifier-sgd", "regressor-adam", "regressor-rprop"],
)
def test_whole_batch_sample_weights_equal_repeated_rows(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_sample_weight_equivalence_on_dense_data(type(estimator).__name__, estimator)


def test_import_nncore_does_not_import_scikit_learn(tmp_path):
    code = "import sys, nncore; print('sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- data


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def blobs():
    X, y = make_classification(n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=0)
    return StandardScaler().fit_transform(X), y


def small(estimator=NetworkClassifier, **params):
    """A quick model: 20 epochs of 15 updates (the defaults would take one update per epoch on 150 rows)."""
    settings = {"hidden_layer_sizes": (8,), "max_iter": 20, "batch_size": 10, "learning_rate_init": 0.01}
    return estimator(**{**settings, "random_state": 0, **params})


def quietly(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


# ---------------------------------------------------------------- in scikit-learn's tools


def test_a_pipeline_learns_digits(digits):
    X_train, X_test, y_train, y_test = digits
    model = make_pipeline(StandardScaler(), NetworkClassifier(random_state=0))
    model.fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.9
    assert model[-1].n_iter_ < 200  # stopped by the tolerance rule, not max_iter


def test_grid_search_with_two_jobs(blobs):
    X, y = blobs
    search = GridSearchCV(small(), {"hidden_layer_sizes": [(2,), (16,)]}, cv=3, n_jobs=2)
    quietly(search.fit, X, y)
    assert search.best_params_ == {"hidden_layer_sizes": (16,)}
    assert search.best_estimator_.network_.sizes == (6, 16, 3)


def test_cross_val_score(blobs):
    X, y = blobs
    scores = quietly(cross_val_score, small(), X, y, cv=3)
    assert scores.shape == (3,)
    assert scores.min() > 0.6


def test_clone_copies_parameters_not_the_fit(blobs):
    X, y = blobs
    model = quietly(small(class_weight="balanced").fit, X, y)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "network_")


def test_pickled_estimators_predict_the_same(blobs):
    X, y = blobs
    for model in (small(), small(NetworkRegressor)):
        quietly(model.fit, X, y.astype(float))
        again = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_a_search_on_a_dask_cluster_scores_as_the_local_one(blobs):
    distributed = pytest.importorskip("distributed")
    joblib = pytest.importorskip("joblib")
    X, y = blobs
    grid = {"hidden_layer_sizes": [(4,), (8,)], "alpha": [0.0, 0.001]}
    local = quietly(GridSearchCV(small(), grid, cv=3).fit, X, y)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with joblib.parallel_backend("dask"):
            remote = quietly(GridSearchCV(small(), grid, cv=3, n_jobs=-1).fit, X, y)
        assert len(client.scheduler_info()["workers"]) == 2
    for key in ("mean_test_score", "split0_test_score", "split1_test_score", "split2_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])


# ---------------------------------------------------------------- the classifier


@pytest.mark.parametrize(
    "labels",
    [np.array(["cat", "dog", "emu"]), np.array([False, True]), np.array([3, 7])],
    ids=["strings", "booleans", "integers"],
)
def test_labels_of_any_kind(blobs, labels):
    X, y = blobs
    y = labels[y % len(labels)]
    model = quietly(small().fit, X, y)
    np.testing.assert_array_equal(model.classes_, np.unique(labels))
    predicted = model.predict(X)
    assert predicted.dtype == y.dtype
    assert set(predicted) <= set(labels)
    assert (predicted == y).mean() > 0.6
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], predicted)


def test_output_layers_by_kind_of_target(blobs):
    X, y = blobs
    binary = quietly(small().fit, X, y == 0)
    multiclass = quietly(small().fit, X, y)
    assert binary.network_.activations[-1] == "sigmoid" and binary.network_.sizes[-1] == 1
    assert multiclass.network_.activations[-1] == "softmax" and multiclass.network_.sizes[-1] == 3
    assert binary.network_.loss == multiclass.network_.loss == "cross_entropy"


def test_multilabel():
    X, Y = make_multilabel_classification(n_samples=120, n_features=8, n_classes=4, random_state=0)
    X = StandardScaler().fit_transform(X)
    model = quietly(small().fit, X, Y)
    assert model.network_.activations[-1] == "sigmoid" and model.network_.sizes[-1] == 4
    predicted = model.predict(X)
    assert predicted.shape == Y.shape
    assert (predicted == Y).mean() > 0.75
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(predicted.dtype))


def test_network_reproduces_predict_proba_exactly(blobs):
    X, y = blobs
    model = quietly(small().fit, X, y)
    np.testing.assert_array_equal(model.network_.predict(X), model.predict_proba(X))
    binary = quietly(small().fit, X, y == 1)
    np.testing.assert_array_equal(binary.network_.predict(X)[:, 0], binary.predict_proba(X)[:, 1])
    np.testing.assert_array_equal(1.0 - binary.network_.predict(X)[:, 0], binary.predict_proba(X)[:, 0])
    restored = nncore.Network.from_dict(model.network_.to_dict())
    np.testing.assert_array_equal(restored.predict(X), model.predict_proba(X))


def test_predict_log_proba_is_the_log_of_predict_proba(blobs):
    X, y = blobs
    model = quietly(small().fit, X, y)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(model.predict_proba(X)))


def test_balanced_class_weight_changes_the_fit_and_equals_its_sample_weights(blobs):
    X, y = blobs
    keep = (y != 2) | (np.arange(len(y)) % 5 == 0)  # class 2 rare
    X, y = X[keep], y[keep]
    plain = quietly(small().fit, X, y)
    balanced = quietly(small(class_weight="balanced").fit, X, y)
    weighted = quietly(small().fit, X, y, sample_weight=compute_sample_weight("balanced", y))
    assert not np.array_equal(plain.predict_proba(X), balanced.predict_proba(X))
    np.testing.assert_array_equal(balanced.predict_proba(X), weighted.predict_proba(X))


def test_class_weight_as_a_dict_multiplies_sample_weight(blobs):
    X, y = blobs
    given = np.linspace(0.5, 1.5, len(y))
    by_dict = quietly(small(class_weight={0: 1.0, 1: 3.0, 2: 1.0}).fit, X, y, sample_weight=given)
    by_hand = quietly(small().fit, X, y, sample_weight=given * np.where(y == 1, 3.0, 1.0))
    np.testing.assert_array_equal(by_dict.predict_proba(X), by_hand.predict_proba(X))


def test_partial_fit_needs_classes_first_then_trains_an_epoch_per_call(blobs):
    X, y = blobs
    model = small()
    with pytest.raises(ValueError, match="classes must be given"):
        model.partial_fit(X, y)
    assert not hasattr(model, "network_")
    model.partial_fit(X[:50], y[:50], classes=[0, 1, 2])
    model.partial_fit(X[50:], y[50:])
    assert model.n_iter_ == 2 and len(model.loss_curve_) == 2
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    with pytest.raises(ValueError, match="not among the classes"):
        model.partial_fit(X[:5], y[:5] + 10)
    assert model.n_iter_ == 2


def test_partial_fit_refuses_early_stopping(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="early_stopping"):
        small(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


# ---------------------------------------------------------------- the regressor


def test_regressor_with_one_and_several_targets():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    Y = np.column_stack([X[:, 0] - X[:, 1], X[:, 2] ** 2])
    one = quietly(NetworkRegressor(random_state=0).fit, X, Y[:, 0])
    two = quietly(NetworkRegressor(random_state=0).fit, X, Y)
    assert one.predict(X).shape == (200,) and two.predict(X).shape == (200, 2)
    assert one.network_.activations[-1] == two.network_.activations[-1] == "identity"
    assert one.network_.loss == "mse"
    assert one.score(X, Y[:, 0]) > 0.9
    assert two.score(X, Y) > 0.8
    np.testing.assert_array_equal(two.network_.predict(X), two.predict(X))


# ---------------------------------------------------------------- training controls


def test_tolerance_stops_before_max_iter_and_max_iter_warns(blobs):
    X, y = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = NetworkClassifier(hidden_layer_sizes=(8,), tol=0.5, n_iter_no_change=2, random_state=0).fit(X, y)
    # epoch 1 sets the best loss; epochs 2, 3 and 4 do not beat it by 0.5: more than 2 without improvement
    assert model.n_iter_ == 4
    assert len(model.loss_curve_) == 4 and model.best_loss_ == min(model.loss_curve_)
    with pytest.warns(ConvergenceWarning, match="max_iter=4"):
        model = NetworkClassifier(hidden_layer_sizes=(8,), max_iter=4, tol=0.0, random_state=0).fit(X, y)
    assert model.n_iter_ == 4


def test_n_iter_counts_the_last_fit_and_warm_start_continues(blobs):
    X, y = blobs
    model = small(warm_start=True)
    quietly(model.fit, X, y)
    first = model.network_
    quietly(model.fit, X, y)
    assert model.n_iter_ == 20 and len(model.loss_curve_) == 40
    assert model.network_ is first
    assert model.network_.iterations == 40 * len(X)
    cold = small()
    quietly(cold.fit, X, y)
    quietly(cold.fit, X, y)
    assert len(cold.loss_curve_) == 20 and cold.network_.iterations == 20 * len(X)


def test_early_stopping_scores_held_out_data_and_keeps_the_best_network(blobs):
    X, y = blobs
    model = quietly(small(early_stopping=True, validation_fraction=0.2, max_iter=30).fit, X, y)
    assert len(model.validation_scores_) == model.n_iter_ == len(model.loss_curve_)
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    assert model.network_.iterations == 120 * (1 + int(np.argmax(model.validation_scores_)))  # 120 training rows


def test_the_same_random_state_gives_the_same_model(blobs):
    X, y = blobs
    a, b, c = (quietly(small(random_state=seed).fit, X, y) for seed in (1, 1, 2))
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_parameters_reach_the_network(blobs):
    X, y = blobs
    model = quietly(
        small(
            solver="adam", alpha=0.01, batch_size=4, learning_rate_init=0.002, activation="logistic", init="xavier"
        ).fit,
        X,
        y,
    )
    net = model.network_
    assert net.optimizer == "adam" and net.learning_rate == 0.002
    assert net.weight_decay == pytest.approx(0.01 / 4)
    assert net.activations == ("sigmoid", "softmax")
    sgd = quietly(small(solver="sgd", momentum=0.5, batch_size=1).fit, X, y).network_
    assert (sgd.optimizer, sgd.learning_rate, sgd.momentum, sgd.weight_decay) == ("sgd", 0.01, 0.5, 0.0001)


def test_a_batch_larger_than_the_rows_trained_on_is_clipped_with_a_warning_at_the_callers_line():
    X = np.random.default_rng(0).normal(size=(6, 2))
    weights = [0, 1, 1, 1, 1, 0]  # rows of weight 0 are left out: 4 rows are trained on
    for fit in (
        lambda: NetworkRegressor((3,), batch_size=5, max_iter=2).fit(X, X[:, 0], sample_weight=weights),
        lambda: NetworkRegressor((3,), batch_size=5).partial_fit(X, X[:, 0], sample_weight=weights),
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = fit()
        clipped = [w for w in caught if "batch_size" in str(w.message)]
        assert [str(w.message) for w in clipped] == [
            "batch_size 5 is larger than the 4 training samples; it is clipped to 4"
        ]
        assert clipped[0].filename == __file__
        assert model.network_.weight_decay == pytest.approx(0.0001 / 4)


def test_order_overrides_shuffle(blobs):
    X, y = blobs
    unshuffled = quietly(small(shuffle=False).fit, X, y)
    sequential = quietly(small(order="sequential").fit, X, y)
    shuffled = quietly(small().fit, X, y)
    np.testing.assert_array_equal(unshuffled.predict_proba(X), sequential.predict_proba(X))
    assert not np.array_equal(unshuffled.predict_proba(X), shuffled.predict_proba(X))


def test_feature_names_are_kept():
    pandas = pytest.importorskip("pandas")
    X, y = make_classification(n_samples=60, n_features=3, n_informative=2, n_redundant=0, random_state=0)
    frame = pandas.DataFrame(X, columns=["a", "b", "c"])
    model = quietly(small().fit, frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, ["a", "b", "c"])
    assert model.n_features_in_ == 3
    with pytest.raises(ValueError, match="feature names"):
        model.predict(frame[["c", "b", "a"]])


def inputs_to_predict_cases(X):
    """Inputs of every kind for an estimator fitted on ``X``: good ones and ones scikit-learn refuses."""
    good = np.ascontiguousarray(X[:7], dtype=np.float64)
    with_nan, with_inf = good.copy(), good.copy()
    with_nan[3, 1], with_inf[0, 0] = np.nan, -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        matrix = np.asmatrix(good)
    return good, {
        "float64": good,
        "fortran order": np.asfortranarray(good),
        "strided": X[::2],
        "read-only": np.frombuffer(good.tobytes()).reshape(good.shape),
        "big-endian": good.astype(">f8"),
        "float32": good.astype(np.float32),
        "integers": good.astype(int),
        "lists": good.tolist(),
        "one row": good[:1],
        "no rows": good[:0],
        "too few features": good[:, :-1],
        "too many features": np.hstack([good, good]),
        "one dimension": good[0],
        "three dimensions": good[np.newaxis],
        "nan": with_nan,
        "inf": with_inf,
        "strings": good.astype(str),
        "matrix": matrix,
    }


def assert_inputs_to_predict_checked_as_validate_data(estimator, inputs):
    """nncore.sklearn's check of predict's inputs returns, warns and raises what scikit-learn's does."""
    from sklearn.utils.validation import validate_data

    from nncore.sklearn import _inputs_to_predict

    def by_scikit_learn(estimator, X):
        return validate_data(estimator, X, reset=False, dtype=np.float64)

    for name, X in inputs.items():
        ours, ours_warned = checked_or_error(_inputs_to_predict, estimator, X)
        theirs, theirs_warned = checked_or_error(by_scikit_learn, estimator, X)
        assert ours_warned == theirs_warned, name
        if isinstance(theirs, tuple):
            assert ours == theirs, name
        else:
            assert type(ours) is type(theirs) and ours.dtype == theirs.dtype, name
            np.testing.assert_array_equal(ours, theirs, err_msg=name)


def checked_or_error(check, estimator, X):
    """What ``check(estimator, X)`` returns and warns, or the error it raises (type and message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = check(estimator, X)
        except (ValueError, TypeError) as error:
            result = (type(error), str(error))
    return result, [(w.category, str(w.message)) for w in caught]


def test_inputs_to_predict_are_checked_as_validate_data_checks_them(blobs):
    from nncore.sklearn import _inputs_to_predict

    X, y = blobs
    model = quietly(small().fit, X, y)
    good, inputs = inputs_to_predict_cases(X)
    assert_inputs_to_predict_checked_as_validate_data(model, inputs)
    # an array the full check would return as it is, and silently, is taken as it is
    assert _inputs_to_predict(model, good) is good


def test_inputs_to_predict_of_an_estimator_fitted_with_feature_names(blobs):
    pandas = pytest.importorskip("pandas")
    X, y = blobs
    named = quietly(small().fit, pandas.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])]), y)
    good, inputs = inputs_to_predict_cases(X)
    inputs["frame"] = pandas.DataFrame(good, columns=named.feature_names_in_)
    inputs["frame, columns reordered"] = inputs["frame"][named.feature_names_in_[::-1]]
    assert_inputs_to_predict_checked_as_validate_data(named, inputs)


def test_verbose_shows_a_progress_bar(blobs, capsys):
    pytest.importorskip("tqdm")
    X, y = blobs
    quietly(small(verbose=True, max_iter=3, tol=0.0).fit, X, y)
    assert "3/3" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("params", "error", "words"),
    [
        ({"hidden_layer_sizes": (4, 0)}, ValueError, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": "4"}, TypeError, "hidden_layer_sizes"),
        ({"activation": "softmax"}, ValueError, "activation"),
        ({"solver": "lbfgs"}, ValueError, "solver"),
        ({"solver": ["sgd"]}, TypeError, "solver"),
        ({"momentum": -0.5}, ValueError, "momentum"),
        ({"solver": "adam", "beta_2": 1.0}, ValueError, "beta2"),
        ({"alpha": -1.0}, ValueError, "alpha"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 2.5}, TypeError, "max_iter"),
        ({"tol": float("nan")}, ValueError, "tol"),
        ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
        ({"shuffle": "yes"}, TypeError, "shuffle"),
        ({"order": "backwards"}, ValueError, "order"),
        ({"init": "zeros"}, ValueError, "init"),
        ({"class_weight": "even"}, TypeError, "class_weight"),
        ({"learning_rate_init": -0.1}, ValueError, "learning_rate_init"),
    ],
)
def test_bad_parameters_are_refused_by_fit_and_leave_the_model_unchanged(blobs, params, error, words):
    X, y = blobs
    model = quietly(small().fit, X, y)
    before = model.predict_proba(X)
    with pytest.raises(error, match=words):
        model.set_params(**params).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_predict_before_fit_is_not_fitted():
    with pytest.raises(NotFittedError):
        NetworkClassifier().predict([[0.0, 1.0]])
