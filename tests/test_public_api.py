"""The public API is declared: ``__all__`` of the public modules, listed in ``tests/public_api.txt``.

Public are ``nncore``, ``nncore.reference`` and ``nncore.sklearn``; every other
module of the package has a leading underscore. Widening or narrowing what
users may rely on is an edit of ``public_api.txt``, so it is seen in review.
"""

import ast
import importlib
import importlib.util
import inspect
import pickle
from pathlib import Path

import pytest

import nncore

PUBLIC_MODULES = ("nncore", "nncore.reference", "nncore.sklearn")
LISTED = Path(__file__).with_name("public_api.txt")
PACKAGE = Path(nncore.__file__).parent


def listed_names() -> list[str]:
    lines = LISTED.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def declared_all(module_name: str) -> list[str]:
    """A public module's ``__all__``, read from its source: nncore.sklearn imports only with scikit-learn."""
    source = Path(importlib.util.find_spec(module_name).origin).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "__all__" for target in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"{module_name} declares no __all__")


def declared_names() -> list[str]:
    return [f"{module_name}.{name}" for module_name in PUBLIC_MODULES for name in declared_all(module_name)]


def test_the_declared_names_are_the_listed_ones():
    listed, declared = listed_names(), declared_names()
    assert len(set(listed)) == len(listed), "public_api.txt lists a name twice"
    assert sorted(declared) == sorted(listed), (
        f"declared but not listed: {sorted(set(declared) - set(listed))}; "
        f"listed but not declared: {sorted(set(listed) - set(declared))}"
    )


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_declared_name_exists_and_is_documented(module_name):
    if module_name == "nncore.sklearn":
        pytest.importorskip("sklearn", reason="the estimators need scikit-learn (nncore-nn[sklearn])")
    module = importlib.import_module(module_name)
    assert module.__all__ == declared_all(module_name)
    for name in module.__all__:
        value = getattr(module, name)  # AttributeError: declared but missing
        if inspect.isclass(value) or inspect.isroutine(value):
            assert inspect.getdoc(value), f"{module_name}.{name} has no docstring"


def test_the_package_namespace_holds_only_declared_names():
    # Helpers imported for the package's own use (checks, sentinels) must not leak into it.
    modules = {name.rpartition(".")[2] for name in PUBLIC_MODULES[1:]}
    public = {name for name in vars(nncore) if not name.startswith("_")} - modules
    assert public == set(nncore.__all__) - {"__version__"}


def test_every_module_but_the_public_ones_is_private():
    public_files = {"__init__", "__main__"} | {name.rpartition(".")[2] for name in PUBLIC_MODULES[1:]}
    for path in PACKAGE.iterdir():
        if path.suffix in {".py", ".so", ".pyd", ".pyi"}:
            stem = path.name.split(".")[0]
            assert stem in public_files or stem.startswith("_"), f"{path.name} is public but not declared"


@pytest.mark.parametrize("name", [name for name in nncore.__all__ if inspect.isclass(getattr(nncore, name))])
def test_public_classes_say_they_are_nncores(name):
    # Pickles, reprs and tracebacks name the path a user imports from, not a private module.
    assert getattr(nncore, name).__module__ == "nncore"


def test_a_pickled_network_names_no_private_module():
    data = pickle.dumps(nncore.Network([2, 3, 1], seed=0))
    assert b"nncore._network" not in data
    assert pickle.loads(data).sizes == (2, 3, 1)
