"""The integer arithmetic of fixed-point networks, each operation twice: numpy and C, with the same bits.

A number ``v`` with ``f`` fractional bits (a binary point ``f``) is the
integer ``round(v * 2**f)``. A layer's weights and biases are stored in the
network's integers (``int16_t`` or ``int8_t``), its weighted sums in an
``int32_t`` accumulator. The operations, which :mod:`nncore._fixed` (numpy)
and :mod:`nncore._fixed_c` (C) both spell out:

- the sum adds, in index order, the bias (a weight on a constant input of 1)
  and each ``weight * input`` product, saturating at every addition to the
  int32 range (:func:`add`); where the weights prove that no partial sum can
  leave the range the saturation test is left out of the C, since it could
  not fire;
- moving a binary point right by ``s`` is a division by ``2**s`` rounded half
  up: ``floor((v + 2**(s-1)) / 2**s)``, computed without overflow as the floor
  of ``v / 2**s`` plus bit ``s - 1`` of ``v`` (:func:`shift_right`; in C the
  floor of a negative ``v`` is ``~(~v >> s)``, since ``>>`` of a negative value
  is implementation-defined in C99); moving it left is a multiplication by
  ``2**s`` that saturates (:func:`shift_left`);
- storing into the network's integers saturates (:func:`saturate`).

Each activation function has a form here (:data:`FIXED_ACTIVATIONS`): its
numpy function of a layer's sums, its C expression for one neuron and the C
definitions it needs; adding a form is an entry in that table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from nncore import _fann_forms
from nncore._elementary import exp64, sigmoid64, tanh64

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

STORAGE_TYPES = {8: "int8_t", 16: "int16_t"}
"""The C type of each width of a fixed-point network's weights and activations."""

STORAGE_DTYPES: dict[int, np.dtype] = {8: np.dtype(np.int8), 16: np.dtype(np.int16)}
"""The numpy type of each width."""

MAX_FRAC_BITS = 30
"""The largest binary point of anything, and of a weight's binary point plus its input's (a sum's)."""

TABLE_FRAC_BITS = 15
"""The binary point of the tables' values (int16_t, so 1.0 itself is stored as 32767)."""


def storage_range(bits: int) -> tuple[int, int]:
    """The smallest and the largest integer of ``bits`` bits."""
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


# ---------------------------------------------------------------- numpy: int64 arrays holding int32 values


def add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b`` saturated to the int32 range."""
    result: np.ndarray = np.clip(a + b, INT32_MIN, INT32_MAX)
    return result


def shift_right(v: np.ndarray, s: int) -> np.ndarray:
    """``v / 2**s`` rounded half up, ``s >= 1``: numpy's ``>>`` of signed integers is the floor."""
    return (v >> s) + ((v >> (s - 1)) & 1)


def shift_left(v: np.ndarray, s: int) -> np.ndarray:
    """``v * 2**s`` saturated to the int32 range, ``s >= 1``."""
    result: np.ndarray = np.clip(v << s, INT32_MIN, INT32_MAX)
    return result


def rescale(v: np.ndarray, s: int) -> np.ndarray:
    """``v`` moved from a binary point ``f`` to ``f - s``: shifted right by ``s``, or left by ``-s``."""
    if s > 0:
        return shift_right(v, s)
    if s < 0:
        return shift_left(v, -s)
    return v


def saturate(v: np.ndarray, bits: int) -> np.ndarray:
    """``v`` saturated to the range of ``bits``-bit integers."""
    low, high = storage_range(bits)
    result: np.ndarray = np.clip(v, low, high)
    return result


def quantize(values: np.ndarray, frac_bits: int, bits: int) -> np.ndarray:
    """Real ``values`` as ``bits``-bit integers with ``frac_bits`` fractional bits: rounded half up, saturated."""
    scaled = np.floor(np.asarray(values, dtype=np.float64) * 2.0**frac_bits + 0.5)
    low, high = storage_range(bits)
    return np.clip(scaled, low, high).astype(np.int64)


# ---------------------------------------------------------------- C


