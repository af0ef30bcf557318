"""Every page's code runs as written: the ```python blocks of README.md and of the site's Markdown
pages (docs/**/*.md), and the ``$ nncore ...`` lines of their ```console blocks.

The blocks of one page run in order, in one namespace, in a fresh temporary working directory, so a
block may use the names and the files of the blocks before it on the same page. A console line that
starts with ``$ nncore `` runs there too, after the page's Python blocks that precede it, as the
installed command (``python -m nncore``) with its arguments: no shell, so no pipes or redirections.
Other ```console lines (pip, git, ...) and ```text blocks (output shown to the reader) are not run.

The pages are read from the source tree beside tests/ (.ci/run copies docs/ along wherever it copies
the tests); the code runs against the installed package. A block that needs an optional dependency
that is missing (matplotlib, onnx, ...) skips the page, as the other tests of those features do.
"""

import importlib.util
import re
import shlex
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Folders of docs/ that hold generated or built files, not pages.
NOT_PAGES = {"_build", "_ext", "_static", "_templates", "auto_examples", "generated"}
# Optional dependencies (not all in the test extra): a page that needs a missing one is skipped.
OPTIONAL = ("matplotlib", "onnxruntime", "onnx", "pandas", "torch", "sklearn", "dask", "distributed", "tqdm")

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)")


@dataclass
class Block:
    """A fenced block of a page: its language, the line after its opening fence, and its text."""

    language: str
    line: int  # 1-based line number of its first line of text
    text: str


def fenced_blocks(markdown: str) -> list[Block]:
    """The fenced code blocks of a Markdown text, in order, dedented by their opening fence's indent."""
    blocks = []
    lines = markdown.splitlines()
    number = 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        number += 1
        if opening is None:
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        start, body = number, []
        while number < len(lines) and not closing.match(lines[number]):
            line = lines[number]
            body.append(line[indent:] if line[:indent].strip() == "" else line.lstrip())
            number += 1
        number += 1  # the closing fence
        blocks.append(Block(opening["info"].lower(), start + 1, "\n".join(body) + "\n"))
    return blocks


def console_commands(block: Block) -> list[tuple[int, list[str]]]:
    """The ``$ nncore ...`` lines of a console block (continued by a trailing backslash): line and arguments."""
    commands = []
    lines = block.text.splitlines()
    index = 0
    while index < len(lines):
        line, number = lines[index], block.line + index
        index += 1
        if not line.startswith("$ "):
            continue
        command = line[2:]
        while command.endswith("\\") and index < len(lines):
            command = command[:-1] + " " + lines[index].strip()
            index += 1
        words = shlex.split(command, comments=True)
        if words and words[0] == "nncore":
            commands.append((number, words[1:]))
    return commands


def pages() -> list[Path]:
    """The README (the package's long description) and the site's Markdown pages."""
    found = [path for path in DOCS.rglob("*.md") if not NOT_PAGES.intersection(path.relative_to(DOCS).parts[:-1])]
    return [ROOT / "README.md", *sorted(found)]


