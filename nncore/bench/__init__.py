"""The benchmark suite of nncore: ``nncore bench`` (or ``python bench/run.py`` in a checkout).

It times the per-sample training loop of ``Network.fit`` against ``Network.train``
called from Python, the pure-Python reference, numpy, a plain C loop compiled on
the spot, and PyTorch and scikit-learn when they are installed, on five
workloads (W1-W5), after checking that they all end with the same weights.
See :mod:`nncore.bench.runner` for the command line.
"""

from nncore.bench.runner import add_arguments, main, run

__all__ = ["add_arguments", "main", "run"]
