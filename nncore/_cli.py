"""The ``nncore`` command line.

``nncore xor`` trains the tutorial's XOR network, compiled and in pure Python.
``train``, ``predict``, ``evaluate``, ``info``, ``export`` and ``import`` work
on CSV files with a header row (read by :mod:`nncore._csvdata`) and on network
files. A bad file or option ends the command with one line on stderr,
``nncore COMMAND: error: ...``, exit code 2, and no file written; every output
file is written atomically (through a symbolic link to a file; never over a
directory), and ``-o -`` writes to stdout.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import itertools
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import numpy as np

from nncore import __version__, _csvdata, _csvtargets, _files, _initializers, fit_many, reference
from nncore._examples import XOR_INPUTS, XOR_TARGETS
from nncore._exceptions import DivergenceError
from nncore._fit_options import DEFAULT_EPOCHS, DEFAULT_ERROR_THRESHOLD
from nncore._fit_options import OPTIONS as FIT_OPTIONS
from nncore._network import Network
from nncore._vocabulary import ACTIVATIONS, DTYPES, LOSSES, OPTIMIZERS, ORDERS, OUTPUT_ONLY_ACTIVATIONS

BENCH_MOVED = (
    "nncore bench: the benchmark suite is not installed with the package; it is run from a "
    "clone of the repository, as `python bench/run.py` (`python bench/run.py --help` lists its options)"
)


def xor(args: argparse.Namespace) -> int:
    """``nncore xor``: one network compiled vs pure Python, or with ``--seeds`` the success rate of many."""
    if args.seeds is not None:
        return xor_seeds(args)
    several = [
        f"--{name}"
        for name in ("steps", "init", "learning-rate")
        if len(_values(getattr(args, name.replace("-", "_")))) > 1
    ]
    if several:
        print(f"nncore xor: error: several values of {', '.join(several)} need --seeds", file=sys.stderr)
        return 2
    return xor_one(args)


def _values(option: object) -> list:
    """An option that takes one value or several, as a list."""
    return list(option) if isinstance(option, list) else [option]


def xor_one(args: argparse.Namespace) -> int:
    """Train XOR with the compiled core and the pure-Python reference from the same start."""
    sizes = [2, *args.hidden, 1]
    steps, init, learning_rate = _values(args.steps)[0], _values(args.init)[0], _values(args.learning_rate)[0]
    net = Network(sizes, seed=args.seed, init=init, learning_rate=learning_rate)
    ref = reference.Network.from_dict(net.to_dict())

    started = time.perf_counter()
    net.fit(XOR_INPUTS, XOR_TARGETS, steps=steps, order="random", seed=args.seed)
    compiled_seconds = time.perf_counter() - started

    started = time.perf_counter()
    ref.fit(XOR_INPUTS, XOR_TARGETS, steps=steps, order="random", seed=args.seed)
    reference_seconds = time.perf_counter() - started

    compiled_out = net.predict(XOR_INPUTS)[:, 0]
    reference_out = [ref.predict(x)[0] for x in XOR_INPUTS]
    print(
        f"XOR on {sizes}, {steps} random per-sample steps, learning rate {learning_rate}, momentum 0.1, "
        f"seed {args.seed}"
    )
    print()
    print("  input   target   nncore (compiled)   reference (pure Python)")
    for x, (t,), c, r in zip(XOR_INPUTS, XOR_TARGETS, compiled_out, reference_out):
        print(f"  {int(x[0])} {int(x[1])}      {int(t)}       {c:.6f}            {r:.6f}")
    difference = max(
        float(np.max(np.abs(a - b))) for a, b in zip(net.weights, Network.from_dict(ref.to_dict()).weights)
    )
    learned = bool((np.round(compiled_out) == np.asarray(XOR_TARGETS)[:, 0]).all())
    print()
    print(f"  compiled core:  {compiled_seconds * 1e3:9.2f} ms  ({compiled_seconds / steps * 1e6:.3f} us/step)")
    print(f"  pure Python:    {reference_seconds * 1e3:9.2f} ms  ({reference_seconds / steps * 1e6:.3f} us/step)")
    print(f"  speed-up:       {reference_seconds / max(compiled_seconds, 1e-9):9.1f}x")
    print(f"  largest weight difference between the two: {difference:.3g}")
    print(f"  XOR learned: {'yes' if learned else 'no'}")
    return 0 if learned else 1


def xor_seeds(args: argparse.Namespace) -> int:
    """Train XOR from seeds 0 to N - 1 for every setting asked for; print how many learned it, per setting."""
    sizes = [2, *args.hidden, 1]
    seeds = range(args.seeds)
    threads = "all cores" if args.threads is None else f"{args.threads} thread{'s' if args.threads > 1 else ''}"
    print(
        f"XOR on {sizes}, seeds 0 to {args.seeds - 1} (weights and sample order), random per-sample steps, "
        f"momentum 0.1, fit_many on {threads}"
    )
    print()
    print(f"  {'init':<9} {'learning rate':>13} {'steps':>9} {'learned':>13} {'share':>7} {'time':>9}")
    for init, learning_rate, steps in itertools.product(
        _values(args.init), _values(args.learning_rate), _values(args.steps)
    ):
        started = time.perf_counter()
        population = [Network(sizes, seed=seed, init=init, learning_rate=learning_rate) for seed in seeds]
        fit_many(population, XOR_INPUTS, XOR_TARGETS, steps=steps, order="random", seeds=seeds, threads=args.threads)
        seconds = time.perf_counter() - started
        learned = sum(learned_xor(net) for net in population)
        share = f"{100 * learned / len(population):.1f}%"
        print(
            f"  {init:<9} {learning_rate:>13g} {steps:>9} {f'{learned}/{len(population)}':>13} {share:>7} "
            f"{seconds:>7.2f} s"
        )
    return 0


def learned_xor(net: Network) -> bool:
    """True when every XOR output lies on the target's side of 0.5."""
    outputs = net.predict(XOR_INPUTS)[:, 0]
    return bool(((outputs > 0.5) == (np.asarray(XOR_TARGETS)[:, 0] > 0.5)).all())


