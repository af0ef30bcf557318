"""What the JSON network formats share: reading one from a dict, text or a file, and telling them apart.

Three formats besides nncore's own are read: brain.js 2 (:mod:`nncore._brainjs2`),
brain.js 1.x (:mod:`nncore._brainjs1`) and the tutorial's (:mod:`nncore._tutorial_format`).
:func:`detect_format` tells which one (or nncore's own) a parsed JSON object is;
:func:`convert` gives a reader its object, from a dict, JSON text or a file's
path, and names the file in its errors.

Every conversion goes through nncore's dictionary format
(:mod:`nncore._serialization`): the format modules read and write plain data,
and :class:`nncore.Network` turns the dictionaries into networks and back.

Numbers must be JSON numbers: ints and floats (numpy's too), finite and
within a float's range. Booleans, strings, ``None``, fractions and decimals
are refused with a ``ValueError`` naming the field.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, TypeVar

from nncore import _files, _json, _serialization
from nncore._checks import check_sizes, describe, length_of
from nncore._fields import Fields
from nncore._vocabulary import DEFAULT_LEAKY_RELU_ALPHA

T = TypeVar("T")

_JSON_TEXT = re.compile(r"[ \t\r\n]*[\[{]")
_BROKEN_TEXT = re.compile(r"[\[{\n]")  # in a str read as a path: more likely JSON text with junk in front
_FORMAT_NAMES = {"nncore": "nncore's format", "brainjs": "brain.js's toJSON()", "tutorial": "the tutorial's toJSON()"}
_READERS = {
    "nncore": "Network.from_dict (or nncore.load)",
    "brainjs": "Network.from_brainjs",
    "tutorial": "Network.from_tutorial_json",
}


def detect_format(obj: object) -> str:
    """Which network format a parsed JSON value is in.

    Parameters
    ----------
    obj : object
        A parsed JSON value.

    Returns
    -------
    str
        ``"nncore"`` (an object with a ``format`` field), ``"brainjs"``
        (brain.js 2 or 1.x: an object with ``type``, ``sizes`` or
        ``trainOpts``, or whose ``layers`` are objects) or ``"tutorial"`` (an
        object whose ``layers`` are lists of neurons). Only the shape is
        looked at; the reader of the format checks every field.

    Raises
    ------
    ValueError
        Saying what ``obj`` looks like and what was expected.
    """
    if isinstance(obj, dict):
        if "format" in obj:
            return "nncore"
        if any(key in obj for key in ("type", "sizes", "trainOpts")):
            return "brainjs"
        layers = obj.get("layers")
        if isinstance(layers, list) and layers:
            if all(isinstance(layer, list) for layer in layers):
                return "tutorial"
            if all(isinstance(layer, dict) for layer in layers):
                return "brainjs"
    raise ValueError(
        f'expected a network: nncore\'s format (an object with "format": "nncore"), brain.js\'s '
        f'toJSON() (an object with "sizes" and "layers" of objects) or the tutorial\'s toJSON() (an '
        f'object with "layers" of lists of neurons); got {_what(obj)}'
    )


def _what(obj: object) -> str:
    if isinstance(obj, dict):
        keys = list(obj)
        more = ", ..." if len(keys) > 8 else ""
        shown = ", ".join(repr(key) for key in keys[:8])
        return f"an object with the keys [{shown}{more}]" if keys else "an empty object"
    kinds = ((list, "an array"), (str, "a string"), (bool, "a boolean"), ((int, float), "a number"))
    kind = next((text for types, text in kinds if isinstance(obj, types)), type(obj).__name__)
    return f"{kind} ({describe(obj)})" if obj is not None else "null"


def convert(obj: Any, source: str, expected: str, read: Callable[[Fields], T]) -> T:
    """``read(fields)`` for the object ``obj`` holds, in the format ``expected``; a file's errors name the file."""
    data, path = _read_object(obj, source)
    try:
        if not isinstance(data, dict):
            raise ValueError(f"{source} must be a JSON object, got {_what(data)}")
        _json.check_plain(data, source)
        _check_not_other_format(data, source, expected)
        return read(Fields(data, source, json_numbers=True))
    except ValueError as error:
        if path is None:
            raise
        raise ValueError(f"{path}: {error}") from None


