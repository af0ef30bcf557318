"""Turning a benchmark run's results (a JSON-compatible dict) into markdown, JSON and a bar chart."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
from importlib import metadata

import numpy as np

import nncore

MiB = 1024 * 1024


def machine() -> dict:
    """What this run ran on: CPU, load, operating system, versions and the date."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        load = None
    versions = {"nncore": nncore.__version__, "python": platform.python_version(), "numpy": np.__version__}
    for name, distribution in [("torch", "torch"), ("scikit-learn", "scikit-learn"), ("matplotlib", "matplotlib")]:
        try:
            versions[name] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "load_average": load,
        "platform": platform.platform(),
        "python_implementation": platform.python_implementation(),
        "versions": versions,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def _number(value: float | None, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, thousands separated; "-" for None."""
    if value is None:
        return "-"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 10**digits:
        return f"{value:,.0f}"
    decimals = max(0, digits - 1 - int(np.floor(np.log10(magnitude))))
    return f"{value:,.{decimals}f}"


def _goal_cell(goal: dict) -> tuple[str, str]:
    sign = "≤" if goal["comparison"] == "<=" else "≥"
    return f"{goal['quantity']} {sign} {goal['target']:g}", f"{_number(goal['measured'])} ({goal['status']})"


def markdown(results: dict) -> str:
    """The whole report as markdown."""
    meta, settings = results["machine"], results["settings"]
    lines = ["## nncore benchmark", ""]
    versions = ", ".join(f"{name} {version}" for name, version in meta["versions"].items() if version)
    load = f", load average {meta['load_average'][0]}" if meta.get("load_average") else ""
    lines += [
        f"- date: {meta['date']}",
        f"- machine: {meta['cpu']}, {meta['logical_cpus']} logical CPUs{load}; {meta['platform']}",
        f"- versions: {versions}; C compiler: {settings.get('c_compiler') or 'not run'}; "
        f"numpy's BLAS threads: {settings.get('blas_threads', 'not recorded')}",
        f"- command: `{settings['command']}`",
        f"- method: the training loop alone is timed (no imports, no construction), "
        f"{settings['warmups']} warm-up run, then {settings['repeats']} rounds that run every "
        "implementation in turn (short loops several times a round), and the median of those runs; "
        f"{_fit_steps_note(settings)}an implementation costing more than {settings['budget_seconds']:g} s "
        'per run times a prefix of the steps ("steps timed"). "× fit" is the time per step '
        "divided by `Network.fit`'s in the same run (above 1: slower than fit); the fastest run shows the "
        "loop undisturbed by other work on the machine.",
        "",
    ]

    lines += summary(results)

    goals_by_row: dict = {}
    for goal in results["goals"]:
        if goal["workload"] and goal["row"]:
            goals_by_row.setdefault((goal["workload"], goal["row"]), []).append(goal)

    for name, workload in results["workloads"].items():
        lines += [f"### {name}: {workload['sizes']}, {workload['steps']:,} steps, {workload['description']}", ""]
        if workload.get("data_note"):
            lines += [f"Data: {workload['data_note']}.", ""]
        lines += [
            "| implementation | steps timed | µs/step | × fit | fastest run, µs/step | goal | measured |",
            "|---|---:|---:|---:|---:|---|---|",
        ]
        for row in workload["rows"]:
            timed = f"{row['steps_timed']:,}"
            if row["steps_timed"] < workload["steps"]:
                timed += f" of {workload['steps']:,}"
            goals = goals_by_row.get((name, row["key"]), [])
            cells = [_goal_cell(g) for g in goals]
            lines.append(
                f"| {row['label']} | {timed} | {_number(row['us_per_step'])} | "
                f"{_number(row['ratio_to_fit'])} | {_number(row.get('best_us_per_step'))} | "
                f"{'; '.join(c[0] for c in cells)} | "
                f"{'; '.join(c[1] for c in cells)} |"
            )
        for key, reason in workload.get("skipped", {}).items():
            lines.append(f"| {key}: skipped ({reason}) | | | | | | |")
        lines.append("")

    if results["goals"]:
        lines += ["### Goals", "", "| goal | quantity | target | measured | status |", "|---|---|---|---:|---|"]
        for goal in results["goals"]:
            sign = "≤" if goal["comparison"] == "<=" else "≥"
            lines.append(
                f"| {goal['text']} | {goal['quantity']} | {sign} {goal['target']:g} | "
                f"{_number(goal['measured'])} | {goal['status']} |"
            )
        lines.append("")

    lines += _extras_markdown(results.get("extras", {}))

    if results["checks"]:
        lines += [
            "### Correctness check (before timing)",
            "",
            "Each implementation trained the same steps as `Network.fit` from the same start; "
            "largest absolute difference of the final weights, biases and momentum terms "
            "(PyTorch: weights and biases).",
            "",
            "| workload | implementation | steps | max abs difference | tolerance |",
            "|---|---|---:|---:|---:|",
        ]
        for check in results["checks"]:
            lines.append(
                f"| {check['workload']} | {check['implementation']} | {check['steps']:,} | "
                f"{check['max_difference']:.3g} | {check['tolerance']:g} |"
            )
        lines.append("")

    if results.get("notes"):
        lines += ["### Implementations", ""]
        lines += [f"- {label}: {note}" for label, note in results["notes"].items()]
        lines.append("")
    return "\n".join(lines)


def _fit_steps_note(settings: dict) -> str:
    if settings.get("fit_budget_seconds") is None:
        return "`fit` runs every step; "
    return f"`fit` runs every step that fits in {settings['fit_budget_seconds']:g} s; "


def summary(results: dict) -> list[str]:
    """One table for all workloads: microseconds per step, and in brackets the ratio to fit's."""
    workloads = results["workloads"]
    if not workloads:
        return []
    labels: list[str] = []
    cells: dict = {}
    for name, workload in workloads.items():
        for row in workload["rows"]:
            if row["label"] not in labels:
                labels.append(row["label"])
            mark = "*" if row["steps_timed"] < workload["steps"] else ""
            ratio = _number(row["ratio_to_fit"], 2)
            cells[row["label"], name] = f"{_number(row['us_per_step'])}{mark} ({ratio}×)"
    lines = [
        "### Summary: µs per step (× fit's time)",
        "",
        "| implementation | " + " | ".join(f"{n} {w['sizes']}" for n, w in workloads.items()) + " |",
        "|---|" + "---:|" * len(workloads),
    ]
    for label in labels:
        lines.append(f"| {label} | " + " | ".join(cells.get((label, n), "-") for n in workloads) + " |")
    lines += ["", "\\* a prefix of the steps was timed (see the workload's table).", ""]
    return lines


def _extras_markdown(extras: dict) -> list[str]:
    lines: list[str] = []
    per_call = extras.get("train_per_call")
    if per_call:
        lines += [
            f"### train() per call (W1, {per_call['steps']:,} calls)",
            "",
            "| call | µs per step |",
            "|---|---:|",
            f"| `net.train(x, t)`, x and t lists of floats | {_number(per_call['train_list'])} |",
            *(
                [
                    f"| `net.train(x, t)`, x and t lists of ints (`[0, 1]`, `[1]`) | "
                    f"{_number(per_call['train_list_of_ints'])} |"
                ]
                if "train_list_of_ints" in per_call
                else []
            ),
            f"| `net.train(x, t)`, x and t numpy rows prepared beforehand | {_number(per_call['train_numpy'])} |",
            f"| `net.train(X[i], Y[i])`, indexing numpy arrays in the loop | "
            f"{_number(per_call['train_numpy_indexing'])} |",
            f"| the same Python loop calling a do-nothing builtin | {_number(per_call['loop_overhead'])} |",
            f"| `Network.fit`, per step | {_number(per_call['fit'])} |",
            "",
        ]
    call_costs = extras.get("fit_call_cost")
    if call_costs:
        lines += [
            "### fit's fixed cost per call",
            "",
            "A `fit` call taking no step (`steps=0`): checking and copying the data, setting up, "
            "returning. Included in the per-step figures above, spread over the steps.",
            "",
            "| workload | data | µs per call |",
            "|---|---:|---:|",
        ]
        for entry in call_costs:
            lines.append(
                f"| {entry['workload']} | {entry['data_bytes'] / 1024:,.0f} KiB | {_number(entry['us_per_call'])} |"
            )
        lines.append("")
    predict = extras.get("predict")
    if predict:
        lines += [
            "### predict on many rows",
            "",
            "| network | rows | predict µs/row | numpy matrix-product forward µs/row | numpy / predict | "
            "max abs difference |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for entry in predict:
            lines.append(
                f"| {entry['workload']} {entry['sizes']} | {entry['rows']:,} | "
                f"{_number(entry['predict_us_per_row'])} | {_number(entry['numpy_us_per_row'])} | "
                f"{_number(entry['numpy_us_per_row'] / entry['predict_us_per_row'])} | "
                f"{entry['max_difference']:.2g} |"
            )
        lines.append("")
    lines += _inference_markdown(extras.get("inference"), extras.get("populations"))
    runs = extras.get("memory", {}).get("runs")
    if runs:
        lines += [
            "### Memory of fit (W1, each in a fresh process)",
            "",
            "| steps | epochs | loss curve kept | traced peak during fit | result's loss curve | "
            "peak RSS growth during fit |",
            "|---:|---:|---|---:|---:|---:|",
        ]
        for run in runs:
            rss = None
            if run.get("peak_rss_bytes") is not None and run.get("rss_before_bytes") is not None:
                rss = (run["peak_rss_bytes"] - run["rss_before_bytes"]) / MiB
            lines.append(
                f"| {run['steps']:,} | {run['epochs']:,} | "
                f"{'yes' if run.get('keep_errors', True) else 'no (keep_errors=False)'} | "
                f"{run['tracemalloc_peak_bytes'] / MiB:.2f} MiB | "
                f"{run['loss_curve_bytes'] / MiB:.2f} MiB | "
                f"{'-' if rss is None else f'{rss:.2f} MiB'} |"
            )
        lines.append("")
        kept = [run for run in runs if run.get("keep_errors", True)]
        first, last = (kept[0], kept[-1]) if kept else (runs[0], runs[-1])
        if last["epochs"] > first["epochs"]:
            per_epoch = (last["tracemalloc_peak_bytes"] - first["tracemalloc_peak_bytes"]) / (
                last["epochs"] - first["epochs"]
            )
            lines += [
                f"From {first['steps']:,} to {last['steps']:,} steps the traced peak grows by "
                f"{per_epoch:.1f} bytes per epoch; the loss curve that `FitResult.errors` returns "
                "takes 8 bytes per epoch; with `keep_errors=False` nothing grows.",
                "",
            ]
    threads = extras.get("threads")
    if threads:
        lines += [
            "### Two networks on two threads",
            "",
            "| workload | steps per network | one after the other | on two threads | throughput ratio | "
            "the machine's ratio |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for entry in threads:
            lines.append(
                f"| {entry['workload']} | {entry['steps_per_network']:,} | "
                f"{entry['serial_seconds'] * 1e3:.1f} ms | {entry['threaded_seconds'] * 1e3:.1f} ms | "
                f"{entry['throughput_ratio']:.2f} | {entry['control_throughput_ratio']:.2f} |"
            )
        lines += [
            "",
            "The machine's ratio: the same comparison for a job of the same length that holds no lock "
            "at all (SHA-256 hashing); on a shared machine it shows how much of a second core was free.",
            "",
        ]
    return lines


def _inference_markdown(calls: dict | None, populations: dict | None) -> list[str]:
    lines: list[str] = []
    if calls:
        rows = f"{calls['rows']:,}"
        table = [
            ("`net.activate(x)`, x a list", "activate"),
            ("`net.predict(x)`, x a list", "predict_list"),
            ("`net.predict(x)`, x a numpy row", "predict_numpy"),
            ("`net.likely(x)`, x a list", "likely_list"),
            (f"`net.predict(X)`, {rows} rows, per row", "predict_rows"),
            (f"`NetworkClassifier.predict_proba(X)`, {rows} rows, per row", "predict_proba_rows"),
            (f"its network's `predict(X)`, {rows} rows, per row", "classifier_network_predict_rows"),
        ]
        lines += [
            f"### Using a trained network, per call ({calls['workload']} {calls['sizes']})",
            "",
            "| call | µs per call or row | × activate |",
            "|---|---:|---:|",
        ]
        for label, key in table:
            if calls.get(key) is not None:
                lines.append(f"| {label} | {_number(calls[key])} | {_number(calls[key] / calls['activate'])} |")
        lines.append("")
    if populations:
        lines += [
            "### fit_many on populations (million steps per second)",
            "",
            "| population | loop of fit | fit_many, 1 thread | fit_many, 2 threads |",
            "|---|---:|---:|---:|",
        ]
        for name, label in [("xor", "XOR [2, 10, 10, 1]"), ("digits", "digits-shaped [64, 32, 10]")]:
            entry = populations.get(name)
            if entry:
                lines.append(
                    f"| {entry['networks']:,} x {label} | {_number(entry['loop'])} | "
                    f"{_number(entry['fit_many_1'])} | {_number(entry['fit_many_2'])} |"
                )
        lines.append("")
    return lines


def write_json(results: dict, path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=1, allow_nan=False)
        out.write("\n")


def plot(results: dict, path: str) -> str | None:
    """A bar chart of microseconds per step, one panel per workload; returns why not, when it cannot."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed"
    workloads = results["workloads"]
    if not workloads:
        return "no workload was run"
    columns = min(3, len(workloads))
    grid_rows = -(-len(workloads) // columns)
    figure, axes = plt.subplots(grid_rows, columns, figsize=(4.2 * columns + 1.6, 3.2 * grid_rows + 0.6), squeeze=False)
    labels = []
    for workload in workloads.values():
        for row in workload["rows"]:
            if row["label"] not in labels:
                labels.append(row["label"])
    positions = {label: i for i, label in enumerate(labels)}
    panels = axes.ravel()
    for index, (axis, (name, workload)) in enumerate(zip(panels, workloads.items())):
        for row in workload["rows"]:
            colour = "tab:blue" if row["key"] == "fit" else ("tab:orange" if row["key"] == "c" else "tab:gray")
            axis.barh(positions[row["label"]], row["us_per_step"], color=colour)
        axis.set_xscale("log")
        axis.set_title(f"{name} {workload['sizes']}", fontsize=9)
        axis.set_xlabel("µs per step (log)", fontsize=8)
        axis.grid(axis="x", alpha=0.3)
        axis.set_ylim(len(labels) - 0.5, -0.5)
        if index % columns == 0:
            axis.set_yticks(range(len(labels)), labels, fontsize=8)
        else:
            axis.set_yticks(range(len(labels)), [""] * len(labels))
    for axis in panels[len(workloads) :]:
        axis.set_visible(False)
    figure.suptitle(
        f"nncore benchmark, {results['machine']['date'][:10]}: time per training step (shorter is faster)", fontsize=10
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return None


def progress(message: str) -> None:
    """A line of progress on stderr (stdout carries the report)."""
    print(message, file=sys.stderr, flush=True)
