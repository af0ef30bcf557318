"""The ``nncore`` command line: ``nncore xor`` trains the tutorial's XOR network, compiled and in pure Python."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from nncore import __version__, reference
from nncore.examples import XOR_INPUTS, XOR_TARGETS
from nncore.network import Network

BENCH_MOVED = ("nncore bench: the benchmark suite is not installed with the package; it is run from a "
               "clone of the repository, as `python bench/run.py` (`python bench/run.py --help` lists its options)")


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
    print(f"  speed-up:       {reference_seconds / max(compiled_seconds, 1e-9):9.1f}x")
    print(f"  largest weight difference between the two: {difference:.3g}")
    print(f"  XOR learned: {'yes' if learned else 'no'}")
    return 0 if learned else 1


def bench_moved(args: argparse.Namespace) -> int:
    """Say where the benchmark suite went (it is no longer part of the package)."""
    print(BENCH_MOVED, file=sys.stderr)
    return 2


def integer_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse ``type=``: a whole number >= ``minimum``, else argparse's one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {text!r}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``nncore`` command line."""
    parser = argparse.ArgumentParser(
        prog="nncore", description="nncore's command line: train the tutorial's XOR network.")
    parser.add_argument("--version", action="version", version=f"nncore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    xor_parser = commands.add_parser("xor", help="train the tutorial's XOR network, compiled vs pure Python")
    xor_parser.add_argument("--steps", type=integer_at_least(1), default=20000,
                            help="per-sample steps (default 20000)")
    xor_parser.add_argument("--seed", type=integer_at_least(0), default=0,
                            help="seed of the weights and sample order, >= 0 (default 0)")
    xor_parser.add_argument("--hidden", type=integer_at_least(1), nargs="+", default=[10, 10], metavar="N",
                            help="hidden layer sizes (default 10 10)")
    xor_parser.set_defaults(handler=xor)
    # Kept so that `nncore bench` says where the suite went instead of "invalid choice".
    bench_parser = commands.add_parser("bench", add_help=False,
                                       help="moved: run `python bench/run.py` from a clone of the repository")
    bench_parser.set_defaults(handler=bench_moved)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nncore`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, unknown = parser.parse_known_args(arguments)
    if unknown and args.command != "bench":  # `nncore bench ANY OPTIONS` gets the message, not an error
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
