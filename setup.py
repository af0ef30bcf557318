"""Build the compiled core ``nncore._core`` from ``src/``.

Optimisation flags are chosen per compiler in :class:`BuildExt`; nothing here
targets the build machine's own CPU, so wheels run on any CPU of their platform.
"""

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


class BuildExt(build_ext):
    """``build_ext`` with optimisation flags for the compiler actually in use."""

    def build_extensions(self):
        flags = MSVC_FLAGS if self.compiler.compiler_type == "msvc" else UNIX_FLAGS
        for extension in self.extensions:
            extension.extra_compile_args = [*flags, *extension.extra_compile_args]
        super().build_extensions()


extensions = [
    Extension(
        "nncore._core",
        sources=["src/_core.pyx"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    )
]

setup(
    ext_modules=cythonize(
        extensions,
        include_path=["src"],
        compiler_directives={"language_level": "3"},
    ),
    cmdclass={"build_ext": BuildExt},
)
