"""Check the wheels that cibuildwheel would build, without building them.

1. ``cibuildwheel --print-build-identifiers`` for every platform must list
   exactly the identifiers in ``.ci/expected-build-identifiers.txt``.
2. The jobs of ``.github/workflows/wheels.yml`` (one per platform and arch)
   must together build each of those identifiers exactly once.

Run from the repository root with cibuildwheel and ruamel.yaml installed.
"""

import difflib
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

PLATFORMS = ("linux", "macos", "windows", "pyodide")
EXPECTED = Path(".ci/expected-build-identifiers.txt")
WORKFLOW = Path(".github/workflows/wheels.yml")


def identifiers(platform, archs=None):
    """What cibuildwheel would build for ``platform`` (and ``archs``, else the configured ones)."""
    command = [sys.executable, "-m", "cibuildwheel", "--print-build-identifiers", "--platform", platform]
    if archs is not None:
        command += ["--archs", archs]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return output.split()


def expected_identifiers():
    lines = (line.strip() for line in EXPECTED.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def workflow_jobs():
    """(platform, arch) of each job in the wheels workflow's build matrix."""
    workflow = YAML(typ="safe").load(WORKFLOW.read_text())
    matrix = workflow["jobs"]["wheels"]["strategy"]["matrix"]["include"]
    return [(job["platform"], job["arch"]) for job in matrix]


def main():
    failures = []
    by_platform = {platform: identifiers(platform) for platform in PLATFORMS}
    for platform, listed in by_platform.items():
        print(f"{platform}: {len(listed)} wheels: {' '.join(listed)}")
    configured = [identifier for listed in by_platform.values() for identifier in listed]
    print(f"total: {len(configured)} wheels")
    expected = expected_identifiers()
    if configured != expected:
        diff = difflib.unified_diff(expected, configured, str(EXPECTED), "cibuildwheel", lineterm="")
        failures.append("the configuration builds other wheels than expected:\n" + "\n".join(diff))

    built_by_jobs = []
    for platform, arch in workflow_jobs():
        job_identifiers = identifiers(platform, arch)
        print(f"{WORKFLOW} job {platform}/{arch}: {len(job_identifiers)} wheels")
        built_by_jobs += job_identifiers
    if sorted(built_by_jobs) != sorted(configured):
        missing = sorted(set(configured) - set(built_by_jobs))
        twice = sorted({i for i in built_by_jobs if built_by_jobs.count(i) > 1})
        extra = sorted(set(built_by_jobs) - set(configured))
        failures.append(
            f"{WORKFLOW} jobs do not build each wheel once: missing {missing}, "
            f"built twice {twice}, not configured {extra}"
        )

    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
