"""Robustness under hostile use: threads that race, arguments that misbehave, states that could not be written back."""

import copy
import pickle
import subprocess
import sys
import tempfile
import textwrap
import threading

import numpy as np
import pytest

import nncore


@pytest.fixture
def net():
    network = nncore.Network([3, 4, 2], seed=0)
    network.train([0.1, 0.2, 0.3], [0.0, 1.0])  # non-zero momentum buffers
    return network


def state_of(network):
    """Everything that defines a network's state (weights, changes, rates, step count, names)."""
    return network.to_dict()


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter; a crash or a hang is a failed test, not a dead test run.

    It runs in a temporary folder: from a clone's root, ``import nncore`` would find the unbuilt sources.
    """
    try:
        with tempfile.TemporaryDirectory() as folder:
            return subprocess.run(
                [sys.executable, "-c", textwrap.dedent(code)],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=folder,
            )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the code did not finish within {timeout} s (a deadlock?):\n{code}")


# ---------------------------------------------------------------- threads


def test_a_finaliser_touching_the_network_during_a_copy_does_not_deadlock():
    # The network's lock is never held while memory is allocated, so the garbage
    # collector cannot run a finaliser that needs the lock while it is held.
    result = run_python(
        """
        import gc
        import nncore
        net = nncore.Network([20, 30, 5], seed=0)
        class Toucher:
            def __init__(self):
                self.me = self  # a cycle: only the collector frees it
            def __del__(self):
                net.learning_rate, net.iterations
        gc.set_threshold(1, 1, 1)
        for _ in range(2000):
            Toucher()
            net.run(); net.weights; net.to_dict(); net.predict([[0.5] * 20] * 3)
        print("done")
    """,
        timeout=90,
    )
    assert result.returncode == 0 and "done" in result.stdout, result.stderr


def test_rates_set_from_another_thread_wait_for_a_running_fit(xor_data):
    net = nncore.Network([2, 4, 1], seed=0)
    started, seen = threading.Event(), []
    setter = threading.Thread(target=lambda: (started.wait(), setattr(net, "learning_rate", 7.5)))
    setter.start()

    def callback(info):
        started.set()
        seen.append(net.learning_rate)
        setter.join(0.02)  # gives the setter every chance to slip in

    result = net.fit(*xor_data, epochs=60, callback=callback, callback_period=2, order="sequential")
    setter.join()
    assert result.epochs == 60 and len(seen) == 30
    assert set(seen) == {0.3}  # unchanged for the whole fit
    assert net.learning_rate == 7.5  # and set once it ended


def test_a_fit_started_from_a_callback_keeps_other_threads_out_of_the_outer_fit(xor_data):
    net = nncore.Network([2, 4, 1], seed=0)
    inner_done, trained = threading.Event(), threading.Event()
    trainer = threading.Thread(target=lambda: (inner_done.wait(), net.train([0, 1], [1]), trained.set()))
    trainer.start()
    calls = []

    def callback(info):
        calls.append(info.epoch)
        if len(calls) == 1:
            net.fit(*xor_data, epochs=3)  # a nested fit, on the same thread
            inner_done.set()
        else:
            assert not trained.wait(0.02), "train() from another thread ran inside the outer fit"

    net.fit(*xor_data, epochs=40, callback=callback, callback_period=5)
    trainer.join()
    assert trained.is_set() and len(calls) == 8


# ---------------------------------------------------------------- clean errors


def deeply_nested(depth: int = 100_000) -> list:
    value: list = [0.5]
    for _ in range(depth):
        value = [value]
    return value


class BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr")


@pytest.mark.parametrize(
    "call",
    [
        lambda net, bad: net.predict(bad),
        lambda net, bad: net.fit(bad, [[0.0, 1.0]]),
        lambda net, bad: net.fit([[0.1, 0.2, 0.3]], bad),
        lambda net, bad: net.evaluate(bad, [[0.0, 1.0]]),
        lambda net, bad: net.train(bad, [0.0, 1.0]),
        lambda net, bad: setattr(net, "learning_rate", bad),
        lambda net, bad: setattr(net.layers[1].neurons[0], "bias", bad),
        lambda net, bad: setattr(net, "input_names", bad),
        lambda net, bad: nncore.Network.from_dict({**net.to_dict(), "sizes": bad}),
        lambda net, bad: nncore.Network.from_dict({**net.to_dict(), "momentum": bad}),
    ],
)
@pytest.mark.parametrize("bad", [deeply_nested(), BadRepr(), [BadRepr(), 1.0, 2.0]], ids=["deep", "bad-repr", "list"])
def test_messages_never_fail_on_what_they_describe(net, call, bad):
    before = state_of(net)
    with pytest.raises((ValueError, TypeError)):
        call(net, bad)
    assert state_of(net) == before


@pytest.mark.parametrize("sizes", [[2**63, 1], [3037000500] * 2, [1, 2**40, 2**40]])
def test_absurd_sizes_are_a_value_error(sizes):
    with pytest.raises(ValueError, match="sizes"):
        nncore.Network(sizes)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda net: nncore.Network([2, 1], init=[]), "init"),
        (lambda net: net.fit([[0.1, 0.2, 0.3]], [[0, 1]], order=[]), "order"),
        (lambda net: nncore.Network([2, 1], activation=[[]]), "activation"),
    ],
)
def test_unhashable_names_are_a_type_error_naming_the_argument(net, call, name):
    with pytest.raises(TypeError, match=f"^{name} must be one of"):
        call(net)


@pytest.mark.parametrize("data", [b"abc", bytearray(b"abc")], ids=["bytes", "bytearray"])
def test_byte_strings_are_not_numbers(net, data):
    before = state_of(net)
    for call in (
        net.train,
        net.activate,
        lambda d, _=None: net.predict(d),
        lambda d, _=None: net.fit([d], [[0.0, 1.0]]),
    ):
        with pytest.raises(TypeError):
            call(data, [0.0, 1.0]) if call is net.train else call(data)
    assert state_of(net) == before


@pytest.mark.parametrize("seed", [-1, 2**64, 1.5, True])
def test_seeds_follow_one_rule_everywhere(net, seed):
    error = TypeError if isinstance(seed, (float, bool)) else ValueError
    with pytest.raises(error, match="seed"):
        nncore.Network([2, 1], seed=seed)
    with pytest.raises(error, match="seed"):
        net.fit([[0.1, 0.2, 0.3]], [[0.0, 1.0]], epochs=1, seed=seed)


def test_the_largest_seed_works_alike_in_network_and_fit():
    net = nncore.Network([2, 3, 1], seed=2**64 - 1)
    net.fit([[0, 1]], [1], epochs=2, seed=2**64 - 1)
    assert net.iterations == 2


# ---------------------------------------------------------------- states that could not be written back


def test_train_refuses_a_step_that_would_make_a_weight_infinite(tmp_path):
    net = nncore.Network([1, 1], activation="relu", seed=0)
    net.layers[1].neurons[0].input_connections[0].weight = 1.0
    net.layers[1].neurons[0].bias = 0.0
    before = state_of(net)
    output = net.predict([1e160])[0]
    with pytest.raises(nncore.DivergenceError, match="weights were not updated"):
        net.train([1e160], [output + 1e154])
    assert state_of(net) == before
    copy.deepcopy(net), pickle.loads(pickle.dumps(net))
    net.save(tmp_path / "net.json")
    assert state_of(nncore.load(tmp_path / "net.json")) == before


def test_a_network_at_the_largest_step_count_still_trains_copies_and_saves(tmp_path):
    data = nncore.Network([2, 3, 1], seed=0).to_dict()
    data["iterations"] = 2**63 - 1
    net = nncore.Network.from_dict(data)
    net.train([0, 1], [1])
    net.fit([[0, 1], [1, 0]], [1, 1], epochs=2)
    assert net.iterations == 2**63 - 1  # the count stops at its largest value
    assert copy.deepcopy(net).iterations == pickle.loads(pickle.dumps(net)).iterations == 2**63 - 1
    net.save(tmp_path / "net.json")
    assert nncore.load(tmp_path / "net.json").iterations == 2**63 - 1
    data["iterations"] = 2**63
    with pytest.raises(ValueError, match="iterations must be at most 2\\*\\*63 - 1"):
        nncore.Network.from_dict(data)


def test_from_dict_does_not_run_an_initializer(monkeypatch):
    from nncore import _initializers

    net = nncore.Network([3, 4, 2], seed=0)
    monkeypatch.setattr(_initializers, "INITIALIZERS", {})  # any use would fail
    assert state_of(nncore.Network.from_dict(net.to_dict())) == state_of(net)
    assert state_of(copy.copy(net)) == state_of(net)


def test_views_hand_out_read_only_arrays_and_check_writes(net):
    buffers = net._layer_buffers()[1]
    with pytest.raises(ValueError, match="read-only"):
        buffers.weights[0, 0] = 5.0
    with pytest.raises(ValueError, match="finite"):
        buffers.set_weight(0, 0, float("inf"))
    with pytest.raises(IndexError):
        buffers.set_bias(99, 1.0)
    buffers.set_weight(0, 1, 0.25)
    assert net.weights[0][0, 1] == 0.25 == net.layers[1].neurons[0].input_connections[1].weight
    assert np.shares_memory(buffers.weights, net._layer_buffers()[1].weights)


def test_train_near_the_largest_double_takes_the_exact_check():
    # A weight near the largest double: the cheap bound cannot prove the step
    # safe, so the exact check decides, and a harmless step is still taken.
    net = nncore.Network([2, 2, 1], activation="relu", learning_rate=1e-300, momentum=0.0, seed=0)
    net.layers[2].neurons[0].input_connections[0].weight = 1.7e308
    net.layers[1].neurons[0].bias = -10.0  # keeps that weight's input at 0, so the output stays finite
    before = state_of(net)
    net.train([0.5, 0.5], [1.0])
    assert net.iterations == 1 and state_of(net) != before
    net.learning_rate = 1e300  # now the same step would overflow a bias
    before = state_of(net)
    with pytest.raises(nncore.DivergenceError, match="weights were not updated"):
        net.train([0.5, 0.5], [1e10])
    assert state_of(net) == before


def test_train_after_writes_through_views_checks_the_written_values():
    # A huge weight and change on a connection whose input is 0 leave the
    # forward pass alone, but momentum would carry the change into an
    # overflowing weight: the step must be refused, whatever the network knew
    # about its values before the writes.
    net = nncore.Network([2, 1], activation="relu", seed=0)
    net.train([0.5, 0.5], [1.0])
    connection = net.layers[1].neurons[0].input_connections[0]
    connection.weight, connection.change = 1.79e308, 1.79e308
    before = state_of(net)
    with pytest.raises(nncore.DivergenceError, match="weights were not updated"):
        net.train([0.0, 1.0], [1.0])
    assert state_of(net) == before


class LyingSequence(list):
    def __len__(self):
        return 2**64

    def __iter__(self):
        raise OverflowError("no")


@pytest.mark.parametrize("side", ["input_names", "output_names"])
def test_names_that_cannot_be_read_are_a_type_error(net, side):
    before = state_of(net)
    with pytest.raises(TypeError, match=f"{side} must be a sequence of strings"):
        setattr(net, side, LyingSequence(["a", "b", "c"]))
    assert state_of(net) == before


def test_a_path_with_a_nul_character_is_a_value_error_naming_the_path(net, tmp_path):
    with pytest.raises(ValueError, match="path must not contain a NUL"):
        net.save(str(tmp_path / "a\0b.json"))
    with pytest.raises(ValueError, match="path must not contain a NUL"):
        nncore.load("a\0b.json")


class BadLength(list):
    def __init__(self, items, length):
        super().__init__(items)
        self.length = length

    def __len__(self):
        return self.length


@pytest.mark.parametrize("length", [-1, "text", 2**70])
def test_sequences_whose_length_misbehaves_are_refused_naming_the_argument(net, length):
    try:  # built from the items themselves, or refused naming sizes
        assert nncore.Network(BadLength([2, 1], length)).sizes == (2, 1)
    except (TypeError, ValueError) as error:  # either outcome is right, so not pytest.raises
        assert "sizes" in str(error)  # noqa: PT017
    before = state_of(net)
    with pytest.raises((TypeError, ValueError), match=r"^X "):
        net.fit(BadLength([[0.1, 0.2, 0.3]], length), [[0.0, 1.0]], epochs=1)
    with pytest.raises((TypeError, ValueError), match=r"^Y "):
        net.fit([[0.1, 0.2, 0.3]], BadLength([[0.0, 1.0]], length), epochs=1)
    with pytest.raises((TypeError, ValueError), match=r"^input"):
        net.train(BadLength([0.1, 0.2, 0.3], length), [0.0, 1.0])
    assert state_of(net) == before


def test_brainjs_and_tutorial_objects_must_be_json_data():
    document = nncore.Network([2, 3, 1], seed=0).to_brainjs()
    document["layers"][1]["weights"][0] = BadLength(document["layers"][1]["weights"][0], -1)
    with pytest.raises(ValueError, match=r"brain.js data at \['layers'\]\[1\]\['weights'\]\[0\] must be JSON data"):
        nncore.Network.from_brainjs(document)
    tutorial = nncore.Network([2, 3, 1], seed=0).to_tutorial_json()
    tutorial["layers"] = BadLength(tutorial["layers"], "text")
    with pytest.raises(ValueError, match="must be JSON data"):
        nncore.Network.from_tutorial_json(tutorial)
