# Part of nncore._core, included by src/_core.pyx: the readers of samples given to the per-sample API,
# and buffer helpers.

from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.ref cimport PyObject, Py_INCREF
from cpython.pycapsule cimport PyCapsule_GetPointer


cdef extern from *:
    """
    /* The leading fields of numpy's array object (PyArrayObject_fields in numpy/ndarraytypes.h), which numpy's
       ABI keeps the same in numpy 1 and 2; _check_array_fields compares them with numpy's own view at import. */
    typedef struct {
        PyObject_HEAD
        char *data;
        int nd;
        Py_ssize_t *dimensions;
        Py_ssize_t *strides;
        PyObject *base;
        PyObject *descr;
    } nncore_ndarray;
    /* PyArray_Empty, entry 184 of numpy's C-API table (numpy/__multiarray_api.h), which steals descr. */
    typedef PyObject *(*nncore_array_empty)(int nd, const Py_ssize_t *dims, PyObject *descr, int fortran);
    #define NNCORE_ARRAY_EMPTY_ENTRY 184
    """
    ctypedef struct nncore_ndarray:
        char* data
        int nd
        Py_ssize_t* dimensions
        Py_ssize_t* strides
        PyObject* descr
    ctypedef object (*nncore_array_empty)(int nd, const Py_ssize_t* dims, PyObject* descr, int fortran)
    int NNCORE_ARRAY_EMPTY_ENTRY


# One-row calls (train, activate, predict of one sample) cost little more than their arithmetic on small
# networks, so they read numpy arrays' fields and make their result arrays through numpy's C-API table
# (found at run time, as numpy's own import_array does: the build needs no numpy headers), not through the
# buffer protocol and numpy.empty. Both are checked against numpy at import; if they disagree, the calls
# take the slower ways.
cdef nncore_array_empty _array_empty = NULL
cdef type _NDARRAY = np.ndarray
cdef object _FLOAT64 = np.dtype(np.float64)   # the descriptor of native float64 arrays (numpy keeps one)
cdef bint _numpy_fields = False              # True when _array_empty and nncore_ndarray may be used


cdef nncore_array_empty _numpy_array_empty():
    """numpy's PyArray_Empty, from the C-API table that numpy's extension module hands out."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy 1
        from numpy.core import _multiarray_umath as umath
    cdef void** table = <void**>PyCapsule_GetPointer(umath._ARRAY_API, NULL)
    return <nncore_array_empty>table[NNCORE_ARRAY_EMPTY_ENTRY]


def _check_array_fields():
    """True when arrays made by ``_array_empty`` and the fields read through ``nncore_ndarray`` are what
    numpy says they are."""
    cdef Py_ssize_t n = 3
    Py_INCREF(_FLOAT64)
    made = _array_empty(1, &n, <PyObject*>_FLOAT64, 0)
    strided = np.zeros(6)[::2]
    cdef nncore_ndarray* a = <nncore_ndarray*>made
    cdef nncore_ndarray* b = <nncore_ndarray*>strided
    return (type(made) is np.ndarray and made.shape == (3,) and made.dtype == np.float64
            and made.flags.c_contiguous and made.flags.writeable
            and a.nd == 1 and a.dimensions[0] == 3 and a.strides[0] == 8 and a.descr == <PyObject*>_FLOAT64
            and <size_t>a.data == made.__array_interface__["data"][0]
            and b.nd == 1 and b.dimensions[0] == 3 and b.strides[0] == 16 and b.descr == <PyObject*>_FLOAT64
            and <size_t>b.data == strided.__array_interface__["data"][0])


def _use_numpy_fields(bint use):
    """Read arrays' fields and make result arrays through numpy's C-API table (True, the default when numpy
    agrees), or through the buffer protocol and numpy.empty (False); returns the previous setting. For tests."""
    global _numpy_fields
    previous = _numpy_fields
    _numpy_fields = use and _check_array_fields()
    return previous


_array_empty = _numpy_array_empty()
_use_numpy_fields(True)


cdef object _new_vector(object dtype, Py_ssize_t n, void** data):
    """A new C-contiguous 1-D array of ``n`` values of ``dtype`` (a numpy.dtype), and its data's address."""
    cdef Py_buffer view
    if _numpy_fields:
        Py_INCREF(dtype)  # stolen by PyArray_Empty
        result = _array_empty(1, &n, <PyObject*>dtype, 0)
        data[0] = (<nncore_ndarray*>result).data
        return result
    result = np.empty(n, dtype)
    PyObject_GetBuffer(result, &view, PyBUF_WRITABLE)
    data[0] = view.buf
    PyBuffer_Release(&view)  # result keeps the memory
    return result


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


cdef inline bint _read_floats(object values, double* dest, Py_ssize_t n) noexcept:
    """Copy a list of exactly ``n`` finite floats into ``dest`` and return True; False for anything else
    (``dest`` then holds part of the values), which :func:`_read_vector` reads or explains. Runs no Python
    code: the common case of ``train`` and ``predict``, without a call or an exception handler."""
    cdef Py_ssize_t k
    cdef double v
    if type(values) is not list or PyList_GET_SIZE(values) != n:
        return False
    for k in range(n):
        item = <object>PyList_GET_ITEM(values, k)
        if type(item) is not float:
            return False
        v = PyFloat_AS_DOUBLE(item)
        if not isfinite(v):
            return False
        dest[k] = v
    return True


@cython.boundscheck(True)  # float(item) may run code that shrinks the list being read
cdef int _read_vector(object values, double* dest, Py_ssize_t n, str name) except -1:
    """Copy a 1-D sequence of ``n`` finite reals into ``dest`` (scratch space), or raise.

    Fast paths: a list or tuple of numbers, and any C-contiguous float64 buffer
    (a numpy array, array.array('d'), ...).  Anything else goes through
    ``numpy.asarray``.  On error ``dest`` may hold part of the values.
    """
    cdef Py_ssize_t k
    cdef Py_buffer view
    cdef nncore_ndarray* fields
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
    if _numpy_fields and type(values) is _NDARRAY and (<nncore_ndarray*>values).nd == 1 \
            and (<nncore_ndarray*>values).descr == <PyObject*>_FLOAT64:
        fields = <nncore_ndarray*>values
        if fields.dimensions[0] != n:
            raise ValueError(f"{name} must have {_count(n)}, got {fields.dimensions[0]}")
        if n <= 1 or fields.strides[0] == sizeof(double):  # contiguous, as the buffer protocol would take it
            return _read_doubles(<const char*>fields.data, dest, n, name)
    if _get_float64_vector(values, &view):
        try:
            if view.shape[0] != n:
                raise ValueError(f"{name} must have {_count(n)}, got {view.shape[0]}")
            return _read_doubles(<const char*>view.buf, dest, n, name)
        finally:
            PyBuffer_Release(&view)
    array = as_float_array(values, name, 1)
    if array.shape[0] != n:
        raise ValueError(f"{name} must have {_count(n)}, got {array.shape[0]}")
    return _read_vector(array, dest, n, name)


cdef int _read_doubles(const char* data, double* dest, Py_ssize_t n, str name) except -1:
    """Copy ``n`` contiguous doubles (aligned or not) into ``dest``, or raise if one is not finite."""
    cdef Py_ssize_t k
    memcpy(dest, data, n * sizeof(double))
    for k in range(n):
        if not isfinite(dest[k]):
            raise ValueError(f"{name} must be finite, got {dest[k]!r} at index {k}")
    return 0


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
