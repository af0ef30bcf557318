"""The ``nncore`` command line: ``nncore xor`` trains the tutorial's XOR network, ``nncore bench`` times nncore."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Sequence

import numpy as np

from nncore import __version__, reference
from nncore.network import Network

XOR_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [[0.0], [1.0], [1.0], [0.0]]


def xor(args: argparse.Namespace) -> int:
    """Train XOR with the compiled core and the pure-Python reference from the same start."""
    sizes = [2, *args.hidden, 1]
    net = Network(sizes, seed=args.seed)
    ref = reference.Network.from_dict(net.to_dict())

    started = time.perf_counter()
    net.fit(XOR_INPUTS, XOR_TARGETS, steps=args.steps, order="random", seed=args.seed)
    compiled_seconds = time.perf_counter() - started

    started = time.perf_counter()
    ref.fit(XOR_INPUTS, XOR_TARGETS, steps=args.steps, order="random", seed=args.seed)
    reference_seconds = time.perf_counter() - started

    compiled_out = net.predict(XOR_INPUTS)[:, 0]
    reference_out = [ref.predict(x)[0] for x in XOR_INPUTS]
    print(f"XOR on {sizes}, {args.steps} random per-sample steps, learning rate 0.3, momentum 0.1, seed {args.seed}")
    print()
    print("  input   target   nncore (compiled)   reference (pure Python)")
    for x, (t,), c, r in zip(XOR_INPUTS, XOR_TARGETS, compiled_out, reference_out):
        print(f"  {int(x[0])} {int(x[1])}      {int(t)}       {c:.6f}            {r:.6f}")
    difference = max(float(np.max(np.abs(a - b))) for a, b in
                     zip(net.weights, Network.from_dict(ref.to_dict()).weights))
    learned = bool((np.round(compiled_out) == np.asarray(XOR_TARGETS)[:, 0]).all())
    print()
    print(f"  compiled core:  {compiled_seconds * 1e3:9.2f} ms  ({compiled_seconds / args.steps * 1e6:.3f} us/step)")
    print(f"  pure Python:    {reference_seconds * 1e3:9.2f} ms  ({reference_seconds / args.steps * 1e6:.3f} us/step)")
    print(f"  speed-up:       {reference_seconds / compiled_seconds:9.1f}x")
    print(f"  largest weight difference between the two: {difference:.3g}")
    print(f"  XOR learned: {'yes' if learned else 'no'}")
    return 0 if learned else 1


def bench(args: argparse.Namespace) -> int:
    """Run the benchmark suite (see :mod:`nncore.bench`)."""
    from nncore.bench import run

    return run(args, shlex.join(["nncore", *args.argv]))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nncore", description="nncore's command line: train the tutorial's XOR network, or run the benchmark.")
    parser.add_argument("--version", action="version", version=f"nncore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    xor_parser = commands.add_parser("xor", help="train the tutorial's XOR network, compiled vs pure Python")
    xor_parser.add_argument("--steps", type=int, default=20000, help="per-sample steps (default 20000)")
    xor_parser.add_argument("--seed", type=int, default=0, help="seed of the weights and sample order")
    xor_parser.add_argument("--hidden", type=int, nargs="+", default=[10, 10], metavar="N",
                            help="hidden layer sizes (default 10 10)")
    xor_parser.set_defaults(handler=xor)
    from nncore.bench import add_arguments

    bench_parser = commands.add_parser(
        "bench", help="time nncore against pure Python, numpy, plain C, PyTorch and scikit-learn")
    add_arguments(bench_parser)
    bench_parser.set_defaults(handler=bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nncore`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(arguments)
    args.argv = arguments
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
