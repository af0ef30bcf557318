"""Every instruction-set level of the kernels gives the weights of the baseline, bit for bit.

The kernels are compiled once per level (``nncore._kernels_baseline``,
``_kernels_avx2``, ``_kernels_avx512`` on x86-64, ``_kernels_neon`` on arm64) and ``nncore._core`` loads one when it
is imported, so each level runs in its own Python process, chosen with
``NNCORE_SIMD``.  Only the levels that this installation built and this CPU
supports can run here (``nncore.show_runtime()["simd_available"]``).
"""

import json
import os
import platform
import subprocess
import sys
import tempfile

import pytest

import nncore
from nncore import _core, _simd

LEVELS = list(_core.SIMD_AVAILABLE)

# Trains networks whose sizes leave tails after every vector width, with each
# activation and dtype, through fit (the compiled loop) and through train() (the checked
# step), and prints a digest of every parameter and of predict's outputs.
TRAINING_SCRIPT = r"""
import hashlib, json
import numpy as np
import nncore

def digest(net, extra=b""):
    data = net.to_dict()
    h = hashlib.sha256()
    for name in ("weights", "biases", "changes"):
        for values in data["layers"]:
            h.update(np.asarray(values[name], dtype=np.float64).tobytes())
    h.update(extra)
    return h.hexdigest()

rng = np.random.default_rng(5)
results = {"simd": nncore.show_runtime()["simd"]}
for dtype in ("float64", "float32"):
    for activation in ("sigmoid", "tanh", "relu", "leaky_relu"):
        for sizes in ([3, 5, 2], [37, 19, 11, 3]):
            x = rng.uniform(-1, 1, (23, sizes[0]))
            y = rng.uniform(0, 1, (23, sizes[-1]))
            fitted = nncore.Network(sizes, activation=activation, seed=1, learning_rate=0.1, dtype=dtype)
            fitted.fit(x, y, steps=400, order="shuffle", seed=2)
            trained = nncore.Network(sizes, activation=activation, seed=1, learning_rate=0.1, dtype=dtype)
            for i in range(120):
                trained.train(x[i % len(x)], y[i % len(y)])
            outputs = fitted.predict(x).tobytes() + trained.predict(x).tobytes()
            results[f"{dtype} {activation} {sizes}"] = [digest(fitted), digest(trained, outputs)]
print(json.dumps(results))
"""


def run_with_level(level, script):
    """Run ``script`` with ``NNCORE_SIMD=level``, from a temporary folder (from a clone's root,
    ``import nncore`` would find the unbuilt sources)."""
    env = {**os.environ, "NNCORE_SIMD": level}
    with tempfile.TemporaryDirectory() as folder:
        return subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300, cwd=folder
        )


@pytest.fixture(scope="module")
def results_by_level():
    results = {}
    for level in LEVELS:
        completed = run_with_level(level, TRAINING_SCRIPT)
        assert completed.returncode == 0, completed.stderr
        results[level] = json.loads(completed.stdout.strip().splitlines()[-1])
    return results


def test_the_baseline_is_always_available():
    assert LEVELS[0] == "baseline"
    assert _core.SIMD in LEVELS


def test_each_level_loads_when_asked_for(results_by_level):
    assert {level: result["simd"] for level, result in results_by_level.items()} == {level: level for level in LEVELS}


@pytest.mark.skipif(len(LEVELS) < 2, reason="this CPU or this build offers only the baseline kernels")
def test_every_level_trains_to_the_baseline_weights_bit_for_bit(results_by_level):
    baseline = {key: value for key, value in results_by_level["baseline"].items() if key != "simd"}
    assert len(baseline) == 16
    for level in LEVELS[1:]:
        other = {key: value for key, value in results_by_level[level].items() if key != "simd"}
        differing = [key for key in baseline if baseline[key] != other[key]]
        assert not differing, f"{level} differs from the baseline on {differing}"


def test_neon_is_offered_on_arm64_and_only_there():
    # A wheel for arm64 that silently left the NEON kernels out would pass every other test here
    # with the baseline alone; NEON is part of every arm64 CPU, so an arm64 build must offer it
    # and choose it unless NNCORE_SIMD asks otherwise.
    info = _core.simd_runtime()
    if platform.machine().lower() in ("aarch64", "arm64"):
        assert _core.SIMD_AVAILABLE == ("baseline", "neon")
        assert _simd.choose_level(None, tuple(info["simd_cpu"]), tuple(info["simd_built"])) == "neon"
    else:
        assert "neon" not in info["simd_built"] and "neon" not in info["simd_cpu"]


def test_training_changes_the_digests(results_by_level):
    # The digests must depend on the training: two activations never give the same weights.
    baseline = results_by_level["baseline"]
    assert baseline["float64 sigmoid [3, 5, 2]"] != baseline["float64 tanh [3, 5, 2]"]
    assert baseline["float64 sigmoid [3, 5, 2]"] != baseline["float32 sigmoid [3, 5, 2]"]


def test_a_level_the_cpu_lacks_or_an_unknown_name_is_an_error_naming_the_available_levels():
    for level in ["avx9000", *(level for level in ("avx2", "avx512", "neon") if level not in LEVELS)]:
        completed = run_with_level(level, "import nncore")
        assert completed.returncode != 0
        assert "NNCORE_SIMD" in completed.stderr and "available here: baseline" in completed.stderr, completed.stderr
        if level != "avx9000":  # a level of another CPU or build is known, and refused for that reason
            assert f"NNCORE_SIMD={level} cannot be used" in completed.stderr, completed.stderr


def test_show_runtime_prints_and_returns_the_levels(capsys):
    info = nncore.show_runtime()
    printed = capsys.readouterr().out
    assert info["simd"] == _core.SIMD
    assert info["simd_available"] == LEVELS
    assert set(info["simd_available"]) <= set(info["simd_built"]) & set(info["simd_cpu"])
    assert f"SIMD level in use: {info['simd']}" in printed
    assert ", ".join(LEVELS) in printed


def test_use_simd_switches_levels_in_process_with_the_same_results(xor_data):
    X, Y = xor_data
    trained = {}
    for level in LEVELS:
        previous = nncore.use_simd(level)
        try:
            assert nncore.show_runtime()["simd"] == level
            net = nncore.Network([2, 10, 10, 1], seed=3)
            net.fit(X, Y, steps=2_000, order="random", seed=4)
            trained[level] = net.to_json()
        finally:
            assert nncore.use_simd(previous) == level
    assert len(set(trained.values())) == 1, sorted(trained)


@pytest.mark.parametrize("level", ["avx9000", "", None, "AVX2"])
def test_use_simd_refuses_a_level_that_is_not_available(level):
    before = _core.SIMD
    with pytest.raises((ValueError, TypeError), match="available"):
        nncore.use_simd(level)
    assert before == _core.SIMD
