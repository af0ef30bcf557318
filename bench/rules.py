"""Measure nncore's learning rules: quality against scikit-learn and libfann, speed on W4.

Usage: python bench/rules.py [--quick] [--markdown FILE] [--json FILE]

Run from a clone's root.  It prints a markdown report with three sections:

1. digits (scikit-learn's, 75/25 split): softmax + cross-entropy networks
   trained per sample with SGD and with Adam, against ``MLPClassifier`` at the
   same hidden size and epochs: test accuracy and fit time;
2. RPROP against libfann's ``fann_train_epoch`` with ``FANN_TRAIN_RPROP`` on
   XOR and digits, from the same starting weights: epochs to the same MSE and
   time per epoch;
3. speed on W4 ([784, 128, 10], random data): time per sample of SGD, Adam,
   mini-batches of 10 and 100 and SGD with weight decay, in float64 and float32.

A full run writes ``bench/rules.md`` and ``bench/rules.json`` beside this
script; ``--quick`` (seconds, smaller settings) writes only where asked.
Sections whose baseline is missing (scikit-learn, a C compiler or libfann)
are reported as skipped, with the reason.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

import nncore  # noqa: E402
from nncore_bench import timing, workloads  # noqa: E402
from nncore_bench.fann_rprop import FannRprop, FannUnavailable  # noqa: E402
from nncore_bench.goals import Goal  # noqa: E402
from nncore_bench.implementations import Trial  # noqa: E402
from nncore_bench.report import machine  # noqa: E402
from nncore_bench.runner import one_blas_thread  # noqa: E402
from nncore_bench.workloads import XOR_INPUTS, XOR_TARGETS  # noqa: E402

SPLIT_SEED = 0
TEST_SIZE = 0.25
FANN_ACTIVATION = "sigmoid"
"""nncore's sigmoid is libfann's FANN_SIGMOID at steepness 0.5 (1 / (1 + exp(-2 * 0.5 * x)))."""


@dataclass(frozen=True)
class Settings:
    """How much to run: ``full()`` for the committed report, ``quick()`` for a check in seconds."""

    quick: bool
    seeds: int
    hidden: int
    epochs: int
    activation: str
    xor_sizes: tuple[int, ...]
    xor_target: float
    xor_max_epochs: int
    xor_seeds: int
    rprop_digits_sizes: tuple[int, ...]
    rprop_digits_target: float
    rprop_digits_max_epochs: int
    rprop_digits_seeds: int
    xor_timed_epochs: int
    digits_timed_epochs: int
    rprop_repeats: int
    speed_epochs: int
    speed_rounds: int
    weight_decay: float

    @classmethod
    def full(cls) -> Settings:
        return cls(
            quick=False,
            seeds=5,
            hidden=32,
            epochs=30,
            activation="sigmoid",
            xor_sizes=(2, 3, 1),
            xor_target=0.001,
            xor_max_epochs=1000,
            xor_seeds=10,
            rprop_digits_sizes=(64, 32, 10),
            rprop_digits_target=0.001,
            rprop_digits_max_epochs=500,
            rprop_digits_seeds=5,
            xor_timed_epochs=20_000,
            digits_timed_epochs=100,
            rprop_repeats=5,
            speed_epochs=2,
            speed_rounds=11,
            weight_decay=1e-4,
        )

    @classmethod
    def quick_run(cls) -> Settings:
        return cls(
            quick=True,
            seeds=1,
            hidden=16,
            epochs=3,
            activation="sigmoid",
            xor_sizes=(2, 3, 1),
            xor_target=0.01,
            xor_max_epochs=200,
            xor_seeds=2,
            rprop_digits_sizes=(64, 8, 10),
            rprop_digits_target=0.02,
            rprop_digits_max_epochs=10,
            rprop_digits_seeds=1,
            xor_timed_epochs=200,
            digits_timed_epochs=2,
            rprop_repeats=1,
            speed_epochs=1,
            speed_rounds=1,
            weight_decay=1e-4,
        )


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# ------------------------------------------------------------------ 1. digits against scikit-learn


def digits_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Digits' pixels / 16 and one-hot targets, split 75/25 with a fixed seed; None without scikit-learn."""
    loaded = workloads.digits()
    if loaded is None:
        return None
    from sklearn.model_selection import train_test_split

    inputs, targets = loaded
    return tuple(train_test_split(inputs, targets, test_size=TEST_SIZE, random_state=SPLIT_SEED))


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Share of rows whose largest output is the target's class."""
    return float(np.mean(np.argmax(outputs, axis=1) == np.argmax(targets, axis=1)))


