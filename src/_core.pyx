# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False, freethreading_compatible=True
"""Compiled core of nncore: the one owner of a network's buffers, and the training loop.

``NetworkCore`` owns a network's contiguous buffers (float64 or float32) and their layout
(which offset holds which layer), its sizes, activations and loss, its step count
and its rates, and the rule "one fit at a time". It exposes the per-sample
API (``train``, ``activate``, ``run``) with its own fast input checks.
``nncore.Network`` subclasses it; the services of the Python layer never
reach into it, they get objects it hands out:

- :class:`LayerBuffers`: live, read-only numpy views of one layer's
  weights, biases, changes, outputs and deltas, and checked writes of single
  values (``nncore._views`` builds the tutorial's object model on them);
- :class:`FitSchedule`: one ``fit`` call's data, sample order and counters,
  bound to its network: ``advance`` runs the compiled loop for a budget of
  steps, ``checkpoint``/``restore`` make a stretch of training repeatable
  (``nncore._fitting`` drives it).

Every entry point validates what it receives before a kernel from
``_kernels.pxd`` runs; the kernels trust their input. The buffers' own
lock (``_lock``) is held only while C code runs, never while Python code
or an allocation does (a garbage-collector finaliser that touches the same
network must not find it held).
"""

cimport cython
from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.long cimport PyLong_AsDouble
from cpython.buffer cimport PyObject_CheckBuffer, PyObject_GetBuffer, PyBuffer_Release, PyBUF_ANY_CONTIGUOUS, PyBUF_FORMAT, PyBUF_ND
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.limits cimport LLONG_MAX
from libc.math cimport fabs, isfinite
from libc.stdint cimport uint64_t
from libc.string cimport memcpy

from cpython.pycapsule cimport PyCapsule_GetPointer

from _kernel_table cimport KernelTable, KernelSet, KERNEL_TABLE_VERSION
from _lanes cimport Lanes, LANE_RUNNING
from _kernels cimport (
    Net, Schedule, FLOAT64, FLOAT32, N_DTYPES, SGD, ADAM, RPROP, N_OPTIMIZERS, output_loss64, output_loss32,
    SIGMOID, TANH, RELU, LEAKY_RELU, IDENTITY, SOFTMAX, N_ACTIVATIONS, MSE, CROSS_ENTROPY, N_LOSSES,
    SEQUENTIAL, SHUFFLE, RANDOM, N_ORDERS,
    LOOP_BUDGET, LOOP_DONE, LOOP_EPOCH_END, LOOP_THRESHOLD, LOOP_DIVERGED, LOOP_ERRORS_FULL,
)

import importlib.util
import os
import threading

import numpy as np

from nncore._checks import (
    as_float_array, check_finite, check_loss_targets, check_rate, describe, loss_target_rule, train_call_hint,
)
from nncore._vocabulary import ACTIVATIONS, DTYPES, LOSSES, OPTIMIZERS, ORDERS, RULE_DEFAULTS
from nncore._exceptions import DivergenceError


def _kernel_codes_agree():
    """True when the kernels' enums list the names of nncore._vocabulary in the same order."""
    kernel_activations = {SIGMOID: "sigmoid", TANH: "tanh", RELU: "relu", LEAKY_RELU: "leaky_relu",
                          IDENTITY: "identity", SOFTMAX: "softmax"}
    kernel_losses = {MSE: "mse", CROSS_ENTROPY: "cross_entropy"}
    kernel_orders = {SEQUENTIAL: "sequential", SHUFFLE: "shuffle", RANDOM: "random"}
    kernel_dtypes = {FLOAT64: "float64", FLOAT32: "float32"}
    kernel_optimizers = {SGD: "sgd", ADAM: "adam", RPROP: "rprop"}
    return (tuple(kernel_activations.get(code) for code in range(N_ACTIVATIONS)) == ACTIVATIONS
            and tuple(kernel_losses.get(code) for code in range(N_LOSSES)) == LOSSES
            and tuple(kernel_orders.get(code) for code in range(N_ORDERS)) == ORDERS
            and tuple(kernel_dtypes.get(code) for code in range(N_DTYPES)) == DTYPES
            and tuple(kernel_optimizers.get(code) for code in range(N_OPTIMIZERS)) == OPTIMIZERS)


if not _kernel_codes_agree():  # pragma: no cover - a build from inconsistent sources
    raise ImportError("nncore._core was built from kernels whose codes disagree with nncore._vocabulary")

# ---------------------------------------------------------------- instruction-set level

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


ACTIVATION_CODES = {name: code for code, name in enumerate(ACTIVATIONS)}
LOSS_CODES = {name: code for code, name in enumerate(LOSSES)}
DTYPE_CODES = {name: code for code, name in enumerate(DTYPES)}
OPTIMIZER_CODES = {name: code for code, name in enumerate(OPTIMIZERS)}
ORDER_CODES = {name: code for code, name in enumerate(ORDERS)}
LOOP_STATUS = {
    LOOP_BUDGET: "budget", LOOP_DONE: "done", LOOP_EPOCH_END: "epoch_end",
    LOOP_THRESHOLD: "error_threshold", LOOP_DIVERGED: "diverged", LOOP_ERRORS_FULL: "errors_full",
}
EPOCH_ERRORS_CAPACITY = 16384  # epochs recorded between two returns to Python


cdef str _count(Py_ssize_t n):
    """'1 value', '3 values'."""
    return f"{n} value" if n == 1 else f"{n} values"


cdef inline int _read_number(object item, double* out, Py_ssize_t k, Py_ssize_t n, str name) except -1:
    """Store ``item`` (item ``k`` of a sequence) in ``out[0]`` if it is a finite real number."""
    cdef double v
    if type(item) is float:
        v = PyFloat_AS_DOUBLE(item)
    elif type(item) is int:
        try:
            v = PyLong_AsDouble(item)
        except OverflowError:
            raise ValueError(f"{name} must be finite, got an integer too large for a float at index {k}") from None
    elif isinstance(item, (list, tuple, np.ndarray)):
        raise ValueError(f"{name} must be 1-D: one sample of {n} numbers, got a nested sequence at index {k}")
    elif isinstance(item, (bool, np.bool_, str, bytes, complex, np.complexfloating)):
        raise TypeError(f"{name} must contain real numbers, got {describe(item)} at index {k}")
    else:
        try:
            v = float(item)
        except OverflowError:
            raise ValueError(f"{name} must be finite, got a number too large for a float at index {k}") from None
        except Exception:  # not a number, or a __float__ that fails in its own way
            raise TypeError(f"{name} must contain real numbers, got {describe(item)} at index {k}") from None
    if not isfinite(v):
        raise ValueError(f"{name} must be finite, got {v!r} at index {k}")
    out[0] = v
    return 0

cdef enum:
    STACK_SAMPLE_VALUES = 64    # samples (input and target) of up to this many values are read onto the stack


@cython.boundscheck(True)  # float(item) may run code that shrinks the list being read
cdef int _read_vector(object values, double* dest, Py_ssize_t n, str name) except -1:
    """Copy a 1-D sequence of ``n`` finite reals into ``dest`` (scratch space), or raise.

    Fast paths: a list or tuple of numbers, and any C-contiguous float64 buffer
    (a numpy array, array.array('d'), ...).  Anything else goes through
    ``numpy.asarray``.  On error ``dest`` may hold part of the values.
    """
    cdef Py_ssize_t k
    cdef Py_buffer view
    cdef const double* data
    cdef list as_list
    cdef tuple as_tuple
    if type(values) is list:
        as_list = <list>values
        if len(as_list) != n:
            raise ValueError(f"{name} must have {_count(n)}, got {len(as_list)}")
        try:
            for k in range(n):
                _read_number(as_list[k], dest + k, k, n, name)
        except IndexError:  # the bounds-checked read found the list shorter
            raise ValueError(f"{name} changed length while it was read: it must have {_count(n)}, "
                             f"it now has {len(as_list)}") from None
        return 0
    if type(values) is tuple:
        as_tuple = <tuple>values
        if len(as_tuple) != n:
            raise ValueError(f"{name} must have {_count(n)}, got {len(as_tuple)}")
        for k in range(n):
            _read_number(as_tuple[k], dest + k, k, n, name)
        return 0
    if _get_float64_vector(values, &view):
        try:
            if view.shape[0] != n:
                raise ValueError(f"{name} must have {_count(n)}, got {view.shape[0]}")
            data = <const double*>view.buf
            for k in range(n):
                if not isfinite(data[k]):
                    raise ValueError(f"{name} must be finite, got {data[k]!r} at index {k}")
            memcpy(dest, data, n * sizeof(double))
            return 0
        finally:
            PyBuffer_Release(&view)
    array = as_float_array(values, name, 1)
    if array.shape[0] != n:
        raise ValueError(f"{name} must have {_count(n)}, got {array.shape[0]}")
    return _read_vector(array, dest, n, name)


