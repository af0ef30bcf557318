"""The platform-independent exp, tanh and sigmoid of ``nncore._elementary``.

The reference values come from :mod:`decimal` at 50 significant digits:
``Decimal.exp`` is correctly rounded at the context precision, far beyond
double precision, so the error of a double result is measured in ulps of the
exact value.
"""

import math
from decimal import Decimal, localcontext

import elementary_numpy as el
import numpy as np
import pytest

# Documented bounds, in ulps of the correctly rounded result.
EXP_BOUND = 1.0
TANH_BOUND = 1.0
SIGMOID_BOUND = 3.0

DOUBLE_MAX = Decimal(np.finfo(np.float64).max)
FLOAT_MAX = Decimal(float(np.finfo(np.float32).max))


def decimal_exp(x):
    with localcontext() as context:
        context.prec = 50
        return Decimal(x).exp()


def decimal_tanh(x):
    with localcontext() as context:
        context.prec = 50
        d = Decimal(x)
        if abs(d) < Decimal("1e-3"):
            # Taylor series: e^(2x) - 1 would cancel away the digits of tiny x.
            d2 = d * d
            return d * (
                1 - d2 * (Decimal(1) / 3 - d2 * (Decimal(2) / 15 - d2 * (Decimal(17) / 315 - d2 * Decimal(62) / 2835)))
            )
        e2 = (2 * d).exp()
        return (e2 - 1) / (e2 + 1)


def decimal_sigmoid(z):
    with localcontext() as context:
        context.prec = 50
        return 1 / (1 + (-Decimal(z)).exp())


def ulp_error(got, exact, mantissa_bits, min_exponent, max_value):
    """``|got - exact|`` in ulps of the exact value's binade (subnormal ulp below it).

    An exact value beyond ``max_value`` plus half an ulp rounds to infinity, so
    the error is zero for an infinite result there and infinite otherwise.
    """
    top_ulp = Decimal(2) ** (math.frexp(float(max_value))[1] - mantissa_bits)
    if abs(exact) >= max_value + top_ulp / 2:
        return 0.0 if math.isinf(got) and (got > 0) == (exact > 0) else math.inf
    if math.isinf(got):
        return math.inf
    exponent = math.frexp(float(exact))[1] if exact != 0 else min_exponent
    ulp = Decimal(2) ** (max(exponent, min_exponent) - mantissa_bits)
    return float(abs(Decimal(float(got)) - exact) / ulp)


def ulp_error64(got, exact):
    return ulp_error(got, exact, 53, -1021, DOUBLE_MAX)


def ulp_error32(got, exact):
    return ulp_error(float(got), exact, 24, -125, FLOAT_MAX)


def log_uniform(rng, n, low_exponent, high_exponent, high):
    """Signed values with log-uniform magnitudes in [10^low, min(10^high, high)]."""
    magnitude = np.minimum(10.0 ** rng.uniform(low_exponent, high_exponent, n), high)
    return magnitude * rng.choice([-1.0, 1.0], n)


