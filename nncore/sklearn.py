"""scikit-learn estimators around :class:`nncore.Network`: ``NetworkClassifier`` and ``NetworkRegressor``.

Needs scikit-learn (``pip install "nncore-nn[sklearn]"``); ``import nncore``
does not import this module. The parameters carry the names of
scikit-learn's ``MLPClassifier`` and ``MLPRegressor`` where they mean the
same thing, and the MLP's defaults (Adam on mini-batches of up to 200
samples); training is nncore's, and the stopping rule is the MLP's. The estimators do not scale ``X`` or
``y`` (that is a ``Pipeline``'s job), so the trained network, ``network_``,
computes their outputs by itself.

>>> from sklearn.datasets import load_iris
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from nncore.sklearn import NetworkClassifier
>>> X, y = load_iris(return_X_y=True)
>>> classifier = NetworkClassifier(hidden_layer_sizes=(10,), learning_rate_init=0.01, random_state=0)
>>> model = make_pipeline(StandardScaler(), classifier)
>>> model.fit(X, y).score(X, y) > 0.9
True
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from nncore import _fit_data, _initializers
from nncore._activations import ACTIVATION_TABLE
from nncore._checks import (
    check_choice,
    check_count,
    check_flag,
    check_init,
    check_learning_rule,
    check_rate,
    check_sample_weight,
    describe,
)
from nncore._fit_options import OPTIONS as FIT_OPTIONS
from nncore._fit_options import check_fit_options
from nncore._fitting import EarlyStopping
from nncore._network import Network
from nncore._spellings import check_keywords
from nncore._vocabulary import ACTIVATIONS, OUTPUT_ONLY_ACTIVATIONS

__all__ = ["NetworkClassifier", "NetworkRegressor"]

SOLVERS = ("sgd", "adam", "rprop")
"""``solver`` names: nncore's optimizers (scikit-learn's ``"lbfgs"`` has no equivalent)."""

LEARNING_RATES = ("constant", "invscaling", "adaptive")
"""``learning_rate`` schedules (scikit-learn MLP's), for ``solver="sgd"``."""

AUTO_BATCH = 200
"""``batch_size="auto"`` takes ``min(AUTO_BATCH, n_samples)`` samples per update (the MLP's rule)."""

SMALLEST_ADAPTIVE_RATE = 1e-6
"""``learning_rate="adaptive"`` stops rather than divide a step size at or below this (the MLP's)."""

ACTIVATION_ALIASES = {
    activation.sklearn: name for name, activation in ACTIVATION_TABLE.items() if activation.sklearn not in (None, name)
}
"""scikit-learn's names for nncore's activations, where they differ."""

HIDDEN_ACTIVATIONS = tuple(ACTIVATION_ALIASES) + tuple(
    name for name in ACTIVATIONS if name not in OUTPUT_ONLY_ACTIVATIONS
)
"""What ``activation`` accepts for the hidden layers."""

_MAX_SEED = 2**63 - 1


# ---------------------------------------------------------------- the estimators' own parameters


def _check_hidden_layer_sizes(value: object) -> tuple[int, ...]:
    """``hidden_layer_sizes``: an int or a sequence of ints >= 1 (possibly empty: no hidden layer)."""
    sizes = (value,) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    if not isinstance(sizes, (tuple, list, np.ndarray)):
        raise TypeError(f"hidden_layer_sizes must be an int or a sequence of ints, got {describe(value)}")
    return tuple(check_count(f"hidden_layer_sizes[{i}]", size) for i, size in enumerate(sizes))


def _check_activation(value: object) -> str:
    """``activation`` for the hidden layers, as nncore names it."""
    name = check_choice("activation", value, HIDDEN_ACTIVATIONS)
    return ACTIVATION_ALIASES.get(name, name)


def _check_solver(value: object) -> str:
    if value == "lbfgs":
        raise ValueError(
            "solver='lbfgs' is not available: nncore trains by gradient steps per sample or per "
            "mini-batch and has no full-batch quasi-Newton method; use solver='adam' (the default) or 'sgd'"
        )
    return check_choice("solver", value, SOLVERS)


def _check_batch_size(value: object) -> object:
    """``batch_size``: ``"auto"``, None, or an int (checked when the data's size is known)."""
    if isinstance(value, str) and value != "auto":
        raise ValueError(f"batch_size must be 'auto', an int >= 1 or None, got {value!r}")
    return value


def _check_validation_fraction(value: object) -> float:
    fraction = check_rate("validation_fraction", value)
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation_fraction must be in (0, 1), got {fraction!r}")
    return fraction


def _seed(rng: np.random.RandomState) -> int:
    """A seed for nncore drawn from a scikit-learn random state."""
    return int(rng.randint(0, _MAX_SEED, dtype=np.int64))


# ---------------------------------------------------------------- the stopping rule


def _mlp_stopping(
    network: Network, tol: float, n_iter_no_change: int, score: Callable[[Network], float] | None
) -> EarlyStopping:
    """scikit-learn MLP's stopping rule, epoch by epoch.

    Without a validation score: stop when the training loss has not fallen
    below its best minus ``tol`` for more than ``n_iter_no_change`` epochs.
    With one (early stopping): the same on the validation score, which
    should rise, and the network's state at the best score is kept.
    """
    measure = None if score is None else (lambda: score(network))
    return EarlyStopping(
        network,
        measure,
        patience=n_iter_no_change + 1,
        tol=tol,
        lenient=True,
        higher_is_better=score is not None,
        keep_best=score is not None,
    )


# ---------------------------------------------------------------- what both estimators share


class _NetworkEstimator(BaseEstimator):
    """Parameters, fitting and prediction common to ``NetworkClassifier`` and ``NetworkRegressor``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # An unknown keyword gets nncore's message (the closest names, nncore's name for Keras's or
        # brain.js's) before Python's own in __init__; __init__'s signature stays what get_params reads.
        if kwargs:
            check_keywords(cls.__name__, kwargs, cls._get_param_names())
        return super().__new__(cls)

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str | None = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        max_iter: int = 200,
        tol: float = 1e-4,
        n_iter_no_change: int = 10,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        shuffle: bool = True,
        order: str | None = None,
        init: str = "xavier",
        random_state: Any = None,
        warm_start: bool = False,
        verbose: bool = False,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.order = order
        self.init = init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    # ---- what the subclasses define

    _output_activation = "identity"
    _loss = "mse"

    def _targets(self, y: np.ndarray, first: bool, classes: Any = None) -> np.ndarray:
        """The network's targets, shape (n_samples, n_outputs), for checked labels or values ``y``."""
        raise NotImplementedError

    def _score_network(self, network: Network, X: np.ndarray, y: np.ndarray, sample_weight: Any) -> float:
        """The estimator's ``score`` of ``network`` on held-out data (for early stopping)."""
        raise NotImplementedError

    def _sample_weight(self, y: np.ndarray, sample_weight: Any) -> np.ndarray | None:
        """Each sample's weight, or None for equal weights."""
        return None if sample_weight is None else check_sample_weight(sample_weight, len(y))

    def _stratify(self, y: np.ndarray) -> np.ndarray | None:
        """What the early-stopping split stratifies on (None: a plain random split)."""
        return None

    # ---- fitting

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> _NetworkEstimator:
        """Train a network on ``X`` and ``y``, epoch by epoch, until the stopping rule or ``max_iter``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array_like of shape (n_samples,), optional
            Weights >= 0; a sample of weight 0 is left out.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _partial_fit(self, X: Any, y: Any, sample_weight: Any, classes: Any) -> _NetworkEstimator:
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True (there is no held-out data "
                "across calls); got early_stopping=True"
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _fit(self, X: Any, y: Any, sample_weight: Any, incremental: bool, classes: Any = None) -> _NetworkEstimator:
        first = not (incremental or self.warm_start) or not hasattr(self, "network_")
        settings = self._checked_settings()
        X, y = self._validated(X, y, reset=first)
        targets = self._targets(y, first, classes)
        weights = self._sample_weight(y, sample_weight)
        if first:
            self._random_state = check_random_state(self.random_state)
            self.network_ = self._new_network(X.shape[1], targets.shape[1], settings)
            self.loss_curve_: list[float] = []
            self.t_ = 0
        else:
            self._check_outputs(targets.shape[1])
            self._update_rule(settings, incremental)
        if incremental:
            self._train_epochs(X, y, targets, weights, settings, epochs=1, stopping=None)
            self.n_iter_ = getattr(self, "n_iter_", 0) + 1
            return self
        return self._fit_until_stopped(X, y, targets, weights, settings)

    def _validated(self, X: Any, y: Any, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(
            self, X, y, reset=reset, multi_output=True, dtype=np.float64, y_numeric=not is_classifier(self)
        )
        return X, y

    def _checked_settings(self) -> dict[str, Any]:
        """Every parameter checked, under the names nncore uses."""
        solver = _check_solver(self.solver)
        order = (
            ("shuffle" if check_flag("shuffle", self.shuffle) else "sequential")
            if self.order is None
            else FIT_OPTIONS["order"].check(self.order)  # type: ignore[misc]  # order has a check
        )
        learning_rate = check_rate("learning_rate_init", self.learning_rate_init)
        alpha = check_rate("alpha", self.alpha)
        check_rate("momentum", self.momentum)  # checked whatever the solver, as the MLP does
        rule = self._rule(solver, learning_rate)
        given = {"beta1": rule.get("beta1"), "beta2": rule.get("beta2"), "epsilon": rule.get("epsilon")}
        check_learning_rule(solver, rule.get("learning_rate"), rule.get("momentum"), alpha, given)
        return {
            "hidden": _check_hidden_layer_sizes(self.hidden_layer_sizes),
            "rule": rule,
            "init": check_init(self.init, tuple(_initializers.INITIALIZERS)),
            "activation": _check_activation(self.activation),
            "solver": solver,
            "schedule": check_choice("learning_rate", self.learning_rate, LEARNING_RATES),
            "power_t": check_rate("power_t", self.power_t),
            "batch_size": _check_batch_size(self.batch_size),
            "alpha": alpha,
            "max_iter": check_count("max_iter", self.max_iter),
            "tol": check_rate("tol", self.tol),
            "n_iter_no_change": check_count("n_iter_no_change", self.n_iter_no_change),
            "early_stopping": check_flag("early_stopping", self.early_stopping),
            "validation_fraction": _check_validation_fraction(self.validation_fraction),
            "order": order,
            "warm_start": check_flag("warm_start", self.warm_start),
            "verbose": bool(self.verbose),
        }

    def _rule(self, solver: str, learning_rate: float | None) -> dict[str, Any]:
        """The learning-rule arguments of ``Network`` for ``solver`` (but ``weight_decay``)."""
        if solver == "sgd":
            nesterov = check_flag("nesterovs_momentum", self.nesterovs_momentum) and self.momentum > 0
            return {"learning_rate": learning_rate, "momentum": self.momentum, "nesterov": nesterov}
        if solver == "adam":
            return {"learning_rate": learning_rate, "beta1": self.beta_1, "beta2": self.beta_2, "epsilon": self.epsilon}
        return {}

    def _new_network(self, n_features: int, n_outputs: int, settings: dict[str, Any]) -> Network:
        hidden = settings["hidden"]
        return Network(
            [n_features, *hidden, n_outputs],
            activation=[settings["activation"]] * len(hidden) + [self._output_activation],
            loss=self._loss,
            optimizer=settings["solver"],
            init=settings["init"],
            seed=_seed(self._random_state),
            **settings["rule"],
        )

    def _check_outputs(self, n_outputs: int) -> None:
        expected = self.network_.sizes[-1]
        if n_outputs != expected:
            raise ValueError(f"y must give the {expected} outputs of the network fitted before, got {n_outputs}")

    def _update_rule(self, settings: dict[str, Any], incremental: bool) -> None:
        """A warm start trains on with the network's optimizer and the rates set now.

        ``fit`` starts from ``learning_rate_init`` (the MLP makes a new
        optimizer); under an SGD schedule, ``partial_fit`` goes on with the
        step size the schedule has reached (the MLP keeps its optimizer).
        """
        if settings["solver"] != self.network_.optimizer:
            return
        rule = dict(settings["rule"])
        if incremental and settings["solver"] == "sgd" and settings["schedule"] != "constant":
            rule["learning_rate"] = self.network_.learning_rate
        for name, value in rule.items():
            setattr(self.network_, name, value)

    def _fit_until_stopped(
        self, X: np.ndarray, y: np.ndarray, targets: np.ndarray, weights: np.ndarray | None, settings: dict[str, Any]
    ) -> _NetworkEstimator:
        score = None
        if settings["early_stopping"]:
            X, y, targets, weights, score = self._split_for_early_stopping(X, y, targets, weights, settings)
        stopping = _mlp_stopping(self.network_, settings["tol"], settings["n_iter_no_change"], score)
        epochs, stopped = self._train_epochs(X, y, targets, weights, settings, settings["max_iter"], stopping)
        self.n_iter_ = epochs
        if score is None:
            self.best_loss_: float | None = float(stopping.best)
            self.validation_scores_ = None
            self.best_validation_score_ = None
        else:
            self.best_loss_ = None
            self.validation_scores_ = stopping.values
            self.best_validation_score_ = float(stopping.best)
            stopping.restore_best()
        if not stopped and epochs == settings["max_iter"]:
            warnings.warn(
                f"{type(self).__name__}: max_iter={settings['max_iter']} epochs ran and the loss was "
                "still improving; the fit has not converged",
                ConvergenceWarning,
                stacklevel=3,
            )
        return self

    def _split_for_early_stopping(
        self, X: Any, y: Any, targets: Any, weights: Any, settings: dict[str, Any]
    ) -> tuple[Any, Any, Any, Any, Any]:
        """Hold out ``validation_fraction`` of the data (stratified for single-label classifiers)."""
        parts = [X, y, targets] + ([] if weights is None else [weights])
        try:
            split = train_test_split(
                *parts,
                test_size=settings["validation_fraction"],
                stratify=self._stratify(y),
                random_state=self._random_state,
            )
        except ValueError as error:
            raise ValueError(
                f"early_stopping needs a validation set of validation_fraction="
                f"{settings['validation_fraction']!r} of the {len(X)} samples: {error}"
            ) from None
        train, held_out = split[0::2], split[1::2]
        if len(train[0]) < 2 or len(held_out[0]) < 2:
            raise ValueError(
                f"the validation set is too small: increase validation_fraction (now "
                f"{settings['validation_fraction']!r}) or give more than {len(X)} samples"
            )
        X_val, y_val = held_out[0], held_out[1]
        weights_val = held_out[3] if weights is not None else None

        def score(network: Network) -> float:
            return self._score_network(network, X_val, y_val, weights_val)

        return train[0], train[1], train[2], (train[3] if weights is not None else None), score

    def _train_epochs(
        self,
        X: np.ndarray,
        y: np.ndarray,
        targets: np.ndarray,
        weights: np.ndarray | None,
        settings: dict[str, Any],
        epochs: int,
        stopping: EarlyStopping | None,
    ) -> tuple[int, bool]:
        """Up to ``epochs`` epochs in one ``Network.fit``; the epochs run and whether ``stopping`` ended them.

        After every epoch the step size follows ``learning_rate`` (for
        ``solver="sgd"``, as the MLP's SGD): ``"invscaling"`` sets it to
        ``learning_rate_init / (t_ + 1) ** power_t``, ``t_`` the samples seen;
        ``"adaptive"`` divides it by 5 where the stopping rule would stop, and
        stops only once it is at most 1e-6.
        """
        network = self.network_
        schedule = settings["schedule"] if settings["solver"] == "sgd" else "constant"
        seen = [0]
        decided = [False]

        def after_epoch(loss: float) -> bool:
            seen[0] += 1
            self.t_ += len(X)
            self.loss_curve_.append(loss)
            if schedule == "invscaling":
                network.learning_rate = settings["rule"]["learning_rate"] / (self.t_ + 1) ** settings["power_t"]
            decided[0] = stopping is not None and stopping.after_epoch(seen[0], loss)
            if decided[0] and schedule == "adaptive" and network.learning_rate > SMALLEST_ADAPTIVE_RATE:
                network.learning_rate /= 5.0
                stopping.restart(seen[0])  # type: ignore[union-attr]  # decided: there is a stopping rule
                decided[0] = False
            return decided[0]

        def callback(info: Any) -> bool:
            return not after_epoch(info.error)

        options = check_fit_options(
            {
                "epochs": epochs,
                "order": settings["order"],
                "seed": _seed(self._random_state),
                "callback": None if stopping is None and schedule == "constant" else callback,
                "callback_period": 1,
                "progress": settings["verbose"],
            }
        )
        batch_size = None if settings["solver"] == "rprop" else settings["batch_size"]  # rprop ignores batch_size
        if batch_size == "auto":
            batch_size = min(AUTO_BATCH, len(X) if weights is None else max(1, int(np.count_nonzero(weights))))
        data = _fit_data.prepare(network, X, targets, options, batch_size, weights, clip_batch=True)
        network.weight_decay = settings["alpha"] / (data.batch_size or len(data.inputs))
        result = network._fit_prepared(data, options)
        # the last epoch ends the fit without a callback: take it in here
        for loss in result.errors[seen[0] :]:
            after_epoch(float(loss))
        return result.epochs, decided[0] and result.stop_reason in ("callback", "epochs")

    # ---- prediction

    def _outputs(self, X: Any) -> np.ndarray:
        """The network's outputs for checked ``X``, shape (n_samples, n_outputs)."""
        check_is_fitted(self, "network_")
        return self.network_.predict(_inputs_to_predict(self, X))


def _inputs_to_predict(estimator: _NetworkEstimator, X: Any) -> np.ndarray:
    """``X`` checked as ``validate_data(estimator, X, reset=False, dtype=np.float64)`` checks it.

    An array that check would return as it is, silently (a float64 ndarray of
    two dimensions, at least one row, the fitted number of features, every
    value finite, for an estimator fitted without feature names), is taken
    as it is: the full check costs more than predicting 10,000 rows of a
    small network. Everything else goes through ``validate_data``, so its
    conversions, warnings and errors are scikit-learn's.
    """
    if (
        type(X) is np.ndarray
        and X.dtype == np.float64
        and X.ndim == 2
        and X.shape[0] > 0
        and X.shape[1] == estimator.n_features_in_
        and not hasattr(estimator, "feature_names_in_")
        and np.isfinite(X).all()
    ):
        return X
    checked: np.ndarray = validate_data(estimator, X, reset=False, dtype=np.float64)
    return checked


# ---------------------------------------------------------------- the classifier


class NetworkClassifier(ClassifierMixin, _NetworkEstimator):
    """A feed-forward network classifier trained by nncore, with scikit-learn MLP's defaults.

    Binary labels train one sigmoid output, multiclass labels a softmax
    output layer, multilabel targets (a 0/1 indicator matrix) one sigmoid
    output per label; all with the cross-entropy loss. Labels may be
    integers, strings or booleans.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default (100,)
        Neurons of each hidden layer (MLP's ``hidden_layer_sizes``).
    activation : {"relu", "tanh", "logistic", "sigmoid", "leaky_relu", "identity"}, default "relu"
        Activation of the hidden layers; ``"logistic"`` is scikit-learn's name
        for ``"sigmoid"``.
    solver : {"adam", "sgd", "rprop"}, default "adam"
        nncore's optimizer. ``"rprop"`` trains on the whole data set per
        update and ignores ``batch_size``. scikit-learn's ``"lbfgs"`` is
        refused: nncore trains by gradient steps per sample or per
        mini-batch and has no full-batch quasi-Newton method.
    alpha : float, default 0.0001
        L2 penalty as scikit-learn's MLP defines it: ``alpha * ||W||^2 / 2``
        per batch, divided by the batch's size. nncore's ``weight_decay`` is
        set to ``alpha / batch_size`` (``alpha`` for per-sample training,
        ``alpha / n_samples`` for whole batches), which gives the same
        gradient as the MLP's; biases are not penalised.
    batch_size : int, "auto" or None, default "auto"
        Samples per update: ``"auto"`` is ``min(200, n_samples)`` (the
        MLP's), 1 per-sample training (nncore's ``Network``'s way), None the
        whole data set; larger than the data, it is clipped to it.
    learning_rate : {"constant", "invscaling", "adaptive"}, default "constant"
        SGD's step-size schedule (the MLP's; Adam ignores it), applied at
        every epoch's end: ``"invscaling"`` sets the step size to
        ``learning_rate_init / (t_ + 1) ** power_t``, ``t_`` the samples
        seen so far; ``"adaptive"`` divides it by 5 each time the stopping
        rule below would stop, and stops once it is at most 1e-6.
        ``partial_fit`` goes on with the step size the schedule reached.
    learning_rate_init : float, default 0.001
        Step size (the first one, under a schedule).
    power_t : float, default 0.5
        The exponent of ``"invscaling"``.
    momentum : float, default 0.9
        SGD's momentum (on the weights; nncore's biases have none).
    nesterovs_momentum : bool, default True
        SGD with Nesterov's momentum when ``momentum`` > 0 (the MLP's; nncore's
        ``Network(nesterov=True)``).
    beta_1, beta_2, epsilon : float, default 0.9, 0.999, 1e-8
        Adam's parameters.
    max_iter : int, default 200
        Most epochs per ``fit``.
    tol : float, default 1e-4
        Improvement that counts, as the MLP's: ``fit`` stops once the epoch's
        loss (or, with early stopping, the validation score) has not improved
        by ``tol`` for more than ``n_iter_no_change`` epochs in a row.
    n_iter_no_change : int, default 10
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the data (stratified), score it
        after every epoch (accuracy), stop by the rule above on that score and
        keep the network of the best one.
    validation_fraction : float, default 0.1
    shuffle : bool, default True
        A new order of the samples every epoch (else their order in ``X``).
    order : {"shuffle", "random", "sequential"}, optional
        nncore's sample order, overriding ``shuffle``: ``"random"`` draws
        every step's sample with replacement.
    init : str, default "xavier"
        nncore's initial weights: ``"xavier"`` (Glorot's uniform range, as
        the MLP's, with biases 0), ``"scaled"``, ``"he"``, ``"brainjs"`` or
        ``"tutorial"``.
    class_weight : "balanced" or dict, optional
        Weights of the classes, multiplied into ``sample_weight`` (as
        :func:`sklearn.utils.class_weight.compute_sample_weight` makes them).
    random_state : int, RandomState or None
        Seeds the initial weights and the sample order.
    warm_start : bool, default False
        ``fit`` trains on the network it has instead of a new one.
    verbose : bool, default False
        Show a progress bar over the epochs (needs tqdm).

    Attributes
    ----------
    network_ : nncore.Network
        The trained network; ``predict_proba`` is its output (one sigmoid
        output ``p`` giving ``[1 - p, p]`` for binary labels).
    classes_ : ndarray
        The labels, in the order of ``predict_proba``'s columns.
    loss_curve_ : list of float
        Mean cross-entropy of every epoch (nncore's per-sample loss: the sum
        over the outputs), across ``partial_fit`` calls and warm starts.
    n_iter_ : int
        Epochs of the last ``fit`` (``partial_fit`` adds one per call).
    t_ : int
        Samples trained on since the network was made (the clock of ``"invscaling"``).
    best_loss_ : float or None
    validation_scores_ : list of float or None
        Accuracy on the held-out data after every epoch, with early stopping.
    best_validation_score_ : float or None
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` had column names.
    """

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str | None = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        max_iter: int = 200,
        tol: float = 1e-4,
        n_iter_no_change: int = 10,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        shuffle: bool = True,
        order: str | None = None,
        init: str = "xavier",
        class_weight: Any = None,
        random_state: Any = None,
        warm_start: bool = False,
        verbose: bool = False,
    ) -> None:
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            order=order,
            init=init,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
        )
        self.class_weight = class_weight

    _loss = "cross_entropy"

    @property
    def _output_activation(self) -> str:  # type: ignore[override]  # a class attribute in the base
        binarizer = self._label_binarizer
        return "softmax" if binarizer.y_type_ == "multiclass" else "sigmoid"

    def _validated(self, X: Any, y: Any, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        X, y = super()._validated(X, y, reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return X, y

    def _targets(self, y: np.ndarray, first: bool, classes: Any = None) -> np.ndarray:
        if first:
            self._label_binarizer = self._fitted_binarizer(y, classes)
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(np.unique(classes), self._label_binarizer.classes_):
            raise ValueError(
                f"classes must be the {self._label_binarizer.classes_.tolist()} of the first "
                f"partial_fit, got {np.unique(classes).tolist()}"
            )
        binarizer = self._label_binarizer
        unknown: Any = (
            np.setdiff1d(np.unique(y), binarizer.classes_) if binarizer.y_type_ != "multilabel-indicator" else []
        )
        if len(unknown):
            raise ValueError(f"y holds labels not among the classes {binarizer.classes_.tolist()}: {unknown.tolist()}")
        return binarizer.transform(y).astype(np.float64)

    def _fitted_binarizer(self, y: np.ndarray, classes: Any) -> LabelBinarizer:
        multilabel = type_of_target(y) == "multilabel-indicator"
        labels = y if classes is None or multilabel else np.asarray(classes)
        binarizer = LabelBinarizer().fit(labels)
        if len(binarizer.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes, got 1 class: {binarizer.classes_.tolist()}"
            )
        return binarizer

    def _sample_weight(self, y: np.ndarray, sample_weight: Any) -> np.ndarray | None:
        weights = super()._sample_weight(y, sample_weight)
        if self.class_weight is None:
            return weights
        if not (self.class_weight == "balanced" or isinstance(self.class_weight, dict)):
            raise TypeError(f"class_weight must be 'balanced', a dict or None, got {describe(self.class_weight)}")
        by_class = compute_sample_weight(self.class_weight, y)
        return by_class if weights is None else weights * by_class

    def _stratify(self, y: np.ndarray) -> np.ndarray | None:
        return y if y.ndim == 1 else None

    def _score_network(self, network: Network, X: np.ndarray, y: np.ndarray, sample_weight: Any) -> float:
        return accuracy_score(y, self._labels(network.predict(X)), sample_weight=sample_weight)

    def partial_fit(self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None) -> NetworkClassifier:
        """Train one epoch on ``X`` and ``y``, starting a network on the first call.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_labels)
        classes : array_like, optional
            Every label ``y`` may hold over all calls; needed on the first call
            (but for multilabel targets, whose labels are their columns).
        sample_weight : array_like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        if not hasattr(self, "network_") and classes is None and not (np.ndim(y) == 2 and np.shape(y)[1] > 1):
            raise ValueError(
                "classes must be given on the first call to partial_fit (every label y may hold), got None"
            )
        return self._partial_fit(X, y, sample_weight, classes)

    def _labels(self, outputs: np.ndarray) -> np.ndarray:
        return self._label_binarizer.inverse_transform(outputs)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable label of every sample (for multilabel targets: the labels above 0.5).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        return self._labels(self._outputs(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of every class (of every label, for multilabel targets).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        outputs = self._outputs(X)
        if self._label_binarizer.y_type_ != "binary":
            return outputs
        probabilities = np.empty((len(outputs), 2))
        np.subtract(1.0, outputs, out=probabilities[:, :1])
        probabilities[:, 1:] = outputs
        return probabilities

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


# ---------------------------------------------------------------- the regressor


class NetworkRegressor(RegressorMixin, _NetworkEstimator):
    """A feed-forward network regressor trained by nncore, with scikit-learn MLP's defaults.

    Identity outputs trained on the squared error (nncore's ``"mse"``:
    ``0.5 * sum((t - o)**2)`` per sample); 1-D or 2-D targets. Scale the
    targets (for example with ``TransformedTargetRegressor``) when they are
    far from unit size: SGD's steps on large targets can diverge.

    Parameters
    ----------
    hidden_layer_sizes, activation, solver, alpha, batch_size, learning_rate, learning_rate_init, power_t, \
momentum, nesterovs_momentum, beta_1, beta_2, epsilon, max_iter, tol, n_iter_no_change, early_stopping, \
validation_fraction, shuffle, order, init, random_state, warm_start, verbose
        As for :class:`NetworkClassifier`; early stopping scores the held-out
        data with R² and does not stratify.

    Attributes
    ----------
    network_ : nncore.Network
        The trained network; ``predict`` is its output (raveled for one output).
    loss_curve_ : list of float
        Mean loss of every epoch, across ``partial_fit`` calls and warm starts.
    n_iter_ : int
    t_ : int
    best_loss_ : float or None
    validation_scores_ : list of float or None
        R² on the held-out data after every epoch, with early stopping.
    best_validation_score_ : float or None
    n_features_in_ : int
    feature_names_in_ : ndarray of str
    """

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str | None = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        max_iter: int = 200,
        tol: float = 1e-4,
        n_iter_no_change: int = 10,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        shuffle: bool = True,
        order: str | None = None,
        init: str = "xavier",
        random_state: Any = None,
        warm_start: bool = False,
        verbose: bool = False,
    ) -> None:
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            order=order,
            init=init,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
        )

    def _targets(self, y: np.ndarray, first: bool, classes: Any = None) -> np.ndarray:
        return y.reshape(len(y), -1).astype(np.float64)

    def _score_network(self, network: Network, X: np.ndarray, y: np.ndarray, sample_weight: Any) -> float:
        return r2_score(y, network.predict(X).reshape(y.shape), sample_weight=sample_weight)

    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> NetworkRegressor:
        """Train one epoch on ``X`` and ``y``, starting a network on the first call.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array_like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._partial_fit(X, y, sample_weight, None)

    def predict(self, X: Any) -> np.ndarray:
        """The network's outputs.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) for one output, else (n_samples, n_outputs)
        """
        outputs = self._outputs(X)
        return outputs[:, 0] if outputs.shape[1] == 1 else outputs

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
