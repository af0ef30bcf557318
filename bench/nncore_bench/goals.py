"""The speed goals nncore sets itself, and where a run's measurements put them.

Goals are shown, never enforced: a benchmark run does not fail on them.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass
class Goal:
    """One target, e.g. "fit is no slower than plain C on W1: fit/C <= 1.05"."""

    text: str
    quantity: str
    """What is measured, e.g. "fit / C" (time ratio) or "us per call"."""
    comparison: str
    """"<=" or ">="."""
    target: float
    measured: float | None
    workload: str | None = None
    row: str | None = None
    """The implementation row of the workload table this goal belongs to."""

    @property
    def status(self) -> str:
        if self.measured is None:
            return "not measured"
        met = self.measured <= self.target if self.comparison == "<=" else self.measured >= self.target
        return "met" if met else "not met"

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "quantity": self.quantity,
            "comparison": self.comparison,
            "target": self.target,
            "measured": self.measured,
            "status": self.status,
            "workload": self.workload,
            "row": self.row,
        }


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def evaluate(per_step: dict, extras: dict) -> list[Goal]:
    """Goals with their measured values.

    Parameters
    ----------
    per_step : dict
        ``per_step[workload][implementation]``: microseconds per step.
    extras : dict
        The extra measurements (see :mod:`nncore_bench.extras`), possibly empty.
    """
    goals: list[Goal] = []

    def us(workload: str, key: str) -> float | None:
        return per_step.get(workload, {}).get(key)

    for workload, bound, how in [
        ("W1", 0.5, "at least twice as fast as"),
        ("W2", 0.5, "at least twice as fast as"),
        ("W3", 0.4, "faster than"),
        ("W4", 0.4, "faster than"),
        ("W5", 0.4, "faster than"),
    ]:
        if workload in per_step:
            goals.append(
                Goal(
                    f"fit {how} the plain C loop on {workload}",
                    "fit time / C time",
                    "<=",
                    bound,
                    _ratio(us(workload, "fit"), us(workload, "c")),
                    workload,
                    "c",
                )
            )
    for workload, bound in [("W4", 0.20), ("W5", 0.25)]:
        if workload in per_step:
            goals.append(
                Goal(
                    f"fit of a float32 network faster than the plain C loop (float64) on {workload}",
                    "fit float32 time / C time",
                    "<=",
                    bound,
                    _ratio(us(workload, "fit_float32"), us(workload, "c")),
                    workload,
                    "c",
                )
            )
    for workload in per_step:
        for key, kind in [("train_list", "lists"), ("train_numpy", "numpy rows")]:
            if us(workload, key) is not None:
                goals.append(
                    Goal(
                        f"fit no slower than a train() loop ({kind}) on {workload}",
                        "fit time / train() time",
                        "<=",
                        1.0,
                        _ratio(us(workload, "fit"), us(workload, key)),
                        workload,
                        key,
                    )
                )

    per_call = extras.get("train_per_call", {})
    for key, kind in [("train_list", "lists"), ("train_numpy", "numpy rows")]:
        value = us("W1", key) if us("W1", key) is not None else per_call.get(key)
        if "W1" in per_step or key in per_call:
            goals.append(Goal(f"train() per call on W1, {kind}", "us per call", "<=", 0.6, value, "W1", key))
        if "W1" in per_step:
            goals.append(
                Goal(
                    f"train() per call on W1, {kind}, against the pure-Python reference",
                    "reference time / train() time",
                    ">=",
                    30.0,
                    _ratio(us("W1", "reference"), us("W1", key)),
                    "W1",
                    key,
                )
            )

    if "W1" in per_step:
        goals.append(
            Goal(
                "train() per call on W1, lists, faster than a step of the plain C loop",
                "train() time / C time",
                "<=",
                0.8,
                _ratio(us("W1", "train_list"), us("W1", "c")),
                "W1",
                "train_list",
            )
        )
    goals += _inference_goals(extras.get("inference", {}))
    goals += _population_goals(extras.get("populations", {}), us("W1", "c"))

    for workload, factor in [("W1", 60.0), ("W3", 100.0), ("W4", 100.0), ("W5", 100.0)]:
        if workload in per_step:
            goals.append(
                Goal(
                    f"fit against the pure-Python reference on {workload}",
                    "reference time / fit time",
                    ">=",
                    factor,
                    _ratio(us(workload, "reference"), us(workload, "fit")),
                    workload,
                    "reference",
                )
            )

    if "W4" in per_step:
        numpy_times = [t for t in (us("W4", "numpy"), us("W4", "numpy_blas")) if t is not None]
        fastest = min(numpy_times) if numpy_times else None
        row = None if fastest is None else ("numpy" if fastest == us("W4", "numpy") else "numpy_blas")
        goals.append(
            Goal(
                "fit against numpy per sample on W4 (the faster numpy variant)",
                "numpy time / fit time",
                ">=",
                2.5,
                _ratio(fastest, us("W4", "fit")),
                "W4",
                row,
            )
        )
        goals.append(
            Goal(
                "fit against PyTorch per sample on W4",
                "PyTorch time / fit time",
                ">=",
                3.0,
                _ratio(us("W4", "torch"), us("W4", "fit")),
                "W4",
                "torch",
            )
        )

    for entry in extras.get("predict", []):
        goals.append(
            Goal(
                f"predict on {entry['rows']:,} rows of {entry['workload']}'s network against a numpy "
                "matrix-product forward pass",
                "numpy time / predict time",
                ">=",
                1.0,
                _ratio(entry["numpy_us_per_row"], entry["predict_us_per_row"]),
            )
        )

    runs = [run for run in extras.get("memory", {}).get("runs", []) if not run.get("keep_errors", True)]
    if len(runs) >= 2:
        growth = (runs[-1]["tracemalloc_peak_bytes"] - runs[0]["tracemalloc_peak_bytes"]) / MiB
        goals.append(
            Goal(
                f"fit's memory does not grow with steps ({runs[0]['steps']:,} to {runs[-1]['steps']:,} "
                "steps on W1, keep_errors=False)",
                "growth of traced peak, MiB",
                "<=",
                1.0,
                growth,
            )
        )

    for entry in extras.get("threads", []):
        goals.append(
            Goal(
                f"two networks on two threads against one after the other ({entry['workload']})",
                "throughput ratio",
                ">=",
                1.7,
                entry["throughput_ratio"],
            )
        )
    return goals


def _inference_goals(calls: dict) -> list[Goal]:
    """predict, likely and predict_proba against the cheapest call, activate (see nncore_bench.inference)."""
    if not calls:
        return []
    name = f"{calls['workload']}'s network"
    rows = f"{calls['rows']:,} rows"
    return [
        Goal(
            f"predict of one row (list) on {name} within 3x an activate call",
            "predict time / activate time",
            "<=",
            3.0,
            _ratio(calls.get("predict_list"), calls.get("activate")),
        ),
        Goal(
            f"predict of one row (numpy) on {name} within 3x an activate call",
            "predict time / activate time",
            "<=",
            3.0,
            _ratio(calls.get("predict_numpy"), calls.get("activate")),
        ),
        Goal(
            f"predict of {rows} on {name}: a row no dearer than an activate call",
            "predict time per row / activate time",
            "<=",
            1.0,
            _ratio(calls.get("predict_rows"), calls.get("activate")),
        ),
        Goal(
            f"likely of one row (list) on {name} within 1.2x predict",
            "likely time / predict time",
            "<=",
            1.2,
            _ratio(calls.get("likely_list"), calls.get("predict_list")),
        ),
        Goal(
            f"NetworkClassifier.predict_proba of {rows} within 1.5x its network's predict",
            "predict_proba time / predict time",
            "<=",
            1.5,
            _ratio(calls.get("predict_proba_rows"), calls.get("classifier_network_predict_rows")),
        ),
    ]


def _population_goals(populations: dict, c_us_per_step: float | None) -> list[Goal]:
    """fit_many's throughput (million steps per second) against the plain C loop and a loop of fit."""
    goals = []
    xor = populations.get("xor")
    if xor:
        c_rate = None if c_us_per_step is None else 1.0 / c_us_per_step
        goals += [
            Goal(
                f"fit_many on {xor['networks']:,} XOR networks [2, 10, 10, 1], one thread, against the plain C loop",
                "fit_many steps per second / C steps per second",
                ">=",
                8.0,
                _ratio(xor["fit_many_1"], c_rate),
            ),
            Goal(
                f"fit_many on {xor['networks']:,} XOR networks: two threads against one",
                "throughput ratio",
                ">=",
                1.8,
                _ratio(xor["fit_many_2"], xor["fit_many_1"]),
            ),
        ]
    digits = populations.get("digits")
    if digits:
        goals.append(
            Goal(
                f"fit_many on {digits['networks']:,} networks [64, 32, 10] against a loop of fit",
                "fit_many steps per second / loop steps per second",
                ">=",
                2.0,
                _ratio(digits["fit_many_1"], digits["loop"]),
            )
        )
    return goals
