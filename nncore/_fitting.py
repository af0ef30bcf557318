"""The driver of ``Network.fit``: the compiled loop in short chunks, and what needs Python between them.

The compiled loop runs without the GIL for a budget of steps (about 20 ms
of work) through :meth:`nncore._core.FitSchedule.advance`; between chunks
this driver handles the clock, Ctrl+C, callbacks, the progress bar and
recovery from divergence. Chunks of short epochs hold whole epochs; with
long epochs the loop also returns at every epoch end, so a checkpoint of
the start of the current epoch is always at hand.

It works on checked values only (``nncore._fit_options`` and ``nncore._fit_data`` check them) and talks
to the network through the schedule the compiled core hands it.
"""

from __future__ import annotations

import math
import secrets
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from nncore._core import FitSchedule, NetworkCore
from nncore._exceptions import DivergenceError, divergence_advice
from nncore._fit_options import FitOptions, stop_threshold
from nncore._pickling import PortablePickle
from nncore._sampling import plan_steps

CHUNK_SECONDS = 0.02
FIRST_CHUNK_WORK = 3e6  # multiply-adds in the first chunk, before its pace is known


@dataclass(frozen=True)
class FitProgress(PortablePickle):
    """What a ``fit`` callback is told: where training stands."""

    epoch: int
    """Epochs completed."""
    steps: int
    """Per-sample steps taken in this fit."""
    error: float
    """Mean error (the network's loss) of the last completed epoch."""
    elapsed: float
    """Seconds since the fit started."""


