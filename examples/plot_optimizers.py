"""
Loss curves of the optimizers
=============================

The same network, from the same starting weights, trained on the same data by
each of nncore's update rules: per-sample SGD with classical momentum (the
tutorial's rule), SGD with Nesterov's momentum, SGD on mini-batches, Adam, and
RPROP (iRprop-, FANN's default, on the whole data set per update). ``fit``
returns a :class:`nncore.FitResult` whose ``errors`` hold the mean loss of every
epoch: the loss curve.
"""

import matplotlib.pyplot as plt
import numpy as np

import nncore

# %%
# The problem: two interleaved half-moons of 200 noisy points, a small
# classification that a straight line cannot separate.

rng = np.random.default_rng(0)
angle = rng.uniform(0, np.pi, 200)
upper = np.arange(200) < 100
X = np.where(upper[:, None], np.c_[np.cos(angle), np.sin(angle)], np.c_[1 - np.cos(angle), 0.5 - np.sin(angle)])
X += rng.normal(0, 0.1, X.shape)
Y = (~upper).astype(float)

# %%
# One network per rule, each built with the same seed, so they all start from
# the same weights; each rule's step size is one that suits it. Every fit runs
# 150 epochs in the same shuffled sample orders (``seed=0``). Adam's curve is
# jagged: with one sample per update, its step of 0.01 now and then throws the
# network off a good point, from which it recovers within a few epochs.

rules = {
    "SGD, momentum 0.1 (per sample)": dict(optimizer="sgd", learning_rate=0.3, momentum=0.1),
    "SGD, Nesterov momentum 0.9": dict(optimizer="sgd", learning_rate=0.03, momentum=0.9, nesterov=True),
    "SGD, batches of 16": dict(optimizer="sgd", learning_rate=1.0, momentum=0.5, batch_size=16),
    "Adam, step 0.01 (per sample)": dict(optimizer="adam", learning_rate=0.01),
    "RPROP (whole data set)": dict(optimizer="rprop"),
}
results = {}
for name, settings in rules.items():
    settings = dict(settings)
    batch_size = settings.pop("batch_size", 1 if settings["optimizer"] != "rprop" else None)
    net = nncore.Network([2, 8, 8, 1], seed=0, **settings)
    results[name] = (net, net.fit(X, Y, epochs=150, batch_size=batch_size, seed=0))

# %%
# The loss (the network's default ``"mse"``, half the squared error, averaged
# over the epoch's samples) on a logarithmic scale.
# RPROP makes one update per epoch, the batched SGD 13, the per-sample rules
# 200: the curves compare what each reaches for the same passes over the data.

fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
for name, (_, result) in results.items():
    ax.plot(np.arange(1, result.epochs + 1), result.errors, label=name)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("mean loss of the epoch")
ax.set_title("Half-moons on [2, 8, 8, 1]: the same start, five update rules")
ax.legend()
plt.show()

# %%
# Accuracy on the training points at the end, and the time of each fit:

for name, (net, result) in results.items():
    accuracy = np.mean((net.predict(X)[:, 0] > 0.5) == (Y > 0.5))
    print(f"{name:32} final loss {result.error:.4f}  accuracy {accuracy:.3f}  {result.elapsed * 1000:6.1f} ms")
