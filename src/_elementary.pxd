# cython: language_level=3
"""Exponential, tanh and sigmoid from IEEE-754 basic operations only, for Cython.

The functions are C, written once for float64 and float32 in
``nncore/_elementary.h`` (which ``Network.to_c`` also copies into its exported
source); this file declares them, under their Cython names, to the kernels and
the lanes.
"""


cdef extern from "_elementary.h" nogil:
    double exp64 "nncore_exp64"(double x) noexcept
    double tanh64 "nncore_tanh64"(double x) noexcept
    double sigmoid64 "nncore_sigmoid64"(double z) noexcept
    double exp_argument64 "nncore_exp_argument64"(double x) noexcept
    double sigmoid_of_argument64 "nncore_sigmoid_of_argument64"(double x) noexcept
    float exp32 "nncore_exp32"(float x) noexcept
    float tanh32 "nncore_tanh32"(float x) noexcept
    float sigmoid32 "nncore_sigmoid32"(float z) noexcept
    float exp_argument32 "nncore_exp_argument32"(float x) noexcept
    float sigmoid_of_argument32 "nncore_sigmoid_of_argument32"(float x) noexcept
