"""The per-call paths of train, activate, predict and likely: their compiled fast paths (lists of floats, numpy
rows read through numpy's array fields, result arrays made through numpy's C-API table) give the bits and the
errors of the general paths, for every kind of input."""

import numpy as np
import pytest

import nncore
from nncore import _core


@pytest.fixture(params=[True, False], ids=["numpy-fields", "buffer-protocol"])
def fields(request):
    """Run the test with the fast reads of numpy arrays and with the buffer protocol."""
    previous = _core._use_numpy_fields(request.param)
    yield request.param
    _core._use_numpy_fields(previous)


def test_numpy_agrees_with_the_fields_read():
    assert _core._check_array_fields()
    assert _core._use_numpy_fields(True) is True


def _row_inputs():
    """One row of two values in every form predict, train and activate take, or refuse."""
    good = [0.25, -1.5]
    array = np.array(good)
    base = np.zeros(4)
    base[::2] = good
    readonly = array.copy()
    readonly.flags.writeable = False
    unaligned = np.frombuffer(b"\0" + array.tobytes(), dtype=np.float64, offset=1)
    forms = {
        "list": good,
        "tuple": tuple(good),
        "ints": [1, -2],
        "mixed": [1, 0.5],
        "numpy-scalars": [np.float32(0.25), np.float64(-1.5)],
        "array": array,
        "read-only": readonly,
        "strided": base[::2],
        "reversed": array[::-1],
        "unaligned": unaligned,
        "byte-swapped": array.astype(">f8"),
        "column": array.reshape(2, 1)[:, 0],
        "subclass": array.view(type("Sub", (np.ndarray,), {})),
        "array-of-one-row": array.reshape(1, 2),
        "too-short": [0.25],
        "too-long-array": np.zeros(3),
        "empty-array": np.zeros(0),
        "nan": [0.25, float("nan")],
        "inf-array": np.array([np.inf, 0.0]),
        "huge-int": [10**400, 0.0],
        "bool": [True, 0.0],
        "numpy-bool": [np.bool_(True), 0.0],
        "str": ["a", 0.0],
        "string": "ab",
        "none": None,
        "nested": [[0.25, -1.5]],
        "nested-arrays": [np.zeros(2), 0.0],
        "complex": [1j, 0.0],
        "2-d": np.zeros((2, 2)),
        "0-d": np.array(1.0),
        "dict": {"a": 1.0},
    }
    for dtype in [np.float16, np.float32, np.longdouble, np.int8, np.int64, np.uint16, np.bool_, np.complex128]:
        forms[np.dtype(dtype).name] = np.array([1, 0]).astype(dtype)
    return forms


ROWS = _row_inputs()


def _outcome(call, *args):
    """What a call gives: its result, or the type and message of its error."""
    try:
        return "result", call(*args)
    except (TypeError, ValueError) as error:
        return type(error), str(error)


def _same(first, second):
    assert first[0] == second[0], (first, second)
    if first[0] == "result":
        a, b = np.asarray(first[1]), np.asarray(second[1])
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()
    else:
        assert first[1] == second[1]


def _networks():
    plain = nncore.Network([2, 5, 3], seed=1)
    float32 = nncore.Network([2, 5, 3], seed=1, dtype="float32", activation=["tanh", "softmax"], loss="cross_entropy")
    scaled = nncore.Network([2, 5, 3], seed=1, input_scaling="standard")
    scaled.fit_input_scaling([[0.0, 1.0], [2.0, -3.0]])
    unfitted = nncore.Network([2, 5, 3], seed=1, input_scaling="minmax")
    return {"float64": plain, "float32": float32, "scaled": scaled, "unfitted-scaling": unfitted}


