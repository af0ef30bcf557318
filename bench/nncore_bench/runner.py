"""``python bench/run.py``: check, then time, every implementation on the selected workloads.

The run goes in three phases: a short probe of each implementation (its cost
per step, and a first warm-up), the correctness check of every comparable
implementation against ``Network.fit`` (the run stops there if one
disagrees), then the timings and the extra measurements.  The report goes to
stdout as markdown; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from nncore_bench import extras as extra_measurements
from nncore_bench import goals as goal_table
from nncore_bench import inference, report
from nncore_bench.checks import CheckFailed, check_against_fit, raise_on_disagreement
from nncore_bench.implementations import NONE, Implementation, PlainC, all_implementations
from nncore_bench.timing import Plan, measure_interleaved, probe, runs_per_round, steps_within
from nncore_bench.workloads import WORKLOADS, Case, make_case

PROG = "python bench/run.py"
"""How the suite is run (from the root of a clone), as shown in messages and reports."""


@dataclass(frozen=True)
class Settings:
    """How long each phase may take: full runs and ``--quick`` runs differ only here."""

    probe_seconds: float
    check_seconds: float
    budget_seconds: float
    memory_steps: tuple[int, int]
    thread_steps: tuple[tuple[str, int], ...]
    predict_rows: tuple[tuple[str, int], ...]
    per_call_rows: int
    """Rows of the per-call inference measurements' batch (predict, predict_proba)."""
    populations: tuple[int, int]
    """Networks of fit_many's XOR and digits-shaped populations."""
    min_steps: int
    """Fewest steps an implementation is timed or checked on, however slow."""
    fit_budget_seconds: float | None = None
    """Longest run of ``fit`` before it too times a prefix (None: it always runs every step)."""


FULL = Settings(
    probe_seconds=0.05,
    check_seconds=1.0,
    budget_seconds=0.5,
    memory_steps=(10**5, 10**7),
    thread_steps=(("W1", 1_000_000), ("W4", 2_000)),
    predict_rows=(("W1", 100_000), ("W4", 10_000)),
    per_call_rows=10_000,
    populations=(1024, 64),
    min_steps=20,
)
QUICK = Settings(
    probe_seconds=0.01,
    check_seconds=0.1,
    budget_seconds=0.03,
    memory_steps=(10**5, 10**6),
    thread_steps=(("W1", 100_000), ("W4", 200)),
    predict_rows=(("W1", 20_000), ("W4", 1_000)),
    per_call_rows=10_000,
    populations=(256, 16),
    min_steps=3,
    fit_budget_seconds=0.1,
)


def _workload_list(text: str) -> list[str]:
    names = [name.strip().upper() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in WORKLOADS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of {', '.join(WORKLOADS)}, got {text!r}")
    return list(dict.fromkeys(names))


def _implementation_list(text: str) -> list[str]:
    keys = [impl.key for impl in all_implementations()]
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in keys]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of {', '.join(keys)}, got {text!r}")
    return names


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``python bench/run.py``."""
    parser.add_argument("--quick", action="store_true", help="short timings and extras, under a minute (for CI)")
    parser.add_argument(
        "--workloads",
        type=_workload_list,
        default=list(WORKLOADS),
        metavar="W1,W3",
        help=f"workloads to run (default: all of {','.join(WORKLOADS)})",
    )
    parser.add_argument(
        "--implementations",
        type=_implementation_list,
        metavar="fit,c,...",
        help="implementations to run (default: all available; fit always runs)",
    )
    parser.add_argument(
        "--repeats",
        type=_positive_int,
        default=5,
        help="timed rounds per workload, each running every implementation in turn (default 5)",
    )
    parser.add_argument(
        "--budget",
        type=_positive_float,
        metavar="SECONDS",
        help="longest repeat before an implementation times a prefix of the steps "
        f"(default {FULL.budget_seconds:g}, {QUICK.budget_seconds:g} with --quick)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights, data and sample order")
    parser.add_argument(
        "--reference-on-w2", action="store_true", help="also time the pure-Python reference on W2 (skipped by default)"
    )
    parser.add_argument(
        "--no-extras", action="store_true", help="skip train() per call, predict, memory and thread measurements"
    )
    parser.add_argument("--json", metavar="FILE", help="write the raw results as JSON")
    parser.add_argument("--plot", metavar="FILE.png", help="draw a bar chart (needs matplotlib)")


def _runs_on(implementation: Implementation, case: Case, args: argparse.Namespace) -> bool:
    if implementation.key == "reference" and not case.workload.reference_by_default:
        return args.reference_on_w2
    return True


@contextlib.contextmanager
def one_blas_thread() -> Iterator[str]:
    """Hold numpy's BLAS to one thread, like every other loop here; yields what was done.

    A second BLAS thread only competes with the loop on a small machine, and its
    start-up and spinning make timings erratic.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is None:  # outside the except block, so later errors are not chained to it
        yield "the library's default (threadpoolctl not installed)"
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield "1 (threadpoolctl)"


