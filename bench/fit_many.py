"""Throughput of ``nncore.fit_many`` against a Python loop of ``Network.fit``, in one run.

Usage: python bench/fit_many.py [--quick] [--threads 1 2]

Two populations, each trained three ways from the same start (a loop of
``fit``, ``fit_many`` on one thread, ``fit_many`` on more threads):

* 1,024 networks [2, 10, 10, 1] on XOR, 2,000 random per-sample steps each,
  learning rate 0.3, momentum 0.1;
* 64 networks [64, 32, 10] on digits-shaped data (1,797 rows of 64 values in
  [0, 1], one-hot targets of 10 classes), one shuffled epoch each.

Prints million steps per second and the ratios to the loop. With PyTorch
installed, the XOR row also times hand-written batched matrix products
across networks (``baddbmm``, float32), PyTorch's fastest way to do this.
"""

from __future__ import annotations

import argparse
import time
from itertools import pairwise

from nncore_bench.inference import digits_population, time_fit_many, time_loop, xor_population
from nncore_bench.workloads import XOR_INPUTS, XOR_TARGETS


def time_torch_xor(n: int, steps: int) -> float | None:
    """Seconds for ``steps`` random per-sample SGD steps with momentum on n [2, 10, 10, 1] networks, batched."""
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    X = torch.tensor(XOR_INPUTS, dtype=torch.float32)
    Y = torch.tensor(XOR_TARGETS, dtype=torch.float32)
    sizes = [2, 10, 10, 1]
    weights = [torch.randn(n, b, a) * 0.5 for a, b in pairwise(sizes)]
    biases = [torch.randn(n, b, 1) * 0.5 for b in sizes[1:]]
    changes = [torch.zeros_like(w) for w in weights]
    bias_changes = [torch.zeros_like(b) for b in biases]
    picks = torch.randint(0, 4, (steps, n))
    started = time.perf_counter()
    with torch.no_grad():
        for step in range(steps):
            outputs = [X[picks[step]].unsqueeze(2)]
            for w, b in zip(weights, biases):
                outputs.append(torch.sigmoid(torch.baddbmm(b, w, outputs[-1])))
            delta = (Y[picks[step]].unsqueeze(2) - outputs[-1]) * outputs[-1] * (1 - outputs[-1])
            for layer in range(len(weights) - 1, -1, -1):
                previous = outputs[layer]
                back = torch.bmm(weights[layer].transpose(1, 2), delta) if layer else None
                changes[layer] = 0.3 * torch.bmm(delta, previous.transpose(1, 2)) + 0.1 * changes[layer]
                bias_changes[layer] = 0.3 * delta + 0.1 * bias_changes[layer]
                weights[layer] += changes[layer]
                biases[layer] += bias_changes[layer]
                if layer:
                    delta = back * previous * (1 - previous)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the networks")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="fit_many's threads to time")
    args = parser.parse_args()
    scale = 4 if args.quick else 1
    rows = [
        ("[2, 10, 10, 1] on XOR", xor_population, 1024 // scale),
        ("[64, 32, 10] on digits-shaped data", digits_population, 64 // scale),
    ]
    print(f"{'population':<42} {'way':<22} {'M steps/s':>10} {'vs loop':>8}")
    for shape, make, n in rows:
        label = f"{n:,} x {shape}"
        seconds, steps = time_loop(make, n)
        loop_rate = steps / seconds / 1e6
        print(f"{label:<42} {'loop of Network.fit':<22} {loop_rate:>10.2f} {1.0:>7.2f}x")
        for threads in args.threads:
            seconds, steps = time_fit_many(make, n, threads)
            rate = steps / seconds / 1e6
            print(f"{'':<42} {f'fit_many, {threads} thread(s)':<22} {rate:>10.2f} {rate / loop_rate:>7.2f}x")
        if make is xor_population:
            torch_seconds = time_torch_xor(n, 2000)
            if torch_seconds is not None:
                rate = n * 2000 / torch_seconds / 1e6
                print(f"{'':<42} {'PyTorch baddbmm, f32':<22} {rate:>10.2f} {rate / loop_rate:>7.2f}x")


if __name__ == "__main__":
    main()
