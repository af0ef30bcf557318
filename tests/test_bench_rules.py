"""``bench/rules.py``, the learning rules' benchmark: its quick mode runs and its report holds together.

No timing and no accuracy is asserted: only that every section is measured
and reported, with numbers that are consistent with each other.  Skipped
without scikit-learn (the digits and ``MLPClassifier``) or without libfann's
double build (the RPROP baseline).
"""

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPT = BENCH / "rules.py"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from nncore_bench.fann_rprop import FannRprop, FannUnavailable, write_data  # noqa: E402


def load_rules():
    """``bench/rules.py`` as a module (registered first: its dataclasses look their module up)."""
    name = "nncore_rules_bench"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def committed_versions():
    """Modification times of the committed report files (None where absent)."""
    return [
        (BENCH / name).stat().st_mtime_ns if (BENCH / name).exists() else None for name in ("rules.md", "rules.json")
    ]


@pytest.fixture(scope="module")
def fann():
    try:
        return FannRprop()
    except FannUnavailable as error:
        pytest.skip(f"the RPROP baseline needs libfann's double build and a C compiler: {error}")


@pytest.fixture(scope="module")
def quick(fann, tmp_path_factory):
    pytest.importorskip("sklearn", reason="the digits and MLPClassifier come from scikit-learn")
    folder = tmp_path_factory.mktemp("rules")
    before = committed_versions()
    markdown, raw = folder / "rules.md", folder / "rules.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--markdown", str(markdown), "--json", str(raw)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(raw.read_text(encoding="utf-8"))
    results["committed_untouched"] = committed_versions() == before
    return done.stdout, markdown.read_text(encoding="utf-8"), results


def test_the_report_has_its_sections(quick):
    stdout, text, results = quick
    assert stdout.strip() == text.strip()
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == [
        "### 1. Digits: softmax + cross-entropy against scikit-learn's MLPClassifier",
        "### 2. RPROP against libfann",
        "### 3. Speed on W4",
        "### Goals",
    ]
    assert results["machine"]["date"] in text and "Skipped" not in text
    assert "grows the step when the product of the gradients is zero" in text


def test_digits_rows_hold_an_accuracy_and_a_time(quick):
    _, text, results = quick
    digits = results["digits"]
    assert [row["key"] for row in digits["rows"]] == ["nncore_sgd", "nncore_adam", "sklearn_adam", "sklearn_sgd"]
    assert digits["train_rows"] + digits["test_rows"] == 1797 and digits["test_rows"] == 450
    for row in digits["rows"]:
        assert len(row["runs"]) == results["settings"]["seeds"]
        assert 0.0 <= row["accuracy"] <= 1.0 and row["seconds"] > 0
        assert f"| {row['label']} | {row['accuracy']:.4f} |" in text


def test_rprop_problems_are_measured_on_both_sides(quick):
    _, _, results = quick
    problems = {p["name"]: p for p in results["rprop"]["problems"]}
    assert set(problems) == {"XOR", "digits (training split)"}
    for problem in problems.values():
        for run in problem["runs"]:
            for side in ("nncore", "fann"):
                assert 0.0 < run[f"{side}_last_mse"] <= run[f"{side}_first_mse"] < 1.0
                epochs = run[f"{side}_epochs"]
                assert epochs is None or 1 <= epochs <= problem["max_epochs"]
        assert problem["nncore_us_per_epoch"] > 0 and problem["fann_us_per_epoch"] > 0
        assert problem["time_ratio"] == pytest.approx(problem["nncore_us_per_epoch"] / problem["fann_us_per_epoch"])


def test_speed_tables_are_ratios_to_per_sample_sgd(quick):
    _, _, results = quick
    tables = results["speed"]["tables"]
    assert set(tables) == {"float64", "float32"}
    for table in tables.values():
        rows = {row["key"]: row for row in table}
        assert set(rows) == {"sgd", "adam", "sgd_batch10", "sgd_batch100", "adam_batch10", "sgd_decay"}
        assert rows["sgd"]["ratio_to_sgd"] == 1.0
        for row in table:
            assert math.isfinite(row["us_per_sample"]) and row["us_per_sample"] > 0
            assert row["ratio_to_sgd"] == pytest.approx(row["us_per_sample"] / rows["sgd"]["us_per_sample"])
    assert {g["status"] for g in results["goals"]} <= {"met", "not met"}
    assert any("Adam step" in g["text"] for g in results["goals"])


def test_epochs_to_is_the_first_epoch_at_the_target():
    rules = load_rules()
    assert rules.epochs_to([0.5, 0.2, 0.1, 0.05], 0.1) == 3
    assert rules.epochs_to([0.5, 0.2], 0.1) is None


def test_libfann_trains_from_the_same_start_on_the_same_data(fann, tmp_path):
    """The data file holds every number exactly; one epoch from the same start moves both alike, not equally.

    Both compute the same first gradient; libfann's first step is 0.12 (it grows the
    step when the product of gradients is 0), nncore's 0.1.
    """
    rules = load_rules()
    rng = np.random.default_rng(0)
    inputs, targets = rng.random((6, 3)), rng.random((6, 2))
    write_data(tmp_path / "check.data", inputs, targets)
    header, *lines = (tmp_path / "check.data").read_text().splitlines()
    assert header == "6 3 2" and float(lines[0].split()[1]) == inputs[0, 1]
    net = rules.rprop_network((3, 4, 2), seed=1)
    before = rules.mse(net, inputs, targets)
    ours = rules.nncore_curve(net.to_dict(), inputs, targets, 1, 0.0)
    theirs = fann.curve(net.to_fann(), inputs, targets, 1, 0.0)
    assert len(ours) == len(theirs) == 1
    assert ours[0] != theirs[0]
    assert abs(ours[0] - theirs[0]) < abs(before - ours[0])


def test_quick_mode_leaves_the_committed_report_alone(quick):
    _, _, results = quick
    assert results["settings"]["quick"]
    assert results["committed_untouched"]