def run(args: argparse.Namespace, command: str = PROG) -> int:
    """Run the benchmark described by parsed ``args``; returns the exit status."""
    with one_blas_thread() as blas_threads:
        return _run(args, command, blas_threads)


def _run(args: argparse.Namespace, command: str, blas_threads: str) -> int:
    settings = QUICK if args.quick else FULL
    budget = args.budget if args.budget is not None else settings.budget_seconds
    implementations, skipped = _available_implementations(args.implementations)
    cases = {}
    for name in args.workloads:
        report.progress(f"preparing {name}")
        cases[name] = make_case(WORKLOADS[name], seed=args.seed)
    costs = _probe(cases, implementations, settings, args)
    agreements = _check(cases, implementations, costs, settings)
    try:
        raise_on_disagreement(agreements)
    except CheckFailed as failure:
        print(f"{PROG}: CORRECTNESS CHECK FAILED\n{failure}", file=sys.stderr)
        return 1
    workloads = {
        name: _time_workload(case, implementations, costs, skipped, settings, budget, args)
        for name, case in cases.items()
    }
    extras = {} if args.no_extras else _extras(cases, settings, args)
    per_step = {name: {row["key"]: row["us_per_step"] for row in w["rows"]} for name, w in workloads.items()}
    c_loop = next((i for i in implementations if i.key == "c"), None)
    results = {
        "machine": report.machine(),
        "settings": {
            "command": command,
            "quick": args.quick,
            "repeats": args.repeats,
            "warmups": 1,
            "budget_seconds": budget,
            "fit_budget_seconds": settings.fit_budget_seconds,
            "seed": args.seed,
            "blas_threads": blas_threads,
            "c_compiler": c_loop.version() if c_loop else skipped.get(PlainC.label, "not run"),
        },
        "checks": [a.as_dict() for a in agreements],
        "workloads": workloads,
        "extras": extras,
        "goals": [g.as_dict() for g in goal_table.evaluate(per_step, extras)],
        "notes": {i.label: i.note for i in implementations if i.note},
    }
    print(report.markdown(results))
    if args.json:
        report.write_json(results, args.json)
        report.progress(f"wrote {args.json}")
    if args.plot:
        problem = report.plot(results, args.plot)
        report.progress(f"no plot: {problem}" if problem else f"wrote {args.plot}")
    return 0


def _available_implementations(wanted: list[str] | None) -> tuple[list[Implementation], dict[str, str]]:
    """The implementations to run (``fit`` always), and why the others that were wanted cannot run."""
    implementations, skipped = [], {}
    for implementation in all_implementations():
        if wanted and implementation.key not in wanted and implementation.key != "fit":
            continue
        reason = implementation.unavailable()
        if reason:
            skipped[implementation.label] = reason
            report.progress(f"skipping {implementation.label}: {reason}")
        else:
            implementations.append(implementation)
    return implementations, skipped


def _trial_maker(implementation: Implementation, case: Case):
    return lambda steps: implementation.prepare(case, steps)


def _probe(cases: dict, implementations: list, settings: Settings, args: argparse.Namespace) -> dict:
    """Seconds per step of every implementation on every workload it runs on (and a first warm-up)."""
    costs = {}
    for name, case in cases.items():
        for implementation in implementations:
            if _runs_on(implementation, case, args):
                report.progress(f"probing {name} {implementation.key}")
                costs[name, implementation.key] = probe(
                    _trial_maker(implementation, case), case.steps, settings.probe_seconds
                )
    return costs


