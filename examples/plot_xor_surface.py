"""
XOR's decision surface as it learns
===================================

The tutorial's network, ``[2, 10, 10, 1]`` with sigmoid layers, learning rate
0.3 and momentum 0.1, learns XOR from its four rows by per-sample steps drawn
at random. Its output over the whole input square shows what it has learnt so
far: after a few hundred steps it still answers about 0.5 everywhere, then the
two diagonals separate, and after 20,000 steps the square is split into the
four corners' classes.
"""

import matplotlib.pyplot as plt
import numpy as np

import nncore

X = [[0, 0], [0, 1], [1, 0], [1, 1]]
Y = [0, 1, 1, 0]
net = nncore.Network([2, 10, 10, 1], learning_rate=0.3, momentum=0.1, seed=0)

# %%
# Train in stages and keep the network's output on a grid of the square after
# each stage. Every stage continues the same network, so the pictures are one
# training run seen at six points.

checkpoints = [0, 500, 1000, 2000, 5000, 20000]
grid = np.linspace(-0.25, 1.25, 121)
points = np.array([[a, b] for b in grid for a in grid])
surfaces = []
for stage, (start, stop) in enumerate(zip([0, *checkpoints], checkpoints)):
    if stop > start:
        net.fit(X, Y, steps=stop - start, order="random", seed=stage)
    surfaces.append(net.predict(points).reshape(len(grid), len(grid)))

# %%
# The output over the square, from 0 (blue) to 1 (red), with the decision
# boundary (output 0.5) in black and the four rows of XOR on top.

fig, axes = plt.subplots(2, 3, figsize=(10, 6.8), sharex=True, sharey=True, layout="constrained")
for ax, steps, surface in zip(axes.flat, checkpoints, surfaces):
    image = ax.imshow(
        surface, origin="lower", extent=(grid[0], grid[-1], grid[0], grid[-1]), cmap="RdBu_r", vmin=0, vmax=1
    )
    if surface.min() < 0.5 < surface.max():
        ax.contour(grid, grid, surface, levels=[0.5], colors="black", linewidths=1.5)
    inputs = np.array(X)
    ax.scatter(inputs[:, 0], inputs[:, 1], c=Y, cmap="RdBu_r", vmin=0, vmax=1, s=90, edgecolors="black")
    ax.set_title(f"after {steps:,} steps")
    ax.set_aspect("equal")
fig.colorbar(image, ax=axes, shrink=0.8, label="network output")
fig.suptitle("XOR on [2, 10, 10, 1]: the output over the input square")
plt.show()

# %%
# The four outputs at the end:

print(np.round(net.predict(X)[:, 0], 4))
