"""FitSchedule, the compiled loop's state, stays safe when misused from Python."""

import threading

import numpy as np
import pytest

import nncore
from nncore._core import EPOCH_ERRORS_CAPACITY, FitSchedule


def tiny_schedule(max_steps=10**6, net=None):
    net = nncore.Network([2, 3, 1], seed=0) if net is None else net
    return FitSchedule(net, np.zeros((3, 2)), np.zeros((3, 1)), "shuffle", 0, max_steps)


def test_the_permutation_handed_out_is_a_copy():
    schedule = tiny_schedule()
    schedule.permutation[0] = 10**12
    assert sorted(schedule.permutation.tolist()) == [0, 1, 2]
    assert schedule.advance(1000) == "budget"


def test_restore_refuses_what_is_not_a_checkpoint():
    schedule = tiny_schedule()
    network_state, saved = schedule.checkpoint()
    saved = list(saved)
    saved[6] = np.array([0, 0, 1])
    with pytest.raises(ValueError, match="not a checkpoint"):
        schedule.restore((network_state, tuple(saved)))
    network_state, saved = schedule.checkpoint()
    saved = list(saved)
    saved[2] = 3  # position past the data
    with pytest.raises(ValueError, match="not a checkpoint"):
        schedule.restore((network_state, tuple(saved)))


def test_a_schedule_refuses_data_that_does_not_fit_its_network():
    with pytest.raises(ValueError, match="inputs must have 3 columns, got 2"):
        FitSchedule(nncore.Network([3, 1], seed=0), np.zeros((3, 2)), np.zeros((3, 1)), "shuffle", 0, 10)
    with pytest.raises(ValueError, match="targets must have 1 columns, got 2"):
        FitSchedule(nncore.Network([3, 1], seed=0), np.zeros((3, 3)), np.zeros((3, 2)), "shuffle", 0, 10)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_schedule_refuses_data_of_another_dtype_or_layout(dtype):
    net = nncore.Network([3, 1], seed=0, dtype=dtype)
    other = np.float64 if dtype == "float32" else np.float32
    with pytest.raises(TypeError, match=f"C-contiguous 2-D {dtype} array"):
        FitSchedule(net, np.zeros((3, 3), dtype=other), np.zeros((3, 1), dtype=dtype), "shuffle", 0, 10)
    with pytest.raises(TypeError, match=f"C-contiguous 2-D {dtype} array"):
        FitSchedule(net, np.zeros((3, 6), dtype=dtype)[:, ::2], np.zeros((3, 1), dtype=dtype), "shuffle", 0, 10)
    with pytest.raises(TypeError, match=f"C-contiguous 2-D {dtype} array"):
        net._forward_rows(np.zeros((2, 3), dtype=other))


def test_a_checkpoint_restores_network_and_schedule_exactly():
    schedule = tiny_schedule()
    checkpoint = schedule.checkpoint()
    before = schedule.network.to_dict()
    schedule.advance(7)
    assert schedule.network.to_dict() != before
    schedule.restore(checkpoint)
    assert schedule.network.to_dict() == before and schedule.steps == 0


def test_a_full_error_buffer_stops_the_loop_until_it_is_emptied():
    schedule = tiny_schedule()
    assert schedule.advance(10**6) == "errors_full"
    assert schedule.epochs == EPOCH_ERRORS_CAPACITY
    assert schedule.advance(10**6) == "errors_full"  # nothing written past the end
    assert schedule.epochs == EPOCH_ERRORS_CAPACITY
    schedule.flush_errors()
    assert schedule.advance(30) == "budget"
    assert len(schedule.epoch_errors) == EPOCH_ERRORS_CAPACITY + 10


def test_one_schedule_advanced_from_two_threads():
    schedule = tiny_schedule(max_steps=3 * 4000)
    threads = [threading.Thread(target=lambda: [schedule.advance(100) for _ in range(60)]) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert schedule.steps == schedule.network.iterations == 12000
    assert 0 <= schedule.position < 3
