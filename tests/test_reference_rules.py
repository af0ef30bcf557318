"""The pure-Python reference's learning rules against independent truths.

Adam and sgd are checked against PyTorch's optimizers, the batch gradient
against finite differences of a numpy forward pass, batches and sample
weights against the data sets they stand for, and iRprop- against updates
derived here from its formulas.
"""

import math

import numpy as np
import pytest

import nncore
from nncore import reference
from nncore._examples import XOR_INPUTS, XOR_TARGETS

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", ["tanh", "sigmoid"]]


def start_of(sizes, activation="sigmoid", seed=0, learning_rate=0.3, momentum=0.1):
    """A network's starting dictionary, with the compiled core's random initial weights."""
    return nncore.Network(
        sizes, activation=activation, learning_rate=learning_rate, momentum=momentum, seed=seed
    ).to_dict()


def data(n, n_in, n_out, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, n_in)).tolist(), rng.random((n, n_out)).tolist()


def as_arrays(ref):
    """The reference's weights and biases as float64 arrays, layer by layer."""
    return [(np.array(w), np.array(b)) for w, b in ref.parameters()]


def assert_same_parameters(a, b):
    for (wa, ba), (wb, bb) in zip(as_arrays(a), as_arrays(b)):
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_array_equal(ba, bb)


def largest_move(ref, start):
    """How far training moved the parameters from ``start`` (a dictionary): proves a test is not vacuous."""
    moved = 0.0
    for (w, b), layer in zip(as_arrays(ref), start["layers"]):
        moved = max(moved, np.abs(w - np.array(layer["weights"])).max(), np.abs(b - np.array(layer["biases"])).max())
    return moved


def sequential_batches(n, steps, batch_size):
    """Row indices of every batch of a sequential fit of ``steps`` samples (batches end with the epoch)."""
    size = n if batch_size is None else batch_size
    batches, done = [], 0
    while done < steps:
        epoch = list(range(min(n, steps - done)))
        batches += [epoch[i : i + size] for i in range(0, len(epoch), size)]
        done += len(epoch)
    return batches


# ---------------------------------------------------------------- numpy forward pass (finite differences)


def numpy_activation(name, z, alpha=0.01):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    return np.where(z > 0.0, z, alpha * z)


def numpy_mean_loss(params, activations, rows, targets, factors, weight_decay):
    """(1/c) sum_i s_i * 0.5 * |t_i - o_i|^2 + 0.5 * weight_decay * |W|^2, written from the definitions."""
    total = 0.0
    for x, t, s in zip(rows, targets, factors):
        h = np.asarray(x, dtype=float)
        for (w, b), name in zip(params, activations):
            h = numpy_activation(name, w @ h + b)
        total += s * 0.5 * float(np.sum((np.asarray(t) - h) ** 2))
    penalty = 0.5 * weight_decay * sum(float(np.sum(w * w)) for w, _ in params)
    return total / len(rows) + penalty


# ---------------------------------------------------------------- PyTorch


def torch_parameters(ref):
    torch = pytest.importorskip("torch")
    return [
        (
            torch.tensor(w, dtype=torch.float64, requires_grad=True),
            torch.tensor(b, dtype=torch.float64, requires_grad=True),
        )
        for w, b in ref.parameters()
    ]


def torch_sample_loss(params, activations, x, t):
    import torch
    import torch.nn.functional as F

    functions = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    }
    h = torch.tensor(x, dtype=torch.float64)
    for (w, b), name in zip(params, activations):
        h = functions[name](w @ h + b)
    return 0.5 * torch.sum((torch.tensor(t, dtype=torch.float64) - h) ** 2)


def torch_train(params, activations, optimizer, batches):
    """One optimizer step per batch of ``(x, t, s)``, on the batch's mean (weighted) loss."""
    for batch in batches:
        optimizer.zero_grad()
        loss = sum(s * torch_sample_loss(params, activations, x, t) for x, t, s in batch) / len(batch)
        loss.backward()
        optimizer.step()


