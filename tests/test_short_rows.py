"""The short-row kernels of ``train()`` (src/_row_updates.h) give the reference's bits at every level.

A layer's update and the hidden errors of the layer before it run with the row length as a constant
for rows of 1 to 16 values, and in a loop of any length beyond; the magnitude bound that decides
whether a step may be taken reads its values four at a time with a tail of one to three. Networks
whose rows are 1 to 17 values long cross every one of these cases: float64 networks are compared
with ``nncore.reference``, float32 ones with the float32 emulation of tests/test_float32.py, bit for
bit, at every instruction-set level this machine runs.
"""

import numpy as np
import pytest
from test_float32 import assert_emulation_bits

import nncore
from nncore import reference

LEVELS = nncore.show_runtime()["simd_available"]
# Layer 1's rows are sizes[0] long, layer 2's sizes[1] (and the hidden errors of layer 1 too).
SIZES = [[n, 18 - n, 1 + n % 4] for n in range(1, 18)] + [[2, 10, 10, 1], [1, 1, 1], [17, 17, 17]]
ACTIVATIONS = ["sigmoid", "tanh", ["relu", "sigmoid"]]
STEPS = 12


def trained(sizes, dtype, activation, level):
    """A network after STEPS train() calls at ``level``, its start and the samples."""
    hidden = len(sizes) - 2
    if isinstance(activation, list):
        activation = activation[:1] * hidden + activation[1:]
    net = nncore.Network(sizes, activation=activation, seed=sizes[0], dtype=dtype, learning_rate=0.3, momentum=0.6)
    start = net.to_dict()
    rng = np.random.default_rng(sizes[1])
    X = rng.uniform(-1.5, 1.5, (STEPS, sizes[0])).astype(dtype)
    Y = rng.uniform(0.0, 1.0, (STEPS, sizes[-1])).astype(dtype)
    previous = nncore.use_simd(level)
    try:
        errors = [net.train(x, y) for x, y in zip(X, Y)]
    finally:
        nncore.use_simd(previous)
    return net, start, X, Y, errors


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_float64_short_rows_give_the_reference_bits(sizes, level, activation):
    net, start, X, Y, errors = trained(sizes, "float64", activation, level)
    ref = reference.Network.from_dict(start)
    assert errors == [ref.train(x.tolist(), y.tolist()) for x, y in zip(X, Y)]
    assert net.to_dict()["layers"] == ref.to_dict()["layers"]
    assert net.to_dict()["layers"] != start["layers"]  # not vacuous: the steps moved the weights


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=str)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_float32_short_rows_give_the_emulation_bits(sizes, level, activation):
    net, start, X, Y, _ = trained(sizes, "float32", activation, level)
    assert_emulation_bits(net, start, X, Y)


def huge_at(kind, position):
    """A [3, 5, 2] network (25 weights, 7 biases) holding a value near float64's largest at one position."""
    net = nncore.Network([3, 5, 2], seed=0, momentum=0.9)
    state = net.to_dict()
    layer, index = (0, position) if position < 15 else (1, position - 15)
    if kind == "bias":
        layer, index = (0, position) if position < 5 else (1, position - 5)
        state["layers"][layer]["biases"][index] = 1.7e308
        return nncore.Network.from_dict(state)
    width = 3 if layer == 0 else 5
    row, column = divmod(index, width)
    state["layers"][layer]["weights"][row][column] = 1.7e308
    state["layers"][layer]["changes"][row][column] = 1.7e308
    return nncore.Network.from_dict(state)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(("kind", "position"), [("weight", p) for p in range(25)] + [("bias", p) for p in range(7)])
def test_a_step_to_infinity_is_refused_wherever_the_largest_value_sits(kind, position, level):
    # The bound of every parameter's magnitude must see the huge value in whichever lane or tail it
    # sits: it sends the step to the exact check, which refuses it whole, as the reference does.
    net = huge_at(kind, position)
    before = net.to_dict()
    ref = reference.Network.from_dict(before)
    x, y = [0.5, -0.25, 1.0], [0.0, 1.0]
    previous = nncore.use_simd(level)
    try:
        if kind == "weight":
            with pytest.raises(nncore.DivergenceError, match="would make a weight, change or bias infinite"):
                net.train(x, y)
            assert net.to_dict() == before
            assert net.iterations == 0
        else:  # a bias of 1.7e308 moves by lr * delta, which keeps it finite: the step is taken
            assert net.train(x, y) == ref.train(x, y)
            assert net.to_dict()["layers"] == ref.to_dict()["layers"]
    finally:
        nncore.use_simd(previous)


@pytest.mark.parametrize("level", LEVELS)
def test_one_sample_of_a_narrow_network_takes_the_avx2_kernels_at_the_avx512_level(level):
    # On layers of at most 16 neurons the avx2 build's one-sample kernels are faster than the
    # avx512 build's; wider networks keep the chosen level's. The bits are the same at every level.
    previous = nncore.use_simd(level)
    try:
        narrow = "avx2" if level == "avx512" else level
        assert nncore.Network([2, 10, 10, 1])._sample_simd() == narrow
        assert nncore.Network([16, 16, 16])._sample_simd() == narrow
        assert nncore.Network([2, 17, 1])._sample_simd() == level
        assert nncore.Network([17, 3])._sample_simd() == level
    finally:
        nncore.use_simd(previous)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_one_sample_calls_give_the_same_bits_at_every_level(dtype):
    # train (plain and general steps), activate and run, predict and likely of one row
    results = {}
    for level in LEVELS:
        previous = nncore.use_simd(level)
        try:
            nets = [
                nncore.Network([3, 16, 5, 2], seed=2, dtype=dtype),
                nncore.Network([3, 7, 2], seed=2, dtype=dtype, optimizer="adam", learning_rate=0.01, momentum=None),
            ]
            rng = np.random.default_rng(5)
            outputs = []
            for net in nets:
                for _ in range(20):
                    x, y = rng.uniform(-2, 2, 3), rng.uniform(0, 1, 2)
                    outputs.append(net.train(x, y))
                    outputs.append(net.predict(x.tolist()).tobytes())
                    outputs.append(net.likely(x))
                    net.activate(x)
                    outputs.append(net.run().tobytes())
            results[level] = (outputs, [net.to_dict() for net in nets])
        finally:
            nncore.use_simd(previous)
    assert all(result == results["baseline"] for result in results.values())
