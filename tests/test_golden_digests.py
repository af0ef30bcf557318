"""Networks trained across the feature matrix end with the committed digests, at every SIMD level here.

``tests/golden_digests.json`` holds SHA-256 digests of the little-endian bytes
of networks trained on every activation and loss, every optimizer, batch
sizes, sample weights, both dtypes, ``fit_many`` in lanes and on threads, of
``predict`` on saturated inputs and of ``to_json``'s text
(``tests/golden_support.py`` trains them). Every machine that runs the suite
(each wheel's test in the wheels workflow, the emulated arm64 and s390x roots
of ``.ci/run``) checks its own digests against the same file, at every level
it has. A deliberate change of the numbers rewrites the file with
``python tests/update_golden_digests.py``, which prints what changed.
"""

import json
from pathlib import Path

import golden_support
import pytest

import nncore
from nncore import _core
from nncore._vocabulary import ACTIVATIONS, DTYPES, LOSSES, OPTIMIZERS

GOLDEN = Path(__file__).resolve().parent / "golden_digests.json"


def digests_at(level):
    """The digests computed at SIMD level ``level`` (switched in this process, then switched back)."""
    previous = nncore.use_simd(level)
    try:
        assert level == _core.SIMD
        return golden_support.compute()
    finally:
        nncore.use_simd(previous)


def differences(golden, computed):
    """The names whose digests differ, are missing, or are new, one line each."""
    lines = [f"differs: {name}" for name in golden if name in computed and golden[name] != computed[name]]
    lines += [f"missing: {name}" for name in golden if name not in computed]
    lines += [f"new: {name}" for name in computed if name not in golden]
    return lines


@pytest.mark.parametrize("level", _core.SIMD_AVAILABLE)
def test_every_level_gives_the_committed_digests(level):
    golden = json.loads(GOLDEN.read_text())
    found = differences(golden, digests_at(level))
    assert not found, (
        f"SIMD level {level} does not give the digests of {GOLDEN.name}:\n  " + "\n  ".join(found) + "\n"
        "If the change of the numbers is deliberate, rewrite the file: python tests/update_golden_digests.py"
    )


def test_the_matrix_covers_the_features():
    names = " | ".join(golden_support.scenarios())
    for word in [*ACTIVATIONS, *DTYPES, *LOSSES, *OPTIMIZERS, "weighted", "fit_many lanes", "fit_many threads"]:
        assert word in names, word
    assert "saturated" in names and "to_json" in names and "batch None" in names


def test_differences_names_each_changed_missing_and_new_entry():
    golden = {"a": "1", "b": "2", "c": "3"}
    assert differences(golden, {"a": "1", "b": "9", "d": "4"}) == ["differs: b", "missing: c", "new: d"]
    assert differences(golden, dict(golden)) == []
