"""A trained network as standalone source code: a C99 function and a JavaScript function.

Both work on nncore's dictionary format (``Network.to_dict()``) and write
the weights as literals and the forward pass as loops, one block of loops
per layer: the size of the source grows with the number of weights, no
faster. Each neuron's input is summed in the compiled core's order,
``bias + (((0 + w_0*x_0) + w_1*x_1) + ...)``, with the core's activation
formulas and its own exp, tanh and sigmoid (:func:`c_elementary`: the core's
``_elementary.h``, read from the installed package), so the C function gives
``Network.predict``'s
outputs bit for bit (compiled without fused multiply-add), on any C library;
the JavaScript one agrees to within the last bits of ``Math.exp`` and
``Math.tanh``. A network's input scaling comes first, as the core applies it:
``(input[k] - offset[k]) / scale[k]`` in the network's type.

Each activation's C and JavaScript expressions are part of its entry in
``nncore._activations.ACTIVATION_TABLE`` (:func:`c_activation`, :func:`javascript_activation`).
An activation of the whole layer (``softmax``) also has an entry in
:data:`C_LAYER_PASSES` and :data:`JAVASCRIPT_LAYER_PASSES`, a pass over the
layer's values after the per-neuron loop.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from nncore._activations import ACTIVATION_TABLE
from nncore._checks import describe
from nncore._serialization import State, read_dict
from nncore._source_names import C_RESERVED, JAVASCRIPT_RESERVED
from nncore._version import __version__

# ---------------------------------------------------------------- names in generated source

JAVASCRIPT_OWN_PREFIX = "_nn"
"""The start of the names of the generated JavaScript function's own variables (``_nnLayers``,
``_nnX0``, ...): a function's name may not start with it, so that none hides the function."""

_IDENTIFIER_RULES = {
    # language: (pattern, what the pattern allows, reserved words)
    # C reserves the names that begin with '_' at file scope, for the compiler and its library.
    "C": (re.compile(r"[A-Za-z][A-Za-z0-9_]*"), "ASCII letters, digits and '_', starting with a letter", C_RESERVED),
    "JavaScript": (
        re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*"),
        "ASCII letters, digits, '_' and '$', not starting with a digit",
        JAVASCRIPT_RESERVED,
    ),
}


def check_identifier(name: str, value: object, language: str) -> str:
    """``value`` if it can name a function in ``language`` (``"C"`` or ``"JavaScript"``), else raise.

    Refused besides what is not an identifier: the language's reserved words and the names its
    library, headers and compilers give a meaning (:mod:`nncore._source_names`), and the generated
    code's own names (:func:`c_own_names`, the JavaScript names starting with
    :data:`JAVASCRIPT_OWN_PREFIX`).
    """
    pattern, allowed, reserved = _IDENTIFIER_RULES[language]
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string (a {language} identifier), got {describe(value)}")
    if not pattern.fullmatch(value):
        raise ValueError(f"{name} must be a {language} identifier ({allowed}), got {value!r}")
    if value in reserved:
        raise ValueError(f"{name} must not be a reserved word or library name of {language}, got {value!r}")
    if language == "C" and value in c_own_names():
        raise ValueError(
            f"{name} must not be one of the names the generated C source defines itself "
            f"(nncore_exp64, NNCORE_FUNCTION, ...), got {value!r}"
        )
    if language == "JavaScript" and value.startswith(JAVASCRIPT_OWN_PREFIX):
        raise ValueError(
            f"{name} must not start with {JAVASCRIPT_OWN_PREFIX!r} (the generated function's own "
            f"variables), got {value!r}"
        )
    return value


# ---------------------------------------------------------------- C


@dataclass(frozen=True)
class CType:
    """A C floating-point type: its name and the suffix of its literals and math functions."""

    name: str
    suffix: str
    dtype: np.dtype

    @property
    def bits(self) -> int:
        """The width in bits, the suffix of nncore's C functions of this type (``nncore_exp64``)."""
        return self.dtype.itemsize * 8

    def literal(self, value: float) -> str:
        """``value``, rounded to this type, as an exact C99 hexadecimal literal (``-0x1.8p+3``)."""
        text = float.hex(float(self.dtype.type(value)))
        return _TRAILING_ZEROS.sub(r"\1p", text) + self.suffix


_TRAILING_ZEROS = re.compile(r"(?:\.0*|(\.[0-9a-f]*?)0+)p")
"""The fraction's trailing zeros in ``float.hex``'s output (``0x1.8000p+3``), which change nothing."""


