"""fit's options, declared once: each one's name, default, check and documentation.

:data:`OPTIONS` is to ``fit`` what ``_parameter_constraints`` is to a
scikit-learn estimator. ``Network.fit`` and ``nncore.fit_many`` take their
options as keywords whose signature and numpydoc entries are made from it
(:func:`takes_fit_options`), :func:`check_fit_options` checks them all,
``nncore train`` takes its defaults and help from it, and the
scikit-learn estimators check their own parameters for fit with its checks.
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nncore._checks import (
    MAX_COUNT,
    check_batch_size,
    check_choice,
    check_count,
    check_flag,
    check_optional_count,
    check_optional_rate,
    check_order,
    check_seed,
    describe,
)
from nncore._sampling import plan_steps
from nncore._spellings import check_keywords

DEFAULT_EPOCHS = 20_000
"""brain.js's default: the most epochs a ``fit`` given no stopping rule runs."""

DEFAULT_ERROR_THRESHOLD = 0.005
"""brain.js's default: a ``fit`` given no stopping rule stops once an epoch's mean error is below this."""

ERROR_MEASURES = ("half_sse", "brainjs")
"""What ``error_threshold`` is compared with: the mean loss, or brain.js's mean squared error (see ``OPTIONS``)."""


class _PerSample:
    """The default batch size of ``fit`` and ``fit_many``: 1, or the whole data set for RPROP."""

    def __repr__(self) -> str:
        return "1 (None for rprop)"


PER_SAMPLE = _PerSample()
"""``batch_size``'s default: one sample per update, whole batches for RPROP (its only way)."""


def _check_callback(value: object) -> Callable[[Any], object] | None:
    if value is not None and not callable(value):
        raise TypeError(f"callback must be callable, got {describe(value)}")
    return value


@dataclass(frozen=True)
class Option:
    """One option of ``fit``."""

    name: str
    default: Any
    type: str
    """The numpydoc type of the option, e.g. ``"int, optional"``."""
    doc: str
    """Its numpydoc description."""
    summary: str
    """One line, for the command line's help."""
    check: Callable[[object], object] | None
    """Checks a value on its own; None for the data's options, which :func:`nncore._fit_data.prepare` checks."""
    fit_many: bool = True
    """Whether ``fit_many`` takes the option too."""


