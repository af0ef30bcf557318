"""Small data sets used by the tutorial, the command line, the tests and the benchmark.

This module imports nothing from nncore.
"""

XOR_INPUTS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
"""The four inputs of XOR, one row per sample."""

XOR_TARGETS = ((0.0,), (1.0,), (1.0,), (0.0,))
"""XOR of each row of :data:`XOR_INPUTS`, one output per row."""
