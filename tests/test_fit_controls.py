"""fit's training controls: limits, error threshold, callbacks, timeout, Ctrl+C, progress bar."""

import signal
import threading
from itertools import pairwise

import numpy as np
import pytest

import nncore

XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [0, 1, 1, 0]


def xor_net(**options):
    return nncore.Network([2, 3, 1], seed=1, **options)


def test_epoch_limit_is_exact():
    result = xor_net().fit(XOR_X, XOR_Y, epochs=1234, order="sequential")
    assert (result.epochs, result.steps, result.stop_reason) == (1234, 4936, "epochs")
    assert len(result.errors) == 1234


def test_step_limit_is_exact_mid_epoch():
    net = xor_net()
    result = net.fit(XOR_X, XOR_Y, steps=4937, order="shuffle", seed=0)
    assert (result.steps, result.epochs, result.stop_reason) == (4937, 1234, "steps")
    assert net.iterations == 4937


def test_callback_period_20_over_100_epochs_fires_5_times():
    calls = []
    result = xor_net().fit(XOR_X, XOR_Y, epochs=100, callback=calls.append, callback_period=20)
    assert [info.epoch for info in calls] == [20, 40, 60, 80, 100]
    assert [info.steps for info in calls] == [80, 160, 240, 320, 400]
    np.testing.assert_array_equal([info.error for info in calls], result.errors[19::20])
    assert all(b.elapsed >= a.elapsed >= 0 for a, b in pairwise(calls))
    assert result.stop_reason == "epochs"


def test_callback_does_not_change_the_training():
    plain, watched = xor_net(), xor_net()
    plain.fit(XOR_X, XOR_Y, epochs=50, seed=3)
    watched.fit(XOR_X, XOR_Y, epochs=50, seed=3, callback=lambda info: None, callback_period=7)
    assert plain.to_dict() == watched.to_dict()


def test_callback_returning_false_stops():
    net = xor_net()
    result = net.fit(XOR_X, XOR_Y, epochs=1000, callback=lambda info: info.epoch < 30, callback_period=10)
    assert (result.stop_reason, result.epochs, net.iterations) == ("callback", 30, 120)


def test_error_threshold_stops_below_it():
    net = nncore.Network([2, 10, 10, 1], seed=0)
    result = net.fit(XOR_X, XOR_Y, epochs=20000, error_threshold=0.2, order="sequential")
    assert result.stop_reason == "error_threshold"
    assert result.error < 0.2
    assert np.all(result.errors[:-1] >= 0.2)
    assert result.epochs < 20000


def test_larger_learning_rate_reaches_the_threshold_in_fewer_epochs():
    epochs = {}
    for rate in (0.1, 0.6):
        net = nncore.Network([2, 10, 10, 1], learning_rate=rate, seed=0)
        result = net.fit(XOR_X, XOR_Y, epochs=100000, error_threshold=0.005, order="sequential")
        assert result.stop_reason == "error_threshold"
        epochs[rate] = result.epochs
    assert epochs[0.6] < epochs[0.1]