def same_bits(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    return np.array_equal(
        a.view(np.uint64 if a.dtype == np.float64 else np.uint32),
        b.view(np.uint64 if b.dtype == np.float64 else np.uint32),
    )


# Thresholds: the largest x whose exp is finite and its successor, the
# smallest x whose exp is not zero and its predecessor, and the edges of
# the branches in tanh.
EXP64_EDGES = [
    709.782712893384,
    709.7827128933841,
    -745.1332191019411,
    -745.1332191019412,
    -708.39641853226408,
    -708.4,
    1e-300,
    -1e-300,
    5e-324,
    -5e-324,
    0.0,
    -0.0,
    0.5 * math.log(2),
    -0.5 * math.log(2),
]
TANH64_EDGES = [
    7.4505805969238281e-09,
    math.nextafter(7.4505805969238281e-09, 0.0),
    0.625,
    math.nextafter(0.625, 0.0),
    19.1,
    22.0,
    5e-324,
    2.2250738585072014e-308,
]
EXP32_EDGES = [
    88.72283935546875,
    88.72284698486328,
    -103.97207641601562,
    -103.97208404541016,
    -87.33654022216797,
    -87.33655548095703,
    1e-45,
    0.0,
]
TANH32_EDGES = [0.000244140625, 0.00024414061044808477, 0.625, 0.6249999403953552, 9.02, 10.0, 1e-45]


# ------------------------------------------------------------------ accuracy


def test_exp64_is_within_its_bound_of_the_correctly_rounded_value():
    rng = np.random.default_rng(1)
    xs = np.concatenate([log_uniform(rng, 1500, -17, 3, 709.78), rng.uniform(-745.13, -708.4, 300), EXP64_EDGES])
    worst = max(ulp_error64(el.exp64(float(x)), decimal_exp(float(x))) for x in xs)
    assert worst <= EXP_BOUND


def test_tanh64_is_within_its_bound_of_the_correctly_rounded_value():
    rng = np.random.default_rng(2)
    xs = np.concatenate([log_uniform(rng, 1000, -300, 1.3, 20.0), rng.uniform(-1.2, 1.2, 800), TANH64_EDGES])
    worst = max(ulp_error64(el.tanh64(float(x)), decimal_tanh(float(x))) for x in xs)
    assert worst <= TANH_BOUND


def test_sigmoid64_is_within_its_bound_where_the_exponential_is_finite():
    rng = np.random.default_rng(3)
    xs = np.concatenate([log_uniform(rng, 600, -300, 2.85, 709.0), rng.uniform(-40.0, 40.0, 400)])
    worst = max(ulp_error64(el.sigmoid64(float(z)), decimal_sigmoid(float(z))) for z in xs)
    assert worst <= SIGMOID_BOUND


def test_exp32_is_within_its_bound_of_the_correctly_rounded_value():
    rng = np.random.default_rng(4)
    xs = np.concatenate([log_uniform(rng, 1500, -8, 2, 88.7), rng.uniform(-103.97, -87.3, 300), EXP32_EDGES]).astype(
        np.float32
    )
    got = el.exp32_array(xs)
    worst = max(ulp_error32(g, decimal_exp(float(x))) for x, g in zip(xs, got))
    assert worst <= EXP_BOUND


def test_tanh32_is_within_its_bound_of_the_correctly_rounded_value():
    rng = np.random.default_rng(5)
    xs = np.concatenate([log_uniform(rng, 1000, -40, 1.3, 20.0), rng.uniform(-1.2, 1.2, 800), TANH32_EDGES]).astype(
        np.float32
    )
    got = el.tanh32_array(xs)
    worst = max(ulp_error32(g, decimal_tanh(float(x))) for x, g in zip(xs, got))
    assert worst <= TANH_BOUND


def test_sigmoid32_is_within_its_bound_where_the_exponential_is_finite():
    rng = np.random.default_rng(6)
    xs = np.concatenate([log_uniform(rng, 600, -40, 1.94, 88.0), rng.uniform(-20.0, 20.0, 400)]).astype(np.float32)
    got = el.sigmoid32_array(xs)
    worst = max(ulp_error32(g, decimal_sigmoid(float(z))) for z, g in zip(xs, got))
    assert worst <= SIGMOID_BOUND


# ------------------------------------------------------------ special values


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, 1.0),
        (-0.0, 1.0),
        (math.inf, math.inf),
        (-math.inf, 0.0),
        (1000.0, math.inf),
        (-1000.0, 0.0),
        (709.7827128933841, math.inf),
        (-745.1332191019412, 0.0),
        (-745.1332191019411, 5e-324),
        (5e-324, 1.0),
        (-5e-324, 1.0),
    ],
)
def test_exp64_special_values(x, expected):
    assert el.exp64(x) == expected
    assert el.exp64_array([x])[0] == expected


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, 1.0),
        (-0.0, 1.0),
        (math.inf, math.inf),
        (-math.inf, 0.0),
        (100.0, math.inf),
        (88.72284698486328, math.inf),
        (-103.97208404541016, 0.0),
        (-103.97207641601562, 1e-45),
    ],
)
def test_exp32_special_values(x, expected):
    result = el.exp32(np.float32(x))
    assert isinstance(result, np.float32)
    assert result == np.float32(expected)


def test_exp64_gives_subnormal_results_below_the_normal_range():
    result = el.exp64(-740.0)
    assert 0.0 < result < 2.2250738585072014e-308
    assert ulp_error64(result, decimal_exp(-740.0)) <= EXP_BOUND


@pytest.mark.parametrize("function", [el.exp64, el.tanh64, el.sigmoid64, el.exp32, el.tanh32, el.sigmoid32])
def test_nan_gives_nan(function):
    assert math.isnan(function(math.nan))


@pytest.mark.parametrize(
    "function",
    [el.exp64_array, el.tanh64_array, el.sigmoid64_array, el.exp32_array, el.tanh32_array, el.sigmoid32_array],
)
def test_nan_gives_nan_in_arrays_without_disturbing_neighbours(function):
    result = function([1.0, math.nan, -1.0])
    assert math.isnan(result[1])
    assert not np.isnan(result[[0, 2]]).any()


