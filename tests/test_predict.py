"""predict: one row or many, through the compiled loop or matrix products."""

import numpy as np
import pytest

import nncore
from nncore import _batched


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", ["relu", "leaky_relu", "sigmoid"]])
def test_large_batches_match_the_per_sample_forward_pass(activation):
    net = nncore.Network([30, 40, 20, 5], activation=activation, leaky_relu_alpha=0.2, seed=0)
    rows = np.random.default_rng(0).normal(size=(400, 30)) * 3
    assert rows.shape[0] * (30 * 40 + 40 * 20 + 20 * 5) >= _batched.MIN_WORK
    batch = net.predict(rows)
    assert batch.shape == (400, 5)
    for row, out in zip(rows[::37], batch[::37]):
        net.activate(row)
        np.testing.assert_allclose(out, net.run(), rtol=1e-12, atol=1e-14)
    small = net.predict(rows[:3])  # below the threshold: the compiled loop
    np.testing.assert_allclose(small, batch[:3], rtol=1e-12, atol=1e-14)


def test_saturated_sigmoid_stays_finite():
    net = nncore.Network([2, 3, 1], init="tutorial", seed=0)
    rows = np.full((_batched.MIN_WORK, 2), 1e4)
    out = net.predict(rows)
    assert np.isfinite(out).all()
    net.activate(rows[0])
    np.testing.assert_allclose(out[0], net.run(), atol=1e-14)


def test_predict_does_not_change_the_network():
    net = nncore.Network([30, 40, 5], seed=1)
    before = net.to_dict()
    net.predict(np.ones((1000, 30)))
    net.predict(np.ones(30))
    after = net.to_dict()
    assert after == before


def _one_by_one(net, rows):
    """The outputs of each row through activate and run: the one-row forward pass."""
    outputs = []
    for row in rows:
        net.activate(row.tolist())
        outputs.append(net.run())
    return np.array(outputs)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    ("sizes", "activation"),
    [
        ([2, 10, 10, 1], "sigmoid"),
        ([3, 7, 4], ["tanh", "softmax"]),
        ([5, 19, 11, 4], ["relu", "leaky_relu", "identity"]),
    ],
)
def test_many_rows_are_the_bits_of_one_row_forward_passes(sizes, activation, dtype):
    loss = "cross_entropy" if activation[-1] == "softmax" else "mse"
    net = nncore.Network(sizes, activation=activation, loss=loss, leaky_relu_alpha=0.1, dtype=dtype, seed=3)
    rows = (np.random.default_rng(4).normal(size=(10_000, sizes[0])) * 4).astype(dtype)
    batch = net.predict(rows)  # 10,000 rows of a small network: the compiled lanes, never matrix products
    assert batch.dtype == np.dtype(dtype) and batch.shape == (10_000, sizes[-1])
    assert batch.tobytes() == _one_by_one(net, rows).tobytes()
    for n in (1, 15, 16, 17, 33):  # blocks of rows side by side, and what is left over
        assert net.predict(rows[:n]).tobytes() == batch[:n].tobytes()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_one_row_takes_the_compiled_path_with_the_bits_of_run(monkeypatch, dtype):
    net = nncore.Network([2, 10, 10, 3], dtype=dtype, seed=5)
    row = [0.25, -1.5]
    net.activate(row)
    expected = net.run()

    def no_general_checks(*args, **kwargs):
        raise AssertionError("one plain row took the general checks")

    monkeypatch.setattr("nncore._network.check_samples", no_general_checks)
    for sample in (row, tuple(row), np.array(row)):
        outputs = net.predict(sample)
        assert outputs.dtype == np.dtype(dtype) and outputs.shape == (3,) and outputs.flags.writeable
        assert outputs.tobytes() == expected.tobytes()
    assert net.predict([1, 2]).tobytes() == net.predict([1.0, 2.0]).tobytes()
    assert net.likely(row) == int(np.argmax(expected))
    assert net.predict(row) is not net.predict(row)  # a new array each call


def test_one_row_that_the_compiled_path_cannot_read_gets_the_general_checks_and_messages():
    net = nncore.Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="inputs must have 2 values per sample, got 3"):
        net.predict([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="inputs must have 2 values per sample, got 3"):
        net.likely(np.ones(3))
    with pytest.raises(TypeError):
        net.predict(["a", "b"])
    float32_row = np.array([0.5, 0.25], dtype=np.float32)  # not a float64 row: read by the general path
    assert net.predict(float32_row).tobytes() == net.predict([0.5, 0.25]).tobytes()


def test_likely_is_the_first_of_equal_outputs():
    net = nncore.Network([2, 4, 3], seed=0)
    layers = [(np.zeros_like(w), np.zeros_like(b), np.zeros_like(c)) for w, b, c in net._snapshot()[0]]
    net._restore(layers, 0, net.learning_rate, net.momentum)
    assert net.likely([1.0, 2.0]) == 0
    assert net.likely([1.0, 2.0]) == int(np.argmax(net.predict([1.0, 2.0])))


def test_a_network_that_scales_its_inputs_predicts_one_row_and_many_with_the_bits_of_activate_and_run():
    net = nncore.Network([3, 6, 2], input_scaling="standard", seed=2)
    rows = np.random.default_rng(5).normal(size=(40, 3)) * 50 + 100
    net.fit(rows, np.ones((40, 2)) * 0.5, steps=10)
    expected = _one_by_one(net, rows)
    assert net.predict(rows).tobytes() == expected.tobytes()
    assert net.predict(rows[0].tolist()).tobytes() == expected[0].tobytes()
    assert net.likely(rows[0]) == int(np.argmax(expected[0]))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rows_at_an_odd_address_reach_the_kernels_aligned(dtype):
    from nncore._checks import as_float_array

    rows = np.arange(12, dtype=dtype).reshape(3, 4) / 7
    unaligned = np.frombuffer(b"\0" + rows.tobytes(), dtype=dtype, offset=1).reshape(3, 4)
    assert not unaligned.flags.aligned and unaligned.flags.c_contiguous
    read = as_float_array(unaligned, "inputs", 2, dtype)
    assert read.flags.aligned and read.flags.c_contiguous
    np.testing.assert_array_equal(read, rows)
    net = nncore.Network([4, 3, 2], seed=0, dtype=dtype)
    np.testing.assert_array_equal(net.predict(unaligned), net.predict(rows))
