"""The NEON row sums (``src/_row_sums_neon.h``) give the bits of sums in input order, on arm64.

The header is compiled into a small program for arm64 (natively on an arm64 machine, else with
``aarch64-linux-gnu-gcc`` and run under ``qemu-aarch64``), with setup.py's contraction flag; the
sums it prints for sixteen rows are compared, bit for bit, with Python's, added one product at
a time in input order, in float64 and in float32 (numpy's float32 scalars round every operation
to float). The arm64 kernels' whole training is checked under emulation by ``.ci/emulated.sh``
(tests/test_golden_digests.py, tests/test_simd.py at every level there).
"""

import platform
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

SOURCES = Path(__file__).resolve().parents[1] / "src"
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

PROBE = r"""
#include <stdio.h>
#include "_row_sums.h"
int main(void) { printf("%d\n", NNCORE_ROW_SUMS); return 0; }
"""


def _arm64_tools():
    """(compiler, runner prefix) that build and run an arm64 program here, or a reason to skip."""
    if not (SOURCES / "_row_sums_neon.h").is_file():
        pytest.skip("the tests run from a copy without the package sources")
    if platform.machine().lower() in ("aarch64", "arm64"):
        compiler = shutil.which("cc")
        if compiler is None:
            pytest.skip("the NEON row sums test needs a C compiler; no 'cc' on PATH")
        return [compiler], []
    compiler = shutil.which("aarch64-linux-gnu-gcc")
    runner = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
    if compiler is None or runner is None:
        pytest.skip("the NEON row sums test needs aarch64-linux-gnu-gcc and qemu-aarch64 (Debian's qemu-user-static)")
    return [compiler, "-static"], [runner]


@pytest.fixture(scope="module")
def arm64(tmp_path_factory):
    """build(source, *flags) -> a command that runs the program compiled for arm64."""
    compiler, runner = _arm64_tools()
    folder = tmp_path_factory.mktemp("neon")

    def build(source, *flags):
        program = folder / f"program{len(list(folder.iterdir()))}"
        (folder / "main.c").write_text(source)
        subprocess.run(
            [*compiler, "-O3", "-Wall", "-Werror", *flags, "-I", str(SOURCES), str(folder / "main.c"), "-o", program],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return [*runner, str(program)]

    return build


def _cases():
    """Weights, biases and inputs of many magnitudes, with signed zeros and subnormals: sums whose
    products cancel, where a fused multiply-add or another order would round differently."""
    rng = np.random.default_rng(23)
    cases = []
    for n in N_INPUTS:
        w = rng.standard_normal(ROWS * n) * np.exp2(rng.integers(-20, 20, ROWS * n))
        b = rng.standard_normal(ROWS) * np.exp2(rng.integers(-20, 20, ROWS))
        x = rng.standard_normal(n) * np.exp2(rng.integers(-20, 20, n))
        if n:
            w[::7] = -0.0
            x[0] = 5e-324 if n % 2 else -0.0
        b[3] = -0.0
        cases.append((n, w, b, x))
    return cases


def _in_order(w, b, x, real):
    """Row j's sum as the reference adds it: biases[j] + (((0 + w[j,0]*x[0]) + w[j,1]*x[1]) + ...)."""
    n = len(x)
    sums = []
    for j in range(ROWS):
        s = real(0.0)
        for k in range(n):
            s = s + real(w[j * n + k]) * real(x[k])
        sums.append(real(b[j]) + s)
    return np.array(sums, dtype=real)


def _run(command, cases):
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


def _differing(results, cases):
    """The (n_in, dtype) of the cases whose sums are not the in-order sums, bit for bit."""
    differing = []
    for (s64, s32), (n, w, b, x) in zip(results, cases):
        if s64.tobytes() != _in_order(w, b, x, np.float64).astype("<f8").tobytes():
            differing.append((n, "float64"))
        w32, b32, x32 = (a.astype(np.float32) for a in (w, b, x))
        if s32.tobytes() != _in_order(w32, b32, x32, np.float32).astype("<f4").tobytes():
            differing.append((n, "float32"))
    return differing


def test_the_neon_row_sums_are_the_in_order_sums_bit_for_bit(arm64):
    cases = _cases()
    command = arm64(HARNESS, "-DNNCORE_NEON_KERNELS", "-ffp-contract=off")
    assert _differing(_run(command, cases), cases) == []


def test_the_comparison_sees_a_fused_multiply_add(arm64):
    # The same program with contraction allowed (GCC's default) fuses the products into the sums:
    # the comparison above must see it, or it proves nothing.
    cases = _cases()
    command = arm64(HARNESS, "-DNNCORE_NEON_KERNELS", "-ffp-contract=fast")
    assert _differing(_run(command, cases), cases) != []


def test_only_the_neon_build_has_the_neon_row_sums(arm64):
    # nncore._kernels_neon is compiled with NNCORE_NEON_KERNELS (setup.py); the arm64 baseline without
    # it, so the two levels really run different code.
    neon = subprocess.run(arm64(PROBE, "-DNNCORE_NEON_KERNELS"), capture_output=True, text=True, check=True)
    baseline = subprocess.run(arm64(PROBE), capture_output=True, text=True, check=True)
    assert (neon.stdout.strip(), baseline.stdout.strip()) == ("1", "0")
