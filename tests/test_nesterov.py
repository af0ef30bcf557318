"""SGD with Nesterov's momentum: the compiled core against the reference, bit for bit, and where the flag lives.

``tests/test_independent_oracles.py`` holds the core against numpy formulas in
``torch.optim.SGD(nesterov=True)``'s form, ``tests/test_reference_rules.py``
the reference against PyTorch itself.
"""

import json

import numpy as np
import pytest

import nncore
from nncore import reference


def data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, (10, 3)), rng.random((10, 2))


def nesterov_net(**rule):
    return nncore.Network([3, 5, 2], activation=["tanh", "sigmoid"], learning_rate=0.1, momentum=0.9, seed=4, **rule)


def assert_same_network(net, ref):
    ours, theirs = net.to_dict()["layers"], ref.to_dict()["layers"]
    for a, b in zip(ours, theirs):
        for key in ("weights", "biases", "changes"):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)


@pytest.mark.parametrize(
    ("batch_size", "weight_decay", "weighted"),
    [(1, 0.0, False), (1, 0.01, True), (3, 0.0, False), (4, 0.02, True), (None, 0.01, False)],
)
@pytest.mark.parametrize("order", ["sequential", "shuffle"])
def test_fit_is_the_references_bit_for_bit(batch_size, weight_decay, weighted, order):
    X, Y = data()
    weights = np.linspace(0.5, 2.0, 10) if weighted else None
    net = nesterov_net(nesterov=True, weight_decay=weight_decay)
    ref = reference.Network.from_dict(net.to_dict(), weight_decay=weight_decay)
    assert ref.nesterov
    result = net.fit(X, Y, epochs=25, order=order, seed=3, batch_size=batch_size, sample_weight=weights)
    errors = ref.fit(
        X.tolist(), Y.tolist(), epochs=25, order=order, seed=3, batch_size=batch_size, sample_weight=weights
    )
    np.testing.assert_array_equal(result.errors, errors)
    assert_same_network(net, ref)


def test_train_is_the_references_bit_for_bit():
    X, Y = data(1)
    net = nesterov_net(nesterov=True)
    ref = reference.Network.from_dict(net.to_dict())
    for step in range(200):
        assert net.train(X[step % 10], Y[step % 10]) == ref.train(X[step % 10].tolist(), Y[step % 10].tolist())
    assert_same_network(net, ref)


def test_nesterov_moves_the_weights_otherwise_than_classical_momentum():
    X, Y = data()
    classical, nesterov = nesterov_net(), nesterov_net(nesterov=True)
    classical.fit(X, Y, epochs=5, order="sequential")
    nesterov.fit(X, Y, epochs=5, order="sequential")
    assert not np.array_equal(classical.weights[0], nesterov.weights[0])
    # biases have no momentum, but they follow the weights' different path
    assert not np.array_equal(classical.biases[0], nesterov.biases[0])


def test_a_nesterov_network_saved_mid_training_continues_exactly(tmp_path):
    X, Y = data(2)
    net = nesterov_net(nesterov=True)
    net.fit(X, Y, epochs=3, order="sequential", batch_size=2)
    net.save(tmp_path / "net.json")
    loaded = nncore.load(tmp_path / "net.json")
    assert loaded.nesterov and json.loads((tmp_path / "net.json").read_text())["nesterov"] is True
    for network in (net, loaded):
        network.fit(X, Y, epochs=3, order="sequential", batch_size=2)
    for a, b in zip(net.weights + net.changes, loaded.weights + loaded.changes):
        np.testing.assert_array_equal(a, b)


def test_the_flag_is_written_only_when_set_and_read_as_false_when_absent():
    plain = nesterov_net().to_dict()
    assert "nesterov" not in plain
    assert not nncore.Network.from_dict(plain).nesterov
    assert nncore.Network.from_dict({**plain, "nesterov": True}).nesterov
    assert "nesterov=True" in repr(nesterov_net(nesterov=True)) and "nesterov" not in repr(nesterov_net())


def test_the_flag_can_be_set_and_is_checked():
    net = nesterov_net()
    net.nesterov = True
    assert net.nesterov
    with pytest.raises(TypeError, match="nesterov must be True or False, got"):
        net.nesterov = 1
    assert net.nesterov


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: nesterov_net(nesterov="yes"), TypeError, "nesterov must be True or False"),
        (
            lambda: nncore.Network([2, 1], optimizer="adam", nesterov=True),
            ValueError,
            "nesterov does not apply to optimizer='adam'",
        ),
        (
            lambda: nncore.Network.from_dict({**nncore.Network([2, 1], optimizer="adam").to_dict(), "nesterov": True}),
            ValueError,
            "nesterov",
        ),
        (
            lambda: nncore.Network.from_dict({**nesterov_net().to_dict(), "nesterov": 1}),
            (TypeError, ValueError),
            "nesterov",
        ),
        (lambda: reference.Network([2, 1], optimizer="adam", nesterov=True), ValueError, "nesterov does not apply"),
        (lambda: setattr(nncore.Network([2, 1], optimizer="adam"), "nesterov", True), ValueError, "it is SGD's"),
    ],
)
def test_bad_nesterov_flags_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_the_estimators_use_nesterovs_momentum_with_sgd_as_the_mlp():
    pytest.importorskip("sklearn")
    from nncore.sklearn import NetworkClassifier

    X, Y = data(3)
    y = Y[:, 0] > 0.5
    fitted = {
        params: NetworkClassifier((4,), solver="sgd", max_iter=2, random_state=0, **dict(params)).fit(X, y).network_
        for params in ((), (("nesterovs_momentum", False),), (("momentum", 0.0),))
    }
    assert [net.nesterov for net in fitted.values()] == [True, False, False]
    with pytest.raises(TypeError, match="nesterovs_momentum must be True or False"):
        NetworkClassifier(solver="sgd", nesterovs_momentum="no").fit(X, y)
