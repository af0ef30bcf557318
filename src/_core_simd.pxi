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


cdef enum:
    SAMPLE_NARROW_WIDEST = 16   # the widest layer of a network whose one-sample calls take sample_kernels
cdef KernelTable sample_kernels   # the kernels of one sample of a narrow network (see sample_kernels_for)


cdef inline KernelSet* sample_kernels_for(const Net* net, bint narrow) noexcept nogil:
    """The kernels for one sample (train, activate, run, predict of one row) of ``net``'s dtype.

    A ``narrow`` network (no layer wider than SAMPLE_NARROW_WIDEST) at the
    avx512 level takes the avx2 build's: one sample's forward pass is a chain
    of short layers, and the compiler's 512-bit code for them (sums transposed
    in registers, the sigmoid's divisions on 512-bit vectors, whose latency is
    about 1.4 times the 256-bit ones') made train() and predict(x) on
    [2, 10, 10, 1] 12-15 % slower than the avx2 build's. Every level gives the
    same bits.
    """
    return &sample_kernels.by_dtype[net.dtype] if narrow else &kernels.by_dtype[net.dtype]


cdef KernelTable* _table_of(object module, str level) except NULL:
    """The kernel table of ``module`` (nncore._kernels_<level>), refused if built from other sources."""
    cdef KernelTable* table = <KernelTable*>PyCapsule_GetPointer(module.table, b"nncore.kernel_table")
    if (table.version != KERNEL_TABLE_VERSION or table.net_size != sizeof(Net)
            or table.schedule_size != sizeof(Schedule) or table.lanes_size != sizeof(Lanes)):
        raise ImportError(f"nncore._kernels_{level} was built from other sources than nncore._core: reinstall nncore")
    return table


cdef _load_kernels(str level):
    """Load the kernels of ``level``, and set ``sample_kernels``: the avx2 build's at the avx512 level
    (where this CPU runs it), else the same."""
    global kernels, sample_kernels, SAMPLE_SIMD
    module = importlib.import_module(f"nncore._kernels_{level}")
    kernels = _table_of(module, level)[0]
    sample_kernels = kernels
    SAMPLE_SIMD = level
    if level == "avx512" and "avx2" in SIMD_AVAILABLE:
        sample_kernels = _table_of(importlib.import_module("nncore._kernels_avx2"), "avx2")[0]
        SAMPLE_SIMD = "avx2"
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
# also sets SAMPLE_SIMD: the level whose kernels one-sample calls of a narrow network take (sample_kernels_for)
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
