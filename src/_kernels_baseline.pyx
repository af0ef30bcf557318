# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, freethreading_compatible=True
"""The training kernels compiled for the baseline instruction set (see _kernels_level.pxi)."""

LEVEL = "baseline"

include "_kernels_level.pxi"
