# cython: language_level=3
"""The table of kernels that each instruction-set build of ``_kernels.pxd`` exports.

``nncore._kernels_baseline``, ``nncore._kernels_avx2`` and
``nncore._kernels_avx512`` are the same source (``_kernels_level.pxi``)
compiled with different instruction-set flags.  Each fills one
:c:type:`KernelTable` with the addresses of its kernels and hands it out in a
capsule; ``_core`` copies the table of the level it chose at import and calls
every kernel through it.
"""

from _kernels cimport Net, Schedule

# Raised whenever the table's layout changes, so that a stale build is refused.
cdef enum:
    KERNEL_TABLE_VERSION = 1

cdef struct KernelTable:
    int version
    size_t net_size                # sizeof(Net) and sizeof(Schedule) as the kernels were built:
    size_t schedule_size           # _core refuses kernels built from other struct definitions
    void (*forward)(Net* net) noexcept nogil
    double (*checked_train_step)(Net* net, const double* x, const double* target, bint* updated) noexcept nogil
    int (*run_schedule)(Net* net, Schedule* s, long long budget) noexcept nogil
    bint (*all_finite)(const double* values, Py_ssize_t n) noexcept nogil