def weight_and_bias_groups(params, weight_decay, **weight_options):
    """Torch parameter groups: weight decay (and e.g. momentum) on the weights only, as nncore does."""
    return [
        {"params": [w for w, _ in params], "weight_decay": weight_decay, **weight_options},
        {"params": [b for _, b in params], "weight_decay": 0.0},
    ]


def max_difference(ref, params):
    worst = 0.0
    for (w, b), (tw, tb) in zip(as_arrays(ref), params):
        worst = max(worst, np.abs(w - tw.detach().numpy()).max(), np.abs(b - tb.detach().numpy()).max())
    return worst


# ---------------------------------------------------------------- 1. Adam against torch.optim.Adam


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
@pytest.mark.parametrize("activation", ["sigmoid", ["tanh", "sigmoid"]])
def test_adam_matches_torch(activation, weight_decay):
    torch = pytest.importorskip("torch")
    start = start_of([3, 5, 2], activation, seed=2, learning_rate=0.01)
    ref = reference.Network.from_dict(
        start, optimizer="adam", weight_decay=weight_decay, beta1=0.85, beta2=0.99, epsilon=1e-7
    )
    params = torch_parameters(ref)
    X, Y = data(25, 3, 2, seed=3)
    ref.fit(X, Y, steps=500, order="sequential")
    optimizer = torch.optim.Adam(weight_and_bias_groups(params, weight_decay), lr=0.01, betas=(0.85, 0.99), eps=1e-7)
    batches = [[(X[i], Y[i], 1.0)] for (i,) in sequential_batches(25, 500, 1)]
    torch_train(params, ref.activations, optimizer, batches)
    assert ref.iterations == 500 and ref.rule.t == 500
    assert max_difference(ref, params) < 1e-9
    assert largest_move(ref, start) > 0.1


# ---------------------------------------------------------------- 2. sgd's general path against torch.optim.SGD


@pytest.mark.parametrize(
    ("batch_size", "momentum", "weight_decay", "weighted", "nesterov"),
    [
        (3, 0.0, 0.0, False, False),
        (1, 0.0, 0.01, False, False),
        (4, 0.9, 0.0, False, False),
        (None, 0.5, 0.01, False, False),
        (3, 0.0, 0.0, True, False),
        (1, 0.2, 0.0, True, False),
        (1, 0.9, 0.0, False, True),
        (4, 0.9, 0.01, False, True),
        (None, 0.5, 0.01, True, True),
    ],
)
def test_sgd_general_path_matches_torch(batch_size, momentum, weight_decay, weighted, nesterov):
    torch = pytest.importorskip("torch")
    start = start_of([3, 4, 2], ["tanh", "sigmoid"], seed=5, learning_rate=0.2, momentum=momentum)
    ref = reference.Network.from_dict(start, weight_decay=weight_decay, nesterov=nesterov)
    params = torch_parameters(ref)
    X, Y = data(10, 3, 2, seed=6)
    weights = np.linspace(0.5, 3.0, 10) if weighted else np.ones(10)
    factors = weights / weights.mean()
    steps = 10 * 30 + 2  # the last batch is cut short by steps=
    ref.fit(
        X, Y, steps=steps, order="sequential", batch_size=batch_size, sample_weight=weights if weighted else None
    )  # a numpy array is a sequence too
    options = {"momentum": momentum, "nesterov": True} if nesterov else {"momentum": momentum}
    optimizer = torch.optim.SGD(weight_and_bias_groups(params, weight_decay, **options), lr=0.2)
    batches = [[(X[i], Y[i], factors[i]) for i in rows] for rows in sequential_batches(10, steps, batch_size)]
    torch_train(params, ref.activations, optimizer, batches)
    assert ref.iterations == steps
    assert max_difference(ref, params) < 1e-12
    assert largest_move(ref, start) > 0.05


# ---------------------------------------------------------------- 3. the batch gradient is the loss's gradient


