"""Hostile inputs for every public entry point of nncore, and the checks that judge the outcome.

Used by ``test_fuzz.py``, in the test process and in child processes: the
calls that could crash the interpreter (huge sizes, deep nesting, objects
that misbehave inside the compiled readers) run in a child started as
``python fuzz_support.py PROPERTY``, so a segfault or a hang fails one test
instead of ending the whole run.

The rule every property checks (:func:`attempt`): a call either succeeds or
raises ``ValueError``/``TypeError`` (``DivergenceError`` where training may
legitimately diverge) whose message names the argument or field; and a call
that raised leaves the network exactly as it was (its ``to_dict()`` as JSON
text, so ``-0.0`` and ``0.0`` differ, plus the learning rate, momentum and
name tables). An exception raised by the caller's own code (a ``__float__``
that raises :class:`Sabotage`) may pass through, but must leave the network
unchanged too. Anything else, ``RecursionError``, ``OverflowError``,
``MemoryError``, ``SystemError``, an ``IndexError`` from inside a reader, is
a failure.

Profiles: ``nncore-fuzz`` (the default: derandomized, so CI runs the same
examples every time, and a failing example is reported as found, not
shrunk) and ``nncore-fuzz-deep`` (random, 50 times the examples, failures
shrunk to minimal ones), chosen with the environment variable
``NNCORE_FUZZ=deep``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
import threading

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import nncore
from nncore import _csvdata

DEEP = os.environ.get("NNCORE_FUZZ", "").lower() == "deep"
DEEP_FACTOR = 50

_COMMON = dict(
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# The default profile does not shrink a failing example (shrinking several defects at once can
# take minutes); the deep one does, and so gives the minimal reproducers.
settings.register_profile(
    "nncore-fuzz", derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate], **_COMMON
)
settings.register_profile("nncore-fuzz-deep", derandomize=False, **_COMMON)
PROFILE = settings.get_profile("nncore-fuzz-deep" if DEEP else "nncore-fuzz")


def fuzz_settings(examples: int) -> settings:
    """The active profile with ``examples`` examples (50 times more in the deep profile)."""
    return settings(PROFILE, max_examples=examples * (DEEP_FACTOR if DEEP else 1))


# ---------------------------------------------------------------- judging one call


class Sabotage(RuntimeError):
    """Raised by the hostile objects' own methods: the caller's exception, allowed through."""


ALLOWED = (ValueError, TypeError)


class Unchanged:
    """Everything that defines a network, captured to check that a failed call changed nothing."""

    def __init__(self, net: nncore.Network) -> None:
        self.net = net
        self.state = self._capture()

    def _capture(self) -> tuple:
        net = self.net
        return (
            json.dumps(net.to_dict()),
            repr(net.learning_rate),
            repr(net.momentum),
            net.input_names,
            net.output_names,
            net.iterations,
        )

    def check(self, what: str) -> None:
        now = self._capture()
        if now != self.state:
            raise AssertionError(f"{what} raised but changed the network:\nbefore {self.state}\nafter  {now}")


def attempt(call, names, *, net=None, diverge=False, read_only=False, also=(), what="the call", allowed=ALLOWED):
    """Run ``call()`` and check it against the rule above; return its result or None.

    ``names``: words of which the message of a ValueError/TypeError must hold
    one (the argument or field names). ``net``: a network that must be left
    unchanged when the call raises (and always, with ``read_only``).
    ``diverge``: a ``DivergenceError`` is allowed too (with ``"epoch"``, as ``fit``
    raises it: the network is then at the start of the failing epoch, not
    unchanged, and must copy exactly). ``also``: more
    exception classes the call may raise (``OSError`` for file names).
    ``allowed``: the exception classes whose message must name an argument
    (``ValueError`` and ``TypeError``; ``Network()`` adds ``MemoryError``).
    """
    guard = Unchanged(net) if net is not None else None
    try:
        with _armed():
            result = call()
    except nncore.DivergenceError:
        if not diverge:
            raise
        if guard is not None and diverge == "epoch":
            round_trips(net)  # restored to the start of the failing epoch: finite, and it copies exactly
        elif guard is not None:
            guard.check(what)
        return None
    except also:
        if guard is not None:
            guard.check(what)
        return None
    except allowed as error:
        message = str(error).lower()
        if not any(name.lower() in message for name in names):
            raise AssertionError(
                f"{what} raised {type(error).__name__} whose message names none of {list(names)}: {error}"
            ) from error
        if guard is not None:
            guard.check(what)
        return None
    except Sabotage:
        if guard is not None:
            guard.check(what)
        return None
    if read_only and guard is not None:
        guard.check(what)
    return result


# ---------------------------------------------------------------- hostile objects

_ARMED = [False]


class _armed:
    """While inside, the hostile ``__repr__`` methods misbehave; outside (hypothesis's reports) they do not."""

    def __enter__(self):
        self.before, _ARMED[0] = _ARMED[0], True

    def __exit__(self, *exc_info):
        _ARMED[0] = self.before


class BadFloat:
    """A number-like object whose ``__float__`` raises or returns junk."""

    def __init__(self, result):
        self.result = result

    def __float__(self):
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result

    def __repr__(self):
        return f"BadFloat({self.result!r})"


class BadIndex:
    """An index-like object whose ``__index__`` raises or returns junk."""

    def __init__(self, result):
        self.result = result

    def __index__(self):
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result

    def __int__(self):
        return self.__index__()

    def __repr__(self):
        return f"BadIndex({self.result!r})"


class BadLen(list):
    """A list whose ``__len__`` raises or returns junk (the items are fine)."""

    def __init__(self, items, length):
        super().__init__(items)
        self.length = length

    def __len__(self):
        if isinstance(self.length, BaseException):
            raise self.length
        return self.length

    def __repr__(self):
        return f"BadLen({list.__repr__(self)}, {self.length!r})"  # list.__repr__ does not call __len__


class BadRepr:
    """An object whose ``__repr__`` raises, returns a non-string or a huge string."""

    def __init__(self, result):
        self.result = result

    def __repr__(self):
        if not _ARMED[0]:
            return f"BadRepr({self.result!r:.40})"
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


class BadReprFloat(float):
    """A real float whose ``__repr__`` misbehaves."""

    def __repr__(self):
        if not _ARMED[0]:
            return f"BadReprFloat({float(self)})"
        raise Sabotage("__repr__ of a float subclass")


class Shrinker:
    """A number whose ``__float__`` empties the list it sits in, then returns 1.0."""

    def __init__(self):
        self.home = None

    def __float__(self):
        if self.home is not None:
            self.home.clear()
        return 1.0

    def __repr__(self):
        return "Shrinker()"


def shrinking_list(n: int, position: int) -> list:
    """``n`` numbers, the one at ``position`` a :class:`Shrinker` that empties the list when read."""
    items: list = [0.5] * n
    shrinker = Shrinker()
    items[position % n] = shrinker
    shrinker.home = items
    return items


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def deep_list(depth: int, leaf: object = 0.5) -> list:
    """``[[[...leaf...]]]`` nested ``depth`` times, built without recursion."""
    value: object = leaf
    for _ in range(depth):
        value = [value]
    return value  # type: ignore[return-value]


_junk_results = st.sampled_from(
    [
        Sabotage("__float__"),
        Sabotage("__index__"),
        "text",
        None,
        float("nan"),
        float("inf"),
        10**400,
        -1,
        2**70,
        1.5,
        2**63,
        object(),
    ]
)
misbehaving = st.one_of(
    _junk_results.map(BadFloat),
    _junk_results.map(BadIndex),
    st.tuples(st.lists(st.floats(-2, 2), max_size=3), _junk_results).map(lambda a: BadLen(*a)),
    st.sampled_from([Sabotage("__repr__"), 42, None, "x" * 1_000_000]).map(BadRepr),
    st.just(BadReprFloat(0.5)),
    st.just(BadReprFloat("nan")),
)

HUGE_INTS = [10**400, -(10**400), 2**63, 2**64, -(2**63) - 1, 2**62 + 1]
HUGE_FLOATS = [1e308, -1e308, 1.7976931348623157e308, 5e-324]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=8),
    st.binary(max_size=8),
    st.binary(max_size=8).map(bytearray),
    st.complex_numbers(allow_nan=True),
    st.fractions(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.sampled_from(HUGE_INTS + HUGE_FLOATS),
    st.sampled_from(
        [
            np.float16(1),
            np.float32("nan"),
            np.longdouble(2),
            np.int8(-3),
            np.uint64(2**64 - 1),
            np.bool_(True),
            np.complex64(1j),
            np.datetime64("2020-01-01"),
            np.str_("1.0"),
        ]
    ),
    st.dictionaries(st.text(max_size=3), st.floats(), max_size=3),
    st.sets(st.integers(), max_size=3),
    st.just(object()),
    st.just(Ellipsis),
)
junk = st.one_of(scalars, misbehaving)

