"""``nncore.Network``: the Pythonic face of the compiled core.

``Network`` subclasses the compiled core (``nncore._core.NetworkCore``),
which owns the buffers and runs the per-sample API; this class checks
arguments (with ``nncore._checks``), and hands plain, checked data to the
services: ``fitting`` (the fit driver), ``evaluation``, ``datasets`` (named
data), ``serialization`` (the dictionary format), ``brainjs2``,
``tutorial_format``, ``fann``, ``files``, ``views``, ``batched``, ``onnx_export`` and ``source_export``.
"""

from __future__ import annotations

import copyreg
import functools
import json
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from nncore import (
    _batched,
    _brainjs2,
    _datasets,
    _evaluation,
    _fann,
    _files,
    _fit_data,
    _fitting,
    _fixed,
    _initializers,
    _json_formats,
    _onnx_export,
    _pickling,
    _scaling,
    _serialization,
    _source_export,
    _svg,
    _tutorial_format,
    _views,
)
from nncore._checks import (
    as_float_array,
    check_activations,
    check_alpha,
    check_data,
    check_dtype,
    check_flag,
    check_hidden_layers,
    check_init,
    check_input_scaling,
    check_learning_rule,
    check_loss,
    check_names,
    check_optimizer,
    check_rule_applies,
    check_rule_parameter,
    check_samples,
    check_seed,
    check_sizes,
    check_step_limits,
    check_threshold,
    describe,
    input_scaling_not_fitted,
)
from nncore._core import NetworkCore
from nncore._evaluation import DEFAULT_THRESHOLD
from nncore._fit_options import OPTIONS as FIT_OPTIONS
from nncore._fit_options import FitOptions, check_fit_options, option_value, takes_fit_options
from nncore._loss_rules import check_loss_targets, check_output_rules
from nncore._spellings import foreign_attribute, keyword_names, takes_keywords, unknown_name
from nncore._vocabulary import DEFAULT_LEAKY_RELU_ALPHA, DEFAULT_LOSS, OPTIMIZER_PARAMETERS

RULE_NAMES = frozenset(name for names in OPTIMIZER_PARAMETERS.values() for name in names)
"""The rates and parameters that only some optimizers have (``weight_decay`` applies to all)."""

CORE_WRITABLE = ("learning_rate", "momentum", "nesterov")
"""The compiled core's properties that have a setter (a Cython property does not say whether it has one)."""

FIT_OPTION_ELSEWHERE = {name: f"{name} is an option of fit: net.fit(X, Y, {name}=...)" for name in FIT_OPTIONS}
"""Where ``fit``'s options go, for a user who gives one to ``Network`` or ``evaluate``."""


