# Part of nncore._core, included by src/_core.pyx: the readers of samples given to the per-sample API,
# and buffer helpers.


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


cdef bint _scale_values(void* values, const void* offset, const void* scale, Py_ssize_t n, int dtype) noexcept nogil:
    """``(x - offset) / scale`` in place over ``n`` values of ``dtype`` (nncore.Network's input scaling, in the
    network's own type as numpy computes it); False if a result is not finite."""
    cdef Py_ssize_t k
    cdef float* x32
    cdef double* x64
    cdef bint finite = True
    if dtype == FLOAT32:
        x32 = <float*>values
        for k in range(n):
            x32[k] = (x32[k] - (<const float*>offset)[k]) / (<const float*>scale)[k]
            finite = finite and isfinite(x32[k])
    else:
        x64 = <double*>values
        for k in range(n):
            x64[k] = (x64[k] - (<const double*>offset)[k]) / (<const double*>scale)[k]
            finite = finite and isfinite(x64[k])
    return finite
