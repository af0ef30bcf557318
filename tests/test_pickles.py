"""Pickles of nncore's objects name no numpy module: they load with numpy 1 and 2, on any byte order.

A pickled numpy array names numpy's modules (``numpy._core`` since numpy 2), so
before, a network pickled with numpy 2 did not load with numpy 1. Networks,
``FitResult``, ``FitProgress``, ``Evaluation`` and ``Misclass`` pickle their
arrays as little-endian bytes. ``tests/data/numpy2.pickle`` was written with
numpy 2 (``python tests/test_pickles.py`` writes it again); the suite loads it
whatever numpy it has (``.ci/run`` runs it with numpy 1.23 too), and the
emulated s390x root of ``.ci/run``, with numpy 1.24, loads the pickles of
this machine and writes the same bytes (``.ci/cross_endian.py``).
"""

import io
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import nncore

WRITTEN_WITH_NUMPY_2 = Path(__file__).resolve().parent / "data" / "numpy2.pickle"
PLAIN_MODULES = {"nncore", "functools", "copyreg", "builtins", "_codecs"}  # protocol 2 writes bytes by _codecs


class RecordingUnpickler(pickle.Unpickler):
    """An unpickler that records every (module, name) the pickle names."""

    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self.named = set()

    def find_class(self, module, name):
        self.named.add((module, name))
        return super().find_class(module, name)


def loaded_and_named(data):
    unpickler = RecordingUnpickler(data)
    return unpickler.load(), unpickler.named


def objects():
    """Every kind of object nncore pickles: networks of both dtypes and rules, their fits and evaluations."""
    rng = np.random.default_rng(5)
    X = rng.uniform(-1, 1, (12, 3))
    Y = (X[:, :1] > 0).astype(float)
    made = {}
    progress = []
    net = nncore.Network([3, 4, 1], optimizer="adam", input_scaling="standard", seed=1)
    made["fit"] = net.fit(
        X, Y, epochs=4, batch_size=3, seed=2, validation_data=(X, Y), callback=progress.append, callback_period=1
    )
    made["progress"] = progress[-1]
    made["adam-float64"] = net
    made["evaluation"] = net.evaluate(X, Y)
    net = nncore.Network([3, 5, 2], activation=["tanh", "softmax"], loss="cross_entropy", dtype="float32", seed=3)
    net.fit(X, np.hstack([Y, 1 - Y]), epochs=3, seed=4)
    made["softmax-float32"] = net
    made["rprop-float32"] = nncore.Network([3, 2, 1], optimizer="rprop", dtype=np.float32, seed=5)
    # Sizes from the first fit: the checked keywords are pickled, numpy's scalars among them.
    made["unsized"] = nncore.Network(hidden_layers=[np.int64(3)], learning_rate=np.float32(0.25), seed=np.int64(6))
    return made, X


def same_network(a, b, X):
    return (
        type(a) is type(b)
        and a.to_json() == b.to_json()
        and a.dtype == b.dtype
        and a.predict(X).tobytes() == b.predict(X).tobytes()
    )


def same_arrays(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def same_object(a, b, X):
    """Equal, bit for bit: networks by their state and outputs, the others field by field."""
    if isinstance(a, nncore.Network):
        return same_network(a, b, X)
    if type(a) is not type(b):
        return False
    for name, value in vars(a).items():
        other = getattr(b, name)
        if isinstance(value, np.ndarray):
            if not (same_arrays(value, other) and value.flags.writeable == other.flags.writeable):
                return False
        elif isinstance(value, tuple) and value and isinstance(value[0], nncore.Misclass):
            if len(value) != len(other) or not all(same_object(m, n, X) for m, n in zip(value, other)):
                return False
        elif value != other:
            return False
    return True


@pytest.mark.parametrize("name", list(objects()[0]))
@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_a_pickle_names_no_numpy_module_and_loads_bit_for_bit(name, protocol):
    made, X = objects()
    loaded, named = loaded_and_named(pickle.dumps(made[name], protocol=protocol))
    assert {module for module, _ in named} <= PLAIN_MODULES, named
    if name == "unsized":  # its sizes come from its first fit: the same fit makes the same network
        for net in (made[name], loaded):
            net.fit(X, X[:, :1] * 0.5 + 0.5, epochs=2, seed=0)
    assert same_object(made[name], loaded, X)


def test_a_pickle_is_the_same_bytes_whatever_the_byte_order_of_its_arrays():
    made, _ = objects()
    result = made["fit"]
    swapped = nncore.FitResult(**{**vars(result), "errors": result.errors.astype(result.errors.dtype.newbyteorder())})
    assert pickle.dumps(swapped) == pickle.dumps(result)


def test_misclassified_rows_stay_read_only():
    made, _ = objects()
    (misclass, *_) = pickle.loads(pickle.dumps(made["evaluation"])).misclasses
    assert not misclass.input.flags.writeable


def test_pickles_written_with_numpy_2_load_here():
    written = pickle.loads(WRITTEN_WITH_NUMPY_2.read_bytes())
    assert written["numpy"].startswith("2.")
    X = np.array(written["inputs"])
    assert {type(value).__name__ for value in written["objects"].values()} == {
        "Network",
        "FitResult",
        "FitProgress",
        "Evaluation",
    }
    assert written["objects"]["evaluation"].misclasses
    for name, value in written["objects"].items():
        # Against what was written beside it in formats that never named numpy: JSON, hexadecimal bytes.
        if isinstance(value, nncore.Network) and name != "unsized":
            assert same_network(value, nncore.Network.from_json(written["json"][name]), X), name
            assert value.predict(X).astype(value.dtype.newbyteorder("<")).tobytes().hex() == written["outputs"][name]
    fit = written["objects"]["fit"]
    assert fit.errors.astype("<f8").tobytes().hex() == written["errors"]


def write(path):
    """Write the pickle that test_pickles_written_with_numpy_2_load_here loads (with numpy 2)."""
    made, X = objects()
    networks = {name: net for name, net in made.items() if isinstance(net, nncore.Network) and name != "unsized"}
    content = {
        "numpy": np.__version__,
        "objects": made,
        "inputs": X.tolist(),
        "json": {name: net.to_json() for name, net in networks.items()},
        "outputs": {
            name: net.predict(X).astype(net.dtype.newbyteorder("<")).tobytes().hex() for name, net in networks.items()
        },
        "errors": made["fit"].errors.astype("<f8").tobytes().hex(),
    }
    path.write_bytes(pickle.dumps(content, protocol=4))


if __name__ == "__main__":
    if not np.__version__.startswith("2."):
        sys.exit(f"write {WRITTEN_WITH_NUMPY_2.name} with numpy 2 (this is numpy {np.__version__})")
    write(WRITTEN_WITH_NUMPY_2)
    print(f"wrote {WRITTEN_WITH_NUMPY_2}")
