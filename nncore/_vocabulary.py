"""The name tables of nncore, each defined once.

Every table is a tuple whose positions are the integer codes the compiled
kernels use (``src/_kernels.pxd.tp`` declares its enums in the same order, and
``nncore._core`` checks the two agree when it loads). Everything else, the
argument checks, the pure-Python reference, the dictionary format and the
brain.js bridge, reads the names from here.
"""

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
"""Activation functions of the non-input layers."""

ORDERS = ("sequential", "shuffle", "random")
"""How ``fit`` picks the next sample: data order, a new permutation per epoch, or a uniform draw per step."""

OPTIMIZERS = ("sgd", "adam", "rprop")
"""How training turns a batch's gradient into an update: gradient steps with momentum, Adam, iRprop-."""

DTYPES = ("float64", "float32")
"""Floating-point types a network may hold its parameters in and compute with."""

STOP_REASONS = ("epochs", "steps", "error_threshold", "timeout", "callback", "interrupt")
"""Why ``fit`` stopped, as ``FitResult.stop_reason`` says it."""

DEFAULT_LEAKY_RELU_ALPHA = 0.01
"""Slope of ``leaky_relu`` for negative inputs, unless a network sets its own."""