def c_primitives(prefix: str, bits: int) -> str:
    """The C twins of :func:`add`, :func:`shift_right`, :func:`shift_left` and :func:`saturate`.

    ``static inline``, so that a compiler does not warn about those a network does not use.
    """
    t = STORAGE_TYPES[bits]
    return f"""\
/* a + b, saturated to the int32_t range */
static inline int32_t {prefix}_add(int32_t a, int32_t b)
{{
    if (b > 0 && a > INT32_MAX - b) return INT32_MAX;
    if (b < 0 && a < INT32_MIN - b) return INT32_MIN;
    return a + b;
}}

/* v / 2^s rounded half up (1 <= s <= 31): the floor of v / 2^s, plus bit s - 1 of v.
 * >> of a negative value is implementation-defined in C99: its floor is ~(~v >> s). */
static inline int32_t {prefix}_shr(int32_t v, int s)
{{
    int32_t down = v >= 0 ? v >> s : ~(~v >> s);
    return down + (int32_t)(((uint32_t)v >> (s - 1)) & 1u);
}}

/* the floor of v / 2^s (1 <= s <= 31) */
static inline int32_t {prefix}_floor(int32_t v, int s)
{{
    return v >= 0 ? v >> s : ~(~v >> s);
}}

/* v * 2^s, saturated to the int32_t range (1 <= s <= 30) */
static inline int32_t {prefix}_shl(int32_t v, int s)
{{
    if (v > (INT32_MAX >> s)) return INT32_MAX;
    if (v < -((int32_t)1 << (31 - s))) return INT32_MIN;
    return v * ((int32_t)1 << s);
}}

/* v saturated to the {t} range */
static inline {t} {prefix}_sat(int32_t v)
{{
    return v > INT{bits}_MAX ? INT{bits}_MAX : v < INT{bits}_MIN ? INT{bits}_MIN : ({t})v;
}}
"""


def c_rescale(prefix: str, expression: str, s: int) -> str:
    """The C twin of :func:`rescale` of ``expression`` (an int32_t) by the constant ``s``."""
    if s > 0:
        return f"{prefix}_shr({expression}, {s})"
    if s < 0:
        return f"{prefix}_shl({expression}, {-s})"
    return expression


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """A function of ``x >= 0`` by linear interpolation in a table of its values at ``x = i / 2**step_bits``.

    The input has ``step_bits + fraction_bits`` fractional bits; its magnitude
    (inputs beyond the table count as its end) splits into the index ``i`` and
    the ``fraction_bits`` bits of the fraction ``r`` between entries ``i`` and
    ``i + 1``, and the value is ``t[i] + shift_right((t[i+1] - t[i]) * r, fraction_bits)``,
    with :data:`TABLE_FRAC_BITS` fractional bits.
    """

    name: str
    function: Callable[[float], float]
    step_bits: int
    entries: int
    """The number of intervals: the table holds ``entries + 1`` values, up to ``x = entries / 2**step_bits``."""
    fraction_bits: int = 10

    @property
    def input_frac_bits(self) -> int:
        """The binary point of the table's input."""
        return self.step_bits + self.fraction_bits

    @property
    def limit(self) -> int:
        """The input (in its integer form) at the table's end."""
        return self.entries << self.fraction_bits

    @property
    def extent(self) -> float:
        """The largest ``x`` in the table."""
        return float(self.entries / 2**self.step_bits)

    @property
    def values(self) -> np.ndarray:
        """The table's values, int64, with :data:`TABLE_FRAC_BITS` fractional bits, at most 32767."""
        one = 2**TABLE_FRAC_BITS
        points = [math.floor(self.function(i / 2**self.step_bits) * one + 0.5) for i in range(self.entries + 1)]
        values: np.ndarray = np.minimum(np.array(points, dtype=np.int64), one - 1)
        return values

    def numpy(self, magnitude: np.ndarray) -> np.ndarray:
        """The interpolated values at ``magnitude`` (int64, >= 0, in the input's integer form)."""
        x = np.minimum(magnitude, self.limit)
        i, r = x >> self.fraction_bits, x & ((1 << self.fraction_bits) - 1)
        t = np.append(self.values, self.values[-1])  # t[i + 1] at the end, where r is 0
        result: np.ndarray = t[i] + shift_right((t[i + 1] - t[i]) * r, self.fraction_bits)
        return result

    def c(self, prefix: str, read: str) -> str:
        """The table as a C array in flash and the C twin of :meth:`numpy`, ``{prefix}_{name}(x)``."""
        array = f"{prefix}_{self.name}_table"
        literals = [str(int(v)) for v in self.values]
        rows = ",\n".join("    " + ", ".join(literals[i : i + 12]) for i in range(0, len(literals), 12))
        mask = (1 << self.fraction_bits) - 1
        return f"""\
/* {self.name}(i / {2**self.step_bits}) for i = 0 .. {self.entries}, {TABLE_FRAC_BITS} fractional bits */
static const int16_t {array}[{self.entries + 1}] {prefix.upper()}_FLASH = {{
{rows}
}};

/* {self.name}(x) for x >= 0 with {self.input_frac_bits} fractional bits, by linear interpolation */
static int32_t {prefix}_{self.name}(int32_t x)
{{
    int32_t i, r, low;
    if (x >= {self.limit}L) return {read}(&{array}[{self.entries}]);
    i = x >> {self.fraction_bits};
    r = x & {mask};
    low = {read}(&{array}[i]);
    return low + {prefix}_shr(((int32_t){read}(&{array}[i + 1]) - low) * r, {self.fraction_bits});
}}
"""


