"""The pure-Python reference: the tutorial's object model, one neuron at a time.

``Neuron``, ``Connection``, ``Layer`` and ``Network`` follow "Writing a neural
network in JavaScript" (and brain.js's ``NeuralNetwork``) line by line, with no
numpy in the hot path.  It implements the same algorithm as the compiled core,
summing in the same order and computing sigmoid, tanh and softmax with the
same exponential (a Python twin of the core's own, made of IEEE basic
operations), so the two agree to the last bit; it is the oracle of the tests.

The losses are written here from their definitions, independently of the
core: ``mse`` is ``0.5 * sum((t - o)**2)`` from the outputs; ``cross_entropy``
is computed from the output layer's sums ``z`` so that it stays exact when the
outputs saturate (with softmax, ``-sum(t * log(o))`` is ``logsumexp(z) -
sum(t * z)`` for targets summing to 1; with sigmoid, the binary cross-entropy
of each output is ``max(z, 0) - t * z + log1p(exp(-|z|))``). Its output deltas
are ``t - o``: the cross-entropy's derivative with respect to ``z`` cancels
the activation's.  (The
benchmark's pure-Python baseline is a subclass that calls ``math.exp`` and
``math.tanh``, as a user of the tutorial would write it.)

Besides the tutorial's per-sample update, the learning rules of the core are
here, each operation in the core's order: mini-batches, sample weights and
L2 weight decay sum the samples' deltas over a batch, then :class:`SGD`,
:class:`Adam` (``torch.optim.Adam``'s update) or :class:`RPROP` (iRprop-)
moves every parameter.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from nncore import _serialization
from nncore._activations import ACTIVATION_TABLE
from nncore._checks import (
    check_activations,
    check_alpha,
    check_batch_size,
    check_flag,
    check_loss,
    check_optimizer,
    check_rate,
    check_rule_parameter,
    check_sample_weight,
    check_sizes,
    check_step_limits,
)
from nncore._elementary import exp64
from nncore._loss_rules import check_output_rules
from nncore._sampling import SplitMix64, plan_steps
from nncore._vocabulary import DEFAULT_LEAKY_RELU_ALPHA, DEFAULT_LOSS

__all__ = [
    "RPROP",
    "SGD",
    "Adam",
    "Connection",
    "Layer",
    "Network",
    "Neuron",
    "SplitMix64",
    "sigmoid_cross_entropy",
    "softmax",
    "softmax_cross_entropy",
    "squared_error",
    "visit_order",
    "weighted_rows",
]


def _relu(z: float) -> float:
    return z if z > 0.0 else 0.0


def _largest(values: Sequence[float]) -> float:
    """The largest of ``values``, scanned in order (the first of equal ones)."""
    largest = values[0]
    for value in values[1:]:
        if value > largest:
            largest = value
    return largest


def softmax(sums: Sequence[float]) -> list[float]:
    """exp(z_j - max z) / sum_k exp(z_k - max z), the sum taken in index order."""
    largest = _largest(sums)
    exps = [exp64(z - largest) for z in sums]
    total = 0.0
    for value in exps:
        total += value
    return [value / total for value in exps]


def squared_error(outputs: Sequence[float], targets: Sequence[float]) -> float:
    """``mse``: 0.5 * sum((t - o)**2)."""
    sum_squares = 0.0
    for output, target in zip(outputs, targets):
        error = target - output
        sum_squares += error * error
    return 0.5 * sum_squares


def softmax_cross_entropy(sums: Sequence[float], targets: Sequence[float]) -> float:
    """-sum(t * log(softmax(z))) for targets summing to 1: max z + log(sum exp(z - max z)) - sum(t * z)."""
    largest = _largest(sums)
    total = 0.0
    for z in sums:
        total += exp64(z - largest)
    dot = 0.0
    for z, target in zip(sums, targets):
        dot += target * z
    return (largest + math.log(total)) - dot


def sigmoid_cross_entropy(sums: Sequence[float], targets: Sequence[float]) -> float:
    """The binary cross-entropy of every sigmoid output, summed: ``max(z, 0) - t * z + log1p(exp(-|z|))``."""
    total = 0.0
    for z, target in zip(sums, targets):
        total += (_relu(z) - target * z) + math.log1p(exp64(-abs(z)))
    return total


class Connection:
    """A weighted link from one neuron to the next layer's neuron, with its last change."""

    __slots__ = ("batch_sum", "change", "rule_state", "source", "target", "weight")

    def __init__(self, source: Neuron, target: Neuron, weight: float = 0.0) -> None:
        self.source = source
        self.target = target
        self.weight = weight
        self.change = 0.0
        self.batch_sum = 0.0  # sum of (s *) delta * input over the batch (general path)
        self.rule_state: list[float] | None = None  # the optimizer's memory of this weight


