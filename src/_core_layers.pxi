# Part of nncore._core, included by src/_core.pyx: the fit guard and LayerBuffers, handed out by NetworkCore,
# and the hand-over of every network's locks across os.fork().


_NETWORKS = weakref.WeakSet()
"""Every network alive in this process, whose locks a fork must hand over to the child (see _before_fork)."""
cdef list _forking = []  # (network, whether the forking thread took its fit lock), from _before_fork to the fork's end
_FORK_LOCK = threading.Lock()  # one fork at a time hands the networks over


def _before_fork():
    """Take every network's locks before ``os.fork()``, so that the child finds no step half done.

    The buffer locks are held only while C code runs: waiting for them lets
    a step or a chunk of a fit in another thread end. A fit lock that another
    thread holds (a fit under way) cannot be taken; the child, where that
    thread does not exist, starts that network afresh with a new fit lock, as
    if the fit had been interrupted after its last chunk.
    """
    cdef NetworkCore network
    _FORK_LOCK.acquire()
    networks = list(_NETWORKS)
    _forking[:] = [(network, network._fit_lock.acquire(blocking=False)) for network in networks]
    for network in networks:  # nothing allocated while a buffer lock is held (see _core.pyx)
        network._lock.acquire()


def _after_fork_in_parent():
    cdef NetworkCore network
    for network, took_fit_lock in _forking:
        network._lock.release()
        if took_fit_lock:
            network._fit_lock.release()
    _forking.clear()
    _FORK_LOCK.release()


def _after_fork_in_child():
    cdef NetworkCore network
    for network, took_fit_lock in _forking:
        network._lock.release()
    for network, took_fit_lock in _forking:
        if took_fit_lock:
            network._fit_lock.release()
        else:  # held by a thread that the child does not have
            network._fit_lock = threading.RLock()
            network._fit_depth = 0
    _forking.clear()
    _FORK_LOCK.release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                        after_in_child=_after_fork_in_child)


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