def positive_number(text: str) -> float:
    """An argparse ``type=``: a finite number > 0, else argparse's one-line error."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def bench_moved(args: argparse.Namespace) -> int:
    """Say where the benchmark suite went (it is no longer part of the package)."""
    print(BENCH_MOVED, file=sys.stderr)
    return 2


MAX_SEEDS = 1_000_000
"""``nncore xor --seeds`` builds every network before training them: a population beyond this is refused."""


def integer_at_least(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse ``type=``: a whole number in ASCII digits >= ``minimum`` (and <= ``maximum``), else argparse's
    one-line error."""

    def parse(text: str) -> int:
        value = int(text) if re.fullmatch(r"\s*[+-]?[0-9]+\s*", text) else None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            bound = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum:,}"
            raise argparse.ArgumentTypeError(f"must be an integer {bound}, got {text!r}")
        return value

    return parse


# ---------------------------------------------------------------- CSV and network files


class CommandError(Exception):
    """A bad file or option: reported as one line, ``nncore COMMAND: error: MESSAGE``, with exit code 2."""


EXPORT_FORMATS = ("onnx", "c", "js", "brainjs", "fann", "tutorial")

REGRESSION_VALIDATION_SPLIT = 0.2
"""The fraction of the rows that ``nncore train`` holds out for early stopping on a regression when
``--validation-split`` is not given: noisy numbers never reach the error threshold, and 20,000 epochs
on all the rows learn their noise."""

TRAIN_FIT_OPTIONS = ("epochs", "order", "seed", "error_threshold", "progress", "batch_size")
"""The options of ``fit`` that ``nncore train`` takes, as ``--epochs``, ``--order``, ... (see :data:`FIT_OPTIONS`)."""


def load_network(path: str) -> Network:
    """A network from any file nncore reads: its own JSON, brain.js's, the tutorial's or FANN's ``.net``."""
    return Network.load(path)


