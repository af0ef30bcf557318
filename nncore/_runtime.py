"""What the compiled core runs on: the instruction-set level of its kernels, for :func:`nncore.show_runtime`."""

from __future__ import annotations

import platform
import sys

from nncore import _core
from nncore._version import __version__


def runtime_info() -> dict:
    """The facts :func:`nncore.show_runtime` prints, as a dictionary."""
    levels = _core.simd_runtime()
    return {
        "nncore": __version__,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "simd": levels["simd"],
        "simd_available": levels["simd_available"],
        "simd_built": levels["simd_built"],
        "simd_cpu": levels["simd_cpu"],
        "nncore_simd_variable": levels["simd_requested"],
    }


def format_runtime(info: dict) -> str:
    """``runtime_info()`` as the lines :func:`nncore.show_runtime` prints."""
    forced = info["nncore_simd_variable"]
    chosen = f"{info['simd']} (forced by NNCORE_SIMD)" if forced else f"{info['simd']} (the highest available)"
    return "\n".join(
        [
            f"nncore {info['nncore']}, Python {info['python']}, {info['machine']}",
            f"SIMD level in use: {chosen}",
            f"SIMD levels available: {', '.join(info['simd_available'])}",
            f"  built into this installation: {', '.join(info['simd_built'])}",
            f"  supported by this CPU: {', '.join(info['simd_cpu'])}",
        ]
    )
