"""The gallery's scripts (examples/plot_*.py): each is a sphinx-gallery script that runs as written,
draws at least one picture and leaves no file behind.

The site's build runs them too (sphinx-gallery, where a failing script fails the build); here each
runs alone as ``python`` would run it, in a fresh temporary working directory, with matplotlib's
Agg backend, against the installed package. The scripts are read from the source tree beside tests/;
a copy of the tests without the source tree (the wheel's and the oldest numpy's test runs) skips them.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(EXAMPLES.glob("plot_*.py"))

# The pictures issue 24 asks for, one script each.
EXPECTED = {
    "plot_xor_surface",  # XOR's decision surface as it learns
    "plot_optimizers",  # loss curves of the optimizers side by side
    "plot_xor_seeds",  # how often XOR is learned per starting-weight scheme
    "plot_digits",  # digits with a confusion matrix against scikit-learn's MLP
    "plot_fit_many",  # a population trained with fit_many
    "plot_export",  # exporting to ONNX and C and checking the outputs
}

# The scripts that compile C with the machine's compiler.
NEEDS_CC = {"plot_export"}

# examples/ belongs to the source tree (a clone, the sdist), beside setup.py; the copies of tests/ that
# .ci/run makes to test a wheel do not carry it.
needs_examples = pytest.mark.skipif(
    not (ROOT / "setup.py").is_file(), reason="the tests run from a copy without the source tree's examples/"
)

# Runs one script as __main__ and prints how many figures it left open (sphinx-gallery shows those).
RUNNER = """
import runpy, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
runpy.run_path(sys.argv[1], run_name="__main__")
print("figures:", len(plt.get_fignums()))
"""


def _files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if "__pycache__" not in path.parts}


def _imported_modules(script: Path) -> set[str]:
    """The top-level modules a script imports."""
    names = set()
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


@needs_examples
def test_the_gallery_has_every_example():
    assert {script.stem for script in SCRIPTS} >= EXPECTED


@needs_examples
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda script: script.stem)
def test_an_example_opens_with_a_title_and_an_explanation(script):
    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")), clean=False)
    assert docstring is not None, f"{script.name} has no docstring"
    lines = docstring.strip("\n").splitlines()
    title, underline = lines[0], lines[1]
    assert re.fullmatch(r"=+", underline) and len(underline) == len(title), (title, underline)
    explanation = " ".join(lines[2:]).strip()
    assert len(explanation.split()) >= 20, f"{script.name}: the docstring says little beyond its title"


@needs_examples
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda script: script.stem)
def test_an_example_runs_draws_and_leaves_no_file(script, tmp_path, request):
    for module in sorted(_imported_modules(script) - set(sys.stdlib_module_names)):
        pytest.importorskip(module)  # matplotlib, scikit-learn, onnxruntime: optional dependencies
    if script.stem in NEEDS_CC:
        request.getfixturevalue("cc")
    before = _files_under(ROOT / "examples")
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    run = subprocess.run(
        [sys.executable, "-c", RUNNER, str(script)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    figures = int(re.search(r"^figures: (\d+)$", run.stdout, re.MULTILINE)[1])
    assert figures >= 1, f"{script.name} drew no picture"
    assert not list(tmp_path.iterdir()), "the example left files in its working directory"
    assert _files_under(ROOT / "examples") == before, "the example left files in examples/"
