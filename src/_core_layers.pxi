# Part of nncore._core, included by src/_core.pyx: the fit guard and LayerBuffers, handed out by NetworkCore.


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
