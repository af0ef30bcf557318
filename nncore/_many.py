"""``fit_many``: train a population of networks at once, in SIMD lanes, on threads or on a Dask cluster.

Every network ends bit-identical to a ``fit`` of its own with the same
arguments and its seed, whatever the number of threads:

* small networks of one shape on the plain path (SGD, one sample per
  update, unweighted, mse, no softmax) train side by side in the SIMD lanes
  of one compiled loop (``nncore._core.LaneGroup``), each lane doing the
  operations of its network's own ``fit`` in the same order;
* every other network runs its own :class:`nncore._fitting.Training`, exactly
  what ``Network.fit`` builds for it.

These tasks run on a pool of threads (the compiled loops release the GIL);
the clock, Ctrl+C, the progress bar and recovery from divergence are shared
or handled per network between chunks.

With a ``dask.distributed`` client, chunks of the population travel to the
cluster's workers (pickled: the nncore dictionary format), run there with
this same module, and their trained states come back into the caller's
objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import functools
import math
import os
import secrets
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from nncore._checks import check_seeds, check_threads, describe
from nncore._core import LaneGroup, NetworkCore, first_layers
from nncore._exceptions import DivergenceError
from nncore._fit_data import FitData, Rows, read_rows
from nncore._fit_data import prepare as prepare_fit
from nncore._fit_options import PER_SAMPLE, FitOptions
from nncore._fitting import (
    FIRST_CHUNK_WORK,
    FitResult,
    Training,
    _progress_bar,
    _SigintFlag,
    close_progress_bar,
    work_per_step,
)
from nncore._sampling import plan_steps
from nncore._scaling import SATURATED_SHARE, SATURATION_ROWS, saturated_shares, warn_saturated

POLL_SECONDS = 0.05
"""How often the calling thread looks at the workers: progress bar, Ctrl+C, a worker's exception."""

USE_LANES = True
"""Train networks of one shape on the plain path side by side in SIMD lanes (``nncore._core.LaneGroup``)."""

MAX_LANES = 64
"""Most networks per lane group: enough to fill the SIMD registers many times over."""

MAX_LANE_WEIGHTS = 1024
"""Networks with more weights train one at a time: the per-network kernels already fill the SIMD
units with the rows of their wider layers (``bench/fit_many.py`` measures both)."""

LANE_CACHE_BYTES = 640 * 1024
"""About what one lane group's weights may take: small networks share 64 lanes, larger ones fewer (at least 8),
so that the weights of a group stay in the core's cache."""

SATURATION_CHECK_BYTES = 16 * 2**20
"""About the most memory one product of the population's saturation check takes (the first layers and their
sums): the networks' first layers are checked that many at a time."""

LANE_CHUNK_WORK = 4 * FIRST_CHUNK_WORK
"""Multiply-adds of all lanes together in one call of the compiled lane loop (whole epochs, at least one)."""


@dataclass(slots=True)
class Job:
    """One network's share of the population: checked data, batch size, sample factors, options and seed."""

    network: NetworkCore
    inputs: np.ndarray
    targets: np.ndarray
    batch_size: int
    factors: np.ndarray | None
    options: FitOptions
    """The call's options, shared by every job (their ``seed`` is None: see :attr:`seed`)."""
    seed: int | None
    input_scaling: tuple[np.ndarray, np.ndarray] | None = None
    """The input scaling's ``(offset, scale)`` fitted to the data, for the network to take; None: nothing."""

    @property
    def own_options(self) -> FitOptions:
        """The options of this network's own ``fit``: the call's, with its seed."""
        return _with_seed(self.options, self.seed)

    def take_input_scaling(self) -> None:
        """Give the network the input scaling fitted to the data, if any: when it starts training."""
        if self.input_scaling is not None:
            self.network._set_input_scaling(self.network._input_scaling_state()[0], *self.input_scaling)

    def training(self) -> Training:
        """This network's own ``fit``, ready to run."""
        return Training(self.network, self.inputs, self.targets, self.own_options, self.batch_size, self.factors)


