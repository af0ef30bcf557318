"""The Examples of the public API's docstrings run, as doctests, against the installed package.

Every public module (nncore, nncore.sklearn, nncore.reference), every name of
tests/public_api.txt and every public member of those classes, including what a class inherits
from nncore's own classes (Network's methods of the compiled core), but not what it inherits
from scikit-learn or Python. Each docstring with an example is one test, run in a fresh
temporary working directory with nothing imported beforehand: an example imports what it uses.
"""

import doctest
import importlib
import inspect
from pathlib import Path

import pytest

PUBLIC_API = Path(__file__).resolve().parent / "public_api.txt"
PUBLIC_MODULES = ("nncore", "nncore.sklearn", "nncore.reference")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def public_names() -> list[str]:
    lines = PUBLIC_API.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def resolve(dotted: str) -> object:
    """The object of a public name: its module's attribute (the public modules are nncore's)."""
    for module_name in sorted(PUBLIC_MODULES, key=len, reverse=True):
        if dotted.startswith(module_name + "."):
            return getattr(importlib.import_module(module_name), dotted[len(module_name) + 1 :])
    raise AssertionError(f"{dotted} is not in a public module")


def own_members(cls: type) -> dict[str, object]:
    """The public members of a class that nncore defines (inherited from nncore's classes too)."""
    members = {}
    for name in dir(cls):
        if name.startswith("_"):
            continue
        member = inspect.getattr_static(cls, name)
        function = getattr(member, "__func__", None) or getattr(member, "fget", None) or member
        owner = getattr(function, "__objclass__", None) or function
        if (getattr(owner, "__module__", None) or "").startswith("nncore"):
            members[name] = function
    return members


def docstring_tests() -> list[doctest.DocTest]:
    """One doctest per docstring with an example, named by the public path of what it documents."""
    finder = doctest.DocTestFinder(recurse=False, exclude_empty=True)
    documented = [(name, importlib.import_module(name)) for name in PUBLIC_MODULES]
    for name in public_names():
        obj = resolve(name)
        if inspect.isclass(obj) or inspect.isroutine(obj):
            documented.append((name, obj))
        if inspect.isclass(obj):
            documented += [(f"{name}.{member}", value) for member, value in own_members(obj).items()]
    tests, seen = [], set()
    for name, obj in documented:
        for test in finder.find(obj, name, module=False, globs={}):
            if test.examples and test.docstring not in seen:  # an inherited docstring is run once
                seen.add(test.docstring)
                tests.append(test)
    return tests


TESTS = docstring_tests()


def test_the_public_docstrings_have_examples():
    """The collection finds the examples that the docstrings hold (Network's, fit_many's, ...)."""
    names = {test.name for test in TESTS}
    assert {"nncore", "nncore.Network", "nncore.fit_many", "nncore.sklearn"} <= names, sorted(names)


@pytest.mark.parametrize("test", TESTS, ids=[test.name for test in TESTS])
def test_docstring_examples_run(test, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    if "sklearn" in test.name:
        pytest.importorskip("sklearn")
    report = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    result = runner.run(test, out=report.append, clear_globs=True)
    assert result.failed == 0, "".join(report)
