"""Check what the sdist and the wheels hold.

The sdist must carry the Cython sources, the package, its stubs, the tests and
the benchmark suite, and no generated C or built module.  A wheel must carry
the package, the compiled core, its baseline kernels (and, on x86-64, the
AVX2 and AVX-512 kernels where the compiler built them, on arm64 the NEON
kernels), the stubs,
``py.typed`` and the C header of exp, tanh and sigmoid that ``Network.to_c``
copies, and nothing else (no sources, no tests, no benchmark code: the
suite runs from a clone).

Usage: python .ci/check_dist_contents.py DIST_FILE...   (.tar.gz or .whl)
"""

import fnmatch
import sys
import tarfile
import zipfile

SDIST_REQUIRED = [
    "pyproject.toml",
    "setup.py",
    "README.md",
    "LICENSE",
    "MANIFEST.in",
    "PKG-INFO",
    "src/_core.pyx",
    "src/_core_simd.pxi",
    "src/_core_inputs.pxi",
    "src/_core_network.pxi",
    "src/_core_layers.pxi",
    "src/_core_schedule.pxi",
    "src/_core_lanes.pxi",
    "src/_kernels.pxd.tp",
    "src/_lanes.pxd.tp",
    "src/render_templates.py",
    "src/_elementary.pxd",
    "src/_kernel_table.pxd",
    "src/_kernel_abi.pxd",
    "src/_kernels_level.pxi",
    "src/_cpu_features.h",
    "src/_kernels_baseline.pyx",
    "src/_kernels_avx2.pyx",
    "src/_kernels_avx512.pyx",
    "src/_kernels_neon.pyx",
    "src/_row_sums_neon.h",
    "nncore/__init__.py",
    "nncore/_core.pyi",
    "nncore/py.typed",
    "nncore/_elementary.h",
    "tests/conftest.py",
    "tests/test_threads.py",
    "bench/run.py",
    "bench/nncore_bench/__init__.py",
    "bench/nncore_bench/train_loop.c",
]
SDIST_FORBIDDEN = ["src/*.c", "*.so", "*.pyd", "*.dylib", "*.pyc", "*/__pycache__/*"]

WHEEL_REQUIRED = [
    "nncore/__init__.py",
    "nncore/_core.pyi",
    "nncore/py.typed",
    "nncore/_elementary.h",  # exp, tanh and sigmoid in C, which Network.to_c copies
    "nncore/_core.*",  # the compiled modules (.so or .pyd), checked below
    "nncore/_kernels_baseline.*",
    "*.dist-info/METADATA",
    "*.dist-info/RECORD",
    "*.dist-info/WHEEL",
    "*.dist-info/licenses/LICENSE",
]
WHEEL_ALLOWED = [
    "nncore/*.py",
    "nncore/*.pyi",
    "nncore/py.typed",
    "nncore/_elementary.h",
    "nncore/_core.*.so",
    "nncore/_core.*.pyd",
    "*.dist-info/*",
]
WHEEL_ALLOWED += [
    f"nncore/_kernels_{level}.*.{suffix}"
    for level in ("baseline", "avx2", "avx512", "neon")
    for suffix in ("so", "pyd")
]
# The compiled modules: how many of each a wheel may hold (the optional levels are left out
# where the platform or the compiler cannot build them).
COMPILED = {
    "_core": (1, 1),
    "_kernels_baseline": (1, 1),
    "_kernels_avx2": (0, 1),
    "_kernels_avx512": (0, 1),
    "_kernels_neon": (0, 1),
}
WHEEL_FORBIDDEN = ["*bench*"]  # the benchmark suite is not installed


def sdist_names(path):
    with tarfile.open(path) as archive:
        names = [member.name for member in archive.getmembers() if member.isfile()]
    # drop the top folder, nncore_nn-VERSION/
    return [name.split("/", 1)[1] for name in names]


def wheel_names(path):
    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist() if not name.endswith("/")]


def matches(names, pattern):
    return [name for name in names if fnmatch.fnmatch(name, pattern)]


def problems_of(path):
    if path.endswith(".tar.gz"):
        names = sdist_names(path)
        required, forbidden, allowed = SDIST_REQUIRED, SDIST_FORBIDDEN, None
    elif path.endswith(".whl"):
        names = wheel_names(path)
        required, forbidden, allowed = WHEEL_REQUIRED, WHEEL_FORBIDDEN, WHEEL_ALLOWED
    else:
        return [f"not an sdist or a wheel: {path}"]
    problems = [f"missing {pattern}" for pattern in required if not matches(names, pattern)]
    problems += [f"must not hold {name}" for pattern in forbidden for name in matches(names, pattern)]
    if allowed is not None:
        problems += [
            f"must not hold {name}" for name in names if not any(fnmatch.fnmatch(name, pattern) for pattern in allowed)
        ]
        for module, (least, most) in COMPILED.items():
            compiled = matches(names, f"nncore/{module}.*.so") + matches(names, f"nncore/{module}.*.pyd")
            if not least <= len(compiled) <= most:
                problems.append(f"must hold {least} to {most} compiled nncore.{module}, holds {compiled}")
    return problems


def main(paths):
    failed = False
    for path in paths:
        problems = problems_of(path)
        print(f"{path}: {'OK' if not problems else 'FAILED'}")
        for problem in problems:
            print(f"  {problem}")
        failed |= bool(problems)
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
