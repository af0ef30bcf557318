"""How many steps a fit takes (shared by the compiled core's driver and the pure-Python reference)."""

from __future__ import annotations


def plan_steps(n_samples: int, epochs: int | None, steps: int | None) -> tuple[int, str]:
    """Total steps of a fit and the stop reason that reaching them means.

    ``epochs`` passes or ``steps`` steps, whichever ends first; one epoch if neither.
    """
    if epochs is None and steps is None:
        return n_samples, "epochs"
    if steps is None or (epochs is not None and epochs * n_samples <= steps):
        return epochs * n_samples, "epochs"  # type: ignore[operator]
    return steps, "steps"