def write_output(path: str | None, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, or to stdout when ``path`` is None or ``-``."""
    if path is not None and path != "-":
        _files.write_atomically(path, data)
    elif hasattr(sys.stdout, "buffer"):
        sys.stdout.buffer.write(data)  # the bytes as they are: no newline translation
        sys.stdout.flush()
    else:  # a replaced stdout that takes text only
        sys.stdout.write(data.decode("utf-8"))


def save_network(net: Network, path: str) -> TextIO:
    """Save ``net`` to ``path``, or write it to stdout for ``-``; the stream for the summary line
    (stderr when the network went to stdout)."""
    if path != "-":
        net.save(path)
        return sys.stdout
    write_output(None, (net.to_json() + "\n").encode("utf-8"))
    return sys.stderr


def input_columns(net: Network, table: _csvdata.Table, chosen: Sequence[str] | None) -> list[str]:
    """The columns of ``table`` that feed the network's inputs, in input order.

    ``--inputs`` when given; else the network's ``input_names`` (extra columns
    ignored); else, for a network without names, every column of the file,
    which must then have exactly ``sizes[0]`` of them.
    """
    n_inputs = net.sizes[0]
    if chosen:
        names = list(chosen)
    elif net.input_names is not None:
        names = list(net.input_names)
    else:
        names = list(table.names)
        if len(names) != n_inputs:
            raise CommandError(
                f"{table.path}, line 1: the network has {n_inputs} unnamed inputs and the file "
                f"has {len(names)} columns; choose the input columns with --inputs"
            )
    if len(names) != n_inputs:
        raise CommandError(f"--inputs names {len(names)} columns, the network has {n_inputs} inputs")
    table.check_has(names)
    return names


def train(args: argparse.Namespace) -> int:
    """Train a new network on a CSV file and save it."""
    table = _csvdata.read_table(args.data)
    targets = list(args.target)
    table.check_has(targets)
    inputs = list(args.inputs) if args.inputs else [name for name in table.names if name not in targets]
    if not inputs:
        raise CommandError(f"{table.path}: no input columns left besides the targets {targets}")
    overlap = sorted(set(inputs) & set(targets))
    if overlap:
        raise CommandError(f"column {overlap[0]!r} is both an input and a target")
    X = table.columns(inputs)
    found = _csvtargets.read_targets(table, targets, args.task)
    split = args.validation_split
    if split is None and found.task == "regression" and round(REGRESSION_VALIDATION_SPLIT * len(X)) >= 1:
        split = REGRESSION_VALIDATION_SPLIT
    if args.patience is not None and not split:
        raise CommandError("--patience needs --validation-split (it counts epochs without a better validation error)")
    progress = args.progress if args.progress is not None else importlib.util.find_spec("tqdm") is not None
    if args.plot is not None and importlib.util.find_spec("matplotlib") is None:
        raise CommandError('--plot needs matplotlib: pip install "nncore-nn[plot]"')
    output_activation = args.output_activation or _default_output_activation(found)
    net = Network(
        [len(inputs), *args.hidden, found.values.shape[1]],
        activation=[args.activation] * len(args.hidden) + [output_activation],
        loss=args.loss or ("cross_entropy" if output_activation == "softmax" and found.classes else "mse"),
        optimizer=args.optimizer,
        learning_rate=args.learning_rate,
        momentum=args.momentum,
        weight_decay=args.weight_decay,
        init=args.init,
        seed=args.seed,
        input_scaling=args.input_scaling,
        dtype=args.dtype,
    )
    net.input_names, net.output_names = inputs, found.classes or targets
    # Regression targets are standardised for training, and the output layer then rescaled to their units.
    standardise = found.task == "regression" and output_activation == "identity"
    Y, offset, scale = found.values, found.values.mean(axis=0), found.values.std(axis=0)
    if standardise:
        scale[scale == 0] = 1.0
        Y = (Y - offset) / scale
    options = {name: getattr(args, name) for name in TRAIN_FIT_OPTIONS}
    options["progress"] = progress
    if options["batch_size"] is None:  # not given: fit's default
        del options["batch_size"]
    elif options["batch_size"] == "all":
        options["batch_size"] = None
    if split:
        X, Y, options["validation_data"] = _split(X, Y, split, args.seed)
        if args.patience is not None:
            options["patience"] = args.patience
    how = "as --task says" if args.task else "detected"
    print(f"task: {found.task} ({how}: {found.detected})", file=sys.stderr if args.output == "-" else sys.stdout)
    result = net.fit(X, Y, **options)
    if standardise:
        net = _rescaled_outputs(net, offset, scale)
    plot = _loss_plot(result, args.plot) if args.plot is not None else None
    summary = save_network(net, args.output)
    if plot is not None:
        _files.write_atomically(args.plot, plot)
    validation = ""
    if result.best_epoch is not None:
        best = float(result.validation_errors[result.best_epoch - 1])
        validation = f", best validation error {best:.6g} at epoch {result.best_epoch}"
        if args.validation_split is None:
            validation += f" (on {split:.0%} of the rows, held out by default for a regression)"
    print(
        f"trained {list(net.sizes)} for {result.epochs} epochs ({result.steps} steps): final error "
        f"{result.error:.6g}{' (of the standardised targets)' if standardise else ''}{validation}, "
        f"stopped by {result.stop_reason}; "
        + ("inputs as given" if net.input_scaling is None else "inputs standardised inside the network")
        + f"; saved to {args.output}"
        + (f", loss curve in {args.plot}" if args.plot is not None else ""),
        file=summary,
    )
    return 0


def _default_output_activation(found: _csvtargets.Targets) -> str:
    """The output layer for the targets: softmax for class labels, sigmoid for 0 and 1, identity for numbers."""
    if found.classes is not None:
        return "softmax"
    return "sigmoid" if found.task == "classification" else "identity"


def _split(X: np.ndarray, Y: np.ndarray, fraction: float, seed: int | None) -> tuple[np.ndarray, np.ndarray, tuple]:
    """The rows kept for training, and ``fraction`` of them drawn at random (``seed``) held out for validation."""
    n_validation = round(fraction * len(X))
    if not 1 <= n_validation < len(X):
        raise CommandError(
            f"--validation-split {fraction:g} of {len(X)} rows holds out {n_validation}; "
            "it must leave at least one row for validation and one for training"
        )
    order = np.random.default_rng(seed).permutation(len(X))
    held, kept = np.sort(order[:n_validation]), np.sort(order[n_validation:])
    return X[kept], Y[kept], (X[held], Y[held])


def _rescaled_outputs(net: Network, offset: np.ndarray, scale: np.ndarray) -> Network:
    """``net``, trained on standardised targets, with its identity output layer giving the targets' units."""
    data = net.to_dict()
    last = data["layers"][-1]
    weights, biases = np.asarray(last["weights"]), np.asarray(last["biases"])
    last["weights"] = (weights * scale[:, None]).astype(net.dtype).tolist()
    last["biases"] = (biases * scale + offset).astype(net.dtype).tolist()
    return Network.from_dict(data)