NETWORKS = list(_networks())


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("form", list(ROWS))
def test_predict_and_likely_of_one_row_are_the_general_paths(form, network, fields):
    net = _networks()[network]
    row = ROWS[form]
    _same(_outcome(net.predict, row), _outcome(net._predict_general, row))
    _same(_outcome(net.likely, row), _outcome(net._strongest_general, row))
    if _outcome(net.predict, row)[0] == "result":
        outputs = net.predict(row)
        assert outputs.flags.c_contiguous and outputs.flags.writeable
        if outputs.ndim == 1:
            assert net.likely(row) == int(np.argmax(outputs))


@pytest.mark.parametrize("network", NETWORKS)
def test_predict_of_one_row_is_a_row_of_predict_of_many(network, fields):
    net = _networks()[network]
    if network == "unfitted-scaling":
        return
    rows = np.random.default_rng(3).normal(size=(20, 2)) * 4
    many = net.predict(rows)
    for row, expected in zip(rows, many):
        for form in (row, row.tolist(), tuple(row.tolist())):
            out = net.predict(form)
            assert out.dtype == net.dtype and out.tobytes() == expected.tobytes()


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("form", list(ROWS))
def test_train_and_activate_read_every_form_as_numpy_does(form, network, fields):
    """Each form trains (and activates) exactly as its float64 numpy copy does, or fails with the same error
    as the other reading path, and a refused sample leaves the network unchanged."""
    row = ROWS[form]
    fast, slow = _networks()[network], _networks()[network]
    before = fast.to_dict()
    first = _outcome(fast.train, row, [0.0, 1.0, 0.0])
    if first[0] != "result":
        assert fast.to_dict() == before
    _core._use_numpy_fields(not fields)
    try:
        second = _outcome(slow.train, row, [0.0, 1.0, 0.0])
    finally:
        _core._use_numpy_fields(fields)
    _same(first, second)
    assert fast.to_dict() == slow.to_dict()
    activated = _outcome(fast.activate, row)
    _same(_outcome(slow.activate, row), activated)
    if activated[0] == "result":
        assert fast.run().tobytes() == slow.run().tobytes()


@pytest.mark.parametrize("form", ["list", "array", "nan", "too-short", "bool", "nested", "2-d"])
def test_targets_are_read_like_inputs(form, fields):
    target = {
        "list": [0.5],
        "array": np.array([0.5]),
        "nan": [float("nan")],
        "too-short": [],
        "bool": [True],
        "nested": [[0.5]],
        "2-d": np.zeros((1, 1)),
    }[form]
    fast, slow = nncore.Network([2, 3, 1], seed=2), nncore.Network([2, 3, 1], seed=2)
    first = _outcome(fast.train, [0.5, 0.5], target)
    _core._use_numpy_fields(not fields)
    try:
        second = _outcome(slow.train, [0.5, 0.5], target)
    finally:
        _core._use_numpy_fields(fields)
    _same(first, second)
    assert fast.to_dict() == slow.to_dict()


def test_a_list_that_shrinks_while_it_is_read_is_refused():
    class Shrinking:
        def __float__(self):
            del row[1:]
            return 0.5

    row = [Shrinking(), 0.5]
    net = nncore.Network([2, 3, 1], seed=0)
    before = net.to_dict()
    with pytest.raises(ValueError, match="changed length while it was read"):
        net.train(row, [1.0])
    assert net.to_dict() == before


def test_run_gives_a_new_array_each_call(fields):
    net = nncore.Network([2, 3, 2], seed=0)
    net.activate([0.5, 1.0])
    first, second = net.run(), net.run()
    assert first is not second and first.tobytes() == second.tobytes()
    first[0] = 7.0
    assert net.run()[0] != 7.0
    assert first.flags.owndata and first.shape == (2,) and first.dtype == np.float64


def test_predict_and_likely_before_the_network_has_sizes():
    net = nncore.Network(hidden_layers=[3])
    for call in (net.predict, net.likely):
        with pytest.raises(RuntimeError, match="not known until its first fit"):
            call([0.0, 1.0])


def test_predict_and_likely_of_the_bare_core():
    core = _core.NetworkCore()
    for call in (core.predict, core.likely):
        with pytest.raises(RuntimeError, match="not initialised"):
            call([0.0, 1.0])
