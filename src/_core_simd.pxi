# Part of nncore._core, included by src/_core.pyx: the instruction-set level, chosen and loaded at import.

from cpython.pycapsule cimport PyCapsule_GetPointer

import importlib.util
import os


cdef extern from "_cpu_features.h":
    int nncore_cpu_has_avx2() nogil
    int nncore_cpu_has_avx512f() nogil

SIMD_LEVELS = ("baseline", "avx2", "avx512")
"""Instruction-set levels the kernels may be built for, lowest first."""


def _cpu_simd_levels():
    """The levels this CPU (and its operating system) can run, lowest first."""
    supported = {"baseline": True, "avx2": bool(nncore_cpu_has_avx2()),
                 "avx512": bool(nncore_cpu_has_avx2() and nncore_cpu_has_avx512f())}
    return tuple(level for level in SIMD_LEVELS if supported[level])


def _built_simd_levels():
    """The levels whose kernel module was built and installed, lowest first (found, not imported)."""
    return tuple(level for level in SIMD_LEVELS
                 if importlib.util.find_spec(f"nncore._kernels_{level}") is not None)


def _choose_simd_level(requested, cpu, built):
    """The level to load: ``requested`` (NNCORE_SIMD) if given and usable, else the highest usable one.

    A request that cannot be met is a RuntimeError naming the levels that can
    (not an ImportError, which ``nncore/__init__`` reports as an unbuilt tree).
    """
    usable = tuple(level for level in built if level in cpu)
    if not usable:
        raise ImportError("nncore._kernels_baseline is missing: the package was not built completely")
    if requested is None or requested == "":
        return usable[len(usable) - 1]   # the highest (no negative indexing in this module)
    if requested not in SIMD_LEVELS:
        raise RuntimeError(f"NNCORE_SIMD must be one of {', '.join(SIMD_LEVELS)}, got {requested!r} "
                          f"(available here: {', '.join(usable)})")
    if requested not in usable:
        why = "this CPU does not support it" if requested not in cpu else "it was not built"
        raise RuntimeError(f"NNCORE_SIMD={requested} cannot be used: {why} "
                          f"(available here: {', '.join(usable)})")
    return requested


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


_SIMD_CPU = _cpu_simd_levels()
_SIMD_BUILT = _built_simd_levels()
_SIMD_REQUESTED = os.environ.get("NNCORE_SIMD") or None
SIMD = _choose_simd_level(_SIMD_REQUESTED, _SIMD_CPU, _SIMD_BUILT)
"""The instruction-set level of the kernels in use."""
SIMD_AVAILABLE = tuple(level for level in _SIMD_BUILT if level in _SIMD_CPU)
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
