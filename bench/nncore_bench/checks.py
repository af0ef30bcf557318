"""The correctness check run before any timing: every implementation ends where nncore's fit does.

An implementation that sums in the reference's order must end with the same
weights, biases and momentum as ``Network.fit`` after the same steps (up to
``EXACT_TOLERANCE``: in practice they are equal, or a last-bit difference of
``exp`` between libraries); one that sums with BLAS must agree up to the
rounding accumulated over the run (``CLOSE_TOLERANCE``); a float32 network up to
float32's rounding accumulated over the run (``FLOAT32_TOLERANCE``).  A fast but wrong
kernel therefore never reaches the timing table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from nncore_bench.implementations import CLOSE, EXACT, FLOAT32, Fit, Implementation
from nncore_bench.parameters import largest_magnitude, max_difference
from nncore_bench.workloads import Case

EXACT_TOLERANCE = 1e-12
CLOSE_TOLERANCE = 1e-8
# float32's rounding (6e-8 per operation) compounds over a run: about 1e-6 after a few thousand
# steps, 0.4 % of the largest weight after a million XOR steps. So a float32 network is held to a
# tolerance relative to the largest weight (at least 1): a wrong kernel is off by far more.
FLOAT32_TOLERANCE = 2e-2
TOLERANCES = {EXACT: EXACT_TOLERANCE, CLOSE: CLOSE_TOLERANCE, FLOAT32: FLOAT32_TOLERANCE}


@dataclass
class Agreement:
    """How far one implementation ended from ``Network.fit`` on one workload."""

    workload: str
    implementation: str
    steps: int
    max_difference: float
    tolerance: float

    @property
    def passed(self) -> bool:
        return self.max_difference <= self.tolerance

    def as_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


class CheckFailed(AssertionError):
    """An implementation did not end with nncore's weights."""


def check_against_fit(
    case: Case, implementation: Implementation, steps: int, fit_layers_cache: dict | None = None
) -> Agreement:
    """Train ``steps`` steps with ``implementation`` and with ``Network.fit``; compare the results."""
    if implementation.agreement not in TOLERANCES:
        raise ValueError(f"{implementation.key} is not comparable with nncore")
    cache = {} if fit_layers_cache is None else fit_layers_cache
    if steps not in cache:
        fit = Fit().prepare(case, steps)
        fit.run()
        cache[steps] = fit.layers()
    trial = implementation.prepare(case, steps)
    trial.run()
    layers = trial.layers()
    difference = max_difference(cache[steps], layers)
    tolerance = TOLERANCES[implementation.agreement]
    if implementation.agreement == FLOAT32:
        tolerance *= max(1.0, largest_magnitude(cache[steps]))
    return Agreement(case.name, implementation.key, steps, difference, tolerance)


def raise_on_disagreement(agreements: list[Agreement]) -> None:
    """Raise :class:`CheckFailed` naming every implementation that ended elsewhere than nncore."""
    failed = [a for a in agreements if not a.passed]
    if failed:
        lines = [
            f"  {a.workload} {a.implementation}: max |difference| {a.max_difference:.3g} after "
            f"{a.steps} steps (tolerance {a.tolerance:g})"
            for a in failed
        ]
        raise CheckFailed(
            "these implementations do not end with nncore's weights; no timing was done:\n" + "\n".join(lines)
        )
