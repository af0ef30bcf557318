"""nncore: small fully-connected neural networks trained one sample at a time, in compiled code.

>>> import nncore
>>> net = nncore.Network([2, 10, 10, 1], seed=0)
>>> error = net.train([0, 1], [1])
"""

from nncore._version import __version__

try:
    from nncore import _core  # noqa: F401  (the compiled core)
except ImportError:  # pragma: no cover - depends on how nncore was imported
    raise ImportError(
        f"nncore's compiled core is missing from {__path__[0]}: this is a source tree that was not "
        "built. Install nncore (pip install .) and run Python from another folder, or build it in "
        "place (pip install -e .)."
    ) from None
from nncore._runtime import format_runtime, runtime_info
from nncore._evaluation import Evaluation, Misclass
from nncore._exceptions import DivergenceError
from nncore._fann import read_data as read_fann_data
from nncore._fann import write_data as write_fann_data
from nncore._checks import PER_SAMPLE, check_fit_options, describe
from nncore._fitting import FitProgress, FitResult
from nncore._many import fit_many as _fit_many
from nncore._network import Network


def load(path):
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
        If the file does not hold a valid network, is not a regular file or
        is too large (the message names the file and the bad field).
    """
    return Network.load(path)


def fit_many(networks, X, Y, *, epochs=None, steps=None, order="shuffle", seeds=None, threads=None,
             error_threshold=None, progress=False, timeout=None, keep_errors=True, batch_size=PER_SAMPLE,
             sample_weight=None, client=None):
    """Train many networks on the same data at once; each ends as its own ``fit`` would leave it.

    Network ``i`` ends bit-identical to ``networks[i].fit(X, Y, ..., seed=seeds[i])``
    run alone with the same arguments, whatever ``threads``. The networks may
    differ in everything (sizes, activations, dtype, optimizer, rates); the
    data must fit every one of them.

    Parameters
    ----------
    networks : list of Network
        Trained in place; each may appear once.
    X : array_like, shape (n_samples, n_inputs)
        Inputs, one row per sample.
    Y : array_like, shape (n_samples, n_outputs)
        Targets (1-D for networks with one output).
    epochs, steps, order, error_threshold, timeout, keep_errors, batch_size, sample_weight
        As :meth:`Network.fit`; ``error_threshold`` is met by each network on
        its own, ``timeout`` counts from the start of the call for all of them.
        Without ``epochs`` and ``steps``, brain.js's defaults (as ``fit``).
    seeds : sequence of int, optional
        One seed of the sample order per network; None: a fresh random seed each.
    threads : int, optional
        Worker threads (the GIL is released while they train); the cores this
        process may use by default.
    progress : bool, default False
        One progress bar over the steps of all networks (needs ``tqdm``).
    client : dask.distributed.Client, optional
        Train chunks of the population on the cluster's workers instead (needs
        ``nncore-nn[dask]``); the trained states come back into ``networks``,
        identical to a local run.

    Returns
    -------
    list of FitResult
        One per network, in order. A network whose training diverged is back
        at the start of the failing epoch (as ``fit`` leaves it) and its result
        has ``stop_reason="diverged"``; the others go on.

    Raises
    ------
    TypeError, ValueError
        On bad input (an empty list, something not a Network, a network twice,
        seeds of the wrong length, data that does not fit a network), before
        any network changes.

    Notes
    -----
    Ctrl+C stops every network after its current chunk of steps
    (``stop_reason="interrupt"``); networks not started yet take no step.

    Examples
    --------
    >>> import nncore
    >>> nets = [nncore.Network([2, 3, 1], seed=s) for s in range(4)]
    >>> X, Y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    >>> results = nncore.fit_many(nets, X, Y, epochs=100, seeds=range(4), threads=2)
    >>> [r.epochs for r in results]
    [100, 100, 100, 100]
    """
    if isinstance(networks, (list, tuple)):
        for index, network in enumerate(networks):
            if not isinstance(network, Network):
                raise TypeError(f"networks[{index}] must be an nncore.Network, got {describe(network)}")
    options = check_fit_options(
        epochs=epochs, steps=steps, order=order, seed=None, error_threshold=error_threshold, callback=None,
        callback_period=10, progress=progress, timeout=timeout, keep_errors=keep_errors)
    return _fit_many(networks, X, Y, options, seeds, threads, batch_size, sample_weight, client)


def show_runtime():
    """Print and return what the compiled core runs on, as ``numpy.show_runtime()`` does for numpy.

    The kernels are compiled for several instruction-set levels (on x86-64:
    ``"baseline"``, ``"avx2"`` and ``"avx512"``; elsewhere the baseline
    only), and the highest one the CPU supports is loaded at import. The
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
    info = runtime_info()
    print(format_runtime(info))
    return info


__all__ = ["DivergenceError", "Evaluation", "FitProgress", "FitResult", "Misclass", "Network",
           "__version__", "fit_many", "load", "read_fann_data", "show_runtime", "write_fann_data"]
