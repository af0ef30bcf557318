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
from test_float32 import Emulation

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
    emulation = Emulation(nncore.Network.from_dict(start))
    for x, y in zip(X, Y):
        emulation.train(x, y)
    for ours, theirs in zip(
        net.weights + net.biases + net.changes, emulation.weights + emulation.biases + emulation.changes
    ):
        np.testing.assert_array_equal(ours, np.array(theirs, dtype=np.float32))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_parameters_start_on_a_cache_line(dtype):
    # The allocator's large blocks start 16 bytes past a page: every 512-bit load of a row straddled
    # two cache lines. Rows whose length is a multiple of the vector now start on a line too.
    net = nncore.Network([784, 128, 10], dtype=dtype)
    inputs, hidden = net._layer_buffers()[:2]
    for array in (hidden.weights, hidden.changes, hidden.biases, inputs.outputs, hidden.deltas):
        assert array.ctypes.data % 64 == 0