def nncore_digits_run(optimizer: str, split: tuple, settings: Settings, seed: int) -> dict:
    """Train a softmax + cross-entropy network per sample; its fit time and test accuracy."""
    x_train, x_test, y_train, y_test = split
    net = nncore.Network(
        [x_train.shape[1], settings.hidden, y_train.shape[1]],
        activation=[settings.activation, "softmax"],
        loss="cross_entropy",
        optimizer=optimizer,
        seed=seed,
    )
    started = time.perf_counter()
    net.fit(x_train, y_train, epochs=settings.epochs, seed=seed)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "accuracy": accuracy(net.predict(x_test), y_test)}


SKLEARN_ACTIVATIONS = {"sigmoid": "logistic", "tanh": "tanh", "relu": "relu"}


def sklearn_digits_run(solver: str, split: tuple, settings: Settings, seed: int) -> dict:
    """``MLPClassifier`` at the same hidden size and epochs (its other settings left at their defaults)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    x_train, x_test, y_train, y_test = split
    model = MLPClassifier(
        hidden_layer_sizes=(settings.hidden,),
        max_iter=settings.epochs,
        solver=solver,
        activation=SKLEARN_ACTIVATIONS[settings.activation],
        random_state=seed,
        n_iter_no_change=settings.epochs + 1,
    )
    labels = np.argmax(y_train, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # it runs exactly max_iter epochs, as asked
        started = time.perf_counter()
        model.fit(x_train, labels)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "accuracy": float(np.mean(model.predict(x_test) == np.argmax(y_test, axis=1)))}


DIGITS_ROWS = [
    ("nncore_sgd", "nncore, SGD per sample (lr 0.3, momentum 0.1)", lambda *a: nncore_digits_run("sgd", *a)),
    ("nncore_adam", "nncore, Adam per sample (lr 0.001)", lambda *a: nncore_digits_run("adam", *a)),
    ("sklearn_adam", 'MLPClassifier, solver="adam" (batches of 200)', lambda *a: sklearn_digits_run("adam", *a)),
    ("sklearn_sgd", 'MLPClassifier, solver="sgd" (batches of 200)', lambda *a: sklearn_digits_run("sgd", *a)),
]


def digits_section(settings: Settings) -> dict:
    """Every row once per seed, the rows in turn within a seed; medians over the seeds."""
    split = digits_split()
    if split is None:
        return {"skipped": "scikit-learn is not installed (pip install scikit-learn)"}
    runs: dict[str, list[dict]] = {key: [] for key, _, _ in DIGITS_ROWS}
    with one_blas_thread() as blas_threads:
        for seed in range(settings.seeds):
            for key, _, run in DIGITS_ROWS:
                runs[key].append(run(split, settings, seed))
    rows = [
        {
            "key": key,
            "label": label,
            "runs": runs[key],
            "accuracy": median([r["accuracy"] for r in runs[key]]),
            "seconds": median([r["seconds"] for r in runs[key]]),
        }
        for key, label, _ in DIGITS_ROWS
    ]
    return {
        "train_rows": len(split[0]),
        "test_rows": len(split[1]),
        "hidden": settings.hidden,
        "epochs": settings.epochs,
        "activation": settings.activation,
        "seeds": settings.seeds,
        "blas_threads": blas_threads,
        "rows": rows,
    }


# ------------------------------------------------------------------ 2. RPROP against libfann


def mse(net: nncore.Network, inputs: np.ndarray, targets: np.ndarray) -> float:
    """libfann's MSE, from the network's predictions: the mean over rows and outputs of (t - o)^2."""
    return float(np.mean((targets - net.predict(inputs)) ** 2))


def rprop_network(sizes: tuple[int, ...], seed: int) -> nncore.Network:
    return nncore.Network(list(sizes), activation=FANN_ACTIVATION, optimizer="rprop", seed=seed)


def nncore_curve(
    start: dict, inputs: np.ndarray, targets: np.ndarray, max_epochs: int, target_mse: float
) -> list[float]:
    """nncore's MSE after each whole-batch epoch, until it is at most ``target_mse``."""
    net = nncore.Network.from_dict(start)
    errors = []
    for _ in range(max_epochs):
        net.fit(inputs, targets, epochs=1, batch_size=None, order="sequential")
        errors.append(mse(net, inputs, targets))
        if errors[-1] <= target_mse:
            break
    return errors


