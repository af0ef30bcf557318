"""Render the Tempita templates of the kernels: ``X.tp`` becomes ``X``.

``setup.py`` calls :func:`render` before it runs Cython; a build that runs
Cython itself (the sanitizer run of ``.ci/run``) calls this file:
``python src/render_templates.py``.
"""

import sys
from pathlib import Path

from Cython.Tempita import Template

TEMPLATES = [Path(__file__).with_name("_kernels.pxd.tp"), Path(__file__).with_name("_lanes.pxd.tp")]
"""Every template, rendered next to itself."""


def render(paths=TEMPLATES):
    """Write each template ``X.tp`` to ``X``, leaving files whose text is unchanged untouched."""
    for path in map(Path, paths):
        text = Template(path.read_text(encoding="utf-8"), name=str(path)).substitute()
        target = path.with_suffix("")
        header = f"# Generated from {path.name} by src/render_templates.py: edit the template, not this file.\n"
        if not target.exists() or target.read_text(encoding="utf-8") != header + text:
            target.write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    render(sys.argv[1:] or TEMPLATES)
