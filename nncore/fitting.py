"""The driver of ``Network.fit``: checks, then the compiled loop in short chunks.

The compiled loop (``run_schedule`` in ``src/_kernels.pxd``) runs without the
GIL for a budget of steps (about 20 ms of work); between chunks this driver
handles what needs Python: the clock, Ctrl+C, callbacks, the progress bar and
recovery from divergence.  Chunks of short epochs hold whole epochs; with long
epochs the loop also returns at every epoch end, so a copy of the state from
the start of the current epoch is always at hand.
"""

from __future__ import annotations

import math
import secrets
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from nncore._checks import MAX_COUNT, as_float_array, check_count, check_rate, describe
from nncore._core import ORDERS, FitSchedule
from nncore.exceptions import DivergenceError

if TYPE_CHECKING:
    from nncore.network import Network

CHUNK_SECONDS = 0.02
FIRST_CHUNK_WORK = 3e6  # multiply-adds in the first chunk, before its pace is known
STOP_REASONS = ("epochs", "steps", "error_threshold", "timeout", "callback", "interrupt")


@dataclass(frozen=True)
class FitProgress:
    """What a ``fit`` callback is told: where training stands."""

    epoch: int
    """Epochs completed."""
    steps: int
    """Per-sample steps taken in this fit."""
    error: float
    """Mean error of the last completed epoch."""
    elapsed: float
    """Seconds since the fit started."""


@dataclass(frozen=True)
class FitResult:
    """What ``Network.fit`` did, and why it stopped."""

    steps: int
    """Per-sample steps taken."""
    epochs: int
    """Epochs completed."""
    error: float
    """Mean error of the last completed epoch (of the steps taken, if no epoch completed)."""
    errors: np.ndarray = field(repr=False)
    """Mean error of every completed epoch: the loss curve (empty with ``keep_errors=False``)."""
    stop_reason: str
    """One of "epochs", "steps", "error_threshold", "timeout", "callback", "interrupt"."""
    elapsed: float
    """Seconds spent in ``fit``."""

    @property
    def interrupted(self) -> bool:
        """True when Ctrl+C (SIGINT) ended training."""
        return self.stop_reason == "interrupt"


