"""libfann's RPROP as a baseline: ``fann_rprop.c`` compiled against the double build of libfann.

The program reads a network written by ``Network.to_fann()`` (so both start from
the same weights) and a FANN ``.data`` file, and trains with ``fann_train_epoch``
and ``FANN_TRAIN_RPROP``.  Debian and Ubuntu ship libfann as ``libfann-dev``.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from nncore_bench.c_loop import compiler_version, find_compiler

SOURCE = Path(__file__).with_name("fann_rprop.c")
FLAGS = ("-O2",)


class FannUnavailable(RuntimeError):
    """No C compiler, or libfann's double build (header ``doublefann.h``, ``-ldoublefann``) is missing."""


def write_data(path: str | os.PathLike, inputs: np.ndarray, targets: np.ndarray) -> None:
    """Write ``inputs`` and ``targets`` as a FANN ``.data`` file, every number exactly (``%.17g``)."""
    lines = [f"{len(inputs)} {inputs.shape[1]} {targets.shape[1]}"]
    for row, target in zip(inputs, targets):
        lines.append(" ".join(f"{value:.17g}" for value in row))
        lines.append(" ".join(f"{value:.17g}" for value in target))
    Path(path).write_text("\n".join(lines) + "\n", encoding="ascii")


class FannRprop:
    """The compiled ``fann_rprop`` program.

    Raises
    ------
    FannUnavailable
        When there is no C compiler or the program does not build against libfann.
    """

    def __init__(self, compiler: str | None = None) -> None:
        compiler = compiler or find_compiler()
        if compiler is None:
            raise FannUnavailable("no C compiler found (set CC, or install cc, gcc or clang)")
        self._directory = tempfile.TemporaryDirectory(prefix="nncore-fann-")
        self.program = os.path.join(self._directory.name, "fann_rprop")
        command = [*shlex.split(compiler), *FLAGS, "-o", self.program, str(SOURCE), "-ldoublefann", "-lm"]
        try:
            built = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            raise FannUnavailable(f"{compiler} could not run: {error}") from None
        if built.returncode != 0:
            detail = (built.stderr.strip().splitlines() or ["no compiler output"])[0]
            raise FannUnavailable(
                f"the libfann program did not build; is libfann's double build installed "
                f"(apt-get install libfann-dev)? {compiler}: {detail}"
            )
        self.description = f"libfann 2.2 (doublefann), {compiler_version(compiler)}, {' '.join(FLAGS)}"

    def _run(self, *arguments: object) -> str:
        done = subprocess.run([self.program, *map(str, arguments)], capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(f"fann_rprop {' '.join(map(str, arguments))} failed: {done.stderr.strip()}")
        return done.stdout

    def curve(
        self, net_text: str, inputs: np.ndarray, targets: np.ndarray, max_epochs: int, target_mse: float
    ) -> list[float]:
        """The MSE after each epoch, until it is at most ``target_mse`` or ``max_epochs`` are done."""
        net_path, data_path = self._files(net_text, inputs, targets)
        output = self._run("curve", net_path, data_path, max_epochs, repr(float(target_mse)))
        return [float(line.split()[1]) for line in output.splitlines()]

    def seconds(self, net_text: str, inputs: np.ndarray, targets: np.ndarray, epochs: int) -> float:
        """Seconds that ``epochs`` epochs of ``fann_train_epoch`` take (the program's own clock)."""
        net_path, data_path = self._files(net_text, inputs, targets)
        return float(self._run("time", net_path, data_path, epochs))

    def _files(self, net_text: str, inputs: np.ndarray, targets: np.ndarray) -> tuple[str, str]:
        net_path = os.path.join(self._directory.name, "start.net")
        data_path = os.path.join(self._directory.name, "train.data")
        Path(net_path).write_text(net_text, encoding="ascii")
        write_data(data_path, inputs, targets)
        return net_path, data_path