@pytest.mark.parametrize("tanh", [el.tanh64, el.tanh32])
def test_tanh_special_values(tanh):
    assert tanh(math.inf) == 1.0
    assert tanh(-math.inf) == -1.0
    assert tanh(25.0) == 1.0
    assert tanh(-25.0) == -1.0
    assert math.copysign(1.0, tanh(-0.0)) == -1.0
    assert math.copysign(1.0, tanh(0.0)) == 1.0


def test_tanh64_returns_tiny_and_subnormal_arguments_unchanged():
    for x in [5e-324, -5e-324, 1e-310, 2.2250738585072014e-308, 1e-200, -3e-9]:
        assert el.tanh64(x) == x


@pytest.mark.parametrize(("sigmoid", "low", "high"), [(el.sigmoid64, -800.0, 40.0), (el.sigmoid32, -120.0, 20.0)])
def test_sigmoid_saturates(sigmoid, low, high):
    assert sigmoid(0.0) == 0.5
    assert sigmoid(-math.inf) == 0.0
    assert sigmoid(low) == 0.0
    assert sigmoid(math.inf) == 1.0
    assert sigmoid(high) == 1.0


# --------------------------------------------------------------- structure


def test_tanh_is_exactly_odd():
    rng = np.random.default_rng(7)
    xs = np.concatenate([log_uniform(rng, 3000, -300, 1.5, 30.0), TANH64_EDGES])
    for x in xs:
        assert el.tanh64(-float(x)) == -el.tanh64(float(x))
    xs32 = np.abs(xs).astype(np.float32)
    assert same_bits(el.tanh32_array(-xs32), -el.tanh32_array(xs32))


@pytest.mark.parametrize(
    ("function", "low", "high"),
    [
        (el.exp64_array, -750.0, 712.0),
        (el.exp64_array, -1e-3, 1e-3),
        (el.tanh64_array, -20.0, 20.0),
        (el.tanh64_array, -0.7, 0.7),
        (el.sigmoid64_array, -50.0, 50.0),
    ],
)
def test_float64_functions_are_monotonic(function, low, high):
    ys = function(np.linspace(low, high, 50_001))
    assert (ys[1:] >= ys[:-1]).all()


@pytest.mark.parametrize(
    ("function", "low", "high"),
    [
        (el.exp32_array, -105.0, 90.0),
        (el.tanh32_array, -12.0, 12.0),
        (el.tanh32_array, -0.7, 0.7),
        (el.sigmoid32_array, -30.0, 30.0),
    ],
)
def test_float32_functions_are_monotonic(function, low, high):
    ys = function(np.linspace(low, high, 50_001, dtype=np.float32))
    assert (ys[1:] >= ys[:-1]).all()


def test_consecutive_float32_inputs_near_zero_give_monotonic_exp():
    # 2^17 consecutive float32 from 2^-10 up, and their negatives: exp32 close to 1.
    first = 0x3A800000  # bits of 2^-10
    positive = np.arange(first, first + (1 << 17), dtype=np.uint32).view(np.float32)
    xs = np.concatenate([-positive[::-1], positive])
    ys = el.exp32_array(xs)
    assert (ys[1:] >= ys[:-1]).all()


@pytest.mark.parametrize(
    ("scalar", "vector"), [(el.exp64, el.exp64_array), (el.tanh64, el.tanh64_array), (el.sigmoid64, el.sigmoid64_array)]
)
def test_scalar_and_array_forms_agree_bit_for_bit(scalar, vector):
    rng = np.random.default_rng(8)
    xs = np.concatenate([log_uniform(rng, 3000, -310, 2.9, 800.0), EXP64_EDGES, TANH64_EDGES])
    assert same_bits(np.array([scalar(float(x)) for x in xs]), vector(xs))


def test_ln2_high_part_times_any_reduction_multiple_is_exact():
    # exp's reduction relies on k * ln2_hi being exact for every k it can meet.
    with localcontext() as context:
        context.prec = 100
        for k in range(-1080, 1030):
            assert Decimal(k) * Decimal(el._LN2_HI) == Decimal(k * el._LN2_HI)
        for k in range(-155, 135):
            product = np.float32(k) * el._LN2_HI_F
            assert Decimal(k) * Decimal(float(el._LN2_HI_F)) == Decimal(float(product))
