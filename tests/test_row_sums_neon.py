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
import subprocess
from pathlib import Path

import pytest
from row_sums_support import HARNESS, cases, differing, run

SOURCES = Path(__file__).resolve().parents[1] / "src"
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


def test_the_neon_row_sums_are_the_in_order_sums_bit_for_bit(arm64):
    samples = cases()
    command = arm64(HARNESS, "-DNNCORE_NEON_KERNELS", "-ffp-contract=off")
    assert differing(run(command, samples), samples) == []


def test_the_comparison_sees_a_fused_multiply_add(arm64):
    # The same program with contraction allowed (GCC's default) fuses the products into the sums:
    # the comparison above must see it, or it proves nothing.
    samples = cases()
    command = arm64(HARNESS, "-DNNCORE_NEON_KERNELS", "-ffp-contract=fast")
    assert differing(run(command, samples), samples) != []


def test_only_the_neon_build_has_the_neon_row_sums(arm64):
    # nncore._kernels_neon is compiled with NNCORE_NEON_KERNELS (setup.py); the arm64 baseline without
    # it, so the two levels really run different code.
    neon = subprocess.run(arm64(PROBE, "-DNNCORE_NEON_KERNELS"), capture_output=True, text=True, check=True)
    baseline = subprocess.run(arm64(PROBE), capture_output=True, text=True, check=True)
    assert (neon.stdout.strip(), baseline.stdout.strip()) == ("1", "0")