def _loss_plot(result: Any, path: str) -> bytes:
    """The loss curve as an image file's bytes, in the format ``path``'s extension names."""
    import matplotlib

    matplotlib.use("Agg")  # no window: the curve goes to a file
    from matplotlib import pyplot

    extension = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    ax = result.plot()
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean error")
    buffer = io.BytesIO()
    try:
        ax.figure.savefig(buffer, format=extension, bbox_inches="tight")  # nothing clipped: labels, title, legend
    except ValueError as error:
        raise CommandError(f"--plot {path}: {error}") from None
    finally:
        pyplot.close(ax.figure)
    return buffer.getvalue()


def classes_of(net: Network) -> tuple[str, ...] | None:
    """The class labels of a classifier of labels (softmax outputs named by class, as ``train`` makes one), or None."""
    if net.sizes[-1] >= 2 and net.activations[-1] == "softmax" and net.output_names is not None:
        return net.output_names
    return None


def predict(args: argparse.Namespace) -> int:
    """Write the network's outputs for every row of a CSV file (for a classifier of labels, the label)."""
    net = load_network(args.network)
    table = _csvdata.read_table(args.data)
    X = table.columns(input_columns(net, table, args.inputs))
    outputs = net.predict(X)
    names = net.output_names or [f"output_{index}" for index in range(net.sizes[-1])]
    classes = classes_of(net)
    if classes is None:
        if args.proba:
            raise CommandError(
                f"--proba is for a classifier of labels (softmax outputs named by class); {args.network}'s "
                "outputs are written as they are without it"
            )
        text = _csvdata.format_csv(names, outputs)
    else:
        column = "label"
        while column in classes:  # a class named "label" keeps its name for its probability
            column = f"predicted_{column}"
        labels = [classes[index] for index in np.argmax(outputs, axis=1)]  # the first of equal maxima, as likely
        shown = (names, outputs) if args.proba else ([], outputs[:, :0])
        text = _csvdata.format_csv(*shown, labels=(column, labels))
    write_output(args.output, text.encode("utf-8"))
    return 0