C_TYPES = {
    np.dtype(np.float64): CType("double", "", np.dtype(np.float64)),
    np.dtype(np.float32): CType("float", "f", np.dtype(np.float32)),
}
"""The C type of each network dtype."""


def c_activation(name: str, ctype: CType, alpha: str) -> str:
    """The C expression of activation ``name`` of ``z``, given the C type and the ``leaky_relu`` slope
    as a literal; the compiled core's formulas (``nncore._activations``)."""
    return ACTIVATION_TABLE[name].c.format(bits=ctype.bits, f=ctype.suffix, alpha=alpha)


def _c_softmax(t: CType, values: str, n: int) -> list[str]:
    exp = f"nncore_exp{t.bits}"
    zero = f"0.0{t.suffix}"
    return [
        "    /* softmax: exp(z - max z) / sum exp(z - max z), the sum taken in index order */",
        "    {",
        f"        {t.name} largest = {values}[0], total = {zero};",
        f"        for (int j = 1; j < {n}; j++) {{",
        f"            if ({values}[j] > largest) largest = {values}[j];",
        "        }",
        f"        for (int j = 0; j < {n}; j++) {{",
        f"            {values}[j] = {exp}({values}[j] - largest);",
        f"            total = total + {values}[j];",
        "        }",
        f"        for (int j = 0; j < {n}; j++) {{",
        f"            {values}[j] = {values}[j] / total;",
        "        }",
        "    }",
    ]


C_LAYER_PASSES: dict[str, Callable[[CType, str, int], list[str]]] = {"softmax": _c_softmax}
"""Activation name -> the C lines that finish a whole-layer activation, given the C type, the
array holding the layer's values and its size; the compiled core's order of operations."""

_ELEMENTARY_SECTION = re.compile(r"^/\* -+ (\w+) \*/\n(.*?)(?=^/\* -+ \w+ \*/\n|\Z)", re.M | re.S)
"""A section of ``_elementary.h``: its name (``common``, ``float64``, ``float32``) and its text."""


def c_elementary(ctype: CType) -> str:
    """nncore's own exp, tanh and sigmoid for ``ctype``, in C: the core's ``_elementary.h``.

    IEEE-754 basic operations only, so that the exported function gives the core's
    bits whatever the C library. The text is read from the installed package: its
    common section and the section of ``ctype``, each guarded so that several
    exported networks can share one file.
    """
    sections: dict[str, str] = dict(_ELEMENTARY_SECTION.findall(_elementary_header()))
    return sections["common"] + sections[ctype.dtype.name]


@functools.cache
def _elementary_header() -> str:
    return resources.files("nncore").joinpath("_elementary.h").read_text(encoding="utf-8")


@functools.cache
def c_own_names() -> frozenset[str]:
    """The names the generated C source defines besides the function and its arrays (``nncore_exp64``,
    ``NNCORE_FUNCTION``, ...): a function may not take them. A name pasted with ``##B`` in
    ``_elementary.h`` stands for one name per C type (``nncore_exp32``, ``nncore_exp64``)."""
    names = set()
    for word, pasted in re.findall(r"\b((?:nncore|NNCORE)_\w+)(##B)?", _elementary_header()):
        names.update([f"{word}{ctype.bits}" for ctype in C_TYPES.values()] if pasted else [word])
    return frozenset(names)


# GCC warns about (and ignores) the standard pragma, so it gets its own.
_NO_CONTRACTION = """\
/* No fused multiply-add: every product is rounded before it is added, as in nncore. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize ("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif
"""


def c_source(data: dict, name: str = "nncore_predict", dtype: object = np.float64) -> str:
    """The network as the C99 source of ``void name(const double *input, double *output)``.

    Parameters
    ----------
    data : dict
        The network in nncore's dictionary format (``Network.to_dict()``).
    name : str
        The function's name, a C identifier; ``NAME_INPUTS`` and ``NAME_OUTPUTS``
        (upper case) are defined as the numbers of inputs and outputs.
    dtype : numpy dtype, default float64
        The network's floating-point type: ``float64`` gives ``double``,
        ``float32`` gives ``float``.

    Returns
    -------
    str
        Standalone C99 source: ``static const`` weight arrays, the function, which
        allocates nothing (two local arrays as wide as the widest hidden layer),
        and needs only ``<math.h>``.

    Raises
    ------
    ValueError
        If ``name`` is not a C identifier, or is a keyword, a name of C's library or the
        platform's, or one of the generated code's own (see :func:`check_identifier`); or if
        ``dtype`` is not float64 or float32.
    """
    check_identifier("name", name, "C")
    ctype = _c_type(dtype)
    state = read_dict(data)
    parts = [
        _c_header(state, name, ctype),
        "#include <math.h>\n",
        _NO_CONTRACTION,
        c_elementary(ctype),
        f"#define {name.upper()}_INPUTS {state.sizes[0]}\n#define {name.upper()}_OUTPUTS {state.sizes[-1]}\n",
        # a prototype, for compilers asked to warn about functions without one
        f"void {name}(const {ctype.name} *input, {ctype.name} *output);\n",
    ]
    scaling = state.fitted_input_scaling()
    if scaling is not None:
        parts.append(_c_array(f"{name}_input_offset", scaling[1], ctype))
        parts.append(_c_array(f"{name}_input_scale", scaling[2], ctype))
    for number, (weights, biases, _) in enumerate(state.layers, start=1):
        parts.append(_c_array(f"{name}_weights_{number}", weights, ctype))
        parts.append(_c_array(f"{name}_biases_{number}", biases, ctype))
    parts.append(_c_function(state, name, ctype))
    return "\n".join(parts)


