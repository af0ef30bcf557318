# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False, freethreading_compatible=True
"""Compiled core of nncore: the parameter buffers of a network and the training loop.

``NetworkCore`` owns contiguous float64 buffers and exposes the per-sample
API (``train``, ``activate``, ``run``) with its own fast input checks, plus
the entry points the Python layer (``nncore.network``) builds on.  Every
entry point validates what it receives before a kernel from ``_kernels.pxd``
runs; the kernels themselves trust their input.
"""

cimport cython
from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.long cimport PyLong_AsDouble
from cpython.buffer cimport PyObject_CheckBuffer, PyObject_GetBuffer, PyBuffer_Release, PyBUF_ANY_CONTIGUOUS, PyBUF_FORMAT, PyBUF_ND
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.math cimport isfinite
from libc.stdint cimport uint64_t
from libc.string cimport memcpy

from _kernels cimport (
    Net, Schedule, forward, set_inputs, train_step, run_schedule,
    SIGMOID, TANH, RELU, LEAKY_RELU, SEQUENTIAL, SHUFFLE, RANDOM,
    LOOP_BUDGET, LOOP_DONE, LOOP_EPOCH_END, LOOP_THRESHOLD, LOOP_DIVERGED, LOOP_ERRORS_FULL,
)

import threading

import numpy as np

from nncore._checks import as_float_array, check_rate, describe
from nncore.exceptions import DivergenceError

ACTIVATIONS = {"sigmoid": SIGMOID, "tanh": TANH, "relu": RELU, "leaky_relu": LEAKY_RELU}
ORDERS = {"sequential": SEQUENTIAL, "shuffle": SHUFFLE, "random": RANDOM}
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
        except (TypeError, ValueError):
            raise TypeError(f"{name} must contain real numbers, got {describe(item)} at index {k}") from None
        except OverflowError:
            raise ValueError(f"{name} must be finite, got a number too large for a float at index {k}") from None
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
        for k in range(n):
            _read_number(as_list[k], dest + k, k, n, name)
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


