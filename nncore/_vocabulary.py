"""The name tables of nncore, each defined once.

Every table is a tuple whose positions are the integer codes the compiled
kernels use (``src/_kernel_abi.pxd`` declares its enums in the same order, and
``nncore._core`` checks the two agree when it loads). Everything else, the
argument checks, the pure-Python reference, the dictionary format and the
brain.js bridge, reads the names from here.
"""

from nncore._activations import ACTIVATION_TABLE

ACTIVATIONS = tuple(ACTIVATION_TABLE)
"""Activation functions of the non-input layers (``softmax``: the output layer only, with ``cross_entropy``);
each is an entry of ``nncore._activations.ACTIVATION_TABLE``."""

OUTPUT_ONLY_ACTIVATIONS = tuple(name for name, activation in ACTIVATION_TABLE.items() if activation.whole_layer)
"""Activations that normalise a whole layer: allowed on the output layer only."""

LOSSES = ("mse", "cross_entropy")
"""Losses a network is trained on: half the squared error, or the cross-entropy."""

DEFAULT_LOSS = "mse"
"""The loss of a network that names none (and of files written before losses existed)."""

CROSS_ENTROPY_OUTPUTS = ("softmax", "sigmoid")
"""Output activations ``cross_entropy`` works with: categorical with softmax, binary (per output) with sigmoid."""

ORDERS = ("sequential", "shuffle", "random")
"""How ``fit`` picks the next sample: data order, a new permutation per epoch, or a uniform draw per step."""

DTYPES = ("float64", "float32")
"""Floating-point types a network may hold its parameters in and compute with."""

INPUT_SCALINGS = ("standard", "minmax")
"""How a network may scale its inputs, fitted to its training data: ``(x - mean) / std`` or
``(x - min) / (max - min)`` per input (``Network(input_scaling=...)``)."""

OPTIMIZERS = ("sgd", "adam", "rprop")
"""How the weights move: gradient descent with momentum, Adam, iRprop-."""

OPTIMIZER_PARAMETERS = {
    "sgd": ("learning_rate", "momentum"),
    "adam": ("learning_rate", "beta1", "beta2", "epsilon"),
    "rprop": ("rprop_increase", "rprop_decrease", "rprop_step_min", "rprop_step_max", "rprop_step_initial"),
}
"""The parameters of each optimizer (``weight_decay`` applies to all of them)."""

RULE_DEFAULTS = {
    "weight_decay": 0.0,
    "beta1": 0.9,
    "beta2": 0.999,
    "epsilon": 1e-8,
    "rprop_increase": 1.2,
    "rprop_decrease": 0.5,
    "rprop_step_min": 0.0,
    "rprop_step_max": 50.0,
    "rprop_step_initial": 0.1,
}
"""The parameters of the learning rules besides the rates, and their defaults (Adam's as PyTorch's,
RPROP's as FANN's)."""

DEFAULT_LEARNING_RATES = {"sgd": 0.3, "adam": 0.001, "rprop": 0.0}
"""``learning_rate`` when none is given: the tutorial's for SGD, PyTorch's for Adam; RPROP has none."""

DEFAULT_MOMENTUM = 0.1
"""The tutorial's momentum (SGD only)."""

STOP_REASONS = ("epochs", "steps", "error_threshold", "timeout", "callback", "interrupt", "patience", "diverged")
"""Why ``fit`` stopped, as ``FitResult.stop_reason`` says it ("diverged": ``fit_many`` only, where ``fit`` raises)."""

DEFAULT_LEAKY_RELU_ALPHA = 0.01
"""Slope of ``leaky_relu`` for negative inputs, unless a network sets its own."""
