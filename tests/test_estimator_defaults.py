"""nncore.sklearn's defaults are scikit-learn MLP's, and reach its scores; the MLP's training options it accepts."""

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn", minversion="1.6")

from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from nncore.sklearn import NetworkClassifier, NetworkRegressor

SEEDS = (0, 1)
"""Splits and random states the scores are averaged over (one split alone is a coin toss of a few samples)."""


def quietly(function, *args, **kwargs):
    # one BLAS thread: the MLP's small matrix products only lose time to threads on a busy machine
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


@pytest.fixture(scope="module")
def blobs():
    X, y = make_classification(n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=0)
    return StandardScaler().fit_transform(X), y


def small(**params):
    return NetworkClassifier(**{"hidden_layer_sizes": (8,), "random_state": 0, **params})


# ---------------------------------------------------------------- the defaults and their scores


@pytest.mark.parametrize(
    ("ours", "mlp"),
    [(NetworkClassifier, MLPClassifier), (NetworkRegressor, MLPRegressor)],
    ids=["classifier", "regressor"],
)
def test_the_defaults_are_the_mlps(ours, mlp):
    shared = ours().get_params().keys() & mlp().get_params().keys()
    assert shared >= {"solver", "batch_size", "learning_rate", "learning_rate_init", "power_t", "momentum"}
    assert {name: ours().get_params()[name] for name in shared} == {name: mlp().get_params()[name] for name in shared}


def _diabetes_r2(make, seed):
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    model = TransformedTargetRegressor(make_pipeline(StandardScaler(), make(seed)), transformer=StandardScaler())
    return quietly(model.fit, X_train, y_train).score(X_test, y_test)


def _digits_accuracy(make, seed):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=seed)
    model = make_pipeline(StandardScaler(), make(seed))
    return quietly(model.fit, X_train, y_train).score(X_test, y_test)


def test_the_default_regressor_scores_at_least_the_mlps_on_diabetes():
    ours = np.mean([_diabetes_r2(lambda seed: NetworkRegressor(random_state=seed), seed) for seed in SEEDS])
    mlp = np.mean([_diabetes_r2(lambda seed: MLPRegressor(random_state=seed), seed) for seed in SEEDS])
    assert ours >= mlp > 0.0


def test_the_default_classifier_scores_at_least_the_mlps_on_digits():
    ours = np.mean([_digits_accuracy(lambda seed: NetworkClassifier(random_state=seed), seed) for seed in SEEDS])
    mlp = np.mean([_digits_accuracy(lambda seed: MLPClassifier(random_state=seed), seed) for seed in SEEDS])
    assert ours >= mlp > 0.9


# ---------------------------------------------------------------- batch_size="auto"


@pytest.mark.parametrize(("n_samples", "batch"), [(150, 150), (450, 200)])
def test_auto_batch_size_is_200_or_all_the_samples(n_samples, batch):
    X, y = make_classification(n_samples=n_samples, n_features=5, random_state=0)
    auto = quietly(small(max_iter=3).fit, X, y)
    given = quietly(small(max_iter=3, batch_size=batch).fit, X, y)
    assert auto.network_.weight_decay == pytest.approx(0.0001 / batch)
    np.testing.assert_array_equal(auto.predict_proba(X), given.predict_proba(X))


def test_auto_batch_size_counts_the_rows_trained_on(blobs):
    X, y = blobs
    weights = np.where(np.arange(len(y)) < 20, 0.0, 1.0)  # 130 rows are trained on: no clipping warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model = quietly(small(max_iter=2).fit, X, y, sample_weight=weights)
    assert model.network_.weight_decay == pytest.approx(0.0001 / 130)


def test_a_batch_size_that_is_another_string_is_refused(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match=r"batch_size must be 'auto', an int >= 1 or None, got 'all'"):
        small(batch_size="all").fit(X, y)


# ---------------------------------------------------------------- learning_rate and power_t


def test_invscaling_sets_each_epochs_step_size_from_the_samples_seen(blobs):
    X, y = blobs
    rule = {"solver": "sgd", "shuffle": False, "learning_rate_init": 0.05}
    scheduled = quietly(
        small(**rule, learning_rate="invscaling", power_t=0.25, max_iter=3, n_iter_no_change=3).fit, X, y
    )
    by_hand = small(**rule, learning_rate="constant")
    for epoch in range(3):
        by_hand.set_params(learning_rate_init=0.05 / (epoch * len(X) + 1) ** 0.25)
        by_hand.partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_array_equal(scheduled.predict_proba(X), by_hand.predict_proba(X))
    assert scheduled.t_ == 3 * len(X)
    assert scheduled.network_.learning_rate == 0.05 / (3 * len(X) + 1) ** 0.25