@dataclass(frozen=True)
class FitResult(PortablePickle):
    """What ``Network.fit`` (or :func:`nncore.fit_many`, for one network) did, and why it stopped."""

    steps: int
    """Per-sample steps taken."""
    epochs: int
    """Epochs completed."""
    error: float
    """Mean error (the network's loss: ``Network.loss``) of the last completed epoch (of the steps taken, if
    no epoch completed); weighted by ``sample_weight`` when given."""
    errors: np.ndarray = field(repr=False)
    """Mean error of every completed epoch: the loss curve (empty with ``keep_errors=False``)."""
    stop_reason: str
    """One of "epochs", "steps", "error_threshold", "timeout", "callback", "interrupt", "patience";
    from :func:`nncore.fit_many` also "diverged" (the network went back to the start of the failing epoch,
    or to the start of the fit when its outputs on the data were no longer finite there)."""
    elapsed: float
    """Seconds spent in ``fit``."""
    validation_errors: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    """Mean error (the network's loss) on ``validation_data`` after every epoch run (empty without validation data)."""
    best_epoch: int | None = None
    """With ``validation_data``: the epoch (1-based) of the lowest validation error, whose state the
    network holds when ``patience`` ended the fit; None without validation data."""

    @property
    def interrupted(self) -> bool:
        """True when Ctrl+C (SIGINT) ended training."""
        return self.stop_reason == "interrupt"

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the loss curves (mean error per epoch) with matplotlib.

        The training curve; with ``validation_data``, the validation curve
        too, and the best epoch (:attr:`best_epoch`) marked by a vertical
        line; a legend names them.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure's axes by default.
        **kwargs
            Passed to ``ax.plot`` for the training curve (``label``, ``color``, ...).

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on.

        Raises
        ------
        ImportError
            Without matplotlib (``pip install "nncore-nn[plot]"``).
        ValueError
            When there is no curve: no epoch completed, or ``fit`` ran with
            ``keep_errors=False`` and without validation data.
        """
        if len(self.errors) == 0 and len(self.validation_errors) == 0:
            raise ValueError("there is no loss curve to plot: no epoch completed, or fit ran with keep_errors=False")
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError('FitResult.plot needs matplotlib: pip install "nncore-nn[plot]"') from None
        if ax is None:
            _, ax = plt.subplots()
        curves = [(self.errors, {"label": "training", **kwargs})]
        if len(self.validation_errors):
            curves.append((self.validation_errors, {"label": "validation"}))
        for errors, style in curves:
            if len(errors):
                ax.plot(np.arange(1, len(errors) + 1), errors, **style)
        title = f"{self.epochs} epochs, {self.steps} steps, stopped by {self.stop_reason}"
        if self.best_epoch is not None:
            ax.axvline(self.best_epoch, color="gray", linestyle=":", label=f"best epoch ({self.best_epoch})")
            title += f", best epoch {self.best_epoch}"
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean error (loss)")
        if all(np.all(errors > 0) for errors, _ in curves):
            ax.set_yscale("log")
        ax.set_title(title)
        ax.legend()
        return ax


class _SigintFlag:
    """Turns SIGINT into a flag while the compiled loop runs (main thread only).

    The handler in place before is put back on exit. A handler that was not
    installed from Python (``signal.getsignal`` gives None) could not be put
    back, so it is left alone: Ctrl+C then does what it did before.
    """

    def __init__(self) -> None:
        self.raised = False
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> _SigintFlag:
        if threading.current_thread() is threading.main_thread():
            try:
                previous = signal.getsignal(signal.SIGINT)
                if previous is not None:
                    self._previous = signal.signal(signal.SIGINT, self._handle)
                    self._installed = True
            except ValueError:  # not the main interpreter
                pass
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.raised = True

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False


class EarlyStopping:
    """Early stopping, one mechanism with the rules as parameters: ``fit``'s patience and scikit-learn MLP's rule.

    After every epoch it takes in a value (``measure()``, or the value given
    to :meth:`after_epoch`). A value strictly better than the best so far is
    the new best, and with ``keep_best`` the network's state at it is kept
    (:meth:`restore_best` puts it back). The rule says when to stop: once
    ``patience`` epochs in a row made no progress since the last one that did.

    Parameters
    ----------
    network : NetworkCore
    measure : callable, optional
        The value after an epoch (without it, :meth:`after_epoch` is given the value).
    patience : int
        Epochs in a row without progress that stop training.
    tol : float, default 0.0
        What an epoch must gain over the best value to count as progress.
    lenient : bool, default False
        False: progress is a value better than the best by more than ``tol``
        (``fit``'s rule). True: only a value worse than the best shifted by
        ``tol`` fails to progress, one equal to it does not (scikit-learn MLP's rule).
    higher_is_better : bool, default False
        A score (True) rather than an error.
    keep_best : bool, default True
    """

    def __init__(
        self,
        network: NetworkCore,
        measure: Callable[[], float] | None = None,
        *,
        patience: int,
        tol: float = 0.0,
        lenient: bool = False,
        higher_is_better: bool = False,
        keep_best: bool = True,
    ) -> None:
        self.network, self.measure, self.patience, self.tol = network, measure, patience, tol
        self.lenient, self.higher_is_better, self.keep_best = lenient, higher_is_better, keep_best
        self.values: list[float] = []
        self.best = -math.inf if higher_is_better else math.inf
        self.best_epoch: int | None = None
        self.best_state: tuple | None = None
        self.last_progress: int | None = None

    def _better(self, value: float, than: float) -> bool:
        return value > than if self.higher_is_better else value < than

    def after_epoch(self, epoch: int, value: float | None = None) -> bool:
        """Take in epoch ``epoch`` (1-based) just completed, whose ``value`` is given without a ``measure``;
        True when training should stop."""
        if self.measure is not None:
            value = self.measure()
        assert value is not None, "a value is given when there is no measure"
        self.values.append(value)
        shifted = self.best + self.tol if self.higher_is_better else self.best - self.tol
        progress = not self._better(shifted, value) if self.lenient else self._better(value, shifted)
        if progress:
            self.last_progress = epoch
        if self._better(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.keep_best:
                self.best_state = self.network._snapshot()
        return self.last_progress is not None and epoch - self.last_progress >= self.patience

    def restart(self, epoch: int) -> None:
        """Count the epochs without progress anew from ``epoch`` (the best value so far stays)."""
        self.last_progress = epoch

    def restore_best(self) -> None:
        """Put the network back in its state at the best value, if one was kept."""
        if self.best_state is not None:
            self.network._restore(*self.best_state)


def work_per_step(sizes: tuple[int, ...]) -> int:
    """The work of one step of a network of these sizes, in multiply-adds and neurons: what sizes its chunks."""
    return sum(a * b for a, b in pairwise(sizes)) + sum(sizes)


@dataclass(frozen=True)
class _Plan:
    """What a training takes from the sizes of its network, the length of its data and its options."""

    max_steps: int
    done_reason: str
    budget: int
    """Steps of the first chunk."""
    long_epochs: bool
    """An epoch is longer than a chunk: the loop returns at every epoch end."""
    threshold: float
    report_every: int

    @classmethod
    def of(
        cls, sizes: tuple[int, ...], n_samples: int, options: FitOptions, every_epoch: bool, callback_period: int
    ) -> _Plan:
        max_steps, done_reason = plan_steps(n_samples, options.epochs, options.steps)
        budget = max(1, int(FIRST_CHUNK_WORK / work_per_step(sizes)))
        long_epochs = n_samples > budget
        report_every = 1 if long_epochs or every_epoch else callback_period
        return cls(max_steps, done_reason, budget, long_epochs, stop_threshold(options, sizes[-1]), report_every)

    def schedule(
        self,
        network: NetworkCore,
        inputs: np.ndarray,
        targets: np.ndarray,
        options: FitOptions,
        seed: int,
        batch_size: int = 1,
        factors: np.ndarray | None = None,
    ) -> FitSchedule:
        """The schedule of a training of ``network`` on this plan."""
        return FitSchedule(
            network,
            inputs,
            targets,
            options.order,
            seed,
            self.max_steps,
            self.threshold,
            self.report_every,
            options.keep_errors,
            batch_size,
            factors,
        )


class Training:
    """One network's fit under way: its schedule, the size of the next chunk, and the checkpoint
    of the current epoch's start that recovery from divergence goes back to.

    ``every_epoch`` makes :meth:`advance` return at every epoch end (early
    stopping needs it); ``callback_period`` (0: none) at every so many epochs.
    ``fit`` drives one training; ``nncore._many`` drives many side by side, and
    each ends exactly as ``fit`` alone would leave it.
    """

    start: tuple | None
    """The checkpoint of the fit's start (None for a training in lanes until :meth:`start_from`)."""
    checkpoint: tuple | None
    """The checkpoint of the current epoch's start, or of an earlier one."""

    def __init__(
        self,
        network: NetworkCore,
        inputs: np.ndarray,
        targets: np.ndarray,
        options: FitOptions,
        batch_size: int = 1,
        factors: np.ndarray | None = None,
        every_epoch: bool = False,
        callback_period: int = 0,
    ) -> None:
        plan = _Plan.of(network.sizes, len(inputs), options, every_epoch, callback_period)
        seed = secrets.randbits(64) if options.seed is None else options.seed
        schedule = plan.schedule(network, inputs, targets, options, seed, batch_size, factors)
        self._set_up(plan, schedule)
        # The start of the fit, kept for the whole fit: a roll-back goes back to it when the start of the
        # failing epoch computes non-finite outputs on the data. It is also the first epoch's checkpoint.
        self.start = self.checkpoint = self.schedule.checkpoint()

    @classmethod
    def in_lanes(
        cls,
        networks: list[NetworkCore],
        seeds: list[int | None],
        inputs: np.ndarray,
        targets: np.ndarray,
        options: FitOptions,
    ) -> list[Training]:
        """The trainings of networks of one shape on the same data and options (each with its seed) that a
        lane group runs (``nncore._core.LaneGroup``): what they share planned and checked once (the first
        network's schedule is made, the others' alike), and no checkpoint of their start taken, as the
        group keeps it; :meth:`start_from` gives a training the checkpoint of its start before it goes on
        alone."""
        plan = _Plan.of(networks[0].sizes, len(inputs), options, False, 0)
        drawn = [secrets.randbits(64) if seed is None else seed for seed in seeds]
        first = plan.schedule(networks[0], inputs, targets, options, drawn[0])
        trainings = []
        for network, seed in zip(networks, drawn):
            training = cls.__new__(cls)
            training._set_up(plan, first if network is networks[0] else first.alike(network, seed))
            trainings.append(training)
        return trainings

    def _set_up(self, plan: _Plan, schedule: FitSchedule) -> None:
        self.max_steps, self.done_reason, self.budget, self.long_epochs = (
            plan.max_steps,
            plan.done_reason,
            plan.budget,
            plan.long_epochs,
        )
        self.schedule = schedule
        self.start = self.checkpoint = None
        self.checkpoint_steps = 0
        self.inputs, self.targets = schedule.inputs, schedule.targets

    def start_from(self, start: tuple) -> None:
        """Take ``start``, the checkpoint of this training's start (:meth:`nncore._core.FitSchedule.checkpoint`),
        as a training made by :meth:`in_lanes` has none."""
        self.start = self.checkpoint = start
        self.checkpoint_steps = 0

    @property
    def total_epochs(self) -> int:
        """The epochs this training runs unless something stops it first (the last may be partial)."""
        return math.ceil(self.max_steps / self.schedule.n_samples)

    def advance(self) -> str:
        """Run one chunk of about CHUNK_SECONDS; return the schedule's status ("done", "epoch_end", ...).

        Raises
        ------
        DivergenceError
            When the chunk diverged; the network is back at the start of the failing epoch, or at the
            start of the fit (see :func:`_roll_back_divergence`).
        """
        schedule = self.schedule
        assert self.start is not None and self.checkpoint is not None, "made by in_lanes: start_from comes first"
        # a new epoch's start (none at the fit's end: no step is left to roll back)
        if schedule.position == 0 and schedule.steps not in (self.checkpoint_steps, self.max_steps):
            self.checkpoint, self.checkpoint_steps = schedule.checkpoint(), schedule.steps
        n_samples = schedule.n_samples
        chunk = self.budget if self.long_epochs else max(1, self.budget // n_samples) * n_samples
        started, steps_before = time.perf_counter(), schedule.steps
        status = schedule.advance(chunk)
        seconds = time.perf_counter() - started
        if status == "diverged" or not schedule.network_is_finite():
            _roll_back_divergence(schedule, self.checkpoint, self.start, self.inputs, self.targets)
        self.budget = _adapt_budget(self.budget, schedule.steps - steps_before, seconds)
        if status == "errors_full":
            schedule.flush_errors()
        return status

    def result(
        self,
        stop_reason: str,
        elapsed: float,
        validation_errors: np.ndarray | None = None,
        best_epoch: int | None = None,
    ) -> FitResult:
        """The :class:`FitResult` of the training as it stands."""
        schedule = self.schedule
        error = schedule.last_epoch_error if schedule.epochs else schedule.partial_epoch_error
        validation = np.zeros(0) if validation_errors is None else validation_errors
        return FitResult(
            schedule.steps, schedule.epochs, error, schedule.epoch_errors, stop_reason, elapsed, validation, best_epoch
        )


def fit(
    network: NetworkCore,
    inputs: np.ndarray,
    targets: np.ndarray,
    options: FitOptions,
    batch_size: int = 1,
    factors: np.ndarray | None = None,
    validation_error: Callable[[], float] | None = None,
) -> FitResult:
    """Train ``network`` on checked data with checked options; see :meth:`nncore.Network.fit`.

    ``batch_size`` is the samples per update (0: all of them), ``factors``
    each sample's weight divided by their mean (None: unweighted), and
    ``validation_error`` measures the network on held-out data (with
    ``options.patience``, early stopping). The caller holds the network for
    the whole call (``network._fitting()``).
    """
    early = None if validation_error is None else EarlyStopping(network, validation_error, patience=options.patience)
    training = Training(
        network,
        inputs,
        targets,
        options,
        batch_size,
        factors,
        every_epoch=early is not None,
        callback_period=options.callback_period if options.callback else 0,
    )
    schedule = training.schedule
    bar = _progress_bar(options.progress, training.total_epochs)

    stop_reason = training.done_reason
    started = time.perf_counter()
    completed = False
    try:
        with _SigintFlag() as sigint:
            while True:
                epochs_before = schedule.epochs
                status = training.advance()
                now = time.perf_counter()
                if early is not None and schedule.epochs > epochs_before and early.after_epoch(schedule.epochs):
                    early.restore_best()
                    stop_reason = "patience"
                    break
                if bar is not None:
                    bar.update(schedule.epochs - bar.n)
                    bar.set_postfix(error=f"{schedule.last_epoch_error:.6g}", refresh=False)
                if status == "done":
                    break
                if status == "error_threshold":
                    stop_reason = "error_threshold"
                    break
                if (
                    status == "epoch_end"
                    and options.callback is not None
                    and schedule.epochs % options.callback_period == 0
                ):
                    info = FitProgress(schedule.epochs, schedule.steps, schedule.last_epoch_error, now - started)
                    if options.callback(info) is False:
                        stop_reason = "callback"
                        break
                if sigint.raised:
                    stop_reason = "interrupt"
                    break
                if options.timeout is not None and now - started >= options.timeout:
                    stop_reason = "timeout"
                    break
        completed = stop_reason != "interrupt"
    finally:
        if bar is not None:
            # a budget of steps may end in a partial epoch, which the bar's total counts
            done = training.total_epochs if completed and stop_reason == training.done_reason else schedule.epochs
            close_progress_bar(bar, done, completed)
    validation = None if early is None else np.array(early.values)
    return training.result(
        stop_reason, time.perf_counter() - started, validation, None if early is None else early.best_epoch
    )


def _adapt_budget(budget: int, steps: int, seconds: float) -> int:
    """The step budget for about CHUNK_SECONDS of work, from the pace of the last chunk.

    Changes by at most 4x a time, from the pace only when the chunk was long
    enough to time (a chunk cut short by an epoch end says little about the
    pace). A chunk too short to time that still ran at least half its budget
    grows the budget 4x: fast steps (wide layers in AVX-512) would otherwise
    keep the first chunk's few steps for the whole fit, and the work between
    chunks (the network's finiteness check, Python) took a tenth of its time.
    """
    if steps <= 0:
        return budget
    if seconds < CHUNK_SECONDS / 8:
        return 4 * budget if 2 * steps >= budget else budget
    target = steps * CHUNK_SECONDS / seconds
    return max(1, int(min(4 * budget, max(budget / 4, target))))


def _roll_back_divergence(
    schedule: FitSchedule, checkpoint: tuple, start: tuple, inputs: np.ndarray, targets: np.ndarray
) -> None:
    """Find the epoch in which training diverged, restore its start (or the fit's), and raise.

    The checkpoint lies at the start of an epoch at or before the failing one;
    training from it is exactly repeatable (no other thread can change the
    network while a fit holds it), so it is replayed an epoch at a time until
    the failing epoch shows itself. Its start has finite parameters, but they
    may already be so large that the outputs or errors on the training data
    overflow; the network then goes back to ``start``, the start of the fit,
    so that it is never left predicting NaN or infinity where it did not before.
    """
    schedule.restore(checkpoint)
    schedule.report_every = 1
    while True:
        epoch_start = schedule.checkpoint()
        status = schedule.advance(2**62)
        if status == "diverged" or not schedule.network_is_finite():
            schedule.restore(epoch_start)
            failing = schedule.epochs + 1
            restored = f"the network was restored to its state at the start of that epoch (epoch {failing})"
            if failing > 1 and not _computes_finite(schedule.network, inputs, targets):
                schedule.restore(start)
                restored = (
                    f"the network's outputs or errors on the training data at the start of epoch {failing} "
                    "were already not finite, so it was restored to its state at the start of the fit (epoch 1)"
                )
            raise DivergenceError(
                f"training diverged in epoch {failing} (an error or weight became NaN or infinite); "
                f"{restored}. Try {divergence_advice(schedule.network)}."
            )
        if status in ("done", "error_threshold"):  # cannot happen: the replay is exact
            raise RuntimeError("training diverged, but replaying it did not")


def _computes_finite(network: NetworkCore, inputs: np.ndarray, targets: np.ndarray) -> bool:
    """True when ``network``'s outputs and per-sample errors on the data (the fit's, scaled already) are all finite."""
    outputs, losses = network._forward_and_losses(inputs, targets, scale=False)
    return bool(np.isfinite(outputs).all() and np.isfinite(losses).all())


def close_progress_bar(bar: Any, done: int, completed: bool) -> None:
    """Move ``bar`` to ``done`` units and close it; a ``completed`` run (not cut short by Ctrl+C or an
    error) ends at 100 %: when it stopped before the planned total (early stopping, an error threshold,
    a callback, a timeout), the total becomes what was done."""
    bar.update(done - bar.n)
    if completed and bar.n != bar.total:
        bar.total = bar.n
        bar.refresh()
    bar.close()


def _progress_bar(progress: bool, total: int, unit: str = "epoch", desc: str = "fit") -> Any:
    """A tqdm bar over ``total`` units, left on screen when it closes; None without ``progress``."""
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError('progress=True needs tqdm: pip install "nncore-nn[progress]"') from None
    return tqdm(total=total, unit=unit, desc=desc, leave=True, unit_scale=unit == "step")