cdef double* _sample_buffer(double* on_stack, Py_ssize_t n) except NULL:
    """Room for one sample of ``n`` values: ``on_stack`` if it fits, else heap memory the caller frees.

    Each call reads its sample into its own buffer before taking the network's
    lock, so concurrent calls never see each other's samples and the lock is
    not held while the values are converted (which may run Python code).
    """
    if n <= STACK_SAMPLE_VALUES:
        return on_stack
    cdef double* memory = <double*>PyMem_Malloc(n * sizeof(double))
    if memory == NULL:
        raise MemoryError()
    return memory


cdef float* _float_buffer(float* on_stack, Py_ssize_t n) except NULL:
    """Like :func:`_sample_buffer`, for a sample rounded to float."""
    if n <= STACK_SAMPLE_VALUES:
        return on_stack
    cdef float* memory = <float*>PyMem_Malloc(n * sizeof(float))
    if memory == NULL:
        raise MemoryError()
    return memory


cdef int _narrow(const double* values, float* dest, Py_ssize_t n, Py_ssize_t n_first,
                 str first, str second) except -1:
    """Round ``values`` to float into ``dest``, or raise if one is too large for a float.

    Values ``0 .. n_first - 1`` are named ``first`` in the error, the rest ``second``.
    """
    cdef Py_ssize_t k
    cdef float v
    for k in range(n):
        v = <float>values[k]
        if not isfinite(v):
            name, at = (first, k) if k < n_first else (second, k - n_first)
            raise ValueError(f"{name} must be finite in float32 (magnitude below 3.4e38, the network's dtype), "
                             f"got {values[k]!r} at index {at}")
        dest[k] = v
    return 0


cdef void* _data(object array) except NULL:
    """The address of a writable, non-empty, C-contiguous array's data (the caller keeps the array alive)."""
    cdef unsigned char[::1] raw = array.reshape(-1).view(np.uint8)
    return &raw[0]


cdef object _address_of(object array):
    """Keep-alive and address of a non-empty C-contiguous array's data, as a read-only byte view."""
    cdef const unsigned char[::1] raw = array.reshape(-1).view(np.uint8)
    return raw


cdef bint _get_float64_vector(object values, Py_buffer* view) except -1:
    """Fill ``view`` and return True if ``values`` exposes a contiguous 1-D float64 buffer."""
    if not PyObject_CheckBuffer(values) or isinstance(values, (bytes, bytearray)):
        return False
    try:
        PyObject_GetBuffer(values, view, PyBUF_ANY_CONTIGUOUS | PyBUF_FORMAT | PyBUF_ND)
    except (BufferError, ValueError, TypeError):  # not contiguous, or cannot say
        return False
    cdef const char* fmt = view.format
    if (view.ndim == 1 and view.itemsize == 8 and fmt != NULL
            and (fmt[0] == b"d" or (fmt[0] in b"<=@" and fmt[1] == b"d" and fmt[2] == 0))):
        return True
    PyBuffer_Release(view)
    return False


cdef enum Field:
    WEIGHTS = 0
    CHANGES = 1
    BIASES = 2
    OUTPUTS = 3