def _c_type(dtype: object) -> CType:
    try:
        return C_TYPES[np.dtype(dtype)]  # type: ignore[call-overload]
    except (TypeError, KeyError):
        raise ValueError(f"dtype must be float64 or float32, got {describe(dtype)}") from None


def _c_header(state: State, name: str, ctype: CType) -> str:
    upper, t = name.upper(), ctype.name
    lines = [
        f"{name}: a {list(state.sizes)} network ({', '.join(state.activations)}), exported by nncore {__version__}.",
        "",
        f"    void {name}(const {t} *input, {t} *output);",
        "",
        f"reads {upper}_INPUTS ({state.sizes[0]}) values from input and writes {upper}_OUTPUTS "
        f"({state.sizes[-1]}) values",
        "to output. Standalone C99: it needs only <math.h> (link with -lm), allocates nothing and",
        "may run in several threads at once. Compiled without fused multiply-add (see the pragmas",
        "below) and linked with the same math library, it gives nncore's outputs bit for bit.",
    ]
    if state.input_scaling is not None:
        lines += [
            f"The inputs are scaled first (input_scaling {state.input_scaling!r}): "
            f"(input[k] - {name}_input_offset[k]) / {name}_input_scale[k].",
        ]
    lines += [
        f"{side.capitalize()} names: {_comment_safe(names)}"
        for side, names in (("input", state.input_names), ("output", state.output_names))
        if names
    ]
    lines += [
        "",
        "Example:",
        f"    {t} input[{upper}_INPUTS] = {{0}};",
        f"    {t} output[{upper}_OUTPUTS];",
        f"    {name}(input, output);",
    ]
    return "/* " + "\n * ".join(lines).replace(" \n", "\n") + "\n */\n"


def _comment_safe(names: Sequence[str]) -> str:
    """``names`` as a JSON list that cannot end a C comment (``*/``) or form a trigraph (``??``)."""
    return json.dumps(list(names)).replace("/", "\\/").replace("?", "\\u003f")


def _c_array(array_name: str, values: np.ndarray, ctype: CType) -> str:
    """A ``static const`` C array of ``values`` (1-D or 2-D), four literals a line."""
    shape = "".join(f"[{n}]" for n in values.shape)
    rows = values if values.ndim == 2 else [values]
    body = []
    for row in rows:
        lines = _lines([ctype.literal(value) for value in row], per_line=4, indent="    " * values.ndim)
        body.append("    {\n" + lines + "\n    }" if values.ndim == 2 else lines)
    return f"static const {ctype.name} {array_name}{shape} = {{\n" + ",\n".join(body) + "\n};\n"


def _lines(literals: list[str], per_line: int, indent: str) -> str:
    return ",\n".join(indent + ", ".join(literals[i : i + per_line]) for i in range(0, len(literals), per_line))


