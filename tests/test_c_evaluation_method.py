"""The exported C refuses a compiler that evaluates its floating-point expressions in a wider type.

nncore's C gives predict's bits only when every operation rounds to the
network's type: float32 code needs FLT_EVAL_METHOD 0, which GCC on s390x gives
in its GNU modes but not in its ISO C modes (-std=c99 evaluates float in
double there: the emulated s390x root of ``.ci/run`` found the last bits
differing), and float64 code needs 0 or 1 (not x87's 2). Such a compiler is
stopped by ``#error`` naming the flag to use. Here the method is set by hand
(``__FLT_EVAL_METHOD__``, which ``<float.h>`` reads, on GCC and Clang alike).
"""

import subprocess

import pytest

import nncore


def compile_with_method(cc, tmp_path, dtype, method):
    source = tmp_path / f"{dtype}.c"
    source.write_text(nncore.Network([2, 3, 1], activation=["tanh", "sigmoid"], dtype=dtype, seed=0).to_c())
    flags = ["-std=c99", "-ffp-contract=off", "-c", "-o", str(tmp_path / f"{dtype}.o")]
    if method is not None:
        flags = ["-U__FLT_EVAL_METHOD__", f"-D__FLT_EVAL_METHOD__={method}", "-Wno-builtin-macro-redefined", *flags]
    return subprocess.run([cc, *flags, str(source)], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("dtype", "method", "flag"),
    [
        ("float32", 1, "-fexcess-precision=fast"),
        ("float32", 2, "-fexcess-precision=fast"),
        ("float64", 2, "-mfpmath=sse"),
    ],
)
def test_a_wider_evaluation_stops_the_compilation_naming_the_flag(cc, tmp_path, dtype, method, flag):
    compiled = compile_with_method(cc, tmp_path, dtype, method)
    assert compiled.returncode != 0
    assert "FLT_EVAL_METHOD" in compiled.stderr and flag in compiled.stderr


@pytest.mark.parametrize(("dtype", "method"), [("float32", 0), ("float32", None), ("float64", 0), ("float64", 1)])
def test_an_evaluation_in_the_type_compiles(cc, tmp_path, dtype, method):
    compiled = compile_with_method(cc, tmp_path, dtype, method)
    assert compiled.returncode == 0, compiled.stderr
