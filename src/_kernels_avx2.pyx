# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, freethreading_compatible=True
"""The training kernels compiled for the avx2 instruction set (see _kernels_level.pxi)."""

cdef extern from *:
    """
    #if !defined(__AVX2__)
    #error "nncore._kernels_avx2 must be compiled with AVX2 enabled (-mavx2, /arch:AVX2)"
    #endif
    """

LEVEL = "avx2"

include "_kernels_level.pxi"