class _RuleParameter:
    """A parameter of the learning rule, read from and written to the compiled core after a check."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, net: Network | None, owner: type | None = None) -> Any:
        if net is None:
            return self
        return net._rule_parameter(self.name)

    def __set__(self, net: Network, value: object) -> None:
        checked = check_rule_parameter(self.name, value)
        if self.name == "rprop_step_min":
            check_step_limits(checked, net.rprop_step_max)
        elif self.name == "rprop_step_max":
            check_step_limits(net.rprop_step_min, checked)
        net._set_rule_parameter(self.name, checked)


class _Unsized:
    """The hidden layers and checked arguments of a network whose input and output sizes the first fit sets."""

    def __init__(self, hidden: tuple[int, ...] | None, arguments: dict[str, Any]) -> None:
        self.hidden = hidden
        """The hidden layers' sizes; None: brain.js's rule, one layer of max(3, n_inputs // 2)."""
        self.arguments = arguments
        """``Network``'s keyword arguments besides the sizes, checked, with the seed drawn."""

    def sizes(self, n_inputs: int, n_outputs: int) -> tuple[int, ...]:
        hidden = (max(3, n_inputs // 2),) if self.hidden is None else self.hidden
        return (n_inputs, *hidden, n_outputs)

    def keywords(self) -> dict[str, Any]:
        """The keyword arguments that build this network again, sizes unknown."""
        return {"hidden_layers": None if self.hidden is None else list(self.hidden), **self.arguments}


class _NetworkType(type):
    """``Network``'s type: a class attribute it lacks under another library's name points to nncore's."""

    def __getattr__(cls, name: str) -> Any:
        raise foreign_attribute(f"type object {cls.__name__!r} has no attribute", name, cls)


class Network(NetworkCore, metaclass=_NetworkType):
    """A fully-connected feed-forward network trained one sample at a time.

    Parameters
    ----------
    sizes : sequence of int, optional
        Neurons per layer, input layer first, e.g. ``[2, 10, 10, 1]``.
    hidden_layers : sequence of int, optional
        Instead of ``sizes``, as brain.js's ``hiddenLayers``: the hidden layers'
        sizes only, e.g. ``[3]``; the numbers of inputs and outputs come from the
        data of the first :meth:`fit` (or the sample of the first :meth:`train`).
        Without ``sizes`` and ``hidden_layers``, brain.js's rule: one hidden layer
        of ``max(3, n_inputs // 2)``. The weights are those of ``Network(sizes)``
        with the same ``seed`` (drawn at construction when not given). Until then,
        what needs the sizes (``predict``, ``weights``, ``to_dict``, the exports,
        the rates ...) raises ``RuntimeError``; copies and pickles work.
    learning_rate : float, optional
        Step size of the weight updates: 0.3 for ``optimizer="sgd"``, 0.001
        (Adam's step size) for ``"adam"``; RPROP has none.
    momentum : float, optional
        Fraction of each weight's previous change added to its next one
        (SGD only; default 0.1).
    nesterov : bool, default False
        SGD with Nesterov's momentum (``torch.optim.SGD(nesterov=True)``'s
        update): a weight moves by ``momentum * change + learning_rate * a``,
        ``change`` being its new change and ``a`` its ascent, instead of by
        ``change``. SGD only.
    activation : str or sequence of str, default "sigmoid"
        ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"identity"``
        or ``"softmax"``: one name for every non-input layer, or one name per
        non-input layer. ``"softmax"`` is for the output layer only, with
        ``loss="cross_entropy"``.
    init : str, default "scaled"
        How weights and biases start: ``"scaled"`` (uniform in +-2.4/sqrt(fan_in)),
        ``"tutorial"`` (the tutorial's: weights in [0, 1), integer biases in
        {-3..2}), ``"brainjs"`` (uniform in [-0.2, 0.2)), ``"xavier"`` or ``"he"``.
    seed : int, optional
        Seed of the initial weights (0 to 2**64 - 1); the same seed gives the
        same network.
    leaky_relu_alpha : float, default 0.01
        Slope of ``leaky_relu`` for negative inputs.
    loss : {"mse", "cross_entropy"}, default "mse"
        What training minimises, one sample at a time, and what ``train``,
        ``fit`` and ``evaluate`` report. ``"mse"``: ``0.5 * sum((t - o)**2)``.
        ``"cross_entropy"`` with a ``"softmax"`` output layer: ``-sum(t * log(o))``,
        targets being rows of values >= 0 summing to 1; with a ``"sigmoid"``
        output layer: the binary cross-entropy of each output, summed, targets
        in [0, 1]. Cross-entropy is computed from the output layer's sums, so it
        stays finite and exact when the outputs saturate.
    dtype : {"float64", "float32"}, default "float64"
        Floating-point type of the parameters and of every computation (a
        numpy type or dtype works too). A float32 network rounds every
        product and sum to float32, in the same order as float64 does, and
        its :meth:`predict` returns float32; it halves the memory, which
        makes large layers faster to train.
    optimizer : {"sgd", "adam", "rprop"}, default "sgd"
        How the weights move: the tutorial's gradient descent with momentum;
        Adam (``torch.optim.Adam``'s update, with bias correction); or iRprop-
        (Igel and Hüsken 2000, FANN's default training), which trains on
        whole batches only (``fit(..., batch_size=None)``).
    weight_decay : float, default 0.0
        L2 on the weights (not the biases): ``weight_decay * w`` is added to
        every update's gradient, whatever the optimizer.
    beta1, beta2, epsilon : float, optional
        Adam's parameters (defaults 0.9, 0.999, 1e-8).
    rprop_increase, rprop_decrease, rprop_step_min, rprop_step_max, rprop_step_initial : float, optional
        RPROP's parameters (defaults 1.2, 0.5, 0.0, 50.0, 0.1: FANN's).
    input_scaling : {"standard", "minmax"}, optional
        Scale the inputs inside the network: it computes on
        ``(x - input_offset) / input_scale``, the offset and scale of each
        input fitted to the training rows of its first :meth:`fit`
        (``"standard"``: mean and population standard deviation; ``"minmax"``:
        minimum and range, to [0, 1]; a constant input gets scale 1) and kept
        after it (:meth:`fit_input_scaling` fits them again). ``train``,
        ``predict``, ``evaluate``, ``activate``, the files and the exports all
        apply them; before they are fitted, the network refuses to compute.
        None (the default): the inputs go in as given.

    A parameter of another optimizer than the one chosen is a ``ValueError``.
    Every parameter of the learning rule is also an attribute that can be
    read and set (``net.beta1 = 0.95``); setting any other attribute (one that
    is read-only, fixed when the network is made, or unknown) is an
    ``AttributeError`` naming the writable ones, and an unknown keyword a
    ``TypeError`` naming the closest ones (and nncore's name for brain.js's,
    scikit-learn's or Keras's).

    Raises
    ------
    ValueError
        If ``softmax`` is not on the output layer only with ``cross_entropy``,
        or ``cross_entropy`` has outputs other than ``softmax`` or ``sigmoid``;
        if both ``sizes`` and ``hidden_layers`` are given.

    Examples
    --------
    >>> import nncore
    >>> net = nncore.Network([2, 10, 10, 1], seed=0)
    >>> result = net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0],
    ...                  steps=20000, order="random", seed=0)
    >>> net.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).round().ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """

    @takes_keywords("Network", FIT_OPTION_ELSEWHERE)
    def __init__(
        self,
        sizes: Sequence[int] | None = None,
        *,
        hidden_layers: Sequence[int] | None = None,
        learning_rate: float | None = None,
        momentum: float | None = None,
        nesterov: bool = False,
        activation: str | Sequence[str] = "sigmoid",
        init: str = _initializers.DEFAULT,
        seed: int | None = None,
        leaky_relu_alpha: float = DEFAULT_LEAKY_RELU_ALPHA,
        loss: str = DEFAULT_LOSS,
        dtype: str | np.dtype | type = "float64",
        optimizer: str = "sgd",
        weight_decay: float = 0.0,
        beta1: float | None = None,
        beta2: float | None = None,
        epsilon: float | None = None,
        rprop_increase: float | None = None,
        rprop_decrease: float | None = None,
        rprop_step_min: float | None = None,
        rprop_step_max: float | None = None,
        rprop_step_initial: float | None = None,
        input_scaling: str | None = None,
    ) -> None:
        if sizes is not None and hidden_layers is not None:
            raise ValueError(
                "give sizes (every layer, e.g. [2, 3, 1]) or hidden_layers (the hidden layers only, e.g. [3], "
                f"the others from the first fit's data), not both; got sizes={describe(sizes)} and "
                f"hidden_layers={describe(hidden_layers)}"
            )
        self._input_names: tuple[str, ...] | None = None
        self._output_names: tuple[str, ...] | None = None
        if sizes is not None:
            checked_sizes = check_sizes(sizes)
            n_layers = len(checked_sizes)
        else:
            hidden = None if hidden_layers is None else check_hidden_layers(hidden_layers)
            n_layers = 3 if hidden is None else len(hidden) + 2
        activations = check_activations(activation, n_layers - 1)
        optimizer = check_optimizer(optimizer)
        given: dict[str, object] = {
            "beta1": beta1,
            "beta2": beta2,
            "epsilon": epsilon,
            "rprop_increase": rprop_increase,
            "rprop_decrease": rprop_decrease,
            "rprop_step_min": rprop_step_min,
            "rprop_step_max": rprop_step_max,
            "rprop_step_initial": rprop_step_initial,
        }
        rates, parameters = check_learning_rule(optimizer, learning_rate, momentum, weight_decay, given)
        loss = check_loss(loss)
        check_output_rules(activations, loss)
        alpha = check_alpha(leaky_relu_alpha)
        init = check_init(init, tuple(_initializers.INITIALIZERS))
        seed = check_seed(seed)
        dtype_name = check_dtype(dtype)
        scaling = check_input_scaling(input_scaling)
        if sizes is None:
            # Built at the first fit, with the seed drawn now: a copy or a pickle starts from the same weights.
            arguments = {
                name: value
                for name, value in (
                    ("learning_rate", learning_rate),
                    ("momentum", momentum),
                    ("nesterov", True if check_flag("nesterov", nesterov) else None),
                    ("activation", activation if isinstance(activation, str) else list(activations)),
                    ("init", init),
                    ("seed", secrets.randbits(64) if seed is None else seed),
                    ("leaky_relu_alpha", alpha),
                    ("loss", loss),
                    ("dtype", dtype_name),
                    ("optimizer", optimizer),
                    ("weight_decay", parameters["weight_decay"]),
                    ("input_scaling", scaling),
                    *given.items(),
                )
                if value is not None
            }
            self._unsized = _Unsized(hidden, arguments)
            return
        self._setup(checked_sizes, activations, alpha, dtype_name, loss, optimizer)
        if scaling is not None:
            self._set_input_scaling(scaling, None, None)
        for name, value in parameters.items():
            self._set_rule_parameter(name, value)
        self.nesterov = nesterov
        initial = _initializers.INITIALIZERS[init](np.random.default_rng(seed), checked_sizes)
        self._restore([(w, b, np.zeros_like(w)) for w, b in initial], 0, *rates)

    # ------------------------------------------------------------ attributes

    def __setattr__(self, name: str, value: object) -> None:
        if name[:1] != "_":  # private names are the class's own business
            if name not in _writable(type(self)):
                raise AttributeError(_refused_write(type(self), name))
            if name in RULE_NAMES:
                check_rule_applies(self.optimizer, name)
        super().__setattr__(name, value)

    def __getattr__(self, name: str) -> Any:
        raise foreign_attribute(f"{type(self).__name__!r} object has no attribute", name, self)

    # ------------------------------------------------------------ sizes from the first fit

    _unsized: _Unsized | None = None
    """What a network built with ``hidden_layers`` (or without sizes) needs to set itself up at its first fit."""

    def _not_ready_error(self) -> Exception:
        if self._unsized is None:
            return super()._not_ready_error()
        return RuntimeError(
            "this network's sizes are not known until its first fit: fit(X, Y) (or train(input, target)) "
            "takes the numbers of inputs and outputs from the data; or give every size, "
            "Network(sizes=[n_inputs, ..., n_outputs])"
        )

    def _set_up(self, n_inputs: int, n_outputs: int) -> None:
        """Build the buffers and initial weights for ``n_inputs`` and ``n_outputs``, as ``Network(sizes)`` would."""
        assert self._unsized is not None
        Network.__init__(self, self._unsized.sizes(n_inputs, n_outputs), **self._unsized.arguments)
        self._unsized = None

    def _set_up_for_fit(self, X: Any, Y: Any, options: dict[str, Any], checked: FitOptions) -> None:
        """Set an unsized network up from the data of its first fit, once every check of that fit has passed.

        A fit that would fail on its data leaves the network as it was, sizes unknown.
        """
        assert self._unsized is not None
        n_inputs, n_outputs = _datasets.widths(X, Y)
        sized = Network(self._unsized.sizes(n_inputs, n_outputs), **self._unsized.arguments)
        _fit_data.prepare(
            sized,
            X,
            Y,
            checked,
            option_value(options, "batch_size"),
            option_value(options, "sample_weight"),
            option_value(options, "validation_data"),
            learn_names=True,
        )
        self._set_up(n_inputs, n_outputs)

    def _set_up_from_sample(self, input: Any, target: Any) -> None:
        """:meth:`train` on an unsized network: the sizes from the sample, once it is checked."""
        if self._unsized is None:
            return
        if isinstance(input, Mapping):  # named inputs need names, which only fit learns
            return
        n_inputs = as_float_array(input, "input", 1).shape[0]
        n_outputs = as_float_array([target] if np.ndim(target) == 0 else target, "target", 1).shape[0]
        sized = Network(self._unsized.sizes(n_inputs, n_outputs), **self._unsized.arguments)
        sized.train(input, target)  # every check of the sample
        self._set_up(n_inputs, n_outputs)

    # ------------------------------------------------------------ the learning rule

    weight_decay = _RuleParameter("L2 on the weights: ``weight_decay * w`` is added to every update's gradient.")
    beta1 = _RuleParameter("Adam's decay of the first moment (default 0.9).")
    beta2 = _RuleParameter("Adam's decay of the second moment (default 0.999).")
    epsilon = _RuleParameter("Adam's term added to the denominator (default 1e-8).")
    rprop_increase = _RuleParameter("RPROP's factor for a step whose gradient kept its sign (default 1.2).")
    rprop_decrease = _RuleParameter("RPROP's factor for a step whose gradient changed sign (default 0.5).")
    rprop_step_min = _RuleParameter("RPROP's smallest step (default 0.0).")
    rprop_step_max = _RuleParameter("RPROP's largest step (default 50.0).")
    rprop_step_initial = _RuleParameter("RPROP's first step of every weight and bias (default 0.1).")

    # ------------------------------------------------------------ structure

    @property
    def weights(self) -> list[np.ndarray]:
        """Copies of the weight matrices; ``weights[l - 1]`` has shape ``(sizes[l], sizes[l - 1])``."""
        return [w for w, _, _ in self._snapshot()[0]]

    @property
    def biases(self) -> list[np.ndarray]:
        """Copies of the bias vectors; ``biases[l - 1]`` has shape ``(sizes[l],)``."""
        return [b for _, b, _ in self._snapshot()[0]]

    @property
    def changes(self) -> list[np.ndarray]:
        """Copies of the momentum buffers (each weight's last change), shaped like :attr:`weights`."""
        return [c for _, _, c in self._snapshot()[0]]

    @property
    def input_names(self) -> tuple[str, ...] | None:
        """Names of the inputs, in column order, or None.

        Set by the first :meth:`fit` on named data (brain.js style: names in the
        order first seen), or directly; named inputs are read through them.
        """
        return self._input_names

    @input_names.setter
    def input_names(self, names: Sequence[str] | None) -> None:
        self._input_names = check_names(names, self.sizes[0], "input")

    @property
    def output_names(self) -> tuple[str, ...] | None:
        """Names of the outputs, in column order, or None (see :attr:`input_names`)."""
        return self._output_names

    @output_names.setter
    def output_names(self, names: Sequence[str] | None) -> None:
        self._output_names = check_names(names, self.sizes[-1], "output")

    @property
    def input_scaling(self) -> str | None:
        """How the network scales its inputs: ``"standard"``, ``"minmax"`` or None (see :class:`Network`)."""
        return self._input_scaling_state()[0]

    @property
    def input_offset(self) -> np.ndarray | None:
        """A copy of what the input scaling subtracts from each input; None before it is fitted, or without it."""
        offset = self._input_scaling_state()[1]
        return None if offset is None else offset.copy()

    @property
    def input_scale(self) -> np.ndarray | None:
        """A copy of what the input scaling divides each input by, after the offset; None as :attr:`input_offset`."""
        scale = self._input_scaling_state()[2]
        return None if scale is None else scale.copy()

    def fit_input_scaling(self, X: Any) -> Network:
        """Fit the input scaling's offset and scale to ``X`` now, replacing those of an earlier fit.

        :meth:`fit` does this itself when the scaling is not fitted yet; call
        it to scale before training with :meth:`train` alone, or to refit the
        scaling to new data (the weights, which learned on the old scaling,
        stay as they are).

        Parameters
        ----------
        X : array_like, shape (n_samples, sizes[0])
            Inputs, one row per sample (at least one).

        Returns
        -------
        Network
            The network itself.

        Raises
        ------
        ValueError
            If the network has no :attr:`input_scaling`, or ``X`` does not fit it.
        """
        kind = self.input_scaling
        if kind is None:
            raise ValueError("fit_input_scaling needs a network built with input_scaling='standard' or 'minmax'")
        rows, one_sample = check_samples(X, self.sizes[0], self.dtype.name)
        if one_sample:
            rows = rows.reshape(1, -1)
        self._set_input_scaling(kind, *_scaling.fit_scaling(kind, rows))
        return self

    @property
    def layers(self) -> _views.Layers:
        """The tutorial's object model as live views: ``net.layers[l].neurons[j]``.

        Layer 0 is the input layer (its neurons have an ``output`` and
        ``output_connections``); the neurons of the others have ``bias``,
        ``output``, ``delta``, ``input_connections`` and ``output_connections``
        (each connection with ``weight``, ``change``, ``source`` and
        ``target``). Reads are live and writes (``bias``, ``weight``,
        ``change``, input ``output``) change the network.
        """
        return _views.Layers(self._layer_buffers(), self.activations)

    def __repr__(self) -> str:
        if self._unsized is not None:
            arguments = ", ".join(f"{name}={value!r}" for name, value in self._unsized.keywords().items())
            return f"Network({arguments}; sizes not known until the first fit)"
        activations = self.activations
        activation = activations[0] if len(set(activations)) == 1 else list(activations)
        rule = {
            "sgd": f"learning_rate={self.learning_rate!r}, momentum={self.momentum!r}"
            + (", nesterov=True" if self.nesterov else ""),
            "adam": f"optimizer='adam', learning_rate={self.learning_rate!r}",
            "rprop": "optimizer='rprop'",
        }[self.optimizer]
        return (
            f"Network({list(self.sizes)}, {rule}, activation={activation!r}, loss={self.loss!r}, "
            f"iterations={self.iterations}"
            + ("" if self.weight_decay == 0.0 else f", weight_decay={self.weight_decay!r}")
            + ("" if self.dtype == np.float64 else f", dtype={self.dtype.name!r}")
            + ("" if self.input_scaling is None else f", input_scaling={self.input_scaling!r}")
            + ")"
        )

    # ------------------------------------------------------------ inference

    # predict and likely are NetworkCore's: one list, tuple or float64 row goes through its compiled path,
    # everything else through these.

    def _predict_general(self, inputs: Any) -> np.ndarray:
        """:meth:`predict` for what its compiled path does not take: dicts, many rows, other types, bad input."""
        if isinstance(inputs, Mapping):
            inputs = _datasets.named_input(inputs, self._input_names)
        rows, one_sample = check_samples(inputs, self.sizes[0], self.dtype.name)
        if one_sample:
            return self._forward_rows(rows)[0]
        weights = sum(a * b for a, b in pairwise(self.sizes))
        if weights >= _batched.MIN_WEIGHTS and rows.shape[0] * weights >= _batched.MIN_WORK:
            layers = [(w, b) for w, b, _ in self._snapshot()[0]]
            kind, offset, scale = self._input_scaling_state()
            if kind is not None:
                if offset is None or scale is None:
                    raise input_scaling_not_fitted(kind)
                rows = _scaling.scale_rows(rows, offset, scale, kind)
            return _batched.forward_matrix(layers, self.activations, self.leaky_relu_alpha, rows)
        return self._forward_rows(rows)

    def run(self, input: Any = None) -> np.ndarray | dict[str, float]:  # type: ignore[override]  # and brain.js's
        """The outputs of the network, the tutorial's way or brain.js's.

        Parameters
        ----------
        input : array_like or dict, optional
            Without it, the tutorial's ``run()``: a forward pass from the
            inputs set by :meth:`activate`. With it, brain.js's ``run(input)``:
            the outputs for this one sample (a sequence, or ``{name: value}``
            for a network with :attr:`input_names`).

        Returns
        -------
        numpy.ndarray or dict
            The outputs, shape ``(sizes[-1],)``; with an ``input``, as
            ``{name: value}`` when the network has :attr:`output_names`.
        """
        if input is None:
            return NetworkCore.run(self)
        outputs = self.predict(input)
        if outputs.ndim != 1:
            raise ValueError(
                f"run takes one sample (a 1-D input or a dict); for {outputs.shape[0]} samples use predict"
            )
        names = self._output_names
        return outputs if names is None else dict(zip(names, outputs.tolist()))

    def _strongest_general(self, input: Any) -> int:
        """The index of :meth:`likely`'s output for what its compiled path does not take."""
        outputs = self.predict(input)
        if outputs.ndim != 1:
            raise ValueError(f"likely takes one sample (a 1-D input or a dict), got {outputs.shape[0]} samples")
        return int(np.argmax(outputs))  # the first of equal maxima, as brain.js's likely

    @takes_keywords("evaluate", {name: f"{text}, not of evaluate" for name, text in FIT_OPTION_ELSEWHERE.items()})
    def evaluate(self, X: Any, Y: Any = None, *, threshold: float = DEFAULT_THRESHOLD) -> _evaluation.Evaluation:
        """Error, accuracy, misclassified samples and, with one output, confusion counts.

        Parameters
        ----------
        X : array_like or list of dict
            Inputs, one row per sample; or, with ``Y`` left out, brain.js-style
            samples ``{"input": ..., "output": ...}`` (see :meth:`fit`).
        Y : array_like, optional
            Targets, one row per sample (1-D with one output).
        threshold : float, default 0.5
            With one output, values above it are class 1, the others class 0
            (outputs and targets alike). With several outputs the largest
            value is the class, and ``threshold`` is not used.

        Returns
        -------
        nncore.Evaluation
            ``error`` (the mean of the network's :attr:`loss` over the samples,
            computed per sample as ``train`` does), ``loss`` (its name), ``accuracy``,
            ``misclasses``; with one output also ``true_positives``,
            ``true_negatives``, ``false_positives``, ``false_negatives``,
            ``precision`` and ``recall``.

        Examples
        --------
        >>> import nncore
        >>> net = nncore.Network([2, 10, 10, 1], seed=0)
        >>> X, Y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
        >>> net.evaluate(X, Y).accuracy < 1.0
        True
        >>> _ = net.fit(X, Y, steps=20000, order="random", seed=0)
        >>> result = net.evaluate(X, Y)
        >>> result.accuracy, result.true_positives, result.false_positives
        (1.0, 2, 0)
        """
        threshold = check_threshold(threshold)
        sizes = self.sizes
        data = _datasets.resolve(X, Y, sizes, self._input_names, self._output_names, learn_names=False)
        inputs, targets = check_data(data.inputs, data.targets, sizes[0], sizes[-1], self.dtype.name)
        check_loss_targets(targets, self.activations[-1], self.loss, "Y")
        outputs, losses = self._forward_and_losses(inputs, targets)
        return _evaluation.evaluate(inputs, targets, outputs, threshold, losses, self.loss)

    test = evaluate  # brain.js's name

    # ------------------------------------------------------------ training

    @takes_fit_options(FIT_OPTIONS)
    def fit(self, X: Any, Y: Any = None, **options: Any) -> _fitting.FitResult:
        """Train on a data set with the compiled loop, one sample at a time.

        Parameters
        ----------
        X : array_like, shape (n_samples, sizes[0]), or list of dict
            Inputs, one row per sample. Or, with ``Y`` left out, brain.js-style
            samples ``{"input": ..., "output": ...}``, each side a sequence or a
            dict of named values (missing names are 0); the names become
            :attr:`input_names` and :attr:`output_names` (in the order first seen)
            unless the network already has names.
        Y : array_like, shape (n_samples, sizes[-1]), optional
            Targets; 1-D is accepted when the network has one output.
        {fit options}

        Returns
        -------
        FitResult
            Steps and epochs done, the final error, the loss curve (see
            :meth:`FitResult.plot`) and why training stopped.

        Raises
        ------
        DivergenceError
            If an error or weight became NaN or infinite. The network is
            restored to its state at the start of the failing epoch, or at the
            start of the fit when its outputs or errors on the training data
            were no longer finite at the start of the failing epoch; the message
            says which.

        Notes
        -----
        Without ``epochs`` and ``steps``, ``fit`` stops as brain.js does: after
        at most 20,000 epochs, or as soon as an epoch's mean error falls below
        ``error_threshold`` (0.005 when that is not given either). With
        ``epochs`` or ``steps``, it runs exactly that long unless an
        ``error_threshold`` that is given is met first.

        A fit holds the network: ``train``, rate setters and view writes from
        other threads wait until it ends; a callback (same thread) may use
        the network freely, even start another fit.
        """
        checked = check_fit_options(options, takes=_FIT_KEYWORDS, elsewhere=network_elsewhere("fit"))
        if self._unsized is not None:
            self._set_up_for_fit(X, Y, options, checked)
        with self._fitting():
            data = _fit_data.prepare(
                self,
                X,
                Y,
                checked,
                option_value(options, "batch_size"),
                option_value(options, "sample_weight"),
                option_value(options, "validation_data"),
                learn_names=True,
            )
            return self._fit_prepared(data, checked)

    def _fit_prepared(self, data: _fit_data.FitData, options: FitOptions) -> _fitting.FitResult:
        """:meth:`fit` on data from ``nncore._fit_data.prepare`` with checked options.

        The network takes the data's names, unless the fit fails before it learned anything.
        """
        with self._fitting():
            names_before, iterations_before = (self._input_names, self._output_names), self.iterations
            scaling_before = self._input_scaling_state()
            self._input_names = data.rows.input_names or self._input_names
            self._output_names = data.rows.output_names or self._output_names
            if data.input_scaling is not None:
                self._set_input_scaling(scaling_before[0], *data.input_scaling)
            elif iterations_before == 0 and scaling_before[0] is None:
                first = self._layer_buffers()[1]  # views of the first layer (the fit holds the network): no copy
                assert first.weights is not None and first.biases is not None  # a layer after the inputs has both
                _scaling.warn_if_saturated(data.inputs, first.weights, first.biases, self.activations[0])
            try:
                return _fitting.fit(
                    self, data.inputs, data.targets, options, data.batch_size, data.factors, data.validation_error
                )
            except BaseException:
                if self.iterations == iterations_before:  # nothing learned: forget the names and scaling too
                    self._input_names, self._output_names = names_before
                    self._set_input_scaling(*scaling_before)
                raise

    # ------------------------------------------------------------ saving and loading

    def to_dict(self) -> dict:
        """The network as a JSON-compatible dictionary (nncore format, version 2).

        Holds everything needed to continue training exactly where it stands,
        the momentum buffer included; taken at one instant, even while other
        threads train the network.
        """
        return self._state(as_lists=True)

    def _state(self, as_lists: bool) -> dict:
        """:meth:`to_dict`, with numpy arrays instead of lists when ``as_lists`` is false."""
        convert: Callable[[np.ndarray], Any] = (lambda array: array.tolist()) if as_lists else (lambda array: array)
        layers, iterations, learning_rate, momentum, optimizer_state = self._snapshot()
        optimizer = self.optimizer
        return _serialization.make_dict(
            self.sizes,
            self.activations,
            learning_rate,
            momentum,
            iterations,
            [{"weights": convert(w), "biases": convert(b), "changes": convert(c)} for w, b, c in layers],
            self.leaky_relu_alpha,
            input_names=self._input_names,
            output_names=self._output_names,
            dtype=self.dtype.name,
            loss=self.loss,
            optimizer=optimizer,
            nesterov=self.nesterov,
            rule_parameters={name: self._rule_parameter(name) for name in _serialization.RULE_PARAMETERS[optimizer]},
            optimizer_state=(
                [tuple(convert(values) for values in layer) for layer in optimizer_state[0]],
                *optimizer_state[1:],
            ),
            input_scaling=self._scaling_for_dict(convert),
        )

    def _scaling_for_dict(self, convert: Callable[[np.ndarray], Any]) -> tuple | None:
        kind, offset, scale = self._input_scaling_state()
        if kind is None:
            return None
        if offset is None or scale is None:
            return kind, None, None
        return kind, convert(offset.copy()), convert(scale.copy())

    @classmethod
    def from_dict(cls, data: dict) -> Network:
        """Build a network from :meth:`to_dict`'s output; every field is checked.

        Raises
        ------
        ValueError
            Naming the first missing or malformed field.
        """
        net = cls.__new__(cls)
        net._load_dict(data)
        return net

    def _load_dict(self, data: dict) -> None:
        """:meth:`from_dict`'s work, on a new instance (from_dict's, or the one a pickle loads into)."""
        state = _serialization.read_dict(data)
        self._setup(state.sizes, state.activations, state.leaky_relu_alpha, state.dtype, state.loss, state.optimizer)
        self._input_names, self._output_names = state.input_names, state.output_names
        for name, value in state.rule_parameters.items():
            self._set_rule_parameter(name, value)
        self.nesterov = state.nesterov
        self._restore(state.layers, state.iterations, state.learning_rate, state.momentum, state.optimizer_state)
        if state.input_scaling is not None:
            self._set_input_scaling(state.input_scaling, state.input_offset, state.input_scale)

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as a JSON string (``kwargs`` go to ``json.dumps``)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, source: str | bytes | os.PathLike) -> Network:
        """Build a network from :meth:`to_json`'s output: JSON text, or a file holding it.

        Parameters
        ----------
        source : str, bytes or os.PathLike
            JSON text (``bytes``, or a ``str`` whose first non-blank character
            is ``{`` or ``[``), or a file's path (any other ``str``, or an
            ``os.PathLike``), as :meth:`from_brainjs` and :meth:`from_fann` take theirs.

        Raises
        ------
        ValueError
            If the text is not valid JSON (``NaN`` and ``Infinity`` are not),
            nests deeper than 100 levels, or does not hold
            a valid network dictionary (naming the file, when read from one).
        OSError
            If the file cannot be read (no such file, no permission).
        """
        if not isinstance(source, (str, bytes, bytearray, os.PathLike)):
            raise TypeError(
                f"from_json needs a JSON string (str or bytes) or a file's path (str or os.PathLike), "
                f"got {describe(source)}"
            )
        return _json_formats.convert(source, "network data", "nncore", lambda fields: cls.from_dict(dict(fields.data)))

    def save(self, path: str | os.PathLike) -> None:
        """Write the network to a JSON file (:meth:`to_json`), atomically.

        The file is written under a temporary name in the same directory,
        flushed to disk and renamed over ``path``: a failure (a full disk, a
        crash) leaves the previous file intact, never a half-written one.

        Parameters
        ----------
        path : str or os.PathLike
        """
        _files.write_atomically(path, (self.to_json() + "\n").encode("utf-8"))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Network:
        """Read a network from a file: written by :meth:`save`, by brain.js, by the tutorial or by FANN.

        The format is told by the content: a FANN ``.net`` file by its first
        line (as :meth:`from_fann`), else by the keys of its JSON object:
        nncore's own, brain.js's ``toJSON()`` (2 or 1.x, as :meth:`from_brainjs`)
        or the tutorial's (as :meth:`from_tutorial_json`). Same as :func:`nncore.load`.

        Raises
        ------
        ValueError
            Naming the file: not a regular file (a directory, ...), larger than
            the size limit (1 GiB), not JSON, not a network, or a
            bad field. Also for text given instead of a path (JSON text, or
            lines), pointing to :meth:`from_json` and the other readers of text.
        """
        _json_formats.check_not_text(path, "load")
        target = _files.check_path(path)
        if _fann.is_fann_file(target):
            return cls.from_fann(target)
        data = _files.read_json(target)
        readers: dict[str, Callable[[Any], Network]] = {
            "nncore": cls.from_dict,
            "brainjs": cls.from_brainjs,
            "tutorial": cls.from_tutorial_json,
        }
        try:
            return readers[_json_formats.detect_format(data)](data)
        except ValueError as error:
            raise ValueError(f"{target}: {error}") from None

    def to_brainjs(self, version: int = 2) -> dict:
        """The network as brain.js's ``NeuralNetwork.toJSON()`` object: brain.js 2's, or 1.x's.

        ``new brain.NeuralNetwork().fromJSON(obj)`` in JavaScript (after
        ``JSON.stringify``/``JSON.parse``) gives a network computing the same
        function, with its weights rounded to float32.

        Parameters
        ----------
        version : {2, 1}, default 2
            2: brain.js 2's object. 1: brain.js 1.x's (what ``npm install brain.js``
            gives, 1.6.1), which keys each node and weight by name.

        Returns
        -------
        dict
            JSON-compatible. Version 2: ``type``, ``sizes``, ``layers`` (the input layer with
            empty ``weights`` and ``biases``, then one ``{"weights", "biases"}``
            per layer, ``weights[j][k]`` from neuron ``k`` of the previous layer to
            neuron ``j``), the lookups (``{name: column}`` from the network's
            ``input_names``/``output_names``, else ``null``), ``options`` and ``trainOpts``
            (``activation``, ``learningRate``, ``momentum``, ``leakyReluAlpha``
            and brain.js's defaults for the rest). Version 1: ``sizes``, ``layers``
            (``{"<node>": {"bias": b, "weights": {"<node of the previous layer>": w}}}``,
            nodes keyed ``"0"``, ``"1"``, ... or, in the input and output layers, by the
            network's names), the flags ``inputLookup``/``outputLookup``, ``activation``,
            ``leakyReluAlpha`` and ``trainOpts``.

        Raises
        ------
        ValueError
            If brain.js cannot express the network: different activations per
            layer, ``identity`` or ``softmax`` (brain.js's ``NeuralNetwork`` has
            neither), a loss other than ``"mse"``, or a learning rate, momentum or ``leaky_relu`` slope outside
            the open interval (0, 1), which brain.js refuses to load; for version 1, an input or
            output name that is a number such as ``"3"`` (JavaScript would reorder it).
            If ``version`` is neither 1 nor 2.
        """
        if version not in (1, 2) or isinstance(version, bool):
            raise ValueError(f"version must be 2 (brain.js 2's format) or 1 (brain.js 1.x's), got {describe(version)}")
        return _brainjs2.brainjs_from_dict(self.to_dict(), version)

    @classmethod
    def from_brainjs(
        cls, obj: dict | str | bytes | os.PathLike, *, dtype: str | np.dtype | type = "float64"
    ) -> Network:
        """Build a network from brain.js's ``NeuralNetwork.toJSON()`` (2 or 1.x).

        ``obj`` is the parsed object, JSON text (``str``, ``bytes``) or a
        file's path (``str`` or ``os.PathLike``): a ``str`` whose first
        non-blank character is ``{`` or ``[`` is JSON text, any other ``str``
        a path. Every field is read and checked (sizes, activation, weights,
        training options); errors are ``ValueError`` naming the field (and the file).
        With ``dtype="float32"`` the network holds brain.js's own float32
        weights exactly and computes in float32, as brain.js does.
        """
        data = _brainjs2.dict_from_brainjs(obj)
        data["dtype"] = check_dtype(dtype)
        return cls.from_dict(data)

    @classmethod
    def from_tutorial_json(cls, obj: dict | str | bytes | os.PathLike) -> Network:
        """Build a network from the tutorial's ``Network.toJSON()``.

        ``obj`` is the parsed object, JSON text (``str``, ``bytes``) or a
        file's path (``str`` or ``os.PathLike``): a ``str`` whose first
        non-blank character is ``{`` or ``[`` is JSON text, any other ``str``
        a path. Every field is read and checked (layers, neurons, connections,
        rates); errors are ``ValueError`` naming the field (and the file).
        """
        return cls.from_dict(_tutorial_format.dict_from_tutorial_json(obj))

    def to_tutorial_json(self) -> dict:
        """The network as the tutorial's ``Network.toJSON()`` object (sigmoid networks only).

        Returns
        -------
        dict
            JSON-compatible ``{"learningRate", "iterations", "layers"}``: each
            layer a list of neurons ``{"id", "delta", "output", "error",
            "bias", "inputConnections", "outputConnections"}``, each
            connection ``{"change", "weight", "from", "to"}`` (neuron ids).
            Neuron ``j``'s ``inputConnections[k]`` comes from neuron ``k`` of
            the previous layer; neuron ``k``'s ``outputConnections[j]`` goes
            to neuron ``j`` of the next (the tutorial's ``connectLayers``).

        Notes
        -----
        Kept: weights, biases, changes (the momentum buffer), the learning
        rate and :attr:`iterations`; :meth:`from_tutorial_json` gives them
        back exactly. Not kept: the momentum (the tutorial's JSON has no
        field for it and the tutorial uses 0.1, which reading gives), and
        :attr:`input_names`/:attr:`output_names`. ``output``, ``error`` and
        ``delta`` are written as 0, as for a fresh tutorial neuron, and the
        input neurons' ``bias`` as 0 (the tutorial never uses it).

        Raises
        ------
        ValueError
            If a layer is not sigmoid, or the loss is not ``"mse"``: the tutorial's
            network is sigmoid only and trains on the squared error.
        """
        return _tutorial_format.tutorial_json_from_dict(self.to_dict())

    def astype(self, dtype: str | np.dtype | type, *, copy: bool = True) -> Network:
        """The network converted to another floating-point type, as numpy's ``astype``.

        Parameters
        ----------
        dtype : {"float64", "float32"}
            The new network's type (a numpy type or dtype works too).
        copy : bool, default True
            With ``False``, the network itself is returned when it already has ``dtype``.

        Returns
        -------
        Network
            A new network (unless ``copy=False`` and the type is the same) with
            the same sizes, activations, loss, learning rule, names and step
            count, whose weights, biases, momentum buffers and optimizer state
            are rounded to nearest float32, or widened exactly to float64: a
            float32 network converted to float64 and back is the same network.

        Raises
        ------
        ValueError
            If a value is beyond float32's range (3.4e38); the network is unchanged.
        """
        name = check_dtype(dtype)
        if not check_flag("copy", copy) and name == self.dtype.name:
            return self
        return type(self).from_dict({**self._state(as_lists=False), "dtype": name})

    def __reduce__(self) -> tuple[Any, ...]:
        if self._unsized is not None:
            # Checked keywords: numbers and names (numpy's scalars made Python's), no arrays.
            return (functools.partial(type(self), **_pickling.portable(self._unsized.keywords())), ())
        # The dictionary's arrays as little-endian bytes: the pickle loads with any numpy, on any machine.
        new = copyreg.__newobj__  # type: ignore[attr-defined]  # pickle's NEWOBJ, missing from the stubs
        return (new, (type(self),), _pickling.portable(self._state(as_lists=False)))

    def __setstate__(self, state: dict) -> None:
        self._load_dict(_pickling.restored(state))

    def __copy__(self) -> Network:
        if self._unsized is not None:
            return type(self)(**self._unsized.keywords())
        return type(self).from_dict(self._state(as_lists=False))

    def __deepcopy__(self, memo: dict) -> Network:
        return self.__copy__()

    # ---- FANN

    def to_fann(self) -> str:
        """The network as the text of a FANN 2.x ``.net`` file (what ``fann_save`` writes).

        ``fann_create_from_file`` reads it, and ``fann_run`` gives the same
        outputs as :meth:`predict`.

        Raises
        ------
        ValueError
            If a layer's activation has no FANN equivalent (``relu`` and
            ``leaky_relu``: FANN 2.2 has no rectifier; ``softmax``), or the
            loss is ``"cross_entropy"``, which FANN does not have.
        """
        return _fann.fann_from_dict(self.to_dict())

    @classmethod
    def from_fann(cls, source: str | bytes | os.PathLike) -> Network:
        """Build a network from a FANN ``.net`` file or its text.

        ``source`` is the text (``bytes``, or a ``str`` of several lines whose
        first starts with ``FANN_``) or a file's path (any other ``str``, or
        ``os.PathLike``).
        Read are the layers, weights, biases, learning rate and momentum;
        ``FANN_SIGMOID`` at steepness 0.5 is ``sigmoid``,
        ``FANN_SIGMOID_SYMMETRIC`` at steepness 1 is ``tanh`` and
        ``FANN_LINEAR`` at steepness 1 is ``identity``.

        Raises
        ------
        ValueError
            Naming the file, line and field: not a FANN float network, a
            malformed field, or another activation (saying what to set in FANN).
        """
        return cls.from_dict(_fann.dict_from_fann(source))

    # ---- deployment

    def to_onnx(self, *, input_dtype: str | np.dtype | type | None = None) -> bytes:
        """The network as a serialized ONNX model, for onnxruntime and other ONNX runtimes.

        Needs the optional ``onnx`` package: ``pip install "nncore-nn[onnx]"``.

        Parameters
        ----------
        input_dtype : {"float32", "float64"}, optional
            The type of the model's input; by default the network's :attr:`dtype`.
            ``input_dtype="float32"`` makes a float64 network's model take the
            float32 arrays most ONNX users feed: a ``Cast`` node widens them
            (exactly) and the network computes in float64 as :meth:`predict`
            does on the same float32 values.

        Returns
        -------
        bytes
            The model: input ``input`` of shape ``[N, sizes[0]]``, output ``output``
            of shape ``[N, sizes[-1]]``, in the network's floating-point type (the
            input in ``input_dtype`` when given);
            :attr:`input_names` and :attr:`output_names`, when set, are in its
            ``metadata_props`` as JSON lists. Save it with ``open(path, "wb").write(...)``.

        Raises
        ------
        ImportError
            If the ``onnx`` package is not installed.
        ValueError
            If ``input_dtype`` is not float32 or float64.
        """
        return _onnx_export.onnx_model(self.to_dict(), self.dtype, input_dtype)

    def to_c(self, name: str = "nncore_predict") -> str:
        """The network as standalone C99 source of ``void name(const double *input, double *output)``.

        Parameters
        ----------
        name : str, default "nncore_predict"
            The function's name, a C identifier; the source also defines
            ``NAME_INPUTS`` and ``NAME_OUTPUTS`` (``name`` in upper case).

        Returns
        -------
        str
            The source: the weights as exact hexadecimal literals, the forward pass
            as loops; it needs only ``<math.h>`` and allocates nothing. Compiled
            without fused multiply-add (the source asks for it) and linked with the
            same math library, it gives :meth:`predict`'s outputs bit for bit.

        Raises
        ------
        ValueError
            If ``name`` is not a C identifier.
        """
        return _source_export.c_source(self.to_dict(), name, self.dtype)

    def to_fixed(
        self, bits: int = 16, *, frac_bits: Any = None, input_frac_bits: int | None = None, inputs: Any = None
    ) -> _fixed.FixedNetwork:
        """The network in fixed point, for chips without floating point: a :class:`nncore.FixedNetwork`.

        Parameters
        ----------
        bits : {16, 8}, default 16
            The width of the weights, biases, inputs and activations (the sums are int32).
        frac_bits : int or sequence of int, optional
            The binary points (numbers of fractional bits, 0 to 30): one per
            layer, that layer's weights' and outputs'; or one for all, the
            inputs' too (as a FANN fixed-point network has). By default each
            is chosen from the range of what it holds (see
            :class:`nncore.FixedNetwork`).
        input_frac_bits : int, optional
            The inputs' binary point. By default: the largest that holds the
            inputs' magnitude (``inputs``'s, else the range a fitted input
            scaling implies, else 1).
        inputs : array_like, shape (n_samples, sizes[0]), optional
            Typical inputs, from which the binary points of the inputs and of
            the outputs of relu, leaky_relu and identity layers are chosen
            (by default: bounds from the weights, which are wider).

        Returns
        -------
        FixedNetwork
            Its input scaling, if any, is in the first layer's weights and
            biases: it takes the inputs :meth:`predict` takes.

        Raises
        ------
        ValueError
            If ``bits`` is not 8 or 16, a binary point is out of range, or ``inputs`` does not fit.

        Examples
        --------
        >>> import nncore
        >>> net = nncore.Network([2, 3, 1], seed=0)
        >>> fixed = net.to_fixed(bits=16)
        >>> fixed.input_frac_bits, fixed.output_frac_bits
        (14, 15)
        """
        rows = None
        if inputs is not None:
            rows, one_sample = check_samples(inputs, self.sizes[0])
            rows = rows.reshape(1, -1) if one_sample else rows
        return _fixed.from_network(self.to_dict(), bits, frac_bits, input_frac_bits, rows)

    def to_javascript(self, name: str = "nncorePredict") -> str:
        """The network as the source of a standalone JavaScript function ``function name(input)``.

        Parameters
        ----------
        name : str, default "nncorePredict"
            The function's name, a JavaScript identifier.

        Returns
        -------
        str
            A function declaration taking an array of inputs (or ``{name: value}``
            for a network with :attr:`input_names`, missing names counting as 0) and
            returning an array of outputs (``{name: value}`` for a network with
            :attr:`output_names`), as brain.js's ``toFunction()``; its outputs agree
            with :meth:`predict` to about 1e-15.

        Raises
        ------
        ValueError
            If ``name`` is not a JavaScript identifier.
        """
        return _source_export.javascript_source(self.to_dict(), name)

    def to_svg(
        self,
        *,
        width: float | None = None,
        height: float | None = None,
        min_weight: float = 0.0,
        max_neurons: int = _svg.DEFAULT_MAX_NEURONS,
    ) -> str:
        """A picture of the network as an SVG document, as brain.js's ``brain.utilities.toSVG``.

        Neurons are circles in one column per layer (input, hidden, output); a
        connection is a line, blue for a positive weight and red for a negative
        one, as wide as its magnitude (the largest in the network widest); a
        neuron's bias is its ring, on the same scale, and the number under it.
        :attr:`input_names` and :attr:`output_names` label the first and last
        columns (their numbers when the network has none); the layers' sizes and
        activations head the columns and a caption explains the colours.
        Jupyter shows a network as this picture (``_repr_svg_``).

        Parameters
        ----------
        width, height : float, optional
            The picture's size in pixels; one alone keeps its proportions. By
            default, its own size: about 170 pixels per layer and 36 per neuron.
        min_weight : float, default 0.0
            Connections whose weight is smaller than this in magnitude are not
            drawn (the caption says how many).
        max_neurons : int, default 16
            Neurons drawn per layer at most (at least 2): a wider layer shows its
            first and last neurons and says how many it leaves out between them
            ("... 52 more"), so a network of a few hundred neurons stays readable
            and the picture has at most ``max_neurons**2`` lines between two layers.

        Returns
        -------
        str
            The SVG document (ASCII, valid XML): write it to a ``.svg`` file, or
            show it in a notebook with ``IPython.display.SVG``.

        Raises
        ------
        TypeError, ValueError
            If an option is not a number in its range.
        RuntimeError
            If the network's sizes are not known yet (made with ``hidden_layers``
            and not fitted).

        Examples
        --------
        >>> import xml.etree.ElementTree as ET
        >>> import nncore
        >>> net = nncore.Network([2, 3, 1], seed=0)
        >>> net.input_names, net.output_names = ["a", "b"], ["a xor b"]
        >>> svg = net.to_svg(width=400)
        >>> root = ET.fromstring(svg)
        >>> len(root.findall(".//{http://www.w3.org/2000/svg}circle"))
        6
        >>> len(root.findall(".//{http://www.w3.org/2000/svg}line"))
        9
        >>> len(ET.fromstring(net.to_svg(min_weight=1.0)).findall(".//{http://www.w3.org/2000/svg}line")) < 9
        True
        """
        options = _svg.check_options(width, height, min_weight, max_neurons)
        layers = self._snapshot()[0]
        return _svg.network_svg(
            self.sizes,
            [w for w, _, _ in layers],
            [b for _, b, _ in layers],
            self.activations,
            (self.input_names, self.output_names),
            _svg.describe_network(self.sizes, self.activations, self.loss, self.dtype.name, self.input_scaling),
            options,
        )

    def _repr_svg_(self) -> str | None:
        """Jupyter's picture of the network: :meth:`to_svg`, or None (the text repr) before its sizes are known."""
        return None if self._unsized is not None else self.to_svg()


@functools.cache
def _writable(cls: type) -> frozenset[str]:
    """The public attributes of a ``cls`` network that may be set.

    The core's rates, every property with a setter and every parameter of the
    learning rule; a subclass of ``Network`` may also set what its own class
    bodies declare (class attributes that are not functions).
    """
    names = set(CORE_WRITABLE)
    for klass in cls.__mro__:
        for name, attribute in vars(klass).items():
            settable = isinstance(attribute, _RuleParameter) or (
                isinstance(attribute, property) and attribute.fset is not None
            )
            declared = (
                issubclass(klass, Network)
                and klass is not Network
                and not callable(attribute)
                and not isinstance(attribute, (property, classmethod))
            )
            if settable or declared:
                names.add(name)
    return frozenset(name for name in names if not name.startswith("_"))


def _refused_write(cls: type, name: str) -> str:
    """Why ``name`` cannot be set on a ``cls`` network, and what can."""
    writable = _writable(cls)
    fixed = {
        parameter: f"{parameter} is fixed when the network is made: Network(..., {parameter}=...)"
        for parameter in keyword_names(Network.__init__)
        if parameter not in writable
    }
    read_only = {
        attribute: f"{attribute} is {'a method' if callable(getattr(cls, attribute)) else 'read-only'}"
        for attribute in dir(cls)
        if not attribute.startswith("_")
    }
    message = unknown_name(
        f"cannot set the {cls.__name__} attribute",
        name,
        writable,
        {**read_only, **fixed},
        keyword=False,
        listing="the writable attributes are",
    )
    if cls is not Network and name not in read_only and name not in fixed:
        message += f"; a subclass may set what its class body declares (e.g. {name} = None there)"
    return message


@functools.cache
def network_elsewhere(function: str) -> dict[str, str]:
    """Where ``Network``'s parameters go, for a user who gives one to ``function`` (``fit``, ``fit_many``)."""
    writable = _writable(Network)
    return {
        name: f"{name} is the network's: Network(..., {name}=...)"
        + (f" or net.{name} = ... before {function}" if name in writable else "")
        for name in keyword_names(Network.__init__)
    }


_FIT_KEYWORDS = keyword_names(Network.fit)
"""Every keyword of :meth:`Network.fit` (its signature shows the fit options)."""
