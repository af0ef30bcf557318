"""CSV files with a header row: reading named numeric columns and writing results.

:func:`read_table` reads a file into a :class:`Table` of text cells, checking
its shape (a header of distinct, non-empty names; every row as long as the
header). :meth:`Table.columns` turns the columns asked for into numbers.
Every error is a ``ValueError`` of one line naming the file, the line (the
header is line 1) and the column by name, e.g.
``data.csv, line 7, column 'age': 'abc' is not a number``.

Only the columns asked for are converted, so a file may carry other columns
(an id, a label as text) that are not used. Numbers are decimal, as Python
writes them (``3``, ``-0.5``, ``1e-3``), in ASCII digits only (``float``
would also take ``١`` or ``１``); infinities and NaN are refused, and a
number beyond the largest double (``1e999``, an integer of 400 digits) is
said to be too large.

Reading takes time and memory in proportion to the file's size.

:func:`format_csv` writes named numeric columns with every value in its
shortest exact form (``repr``), so reading them back gives the same doubles.
"""

from __future__ import annotations

import array
import csv
import functools
import io
import math
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nncore import _files

# ASCII only: \d, str.isdigit and float() also take other scripts' digits ("١", "１", "²").
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,30}")
_BLANKS = " \t\r\n\f\v"


def parse_number(text: str) -> float | None:
    """``text`` (surrounding ASCII blanks allowed) as a finite float, or None if it is not a decimal number.

    Stricter than ``float``: ASCII digits only; no ``nan``, ``inf``, underscores or hexadecimal.
    """
    text = text.strip(_BLANKS)
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def number_error(text: str) -> str:
    """Why :func:`parse_number` refused ``text``: ``"'abc' is not a number"`` or ``"'1e999' is too large ..."``."""
    shown = repr(text[:40])
    if _NUMBER.fullmatch(text.strip(_BLANKS)):  # decimal, but beyond the doubles
        return f"{shown} is too large (more than {sys.float_info.max:.17g}, the largest double)"
    return f"{shown} is not a number"


def parse_whole_number(text: str) -> int | None:
    """``text`` (surrounding ASCII blanks allowed) as an int >= 0 of at most 30 ASCII digits, or None."""
    text = text.strip(_BLANKS)
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


@dataclass(frozen=True)
class Table:
    """The cells of a CSV file, as text.

    Attributes
    ----------
    path : str
        The file, as errors name it.
    names : tuple of str
        The header row.
    cells : list of str
        The data rows' cells, row after row, each row as long as the header
        (one flat list: a tuple per row would cost more memory than a short row's text).
    line_numbers : array.array of int
        The line of the file each row starts on (the header is line 1).
    """

    path: str
    names: tuple[str, ...]
    cells: list[str]
    line_numbers: array.array

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        """Each column's position by name (a dict: looking names up stays linear in the file's size)."""
        return {name: index for index, name in enumerate(self.names)}

    def check_has(self, names: Sequence[str]) -> None:
        """Raise a ``ValueError`` naming the first of ``names`` that is not a column."""
        for name in names:
            if name not in self._positions:
                shown = ", ".join(repr(n) for n in self.names)
                raise ValueError(f"{self.path}, line 1: no column {name!r} (the columns are {shown})")

    def columns(self, names: Sequence[str]) -> np.ndarray:
        """The named columns as numbers, shape ``(number of rows, len(names))``.

        Raises
        ------
        ValueError
            ``"FILE, line 1: no column 'x' ..."`` for a missing column, or
            ``"FILE, line N, column 'x': 'abc' is not a number"`` (or ``is too large``).
        """
        self.check_has(names)
        indices = [self._positions[name] for name in names]
        values = np.empty((len(self.line_numbers), len(indices)))
        for r, line in enumerate(self.line_numbers):
            start = r * len(self.names)
            for c, (index, name) in enumerate(zip(indices, names)):
                cell = self.cells[start + index]
                value = parse_number(cell)
                if value is None:
                    empty = "" if cell.strip() else " (the cell is empty)"
                    raise ValueError(f"{self.path}, line {line}, column {name!r}: {number_error(cell)}{empty}")
                values[r, c] = value
        return values

    def texts(self, name: str) -> list[str]:
        """The cells of the column ``name`` as text, without surrounding blanks (class labels, say)."""
        self.check_has([name])
        index, width = self._positions[name], len(self.names)
        return [cell.strip(_BLANKS) for cell in self.cells[index::width]]


def read_table(path: str | os.PathLike) -> Table:
    """Read a CSV file with a header row and at least one data row.

    Blank lines are skipped. The text is UTF-8 (a byte-order mark is allowed).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Table

    Raises
    ------
    ValueError
        Naming the file and the line: an empty file, an empty or repeated
        column name, a row longer or shorter than the header, no data rows,
        text that is not UTF-8 or not valid CSV.
    OSError
        As raised by the system (no such file, no permission).
    """
    target = _files.check_path(path)
    data = _files.read_file(target)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{target}: not a UTF-8 text file (byte {error.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    names: tuple[str, ...] | None = None
    cells, line_numbers = [], array.array("q")
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if names is None:
                    names = _header(target, start, row)
                elif len(row) != len(names):
                    raise ValueError(_ragged(target, start, row, names))
                else:
                    cells.extend(row)
                    line_numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise ValueError(f"{target}, line {reader.line_num}: not valid CSV ({error})") from None
    if names is None:
        raise ValueError(f"{target}, line 1: the file is empty; expected a header row of column names")
    if not line_numbers:
        raise ValueError(f"{target}, line 2: no data rows after the header")
    return Table(target, names, cells, line_numbers)


def _ragged(path: str, line: int, row: list[str], names: tuple[str, ...]) -> str:
    """The error for a row shorter or longer than the header, naming the first missing or extra column."""
    if len(row) < len(names):
        return (
            f"{path}, line {line}, column {names[len(row)]!r}: missing (the row has {len(row)} "
            f"values, the header {len(names)} columns)"
        )
    return (
        f"{path}, line {line}, column {len(names) + 1}: extra value {row[len(names)][:40]!r} (the row has "
        f"{len(row)} values, the header {len(names)} columns)"
    )


def _header(path: str, line: int, row: list[str]) -> tuple[str, ...]:
    names = tuple(cell.strip() for cell in row)
    seen = set()
    for index, name in enumerate(names):
        if not name:
            raise ValueError(f"{path}, line {line}: column {index + 1} of the header has no name")
        if name in seen:
            raise ValueError(f"{path}, line {line}: the header names column {name!r} twice")
        seen.add(name)
    return names


def format_csv(names: Sequence[str], values: np.ndarray, labels: tuple[str, Sequence[str]] | None = None) -> str:
    """CSV text: a header of ``names``, then one row per row of ``values`` (shortest exact numbers).

    ``labels``, a column name and one text per row, comes first when given.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    rows = [[repr(value) for value in row] for row in np.asarray(values, dtype=float).tolist()]
    if labels is not None:
        names = [labels[0], *names]
        rows = [[label, *row] for label, row in zip(labels[1], rows)]
    writer.writerow(names)
    writer.writerows(rows)
    return buffer.getvalue()