def fit_many(
    networks: Any,
    X: Any,
    Y: Any,
    options: FitOptions,
    seeds: Any = None,
    threads: Any = None,
    batch_size: Any = PER_SAMPLE,
    sample_weight: Any = None,
    client: Any = None,
) -> list[FitResult]:
    """Train every network of ``networks`` in place; see :func:`nncore.fit_many`.

    ``networks`` and ``options`` are checked (``nncore._population.check_population``,
    ``nncore._fit_options.check_fit_options`` with ``options.seed`` None and no
    callback); everything else is checked here, for every network, before
    any network changes.
    """
    population = list(networks)
    seed_list = check_seeds(seeds, len(population))
    thread_count = _default_threads() if threads is None else check_threads(threads)
    if client is not None:
        _check_client(client)
    jobs = prepare(population, X, Y, options, seed_list, batch_size, sample_weight)
    if client is not None:
        return _fit_on_cluster(client, jobs, X, Y, options, seed_list, batch_size, sample_weight)
    return run(jobs, thread_count, options)


def hold_all(holding: contextlib.ExitStack, networks: list[NetworkCore]) -> None:
    """Hold every network for the call, as ``fit`` does, released when ``holding`` closes.

    The networks are taken in one order shared by every call (their ``id``,
    unique and fixed while the call holds them): two calls on overlapping
    populations then wait for each other in turn, where taking them in list
    order could leave each call holding a network the other one waits for.
    """
    for network in sorted(networks, key=id):
        holding.enter_context(network._fitting())


def prepare(
    networks: list[NetworkCore],
    X: Any,
    Y: Any,
    options: FitOptions,
    seeds: list[int | None],
    batch_size: Any,
    sample_weight: Any,
) -> list[Job]:
    """Check the data against every network and build their jobs.

    The data is read once per kind of network (widths and dtype) and checked
    once per kind of fit (:func:`_fit_kind`); each network still gets the
    error of its own ``fit``, which the first network of a kind raises first.
    """
    if Y is None:
        raise TypeError("fit_many takes the data as X and Y (arrays, one row per sample), got Y=None")
    read: dict[tuple, Rows] = {}
    scaled: dict[tuple, np.ndarray] = {}  # the rows scaled alike are shared, as the rows are: lanes take them
    checked: dict[tuple, FitData] = {}
    saturating: dict[tuple, list[int]] = {}  # the networks whose fit checks for saturation, by data and layer
    jobs = []
    for index, (network, seed) in enumerate(zip(networks, seeds)):
        try:
            sizes, dtype, activations = network.sizes, network.dtype, network.activations
            kind = (sizes[0], sizes[-1], dtype)
            if kind not in read:
                read[kind] = read_rows(X, Y, sizes[0], sizes[-1], dtype.name, sample_weight)
            # what nncore._fit_data.prepare reads of a network that does not scale its inputs, besides the
            # data's kind: networks alike in it get the same checks and the same data (one that scales its
            # inputs has a scaling of its own)
            plain = network._input_scaling_state()[0] is None
            fit_kind = (*kind, network.optimizer, activations[-1], network.loss) if plain else None
            data = None if fit_kind is None else checked.get(fit_kind)
            if data is None:
                data = prepare_fit(network, X, Y, options, batch_size, sample_weight, rows=read[kind], scaled=scaled)
                if fit_kind is not None:
                    checked[fit_kind] = data
        except (TypeError, ValueError) as error:
            if len(networks) == 1:
                raise
            raise type(error)(f"networks[{index}]: {error}") from None
        jobs.append(
            Job(network, data.inputs, data.targets, data.batch_size, data.factors, options, seed, data.input_scaling)
        )
        if plain and network.iterations == 0:
            saturating.setdefault((id(data.inputs), sizes[1], activations[0], dtype), []).append(index)
    _warn_if_saturated(jobs, saturating)
    return jobs