cdef class NetworkCore:
    """Parameter buffers and the compiled per-sample API of a network.

    Not meant to be built directly: ``nncore.Network`` subclasses it, checks
    its arguments and calls :meth:`_allocate`.

    Every entry point does its C-level work under the network's own lock
    (``_lock``), which is never held while Python code runs, so calls from
    many threads, on a free-threaded CPython too, never interleave inside a
    step, a forward pass or a parameter copy.  The pair ``activate`` then
    ``run`` is two calls, not one: another thread may act in between.
    """
    cdef Net net
    cdef Py_ssize_t[::1] _sizes
    cdef Py_ssize_t[::1] _weight_offset
    cdef Py_ssize_t[::1] _neuron_offset
    cdef int[::1] _activation
    cdef readonly object _weights
    cdef readonly object _changes
    cdef readonly object _biases
    cdef readonly object _outputs
    cdef readonly object _deltas
    # The memory behind ``net``'s raw pointers, held for the network's lifetime.
    cdef double[::1] _pinned_weights, _pinned_changes, _pinned_biases, _pinned_outputs, _pinned_deltas
    cdef long long _iterations
    cdef bint _allocated
    cdef bint _fitting               # set by fit, which holds _operation_lock meanwhile
    cdef readonly object _operation_lock  # held across whole operations (a fit, a save, a snapshot)
    cdef cython.pymutex _lock

    def _allocate(self, sizes, activations, double leaky_relu_alpha):
        """Allocate zeroed buffers for layer ``sizes`` (checked by the caller)."""
        cdef Py_ssize_t n_layers = len(sizes), l
        if self._allocated:
            raise RuntimeError("the network's buffers are already allocated")
        self._sizes = np.asarray(sizes, dtype=np.intp)
        self._weight_offset = np.zeros(n_layers + 1, dtype=np.intp)
        self._neuron_offset = np.zeros(n_layers + 1, dtype=np.intp)
        self._activation = np.zeros(n_layers, dtype=np.intc)
        for l in range(n_layers):
            self._neuron_offset[l + 1] = self._neuron_offset[l] + self._sizes[l]
            if l > 0:
                self._weight_offset[l + 1] = self._weight_offset[l] + self._sizes[l] * self._sizes[l - 1]
                self._activation[l] = ACTIVATIONS[activations[l - 1]]
            else:
                self._weight_offset[1] = 0
        n_weights = self._weight_offset[n_layers]
        n_neurons = self._neuron_offset[n_layers]
        # The arrays that own the memory are reachable only through the pinned
        # views; Python sees views of them, which cannot move or free it.
        self._pinned_weights = np.zeros(n_weights, dtype=np.float64)
        self._pinned_changes = np.zeros(n_weights, dtype=np.float64)
        self._pinned_biases = np.zeros(n_neurons, dtype=np.float64)
        self._pinned_outputs = np.zeros(n_neurons, dtype=np.float64)
        self._pinned_deltas = np.zeros(n_neurons, dtype=np.float64)
        self._weights = self._pinned_weights.base[:]
        self._changes = self._pinned_changes.base[:]
        self._biases = self._pinned_biases.base[:]
        self._outputs = self._pinned_outputs.base[:]
        self._deltas = self._pinned_deltas.base[:]
        self._operation_lock = threading.RLock()
        self.net.n_layers = n_layers
        self.net.sizes = &self._sizes[0]
        self.net.weight_offset = &self._weight_offset[0]
        self.net.neuron_offset = &self._neuron_offset[0]
        self.net.activation = &self._activation[0]
        self.net.leaky_relu_alpha = leaky_relu_alpha
        self.net.weights = &self._pinned_weights[0]
        self.net.changes = &self._pinned_changes[0]
        self.net.biases = &self._pinned_biases[0]
        self.net.outputs = &self._pinned_outputs[0]
        self.net.deltas = &self._pinned_deltas[0]
        self._allocated = True

    cdef int _check_ready(self) except -1:
        if not self._allocated:
            raise RuntimeError("the network is not initialised; build it with nncore.Network(sizes)")
        return 0

    # ------------------------------------------------------------ hyper-parameters

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
        with self._lock:
            self.net.momentum = rate

    @property
    def iterations(self):
        """Number of per-sample training steps taken so far."""
        cdef long long iterations
        with self._lock:
            iterations = self._iterations
        return iterations

    @property
    def leaky_relu_alpha(self):
        """Slope of ``leaky_relu`` for negative inputs."""
        return self.net.leaky_relu_alpha

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
            The sample's error before the update, ``0.5 * sum((target - output)**2)``.

        Raises
        ------
        ValueError, TypeError
            If ``input`` or ``target`` has the wrong length or type, or a value
            that is not finite. The network is left unchanged.
        nncore.DivergenceError
            If the error of the step is not finite (training has diverged). The
            weights are left as they were before the step.
        """
        self._check_ready()
        cdef Py_ssize_t n_in = self.net.sizes[0], n_out = self.net.sizes[self.net.n_layers - 1]
        cdef double on_stack[STACK_SAMPLE_VALUES]
        cdef double* sample = _sample_buffer(on_stack, n_in + n_out)
        cdef double error
        try:
            _read_vector(input, sample, n_in, "input")
            _read_vector(target, sample + n_in, n_out, "target")
            if not self._step_unless_fitting(sample, n_in, &error):
                # Another thread's fit owns the network: wait for it to finish
                # (the same thread, from a callback, goes straight through).
                with self._operation_lock:
                    self._step_unless_fitting(sample, n_in, &error, True)
        finally:
            if sample != on_stack:
                PyMem_Free(sample)
        if not isfinite(error):
            raise DivergenceError(
                f"training diverged: the sample error is {error!r}; the weights were not updated "
                f"(try a smaller learning_rate, now {self.net.learning_rate!r})")
        return error

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
        cdef double* sample = _sample_buffer(on_stack, n_in)
        try:
            _read_vector(input, sample, n_in, "input")
            with self._lock:
                set_inputs(&self.net, sample)
        finally:
            if sample != on_stack:
                PyMem_Free(sample)

    def run(self):
        """Forward pass from the inputs set by :meth:`activate`.

        Returns
        -------
        numpy.ndarray
            The outputs of the last layer, shape ``(sizes[-1],)``.
        """
        self._check_ready()
        cdef Py_ssize_t last = self.net.n_layers - 1
        with self._lock:
            forward(&self.net)
            start = self.net.neuron_offset[last]
            return np.array(self._pinned_outputs[start:start + self.net.sizes[last]])

    def _forward_rows(self, const double[:, ::1] rows not None):
        """Outputs for each row of a checked ``(n, sizes[0])`` float64 array."""
        self._check_ready()
        cdef Py_ssize_t i, n = rows.shape[0], n_in = self.net.sizes[0]
        cdef Py_ssize_t last = self.net.n_layers - 1, n_out = self.net.sizes[last]
        if rows.shape[1] != n_in:
            raise ValueError(f"rows must have {n_in} columns, got {rows.shape[1]}")
        result = np.empty((n, n_out), dtype=np.float64)
        cdef double[:, ::1] out = result
        cdef const double* last_outputs = self.net.outputs + self.net.neuron_offset[last]
        if n == 0:
            return result
        with nogil, self._lock:
            for i in range(n):
                set_inputs(&self.net, &rows[i, 0])
                forward(&self.net)
                memcpy(&out[i, 0], last_outputs, n_out * sizeof(double))
        return result

    # ------------------------------------------------------------ state access for the Python layer

    cdef bint _step_unless_fitting(self, const double* sample, Py_ssize_t n_in, double* error,
                                   bint inside_fit=False) noexcept:
        """One step, unless a fit is running and ``inside_fit`` is false; True if it stepped."""
        with self._lock:
            if self._fitting and not inside_fit:
                return False
            error[0] = train_step(&self.net, sample, sample + n_in)
            if isfinite(error[0]):
                self._iterations += 1
        return True

    def _begin_fit(self):
        """Mark the network as trained by ``fit``: ``train`` from other threads waits until :meth:`_end_fit`."""
        with self._lock:
            self._fitting = True

    def _end_fit(self):
        with self._lock:
            self._fitting = False

    def _set_iterations(self, long long value):
        with self._lock:
            self._iterations = value

    def _read_parameters(self):
        """Copies of the flat (weights, biases, changes) buffers, taken under the lock."""
        self._check_ready()
        with self._lock:
            return np.array(self._pinned_weights), np.array(self._pinned_biases), np.array(self._pinned_changes)

    def _write_parameters(self, const double[::1] weights not None, const double[::1] biases not None,
                          const double[::1] changes not None):
        """Replace all parameters at once from checked flat float64 arrays."""
        self._check_ready()
        if (weights.shape[0] != self._pinned_weights.shape[0] or changes.shape[0] != self._pinned_changes.shape[0]
                or biases.shape[0] != self._pinned_biases.shape[0]):
            raise ValueError("parameter arrays do not match the network's layout")
        with self._lock:
            memcpy(self.net.weights, &weights[0], weights.shape[0] * sizeof(double))
            memcpy(self.net.changes, &changes[0], changes.shape[0] * sizeof(double))
            memcpy(self.net.biases, &biases[0], biases.shape[0] * sizeof(double))

    def _all_finite(self):
        """True when every weight, bias and momentum value is finite."""
        cdef bint finite
        with self._lock:
            finite = (_all_values_finite(self.net.weights, self._pinned_weights.shape[0])
                      and _all_values_finite(self.net.changes, self._pinned_changes.shape[0])
                      and _all_values_finite(self.net.biases, self._pinned_biases.shape[0]))
        return finite

    def _fit_steps(self, FitSchedule schedule not None, long long budget):
        """Run the compiled data-set loop for at most ``budget`` steps; see :class:`FitSchedule`."""
        self._check_ready()
        if schedule.n_inputs != self.net.sizes[0] or schedule.n_outputs != self.net.sizes[self.net.n_layers - 1]:
            raise ValueError("the schedule's data does not fit this network")
        cdef long long steps_before
        cdef int status
        with nogil, schedule._lock:
            with self._lock:
                steps_before = schedule.state.steps
                status = run_schedule(&self.net, &schedule.state, budget)
                self._iterations += schedule.state.steps - steps_before
        return LOOP_STATUS[status]


cdef class FitSchedule:
    """The state of one ``fit`` call: data, sample order, counters and per-epoch errors.

    The data arrays must be C-contiguous float64 and already checked (finite,
    matching shapes); :meth:`nncore.Network.fit` prepares them.  The whole
    state can be copied with :meth:`snapshot` and put back with
    :meth:`restore`, which makes a stretch of training exactly repeatable.
    """
    cdef Schedule state
    cdef readonly object inputs
    cdef readonly object targets
    cdef cython.pymutex _lock        # one fit at a time may advance this schedule
    cdef object _epoch_errors        # errors since the last flush (fixed size)
    cdef list _flushed_errors       # earlier errors, as arrays
    cdef bint _keep_errors
    cdef readonly Py_ssize_t n_inputs
    cdef readonly Py_ssize_t n_outputs
    # Views held as long as the schedule: the arrays behind ``state``'s raw
    # pointers cannot be resized or freed meanwhile.
    cdef const double[:, ::1] _pinned_inputs, _pinned_targets
    cdef Py_ssize_t[::1] _pinned_permutation
    cdef double[::1] _pinned_errors

    def __init__(self, inputs, targets, str order, uint64_t seed, long long max_steps,
                 double error_threshold=-1.0, Py_ssize_t report_every=0, bint keep_errors=True):
        self._pinned_inputs = inputs
        self._pinned_targets = targets
        cdef const double[:, ::1] x = self._pinned_inputs
        cdef const double[:, ::1] y = self._pinned_targets
        if x.shape[0] != y.shape[0] or x.shape[0] == 0 or x.shape[1] == 0 or y.shape[1] == 0:
            raise ValueError("inputs and targets must have the same, non-zero number of rows, and columns")
        if order not in ORDERS:
            raise ValueError(f"order must be one of {sorted(ORDERS)}, got {order!r}")
        if max_steps < 0 or report_every < 0:
            raise ValueError("max_steps and report_every must be >= 0")
        self.inputs = inputs
        self.targets = targets
        self.n_inputs = x.shape[1]
        self.n_outputs = y.shape[1]
        n = x.shape[0]
        permutation = np.arange(n, dtype=np.intp)
        self._epoch_errors = np.zeros(min(EPOCH_ERRORS_CAPACITY, max(1, (max_steps + n - 1) // n)),
                                      dtype=np.float64)
        self._flushed_errors = []
        self._keep_errors = keep_errors
        self.state.inputs = &x[0, 0]
        self.state.targets = &y[0, 0]
        self.state.n_samples = n
        self.state.order = ORDERS[order]
        self.state.rng = seed
        self._pinned_permutation = permutation
        self._pinned_errors = self._epoch_errors
        self.state.permutation = &self._pinned_permutation[0]
        self.state.epoch_errors = &self._pinned_errors[0]
        self.state.epoch_errors_capacity = self._epoch_errors.shape[0]
        self.state.last_epoch_error = float("nan")
        self.state.max_steps = max_steps
        self.state.error_threshold = error_threshold
        self.state.report_every = report_every

    @property
    def steps(self):
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

    def snapshot(self):
        """Counters, generator state and permutation, to hand back to :meth:`restore`."""
        self.flush_errors()
        return (self.state.rng, self.state.steps, self.state.position, self.state.epochs,
                self.state.error_sum, self.state.last_epoch_error, self.permutation,
                len(self._flushed_errors))

    def restore(self, saved):
        """Return to a :meth:`snapshot`; the errors of later epochs are dropped."""
        rng, steps, position, epochs, error_sum, last_error, permutation, n_flushed = saved
        permutation = np.asarray(permutation, dtype=np.intp)
        n = self.state.n_samples
        if not (0 <= position < n and 0 <= steps <= self.state.max_steps and 0 <= epochs
                and permutation.shape == (n,) and np.array_equal(np.sort(permutation), np.arange(n))
                and 0 <= n_flushed <= len(self._flushed_errors)):
            raise ValueError("not a snapshot of this schedule")
        self.flush_errors()
        kept = self._flushed_errors[:n_flushed]
        self._flushed_errors[:] = kept
        self.state.rng = rng
        self.state.steps = steps
        self.state.position = position
        self.state.epochs = epochs
        self.state.epochs_flushed = epochs
        self.state.error_sum = error_sum
        self.state.last_epoch_error = last_error
        np.asarray(self._pinned_permutation)[:] = permutation


cdef bint _all_values_finite(const double* values, Py_ssize_t n) noexcept nogil:
    # x * 0.0 is 0 for every finite x and NaN for NaN and +-inf, so the sum is
    # NaN exactly when a value is not finite (and it cannot overflow).
    cdef double total = 0.0
    cdef Py_ssize_t i
    for i in range(n):
        total += values[i] * 0.0
    return total == 0.0
