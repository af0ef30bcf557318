"""The AVX2 and AVX-512 row sums (``src/_row_sums.h``) give the bits of sums in input order, on x86-64.

The header is compiled into a small program with the flags of each level of setup.py (AVX-512 only
where this CPU runs it) and its sums of sixteen rows compared, bit for bit, with Python's in-order
sums, on every input count from 0 to 33 and a few beyond, so that every block edge and tail of the
transposes (four columns, eight rows per vector) is crossed, in float64 and in float32.
"""

import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from row_sums_support import HARNESS, cases, differing, run

import nncore

SOURCES = Path(__file__).resolve().parents[1] / "src"
N_INPUTS = [*range(34), 37, 63]
pytestmark = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64") or sys.platform == "win32",
    reason="the AVX row sums are x86-64's (built with Unix compiler flags here)",
)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """build(*flags) -> the harness compiled with those flags, as a command."""
    if not (SOURCES / "_row_sums.h").is_file():
        pytest.skip("the tests run from a copy without the package sources")
    compiler = shutil.which("cc")
    if compiler is None:
        pytest.skip("the x86 row sums test needs a C compiler; no 'cc' on PATH")
    folder = tmp_path_factory.mktemp("avx")

    def compiled(*flags, source=HARNESS):
        program = folder / f"program{len(list(folder.iterdir()))}"
        (folder / f"{program.name}.c").write_text(source)
        command = [compiler, "-O3", "-Wall", "-Werror", *flags, "-I", str(SOURCES), f"{program}.c"]
        subprocess.run([*command, "-o", program], check=True, capture_output=True, timeout=300)
        return [str(program)]

    return compiled


LEVEL_FLAGS = {"avx2": ["-mavx2"], "avx512": ["-mavx2", "-mavx512f"]}

# Sums built span by span (1, 2, 3, 4, 5, 1, ... columns), as fit's update of the first layer builds the
# next sample's sums: the span functions must continue a sum in order. ROWS rows of weights W, biases B.
BY_SPANS = r"""
#include <stdlib.h>
#include <string.h>
#define BY_SPANS(SPAN, REAL, ROWS, W, B, S)                                             \
    do {                                                                                \
        REAL acc[ROWS] = {0};                                                           \
        int64_t k0 = 0, length = 1;                                                     \
        while (k0 < n) {                                                                \
            int64_t k1 = k0 + length < n ? k0 + length : n;                             \
            SPAN(W, n, x, k0, k1, acc);                                                 \
            k0 = k1;                                                                    \
            length = length % 5 + 1;                                                    \
        }                                                                               \
        for (int j = 0; j < ROWS; j++) S[j] = B[j] + acc[j];                            \
    } while (0)
#define HARNESS_STEP(NAME, REAL, BODY)                                                  \
    static inline void NAME(const REAL* w, const REAL* b, const REAL* x, REAL* s, int64_t n) { BODY; }
"""
# 32 rows side by side: the sixteen rows twice over, whose two halves must agree.
TWICE = r"""
#define TWICE(REAL, SUMS32)                                                             \
    do {                                                                                \
        static REAL w2[32 * 64], b2[32], s2[32];                                        \
        memcpy(w2, w, 16 * n * sizeof *w); memcpy(w2 + 16 * n, w, 16 * n * sizeof *w);  \
        memcpy(b2, b, 16 * sizeof *b); memcpy(b2 + 16, b, 16 * sizeof *b);              \
        SUMS32;                                                                         \
        if (memcmp(s2, s2 + 16, 16 * sizeof *s2) != 0) exit(4);                         \
        memcpy(s, s2, 16 * sizeof *s);                                                  \
    } while (0)
"""
SPANS = (
    BY_SPANS
    + r"""
HARNESS_STEP(step64, double, BY_SPANS(nncore_row_sums16_span, double, 16, w, b, s))
HARNESS_STEP(step32, float, BY_SPANS(nncore_row_sums16_f32_span, float, 16, w, b, s))

int main(void)"""
)
ROWS32 = (
    BY_SPANS
    + TWICE
    + r"""
HARNESS_STEP(step64, double, TWICE(double, nncore_row_sums32(w2, b2, x, s2, n)))
HARNESS_STEP(step32, float, TWICE(float, nncore_row_sums32_f32(w2, b2, x, s2, n)))

int main(void)"""
)
ROWS32_SPANS = (
    BY_SPANS
    + TWICE
    + r"""
HARNESS_STEP(step64, double, TWICE(double, BY_SPANS(nncore_row_sums32_span, double, 32, w2, b2, s2)))
HARNESS_STEP(step32, float, TWICE(float, BY_SPANS(nncore_row_sums32_f32_span, float, 32, w2, b2, s2)))

int main(void)"""
)


def _harness(prelude):
    return (
        HARNESS.replace("int main(void)", prelude)
        .replace("nncore_row_sums16(w, b, x, s, n);", "step64(w, b, x, s, n);")
        .replace("nncore_row_sums16_f32(wf, bf, xf, sf, n);", "step32(wf, bf, xf, sf, n);")
    )


SOURCES_BY_NAME = {
    "whole rows": HARNESS,
    "spans": _harness(SPANS),
    "32 rows": _harness(ROWS32),
    "32 rows in spans": _harness(ROWS32_SPANS),
}


@pytest.mark.parametrize("harness", sorted(SOURCES_BY_NAME))
@pytest.mark.parametrize("level", sorted(LEVEL_FLAGS))
def test_the_avx_row_sums_are_the_in_order_sums_bit_for_bit(build, level, harness):
    if level not in nncore.show_runtime()["simd_cpu"]:
        pytest.skip(f"this CPU does not run {level}")
    samples = cases(N_INPUTS)
    command = build(*LEVEL_FLAGS[level], "-ffp-contract=off", source=SOURCES_BY_NAME[harness])
    assert differing(run(command, samples), samples) == []


def test_the_comparison_sees_a_fused_multiply_add(build):
    # With FMA and contraction allowed the products fuse into the sums: the comparison must see it.
    if "avx2" not in nncore.show_runtime()["simd_cpu"]:
        pytest.skip("this CPU does not run avx2")
    samples = cases(N_INPUTS)
    command = build("-mavx2", "-mfma", "-ffp-contract=fast")
    assert differing(run(command, samples), samples) != []
