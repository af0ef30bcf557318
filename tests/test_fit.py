"""Network.fit: orders, determinism, stopping, results."""

import numpy as np
import pytest

import nncore


def make_data(n=30, n_in=4, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, n_in)), rng.random((n, n_out))


@pytest.mark.parametrize("order", ["random", "shuffle", "sequential"])
def test_same_seed_same_weights(order):
    X, Y = make_data()
    a = nncore.Network([4, 5, 2], seed=1)
    b = nncore.Network([4, 5, 2], seed=1)
    a.fit(X, Y, epochs=20, order=order, seed=9)
    b.fit(X, Y, epochs=20, order=order, seed=9)
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("order", ["random", "shuffle"])
def test_other_seed_other_order(order):
    X, Y = make_data()
    a = nncore.Network([4, 5, 2], seed=1)
    b = nncore.Network([4, 5, 2], seed=1)
    a.fit(X, Y, epochs=3, order=order, seed=1)
    b.fit(X, Y, epochs=3, order=order, seed=2)
    assert a.to_dict() != b.to_dict()


def test_sequential_is_data_order():
    X, Y = make_data(n=5)
    a = nncore.Network([4, 3, 2], seed=2)
    b = nncore.Network.from_dict(a.to_dict())
    a.fit(X, Y, epochs=2, order="sequential")
    for _ in range(2):
        for x, y in zip(X, Y):
            b.train(x, y)
    assert a.to_dict() == b.to_dict()


def test_shuffle_visits_every_row_once_per_epoch():
    # With a learning rate of 0 the weights stay put, so each sample error is a
    # fixed number: an epoch's mean error equals the data set's mean error
    # exactly when every row was visited once.
    X, Y = make_data(n=17)
    net = nncore.Network([4, 3, 2], learning_rate=0.0, seed=3)
    expected = np.mean(0.5 * np.sum((Y - net.predict(X)) ** 2, axis=1))
    result = net.fit(X, Y, epochs=4, order="shuffle", seed=5)
    np.testing.assert_allclose(result.errors, expected, rtol=1e-12)
    random_result = net.fit(X, Y, epochs=4, order="random", seed=5)
    assert not np.allclose(random_result.errors, expected, rtol=1e-12)


def test_result_counts_and_iterations():
    X, Y = make_data(n=10)
    net = nncore.Network([4, 3, 2], seed=0)
    result = net.fit(X, Y, epochs=7)
    assert (result.steps, result.epochs, result.stop_reason) == (70, 7, "epochs")
    assert result.errors.shape == (7,)
    assert result.error == result.errors[-1]
    assert net.iterations == 70
    result = net.fit(X, Y, steps=25)
    assert (result.steps, result.epochs, result.stop_reason) == (25, 2, "steps")
    assert net.iterations == 95
    result = net.fit(X, Y, epochs=2, steps=1000)
    assert (result.steps, result.stop_reason) == (20, "epochs")
    result = net.fit(X, Y)  # no stopping rule: brain.js's defaults (20,000 epochs, error below 0.005)
    assert result.elapsed >= 0
    assert result.steps == 10 * result.epochs
    assert (result.stop_reason == "error_threshold" and result.error < 0.005 <= result.errors[-2]) or (
        result.stop_reason == "epochs" and result.epochs == 20000
    )


def test_one_dimensional_targets_for_one_output():
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    a = nncore.Network([2, 4, 1], seed=0)
    b = nncore.Network.from_dict(a.to_dict())
    a.fit(X, [0, 1, 1, 0], epochs=5, seed=1)
    b.fit(X, [[0], [1], [1], [0]], epochs=5, seed=1)
    assert a.to_dict() == b.to_dict()


def test_fit_continues_from_current_state():
    X, Y = make_data()
    a = nncore.Network([4, 5, 2], seed=1)
    b = nncore.Network.from_dict(a.to_dict())
    a.fit(X, Y, epochs=10, order="sequential")
    a.fit(X, Y, epochs=10, order="sequential")
    b.fit(X, Y, epochs=20, order="sequential")
    assert a.to_dict() == b.to_dict()


def test_inputs_of_any_real_dtype_and_layout():
    X, Y = make_data(n=12)
    reference = nncore.Network([4, 3, 2], seed=0)
    expected = nncore.Network.from_dict(reference.to_dict())
    expected.fit(X, Y, epochs=3, seed=1)
    for X_variant in (np.asfortranarray(X), X.tolist(), tuple(map(tuple, X)), X[:, ::-1][:, ::-1]):
        net = nncore.Network.from_dict(reference.to_dict())
        net.fit(X_variant, Y, epochs=3, seed=1)
        assert net.to_dict() == expected.to_dict()
    for low_precision in (np.float32, np.int16):
        data = (X * 10).astype(low_precision)
        a = nncore.Network.from_dict(reference.to_dict())
        b = nncore.Network.from_dict(reference.to_dict())
        a.fit(data, Y, epochs=1, seed=2)
        b.fit(data.astype(np.float64), Y, epochs=1, seed=2)
        assert a.to_dict() == b.to_dict()
    ints = np.array([[0, 1, 2, 3]] * 4, dtype=np.int16)
    a = nncore.Network([4, 2], seed=0)
    b = nncore.Network.from_dict(a.to_dict())
    a.fit(ints, [[0, 1]] * 4, epochs=1, order="sequential")
    b.fit(ints.astype(float), [[0.0, 1.0]] * 4, epochs=1, order="sequential")
    assert a.to_dict() == b.to_dict()


def test_long_epochs_are_trained_in_several_chunks():
    # Enough rows that one epoch spans several compiled chunks.
    X, Y = make_data(n=3000, n_in=40, n_out=3)
    a = nncore.Network([40, 50, 3], seed=0)
    b = nncore.Network.from_dict(a.to_dict())
    result = a.fit(X, Y, epochs=2, order="shuffle", seed=4)
    from nncore import reference

    ref = reference.Network.from_dict(b.to_dict())
    errors = ref.fit(X.tolist(), Y.tolist(), epochs=2, order="shuffle", seed=4)
    np.testing.assert_allclose(result.errors, errors, atol=1e-12)
    assert result.steps == 6000
