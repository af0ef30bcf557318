"""The benchmark suite of nncore, run from a clone of the repository as ``python bench/run.py``.

It times the per-sample training loop of ``Network.fit`` against ``Network.train``
called from Python, the pure-Python reference, numpy, a plain C loop compiled on
the spot, and PyTorch and scikit-learn when they are installed, on five
workloads (W1-W5), after checking that they all end with the same weights.
It is not part of the installed package: ``bench/run.py`` imports it from
beside itself, and the installed ``nncore``.  See :mod:`nncore_bench.runner`
for the command line.
"""

from nncore_bench.runner import add_arguments, main, run

__all__ = ["add_arguments", "main", "run"]
