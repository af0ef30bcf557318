"""Networks trained across the feature matrix, and SHA-256 digests of what they hold and compute.

nncore promises the same bits on every machine: a network trained from the
same start with the same seed ends with the same weights whatever the CPU,
its SIMD level, its operating system or its byte order. :func:`compute`
trains one network (or population) per entry of :func:`scenarios` and digests
the little-endian bytes of its parameters, its optimizer's state and its
outputs, so that a big-endian machine gives the digests of a little-endian
one. ``tests/golden_digests.json`` holds the digests computed once;
``tests/test_golden_digests.py`` checks every SIMD level of this machine
against them, and ``tests/update_golden_digests.py`` rewrites the file.
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np

import nncore
from nncore import _many
from nncore._vocabulary import ACTIVATIONS

# Layer sizes whose widths leave tails after every vector width (2, 4, 8 and 16 lanes): a small
# network, and one whose layers fill the widest registers before their tails.
SIZES = [5, 9, 3]
WIDE = [37, 19, 11, 3]
SAMPLES = 13


def little_endian_bytes(values, dtype):
    """The bytes of ``values`` as ``dtype`` in little-endian order, whatever this machine's order."""
    return np.asarray(values, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()


def _arrays(value):
    """Every list of numbers in a nested dictionary or list, in a fixed order."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _arrays(value[key])
    elif isinstance(value, (list, tuple)):
        if value and all(isinstance(item, float) for item in value):
            yield value
        else:
            for item in value:
                yield from _arrays(item)


def network_digest(net, X):
    """Digest of a network's weights, biases, changes and optimizer state, and of its outputs on ``X``."""
    data = net.to_dict()
    digest = hashlib.sha256()
    for values in _arrays({"layers": data["layers"], "optimizer_state": data.get("optimizer_state")}):
        digest.update(little_endian_bytes(values, net.dtype))
    digest.update(str(data.get("iterations")).encode())
    digest.update(little_endian_bytes(net.predict(X), net.dtype))
    return digest.hexdigest()


def _data(seed, n_inputs, n_outputs, classes=False):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (SAMPLES, n_inputs))
    if classes:
        Y = np.eye(n_outputs)[rng.integers(0, n_outputs, SAMPLES)]
    else:
        Y = rng.uniform(0.05, 0.95, (SAMPLES, n_outputs))
    return X, Y


def _activation_loss_pairs():
    """Every activation on every layer with every loss that accepts it (whole-layer ones on the output only)."""
    for activation in ACTIVATIONS:
        for loss in ("mse", "cross_entropy"):
            for hidden in (activation, "sigmoid"):
                try:
                    nncore.Network(SIZES, activation=[hidden, activation], loss=loss)
                except ValueError:
                    continue
                yield hidden, activation, loss
                break


def _fit(sizes, dtype, activation, loss="mse", optimizer="sgd", batch_size=1, weighted=False, train_calls=0, **network):
    def run():
        X, Y = _data(7, sizes[0], sizes[-1], classes=loss == "cross_entropy")
        activations = [activation[0]] * (len(sizes) - 2) + [activation[1]]
        if optimizer == "sgd":
            network.setdefault("learning_rate", 0.05)  # relu and identity outputs diverge at the default
        net = nncore.Network(
            sizes, activation=activations, loss=loss, optimizer=optimizer, dtype=dtype, seed=3, **network
        )
        weights = np.linspace(0.25, 2.0, SAMPLES) if weighted else None
        net.fit(X, Y, epochs=12, order="shuffle", seed=4, batch_size=batch_size, sample_weight=weights)
        for i in range(train_calls):
            net.train(X[i % SAMPLES], Y[i % SAMPLES])
        return network_digest(net, X)

    return run


def _fit_many(dtype, lanes, threads):
    def run():
        X, Y = _data(11, SIZES[0], SIZES[-1])
        if lanes:  # one shape on the plain path: trained side by side in the lanes of one compiled loop
            nets = [nncore.Network(SIZES, dtype=dtype, seed=seed, learning_rate=0.2) for seed in range(9)]
        else:  # networks that do not take lanes: each on its own, on the threads
            nets = [
                nncore.Network(SIZES, dtype=dtype, seed=seed, optimizer=("adam", "rprop", "sgd")[seed % 3])
                for seed in range(6)
            ]
        before = _many.USE_LANES
        _many.USE_LANES = lanes
        try:
            nncore.fit_many(nets, X, Y, seeds=list(range(100, 100 + len(nets))), threads=threads, epochs=10)
        finally:
            _many.USE_LANES = before
        digest = hashlib.sha256()
        for net in nets:
            digest.update(network_digest(net, X).encode())
        return digest.hexdigest()

    return run


def _saturated(dtype, activation):
    def run():
        loss = "cross_entropy" if "softmax" in activation else "mse"
        net = nncore.Network(SIZES, activation=activation, loss=loss, dtype=dtype, seed=5)
        magnitudes = [1e3, 1e6, 1e30, 1e300 if dtype == "float64" else 1e37]
        X = np.array([[sign * m] * SIZES[0] for m in magnitudes for sign in (1, -1)])
        return hashlib.sha256(little_endian_bytes(net.predict(X), dtype)).hexdigest()

    return run


def _json_text(dtype):
    def run():
        X, Y = _data(13, SIZES[0], SIZES[-1])
        net = nncore.Network(SIZES, activation=["tanh", "sigmoid"], dtype=dtype, seed=6, optimizer="adam")
        net.fit(X, Y, epochs=5, seed=1)
        return hashlib.sha256(net.to_json().encode()).hexdigest()

    return run


def scenarios():
    """Name -> a function that trains and returns the digest, for every entry of the matrix."""
    table = {}
    for dtype in ("float64", "float32"):
        for hidden, output, loss in _activation_loss_pairs():
            for sizes in (SIZES, WIDE):
                table[f"{dtype} fit {sizes} {hidden}/{output} {loss}"] = _fit(sizes, dtype, (hidden, output), loss)
        for optimizer in ("sgd", "adam", "rprop"):
            for batch_size in (1, 4, None):
                if optimizer == "rprop" and batch_size is not None:
                    continue  # RPROP updates on whole batches only
                for weighted in (False, True):
                    name = f"{dtype} fit {optimizer} batch {batch_size}{' weighted' if weighted else ''}"
                    table[name] = _fit(
                        WIDE, dtype, ("tanh", "sigmoid"), optimizer=optimizer, batch_size=batch_size, weighted=weighted
                    )
        table[f"{dtype} fit sgd weight decay, momentum, then train()"] = _fit(
            WIDE,
            dtype,
            ("leaky_relu", "sigmoid"),
            weight_decay=1e-3,
            momentum=0.5,
            leaky_relu_alpha=0.03,
            train_calls=25,
        )
        table[f"{dtype} fit_many lanes"] = _fit_many(dtype, lanes=True, threads=1)
        # The same digests on any number of threads; WebAssembly builds have none to start.
        threads = 1 if sys.platform == "emscripten" else 2
        table[f"{dtype} fit_many threads"] = _fit_many(dtype, lanes=False, threads=threads)
        for hidden, output, _ in _activation_loss_pairs():
            table[f"{dtype} predict saturated {hidden}/{output}"] = _saturated(dtype, [hidden, output])
        table[f"{dtype} to_json text"] = _json_text(dtype)
    return table


def compute():
    """Every scenario's digest, by name."""
    return {name: run() for name, run in scenarios().items()}
