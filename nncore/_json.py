"""Parsing JSON text from files and readers, with errors that name where it came from.

Every network reader (nncore's format, brain.js, the tutorial) parses through
:func:`parse`, which adds three rules to :func:`json.loads`:

- Nesting deeper than :data:`MAX_DEPTH` arrays and objects is refused before
  parsing (Python's parser would otherwise run out of stack and raise
  ``RecursionError``). No network file nests deeper than 6 levels.
- ``NaN``, ``Infinity`` and ``-Infinity`` are refused: they are not JSON
  (JavaScript's ``JSON.stringify`` writes ``null`` for them, and brain.js
  writes its ``timeout`` of ``Infinity`` as the string ``"Infinity"``).
- Every failure is a ``ValueError`` naming the source, never a
  ``RecursionError`` or a bare ``JSONDecodeError`` message.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

MAX_DEPTH = 100
"""Deepest nesting of arrays and objects accepted (a network file needs at most 6)."""

# A JSON string, escapes included, in the "unrolled loop" form. The closing quote is optional so
# that an unterminated string runs to the end of the text in one match: the scan stays linear.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# str.translate drops the other Latin-1 characters much faster than the regular expression does.
_DROP_LATIN1 = {code: None for code in range(256) if chr(code) not in "[]{}"}


def parse(text: str | bytes | bytearray, source: str) -> Any:
    """The value held by JSON ``text``.

    Parameters
    ----------
    text : str, bytes or bytearray
        JSON text; bytes may be UTF-8, UTF-16 or UTF-32, as for :func:`json.loads`.
    source : str
        What the text is, for error messages: ``"brain.js data"``, a file name.

    Returns
    -------
    object
        The parsed value: dicts, lists, strings, ints, floats, bools and None.

    Raises
    ------
    TypeError
        If ``text`` is not text.
    ValueError
        Naming ``source``: invalid JSON (or undecodable bytes), nesting deeper
        than :data:`MAX_DEPTH`, a ``NaN``/``Infinity`` literal, or an integer
        with more digits than Python converts.
    """
    if isinstance(text, (bytes, bytearray)):
        text = _decode(bytes(text), source)
    if not isinstance(text, str):
        raise TypeError(f"{source} must be JSON text (str, bytes or bytearray), got {type(text).__name__}")
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise ValueError(
            f"{source} is nested {depth} levels deep (arrays and objects); at most {MAX_DEPTH} are "
            "accepted, and no network needs more than 6"
        )
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _ConstantError as error:
        raise ValueError(f"{source} is not valid JSON: {error}") from None
    except RecursionError:  # only if the caller's own stack is nearly full already
        raise ValueError(f"{source} is nested too deeply to parse") from None
    except ValueError as error:  # JSONDecodeError, or an integer beyond Python's digit limit
        raise ValueError(f"{source} is not valid JSON: {error}") from None


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON ``text`` (brackets inside strings do not count).

    Meant as a cheap guard before parsing: on invalid JSON it still returns a
    number, which the parser's own error then explains.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text).translate(_DROP_LATIN1))
    if not brackets:
        return 0
    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


class _ConstantError(ValueError):
    pass


def _refuse_constant(name: str) -> float:
    raise _ConstantError(f"{name} is not a JSON value (JSON has no NaN or infinities; JavaScript writes null for them)")


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode(json.detect_encoding(data), "surrogatepass")
    except UnicodeDecodeError as error:
        raise ValueError(f"{source} is not valid JSON: its bytes are not UTF-8, UTF-16 or UTF-32 ({error})") from None


_PLAIN_CONTAINERS = (dict, collections.OrderedDict, list, tuple)


def check_plain(data: object, source: str) -> None:
    """Refuse a parsed object that JSON text could not have produced in its containers.

    The readers of brain.js and tutorial objects take parsed JSON: dicts,
    lists (or tuples, or numpy arrays for numbers), strings, numbers, booleans
    and None. A subclass of dict or list may redefine ``len`` or iteration
    and is refused, with the path of the first one, as is nesting deeper
    than :data:`MAX_DEPTH`. The leaves are checked by the readers themselves.
    """
    if not isinstance(data, (dict, list, tuple)):
        return
    _check_container(data, None, source, 0)
    # Only containers are queued, each with its path as a chain (parent's chain, key), spelled out only
    # in an error: a list of a million numbers costs no memory beyond itself.
    pending: list[tuple[Any, tuple | None, int]] = [(data, None, 0)]
    while pending:
        value, path, depth = pending.pop()
        if type(value) in (dict, collections.OrderedDict):
            items: Iterable[tuple[object, Any]] = (
                (key if isinstance(key, str) else ..., item) for key, item in value.items()
            )
        else:
            items = enumerate(value)
        for key, item in items:
            if isinstance(item, (dict, list, tuple)):
                _check_container(item, (path, key), source, depth + 1)
                pending.append((item, (path, key), depth + 1))


def _check_container(value: object, path: tuple | None, source: str, depth: int) -> None:
    """Refuse a container that is a subclass, or nested beyond :data:`MAX_DEPTH`."""
    if type(value) not in _PLAIN_CONTAINERS:
        keys = []
        while path is not None:
            path, key = path
            keys.append("[...]" if key is ... else f"[{key!r}]")
        where = "".join(reversed(keys))
        raise ValueError(
            f"{source}{' at ' + where if where else ''} must be JSON data (a dict, list, string "
            f"or number), got a {type(value).__name__}"
        )
    if depth > MAX_DEPTH:
        raise ValueError(f"{source} is nested more than {MAX_DEPTH} levels deep")
