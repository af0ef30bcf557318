"""Peak memory of ``Network.fit`` on the XOR workload, measured in a fresh process.

:func:`measure_in_subprocess` trains ``[2, 10, 10, 1]`` for a number of random
per-sample steps in a new Python process and returns the peak of the memory
traced by ``tracemalloc`` during the fit (Python objects and numpy arrays), the
resident set size before the fit and its peak (reset just before the fit
where Linux allows it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import nncore


def _proc_status_bytes(field: str) -> int | None:
    """A memory field of /proc/self/status (Linux), in bytes, or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux); True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def _peak_rss_bytes() -> int | None:
    """This process's peak resident set size.

    /proc's VmHWM where there is one: unlike ``getrusage``'s ``ru_maxrss``, it
    does not carry over the parent's peak across ``exec``.
    """
    peak = _proc_status_bytes("VmHWM")
    if peak is not None:
        return peak
    try:
        import resource
    except ImportError:  # Windows
        return None
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024  # bytes on macOS, KiB elsewhere


def measure_here(steps: int, keep_errors: bool = True) -> dict:
    """Train in this process and report its memory (call it in a fresh process)."""
    import tracemalloc

    from nncore_bench.workloads import WORKLOADS, make_case

    case = make_case(WORKLOADS["W1"], steps=1)
    net = case.new_network()
    _reset_peak_rss()
    rss_before = _proc_status_bytes("VmRSS") or _peak_rss_bytes()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    result = net.fit(case.inputs, case.targets, steps=steps, order="random", seed=case.seed, keep_errors=keep_errors)
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    return {
        "steps": steps,
        "epochs": int(result.epochs),
        "keep_errors": keep_errors,
        "tracemalloc_peak_bytes": peak,
        "loss_curve_bytes": int(result.errors.nbytes),
        "rss_before_bytes": rss_before,
        "peak_rss_bytes": _peak_rss_bytes(),
    }


def measure_in_subprocess(steps: int, keep_errors: bool = True, timeout: float = 600.0) -> dict:
    """:func:`measure_here` in a new Python process, so earlier work does not mask the peak."""
    code = (
        f"import json, nncore_bench.memory as m; print(json.dumps(m.measure_here({int(steps)}, {bool(keep_errors)})))"
    )
    # The child must import this very nncore, not a source tree that happens
    # to be the working directory (which ``python -c`` puts first on the path),
    # and this suite, which is not installed.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(nncore.__file__)))
    suite_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([package_root, suite_root, *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    with tempfile.TemporaryDirectory() as elsewhere:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=elsewhere,
            env=environment,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the memory probe failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)
