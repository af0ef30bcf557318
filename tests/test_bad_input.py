"""Every public entry point rejects bad input with a clear error and leaves the network unchanged."""

import array
import contextlib
import math

import numpy as np
import pytest

import nncore

NAN, INF = math.nan, math.inf


@pytest.fixture
def net():
    network = nncore.Network([3, 4, 2], seed=0)
    network.train([0.1, 0.2, 0.3], [0.0, 1.0])  # non-zero momentum state too
    return network


def unchanged(net, before):
    return net.to_dict() == before


BAD_VECTORS = [
    ([0.1, 0.2], ValueError, "3 values, got 2"),
    ([0.1, 0.2, 0.3, 0.4], ValueError, "3 values, got 4"),
    ([], ValueError, "3 values, got 0"),
    ([0.1, NAN, 0.3], ValueError, "finite"),
    ((0.1, 0.2, INF), ValueError, "finite"),
    (np.array([0.1, -INF, 0.3]), ValueError, "finite"),
    (np.array([0.1, NAN, 0.3], dtype=np.float32), ValueError, "finite"),
    (["a", 0.2, 0.3], TypeError, "real numbers, got str"),
    ([0.1, None, 0.3], TypeError, "real numbers, got NoneType"),
    ([True, 0.2, 0.3], TypeError, "real numbers, got bool"),
    ([0.1, 1j, 0.3], TypeError, "real numbers"),
    (np.zeros((1, 3)), ValueError, "1-D"),
    (np.zeros(2), ValueError, "3 values, got 2"),
    ("abc", TypeError, "real numbers"),
    (None, TypeError, "real numbers"),
    (5.0, ValueError, "1-D"),
    ({"a": 1}, TypeError, "real numbers"),
    (np.array(["1", "2", "3"]), TypeError, "real numbers"),
    (array.array("f", [0.1, NAN, 0.3]), ValueError, "finite"),
    ([[0.1], [0.2], [0.3]], ValueError, "1-D"),
]


@pytest.mark.parametrize(("bad", "error", "message"), BAD_VECTORS)
def test_train_rejects_bad_input(net, bad, error, message):
    before = net.to_dict()
    with pytest.raises(error, match=message) as info:
        net.train(bad, [0.0, 1.0])
    assert "input" in str(info.value)
    assert unchanged(net, before)


@pytest.mark.parametrize(
    ("bad", "error", "message"), [v for v in BAD_VECTORS[3:] if len(np.shape(v[0])) != 1 or np.shape(v[0])[0] != 2]
)
def test_train_rejects_bad_target(net, bad, error, message):
    before = net.to_dict()
    target = bad if not isinstance(bad, list) or len(bad) != 3 else bad[:2]
    with pytest.raises((ValueError, TypeError)) as info:
        net.train([0.1, 0.2, 0.3], target)
    assert "target" in str(info.value)
    assert unchanged(net, before)


def test_train_rejects_wrong_target_length(net):
    before = net.to_dict()
    with pytest.raises(ValueError, match="target must have 2 values, got 3"):
        net.train([0.1, 0.2, 0.3], [0.0, 1.0, 0.5])
    assert unchanged(net, before)


@pytest.mark.parametrize(("bad", "error", "message"), BAD_VECTORS)
def test_activate_and_predict_reject_bad_input(net, bad, error, message):
    before = net.to_dict()
    with pytest.raises(error, match=message):
        net.activate(bad)
    # numpy's conversion rules apply to predict: it reads [True, 0.2, 0.3] as numbers
    if not (isinstance(bad, np.ndarray) and bad.ndim == 2) and not (
        isinstance(bad, list) and bad and isinstance(bad[0], (list, bool))
    ):
        with pytest.raises((ValueError, TypeError)):
            net.predict(bad)
    assert unchanged(net, before)


def test_predict_rejects_wrong_width_and_dimensions(net):
    with pytest.raises(ValueError, match="3 values per sample, got 2"):
        net.predict(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"1-D .* or 2-D"):
        net.predict(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="finite"):
        net.predict([[0, 0, 0], [0, NAN, 0]])


