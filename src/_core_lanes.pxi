# Part of nncore._core, included by src/_core.pyx: LaneGroup, many networks' fits side by side in SIMD lanes.

from libc.string cimport memset


cdef inline void _copy_values(char* into, Py_ssize_t into_step, const char* source, Py_ssize_t source_step,
                              Py_ssize_t n, size_t itemsize) noexcept nogil:
    """Copy ``n`` values of ``itemsize`` bytes, each ``source_step`` bytes after the last, to each ``into_step``
    bytes after the last: a lane of a buffer laid out by blocks (step: a block's width) from or to a network's."""
    cdef Py_ssize_t k
    for k in range(n):
        memcpy(into + k * into_step, source + k * source_step, itemsize)


def first_layers(list networks not None):
    """The weights ``(len(networks), sizes[1], sizes[0])`` and biases ``(len(networks), sizes[1])`` of the first
    layer after the inputs of every network, copied; the networks share that layer's widths and their dtype."""
    cdef NetworkCore network, model = networks[0]
    cdef Py_ssize_t i, n_in = model.net.sizes[0], width = model.net.sizes[1], itemsize = model._dtype.itemsize
    weights = np.empty((len(networks), width, n_in), dtype=model._dtype)
    biases = np.empty((len(networks), width), dtype=model._dtype)
    cdef char* w = <char*>_data(weights)
    cdef char* b = <char*>_data(biases)
    for i, network in enumerate(networks):
        network._check_ready()
        if network.net.sizes[0] != n_in or network.net.sizes[1] != width or network.net.dtype != model.net.dtype:
            raise ValueError("the networks' first layers must have one shape and dtype")
        with network._lock:
            memcpy(w + i * width * n_in * itemsize,
                   <char*>network.net.weights + network.net.weight_offset[1] * itemsize, width * n_in * itemsize)
            memcpy(b + i * width * itemsize,
                   <char*>network.net.biases + network.net.neuron_offset[1] * itemsize, width * itemsize)
    return weights, biases


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
    cdef Schedule* _start_states
    cdef readonly list schedules
    cdef list _networks
    cdef object _dtype
    cdef Py_ssize_t _width, _itemsize, _n_weights, _n_neurons
    cdef object _weights, _changes, _biases, _outputs, _deltas, _rates, _momenta, _status, _scratch
    cdef object _parked_weights, _parked_changes, _parked_biases, _parked_outputs, _parked_deltas
    cdef object _saved_weights, _saved_changes, _saved_biases, _saved_permutations, _saved_iterations
    cdef object _start_weights, _start_changes, _start_biases, _start_permutations
    cdef list _start_iterations, _start_flushed
    cdef object _steps_before
    cdef readonly long long last_steps
    """Steps taken by all lanes together in the last :meth:`advance`."""

    def __cinit__(self):
        self._pointers = NULL
        self._saved_states = NULL
        self._start_states = NULL

    def __dealloc__(self):
        PyMem_Free(self._pointers)
        PyMem_Free(self._saved_states)
        PyMem_Free(self._start_states)

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
        self._width = LANES64 if model.net.dtype == FLOAT64 else LANES32
        cdef Py_ssize_t W = self._width, n_blocks = (L + W - 1) // W
        cdef Py_ssize_t n_weights = model.net.weight_offset[model.net.n_layers]
        cdef Py_ssize_t n_neurons = model.net.neuron_offset[model.net.n_layers]
        cdef Py_ssize_t n_out = model.net.sizes[model.net.n_layers - 1]
        self._itemsize, self._n_weights, self._n_neurons = self._dtype.itemsize, n_weights, n_neurons
        self._weights = self._interleaved(WEIGHTS, n_blocks, n_weights)
        self._changes = self._interleaved(CHANGES, n_blocks, n_weights)
        self._biases = self._interleaved(BIASES, n_blocks, n_neurons)
        self._outputs = _aligned_zeros(n_blocks * n_neurons * W, self._dtype).reshape(n_blocks, n_neurons, W)
        self._deltas = _aligned_zeros(n_blocks * n_neurons * W, self._dtype).reshape(n_blocks, n_neurons, W)
        self._rates = _aligned_zeros(n_blocks * W, self._dtype).reshape(n_blocks, W)
        self._momenta = _aligned_zeros(n_blocks * W, self._dtype).reshape(n_blocks, W)
        self._rates.reshape(-1)[:L] = [(<NetworkCore>net).net.learning_rate for net in self._networks]
        self._momenta.reshape(-1)[:L] = [(<NetworkCore>net).net.momentum for net in self._networks]
        self._status = np.full(L, LANE_RUNNING, dtype=np.intc)
        self._scratch = _aligned_zeros(n_out * W, self._dtype)
        self._parked_weights = np.zeros((L, n_weights), dtype=self._dtype)
        self._parked_changes = np.zeros((L, n_weights), dtype=self._dtype)
        self._parked_biases = np.zeros((L, n_neurons), dtype=self._dtype)
        self._parked_outputs = np.zeros((L, n_neurons), dtype=self._dtype)
        self._parked_deltas = np.zeros((L, n_neurons), dtype=self._dtype)
        self._saved_weights = np.empty_like(self._weights)
        self._saved_changes = np.empty_like(self._changes)
        self._saved_biases = np.empty_like(self._biases)
        self._saved_permutations = np.empty((L, first.state.n_samples), dtype=np.intp)
        self._saved_iterations = np.zeros(L, dtype=np.int64)
        self._steps_before = np.zeros(L, dtype=np.int64)
        self._pointers = <Schedule**>PyMem_Malloc(L * sizeof(Schedule*))
        self._saved_states = <Schedule*>PyMem_Malloc(L * sizeof(Schedule))
        self._start_states = <Schedule*>PyMem_Malloc(L * sizeof(Schedule))
        if self._pointers == NULL or self._saved_states == NULL or self._start_states == NULL:
            raise MemoryError()
        for i in range(L):
            self._pointers[i] = &(<FitSchedule>schedules[i]).state
        # the start of every lane, for a lane that goes on alone (start_checkpoint)
        self._start_weights, self._start_changes, self._start_biases = (
            self._weights.copy(), self._changes.copy(), self._biases.copy())
        self._start_permutations = np.empty_like(self._saved_permutations)
        self._start_iterations = [None] * L
        self._start_flushed = [None] * L
        self._remember(self._start_states, self._start_permutations, self._start_iterations)
        for i in range(L):
            self._start_flushed[i] = len((<FitSchedule>schedules[i])._flushed_errors)
        self.lanes.n_lanes = L
        self.lanes.n_blocks = n_blocks
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
        self.lanes.status = <int*>_data(self._status)
        self.lanes.schedules = self._pointers
        self.lanes.parked_weights = _data(self._parked_weights)
        self.lanes.parked_changes = _data(self._parked_changes)
        self.lanes.parked_biases = _data(self._parked_biases)
        self.lanes.parked_outputs = _data(self._parked_outputs)
        self.lanes.parked_deltas = _data(self._parked_deltas)

    cdef int _check_lane(self, FitSchedule schedule, FitSchedule first) except -1:
        """Refuse a schedule whose network or data cannot share lanes with ``first``'s."""
        cdef NetworkCore network = schedule.network, model = first.network
        same_shape = network is model or (
            network._layer_sizes == model._layer_sizes and network._layer_activations == model._layer_activations
            and network.net.dtype == model.net.dtype and network.net.leaky_relu_alpha == model.net.leaky_relu_alpha)
        plain = network.takes_lanes(schedule.state.batch_size, schedule.state.factors != NULL)
        in_step = (schedule.state.n_samples == first.state.n_samples
                   and schedule.state.max_steps == first.state.max_steps
                   and schedule.state.steps == first.state.steps and schedule.state.position == 0
                   and schedule.state.in_batch == 0)
        if not (same_shape and plain and in_step):
            raise ValueError("these schedules cannot share lanes: the networks must have one shape and train on the "
                             "plain path, the schedules the same data length and steps, at an epoch's start")
        return 0

    cdef object _lane(self, object values, Py_ssize_t lane):
        """Lane ``lane``'s values in a buffer laid out by blocks (a strided view)."""
        return values[lane // self._width, :, lane % self._width]

    cdef char* _lane_at(self, void* values, Py_ssize_t n, Py_ssize_t lane) noexcept:
        """The address of lane ``lane``'s first value in a buffer of ``n`` values a lane laid out by blocks
        (the next values are a block's width apart)."""
        cdef Py_ssize_t W = self._width
        return <char*>values + ((lane // W) * n * W + lane % W) * self._itemsize

    cdef object _interleaved(self, int field, Py_ssize_t n_blocks, Py_ssize_t n):
        """The networks' ``field`` buffers (WEIGHTS, CHANGES or BIASES) by blocks of lanes, zeros in idle lanes."""
        cdef NetworkCore network
        cdef Py_ssize_t i, itemsize = self._itemsize
        cdef void* buffer
        result = _aligned_zeros(n_blocks * n * self._width, self._dtype).reshape(n_blocks, n, self._width)
        cdef void* values = _data(result)
        for i, network in enumerate(self._networks):
            with network._lock:
                if field == WEIGHTS:
                    buffer = network.net.weights
                else:
                    buffer = network.net.changes if field == CHANGES else network.net.biases
                _copy_values(self._lane_at(values, n, i), self._width * itemsize, <char*>buffer, itemsize, n, itemsize)
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
        """Per lane: True when every weight, change and bias of the lane is finite (as it stopped, for a lane that
        stopped)."""
        cdef Py_ssize_t lane, n_weights = self._n_weights, n_neurons = self._n_neurons, itemsize = self._itemsize
        cdef Py_ssize_t step = self._width * itemsize
        cdef int[::1] status = self._status
        finite = []
        for lane in range(self.lanes.n_lanes):
            if status[lane] == LANE_RUNNING:
                finite.append(self._finite(self._lane_at(self.lanes.weights, n_weights, lane), n_weights, step)
                              and self._finite(self._lane_at(self.lanes.changes, n_weights, lane), n_weights, step)
                              and self._finite(self._lane_at(self.lanes.biases, n_neurons, lane), n_neurons, step))
            else:
                finite.append(
                    self._finite(<char*>self.lanes.parked_weights + lane * n_weights * itemsize, n_weights, itemsize)
                    and self._finite(<char*>self.lanes.parked_changes + lane * n_weights * itemsize, n_weights,
                                     itemsize)
                    and self._finite(<char*>self.lanes.parked_biases + lane * n_neurons * itemsize, n_neurons,
                                     itemsize))
        return finite

    cdef bint _finite(self, const char* values, Py_ssize_t n, Py_ssize_t step) noexcept:
        """True when the ``n`` values from ``values`` on, ``step`` bytes apart, are all finite."""
        cdef Py_ssize_t k
        if self._itemsize == sizeof(double):
            for k in range(n):
                if not isfinite((<const double*>(values + k * step))[0]):
                    return False
        else:
            for k in range(n):
                if not isfinite((<const float*>(values + k * step))[0]):
                    return False
        return True

    def mark(self):
        """Remember every lane's state and its schedule's (flushing the epoch errors), for :meth:`rewind`."""
        self._remember(self._saved_states, self._saved_permutations, self._saved_iterations)
        np.copyto(self._saved_weights, self._weights)
        np.copyto(self._saved_changes, self._changes)
        np.copyto(self._saved_biases, self._biases)

    cdef int _remember(self, Schedule* states, object permutations, object iterations) except -1:
        """Copy every schedule's state, permutation and network's step count (flushing the epoch errors)."""
        cdef Py_ssize_t i, n = self._pointers[0].n_samples
        cdef Py_ssize_t[:, ::1] into = permutations
        cdef FitSchedule schedule
        for i, schedule in enumerate(self.schedules):
            schedule.flush_errors()
            states[i] = self._pointers[i][0]
            memcpy(&into[i, 0], states[i].permutation, n * sizeof(Py_ssize_t))
            iterations[i] = (<NetworkCore>self._networks[i])._iterations
        return 0

    def start_checkpoint(self, Py_ssize_t lane):
        """Lane ``lane``'s :meth:`FitSchedule.checkpoint` as the group found it when it was made.

        A training that goes on alone takes it as its start
        (``nncore._fitting.Training.start_from``): it is what a
        checkpoint of the lane's schedule taken then would have been.
        """
        cdef NetworkCore network = self._networks[lane]
        _, _, learning_rate, momentum, optimizer_state = network._snapshot()  # the lanes do not change these
        layers = network._per_layer(np.ascontiguousarray(self._lane(self._start_weights, lane)),
                                    np.ascontiguousarray(self._lane(self._start_biases, lane)),
                                    np.ascontiguousarray(self._lane(self._start_changes, lane)))
        network_state = (layers, self._start_iterations[lane], learning_rate, momentum, optimizer_state)
        permutation = np.array(self._start_permutations[lane])
        return network_state, _schedule_checkpoint(&self._start_states[lane], permutation, self._start_flushed[lane])

    def rewind(self, Py_ssize_t lane):
        """Put lane ``lane``'s network and schedule back to the last :meth:`mark` and take it out of the group.

        The schedule then goes on alone (:meth:`FitSchedule.advance`) exactly
        as it would have from that point.
        """
        cdef FitSchedule schedule = self.schedules[lane]
        cdef NetworkCore network = self._networks[lane]
        self._status[lane] = LOOP_BUDGET  # "handed_off"
        cdef Py_ssize_t n_weights = self._n_weights, n_neurons = self._n_neurons
        self._copy_lane(lane, self._lane_at(_data(self._saved_weights), n_weights, lane),
                        self._lane_at(_data(self._saved_changes), n_weights, lane),
                        self._lane_at(_data(self._saved_biases), n_neurons, lane), self._width * self._itemsize)
        self._clear(lane)
        with schedule._lock:
            schedule.state = self._saved_states[lane]
        np.asarray(schedule._pinned_permutation)[:] = self._saved_permutations[lane]
        with network._lock:
            network._iterations = self._saved_iterations[lane]

    def write_back(self, Py_ssize_t lane):
        """Copy lane ``lane``'s weights, changes, biases, outputs and deltas into its network, and clear the lane.

        A lane that stopped gives its values as it stopped (the loop parked
        them); a lane still running, its current ones.
        """
        cdef NetworkCore network = self._networks[lane]
        cdef Py_ssize_t n_weights = self._n_weights, n_neurons = self._n_neurons, itemsize = self._itemsize
        cdef Py_ssize_t step = self._width * itemsize
        cdef char* outputs
        cdef char* deltas
        cdef bint running = self._status[lane] == LANE_RUNNING
        if running:
            self._copy_lane(lane, self._lane_at(self.lanes.weights, n_weights, lane),
                            self._lane_at(self.lanes.changes, n_weights, lane),
                            self._lane_at(self.lanes.biases, n_neurons, lane), step)
            outputs = self._lane_at(self.lanes.outputs, n_neurons, lane)
            deltas = self._lane_at(self.lanes.deltas, n_neurons, lane)
        else:
            step = itemsize
            self._copy_lane(lane, <char*>self.lanes.parked_weights + lane * n_weights * itemsize,
                            <char*>self.lanes.parked_changes + lane * n_weights * itemsize,
                            <char*>self.lanes.parked_biases + lane * n_neurons * itemsize, step)
            outputs = <char*>self.lanes.parked_outputs + lane * n_neurons * itemsize
            deltas = <char*>self.lanes.parked_deltas + lane * n_neurons * itemsize
        with network._lock:
            _copy_values(<char*>network.net.outputs, itemsize, outputs, step, n_neurons, itemsize)
            _copy_values(<char*>network.net.deltas, itemsize, deltas, step, n_neurons, itemsize)
        if running:
            self._clear(lane)  # a parked lane is zeros already

    cdef int _clear(self, Py_ssize_t lane) except -1:
        """Zeros in a lane that left the group, so that the loop's work on it stays finite and normal."""
        cdef Py_ssize_t n_weights = self._n_weights, n_neurons = self._n_neurons
        if self._status[lane] == LANE_RUNNING:
            self._status[lane] = LOOP_BUDGET  # "handed_off": the lane takes no more samples
        self._zero(self._lane_at(self.lanes.weights, n_weights, lane), n_weights)
        self._zero(self._lane_at(self.lanes.changes, n_weights, lane), n_weights)
        self._zero(self._lane_at(self.lanes.biases, n_neurons, lane), n_neurons)
        self._zero(self._lane_at(self.lanes.outputs, n_neurons, lane), n_neurons)
        self._zero(self._lane_at(self.lanes.deltas, n_neurons, lane), n_neurons)
        self._zero(self._lane_at(self.lanes.learning_rates, 1, lane), 1)
        self._zero(self._lane_at(self.lanes.momenta, 1, lane), 1)
        return 0

    cdef void _zero(self, char* values, Py_ssize_t n) noexcept:
        """Zeros in ``n`` values of a lane from ``values`` on (a block's width apart)."""
        cdef Py_ssize_t k
        for k in range(n):
            memset(values + k * self._width * self._itemsize, 0, self._itemsize)

    cdef int _copy_lane(self, Py_ssize_t lane, char* weights, char* changes, char* biases, Py_ssize_t step) except -1:
        """Copy a lane's weights, changes and biases (values ``step`` bytes apart) into its network."""
        cdef NetworkCore network = self._networks[lane]
        cdef Py_ssize_t n_weights = self._n_weights, n_neurons = self._n_neurons, itemsize = self._itemsize
        with network._lock:
            _copy_values(<char*>network.net.weights, itemsize, weights, step, n_weights, itemsize)
            _copy_values(<char*>network.net.changes, itemsize, changes, step, n_weights, itemsize)
            _copy_values(<char*>network.net.biases, itemsize, biases, step, n_neurons, itemsize)
            network.net.magnitude_bound = -1.0
        return 0
