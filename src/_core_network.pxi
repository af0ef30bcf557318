# Part of nncore._core, included by src/_core.pyx: NetworkCore, the owner of a network's buffers.


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
    # nncore._loss_rules.loss_target_rule of the network, which train applies to each target
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
    cdef bint _narrow                 # no layer wider than SAMPLE_NARROW_WIDEST: see sample_kernels_for
    cdef int _fit_depth               # fits running (a callback may start one inside another)
    cdef object _fit_lock             # held by a running fit: other threads' writers wait on it
    # nncore.Network's input_scaling: its name or None, and its fitted offset and scale (arrays of the
    # network's dtype, None until fitted), which train, activate and the forward passes apply to every input
    cdef object _input_scaling, _input_offset, _input_scale
    cdef bint _scales_inputs
    cdef const void* _offset_data
    cdef const void* _scale_data
    cdef cython.pymutex _lock
    cdef object __weakref__           # for _NETWORKS

    def _setup(self, tuple sizes, tuple activations, double leaky_relu_alpha, str dtype="float64",
               str loss="mse", str optimizer="sgd"):
        """Allocate zeroed buffers of ``dtype`` for checked layer ``sizes``, activation names, loss and optimizer.

        The pairing of activations and loss is checked by the caller
        (``nncore._loss_rules.check_output_rules``). The optimizer's parameters
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
            self._weights = _aligned_zeros(weight_offset[n_layers], self._dtype)
            self._changes = _aligned_zeros(weight_offset[n_layers], self._dtype)
            self._biases = _aligned_zeros(neuron_offset[n_layers], self._dtype)
            self._outputs = _aligned_zeros(neuron_offset[n_layers], self._dtype)
            self._deltas = _aligned_zeros(neuron_offset[n_layers], self._dtype)
            self._batch_weights = _aligned_zeros(weight_offset[n_layers], self._dtype)
            self._batch_biases = _aligned_zeros(neuron_offset[n_layers], self._dtype)
            self._first_weights = _aligned_zeros(weight_offset[n_layers], self._dtype)
            self._first_biases = _aligned_zeros(neuron_offset[n_layers], self._dtype)
            self._second_weights = _aligned_zeros(weight_offset[n_layers], self._dtype)
            self._second_biases = _aligned_zeros(neuron_offset[n_layers], self._dtype)
            self._output_sums = np.zeros(sizes[n_layers - 1], dtype=self._dtype)
        except MemoryError:
            gib = (5 * weight_offset[n_layers] + 6 * neuron_offset[n_layers]) * self._itemsize / 2**30
            raise MemoryError(f"a network of sizes {list(sizes)} needs {gib:.3g} GiB, more than can be had") from None
        self._sizes_c = np.asarray(sizes, dtype=np.intp)
        self._weight_offset = np.asarray(weight_offset, dtype=np.intp)
        self._neuron_offset = np.asarray(neuron_offset, dtype=np.intp)
        self._activation_codes = np.asarray(codes, dtype=np.intc)
        self._layer_sizes = sizes
        self._narrow = max(sizes) <= SAMPLE_NARROW_WIDEST
        self._layer_activations = activations
        self._loss = loss
        rule = loss_target_rule(activations[n_layers - 2], loss, sizes[n_layers - 1], self._dtype)
        self._targets_ruled = rule is not None
        if rule is not None:
            self._target_lowest, self._target_highest = rule.lowest, rule.highest
            self._target_sum_tolerance = rule.sum_tolerance
        self._fit_lock = threading.RLock()
        _NETWORKS.add(self)
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
        check_in_dtype(name, value, self._dtype)
        with self._fit_lock:
            with self._lock:
                self._store_rule_parameter(name, value)

    @property
    def optimizer(self):
        """How the weights move: ``"sgd"``, ``"adam"`` or ``"rprop"`` (set when the network is built)."""
        self._check_ready()
        return OPTIMIZERS[self.net.optimizer]

    def takes_lanes(self, Py_ssize_t batch_size, bint weighted):
        """True when a fit of this network (``batch_size`` samples per update, with sample weights or not)
        may train side by side with others in a ``LaneGroup``: the plain path, ``mse``, no softmax."""
        self._check_ready()
        return (plain_path(&self.net, batch_size, weighted) and self.net.loss == MSE
                and "softmax" not in self._layer_activations)

    def _sample_simd(self):
        """The instruction-set level whose kernels train, activate, run and predict of one row use here."""
        self._check_ready()
        return SAMPLE_SIMD if self._narrow else SIMD

    cdef int _check_ready(self) except -1:
        if not self._ready:
            raise self._not_ready_error()
        return 0

    def _not_ready_error(self):
        """The error for a use of the network before its buffers exist (a subclass may say why they do not)."""
        return RuntimeError("the network is not initialised; build it with nncore.Network(sizes)")

    def _set_up_from_sample(self, input, target):
        """Called by :meth:`train` before the buffers exist: a subclass may set the network up from the sample."""

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
        """The floating-point type of the parameters and of every computation (``numpy.float64`` or
        ``numpy.float32``)."""
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
        self._check_ready()
        return self.net.leaky_relu_alpha

    @property
    def learning_rate(self):
        """Step size of the weight updates (finite, >= 0; default 0.3)."""
        cdef double rate
        self._check_ready()
        with self._lock:
            rate = self.net.learning_rate
        return rate

    @learning_rate.setter
    def learning_rate(self, value):
        cdef double rate = check_rate("learning_rate", value)
        self._check_ready()
        check_in_dtype("learning_rate", rate, self._dtype)
        with self._fit_lock:  # a fit in another thread replays with the rate it started with
            with self._lock:
                self.net.learning_rate = rate

    @property
    def momentum(self):
        """Fraction of the previous weight change added to the next (finite, >= 0; default 0.1)."""
        cdef double rate
        self._check_ready()
        with self._lock:
            rate = self.net.momentum
        return rate

    @momentum.setter
    def momentum(self, value):
        cdef double rate = check_rate("momentum", value)
        self._check_ready()
        check_in_dtype("momentum", rate, self._dtype)
        with self._fit_lock:
            with self._lock:
                self.net.momentum = rate

    @property
    def nesterov(self):
        """SGD with Nesterov's momentum: a weight moves by ``momentum * change + learning_rate * a``
        rather than by its new ``change`` (default False)."""
        cdef bint flag
        with self._lock:
            flag = self.net.nesterov
        return flag

    @nesterov.setter
    def nesterov(self, value):
        cdef bint flag = check_flag("nesterov", value)
        self._check_ready()
        if flag and self.net.optimizer != SGD:
            raise ValueError(f"nesterov does not apply to optimizer={self.optimizer!r}: it is SGD's momentum")
        with self._fit_lock:
            with self._lock:
                self.net.nesterov = flag

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
        if not self._ready:
            self._set_up_from_sample(input, target)
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
            if not (_read_floats(input, sample, n_in) and _read_floats(target, sample + n_in, n_out)):
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
            if self._scales_inputs:
                self._scale_sample(<void*>data)
            if self.net.optimizer == RPROP:
                raise ValueError("train() takes one sample, but optimizer='rprop' trains on whole batches: "
                                 "use fit(X, Y) (batch_size=None)")
            if self._backup is None and not plain_path(&self.net, 1, False):
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
                f"(try {divergence_advice(self)})")
        if not updated:
            raise DivergenceError(
                "training diverged: this step would make a weight, change or bias infinite; the weights "
                f"were not updated (try {divergence_advice(self)}, or smaller inputs)")
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
        """Refuse a read target that the network's loss is not defined for (nncore._loss_rules.check_loss_targets)."""
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
            if not plain_path(&self.net, 1, False):
                error[0] = sample_kernels_for(&self.net, self._narrow).checked_general_step(
                    &self.net, input, target, self._backup_data, updated)
            else:
                error[0] = sample_kernels_for(&self.net, self._narrow).checked_train_step(&self.net, input, target,
                                                                                          updated)
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
            if self._scales_inputs:
                self._scale_sample(<void*>data)
            with self._lock:
                sample_kernels_for(&self.net, self._narrow).set_inputs(&self.net, data)
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
        cdef void* out
        result = _new_vector(self._dtype, n_out, &out)
        with self._lock:
            sample_kernels_for(&self.net, self._narrow).forward(&self.net)
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
        cdef bint finite = True
        cdef void* scratch
        self._check_scaling_fitted()
        if not self._scales_inputs:  # many rows side by side in SIMD lanes, each with the bits of its own pass
            scratch = PyMem_Malloc(self.net.neuron_offset[self.net.n_layers] * ROW_LANES * size)
            if scratch == NULL:
                raise MemoryError()
            try:
                with nogil, self._lock:
                    k.forward_rows(&self.net, row, n, out, scratch)
            finally:
                PyMem_Free(scratch)
            return result
        with nogil, self._lock:
            for i in range(n):
                k.set_inputs(&self.net, row + i * n_in * size)
                finite = self._scale_input_layer() and finite
                k.forward(&self.net)
                memcpy(out + i * n_out * size, last_outputs, n_out * size)
        if not finite:
            raise unscalable_input(self._input_scaling)
        return result

    def predict(self, inputs):
        """Outputs of the network for one input or many.

        Parameters
        ----------
        inputs : array_like or dict
            One sample of shape ``(sizes[0],)`` or many of shape ``(n_samples, sizes[0])``;
            or one sample as ``{name: value}`` when the network has :attr:`input_names`
            (missing names are 0).

        Returns
        -------
        numpy.ndarray
            Shape ``(sizes[-1],)`` for one sample, ``(n_samples, sizes[-1])`` for many,
            of the network's :attr:`dtype`.

        Notes
        -----
        Many rows go through the network side by side (in SIMD lanes), each with
        the bits of its own forward pass. Large batches of a large network (at
        least 10,000 weights, and rows x weights of at least 200,000) go through
        numpy matrix products instead, which agree with the per-sample forward
        pass to rounding.
        """
        outputs = self._predict_row(inputs, False)
        if outputs is None:
            return self._predict_general(inputs)
        return outputs

    def likely(self, input):
        """The strongest output for one sample, as brain.js's ``likely``.

        Parameters
        ----------
        input : array_like or dict
            One sample, as for :meth:`predict`.

        Returns
        -------
        str or int
            The name of the largest output (the first of equal ones), or its
            index when the network has no :attr:`output_names`.
        """
        strongest = self._predict_row(input, True)
        if strongest is None:
            strongest = self._strongest_general(input)
        names = self._output_names
        return strongest if names is None else names[strongest]

    def _predict_general(self, inputs):
        """:meth:`predict` for what its compiled path does not take (``nncore.Network`` says how)."""
        raise self._not_ready_error()

    def _strongest_general(self, input):
        """The index of :meth:`likely`'s output for what its compiled path does not take (``nncore.Network``)."""
        raise self._not_ready_error()

    cdef object _predict_row(self, object input, bint strongest):
        """The outputs for one sample given as a list, tuple or 1-D float64 array of ``sizes[0]`` numbers
        (the index of the largest output, the first of equal ones, with ``strongest``); None for any other
        input, or one whose values cannot be read, which the general path then checks and explains, and for a
        network that scales its inputs."""
        if not self._ready or self._scales_inputs or not (
                type(input) is list or type(input) is tuple or type(input) is _NDARRAY):
            return None
        cdef Py_ssize_t n_in = self.net.sizes[0], last = self.net.n_layers - 1, n_out = self.net.sizes[last]
        cdef Py_ssize_t j, best = 0
        cdef double value, largest = 0.0
        if n_in > STACK_SAMPLE_VALUES:
            return None
        cdef double sample[STACK_SAMPLE_VALUES]
        cdef float narrowed[STACK_SAMPLE_VALUES]
        cdef const void* data = sample
        if not _read_floats(input, sample, n_in):
            try:
                _read_vector(input, sample, n_in, "input")
            except (TypeError, ValueError):
                return None
        if self.net.dtype == FLOAT32:
            for j in range(n_in):
                narrowed[j] = <float>sample[j]
                if not isfinite(narrowed[j]):
                    return None
            data = narrowed
        cdef void* out = NULL
        result = None
        if not strongest:
            result = _new_vector(self._dtype, n_out, &out)
        cdef const char* outputs = <const char*>self.net.outputs + self.net.neuron_offset[last] * self._itemsize
        cdef KernelSet* k = sample_kernels_for(&self.net, self._narrow)
        with self._lock:
            k.set_inputs(&self.net, data)
            k.forward(&self.net)
            if strongest:  # as numpy.argmax: the first of equal maxima, or the first NaN
                for j in range(n_out):
                    value = (<const float*>outputs)[j] if self.net.dtype == FLOAT32 else (<const double*>outputs)[j]
                    if value != value:
                        best = j
                        break
                    if j == 0 or value > largest:
                        best, largest = j, value
            else:
                memcpy(out, outputs, n_out * self._itemsize)
        return best if strongest else result

    cdef int _check_rows(self, object rows, str name, Py_ssize_t width) except -1:
        """Refuse anything but a C-contiguous 2-D array of the network's dtype with ``width`` columns."""
        if not (isinstance(rows, np.ndarray) and rows.ndim == 2 and rows.dtype == self._dtype
                and rows.flags.c_contiguous):
            raise TypeError(f"{name} must be a C-contiguous 2-D {self._dtype} array, got {describe(rows)}")
        if rows.shape[1] != width:
            raise ValueError(f"{name} must have {width} columns, got {rows.shape[1]}")
        return 0

    def _forward_and_losses(self, rows, targets, bint scale=True):
        """Outputs and the loss of each sample, for checked rows and targets (arrays as :meth:`_forward_rows` takes).

        The losses are what ``train`` would report for these samples: the
        same kernels, sample by sample. ``scale=False``: the rows are scaled
        already (a fit's own rows), the network's input scaling is not applied.
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
        cdef bint finite = True
        scale = scale and self._scales_inputs
        if scale:
            self._check_scaling_fitted()
        with nogil, self._lock:
            for i in range(n):
                k.set_inputs(&self.net, row + i * n_in * size)
                if scale:
                    finite = self._scale_input_layer() and finite
                k.forward(&self.net)
                memcpy(out + i * n_out * size, last_outputs, n_out * size)
                if self.net.dtype == FLOAT32:
                    loss[i] = output_loss32(&self.net, <const float*>(target + i * n_out * size))
                else:
                    loss[i] = output_loss64(&self.net, <const double*>(target + i * n_out * size))
        if not finite:
            raise unscalable_input(self._input_scaling)
        return outputs, losses

    # ------------------------------------------------------------ input scaling, for nncore.Network

    def _set_input_scaling(self, kind, offset, scale):
        """Set the input scaling: its name (None: none) and its fitted ``offset`` and ``scale`` (None: not yet).

        The caller checks them: ``sizes[0]`` finite values each, the scales
        positive; they are kept as arrays of the network's dtype.
        """
        self._check_ready()
        if (offset is None) != (scale is None):
            raise ValueError("the input offset and scale are set together")
        if offset is not None:
            offset = np.array(offset, dtype=self._dtype, order="C")
            scale = np.array(scale, dtype=self._dtype, order="C")
            if offset.shape != (self.net.sizes[0],) or scale.shape != (self.net.sizes[0],):
                raise ValueError(f"the input offset and scale must have {self.net.sizes[0]} values each")
        previous = (self._input_offset, self._input_scale)  # released after the lock, not under it
        with self._lock:
            self._input_scaling = kind
            self._scales_inputs = kind is not None
            self._input_offset, self._input_scale = offset, scale
            self._offset_data = NULL if offset is None else _data(offset)
            self._scale_data = NULL if scale is None else _data(scale)
        del previous

    def _input_scaling_state(self):
        """``(name, offset, scale)`` of the input scaling, as :meth:`_set_input_scaling` set them (shared arrays)."""
        with self._lock:
            state = (self._input_scaling, self._input_offset, self._input_scale)
        return state

    cdef int _check_scaling_fitted(self) except -1:
        """Refuse to compute while the input scaling is asked for but not fitted."""
        if self._scales_inputs and self._offset_data == NULL:
            raise input_scaling_not_fitted(self._input_scaling)
        return 0

    cdef int _scale_sample(self, void* values) except -1:
        """Scale one read sample's ``sizes[0]`` inputs in place (network's dtype), or raise."""
        cdef bint finite
        self._check_scaling_fitted()
        with self._lock:
            finite = _scale_values(values, self._offset_data, self._scale_data, self.net.sizes[0], self.net.dtype)
        if not finite:
            raise unscalable_input(self._input_scaling)
        return 0

    cdef bint _scale_input_layer(self) noexcept nogil:
        """Scale the input layer's outputs in place (under the lock, the scaling fitted); False if one is infinite."""
        return _scale_values(self.net.outputs, self._offset_data, self._scale_data, self.net.sizes[0], self.net.dtype)

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
        rates_valid = isfinite(learning_rate) and learning_rate >= 0.0 and isfinite(momentum) and momentum >= 0.0
        if iterations < 0 or not rates_valid:
            raise ValueError("iterations must be >= 0 and the rates finite and >= 0")
        check_in_dtype("learning_rate", learning_rate, self._dtype)
        check_in_dtype("momentum", momentum, self._dtype)
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
        no_input_biases = np.zeros(self.net.sizes[0], dtype=self._dtype)
        parts = [[], [no_input_biases], [], [no_input_biases.copy()]]
        for l in range(1, n_layers):
            blocks = moments[l - 1]
            if not isinstance(blocks, (list, tuple)) or len(blocks) != 4:
                raise ValueError(f"layer {l}: expected (first_weights, first_biases, second_weights, second_biases)")
            shape, bias_shape = (self.net.sizes[l], self.net.sizes[l - 1]), (self.net.sizes[l],)
            names = ("first weights", "first biases", "second weights", "second biases")
            for k, (block, name) in enumerate(zip(blocks, names)):
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
        """Write one checked value (rounded to the dtype) into a buffer, waiting for another thread's fit to end
        first."""
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
