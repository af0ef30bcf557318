# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, freethreading_compatible=True
"""The training kernels compiled for the neon instruction set of arm64 (see _kernels_level.pxi).

Advanced SIMD is part of every arm64 CPU, so the compiler flags are the baseline's; setup.py
defines NNCORE_NEON_KERNELS for this module only, which turns on the NEON row sums of
_row_sums_neon.h: the arm64 baseline module is compiled without them.
"""

cdef extern from *:
    """
    #if !defined(NNCORE_NEON_KERNELS) || !(defined(__aarch64__) || defined(_M_ARM64))
    #error "nncore._kernels_neon must be compiled for arm64 with NNCORE_NEON_KERNELS defined (see setup.py)"
    #endif
    """

LEVEL = "neon"

include "_kernels_level.pxi"