def _exp_negative(x: float) -> float:
    return exp64(-x)


SIGMOID_TABLE = Table("sigmoid", sigmoid64, step_bits=3, entries=128)
"""sigmoid on [0, 16] in steps of 1/8."""
TANH_TABLE = Table("tanh", tanh64, step_bits=4, entries=128)
"""tanh on [0, 8] in steps of 1/16."""
EXP_TABLE = Table("exp_negative", _exp_negative, step_bits=4, entries=192)
"""exp(-x) on [0, 12] in steps of 1/16."""


# ---------------------------------------------------------------- activation forms


@dataclass(frozen=True)
class LayerFormat:
    """What an activation form needs to know of its layer."""

    bits: int
    sum_frac_bits: int
    """The binary point of the int32 sums: the weights' plus the inputs'."""
    output_frac_bits: int
    parameters: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FixedActivation:
    """One activation function in integers: numpy, C, and what choosing binary points needs to know.

    Attributes
    ----------
    name : str
        The form's name (a layer's ``"activation"`` in :meth:`nncore.FixedNetwork.to_dict`).
    numpy : callable
        ``numpy(sums, layer)``: the outputs of a layer (int64, saturated to the
        layer's integers) from its sums (int64 holding int32 values, one row
        per sample), given its :class:`LayerFormat`.
    c : callable
        ``c(prefix, layer)``: the C expression of one neuron's output (of the
        network's integer type) from its ``int32_t acc``; for a whole-layer form,
        the int32_t that the layer's pass (:attr:`c_pass`) reads from ``{prefix}_z[j]``.
    c_support : callable
        ``c_support(prefix, read16)``: the C definitions the form uses (a table
        and its function), written once per network; ``read16`` reads an
        int16_t from flash.
    c_pass : callable or None
        ``c_pass(prefix, layer, target, n)``: the C lines of a whole-layer form
        (softmax), after every neuron's int32_t is in ``{prefix}_z``.
    output_magnitude : float or None
        The largest magnitude of the outputs (1 for sigmoid, tanh and softmax),
        or None when they follow the sums.
    sum_magnitude : float or None
        The magnitude of the sums the form needs to tell apart (its table's
        extent), or None when that is the outputs' range.
    parameters : tuple of str
        The names of the integer parameters the form reads from its layer.
    max_error : dict
        ``{bits: bound}``: the largest absolute difference between the form's
        output and the real function of the sum as the form receives it
        (tested over every input of the table's range and beyond), with the
        output's binary point at ``bits - 1``; absent for exact forms.
    products_shifted : bool
        True for FANN's forms (:mod:`nncore._fann_forms`): each product is
        shifted right by the weights' binary point, rounding down, before it is
        added, and the bias is added as it is (the weights' binary point being
        the inputs'), so the sums have the inputs' binary point.
    """

    name: str
    numpy: Callable[[np.ndarray, LayerFormat], np.ndarray]
    c: Callable[[str, LayerFormat], str]
    c_support: Callable[[str, str], str] = lambda prefix, read16: ""
    c_pass: Callable[[str, LayerFormat, str, int], list[str]] | None = None
    output_magnitude: float | None = None
    sum_magnitude: float | None = None
    parameters: tuple[str, ...] = ()
    max_error: Mapping[int, float] = field(default_factory=dict)
    products_shifted: bool = False