def prepare_data(net: Network, X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets as checked, C-contiguous float64 2-D arrays."""
    n_in, n_out = net.sizes[0], net.sizes[-1]
    inputs = as_float_array(X, "X", 2)
    targets_1d = np.ndim(Y) == 1 if not isinstance(Y, (str, bytes)) else False
    if targets_1d and n_out == 1:
        targets = as_float_array(Y, "Y", 1).reshape(-1, 1)
    else:
        targets = as_float_array(Y, "Y", 2)
    if inputs.shape[0] == 0:
        raise ValueError("X must hold at least one sample, got 0 rows")
    if inputs.shape[1] != n_in:
        raise ValueError(f"X must have {n_in} columns (the network's inputs), got {inputs.shape[1]}")
    if targets.shape[1] != n_out:
        raise ValueError(f"Y must have {n_out} columns (the network's outputs), got {targets.shape[1]}")
    if targets.shape[0] != inputs.shape[0]:
        raise ValueError(
            f"X and Y must have the same number of rows, got {inputs.shape[0]} and {targets.shape[0]}"
        )
    return inputs, targets


def _optional_count(name: str, value: object) -> int | None:
    return None if value is None else check_count(name, value, minimum=0)


def _plan_steps(n_samples: int, epochs: int | None, steps: int | None) -> tuple[int, str]:
    """Total steps and the stop reason that reaching them means."""
    if epochs is None and steps is None:
        return n_samples, "epochs"
    if steps is None or (epochs is not None and epochs * n_samples <= steps):
        return epochs * n_samples, "epochs"  # type: ignore[operator]
    return steps, "steps"


class _SigintFlag:
    """Turns SIGINT into a flag while the compiled loop runs (main thread only)."""

    def __init__(self) -> None:
        self.raised = False
        self._previous: Any = None

    def __enter__(self) -> _SigintFlag:
        if threading.current_thread() is threading.main_thread():
            try:
                self._previous = signal.signal(signal.SIGINT, self._handle)
            except ValueError:  # not the main interpreter
                self._previous = None
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.raised = True

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


class _Checkpoint:
    """Parameters, iteration count and schedule state, to roll training back to."""

    def __init__(self, net: Network, schedule: FitSchedule) -> None:
        self.parameters = net._read_parameters()
        self.iterations = net.iterations
        self.schedule = schedule.snapshot()

    def restore(self, net: Network, schedule: FitSchedule) -> None:
        net._write_parameters(*self.parameters)
        net._set_iterations(self.iterations)
        schedule.restore(self.schedule)


def fit(net: Network, X: Any, Y: Any, *, epochs: int | None, steps: int | None, order: str,
        seed: int | None, error_threshold: float | None, callback: Callable[[FitProgress], object] | None,
        callback_period: int, progress: bool, timeout: float | None, keep_errors: bool = True) -> FitResult:
    """See :meth:`nncore.Network.fit`."""
    inputs, targets = prepare_data(net, X, Y)
    epochs = _optional_count("epochs", epochs)
    steps = _optional_count("steps", steps)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {sorted(ORDERS)}, got {order!r}")
    if seed is None:
        seed = secrets.randbits(64)
    elif not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an integer or None, got {describe(seed)}")
    threshold = -1.0 if error_threshold is None else check_rate("error_threshold", error_threshold)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {describe(callback)}")
    callback_period = check_count("callback_period", callback_period, minimum=1)
    if timeout is not None:
        timeout = check_rate("timeout", timeout)
    bar = _progress_bar(progress, epochs, steps, len(inputs))

    n_samples = len(inputs)
    max_steps, done_reason = _plan_steps(n_samples, epochs, steps)
    if max_steps > MAX_COUNT:
        raise ValueError(f"epochs x rows must be at most 2**62 steps, got {max_steps}")
    work_per_step = sum(a * b for a, b in zip(net.sizes, net.sizes[1:])) + sum(net.sizes)
    budget = max(1, int(FIRST_CHUNK_WORK / work_per_step))
    long_epochs = n_samples > budget
    schedule = FitSchedule(inputs, targets, order, int(seed) % 2**64, max_steps, threshold,
                           1 if long_epochs else (callback_period if callback else 0), bool(keep_errors))

    stop_reason = done_reason
    started = time.perf_counter()
    checkpoint = None
    net._begin_fit()  # train() from other threads now waits for this fit to end
    try:
        with _SigintFlag() as sigint:
            while True:
                if schedule.position == 0:
                    checkpoint = _Checkpoint(net, schedule)
                chunk = budget if long_epochs else max(1, budget // n_samples) * n_samples
                chunk_started, steps_before = time.perf_counter(), schedule.steps
                status = net._fit_steps(schedule, chunk)
                now = time.perf_counter()
                if status == "diverged" or not net._all_finite():
                    _roll_back_divergence(net, schedule, checkpoint)
                budget = _adapt_budget(budget, schedule.steps - steps_before, now - chunk_started)
                if bar is not None:
                    bar.update(schedule.epochs - bar.n)
                    bar.set_postfix(error=f"{schedule.last_epoch_error:.6g}", refresh=False)
                if status == "errors_full":
                    schedule.flush_errors()
                if status == "done":
                    break
                if status == "error_threshold":
                    stop_reason = "error_threshold"
                    break
                if (status == "epoch_end" and callback is not None
                        and schedule.epochs % callback_period == 0):
                    info = FitProgress(schedule.epochs, schedule.steps, schedule.last_epoch_error, now - started)
                    if callback(info) is False:
                        stop_reason = "callback"
                        break
                if sigint.raised:
                    stop_reason = "interrupt"
                    break
                if timeout is not None and now - started >= timeout:
                    stop_reason = "timeout"
                    break
    finally:
        net._end_fit()
        if bar is not None:
            bar.close()
    errors = schedule.epoch_errors
    error = schedule.last_epoch_error if schedule.epochs else schedule.partial_epoch_error
    return FitResult(schedule.steps, schedule.epochs, error, errors, stop_reason, time.perf_counter() - started)


def _adapt_budget(budget: int, steps: int, seconds: float) -> int:
    """The step budget for about CHUNK_SECONDS of work, from the pace of the last chunk.

    Changes by at most 4x a time, and only when the chunk was long enough to
    time (a chunk cut short by an epoch end says little about the pace).
    """
    if steps <= 0 or seconds < CHUNK_SECONDS / 8:
        return budget
    target = steps * CHUNK_SECONDS / seconds
    return max(1, int(min(4 * budget, max(budget / 4, target))))


def _roll_back_divergence(net: Network, schedule: FitSchedule, checkpoint: _Checkpoint) -> None:
    """Find the epoch in which training diverged, restore its start, and raise.

    The checkpoint lies at the start of an epoch at or before the failing one;
    training from it is exactly repeatable, so it is replayed an epoch at a
    time until the failing epoch shows itself.
    """
    checkpoint.restore(net, schedule)
    schedule.report_every = 1
    while True:
        epoch_start = _Checkpoint(net, schedule)
        status = net._fit_steps(schedule, 2**62)
        if status == "diverged" or not net._all_finite():
            epoch_start.restore(net, schedule)
            raise DivergenceError(
                f"training diverged in epoch {schedule.epochs + 1} (an error or weight became NaN or "
                f"infinite); the network was restored to its state at the start of that epoch. "
                f"Try a smaller learning_rate (now {net.learning_rate!r})."
            )
        if status in ("done", "error_threshold"):  # cannot happen: the replay is exact
            raise RuntimeError("training diverged, but replaying it did not")


def _progress_bar(progress: bool, epochs: int | None, steps: int | None, n_samples: int):
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("progress=True needs tqdm: pip install tqdm (or nncore-nn[progress])") from None
    total_steps, _ = _plan_steps(n_samples, epochs, steps)
    return tqdm(total=math.ceil(total_steps / n_samples), unit="epoch", desc="fit", leave=False)
