"""The wide-row kernels (sixteen rows side by side, eight per AVX-512 vector, four columns a block)
give the reference's bits at every instruction-set level this machine runs.

Layers of 1 to 33 neurons and odd input counts cross every edge of the blocks: a sixteen-row
block and its eight-row halves, the eight-, two- and one-row tails, the four-column blocks and
their one to three leftover columns. float64 networks are compared with ``nncore.reference``
(Python floats, the same order of operations), float32 ones with the float32 emulation of
tests/test_float32.py, bit for bit, through ``train`` (the checked step) and ``fit`` (the loop).
"""

import numpy as np
import pytest
from test_float32 import assert_emulation_bits

import nncore
from nncore import reference

LEVELS = nncore.show_runtime()["simd_available"]
SIZES = [
    [1, 16, 1],
    [3, 17, 15, 2],
    [5, 33, 9],
    [7, 8, 24, 1],
    [9, 31, 32, 7],
    [33, 23, 16, 3],
    [17, 1, 33],
    [256, 33, 3],  # rows of 2 KB (float64): sixteen rows at a time where others take 32
]
STEPS = 30


def samples(sizes, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.5, 1.5, (STEPS, sizes[0])), rng.uniform(0.0, 1.0, (STEPS, sizes[-1]))


def trained(sizes, dtype, level, how):
    """A network of ``sizes`` after STEPS samples at ``level``, through ``train`` or ``fit`` in order."""
    net = nncore.Network(
        sizes, activation="tanh", seed=len(sizes) + sizes[1], dtype=dtype, learning_rate=0.05, momentum=0.4
    )
    start = net.to_dict()
    X, Y = samples(sizes, sizes[0])
    X, Y = X.astype(dtype), Y.astype(dtype)
    previous = nncore.use_simd(level)
    try:
        if how == "train":
            for x, y in zip(X, Y):
                net.train(x, y)
        else:
            net.fit(X, Y, epochs=1, order="sequential")
    finally:
        nncore.use_simd(previous)
    return net, start, X, Y


@pytest.mark.parametrize("how", ["train", "fit"])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_float64_wide_rows_give_the_reference_bits(sizes, level, how):
    net, start, X, Y = trained(sizes, "float64", level, how)
    ref = reference.Network.from_dict(start)
    for x, y in zip(X.tolist(), Y.tolist()):
        ref.train(x, y)
    assert net.to_dict()["layers"] == ref.to_dict()["layers"]
    assert net.to_dict()["layers"] != start["layers"]


@pytest.mark.parametrize("how", ["train", "fit"])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_float32_wide_rows_give_the_emulation_bits(sizes, level, how):
    net, start, X, Y = trained(sizes, "float32", level, how)
    assert_emulation_bits(net, start, X, Y)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_parameters_start_on_a_cache_line(dtype):
    # The allocator's large blocks start 16 bytes past a page: every 512-bit load of a row straddled
    # two cache lines. Rows whose length is a multiple of the vector now start on a line too.
    net = nncore.Network([784, 128, 10], dtype=dtype)
    inputs, hidden = net._layer_buffers()[:2]
    for array in (hidden.weights, hidden.changes, hidden.biases, inputs.outputs, hidden.deltas):
        assert array.ctypes.data % 64 == 0


@pytest.mark.parametrize("order", ["random", "shuffle", "sequential"])
@pytest.mark.parametrize("level", LEVELS)
def test_fit_in_chunks_of_every_order_gives_the_reference_bits(monkeypatch, level, order):
    # fit's update of a wide first layer also sums it for the sample that follows, except where a
    # chunk, an epoch or the fit ends: tiny chunks and epochs of 7 samples cross all three often.
    from nncore import _fitting

    monkeypatch.setattr(_fitting, "FIRST_CHUNK_WORK", 2000.0)
    sizes = [11, 19, 16, 3]
    net = nncore.Network(sizes, seed=4, learning_rate=0.1, momentum=0.6)
    ref = reference.Network.from_dict(net.to_dict())
    rng = np.random.default_rng(9)
    X, Y = rng.uniform(-1, 1, (7, sizes[0])), rng.uniform(0, 1, (7, sizes[-1]))
    previous = nncore.use_simd(level)
    try:
        result = net.fit(X, Y, steps=40, order=order, seed=3)
    finally:
        nncore.use_simd(previous)
    errors = ref.fit(X.tolist(), Y.tolist(), steps=40, order=order, seed=3)
    assert result.errors.tolist() == errors
    assert net.to_dict()["layers"] == ref.to_dict()["layers"]
    # the outputs and deltas left behind are the last step's, as the baseline (whole rows only) leaves them
    baseline = nncore.Network(sizes, seed=4, learning_rate=0.1, momentum=0.6)
    previous = nncore.use_simd("baseline")
    try:
        baseline.fit(X, Y, steps=40, order=order, seed=3)
    finally:
        nncore.use_simd(previous)
    for ours, theirs in zip(net._layer_buffers(), baseline._layer_buffers()):
        assert ours.outputs.tobytes() == theirs.outputs.tobytes()
        assert (ours.deltas is None and theirs.deltas is None) or ours.deltas.tobytes() == theirs.deltas.tobytes()
