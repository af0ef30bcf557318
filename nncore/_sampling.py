"""The order in which ``fit`` visits the samples, in plain Python.

:class:`SplitMix64` is the generator of the compiled core (``splitmix64``,
``random_index`` and ``shuffle`` in ``src/_kernel_abi.pxd``), so the pure-Python
reference and the benchmark can replay the rows a fit visits, and
:func:`plan_steps` is how many steps a fit takes.  This module imports nothing
from nncore.
"""

from __future__ import annotations

import operator

MASK64 = (1 << 64) - 1
"""Arithmetic of the generator is modulo 2**64."""
INCREMENT = 0x9E3779B97F4A7C15
"""Added to the state before every draw (the golden ratio's fraction, in 64 bits)."""
MULTIPLIER_1 = 0xBF58476D1CE4E5B9
MULTIPLIER_2 = 0x94D049BB133111EB
"""The two multipliers of SplitMix64's output mix."""
UNIT = 1.0 / 9007199254740992.0
"""2**-53: a draw's top 53 bits times UNIT is uniform in [0, 1)."""


class SplitMix64:
    """SplitMix64, the sample-order generator of ``Network.fit``.

    The same seed gives the same stream on every platform, and the same rows
    as ``Network.fit(..., order="random" or "shuffle", seed=seed)``.

    Parameters
    ----------
    seed : int
        Any integer (Python or numpy); it is taken modulo 2**64, as ``fit`` does.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.

    Examples
    --------
    >>> from nncore.reference import SplitMix64
    >>> rng = SplitMix64(0)
    >>> hex(rng.next())
    '0xe220a8397b1dcdaf'
    >>> rng = SplitMix64(5)
    >>> [rng.index(4) for _ in range(6)]
    [1, 3, 0, 0, 0, 1]
    """

    # The constants, as attributes too, for those who reproduce the stream elsewhere (numpy, C).
    MASK64 = MASK64
    INCREMENT = INCREMENT
    MULTIPLIER_1 = MULTIPLIER_1
    MULTIPLIER_2 = MULTIPLIER_2
    UNIT = UNIT

    def __init__(self, seed: int) -> None:
        if isinstance(seed, bool):
            raise TypeError(f"seed must be an integer, got a bool ({seed!r})")
        try:
            self.state = operator.index(seed) & MASK64
        except TypeError:
            raise TypeError(f"seed must be an integer, got {type(seed).__name__} {seed!r}") from None

    def next(self) -> int:
        """The next 64-bit output, an int in [0, 2**64)."""
        self.state = (self.state + INCREMENT) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * MULTIPLIER_1) & MASK64
        z = ((z ^ (z >> 27)) * MULTIPLIER_2) & MASK64
        return z ^ (z >> 31)

    def index(self, n: int) -> int:
        """A row in ``range(n)``: floor(u * n), u uniform in [0, 1) from the top 53 bits of a draw."""
        return int(((self.next() >> 11) * UNIT) * n)

    def shuffle(self, items: list) -> None:
        """Shuffle ``items`` in place (Fisher-Yates from the last item down), as ``fit`` does each epoch."""
        for i in range(len(items) - 1, 0, -1):
            j = self.index(i + 1)
            items[i], items[j] = items[j], items[i]


def plan_steps(n_samples: int, epochs: int | None, steps: int | None) -> tuple[int, str]:
    """How many steps a fit takes, and which limit ends it.

    Parameters
    ----------
    n_samples : int
        Rows of the data (one epoch).
    epochs, steps : int or None
        The limits given to ``fit``; with both, the first reached ends the fit.

    Returns
    -------
    max_steps : int
        ``epochs * n_samples`` or ``steps``, whichever is smaller; one epoch
        (``n_samples``) when neither is given.
    reason : {"epochs", "steps"}
        "epochs" when the epochs end the fit (also on a tie, and when neither
        limit is given), else "steps".

    Examples
    --------
    >>> plan_steps(4, 10, 25)
    (25, 'steps')
    >>> plan_steps(4, 5, 25)
    (20, 'epochs')
    >>> plan_steps(4, None, None)
    (4, 'epochs')
    """
    if epochs is None and steps is None:
        return n_samples, "epochs"
    if steps is None or (epochs is not None and epochs * n_samples <= steps):
        return epochs * n_samples, "epochs"  # type: ignore[operator]
    return steps, "steps"