def evaluate(args: argparse.Namespace) -> int:
    """Print the network's error and accuracy on a CSV file, and the confusion counts; for a regression,
    its error, RMSE, MAE and R²."""
    net = load_network(args.network)
    table = _csvdata.read_table(args.data)
    inputs = input_columns(net, table, args.inputs)
    X = table.columns(inputs)
    classes = classes_of(net)
    label_column = _label_column(args, net, table, inputs) if classes is not None else None
    if classes is not None and label_column is not None:
        labels = _csvtargets.read_labels(table, label_column, classes)
        result = net.evaluate(X, _csvtargets.one_hot(labels, classes))
        _print_error_and_accuracy(result)
        predicted = [classes[index] for index in np.argmax(net.predict(X), axis=1)]
        print(f"confusion ({label_column!r}: rows are the true labels, columns the predicted ones):")
        counts = _csvtargets.confusion_matrix(labels, predicted, classes)
        for line in _csvtargets.format_confusion(counts, classes):
            print(f"  {line}")
        return 0
    targets = _target_columns(args, net)
    Y = table.columns(targets)
    result = net.evaluate(X, Y)
    task = args.task or ("regression" if net.activations[-1] == "identity" else "classification")
    if task == "regression":
        measures = _csvtargets.regression_measures(Y, net.predict(X))
        print(f"samples:  {result.total}")
        print(f"error:    {result.error:.6g}")
        print(f"RMSE:     {measures.rmse:.6g}")
        print(f"MAE:      {measures.mae:.6g}")
        print(f"R²:       {measures.r2:.6g}" + (" (the targets are constant)" if math.isnan(measures.r2) else ""))
        return 0
    _print_error_and_accuracy(result)
    if result.binary:
        print(
            f"confusion (threshold {result.threshold:g}): true positives {result.true_positives}, "
            f"true negatives {result.true_negatives}, false positives {result.false_positives}, "
            f"false negatives {result.false_negatives}"
        )
        print(f"precision: {result.precision:.6g}, recall: {result.recall:.6g}")
    return 0


def _print_error_and_accuracy(result: Any) -> None:
    print(f"samples:  {result.total}")
    print(f"error:    {result.error:.6g}")
    print(f"accuracy: {result.accuracy:.6g} ({result.total - len(result.misclasses)} of {result.total})")


def _target_columns(args: argparse.Namespace, net: Network) -> list[str]:
    """The columns of numeric targets: ``--target``, or the network's output names."""
    if args.target:
        targets = list(args.target)
    elif net.output_names is not None:
        targets = list(net.output_names)
    else:
        raise CommandError(f"{args.network}: the network has no output names; name the target columns with --target")
    if len(targets) != net.sizes[-1]:
        raise CommandError(f"--target names {len(targets)} columns, the network has {net.sizes[-1]} outputs")
    return targets


def _label_column(args: argparse.Namespace, net: Network, table: _csvdata.Table, inputs: Sequence[str]) -> str | None:
    """For a classifier of labels: the column of labels (``--target COL``, or the one column of the file whose
    cells are all among its classes); None when the file has its outputs as columns of their own (one-hot)."""
    classes = net.output_names or ()
    if args.target:
        return args.target[0] if len(args.target) == 1 else None
    if all(name in table.names for name in classes):
        return None
    found = _csvtargets.find_label_column(table, classes, inputs)
    if found is None:
        raise CommandError(
            f"{table.path}: no column, or several, holds {args.network}'s class labels "
            f"({', '.join(classes[:10])}); name it with --target"
        )
    return found


def info(args: argparse.Namespace) -> int:
    """Print what a network file holds; with ``--svg``, write its picture first."""
    net = load_network(args.network)
    if args.svg is not None:
        if args.svg == "-":
            raise CommandError("--svg needs a file name (the summary goes to stdout)")
        _files.write_atomically(args.svg, net.to_svg().encode("ascii"))
    print(f"file:          {args.network}")
    print(f"sizes:         {list(net.sizes)}")
    print(f"activations:   {', '.join(net.activations)}")
    print(f"loss:          {net.loss}")
    print(f"optimizer:     {net.optimizer}")
    print(f"dtype:         {net.dtype}")
    print(f"learning rate: {net.learning_rate!r}")
    print(f"momentum:      {net.momentum!r}")
    print(f"iterations:    {net.iterations}")
    print(f"input names:   {_listed(net.input_names)}")
    print(f"output names:  {_listed(net.output_names)}")
    print(f"input scaling: {net.input_scaling or '(none)'}")
    if args.svg is not None:
        print(f"picture:       {args.svg}")
    return 0


