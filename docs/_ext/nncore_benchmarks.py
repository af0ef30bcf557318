"""The Benchmarks page's results, written from ``bench/latest.*`` when the site is built.

``bench/run.py --json bench/latest.json --plot bench/latest.png > bench/latest.md`` writes the
latest full run; the directive ``benchmark-report`` (in ``docs/benchmarks.md``) turns it into the
page's sections: when and where it was measured and how many correctness checks and speed goals
passed (from the JSON), the picture, then the whole report (the Markdown). Nothing is pasted, so
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


def summary(report: dict) -> list[str]:
    """The lines of Markdown that say when, where and with what the run was measured, and its outcome."""
    machine = report["machine"]
    versions = ", ".join(f"{name} {version}" for name, version in machine["versions"].items())
    checks = report["checks"]
    passed = sum(check["passed"] for check in checks)
    goals = report["goals"]
    met = sum(goal["status"] == "met" for goal in goals)
    return [
        f"- measured: {machine['date']}, `{report['settings']['command']}`",
        f"- machine: {machine['cpu']}, {machine['logical_cpus']} logical CPUs, {machine['platform']}",
        f"- versions: {versions}; C compiler: {report['settings']['c_compiler']}",
        f"- correctness checks before timing: {passed} of {len(checks)} passed",
        f"- speed goals: {met} of {len(goals)} met (the table *Goals* below lists each)",
    ]


def report_body(markdown: str) -> list[str]:
    """latest.md without its title (the page has its own), its sections one level below the page's."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("## "):
        lines = lines[1:]
    return [line[1:] if line.startswith("###") else line for line in lines]


class BenchmarkReport(SphinxDirective):
    """``benchmark-report``: the summary, the picture and the whole report of ``bench/latest.*``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        paths = {suffix: BENCH / f"latest.{suffix}" for suffix in ("json", "md", "png")}
        for path in paths.values():
            self.env.note_dependency(str(path))  # a new run rebuilds the page
        report = json.loads(paths["json"].read_text(encoding="utf-8"))
        page_folder = Path(self.env.doc2path(self.env.docname)).parent
        picture = Path(os.path.relpath(paths["png"], page_folder))
        markdown = [
            *summary(report),
            "",
            f"![Time per step of each implementation, per workload]({picture.as_posix()})",
            "",
            *report_body(paths["md"].read_text(encoding="utf-8")),
        ]
        container = nodes.container()
        self.state.nested_parse(
            StringList(markdown, str(paths["md"])), self.content_offset, container, match_titles=True
        )
        return container.children


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("benchmark-report", BenchmarkReport)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