GOOD_X = np.zeros((4, 3))
GOOD_Y = np.zeros((4, 2))

BAD_FITS = [
    (dict(X=np.zeros((4, 2))), ValueError, "X must have 3 columns"),
    (dict(Y=np.zeros((4, 3))), ValueError, "Y must have 2 columns"),
    (dict(Y=np.zeros((5, 2))), ValueError, "same number of rows, got 4 and 5"),
    (dict(X=np.zeros((0, 3)), Y=np.zeros((0, 2))), ValueError, "at least one sample"),
    (dict(X=np.zeros(3)), ValueError, "X must be 2-D"),
    (dict(Y=np.zeros(4)), ValueError, "Y must be 2-D"),
    (dict(X=[[0, 0, 0], [0, 0]] * 2), ValueError, "rows of equal length"),
    (dict(X=[[0, 0, NAN]] * 4), ValueError, "X must be finite"),
    (dict(Y=[[0, INF]] * 4), ValueError, "Y must be finite"),
    (dict(X=[["a", 0, 0]] * 4), TypeError, "X must contain real numbers"),
    (dict(X=None), TypeError, "X must be an array"),
    (dict(epochs=-1), ValueError, "epochs must be >= 0"),
    (dict(epochs=2.5), TypeError, "epochs must be an integer"),
    (dict(steps="10"), TypeError, "steps must be an integer"),
    (dict(order="backwards"), ValueError, "order must be one of"),
    (dict(seed=1.5), TypeError, "seed must be an integer"),
    (dict(error_threshold=NAN), ValueError, "error_threshold must be a finite"),
    (dict(callback=3), TypeError, "callback must be callable"),
    (dict(callback_period=0), ValueError, "callback_period must be >= 1"),
    (dict(timeout=-1.0), ValueError, "timeout must be a finite number >= 0"),
]


@pytest.mark.parametrize(("arguments", "error", "message"), BAD_FITS)
def test_fit_rejects_bad_input(net, arguments, error, message):
    before = net.to_dict()
    call = {"X": GOOD_X, "Y": GOOD_Y, "epochs": 1, **arguments}
    with pytest.raises(error, match=message):
        net.fit(call.pop("X"), call.pop("Y"), **call)
    assert unchanged(net, before)


BAD_SIZES = [
    ([2], ValueError, "at least 2 layers"),
    ([], ValueError, "at least 2 layers"),
    ([2, 0, 1], ValueError, r"sizes\[1\] must be at least 1 neuron, got 0"),
    ([2, -3, 1], ValueError, r"sizes\[1\] must be at least 1"),
    ([2, 2.5, 1], TypeError, r"sizes\[1\] must be an integer, got float"),
    ([2, "3", 1], TypeError, r"sizes\[1\] must be an integer, got str"),
    ([2, True, 1], TypeError, r"sizes\[1\] must be an integer, got bool"),
    ("231", TypeError, "sequence of layer sizes"),
    (3, TypeError, "sequence of layer sizes"),
]


@pytest.mark.parametrize(("sizes", "error", "message"), BAD_SIZES)
def test_constructor_rejects_bad_sizes(sizes, error, message):
    with pytest.raises(error, match=message):
        nncore.Network(sizes)


@pytest.mark.parametrize("name", ["learning_rate", "momentum"])
@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-0.1, ValueError),
        (NAN, ValueError),
        (INF, ValueError),
        ("0.3", TypeError),
        (None, TypeError),
        (True, TypeError),
    ],
)
def test_rates_are_checked_in_constructor_and_setter(net, name, value, error):
    if value is not None:  # None in the constructor: the optimizer's default
        with pytest.raises(error, match=name):
            nncore.Network([2, 1], **{name: value})
    before = net.to_dict()
    with pytest.raises(error, match=name):
        setattr(net, name, value)
    assert unchanged(net, before)


