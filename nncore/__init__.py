"""nncore: small fully-connected neural networks trained one sample at a time, in compiled code.

>>> import nncore
>>> net = nncore.Network([2, 10, 10, 1], seed=0)
>>> error = net.train([0, 1], [1])
"""

import os as _os

from nncore._identity import warn_if_shared as _warn_if_shared
from nncore._version import __version__

_warn_if_shared(__path__[0])  # pip's `nncore` is an unrelated project with the same import name


def _in_a_subinterpreter() -> bool:
    """True when this is not the process's main interpreter (told by CPython's private module; False without it)."""
    for name in ("_interpreters", "_xxsubinterpreters"):  # Python 3.13 and later; 3.8 to 3.12
        try:
            interpreters = __import__(name)
        except ImportError:
            continue
        current, main = interpreters.get_current(), interpreters.get_main()
        if isinstance(current, tuple):  # 3.13 and later: (id, how it was created)
            current, main = current[0], main[0]
        return int(current) != int(main)
    return False


if _in_a_subinterpreter():
    # Cython lets the first interpreter that loads an extension module be the only one: loading the
    # core here would leave the main interpreter unable to import nncore.
    raise ImportError(
        "nncore cannot be imported in a subinterpreter: its compiled core (a Cython extension module) can "
        "only be loaded into one interpreter per process, and nncore keeps that one the main interpreter. "
        "Import nncore in the main interpreter (under mod_wsgi: WSGIApplicationGroup %{GLOBAL})."
    )
try:
    from nncore import _core  # the compiled core
except ImportError:
    import importlib.util

    if importlib.util.find_spec("nncore._core") is not None:
        raise  # the core is there but cannot load: its own reason
    raise ImportError(
        f"nncore's compiled core is missing from {__path__[0]}: this is a source tree that was not "
        "built. Install nncore (pip install .) and run Python from another folder, or build it in "
        "place (pip install -e .)."
    ) from None
from nncore import _runtime
from nncore._evaluation import Evaluation, Misclass
from nncore._exceptions import DivergenceError, SaturationWarning
from nncore._fann import read_data as read_fann_data
from nncore._fann import write_data as write_fann_data
from nncore._fitting import FitProgress, FitResult
from nncore._fixed import FixedNetwork
from nncore._network import Network
from nncore._population import fit_many


def load(path: str | _os.PathLike[str]) -> Network:
    """Read a network from a file: written by :meth:`Network.save`, by brain.js, by the tutorial or by FANN.

    The format is told by the content: a FANN ``.net`` file by its first line
    (as :meth:`Network.from_fann`), else nncore's own, brain.js's ``toJSON()``
    (2 or 1.x) or the tutorial's, as :meth:`Network.load`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        If the file does not hold a valid network, is not a regular file (a
        directory, ...) or is too large (the message names the file and the
        bad field); or if ``path`` is a network's text rather than a path (read
        that with :meth:`Network.from_json`).
    """
    return Network.load(path)


def show_runtime() -> dict:
    """Print and return what the compiled core runs on, as ``numpy.show_runtime()`` does for numpy.

    The kernels are compiled for several instruction-set levels (on x86-64:
    ``"baseline"``, ``"avx2"`` and ``"avx512"``; on arm64: ``"baseline"`` and
    ``"neon"``; elsewhere the baseline only), and the highest one the CPU
    supports is loaded at import. The
    environment variable ``NNCORE_SIMD`` forces one (for tests and bug
    reports); every level gives the same results to the last bit.

    Returns
    -------
    dict
        ``"simd"``: the level in use; ``"simd_available"``: the levels this
        installation built and this CPU supports, lowest first;
        ``"simd_built"``, ``"simd_cpu"``: the two lists separately;
        ``"nncore_simd_variable"``: ``NNCORE_SIMD`` as set at import (or None);
        ``"nncore"``, ``"python"``, ``"machine"``: versions and CPU architecture.
    """
    info = _runtime.runtime_info()
    print(_runtime.format_runtime(info))
    return info


def use_simd(level: str) -> str:
    """Switch the compiled kernels to another instruction-set level; returns the level in use before.

    Every level gives the same results to the last bit, so this changes only
    the speed: it lets a benchmark time the levels side by side in one
    process, and a bug report rule one out. ``NNCORE_SIMD`` chooses the level
    at import instead.

    Parameters
    ----------
    level : str
        One of ``show_runtime()["simd_available"]`` (on x86-64 with AVX-512:
        ``"baseline"``, ``"avx2"``, ``"avx512"``; on arm64: ``"baseline"``,
        ``"neon"``).

    Returns
    -------
    str
        The level that was in use.

    Raises
    ------
    ValueError
        If ``level`` was not built or this CPU does not support it.

    Notes
    -----
    Call it while no network is training or predicting on another thread.

    Examples
    --------
    >>> import nncore
    >>> previous = nncore.use_simd("baseline")
    >>> nncore.show_runtime()["simd"]  # doctest: +SKIP
    'baseline'
    >>> _ = nncore.use_simd(previous)
    """
    previous = _core.SIMD
    _core._use_simd(level)
    return previous


# The public classes are defined in private modules; they say they are nncore's, so that
# pickles, reprs, tracebacks and the documentation name the path users import them from.
for _public_class in (
    DivergenceError,
    Evaluation,
    FitProgress,
    FitResult,
    FixedNetwork,
    Misclass,
    Network,
    SaturationWarning,
):
    _public_class.__module__ = __name__
del _public_class

__all__ = [
    "DivergenceError",
    "Evaluation",
    "FitProgress",
    "FitResult",
    "FixedNetwork",
    "Misclass",
    "Network",
    "SaturationWarning",
    "__version__",
    "fit_many",
    "load",
    "read_fann_data",
    "show_runtime",
    "use_simd",
    "write_fann_data",
]
