"""Exceptions raised by nncore."""

from typing import Any


class DivergenceError(FloatingPointError):
    """Training produced a non-finite error or weight; the network was rolled back.

    ``train`` leaves the weights as they were before the failing step; ``fit``
    restores the state from the start of the epoch in which it happened.
    """


class SaturationWarning(UserWarning):
    """The inputs drive the first layer's sums where its activation hardly learns.

    ``fit`` warns once, at the start of a network's first fit, when more than
    half of the first layer's sums on the training data lie where the slope
    of its sigmoid or tanh is below 1e-3: typically raw, unscaled inputs,
    which ``Network(..., input_scaling="standard")`` scales inside the network.
    """


def divergence_advice(network: Any) -> str:
    """What to try after ``network`` diverged, "a smaller ...": the parameters that size its steps.

    RPROP's steps are bounded by ``rprop_step_max`` (it has no learning
    rate); weight decay and a momentum of 1 or more make any rule's steps
    grow, so they are named when they could be the cause.
    """
    if network.optimizer == "rprop":
        parts = [f"rprop_step_max (now {network._rule_parameter('rprop_step_max')!r})"]
    else:
        parts = [f"learning_rate (now {network.learning_rate!r})"]
    if network.momentum >= 1.0:
        parts.append(f"momentum (now {network.momentum!r}, below 1 keeps the steps from growing)")
    if network._rule_parameter("weight_decay") != 0.0:
        parts.append(f"weight_decay (now {network._rule_parameter('weight_decay')!r})")
    return "a smaller " + " or ".join(parts)
