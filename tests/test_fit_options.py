"""fit's options are declared once (nncore._fit_options.OPTIONS); fit, fit_many and nncore train take them from
there."""

import inspect

import pytest

import nncore
from nncore import _cli
from nncore._fit_options import OPTIONS

FIT_MANY_OWN = {"networks", "X", "Y", "seeds", "threads", "client"}


def _keywords(function, own):
    return {
        name: parameter.default for name, parameter in inspect.signature(function).parameters.items() if name not in own
    }


def test_fit_shows_every_option_with_its_default():
    assert _keywords(nncore.Network.fit, {"self", "X", "Y"}) == {name: o.default for name, o in OPTIONS.items()}


def test_fit_many_shows_the_options_it_takes_with_their_defaults():
    shown = _keywords(nncore.fit_many, FIT_MANY_OWN)
    assert shown == {name: o.default for name, o in OPTIONS.items() if o.fit_many}
    assert {"seed", "callback", "validation_data", "patience"}.isdisjoint(shown)


@pytest.mark.parametrize(
    ("function", "names"),
    [
        (nncore.Network.fit, list(OPTIONS)),
        (nncore.fit_many, [name for name, option in OPTIONS.items() if option.fit_many]),
    ],
)
def test_every_option_is_documented_in_numpydoc(function, names):
    doc = inspect.getdoc(function)
    for name in names:
        assert f"\n{name} : {OPTIONS[name].type}\n" in doc, name
    assert "{fit options}" not in doc


@pytest.mark.parametrize(
    "call",
    [
        lambda net: net.fit([[0, 1]], [1], epochs=1, seeds=[1]),
        lambda net: nncore.fit_many([net], [[0, 1]], [1], epochs=1, patience=3),
    ],
)
def test_an_option_the_function_does_not_take_is_a_type_error(call):
    net = nncore.Network([2, 1], seed=0)
    before = net.to_dict()
    with pytest.raises(TypeError, match="got an unexpected keyword argument"):
        call(net)
    assert net.to_dict() == before


def test_a_declared_default_is_the_default_of_nncore_train():
    parser = _cli.build_parser()
    args = parser.parse_args(["train", "data.csv", "--target", "y", "-o", "net.json"])
    assert args.order == OPTIONS["order"].default
    assert set(_cli.TRAIN_FIT_OPTIONS) <= set(OPTIONS)
