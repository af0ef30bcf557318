"""A fixed-point network as C99 for microcontrollers: integers only, the weights in flash.

The function is the C twin of :meth:`nncore.FixedNetwork.predict_raw`: the
same operations (:mod:`nncore._fixed_forms`) in the same order, so the same
bits on every C99 compiler. No floating point, no ``<math.h>``, no
``malloc``: the weights, biases and tables are ``static const`` (under
``__AVR__`` in ``PROGMEM``, read with ``pgm_read_word``/``pgm_read_byte``),
the activations live in two arrays on the stack as wide as the widest hidden
layer (one for a single hidden layer, none without), plus ``int32_t`` sums
for a softmax layer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nncore._fixed_forms import FIXED_ACTIVATIONS, STORAGE_TYPES, LayerFormat, c_primitives
from nncore._source_export import check_identifier
from nncore._version import __version__


def c_fixed_source(
    name: str,
    bits: int,
    sizes: Sequence[int],
    input_frac_bits: int,
    layers: Sequence[tuple[np.ndarray, np.ndarray, LayerFormat, str, bool]],
) -> str:
    """The C99 source of ``void name(const intN_t *input, intN_t *output)``.

    ``layers`` holds, per layer, its integer weights and biases, its
    :class:`~nncore._fixed_forms.LayerFormat`, its activation form's name and
    whether its sums may saturate (else they add without the test).
    """
    check_identifier("name", name, "C")
    upper, t = name.upper(), STORAGE_TYPES[bits]
    forms = [FIXED_ACTIVATIONS[layer[3]] for layer in layers]
    parts = [
        _header(name, bits, sizes, input_frac_bits, layers),
        "#include <stdint.h>\n",
        _flash(name, bits),
        f"#define {upper}_INPUTS {sizes[0]}\n#define {upper}_OUTPUTS {sizes[-1]}\n"
        f"#define {upper}_INPUT_FRAC_BITS {input_frac_bits}\n"
        f"#define {upper}_OUTPUT_FRAC_BITS {layers[-1][2].output_frac_bits}\n",
        f"void {name}(const {t} *input, {t} *output);\n",
        c_primitives(name, bits),
    ]
    written = set()
    for form in forms:
        if form.name not in written:
            written.add(form.name)
            support = form.c_support(name, f"{name}_r16")
            parts += [support] if support else []
    for number, (weights, biases, _, _, _) in enumerate(layers, start=1):
        parts.append(_array(f"{name}_w{number}", weights, t, upper))
        parts.append(_array(f"{name}_b{number}", biases, t, upper))
    parts.append(_function(name, bits, sizes, input_frac_bits, layers))
    return "\n".join(parts)


def _header(name: str, bits: int, sizes: Sequence[int], input_frac_bits: int, layers: Sequence) -> str:
    upper, t = name.upper(), STORAGE_TYPES[bits]
    lines = [
        f"{name}: a {list(sizes)} network in {bits}-bit fixed point, exported by nncore {__version__}.",
        "",
        f"    void {name}(const {t} *input, {t} *output);",
        "",
        f"reads {upper}_INPUTS ({sizes[0]}) integers from input, each a value times 2^{upper}_INPUT_FRAC_BITS",
        f"(2^{input_frac_bits}), and writes {upper}_OUTPUTS ({sizes[-1]}) integers to output, each a value times",
        f"2^{upper}_OUTPUT_FRAC_BITS (2^{layers[-1][2].output_frac_bits}). Standalone C99 with integers only:",
        "no floating point, no library, nothing allocated; the weights are in flash (PROGMEM on AVR).",
        "It gives nncore's FixedNetwork.predict_raw bit for bit on every C99 compiler.",
        "",
        "Layers (binary points: the number of fractional bits):",
    ]
    previous = input_frac_bits
    for number, (weights, _, layer, form, saturating) in enumerate(layers, start=1):
        n_out, n_in = weights.shape
        lines.append(
            f"    {number}: {n_in} -> {n_out}, {form}; weights {layer.sum_frac_bits - previous}, "
            f"outputs {layer.output_frac_bits}; sums {'saturating' if saturating else 'within int32 (proved)'}"
        )
        previous = layer.output_frac_bits
    return "/* " + "\n * ".join(lines).replace(" \n", "\n") + "\n */\n"


def _flash(name: str, bits: int) -> str:
    """Where the constants live, and how they are read: flash and pgm_read_* on AVR, plain reads elsewhere."""
    upper = name.upper()
    avr_reads = [
        # the unsigned word read back as the two's complement value, without an implementation-defined conversion
        f"static inline int16_t {name}_r16(const int16_t *p)\n{{\n    uint16_t u = pgm_read_word(p);\n"
        "    return u < 0x8000u ? (int16_t)u : (int16_t)((int32_t)u - 65536L);\n}",
    ]
    if bits == 8:
        avr_reads.append(
            f"static inline int8_t {name}_r8(const int8_t *p)\n{{\n    uint8_t u = pgm_read_byte(p);\n"
            "    return u < 0x80u ? (int8_t)u : (int8_t)((int16_t)u - 256);\n}"
        )
    return "\n".join(
        [
            "#ifdef __AVR__",
            "#include <avr/pgmspace.h>",
            f"#define {upper}_FLASH PROGMEM",
            *avr_reads,
            "#else",
            f"#define {upper}_FLASH",
            f"#define {name}_r16(p) (*(p))",
            *([f"#define {name}_r8(p) (*(p))"] if bits == 8 else []),
            "#endif",
            "",
        ]
    )


def _array(array_name: str, values: np.ndarray, ctype: str, upper: str) -> str:
    """A ``static const`` array in flash: 2-D (one row per neuron) or 1-D, twelve numbers a line."""
    shape = "".join(f"[{n}]" for n in values.shape)
    rows = values if values.ndim == 2 else values.reshape(1, -1)
    body = []
    for row in rows:
        literals = [str(int(v)) for v in row]
        text = ",\n".join(
            "        " + ", ".join(literals[i : i + 12])
            if values.ndim == 2
            else "    " + ", ".join(literals[i : i + 12])
            for i in range(0, len(literals), 12)
        )
        body.append("    {\n" + text + "\n    }" if values.ndim == 2 else text)
    return f"static const {ctype} {array_name}{shape} {upper}_FLASH = {{\n" + ",\n".join(body) + "\n};\n"


def _function(name: str, bits: int, sizes: Sequence[int], input_frac_bits: int, layers: Sequence) -> str:
    t = STORAGE_TYPES[bits]
    read = f"{name}_r{bits}"
    hidden = list(sizes[1:-1])
    buffers = ["a", "b"][: min(len(hidden), 2)]
    lines = [f"void {name}(const {t} *input, {t} *output)", "{"]
    lines += [f"    {t} {buffer}[{max(hidden)}];" for buffer in buffers]
    softmax_width = [weights.shape[0] for weights, _, _, form, _ in layers if FIXED_ACTIVATIONS[form].c_pass]
    if softmax_width:
        lines.append(f"    int32_t {name}_z[{max(softmax_width)}];")
    lines += ["    int j, k;", "    int32_t acc;"]
    previous = input_frac_bits
    for index, (weights, _, layer, form_name, saturating) in enumerate(layers):
        form = FIXED_ACTIVATIONS[form_name]
        number, n_out, n_in = index + 1, weights.shape[0], weights.shape[1]
        source = "input" if index == 0 else buffers[(index - 1) % 2]
        target = "output" if number == len(layers) else buffers[index % 2]
        bias = f"(int32_t){read}(&{name}_b{number}[j])"
        if previous > 0 and not form.products_shifted:
            bias = f"{name}_shl({bias}, {previous})"
        product = f"(int32_t){read}(&{name}_w{number}[j][k]) * {source}[k]"
        if form.products_shifted and layer.output_frac_bits > 0:  # FANN's: each product rounded down on its own
            product = f"{name}_floor({product}, {layer.output_frac_bits})"
        add = f"acc = {name}_add(acc, {product});" if saturating else f"acc += {product};"
        store = f"{name}_z[j] = {form.c(name, layer)};" if form.c_pass else f"{target}[j] = {form.c(name, layer)};"
        lines += [
            "",
            f"    /* layer {number}: {n_in} -> {n_out}, {form_name} */",
            f"    for (j = 0; j < {n_out}; j++) {{",
            f"        acc = {bias};  /* the bias: a weight on a constant input of 1 */",
            f"        for (k = 0; k < {n_in}; k++) {{",
            f"            {add}",
            "        }",
            f"        {store}",
            "    }",
        ]
        if form.c_pass:
            lines += form.c_pass(name, layer, target, n_out)
        previous = layer.output_frac_bits
    return "\n".join(lines + ["}", ""])
