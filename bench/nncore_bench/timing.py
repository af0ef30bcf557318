"""Timing one prepared loop: a probe for its cost per step, then warm-up and repeats."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nncore_bench.implementations import Trial


def time_once(trial: Trial) -> float:
    """Seconds taken by ``trial.run()``, with the garbage collector paused (as timeit does)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        trial.run()
        return time.perf_counter() - started
    finally:
        if enabled:
            gc.enable()


def probe(make_trial: Callable[[int], Trial], full_steps: int, min_seconds: float) -> float:
    """Seconds per step, from runs of growing length until one lasts ``min_seconds`` (or is complete).

    Doubles as the first warm-up.
    """
    steps = min(full_steps, 4)
    while True:
        seconds = time_once(make_trial(steps))
        if seconds >= min_seconds or steps >= full_steps:
            return seconds / steps
        grow = 2.0 * min_seconds / max(seconds, 1e-9)
        steps = min(full_steps, max(steps * 2, int(steps * grow)))


def steps_within(seconds_per_step: float, budget: float, full_steps: int, minimum: int = 1) -> int:
    """The most steps (up to ``full_steps``, at least ``minimum``) that fit in ``budget`` seconds."""
    fitting = int(budget / seconds_per_step) if seconds_per_step > 0 else full_steps
    return max(1, min(full_steps, max(minimum, fitting)))


@dataclass
class Timing:
    """Repeated timings of the same number of steps."""

    steps: int
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def us_per_step(self) -> float:
        return self.median / self.steps * 1e6

    @property
    def best_us_per_step(self) -> float:
        """The fastest run: what the loop costs when nothing else on the machine disturbs it."""
        return min(self.seconds) / self.steps * 1e6


def measure(make_trial: Callable[[int], Trial], steps: int, repeats: int, warmups: int = 1) -> Timing:
    """Median-ready timings: ``warmups`` untimed runs, then ``repeats`` timed ones, each on a fresh trial."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    for _ in range(warmups):
        time_once(make_trial(steps))
    timing = Timing(steps)
    for _ in range(repeats):
        timing.seconds.append(time_once(make_trial(steps)))
    return timing


@dataclass
class Plan:
    """What to time for one implementation: its trials, their length and how many runs per round."""

    key: str
    make_trial: Callable[[int], Trial]
    steps: int
    runs_per_round: int = 1


def runs_per_round(seconds_per_step: float, steps: int, budget: float, most: int = 20) -> int:
    """Runs of ``steps`` steps that fit in ``budget`` seconds (1 to ``most``): short loops run several times."""
    seconds = seconds_per_step * steps
    return max(1, min(most, int(budget / seconds) if seconds > 0 else most))


def measure_interleaved(plans: list[Plan], rounds: int, warmups: int = 1) -> dict[str, Timing]:
    """Time every plan in turn, ``rounds`` times over, so that a change of load on a shared machine
    weighs on every implementation alike; each round runs each plan ``runs_per_round`` times."""
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    for plan in plans:
        for _ in range(warmups):
            time_once(plan.make_trial(plan.steps))
    timings = {plan.key: Timing(plan.steps) for plan in plans}
    for _ in range(rounds):
        for plan in plans:
            for _ in range(plan.runs_per_round):
                timings[plan.key].seconds.append(time_once(plan.make_trial(plan.steps)))
    return timings