@pytest.mark.parametrize("weight_decay", [0.0, 0.02])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_batch_direction_is_minus_the_gradient(activation, weighted, weight_decay):
    sizes = [3, 4, 2]
    start = start_of(sizes, activation, seed=0)  # seed 0: no layer is all dead with relu
    ref = reference.Network.from_dict(start, weight_decay=weight_decay)
    X, Y = data(5, 3, 2, seed=9)
    factors = [0.25, 1.75, 1.0, 0.5, 1.5] if weighted else [1.0] * 5
    for x, t, s in zip(X, Y, factors):
        ref.accumulate(x, t, s if weighted else None)
    direction = ref.batch_direction(5)
    assert largest_move(ref, start) == 0.0  # accumulating does not train

    params = [(np.array(layer["weights"]), np.array(layer["biases"])) for layer in start["layers"]]
    h = 1e-6
    checked = 0
    for layer, (a_w, a_b) in enumerate(direction):
        for which, a in ((0, np.array(a_w)), (1, np.array(a_b))):
            for index in np.ndindex(a.shape):
                losses = []
                for sign in (1.0, -1.0):
                    moved = [(w.copy(), b.copy()) for w, b in params]
                    moved[layer][which][index] += sign * h
                    losses.append(numpy_mean_loss(moved, ref.activations, X, Y, factors, weight_decay))
                gradient = (losses[0] - losses[1]) / (2 * h)
                assert a[index] == pytest.approx(-gradient, rel=1e-6, abs=1e-9), (layer, which, index)
                checked += 1
    assert checked == 3 * 4 + 4 + 4 * 2 + 2
    assert max(abs(v) for a_w, a_b in direction for row in a_w for v in row) > 1e-3


# ---------------------------------------------------------------- 4. batches and sample weights


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("order", ["sequential", "shuffle"])
def test_batch_of_n_is_whole_batch(optimizer, order):
    start = start_of([2, 5, 1], "tanh", seed=1)
    X, Y = data(12, 2, 1, seed=2)
    nets = [reference.Network.from_dict(start, optimizer=optimizer) for _ in range(2)]
    errors = [net.fit(X, Y, epochs=20, order=order, seed=4, batch_size=size) for net, size in zip(nets, [12, None])]
    assert errors[0] == errors[1]
    assert_same_parameters(*nets)
    assert nets[0].iterations == 240
    assert largest_move(nets[0], start) > 1e-3


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_weight_of_two_is_a_duplicated_row(optimizer):
    start = start_of([2, 4, 1], seed=3)
    X, Y = data(6, 2, 1, seed=4)
    weighted = reference.Network.from_dict(start, optimizer=optimizer)
    duplicated = reference.Network.from_dict(start, optimizer=optimizer)
    errors = weighted.fit(
        X, Y, epochs=30, order="sequential", batch_size=None, sample_weight=[1.0, 1.0, 2.0, 1.0, 1.0, 1.0]
    )
    duplicated_errors = duplicated.fit(X + [X[2]], Y + [Y[2]], epochs=30, order="sequential", batch_size=None)
    np.testing.assert_allclose(errors, duplicated_errors, rtol=1e-12)
    for (w, b), (w2, b2) in zip(as_arrays(weighted), as_arrays(duplicated)):
        np.testing.assert_allclose(w, w2, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, b2, rtol=0, atol=1e-12)
    # not vacuous: the weight of 2 matters
    unweighted = reference.Network.from_dict(start, optimizer=optimizer)
    unweighted.fit(X, Y, epochs=30, order="sequential", batch_size=None)
    assert np.abs(as_arrays(unweighted)[0][0] - as_arrays(weighted)[0][0]).max() > 1e-6


@pytest.mark.parametrize("batch_size", [1, 3, None])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_equal_weights_change_nothing(optimizer, batch_size):
    start = start_of([3, 4, 2], "sigmoid", seed=5)
    X, Y = data(7, 3, 2, seed=6)
    nets = [reference.Network.from_dict(start, optimizer=optimizer) for _ in range(2)]
    errors = [
        net.fit(X, Y, epochs=10, order="shuffle", seed=3, batch_size=batch_size, sample_weight=weights)
        for net, weights in zip(nets, [None, [2.5] * 7])
    ]
    assert errors[0] == errors[1]
    assert_same_parameters(*nets)
    assert largest_move(nets[0], start) > 1e-3


