# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, freethreading_compatible=True
"""The training kernels compiled for the avx512 instruction set (see _kernels_level.pxi)."""

cdef extern from *:
    """
    #if !defined(__AVX512F__)
    #error "nncore._kernels_avx512 must be compiled with AVX-512 enabled (-mavx512f, /arch:AVX512)"
    #endif
    """

LEVEL = "avx512"

include "_kernels_level.pxi"
