"""Peak memory of ``Network.fit`` on the XOR workload, measured in a fresh process.

``python -m nncore.bench.memory STEPS`` trains ``[2, 10, 10, 1]`` for STEPS
random per-sample steps and prints, as JSON, the peak of the memory traced by
``tracemalloc`` during the fit (Python objects and numpy arrays) and the
process's peak resident set size before and after it.
"""

from __future__ import annotations

import json
import subprocess
import sys


def _max_rss_bytes() -> int | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


def measure_here(steps: int) -> dict:
    """Train in this process and report its memory (call it in a fresh process)."""
    import tracemalloc

    from nncore.bench.workloads import WORKLOADS, make_case
    from nncore.network import Network

    case = make_case(WORKLOADS["W1"], steps=1)
    net = Network.from_dict(case.start)
    rss_before = _max_rss_bytes()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    result = net.fit(case.inputs, case.targets, steps=steps, order="random", seed=case.seed)
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    return {"steps": steps, "epochs": int(result.epochs), "tracemalloc_peak_bytes": peak,
            "loss_curve_bytes": int(result.errors.nbytes),
            "max_rss_before_bytes": rss_before, "max_rss_after_bytes": _max_rss_bytes()}


def measure_in_subprocess(steps: int, timeout: float = 600.0) -> dict:
    """:func:`measure_here` in a new Python process, so earlier work does not mask the peak."""
    done = subprocess.run([sys.executable, "-m", "nncore.bench.memory", str(steps)],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"the memory probe failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


if __name__ == "__main__":
    print(json.dumps(measure_here(int(sys.argv[1]))))
