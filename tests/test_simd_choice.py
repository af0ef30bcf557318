"""The choice of the kernels' instruction-set level (``nncore._simd``), without loading any kernels.

Which level runs depends on what was built, what the CPU supports and
``NNCORE_SIMD``; the rules are plain Python, so every combination is tried
here (tests/test_simd.py runs the levels this machine has).
"""

import itertools

import pytest

from nncore import _core, _simd

LEVELS = _simd.SIMD_LEVELS
REQUESTS = [None, "", *LEVELS, "AVX2", "avx9000"]
BUILDS = [
    tuple(level for level in LEVELS if level in chosen)
    for size in range(len(LEVELS) + 1)
    for chosen in itertools.combinations(LEVELS, size)
]
# x86-64 CPUs with and without AVX2 and AVX-512, and an arm64 CPU (NEON is part of arm64)
CPUS = sorted(
    {_simd.cpu_levels(has_avx2, has_avx512f, False) for has_avx2 in (False, True) for has_avx512f in (False, True)}
    | {_simd.cpu_levels(False, False, True)}
)


@pytest.mark.parametrize(
    ("has_avx2", "has_avx512f", "has_neon", "expected"),
    [
        (False, False, False, ("baseline",)),
        (True, False, False, ("baseline", "avx2")),
        (False, True, False, ("baseline",)),  # the avx512 kernels use AVX2 instructions too
        (True, True, False, ("baseline", "avx2", "avx512")),
        (False, False, True, ("baseline", "neon")),  # arm64
    ],
)
def test_the_cpu_runs_the_levels_whose_instructions_it_has(has_avx2, has_avx512f, has_neon, expected):
    assert _simd.cpu_levels(has_avx2, has_avx512f, has_neon) == expected


def test_the_built_levels_are_the_kernel_modules_found():
    found = {"nncore._kernels_baseline", "nncore._kernels_avx512"}
    assert _simd.built_levels(lambda name: object() if name in found else None) == ("baseline", "avx512")
    assert set(_core.SIMD_AVAILABLE) <= set(_simd.built_levels())


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"NNCORE_SIMD": ""}, None),
        ({"NNCORE_SIMD": "avx2"}, "avx2"),
        ({"OTHER": "avx2"}, None),
    ],
)
def test_the_request_is_the_variable_unless_unset_or_empty(environ, expected):
    assert _simd.requested_level(environ) == expected


@pytest.mark.parametrize(
    ("requested", "cpu", "built", "expected"),
    [
        (None, ("baseline", "avx2"), ("baseline", "avx2", "avx512"), "avx2"),
        (None, ("baseline", "avx2", "avx512"), ("baseline", "avx2", "avx512"), "avx512"),
        (None, ("baseline", "avx2", "avx512"), ("baseline",), "baseline"),
        (None, ("baseline", "neon"), ("baseline", "neon"), "neon"),  # arm64: NEON unless asked otherwise
        ("baseline", ("baseline", "neon"), ("baseline", "neon"), "baseline"),
        ("", ("baseline", "avx2"), ("baseline", "avx2"), "avx2"),
        ("baseline", ("baseline", "avx2"), ("baseline", "avx2"), "baseline"),
    ],
)
def test_the_highest_usable_level_is_chosen_unless_one_is_requested(requested, cpu, built, expected):
    assert _simd.choose_level(requested, cpu, built) == expected


@pytest.mark.parametrize(
    ("requested", "cpu", "built", "message"),
    [
        ("avx512", ("baseline", "avx2"), ("baseline", "avx2", "avx512"), "this CPU does not support it"),
        ("avx2", ("baseline", "avx2"), ("baseline",), "it was not built"),
        ("neon", ("baseline", "avx2"), ("baseline", "avx2"), "this CPU does not support it"),  # x86-64
        ("neon", ("baseline", "neon"), ("baseline",), "it was not built"),
        (
            "AVX2",
            ("baseline", "avx2"),
            ("baseline", "avx2"),
            "must be one of baseline, neon, avx2, avx512, got 'AVX2'",
        ),
    ],
)
def test_a_request_that_cannot_be_met_is_refused(requested, cpu, built, message):
    with pytest.raises(RuntimeError, match=message):
        _simd.choose_level(requested, cpu, built)


@pytest.mark.parametrize("built", BUILDS)
@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("requested", REQUESTS)
def test_every_combination_of_request_build_and_cpu(requested, cpu, built):
    usable = [level for level in LEVELS if level in built and level in cpu]
    if not usable:
        with pytest.raises(ImportError, match=r"nncore._kernels_baseline is missing"):
            _simd.choose_level(requested, cpu, built)
        return
    available = f"available here: {', '.join(usable)}"
    if requested not in (None, "") and requested not in LEVELS:
        with pytest.raises(RuntimeError, match=f"NNCORE_SIMD must be one of {', '.join(LEVELS)}, got '{requested}'"):
            _simd.choose_level(requested, cpu, built)
    elif requested not in (None, "") and requested not in cpu:
        with pytest.raises(
            RuntimeError,
            match=f"NNCORE_SIMD={requested} cannot be used: this CPU does not support it"
            rf" \({available}\)",
        ):
            _simd.choose_level(requested, cpu, built)
    elif requested not in (None, "") and requested not in built:
        with pytest.raises(
            RuntimeError,
            match=f"NNCORE_SIMD={requested} cannot be used: it was not built"
            rf" \({available}\)",
        ):
            _simd.choose_level(requested, cpu, built)
    elif requested:
        assert _simd.choose_level(requested, cpu, built) == requested
    else:  # the default: the highest level that was built and that the CPU runs
        assert _simd.choose_level(requested, cpu, built) == usable[-1]


def test_the_usable_levels_are_built_and_supported_lowest_first():
    assert _simd.usable_levels(("baseline", "avx2"), ("baseline", "avx2", "avx512")) == ("baseline", "avx2")
    assert _simd.usable_levels(("baseline", "avx2", "avx512"), ("baseline", "avx512")) == ("baseline", "avx512")


def test_the_core_loaded_the_level_chosen_from_what_it_reports():
    info = _core.simd_runtime()
    cpu, built = tuple(info["simd_cpu"]), tuple(info["simd_built"])
    assert _core.SIMD_LEVELS == LEVELS
    assert _simd.usable_levels(cpu, built) == _core.SIMD_AVAILABLE
    assert info["simd"] == _core.SIMD == _simd.choose_level(info["simd_requested"], cpu, built)