def _c_function(state: State, name: str, ctype: CType) -> str:
    t, zero = ctype.name, f"0.0{ctype.suffix}"
    hidden = state.sizes[1:-1]
    buffers = ["a", "b"][: min(len(hidden), 2)]  # the hidden layers' outputs, used in turn
    lines = [f"void {name}(const {t} *input, {t} *output)", "{"]
    lines += [f"    {t} {buffer}[{max(hidden)}];" for buffer in buffers]
    first = "input"
    if state.input_scaling is not None:
        first = "scaled"
        lines += [
            f"    {t} scaled[{state.sizes[0]}];",
            "",
            f"    /* input scaling ({state.input_scaling}) */",
            f"    for (int k = 0; k < {state.sizes[0]}; k++) {{",
            f"        scaled[k] = (input[k] - {name}_input_offset[k]) / {name}_input_scale[k];",
            "    }",
        ]
    alpha = ctype.literal(state.leaky_relu_alpha)
    n_layers = len(state.layers)
    for index, activation in enumerate(state.activations):
        number, n_in, n_out = index + 1, state.sizes[index], state.sizes[index + 1]
        source = first if index == 0 else buffers[(index - 1) % 2]
        target = "output" if number == n_layers else buffers[index % 2]
        lines += [""] if lines[-1] != "{" else []
        lines += [
            f"    /* layer {number}: {n_in} -> {n_out}, {activation} */",
            f"    for (int j = 0; j < {n_out}; j++) {{",
            f"        {t} sum = {zero};",
            f"        for (int k = 0; k < {n_in}; k++) {{",
            f"            sum = sum + {name}_weights_{number}[j][k] * {source}[k];",
            "        }",
            f"        {t} z = {name}_biases_{number}[j] + sum;",
            f"        {target}[j] = {c_activation(activation, ctype, alpha)};",
            "    }",
        ]
        if activation in C_LAYER_PASSES:
            lines += C_LAYER_PASSES[activation](ctype, target, n_out)
    return "\n".join(lines + ["}", ""])


# ---------------------------------------------------------------- JavaScript


def javascript_activation(name: str, alpha: str) -> str:
    """The JavaScript expression of activation ``name`` of ``z``, given the ``leaky_relu`` slope as a
    literal; the compiled core's formulas (``nncore._activations``)."""
    return ACTIVATION_TABLE[name].javascript.format(alpha=alpha)


def _javascript_softmax(values: str, n: int) -> list[str]:
    return [
        "  // softmax: exp(z - max z) / sum exp(z - max z), the sum taken in index order",
        "  {",
        f"    let largest = {values}[0], total = 0;",
        f"    for (let j = 1; j < {n}; j++) {{",
        f"      if ({values}[j] > largest) largest = {values}[j];",
        "    }",
        f"    for (let j = 0; j < {n}; j++) {{",
        f"      {values}[j] = Math.exp({values}[j] - largest);",
        f"      total += {values}[j];",
        "    }",
        f"    for (let j = 0; j < {n}; j++) {{",
        f"      {values}[j] /= total;",
        "    }",
        "  }",
    ]


JAVASCRIPT_LAYER_PASSES: dict[str, Callable[[str, int], list[str]]] = {"softmax": _javascript_softmax}
"""Activation name -> the JavaScript lines that finish a whole-layer activation, given the
array holding the layer's values and its size."""


def javascript_source(data: dict, name: str = "nncorePredict") -> str:
    """The network as the source of a JavaScript function declaration ``function name(input)``.

    Parameters
    ----------
    data : dict
        The network in nncore's dictionary format (``Network.to_dict()``).
    name : str
        The function's name, a JavaScript identifier.

    Returns
    -------
    str
        A standalone function: ``input`` is an array (or typed array) of the
        network's inputs, or, for a network with input names, an object
        ``{name: value}`` whose missing names count as 0; it returns an array of
        the outputs, or an object ``{name: value}`` for a network with output
        names. The weights are array literals (the shortest decimals that read
        back as the same doubles), the forward pass loops over them.

    Raises
    ------
    ValueError
        If ``name`` is not a JavaScript identifier, is a reserved word or a global the function
        uses, or starts with ``_nn`` (the function's own variables; see :func:`check_identifier`).
    """
    check_identifier("name", name, "JavaScript")
    state = read_dict(data)
    n_inputs = state.sizes[0]
    scaling = state.fitted_input_scaling()
    given = "_nnX0" if scaling is None else "_nnGiven"
    lines = [
        "/**",
        f" * {name}: a {list(state.sizes)} network ({', '.join(state.activations)}), exported by nncore {__version__}.",
        f" * Takes {_javascript_input_text(state)}; returns {_javascript_output_text(state)}.",
        " */",
        f"function {name}(_nnInput) {{",
        '  "use strict";',
        # Array literals in the body would be built anew at every call, which costs more
        # than the arithmetic for a large network: they are built once and kept.
        "  // The weights and biases of each layer, built on the first call and kept on the function.",
        f"  const _nnLayers = {name}.layers || ({name}.layers = [",
        ",\n".join(_javascript_parameters(weights, biases) for weights, biases, _ in state.layers),
        "  ]);",
        *_javascript_input(state, given),
        f"  if ({given}.length !== {n_inputs}) {{",
        f'    throw new RangeError("{name}: expected {n_inputs} inputs, got " + {given}.length);',
        "  }",
    ]
    if scaling is not None:
        lines += _javascript_scaling(name, *scaling)
    alpha = repr(float(state.leaky_relu_alpha))
    for index, activation in enumerate(state.activations):
        lines += _javascript_layer(index, state.sizes[index], state.sizes[index + 1], activation, alpha)
    lines += _javascript_output(state, f"_nnX{len(state.layers)}")
    return "\n".join(lines + ["}", ""])


