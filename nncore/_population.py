"""``nncore.fit_many``: the public entry point of population training, and the check of the population.

It lives apart from the package's ``__init__`` because it needs
``nncore._network.Network`` (services such as ``nncore._many``, which does
the training, may not import it).
"""

from __future__ import annotations

from typing import Any

from nncore import _many
from nncore._checks import describe
from nncore._fit_options import FIT_MANY_OPTIONS, OPTIONS, check_fit_options, option_value, takes_fit_options
from nncore._fitting import FitResult
from nncore._network import Network, network_elsewhere
from nncore._spellings import keyword_names


@takes_fit_options(FIT_MANY_OPTIONS)
def fit_many(
    networks: Any, X: Any, Y: Any, *, seeds: Any = None, threads: Any = None, client: Any = None, **options: Any
) -> list[FitResult]:
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
    seeds : sequence of int, optional
        One seed of the sample order per network; None: a fresh random seed each.
    threads : int, optional
        Worker threads (the GIL is released while they train); the cores this
        process may use by default.
    {fit options}
    client : dask.distributed.Client, optional
        Train chunks of the population on the cluster's workers instead (needs
        ``nncore-nn[dask]``); the trained states come back into ``networks``,
        identical to a local run. With ``timeout``, the chunks not back by the
        deadline are cancelled: their networks stay unchanged, with results of
        no step and ``stop_reason="timeout"``.

    Returns
    -------
    list of FitResult
        One per network, in order. A network whose training diverged is back
        at the start of the failing epoch, or of the fit (as ``fit`` leaves it), and its result
        has ``stop_reason="diverged"``; the others go on.

    Raises
    ------
    TypeError, ValueError
        On bad input (an empty list, something not a Network, a network twice,
        seeds of the wrong length, data that does not fit a network, a
        ``client`` that is not a ``dask.distributed.Client``), before any
        network changes.

    Notes
    -----
    The options mean what they mean for :meth:`Network.fit`, with brain.js's
    defaults without ``epochs`` and ``steps``; ``error_threshold`` is met by
    each network on its own, ``timeout`` counts from the start of the call
    for all of them, and ``progress`` shows one bar over the steps of all
    networks.

    The call holds every network until it returns, as ``fit`` does, taking
    them in one order shared by all calls: calls from several threads on
    overlapping populations wait for each other instead of deadlocking.

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
    population = check_population(networks)
    checked = check_fit_options(options, "fit_many", FIT_MANY_OPTIONS, _OWN_KEYWORDS, _ELSEWHERE)
    return _many.fit_many(
        population,
        X,
        Y,
        checked,
        seeds,
        threads,
        option_value(options, "batch_size"),
        option_value(options, "sample_weight"),
        client,
    )


def check_population(networks: Any) -> list[Network]:
    """``networks`` as a list of distinct networks: a non-empty list or tuple of networks, none twice."""
    if not isinstance(networks, (list, tuple)):
        raise TypeError(f"networks must be a list of nncore.Network, got {describe(networks)}")
    if not networks:
        raise ValueError("networks must hold at least one network, got an empty list")
    seen: dict[int, int] = {}
    for index, network in enumerate(networks):
        if not isinstance(network, Network):
            raise TypeError(f"networks[{index}] must be an nncore.Network, got {describe(network)}")
        if id(network) in seen:
            raise ValueError(
                f"networks[{index}] is the same network as networks[{seen[id(network)]}]: each network may appear once"
            )
        seen[id(network)] = index
    return list(networks)


_OWN_KEYWORDS = keyword_names(fit_many)
"""Every keyword of :func:`fit_many` (its signature shows the fit options it takes)."""

_ELSEWHERE = {
    **network_elsewhere("fit_many"),
    **{
        name: f"{name} is an option of Network.fit that fit_many does not take"
        for name, option in OPTIONS.items()
        if not option.fit_many
    },
}
"""Where the names go that :func:`fit_many` does not take but a network or ``fit`` does."""