class Neuron:
    """A neuron: bias, output, delta and its input and output connections."""

    __slots__ = ("batch_sum", "bias", "delta", "input_connections", "output", "output_connections", "rule_state")

    def __init__(self, bias: float = 0.0) -> None:
        self.bias = bias
        self.output = 0.0
        self.delta = 0.0
        self.input_connections: list[Connection] = []
        self.output_connections: list[Connection] = []
        self.batch_sum = 0.0  # sum of (s *) delta over the batch (general path)
        self.rule_state: list[float] | None = None  # the optimizer's memory of this bias


class Layer:
    """A list of neurons sharing one activation function."""

    def __init__(
        self, size: int, activation: str = "sigmoid", leaky_relu_alpha: float = DEFAULT_LEAKY_RELU_ALPHA
    ) -> None:
        self.neurons = [Neuron() for _ in range(size)]
        self.activation = activation
        self.leaky_relu_alpha = leaky_relu_alpha

    def activate(self, z: float) -> float:
        function = ACTIVATION_TABLE[self.activation].function
        if function is None:
            raise ValueError(f"the reference has no element-wise activation {self.activation!r}")
        return function(z, self.leaky_relu_alpha)

    def activate_all(self, sums: list[float]) -> list[float]:
        """The outputs of the layer's neurons from their sums (softmax needs all of them at once)."""
        if self.activation == "softmax":
            return softmax(sums)
        return [self.activate(z) for z in sums]

    def delta(self, error: float, output: float) -> float:
        """error * f'(z), written in terms of the output o = f(z) as brain.js does."""
        delta = ACTIVATION_TABLE[self.activation].delta
        if delta is None:
            # softmax is an output layer's, with cross-entropy, whose deltas are t - o: never scaled.
            raise ValueError(f"the reference has no derivative for activation {self.activation!r}")
        return delta(error, output, self.leaky_relu_alpha)


# ---------------------------------------------------------------- learning rules
#
# The general path (any optimizer but plain per-sample sgd, mini-batches, sample
# weights or weight decay) sums the samples' deltas over a batch and then moves
# every parameter with its ascent direction ``a`` (minus the gradient of the
# batch's mean loss, weight decay included).  Each optimizer below does that
# move, in exactly the order of operations the compiled core follows.


def _step_against(param: float, gradient: float, step: float) -> float:
    """``param - sign(gradient) * step``, with sign(0) = 0 and no product."""
    if gradient > 0.0:
        return param - step
    if gradient < 0.0:
        return param + step
    return param


class SGD:
    """Gradient steps: ``change = lr * a + momentum * change`` for a weight, ``lr * a`` for a bias.

    Parameters
    ----------
    learning_rate, momentum : float
        As in the plain per-sample path.
    nesterov : bool, default False
        Nesterov's momentum: a weight moves by ``momentum * change + lr * a``
        (its new change) instead of by ``change``.
    """

    name = "sgd"

    def __init__(self, learning_rate: float, momentum: float, nesterov: bool = False) -> None:
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov

    def new_state(self) -> None:
        """A weight's memory is its ``change`` (on the connection); a bias has none."""
        return None

    def begin_update(self) -> None:
        """Nothing is shared between the parameters."""

    def update_weight(self, connection: Connection, a: float) -> None:
        """Move one weight along ``a``, with momentum."""
        change = self.learning_rate * a + self.momentum * connection.change
        connection.change = change
        if self.nesterov:
            connection.weight = connection.weight + (self.momentum * change + self.learning_rate * a)
        else:
            connection.weight = connection.weight + change

    def update_bias(self, neuron: Neuron, a: float) -> None:
        """Move one bias along ``a`` (biases have no momentum)."""
        neuron.bias = neuron.bias + self.learning_rate * a


