"""
How often XOR is learned, per starting-weight scheme
====================================================

Whether the tutorial's network learns XOR depends on where its weights start.
``nncore xor --seeds N --init ...`` on the command line trains seeds 0 to
N - 1 of each scheme and counts the networks that learn it; this example does
the same from Python with :func:`nncore.fit_many`, which trains the whole
population in one call, and draws the counts as bars.

Each seed chooses a network's starting weights and its random sample order;
"learned" means all four outputs on the right side of 0.5 after 20,000
per-sample steps at learning rate 0.3 and momentum 0.1.
"""

import matplotlib.pyplot as plt
import numpy as np

import nncore

X = [[0, 0], [0, 1], [1, 0], [1, 1]]
Y = [0, 1, 1, 0]
seeds = range(100)
schemes = ["scaled", "tutorial", "he", "xavier", "brainjs"]

# %%
# One population of 100 networks per scheme, trained together by ``fit_many``
# (each network ends as its own ``fit(..., seed=seed)`` would leave it).


def learned(net):
    """True when every output of XOR lies on its target's side of 0.5."""
    return bool(np.all((net.predict(X)[:, 0] > 0.5) == (np.array(Y) > 0.5)))


counts = {}
for init in schemes:
    population = [nncore.Network([2, 10, 10, 1], init=init, seed=seed) for seed in seeds]
    nncore.fit_many(population, X, Y, steps=20000, order="random", seeds=seeds)
    counts[init] = sum(learned(net) for net in population)
    print(f"{init:9} {counts[init]:3d} of {len(seeds)} learned XOR")

# %%
# The schemes: ``"scaled"`` (the default) draws weights and biases uniformly in
# ±2.4/√fan_in, ``"tutorial"`` weights in [0, 1) and integer biases,
# ``"he"`` normal weights of variance 2/fan_in, ``"xavier"`` (Glorot's)
# uniform weights in ±√(6/(fan_in + fan_out)), the last two with zero biases,
# and ``"brainjs"`` uniform weights and biases in [-0.2, 0.2). Starting that
# small leaves the network on XOR's plateau, where every output is near 0.5,
# for all 20,000 steps at this learning rate.

fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
bars = ax.bar(list(counts), list(counts.values()), color="tab:blue")
ax.bar_label(bars)
ax.set_ylim(0, len(seeds) * 1.1)
ax.set_xlabel("init")
ax.set_ylabel(f"networks that learned XOR (of {len(seeds)})")
ax.set_title("XOR on [2, 10, 10, 1], 20,000 random per-sample steps, seeds 0 to 99")
plt.show()