def _warn_if_saturated(jobs: list[Job], alike: dict[tuple, list[int]]) -> None:
    """``fit``'s saturation warning, once for the call at most: the first network's (in order) whose own
    ``fit`` would warn (:func:`nncore._scaling.warn_if_saturated`).

    The networks that check (none trained yet, none scaling its inputs),
    ``alike`` by data set and shape of the first layer, are checked
    together (:func:`nncore._scaling.saturated_shares`), as many in one
    product as take about :data:`SATURATION_CHECK_BYTES`.
    """
    shares: dict[int, float] = {}
    for members in alike.values():
        first = jobs[members[0]]
        sizes, activation = first.network.sizes, first.network.activations[0]
        rows = min(len(first.inputs), SATURATION_ROWS)
        per_network = 8 * sizes[1] * (sizes[0] + 1 + rows)  # float64 weights, biases and sums
        count = max(1, SATURATION_CHECK_BYTES // per_network)
        for start in range(0, len(members), count):
            chunk = members[start : start + count]
            weights, biases = first_layers([jobs[index].network for index in chunk])
            found = saturated_shares(first.inputs, weights, biases, activation)
            if found is None:  # the activation never saturates
                break
            shares.update(zip(chunk, found.tolist()))
    for index in sorted(shares):
        if shares[index] > SATURATED_SHARE:
            warn_saturated(shares[index], jobs[index].network.activations[0])
            return


def _with_seed(options: FitOptions, seed: int | None) -> FitOptions:
    """``options`` with ``seed``: ``dataclasses.replace``'s result, made without its field-by-field
    ``__init__`` (a thousand networks' options in a millisecond instead of fifteen)."""
    copied = copy.copy(options)
    object.__setattr__(copied, "seed", seed)  # FitOptions is frozen
    return copied


def _default_threads() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------- on threads


class _Shared:
    """What the workers share: the clock, Ctrl+C, the steps taken, and a stop after a worker's exception."""

    def __init__(self, timeout: float | None, sigint: _SigintFlag) -> None:
        self.started = time.perf_counter()
        self.deadline = None if timeout is None else self.started + timeout
        self.sigint = sigint
        self.aborted = False
        self.steps = 0
        self._lock = threading.Lock()

    def stop_reason(self) -> str | None:
        """Why every training should stop now ("interrupt", "timeout"), or None."""
        if self.sigint.raised or self.aborted:
            return "interrupt"
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            return "timeout"
        return None

    def count(self, steps: int) -> None:
        if steps > 0:
            with self._lock:
                self.steps += steps


def run(jobs: list[Job], threads: int, options: FitOptions) -> list[FitResult]:
    """Train every job on ``threads`` worker threads; each network's result, in order.

    The calling thread holds every network (as ``fit`` does), turns Ctrl+C
    into a flag the workers read between chunks, and draws the progress bar.
    """
    planned: dict[int, int] = {}  # steps per length of the data
    for job in jobs:
        if len(job.inputs) not in planned:
            planned[len(job.inputs)] = plan_steps(len(job.inputs), options.epochs, options.steps)[0]
    total_steps = sum(planned[len(job.inputs)] for job in jobs)
    bar = _progress_bar(options.progress, total_steps, unit="step", desc="fit_many")
    completed = False
    with contextlib.ExitStack() as holding:
        hold_all(holding, [job.network for job in jobs])
        for job in jobs:
            job.take_input_scaling()
        try:
            with _SigintFlag() as sigint, ThreadPoolExecutor(max_workers=min(threads, len(jobs))) as pool:
                shared = _Shared(options.timeout, sigint)
                tasks = _tasks(jobs, threads)
                futures = [
                    pool.submit(_train_group if len(task) > 1 else _train_one, [jobs[i] for i in task], shared)
                    for task in tasks
                ]
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_EXCEPTION)
                    if any(future.exception() is not None for future in done):
                        shared.aborted = True
                    if bar is not None:
                        bar.update(min(shared.steps, total_steps) - bar.n)
            completed = not (shared.aborted or sigint.raised)
        finally:
            if bar is not None:
                close_progress_bar(bar, min(shared.steps, total_steps) if completed else bar.n, completed)
    results: list[FitResult | None] = [None] * len(jobs)
    for task, future in zip(tasks, futures):
        for index, result in zip(task, future.result()):
            results[index] = result
    return results  # type: ignore[return-value]


def _tasks(jobs: list[Job], threads: int) -> list[list[int]]:
    """The jobs' indices cut into tasks for the threads: lane groups of networks that can share lanes, and
    single networks; a group is split so that every thread gets a share."""
    groups: dict[tuple, list[int]] = {}
    tasks = []
    for index, job in enumerate(jobs):
        key = _lane_key(job)
        if key is None:
            tasks.append([index])
        else:
            groups.setdefault(key, []).append(index)
    for members in groups.values():
        size = min(_lanes_for(jobs[members[0]].network), max(1, math.ceil(len(members) / threads)))
        tasks.extend(members[start : start + size] for start in range(0, len(members), size))
    return tasks


