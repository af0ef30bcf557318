# cython: language_level=3
"""The table of kernels that each instruction-set build of ``_kernels.pxd`` exports.

``nncore._kernels_baseline``, ``nncore._kernels_avx2`` and
``nncore._kernels_avx512`` are the same source (``_kernels_level.pxi``)
compiled with different instruction-set flags.  Each fills one
:c:type:`KernelTable` with the addresses of its kernels, one
:c:type:`KernelSet` per network dtype, and hands it out in a capsule;
``_core`` copies the table of the level it chose at import and calls every
kernel through it.
"""

from _kernel_abi cimport Net, Schedule, Lanes, N_DTYPES

# Raised whenever the table's layout or a declaration of _kernel_abi.pxd changes, so that a stale build is refused.
cdef enum:
    KERNEL_TABLE_VERSION = 6

# The kernels of one dtype: buffers and samples are double for FLOAT64, float for FLOAT32.
cdef struct KernelSet:
    void (*set_inputs)(Net* net, const void* x) noexcept nogil
    void (*forward)(Net* net) noexcept nogil
    double (*checked_train_step)(Net* net, const void* x, const void* target, bint* updated) noexcept nogil
    double (*checked_general_step)(Net* net, const void* x, const void* target, void* backup,
                                   bint* updated) noexcept nogil
    bint (*state_is_finite)(const Net* net) noexcept nogil
    void (*clear_batch)(Net* net) noexcept nogil
    int (*run_schedule)(Net* net, Schedule* s, long long budget) noexcept nogil
    bint (*all_finite)(const void* values, Py_ssize_t n) noexcept nogil
    int (*run_lanes)(Lanes* lanes, Py_ssize_t max_epochs, void* scratch) noexcept nogil  # see _lanes.pxd
    void (*forward_rows)(const Net* net, const void* rows, Py_ssize_t n, void* out,
                         void* scratch) noexcept nogil  # see _lanes.pxd

cdef struct KernelTable:
    int version
    size_t net_size                # sizeof(Net) and sizeof(Schedule) as the kernels were built:
    size_t schedule_size           # _core refuses kernels built from other struct definitions
    size_t lanes_size
    KernelSet by_dtype[N_DTYPES]   # indexed by the DType code