DTYPES = [
    np.bool_,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
    np.float16,
    np.float32,
    np.float64,
    np.longdouble,
    np.complex64,
    np.complex128,
    object,
    "U3",
    "S3",
    "datetime64[s]",
    "timedelta64[ms]",
]


@st.composite
def arrays(draw, shape=None):
    """A numpy array of any dtype and layout: Fortran, strided, read-only, zero-size, 0-d or 3-D."""
    if shape is None:
        shape = draw(st.sampled_from([(), (0,), (2,), (3,), (1, 2), (2, 2), (0, 2), (2, 0), (2, 2, 2)]))
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    values = draw(
        st.lists(
            st.floats(allow_nan=True, allow_infinity=True, width=64),
            min_size=int(np.prod(shape)),
            max_size=int(np.prod(shape)),
        )
    )
    base = np.array(values, dtype=np.float64).reshape(shape)
    with np.errstate(all="ignore"):
        try:
            array = base.astype(dtype)
        except (TypeError, ValueError, OverflowError):
            array = np.zeros(shape, dtype=dtype)
    layout = draw(st.sampled_from(["c", "fortran", "strided", "readonly", "swapped"]))
    if layout == "fortran":
        array = np.asfortranarray(array)
    elif layout == "strided" and array.ndim >= 1:
        doubled = np.repeat(array, 2, axis=-1)
        array = doubled[..., ::2]
    elif layout == "readonly":
        array.flags.writeable = False
    elif layout == "swapped" and array.dtype.kind in "iuf" and array.dtype.itemsize > 1:
        array = array.astype(array.dtype.newbyteorder())
    return array


def vectors(n: int):
    """Things passed where one sample of ``n`` numbers is expected: valid, broken and hostile."""
    good = st.lists(st.floats(-3, 3), min_size=n, max_size=n)
    with_junk = st.tuples(good, st.integers(0, n - 1), st.one_of(junk, st.floats())).map(
        lambda a: a[0][: a[1]] + [a[2]] + a[0][a[1] + 1 :]
    )
    return st.one_of(
        good,
        good.map(tuple),
        with_junk,
        with_junk.map(tuple),
        junk,
        arrays(),
        arrays(shape=(n,)),
        st.lists(st.floats(-3, 3), max_size=n + 2),
        st.builds(shrinking_list, st.just(n), st.just(0)),  # first, so that the rest are read after
        st.sampled_from([10, 10_000]).map(deep_list),
        st.just([0.5] * 100_000),
        st.lists(st.lists(st.floats(-1, 1), max_size=3), max_size=3),  # ragged or 2-D
    )


def batches(n: int):
    """Things passed where ``(n_samples, n)`` numbers are expected."""
    row = st.lists(st.floats(-3, 3), min_size=n, max_size=n)
    return st.one_of(
        st.lists(row, min_size=1, max_size=4),
        st.lists(row, min_size=300, max_size=300),
        st.lists(st.one_of(row, vectors(n)), min_size=1, max_size=3),
        vectors(n),
        arrays(),
        arrays(shape=(2, n)),
        arrays(shape=(0, n)),
        st.just(np.zeros((2_000, n))),
        st.just(np.full((500, n), np.nan)),
        st.sampled_from([10, 10_000]).map(lambda depth: [deep_list(depth)] * 2),
    )


# ---------------------------------------------------------------- networks

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu"]


