"""Other libraries' names for what nncore does, and the one message for a name nncore does not take.

A user coming from brain.js, scikit-learn, Keras or PyTorch writes the names
they know: ``iterations``, ``max_iter``, ``lr``, ``hiddenLayers``, ``toJSON``.
:data:`FOREIGN` maps each to nncore's; :func:`unknown_name` builds the message
for any name that a keyword of ``Network``, ``fit``, ``fit_many``, ``evaluate``
or an estimator, or an attribute of a network, does not take: nncore's name
for a foreign one, the place that takes a name given in the wrong one, or the
closest names taken (difflib, ignoring case and underscores).
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Spelling:
    """What nncore calls another library's name."""

    library: str
    nncore: tuple[str, ...]
    """nncore's names, the first that the place takes (or that another place takes) wins: a bare name
    (written ``name=`` for a keyword), or a usage such as ``progress=True`` or ``to_brainjs()``."""
    note: str = ""


_EPOCHS = ("epochs", "max_iter")
_LEARNING_RATE = ("learning_rate_init", "learning_rate")  # the estimators' learning_rate is MLP's schedule
_SEED = ("seed", "seeds=[one seed per network]", "random_state")

_ERROR_THRESHOLD_NOTE = (
    "nncore compares the mean of the network's loss per sample (0.5 * sum((t - o)**2) for mse), "
    'brain.js the mean of (t - o)**2 over outputs and samples: add error_measure="brainjs" to stop where brain.js would'
)

FOREIGN: dict[str, Spelling] = {
    # how long to train
    "iterations": Spelling("brain.js", _EPOCHS),
    "epoch": Spelling("Keras", _EPOCHS),
    "epochs": Spelling("Keras", _EPOCHS),
    "nb_epoch": Spelling("Keras", _EPOCHS),
    "n_epochs": Spelling("scikit-learn", _EPOCHS),
    "num_epochs": Spelling("PyTorch", _EPOCHS),
    "max_epochs": Spelling("Keras", _EPOCHS),
    "max_iter": Spelling("scikit-learn", _EPOCHS),
    "n_iter": Spelling("scikit-learn", _EPOCHS),
    "errorThresh": Spelling(
        "brain.js",
        ("error_threshold",),
        _ERROR_THRESHOLD_NOTE,
    ),
    "error_thresh": Spelling("brain.js", ("error_threshold",), _ERROR_THRESHOLD_NOTE),
    "timeout_ms": Spelling("brain.js", ("timeout",), "nncore's timeout is in seconds"),
    # what training shows and calls
    "log": Spelling("brain.js", ("progress=True", "verbose=True")),
    "verbose": Spelling("Keras and scikit-learn", ("progress=True", "verbose")),
    "progress": Spelling("nncore.Network.fit", ("verbose",)),
    "logPeriod": Spelling("brain.js", ("callback_period",)),
    "callbackPeriod": Spelling("brain.js", ("callback_period",)),
    "callbacks": Spelling("Keras", ("callback",)),
    # the data
    "shuffle": Spelling("Keras and scikit-learn", ('order="shuffle" (shuffle=False: order="sequential")', "shuffle")),
    "validation_split": Spelling("Keras", ("validation_data=(X_val, Y_val) with rows held out", "validation_fraction")),
    "validation_fraction": Spelling("scikit-learn", ("validation_data=(X_val, Y_val) with rows held out",)),
    "early_stopping": Spelling("scikit-learn", ("validation_data=(X_val, Y_val) with patience",)),
    "n_iter_no_change": Spelling("scikit-learn", ("patience",)),
    "patience": Spelling("Keras", ("patience", "n_iter_no_change")),
    "class_weight": Spelling("Keras and scikit-learn", ("sample_weight",)),
    "binaryThresh": Spelling("brain.js", ("threshold",)),
    "seed": Spelling("nncore.Network and fit", _SEED),
    "random_state": Spelling("scikit-learn", _SEED),
    # the network
    "hiddenLayers": Spelling(
        "brain.js", ("hidden_layers", "hidden_layer_sizes", "sizes=[n_inputs, *hiddenLayers, n_outputs]")
    ),
    "hidden_layer_sizes": Spelling(
        "scikit-learn", ("hidden_layers", "sizes=[n_inputs, *hidden_layer_sizes, n_outputs]")
    ),
    "hidden_layers": Spelling("nncore.Network", ("hidden_layer_sizes",)),
    "inputSize": Spelling("brain.js", ("sizes=[inputSize, ..., outputSize]",)),
    "outputSize": Spelling("brain.js", ("sizes=[inputSize, ..., outputSize]",)),
    "units": Spelling("Keras", ("sizes",)),
    "kernel_initializer": Spelling("Keras", ("init",)),
    "initializer": Spelling("Keras", ("init",)),
    # how the weights move
    "praxis": Spelling("brain.js", ('optimizer="adam"', 'solver="adam"')),
    "solver": Spelling("scikit-learn", ("optimizer",)),
    "optimizer": Spelling("nncore.Network", ("solver",)),
    "lr": Spelling("PyTorch and Keras", _LEARNING_RATE),
    "learningRate": Spelling("brain.js", _LEARNING_RATE),
    "learning_rate_init": Spelling("scikit-learn", ("learning_rate",)),
    "learning_rate": Spelling("nncore.Network", ("learning_rate_init",)),
    "alpha": Spelling("scikit-learn", ("weight_decay",)),
    "weight_decay": Spelling("nncore.Network and PyTorch", ("alpha",)),
    "beta_1": Spelling("scikit-learn", ("beta1",)),
    "beta_2": Spelling("scikit-learn", ("beta2",)),
    "beta1": Spelling("nncore.Network", ("beta_1",)),
    "beta2": Spelling("nncore.Network", ("beta_2",)),
    "betas": Spelling("PyTorch", ("beta1= and beta2=", "beta_1= and beta_2=")),
    "eps": Spelling("PyTorch", ("epsilon",)),
    "leakyReluAlpha": Spelling("brain.js", ("leaky_relu_alpha",)),
    # methods and attributes
    "toJSON": Spelling("brain.js", ("to_brainjs()",), "nncore's own format: to_dict() or to_json()"),
    "fromJSON": Spelling(
        "brain.js", ("from_brainjs()",), "nncore's own format: from_dict() or from_json(); any file: nncore.load(path)"
    ),
    "toFunction": Spelling("brain.js", ("to_javascript()",)),
    "trainAsync": Spelling("brain.js", ("fit()",)),
    "get_weights": Spelling("Keras", ("weights", "biases")),
    "save_weights": Spelling("Keras", ("save()",)),
}
"""Other libraries' names (and nncore's names of one place written in another) and what nncore calls them."""