def test_invscaling_goes_on_across_partial_fit_calls(blobs):
    X, y = blobs
    model = small(solver="sgd", learning_rate="invscaling", learning_rate_init=0.05)
    model.partial_fit(X, y, classes=[0, 1, 2])
    model.partial_fit(X, y)
    assert model.t_ == 2 * len(X)
    assert model.network_.learning_rate == 0.05 / (2 * len(X) + 1) ** 0.5


def test_invscaling_with_power_t_0_is_constant(blobs):
    X, y = blobs
    constant = quietly(small(solver="sgd", max_iter=5).fit, X, y)
    scaled = quietly(small(solver="sgd", max_iter=5, learning_rate="invscaling", power_t=0.0).fit, X, y)
    np.testing.assert_array_equal(constant.predict_proba(X), scaled.predict_proba(X))


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_schedules_are_the_mlps(blobs, schedule):
    X, y = blobs
    # a tolerance nothing meets: every epoch but the first fails to improve
    params = {"hidden_layer_sizes": (8,), "solver": "sgd", "learning_rate": schedule, "power_t": 0.25}
    params |= {"tol": 1e9, "n_iter_no_change": 1, "max_iter": 40, "random_state": 0}
    mlp = quietly(MLPClassifier(**params).fit, X, y)
    ours = quietly(NetworkClassifier(**params).fit, X, y)
    assert ours.n_iter_ == mlp.n_iter_ and ours.t_ == mlp.t_
    assert ours.network_.learning_rate == mlp._optimizer.learning_rate


def test_adaptive_divides_the_step_size_by_5_until_it_is_at_most_1e_6(blobs):
    X, y = blobs
    model = quietly(
        small(solver="sgd", learning_rate="adaptive", learning_rate_init=0.001, tol=1e9, n_iter_no_change=1).fit, X, y
    )
    # epoch 1 is the best; each second epoch after it runs out of patience: 5 divisions, then a stop
    assert model.network_.learning_rate == pytest.approx(0.001 / 5**5)
    assert model.n_iter_ == 13


def test_schedules_leave_adam_alone(blobs):
    X, y = blobs
    constant = quietly(small(max_iter=5).fit, X, y)
    for schedule in ("invscaling", "adaptive"):
        scheduled = quietly(small(max_iter=5, learning_rate=schedule).fit, X, y)
        np.testing.assert_array_equal(constant.predict_proba(X), scheduled.predict_proba(X))
        assert scheduled.network_.learning_rate == 0.001


@pytest.mark.parametrize(
    ("params", "error", "words"),
    [
        ({"learning_rate": "optimal"}, ValueError, r"learning_rate must be one of \['constant', 'invscaling'"),
        ({"learning_rate": 0.1}, TypeError, "learning_rate must be one of"),
        ({"power_t": -0.5}, ValueError, "power_t must be a finite number >= 0, got -0.5"),
        ({"solver": "adam", "momentum": -0.5}, ValueError, "momentum must be a finite number >= 0"),  # as the MLP
    ],
)
def test_bad_schedules_are_refused_and_leave_the_model_unchanged(blobs, params, error, words):
    X, y = blobs
    model = quietly(small(max_iter=2).fit, X, y)
    before = model.predict_proba(X)
    with pytest.raises(error, match=words):
        model.set_params(**params).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), before)


# ---------------------------------------------------------------- shuffle and lbfgs


def test_shuffle_orders_the_auto_batches_anew_every_epoch_or_keeps_the_given_order():
    X, y = make_classification(n_samples=450, n_features=5, random_state=0)  # batches of 200, 200 and 50
    in_order = quietly(small(shuffle=False, max_iter=3).fit, X, y)
    sequential = quietly(small(order="sequential", batch_size=200, max_iter=3).fit, X, y)
    shuffled = quietly(small(max_iter=3).fit, X, y)
    np.testing.assert_array_equal(in_order.predict_proba(X), sequential.predict_proba(X))
    assert not np.array_equal(in_order.predict_proba(X), shuffled.predict_proba(X))


@pytest.mark.parametrize("estimator", [NetworkClassifier, NetworkRegressor])
def test_lbfgs_is_refused_with_the_reason_and_what_to_use(blobs, estimator):
    X, y = blobs
    with pytest.raises(ValueError, match="solver='lbfgs'") as raised:
        estimator(solver="lbfgs").fit(X, y)
    message = str(raised.value)
    assert "quasi-Newton" in message and "per sample or per mini-batch" in message
    assert "solver='adam'" in message and "'sgd'" in message
