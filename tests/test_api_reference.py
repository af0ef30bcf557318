"""The API reference (docs/api.md) lists every public name of tests/public_api.txt, and nothing else.

The site generates one page per name listed in api.md's autosummary tables; a name added to the
public surface without a line there would have no page. ``__version__`` is a ``py:data`` entry.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API_PAGE = ROOT / "docs" / "api.md"
PUBLIC_API = ROOT / "tests" / "public_api.txt"


def public_names() -> set[str]:
    lines = PUBLIC_API.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def documented_names(text: str) -> list[str]:
    """The names that api.md's reStructuredText documents: autosummary entries and py:data, with
    the module of the ``currentmodule`` above them."""
    names, module, in_autosummary = [], None, False
    for line in text.splitlines():
        if match := re.match(r"\.\. (?:current)?module:: (\S+)", line):
            module, in_autosummary = match[1], False
        elif line.startswith(".. autosummary::"):
            in_autosummary = True
        elif match := re.match(r"\.\. py:data:: (\S+)", line):
            names.append(f"{module}.{match[1]}")
            in_autosummary = False
        elif in_autosummary and (match := re.match(r"   ([A-Za-z_][\w.]*)\s*$", line)):
            names.append(f"{module}.{match[1]}")
        elif in_autosummary and line.strip() and not line.startswith("   "):
            in_autosummary = False
    return names


def test_the_api_reference_lists_every_public_name_once():
    listed = documented_names(API_PAGE.read_text(encoding="utf-8"))
    assert len(listed) == len(set(listed)), f"listed twice: {sorted({n for n in listed if listed.count(n) > 1})}"
    missing, extra = public_names() - set(listed), set(listed) - public_names()
    assert not missing, f"public names without a page in docs/api.md: {sorted(missing)}"
    assert not extra, f"docs/api.md documents names that are not public: {sorted(extra)}"


def test_the_reader_of_api_md():
    text = (
        ".. currentmodule:: pkg\n\n.. autosummary::\n   :toctree: generated\n\n   A\n   f\n\n"
        "Text.\n\n.. module:: pkg.sub\n\n.. autosummary::\n\n   B\n\n.. py:data:: __version__\n\n"
        "   The version.\n"
    )
    assert documented_names(text) == ["pkg.A", "pkg.f", "pkg.sub.B", "pkg.sub.__version__"]
