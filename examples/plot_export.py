"""
Exporting to ONNX and C, and checking the outputs
=================================================

A trained network leaves Python as an ONNX model (:meth:`nncore.Network.to_onnx`)
or as a C function (:meth:`nncore.Network.to_c`); neither needs nncore to run.
Their promises differ:

- the C function sums in the compiled core's order, with the core's own
  ``exp`` and ``tanh`` and no fused multiply-add, so its outputs equal
  ``predict``'s **bit for bit**;
- ONNX has its own operators (``MatMul``, ``Add``, ``Sigmoid``), which a
  runtime is free to compute in its own order and with its own functions, so
  onnxruntime's outputs agree with ``predict``'s **within 1e-12**.

This example exports the tutorial's XOR network both ways, runs the ONNX
model in onnxruntime and the C function in a program compiled by the
machine's C compiler (in a temporary directory), over a grid of 2,601 inputs,
and compares every output with ``predict``.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime

import nncore

net = nncore.Network([2, 10, 10, 1], seed=0)
net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], steps=20000, order="random", seed=0)

grid = np.linspace(-0.25, 1.25, 51)
inputs = np.array([[a, b] for b in grid for a in grid])
expected = net.predict(inputs)

# %%
# ONNX
# ----
#
# ``to_onnx()`` returns the model's bytes; onnxruntime loads them directly.
# The model takes ``input``, shape ``[N, 2]``, and gives ``output``, shape
# ``[N, 1]``, both float64.

session = onnxruntime.InferenceSession(net.to_onnx(), providers=["CPUExecutionProvider"])
from_onnx = session.run(["output"], {"input": inputs})[0]
onnx_difference = np.abs(from_onnx - expected)
print(f"ONNX: largest difference from predict {onnx_difference.max():.3g}")
print(f"      outputs equal to the last bit: {np.sum(from_onnx == expected)} of {len(inputs)}")
assert onnx_difference.max() <= 1e-12

# %%
# C
# -
#
# ``to_c("xor_net")`` returns the source of ``void xor_net(const double
# *input, double *output)``. A small ``main`` reads rows from its standard
# input and prints each output as a hexadecimal floating-point literal
# (``%a``), which carries every bit; the inputs go in the same way.

main = r"""
#include <stdio.h>

void xor_net(const double *input, double *output);

int main(void)
{
    double input[2], output[1];
    while (scanf("%la %la", &input[0], &input[1]) == 2) {
        xor_net(input, output);
        printf("%a\n", output[0]);
    }
    return 0;
}
"""

compiler = shutil.which("cc") or shutil.which("gcc")
with tempfile.TemporaryDirectory() as folder:
    folder = Path(folder)
    (folder / "xor_net.c").write_text(net.to_c("xor_net"))
    (folder / "main.c").write_text(main)
    program = folder / "xor_net"
    subprocess.run(
        [compiler, "-std=c99", "-O2", "-o", program, folder / "main.c", folder / "xor_net.c", "-lm"], check=True
    )
    rows = "".join(f"{a.hex()} {b.hex()}\n" for a, b in inputs)
    printed = subprocess.run([program], input=rows, capture_output=True, text=True, check=True).stdout

from_c = np.array([float.fromhex(line) for line in printed.split()]).reshape(expected.shape)
print(f"C:    outputs equal to the last bit: {np.sum(from_c == expected)} of {len(inputs)}")
assert np.array_equal(from_c.view(np.uint64), expected.view(np.uint64))

# %%
# The pictures: the network's output over the square as the C program
# computed it, and how far onnxruntime's outputs are from ``predict``'s
# (white where they are equal to the last bit).

side = len(grid)
same_bits = np.sum(from_c == expected)
extent = (grid[0], grid[-1], grid[0], grid[-1])
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained")
image = left.imshow(from_c.reshape(side, side), origin="lower", extent=extent, cmap="RdBu_r", vmin=0, vmax=1)
fig.colorbar(image, ax=left, label="output")
left.set_title(f"The compiled C function's outputs\n({same_bits} of {len(inputs)} equal to predict's, bit for bit)")
distance = np.ma.masked_equal(onnx_difference.reshape(side, side), 0)
image = right.imshow(np.ma.log10(distance), origin="lower", extent=extent, cmap="viridis")
fig.colorbar(image, ax=right, label="log10 |onnxruntime - predict|")
right.set_title(f"onnxruntime against predict\n(largest difference {onnx_difference.max():.2g}; the promise: 1e-12)")
for ax in (left, right):
    ax.set_xlabel("first input")
    ax.set_ylabel("second input")
plt.show()
