# Part of nncore._core, included by src/_core.pyx: the kernels of the instruction-set level that
# nncore._simd chooses from what this CPU reports, loaded at import.

from cpython.pycapsule cimport PyCapsule_GetPointer

import importlib
import os

from nncore import _simd


cdef extern from "_cpu_features.h":
    int nncore_cpu_has_avx2() nogil
    int nncore_cpu_has_avx512f() nogil
    int nncore_cpu_has_neon() nogil

SIMD_LEVELS = _simd.SIMD_LEVELS
"""Instruction-set levels the kernels may be built for, lowest first."""


cdef KernelTable kernels   # the chosen level's kernels; every kernel call goes through it


cdef inline KernelSet* kernels_for(const Net* net) noexcept nogil:
    """The kernels of ``net``'s dtype, at the chosen level."""
    return &kernels.by_dtype[net.dtype]


cdef _load_kernels(str level):
    global kernels
    module = importlib.import_module(f"nncore._kernels_{level}")
    cdef KernelTable* table = <KernelTable*>PyCapsule_GetPointer(module.table, b"nncore.kernel_table")
    if (table.version != KERNEL_TABLE_VERSION or table.net_size != sizeof(Net)
            or table.schedule_size != sizeof(Schedule) or table.lanes_size != sizeof(Lanes)):
        raise ImportError(f"nncore._kernels_{level} was built from other sources than nncore._core: reinstall nncore")
    kernels = table[0]
    return module


_SIMD_CPU = _simd.cpu_levels(
    bool(nncore_cpu_has_avx2()), bool(nncore_cpu_has_avx512f()), bool(nncore_cpu_has_neon())
)
_SIMD_BUILT = _simd.built_levels()
_SIMD_REQUESTED = _simd.requested_level(os.environ)
SIMD = _simd.choose_level(_SIMD_REQUESTED, _SIMD_CPU, _SIMD_BUILT)
"""The instruction-set level of the kernels in use."""
SIMD_AVAILABLE = _simd.usable_levels(_SIMD_CPU, _SIMD_BUILT)
"""The levels that were built and that this CPU supports, lowest first."""
_kernel_module = _load_kernels(SIMD)


def _use_simd(str level):
    """Load the kernels of another available level, for the benchmark's side-by-side rows.

    Not for use while any network trains or predicts (another thread would
    switch levels mid-step). Every level gives the same results.
    """
    global SIMD, _kernel_module
    if level not in SIMD_AVAILABLE:
        raise ValueError(f"level must be one of the available levels {', '.join(SIMD_AVAILABLE)}, got {level!r}")
    _kernel_module = _load_kernels(level)
    SIMD = level


def simd_runtime():
    """The instruction-set levels: chosen, available (built and supported), built, supported by the CPU, requested."""
    return {"simd": SIMD, "simd_available": list(SIMD_AVAILABLE), "simd_built": list(_SIMD_BUILT),
            "simd_cpu": list(_SIMD_CPU), "simd_requested": _SIMD_REQUESTED}


VECTOR_ALIGNMENT = 64
"""Bytes: the widest vector the kernels load (AVX-512), and a cache line."""


def _aligned_zeros(Py_ssize_t n, object dtype):
    """A zeroed 1-D array of ``n`` values whose data starts on a VECTOR_ALIGNMENT boundary.

    The allocator gives large arrays an address 16 bytes past a page: every
    512-bit load of a weight row would then straddle two cache lines, and
    every other 256-bit one. Aligned, rows whose length is a multiple of the
    vector stay aligned.
    """
    cdef Py_ssize_t itemsize = np.dtype(dtype).itemsize
    spare = np.zeros(n + VECTOR_ALIGNMENT // itemsize, dtype=dtype)
    cdef Py_ssize_t skip = (-spare.ctypes.data % VECTOR_ALIGNMENT) // itemsize
    return spare[skip:skip + n]
