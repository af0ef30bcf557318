# Included by _kernels_baseline.pyx, _kernels_avx2.pyx, _kernels_avx512.pyx and _kernels_neon.pyx
# after they set LEVEL; setup.py compiles each with its own instruction-set flags.
#
# Importing one of these modules on a CPU without its instruction set may
# crash the process (the compiler uses the new instructions anywhere, module
# set-up included): _core checks the CPU before it imports one.

from cpython.pycapsule cimport PyCapsule_New

from _elementary cimport exp64, tanh64, sigmoid64, exp32, tanh32, sigmoid32
from _kernel_abi cimport Net, Schedule, Lanes, FLOAT64, FLOAT32
from _kernels cimport (
    NNCORE_SMALL_STEP,
    set_inputs64, forward64, checked_train_step64, run_schedule64, all_finite64,
    checked_general_step64, state_is_finite64, clear_batch64,
    set_inputs32, forward32, checked_train_step32, run_schedule32, all_finite32,
    checked_general_step32, state_is_finite32, clear_batch32,
)
from _lanes cimport run_lanes64, run_lanes32, forward_rows64, forward_rows32
from _kernel_table cimport KernelTable, KERNEL_TABLE_VERSION


cdef void _forward_rows64(const Net* net, const void* rows, Py_ssize_t n, void* out, void* scratch) noexcept nogil:
    forward_rows64(net, <const double*>rows, n, <double*>out, <double*>scratch)


cdef void _forward_rows32(const Net* net, const void* rows, Py_ssize_t n, void* out, void* scratch) noexcept nogil:
    forward_rows32(net, <const float*>rows, n, <float*>out, <float*>scratch)


cdef KernelTable _table
_table.version = KERNEL_TABLE_VERSION
_table.net_size = sizeof(Net)
_table.schedule_size = sizeof(Schedule)
_table.lanes_size = sizeof(Lanes)
_table.by_dtype[FLOAT64].set_inputs = set_inputs64
_table.by_dtype[FLOAT64].forward = forward64
_table.by_dtype[FLOAT64].checked_train_step = checked_train_step64
_table.by_dtype[FLOAT64].run_schedule = run_schedule64
_table.by_dtype[FLOAT64].all_finite = all_finite64
_table.by_dtype[FLOAT64].checked_general_step = checked_general_step64
_table.by_dtype[FLOAT64].state_is_finite = state_is_finite64
_table.by_dtype[FLOAT64].clear_batch = clear_batch64
_table.by_dtype[FLOAT64].run_lanes = run_lanes64
_table.by_dtype[FLOAT64].forward_rows = _forward_rows64
_table.by_dtype[FLOAT32].set_inputs = set_inputs32
_table.by_dtype[FLOAT32].forward = forward32
_table.by_dtype[FLOAT32].checked_train_step = checked_train_step32
_table.by_dtype[FLOAT32].run_schedule = run_schedule32
_table.by_dtype[FLOAT32].all_finite = all_finite32
_table.by_dtype[FLOAT32].checked_general_step = checked_general_step32
_table.by_dtype[FLOAT32].state_is_finite = state_is_finite32
_table.by_dtype[FLOAT32].clear_batch = clear_batch32
_table.by_dtype[FLOAT32].run_lanes = run_lanes32
_table.by_dtype[FLOAT32].forward_rows = _forward_rows32

#: The kernels of this level, for nncore._core.
table = PyCapsule_New(<void*>&_table, b"nncore.kernel_table", NULL)

#: The instruction-set level this module was compiled for.
level = LEVEL

#: Whether this module has the small networks' step (src/_small_step.h): its AVX builds do.
small_step = bool(NNCORE_SMALL_STEP)


def elementary64(str name, double[::1] values not None):
    """Apply ``name`` (``"exp64"``, ``"tanh64"`` or ``"sigmoid64"``) of ``_elementary.h`` in place, as compiled here.

    A test hook: the tests compare these results with ``nncore._elementary``, bit for bit.
    """
    cdef Py_ssize_t i, n = values.shape[0]
    if name == "exp64":
        for i in range(n):
            values[i] = exp64(values[i])
    elif name == "tanh64":
        for i in range(n):
            values[i] = tanh64(values[i])
    elif name == "sigmoid64":
        for i in range(n):
            values[i] = sigmoid64(values[i])
    else:
        raise ValueError(f"name must be 'exp64', 'tanh64' or 'sigmoid64', got {name!r}")


def elementary32(str name, float[::1] values not None):
    """Apply ``name`` (``"exp32"``, ``"tanh32"`` or ``"sigmoid32"``) of ``_elementary.h`` in place, as compiled here."""
    cdef Py_ssize_t i, n = values.shape[0]
    if name == "exp32":
        for i in range(n):
            values[i] = exp32(values[i])
    elif name == "tanh32":
        for i in range(n):
            values[i] = tanh32(values[i])
    elif name == "sigmoid32":
        for i in range(n):
            values[i] = sigmoid32(values[i])
    else:
        raise ValueError(f"name must be 'exp32', 'tanh32' or 'sigmoid32', got {name!r}")