cdef class NetworkCore:
    """The buffers, layout and compiled per-sample API of a network.

    Not meant to be built directly: ``nncore.Network`` subclasses it, checks
    its arguments and calls :meth:`_setup`.

    Threads: every entry point does its C-level work under the network's own
    lock, so calls from many threads (on a free-threaded CPython too) never
    interleave inside a step, a forward pass or a copy of the parameters. A
    ``fit`` holds the network for its whole run (:meth:`_fitting`): ``train``,
    the rate setters and writes through :class:`LayerBuffers` from other
    threads wait for it to end; the thread running the fit (a callback)
    goes straight through. The pair ``activate`` then ``run`` is two calls,
    not one: another thread may act in between.
    """
    cdef Net net
    cdef tuple _layer_sizes
    cdef tuple _layer_activations
    cdef str _loss
    # nncore._checks.loss_target_rule of the network, which train applies to each target
    cdef bint _targets_ruled
    cdef double _target_lowest, _target_highest, _target_sum_tolerance
    cdef Py_ssize_t[::1] _sizes_c
    cdef Py_ssize_t[::1] _weight_offset
    cdef Py_ssize_t[::1] _neuron_offset
    cdef int[::1] _activation_codes
    # The memory behind ``net``'s raw pointers (numpy arrays of the network's
    # dtype), owned here for the network's lifetime; Python only ever sees
    # read-only views of it.
    cdef object _weights, _changes, _biases, _outputs, _deltas, _output_sums
    # The general update's buffers (see _kernels.pxd.tp): the batch sums and the optimizer state.
    cdef object _batch_weights, _batch_biases, _first_weights, _first_biases, _second_weights, _second_biases
    cdef object _backup                # where train() keeps the state during a general step (made on first use)
    cdef void* _backup_data
    cdef double _rprop_step_initial
    cdef object _dtype                # numpy.dtype of the buffers
    cdef Py_ssize_t _itemsize
    cdef list _buffers
    cdef long long _iterations
    cdef bint _ready
    cdef int _fit_depth               # fits running (a callback may start one inside another)
    cdef object _fit_lock             # held by a running fit: other threads' writers wait on it
    cdef cython.pymutex _lock

    def _setup(self, tuple sizes, tuple activations, double leaky_relu_alpha, str dtype="float64",
               str loss="mse", str optimizer="sgd"):
        """Allocate zeroed buffers of ``dtype`` for checked layer ``sizes``, activation names, loss and optimizer.

        The pairing of activations and loss is checked by the caller
        (``nncore._checks.check_output_rules``). The optimizer's parameters
        start at their defaults (Adam's betas and epsilon, RPROP's factors and
        limits, no weight decay); the caller sets others.
        """
        if self._ready:
            raise RuntimeError("the network is already initialised; build a new one instead")
        cdef Py_ssize_t n_layers = len(sizes), l
        if n_layers < 2 or len(activations) != n_layers - 1:
            raise ValueError(f"a network needs at least 2 layers and one activation per non-input layer, "
                             f"got sizes {describe(sizes)} and activations {describe(activations)}")
        if dtype not in DTYPE_CODES:
            raise ValueError(f"dtype must be one of {list(DTYPES)}, got {describe(dtype)}")
        if optimizer not in OPTIMIZER_CODES:
            raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {describe(optimizer)}")
        if loss not in LOSS_CODES:
            raise ValueError(f"loss must be one of {list(LOSSES)}, got {describe(loss)}")
        self._dtype = np.dtype(dtype)
        self._itemsize = self._dtype.itemsize
        codes = [0] + [ACTIVATION_CODES[name] for name in activations]
        weight_offset, neuron_offset = [0, 0], [0]
        for l in range(n_layers):
            neuron_offset.append(neuron_offset[l] + sizes[l])
            if l > 0:
                weight_offset.append(weight_offset[l] + sizes[l] * sizes[l - 1])
        try:
            self._weights = np.zeros(weight_offset[n_layers], dtype=self._dtype)
            self._changes = np.zeros(weight_offset[n_layers], dtype=self._dtype)
            self._biases = np.zeros(neuron_offset[n_layers], dtype=self._dtype)
            self._outputs = np.zeros(neuron_offset[n_layers], dtype=self._dtype)
            self._deltas = np.zeros(neuron_offset[n_layers], dtype=self._dtype)
            self._batch_weights = np.zeros(weight_offset[n_layers], dtype=self._dtype)
            self._batch_biases = np.zeros(neuron_offset[n_layers], dtype=self._dtype)
            self._first_weights = np.zeros(weight_offset[n_layers], dtype=self._dtype)
            self._first_biases = np.zeros(neuron_offset[n_layers], dtype=self._dtype)
            self._second_weights = np.zeros(weight_offset[n_layers], dtype=self._dtype)
            self._second_biases = np.zeros(neuron_offset[n_layers], dtype=self._dtype)
            self._output_sums = np.zeros(sizes[n_layers - 1], dtype=self._dtype)
        except MemoryError:
            gib = (5 * weight_offset[n_layers] + 6 * neuron_offset[n_layers]) * self._itemsize / 2**30
            raise MemoryError(f"a network of sizes {list(sizes)} needs {gib:.3g} GiB, more than can be had") from None
        self._sizes_c = np.asarray(sizes, dtype=np.intp)
        self._weight_offset = np.asarray(weight_offset, dtype=np.intp)
        self._neuron_offset = np.asarray(neuron_offset, dtype=np.intp)
        self._activation_codes = np.asarray(codes, dtype=np.intc)
        self._layer_sizes = sizes
        self._layer_activations = activations
        self._loss = loss
        rule = loss_target_rule(activations[n_layers - 2], loss, sizes[n_layers - 1], self._dtype)
        self._targets_ruled = rule is not None
        if rule is not None:
            self._target_lowest, self._target_highest = rule.lowest, rule.highest
            self._target_sum_tolerance = rule.sum_tolerance
        self._fit_lock = threading.RLock()
        self.net.n_layers = n_layers
        self.net.sizes = &self._sizes_c[0]
        self.net.weight_offset = &self._weight_offset[0]
        self.net.neuron_offset = &self._neuron_offset[0]
        self.net.activation = &self._activation_codes[0]
        self.net.leaky_relu_alpha = leaky_relu_alpha
        self.net.dtype = DTYPE_CODES[dtype]
        self.net.weights = _data(self._weights)
        self.net.changes = _data(self._changes)
        self.net.biases = _data(self._biases)
        self.net.outputs = _data(self._outputs)
        self.net.deltas = _data(self._deltas)
        self.net.magnitude_bound = -1.0
        self.net.batch_weights = _data(self._batch_weights)
        self.net.batch_biases = _data(self._batch_biases)
        self.net.first_weights = _data(self._first_weights)
        self.net.first_biases = _data(self._first_biases)
        self.net.second_weights = _data(self._second_weights)
        self.net.second_biases = _data(self._second_biases)
        self.net.optimizer = OPTIMIZER_CODES[optimizer]
        for name, value in RULE_DEFAULTS.items():
            self._store_rule_parameter(name, value)
        self._reset_optimizer_state()
        self.net.loss = LOSS_CODES[loss]
        self.net.output_sums = _data(self._output_sums)
        self._buffers = [LayerBuffers.__new__(LayerBuffers, self, l) for l in range(n_layers)]
        self._ready = True

    cdef void _store_rule_parameter(self, str name, double value) noexcept:
        if name == "weight_decay":
            self.net.weight_decay = value
        elif name == "beta1":
            self.net.beta1 = value
        elif name == "beta2":
            self.net.beta2 = value
        elif name == "epsilon":
            self.net.epsilon = value
        elif name == "rprop_increase":
            self.net.rprop_increase = value
        elif name == "rprop_decrease":
            self.net.rprop_decrease = value
        elif name == "rprop_step_min":
            self.net.rprop_step_min = value
        elif name == "rprop_step_max":
            self.net.rprop_step_max = value
        elif name == "rprop_step_initial":
            self._rprop_step_initial = value

    cdef int _reset_optimizer_state(self) except -1:
        """Adam's moments and counters at zero; RPROP's last gradients at zero and steps at the first step."""
        self._first_weights.fill(0)
        self._first_biases.fill(0)
        second = self._rprop_step_initial if self.net.optimizer == RPROP else 0.0
        self._second_weights.fill(second)
        self._second_biases.fill(second)
        self._second_biases[:self._layer_sizes[0]] = 0  # the input layer has no biases
        self.net.updates = 0
        self.net.beta1_power = 1.0
        self.net.beta2_power = 1.0
        return 0

    def _rule_parameter(self, str name):
        """The value of one parameter of the learning rule (see RULE_DEFAULTS)."""
        self._check_ready()
        if name not in RULE_DEFAULTS:
            raise ValueError(f"no such parameter: {name!r}")
        values = {"weight_decay": self.net.weight_decay, "beta1": self.net.beta1, "beta2": self.net.beta2,
                  "epsilon": self.net.epsilon, "rprop_increase": self.net.rprop_increase,
                  "rprop_decrease": self.net.rprop_decrease, "rprop_step_min": self.net.rprop_step_min,
                  "rprop_step_max": self.net.rprop_step_max, "rprop_step_initial": self._rprop_step_initial}
        return values[name]

    def _set_rule_parameter(self, str name, double value):
        """Set one parameter of the learning rule to a checked value; waits for another thread's fit to end."""
        self._check_ready()
        if name not in RULE_DEFAULTS:
            raise ValueError(f"no such parameter: {name!r}")
        with self._fit_lock:
            with self._lock:
                self._store_rule_parameter(name, value)

    @property
    def optimizer(self):
        """How the weights move: ``"sgd"``, ``"adam"`` or ``"rprop"`` (set when the network is built)."""
        self._check_ready()
        return OPTIMIZERS[self.net.optimizer]

    @property
    def general_update(self):
        """True when ``train`` takes the general update (not plain SGD, or weight decay)."""
        return self.net.optimizer != SGD or self.net.weight_decay != 0.0

    cdef int _check_ready(self) except -1:
        if not self._ready:
            raise RuntimeError("the network is not initialised; build it with nncore.Network(sizes)")
        return 0

    cdef void _count_steps(self, long long n) noexcept nogil:
        """Add ``n`` steps to the count, which stops at its largest value instead of wrapping."""
        if self._iterations > LLONG_MAX - n:
            self._iterations = LLONG_MAX
        else:
            self._iterations += n

    # ------------------------------------------------------------ structure and rates

    @property
    def sizes(self):
        """Neurons per layer, input layer first."""
        self._check_ready()
        return self._layer_sizes

    @property
    def activations(self):
        """Activation name of each non-input layer."""
        self._check_ready()
        return self._layer_activations

    @property
    def dtype(self):
        """The floating-point type of the parameters and of every computation (``numpy.float64`` or ``numpy.float32``)."""
        self._check_ready()
        return self._dtype

    @property
    def loss(self):
        """What training minimises and ``train``, ``fit`` and ``evaluate`` report: "mse" or "cross_entropy"."""
        self._check_ready()
        return self._loss

    @property
    def leaky_relu_alpha(self):
        """Slope of ``leaky_relu`` for negative inputs."""
        return self.net.leaky_relu_alpha

    @property
    def learning_rate(self):
        """Step size of the weight updates (finite, >= 0; default 0.3)."""
        cdef double rate
        with self._lock:
            rate = self.net.learning_rate
        return rate

    @learning_rate.setter
    def learning_rate(self, value):
        cdef double rate = check_rate("learning_rate", value)
        self._check_ready()
        with self._fit_lock:  # a fit in another thread replays with the rate it started with
            with self._lock:
                self.net.learning_rate = rate

    @property
    def momentum(self):
        """Fraction of the previous weight change added to the next (finite, >= 0; default 0.1)."""
        cdef double rate
        with self._lock:
            rate = self.net.momentum
        return rate

    @momentum.setter
    def momentum(self, value):
        cdef double rate = check_rate("momentum", value)
        self._check_ready()
        with self._fit_lock:
            with self._lock:
                self.net.momentum = rate

    @property
    def iterations(self):
        """Number of per-sample training steps taken so far."""
        cdef long long iterations
        with self._lock:
            iterations = self._iterations
        return iterations

    # ------------------------------------------------------------ per-sample API

    def train(self, input, target):
        """Train on one sample: forward pass, deltas, weight update.

        Parameters
        ----------
        input : sequence of float
            ``sizes[0]`` finite values.
        target : sequence of float
            ``sizes[-1]`` finite values.

        Returns
        -------
        float
            The sample's error before the update: its :attr:`loss`,
            ``0.5 * sum((target - output)**2)`` for ``"mse"``.

        Raises
        ------
        ValueError, TypeError
            If ``input`` or ``target`` has the wrong length or type, or a value
            that is not finite, or (with ``"cross_entropy"``) a target the loss
            is not defined for. The network is left unchanged.
        nncore.DivergenceError
            If the error of the step is not finite, or the update would make a
            weight, change or bias infinite (training has diverged). The
            network is left as it was before the step.
        """
        self._check_ready()
        cdef Py_ssize_t n_in = self.net.sizes[0], n_out = self.net.sizes[self.net.n_layers - 1]
        cdef double on_stack[STACK_SAMPLE_VALUES]
        cdef float on_stack32[STACK_SAMPLE_VALUES]
        cdef double* sample = _sample_buffer(on_stack, n_in + n_out)
        cdef float* narrowed = on_stack32
        cdef const char* data = <const char*>sample
        cdef double error
        cdef bint updated = False
        try:
            try:
                _read_vector(input, sample, n_in, "input")
                _read_vector(target, sample + n_in, n_out, "target")
            except (TypeError, ValueError):
                hint = train_call_hint(input, target)
                if hint is not None:
                    raise TypeError(hint) from None
                raise
            if self._targets_ruled and not self._target_obeys_rule(sample + n_in, n_out):
                self._check_targets(sample + n_in, n_out)
            if self.net.dtype == FLOAT32:
                narrowed = _float_buffer(on_stack32, n_in + n_out)
                _narrow(sample, narrowed, n_in + n_out, n_in, "input", "target")
                data = <const char*>narrowed
            if self.net.optimizer == RPROP:
                raise ValueError("train() takes one sample, but optimizer='rprop' trains on whole batches: "
                                 "use fit(X, Y) (batch_size=None)")
            if self._backup is None and (self.net.optimizer != SGD or self.net.weight_decay != 0.0):
                self._backup = np.empty(4 * self._weights.shape[0] + 3 * self._biases.shape[0], dtype=self._dtype)
                self._backup_data = _data(self._backup)
            if not self._step_unless_fitting(data, data + n_in * self._itemsize, &error, &updated, False):
                # Another thread's fit holds the network: wait for it to end
                # (the fitting thread itself, from a callback, gets straight in).
                with self._fit_lock:
                    self._step_unless_fitting(data, data + n_in * self._itemsize, &error, &updated, True)
        finally:
            if sample != on_stack:
                PyMem_Free(sample)
            if narrowed != on_stack32:
                PyMem_Free(narrowed)
        if not isfinite(error):
            raise DivergenceError(
                f"training diverged: the sample error is {error!r}; the weights were not updated "
                f"(try a smaller learning_rate, now {self.net.learning_rate!r})")
        if not updated:
            raise DivergenceError(
                "training diverged: this step would make a weight, change or bias infinite; the weights "
                f"were not updated (try a smaller learning_rate, now {self.net.learning_rate!r}, or smaller inputs)")
        return error

    cdef bint _target_obeys_rule(self, const double* target, Py_ssize_t n) noexcept:
        """True when ``target``, rounded to the network's dtype, keeps the loss's rule (see ``_setup``)."""
        cdef double value, total = 0.0
        cdef Py_ssize_t j
        for j in range(n):
            value = <double><float>target[j] if self.net.dtype == FLOAT32 else target[j]
            if value < self._target_lowest or value > self._target_highest:
                return False
            total = total + value
        return not (fabs(total - 1.0) > self._target_sum_tolerance)

    cdef int _check_targets(self, const double* target, Py_ssize_t n) except -1:
        """Refuse a read target that the network's loss is not defined for (nncore._checks.check_loss_targets)."""
        values = np.empty(n, dtype=np.float64)
        cdef double[::1] copy = values
        memcpy(&copy[0], target, n * sizeof(double))
        # checked as the kernels will see them: rounded to the network's dtype
        check_loss_targets(values.astype(self._dtype, copy=False),
                           self._layer_activations[len(self._layer_activations) - 1], self._loss, "target")
        return 0

    cdef bint _step_unless_fitting(self, const void* input, const void* target, double* error,
                                   bint* updated, bint holds_fit_lock) noexcept:
        """One checked step, unless a fit runs and the caller does not hold the fit lock; True if it stepped."""
        with self._lock:
            if self._fit_depth > 0 and not holds_fit_lock:
                return False
            if self.net.optimizer != SGD or self.net.weight_decay != 0.0:
                error[0] = kernels_for(&self.net).checked_general_step(&self.net, input, target,
                                                                      self._backup_data, updated)
            else:
                error[0] = kernels_for(&self.net).checked_train_step(&self.net, input, target, updated)
            if updated[0]:
                self._count_steps(1)
        return True

    def activate(self, input):
        """Set the outputs of the input layer (the tutorial's ``activate``).

        Parameters
        ----------
        input : sequence of float
            ``sizes[0]`` finite values.
        """
        self._check_ready()
        cdef Py_ssize_t n_in = self.net.sizes[0]
        cdef double on_stack[STACK_SAMPLE_VALUES]
        cdef float on_stack32[STACK_SAMPLE_VALUES]
        cdef double* sample = _sample_buffer(on_stack, n_in)
        cdef float* narrowed = on_stack32
        cdef const void* data = sample
        try:
            _read_vector(input, sample, n_in, "input")
            if self.net.dtype == FLOAT32:
                narrowed = _float_buffer(on_stack32, n_in)
                _narrow(sample, narrowed, n_in, n_in, "input", "input")
                data = narrowed
            with self._lock:
                kernels_for(&self.net).set_inputs(&self.net, data)
        finally:
            if sample != on_stack:
                PyMem_Free(sample)
            if narrowed != on_stack32:
                PyMem_Free(narrowed)

    def run(self):
        """Forward pass from the inputs set by :meth:`activate`.

        Returns
        -------
        numpy.ndarray
            The outputs of the last layer, shape ``(sizes[-1],)``.
        """
        self._check_ready()
        cdef Py_ssize_t last = self.net.n_layers - 1, n_out = self.net.sizes[last]
        result = np.empty(n_out, dtype=self._dtype)
        cdef void* out = _data(result)
        with self._lock:
            kernels_for(&self.net).forward(&self.net)
            memcpy(out, <char*>self.net.outputs + self.net.neuron_offset[last] * self._itemsize,
                   n_out * self._itemsize)
        return result

    def _forward_rows(self, rows):
        """Outputs for each row of a checked ``(n, sizes[0])`` C-contiguous array of the network's dtype."""
        self._check_ready()
        cdef Py_ssize_t n_in = self.net.sizes[0]
        self._check_rows(rows, "rows", n_in)
        cdef Py_ssize_t i, n = rows.shape[0], size = self._itemsize
        cdef Py_ssize_t last = self.net.n_layers - 1, n_out = self.net.sizes[last]
        result = np.empty((n, n_out), dtype=self._dtype)
        if n == 0:
            return result
        cdef const unsigned char[::1] pinned = _address_of(rows)
        cdef const char* row = <const char*>&pinned[0]
        cdef char* out = <char*>_data(result)
        cdef const char* last_outputs = <const char*>self.net.outputs + self.net.neuron_offset[last] * size
        cdef KernelSet* k = kernels_for(&self.net)
        with nogil, self._lock:
            for i in range(n):
                k.set_inputs(&self.net, row + i * n_in * size)
                k.forward(&self.net)
                memcpy(out + i * n_out * size, last_outputs, n_out * size)
        return result

    cdef int _check_rows(self, object rows, str name, Py_ssize_t width) except -1:
        """Refuse anything but a C-contiguous 2-D array of the network's dtype with ``width`` columns."""
        if not (isinstance(rows, np.ndarray) and rows.ndim == 2 and rows.dtype == self._dtype
                and rows.flags.c_contiguous):
            raise TypeError(f"{name} must be a C-contiguous 2-D {self._dtype} array, got {describe(rows)}")
        if rows.shape[1] != width:
            raise ValueError(f"{name} must have {width} columns, got {rows.shape[1]}")
        return 0

    def _forward_and_losses(self, rows, targets):
        """Outputs and the loss of each sample, for checked rows and targets (arrays as :meth:`_forward_rows` takes).

        The losses are what ``train`` would report for these samples: the
        same kernels, sample by sample.
        """
        self._check_ready()
        cdef Py_ssize_t n_in = self.net.sizes[0]
        cdef Py_ssize_t last = self.net.n_layers - 1, n_out = self.net.sizes[last]
        self._check_rows(rows, "rows", n_in)
        self._check_rows(targets, "targets", n_out)
        if targets.shape[0] != rows.shape[0]:
            raise ValueError(f"rows and targets must have the same number of rows, "
                             f"got {rows.shape[0]} and {targets.shape[0]}")
        cdef Py_ssize_t i, n = rows.shape[0], size = self._itemsize
        outputs = np.empty((n, n_out), dtype=self._dtype)
        losses = np.empty(n, dtype=np.float64)
        if n == 0:
            return outputs, losses
        cdef const unsigned char[::1] pinned_rows = _address_of(rows)
        cdef const unsigned char[::1] pinned_targets = _address_of(targets)
        cdef const char* row = <const char*>&pinned_rows[0]
        cdef const char* target = <const char*>&pinned_targets[0]
        cdef char* out = <char*>_data(outputs)
        cdef double[::1] loss = losses
        cdef const char* last_outputs = <const char*>self.net.outputs + self.net.neuron_offset[last] * size
        cdef KernelSet* k = kernels_for(&self.net)
        with nogil, self._lock:
            for i in range(n):
                k.set_inputs(&self.net, row + i * n_in * size)
                k.forward(&self.net)
                memcpy(out + i * n_out * size, last_outputs, n_out * size)
                if self.net.dtype == FLOAT32:
                    loss[i] = output_loss32(&self.net, <const float*>(target + i * n_out * size))
                else:
                    loss[i] = output_loss64(&self.net, <const double*>(target + i * n_out * size))
        return outputs, losses

    # ------------------------------------------------------------ whole state, for nncore.Network

    def _snapshot(self):
        """The network's state at one instant: ``(layers, iterations, learning_rate, momentum, optimizer_state)``.

        ``layers`` holds a copy of ``(weights, biases, changes)`` per non-input
        layer, weights and changes of shape ``(sizes[l], sizes[l - 1])``.
        ``optimizer_state`` is ``(moments, updates, beta1_power, beta2_power)``:
        ``moments`` holds ``(first_weights, first_biases, second_weights,
        second_biases)`` per non-input layer (Adam's m and v; RPROP's last
        gradients and step sizes), ``updates`` Adam's step count.
        """
        self._check_ready()
        weights = np.empty_like(self._weights)
        biases = np.empty_like(self._biases)
        changes = np.empty_like(self._changes)
        first_w, first_b = np.empty_like(self._weights), np.empty_like(self._biases)
        second_w, second_b = np.empty_like(self._weights), np.empty_like(self._biases)
        cdef void* w = _data(weights)
        cdef void* b = _data(biases)
        cdef void* c = _data(changes)
        cdef void* fw = _data(first_w)
        cdef void* fb = _data(first_b)
        cdef void* sw = _data(second_w)
        cdef void* sb = _data(second_b)
        cdef size_t weight_bytes = weights.nbytes, bias_bytes = biases.nbytes
        cdef long long iterations, updates
        cdef double learning_rate, momentum, beta1_power, beta2_power
        with self._lock:
            memcpy(w, self.net.weights, weight_bytes)
            memcpy(b, self.net.biases, bias_bytes)
            memcpy(c, self.net.changes, weight_bytes)
            memcpy(fw, self.net.first_weights, weight_bytes)
            memcpy(fb, self.net.first_biases, bias_bytes)
            memcpy(sw, self.net.second_weights, weight_bytes)
            memcpy(sb, self.net.second_biases, bias_bytes)
            iterations = self._iterations
            learning_rate = self.net.learning_rate
            momentum = self.net.momentum
            updates = self.net.updates
            beta1_power = self.net.beta1_power
            beta2_power = self.net.beta2_power
        # _per_layer cuts (weights-shaped, biases-shaped, weights-shaped) arrays
        firsts = self._per_layer(first_w, first_b, second_w)
        seconds = self._per_layer(second_w, second_b, second_w)
        moments = [(first_weights, first_biases, second_weights, second_biases)
                   for (first_weights, first_biases, second_weights), (_, second_biases, _) in zip(firsts, seconds)]
        optimizer_state = (moments, updates, beta1_power, beta2_power)
        return self._per_layer(weights, biases, changes), iterations, learning_rate, momentum, optimizer_state

    cdef list _per_layer(self, weights, biases, changes):
        """Flat copies cut into ``(weights, biases, changes)`` per non-input layer."""
        cdef Py_ssize_t l
        layers = []
        for l in range(1, self.net.n_layers):
            shape = (self.net.sizes[l], self.net.sizes[l - 1])
            w_start, w_end = self.net.weight_offset[l], self.net.weight_offset[l + 1]
            n_start, n_end = self.net.neuron_offset[l], self.net.neuron_offset[l + 1]
            layers.append((weights[w_start:w_end].reshape(shape), biases[n_start:n_end],
                           changes[w_start:w_end].reshape(shape)))
        return layers

    def _restore(self, layers, long long iterations, double learning_rate, double momentum,
                 optimizer_state=None):
        """Replace the whole state at once with what :meth:`_snapshot` returns (or checked equivalents).

        ``optimizer_state`` None starts the optimizer afresh (Adam's moments at
        zero, RPROP's steps at ``rprop_step_initial``).
        """
        self._check_ready()
        cdef Py_ssize_t l, n_layers = self.net.n_layers
        if not isinstance(layers, (list, tuple)) or len(layers) != n_layers - 1:
            raise ValueError(f"expected {n_layers - 1} layers of (weights, biases, changes), got {describe(layers)}")
        if iterations < 0 or not (isfinite(learning_rate) and learning_rate >= 0.0 and isfinite(momentum) and momentum >= 0.0):
            raise ValueError("iterations must be >= 0 and the rates finite and >= 0")
        flat_w, flat_b, flat_c = [], [np.zeros(self.net.sizes[0], dtype=self._dtype)], []
        for l in range(1, n_layers):
            w, b, c = layers[l - 1]
            shape = (self.net.sizes[l], self.net.sizes[l - 1])
            w = _checked_block(w, shape, "weights", l, self._dtype)
            c = _checked_block(c, shape, "changes", l, self._dtype)
            b = _checked_block(b, (self.net.sizes[l],), "biases", l, self._dtype)
            flat_w.append(w.ravel())
            flat_c.append(c.ravel())
            flat_b.append(b)
        weights, changes, biases = np.concatenate(flat_w), np.concatenate(flat_c), np.concatenate(flat_b)
        moments, counters = self._checked_optimizer_state(optimizer_state)
        first_w, first_b, second_w, second_b = moments
        cdef long long updates = counters[0]
        cdef double beta1_power = counters[1], beta2_power = counters[2]
        cdef void* w_data = _data(weights)
        cdef void* c_data = _data(changes)
        cdef void* b_data = _data(biases)
        cdef void* fw_data = _data(first_w)
        cdef void* fb_data = _data(first_b)
        cdef void* sw_data = _data(second_w)
        cdef void* sb_data = _data(second_b)
        cdef size_t weight_bytes = weights.nbytes, bias_bytes = biases.nbytes
        with self._lock:
            memcpy(self.net.weights, w_data, weight_bytes)
            memcpy(self.net.changes, c_data, weight_bytes)
            memcpy(self.net.biases, b_data, bias_bytes)
            memcpy(self.net.first_weights, fw_data, weight_bytes)
            memcpy(self.net.first_biases, fb_data, bias_bytes)
            memcpy(self.net.second_weights, sw_data, weight_bytes)
            memcpy(self.net.second_biases, sb_data, bias_bytes)
            self.net.updates = updates
            self.net.beta1_power = beta1_power
            self.net.beta2_power = beta2_power
            self._iterations = iterations
            self.net.learning_rate = learning_rate
            self.net.momentum = momentum
            self.net.magnitude_bound = -1.0

    cdef tuple _checked_optimizer_state(self, object state):
        """Flat (first_w, first_b, second_w, second_b) arrays and (updates, beta1_power, beta2_power)
        from a snapshot's optimizer state, checked; a fresh state for None."""
        cdef Py_ssize_t l, n_layers = self.net.n_layers
        if state is None:
            first_w, first_b = np.zeros_like(self._weights), np.zeros_like(self._biases)
            second = self._rprop_step_initial if self.net.optimizer == RPROP else 0.0
            second_w, second_b = np.full_like(self._weights, second), np.full_like(self._biases, second)
            second_b[:self.net.sizes[0]] = 0
            return (first_w, first_b, second_w, second_b), (0, 1.0, 1.0)
        if not isinstance(state, (list, tuple)) or len(state) != 4:
            raise ValueError(f"expected an optimizer state (moments, updates, beta1_power, beta2_power), "
                             f"got {describe(state)}")
        moments, updates, beta1_power, beta2_power = state
        if not isinstance(moments, (list, tuple)) or len(moments) != n_layers - 1:
            raise ValueError(f"expected {n_layers - 1} layers of optimizer moments, got {describe(moments)}")
        if not (isinstance(updates, int) and updates >= 0 and 0.0 <= beta1_power <= 1.0 and 0.0 <= beta2_power <= 1.0):
            raise ValueError("the optimizer's update count must be >= 0 and its powers in [0, 1]")
        parts = [[], [np.zeros(self.net.sizes[0], dtype=self._dtype)], [], [np.zeros(self.net.sizes[0], dtype=self._dtype)]]
        for l in range(1, n_layers):
            blocks = moments[l - 1]
            if not isinstance(blocks, (list, tuple)) or len(blocks) != 4:
                raise ValueError(f"layer {l}: expected (first_weights, first_biases, second_weights, second_biases)")
            shape, bias_shape = (self.net.sizes[l], self.net.sizes[l - 1]), (self.net.sizes[l],)
            for k, (block, name) in enumerate(zip(blocks, ("first weights", "first biases", "second weights",
                                                            "second biases"))):
                parts[k].append(_checked_block(block, bias_shape if k % 2 else shape, f"optimizer {name}", l,
                                               self._dtype).ravel())
        return tuple(np.concatenate(part) for part in parts), (updates, float(beta1_power), float(beta2_power))

    def _all_finite(self):
        """True when every weight, bias, change and value of the optimizer's state is finite."""
        self._check_ready()
        cdef bint finite
        with self._lock:
            finite = kernels_for(&self.net).state_is_finite(&self.net)
        return finite

    def _layer_buffers(self):
        """One :class:`LayerBuffers` per layer, the input layer first (the same objects every time)."""
        self._check_ready()
        return self._buffers

    def _fitting(self):
        """A context manager that holds the network for one ``fit`` (re-entrant: a callback may fit too)."""
        self._check_ready()
        return _FitGuard.__new__(_FitGuard, self)

    cdef int _store(self, int field, Py_ssize_t at, double value) except -1:
        """Write one checked value (rounded to the dtype) into a buffer, waiting for another thread's fit to end first."""
        if not isfinite(value):
            raise ValueError(f"values must be finite, got {value!r}")
        cdef float narrowed = <float>value
        if self.net.dtype == FLOAT32 and not isfinite(narrowed):
            raise ValueError(f"values must be finite in float32 (magnitude below 3.4e38, the network's dtype), "
                             f"got {value!r}")
        cdef void* buffer
        with self._fit_lock:
            with self._lock:
                self.net.magnitude_bound = -1.0
                if field == WEIGHTS:
                    buffer = self.net.weights
                elif field == CHANGES:
                    buffer = self.net.changes
                elif field == BIASES:
                    buffer = self.net.biases
                else:
                    buffer = self.net.outputs
                if self.net.dtype == FLOAT32:
                    (<float*>buffer)[at] = narrowed
                else:
                    (<double*>buffer)[at] = value
        return 0