@st.composite
def networks(draw, trained=True):
    """A small valid network, possibly with names, per-layer activations and some training."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    activation = draw(
        st.one_of(
            st.sampled_from(ACTIVATIONS),
            st.lists(st.sampled_from(ACTIVATIONS), min_size=len(sizes) - 1, max_size=len(sizes) - 1),
        )
    )
    net = nncore.Network(
        sizes,
        activation=activation,
        seed=draw(st.integers(0, 2**32)),
        learning_rate=draw(st.sampled_from([0.0, 0.1, 0.3, 0.9, 2.5])),
        momentum=draw(st.sampled_from([0.0, 0.1, 0.5])),
        leaky_relu_alpha=draw(st.sampled_from([0.01, 0.2, -1.0])),
        dtype=draw(st.sampled_from(["float64", "float32"])),
    )
    if draw(st.booleans()):
        net.input_names = [f"in{i}" for i in range(sizes[0])]
        net.output_names = [f"out{i}" for i in range(sizes[-1])]
    if trained:
        rng = np.random.default_rng(draw(st.integers(0, 100)))
        for _ in range(draw(st.integers(0, 3))):
            try:
                net.train(rng.random(sizes[0]), rng.random(sizes[-1]))
            except nncore.DivergenceError:
                break
    return net


# ---------------------------------------------------------------- mutating valid data


def _paths(value, prefix=()):
    """Every path (tuple of keys and indices) into nested dicts and lists, the root included."""
    stack = [(prefix, value)]
    while stack:
        path, item = stack.pop()
        yield path
        if isinstance(item, dict):
            stack.extend((path + (key,), child) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((path + (index,), child) for index, child in enumerate(item))


replacements = st.one_of(
    junk,
    st.just([]),
    st.just({}),
    st.just([[]]),
    st.integers(-3, 5),
    st.sampled_from(["sigmoid", "NeuralNetwork", "nncore", "leaky-relu"]),
    st.sampled_from([10, 10_000]).map(deep_list),
)


@st.composite
def mutated(draw, document):
    """``document`` (dicts and lists) with one field at any depth replaced, deleted or retyped."""
    document = copy.deepcopy(document)
    paths = list(_paths(document))
    path = draw(st.sampled_from(paths[1:]))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    action = draw(st.sampled_from(["replace", "delete", "retype", "wrap", "insert"]))
    if action == "delete":
        del parent[key]
    elif action == "retype":
        value = parent[key]
        retyped = {
            list: tuple,
            dict: lambda d: list(d.items()),
            float: str,
            int: float,
            str: str.encode,
            bool: int,
            type(None): lambda v: 0,
        }.get(type(value), lambda v: None)
        try:
            parent[key] = retyped(value)
        except (TypeError, ValueError):
            parent[key] = None
    elif action == "wrap":
        parent[key] = [parent[key]]
    elif action == "insert" and isinstance(parent, list):
        parent.insert(key, draw(replacements))
    elif action == "insert" and isinstance(parent, dict):
        parent[draw(st.text(max_size=5))] = draw(replacements)
    else:
        parent[key] = draw(replacements)
    return document


@st.composite
def edited_text(draw, text):
    """``text`` with one random edit: a character deleted, replaced or inserted, or a slice repeated."""
    position = draw(st.integers(0, len(text)))
    action = draw(st.sampled_from(["delete", "replace", "insert", "truncate", "repeat"]))
    piece = draw(
        st.sampled_from(
            [
                "",
                "[",
                "]",
                "{",
                "}",
                ",",
                ":",
                '"',
                "-",
                "e999",
                "NaN",
                "Infinity",
                "1e400",
                "null",
                "\\",
                "\x00",
                "\ud800",
                "9" * 5000,
                "[" * 100_000,
            ]
        )
    )
    if action == "delete":
        return text[:position] + text[position + 1 :]
    if action == "replace":
        return text[:position] + piece + text[position + 1 :]
    if action == "insert":
        return text[:position] + piece + text[position:]
    if action == "truncate":
        return text[:position]
    end = draw(st.integers(position, len(text)))
    return text[:end] + text[position:end] * draw(st.integers(2, 50)) + text[end:]


# ---------------------------------------------------------------- properties run in a child process

NETWORK_ARGUMENTS = ["sizes", "learning_rate", "momentum", "activation", "init", "seed", "leaky_relu_alpha"]
valid_kwargs = {
    "learning_rate": 0.3,
    "momentum": 0.1,
    "activation": "sigmoid",
    "init": "scaled",
    "seed": 0,
    "leaky_relu_alpha": 0.01,
}
kwarg_values = {
    "learning_rate": st.one_of(junk, st.floats()),
    "momentum": st.one_of(junk, st.floats()),
    "activation": st.one_of(junk, st.lists(st.sampled_from(ACTIVATIONS + ["softmax", ""]), max_size=4)),
    "init": st.one_of(junk, st.sampled_from(["scaled", "tutorial", "brainjs", "xavier", "he", "HE"])),
    "seed": st.one_of(junk, st.integers(), st.sampled_from(HUGE_INTS)),
    "leaky_relu_alpha": st.one_of(junk, st.floats()),
}
# Layer sizes whose buffers numpy would really try to allocate (gigabytes to terabytes): drawn only
# on Linux, where the child caps its memory (see _limit_memory; under AddressSanitizer, .ci/run caps
# allocations with ASAN_OPTIONS instead). Elsewhere a lazily zeroed allocation could succeed and the
# initializer would then fill it. Sizes whose total overflows 64 bits are drawn everywhere.
ALLOCATING_SIZES = [2**31, 2**32 + 1, 2**40] if sys.platform.startswith("linux") else []
sizes_values = st.one_of(
    junk,
    arrays(),
    st.lists(st.integers(1, 4), min_size=2, max_size=4),
    st.lists(st.one_of(st.integers(-2, 4), junk), max_size=4),
    st.lists(st.sampled_from(ALLOCATING_SIZES + [2**62, 2**63 - 1, 2**63, 10**400]), min_size=2, max_size=3),
    st.lists(st.integers(1, 3), min_size=1000, max_size=1000),  # many layers
    st.tuples(st.integers(1, 3), st.sampled_from(ALLOCATING_SIZES + [2**62])).map(list),
    st.sampled_from([10, 10_000]).map(deep_list),
)


def _construct(data):
    kwargs = dict(valid_kwargs)
    for name in data.draw(st.sets(st.sampled_from(list(kwarg_values)), max_size=2)):
        kwargs[name] = data.draw(kwarg_values[name], label=name)
    sizes = data.draw(sizes_values, label="sizes")
    # A network too big for this machine's memory (but not absurd) is a MemoryError naming its sizes.
    net = attempt(
        lambda: nncore.Network(sizes, **kwargs),
        NETWORK_ARGUMENTS,
        what="Network(...)",
        allowed=ALLOWED + (MemoryError,),
    )
    if net is not None and sizes is None:  # brain.js's rule: the sizes come from the first fit
        assert "sizes not known until the first fit" in repr(net)
    elif net is not None:
        assert net.sizes == tuple(int(s) for s in sizes)
        assert np.isfinite(net.predict(np.zeros(net.sizes[0]))).all()


def _train_activate(data):
    net = data.draw(networks())
    n_in, n_out = net.sizes[0], net.sizes[-1]
    which = data.draw(st.sampled_from(["train", "activate"]))
    if which == "train":
        x = data.draw(vectors(n_in), label="input")
        t = data.draw(vectors(n_out), label="target")
        error = attempt(lambda: net.train(x, t), ["input", "target"], net=net, diverge=True, what="train")
        if error is not None:
            assert np.isfinite(error) and error >= 0
    else:
        x = data.draw(vectors(n_in), label="input")
        attempt(lambda: net.activate(x), ["input"], net=net, what="activate")
        out = attempt(net.run, [], net=net, read_only=True, what="run")
        assert out is not None and out.shape == (n_out,)


def _predict_likely(data):
    net = data.draw(networks())
    n_in = net.sizes[0]
    which = data.draw(st.sampled_from(["predict", "likely", "predict_named"]))
    if which == "predict":
        x = data.draw(batches(n_in), label="inputs")
        out = attempt(lambda: net.predict(x), ["input"], net=net, read_only=True, what="predict")  # or "inputs"
        if out is not None:
            assert np.isfinite(out).all() and out.shape[-1] == net.sizes[-1]
    elif which == "likely":
        x = data.draw(vectors(n_in), label="input")
        attempt(lambda: net.likely(x), ["input"], net=net, read_only=True, what="likely")
    else:
        keys = st.one_of(st.text(max_size=4), st.sampled_from(["in0", "in1"]), junk.filter(_hashable))
        x = data.draw(st.dictionaries(keys, st.one_of(st.floats(), junk), max_size=3), label="inputs")
        attempt(lambda: net.predict(x), ["input"], net=net, read_only=True, what="predict(dict)")


FIT_KWARGS = {
    "epochs": st.one_of(junk, st.integers(-2, 3), st.sampled_from(HUGE_INTS)),
    "steps": st.one_of(junk, st.integers(-2, 20), st.sampled_from(HUGE_INTS)),
    "order": st.one_of(junk, st.sampled_from(["shuffle", "random", "sequential", "Shuffle"])),
    "seed": st.one_of(junk, st.integers(), st.sampled_from(HUGE_INTS)),
    "error_threshold": st.one_of(junk, st.floats()),
    "callback": st.one_of(junk, st.just(lambda info: None), st.just(lambda info: False)),
    "callback_period": st.one_of(junk, st.integers(-1, 3)),
    "progress": st.one_of(junk, st.booleans()),
    "timeout": st.one_of(junk, st.floats(), st.just(1e-9)),
    "keep_errors": st.one_of(junk, st.booleans()),
}


def _fit_evaluate(data):
    net = data.draw(networks())
    n_in, n_out = net.sizes[0], net.sizes[-1]
    rows = data.draw(st.integers(1, 4))
    X = data.draw(st.one_of(batches(n_in), st.just(np.random.default_rng(0).random((rows, n_in)))), label="X")
    Y = data.draw(
        st.one_of(batches(n_out), st.just(np.random.default_rng(1).random((rows, n_out))), st.none(), vectors(rows)),
        label="Y",
    )
    if data.draw(st.booleans(), label="brain.js samples"):
        X = data.draw(
            st.lists(
                st.one_of(
                    st.fixed_dictionaries({"input": vectors(n_in), "output": vectors(n_out)}),
                    st.dictionaries(
                        st.sampled_from(["input", "output", "x"]),
                        st.one_of(
                            vectors(2),
                            st.dictionaries(
                                st.one_of(st.text(max_size=3), junk.filter(_hashable)),
                                st.one_of(st.floats(), junk),
                                max_size=3,
                            ),
                        ),
                        max_size=3,
                    ),
                    junk,
                ),
                min_size=0,
                max_size=3,
            ),
            label="samples",
        )
        Y = None
    if data.draw(st.booleans(), label="evaluate"):
        threshold = data.draw(st.one_of(st.just(0.5), junk, st.floats()), label="threshold")
        attempt(
            lambda: net.evaluate(X, Y, threshold=threshold),
            ["X", "Y", "data", "threshold", "input", "output"],
            net=net,
            read_only=True,
            what="evaluate",
        )
        return
    kwargs = {"steps": 8}
    for name in data.draw(st.sets(st.sampled_from(list(FIT_KWARGS)), max_size=2)):
        kwargs[name] = data.draw(FIT_KWARGS[name], label=name)
    tiny_timeout = type(kwargs.get("timeout")) is float and kwargs["timeout"] == 1e-9  # junk may not compare
    if (kwargs.get("steps") is None and kwargs.get("epochs") is None) or tiny_timeout:
        kwargs["steps"] = 8
    if isinstance(kwargs.get("epochs"), int) and kwargs["epochs"] > 3 and not isinstance(kwargs.get("steps"), int):
        kwargs["steps"] = 8  # keep training short: huge epochs are checked, not run
    names = ["X", "Y", "data", "input", "output", "sample", "2**62"] + list(FIT_KWARGS)
    attempt(lambda: net.fit(X, Y, **kwargs), names, net=net, diverge="epoch", what="fit")
    assert net._all_finite()


def _views(data):
    net = data.draw(networks())
    index = st.one_of(st.integers(-6, 6), junk, st.sampled_from(HUGE_INTS), st.slices(5))
    value = st.one_of(st.floats(), junk)
    layer_index = data.draw(index, label="layer")

    def touch():
        layer = net.layers[layer_index]
        if isinstance(layer, list):
            return
        neuron = layer.neurons[data.draw(index, label="neuron")]
        if isinstance(neuron, list):
            return
        target = neuron
        attribute = data.draw(st.sampled_from(["output", "bias", "delta", "input_connections", "weight"]))
        if attribute == "input_connections" or attribute == "weight":
            connections = neuron.input_connections
            target = connections[data.draw(index, label="connection")]
            if isinstance(target, list):
                return
            attribute = data.draw(st.sampled_from(["weight", "change"]))
        if data.draw(st.booleans(), label="write"):
            setattr(target, attribute, data.draw(value, label="value"))
        else:
            assert np.isfinite(getattr(target, attribute))

    guard = Unchanged(net)
    try:
        attempt(
            touch,
            ["layer", "neuron", "connection", "bias", "weight", "change", "output", "delta", "indices", "input"],
            net=net,
            what="a view",
        )
    except (IndexError, AttributeError):
        guard.check("a view")  # out-of-range positions and read-only attributes, as Python sequences do
    assert net._all_finite()


def _explicit_per_sample_calls() -> list:
    """Hand-picked attacks that random draws reach only rarely: lists emptied while read, deep nesting."""
    net = nncore.Network([3, 2], seed=0)
    calls = {
        "train, input emptied while read": lambda: net.train(shrinking_list(3, 0), [0.5, 0.5]),
        "train, target emptied while read": lambda: net.train([0.5] * 3, shrinking_list(2, 0)),
        "activate, input emptied while read": lambda: net.activate(shrinking_list(3, 0)),
        "train, deeply nested input": lambda: net.train(deep_list(10_000), [0.5, 0.5]),
        "train, huge input": lambda: net.train([0.5] * 10**6, [0.5, 0.5]),
    }
    return [_explicit(call, ["input", "target"], net=net, what=what) for what, call in calls.items()]


def _explicit_batch_calls() -> list:
    net = nncore.Network([3, 2], seed=0)
    calls = {
        "predict, one sample emptied while read": lambda: net.predict(shrinking_list(3, 0)),
        "predict, a row emptied while read": lambda: net.predict([shrinking_list(3, 0), [0.5] * 3]),
        "likely, input emptied while read": lambda: net.likely(shrinking_list(3, 0)),
        "predict, deeply nested": lambda: net.predict(deep_list(10_000)),
        "predict, 3-D": lambda: net.predict(np.zeros((2, 2, 3))),
    }
    return [_explicit(call, ["input"], net=net, read_only=True, what=what) for what, call in calls.items()]


def _explicit(call, names, **checks) -> str | None:
    """:func:`attempt` on one fixed call: None if it passed, else the failure as text."""
    try:
        attempt(call, names, **checks)
    except BaseException as error:  # reported with the others once all have run
        return f"{checks['what']}: {type(error).__name__}: {str(error)[:500]}"
    return None


def _explicit_construct_calls() -> list:
    """Sizes whose buffer lengths overflow 64 bits, or that no machine has the memory for."""
    sizes = [[3, 2**62], [2**62, 2**62], [2**63, 1], [1, 2**40] if ALLOCATING_SIZES else [2**62, 4]]
    return [_explicit(lambda s=s: nncore.Network(s), ["sizes"], what=f"Network({s})") for s in sizes]


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0], dtype=float)
FIT_MANY_JOIN_SECONDS = 120
"""How long the two fit_many calls may take before they count as deadlocked (a few milliseconds is usual)."""


def _fit_many_overlapping(data):
    """Two threads call fit_many on overlapping populations, in random orders: both calls end, and every
    network took exactly the steps of the calls it was in."""
    n = data.draw(st.integers(1, 10), label="networks")
    shapes = st.sampled_from([[2, 2, 1], [2, 3, 1], [2, 1]])
    nets = [
        nncore.Network(
            data.draw(shapes, label="sizes"),
            seed=i,
            dtype=data.draw(st.sampled_from(["float64", "float32"]), label="dtype"),
            optimizer=data.draw(st.sampled_from(["sgd", "sgd", "adam"]), label="optimizer"),
        )
        for i in range(n)
    ]
    calls = [
        (
            data.draw(st.permutations(range(n)), label="order")[: data.draw(st.integers(1, n), label="length")],
            data.draw(st.integers(1, 9), label="steps"),
            data.draw(st.integers(1, 3), label="threads"),
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(len(calls))
    failures = []

    def call(members, steps, threads):
        try:
            barrier.wait()
            nncore.fit_many(
                [nets[i] for i in members], XOR_X, XOR_Y, steps=steps, seeds=range(len(members)), threads=threads
            )
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    workers = [threading.Thread(target=call, args=arguments, daemon=True) for arguments in calls]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(FIT_MANY_JOIN_SECONDS)
    if any(worker.is_alive() for worker in workers):
        raise AssertionError(f"fit_many calls {calls} still running after {FIT_MANY_JOIN_SECONDS} s: a deadlock")
    if failures:
        raise failures[0]
    for i, net in enumerate(nets):
        assert net.iterations == sum(steps for members, steps, _ in calls if i in members), (i, calls)


# ---------------------------------------------------------------- hostile files: the readers' memory


def _read_csv(path):
    table = _csvdata.read_table(path)
    return table.columns(table.names)


FILE_READERS = {
    "fann_net": nncore.Network.from_fann,
    "fann_data": nncore.read_fann_data,
    "csv": _read_csv,
    "nncore": nncore.load,
    "brainjs": nncore.Network.from_brainjs,
    "tutorial": nncore.Network.from_tutorial_json,
}
"""Every reader of files, by format: each takes a path."""

MEMORY_PER_BYTE = 50
MEMORY_CONSTANT = 24 * 2**20
"""A reader's peak memory may grow by at most ``MEMORY_PER_BYTE`` times the file's size plus this (bytes)."""
MEASURES_MEMORY = "asan" not in os.environ.get("LD_PRELOAD", "")
"""False under AddressSanitizer, whose shadow memory and quarantine of freed blocks count in ``ru_maxrss``."""


def peak_memory() -> int:
    """This process's peak resident memory so far, in bytes (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def memory_bound(size: int) -> int:
    """The most a reader's peak memory may grow reading a file of ``size`` bytes."""
    return MEMORY_PER_BYTE * size + MEMORY_CONSTANT