def _identity(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
    return saturate(rescale(sums, layer.sum_frac_bits - layer.output_frac_bits), layer.bits)


def _relu(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
    result: np.ndarray = np.maximum(_identity(sums, layer), 0)
    return result


def _c_identity(prefix: str, layer: LayerFormat) -> str:
    return f"{prefix}_sat({c_rescale(prefix, 'acc', layer.sum_frac_bits - layer.output_frac_bits)})"


def _c_relu(prefix: str, layer: LayerFormat) -> str:
    return f"acc > 0 ? {_c_identity(prefix, layer)} : 0"


# leaky_relu: y = the sum at the output's binary point; y < 0 gives y * alpha / 2**alpha_frac_bits,
# rounded half up. y is first held above the point beyond which the result saturates anyway, so that
# the product fits an int32 (alpha: at most 2**15 in magnitude, alpha_frac_bits at most 15).


def leaky_relu_floor(layer: LayerFormat) -> int:
    """The smallest ``y`` that leaky_relu's product takes: below it, the output saturates all the same."""
    alpha, low = layer.parameters["alpha"], storage_range(layer.bits)[0]
    if alpha == 0:
        return -INT32_MAX
    return -(((-low + 1) << layer.parameters["alpha_frac_bits"]) // abs(alpha) + 1)


def _leaky_relu(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
    y = rescale(sums, layer.sum_frac_bits - layer.output_frac_bits)
    product = np.clip(y, leaky_relu_floor(layer), 0) * layer.parameters["alpha"]
    negative = rescale(product, layer.parameters["alpha_frac_bits"])
    return saturate(np.where(y > 0, y, negative), layer.bits)


def _c_leaky_relu(prefix: str, layer: LayerFormat) -> str:
    y = c_rescale(prefix, "acc", layer.sum_frac_bits - layer.output_frac_bits)
    floor, alpha = leaky_relu_floor(layer), layer.parameters["alpha"]
    product = f"((acc = {y}) < {floor}L ? {floor}L : acc) * {alpha}L"
    negative = c_rescale(prefix, f"({product})", layer.parameters["alpha_frac_bits"])
    return f"{prefix}_sat(acc > 0 ? {y} : {negative})"


def _table_input(sums: np.ndarray, layer: LayerFormat, table: Table) -> np.ndarray:
    """The sums at the table's binary point, held to +-(its end) (so that their magnitude is an int32)."""
    shifted = rescale(sums, layer.sum_frac_bits - table.input_frac_bits)
    result: np.ndarray = np.clip(shifted, -table.limit, table.limit)
    return result


def _c_table_input(prefix: str, layer: LayerFormat, table: Table) -> str:
    shifted = c_rescale(prefix, "acc", layer.sum_frac_bits - table.input_frac_bits)
    limit = table.limit
    return f"(acc = {shifted}, acc = acc > {limit}L ? {limit}L : acc < -{limit}L ? -{limit}L : acc)"


def _c_signed(prefix: str, table: Table, negative: str) -> str:
    """A table's function and a C function of any sign: ``{prefix}_{name}_signed(x)``, ``negative`` of ``y``."""
    return table.c(prefix, f"{prefix}_r16") + (
        f"\nstatic int32_t {prefix}_{table.name}_signed(int32_t x)\n{{\n"
        f"    return x < 0 ? {negative.format(y=f'{prefix}_{table.name}(-x)')} : {prefix}_{table.name}(x);\n}}\n"
    )


def _sigmoid(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
    x = _table_input(sums, layer, SIGMOID_TABLE)
    y = SIGMOID_TABLE.numpy(np.abs(x))
    y = np.where(x < 0, 2**TABLE_FRAC_BITS - y, y)  # sigmoid(-x) = 1 - sigmoid(x)
    return saturate(rescale(y, TABLE_FRAC_BITS - layer.output_frac_bits), layer.bits)


def _c_sigmoid(prefix: str, layer: LayerFormat) -> str:
    y = f"{prefix}_sigmoid_signed({_c_table_input(prefix, layer, SIGMOID_TABLE)})"
    return f"{prefix}_sat({c_rescale(prefix, y, TABLE_FRAC_BITS - layer.output_frac_bits)})"


def _tanh(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
    x = _table_input(sums, layer, TANH_TABLE)
    y = TANH_TABLE.numpy(np.abs(x))
    y = np.where(x < 0, -y, y)
    return saturate(rescale(y, TABLE_FRAC_BITS - layer.output_frac_bits), layer.bits)


def _c_tanh(prefix: str, layer: LayerFormat) -> str:
    y = f"{prefix}_tanh_signed({_c_table_input(prefix, layer, TANH_TABLE)})"
    return f"{prefix}_sat({c_rescale(prefix, y, TABLE_FRAC_BITS - layer.output_frac_bits)})"


# softmax: each sum at the exp table's binary point, held to +-(2**30 - 1) so that differences fit;
# e_j = exp(-(max z - z_j)) from the table (the largest is 32767); output_j = (e_j * 2**f + S / 2) / S
# in integers, S the sum of the e_j, f the output's binary point (at most 15, and at most 2**15
# outputs, so that nothing leaves the int32 range).

SOFTMAX_SUM_LIMIT = 2**30 - 1
SOFTMAX_MAX_FRAC_BITS = 15
SOFTMAX_MAX_OUTPUTS = 2**15


def _softmax(sums: np.ndarray, layer: LayerFormat) -> np.ndarray:
    z = np.clip(rescale(sums, layer.sum_frac_bits - EXP_TABLE.input_frac_bits), -SOFTMAX_SUM_LIMIT, SOFTMAX_SUM_LIMIT)
    e = EXP_TABLE.numpy(np.max(z, axis=1, keepdims=True) - z)
    total = np.sum(e, axis=1, keepdims=True)
    return saturate((e * 2**layer.output_frac_bits + (total >> 1)) // total, layer.bits)


def _c_softmax_sum(prefix: str, layer: LayerFormat) -> str:
    z = c_rescale(prefix, "acc", layer.sum_frac_bits - EXP_TABLE.input_frac_bits)
    limit = SOFTMAX_SUM_LIMIT
    return f"(acc = {z}, acc > {limit}L ? {limit}L : acc < -{limit}L ? -{limit}L : acc)"


def _c_softmax_pass(prefix: str, layer: LayerFormat, target: str, n: int) -> list[str]:
    return [
        "    /* softmax: e_j = exp(z_j - max z) from a table, output_j = (e_j * 2^f + total / 2) / total */",
        "    {",
        f"        int32_t largest = {prefix}_z[0], total = 0;",
        f"        for (j = 1; j < {n}; j++) {{",
        f"            if ({prefix}_z[j] > largest) largest = {prefix}_z[j];",
        "        }",
        f"        for (j = 0; j < {n}; j++) {{",
        f"            {prefix}_z[j] = {prefix}_exp_negative(largest - {prefix}_z[j]);",
        f"            total += {prefix}_z[j];",
        "        }",
        f"        for (j = 0; j < {n}; j++) {{",
        f"            {target}[j] = {prefix}_sat(({prefix}_z[j] * ((int32_t)1 << {layer.output_frac_bits}) "
        "+ (total >> 1)) / total);",
        "        }",
        "    }",
    ]


FIXED_ACTIVATIONS: dict[str, FixedActivation] = {
    form.name: form
    for form in (
        FixedActivation(
            "sigmoid",
            _sigmoid,
            _c_sigmoid,
            c_support=lambda prefix, read16: _c_signed(prefix, SIGMOID_TABLE, f"{2**TABLE_FRAC_BITS}L - {{y}}"),
            output_magnitude=1.0,
            sum_magnitude=SIGMOID_TABLE.extent,
            max_error={16: 2.2e-4, 8: 7.9e-3},
        ),
        FixedActivation(
            "tanh",
            _tanh,
            _c_tanh,
            c_support=lambda prefix, read16: _c_signed(prefix, TANH_TABLE, "-{y}"),
            output_magnitude=1.0,
            sum_magnitude=TANH_TABLE.extent,
            max_error={16: 4e-4, 8: 7.9e-3},
        ),
        FixedActivation("relu", _relu, _c_relu),
        FixedActivation("leaky_relu", _leaky_relu, _c_leaky_relu, parameters=("alpha", "alpha_frac_bits")),
        FixedActivation("identity", _identity, _c_identity),
        FixedActivation(
            "softmax",
            _softmax,
            _c_softmax_sum,
            c_support=lambda prefix, read16: EXP_TABLE.c(prefix, read16),
            c_pass=_c_softmax_pass,
            output_magnitude=1.0,
            sum_magnitude=EXP_TABLE.extent,
        ),
        *(
            FixedActivation(name, numpy, c, parameters=_fann_forms.PARAMETERS, products_shifted=True)
            for name, (numpy, c) in _fann_forms.FORMS.items()
        ),
    )
}
"""Form name -> its :class:`FixedActivation`. A float network's activation maps to the form of the same name."""
