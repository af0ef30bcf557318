"""One early-stopping mechanism (nncore._fitting.EarlyStopping): fit's patience and scikit-learn MLP's rule."""

import math

from nncore._fitting import EarlyStopping


class _Network:
    """Stands for a network: its state is the epoch it was snapshotted at."""

    def __init__(self):
        self.state = 0

    def _snapshot(self):
        return (self.state,)

    def _restore(self, state):
        self.state = state


def _run(stopping, network, values):
    """Feed one value per epoch; the epoch at which the rule stops training, or None."""
    for epoch, value in enumerate(values, start=1):
        network.state = epoch
        if stopping.after_epoch(epoch, value):
            return epoch
    return None


def test_fits_rule_a_tie_is_no_progress_and_the_best_state_comes_back():
    network = _Network()
    stopping = EarlyStopping(network, patience=2)
    assert _run(stopping, network, [1.0, 0.5, 0.5, 0.5, 0.1]) == 4
    assert (stopping.best, stopping.best_epoch, stopping.values) == (0.5, 2, [1.0, 0.5, 0.5, 0.5])
    stopping.restore_best()
    assert network.state == 2


def test_fits_rule_counts_patience_from_the_first_best():
    network = _Network()
    stopping = EarlyStopping(network, patience=1)
    assert _run(stopping, network, [math.nan, math.nan, math.inf, 3.0, 4.0]) == 5
    assert stopping.best_epoch == 4


def test_the_mlp_rule_a_gain_of_tol_is_progress_a_smaller_one_is_not():
    network = _Network()
    stopping = EarlyStopping(network, patience=2, tol=0.5, lenient=True, keep_best=False)
    assert _run(stopping, network, [2.0, 1.5, 1.25, 1.125, 0.0]) == 4  # 1.25 and 1.125 gain less than tol
    assert stopping.best == 1.125 and stopping.best_state is None


def test_a_score_rises_and_a_measure_gives_the_value():
    network = _Network()
    scores = iter([0.2, 0.6, 0.5, 0.55])
    stopping = EarlyStopping(network, lambda: next(scores), patience=2, higher_is_better=True)
    assert _run(stopping, network, [None] * 4) == 4
    assert (stopping.best, stopping.best_epoch, stopping.values) == (0.6, 2, [0.2, 0.6, 0.5, 0.55])