def warm_up(directory: str) -> None:
    """Read a valid small file of every format once, so that lazy imports do not count as a read's cost."""
    net = nncore.Network([2, 3, 1], seed=0)
    texts = {
        "fann_net": net.to_fann(),
        "fann_data": "1 2 1\n0.5 1\n1\n",
        "csv": "a,b\n1,2\n",
        "nncore": net.to_json(),
        "brainjs": json.dumps(net.to_brainjs()),
        "tutorial": json.dumps(net.to_tutorial_json()),
    }
    for reader, text in texts.items():
        path = os.path.join(directory, f"warm-up.{reader}")
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        FILE_READERS[reader](path)


def read_hostile_file(reader: str, path: str) -> int:
    """Read ``path`` with ``FILE_READERS[reader]`` under :func:`attempt`'s rule; return the peak memory's growth.

    A refusal must be a ``ValueError`` naming the file (or an ``OSError``).
    """
    before = peak_memory()
    attempt(lambda: FILE_READERS[reader](path), [path], what=f"reading a {reader} file")
    return peak_memory() - before


HOSTILE_COUNTS = [
    "0",
    "1",
    "2",
    "4001",
    "3000000000",
    "100000000000000",
    "9" * 40,
    "9" * 5000,
    "-1",
    "1.5",
    "\u0663",
    "\uff11",
    "1\u00b2",
    "",
]
"""Counts a hostile file may announce: absurdly large, negative, fractional, in other digits, or missing."""
HOSTILE_NUMBERS = [
    "0",
    "-0.5",
    "1e-3",
    "1e999",
    "9" * 5000,
    "nan",
    "inf",
    "0x10",
    "1_0",
    "\u0663",
    "\uff11",
    "",
    "\x00",
]