def _lanes_for(network: NetworkCore) -> int:
    """How many networks like this one share a lane group: a multiple of 8 from 8 to MAX_LANES."""
    fitting = LANE_CACHE_BYTES // (_n_weights(network.sizes) * network.dtype.itemsize) // 8 * 8
    return max(8, min(MAX_LANES, fitting))


def _lane_key(job: Job) -> tuple | None:
    """What networks must share to train side by side in lanes; None when this one does not take lanes
    (too large, or not on the plain path: SGD, one sample per update, unweighted, mse, no softmax)."""
    network = job.network
    sizes = network.sizes
    if not (
        USE_LANES
        and network.takes_lanes(job.batch_size, job.factors is not None)
        and _n_weights(sizes) <= MAX_LANE_WEIGHTS
    ):
        return None
    return (sizes, network.activations, network.dtype, network.leaky_relu_alpha, id(job.inputs))


@functools.cache
def _n_weights(sizes: tuple[int, ...]) -> int:
    """The weights of a network of these sizes."""
    return sum(a * b for a, b in pairwise(sizes))


def _train_one(jobs: list[Job], shared: _Shared) -> list[FitResult]:
    """Train one network as ``fit`` would (see :func:`_drive`)."""
    (job,) = jobs
    return [_drive(job.training(), shared)]


def _drive(training: Training, shared: _Shared) -> FitResult:
    """Train one network as ``fit`` would, stopping early when the population stops; never raises
    for divergence: the network goes back to the failing epoch's start and the result says "diverged"."""
    schedule = training.schedule
    stop_reason = shared.stop_reason() or training.done_reason
    if stop_reason == training.done_reason:
        while True:
            steps_before = schedule.steps
            try:
                status = training.advance()
            except DivergenceError:
                stop_reason = "diverged"
                break
            finally:
                shared.count(schedule.steps - steps_before)
            if status == "done":
                break
            if status == "error_threshold":
                stop_reason = "error_threshold"
                break
            reason = shared.stop_reason()
            if reason is not None:
                stop_reason = reason
                break
    return training.result(stop_reason, time.perf_counter() - shared.started)


def _train_group(jobs: list[Job], shared: _Shared) -> list[FitResult]:
    """Train networks of one shape side by side in SIMD lanes, each ending as its own ``fit`` would.

    The set-up is the group's: the trainings share their plan, and the group
    keeps their start (:meth:`Training.in_lanes`). The group is marked at
    epoch starts. A lane whose training diverged (or whose parameters are no
    longer finite when the lane loop returns, as ``fit`` checks after a
    chunk) takes its start from the group, goes back to the mark and
    finishes alone (:func:`_drive`), which replays it exactly and rolls it
    back as ``fit`` does. A lane that stopped is copied out at once: the loop returns after
    every step in which one stops.
    """
    first = jobs[0]
    networks = [job.network for job in jobs]
    trainings = Training.in_lanes(networks, [job.seed for job in jobs], first.inputs, first.targets, first.options)
    n_samples = len(first.inputs)
    chunk_epochs = max(1, int(LANE_CHUNK_WORK / (work_per_step(first.network.sizes) * n_samples * len(jobs))))
    stop_reasons: list[str | None] = [None] * len(jobs)
    alone: list[int] = []
    group = LaneGroup([training.schedule for training in trainings])
    try:
        while None in stop_reasons:
            reason = shared.stop_reason()
            if reason is not None:
                break
            if all(
                stopped is not None or training.schedule.position == 0
                for training, stopped in zip(trainings, stop_reasons)
            ):
                group.mark()
            group.advance(chunk_epochs)
            shared.count(group.last_steps)
            for lane, (status, finite) in enumerate(zip(group.statuses(), group.finite_lanes())):
                if stop_reasons[lane] is not None:
                    continue
                if status == "diverged" or not finite:
                    trainings[lane].start_from(group.start_checkpoint(lane))
                    group.rewind(lane)
                    stop_reasons[lane] = "alone"
                    alone.append(lane)
                elif status is not None:
                    stop_reasons[lane] = trainings[lane].done_reason if status == "done" else status
                    group.write_back(lane)
    finally:
        for lane, stopped in enumerate(stop_reasons):
            if stopped is None:
                group.write_back(lane)
                stop_reasons[lane] = shared.stop_reason() or "interrupt"  # only an exception leaves none
    results = [
        trainings[lane].result(stopped, time.perf_counter() - shared.started)  # type: ignore[arg-type]
        for lane, stopped in enumerate(stop_reasons)
    ]
    for lane in alone:
        results[lane] = _drive(trainings[lane], shared)
    return results


