"""Saving a network to a JSON file atomically, and loading it back.

``save`` never leaves a half-written file under the target name: it writes a
temporary file in the same directory, flushes it to disk, then renames it
over the target in one step (``os.replace``). If anything fails before the
rename (a full disk, a crash, Ctrl+C) the previous file is intact and the
temporary file is removed.
"""

from __future__ import annotations

import errno
import os
import secrets
from typing import TYPE_CHECKING, Union

from nncore._checks import describe

if TYPE_CHECKING:
    from nncore.network import Network

PathLike = Union[str, "os.PathLike[str]"]


def _check_path(path: object) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {describe(path)}")
    checked = os.fspath(path)
    if not isinstance(checked, str):
        raise TypeError(f"path must name a file as text, got {describe(checked)}")
    if not checked:
        raise ValueError("path must not be empty")
    return checked


def save(net: Network, path: PathLike) -> None:
    """See :meth:`nncore.Network.save`."""
    target = _check_path(path)
    data = (net.to_json() + "\n").encode("utf-8")
    directory, name = os.path.split(os.path.abspath(target))
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, "cannot save the network: no such directory", directory)
    temporary = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
    mode = _mode_of(target)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _sync_directory(directory)


def load(path: PathLike, cls: type[Network] | None = None) -> Network:
    """See :func:`nncore.load`."""
    if cls is None:
        from nncore.network import Network as cls
    target = _check_path(path)
    with open(target, "rb") as file:
        text = file.read()
    try:
        return cls.from_json(text)
    except ValueError as error:
        raise ValueError(f"{target}: {error}") from None


def _mode_of(target: str) -> int:
    """Permissions for the new file: the old file's if there is one, else the default (umask applies)."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        return 0o666


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable where the platform allows (POSIX)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
