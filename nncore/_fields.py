"""One reader for the fields of the network formats: nncore's dictionary, brain.js's and the tutorial's JSON, FANN.

A :class:`Fields` wraps one object of a file (a dict, or FANN's ``key=value``
lines) and reads its fields with checks. Every error is a ``ValueError``
naming what is read (``"network data"``, ``"brain.js data"``), where the
field is (its path inside the data, such as ``layers[1].weights``, or its
line in the file), what was expected and what was given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from nncore._checks import as_float_array, check_finite, describe

MISSING = object()
"""The default of a required field."""


def is_json_number(value: object) -> bool:
    """True for what a JSON number parses to: ints and floats (numpy's too), not bools or fractions."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


class Fields:
    """The fields of one object of ``source`` at ``path`` (``""`` at the top, ``"layers[1]."`` inside).

    ``lines`` maps a field to its line in the file, for formats of lines.
    With ``json_numbers``, a number must be what JSON parses to (an int or
    a float, numpy's too): booleans, strings, fractions and decimals are
    refused.
    """

    def __init__(
        self,
        data: Mapping,
        source: str = "",
        path: str = "",
        *,
        lines: Mapping[str, int] | None = None,
        json_numbers: bool = False,
        key_format: str = "{}",
    ) -> None:
        self.data = data
        self.source = source
        self.path = path
        self.lines = lines or {}
        self.json_numbers = json_numbers
        self.key_format = key_format

    def child(self, data: Mapping, name: str, *, quoted_keys: bool = False) -> Fields:
        """The fields of ``data``, the object at ``name`` (a path such as ``layers[1]``) inside this one.

        Its fields are named ``name.key``, or ``name["key"]`` with ``quoted_keys``.
        """
        if quoted_keys:
            return Fields(data, self.source, f"{self.path}{name}", json_numbers=self.json_numbers, key_format='["{}"]')
        return Fields(data, self.source, f"{self.path}{name}.", json_numbers=self.json_numbers)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def label(self, key: str) -> str:
        """How errors name the field ``key``: ``field 'layers[1].weights'``, after its line if known."""
        name = f"field '{self.name(key)}'"
        return f"line {self.lines[key]}, {name}" if key in self.lines else name

    def name(self, key: str) -> str:
        """The path of the field ``key`` in the data: ``layers[1].weights``."""
        return self.path + self.key_format.format(key)

    def error(self, key: str, problem: str) -> ValueError:
        """A ValueError saying that the field ``key`` ``problem`` (``"must be ..., got ..."``)."""
        return ValueError(f"{self._source}{self.label(key)} {problem}")

    @property
    def _source(self) -> str:
        return f"{self.source}: " if self.source else ""

    def required(self, key: str) -> object:
        """The value of the field ``key``; a ValueError if it is missing."""
        if key not in self.data:
            raise ValueError(f"{self._source}missing field '{self.name(key)}'")
        return self.data[key]

    def get(self, key: str, default: object = MISSING) -> object:
        """The value of ``key``; ``default`` if it is missing (or a ValueError when no default is given)."""
        return self.required(key) if default is MISSING else self.data.get(key, default)

    @contextmanager
    def checks(self) -> Iterator[None]:
        """Turn a check's TypeError or ValueError (which names its argument) into a ValueError naming the source."""
        try:
            yield
        except (TypeError, ValueError) as error:
            raise ValueError(f"{self._source}{error}") from None

    def real(self, key: str, default: object = MISSING) -> float:
        """A finite number."""
        value = self.get(key, default)
        if self.json_numbers and not is_json_number(value):
            raise self.error(key, f"must be a finite number, got {describe(value)}")
        try:
            return check_finite(key, value)
        except (TypeError, ValueError):  # not a number, infinite, NaN, or too large for a float
            raise self.error(key, f"must be a finite number, got {describe(value)}") from None

    def rate(self, key: str, default: object = MISSING) -> float:
        """A finite number >= 0."""
        value = self.real(key, default)
        if value < 0.0:
            raise self.error(key, f"must be >= 0, got {value!r}")
        return value

    def reals(self, key: str, shape: tuple[int, ...], dtype: str = "float64") -> np.ndarray:
        """An array of ``shape`` and ``dtype`` (C-contiguous), of finite numbers, from nested lists (or an array)."""
        value = self.required(key)
        if self.json_numbers and not _nested_json_numbers(value, shape):
            raise self.error(key, f"must be numbers of shape {shape}, got {describe(value)}")
        try:
            array = as_float_array(value, self.label(key), len(shape), dtype)
        except (TypeError, ValueError) as error:  # not numbers, ragged, infinite, NaN, or too large for a float
            raise ValueError(f"{self._source}{error}") from None
        if array.shape != shape:
            raise self.error(key, f"must have shape {shape}, got {array.shape}")
        return array


def _nested_json_numbers(value: object, shape: tuple[int, ...]) -> bool:
    """True when ``value`` is lists of JSON numbers of ``shape`` (one or two dimensions)."""
    rows: Any = value if len(shape) == 2 else [value]
    return (
        isinstance(value, list)
        and len(value) == shape[0]
        and all(isinstance(row, list) and len(row) == shape[-1] and all(is_json_number(x) for x in row) for row in rows)
    )
