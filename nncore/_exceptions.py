"""Exceptions raised by nncore."""


class DivergenceError(FloatingPointError):
    """Training produced a non-finite error or weight; the network was rolled back.

    ``train`` leaves the weights as they were before the failing step; ``fit``
    restores the state from the start of the epoch in which it happened.
    """
