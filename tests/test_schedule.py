"""FitSchedule, the compiled loop's state, stays safe when misused from Python."""

import threading

import numpy as np
import pytest

import nncore
from nncore._core import EPOCH_ERRORS_CAPACITY, FitSchedule


def tiny_schedule(max_steps=10**6):
    return FitSchedule(np.zeros((3, 2)), np.zeros((3, 1)), "shuffle", 0, max_steps)


def test_the_permutation_handed_out_is_a_copy():
    schedule = tiny_schedule()
    schedule.permutation[0] = 10**12
    assert sorted(schedule.permutation.tolist()) == [0, 1, 2]
    assert nncore.Network([2, 3, 1], seed=0)._fit_steps(schedule, 1000) == "budget"


def test_restore_refuses_what_is_not_a_snapshot():
    schedule = tiny_schedule()
    saved = list(schedule.snapshot())
    saved[6] = np.array([0, 0, 1])
    with pytest.raises(ValueError, match="not a snapshot"):
        schedule.restore(tuple(saved))
    saved = list(schedule.snapshot())
    saved[2] = 3  # position past the data
    with pytest.raises(ValueError, match="not a snapshot"):
        schedule.restore(tuple(saved))


def test_a_full_error_buffer_stops_the_loop_until_it_is_emptied():
    schedule = tiny_schedule()
    net = nncore.Network([2, 3, 1], seed=0)
    assert net._fit_steps(schedule, 10**6) == "errors_full"
    assert schedule.epochs == EPOCH_ERRORS_CAPACITY
    assert net._fit_steps(schedule, 10**6) == "errors_full"  # nothing written past the end
    assert schedule.epochs == EPOCH_ERRORS_CAPACITY
    schedule.flush_errors()
    assert net._fit_steps(schedule, 30) == "budget"
    assert len(schedule.epoch_errors) == EPOCH_ERRORS_CAPACITY + 10


def test_one_schedule_advanced_by_two_networks_on_two_threads():
    schedule = tiny_schedule(max_steps=3 * 4000)
    networks = [nncore.Network([2, 3, 1], seed=s) for s in (0, 1)]
    threads = [threading.Thread(target=lambda n=n: [n._fit_steps(schedule, 100) for _ in range(60)])
               for n in networks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert schedule.steps == networks[0].iterations + networks[1].iterations == 12000
    assert 0 <= schedule.position < 3