class Adam:
    """Adam as ``torch.optim.Adam`` (amsgrad off): moments m and v per parameter.

    Parameters
    ----------
    learning_rate, beta1, beta2, epsilon : float
        Adam's step size, the decay rates of the two moments and the term
        that keeps the denominator from 0.
    """

    name = "adam"

    def __init__(self, learning_rate: float, beta1: float, beta2: float, epsilon: float) -> None:
        self.learning_rate = learning_rate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.t = 0
        self.beta1_power = 1.0
        self.beta2_power = 1.0
        self.step_size = 0.0
        self.scaled_epsilon = 0.0

    def new_state(self) -> list[float]:
        """``[m, v]``, both 0.0."""
        return [0.0, 0.0]

    def begin_update(self) -> None:
        """Count the update and compute its bias corrections, once for every parameter."""
        self.t += 1
        self.beta1_power = self.beta1_power * self.beta1
        self.beta2_power = self.beta2_power * self.beta2
        # torch's lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps), with the second
        # correction moved into the step size and epsilon (as the compiled core does it)
        correction2 = math.sqrt(1.0 - self.beta2_power)
        self.step_size = self.learning_rate * correction2 / (1.0 - self.beta1_power)
        self.scaled_epsilon = self.epsilon * correction2

    def update(self, param: float, a: float, state: list[float]) -> float:
        """The new value of ``param``; updates its ``state`` ``[m, v]``."""
        g = -a
        m = self.beta1 * state[0] + (1.0 - self.beta1) * g
        v = self.beta2 * state[1] + (1.0 - self.beta2) * (g * g)
        state[0] = m
        state[1] = v
        return param - self.step_size * (m / (math.sqrt(v) + self.scaled_epsilon))

    def update_weight(self, connection: Connection, a: float) -> None:
        """Move one weight."""
        connection.weight = self.update(connection.weight, a, connection.rule_state)  # type: ignore[arg-type]

    def update_bias(self, neuron: Neuron, a: float) -> None:
        """Move one bias, as a weight."""
        neuron.bias = self.update(neuron.bias, a, neuron.rule_state)  # type: ignore[arg-type]


class RPROP:
    """iRprop- (Igel and Huesken, 2000): a step size per parameter, moved by the gradient's sign.

    Parameters
    ----------
    increase, decrease : float
        Factors of the step when the gradient keeps its sign, and when it flips.
    step_min, step_max : float
        Bounds of the step.
    step_initial : float
        Every parameter's first step.
    """

    name = "rprop"

    def __init__(self, increase: float, decrease: float, step_min: float, step_max: float, step_initial: float) -> None:
        self.increase = increase
        self.decrease = decrease
        self.step_min = step_min
        self.step_max = step_max
        self.step_initial = step_initial

    def new_state(self) -> list[float]:
        """``[previous gradient, step]``: 0.0 and the initial step."""
        return [0.0, self.step_initial]

    def begin_update(self) -> None:
        """Nothing is shared between the parameters."""

    def update(self, param: float, a: float, state: list[float]) -> float:
        """The new value of ``param``; updates its ``state`` ``[previous gradient, step]``."""
        g = -a
        previous, step = state
        product = previous * g
        if product > 0.0:
            step = min(step * self.increase, self.step_max)
            state[0], state[1] = g, step
            return _step_against(param, g, step)
        if product < 0.0:
            # The sign flipped: the last step went too far; shrink and skip this one.
            state[0], state[1] = 0.0, max(step * self.decrease, self.step_min)
            return param
        state[0] = g
        return _step_against(param, g, step)

    def update_weight(self, connection: Connection, a: float) -> None:
        """Move one weight."""
        connection.weight = self.update(connection.weight, a, connection.rule_state)  # type: ignore[arg-type]

    def update_bias(self, neuron: Neuron, a: float) -> None:
        """Move one bias, as a weight."""
        neuron.bias = self.update(neuron.bias, a, neuron.rule_state)  # type: ignore[arg-type]


