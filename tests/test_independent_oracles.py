"""Every learning rule against a short numpy implementation written here, from the formulas alone.

Nothing of nncore is used to compute the expected weights: not the reference,
not its exponential. The formulas are those of the optimizers page's table
(docs/user_guide/optimizers.md), which follow the papers and PyTorch:

- SGD with momentum (the tutorial's): ``change = lr * a + momentum * change``,
  ``W += change``; biases ``b += lr * a``; ``a`` is minus the gradient.
  With Nesterov's momentum, as ``torch.optim.SGD(nesterov=True)`` writes it:
  ``buf = momentum * buf + g``, ``W -= lr * (g + momentum * buf)``.
- Adam as ``torch.optim.Adam``: ``m = b1 m + (1 - b1) g``,
  ``v = b2 v + (1 - b2) g**2``, ``p -= lr * m_hat / (sqrt(v_hat) + eps)``
  with ``m_hat = m / (1 - b1**t)``, ``v_hat = v / (1 - b2**t)``.
- iRprop- (Igel and Huesken, 2000): a step per weight, times ``increase``
  (at most ``step_max``) while the gradient keeps its sign, times ``decrease``
  (at least ``step_min``) when it flips, and then that gradient counts as
  zero (no move, no sign remembered); every weight moves by ``-sign(g) step``.
- Weight decay: ``weight_decay * W`` added to the weights' gradient (PyTorch's
  coupled L2), never to the biases'.
- Mini-batches: the mean gradient of ``k`` consecutive samples, all taken at
  the weights of the batch's start; the last batch of an epoch may be smaller.
- Sample weights: a row of weight 0 is left out; a batch updates with
  ``sum(w_i g_i) / (k * mean of the nonzero weights)``.

The networks train in float64 for a few hundred steps on fixed data; the
compiled core must agree within 1e-12 (numpy's ``exp`` and ``tanh`` are not
nncore's own, so the last bits may differ).
"""

import numpy as np
import pytest

import nncore

TOLERANCE = 1e-12


# ---------------------------------------------------------------- the oracle


