"""Networks and a host program for the fixed-point tests: every activation, both widths, saturation.

``run_fixed_c`` compiles a FixedNetwork's C with the strict flags (and the
warnings about floating point) and runs it on integer rows; its outputs are
compared with ``predict_raw``.
"""

import subprocess
from pathlib import Path

import numpy as np

import nncore

STRICT_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"]
NO_FLOAT_FLAGS = ["-Wdouble-promotion", "-Wfloat-conversion", "-Wconversion", "-Wshadow"]

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=float)

# Reads rows of integers from stdin and prints each row's outputs on a line.
HOST_MAIN = """
#include <stdio.h>
#include <stdint.h>
#include "net.c"

int main(void)
{{
    {T} input[{upper}_INPUTS];
    {T} output[{upper}_OUTPUTS];
    long value;
    int j, k;
    for (;;) {{
        for (k = 0; k < {upper}_INPUTS; k++) {{
            if (scanf("%ld", &value) != 1) return 0;
            input[k] = ({T})value;
        }}
        {name}(input, output);
        for (j = 0; j < {upper}_OUTPUTS; j++) printf("%d ", (int)output[j]);
        printf("\\n");
    }}
}}
"""


def xor_network(sizes=(2, 3, 1), seed=0, **options):
    net = nncore.Network(list(sizes), seed=seed, **options)
    net.fit(XOR_INPUTS, XOR_TARGETS, seed=seed)
    return net


def every_activation_network(seed=3, scale=3.0):
    """A [4, 6, 5, 5, 4, 3] network with tanh, relu, leaky_relu, identity and softmax, its weights widened."""
    net = nncore.Network(
        [4, 6, 5, 5, 4, 3],
        activation=["tanh", "relu", "leaky_relu", "identity", "softmax"],
        loss="cross_entropy",
        leaky_relu_alpha=0.1,
        seed=seed,
    )
    data = net.to_dict()
    for layer in data["layers"]:
        layer["weights"] = (np.array(layer["weights"]) * scale).tolist()
        layer["biases"] = (np.random.default_rng(seed).normal(0, 1, len(layer["biases"]))).tolist()
    return nncore.Network.from_dict(data)


def random_integer_rows(fixed, n, seed=0):
    """``n`` rows of the network's integers: uniform over the whole range, with the extremes among them."""
    rng = np.random.default_rng(seed)
    low, high = (-128, 127) if fixed.bits == 8 else (-32768, 32767)
    rows = rng.integers(low, high, size=(n, fixed.sizes[0]), endpoint=True)
    rows[: n // 8] = rng.choice([low, high, 0, -1, 1], size=(n // 8, fixed.sizes[0]))
    small = rng.integers(-(2**fixed.input_frac_bits), 2**fixed.input_frac_bits, size=(n // 4, fixed.sizes[0]))
    rows[n // 8 : n // 8 + n // 4] = np.clip(small, low, high)
    return rows


def run_fixed_c(cc, tmp_path: Path, fixed, rows, name="nncore_predict", flags=()):
    """The outputs of ``fixed.to_c(name)`` compiled for the host (strict flags) on the integer ``rows``."""
    (tmp_path / "net.c").write_text(fixed.to_c(name))
    main = HOST_MAIN.format(T=f"int{fixed.bits}_t", upper=name.upper(), name=name)
    (tmp_path / "main.c").write_text(main)
    program = tmp_path / "net"
    command = [cc, *STRICT_FLAGS, *NO_FLOAT_FLAGS, *flags, "-o", str(program), str(tmp_path / "main.c")]
    subprocess.run(command, check=True, capture_output=True, text=True)
    text = "\n".join(" ".join(str(int(v)) for v in row) for row in rows) + "\n"
    result = subprocess.run([str(program)], input=text, check=True, capture_output=True, text=True)
    return np.array([[int(v) for v in line.split()] for line in result.stdout.splitlines()], dtype=np.int64)
