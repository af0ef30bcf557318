"""The small networks' step (src/_small_step.h) gives the bits of the general kernels and of the reference.

``fit`` runs the plain steps of an all-sigmoid MSE network with at most 16
neurons in every layer (inputs included) and at most three hidden layers in
the packed, vectorised step of ``_small_step.h``, in the kernels of the AVX
levels; every other network, and every network at the baseline level, takes
the general kernels.  ``train()`` always takes the general kernels, and
``nncore.reference`` computes the same operations in Python: all of them must
agree bit for bit, at every level, on shapes at and around the path's edges.
"""

import importlib
import platform

import numpy as np
import pytest

import nncore
from nncore import _core, reference

LEVELS = list(_core.SIMD_AVAILABLE)

# Hidden widths 1..17, inputs 1..17, outputs around the vector widths, 0-4 hidden layers.
SHAPES = (
    [[3, width, 2] for width in range(1, 18)]
    + [[inputs, 5, 1] for inputs in range(1, 18)]
    + [[2, 4, outputs] for outputs in (1, 3, 4, 5, 8, 9, 15, 16, 17)]
    + [[2, 10, 10, 1], [3, 2], [16, 16], [17, 1], [4, 16, 16, 16, 16], [3, 7, 9, 11, 5], [16, 17, 16]]
    + [[5, 3, 3, 3, 3, 3]]
)


def data(sizes, dtype, rows=7, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-2, 2, (rows, sizes[0])).astype(dtype), rng.uniform(0, 1, (rows, sizes[-1])).astype(dtype))


def new_network(sizes, dtype="float64", **options):
    options = {"learning_rate": 0.7, "momentum": 0.3, "seed": 1, "dtype": dtype, **options}
    return nncore.Network(sizes, **options)


def fit_at_every_level(sizes, dtype, x, y, steps=240, **options):
    """The state (to_dict) and the epoch errors that fit gives at each available level, by level."""
    results = {}
    for level in LEVELS:
        previous = nncore.use_simd(level)
        try:
            net = new_network(sizes, dtype, **options)
            result = net.fit(x, y, steps=steps, order="shuffle", seed=2)
            results[level] = (net.to_dict(), np.asarray(result.errors).tobytes())
        finally:
            nncore.use_simd(previous)
    return results


def train_loop(sizes, dtype, x, y, steps=240, **options):
    """The state after a train() loop over the rows in order (the general kernels' checked step)."""
    net = new_network(sizes, dtype, **options)
    for step in range(steps):
        net.train(x[step % len(x)], y[step % len(y)])
    return net.to_dict()


def test_the_avx_levels_have_the_small_step_and_the_baseline_does_not():
    for level in LEVELS:
        module = importlib.import_module(f"nncore._kernels_{level}")
        expected = level in ("avx2", "avx512") and platform.system() != "Windows"
        assert module.small_step is expected, level


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("sizes", SHAPES, ids=str)
def test_fit_gives_the_general_kernels_bits_at_every_level(sizes, dtype):
    x, y = data(sizes, dtype)
    by_level = fit_at_every_level(sizes, dtype, x, y, steps=len(x) * 30)
    fitted = {level: state for level, (state, _) in by_level.items()}
    errors = {level: curve for level, (_, curve) in by_level.items()}
    assert all(state == fitted["baseline"] for state in fitted.values()), sorted(fitted)
    assert all(curve == errors["baseline"] for curve in errors.values())
    # sequential order: the same samples as a train() loop over the rows
    for level in LEVELS:
        previous = nncore.use_simd(level)
        try:
            net = new_network(sizes, dtype)
            net.fit(x, y, steps=len(x) * 30, order="sequential")
            assert net.to_dict() == train_loop(sizes, dtype, x, y, steps=len(x) * 30), level
        finally:
            nncore.use_simd(previous)
    # not vacuous: the weights moved
    assert fitted["baseline"] != new_network(sizes, dtype).to_dict()


@pytest.mark.parametrize("sizes", [[2, 10, 10, 1], [17, 16, 3], [1, 16, 1, 16, 2], [16, 9, 16]], ids=str)
def test_fit_gives_the_references_bits_at_every_level(sizes):
    x, y = data(sizes, "float64", rows=9, seed=4)
    start = new_network(sizes)
    ref = reference.Network.from_dict(start.to_dict())
    errors = ref.fit(x.tolist(), y.tolist(), epochs=20, order="shuffle", seed=2)
    for level, (state, curve) in fit_at_every_level(sizes, "float64", x, y, steps=9 * 20).items():
        assert state["layers"] == ref.to_dict()["layers"], level
        assert curve == np.asarray(errors, dtype=np.float64).tobytes(), level


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "options",
    [
        {"activation": "tanh"},
        {"activation": ["sigmoid", "relu", "sigmoid"]},
        {"activation": ["sigmoid", "sigmoid", "identity"]},
        {"activation": "leaky_relu", "learning_rate": 0.1},
        {"loss": "cross_entropy"},
        {"nesterov": True},
        {"optimizer": "adam", "learning_rate": 0.01, "momentum": None},
        {"weight_decay": 0.01},
    ],
    ids=str,
)
def test_networks_the_small_step_refuses_still_agree_at_every_level(options, dtype):
    sizes = [3, 6, 4, 2]
    x, y = data(sizes, dtype)
    by_level = fit_at_every_level(sizes, dtype, x, y, **options)
    assert all(result == by_level["baseline"] for result in by_level.values())
    assert by_level["baseline"][0] != new_network(sizes, dtype, **options).to_dict()


@pytest.mark.filterwarnings("ignore::nncore.SaturationWarning")
@pytest.mark.parametrize("scale", [30.0, 1e3, 1e5])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_saturated_sigmoids_give_the_general_kernels_bits(dtype, scale):
    # Sums beyond the exp's clamps and exponents past the normal range, where exp
    # scales by two powers of two, side by side with lanes that need one.
    sizes = [3, 10, 10, 1]
    x, y = data(sizes, dtype)
    x[::2] = x[::2] * scale
    by_level = fit_at_every_level(sizes, dtype, x, y, learning_rate=2.0)
    assert all(result == by_level["baseline"] for result in by_level.values())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_diverging_fit_ends_alike_at_every_level(dtype):
    sizes = [2, 10, 10, 1]
    x, y = data(sizes, dtype)
    y = y * 1e10  # lr * delta overflows at the first update of the output layer
    outcomes = {}
    for level in LEVELS:
        previous = nncore.use_simd(level)
        try:
            net = new_network(sizes, dtype, learning_rate=1e30 if dtype == "float32" else 1e300)
            with pytest.raises(nncore.DivergenceError) as caught:
                net.fit(x, y, steps=500, order="shuffle", seed=2)
            outcomes[level] = (str(caught.value), net.to_dict(), net.iterations)
        finally:
            nncore.use_simd(previous)
    assert all(outcome == outcomes["baseline"] for outcome in outcomes.values())


def test_fit_in_short_chunks_gives_the_bits_of_one_long_run():
    # A callback every epoch returns to Python every few steps: the packed state is
    # copied out and in again each time.
    sizes = [2, 10, 10, 1]
    x, y = data(sizes, "float64", rows=4)
    calls = []
    chunked = new_network(sizes)
    chunked.fit(x, y, epochs=50, order="random", seed=3, callback=calls.append, callback_period=1)
    whole = new_network(sizes)
    whole.fit(x, y, epochs=50, order="random", seed=3)
    assert len(calls) == 50
    assert chunked.to_dict() == whole.to_dict()
