import os
import platform
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore
import nncore._core
from nncore._examples import XOR_INPUTS, XOR_TARGETS

# The tests' support modules (elementary_numpy.py, export_support.py) import by name under
# --import-mode=importlib too, which does not put the tests' folder on sys.path.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_report_header(config):
    gil = "enabled" if getattr(sys, "_is_gil_enabled", lambda: True)() else "disabled"
    return [
        f"nncore {nncore.__version__}; compiled core imported from {nncore._core.__file__}",
        f"{platform.python_implementation()} {platform.python_version()} ({platform.machine()}), "
        f"GIL {gil}, numpy {np.__version__}",
    ]


# Tests that use these fixtures need a tool besides Python: marked, so a run can select them.
FIXTURE_MARKERS = {"bridge": "needs_libfann", "node": "needs_node", "node_and_npm": "needs_node"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture in set(getattr(item, "fixturenames", ())) & set(FIXTURE_MARKERS):
            item.add_marker(FIXTURE_MARKERS[fixture])


def _tool(command, need):
    path = shutil.which(command)
    if path is None:
        pytest.skip(f"{need}; no {command!r} on PATH")
    return path


@pytest.fixture(scope="session")
def cc():
    """The C compiler that builds the exported C source."""
    return _tool("cc", "the C export tests need a C compiler")


@pytest.fixture(scope="session")
def avr_gcc():
    """avr-gcc and avr-size, which build and measure C for the ATmega328P (Debian: gcc-avr, avr-libc)."""
    need = "the ATmega328P builds need Debian's gcc-avr and avr-libc"
    return _tool("avr-gcc", need), _tool("avr-size", need)


@pytest.fixture(scope="session")
def arm_gcc():
    """arm-none-eabi-gcc and its size, which build and measure C for the Cortex-M3 (Debian: gcc-arm-none-eabi)."""
    need = "the Cortex-M3 builds need Debian's gcc-arm-none-eabi and libnewlib-arm-none-eabi"
    return _tool("arm-none-eabi-gcc", need), _tool("arm-none-eabi-size", need)


@pytest.fixture(scope="session")
def node():
    """Node.js, which runs the exported JavaScript."""
    return _tool("node", "the JavaScript export tests need Node.js")


@pytest.fixture(scope="session")
def node_and_npm():
    """Node.js and npm, which install and run brain.js (test_brainjs.py, test_brainjs_habits.py)."""
    tools = {name: shutil.which(name) for name in ("node", "npm")}
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        pytest.skip(f"the brain.js round trips need Node.js and npm; not found on PATH: {', '.join(missing)}")
    return tools["node"], tools["npm"]


@pytest.fixture
def nncore_cli(capsys):
    """Run the command line in-process: ``nncore_cli(*argv)`` gives its exit code, stdout and stderr."""
    from nncore import _cli

    def run(*argv):
        try:
            code = _cli.main([str(arg) for arg in argv])
        except SystemExit as exit_info:  # argparse's errors
            code = exit_info.code
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def xor_data():
    return np.array(XOR_INPUTS), np.array(XOR_TARGETS)


def state_of(net):
    """Everything that defines a network's state, for exact comparisons."""
    return net.to_dict()


# ---------------------------------------------------------------- skips must have an allowed reason
# With NNCORE_ALLOWED_SKIPS=FILE (as .ci/run sets it), a test that skips for a reason that no
# pattern of FILE matches fails the run: an optional dependency that went missing, or a tool that
# is not found, cannot silently turn a check off. The allowed skips are listed at the end.


def allowed_skip_patterns(path):
    """The regular expressions of an allow-list file: one per line, ``#`` lines are comments."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [re.compile(line.strip()) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def skip_reason(report):
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def sort_skips(reports, patterns):
    """(allowed, refused): lists of (test id, reason) of the skipped reports."""
    allowed, refused = [], []
    for report in reports:
        entry = (report.nodeid, skip_reason(report))
        (allowed if any(pattern.search(entry[1]) for pattern in patterns) else refused).append(entry)
    return allowed, refused


def _skips_of(session):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    path = os.environ.get("NNCORE_ALLOWED_SKIPS")
    if not path or reporter is None:
        return None
    return sort_skips(reporter.stats.get("skipped", []), allowed_skip_patterns(path))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    skips = _skips_of(session)
    session.config.stash[_SKIPS] = skips
    if skips and skips[1] and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skips = config.stash.get(_SKIPS, None)
    if skips is None:
        return
    allowed, refused = skips
    terminalreporter.section(f"skips allowed by {os.environ['NNCORE_ALLOWED_SKIPS']}: {len(allowed)}")
    for nodeid, reason in allowed:
        terminalreporter.line(f"{nodeid}: {reason}")
    if refused:
        terminalreporter.section(f"skips NOT allowed (the run fails): {len(refused)}", red=True)
        for nodeid, reason in refused:
            terminalreporter.line(f"{nodeid}: {reason}", red=True)


_SKIPS = pytest.StashKey()