@pytest.mark.parametrize("batch_size", [1, 2, None])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_zero_weights_drop_rows(optimizer, batch_size):
    start = start_of([3, 4, 2], "leaky_relu", seed=7, learning_rate=0.05)
    X, Y = data(8, 3, 2, seed=8)
    weights = [1.0, 0.0, 2.0, 0.5, 0.0, 1.0, 3.0, 0.0]
    kept = [i for i, w in enumerate(weights) if w > 0]
    with_zeros = reference.Network.from_dict(start, optimizer=optimizer)
    without = reference.Network.from_dict(start, optimizer=optimizer)
    errors = with_zeros.fit(X, Y, epochs=15, order="sequential", batch_size=batch_size, sample_weight=weights)
    errors_without = without.fit(
        [X[i] for i in kept],
        [Y[i] for i in kept],
        epochs=15,
        order="sequential",
        batch_size=batch_size,
        sample_weight=[weights[i] for i in kept],
    )
    assert errors == errors_without
    assert_same_parameters(with_zeros, without)
    assert with_zeros.iterations == 15 * len(kept)


def test_weighted_epoch_error_is_the_weighted_mean():
    start = start_of([2, 3, 1], seed=9)
    X, Y = data(4, 2, 1, seed=10)
    weights = [1.0, 3.0, 0.5, 0.5]
    ref = reference.Network.from_dict(start)
    probe = reference.Network.from_dict(start)
    losses = []
    for x, t in zip(X, Y):
        probe.predict(x)
        losses.append(probe.calculate_deltas(t))
    [error] = ref.fit(X, Y, epochs=1, order="sequential", batch_size=None, sample_weight=weights)
    assert error == pytest.approx(sum(w * e for w, e in zip(weights, losses)) / sum(weights), rel=1e-14)


def test_train_on_the_general_path_is_a_batch_of_one():
    start = start_of([2, 3, 1], seed=11)
    X, Y = data(5, 2, 1, seed=12)
    by_train = reference.Network.from_dict(start, optimizer="adam")
    by_fit = reference.Network.from_dict(start, optimizer="adam")
    errors = [by_train.train(x, t) for x, t in zip(X, Y)]
    [mean] = by_fit.fit(X, Y, epochs=1, order="sequential")
    assert mean == sum(errors) / 5
    assert_same_parameters(by_train, by_fit)
    assert by_train.rule.t == 5


def test_plain_path_is_the_tutorial_update():
    start = start_of([2, 4, 1], seed=13)
    X, Y = data(6, 2, 1, seed=14)
    ours = reference.Network.from_dict(start)
    assert ours.plain
    ours.fit(X, Y, epochs=3, order="sequential")
    # the same steps by hand, with the tutorial's formulas
    tutorial = reference.Network.from_dict(start)
    for _ in range(3):
        for x, t in zip(X, Y):
            tutorial.predict(x)
            tutorial.calculate_deltas(t)
            tutorial.adjust_weights()
    assert_same_parameters(ours, tutorial)


# ---------------------------------------------------------------- 5. iRprop-


def one_weight_network(**options):
    """A [1, 1] sigmoid network with w = 0.5 and b = -0.25, trained with rprop on whole batches."""
    net = reference.Network([1, 1], optimizer="rprop", **options)
    [neuron] = net.layers[1].neurons
    neuron.bias = -0.25
    neuron.input_connections[0].weight = 0.5
    return net, neuron, neuron.input_connections[0]


def rprop_step(net, target):
    """One whole-batch update on the single sample x = 1; returns the gradient g = -a of the weight."""
    output = net.predict([1.0])[0]
    net.fit([[1.0]], [[target]], epochs=1, batch_size=None)
    return -((target - output) * output * (1.0 - output))  # x = 1: the weight's and the bias's gradient