cdef object _checked_block(object values, tuple shape, str field, Py_ssize_t layer, object dtype):
    """``values`` as a finite array of ``dtype`` and ``shape``, or a ValueError naming the layer's field."""
    with np.errstate(over="ignore"):  # a value too large for float32 becomes inf, refused below
        array = np.ascontiguousarray(values, dtype=dtype)
    if array.shape != shape:
        raise ValueError(f"layer {layer} {field} must have shape {shape}, got {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"layer {layer} {field} must be finite in {dtype}")
    return array


cdef class _FitGuard:
    """Holds a network for one fit: other threads' writers wait until every fit it runs has ended."""
    cdef NetworkCore network

    def __cinit__(self, NetworkCore network):
        self.network = network

    def __enter__(self):
        self.network._fit_lock.acquire()
        with self.network._lock:
            self.network._fit_depth += 1
        return self

    def __exit__(self, *exc_info):
        with self.network._lock:
            self.network._fit_depth -= 1
        self.network._fit_lock.release()
        return False


cdef class LayerBuffers:
    """Live views of one layer's buffers, handed out by the network that owns them.

    Attributes
    ----------
    index : int
        The layer, 0 for the input layer.
    weights, changes : numpy.ndarray or None
        Shape ``(sizes[index], sizes[index - 1])``; None for the input layer.
    biases, deltas : numpy.ndarray or None
        Shape ``(sizes[index],)``; None for the input layer.
    outputs : numpy.ndarray
        Shape ``(sizes[index],)``.

    The arrays are read-only views of the network's memory: they always show
    the current values. Values are written one at a time with the ``set_``
    methods, which check them and wait for another thread's ``fit`` to end.
    """
    cdef NetworkCore network
    cdef readonly Py_ssize_t index
    cdef readonly object weights, changes, biases, outputs, deltas
    cdef Py_ssize_t _weight_start, _neuron_start, _size, _fan_in

    def __cinit__(self, NetworkCore network, Py_ssize_t index):
        self.network = network
        self.index = index
        self._size = network.net.sizes[index]
        self._neuron_start = network.net.neuron_offset[index]
        self.outputs = _read_only(np.asarray(network._outputs)[self._neuron_start:self._neuron_start + self._size])
        if index == 0:
            return
        self._fan_in = network.net.sizes[index - 1]
        self._weight_start = network.net.weight_offset[index]
        end = self._weight_start + self._size * self._fan_in
        shape = (self._size, self._fan_in)
        self.weights = _read_only(np.asarray(network._weights)[self._weight_start:end].reshape(shape))
        self.changes = _read_only(np.asarray(network._changes)[self._weight_start:end].reshape(shape))
        self.biases = _read_only(np.asarray(network._biases)[self._neuron_start:self._neuron_start + self._size])
        self.deltas = _read_only(np.asarray(network._deltas)[self._neuron_start:self._neuron_start + self._size])

    cdef Py_ssize_t _position(self, Py_ssize_t j, Py_ssize_t k, bint connection) except -1:
        """Offset of neuron ``j`` (or of its connection from ``k``) inside this layer's block."""
        if connection and self.index == 0:
            raise ValueError("the input layer has no weights or changes")
        if not 0 <= j < self._size or (connection and not 0 <= k < self._fan_in):
            raise IndexError(f"no such position in layer {self.index}: ({j}, {k})")
        return j * self._fan_in + k if connection else j

    def set_weight(self, Py_ssize_t j, Py_ssize_t k, double value):
        """Set the weight of the connection from neuron ``k`` of the previous layer into neuron ``j``."""
        self.network._store(WEIGHTS, self._weight_start + self._position(j, k, True), value)

    def set_change(self, Py_ssize_t j, Py_ssize_t k, double value):
        """Set the last change of that weight (what momentum carries into the next update)."""
        self.network._store(CHANGES, self._weight_start + self._position(j, k, True), value)

    def set_bias(self, Py_ssize_t j, double value):
        """Set the bias of neuron ``j``."""
        if self.index == 0:
            raise ValueError("the input layer has no biases")
        self.network._store(BIASES, self._neuron_start + self._position(j, 0, False), value)

    def set_input(self, Py_ssize_t j, double value):
        """Set input ``j`` (the output of neuron ``j`` of the input layer), as ``activate`` does."""
        if self.index != 0:
            raise ValueError("only the input layer's outputs can be set")
        self.network._store(OUTPUTS, self._position(j, 0, False), value)


cdef object _read_only(object array):
    array.flags.writeable = False
    return array


cdef class FitSchedule:
    """The state of one ``fit`` call on one network: data, sample order, counters, per-epoch errors.

    The data arrays must be C-contiguous, of the network's dtype, finite and of the
    network's widths (``nncore._checks.check_data`` prepares them). The
    schedule and its network together can be saved with :meth:`checkpoint`
    and put back with :meth:`restore`, which makes a stretch of training
    exactly repeatable.
    """
    cdef Schedule state
    cdef readonly NetworkCore network
    cdef readonly object inputs
    cdef readonly object targets
    cdef cython.pymutex _lock        # one thread at a time may advance this schedule
    cdef object _epoch_errors        # errors since the last flush (fixed size)
    cdef list _flushed_errors        # earlier errors, as arrays
    cdef bint _keep_errors
    # Views held as long as the schedule: the arrays behind ``state``'s raw
    # pointers cannot be resized or freed meanwhile.
    cdef const unsigned char[::1] _pinned_inputs, _pinned_targets, _pinned_factors
    cdef Py_ssize_t[::1] _pinned_permutation
    cdef double[::1] _pinned_errors

    def __init__(self, NetworkCore network not None, inputs, targets, str order, uint64_t seed,
                 long long max_steps, double error_threshold=-1.0, Py_ssize_t report_every=0,
                 bint keep_errors=True, Py_ssize_t batch_size=1, factors=None):
        network._check_ready()
        network._check_rows(inputs, "inputs", network.net.sizes[0])
        network._check_rows(targets, "targets", network.net.sizes[network.net.n_layers - 1])
        if inputs.shape[0] != targets.shape[0] or inputs.shape[0] == 0:
            raise ValueError("inputs and targets must have the same, non-zero number of rows")
        self._pinned_inputs = _address_of(inputs)
        self._pinned_targets = _address_of(targets)
        if order not in ORDER_CODES:
            raise ValueError(f"order must be one of {list(ORDERS)}, got {order!r}")
        if max_steps < 0 or report_every < 0:
            raise ValueError("max_steps and report_every must be >= 0")
        n = inputs.shape[0]
        if batch_size < 0 or batch_size > n:
            raise ValueError(f"batch_size must be between 1 and the {n} samples (0: all of them), got {batch_size}")
        if batch_size == 0:
            batch_size = n
        if network.net.optimizer == RPROP and batch_size != n:
            raise ValueError("optimizer='rprop' trains on whole batches: batch_size must be None")
        if factors is not None:
            if not (isinstance(factors, np.ndarray) and factors.shape == (n,) and factors.dtype == network._dtype
                    and factors.flags.c_contiguous):
                raise TypeError(f"factors must be a C-contiguous 1-D {network._dtype} array of {n} values")
            self._pinned_factors = factors.view(np.uint8)
            self.state.factors = &self._pinned_factors[0]
        self.network = network
        self.inputs = inputs
        self.targets = targets
        self._epoch_errors = np.zeros(min(EPOCH_ERRORS_CAPACITY, max(1, (max_steps + n - 1) // n)),
                                      dtype=np.float64)
        self._flushed_errors = []
        self._keep_errors = keep_errors
        self._pinned_permutation = np.arange(n, dtype=np.intp)
        self._pinned_errors = self._epoch_errors
        self.state.inputs = &self._pinned_inputs[0]
        self.state.targets = &self._pinned_targets[0]
        self.state.n_samples = n
        self.state.order = ORDER_CODES[order]
        self.state.rng = seed
        self.state.permutation = &self._pinned_permutation[0]
        self.state.epoch_errors = &self._pinned_errors[0]
        self.state.epoch_errors_capacity = self._epoch_errors.shape[0]
        self.state.last_epoch_error = float("nan")
        self.state.max_steps = max_steps
        self.state.error_threshold = error_threshold
        self.state.report_every = report_every
        self.state.batch_size = batch_size

    def advance(self, long long budget):
        """Run the compiled loop for at most ``budget`` steps, without the GIL.

        Returns
        -------
        str
            Why it returned: "budget", "done", "epoch_end", "error_threshold",
            "diverged" (a sample error was not finite; that step was not
            taken) or "errors_full" (call :meth:`flush_errors`).
        """
        cdef NetworkCore network = self.network
        cdef long long steps_before
        cdef int status
        with nogil, self._lock:
            with network._lock:
                self.state.general = (self.state.batch_size != 1 or self.state.factors != NULL
                                      or network.net.optimizer != SGD or network.net.weight_decay != 0.0)
                steps_before = self.state.steps
                status = kernels_for(&network.net).run_schedule(&network.net, &self.state, budget)
                network.net.magnitude_bound = -1.0  # the loop's steps do not keep the bound
                network._count_steps(self.state.steps - steps_before)
        return LOOP_STATUS[status]

    def network_is_finite(self):
        """True when every weight, bias and change of the network is finite."""
        return self.network._all_finite()

    def checkpoint(self):
        """The network's state and the schedule's, to hand back to :meth:`restore`."""
        self.flush_errors()
        return (self.network._snapshot(),
                (self.state.rng, self.state.steps, self.state.position, self.state.epochs,
                 self.state.error_sum, self.state.last_epoch_error, self.permutation,
                 len(self._flushed_errors)))

    def restore(self, checkpoint):
        """Return the network and the schedule to a :meth:`checkpoint`; errors of later epochs are dropped."""
        network_state, schedule_state = checkpoint
        rng, steps, position, epochs, error_sum, last_error, permutation, n_flushed = schedule_state
        permutation = np.asarray(permutation, dtype=np.intp)
        n = self.state.n_samples
        if not (0 <= position < n and 0 <= steps <= self.state.max_steps and 0 <= epochs
                and permutation.shape == (n,) and np.array_equal(np.sort(permutation), np.arange(n))
                and 0 <= n_flushed <= len(self._flushed_errors)):
            raise ValueError("not a checkpoint of this schedule")
        self.network._restore(*network_state)
        self.flush_errors()
        del self._flushed_errors[n_flushed:]
        with self.network._lock:  # a batch cut short by divergence leaves its sums behind
            kernels_for(&self.network.net).clear_batch(&self.network.net)
        with self._lock:
            self.state.in_batch = 0
            self.state.rng = rng
            self.state.steps = steps
            self.state.position = position
            self.state.epochs = epochs
            self.state.epochs_flushed = epochs
            self.state.error_sum = error_sum
            self.state.last_epoch_error = last_error
        np.asarray(self._pinned_permutation)[:] = permutation

    @property
    def steps(self):
        """Steps taken so far in this fit."""
        return self.state.steps

    @property
    def epochs(self):
        """Epochs completed."""
        return self.state.epochs

    @property
    def position(self):
        """Steps into the current, unfinished epoch."""
        return self.state.position

    @property
    def partial_epoch_error(self):
        """Mean error of the steps of the unfinished epoch (nan when there are none)."""
        if self.state.position == 0:
            return float("nan")
        return self.state.error_sum / self.state.position

    @property
    def n_samples(self):
        return self.state.n_samples

    @property
    def permutation(self):
        """A copy of the current sample permutation (used by ``order="shuffle"``)."""
        return np.array(self._pinned_permutation)

    @property
    def report_every(self):
        """Return to the caller after every this many completed epochs (0: never)."""
        return self.state.report_every

    @report_every.setter
    def report_every(self, Py_ssize_t value):
        if value < 0:
            raise ValueError("report_every must be >= 0")
        self.state.report_every = value

    @property
    def last_epoch_error(self):
        """Mean error of the last completed epoch (nan before the first)."""
        return self.state.last_epoch_error

    def flush_errors(self):
        """Move the recorded epoch errors out of the fixed-size buffer the loop writes to."""
        cdef Py_ssize_t count = self.state.epochs - self.state.epochs_flushed
        if count > 0 and self._keep_errors:
            self._flushed_errors.append(self._epoch_errors[:count].copy())
        self.state.epochs_flushed = self.state.epochs

    @property
    def epoch_errors(self):
        """Mean error of every completed epoch, as a new array (empty unless ``keep_errors``)."""
        self.flush_errors()
        if not self._flushed_errors:
            return np.zeros(0)
        return np.concatenate(self._flushed_errors)


cdef class LaneGroup:
    """Networks of one shape trained side by side in SIMD lanes, each on its own :class:`FitSchedule`.

    The networks must share sizes, activations, dtype and ``leaky_relu_alpha``
    and train on the plain path (SGD, one sample per update, no sample
    weights, no weight decay, the ``mse`` loss, no softmax); their schedules
    must have the same number of rows and of steps, and be at the start of an
    epoch. Each lane's result is bit for bit what its schedule's
    :meth:`FitSchedule.advance` would give (``_lanes.pxd``).

    The group interleaves the networks' weights, changes and biases when it
    is made; :meth:`write_back` copies a lane's back into its network. This is
    the only code besides ``NetworkCore`` that touches a network's buffers. The
    caller holds every network (``_fitting()``) for the group's life.
    """
    cdef Lanes lanes
    cdef Schedule** _pointers
    cdef Schedule* _saved_states
    cdef readonly list schedules
    cdef list _networks
    cdef object _dtype
    cdef object _weights, _changes, _biases, _outputs, _deltas, _rates, _momenta, _errors, _status, _scratch
    cdef object _saved_weights, _saved_changes, _saved_biases, _saved_permutations, _saved_iterations
    cdef object _steps_before
    cdef readonly long long last_steps
    """Steps taken by all lanes together in the last :meth:`advance`."""

    def __cinit__(self):
        self._pointers = NULL
        self._saved_states = NULL

    def __dealloc__(self):
        PyMem_Free(self._pointers)
        PyMem_Free(self._saved_states)

    def __init__(self, list schedules not None):
        if not schedules:
            raise ValueError("a lane group needs at least one schedule")
        cdef FitSchedule first = schedules[0], schedule
        cdef NetworkCore network, model = first.network
        cdef Py_ssize_t L = len(schedules), i
        for schedule in schedules:
            self._check_lane(schedule, first)
        self.schedules = list(schedules)
        self._networks = [(<FitSchedule>schedule).network for schedule in schedules]
        self._dtype = model._dtype
        cdef Py_ssize_t n_weights = model.net.weight_offset[model.net.n_layers]
        cdef Py_ssize_t n_neurons = model.net.neuron_offset[model.net.n_layers]
        cdef Py_ssize_t n_out = model.net.sizes[model.net.n_layers - 1]
        self._weights = self._interleaved(WEIGHTS, n_weights)
        self._changes = self._interleaved(CHANGES, n_weights)
        self._biases = self._interleaved(BIASES, n_neurons)
        self._outputs = np.zeros((n_neurons, L), dtype=self._dtype)
        self._deltas = np.zeros((n_neurons, L), dtype=self._dtype)
        self._rates = np.array([(<NetworkCore>net).net.learning_rate for net in self._networks], dtype=self._dtype)
        self._momenta = np.array([(<NetworkCore>net).net.momentum for net in self._networks], dtype=self._dtype)
        self._errors = np.zeros(L, dtype=np.float64)
        self._status = np.full(L, LANE_RUNNING, dtype=np.intc)
        self._scratch = np.zeros((3 + n_out) * L, dtype=self._dtype)
        self._saved_weights = np.empty_like(self._weights)
        self._saved_changes = np.empty_like(self._changes)
        self._saved_biases = np.empty_like(self._biases)
        self._saved_permutations = np.empty((L, first.state.n_samples), dtype=np.intp)
        self._saved_iterations = np.zeros(L, dtype=np.int64)
        self._steps_before = np.zeros(L, dtype=np.int64)
        self._pointers = <Schedule**>PyMem_Malloc(L * sizeof(Schedule*))
        self._saved_states = <Schedule*>PyMem_Malloc(L * sizeof(Schedule))
        if self._pointers == NULL or self._saved_states == NULL:
            raise MemoryError()
        for i in range(L):
            self._pointers[i] = &(<FitSchedule>schedules[i]).state
        self.lanes.n_lanes = L
        self.lanes.n_layers = model.net.n_layers
        self.lanes.sizes = model.net.sizes
        self.lanes.weight_offset = model.net.weight_offset
        self.lanes.neuron_offset = model.net.neuron_offset
        self.lanes.activation = model.net.activation
        self.lanes.leaky_relu_alpha = model.net.leaky_relu_alpha
        self.lanes.weights = _data(self._weights)
        self.lanes.changes = _data(self._changes)
        self.lanes.biases = _data(self._biases)
        self.lanes.outputs = _data(self._outputs)
        self.lanes.deltas = _data(self._deltas)
        self.lanes.learning_rates = _data(self._rates)
        self.lanes.momenta = _data(self._momenta)
        self.lanes.errors = <double*>_data(self._errors)
        self.lanes.status = <int*>_data(self._status)
        self.lanes.schedules = self._pointers

    cdef int _check_lane(self, FitSchedule schedule, FitSchedule first) except -1:
        """Refuse a schedule whose network or data cannot share lanes with ``first``'s."""
        cdef NetworkCore network = schedule.network, model = first.network
        same_shape = (network._layer_sizes == model._layer_sizes and network._layer_activations == model._layer_activations
                      and network._dtype == model._dtype and network.net.leaky_relu_alpha == model.net.leaky_relu_alpha)
        plain = (network.net.optimizer == SGD and network.net.weight_decay == 0.0 and network.net.loss == MSE
                 and "softmax" not in network._layer_activations and schedule.state.batch_size == 1
                 and schedule.state.factors == NULL)
        in_step = (schedule.state.n_samples == first.state.n_samples and schedule.state.max_steps == first.state.max_steps
                   and schedule.state.steps == first.state.steps and schedule.state.position == 0
                   and schedule.state.in_batch == 0)
        if not (same_shape and plain and in_step):
            raise ValueError("these schedules cannot share lanes: the networks must have one shape and train on the "
                             "plain path, the schedules the same data length and steps, at an epoch's start")
        return 0

    cdef object _interleaved(self, int field, Py_ssize_t n):
        """The networks' ``field`` buffers (WEIGHTS, CHANGES or BIASES) side by side: value ``v`` of lane ``i`` at ``[v, i]``."""
        cdef NetworkCore network
        result = np.empty((n, len(self._networks)), dtype=self._dtype)
        for i, network in enumerate(self._networks):
            with network._lock:
                buffer = network._weights if field == WEIGHTS else network._changes if field == CHANGES else network._biases
                result[:, i] = buffer
        return result

    def advance(self, Py_ssize_t max_epochs):
        """Train every running lane for at most ``max_epochs`` whole epochs, without the GIL.

        Returns
        -------
        str
            "budget" (lanes still running), "done" (none running) or
            "errors_full" (flush the schedules' errors first: :meth:`mark` does).
        """
        cdef Py_ssize_t i, L = self.lanes.n_lanes
        cdef NetworkCore network
        cdef long long[::1] before = self._steps_before
        cdef void* scratch = _data(self._scratch)
        cdef int status, dtype = (<NetworkCore>self._networks[0]).net.dtype
        for i in range(L):
            before[i] = self._pointers[i].steps
        with nogil:
            status = kernels.by_dtype[dtype].run_lanes(&self.lanes, max_epochs, scratch)
        self.last_steps = 0
        for i in range(L):
            network = self._networks[i]
            with network._lock:
                network._count_steps(self._pointers[i].steps - before[i])
            self.last_steps += self._pointers[i].steps - before[i]
        return LOOP_STATUS[status]

    def statuses(self):
        """Per lane: None while it runs, else why it stopped ("done", "error_threshold", "diverged", "handed_off")."""
        return [None if code == LANE_RUNNING else "handed_off" if code == LOOP_BUDGET else LOOP_STATUS[code]
                for code in self._status]

    def finite_lanes(self):
        """Per lane: True when every weight, change and bias of the lane is finite."""
        return (np.isfinite(self._weights).all(axis=0) & np.isfinite(self._changes).all(axis=0)
                & np.isfinite(self._biases).all(axis=0)).tolist()

    def mark(self):
        """Remember every lane's state and its schedule's (flushing the epoch errors), for :meth:`rewind`."""
        cdef Py_ssize_t i
        cdef FitSchedule schedule
        for i, schedule in enumerate(self.schedules):
            schedule.flush_errors()
            self._saved_states[i] = self._pointers[i][0]
            self._saved_permutations[i] = schedule._pinned_permutation
            self._saved_iterations[i] = (<NetworkCore>self._networks[i])._iterations
        np.copyto(self._saved_weights, self._weights)
        np.copyto(self._saved_changes, self._changes)
        np.copyto(self._saved_biases, self._biases)

    def rewind(self, Py_ssize_t lane):
        """Put lane ``lane``'s network and schedule back to the last :meth:`mark` and take it out of the group.

        The schedule then goes on alone (:meth:`FitSchedule.advance`) exactly
        as it would have from that point.
        """
        cdef FitSchedule schedule = self.schedules[lane]
        cdef NetworkCore network = self._networks[lane]
        self._status[lane] = LOOP_BUDGET  # "handed_off"
        self._copy_lane(lane, self._saved_weights, self._saved_changes, self._saved_biases)
        self._clear(lane)
        with schedule._lock:
            schedule.state = self._saved_states[lane]
        np.asarray(schedule._pinned_permutation)[:] = self._saved_permutations[lane]
        with network._lock:
            network._iterations = self._saved_iterations[lane]

    def write_back(self, Py_ssize_t lane):
        """Copy lane ``lane``'s weights, changes, biases, outputs and deltas into its network, and clear the lane.

        Call it once a lane stopped, before the next :meth:`advance`: the lane
        loop goes on computing in every lane (cleared, a lane stays at zero).
        """
        self._copy_lane(lane, self._weights, self._changes, self._biases)
        cdef NetworkCore network = self._networks[lane]
        outputs = np.ascontiguousarray(self._outputs[:, lane])
        deltas = np.ascontiguousarray(self._deltas[:, lane])
        with network._lock:
            memcpy(network.net.outputs, _data(outputs), outputs.nbytes)
            memcpy(network.net.deltas, _data(deltas), deltas.nbytes)
        self._clear(lane)

    cdef int _clear(self, Py_ssize_t lane) except -1:
        """Zeros in a lane that left the group, so that the loop's work on it stays finite and normal."""
        if self._status[lane] == LANE_RUNNING:
            self._status[lane] = LOOP_BUDGET  # "handed_off": the lane takes no more samples
        for buffer in (self._weights, self._changes, self._biases, self._outputs, self._deltas):
            buffer[:, lane] = 0
        self._rates[lane] = 0
        self._momenta[lane] = 0
        return 0

    cdef int _copy_lane(self, Py_ssize_t lane, object weights, object changes, object biases) except -1:
        cdef NetworkCore network = self._networks[lane]
        w = np.ascontiguousarray(weights[:, lane])
        c = np.ascontiguousarray(changes[:, lane])
        b = np.ascontiguousarray(biases[:, lane])
        with network._lock:
            memcpy(network.net.weights, _data(w), w.nbytes)
            memcpy(network.net.changes, _data(c), c.nbytes)
            memcpy(network.net.biases, _data(b), b.nbytes)
            network.net.magnitude_bound = -1.0
        return 0