def test_other_constructor_arguments_are_checked():
    with pytest.raises(ValueError, match="activation must be one of"):
        nncore.Network([2, 1], activation="swish")
    with pytest.raises(ValueError, match="one name or 2 names"):
        nncore.Network([2, 2, 1], activation=["relu"])
    with pytest.raises(ValueError, match="init must be one of"):
        nncore.Network([2, 1], init="zeros")
    with pytest.raises(TypeError, match="seed must be an integer"):
        nncore.Network([2, 1], seed="x")
    with pytest.raises(ValueError, match="leaky_relu_alpha must be finite"):
        nncore.Network([2, 1], leaky_relu_alpha=NAN)


def test_numpy_integer_sizes_and_rates_are_fine():
    net = nncore.Network(np.array([2, 3, 1]), learning_rate=np.float32(0.5), momentum=np.int64(0))
    assert net.sizes == (2, 3, 1)
    assert net.learning_rate == 0.5 and net.momentum == 0.0


def test_bare_core_refuses_to_run():
    core = nncore._core.NetworkCore()
    with pytest.raises(RuntimeError, match="not initialised"):
        core.train([0.0], [0.0])
    with pytest.raises(RuntimeError, match="not initialised"):
        core.run()


def _handed_out_buffers(net):
    for layer in net._layer_buffers():
        for buffer in (layer.weights, layer.biases, layer.changes, layer.outputs, layer.deltas):
            if buffer is not None:
                yield buffer


def test_parameter_buffers_cannot_be_resized_under_the_compiled_core(net):
    # The compiled core keeps raw pointers into its memory; the views it hands
    # out can neither move it nor write to it.
    before = net.to_dict()
    for buffer in _handed_out_buffers(net):
        with pytest.raises(ValueError, match="resize"):
            buffer.resize(buffer.size + 100)
        with pytest.raises(ValueError, match="read-only"):
            buffer[...] = 1e300
    assert unchanged(net, before)
    assert np.isfinite(net.train([0.1, 0.2, 0.3], [0.0, 1.0]))


@pytest.mark.parametrize(
    "call",
    [
        lambda net: net.train([10**400, 0, 0], [0, 1]),
        lambda net: net.predict([10**400, 0, 0]),
        lambda net: net.fit([[10**400, 0, 0]], [[0, 1]]),
        lambda net: setattr(net, "learning_rate", 10**400),
        lambda net: net.fit([[0, 0, 0]], [[0, 1]], steps=2**63),
        lambda net: net.fit([[0, 0, 0]] * 4, [[0, 1]] * 4, epochs=2**62),
        lambda net: net.train([np.complex128(1 + 5j), 0, 0], [0, 1]),
    ],
)
def test_numbers_too_large_or_complex_are_rejected_cleanly(net, call):
    before = net.to_dict()
    with pytest.raises((ValueError, TypeError)):
        call(net)
    assert unchanged(net, before)


def test_a_list_shrunk_while_it_is_read_raises_instead_of_crashing(net):
    class Shrinking:
        def __float__(self):
            sample.clear()
            return 0.5

    sample = [Shrinking(), 0.25, 0.5]
    before = net.to_dict()
    with pytest.raises(ValueError, match="input changed length while it was read"):
        net.train(sample, [0.0, 1.0])
    assert unchanged(net, before)


def test_a_second_init_is_refused_and_changes_nothing(net):
    before = net.to_dict()
    with pytest.raises(RuntimeError, match="already initialised"):
        net.__init__([4, 5, 1])
    assert net.sizes == (3, 4, 2) and unchanged(net, before)


def test_sabotaged_buffer_views_cannot_make_the_core_write_elsewhere(net):
    for buffer in _handed_out_buffers(net):
        with contextlib.suppress(ValueError):  # numpy refuses for some views
            buffer.__setstate__((1, (1,), np.dtype("f8"), False, b"\0" * 8))
    bystanders = [bytearray(256) for _ in range(500)]
    for _ in range(50):
        net.train([0.1, 0.2, 0.3], [0.0, 1.0])
    assert not any(any(b) for b in bystanders)
    assert net.weights[0].shape == (4, 3)