OPTIONS = {
    option.name: option
    for option in (
        Option(
            "epochs",
            None,
            "int, optional",
            "Passes over the data.",
            "passes over the data",
            lambda value: check_optional_count("epochs", value),
        ),
        Option(
            "steps",
            None,
            "int, optional",
            "Per-sample steps. With both ``epochs`` and ``steps``, training stops at whichever comes first.",
            "per-sample steps",
            lambda value: check_optional_count("steps", value),
        ),
        Option(
            "order",
            "shuffle",
            '{"shuffle", "random", "sequential"}',
            '``"shuffle"``: a new permutation every epoch; ``"random"``: every step draws a row uniformly, with '
            'replacement (the tutorial\'s loop); ``"sequential"``: rows in data order (brain.js).',
            "sample order",
            check_order,
        ),
        Option(
            "seed",
            None,
            "int, optional",
            "Seed of the sample order (0 to 2**64 - 1). The same seed, data and "
            "starting state give the same weights, on every platform.",
            "seed of the sample order",
            check_seed,
            fit_many=False,
        ),
        Option(
            "error_threshold",
            None,
            "float, optional",
            "Stop when an epoch's mean error (the mean of the "
            'network\'s :attr:`~nncore.Network.loss` over its samples) falls below this. For ``"mse"`` that is '
            "``0.5 * sum((t - o)**2)`` per sample, where brain.js's ``errorThresh`` takes the mean of "
            '``(t - o)**2`` over the outputs: ``error_measure="brainjs"`` stops where brain.js would.',
            "stop when an epoch's mean error is below it",
            lambda value: check_optional_rate("error_threshold", value),
        ),
        Option(
            "error_measure",
            "half_sse",
            '{"half_sse", "brainjs"}',
            'What ``error_threshold`` is compared with. ``"half_sse"``: the epoch\'s mean error as above (with '
            '``loss="mse"``, the mean over the samples of ``0.5 * sum((t - o)**2)``). ``"brainjs"``: brain.js\'s '
            '``errorThresh`` rule, for ``loss="mse"``: the mean of ``(t - o)**2`` over the outputs and the samples '
            "(``2 / n_outputs`` times the former), training stopping once it is at or below ``error_threshold``, "
            "where brain.js stops. The errors reported (``result.errors``) are the network's loss either way.",
            "what error_threshold is compared with: half_sse (nncore's) or brainjs",
            lambda value: check_choice("error_measure", value, ERROR_MEASURES),
        ),
        Option(
            "callback",
            None,
            "callable, optional",
            "Called as ``callback(info)`` every ``callback_period`` epochs "
            "with a :class:`~nncore.FitProgress`; returning ``False`` stops training. An exception raised by the "
            "callback propagates; the network keeps the steps taken until then.",
            "called every callback_period epochs",
            _check_callback,
            fit_many=False,
        ),
        Option(
            "callback_period",
            10,
            "int, default 10",
            "Epochs between two calls of ``callback``.",
            "epochs between two calls of the callback",
            lambda value: check_count("callback_period", value, minimum=1),
            fit_many=False,
        ),
        Option(
            "progress",
            False,
            "bool, default False",
            "Show a progress bar over the epochs on stderr (needs ``tqdm``); it stays on screen when training ends.",
            "progress bar on stderr",
            lambda value: check_flag("progress", value),
        ),
        Option(
            "timeout",
            None,
            "float, optional",
            "Stop after about this many seconds.",
            "stop after about this many seconds",
            lambda value: check_optional_rate("timeout", value),
        ),
        Option(
            "keep_errors",
            True,
            "bool, default True",
            "Keep every epoch's mean error in ``result.errors`` (8 bytes "
            "an epoch). With False, memory use does not grow with the length of training at all.",
            "keep every epoch's mean error",
            lambda value: check_flag("keep_errors", value),
        ),
        Option(
            "batch_size",
            PER_SAMPLE,
            "int or None, default 1 (None for RPROP)",
            "Samples per update. 1: per "
            "sample (the tutorial's way); k > 1: the gradients of k consecutive samples of the epoch's order are "
            'averaged into one update (the last batch of an epoch may be smaller; with ``order="random"``, k '
            "draws); None: the whole data set per update (FANN's batch training; RPROP's only way).",
            "samples per update",
            None,
        ),
        Option(
            "sample_weight",
            None,
            "array_like, optional",
            "One weight >= 0 per sample. A sample of weight 0 is "
            "left out, as if its row were not there; the others count in proportion to their weight: a batch "
            "updates with ``sum(w_i * g_i) / (k * mean(w))``, ``mean(w)`` over the samples of nonzero weight. So "
            "equal weights change nothing, and in whole-batch training a weight of 2 equals the row given twice. "
            "The epoch error is the weighted mean.",
            "one weight >= 0 per sample",
            None,
        ),
        Option(
            "validation_data",
            None,
            "(X_val, Y_val) or list of dict, optional",
            "Held-out data measured after "
            "every epoch (in ``result.validation_errors``). When its mean error has not fallen below its best for "
            '``patience`` epochs, training stops (``stop_reason="patience"``) and the network goes back to its '
            "state at the best epoch (``result.best_epoch``).",
            "held-out data measured after every epoch",
            None,
            fit_many=False,
        ),
        Option(
            "patience",
            10,
            "int, default 10",
            "Epochs without a new best validation error before stopping.",
            "epochs without a new best validation error before stopping",
            lambda value: check_count("patience", value),
            fit_many=False,
        ),
    )
}

FIT_MANY_OPTIONS = tuple(name for name, option in OPTIONS.items() if option.fit_many)
"""The options ``fit_many`` takes besides its own (``seeds`` replaces ``seed``)."""

# The options checked on their own, as fields: FitOptions(epochs=..., steps=..., ...), frozen.
if TYPE_CHECKING:

    class FitOptions:
        """What the type checker sees of the class made below: its fields come from OPTIONS, each of any type."""

        def __init__(self, **values: Any) -> None: ...
        def __getattr__(self, name: str) -> Any: ...

else:
    FitOptions = dataclasses.make_dataclass(
        "FitOptions", [(name, Any) for name, option in OPTIONS.items() if option.check is not None], frozen=True
    )
    FitOptions.__module__ = __name__
    FitOptions.__doc__ = "``fit``'s options checked on their own (see :meth:`nncore.Network.fit`)."


def check_fit_options(
    given: Mapping[str, object],
    function: str = "fit",
    accepted: Collection[str] = tuple(OPTIONS),
    takes: Collection[str] | None = None,
    elsewhere: Mapping[str, str] | None = None,
) -> FitOptions:
    """Check every option of ``fit`` in ``given`` but the data's; the others take their defaults.

    A name ``function`` does not take (not in ``accepted``) is a
    ``TypeError`` (:func:`nncore._spellings.check_keywords`), whose hint
    looks among ``accepted`` and ``takes`` (the other keywords of
    ``function``) and ``elsewhere``. As brain.js does:
    without ``epochs`` and ``steps``, at most :data:`DEFAULT_EPOCHS` epochs,
    and without ``error_threshold`` either, a stop once an epoch's mean
    error is below :data:`DEFAULT_ERROR_THRESHOLD`.
    """
    if not all(name in accepted for name in given):
        check_keywords(function, given, {*accepted, *(takes or ())}, elsewhere)
    values = {
        name: option.check(given.get(name, option.default))
        for name, option in OPTIONS.items()
        if option.check is not None
    }
    if values["epochs"] is None and values["steps"] is None:
        values["epochs"] = DEFAULT_EPOCHS
        if values["error_threshold"] is None:
            values["error_threshold"] = DEFAULT_ERROR_THRESHOLD
    return FitOptions(**values)


