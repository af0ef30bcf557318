"""The pure-Python reference: the tutorial's object model, one neuron at a time.

``Neuron``, ``Connection``, ``Layer`` and ``Network`` follow "Writing a neural
network in JavaScript" (and brain.js's ``NeuralNetwork``) line by line, with no
numpy in the hot path.  It implements the same algorithm as the compiled core,
summing in the same order and computing sigmoid, tanh and softmax with the
same exponential (:mod:`nncore.elementary`, the Python twin of the core's
own), so the two agree to the last bit; it is the oracle of the tests.

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
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from nncore import serialization
from nncore._checks import (
    check_activations, check_alpha, check_loss, check_output_rules, check_rate, check_sizes,
)
from nncore._vocabulary import DEFAULT_LEAKY_RELU_ALPHA, DEFAULT_LOSS
from nncore.elementary import exp64, sigmoid64, tanh64
from nncore.sampling import SplitMix64, plan_steps


def _sigmoid(z: float) -> float:
    # The compiled core's sigmoid, bit for bit (nncore.elementary).
    return sigmoid64(z)


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
    """The binary cross-entropy of every sigmoid output, summed: max(z, 0) - t * z + log1p(exp(-|z|))."""
    total = 0.0
    for z, target in zip(sums, targets):
        total += (_relu(z) - target * z) + math.log1p(exp64(-abs(z)))
    return total


class Connection:
    """A weighted link from one neuron to the next layer's neuron, with its last change."""

    __slots__ = ("source", "target", "weight", "change")

    def __init__(self, source: Neuron, target: Neuron, weight: float = 0.0) -> None:
        self.source = source
        self.target = target
        self.weight = weight
        self.change = 0.0


class Neuron:
    """A neuron: bias, output, delta and its input and output connections."""

    __slots__ = ("bias", "output", "delta", "input_connections", "output_connections")

    def __init__(self, bias: float = 0.0) -> None:
        self.bias = bias
        self.output = 0.0
        self.delta = 0.0
        self.input_connections: list[Connection] = []
        self.output_connections: list[Connection] = []


class Layer:
    """A list of neurons sharing one activation function."""

    def __init__(self, size: int, activation: str = "sigmoid", leaky_relu_alpha: float = DEFAULT_LEAKY_RELU_ALPHA) -> None:
        self.neurons = [Neuron() for _ in range(size)]
        self.activation = activation
        self.leaky_relu_alpha = leaky_relu_alpha

    def activate(self, z: float) -> float:
        activation = self.activation
        if activation == "sigmoid":
            return _sigmoid(z)
        if activation == "tanh":
            return tanh64(z)
        if activation == "relu":
            return _relu(z)
        if activation == "leaky_relu":
            return z if z > 0.0 else self.leaky_relu_alpha * z
        if activation == "identity":
            return z
        raise ValueError(f"the reference has no element-wise activation {activation!r}")

    def activate_all(self, sums: list[float]) -> list[float]:
        """The outputs of the layer's neurons from their sums (softmax needs all of them at once)."""
        if self.activation == "softmax":
            return softmax(sums)
        return [self.activate(z) for z in sums]

    def delta(self, error: float, output: float) -> float:
        """error * f'(z), written in terms of the output o = f(z) as brain.js does."""
        activation = self.activation
        if activation == "sigmoid":
            return error * output * (1.0 - output)
        if activation == "tanh":
            return (1.0 - output * output) * error
        if activation == "relu":
            return error if output > 0.0 else 0.0
        if activation == "leaky_relu":
            return error if output > 0.0 else self.leaky_relu_alpha * error
        if activation == "identity":
            return error
        # softmax is an output layer's, with cross-entropy, whose deltas are t - o: never scaled.
        raise ValueError(f"the reference has no derivative for activation {activation!r}")


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
        """One per-sample step; returns the sample's error before the update."""
        if len(target) != len(self.layers[-1].neurons):
            raise ValueError(f"target must have {len(self.layers[-1].neurons)} values, got {len(target)}")
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
    ) -> list[float]:
        """Train like ``nncore.Network.fit`` (same sample order for the same seed).

        Returns the mean error of every completed epoch.
        """
        n = len(inputs)
        max_steps, _ = plan_steps(n, epochs, steps)
        rng = SplitMix64(seed)
        permutation = list(range(n))
        errors: list[float] = []
        error_sum = 0.0
        position = 0
        for _ in range(max_steps):
            if order == "random":
                i = rng.index(n)
            elif order == "shuffle":
                if position == 0:
                    rng.shuffle(permutation)
                i = permutation[position]
            else:
                i = position
            error_sum += self.train(inputs[i], targets[i])
            position += 1
            if position == n:
                errors.append(error_sum / n)
                error_sum = 0.0
                position = 0
        return errors

    # ------------------------------------------------------------ state

    def to_dict(self) -> dict:
        """The network in nncore's dictionary format (version 1)."""
        layers = []
        for layer in self.layers[1:]:
            layers.append({
                "weights": [[c.weight for c in n.input_connections] for n in layer.neurons],
                "biases": [n.bias for n in layer.neurons],
                "changes": [[c.change for c in n.input_connections] for n in layer.neurons],
            })
        return serialization.make_dict(
            self.sizes, self.activations, self.learning_rate, self.momentum,
            self.iterations, layers, self.leaky_relu_alpha, loss=self.loss,
        )

    @classmethod
    def from_dict(cls, data: dict) -> Network:
        """Build a network from :meth:`to_dict`'s (or ``nncore.Network.to_dict``'s) output."""
        state = serialization.read_dict(data)
        net = cls(state.sizes, state.learning_rate, state.momentum, state.activations, state.leaky_relu_alpha,
                  state.loss)
        net.iterations = state.iterations
        for layer, (weights, biases, changes) in zip(net.layers[1:], state.layers):
            for j, neuron in enumerate(layer.neurons):
                neuron.bias = float(biases[j])
                for k, connection in enumerate(neuron.input_connections):
                    connection.weight = float(weights[j, k])
                    connection.change = float(changes[j, k])
        return net