def activate(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "identity":
        return z.copy()
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    raise AssertionError(name)


def slope(name, o):
    """f'(z) written with the output o = f(z)."""
    return {"sigmoid": o * (1.0 - o), "tanh": 1.0 - o * o, "identity": np.ones_like(o)}[name]


def gradients(weights, biases, activations, loss, x, t):
    """Gradients of the sample's loss with respect to every weight and bias (by backpropagation)."""
    outputs = [np.asarray(x, dtype=float)]
    for W, b, name in zip(weights, biases, activations):
        outputs.append(activate(name, W @ outputs[-1] + b))
    error = np.asarray(t, dtype=float) - outputs[-1]
    # cross-entropy with softmax or sigmoid outputs: the loss's derivative cancels the activation's
    delta = error if loss == "cross_entropy" else error * slope(activations[-1], outputs[-1])
    grads = [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        grads[layer] = (-np.outer(delta, outputs[layer]), -delta)
        if layer:
            delta = (weights[layer].T @ delta) * slope(activations[layer - 1], outputs[layer])
    return grads


def batch_gradients(net_state, X, Y, rows, weights_of_rows, mean_weight, weight_decay):
    weights, biases, activations, loss = net_state
    total = [(np.zeros_like(W), np.zeros_like(b)) for W, b in zip(weights, biases)]
    for row in rows:
        factor = weights_of_rows[row] / mean_weight
        for (gW, gb), (sW, sb) in zip(total, gradients(weights, biases, activations, loss, X[row], Y[row])):
            gW += factor * sW
            gb += factor * sb
    k = len(rows)
    return [(gW / k + weight_decay * W, gb / k) for (gW, gb), W in zip(total, weights)]


class Oracle:
    """One network's parameters and one optimizer's state, in plain numpy."""

    def __init__(self, net, optimizer, **rule):
        self.weights = [np.array(W, dtype=float) for W in net.weights]
        self.biases = [np.array(b, dtype=float) for b in net.biases]
        self.activations = (
            list(net.activations)[1:] if len(net.activations) == len(net.sizes) else list(net.activations)
        )
        self.loss = net.loss
        self.optimizer = optimizer
        self.rule = rule
        zeros = [(np.zeros_like(W), np.zeros_like(b)) for W, b in zip(self.weights, self.biases)]
        self.changes = [W for W, _ in zeros]
        self.buffers = [W.copy() for W, _ in zeros]
        self.m = [(W.copy(), b.copy()) for W, b in zeros]
        self.v = [(W.copy(), b.copy()) for W, b in zeros]
        self.t = 0
        step = rule.get("rprop_step_initial", 0.1)
        self.steps = [(np.full_like(W, step), np.full_like(b, step)) for W, b in zeros]
        self.previous = [(W.copy(), b.copy()) for W, b in zeros]

    def state(self):
        return self.weights, self.biases, self.activations, self.loss

    def update(self, grads):
        getattr(self, "_" + self.optimizer)(grads)

    def _sgd(self, grads):
        lr, momentum = self.rule["learning_rate"], self.rule["momentum"]
        for layer, (gW, gb) in enumerate(grads):
            if self.rule.get("nesterov"):
                self.buffers[layer] = momentum * self.buffers[layer] + gW
                self.weights[layer] -= lr * (gW + momentum * self.buffers[layer])
            else:
                self.changes[layer] = lr * -gW + momentum * self.changes[layer]
                self.weights[layer] += self.changes[layer]
            self.biases[layer] += lr * -gb

    def _adam(self, grads):
        lr, b1, b2, eps = (self.rule[name] for name in ("learning_rate", "beta1", "beta2", "epsilon"))
        self.t += 1
        for layer, pair in enumerate(grads):
            params = (self.weights[layer], self.biases[layer])
            for side, (p, g) in enumerate(zip(params, pair)):
                m = self.m[layer][side]
                v = self.v[layer][side]
                m *= b1
                m += (1 - b1) * g
                v *= b2
                v += (1 - b2) * g * g
                m_hat = m / (1 - b1**self.t)
                v_hat = v / (1 - b2**self.t)
                p -= lr * m_hat / (np.sqrt(v_hat) + eps)

    def _rprop(self, grads):
        increase, decrease = self.rule["rprop_increase"], self.rule["rprop_decrease"]
        step_min, step_max = self.rule["rprop_step_min"], self.rule["rprop_step_max"]
        for layer, pair in enumerate(grads):
            params = (self.weights[layer], self.biases[layer])
            for side, (p, g) in enumerate(zip(params, pair)):
                step, previous = self.steps[layer][side], self.previous[layer][side]
                g = g.copy()
                same, flipped = g * previous > 0, g * previous < 0
                step[same] = np.minimum(step[same] * increase, step_max)
                step[flipped] = np.maximum(step[flipped] * decrease, step_min)
                g[flipped] = 0.0
                p -= np.sign(g) * step
                previous[...] = g


def train_oracle(oracle, X, Y, *, epochs, batch_size, sample_weight=None, weight_decay=0.0):
    """``fit(..., order="sequential")`` in numpy: rows of weight 0 left out, batches in order."""
    w = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    kept = np.flatnonzero(w != 0)
    mean_weight = w[kept].mean()
    k = len(kept) if batch_size is None else batch_size
    for _ in range(epochs):
        for start in range(0, len(kept), k):
            rows = kept[start : start + k]
            oracle.update(batch_gradients(oracle.state(), X, Y, rows, w, mean_weight, weight_decay))
    return oracle


# ---------------------------------------------------------------- the comparisons


@pytest.fixture
def data():
    rng = np.random.default_rng(2024)
    X = rng.uniform(-1.0, 1.0, size=(10, 3))
    Y = rng.uniform(0.1, 0.9, size=(10, 2))
    return X, Y


def one_hot_targets(n_rows, n_classes, seed):
    rng = np.random.default_rng(seed)
    return np.eye(n_classes)[rng.integers(0, n_classes, size=n_rows)]


def assert_same_parameters(net, oracle):
    for layer, (W, b) in enumerate(zip(oracle.weights, oracle.biases)):
        np.testing.assert_allclose(
            net.weights[layer], W, rtol=0, atol=TOLERANCE, err_msg=f"weights of layer {layer + 1}"
        )
        np.testing.assert_allclose(net.biases[layer], b, rtol=0, atol=TOLERANCE, err_msg=f"biases of layer {layer + 1}")


SGD = {"learning_rate": 0.3, "momentum": 0.1}
NESTEROV = {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}
ADAM = {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
RPROP = {
    "rprop_increase": 1.2,
    "rprop_decrease": 0.5,
    "rprop_step_min": 0.0,
    "rprop_step_max": 50.0,
    "rprop_step_initial": 0.1,
}
CASES = {
    # name: (optimizer, rule parameters, batch_size, sample weights, weight decay, epochs)
    "sgd per sample": ("sgd", SGD, 1, None, 0.0, 30),
    "sgd in batches of 3 (the last of 1)": ("sgd", SGD, 3, None, 0.0, 60),
    "sgd with weight decay": ("sgd", SGD, 1, None, 0.01, 30),
    "sgd with sample weights and a row left out": ("sgd", SGD, 1, "weights", 0.0, 30),
    "sgd in batches of 4 with sample weights and weight decay": ("sgd", SGD, 4, "weights", 0.02, 60),
    "sgd with nesterov per sample": ("sgd", NESTEROV, 1, None, 0.0, 30),
    "sgd with nesterov in batches of 3 with weight decay": ("sgd", NESTEROV, 3, None, 0.01, 60),
    "sgd with nesterov and sample weights": ("sgd", NESTEROV, 1, "weights", 0.0, 30),
    "adam per sample": ("adam", ADAM, 1, None, 0.0, 30),
    "adam in batches of 3 with weight decay": ("adam", ADAM, 3, None, 0.01, 60),
    "adam with sample weights": ("adam", ADAM, 1, "weights", 0.0, 30),
    "rprop, whole batches": ("rprop", RPROP, None, None, 0.0, 300),
    "rprop with weight decay and sample weights": (
        "rprop",
        {**RPROP, "rprop_step_min": 1e-6, "rprop_step_max": 5.0},
        None,
        "weights",
        0.01,
        300,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_agrees_with_its_formulas(case, data):
    optimizer, rule, batch_size, weighted, weight_decay, epochs = CASES[case]
    X, Y = data
    sample_weight = np.array([1.0, 2.0, 0.0, 0.5, 1.5, 1.0, 3.0, 0.25, 1.0, 2.0]) if weighted else None
    parameters = {name: value for name, value in rule.items() if not (optimizer == "adam" and name == "momentum")}
    net = nncore.Network(
        [3, 4, 2], activation=["tanh", "sigmoid"], optimizer=optimizer, weight_decay=weight_decay, seed=5, **parameters
    )
    oracle = Oracle(net, optimizer, **rule)
    net.fit(X, Y, epochs=epochs, order="sequential", batch_size=batch_size, sample_weight=sample_weight)
    train_oracle(
        oracle, X, Y, epochs=epochs, batch_size=batch_size, sample_weight=sample_weight, weight_decay=weight_decay
    )
    moved = max(
        np.abs(W - W0).max()
        for W, W0 in zip(
            net.weights, Oracle(nncore.Network([3, 4, 2], activation=["tanh", "sigmoid"], seed=5), "sgd", **SGD).weights
        )
    )
    assert moved > 1e-3, "the network barely trained: the comparison would prove nothing"
    assert_same_parameters(net, oracle)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_softmax_with_cross_entropy_agrees_with_its_formulas(optimizer, data):
    X, _ = data
    Y = one_hot_targets(len(X), 3, seed=9)
    rule = SGD if optimizer == "sgd" else ADAM
    parameters = {**rule, "learning_rate": 0.1} if optimizer == "sgd" else rule
    net = nncore.Network(
        [3, 5, 3], activation=["sigmoid", "softmax"], loss="cross_entropy", optimizer=optimizer, seed=11, **parameters
    )
    oracle = Oracle(net, optimizer, **parameters)
    net.fit(X, Y, epochs=30, order="sequential")
    train_oracle(oracle, X, Y, epochs=30, batch_size=1)
    assert_same_parameters(net, oracle)


def test_the_oracle_tells_rules_apart(data):
    # The comparison has power: Adam's formulas do not describe an SGD network's training.
    X, Y = data
    net = nncore.Network([3, 4, 2], activation=["tanh", "sigmoid"], seed=5, **SGD)
    oracle = Oracle(net, "adam", **ADAM)
    net.fit(X, Y, epochs=5, order="sequential")
    train_oracle(oracle, X, Y, epochs=5, batch_size=1)
    with pytest.raises(AssertionError):
        assert_same_parameters(net, oracle)
    # and classical momentum's do not describe Nesterov's
    net = nncore.Network([3, 4, 2], activation=["tanh", "sigmoid"], seed=5, **NESTEROV)
    oracle = Oracle(net, "sgd", **{**NESTEROV, "nesterov": False})
    net.fit(X, Y, epochs=5, order="sequential")
    train_oracle(oracle, X, Y, epochs=5, batch_size=1)
    with pytest.raises(AssertionError):
        assert_same_parameters(net, oracle)