def _check(cases: dict, implementations: list, costs: dict, settings: Settings) -> list:
    """Every comparable implementation against ``fit``, on as many steps as the check's time allows."""
    agreements = []
    for name, case in cases.items():
        fit_cache: dict = {}
        for implementation in implementations:
            key = implementation.key
            if key == "fit" or implementation.agreement == NONE or (name, key) not in costs:
                continue
            steps = steps_within(
                costs[name, key], settings.check_seconds, case.steps, min(case.steps, settings.min_steps)
            )
            agreement = check_against_fit(case, implementation, steps, fit_cache)
            report.progress(
                f"check {name} {key}: {steps} steps, max |difference| from fit {agreement.max_difference:.3g}"
            )
            agreements.append(agreement)
    return agreements


def _time_workload(
    case: Case,
    implementations: list,
    costs: dict,
    skipped: dict,
    settings: Settings,
    budget: float,
    args: argparse.Namespace,
) -> dict:
    """Time every implementation on ``case``, interleaved, ``fit`` first (on every step unless ``--quick``)."""
    plans, labels = [], {}
    for implementation in implementations:
        if (case.name, implementation.key) not in costs:
            continue
        cost = costs[case.name, implementation.key]
        if implementation.key == "fit":
            fit_budget = settings.fit_budget_seconds
            steps = case.steps if fit_budget is None else steps_within(cost, fit_budget, case.steps)
        else:
            steps = steps_within(cost, budget, case.steps, min(case.steps, settings.min_steps))
        plans.append(
            Plan(implementation.key, _trial_maker(implementation, case), steps, runs_per_round(cost, steps, budget))
        )
        labels[implementation.key] = implementation.label
    report.progress(
        f"timing {case.name}: "
        + ", ".join(f"{p.key} {p.steps} steps x {p.runs_per_round}" for p in plans)
        + f", {args.repeats} rounds"
    )
    timings = measure_interleaved(plans, args.repeats)
    rows = [
        {
            "key": key,
            "label": labels[key],
            "steps_timed": timing.steps,
            "seconds": timing.seconds,
            "us_per_step": timing.us_per_step,
            "best_us_per_step": timing.best_us_per_step,
        }
        for key, timing in timings.items()
    ]
    for row in rows:
        row["ratio_to_fit"] = row["us_per_step"] / timings["fit"].us_per_step
    workload_skips = dict(skipped)
    for implementation in implementations:
        if not _runs_on(implementation, case, args):
            workload_skips[implementation.label] = f"not run on {case.name} unless --reference-on-w2"
    return {
        "sizes": list(case.sizes),
        "steps": case.steps,
        "order": case.workload.order,
        "rows_of_data": len(case.inputs),
        "description": case.workload.description,
        "data_note": case.data_note,
        "rows": rows,
        "skipped": workload_skips,
    }


def _extras(cases: dict, settings: Settings, args: argparse.Namespace) -> dict:
    w1 = cases.get("W1") or make_case(WORKLOADS["W1"], seed=args.seed)
    report.progress("extras: train() per call")
    result = {"train_per_call": extra_measurements.train_per_call(w1, args.repeats)}
    report.progress("extras: fit's cost per call")
    result["fit_call_cost"] = [extra_measurements.fit_call_cost(case, args.repeats) for case in cases.values()]
    report.progress("extras: predict")
    result["predict"] = [
        extra_measurements.predict_vs_numpy(name, rows, args.repeats) for name, rows in settings.predict_rows
    ]
    report.progress("extras: predict, likely and predict_proba per call")
    result["inference"] = inference.per_call(w1, settings.per_call_rows, args.repeats)
    report.progress("extras: fit_many on populations")
    result["populations"] = inference.populations(*settings.populations, min(args.repeats, 3))
    report.progress(f"extras: memory of fit for {settings.memory_steps} steps")
    result["memory"] = extra_measurements.fit_memory(list(settings.memory_steps))
    report.progress("extras: two threads")
    result["threads"] = [
        extra_measurements.two_threads(name, steps, args.repeats) for name, steps in settings.thread_steps
    ]
    return result


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Parse ``argv`` and run; the entry point of ``bench/run.py``."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    add_arguments(parser)
    arguments = list(sys.argv[1:] if argv is None else argv)
    return run(parser.parse_args(arguments), shlex.join([*prog.split(), *arguments]))
