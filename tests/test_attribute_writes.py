"""Attribute writes are checked: only what a network can change may be set, on the optimizer that uses it."""

import inspect

import pytest

import nncore

XOR = ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("activation", "relu", r"activation is fixed when the network is made: Network\(\.\.\., activation=\.\.\.\)"),
        ("loss", "cross_entropy", "loss is fixed when the network is made"),
        ("sizes", [2, 1], "sizes is fixed when the network is made"),
        ("activations", ("relu",), "activations is read-only"),
        ("iterations", 0, "iterations is read-only"),
        ("weights", [], "weights is read-only"),
        ("predict", None, "predict is a method"),
        ("learning_rat", 0.01, "did you mean learning_rate?"),
        ("lr", 0.01, "use learning_rate instead"),
        ("learningRate", 0.01, "use learning_rate instead"),
        ("colour", "red", r"'colour': the writable attributes are"),
    ],
)
def test_a_write_the_network_cannot_take_is_an_attribute_error_naming_the_writable_ones(name, value, says):
    net = nncore.Network([2, 3, 1], seed=0)
    before = net.to_dict()
    with pytest.raises(AttributeError, match=says) as info:
        setattr(net, name, value)
    assert "the writable attributes are beta1, beta2, epsilon, input_names, learning_rate, momentum" in str(info.value)
    assert net.to_dict() == before
    assert name not in vars(net)
    assert net.activations == ("sigmoid", "sigmoid")


@pytest.mark.parametrize(
    ("optimizer", "name", "user"),
    [
        ("sgd", "beta1", "adam"),
        ("sgd", "rprop_step_max", "rprop"),
        ("adam", "momentum", "sgd"),
        ("rprop", "learning_rate", "sgd' and optimizer='adam"),
        ("rprop", "epsilon", "adam"),
    ],
)
def test_a_parameter_of_another_optimizer_is_a_value_error_saying_which_uses_it(optimizer, name, user):
    net = nncore.Network([2, 3, 1], optimizer=optimizer, seed=0)
    before = net.to_dict()
    with pytest.raises(ValueError, match=f"{name} does not apply to optimizer='{optimizer}'.* optimizer='{user}'"):
        setattr(net, name, 0.5)
    assert net.to_dict() == before


@pytest.mark.parametrize(
    ("optimizer", "name"),
    [
        ("sgd", "learning_rate"),
        ("sgd", "momentum"),
        ("adam", "beta1"),
        ("rprop", "rprop_step_max"),
        ("adam", "weight_decay"),
    ],
)
def test_the_optimizers_own_parameters_are_set_and_kept_by_to_dict(optimizer, name):
    net = nncore.Network([2, 3, 1], optimizer=optimizer, seed=0)
    setattr(net, name, 0.25)
    assert getattr(net, name) == 0.25
    assert nncore.Network.from_dict(net.to_dict()).to_dict() == net.to_dict()
    assert getattr(nncore.Network.from_dict(net.to_dict()), name) == 0.25


def test_names_and_private_attributes_stay_writable():
    net = nncore.Network([2, 3, 1], seed=0)
    net.input_names = ["a", "b"]
    net.output_names = ["c"]
    net.fit(*XOR, epochs=2, seed=0)  # the fit sets private attributes
    assert net.input_names == ("a", "b")


def test_every_constructor_parameter_that_cannot_be_set_says_so():
    # derived from the signature: a new constructor parameter is named without a hand list
    net = nncore.Network([2, 3, 1], seed=0)
    for name in inspect.signature(nncore.Network).parameters:
        if name in (
            "learning_rate",
            "momentum",
            "nesterov",
            "weight_decay",
            "beta1",
            "beta2",
            "epsilon",
        ) or name.startswith("rprop_"):
            continue
        with pytest.raises(AttributeError, match=f"{name} is (fixed when the network is made|read-only)"):
            setattr(net, name, None)


def test_a_subclass_sets_what_it_declares():
    class Tracked(nncore.Network):
        history = None

    net = Tracked([2, 1], seed=0)
    net.history = [1]
    assert net.history == [1]
    with pytest.raises(AttributeError, match=r"cannot set the Tracked attribute 'histroy': did you mean history\?"):
        net.histroy = [1]
    with pytest.raises(AttributeError, match=r"a subclass may set what its class body declares \(e.g. extra = None"):
        net.extra = 1


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("toJSON", r"use to_brainjs\(\) instead .*to_dict\(\) or to_json\(\)"),
        ("toFunction", r"use to_javascript\(\) instead"),
        ("fromJSON", r"use from_brainjs\(\) instead"),
    ],
)
def test_brainjs_method_names_point_to_nncores(name, says):
    with pytest.raises(AttributeError, match=f"'Network' object has no attribute '{name}': {says}"):
        getattr(nncore.Network([2, 1]), name)
    with pytest.raises(AttributeError, match=f"type object 'Network' has no attribute '{name}': {says}"):
        getattr(nncore.Network, name)


def test_other_missing_attributes_are_plain_attribute_errors():
    net = nncore.Network([2, 1])
    with pytest.raises(AttributeError, match=r"^'Network' object has no attribute 'learning_rat'$") as info:
        net.learning_rat  # noqa: B018
    assert info.value.name == "learning_rat" and info.value.obj is net
    assert not hasattr(nncore.Network, "__array__") and not hasattr(net, "toJSON")