def _listed(names: Sequence[str] | None) -> str:
    return ", ".join(names) if names is not None else "(none)"


def export(args: argparse.Namespace) -> int:
    """Write a network in another format."""
    net = load_network(args.network)
    write_output(args.output, exported(net, args.to, args.name, args.fixed))
    return 0


def exported(net: Network, to: str, name: str | None, fixed: int | None = None) -> bytes:
    """The bytes of ``net`` in the format ``to`` (one of :data:`EXPORT_FORMATS`); C in ``fixed`` bits if given."""
    named = {"name": name} if name is not None else {}
    if name is not None and to not in ("c", "js"):
        raise CommandError(f"--name is for --to c and --to js, not --to {to}")
    if fixed is not None:
        if to != "c":
            raise CommandError(f"--fixed is for --to c, not --to {to}")
        return net.to_fixed(bits=fixed).to_c(**named).encode("utf-8")
    makers = {
        "onnx": ("to_onnx", {}),
        "c": ("to_c", named),
        "js": ("to_javascript", named),
        "brainjs": ("to_brainjs", {}),
        "fann": ("to_fann", {}),
        "tutorial": ("to_tutorial_json", {}),
    }
    method, options = makers[to]
    value = getattr(net, method)(**options)
    if isinstance(value, dict):
        return (json.dumps(value, indent=1) + "\n").encode("utf-8")
    if isinstance(value, str):
        return value.encode("utf-8")
    return value  # ONNX: the serialized model


def import_network(args: argparse.Namespace) -> int:
    """Convert a brain.js, tutorial or FANN network file to nncore's format."""
    net = load_network(args.file)
    summary = save_network(net, args.output)
    print(f"{args.file}: {list(net.sizes)} {', '.join(net.activations)} network saved to {args.output}", file=summary)
    return 0


