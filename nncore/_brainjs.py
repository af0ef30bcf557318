"""brain.js's names and defaults, and what nncore calls them.

Shared by the brain.js 2 format (:mod:`nncore._brainjs2`) and the brain.js 1.x
format (:mod:`nncore._brainjs1`); what nncore calls brain.js's option names
when a user passes them is in :mod:`nncore._spellings`.
"""

from __future__ import annotations

from typing import Any

from nncore._activations import ACTIVATION_TABLE
from nncore._checks import describe
from nncore._fields import Fields

TO_BRAINJS_ACTIVATION = {
    name: activation.brainjs for name, activation in ACTIVATION_TABLE.items() if activation.brainjs is not None
}
FROM_BRAINJS_ACTIVATION = {value: key for key, value in TO_BRAINJS_ACTIVATION.items()}
BRAINJS_TYPES = ("NeuralNetwork", "NeuralNetworkGPU")

# brain.js 2's trainDefaults(), the values an export writes for options nncore has no counterpart of.
BRAINJS_TRAIN_DEFAULTS: dict[str, Any] = {
    "iterations": 20000,
    "errorThresh": 0.005,
    "log": False,
    "logPeriod": 10,
    "leakyReluAlpha": 0.01,
    "learningRate": 0.3,
    "momentum": 0.1,
    "callbackPeriod": 10,
    "timeout": "Infinity",
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
}
# brain.js 2's trainOpts.praxis: how its NeuralNetwork moves the weights (absent or null: gradient descent
# with momentum; brain.js writes no praxis then).
TO_BRAINJS_PRAXIS = {"sgd": None, "adam": "adam"}


def activation_from_brainjs(fields: Fields, key: str) -> str:
    """nncore's name of the brain.js activation in the field ``key`` (default: sigmoid, as in brain.js)."""
    name = fields.get(key, "sigmoid")
    if not isinstance(name, str) or name not in FROM_BRAINJS_ACTIVATION:
        raise fields.error(key, f"must be one of {list(FROM_BRAINJS_ACTIVATION)}, got {describe(name)}")
    return FROM_BRAINJS_ACTIVATION[name]