# ---------------------------------------------------------------- on a Dask cluster


def _check_client(client: Any) -> None:
    """A TypeError unless ``client`` is a ``dask.distributed`` client (an ImportError without dask.distributed)."""
    try:
        from distributed import Client
    except ImportError:
        raise ImportError('fit_many(client=...) needs dask.distributed: pip install "nncore-nn[dask]"') from None
    if not isinstance(client, Client):
        hint = ": connect first, client=distributed.Client(address)" if isinstance(client, str) else ""
        raise TypeError(f"client must be a dask.distributed.Client, got {describe(client)}{hint}")


def _fit_on_cluster(
    client: Any,
    jobs: list[Job],
    X: Any,
    Y: Any,
    options: FitOptions,
    seeds: list[int | None],
    batch_size: Any,
    sample_weight: Any,
) -> list[FitResult]:
    """Train chunks of the population on the cluster's workers; write the trained states back.

    The networks travel pickled (the nncore dictionary format, exact); each
    chunk runs :func:`fit_chunk` on one worker thread, and its networks' states
    replace the callers' as soon as the chunk is back. The caller keeps the
    clock: at ``options.timeout`` the chunks not back yet are cancelled, and
    their networks stay as they were, with a result of no step and
    ``stop_reason="timeout"``.
    """
    from distributed import as_completed

    started = time.perf_counter()
    networks = [job.network for job in jobs]
    seeds = [secrets.randbits(64) if seed is None else seed for seed in seeds]
    slots = max(1, sum(client.nthreads().values()))
    size = math.ceil(len(networks) / min(len(networks), slots))
    starts = range(0, len(networks), size)
    results: list[FitResult | None] = [None] * len(networks)
    bar = _progress_bar(options.progress, len(networks), unit="network", desc="fit_many")
    with contextlib.ExitStack() as holding:
        hold_all(holding, networks)
        remaining = None if options.timeout is None else max(0.0, options.timeout - (time.perf_counter() - started))
        # a worker's clock starts when its chunk does (FitOptions is made by make_dataclass)
        remote = dataclasses.replace(options, timeout=remaining)  # type: ignore[type-var]
        futures = {
            client.submit(
                fit_chunk,
                networks[start : start + size],
                X,
                Y,
                remote,
                seeds[start : start + size],
                batch_size,
                sample_weight,
                pure=False,
            ): start
            for start in starts
        }
        try:
            for future in as_completed(futures, timeout=remaining):
                start = futures[future]
                for offset, (state, result) in enumerate(future.result()):
                    networks[start + offset]._restore(*state)
                    jobs[start + offset].take_input_scaling()
                    results[start + offset] = result
                if bar is not None:
                    bar.update(len(future.result()))
        except (TimeoutError, asyncio.TimeoutError):  # distributed raises asyncio's, a class of its own before 3.11
            client.cancel(list(futures))
            elapsed = time.perf_counter() - started
            for index, job in enumerate(jobs):
                if results[index] is None:
                    results[index] = job.training().result("timeout", elapsed)
        except BaseException:
            client.cancel(list(futures))
            raise
        finally:
            if bar is not None:
                bar.close()
    return results  # type: ignore[return-value]


def fit_chunk(
    networks: list[NetworkCore],
    X: Any,
    Y: Any,
    options: FitOptions,
    seeds: list[int],
    batch_size: Any,
    sample_weight: Any,
) -> list[tuple[tuple, FitResult]]:
    """Run on a worker: train the networks on one thread; each one's trained state and result."""
    local = dataclasses.replace(options, progress=False)  # type: ignore[type-var]  # made by make_dataclass
    results = fit_many(networks, X, Y, local, seeds, 1, batch_size, sample_weight)
    return [(network._snapshot(), result) for network, result in zip(networks, results)]
