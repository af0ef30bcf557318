"""The Benchmarks page's results, written from ``bench/latest.*`` when the site is built.

``bench/run.py --json bench/latest.json --plot bench/latest.png > bench/latest.md`` writes the
latest full run; the directive ``benchmark-report`` (in ``docs/benchmarks.md``) turns it into the
page's sections: when, where and how it was measured (the Markdown's head), how many correctness
checks passed and speed goals were met (from the JSON), the picture, then the report's sections. Nothing is pasted, so
the page shows what the files hold, and a new run is on the site at the next build.
"""

import json
import os
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

BENCH = Path(__file__).resolve().parents[2] / "bench"


def outcome(report: dict) -> str:
    """A sentence of Markdown: how many correctness checks passed and how many speed goals were met."""
    checks, goals = report["checks"], report["goals"]
    passed = sum(check["passed"] for check in checks)
    met = sum(goal["status"] == "met" for goal in goals)
    return (
        f"Correctness checks before timing: {passed} of {len(checks)} passed. "
        f"Speed goals: {met} of {len(goals)} met (the section *Goals* below lists each)."
    )


def report_sections(markdown: str) -> tuple[list[str], list[str]]:
    """latest.md without its title (the page has its own): the lines before its first section (when,
    where, how), and its sections, one level up to sit below the page's title."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("## "):
        lines = lines[1:]
    first = next((index for index, line in enumerate(lines) if line.startswith("### ")), len(lines))
    sections = [line[1:] if line.startswith("###") else line for line in lines[first:]]
    return lines[:first], sections


class BenchmarkReport(SphinxDirective):
    """``benchmark-report``: the summary, the picture and the whole report of ``bench/latest.*``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        paths = {suffix: BENCH / f"latest.{suffix}" for suffix in ("json", "md", "png")}
        for path in paths.values():
            self.env.note_dependency(str(path))  # a new run rebuilds the page
        page_folder = Path(self.env.doc2path(self.env.docname)).parent
        picture = Path(os.path.relpath(paths["png"], page_folder))
        intro, sections = report_sections(paths["md"].read_text(encoding="utf-8"))
        # Everything under headings: text before the first heading would land after the sections.
        markdown = [
            "## The latest run",
            *intro,
            "",
            outcome(json.loads(paths["json"].read_text(encoding="utf-8"))),
            "",
            f"![Time per step of each implementation, per workload]({picture.as_posix()})",
            "",
            *sections,
        ]
        container = nodes.container()
        self.state.nested_parse(
            StringList(markdown, str(paths["md"])), self.content_offset, container, match_titles=True
        )
        return container.children


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("benchmark-report", BenchmarkReport)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