def fann_net_text(sizes=(2, 1), activation="sigmoid", **fields) -> str:
    """The ``.net`` text of a small network, with the values of ``fields`` (by key) replaced."""
    lines = nncore.Network(list(sizes), activation=activation, seed=0).to_fann().splitlines()
    for index, line in enumerate(lines):
        key = line.partition("=")[0]
        if key in fields:
            lines[index] = f"{key}={fields[key]}"
    return "\n".join(lines) + "\n"


def unconnected_fann_net(width: int, inputs: object = 0) -> str:
    """Two layers of ``width`` neurons (and a bias neuron each), each neuron of the second announcing
    ``inputs`` connections, and no connections listed: FANN's layout of a network the file does not hold."""
    from nncore._fann import CONNECTIONS_KEY, NEURONS_KEY

    return fann_net_text(
        **{
            "layer_sizes": f"{width + 1} {width + 1} ",
            NEURONS_KEY: "(0, 0, 0) " * (width + 1) + f"({inputs}, 3, 0.5) " * width + "(0, 3, 0.5) ",
            CONNECTIONS_KEY: "",
        }
    )


@st.composite
def hostile_fann_nets(draw) -> str:
    """A FANN ``.net`` text: wide layers without their connections, or a small network with a field's value
    replaced by a hostile one; then maybe edited."""
    if draw(st.booleans()):
        width, inputs = draw(st.sampled_from([2, 50, 3000])), draw(st.sampled_from(HOSTILE_COUNTS))
        text = unconnected_fann_net(width, inputs)
    else:
        sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))
        lines = fann_net_text(sizes, draw(st.sampled_from(["sigmoid", "tanh"]))).splitlines()
        index = draw(st.integers(1, len(lines) - 1))
        value = draw(
            st.one_of(
                st.lists(st.sampled_from(HOSTILE_COUNTS), min_size=1, max_size=3).map(" ".join),
                st.lists(st.tuples(*[st.sampled_from(HOSTILE_COUNTS + HOSTILE_NUMBERS)] * 3), max_size=10).map(
                    lambda groups: "".join(f"({a}, {b}, {c}) " for a, b, c in groups)
                ),
                st.lists(st.tuples(st.sampled_from(HOSTILE_COUNTS), st.sampled_from(HOSTILE_NUMBERS)), max_size=10).map(
                    lambda pairs: "".join(f"({a}, {b}) " for a, b in pairs)
                ),
            )
        )
        lines[index] = f"{lines[index].partition('=')[0]}={value}"
        text = "\n".join(lines) + "\n"
    return draw(edited_text(text)) if draw(st.booleans()) else text


