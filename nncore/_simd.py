"""Which instruction-set level of the kernels ``nncore._core`` loads.

The kernels are built once per level (``nncore._kernels_baseline``, and
``_kernels_avx2``, ``_kernels_avx512`` on x86-64 or ``_kernels_neon`` on
arm64); a level can run when it was built and the CPU supports it. The
highest such level is chosen, unless the environment variable
``NNCORE_SIMD`` asks for one. The compiled core reports what the CPU supports
(``src/_cpu_features.h``) and loads the module of the chosen level; the rules
are here, in plain Python.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping

SIMD_LEVELS = ("baseline", "neon", "avx2", "avx512")
"""Instruction-set levels the kernels may be built for, lowest first (neon is arm64's, the others x86-64's)."""

VARIABLE = "NNCORE_SIMD"
"""The environment variable that forces a level."""


def cpu_levels(has_avx2: bool, has_avx512f: bool, has_neon: bool) -> tuple[str, ...]:
    """The levels a CPU (and its operating system) can run, lowest first.

    The avx512 kernels use AVX2 instructions too, so that level needs both.
    ``has_neon``: the CPU is an arm64 one (Advanced SIMD is part of that architecture).
    """
    supported = {"baseline": True, "neon": has_neon, "avx2": has_avx2, "avx512": has_avx2 and has_avx512f}
    return tuple(level for level in SIMD_LEVELS if supported[level])


def built_levels(find_spec: Callable[[str], object] = importlib.util.find_spec) -> tuple[str, ...]:
    """The levels whose kernel module was built and installed, lowest first (found, not imported)."""
    return tuple(level for level in SIMD_LEVELS if find_spec(f"nncore._kernels_{level}") is not None)


def requested_level(environ: Mapping[str, str]) -> str | None:
    """The level ``NNCORE_SIMD`` asks for, or None when it is unset or empty."""
    return environ.get(VARIABLE) or None


def usable_levels(cpu: tuple[str, ...], built: tuple[str, ...]) -> tuple[str, ...]:
    """The levels that were built and that the CPU supports, lowest first."""
    return tuple(level for level in built if level in cpu)


def choose_level(requested: str | None, cpu: tuple[str, ...], built: tuple[str, ...]) -> str:
    """The level to load: ``requested`` if given and usable, else the highest usable one.

    Raises
    ------
    ImportError
        When no level is usable: the package was not built completely.
    RuntimeError
        When ``requested`` is not a level's name, or names one that was not
        built or that the CPU does not support; the message names the levels
        that are usable. (Not an ImportError, which ``nncore/__init__``
        reports as an unbuilt source tree.)
    """
    usable = usable_levels(cpu, built)
    if not usable:
        raise ImportError("nncore._kernels_baseline is missing: the package was not built completely")
    if not requested:
        return usable[-1]
    if requested not in SIMD_LEVELS:
        raise RuntimeError(
            f"{VARIABLE} must be one of {', '.join(SIMD_LEVELS)}, got {requested!r} "
            f"(available here: {', '.join(usable)})"
        )
    if requested not in usable:
        why = "this CPU does not support it" if requested not in cpu else "it was not built"
        raise RuntimeError(f"{VARIABLE}={requested} cannot be used: {why} (available here: {', '.join(usable)})")
    return requested
