"""The sums of sixteen rows by ``src/_row_sums.h``, compared bit for bit with sums in input order.

Shared by tests/test_row_sums_neon.py (arm64, under emulation elsewhere) and
tests/test_row_sums_x86.py (the AVX2 and AVX-512 builds): a harness program that
reads cases on stdin and prints the sums of ``nncore_row_sums16`` and
``nncore_row_sums16_f32``, the cases, and the in-order sums they must equal.
"""

import struct
import subprocess

import numpy as np

ROWS = 16
N_INPUTS = [*range(10), 15, 16, 17, 37]  # every tail after the vector widths, and none

HARNESS = r"""
#include <stdio.h>
#include <stdint.h>
#include "_row_sums.h"

#if !NNCORE_ROW_SUMS
#error "no row sums here"
#endif

/* For each case on stdin (int64 n_in; double weights[16*n_in], biases[16], inputs[n_in]; the same in
   float), the sixteen sums of nncore_row_sums16 and of nncore_row_sums16_f32 on stdout. */
int main(void)
{
    static double w[16 * 64], b[16], x[64], s[16];
    static float wf[16 * 64], bf[16], xf[64], sf[16];
    int64_t n;
    while (fread(&n, sizeof n, 1, stdin) == 1) {
        if (n < 0 || n > 64) return 2;
        if (fread(w, sizeof *w, 16 * n, stdin) != (size_t)(16 * n) || fread(b, sizeof *b, 16, stdin) != 16
            || fread(x, sizeof *x, n, stdin) != (size_t)n) return 3;
        if (fread(wf, sizeof *wf, 16 * n, stdin) != (size_t)(16 * n) || fread(bf, sizeof *bf, 16, stdin) != 16
            || fread(xf, sizeof *xf, n, stdin) != (size_t)n) return 3;
        nncore_row_sums16(w, b, x, s, n);
        nncore_row_sums16_f32(wf, bf, xf, sf, n);
        fwrite(s, sizeof *s, 16, stdout);
        fwrite(sf, sizeof *sf, 16, stdout);
    }
    return 0;
}
"""


def cases(n_inputs=N_INPUTS):
    """Weights, biases and inputs of many magnitudes, with signed zeros and subnormals: sums whose
    products cancel, where a fused multiply-add or another order would round differently."""
    rng = np.random.default_rng(23)
    cases = []
    for n in n_inputs:
        w = rng.standard_normal(ROWS * n) * np.exp2(rng.integers(-20, 20, ROWS * n))
        b = rng.standard_normal(ROWS) * np.exp2(rng.integers(-20, 20, ROWS))
        x = rng.standard_normal(n) * np.exp2(rng.integers(-20, 20, n))
        if n:
            w[::7] = -0.0
            x[0] = 5e-324 if n % 2 else -0.0
        b[3] = -0.0
        cases.append((n, w, b, x))
    return cases


def in_order(w, b, x, real):
    """Row j's sum as the reference adds it: biases[j] + (((0 + w[j,0]*x[0]) + w[j,1]*x[1]) + ...)."""
    n = len(x)
    sums = []
    for j in range(ROWS):
        s = real(0.0)
        for k in range(n):
            s = s + real(w[j * n + k]) * real(x[k])
        sums.append(real(b[j]) + s)
    return np.array(sums, dtype=real)


def run(command, cases):
    stdin = b""
    for n, w, b, x in cases:
        stdin += struct.pack("<q", n)
        stdin += w.astype("<f8").tobytes() + b.astype("<f8").tobytes() + x.astype("<f8").tobytes()
        stdin += w.astype("<f4").tobytes() + b.astype("<f4").tobytes() + x.astype("<f4").tobytes()
    out = subprocess.run(command, input=stdin, capture_output=True, check=True, timeout=300).stdout
    results, offset = [], 0
    for _ in cases:
        s64 = np.frombuffer(out, "<f8", ROWS, offset)
        s32 = np.frombuffer(out, "<f4", ROWS, offset + 8 * ROWS)
        offset += 12 * ROWS
        results.append((s64, s32))
    assert offset == len(out)
    return results


def differing(results, cases):
    """The (n_in, dtype) of the cases whose sums are not the in-order sums, bit for bit."""
    differing = []
    for (s64, s32), (n, w, b, x) in zip(results, cases):
        if s64.tobytes() != in_order(w, b, x, np.float64).astype("<f8").tobytes():
            differing.append((n, "float64"))
        w32, b32, x32 = (a.astype(np.float32) for a in (w, b, x))
        if s32.tobytes() != in_order(w32, b32, x32, np.float32).astype("<f4").tobytes():
            differing.append((n, "float32"))
    return differing