@st.composite
def hostile_fann_data(draw) -> str:
    """A FANN ``.data`` text whose first line announces hostile counts, followed by lines of numbers (as many
    as the pairs announced, when they are few); then maybe edited."""
    pairs = draw(st.sampled_from(["0", "1", "2"] + HOSTILE_COUNTS))
    header = " ".join([pairs] + draw(st.lists(st.sampled_from(HOSTILE_COUNTS), min_size=1, max_size=3)))
    line = st.lists(st.sampled_from(HOSTILE_NUMBERS), min_size=1, max_size=4).map(" ".join)
    count = 2 * int(pairs) if pairs in ("0", "1", "2") else draw(st.integers(0, 6))
    rows = draw(st.lists(line, min_size=count, max_size=count))
    text = "\n".join([header] + rows) + "\n"
    return draw(edited_text(text)) if draw(st.booleans()) else text


@st.composite
def hostile_csv(draw) -> str:
    """A CSV text: a header (wide, repeated or odd names) and rows of hostile cells; then maybe edited."""
    width = draw(st.sampled_from([1, 2, 3, 20_000]))
    names = [f"c{i}" for i in range(width)]
    if draw(st.booleans()):
        names[draw(st.integers(0, width - 1))] = draw(st.sampled_from(["c0", "", " ", '"', "\u0663"]))
    rows = draw(
        st.lists(
            st.lists(st.sampled_from(HOSTILE_NUMBERS), min_size=width, max_size=width)
            if width < 100
            else st.just(["1"] * width),
            max_size=5,
        )
    )
    text = "\n".join(",".join(row) for row in [names] + rows) + "\n"
    return draw(edited_text(text)) if draw(st.booleans()) else text