def _make_optimizer(
    name: str, learning_rate: float, momentum: float, options: dict, nesterov: bool = False
) -> SGD | Adam | RPROP:
    """The optimizer ``name`` with its options checked."""
    checked = {key: check_rule_parameter(key, value) for key, value in options.items()}
    if name == "sgd":
        return SGD(learning_rate, momentum, nesterov)
    if name == "adam":
        return Adam(learning_rate, checked["beta1"], checked["beta2"], checked["epsilon"])
    check_step_limits(checked["rprop_step_min"], checked["rprop_step_max"])
    return RPROP(
        checked["rprop_increase"],
        checked["rprop_decrease"],
        checked["rprop_step_min"],
        checked["rprop_step_max"],
        checked["rprop_step_initial"],
    )


def weighted_rows(
    inputs: Sequence, targets: Sequence, sample_weight: object
) -> tuple[Sequence, Sequence, list[float] | None]:
    """The rows a weighted fit trains on, and the factor ``s = w / mean(w)`` of each.

    Rows of weight 0 are dropped.  When the remaining weights are all equal,
    the factors are ``None``: training is unweighted.
    """
    if sample_weight is None:
        return inputs, targets, None
    weights = check_sample_weight(sample_weight, len(inputs)).tolist()
    kept = [row for row, weight in enumerate(weights) if weight > 0.0]
    kept_weights = [weights[row] for row in kept]
    rows = [inputs[row] for row in kept], [targets[row] for row in kept]
    if all(weight == kept_weights[0] for weight in kept_weights):
        return rows[0], rows[1], None
    mean = math.fsum(kept_weights) / len(kept_weights)
    return rows[0], rows[1], [weight / mean for weight in kept_weights]


def visit_order(n_rows: int, max_steps: int, order: str, seed: int) -> Iterator[tuple[int, bool]]:
    """The rows a fit visits, as ``(row, ends_an_epoch)`` pairs (the compiled core's order)."""
    rng = SplitMix64(seed)
    permutation = list(range(n_rows))
    position = 0
    for _ in range(max_steps):
        if order == "random":
            row = rng.index(n_rows)
        elif order == "shuffle":
            if position == 0:
                rng.shuffle(permutation)
            row = permutation[position]
        else:
            row = position
        position += 1
        ends_epoch = position == n_rows
        if ends_epoch:
            position = 0
        yield row, ends_epoch