def _javascript_input_text(state: State) -> str:
    text = f"an array of {state.sizes[0]} numbers"
    return text if state.input_names is None else text + " or an object {name: value} (missing names count as 0)"


def _javascript_output_text(state: State) -> str:
    return f"an array of {state.sizes[-1]} numbers" if state.output_names is None else "an object {name: value}"


def _javascript_input(state: State, variable: str) -> list[str]:
    """The lines that make ``variable`` the array of inputs given."""
    if state.input_names is None:
        return [f"  const {variable} = _nnInput;"]
    return [
        f"  const _nnInputNames = {json.dumps(list(state.input_names))};",
        f"  const {variable} = Array.isArray(_nnInput) || ArrayBuffer.isView(_nnInput) ? _nnInput : _nnInputNames.map(",
        "    (key) => (Object.prototype.hasOwnProperty.call(_nnInput, key) ? _nnInput[key] : 0));",
    ]


def _javascript_scaling(name: str, kind: str, offset: np.ndarray, scale: np.ndarray) -> list[str]:
    """The lines that make ``_nnX0`` the inputs given (``_nnGiven``) after the network's input scaling."""
    n = len(offset)
    return [
        "",
        f"  // input scaling ({kind}): (input - offset) / scale, built on the first call and kept",
        f"  const _nnScaling = {name}.scaling || ({name}.scaling = {{",
        "    offset: [\n" + _lines([repr(x) for x in offset.tolist()], 5, "      ") + "\n    ],",
        "    scale: [\n" + _lines([repr(x) for x in scale.tolist()], 5, "      ") + "\n    ]",
        "  });",
        f"  const _nnX0 = new Array({n});",
        f"  for (let k = 0; k < {n}; k++) {{",
        "    _nnX0[k] = (_nnGiven[k] - _nnScaling.offset[k]) / _nnScaling.scale[k];",
        "  }",
    ]


def _javascript_parameters(weights: np.ndarray, biases: np.ndarray) -> str:
    """One layer's ``{weights: [[...], ...], biases: [...]}`` literal, five numbers a line."""
    rows = ",\n".join(
        "        [\n" + _lines([repr(w) for w in row], 5, "          ") + "\n        ]" for row in weights.tolist()
    )
    biases_text = _lines([repr(b) for b in biases.tolist()], 5, "        ")
    return f"    {{\n      weights: [\n{rows}\n      ],\n      biases: [\n{biases_text}\n      ]\n    }}"


def _javascript_layer(index: int, n_in: int, n_out: int, name: str, alpha: str) -> list[str]:
    """The loops of layer ``index`` (0 for the first after the inputs): ``_nnX{index+1}`` from ``_nnX{index}``."""
    values = f"_nnX{index + 1}"
    finish = JAVASCRIPT_LAYER_PASSES[name](values, n_out) if name in JAVASCRIPT_LAYER_PASSES else []
    return [
        "",
        f"  // layer {index + 1}: {n_in} -> {n_out}, {name}",
        f"  const {values} = new Array({n_out});",
        f"  for (let j = 0; j < {n_out}; j++) {{",
        f"    const row = _nnLayers[{index}].weights[j];",
        "    let sum = 0;",
        f"    for (let k = 0; k < {n_in}; k++) {{",
        f"      sum += row[k] * _nnX{index}[k];",
        "    }",
        f"    const z = _nnLayers[{index}].biases[j] + sum;",
        f"    {values}[j] = {javascript_activation(name, alpha)};",
        "  }",
        *finish,
    ]


def _javascript_output(state: State, last: str) -> list[str]:
    if state.output_names is None:
        return ["", f"  return {last};"]
    return [
        "",
        f"  const _nnOutputNames = {json.dumps(list(state.output_names))};",
        "  const _nnResult = {};",
        "  for (let j = 0; j < _nnOutputNames.length; j++) {",
        '    // defineProperty: a name such as "__proto__" becomes a key like any other',
        f"    Object.defineProperty(_nnResult, _nnOutputNames[j], {{value: {last}[j], enumerable: true, "
        "writable: true, configurable: true});",
        "  }",
        "  return _nnResult;",
    ]
