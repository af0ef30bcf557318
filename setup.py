"""Build the compiled core ``nncore._core`` and its kernels from ``src/``.

The kernels (``src/_kernels.pxd``, rendered from the template
``src/_kernels.pxd.tp`` once per network dtype) are built once per instruction-set level,
as ``nncore._kernels_baseline``, ``nncore._kernels_avx2`` and
``nncore._kernels_avx512`` on x86-64, ``nncore._kernels_baseline`` and
``nncore._kernels_neon`` on arm64; ``nncore._core`` loads the highest level the CPU
supports when it is imported.  Optimisation flags are chosen per compiler in
:class:`BuildExt`; only the modules of a level get that level's flags, and
nothing targets the build machine's own CPU, so wheels run on any CPU of
their platform.  A level the target or the compiler cannot build is left out
of the wheel, with a warning; the baseline is always built.
"""

import runpy
import sys
import sysconfig
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# GCC, Clang (macOS, Emscripten) and MinGW take UNIX_FLAGS; MSVC takes MSVC_FLAGS.
# -ffp-contract=off: no fused multiply-add, so every platform rounds exactly as
# the pure-Python reference does and a seed gives the same weights everywhere
# (MSVC 2022 and newer contract only under /fp:contract or /fp:fast, neither given).
# -g0: no debug information, which would make the module several times larger.
UNIX_FLAGS = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-g0"]
MSVC_FLAGS = ["/O2", "/fp:precise"]

# Instruction-set flags of the optional levels.  -mavx2 does not enable FMA
# (-march=haswell would); -mavx512f neither.  Vectorised code then gives the
# same bits as the baseline: each sum keeps its order, only neurons and rows
# are computed side by side.
# Advanced SIMD is part of every arm64 CPU, so neon needs no flag: the macro turns
# on the NEON row sums (src/_row_sums_neon.h) in that module only, and the arm64
# baseline stays free of them.
LEVEL_FLAGS = {
    "avx2": {"unix": ["-mavx2"], "msvc": ["/arch:AVX2"]},
    "avx512": {"unix": ["-mavx2", "-mavx512f"], "msvc": ["/arch:AVX512"]},
    "neon": {"unix": ["-DNNCORE_NEON_KERNELS"], "msvc": ["/DNNCORE_NEON_KERNELS"]},
}
# The architecture each optional level is built for, and the endings of its platform names.
# A universal2 wheel (both architectures from one compiler call) gets the baseline only.
LEVEL_TARGETS = {"avx2": "x86-64", "avx512": "x86-64", "neon": "arm64"}
TARGET_PLATFORMS = {
    "x86-64": ("x86_64", "amd64"),  # linux-x86_64, macosx-10.9-x86_64, win-amd64
    "arm64": ("aarch64", "arm64"),  # linux-aarch64, macosx-11.0-arm64, win-arm64
}

COMMON = {
    "define_macros": [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    # nncore/: the exp, tanh and sigmoid of _elementary.h, package data as well (Network.to_c copies it)
    "include_dirs": ["src", "nncore"],
    "depends": [
        "src/_cpu_features.h",
        "src/_lanes.h",
        "src/_row_sums.h",
        "src/_row_sums_neon.h",
        "src/_row_updates.h",
        "src/_small_step.h",
        "src/_vector_elementary.h",
        "nncore/_elementary.h",
    ],
}
# The parts src/_core.pyx includes: one extension module, nncore._core.
CORE_PARTS = [
    "src/_core_simd.pxi",
    "src/_core_inputs.pxi",
    "src/_core_network.pxi",
    "src/_core_layers.pxi",
    "src/_core_schedule.pxi",
    "src/_core_lanes.pxi",
]


def targets(plat_name, architecture):
    """True when the wheel is for ``architecture`` ("x86-64", "arm64") only (not universal2, not wasm)."""
    return plat_name.lower().endswith(TARGET_PLATFORMS[architecture])


def level_of(extension):
    """'avx2' for nncore._kernels_avx2; None for modules built with the baseline flags only."""
    level = extension.name.rpartition("_")[2]
    return level if level in LEVEL_FLAGS else None


class BuildExt(build_ext):
    """``build_ext`` with optimisation flags for the compiler in use, and instruction-set levels that may be
    left out."""

    def build_extensions(self):
        kind = "msvc" if self.compiler.compiler_type == "msvc" else "unix"
        flags = MSVC_FLAGS if kind == "msvc" else UNIX_FLAGS
        plat_name = self.plat_name or sysconfig.get_platform()
        kept = []
        for extension in self.extensions:
            level = level_of(extension)
            if level is not None and not targets(plat_name, LEVEL_TARGETS[level]):
                target = LEVEL_TARGETS[level]
                print(f"nncore: not building {extension.name}: {plat_name} is not {target}", file=sys.stderr)
                continue
            level_flags = LEVEL_FLAGS[level][kind] if level else []
            extension.extra_compile_args = [*flags, *level_flags, *extension.extra_compile_args]
            kept.append(extension)
        self.extensions = kept
        super().build_extensions()


extensions = [
    Extension("nncore._core", sources=["src/_core.pyx"], **{**COMMON, "depends": COMMON["depends"] + CORE_PARTS}),
    Extension("nncore._kernels_baseline", sources=["src/_kernels_baseline.pyx"], **COMMON),
    # optional: a compiler that cannot build a level leaves it out, not the wheel
    Extension("nncore._kernels_avx2", sources=["src/_kernels_avx2.pyx"], optional=True, **COMMON),
    Extension("nncore._kernels_avx512", sources=["src/_kernels_avx512.pyx"], optional=True, **COMMON),
    Extension("nncore._kernels_neon", sources=["src/_kernels_neon.pyx"], optional=True, **COMMON),
]

# The kernels are written once in Tempita templates and rendered per dtype (src/render_templates.py).
runpy.run_path(str(Path(__file__).with_name("src") / "render_templates.py"))["render"]()

setup(
    ext_modules=cythonize(
        extensions,
        include_path=["src"],
        compiler_directives={"language_level": "3"},
    ),
    cmdclass={"build_ext": BuildExt},
)
