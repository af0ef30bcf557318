"""nncore's modules import each other one way: leaves -> compiled core -> services -> network -> package.

The sources are parsed, not imported, and every import counts: at the top,
inside functions, and under ``TYPE_CHECKING``.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "nncore"
CORE_SOURCE = ROOT / "src" / "_core.pyx"

# Who may import nncore._network: the package, the command line, and modules that wrap Network
# (the scikit-learn estimators, and fit_many's entry point, which checks its population of networks).
MAY_IMPORT_NETWORK = {
    "nncore",
    "nncore._cli",
    "nncore.__main__",
    "nncore._network",
    "nncore._population",
    "nncore.sklearn",
}
LEAVES = {
    "nncore._checks",
    "nncore._json",
    "nncore._version",
    "nncore._vocabulary",
    "nncore._activations",
    "nncore._elementary",
    "nncore._examples",
    "nncore._exceptions",
    "nncore._identity",
    "nncore._initializers",
    "nncore._loss_rules",
    "nncore._sampling",
    "nncore._simd",
    "nncore._spellings",
}

needs_sources = pytest.mark.skipif(
    not PACKAGE.is_dir() or not CORE_SOURCE.is_file(), reason="the tests run from a copy without the package sources"
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


def _imports_of_python(path: Path, name: str) -> set[str]:
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # "from a import b" imports a.b when b is a module, else a (resolved below)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _cython_text(path: Path) -> str:
    """The text of a Cython source followed by the text of every file it includes."""
    text = path.read_text(encoding="utf-8")
    for name in re.findall(r'^include\s+"([^"]+)"', text, re.M):
        text += "\n" + _cython_text(path.parent / name)
    return text


def _imports_of_cython(path: Path) -> set[str]:
    text = _cython_text(path)
    found = set()
    statements = re.findall(r"^from\s+(nncore[\w.]*)\s+import\s+\(([^)]*)\)", text, re.M)
    statements += re.findall(r"^from\s+(nncore[\w.]*)\s+import\s+([^(\n]+)$", text, re.M)
    for module, names in statements:
        found.update(f"{module}.{name.strip()}" for name in names.split(",") if name.strip())
    found.update(re.findall(r"^\s*import\s+(nncore[\w.]*)", text, re.M))
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the nncore modules it imports (``nncore.x.y`` names resolved to modules that exist)."""
    raw = {_module_name(path): _imports_of_python(path, _module_name(path)) for path in PACKAGE.glob("*.py")}
    raw["nncore._core"] = _imports_of_cython(CORE_SOURCE)
    modules = set(raw)
    graph = {}
    for module, imported in raw.items():
        targets = set()
        for name in imported:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        state[module] = 2
        path.pop()
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


@needs_sources
def test_the_import_graph_has_no_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle)


@needs_sources
def test_only_the_package_and_the_command_line_import_network():
    importers = {module for module, targets in import_graph().items() if "nncore._network" in targets}
    assert importers <= MAY_IMPORT_NETWORK, sorted(importers - MAY_IMPORT_NETWORK)


@needs_sources
def test_leaves_import_only_leaves_and_the_core_imports_only_leaves():
    graph = import_graph()
    for leaf in LEAVES:
        assert graph[leaf] <= LEAVES, (leaf, sorted(graph[leaf] - LEAVES))
    assert graph["nncore._core"] <= LEAVES, sorted(graph["nncore._core"] - LEAVES)


@needs_sources
def test_services_do_not_import_the_package_or_the_command_line():
    graph = import_graph()
    services = set(graph) - MAY_IMPORT_NETWORK - LEAVES - {"nncore._core"}
    for service in services:
        assert not graph[service] & {"nncore", "nncore._cli", "nncore._network"}, service


def _private_modules_imported_by(path: Path) -> set[str]:
    imported = _imports_of_python(path, path.stem)
    return {
        name
        for name in imported
        if name.startswith("nncore.") and any(part.startswith("_") for part in name.split(".")[1:2])
    }


@needs_sources
def test_nothing_outside_the_package_imports_a_private_module():
    # The benchmark, the build, the CI scripts and the examples use nncore as users do; only the tests look inside.
    outside = [
        ROOT / "setup.py",
        *ROOT.glob("bench/**/*.py"),
        *ROOT.glob(".ci/*.py"),
        *ROOT.glob("docs/**/*.py"),
        *ROOT.glob("examples/*.py"),
    ]
    found = {
        str(path.relative_to(ROOT)): sorted(names)
        for path in outside
        if (names := _private_modules_imported_by(path) - {"nncore.__version__"})
    }
    assert not found, found


def test_the_private_import_finder_finds_one(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import nncore\nfrom nncore import _files, reference\nfrom nncore._checks import describe\n")
    assert _private_modules_imported_by(script) == {"nncore._files", "nncore._checks.describe"}


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
