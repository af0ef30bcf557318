# Part of nncore._core, included by src/_core.pyx: FitSchedule, one fit call's data, order and counters.


cdef tuple _schedule_checkpoint(Schedule* state, object permutation, Py_ssize_t n_flushed):
    """The schedule's part of a :meth:`FitSchedule.checkpoint`: ``state``'s counters, a copy of its sample
    ``permutation`` and how many arrays of epoch errors it had flushed."""
    return (state.rng, state.steps, state.position, state.epochs, state.error_sum, state.last_epoch_error,
            permutation, n_flushed)


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
        self._begin(network, inputs, targets, ORDER_CODES[order], seed, max_steps, error_threshold, report_every,
                    keep_errors, batch_size)

    cdef int _begin(self, NetworkCore network, object inputs, object targets, int order, uint64_t seed,
                    long long max_steps, double error_threshold, Py_ssize_t report_every, bint keep_errors,
                    Py_ssize_t batch_size) except -1:
        """Set the schedule at its start, on checked arguments whose data (and factors) are pinned already."""
        cdef Py_ssize_t n = inputs.shape[0]
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
        self.state.order = order
        self.state.rng = seed
        self.state.permutation = &self._pinned_permutation[0]
        self.state.epoch_errors = &self._pinned_errors[0]
        self.state.epoch_errors_capacity = self._epoch_errors.shape[0]
        self.state.last_epoch_error = float("nan")
        self.state.max_steps = max_steps
        self.state.error_threshold = error_threshold
        self.state.report_every = report_every
        self.state.batch_size = batch_size
        return 0

    def alike(self, NetworkCore network not None, uint64_t seed):
        """A schedule of ``network`` on this schedule's data and settings, from the start, with its own ``seed``.

        ``network`` must have this schedule's network's sizes and dtype (the
        data, checked once, then fits it): many networks' schedules on one
        data set (a lane group's) are made without checking the data again.
        """
        network._check_ready()
        if network._layer_sizes != self.network._layer_sizes or network._dtype != self.network._dtype:
            raise ValueError(f"a schedule alike is for a network of sizes {list(self.network._layer_sizes)} and "
                             f"dtype {self.network._dtype}, got {list(network._layer_sizes)} and {network._dtype}")
        if network.net.optimizer == RPROP and self.state.batch_size != self.state.n_samples:
            raise ValueError("optimizer='rprop' trains on whole batches: batch_size must be None")
        cdef FitSchedule schedule = FitSchedule.__new__(FitSchedule)
        schedule._pinned_inputs = self._pinned_inputs
        schedule._pinned_targets = self._pinned_targets
        if self.state.factors != NULL:
            schedule._pinned_factors = self._pinned_factors
            schedule.state.factors = &schedule._pinned_factors[0]
        schedule._begin(network, self.inputs, self.targets, self.state.order, seed, self.state.max_steps,
                        self.state.error_threshold, self.state.report_every, self._keep_errors, self.state.batch_size)
        return schedule

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
                self.state.general = not plain_path(&network.net, self.state.batch_size, self.state.factors != NULL)
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
        return self.network._snapshot(), _schedule_checkpoint(&self.state, self.permutation, len(self._flushed_errors))

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