def test_rprop_branches_by_hand():
    net, neuron, connection = one_weight_network(rprop_step_max=0.11, rprop_step_min=0.07)
    w, b = 0.5, -0.25

    # 1. first update: the previous gradient is 0 (product 0): step with the initial step, keep the gradient
    g1 = rprop_step(net, 1.0)
    assert g1 < 0  # the output is below 1: w and b grow
    w, b = w + 0.1, b + 0.1
    assert (connection.weight, neuron.bias) == (w, b)
    assert connection.rule_state == [g1, 0.1] and neuron.rule_state == [g1, 0.1]

    # 2. same sign (product > 0): the step grows by 1.2, clipped at step_max 0.11
    g2 = rprop_step(net, 1.0)
    assert g2 < 0
    w, b = w + min(0.1 * 1.2, 0.11), b + min(0.1 * 1.2, 0.11)
    assert (connection.weight, neuron.bias) == (w, b) and connection.rule_state == [g2, 0.11]

    # 3. the sign flips (product < 0): the step shrinks by 0.5, clipped at step_min 0.07; no move; gradient forgotten
    g3 = rprop_step(net, 0.0)
    assert g3 > 0
    assert (connection.weight, neuron.bias) == (w, b)
    assert connection.rule_state == [0.0, max(0.11 * 0.5, 0.07)] == [0.0, 0.07]

    # 4. after a flip the product is 0 again: step against the gradient with the shrunk step
    g4 = rprop_step(net, 0.0)
    assert g4 > 0
    w, b = w - 0.07, b - 0.07
    assert (connection.weight, neuron.bias) == (w, b) and connection.rule_state == [g4, 0.07]

    # 5. without the clips: growth 0.07 * 1.2 (step_max 0.11 is not reached)
    g5 = rprop_step(net, 0.0)
    w = w - 0.07 * 1.2
    assert g5 > 0 and connection.weight == w and connection.rule_state == [g5, 0.07 * 1.2]
    assert net.iterations == 5


def test_rprop_zero_gradient_does_not_move():
    # a relu neuron with a negative sum has a zero gradient: the product is 0 and sign(0) = 0
    net = reference.Network([1, 1], activation="relu", optimizer="rprop")
    [neuron] = net.layers[1].neurons
    neuron.bias = -2.0
    neuron.input_connections[0].weight = 0.5
    net.fit([[1.0]], [[1.0]], epochs=3, batch_size=None)
    assert (neuron.input_connections[0].weight, neuron.bias) == (0.5, -2.0)
    assert neuron.rule_state[1] == 0.1 and neuron.rule_state[0] == 0.0


def test_rprop_learns_xor():
    # seed 0 of the compiled core's initial weights; rprop whole-batch reaches a mean error < 0.01
    start = start_of([2, 4, 1], seed=0)
    net = reference.Network.from_dict(start, optimizer="rprop")
    errors = net.fit([list(x) for x in XOR_INPUTS], [list(t) for t in XOR_TARGETS], epochs=500, batch_size=None)
    assert len(errors) == 500
    assert errors[0] > 0.1
    assert min(errors) < 0.01
    outputs = [net.predict(list(x))[0] for x in XOR_INPUTS]
    assert [round(o) for o in outputs] == [t for (t,) in XOR_TARGETS]


# ---------------------------------------------------------------- options and bad input


