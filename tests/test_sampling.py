"""The sample order (``SplitMix64``, ``plan_steps``) and the XOR data: defined once, importing nothing from nncore."""

import ast
import inspect

import numpy as np
import pytest

import nncore
from nncore import _examples, _sampling, reference
from nncore._sampling import SplitMix64, plan_steps

# ------------------------------------------------------------------ SplitMix64


def test_splitmix64_reproduces_the_published_stream():
    # The reference values of SplitMix64 seeded with 0.
    rng = SplitMix64(0)
    assert [rng.next() for _ in range(3)] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


def test_seeds_are_taken_modulo_2_to_the_64():
    for seed, same in [(-1, 2**64 - 1), (2**64 + 5, 5), (np.uint64(7), 7), (np.int64(-2), 2**64 - 2)]:
        a, b = SplitMix64(seed), SplitMix64(same)
        assert [a.next() for _ in range(4)] == [b.next() for _ in range(4)]


@pytest.mark.parametrize("seed", [1.0, "3", None, True])
def test_a_seed_that_is_not_an_integer_is_refused(seed):
    with pytest.raises(TypeError, match="seed must be an integer, got"):
        SplitMix64(seed)


def test_index_stays_in_range_and_covers_it():
    rng = SplitMix64(11)
    rows = [rng.index(7) for _ in range(2000)]
    assert set(rows) == set(range(7))


def test_shuffle_is_a_permutation():
    items = list(range(50))
    SplitMix64(4).shuffle(items)
    assert sorted(items) == list(range(50)) and items != list(range(50))


def replay(order, seed, n_rows, steps):
    """The rows ``fit`` visits, drawn with :class:`SplitMix64` as the compiled core does."""
    rng = SplitMix64(seed)
    permutation = list(range(n_rows))
    rows = []
    for step in range(steps):
        position = step % n_rows
        if order == "random":
            rows.append(rng.index(n_rows))
        else:
            if position == 0:
                rng.shuffle(permutation)
            rows.append(permutation[position])
    return rows


@pytest.mark.parametrize("order", ["random", "shuffle"])
@pytest.mark.parametrize("seed", [0, 9, 2**64 - 3])
def test_fit_visits_the_rows_splitmix64_draws(order, seed):
    # Train with train() on the rows SplitMix64 gives: fit must end in the same state.
    rng = np.random.default_rng(0)
    inputs, targets = rng.random((7, 3)), rng.random((7, 2))
    fitted = nncore.Network([3, 4, 2], seed=1)
    replayed = nncore.Network([3, 4, 2], seed=1)
    fitted.fit(inputs, targets, steps=40, order=order, seed=seed)
    for i in replay(order, seed, len(inputs), 40):
        replayed.train(inputs[i], targets[i])
    assert fitted.to_dict() == replayed.to_dict()
    other = nncore.Network([3, 4, 2], seed=1)
    other.fit(inputs, targets, steps=40, order=order, seed=seed + 1)
    assert other.to_dict() != fitted.to_dict()  # the seed matters, so the agreement is not vacuous


# ------------------------------------------------------------------ plan_steps


@pytest.mark.parametrize(
    ("n_samples", "epochs", "steps", "expected"),
    [
        (4, None, None, (4, "epochs")),
        (4, 3, None, (12, "epochs")),
        (4, None, 10, (10, "steps")),
        (4, 3, 10, (10, "steps")),
        (4, 2, 10, (8, "epochs")),
        (4, 3, 12, (12, "epochs")),  # a tie: the epochs end it
        (1797, 1, 10**6, (1797, "epochs")),
    ],
)
def test_plan_steps(n_samples, epochs, steps, expected):
    assert plan_steps(n_samples, epochs, steps) == expected


@pytest.mark.parametrize(("epochs", "steps"), [(3, None), (None, 10), (3, 10), (2, 10), (3, 12)])
def test_plan_steps_is_what_fit_and_the_reference_do(epochs, steps, xor_data):
    inputs, targets = xor_data
    expected, reason = plan_steps(len(inputs), epochs, steps)
    result = nncore.Network([2, 3, 1], seed=0).fit(inputs, targets, epochs=epochs, steps=steps)
    assert (result.steps, result.stop_reason) == (expected, reason)
    ref = reference.Network.from_dict(nncore.Network([2, 3, 1], seed=0).to_dict())
    ref.fit(inputs.tolist(), targets.tolist(), epochs=epochs, steps=steps)
    assert ref.iterations == expected


# ------------------------------------------------------------------ examples


def test_xor_examples():
    inputs, targets = np.array(_examples.XOR_INPUTS), np.array(_examples.XOR_TARGETS)
    assert inputs.shape == (4, 2) and targets.shape == (4, 1)
    assert np.array_equal(targets[:, 0], np.logical_xor(inputs[:, 0], inputs[:, 1]).astype(float))


# ------------------------------------------------------------------ leaves


@pytest.mark.parametrize("module", [_sampling, _examples])
def test_leaves_import_nothing_from_nncore(module):
    tree = ast.parse(inspect.getsource(module))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [
        ("." * node.level) + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ]
    assert not [name for name in imported if name == "nncore" or name.startswith(("nncore.", "."))]
