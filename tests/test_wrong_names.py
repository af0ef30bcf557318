"""One rule for wrong keyword names: the closest names taken, and nncore's name for another library's.

Network, fit, fit_many, evaluate and the estimators all answer a keyword they
do not take with a TypeError built by one function, from one table of
brain.js's, scikit-learn's, Keras's and PyTorch's spellings.
"""

import pytest

import nncore

XOR = ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])


def network():
    return nncore.Network([2, 3, 1], seed=0)


def fit(**options):
    return network().fit(*XOR, **options)


def fit_many(**options):
    return nncore.fit_many([network()], *XOR, **options)


def evaluate(**options):
    return network().evaluate(*XOR, **options)


@pytest.mark.parametrize(
    ("call", "name", "says"),
    [
        # Network
        (nncore.Network, "lr", "use learning_rate= instead"),
        (nncore.Network, "learningRate", "use learning_rate= instead .*brain.js"),
        (nncore.Network, "hiddenLayers", r"use (hidden_layers=|sizes=\[n_inputs, \*hiddenLayers, n_outputs\]) instead"),
        (nncore.Network, "praxis", 'use optimizer="adam" instead'),
        (nncore.Network, "random_state", "use seed= instead .*scikit-learn"),
        (nncore.Network, "epochs", r"epochs is an option of fit: net.fit\(X, Y, epochs=\.\.\.\)"),
        (nncore.Network, "max_iter", "scikit-learn's 'max_iter' is nncore's epochs, and epochs is an option of fit"),
        (nncore.Network, "activaton", "did you mean activation?"),
        (nncore.Network, "colour", "it takes activation, beta1, "),
        # fit
        (fit, "epoch", "use epochs= instead"),
        (fit, "iterations", "use epochs= instead .*brain.js"),
        (fit, "max_iter", "use epochs= instead .*scikit-learn"),
        (fit, "verbose", "use progress=True instead"),
        (fit, "shuffle", 'use order="shuffle"'),
        (fit, "validation_split", r"use validation_data=\(X_val, Y_val\)"),
        (fit, "errorThresh", "use error_threshold= instead .*brain.js the mean of"),
        (fit, "logPeriod", "use callback_period= instead"),
        (fit, "callbacks", "use callback= instead"),
        (
            fit,
            "lr",
            r"PyTorch and Keras's 'lr' is nncore's learning_rate, and learning_rate is the network's: "
            r".*net.learning_rate = ",
        ),
        (fit, "momentum", r"momentum is the network's: Network\(\.\.\., momentum=\.\.\.\) or net.momentum = "),
        (
            fit,
            "praxis",
            r"brain.js's 'praxis' is nncore's optimizer, and optimizer is the network's: Network\(\.\.\., optimizer=",
        ),
        (fit, "batchSize", "did you mean batch_size?"),
        (fit, "colour", "it takes X, Y, batch_size, "),
        # fit_many
        (fit_many, "seed", r"use seeds=\[one seed per network\] instead"),
        (fit_many, "random_state", "use seeds="),
        (fit_many, "callback", "callback is an option of Network.fit that fit_many does not take"),
        (fit_many, "thread", "did you mean threads?"),
        (fit_many, "iterations", "use epochs= instead"),
        # evaluate
        (evaluate, "treshold", "did you mean threshold?"),
        (evaluate, "binaryThresh", "use threshold= instead"),
        (evaluate, "batch_size", r"batch_size is an option of fit: .*, not of evaluate"),
    ],
)
def test_an_unknown_keyword_names_what_to_use(call, name, says):
    function = getattr(call, "__name__", "")
    expected = "Network" if call is nncore.Network else function
    args = ([2, 3, 1],) if call is nncore.Network else ()
    with pytest.raises(TypeError, match=f"^{expected}\\(\\) got an unexpected keyword argument '{name}': {says}"):
        call(*args, **{name: 1})


def test_a_refused_keyword_changes_nothing():
    net = network()
    before = net.to_dict()
    for call in (lambda: net.fit(*XOR, epoch=1), lambda: nncore.fit_many([net], *XOR, seed=1)):
        with pytest.raises(TypeError):
            call()
    assert net.to_dict() == before


def test_signatures_are_unchanged():
    import inspect

    assert "learning_rate" in inspect.signature(nncore.Network).parameters
    assert list(inspect.signature(nncore.Network.evaluate).parameters) == ["self", "X", "Y", "threshold"]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("epochs", "use max_iter= instead"),
        ("lr", "use learning_rate_init= instead"),
        ("seed", "use random_state= instead"),
        ("hiddenLayers", "use hidden_layer_sizes= instead"),
        ("optimizer", "use solver= instead"),
        ("weight_decay", "use alpha= instead"),
        ("validation_split", "use validation_fraction= instead"),
        ("patience", "use n_iter_no_change= instead"),
        ("max_iters", "did you mean max_iter?"),
        ("colour", "it takes activation, alpha, "),
    ],
)
def test_the_estimators_answer_an_unknown_keyword_by_the_same_rule(name, says):
    pytest.importorskip("sklearn")
    from nncore.sklearn import NetworkClassifier, NetworkRegressor

    for estimator in (NetworkClassifier, NetworkRegressor):
        with pytest.raises(
            TypeError, match=f"^{estimator.__name__}\\(\\) got an unexpected keyword argument '{name}': {says}"
        ):
            estimator(**{name: 1})


def test_the_estimators_still_clone_and_pickle():
    pytest.importorskip("sklearn")
    import pickle

    from sklearn.base import clone

    from nncore.sklearn import NetworkRegressor

    model = NetworkRegressor(max_iter=3, hidden_layer_sizes=(4,))
    assert clone(model).get_params() == model.get_params()
    assert pickle.loads(pickle.dumps(model)).get_params() == model.get_params()