class Network:
    """The tutorial's network, trained one sample at a time in plain Python.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input layer first, e.g. ``[2, 10, 10, 1]``.
    learning_rate, momentum : float
        As in the tutorial: 0.3 and 0.1.
    activation : str or sequence of str
        One name for every non-input layer, or one per non-input layer.
    leaky_relu_alpha : float
        Slope of ``leaky_relu`` for negative inputs.
    loss : str
        ``"mse"`` or ``"cross_entropy"`` (with softmax or sigmoid outputs).

    Weights and biases start at zero; load real ones with :meth:`from_dict`
    (the reference exists to replay what the compiled core does).

    Other Parameters
    ----------------
    optimizer : {"sgd", "adam", "rprop"}
        How a batch's gradient moves the parameters (:class:`SGD`,
        :class:`Adam`, :class:`RPROP`).  ``learning_rate`` is Adam's step
        size; rprop uses neither ``learning_rate`` nor ``momentum``.
    weight_decay : float
        L2 penalty on the weights (not the biases), added to the gradient.
    nesterov : bool
        SGD with Nesterov's momentum (see :class:`SGD`); it takes the general path.
    beta1, beta2, epsilon : float
        Adam's options, as in ``torch.optim.Adam``.
    rprop_increase, rprop_decrease, rprop_step_min, rprop_step_max, rprop_step_initial : float
        iRprop-'s options.

    Notes
    -----
    Plain sgd without weight decay, one sample at a time and unweighted, is
    the tutorial's update (:meth:`adjust_weights`).  Anything else takes the
    general path: :meth:`accumulate` sums every sample's deltas over a batch,
    then :meth:`apply_batch` moves each parameter with the optimizer.
    """

    #: The class of the layers, whose ``activate`` and ``delta`` give the
    #: activation functions (a subclass may use other ones, e.g. ``math.exp``).
    layer_type = Layer

    def __init__(
        self,
        sizes: Sequence[int],
        learning_rate: float = 0.3,
        momentum: float = 0.1,
        activation: str | Sequence[str] = "sigmoid",
        leaky_relu_alpha: float = DEFAULT_LEAKY_RELU_ALPHA,
        loss: str = DEFAULT_LOSS,
        *,
        optimizer: str = "sgd",
        weight_decay: float = 0.0,
        nesterov: bool = False,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        rprop_increase: float = 1.2,
        rprop_decrease: float = 0.5,
        rprop_step_min: float = 0.0,
        rprop_step_max: float = 50.0,
        rprop_step_initial: float = 0.1,
    ) -> None:
        self.sizes = check_sizes(sizes)
        self.activations = check_activations(activation, len(self.sizes) - 1)
        self.loss = check_loss(loss)
        check_output_rules(self.activations, self.loss)
        self.output_sums: list[float] = [0.0] * self.sizes[-1]  # the output layer's z, for the loss
        self.learning_rate = check_rate("learning_rate", learning_rate)
        self.momentum = check_rate("momentum", momentum)
        self.leaky_relu_alpha = check_alpha(leaky_relu_alpha)
        self.iterations = 0
        self.layers = [self.layer_type(self.sizes[0])] + [
            self.layer_type(size, name, self.leaky_relu_alpha) for size, name in zip(self.sizes[1:], self.activations)
        ]
        self._connect_layers()
        self.nesterov = check_flag("nesterov", nesterov)
        self._set_learning_rule(
            optimizer,
            weight_decay,
            {
                "beta1": beta1,
                "beta2": beta2,
                "epsilon": epsilon,
                "rprop_increase": rprop_increase,
                "rprop_decrease": rprop_decrease,
                "rprop_step_min": rprop_step_min,
                "rprop_step_max": rprop_step_max,
                "rprop_step_initial": rprop_step_initial,
            },
        )

    def _connect_layers(self) -> None:
        # Connections are created source by source, so each neuron's
        # output_connections run over the next layer in order (k = 0, 1, ...).
        for previous, layer in zip(self.layers, self.layers[1:]):
            for source in previous.neurons:
                for target in layer.neurons:
                    connection = Connection(source, target)
                    source.output_connections.append(connection)
                    target.input_connections.append(connection)

    # ------------------------------------------------------------ the tutorial's API

    def activate(self, values: Sequence[float]) -> None:
        """Set the outputs of the input layer."""
        neurons = self.layers[0].neurons
        if len(values) != len(neurons):
            raise ValueError(f"input must have {len(neurons)} values, got {len(values)}")
        for neuron, value in zip(neurons, values):
            neuron.output = float(value)

    def run(self) -> list[float]:
        """Forward pass; returns the outputs of the last layer."""
        for layer in self.layers[1:]:
            sums = []
            for neuron in layer.neurons:
                total = 0.0
                for connection in neuron.input_connections:
                    total += connection.weight * connection.source.output
                sums.append(neuron.bias + total)
            for neuron, output in zip(layer.neurons, layer.activate_all(sums)):
                neuron.output = output
        self.output_sums = sums
        return [neuron.output for neuron in self.layers[-1].neurons]

    def sample_loss(self, target: Sequence[float]) -> float:
        """The network's loss for ``target`` and the outputs of the last :meth:`run`."""
        if self.loss == "mse":
            return squared_error([neuron.output for neuron in self.layers[-1].neurons], target)
        if self.activations[-1] == "softmax":
            return softmax_cross_entropy(self.output_sums, target)
        return sigmoid_cross_entropy(self.output_sums, target)

    def calculate_deltas(self, target: Sequence[float]) -> float:
        """Deltas from the output layer backwards; returns the sample's loss (:meth:`sample_loss`)."""
        output_layer = self.layers[-1]
        for neuron, wanted in zip(output_layer.neurons, target):
            error = wanted - neuron.output
            # With cross-entropy, dLoss/dz is o - t whatever the activation: no derivative to apply.
            neuron.delta = error if self.loss == "cross_entropy" else output_layer.delta(error, neuron.output)
        for layer in reversed(self.layers[1:-1]):
            for neuron in layer.neurons:
                error = 0.0
                for connection in neuron.output_connections:
                    error += connection.target.delta * connection.weight
                neuron.delta = layer.delta(error, neuron.output)
        return self.sample_loss(target)

    def adjust_weights(self) -> None:
        """change = lr * delta * input + momentum * change; weight += change; bias += lr * delta."""
        learning_rate, momentum = self.learning_rate, self.momentum
        for layer in self.layers[1:]:
            for neuron in layer.neurons:
                step = learning_rate * neuron.delta
                for connection in neuron.input_connections:
                    change = step * connection.source.output + momentum * connection.change
                    connection.change = change
                    connection.weight += change
                neuron.bias += step

    def train(self, input: Sequence[float], target: Sequence[float]) -> float:
        """One per-sample step (a batch of one off the plain path); returns the sample's error before the update."""
        if len(target) != len(self.layers[-1].neurons):
            raise ValueError(f"target must have {len(self.layers[-1].neurons)} values, got {len(target)}")
        if not self.plain:
            return self._train_general(input, target)
        self.activate(input)
        self.run()
        error = self.calculate_deltas(target)
        if math.isfinite(error):
            self.adjust_weights()
            self.iterations += 1
        return error

    def predict(self, input: Sequence[float]) -> list[float]:
        """Outputs for one input."""
        self.activate(input)
        return self.run()

    def fit(
        self,
        inputs: Sequence[Sequence[float]],
        targets: Sequence[Sequence[float]],
        *,
        epochs: int | None = None,
        steps: int | None = None,
        order: str = "shuffle",
        seed: int = 0,
        batch_size: int | None = 1,
        sample_weight: Sequence[float] | None = None,
    ) -> list[float]:
        """Train like ``nncore.Network.fit`` (same sample order for the same seed).

        ``batch_size`` consecutive samples of that order form a batch (the
        last of an epoch may be smaller; ``None``: the whole data set).
        ``sample_weight`` gives every row a weight >= 0: rows of weight 0 are
        left out, the others count ``w / mean(w)`` times.

        Returns the mean error of every completed epoch (weighted: the sum of
        ``s * error`` over the epoch's samples, divided by their number).
        """
        batch_size = self._check_batch_size(batch_size, len(inputs))
        inputs, targets, factors = weighted_rows(inputs, targets, sample_weight)
        max_steps, _ = plan_steps(len(inputs), epochs, steps)
        visits = visit_order(len(inputs), max_steps, order, seed)
        if self.plain and batch_size == 1 and factors is None:
            return self._fit_per_sample(inputs, targets, visits)
        return self._fit_batches(inputs, targets, factors, batch_size or len(inputs), visits)

    def _fit_per_sample(self, inputs: Sequence, targets: Sequence, visits: Iterator[tuple[int, bool]]) -> list[float]:
        """The tutorial's loop: :meth:`train` on every visited row."""
        n = len(inputs)
        errors: list[float] = []
        error_sum = 0.0
        for i, ends_epoch in visits:
            error_sum += self.train(inputs[i], targets[i])
            if ends_epoch:
                errors.append(error_sum / n)
                error_sum = 0.0
        return errors

    def _fit_batches(
        self,
        inputs: Sequence,
        targets: Sequence,
        factors: list[float] | None,
        batch_size: int,
        visits: Iterator[tuple[int, bool]],
    ) -> list[float]:
        """The general path: accumulate ``batch_size`` visited rows (fewer at an epoch's end), then update."""
        n = len(inputs)
        errors: list[float] = []
        error_sum = 0.0
        in_batch = 0
        accumulated = 0
        for i, ends_epoch in visits:
            factor = None if factors is None else factors[i]
            error = self.accumulate(inputs[i], targets[i], factor)
            accumulated += math.isfinite(error)
            error_sum += error if factor is None else factor * error
            in_batch += 1
            if in_batch == batch_size or ends_epoch:
                self.apply_batch(accumulated)
                in_batch = accumulated = 0
            if ends_epoch:
                errors.append(error_sum / n)
                error_sum = 0.0
        if in_batch:  # a fit stopped by steps= inside a batch applies what it has
            self.apply_batch(accumulated)
        return errors

    # ------------------------------------------------------------ learning rules (general path)

    def _set_learning_rule(self, optimizer: object, weight_decay: object, options: dict) -> None:
        """Check the rule's options, build the optimizer and give every parameter its fresh state."""
        self.optimizer = check_optimizer(optimizer)
        self.weight_decay = check_rule_parameter("weight_decay", weight_decay)
        if self.nesterov and self.optimizer != "sgd":
            raise ValueError(f"nesterov does not apply to optimizer={self.optimizer!r}: it is SGD's")
        self.rule = _make_optimizer(self.optimizer, self.learning_rate, self.momentum, options, self.nesterov)
        # train() is the tutorial's update only for sgd with classical momentum, without weight decay
        self.plain = self.optimizer == "sgd" and not self.nesterov and self.weight_decay == 0.0
        if self.optimizer == "sgd":
            return  # sgd keeps its memory in the connections' changes: no state to set
        for layer in self.layers[1:]:
            for neuron in layer.neurons:
                neuron.rule_state = self.rule.new_state()
                for connection in neuron.input_connections:
                    connection.rule_state = self.rule.new_state()

    def _check_batch_size(self, batch_size: object, n_rows: int) -> int:
        """From 1 to ``n_rows``, or 0 for the whole data set (None); rprop takes whole batches only.

        The reference's own copy of fit's batch-size rule
        (``nncore._checks.check_optimizer_batch_size``), kept apart on purpose:
        the reference is the independent twin the tests hold the compiled
        fit against. A batch larger than the rows of nonzero weight needs no
        rule here: an epoch's end closes it.
        """
        batch = check_batch_size(batch_size, n_rows)
        if self.optimizer == "rprop" and batch not in (0, n_rows):
            raise ValueError(f"rprop trains on whole batches only: batch_size must be None, got {batch}")
        return batch

    def _train_general(self, input: Sequence[float], target: Sequence[float]) -> float:
        """:meth:`train` on the general path: a batch of one sample."""
        if self.optimizer == "rprop":
            raise ValueError("rprop trains on whole batches only: use fit(..., batch_size=None), not train")
        error = self.accumulate(input, target)
        if math.isfinite(error):
            self.apply_batch(1)
        return error

    def accumulate(self, input: Sequence[float], target: Sequence[float], factor: float | None = None) -> float:
        """Add one sample's deltas (times ``factor`` if given) to the batch's sums; returns its error.

        The weights do not change.  A sample whose error is not finite is
        left out of the sums and of ``iterations``.
        """
        self.activate(input)
        self.run()
        error = self.calculate_deltas(target)
        if not math.isfinite(error):
            return error
        for layer in self.layers[1:]:
            for neuron in layer.neurons:
                d = neuron.delta if factor is None else factor * neuron.delta
                for connection in neuron.input_connections:
                    connection.batch_sum = connection.batch_sum + d * connection.source.output
                neuron.batch_sum = neuron.batch_sum + d
        self.iterations += 1
        return error

    def _weight_direction(self, connection: Connection, count: float) -> float:
        """``a_w = (sum / c) - weight_decay * w``: minus the gradient of the batch's mean loss and L2 term."""
        a = connection.batch_sum / count
        if self.weight_decay != 0.0:
            a = a - self.weight_decay * connection.weight
        return a

    def batch_direction(self, count: int) -> list[tuple[list[list[float]], list[float]]]:
        """The ascent direction of the batch accumulated so far, per layer ``(a_w[j][k], a_b[j])``.

        ``count`` is the number of samples accumulated.  Nothing changes.
        """
        c = float(count)
        return [
            (
                [
                    [self._weight_direction(connection, c) for connection in neuron.input_connections]
                    for neuron in layer.neurons
                ],
                [neuron.batch_sum / c for neuron in layer.neurons],
            )
            for layer in self.layers[1:]
        ]

    def apply_batch(self, count: int) -> None:
        """Move every parameter with the optimizer along the batch's direction, then clear the sums.

        ``count`` is the number of samples accumulated; with none, nothing happens.
        """
        if count == 0:
            return
        c = float(count)
        rule = self.rule
        rule.begin_update()
        for layer in self.layers[1:]:
            for neuron in layer.neurons:
                for connection in neuron.input_connections:
                    rule.update_weight(connection, self._weight_direction(connection, c))
                    connection.batch_sum = 0.0
                rule.update_bias(neuron, neuron.batch_sum / c)
                neuron.batch_sum = 0.0

    def parameters(self) -> list[tuple[list[list[float]], list[float]]]:
        """The weights ``[j][k]`` and biases ``[j]`` of every non-input layer, as floats."""
        return [
            (
                [[connection.weight for connection in neuron.input_connections] for neuron in layer.neurons],
                [neuron.bias for neuron in layer.neurons],
            )
            for layer in self.layers[1:]
        ]

    # ------------------------------------------------------------ state

    def to_dict(self) -> dict:
        """The network in nncore's dictionary format (version 1).

        Raises
        ------
        ValueError
            For adam and rprop, whose state (moments, steps) version 1 cannot
            hold; read the weights with :meth:`parameters`.
        """
        if self.optimizer != "sgd":
            raise ValueError(
                f"to_dict holds the state of sgd only, got a network trained with {self.optimizer!r}; "
                "parameters() gives its weights and biases"
            )
        layers = []
        for layer in self.layers[1:]:
            layers.append(
                {
                    "weights": [[c.weight for c in n.input_connections] for n in layer.neurons],
                    "biases": [n.bias for n in layer.neurons],
                    "changes": [[c.change for c in n.input_connections] for n in layer.neurons],
                }
            )
        return _serialization.make_dict(
            self.sizes,
            self.activations,
            self.learning_rate,
            self.momentum,
            self.iterations,
            layers,
            self.leaky_relu_alpha,
            loss=self.loss,
            nesterov=self.nesterov,
        )

    @classmethod
    def from_dict(cls, data: dict, **rule_options: Any) -> Network:
        """Build a network from :meth:`to_dict`'s (or ``nncore.Network.to_dict``'s) output.

        ``rule_options`` are the learning rule's keyword arguments of the
        constructor (``optimizer=``, ``weight_decay=``, ...); the optimizer's
        state starts fresh.
        """
        state = _serialization.read_dict(data)
        net = cls(
            state.sizes,
            state.learning_rate,
            state.momentum,
            state.activations,
            state.leaky_relu_alpha,
            state.loss,
            **{"nesterov": state.nesterov, **rule_options},
        )
        net.iterations = state.iterations
        for layer, (weights, biases, changes) in zip(net.layers[1:], state.layers):
            for j, neuron in enumerate(layer.neurons):
                neuron.bias = float(biases[j])
                for k, connection in enumerate(neuron.input_connections):
                    connection.weight = float(weights[j, k])
                    connection.change = float(changes[j, k])
        return net
