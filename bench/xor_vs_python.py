"""Time the tutorial's XOR training: compiled ``fit`` and ``train`` against the pure-Python reference.

Usage: python bench/xor_vs_python.py [--repeats 5]

Each implementation starts from the same weights and visits the same
samples; the table shows the median of several repeats, in microseconds per
per-sample step, and the ratio to the compiled loop measured in the same run.
"""

import argparse
import statistics
import time

import numpy as np

import nncore
from nncore import reference

X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
Y = [[0.0], [1.0], [1.0], [0.0]]


def median_seconds(run, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20000)
    args = parser.parse_args()
    start = nncore.Network([2, 10, 10, 1], seed=0).to_dict()
    order = np.random.default_rng(0).integers(0, 4, args.steps)

    def compiled_fit():
        nncore.Network.from_dict(start).fit(X, Y, steps=args.steps, order="random", seed=0)

    def compiled_train():
        net = nncore.Network.from_dict(start)
        for i in order:
            net.train(X[i], Y[i])

    def pure_python():
        net = reference.Network.from_dict(start)
        for i in order:
            net.train(X[i], Y[i])

    compiled_fit()  # warm-up
    rows = [("nncore fit (compiled loop)", median_seconds(compiled_fit, args.repeats)),
            ("nncore train() from Python", median_seconds(compiled_train, args.repeats)),
            ("pure-Python reference", median_seconds(pure_python, args.repeats))]
    base = rows[0][1]
    print(f"XOR [2, 10, 10, 1], {args.steps} steps, median of {args.repeats}")
    print("| implementation | us/step | x slower than fit |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds / args.steps * 1e6:.3f} | {seconds / base:.1f} |")


if __name__ == "__main__":
    main()