def crafted_files() -> dict[str, tuple[str, str]]:
    """Hand-made hostile files, one or more per reader: name -> (reader, text)."""
    net = nncore.Network([2, 3, 1], seed=0)

    def with_extra_numbers(document: dict) -> str:  # a field the readers ignore, holding many numbers
        return json.dumps({**document, "extra": [0] * 1_000_000}, separators=(",", ":"))

    return {
        "fann_net, neurons without connections": ("fann_net", unconnected_fann_net(1500)),
        "fann_data, a header announcing 3e9 inputs": ("fann_data", "1 3000000000 1\n1\n1\n"),
        "fann_data, many short lines": ("fann_data", "200000 1 1\n" + "1\n" * 400_000),
        "csv, many one-cell rows": ("csv", "a\n" + "1\n" * 500_000),
        "csv, a wide header": ("csv", ",".join(f"c{i}" for i in range(20_000)) + "\n" + "1," * 19_999 + "1\n"),
        "nncore, huge sizes and no weights": ("nncore", json.dumps({**net.to_dict(), "sizes": [4000, 4000]})),
        "brainjs, huge sizes and no weights": ("brainjs", json.dumps({**net.to_brainjs(), "sizes": [4000, 4000, 1]})),
        "brainjs, a long list it does not read": ("brainjs", with_extra_numbers(net.to_brainjs())),
        "tutorial, a long list it does not read": ("tutorial", with_extra_numbers(net.to_tutorial_json())),
        "tutorial, neurons without connections": (
            "tutorial",
            json.dumps({"layers": [[{"bias": 0, "inputConnections": []}] * 3000] * 2}),
        ),
    }


def read_within_bound(reader: str, path: str) -> None:
    """:func:`read_hostile_file`, failing when the peak memory grew beyond :func:`memory_bound`."""
    grew = read_hostile_file(reader, path)
    bound = memory_bound(os.path.getsize(path))
    assert grew <= bound or not MEASURES_MEMORY, (
        f"reading the {reader} file grew the peak memory by {grew >> 20} MiB, more than {bound >> 20} MiB"
    )


HOSTILE_TEXTS = {"fann_net": hostile_fann_nets(), "fann_data": hostile_fann_data(), "csv": hostile_csv()}
_WARMED_UP = []


def _hostile_files(data):
    with tempfile.TemporaryDirectory() as directory:
        if not _WARMED_UP:
            warm_up(directory)
            _WARMED_UP.append(True)
        reader = data.draw(st.sampled_from(sorted(HOSTILE_TEXTS)), label="reader")
        text = data.draw(HOSTILE_TEXTS[reader], label="text")
        path = os.path.join(directory, f"hostile.{reader}")
        with open(path, "wb") as file:
            file.write(text.encode("utf-8", "surrogatepass"))
        read_within_bound(reader, path)


def _explicit_hostile_files() -> list:
    """Each crafted file, read within the memory bound (the largest last: the peak so far hides less)."""
    failures = []
    with tempfile.TemporaryDirectory() as directory:
        warm_up(directory)
        _WARMED_UP.append(True)
        for name, (reader, text) in sorted(crafted_files().items(), key=lambda item: len(item[1][1])):
            path = os.path.join(directory, f"crafted.{reader}")
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            failures.append(_explicit(lambda: read_within_bound(reader, path), [], what=name))  # noqa: B023 (called at once)
    return failures


EXPLICIT_CALLS = {
    "construct": _explicit_construct_calls,
    "train_activate": _explicit_per_sample_calls,
    "predict_likely": _explicit_batch_calls,
    "hostile_files": _explicit_hostile_files,
}
"""Properties whose child also runs fixed attacks first: name -> function giving their failures."""

CHILD_PROPERTIES = {
    "construct": (_construct, 60),
    "train_activate": (_train_activate, 120),
    "predict_likely": (_predict_likely, 100),
    "fit_evaluate": (_fit_evaluate, 60),
    "views": (_views, 80),
    "fit_many_overlapping": (_fit_many_overlapping, 40),
    "hostile_files": (_hostile_files, 60),
}
"""Properties run in a child process: name -> (function of hypothesis ``data``, examples by default)."""


def run_child_property(name: str) -> None:
    """Run one property of :data:`CHILD_PROPERTIES` under hypothesis, in this process."""
    function, examples = CHILD_PROPERTIES[name]
    explicit_failures = [failure for failure in EXPLICIT_CALLS.get(name, list)() if failure]
    for failure in explicit_failures:
        print(f"FAILED {failure}", file=sys.stderr)
    calls = []

    @fuzz_settings(examples)
    @given(st.data())
    def prop(data):
        calls.append(1)
        function(data)

    prop()
    if explicit_failures:
        raise AssertionError(f"{len(explicit_failures)} fixed attacks failed (above)")
    print(f"{name}: {len(calls)} examples passed")


def _limit_memory() -> None:
    """Cap the address space (4 GiB) so a huge allocation fails fast; not under AddressSanitizer."""
    if "asan" in os.environ.get("LD_PRELOAD", ""):
        return
    try:
        import resource
    except ImportError:  # Windows
        return
    limit = 4 * 2**30
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        with contextlib.suppress(ValueError, OSError):  # not every platform lets a process lower it
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def measure_in_child(reader: str, path: str) -> None:
    """Read one file after a warm-up; print ``grew BYTES of BOUND`` (the bound for the file's size).

    For one file per process (the peak of an earlier read would hide part of a later one's).
    """
    warm_up(os.path.dirname(path))
    grew = read_hostile_file(reader, path)
    print(f"grew {grew} of {memory_bound(os.path.getsize(path))}")


# ---------------------------------------------------------------- helpers for the in-process properties


def round_trips(net: nncore.Network) -> None:
    """Every lossless copy of ``net`` has its exact state."""
    expected = Unchanged(net).state
    copies = [
        nncore.Network.from_dict(net.to_dict()),
        nncore.Network.from_json(net.to_json()),
        pickle.loads(pickle.dumps(net)),
        copy.copy(net),
        copy.deepcopy(net),
    ]
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "net.json")
        net.save(path)
        copies += [nncore.load(path), nncore.Network.load(path)]
    for made in copies:
        assert Unchanged(made).state == expected


# ---------------------------------------------------------------- names of exported C and JavaScript functions