def page_id(path: Path) -> str:
    """A page's path from the top of the source tree (its name, for a page elsewhere)."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def runnable(path: Path) -> list[Block]:
    """The blocks of a page that this test runs: its ```python blocks and its console blocks."""
    return [
        block for block in fenced_blocks(path.read_text(encoding="utf-8")) if block.language in ("python", "console")
    ]


def missing_module(error: BaseException) -> str | None:
    """The top-level name of the module whose absence caused an error (raised inside the package or by a
    library the page uses, with the ModuleNotFoundError as its cause or context), or None."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ModuleNotFoundError) and error.name:
            return error.name.partition(".")[0]
        error = error.__cause__ or error.__context__
    return None


def skip_if_missing(path: Path, module: str | None) -> None:
    """Skip the page when it needs an optional dependency that is not installed here."""
    if module in OPTIONAL and importlib.util.find_spec(module) is None:
        pytest.skip(f"{page_id(path)} needs {module}, which is not installed")


def run_page(path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run a page's blocks in order, in one namespace, in tmp_path; fail naming the page's line."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")  # a page's plt.show() draws nothing on screen
    namespace = {"__name__": "__main__"}
    for block in runnable(path):
        if block.language == "python":
            # Blank lines before the block's text: a traceback names the line of the page.
            code = compile("\n" * (block.line - 1) + block.text, str(path), "exec")
            try:
                exec(code, namespace)
            except ImportError as error:
                skip_if_missing(path, missing_module(error))
                raise
            continue
        for number, arguments in console_commands(block):
            done = subprocess.run(
                [sys.executable, "-m", "nncore", *arguments], capture_output=True, text=True, check=False
            )
            if done.returncode != 0:  # the command's one error line names the optional package it needs
                skip_if_missing(path, next((name for name in OPTIONAL if name in done.stderr), None))
            assert done.returncode == 0, (
                f"{page_id(path)}:{number}: `nncore {shlex.join(arguments)}` exited with {done.returncode}\n"
                f"{done.stdout}\n{done.stderr}"
            )


def test_the_pages_are_beside_the_tests():
    """The pages travel with the tests: a copy of tests/ without docs/ would test nothing."""
    assert (DOCS / "index.md").is_file(), f"no site pages at {DOCS}: copy docs/ beside tests/"
    assert (ROOT / "README.md").is_file(), f"no README.md at {ROOT}: copy it beside tests/"
    assert len(pages()) > 1


@pytest.mark.parametrize("path", pages(), ids=page_id)
def test_page_code_runs(path, monkeypatch, tmp_path):
    run_page(path, monkeypatch, tmp_path)


# ---------------------------------------------------------------- the reader of the pages


def test_fenced_blocks_are_read_with_their_language_line_and_indent():
    markdown = textwrap.dedent(
        """\
        # Page

        ```python
        for a in range(2):
            b = a
        ```

        - a list item:

          ```console
          $ nncore xor --seeds 3 \\
                --steps 10
          $ pip install nncore-nn
          ```

        ````markdown
        ```python
        not run: inside another block
        ```
        ````
        """
    )
    blocks = fenced_blocks(markdown)
    assert [(block.language, block.line) for block in blocks] == [("python", 4), ("console", 11), ("markdown", 17)]
    assert blocks[0].text == "for a in range(2):\n    b = a\n"
    assert console_commands(blocks[1]) == [(11, ["xor", "--seeds", "3", "--steps", "10"])]
    assert "not run" in blocks[2].text


def test_a_failing_block_names_its_page_and_line(tmp_path, monkeypatch):
    page = tmp_path / "page.md"
    page.write_text("# Page\n\n```python\nx = 1\n```\n\n```python\nx = y\n```\n", encoding="utf-8")
    with pytest.raises(NameError) as raised:
        run_page(page, monkeypatch, tmp_path)
    assert raised.traceback[-1].lineno + 1 == 8, "the traceback names the page's line 8"
    assert Path(raised.traceback[-1].path) == page


def test_blocks_share_a_namespace_and_a_folder_and_commands_run_there(tmp_path, monkeypatch):
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nimport nncore\nnncore.Network([2, 2, 1], seed=0).save('net.json')\n```\n\n"
        "```console\n$ nncore info net.json\n```\n\n"
        "```python\nassert list(nncore.load('net.json').sizes) == [2, 2, 1]\n```\n",
        encoding="utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    run_page(page, monkeypatch, work)
    assert (work / "net.json").is_file()

    page.write_text("```console\n$ nncore info missing.json\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"page.md:2: `nncore info missing.json` exited with"):
        run_page(page, monkeypatch, work)


def test_a_page_that_needs_a_missing_optional_package_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setitem(globals(), "OPTIONAL", ("nncore_absent_package",))
    page = tmp_path / "page.md"
    page.write_text(
        "```python\ntry:\n    import nncore_absent_package\nexcept ImportError:\n"
        "    raise ImportError('needs nncore_absent_package') from None\n```\n",
        encoding="utf-8",
    )
    with pytest.raises(pytest.skip.Exception, match=r"page\.md needs nncore_absent_package, which is not installed"):
        run_page(page, monkeypatch, tmp_path)
    page.write_text("```python\nimport nncore_other_absent_package\n```\n", encoding="utf-8")
    with pytest.raises(ModuleNotFoundError):  # not optional: the page fails
        run_page(page, monkeypatch, tmp_path)