def nncore_rprop_seconds(start: dict, inputs: np.ndarray, targets: np.ndarray, epochs: int) -> float:
    net = nncore.Network.from_dict(start)
    started = time.perf_counter()
    net.fit(inputs, targets, epochs=epochs, batch_size=None, order="sequential")
    return time.perf_counter() - started


def epochs_to(curve: list[float], target_mse: float) -> int | None:
    """The first epoch whose MSE is at most ``target_mse`` (1-based), or None."""
    return next((epoch for epoch, error in enumerate(curve, 1) if error <= target_mse), None)


def rprop_problem(
    fann: FannRprop,
    name: str,
    sizes: tuple[int, ...],
    inputs: np.ndarray,
    targets: np.ndarray,
    target_mse: float,
    max_epochs: int,
    seeds: int,
    timed_epochs: int,
    repeats: int,
) -> dict:
    """Epochs to ``target_mse`` for each seed, then interleaved timings of ``timed_epochs`` epochs."""
    runs = []
    for seed in range(seeds):
        net = rprop_network(sizes, seed)
        start, text = net.to_dict(), net.to_fann()
        ours = nncore_curve(start, inputs, targets, max_epochs, target_mse)
        theirs = fann.curve(text, inputs, targets, max_epochs, target_mse)
        runs.append(
            {
                "seed": seed,
                "nncore_epochs": epochs_to(ours, target_mse),
                "fann_epochs": epochs_to(theirs, target_mse),
                "nncore_first_mse": ours[0],
                "fann_first_mse": theirs[0],
                "nncore_last_mse": ours[-1],
                "fann_last_mse": theirs[-1],
            }
        )
    net = rprop_network(sizes, 0)
    start, text = net.to_dict(), net.to_fann()
    ours_seconds, theirs_seconds = [], []
    nncore_rprop_seconds(start, inputs, targets, max(1, timed_epochs // 10))  # warm-up
    for _ in range(repeats):
        ours_seconds.append(nncore_rprop_seconds(start, inputs, targets, timed_epochs))
        theirs_seconds.append(fann.seconds(text, inputs, targets, timed_epochs))

    def reached(key: str) -> list[int]:
        return [run[key] for run in runs if run[key] is not None]

    us_ours = median(ours_seconds) / timed_epochs * 1e6
    us_theirs = median(theirs_seconds) / timed_epochs * 1e6
    return {
        "name": name,
        "sizes": list(sizes),
        "rows": len(inputs),
        "target_mse": target_mse,
        "max_epochs": max_epochs,
        "runs": runs,
        "nncore_reached": len(reached("nncore_epochs")),
        "fann_reached": len(reached("fann_epochs")),
        "nncore_median_epochs": median(reached("nncore_epochs")),
        "fann_median_epochs": median(reached("fann_epochs")),
        "timed_epochs": timed_epochs,
        "nncore_seconds": ours_seconds,
        "fann_seconds": theirs_seconds,
        "nncore_us_per_epoch": us_ours,
        "fann_us_per_epoch": us_theirs,
        "time_ratio": us_ours / us_theirs,
    }


def rprop_section(settings: Settings) -> dict:
    try:
        fann = FannRprop()
    except FannUnavailable as error:
        return {"skipped": str(error)}
    problems = [
        rprop_problem(
            fann,
            "XOR",
            settings.xor_sizes,
            np.array(XOR_INPUTS, dtype=float),
            np.array(XOR_TARGETS, dtype=float),
            settings.xor_target,
            settings.xor_max_epochs,
            settings.xor_seeds,
            settings.xor_timed_epochs,
            settings.rprop_repeats,
        )
    ]
    split = digits_split()
    skipped = {}
    if split is None:
        skipped["digits"] = "scikit-learn is not installed (the digits come from it)"
    else:
        problems.append(
            rprop_problem(
                fann,
                "digits (training split)",
                settings.rprop_digits_sizes,
                split[0],
                split[2],
                settings.rprop_digits_target,
                settings.rprop_digits_max_epochs,
                settings.rprop_digits_seeds,
                settings.digits_timed_epochs,
                settings.rprop_repeats,
            )
        )
    return {"fann": fann.description, "problems": problems, "skipped": skipped}


# ------------------------------------------------------------------ 3. speed on W4


@dataclass(frozen=True)
class SpeedRow:
    """One rule timed on W4."""

    key: str
    label: str
    optimizer: str
    batch_size: int
    decays: bool = False
    """Whether the network has the settings' weight decay (else none)."""


SPEED_ROWS = [
    SpeedRow("sgd", "SGD, per sample", "sgd", 1),
    SpeedRow("adam", "Adam, per sample", "adam", 1),
    SpeedRow("sgd_batch10", "SGD, mini-batches of 10", "sgd", 10),
    SpeedRow("sgd_batch100", "SGD, mini-batches of 100", "sgd", 100),
    SpeedRow("adam_batch10", "Adam, mini-batches of 10", "adam", 10),
    SpeedRow("sgd_decay", "SGD with weight decay, per sample", "sgd", 1, decays=True),
]


def speed_trial(case: workloads.Case, dtype: str, row: SpeedRow, settings: Settings) -> Callable[[int], Trial]:
    """Trials of ``settings.speed_epochs`` shuffled epochs of ``fit`` on a fresh network of the case's start."""
    inputs, targets = case.data_as(np.dtype(dtype))
    weight_decay = settings.weight_decay if row.decays else 0.0

    def make(_steps: int) -> Trial:
        net = nncore.Network(
            list(case.sizes), seed=case.seed, dtype=dtype, optimizer=row.optimizer, weight_decay=weight_decay
        )
        return Trial(
            lambda: net.fit(
                inputs,
                targets,
                epochs=settings.speed_epochs,
                order="shuffle",
                seed=case.seed,
                batch_size=row.batch_size,
            ),
            list,
        )

    return make


def speed_row(row: SpeedRow, measured: timing.Timing, base_us: float) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "batch_size": row.batch_size,
        "us_per_sample": measured.us_per_step,
        "best_us_per_sample": measured.best_us_per_step,
        "ratio_to_sgd": measured.us_per_step / base_us,
        "seconds": measured.seconds,
    }


def speed_section(settings: Settings) -> dict:
    workload = workloads.WORKLOADS["W4"]
    case = workloads.make_case(workload)
    samples = settings.speed_epochs * len(case.inputs)
    plans = [
        timing.Plan(f"{dtype}:{row.key}", speed_trial(case, dtype, row, settings), samples)
        for dtype in ("float64", "float32")
        for row in SPEED_ROWS
    ]
    timings = timing.measure_interleaved(plans, settings.speed_rounds)
    tables = {}
    for dtype in ("float64", "float32"):
        base = timings[f"{dtype}:sgd"].us_per_step
        tables[dtype] = [speed_row(row, timings[f"{dtype}:{row.key}"], base) for row in SPEED_ROWS]
    return {
        "workload": "W4",
        "sizes": list(workload.sizes),
        "rows": len(case.inputs),
        "epochs": settings.speed_epochs,
        "samples_per_run": samples,
        "rounds": settings.speed_rounds,
        "weight_decay": settings.weight_decay,
        "tables": tables,
    }


# ------------------------------------------------------------------ goals and the report


SHORT_NAMES = {
    "nncore_sgd": "nncore SGD",
    "nncore_adam": "nncore Adam",
    "sklearn_sgd": "MLPClassifier sgd",
    "sklearn_adam": "MLPClassifier adam",
}


def goals(results: dict) -> list[Goal]:
    """The requirement's targets, with what this run measured (None where not measured)."""
    found: list[Goal] = []
    digits = {row["key"]: row for row in results["digits"].get("rows", [])}
    for ours, theirs in [
        ("nncore_sgd", "sklearn_sgd"),
        ("nncore_adam", "sklearn_adam"),
        ("nncore_sgd", "sklearn_adam"),
    ]:
        a, b = digits.get(ours), digits.get(theirs)
        pair = f"digits: {SHORT_NAMES[ours]} against {SHORT_NAMES[theirs]}"
        found.append(
            Goal(
                f"{pair}: at least its test accuracy",
                "accuracy difference",
                ">=",
                0.0,
                None if a is None else a["accuracy"] - b["accuracy"],
            )
        )
        found.append(
            Goal(
                f"{pair}: in less time", "fit time ratio", "<=", 1.0, None if a is None else a["seconds"] / b["seconds"]
            )
        )
    for table_dtype, table in results["speed"]["tables"].items():
        rows = {row["key"]: row for row in table}
        found.append(
            Goal(
                f"W4 {table_dtype}: an Adam step costs at most 1.5 SGD steps",
                "adam / sgd",
                "<=",
                1.5,
                rows["adam"]["ratio_to_sgd"],
            )
        )
        for key in ("sgd_batch10", "sgd_batch100"):
            found.append(
                Goal(
                    f"W4 {table_dtype}: an epoch in mini-batches of {key[len('sgd_batch') :]} is no slower "
                    "than a per-sample one",
                    f"{key} / sgd",
                    "<=",
                    1.0,
                    rows[key]["ratio_to_sgd"],
                )
            )
    return found


def _n(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"


def markdown(results: dict) -> str:
    """The report as markdown."""
    meta, settings = results["machine"], results["settings"]
    versions = ", ".join(f"{name} {version}" for name, version in meta["versions"].items() if version)
    load = f", load average {meta['load_average'][0]}" if meta.get("load_average") else ""
    lines = [
        "## nncore learning rules",
        "",
        f"- date: {meta['date']}",
        f"- machine: {meta['cpu']}, {meta['logical_cpus']} logical CPUs{load}; {meta['platform']}",
        f"- versions: {versions}",
        f"- command: `{results['command']}`"
        + (" (quick: small settings, numbers not meaningful)" if settings["quick"] else ""),
        "",
    ]
    lines += _digits_markdown(results["digits"])
    lines += _rprop_markdown(results["rprop"])
    lines += _speed_markdown(results["speed"])
    lines += [
        "### Goals",
        "",
        "Shown, not enforced.",
        "",
        "| goal | quantity | target | measured | status |",
        "|---|---|---|---:|---|",
    ]
    for goal in results["goals"]:
        sign = "≤" if goal["comparison"] == "<=" else "≥"
        lines.append(
            f"| {goal['text']} | {goal['quantity']} | {sign} {goal['target']:g} | "
            f"{_n(goal['measured'])} | {goal['status']} |"
        )
    lines.append("")
    return "\n".join(lines)


def _digits_markdown(digits: dict) -> list[str]:
    lines = ["### 1. Digits: softmax + cross-entropy against scikit-learn's MLPClassifier", ""]
    if "skipped" in digits:
        return lines + [f"Skipped: {digits['skipped']}.", ""]
    lines += [
        f"scikit-learn's digits, pixels / 16, split 75/25 (`train_test_split(random_state={SPLIT_SEED})`: "
        f"{digits['train_rows']} training rows, {digits['test_rows']} test rows). nncore: "
        f'`Network([64, {digits["hidden"]}, 10], activation=["{digits["activation"]}", "softmax"], '
        f'loss="cross_entropy")`, `fit(epochs={digits["epochs"]})` per sample in shuffled order; '
        f"MLPClassifier: `hidden_layer_sizes=({digits['hidden']},), max_iter={digits['epochs']}`, "
        f'activation "{SKLEARN_ACTIVATIONS[digits["activation"]]}", its other settings at their defaults '
        f"(batches of 200, L2 alpha 1e-4, lr 0.001; sgd with Nesterov momentum 0.9), "
        f"`n_iter_no_change` above `max_iter` so that it runs every epoch. "
        f"Fit time is the `fit` call alone; median over {digits['seeds']} seeds (initial weights and "
        f"order), numpy's BLAS threads: {digits['blas_threads']}. At these defaults MLPClassifier "
        f"updates its weights once per batch of 200 ({digits['epochs']} epochs: "
        f"{digits['epochs'] * -(-digits['train_rows'] // 200)} updates), nncore once per sample "
        f"({digits['epochs'] * digits['train_rows']:,} updates).",
        "",
        "| trainer | test accuracy (median) | fit time, s (median) | accuracies |",
        "|---|---:|---:|---|",
    ]
    for row in digits["rows"]:
        each = ", ".join(f"{r['accuracy']:.3f}" for r in row["runs"])
        lines.append(f"| {row['label']} | {row['accuracy']:.4f} | {_n(row['seconds'])} | {each} |")
    return lines + [""]


def _rprop_markdown(rprop: dict) -> list[str]:
    lines = ["### 2. RPROP against libfann", ""]
    if "problems" not in rprop:
        return lines + [f"Skipped: {rprop['skipped']}.", ""]
    lines += [
        f'nncore: `Network(sizes, activation="sigmoid", optimizer="rprop")`, '
        '`fit(X, Y, epochs=1, batch_size=None, order="sequential")` per epoch; '
        f"{rprop['fann']}: `fann_train_epoch` with `FANN_TRAIN_RPROP`, FANN_SIGMOID at steepness 0.5 "
        "(the same function), `FANN_ERRORFUNC_LINEAR`, increase 1.2, decrease 0.5, step 0.1 to start, "
        "between 0 and 50. Both start from the same weights (`net.to_fann()`), on the same data. "
        "The error is libfann's MSE, the mean over rows and outputs of (t - o)², of the weights after "
        "each epoch, computed in both cases from the outputs (nncore: `predict`; libfann: `fann_run`). "
        "Time per epoch: one run of many epochs each (nncore: one `fit` call, libfann: the program's own "
        "clock around its `fann_train_epoch` loop), median of interleaved repeats.",
        "",
        "| problem | sizes | target MSE | seeds reaching it, nncore / libfann | median epochs, nncore | "
        "median epochs, libfann | µs per epoch, nncore | µs per epoch, libfann | time ratio |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for p in rprop["problems"]:
        lines.append(
            f"| {p['name']} | {p['sizes']} | {p['target_mse']:g} | "
            f"{p['nncore_reached']} / {p['fann_reached']} of {len(p['runs'])} (at most "
            f"{p['max_epochs']:,} epochs) | {_n(p['nncore_median_epochs'])} | "
            f"{_n(p['fann_median_epochs'])} | {_n(p['nncore_us_per_epoch'])} | "
            f"{_n(p['fann_us_per_epoch'])} | {_n(p['time_ratio'])} |"
        )
    for name, reason in rprop.get("skipped", {}).items():
        lines.append(f"| {name}: skipped ({reason}) | | | | | | | | |")
    lines += ["", "Epochs per seed (nncore / libfann; - when not reached):", ""]
    for p in rprop["problems"]:
        each = ", ".join(f"{_n(r['nncore_epochs'])}/{_n(r['fann_epochs'])}" for r in p["runs"])
        lines.append(f"- {p['name']}: {each}")
    lines += [
        "",
        "libfann 2.2's iRprop- departs from the paper (Igel and Hüsken 2000), which nncore follows: "
        "it grows the step when the product of the gradients is zero (so its first step is "
        "0.12, not 0.1), never lets a step fall below 1e-4 (the paper: the lower bound, 0 here), "
        "keeps its factors and bounds as C floats (1.2f is 1.2000000477), clips the sigmoid's output "
        "to [0.01, 0.99] in the derivative and weights to ±1500. The two trajectories therefore "
        "part from the first epoch; the comparison is of how fast each reaches the error, not of "
        "equal weights.",
        "",
    ]
    return lines


def _speed_markdown(speed: dict) -> list[str]:
    lines = [
        "### 3. Speed on W4",
        "",
        f"W4: {speed['sizes']}, {speed['rows']:,} rows of random data. Each run is a fresh network's "
        f'`fit(X, Y, epochs={speed["epochs"]}, order="shuffle", batch_size=...)` '
        f"({speed['samples_per_run']:,} samples); every row in turn, {speed['rounds']} rounds, median. "
        f'Weight decay {speed["weight_decay"]:g}. "× SGD" is the time per sample divided by '
        "per-sample SGD's in the same dtype. Adam per sample moves every parameter after every sample, "
        "and per parameter computes a square root and a division besides SGD's multiplications and "
        "reads and writes two more arrays (m and v); in mini-batches of 10 it pays that once per 10 "
        "samples. With weight decay per-sample SGD takes the general update, which computes each "
        "weight's ascent (delta * input - decay * weight) on the way, in the same pass.",
        "",
    ]
    for dtype, table in speed["tables"].items():
        lines += [
            f"{dtype}:",
            "",
            "| rule | µs per sample | × SGD | fastest run, µs per sample |",
            "|---|---:|---:|---:|",
        ]
        for row in table:
            lines.append(
                f"| {row['label']} | {_n(row['us_per_sample'])} | {_n(row['ratio_to_sgd'])} | "
                f"{_n(row['best_us_per_sample'])} |"
            )
        lines.append("")
    return lines


# ------------------------------------------------------------------ command line


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python bench/rules.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small settings that run in seconds (checks the machinery; numbers not meaningful)",
    )
    parser.add_argument("--markdown", help="write the report here (default: bench/rules.md, not with --quick)")
    parser.add_argument("--json", help="write the raw numbers here (default: bench/rules.json, not with --quick)")
    return parser.parse_args(argv)


def run(settings: Settings, command: str) -> dict:
    results = {"machine": machine(), "command": command, "settings": asdict(settings)}
    for name, section in [("digits", digits_section), ("rprop", rprop_section), ("speed", speed_section)]:
        print(f"[rules] {name} ...", file=sys.stderr, flush=True)
        results[name] = section(settings)
    results["goals"] = [goal.as_dict() for goal in goals(results)]
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    settings = Settings.quick_run() if args.quick else Settings.full()
    command = "python bench/rules.py" + (" --quick" if args.quick else "")
    results = run(settings, command)
    text = markdown(results)
    print(text)
    markdown_path = args.markdown or (None if args.quick else str(_HERE / "rules.md"))
    json_path = args.json or (None if args.quick else str(_HERE / "rules.json"))
    if markdown_path:
        Path(markdown_path).write_text(text, encoding="utf-8")
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
