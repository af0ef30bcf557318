"""The ``nncore`` command line: ``nncore xor``, its option checks, and what it imports."""

import json
import subprocess
import sys

import pytest

from nncore import _cli


def run_main(argv, capsys):
    """``_cli.main(argv)``'s exit code, stdout and stderr, whether it returns or exits."""
    try:
        code = _cli.main(argv)
    except SystemExit as exit_info:
        code = exit_info.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_xor_compares_compiled_and_pure_python(capsys):
    code, out, _ = run_main(["xor", "--hidden", "4", "3", "--steps", "4000", "--seed", "2"], capsys)
    assert "XOR on [2, 4, 3, 1], 4000 random per-sample steps" in out and "seed 2" in out
    assert "nncore (compiled)" in out and "reference (pure Python)" in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("  0 ", "  1 "))]
    assert [row[:3] for row in rows] == [["0", "0", "0"], ["0", "1", "1"], ["1", "0", "1"], ["1", "1", "0"]]
    assert all(row[3] == row[4] for row in rows)  # the two agree to the printed digits
    assert "largest weight difference between the two: 0" in out
    assert code == (0 if "XOR learned: yes" in out else 1)


def test_xor_defaults():
    args = _cli.build_parser().parse_args(["xor"])
    assert (args.hidden, args.steps, args.seed) == ([10, 10], 20000, 0)


@pytest.mark.parametrize(
    ("argv", "option", "bound", "given"),
    [
        (["--steps", "-5"], "--steps", 1, "-5"),
        (["--steps", "0"], "--steps", 1, "0"),
        (["--steps", "ten"], "--steps", 1, "ten"),
        (["--steps", "2.5"], "--steps", 1, "2.5"),
        (["--hidden", "0"], "--hidden", 1, "0"),
        (["--hidden", "-3"], "--hidden", 1, "-3"),
        (["--hidden", "4", "-3"], "--hidden", 1, "-3"),
        (["--hidden", "x"], "--hidden", 1, "x"),
        (["--seed", "-1"], "--seed", 0, "-1"),
        (["--seed", "one"], "--seed", 0, "one"),
    ],
)
def test_bad_xor_options_give_one_usage_error(argv, option, bound, given, capsys):
    with pytest.raises(SystemExit) as exit_info:
        _cli.main(["xor", *argv])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines[0].startswith("usage: nncore xor")
    assert lines[-1] == f"nncore xor: error: argument {option}: must be an integer >= {bound}, got '{given}'"
    assert "Traceback" not in captured.err


def test_smallest_accepted_values(capsys):
    code, out, _ = run_main(["xor", "--steps", "1", "--hidden", "1", "--seed", "0"], capsys)
    assert "XOR on [2, 1, 1], 1 random per-sample steps" in out and code in (0, 1)


@pytest.mark.parametrize(
    "argv", [["bench"], ["bench", "--quick"], ["bench", "--help"], ["bench", "--workloads", "W1", "--json", "out.json"]]
)
def test_bench_says_where_the_suite_is(argv, capsys):
    code, out, err = run_main(argv, capsys)
    assert code == 2 and out == ""
    assert err.strip() == _cli.BENCH_MOVED
    assert "python bench/run.py" in err and "not installed" in err


def test_unknown_arguments_are_still_refused(capsys):
    code, _, err = run_main(["xor", "--fast"], capsys)
    assert code == 2 and "unrecognized arguments: --fast" in err


# ------------------------------------------------------------------ no benchmark code on import

needs_processes = pytest.mark.skipif(sys.platform == "emscripten", reason="WebAssembly builds cannot start processes")

REPORT_BENCH_MODULES = "import json, sys; print(json.dumps(sorted(m for m in sys.modules if 'bench' in m)))"


def python(code, cwd):
    """Run ``code`` in a fresh interpreter in ``cwd`` (away from any source tree): (exit code, stdout lines)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=300)
    return done.returncode, done.stdout.splitlines(), done.stderr


@needs_processes
def test_import_nncore_imports_no_benchmark_code(tmp_path):
    code, lines, err = python(f"import nncore, nncore._cli, nncore.reference; {REPORT_BENCH_MODULES}", tmp_path)
    assert code == 0, err
    assert json.loads(lines[-1]) == []


@needs_processes
@pytest.mark.parametrize("argv", [["--version"], ["xor", "--steps", "3000", "--hidden", "3"]])
def test_command_line_imports_no_benchmark_code(argv, tmp_path):
    program = (
        "import runpy, sys\n"
        f"sys.argv = ['nncore', *{argv!r}]\n"
        "try:\n"
        "    runpy.run_module('nncore', run_name='__main__')\n"
        "except SystemExit as exit_info:\n"
        "    status = exit_info.code\n"
        f"{REPORT_BENCH_MODULES}\n"
        "sys.exit(status)\n"
    )
    code, lines, err = python(program, tmp_path)
    assert json.loads(lines[-1]) == []
    if argv == ["--version"]:
        assert code == 0 and lines[0].startswith("nncore ")
    else:
        assert code in (0, 1), err
        assert "nncore (compiled)" in "\n".join(lines) and "XOR learned:" in "\n".join(lines)


@needs_processes
def test_python_m_nncore_xor(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "nncore", "xor", "--steps", "3000", "--hidden", "3"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "reference (pure Python)" in done.stdout and "speed-up:" in done.stdout
