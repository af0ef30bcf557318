"""predict: one row or many, through the compiled loop or matrix products."""

import elementary_numpy as el
import numpy as np
import pytest

import nncore
from nncore import _batched, _core

LEVELS = list(_core.SIMD_AVAILABLE)


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


def _at_level(level, function):
    previous = nncore.use_simd(level)
    try:
        return function()
    finally:
        nncore.use_simd(previous)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(("dtype", "wide"), [("float64", 800.0), ("float32", 110.0)])
@pytest.mark.parametrize(("activation", "twin"), [("sigmoid", "sigmoid"), ("tanh", "tanh")])
def test_rows_in_vectors_have_the_bits_of_the_own_sigmoid_and_tanh(level, dtype, wide, activation, twin):
    """A [1, 1] network with weight 1 and bias 0 puts each row's value through the activation: the
    vectors of rows give nncore._elementary's bits (its numpy twin) over the whole range, at every level."""
    rng = np.random.default_rng(8)
    tiny = -40 if dtype == "float32" else -310
    n = 20_000
    with np.errstate(over="ignore"):
        values = np.concatenate(
            [
                rng.uniform(-wide, wide, n),
                rng.uniform(-25.0, 25.0, n),
                10.0 ** rng.uniform(tiny, 3, n) * rng.choice([-1.0, 1.0], n),
                [0.0, -0.0, 2.0**-27, 2.0**-12, 0.625, -0.625, 9.02, 19.1, 22.0, -22.0, 88.7, -104.0, 709.8, -746.0],
            ]
        ).astype(dtype)
    values = values[np.isfinite(values)]
    data = nncore.Network([1, 1], activation=activation, dtype=dtype).to_dict()
    data["layers"][0] |= {"weights": [[1.0]], "biases": [0.0]}
    net = nncore.Network.from_dict(data)
    outputs = _at_level(level, lambda: net.predict(values[:, None]))[:, 0]
    zero = np.zeros((), dtype)
    sums = zero + (zero + values)  # bias + (0 + 1 * x): -0.0 becomes 0.0 as in the sums
    expected = getattr(el, f"{twin}{dtype[-2:]}_array")(sums)
    assert outputs.tobytes() == expected.astype(dtype).tobytes()


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rows_side_by_side_have_the_bits_of_one_row_at_every_width_and_level(level, dtype):
    """The row sums and the vector sigmoid, tanh and softmax on every width from 1 to 17 (every tail of
    the vectors), 37 rows (two blocks of sixteen and a short one), with sums that saturate."""
    rng = np.random.default_rng(12)

    def rows_like(net):
        width = net.sizes[0]
        return (rng.normal(size=(37, width)) * 10.0 ** rng.integers(-9, 4, (37, 1))).astype(dtype)

    for width in range(1, 18):
        for activation in ["sigmoid", "tanh", ["tanh", "sigmoid", "tanh"], ["sigmoid", "relu", "leaky_relu"]]:
            sizes = [width, 18 - width, width] if isinstance(activation, str) else [width, width, 3, 2]
            net = nncore.Network(sizes, activation=activation, leaky_relu_alpha=0.1, dtype=dtype, seed=width)
            _check_rows(net, rows_like(net), level, dtype)
        sizes = [width, 18 - width, width + 1]  # softmax of 2 to 18 values
        net = nncore.Network(sizes, activation=["tanh", "softmax"], loss="cross_entropy", dtype=dtype, seed=width)
        _check_rows(net, rows_like(net), level, dtype)


def _check_rows(net, rows, level, dtype):
    """predict of the rows at that level has the bits of their one-row forward passes."""
    batch = _at_level(level, lambda: net.predict(rows))
    expected = _at_level(level, lambda: _one_by_one(net, rows))
    assert batch.tobytes() == expected.astype(dtype).tobytes(), (net.sizes, net.activations)
