"""Writing files atomically and reading them back, with limits.

:func:`write_atomically` never leaves a half-written file under the target
name: it writes a temporary file in the target's directory, flushes it to
disk, then renames it over the target in one step (``os.replace``). If
anything fails before the rename (a full disk, a crash, Ctrl+C) the previous
file is intact and the temporary file is removed.

:func:`read_file` reads regular files only, of at most :data:`MAX_FILE_SIZE`
bytes, so that a device (``/dev/zero``), a FIFO or a runaway file gives a
clear error instead of filling memory. :func:`read_json` parses what it read.

This module works on bytes and parsed JSON; :meth:`nncore.Network.save` and
:meth:`nncore.Network.load` turn networks into them and back.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from typing import Union

from nncore import _json
from nncore._checks import describe

PathLike = Union[str, "os.PathLike[str]"]

MAX_FILE_SIZE = 1 << 30
"""Largest file :func:`read_file` reads, in bytes (1 GiB: a network of about 50 million weights)."""


def check_path(path: object) -> str:
    """``path`` as a non-empty ``str``, or a TypeError/ValueError saying what was given."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {describe(path)}")
    checked = os.fspath(path)
    if not isinstance(checked, str):
        raise TypeError(f"path must name a file as text, got {describe(checked)}")
    if not checked:
        raise ValueError("path must not be empty")
    if "\0" in checked:
        raise ValueError(f"path must not contain a NUL character, got {describe(checked)}")
    return checked


def write_atomically(path: PathLike, data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` in one step.

    The temporary file (``.nncore-<12 hex digits>.tmp``, whatever the length
    of the target's name) is made in the directory the target really lives
    in: the symbolic links in ``path`` are resolved once (a link to a file is
    written through, beside the file it names, and stays a link), and the
    same directory takes the temporary file, the rename and the flush of the
    directory. An existing file keeps its permissions; a new one gets the
    default ones (the umask applies).

    Parameters
    ----------
    path : str or os.PathLike
    data : bytes

    Raises
    ------
    ValueError
        Naming ``path``: it is (or links to) a directory, a device or a FIFO.
    FileNotFoundError
        If the directory does not exist.
    OSError
        As raised by the system (a full disk, no permission); the previous
        file, if any, is left intact and no temporary file remains.
    """
    target = check_path(path)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {describe(data)}")
    directory, name = _real_location(target)
    target = os.path.join(directory, name)
    temporary = os.path.join(directory, f".nncore-{secrets.token_hex(6)}.tmp")
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
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def read_file(path: PathLike) -> bytes:
    """The bytes of the regular file at ``path``.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        Naming the file: it is not a regular file (a directory, device or
        FIFO), or it holds more than :data:`MAX_FILE_SIZE` bytes.
    OSError
        As raised by the system (no such file, no permission).
    """
    target = check_path(path)
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever before fstat can refuse it.
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise ValueError(_not_regular(target, status.st_mode, "", writing=False))
        if status.st_size > MAX_FILE_SIZE:
            raise ValueError(_too_large(target, status.st_size))
        data = _read_at_most(fd, status.st_size, MAX_FILE_SIZE + 1)  # one byte more catches a file that grew
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_SIZE:
        raise ValueError(_too_large(target, len(data)))
    return data


def read_json(path: PathLike) -> object:
    """The JSON value in the file at ``path`` (see :func:`read_file` and :func:`nncore._json.parse`).

    Raises
    ------
    ValueError
        Naming the file: not a regular file, too large, or not valid JSON.
    """
    target = check_path(path)
    return _json.parse(read_file(target), target)


def _read_at_most(fd: int, expected: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd``: ``expected`` of them in one read, the rest (if it grew) in chunks."""
    chunks, total = [], 0
    size = min(expected + 1, limit)
    while total < limit:
        chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        size = min(1 << 20, limit - total)
    return b"".join(chunks)


def _real_location(target: str) -> tuple[str, str]:
    """The directory the OS will put ``target`` in and the file's name, every symbolic link resolved.

    A link to a file is written through: the file it names is replaced and
    the link stays. Anything but a regular file (a directory, or a link to
    one, a device, a FIFO) is refused, naming ``target``. Not ``abspath``: it
    would fold ``link/..`` lexically, where the OS follows the link first and
    goes to the parent of the directory it points to.
    """
    directory, name = os.path.split(target)
    if not name and not os.path.isdir(target):
        raise ValueError(f"path must name a file, got the directory {target!r}")
    real = os.path.realpath(target)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        through = f", through the symbolic link to {real}" if os.path.islink(target.rstrip(os.sep)) else ""
        raise ValueError(_not_regular(target, mode, through, writing=True))
    real_directory, real_name = os.path.split(real)
    if not os.path.isdir(real_directory):
        raise FileNotFoundError(errno.ENOENT, "cannot write the file: no such directory", directory or real_directory)
    return real_directory, real_name


def _too_large(target: str, size: int) -> str:
    return f"{target}: the file holds {size} bytes, more than the {MAX_FILE_SIZE} read (nncore._files.MAX_FILE_SIZE)"


def _not_regular(target: str, mode: int, through: str, writing: bool) -> str:
    """The message for a path that is not a regular file; a directory, the likeliest slip, is said first."""
    if stat.S_ISDIR(mode):
        verb = "write" if writing else "read"
        return f"{target}: a directory{through}, not a file; give the path of a file to {verb}"
    participle = "written" if writing else "read"
    return f"{target}: not a regular file ({_kind(mode)}{through}); only regular files are {participle}"


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((text for test, text in kinds if test(mode)), "not a regular file")


def _mode_of(target: str) -> int:
    """Permissions for the new file: the old file's if there is one (a regular file, checked by
    :func:`_real_location`), else the default (umask applies)."""
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
