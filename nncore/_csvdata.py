"""CSV files with a header row: reading named numeric columns and writing results.

:func:`read_table` reads a file into a :class:`Table` of text cells, checking
its shape (a header of distinct, non-empty names; every row as long as the
header). :meth:`Table.columns` turns the columns asked for into numbers.
Every error is a ``ValueError`` of one line naming the file, the line (the
header is line 1) and the column by name, e.g.
``data.csv, line 7, column 'age': 'abc' is not a number``.

Only the columns asked for are converted, so a file may carry other columns
(an id, a label as text) that are not used. Numbers are decimal, as Python
writes them (``3``, ``-0.5``, ``1e-3``); infinities and NaN are refused.

:func:`format_csv` writes named numeric columns with every value in its
shortest exact form (``repr``), so reading them back gives the same doubles.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nncore import _files

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """``text`` (surrounding blanks allowed) as a finite float, or None if it is not a decimal number.

    Stricter than ``float``: no ``nan``, ``inf``, underscores or hexadecimal.
    """
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Table:
    """The cells of a CSV file, as text.

    Attributes
    ----------
    path : str
        The file, as errors name it.
    names : tuple of str
        The header row.
    rows : tuple of tuple of str
        The data rows, each as long as the header.
    line_numbers : tuple of int
        The line of the file each row starts on (the header is line 1).
    """

    path: str
    names: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line_numbers: tuple[int, ...]

    def check_has(self, names: Sequence[str]) -> None:
        """Raise a ``ValueError`` naming the first of ``names`` that is not a column."""
        for name in names:
            if name not in self.names:
                shown = ", ".join(repr(n) for n in self.names)
                raise ValueError(f"{self.path}, line 1: no column {name!r} (the columns are {shown})")

    def columns(self, names: Sequence[str]) -> np.ndarray:
        """The named columns as numbers, shape ``(len(rows), len(names))``.

        Raises
        ------
        ValueError
            ``"FILE, line 1: no column 'x' ..."`` for a missing column, or
            ``"FILE, line N, column 'x': 'abc' is not a number"``.
        """
        self.check_has(names)
        indices = [self.names.index(name) for name in names]
        array = np.empty((len(self.rows), len(indices)))
        for r, (row, line) in enumerate(zip(self.rows, self.line_numbers)):
            for c, (index, name) in enumerate(zip(indices, names)):
                value = parse_number(row[index])
                if value is None:
                    raise ValueError(f"{self.path}, line {line}, column {name!r}: {row[index][:40]!r} is not a "
                                     "number" + ("" if row[index].strip() else " (the cell is empty)"))
                array[r, c] = value
        return array


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
    rows, line_numbers = [], []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if names is None:
                    names = _header(target, start, row)
                elif len(row) != len(names):
                    raise ValueError(_ragged(target, start, row, names))
                else:
                    rows.append(tuple(row))
                    line_numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise ValueError(f"{target}, line {reader.line_num}: not valid CSV ({error})") from None
    if names is None:
        raise ValueError(f"{target}, line 1: the file is empty; expected a header row of column names")
    if not rows:
        raise ValueError(f"{target}, line 2: no data rows after the header")
    return Table(target, names, tuple(rows), tuple(line_numbers))


def _ragged(path: str, line: int, row: list[str], names: tuple[str, ...]) -> str:
    """The error for a row shorter or longer than the header, naming the first missing or extra column."""
    if len(row) < len(names):
        return (f"{path}, line {line}, column {names[len(row)]!r}: missing (the row has {len(row)} "
                f"values, the header {len(names)} columns)")
    return (f"{path}, line {line}, column {len(names) + 1}: extra value {row[len(names)][:40]!r} (the row has "
            f"{len(row)} values, the header {len(names)} columns)")


def _header(path: str, line: int, row: list[str]) -> tuple[str, ...]:
    names = tuple(cell.strip() for cell in row)
    for index, name in enumerate(names):
        if not name:
            raise ValueError(f"{path}, line {line}: column {index + 1} of the header has no name")
        if name in names[:index]:
            raise ValueError(f"{path}, line {line}: the header names column {name!r} twice")
    return names


def format_csv(names: Sequence[str], values: np.ndarray) -> str:
    """CSV text: a header of ``names``, then one row per row of ``values`` (shortest exact numbers)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([repr(value) for value in row] for row in np.asarray(values, dtype=float).tolist())
    return buffer.getvalue()
