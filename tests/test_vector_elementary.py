"""The exp, sigmoid and tanh of ``src/_vector_elementary.h`` give nncore._elementary's bits in every build.

The header is compiled into a small program in each of its variants: the plain
one (``NNCORE_VECTOR_PLAIN``: one value a "vector", _elementary.h's own
functions, what compilers without GCC's vector extensions build, MSVC's
kernels among them), and vectors of 16, 32 and 64 bytes with the flags of each
instruction-set level this CPU runs.  The program includes ``src/_lanes.h``,
which instantiates the header at the level's width, so the lanes' own sigmoid
of a block is checked as well.  Every result is compared, bit for bit, with
the numpy twin of nncore._elementary over the whole range of arguments.
"""

import platform
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import elementary_numpy as el
import numpy as np
import pytest

from nncore import _core

SOURCES = Path(__file__).resolve().parents[1] / "src"
PACKAGE = Path(__file__).resolve().parents[1] / "nncore"

HARNESS = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "_lanes.h"
#if defined(__AVX__)
#include "_small_step.h" /* instantiates the header at 32 bytes, in a region compiled for AVX2 */
#endif

#define APPLY(B, FUNCTION, in, out, n)                                                     \
    do {                                                                                        \
        int64_t i_;                                                                             \
        for (i_ = 0; i_ < (n); i_ += nncore_lv_lanes##B)                                         \
            *(nncore_lv##B *)((out) + i_) = nncore_lv_##FUNCTION##B(*(const nncore_lv##B *)((in) + i_)); \
    } while (0)

/* exp, sigmoid and tanh of in by the header's vector functions, and the sigmoid by _lanes.h's block function */
#define ALL_FOUR(B, in, out, n)                                                                   \
    do {                                                                                        \
        APPLY(B, exp, in, out, n);                                                              \
        fwrite(out, sizeof *(out), (size_t)(n), stdout);                                        \
        APPLY(B, sigmoid, in, out, n);                                                          \
        fwrite(out, sizeof *(out), (size_t)(n), stdout);                                        \
        APPLY(B, tanh, in, out, n);                                                             \
        fwrite(out, sizeof *(out), (size_t)(n), stdout);                                        \
        memcpy(out, in, (size_t)(n) * sizeof *(in));                                            \
        nncore_lane_sigmoid##B(out, (n) / nncore_lanes##B);                                      \
        fwrite(out, sizeof *(out), (size_t)(n), stdout);                                        \
    } while (0)

/* stdin: int64 n (a multiple of 16), n doubles, n floats.  stdout: ALL_FOUR of the doubles, then of the
   floats. */
int main(void)
{
    int64_t n;
    double *d, *dout;
    float *f, *fout;
    if (fread(&n, sizeof n, 1, stdin) != 1 || n < 0 || n % 16) return 2;
    d = malloc((size_t)n * sizeof *d + 1);
    dout = malloc((size_t)n * sizeof *dout + 1);
    f = malloc((size_t)n * sizeof *f + 1);
    fout = malloc((size_t)n * sizeof *fout + 1);
    if (!d || !dout || !f || !fout) return 3;
    if (fread(d, sizeof *d, (size_t)n, stdin) != (size_t)n || fread(f, sizeof *f, (size_t)n, stdin) != (size_t)n)
        return 4;
    ALL_FOUR(64, d, dout, n);
    ALL_FOUR(32, f, fout, n);
    return 0;
}
"""

X86 = platform.machine().lower() in ("x86_64", "amd64")
# The flags of setup.py's builds (contraction off), warnings as errors; the plain variant as strict C99.
COMMON = ["-O2", "-ffp-contract=off", "-fno-math-errno", "-Wall", "-Wextra", "-Werror"]
VARIANTS = {"plain": ["-std=c99", "-pedantic", "-DNNCORE_VECTOR_PLAIN"], "baseline": []}
if X86:
    VARIANTS["avx2"] = ["-mavx2"]
    if "avx512" in _core.SIMD_AVAILABLE:
        VARIANTS["avx512"] = ["-mavx2", "-mavx512f"]
LANES = {"plain": 1, "baseline": 16, "avx2": 32, "avx512": 64}  # bytes of a vector

SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 2.0**-27, 2.0**-12, 0.625, -0.625]
SPECIAL += [9.02, 10.0, 19.1, 22.0, -22.0, 36.7, 88.72283935546875, -103.97207641601562, 709.782712893384]
SPECIAL += [-745.1332191019411, 710.0, -746.0, 1e308, -1e308, float("inf"), float("-inf"), float("nan")]


def arguments(dtype, n=30_000):
    """Uniform over the range where the functions vary, log-uniform magnitudes, edges and their neighbours."""
    rng = np.random.default_rng(31)
    wide = 800.0 if dtype == np.float64 else 110.0
    tiny = -310 if dtype == np.float64 else -40
    with np.errstate(over="ignore"):
        values = np.concatenate(
            [
                rng.uniform(-wide, wide, n),
                rng.uniform(-25.0, 25.0, n),
                10.0 ** rng.uniform(tiny, 3, n) * rng.choice([-1.0, 1.0], n),
                SPECIAL,
            ]
        ).astype(dtype)
        edges = values[-len(SPECIAL) :]
        values = np.concatenate([values, np.nextafter(edges, dtype(np.inf)), np.nextafter(edges, dtype(-np.inf))])
    return np.concatenate([values, np.zeros(-len(values) % 16, dtype)])  # whole vectors of every width


@pytest.fixture(scope="module")
def compile_variant(tmp_path_factory):
    if not (SOURCES / "_lanes.h").is_file():
        pytest.skip("the tests run from a copy without the package sources")
    compiler = shutil.which("cc")
    if compiler is None:
        pytest.skip("the vector exp test needs a C compiler; no 'cc' on PATH")
    folder = tmp_path_factory.mktemp("vector_elementary")
    (folder / "harness.c").write_text(HARNESS)

    def compiled(variant):
        program = folder / variant
        command = [compiler, *COMMON, *VARIANTS[variant], "-I", str(SOURCES), "-I", str(PACKAGE)]
        built = subprocess.run(
            [*command, str(folder / "harness.c"), "-o", str(program)], capture_output=True, text=True
        )
        assert built.returncode == 0, built.stderr
        return str(program)

    return compiled


def _bits_differ(actual, expected):
    """Indices where two arrays differ in their bits (every NaN counted equal: its payload is the CPU's)."""
    both_nan = np.isnan(actual) & np.isnan(expected)
    return np.flatnonzero((actual.view(f"u{actual.itemsize}") != expected.view(f"u{expected.itemsize}")) & ~both_nan)


@pytest.mark.skipif(sys.platform == "win32", reason="built with Unix compiler flags here")
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_each_variant_gives_the_bits_of_the_own_functions(compile_variant, variant):
    program = compile_variant(variant)
    x64, x32 = arguments(np.float64), arguments(np.float32)
    assert len(x64) == len(x32) and len(x64) % 16 == 0
    stdin = struct.pack("<q", len(x64)) + x64.tobytes() + x32.tobytes()
    out = subprocess.run([program], input=stdin, capture_output=True, check=True).stdout
    n = len(x64)
    results64 = np.frombuffer(out[: 4 * 8 * n], np.float64).reshape(4, n)
    results32 = np.frombuffer(out[4 * 8 * n :], np.float32).reshape(4, n)
    with np.errstate(all="ignore"):
        twins = {
            "float64": (results64, x64, [el.exp64_array, el.sigmoid64_array, el.tanh64_array, el.sigmoid64_array]),
            "float32": (results32, x32, [el.exp32_array, el.sigmoid32_array, el.tanh32_array, el.sigmoid32_array]),
        }
        for dtype, (results, x, functions) in twins.items():
            for name, result, twin in zip(["exp", "sigmoid", "tanh", "lanes' sigmoid"], results, functions):
                expected = np.asarray(twin(x), dtype=dtype)
                wrong = _bits_differ(result, expected)
                assert not len(wrong), (variant, dtype, name, x[wrong[:5]], result[wrong[:5]], expected[wrong[:5]])


def test_the_variants_cover_every_width_of_this_machine():
    widths = {LANES[variant] for variant in VARIANTS}
    assert {1, 16} <= widths
    if X86:
        assert 32 in widths and ("avx512" not in _core.SIMD_AVAILABLE or 64 in widths)
