"""Pickles that load whatever the numpy version and the byte order: arrays travel as little-endian bytes.

A pickled numpy array or scalar names numpy's own modules (``numpy._core`` since
numpy 2, ``numpy.core`` before), so a pickle written with numpy 2 does not load
with numpy 1. nncore's objects pickle their state through :func:`portable`:
every array becomes ``(ARRAY, type string, shape, bytes, writeable)`` with the
bytes and the type string little-endian whatever this machine's order, and
every numpy scalar the Python number of the same value; :func:`restored` gives
the arrays back in this machine's order, bit for bit. Such a pickle names no
numpy module, and is the same bytes on every machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ARRAY = "numpy.ndarray"
"""The first item of the tuple that stands for an array."""


def portable(value: Any) -> Any:
    """``value`` with every array and numpy scalar in it (in dicts, lists and tuples) made plain Python."""
    if isinstance(value, np.ndarray):
        little = value.dtype.newbyteorder("<")
        data = np.ascontiguousarray(value, dtype=little).tobytes()
        return (ARRAY, little.str, value.shape, data, bool(value.flags.writeable))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: portable(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(portable(item) for item in value)
    return value


def restored(value: Any) -> Any:
    """What :func:`portable` was given: the arrays in this machine's byte order."""
    if type(value) is tuple and len(value) == 5 and value[0] == ARRAY:
        _, type_string, shape, data, writeable = value
        little = np.dtype(type_string)
        array = np.frombuffer(data, dtype=little).reshape(shape).astype(little.newbyteorder("="))
        array.flags.writeable = writeable
        return array
    if isinstance(value, dict):
        return {key: restored(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(restored(item) for item in value)
    return value


class PortablePickle:
    """A base class whose instances pickle their attributes through :func:`portable`."""

    def __getstate__(self) -> dict:
        state: dict = portable(self.__dict__)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(restored(state))
