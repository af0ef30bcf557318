"""The compiled exp, tanh and sigmoid give the same bits as their Python twin in ``nncore._elementary``.

The kernels compute sigmoid and tanh with ``nncore/_elementary.h``; the
pure-Python reference with ``nncore._elementary``.  Both must round every
operation the same way, over the whole range of arguments, in the kernels
of every instruction-set level this machine can run.
"""

import importlib
import math

import elementary_numpy as el
import numpy as np
import pytest

from nncore import _core

TWINS = {
    "exp64": el.exp64_array,
    "tanh64": el.tanh64_array,
    "sigmoid64": el.sigmoid64_array,
    "exp32": el.exp32_array,
    "tanh32": el.tanh32_array,
    "sigmoid32": el.sigmoid32_array,
}

SPECIAL = [
    0.0,
    -0.0,
    math.inf,
    -math.inf,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    1e-300,
    -1e-300,
    7.4505805969238281e-09,
    0.000244140625,
    0.625,
    -0.625,
    9.02,
    10.0,
    19.1,
    22.0,
    -22.0,
    36.7,
    88.72283935546875,
    -103.97207641601562,
    709.782712893384,
    709.7827128933841,
    -745.1332191019411,
    -745.1332191019412,
    710.0,
    -746.0,
    1e308,
    -1e308,
]


def arguments(dtype, n=40_000, seed=0):
    """Uniform over the interesting range, log-uniform magnitudes from tiny to huge, and edge values."""
    rng = np.random.default_rng(seed)
    wide = 800.0 if dtype == np.float64 else 110.0
    magnitudes = 10.0 ** rng.uniform(-40 if dtype == np.float32 else -310, 3, n)
    with np.errstate(over="ignore"):
        values = np.concatenate(
            [rng.uniform(-wide, wide, n), rng.uniform(-25.0, 25.0, n), magnitudes * rng.choice([-1.0, 1.0], n), SPECIAL]
        ).astype(dtype)
    neighbours = [
        np.nextafter(values[-len(SPECIAL) :], dtype(math.inf)),
        np.nextafter(values[-len(SPECIAL) :], dtype(-math.inf)),
    ]
    return np.concatenate([values, *neighbours])


LEVELS = _core.SIMD_AVAILABLE


def compiled(level, name, values):
    """``name`` as compiled in the kernels of ``level``, on a copy of ``values``."""
    module = importlib.import_module(f"nncore._kernels_{level}")
    result = np.array(values, copy=True)
    (module.elementary64 if name.endswith("64") else module.elementary32)(name, result)
    return result


def bits(values):
    values = np.asarray(values)
    return values.view(np.uint64 if values.dtype == np.float64 else np.uint32)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", sorted(TWINS))
def test_compiled_function_gives_the_bits_of_its_python_twin(name, level):
    dtype = np.float64 if name.endswith("64") else np.float32
    xs = arguments(dtype)
    got = compiled(level, name, xs)
    twin = TWINS[name](xs)
    assert got.dtype == twin.dtype == dtype
    nan = np.isnan(twin)
    assert np.array_equal(nan, np.isnan(got))
    mismatch = np.flatnonzero(bits(got[~nan]) != bits(twin[~nan]))
    assert mismatch.size == 0, f"{name} ({level}) differs at {xs[~nan][mismatch[:5]]!r}"


@pytest.mark.parametrize("name", ["exp64", "tanh32"])
def test_nan_stays_nan(name):
    dtype = np.float64 if name.endswith("64") else np.float32
    assert np.isnan(compiled("baseline", name, np.array([np.nan, 1.0], dtype=dtype))[0])


def test_unknown_function_name_is_refused():
    with pytest.raises(ValueError, match=r"exp64.*got 'log64'"):
        compiled("baseline", "log64", np.array([1.0]))