C_DIALECTS = {"c99": ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"], "gnu": ["-Wall", "-Wextra", "-Werror"]}
"""Strict C99, and the compiler's default dialect (GNU C: the headers' extensions, predefined ``linux``,
the built-in ``alloca``)."""

C_INCLUDES = "#include <math.h>\n#include <stdint.h>\n#include <string.h>\n"
"""The headers the exported C source includes."""

_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9_]*\b")


def c_header_names(cc: str, flags: list[str]) -> set[str]:
    """Every identifier the exported source's headers declare, define or mention, in the dialect of ``flags``:
    the words of their preprocessed text and the names of their macros (a superset of what they declare)."""
    names = set()
    for extra in (["-E"], ["-E", "-dM"]):
        done = subprocess.run(
            [cc, *flags, *extra, "-x", "c", "-"],
            input=C_INCLUDES,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        text = "\n".join(line for line in done.stdout.splitlines() if not line.startswith("# "))
        names.update(_IDENTIFIER.findall(text))
    return names


def javascript_global_names(node: str) -> set[str]:
    """The names of the global object's properties in ``node`` (``Math``, ``JSON``, ``process``, ...)."""
    done = subprocess.run(
        [node, "-e", "console.log(JSON.stringify(Object.getOwnPropertyNames(globalThis)))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(json.loads(done.stdout))


def name_variants(name: str) -> list[str]:
    """Names one edit away from ``name``: what a user could try after ``name`` itself was refused."""
    return [name, name.upper(), name.capitalize(), name + "_", name + "2", "my_" + name, name + "_weights_1"]


def accepted_names(export, names) -> list[str]:
    """The names among ``names`` that ``export(name=...)`` takes; each refusal must be a ValueError naming
    ``name`` that leaves the network unchanged."""
    kept = []
    for name in sorted(set(names)):
        try:
            export(name=name)
        except ValueError as error:
            assert str(error).startswith("name must"), f"{name!r}: {error}"  # noqa: PT017
        else:
            kept.append(name)
    return kept


# Declares printf instead of including <stdio.h>: the names tried are checked against the exported
# source's headers, not the driver's; its variables' names end in '_' to stay out of their way.
def c_batches(names: list[str], n_layers: int) -> list[list[str]]:
    """``names`` in groups whose exports can share one C file: no export's name, arrays or macros
    (``name_weights_1``, ``NAME_INPUTS``) among another's."""
    batches: list[tuple[list[str], set[str]]] = []
    for name in names:
        own = {name, f"{name.upper()}_INPUTS", f"{name.upper()}_OUTPUTS"}
        own |= {f"{name}_{kind}_{number}" for kind in ("weights", "biases") for number in range(1, n_layers + 1)}
        batch = next((batch for batch in batches if not own & batch[1]), None)
        if batch is None:
            batch = ([], set())
            batches.append(batch)
        batch[0].append(name)
        batch[1].update(own)
    return [batch for batch, _ in batches]


_C_NAMES_DRIVER = """
int printf(const char *format, ...);

int main(void)
{{
    static const {t} input_values_[{n_in}] = {{{inputs}}};
    {t} output_values_[{n_out}];
{calls}
    return 0;
}}
"""


def run_c_functions(
    cc: str, flags: list[str], net: nncore.Network, names: list[str], inputs: np.ndarray, directory: str
) -> dict[str, list[float]]:
    """Export ``net`` once per name into one C file, compile it with ``flags`` and run each function on
    ``inputs``: name -> its outputs (read back exactly)."""
    t = "float" if net.dtype == np.float32 else "double"
    calls = "\n".join(
        f"    {name}(input_values_, output_values_);\n    for (int j = 0; j < {net.sizes[-1]}; j++) "
        f'printf("{name} %a\\n", (double)output_values_[j]);'
        for name in names
    )
    driver = _C_NAMES_DRIVER.format(
        t=t,
        n_in=net.sizes[0],
        n_out=net.sizes[-1],
        calls=calls,
        inputs=", ".join(float.hex(float(value)) for value in inputs),
    )
    source = os.path.join(directory, "names.c")
    with open(source, "w") as file:
        file.write("".join(net.to_c(name) for name in names) + driver)
    program = os.path.join(directory, "names")
    compiled = subprocess.run([cc, *flags, "-o", program, source, "-lm"], capture_output=True, text=True, timeout=600)
    assert compiled.returncode == 0, compiled.stderr[-5000:]
    ran = subprocess.run([program], capture_output=True, text=True, check=True, timeout=120)
    outputs: dict[str, list[float]] = {}
    for line in ran.stdout.splitlines():
        name, value = line.split()
        outputs.setdefault(name, []).append(float.fromhex(value))
    return outputs


_JAVASCRIPT_NAMES_DRIVER = """
const fs = require("fs");
const [sourcePath, namesPath] = process.argv.slice(1);
const names = JSON.parse(fs.readFileSync(namesPath, "utf8"));
const functions = new Function(fs.readFileSync(sourcePath, "utf8") + "\\nreturn [" + names.join(", ") + "];")();
const input = JSON.parse(process.argv[3]);
const copy = JSON.stringify(input);
const results = {};
names.forEach((name, index) => {
  results[name] = Object.values(functions[index](input));
  if (JSON.stringify(input) !== copy || input.layers !== undefined) throw new Error(name + " changed its input");
});
process.stdout.write(JSON.stringify(results));
"""


def run_javascript_functions(
    node: str, net: nncore.Network, names: list[str], inputs: np.ndarray, directory: str
) -> dict[str, list[float]]:
    """Export ``net`` once per name into one JavaScript file and run each function in ``node`` on
    ``inputs`` (checking that it leaves the caller's array alone): name -> its outputs."""
    source, names_file = os.path.join(directory, "names.js"), os.path.join(directory, "names.json")
    with open(source, "w") as file:
        file.write("".join(net.to_javascript(name) for name in names))
    with open(names_file, "w") as file:
        json.dump(names, file)
    ran = subprocess.run(
        [node, "-e", _JAVASCRIPT_NAMES_DRIVER, source, names_file, json.dumps(inputs.tolist())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr[-5000:]
    return json.loads(ran.stdout)


if __name__ == "__main__":
    _limit_memory()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    if sys.argv[1] == "measure":
        measure_in_child(*sys.argv[2:])
    else:
        run_child_property(sys.argv[1])