def non_negative_number(text: str) -> float:
    """An argparse ``type=``: a finite number >= 0."""
    value = _csvdata.parse_number(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    """An argparse ``type=``: a number from 0 (included) to 1 (excluded)."""
    value = _csvdata.parse_number(text)
    if value is None or not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be a number from 0 up to (not including) 1, got {text!r}")
    return value


def batch_size(text: str) -> int | str:
    """An argparse ``type=``: a whole number >= 1, or ``all`` (the whole data set)."""
    if text == "all":
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1 or 'all', got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1 or 'all', got {text!r}")
    return value


def add_csv_commands(commands: Any) -> None:
    """The subcommands on CSV and network files."""
    t = commands.add_parser(
        "train",
        help="train a network on a CSV file with a header row",
        description="Train a new network on a CSV file with a header row. The inputs are "
        "every column but the targets, unless --inputs names them.",
    )
    t.add_argument("data", help="CSV file with a header row")
    t.add_argument("--target", nargs="+", required=True, metavar="COL", help="the target column(s)")
    t.add_argument("--inputs", nargs="+", metavar="COL", help="the input columns (default: all the others)")
    t.add_argument(
        "--hidden",
        type=integer_at_least(1),
        nargs="+",
        default=[10],
        metavar="N",
        help="hidden layer sizes (default 10)",
    )
    hidden_activations = tuple(name for name in ACTIVATIONS if name not in OUTPUT_ONLY_ACTIVATIONS)
    t.add_argument(
        "--activation",
        choices=hidden_activations,
        default="sigmoid",
        help="of the hidden layers (default sigmoid)",
    )
    t.add_argument(
        "--output-activation",
        choices=ACTIVATIONS,
        help="of the output layer (default: softmax for class labels, sigmoid for a target of 0 and 1, "
        "identity for a regression; softmax needs --loss cross_entropy)",
    )
    t.add_argument(
        "--task",
        choices=_csvtargets.TASKS,
        help="(default: detected from the target column: text, or whole numbers of at most "
        f"{_csvtargets.MAX_CLASSES} values, are class labels; other numbers a regression)",
    )
    t.add_argument(
        "--loss", choices=LOSSES, help="(default cross_entropy for class labels with softmax outputs, else mse)"
    )
    t.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd", help="(default sgd)")
    t.add_argument(
        "--batch-size",
        type=batch_size,
        metavar="N|all",
        help=f"{FIT_OPTIONS['batch_size'].summary}, or 'all' (default 1; all for rprop)",
    )
    t.add_argument("--weight-decay", type=non_negative_number, default=0.0, help="L2 on the weights (default 0)")
    t.add_argument(
        "--epochs",
        type=integer_at_least(1),
        help=f"{FIT_OPTIONS['epochs'].summary} (default: brain.js's rule, at most {DEFAULT_EPOCHS} "
        f"epochs or until the error is below --error-threshold, {DEFAULT_ERROR_THRESHOLD} by default)",
    )
    t.add_argument("--learning-rate", type=non_negative_number, help="(default 0.3 for sgd, 0.001 for adam)")
    t.add_argument("--momentum", type=non_negative_number, help="(sgd only; default 0.1)")
    order = FIT_OPTIONS["order"]
    t.add_argument("--order", choices=ORDERS, default=order.default, help=f"{order.summary} (default {order.default})")
    t.add_argument(
        "--seed", type=integer_at_least(0), help="seed of the weights, the sample order and --validation-split"
    )
    t.add_argument(
        "--validation-split",
        type=fraction,
        metavar="FRACTION",
        help="hold out this fraction of the rows, drawn at random, and measure it after every epoch "
        f"(default: {REGRESSION_VALIDATION_SPLIT:g} for a regression, none for a classification; 0: none)",
    )
    t.add_argument(
        "--patience",
        type=integer_at_least(1),
        help="with --validation-split: stop after this many epochs without a better validation error, and "
        f"keep the best epoch's network (default {FIT_OPTIONS['patience'].default})",
    )
    t.add_argument(
        "--dtype", choices=DTYPES, default="float64", help="of the weights and computations (default float64)"
    )
    t.add_argument("--error-threshold", type=non_negative_number, help=FIT_OPTIONS["error_threshold"].summary)
    t.add_argument(
        "--init",
        choices=tuple(_initializers.INITIALIZERS),
        default=_initializers.DEFAULT,
        help="initial weights (default scaled)",
    )
    t.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"{FIT_OPTIONS['progress'].summary} (default: when tqdm is installed)",
    )
    t.add_argument("--plot", metavar="FILE", help="save the loss curve as an image (needs matplotlib)")
    t.add_argument(
        "--no-scaling",
        dest="input_scaling",
        action="store_const",
        const=None,
        default="standard",
        help="train on the inputs as given (default: scale each input by the mean and standard deviation of "
        "the training data, inside the network: input_scaling='standard')",
    )
    t.add_argument(
        "-o", "--output", required=True, metavar="NET", help="where to save the network (JSON; - for stdout)"
    )
    t.set_defaults(handler=train)

    p = commands.add_parser(
        "predict",
        help="the network's outputs for every row of a CSV file",
        description="Write the network's outputs as CSV, one column per output. Inputs are "
        "matched by name when the network has input names (extra columns are "
        "ignored); without names the file must have exactly one column per "
        "input, in order, or --inputs picks them.",
    )
    p.add_argument("network", help="network file (nncore, brain.js, tutorial or FANN)")
    p.add_argument("data", help="CSV file with a header row")
    p.add_argument("--inputs", nargs="+", metavar="COL", help="the input columns, in the network's input order")
    p.add_argument(
        "--proba", action="store_true", help="for a classifier of labels: the probability of every class too"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="CSV file to write (default or -: stdout)")
    p.set_defaults(handler=predict)

    e = commands.add_parser(
        "evaluate",
        help="error, accuracy and confusion counts on a CSV file",
        description="Print the network's error and accuracy on a CSV file (and the confusion "
        "counts with one output). Inputs as for predict; the targets are the "
        "columns named by the network's output names, or --target.",
    )
    e.add_argument("network", help="network file (nncore, brain.js, tutorial or FANN)")
    e.add_argument("data", help="CSV file with a header row")
    e.add_argument("--target", nargs="+", metavar="COL", help="the target columns (default: the output names)")
    e.add_argument("--inputs", nargs="+", metavar="COL", help="the input columns, in the network's input order")
    e.add_argument(
        "--task",
        choices=_csvtargets.TASKS,
        help="what to report: accuracy or RMSE, MAE and R² (default: regression for identity outputs)",
    )
    e.set_defaults(handler=evaluate)

    i = commands.add_parser("info", help="what a network file holds")
    i.add_argument("network", help="network file (nncore, brain.js, tutorial or FANN)")
    i.add_argument("--svg", metavar="FILE", help="also write a picture of the network (SVG) to FILE")
    i.set_defaults(handler=info)

    x = commands.add_parser("export", help="write a network in another format")
    x.add_argument("network", help="network file (nncore, brain.js, tutorial or FANN)")
    x.add_argument("--to", choices=EXPORT_FORMATS, required=True, help="the format to write")
    x.add_argument("--name", help="function name in the C or JavaScript source")
    x.add_argument(
        "--fixed",
        type=int,
        choices=(16, 8),
        metavar="BITS",
        help="with --to c: integer C for microcontrollers, the network in 16- or 8-bit fixed point",
    )
    x.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write (- for stdout)")
    x.set_defaults(handler=export)

    m = commands.add_parser("import", help="convert a brain.js, tutorial or FANN network to nncore's format")
    m.add_argument("file", help="brain.js or tutorial JSON, or a FANN .net file")
    m.add_argument(
        "-o", "--output", required=True, metavar="NET", help="where to save the network (JSON; - for stdout)"
    )
    m.set_defaults(handler=import_network)


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen command; a bad file or option becomes one error line and exit code 2."""
    try:
        return args.handler(args)
    except (CommandError, ValueError, DivergenceError, ImportError) as error:  # ImportError: a missing extra
        message = str(error)
    except OSError as error:
        message = f"{error.filename}: {error.strerror}" if error.filename and error.strerror else str(error)
    print(f"nncore {args.command}: error: {message}", file=sys.stderr)
    return 2


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``nncore`` command line."""
    parser = argparse.ArgumentParser(
        prog="nncore",
        description="nncore's command line: train, use and convert networks on CSV files, "
        "and train the tutorial's XOR network.",
    )
    parser.add_argument("--version", action="version", version=f"nncore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    xor_parser = commands.add_parser(
        "xor",
        help="train the tutorial's XOR network, compiled vs pure Python; "
        "with --seeds, the share of seeds that learn it",
    )
    xor_parser.add_argument(
        "--steps",
        type=integer_at_least(1),
        nargs="+",
        default=20000,
        metavar="N",
        help="per-sample steps (default 20000; several values with --seeds)",
    )
    xor_parser.add_argument(
        "--seed", type=integer_at_least(0), default=0, help="seed of the weights and sample order, >= 0 (default 0)"
    )
    xor_parser.add_argument(
        "--seeds",
        type=integer_at_least(1, MAX_SEEDS),
        default=None,
        metavar="N",
        help="train N networks, seeds 0 to N - 1, with fit_many, and print how many learn XOR",
    )
    xor_parser.add_argument(
        "--init",
        choices=sorted(_initializers.INITIALIZERS),
        nargs="+",
        default=_initializers.DEFAULT,
        help=f"weight initialisation (default {_initializers.DEFAULT}; several values with --seeds)",
    )
    xor_parser.add_argument(
        "--learning-rate",
        type=positive_number,
        nargs="+",
        default=0.3,
        metavar="RATE",
        help="learning rate (default 0.3; several values with --seeds)",
    )
    xor_parser.add_argument(
        "--threads",
        type=integer_at_least(1),
        default=None,
        help="threads of fit_many with --seeds (default: all cores)",
    )
    xor_parser.add_argument(
        "--hidden",
        type=integer_at_least(1),
        nargs="+",
        default=[10, 10],
        metavar="N",
        help="hidden layer sizes (default 10 10)",
    )
    xor_parser.set_defaults(handler=xor)
    # Kept so that `nncore bench` says where the suite went instead of "invalid choice".
    bench_parser = commands.add_parser(
        "bench", add_help=False, help="moved: run `python bench/run.py` from a clone of the repository"
    )
    bench_parser.set_defaults(handler=bench_moved)
    add_csv_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nncore`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, unknown = parser.parse_known_args(arguments)
    if unknown and args.command != "bench":  # `nncore bench ANY OPTIONS` gets the message, not an error
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "bench":
        return args.handler(args)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