def test_timeout_stops_training():
    net = xor_net()
    result = net.fit(XOR_X, XOR_Y, steps=10**12, timeout=0.1, seed=0)
    assert result.stop_reason == "timeout"
    assert 0 < result.steps < 10**12
    assert result.elapsed >= 0.1
    assert net.iterations == result.steps


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals")
def test_ctrl_c_stops_fit_after_a_completed_step():
    start = xor_net()
    net = nncore.Network.from_dict(start.to_dict())
    previous_handler = signal.getsignal(signal.SIGINT)
    main = threading.main_thread().ident
    timer = threading.Timer(0.3, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    try:
        result = net.fit(XOR_X, XOR_Y, steps=10**12, timeout=60, order="random", seed=5)
    finally:
        timer.cancel()
    assert result.stop_reason == "interrupt" and result.interrupted
    assert signal.getsignal(signal.SIGINT) is previous_handler
    # The network holds exactly the state after its last completed step ...
    replay = nncore.Network.from_dict(start.to_dict())
    replay.fit(XOR_X, XOR_Y, steps=result.steps, order="random", seed=5)
    assert net.to_dict() == replay.to_dict()
    # ... and remains usable.
    assert np.isfinite(net.train([0, 1], [1]))


def test_ctrl_c_outside_fit_still_raises_keyboard_interrupt():
    # Python's own handler, as in a terminal (a shell's background job starts with SIGINT ignored)
    outer = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        xor_net().fit(XOR_X, XOR_Y, epochs=2)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # fit put it back
        with pytest.raises(KeyboardInterrupt):  # noqa: PT012 (raised while the loop runs, at the latest)
            signal.raise_signal(signal.SIGINT)  # to this thread, the main one: handled before the next bytecode
            for _ in range(10**8):
                pass
    finally:
        signal.signal(signal.SIGINT, outer)


def test_progress_bar_on_stderr(capsys):
    pytest.importorskip("tqdm")
    xor_net().fit(XOR_X, XOR_Y, epochs=3000, progress=True)
    err = capsys.readouterr().err
    assert "epoch" in err and "3000" in err


def test_fit_from_another_thread_releases_the_gil():
    # While a long fit runs on a worker thread, the main thread keeps running Python.
    net = nncore.Network([20, 200, 200, 5], seed=0)
    X = np.random.default_rng(0).random((50, 20))
    Y = np.random.default_rng(1).random((50, 5))
    done = threading.Event()
    worker = threading.Thread(target=lambda: (net.fit(X, Y, epochs=20), done.set()))
    counter = 0
    worker.start()
    while not done.is_set():
        counter += 1
    worker.join()
    assert net.iterations == 1000
    assert counter > 1000


def test_controls_work_when_epochs_span_several_chunks(monkeypatch):
    from nncore import _fitting

    monkeypatch.setattr(_fitting, "FIRST_CHUNK_WORK", 50.0)  # a chunk of a few steps
    calls = []
    net = xor_net()
    result = net.fit(XOR_X * 10, XOR_Y * 10, epochs=30, callback=calls.append, callback_period=4, seed=1)
    assert [info.epoch for info in calls] == [4, 8, 12, 16, 20, 24, 28]
    assert (result.epochs, result.steps) == (30, 1200)
    monkeypatch.undo()
    same = xor_net()
    same.fit(XOR_X * 10, XOR_Y * 10, epochs=30, seed=1)
    assert same.to_dict() == net.to_dict()


def test_keep_errors_false_records_no_loss_curve_but_trains_the_same():
    kept, dropped = xor_net(), xor_net()
    full = kept.fit(XOR_X, XOR_Y, epochs=40000, seed=2)
    lean = dropped.fit(XOR_X, XOR_Y, epochs=40000, seed=2, keep_errors=False)
    assert kept.to_dict() == dropped.to_dict()
    assert full.errors.shape == (40000,) and lean.errors.shape == (0,)
    assert lean.error == full.error == full.errors[-1]
    assert lean.epochs == full.epochs == 40000


def test_an_exception_in_the_callback_propagates_and_keeps_the_steps_taken():
    def fail(info):
        raise RuntimeError("stop here")

    net = xor_net()
    with pytest.raises(RuntimeError, match="stop here"):
        net.fit(XOR_X, XOR_Y, epochs=100, callback=fail, callback_period=10, order="sequential")
    assert net.iterations == 40
    replay = xor_net()
    replay.fit(XOR_X, XOR_Y, epochs=10, order="sequential")
    assert net.to_dict() == replay.to_dict()


def test_train_from_another_thread_waits_for_a_running_fit():
    rng = np.random.default_rng(0)
    X, Y = rng.random((200, 30)), rng.random((200, 1))
    net = nncore.Network([30, 40, 1], seed=0)
    expected = nncore.Network.from_dict(net.to_dict())
    started = threading.Event()

    def train_meanwhile():
        started.wait()
        net.train(np.ones(30), [1.0])

    worker = threading.Thread(target=train_meanwhile)
    worker.start()
    net.fit(X, Y, epochs=60, seed=3, callback=lambda info: started.set(), callback_period=1)
    worker.join()
    # The fit ran undisturbed, and the other thread's step came after it.
    expected.fit(X, Y, epochs=60, seed=3)
    expected.train(np.ones(30), [1.0])
    assert net.to_dict() == expected.to_dict()


def test_train_inside_a_callback_is_not_blocked():
    net = xor_net()
    steps = []
    net.fit(XOR_X, XOR_Y, epochs=10, callback=lambda info: steps.append(net.train([1, 1], [0])), callback_period=5)
    assert len(steps) == 2 and net.iterations == 42


def test_fast_chunks_grow_until_they_can_be_timed(monkeypatch):
    # Chunks too short to time used to keep the first chunk's budget for the
    # whole fit (a step of a wide network under AVX-512 is that fast): every
    # few steps paid for the work between chunks.
    from nncore import _fitting

    monkeypatch.setattr(_fitting, "FIRST_CHUNK_WORK", 50.0)  # a first chunk of a few steps
    chunks = []
    advance = _fitting.Training.advance

    def counted(self):
        chunks.append(self.budget)
        return advance(self)

    monkeypatch.setattr(_fitting.Training, "advance", counted)
    net = xor_net()
    result = net.fit(XOR_X * 1000, XOR_Y * 1000, steps=20_000, seed=1)
    assert result.steps == 20_000
    assert chunks[1:3] == [4 * chunks[0], 16 * chunks[0]]
    assert len(chunks) < 20
    monkeypatch.undo()
    same = xor_net()
    same.fit(XOR_X * 1000, XOR_Y * 1000, steps=20_000, seed=1)
    assert same.to_dict() == net.to_dict()


def test_a_chunk_cut_short_and_too_short_to_time_keeps_its_budget():
    from nncore._fitting import CHUNK_SECONDS, _adapt_budget

    assert _adapt_budget(100, 100, CHUNK_SECONDS / 100) == 400
    assert _adapt_budget(100, 10, CHUNK_SECONDS / 100) == 100
    assert _adapt_budget(100, 0, CHUNK_SECONDS) == 100
    assert _adapt_budget(100, 100, CHUNK_SECONDS) == 100


def test_no_checkpoint_is_taken_at_the_end_of_the_fit(monkeypatch):
    # A fit ending on an epoch's end used to copy the whole network once more for nothing.
    from nncore import _fitting

    monkeypatch.setattr(_fitting, "FIRST_CHUNK_WORK", 50.0)  # epochs longer than a chunk
    marks = []
    advance = _fitting.Training.advance

    def recorded(self):
        status = advance(self)
        marks.append(self.checkpoint_steps)
        return status

    monkeypatch.setattr(_fitting.Training, "advance", recorded)
    result = xor_net().fit(XOR_X * 100, XOR_Y * 100, epochs=2, seed=1)
    assert result.steps == 800
    assert sorted(set(marks)) == [0, 400]
