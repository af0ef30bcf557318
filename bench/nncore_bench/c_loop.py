"""The plain C baseline: ``train_loop.c`` compiled with the system C compiler, called through ctypes."""

from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from nncore_bench.parameters import all_sigmoid, layers_of_dict

C_FLAGS = ("-O2", "-ffp-contract=off")
# Anchors: the same source built for this very CPU, with every sum in the
# reference's order, and with the compiler free to reorder (not bit-identical).
# They are bench-only builds, never shipped.
NATIVE_FLAGS = ("-O3", "-march=native", "-ffp-contract=off")
FAST_MATH_FLAGS = ("-O3", "-march=native", "-ffast-math")
SOURCE = Path(__file__).with_name("train_loop.c")


class CompilerUnavailable(RuntimeError):
    """No working C compiler: the C baseline is skipped."""


def find_compiler() -> str | None:
    """The C compiler command: ``$CC`` when set, else the first of cc, gcc, clang on the PATH.

    None on Windows, where the baseline is not built (it uses Unix-style compiler options).
    """
    if sys.platform == "win32":
        return None
    if os.environ.get("CC", "").strip():
        return os.environ["CC"].strip()
    for name in ("cc", "gcc", "clang"):
        path = shutil.which(name)
        if path:
            return path
    return None


def compiler_version(compiler: str) -> str:
    """First line of ``compiler --version``."""
    try:
        output = subprocess.run(
            [*shlex.split(compiler), "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError, ValueError):
        return "unknown"
    return output.splitlines()[0].strip() if output.strip() else "unknown"


class CLoop:
    """The compiled C training loop.

    Parameters
    ----------
    compiler : str, optional
        The C compiler command (e.g. ``"gcc"`` or ``"ccache cc"``); found with
        :func:`find_compiler` when omitted.
    flags : tuple of str
        Compiler flags: :data:`C_FLAGS` (the baseline every ratio is taken
        against), :data:`NATIVE_FLAGS` or :data:`FAST_MATH_FLAGS` (anchors).

    Raises
    ------
    CompilerUnavailable
        When there is no compiler or it fails on the source.
    """

    def __init__(self, compiler: str | None = None, flags: tuple[str, ...] = C_FLAGS) -> None:
        if sys.platform == "win32":
            raise CompilerUnavailable("the C baseline needs a Unix-style C compiler; not built on Windows")
        compiler = compiler or find_compiler()
        if compiler is None:
            raise CompilerUnavailable("no C compiler found (set CC, or install cc, gcc or clang)")
        self.compiler = compiler
        self.version = compiler_version(compiler)
        self.flags = tuple(flags)
        self._directory = tempfile.TemporaryDirectory(prefix="nncore-bench-")
        library = os.path.join(self._directory.name, "train_loop.so")
        objects = os.path.join(self._directory.name, "train_loop.o")
        # Compiled and linked in two commands: linked with -ffast-math, GCC adds
        # start-up code that makes the whole process flush subnormals to zero
        # as soon as the library loads, which would change nncore's results.
        for command in (
            [*shlex.split(compiler), *self.flags, "-fPIC", "-c", "-o", objects, str(SOURCE)],
            [*shlex.split(compiler), "-shared", "-o", library, objects, "-lm"],
        ):
            self._run(compiler, command)
        self._library = ctypes.CDLL(library)
        function = self._library.nn_train_steps
        pointer = ctypes.c_void_p
        function.argtypes = [
            ctypes.c_int64,
            pointer,
            pointer,
            pointer,
            pointer,
            pointer,
            pointer,
            pointer,
            pointer,
            pointer,
            ctypes.c_int64,
            ctypes.c_double,
            ctypes.c_double,
        ]
        function.restype = ctypes.c_double
        self._function = function

    @staticmethod
    def _run(compiler: str, command: list[str]) -> None:
        try:
            built = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            raise CompilerUnavailable(f"{compiler} could not run: {error}") from None
        if built.returncode != 0:
            raise CompilerUnavailable(f"{' '.join(command)} failed:\n{built.stderr.strip()}")

    def describe(self) -> str:
        return f"{self.version}, {' '.join(self.flags)}"


def pointers(arrays: list[np.ndarray]) -> ctypes.Array:
    """A C array of pointers to the data of ``arrays`` (keep the arrays alive as long as it is used)."""
    return (ctypes.c_void_p * len(arrays))(*[array.ctypes.data for array in arrays])


class CNetwork:
    """A network's parameters, one array per layer, trained by :class:`CLoop`.

    The C loop gets them as arrays of per-layer pointers; it never sees
    nncore's own buffers.

    Parameters
    ----------
    loop : CLoop
    start : dict
        A network in nncore's dictionary format (sigmoid layers): its
        per-layer weights (n_out, n_in), biases and changes are copied.
    """

    def __init__(self, loop: CLoop, start: dict) -> None:
        if not all_sigmoid(start):
            raise ValueError("the C baseline implements sigmoid layers only")
        self._loop = loop
        self.sizes = np.array(start["sizes"], dtype=np.int64)
        self.learning_rate = float(start["learning_rate"])
        self.momentum = float(start["momentum"])
        layers = layers_of_dict(start)
        self.weights = [np.ascontiguousarray(w) for w, _, _ in layers]
        self.biases = [np.ascontiguousarray(b) for _, b, _ in layers]
        self.changes = [np.ascontiguousarray(c) for _, _, c in layers]
        self.outputs = [np.zeros(int(n)) for n in self.sizes]
        self.deltas = [np.zeros(int(n)) for n in self.sizes[1:]]
        self._pointers = [
            pointers(arrays) for arrays in (self.weights, self.changes, self.biases, self.outputs, self.deltas)
        ]

    def train(self, inputs: np.ndarray, targets: np.ndarray, order: np.ndarray) -> float:
        """Train on rows ``order`` of the C-contiguous float64 arrays; returns the summed error."""
        if inputs.dtype != np.float64 or targets.dtype != np.float64 or order.dtype != np.int64:
            raise TypeError("inputs and targets must be float64 and order int64")
        if not (inputs.flags.c_contiguous and targets.flags.c_contiguous and order.flags.c_contiguous):
            raise ValueError("inputs, targets and order must be C-contiguous")
        if inputs.shape[1] != self.sizes[0] or targets.shape[1] != self.sizes[-1]:
            raise ValueError("inputs and targets do not match the network's sizes")
        if len(order) and (order.min() < 0 or order.max() >= len(inputs)):
            raise ValueError("order holds a row index outside the data")
        return self._loop._function(
            len(self.sizes),
            self.sizes.ctypes.data,
            *self._pointers,
            inputs.ctypes.data,
            targets.ctypes.data,
            order.ctypes.data,
            len(order),
            self.learning_rate,
            self.momentum,
        )

    def layers(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(weights, biases, changes) of each non-input layer, as copies."""
        return [(w.copy(), b.copy(), c.copy()) for w, b, c in zip(self.weights, self.biases, self.changes)]
