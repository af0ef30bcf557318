"""
A population trained with ``fit_many``
======================================

Small networks are rarely trained once: one sweeps a learning rate, tries many
seeds, or trains an ensemble. :func:`nncore.fit_many` trains a whole
population in one call, on all cores, and networks of the same shape train
side by side in SIMD lanes. Each network ends bit for bit as its own ``fit``
would leave it; this example trains 64 XOR networks at 64 learning rates both
ways, checks that, and draws where each learning rate ends.
"""

import time

import matplotlib.pyplot as plt
import numpy as np

import nncore

X = [[0, 0], [0, 1], [1, 0], [1, 1]]
Y = [0, 1, 1, 0]
learning_rates = np.geomspace(0.01, 3, 64)
seeds = range(64)


def population():
    """64 networks of the tutorial's shape, seed i at learning rate i."""
    return [nncore.Network([2, 10, 10, 1], learning_rate=rate, seed=seed) for rate, seed in zip(learning_rates, seeds)]


# %%
# The population in one call, then the same networks trained one ``fit`` at
# a time: 5,000 random per-sample steps each.

many = population()
started = time.perf_counter()
results = nncore.fit_many(many, X, Y, steps=5000, order="random", seeds=seeds)
many_seconds = time.perf_counter() - started

alone = population()
started = time.perf_counter()
alone_results = [net.fit(X, Y, steps=5000, order="random", seed=seed) for net, seed in zip(alone, seeds)]
loop_seconds = time.perf_counter() - started

print(f"fit_many: {many_seconds:.3f} s, a loop of fit: {loop_seconds:.3f} s")

# %%
# Both ways give the same networks, to the last bit of every weight:

same = all(a.to_dict() == b.to_dict() for a, b in zip(many, alone))
print("every network identical to its own fit:", same)
assert same

# %%
# The final loss of every network (the mean of the last epoch of four steps)
# against its learning rate, and how the losses spread. Too small a rate has
# not left XOR's plateau after 5,000 steps (a loss near 0.125, every output
# near 0.5); larger rates learn it, each from its own seed. "Learned" means all
# four outputs on the right side of 0.5.

final = np.array([result.error for result in results])
learned = np.array([np.all((net.predict(X)[:, 0] > 0.5) == (np.array(Y) > 0.5)) for net in many])
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
for group, colour, label in [(learned, "tab:blue", "learned XOR"), (~learned, "tab:red", "not yet")]:
    left.scatter(learning_rates[group], final[group], color=colour, edgecolors="black", label=label)
left.set_xscale("log")
left.set_yscale("log")
left.set_xlabel("learning rate")
left.set_ylabel("final loss")
left.set_title("64 XOR networks, 5,000 steps each")
left.legend()
bins = np.linspace(np.log10(final.min()), np.log10(final.max()), 21)
right.hist(
    [np.log10(final[learned]), np.log10(final[~learned])],
    bins=bins,
    stacked=True,
    color=["tab:blue", "tab:red"],
    label=["learned XOR", "not yet"],
)
right.set_xlabel("log10 of the final loss")
right.set_ylabel("networks")
right.set_title("How the final losses spread")
right.legend()
plt.show()