def test_from_dict_takes_rule_options_and_to_dict_keeps_sgd():
    start = start_of([2, 3, 1], seed=15)
    ref = reference.Network.from_dict(start, weight_decay=0.01, optimizer="sgd")
    assert (ref.optimizer, ref.weight_decay, ref.plain) == ("sgd", 0.01, False)
    ref.fit(*data(4, 2, 1), epochs=2, batch_size=2)
    again = reference.Network.from_dict(ref.to_dict(), weight_decay=0.01)
    assert_same_parameters(ref, again)
    adam = reference.Network.from_dict(start, optimizer="adam")
    with pytest.raises(ValueError, match="sgd only, got a network trained with 'adam'"):
        adam.to_dict()


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"optimizer": "adagrad"}, ValueError, r"optimizer must be one of \['sgd', 'adam', 'rprop'\], got 'adagrad'"),
        ({"optimizer": 3}, TypeError, "optimizer must be one of .*, got int 3"),
        ({"weight_decay": -0.1}, ValueError, "weight_decay must be a finite number >= 0, got -0.1"),
        ({"optimizer": "adam", "beta1": 1.0}, ValueError, r"beta1 must be in \[0, 1\), got 1.0"),
        ({"optimizer": "adam", "beta2": "0.9"}, TypeError, "beta2 must be a real number, got str"),
        ({"optimizer": "adam", "epsilon": 0.0}, ValueError, r"epsilon must be in \(0, inf\), got 0.0"),
        ({"optimizer": "rprop", "rprop_increase": 0.9}, ValueError, r"rprop_increase must be in \[1, inf\), got 0.9"),
        ({"optimizer": "rprop", "rprop_decrease": 1.5}, ValueError, r"rprop_decrease must be in \(0, 1\], got 1.5"),
        (
            {"optimizer": "rprop", "rprop_step_min": 2.0, "rprop_step_max": 1.0},
            ValueError,
            "rprop_step_min must be <= rprop_step_max, got 2.0 > 1.0",
        ),
        ({"optimizer": "rprop", "rprop_step_initial": math.nan}, ValueError, "rprop_step_initial must be finite"),
    ],
)
def test_bad_rule_options(options, error, message):
    with pytest.raises(error, match=message):
        reference.Network([2, 1], **options)


@pytest.mark.parametrize(
    ("optimizer", "fit_options", "error", "message"),
    [
        ("sgd", {"batch_size": 0}, ValueError, "batch_size must be >= 1, got 0"),
        ("sgd", {"batch_size": 2.0}, TypeError, "batch_size must be an integer, got float"),
        ("adam", {"batch_size": 4}, ValueError, r"batch_size must be at most the 3 samples \(or None"),
        ("rprop", {"batch_size": 1}, ValueError, "rprop trains on whole batches only: batch_size must be None, got 1"),
        (
            "sgd",
            {"sample_weight": [1.0, -1.0, 1.0]},
            ValueError,
            r"sample_weight must be >= 0, got .*-1.0.* at index 1",
        ),
        (
            "sgd",
            {"sample_weight": [1.0, math.inf, 1.0]},
            ValueError,
            "sample_weight must be finite, got inf at index 1",
        ),
        ("sgd", {"sample_weight": [0.0, 0.0, 0.0]}, ValueError, "sample_weight must not be all zero"),
        ("adam", {"sample_weight": [1.0, 2.0]}, ValueError, r"one weight per sample \(3\), got 2"),
        ("adam", {"sample_weight": 2.0}, ValueError, "sample_weight must be 1-D, got 0-D"),
        (
            "sgd",
            {"sample_weight": [1.0, "2", 1.0]},
            TypeError,
            "sample_weight must be an array of real numbers, got list",
        ),
    ],
)
def test_bad_fit_options_leave_the_network_unchanged(optimizer, fit_options, error, message):
    start = start_of([2, 3, 1], seed=16)
    ref = reference.Network.from_dict(start, optimizer=optimizer)
    untouched = reference.Network.from_dict(start, optimizer=optimizer)
    with pytest.raises(error, match=message):
        ref.fit(*data(3, 2, 1), epochs=2, **({"batch_size": None} if optimizer == "rprop" else {}) | fit_options)
    assert_same_parameters(ref, untouched)
    assert ref.iterations == 0


def test_rprop_refuses_per_sample_training():
    ref = reference.Network([2, 1], optimizer="rprop")
    with pytest.raises(ValueError, match="rprop trains on whole batches only"):
        ref.train([0.0, 1.0], [1.0])
    assert ref.iterations == 0
