"""A skip whose reason is not on the allow-list fails the run (tests/conftest.py, NNCORE_ALLOWED_SKIPS)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")
ALLOWED = Path(__file__).with_name("allowed_skips.txt")

pytestmark = pytest.mark.skipif(sys.platform == "emscripten", reason="WebAssembly builds cannot start processes")


def run_suite(tmp_path, reason, allow_list):
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_one.py").write_text(
        f"import pytest\n\ndef test_passes():\n    pass\n\ndef test_skips():\n    pytest.skip({reason!r})\n"
    )
    env = {**os.environ}
    env.pop("NNCORE_ALLOWED_SKIPS", None)
    if allow_list is not None:
        (tmp_path / "allowed.txt").write_text(allow_list)
        env["NNCORE_ALLOWED_SKIPS"] = str(tmp_path / "allowed.txt")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_skip_not_on_the_list_fails_the_run(tmp_path):
    completed = run_suite(tmp_path, "the frobnicator is not installed", "# comment\nneeds a free-threaded CPython\n")
    assert completed.returncode == 1, completed.stdout
    assert "skips NOT allowed (the run fails): 1" in completed.stdout
    assert "test_skips: the frobnicator is not installed" in completed.stdout


def test_a_skip_on_the_list_is_allowed_and_listed(tmp_path):
    completed = run_suite(tmp_path, "needs a free-threaded CPython", ALLOWED.read_text())
    assert completed.returncode == 0, completed.stdout
    assert "skips allowed by" in completed.stdout and "test_skips: needs a free-threaded CPython" in completed.stdout


def test_without_the_variable_skips_are_not_judged(tmp_path):
    completed = run_suite(tmp_path, "the frobnicator is not installed", None)
    assert completed.returncode == 0, completed.stdout
    assert "skips allowed" not in completed.stdout


def test_the_allow_list_names_no_optional_dependency():
    # Those are installed by .ci/run: their tests must run there, not skip.
    text = ALLOWED.read_text().lower()
    patterns = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for name in ("onnx", "torch", "matplotlib", "pandas", "libfann", "node", "compiler", "tqdm", "sklearn"):
        assert not any(name in pattern for pattern in patterns), name