def _read_object(obj: Any, source: str) -> tuple[object, str | None]:
    """The parsed value ``obj`` stands for, and the path it was read from (None if not a file)."""
    if isinstance(obj, dict):
        return obj, None
    if isinstance(obj, (bytes, bytearray)) or (isinstance(obj, str) and _JSON_TEXT.match(obj)):
        return _json.parse(obj, source), None
    if isinstance(obj, (str, os.PathLike)):
        path = _files.check_path(obj)
        if isinstance(obj, str) and _BROKEN_TEXT.search(obj) and not os.path.exists(path):
            raise ValueError(
                f"{source} is neither JSON text (a str whose first non-blank character is {{ or [) nor the "
                f"path of an existing file, got {describe(obj)}"
            )
        return _files.read_json(path), path
    raise TypeError(f"{source} must be a dict (a parsed JSON object), JSON text or a file's path, got {describe(obj)}")


def check_not_text(path: object, reader: str) -> None:
    """Refuse a network's text given to ``reader`` (a reader of files) instead of a file's path, naming the
    reader of text: ``bytes``, or a ``str`` that is JSON text or holds lines and names no file."""
    if isinstance(path, (bytes, bytearray)):
        kind = "bytes"
    elif isinstance(path, str) and (_JSON_TEXT.match(path) or "\n" in path) and not os.path.exists(path):
        kind = "text"
    else:
        return
    raise (TypeError if kind == "bytes" else ValueError)(
        f"{reader} takes a file's path (str or os.PathLike), got {kind} ({describe(path)}); to read a network "
        "from text use Network.from_json (nncore's JSON), Network.from_brainjs, Network.from_tutorial_json "
        "or Network.from_fann"
    )


def _check_not_other_format(data: dict, source: str, expected: str) -> None:
    """Point to the right reader when ``data`` is clearly in another format."""
    try:
        found = detect_format(data)
    except ValueError:  # no clear format: the reader's own checks name the field
        return
    if found != expected:
        raise ValueError(
            f"{source}: this is {_FORMAT_NAMES[found]}, not {_FORMAT_NAMES[expected]}; read it with {_READERS[found]}"
        )


# ---------------------------------------------------------------- shared by the formats


def nncore_dict(
    sizes: list[int],
    activation: str,
    layers: list[dict],
    *,
    learning_rate: float,
    momentum: float,
    leaky_relu_alpha: float = DEFAULT_LEAKY_RELU_ALPHA,
    iterations: int = 0,
    input_names: list[str] | None = None,
    output_names: list[str] | None = None,
    optimizer: str = "sgd",
    rule_parameters: dict | None = None,
) -> dict:
    """nncore's dictionary for a network of one ``activation`` read from another format."""
    return _serialization.make_dict(
        sizes,
        [activation] * (len(sizes) - 1),
        learning_rate,
        momentum,
        iterations,
        layers,
        leaky_relu_alpha,
        input_names=input_names,
        output_names=output_names,
        optimizer=optimizer,
        rule_parameters=rule_parameters,
    )


def check_mse(format_name: str, loss: str) -> None:
    """Refuse a network trained on another loss than the squared error, the only one ``format_name`` has."""
    if loss != "mse":
        raise ValueError(
            f"{format_name} trains on the squared error only (loss 'mse'); this network's loss is {loss!r}, "
            "which it cannot express"
        )


def layer_list(fields: Fields) -> list:
    """The field ``layers``: a list of at least 2 layers."""
    layers = fields.required("layers")
    if not isinstance(layers, list) or (length_of(layers) or 0) < 2:
        raise fields.error("layers", f"must be a list of at least 2 layers, got {describe(layers)}")
    return layers


def sizes(value: object, fields: Fields) -> list[int]:
    """Layer sizes (given, or counted from the layers), checked as nncore's format checks them."""
    try:
        return list(check_sizes(value))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{fields.source}: field 'sizes': {error}") from None


def empty(value: object) -> bool:
    """True for what brain.js writes as the input layer's parameters: an empty list, or null."""
    return value is None or (isinstance(value, list) and not value)