_NAME = re.compile(r"[A-Za-z_]\w*")


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def closest(name: str, takes: Collection[str]) -> list[str]:
    """The names of ``takes`` closest to ``name`` (difflib's ratio, ignoring case and underscores), best first."""
    keys: dict[str, list[str]] = {}
    for taken in takes:
        keys.setdefault(_key(taken), []).append(taken)
    matches = difflib.get_close_matches(_key(name), keys, n=3, cutoff=0.75)
    return [taken for match in matches for taken in sorted(keys[match])][:3]


def _hint(name: str, takes: Collection[str], elsewhere: Mapping[str, str], keyword: bool) -> str:
    spelling = FOREIGN.get(name)
    if spelling is not None:
        for usage in spelling.nncore:
            if _NAME.match(usage)[0] in takes:  # type: ignore[index]  # every usage starts with a name
                shown = f"{usage}=" if keyword and _NAME.fullmatch(usage) else usage
                note = f"; {spelling.note}" if spelling.note else ""
                return f": use {shown} instead ({name!r} is {spelling.library}'s name){note}"
    if name in elsewhere:
        return f": {elsewhere[name]}"
    if spelling is not None:
        for usage in spelling.nncore:
            base = _NAME.match(usage)[0]  # type: ignore[index]
            if base in elsewhere:
                return f": {spelling.library}'s {name!r} is nncore's {base}, and {elsewhere[base]}"
    near = closest(name, takes)
    if near:
        return f": did you mean {' or '.join(near)}?"
    return ""


def unknown_name(
    what: str,
    name: str,
    takes: Collection[str],
    elsewhere: Mapping[str, str] | None = None,
    *,
    keyword: bool = True,
    listing: str | None = None,
) -> str:
    """The message for ``name``, which a place does not take: ``f"{what} {name!r}"`` and the best hint.

    Parameters
    ----------
    what : str
        The start of the message, e.g. ``"fit() got an unexpected keyword argument"``.
    name : str
        The name given.
    takes : collection of str
        The names the place takes.
    elsewhere : mapping of str to str, optional
        Names that another place takes, each with a sentence saying how to use it there
        (``"epochs is an option of fit: net.fit(X, Y, epochs=...)"``).
    keyword : bool, default True
        Names are keywords (nncore's name is written ``name=``) rather than attributes.
    listing : str, optional
        Introduces the list of every name taken, always appended (e.g. ``"the writable attributes are"``);
        without it the list is appended only when there is no other hint.
    """
    hint = _hint(name, takes, elsewhere or {}, keyword)
    if listing is None and not hint:
        listing = "it takes"
    if listing is not None:
        every = f"{listing} {', '.join(sorted(takes))}"
        hint = f"{hint} ({every})" if hint else f": {every}"
    return f"{what} {name!r}{hint}"


def keyword_names(function: Callable[..., Any]) -> frozenset[str]:
    """The names ``function``'s signature takes as keywords (but ``self``; a ``**kwargs`` takes no name of its own)."""
    parameters = inspect.signature(function).parameters.values()
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return frozenset(parameter.name for parameter in parameters if parameter.kind in kinds) - {"self"}


def check_keywords(
    function: str, given: Iterable[str], takes: Collection[str], elsewhere: Mapping[str, str] | None = None
) -> None:
    """A ``TypeError`` for the first name of ``given`` that ``function`` does not take (see :func:`unknown_name`)."""
    for name in given:
        if name not in takes:
            raise TypeError(unknown_name(f"{function}() got an unexpected keyword argument", name, takes, elsewhere))


def takes_keywords(function_name: str, elsewhere: Mapping[str, str] | None = None) -> Callable[[F], F]:
    """A decorator: the function refuses an unknown keyword with :func:`check_keywords`'s message.

    Its signature is unchanged (``inspect.signature`` follows ``__wrapped__``).
    """

    def decorate(function: F) -> F:
        takes = keyword_names(function)

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not takes.issuperset(kwargs):
                check_keywords(function_name, kwargs, takes, elsewhere)
            return function(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


def foreign_attribute(what: str, name: str, owner: object) -> AttributeError:
    """The ``AttributeError`` for reading ``name``, which ``owner`` lacks: nncore's name when it is a foreign one.

    ``what`` starts the message (``"'Network' object has no attribute"``); the error
    carries ``name`` and ``obj``, from which Python suggests close names.
    """
    message = f"{what} {name!r}"
    if name in FOREIGN:
        message = unknown_name(what, name, dir(owner), keyword=False)
    return AttributeError(message, name=name, obj=owner)