def option_value(given: Mapping[str, object], name: str) -> Any:
    """The value of the option ``name`` in ``given``, or its default."""
    return given.get(name, OPTIONS[name].default)


MARKER = "{fit options}"
"""The line of a docstring that :func:`takes_fit_options` replaces with the options' numpydoc entries."""


def takes_fit_options(names: Collection[str]) -> Callable[[Callable], Callable]:
    """A decorator for a function taking the fit options ``names`` through its ``**options``.

    Its signature (``inspect.signature``, ``help``) shows them as keywords
    with their defaults, and its docstring's :data:`MARKER` line becomes
    their numpydoc entries.
    """

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        parameters = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        parameters += [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=OPTIONS[name].default) for name in names
        ]
        function.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        lines = (function.__doc__ or "").splitlines()
        (at,) = [index for index, line in enumerate(lines) if line.strip() == MARKER]
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        entries = []
        for name in names:
            option = OPTIONS[name]
            entries.append(f"{indent}{name} : {option.type}")
            entries += textwrap.wrap(
                option.doc,
                len(indent) + 76,
                initial_indent=indent + "    ",
                subsequent_indent=indent + "    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        function.__doc__ = "\n".join(lines[:at] + entries + lines[at + 1 :])
        return function

    return decorate


def check_optimizer_batch_size(
    value: object, optimizer: str, n_samples: int, n_rows: int | None = None, clip: bool = False
) -> int:
    """The one batch-size rule of a fit: samples per update (0: all of them) for a network of ``optimizer``.

    ``n_samples`` rows were given, of which ``n_rows`` are trained on (the
    others have weight 0; default all). :data:`PER_SAMPLE` gives 1, or 0 for
    RPROP; None gives 0; else an integer from 1 to ``n_samples``
    (:func:`nncore._checks.check_batch_size`), or, with ``clip``
    (scikit-learn's rule), any integer >= 1, shrunk with a warning to the
    ``n_rows`` trained on. RPROP takes whole batches only (None, or all
    ``n_samples``). A batch larger than the rows trained on takes all of them (0).
    """
    if isinstance(value, _PerSample):
        return 0 if optimizer == "rprop" else 1
    n_rows = n_samples if n_rows is None else n_rows
    if clip and value is not None:
        batch = check_count("batch_size", value)
        if batch > n_rows:
            # stacklevel: this rule, prepare, and the estimator's _train_epochs, _fit(_until_stopped), _fit
            # or _partial_fit and fit or partial_fit: the warning names the caller's line
            warnings.warn(
                f"batch_size {batch} is larger than the {n_rows} training samples; it is clipped to {n_rows}",
                UserWarning,
                stacklevel=7,
            )
            batch = n_rows
    else:
        batch = check_batch_size(value, n_samples)
    if optimizer == "rprop" and batch not in (0, n_samples):
        raise ValueError(f"optimizer='rprop' trains on whole batches: batch_size must be None, got {batch}")
    return batch if batch <= n_rows else 0  # a batch larger than the rows left: all of them


def check_fit_length(n_samples: int, options: FitOptions) -> None:
    """Refuse a fit whose total steps (epochs x rows, or steps) the compiled core cannot count."""
    total, _ = plan_steps(n_samples, options.epochs, options.steps)
    if total > MAX_COUNT:
        raise ValueError(f"epochs x rows must be at most 2**62 steps, got {total}")


def check_error_measure(options: FitOptions, loss: str) -> None:
    """Refuse brain.js's error measure for a network whose loss is not the squared error."""
    if options.error_measure == "brainjs" and loss != "mse":
        raise ValueError(
            f"error_measure='brainjs' is brain.js's mean squared error, for networks of loss='mse'; "
            f"this network's loss is {loss!r} (use error_measure='half_sse', the mean loss)"
        )


def stop_threshold(options: FitOptions, n_outputs: int) -> float:
    """The mean loss of an epoch below which the compiled loop stops (it compares with ``<``); -1: no threshold.

    brain.js stops once the mean of ``(t - o)**2`` over outputs and samples,
    ``2 / n_outputs`` times the mean of ``0.5 * sum((t - o)**2)``, is at or below
    its threshold: at a mean loss of at most ``threshold * n_outputs / 2``.
    """
    if options.error_threshold is None:
        return -1.0
    if options.error_measure == "brainjs":
        return float(np.nextafter(options.error_threshold * n_outputs / 2, np.inf))
    return float(options.error_threshold)
