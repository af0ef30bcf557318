"""FANN's fixed-point network files (``FANN_FIX_2.0``), read into and written from :class:`nncore.FixedNetwork`.

``fann_save_to_fixed`` of FANN 2.x writes a float network in fixed point:
the first line ``FANN_FIX_2.0``, a ``decimal_point`` (``d``) shared by the
inputs, weights and outputs, every weight, steepness and limit an integer
with ``d`` fractional bits. libfixedfann reads such a file and runs it in
integers (:mod:`nncore._fann_forms` says how); :func:`fixed_dict_from_fann`
reads it into :meth:`nncore.FixedNetwork.from_dict`'s dictionary, whose
``predict_raw`` gives libfixedfann's ``fann_run`` outputs bit for bit, and
:func:`fann_from_fixed_dict` writes such a network back as libfixedfann
reads it. A FixedNetwork made by ``Network.to_fixed`` computes otherwise (a
binary point per layer, sums rounded once, nncore's own activations) and is
not written as a FANN file.

What is read: fully connected layered networks (as :mod:`nncore._fann`
reads float ones) whose layers each have one activation and steepness of
those libfixedfann runs (``FANN_LINEAR``, ``FANN_THRESHOLD``,
``FANN_THRESHOLD_SYMMETRIC``, ``FANN_SIGMOID``, ``FANN_SIGMOID_STEPWISE``,
``FANN_SIGMOID_SYMMETRIC``, ``FANN_SIGMOID_SYMMETRIC_STEPWISE``), whose
weights fit 16-bit integers and whose ``decimal_point`` is at most 14 (so
that 1.0, ``2**d``, is a 16-bit integer). The other fields (learning rate,
training algorithm, cascade settings) are not kept: writing gives those of
nncore's float FANN files (:mod:`nncore._fann`), the limits as integers.
"""

from __future__ import annotations

import math
import os

import numpy as np

from nncore import _fann
from nncore._fann_forms import FANN_CODES, check_steepness

HEADER = "FANN_FIX_2.0"
MAX_DECIMAL_POINT = 14
BITS = 16

_CODE_FORMS = {code: name for name, codes in FANN_CODES.items() for code in codes}


def fixed_dict_from_fann(source: str | bytes | os.PathLike) -> dict:
    """:meth:`nncore.FixedNetwork.from_dict`'s dictionary of a ``FANN_FIX_2.0`` network (text, bytes or a path)."""
    return _fann.parse_source(source, _parse)


def _parse(lines: list[str]) -> dict:
    header = lines[0].strip() if lines else ""
    if header != HEADER:
        raise ValueError(f"line 1: expected {HEADER!r} (a network saved by fann_save_to_fixed), got {header[:40]!r}")
    fields = _fann._fields(lines)
    decimal_point = _fann._integer(fields, "decimal_point", minimum=0)
    if decimal_point > MAX_DECIMAL_POINT:
        raise ValueError(
            f"{fields.label('decimal_point')}: is {decimal_point}; a FixedNetwork holds 16-bit integers, "
            f"in which 1.0 (2**decimal_point) fits up to decimal_point={MAX_DECIMAL_POINT}"
        )
    sizes_with_bias, neurons, sources, weights = _fann.read_structure(fields)
    if not np.array_equal(weights, np.round(weights)):
        raise ValueError(f"{fields.label(_fann.CONNECTIONS_KEY)}: a fixed-point network's weights are integers")
    low, high = -(2 ** (BITS - 1)), 2 ** (BITS - 1) - 1
    if weights.size and (weights.min() < low or weights.max() > high):
        raise ValueError(
            f"{fields.label(_fann.CONNECTIONS_KEY)}: weights from {int(weights.min())} to {int(weights.max())} "
            f"do not fit the 16-bit integers ({low} to {high}) of a FixedNetwork"
        )
    sizes = [size - 1 for size in sizes_with_bias]

    def form_of(kinds: set, layer: int, last: bool) -> tuple[int, int]:
        if len(kinds) != 1:
            raise ValueError(f"layer {layer} mixes activations or steepnesses {sorted(kinds)}; one per layer is read")
        code, steepness = next(iter(kinds))
        if code not in _CODE_FORMS:
            raise ValueError(
                f"layer {layer} uses {_fann._describe_kind((code, steepness))}, which libfixedfann does not run; "
                f"it runs {', '.join(_fann.FANN_ACTIVATION_NAMES[c] for c in sorted(_CODE_FORMS))}"
            )
        problem = check_steepness(decimal_point, code, int(steepness))
        if problem is not None or steepness != int(steepness):
            raise ValueError(f"layer {layer}: {problem or f'the steepness must be an integer, got {steepness}'}")
        return code, int(steepness)

    kinds, layers = _fann.read_layers(fields, sizes, neurons, sources, weights, form_of)
    entries = []
    for (code, steepness), layer in zip(kinds, layers):
        entries.append(
            {
                "activation": _CODE_FORMS[code],
                "weight_frac_bits": decimal_point,
                "output_frac_bits": decimal_point,
                "weights": layer["weights"].astype(np.int64).tolist(),
                "biases": layer["biases"].astype(np.int64).tolist(),
                "parameters": {"steepness": steepness, "code": code},
            }
        )
    return {
        "format": "nncore-fixed",
        "version": 1,
        "bits": BITS,
        "sizes": sizes,
        "input_frac_bits": decimal_point,
        "layers": entries,
    }


def _fixed(value: float, multiplier: int) -> int:
    """A float setting of FANN (a C float) as ``fann_save_to_fixed`` writes it: times 2**d, rounded."""
    return math.floor(float(np.float32(value)) * multiplier + 0.5)


def fann_from_fixed_dict(data: dict) -> str:
    """The ``FANN_FIX_2.0`` text of a FixedNetwork in FANN's forms (its :meth:`~nncore.FixedNetwork.to_dict`)."""
    layers = data["layers"]
    decimal_point = data["input_frac_bits"]
    for number, layer in enumerate(layers, start=1):
        if layer["activation"] not in FANN_CODES:
            raise ValueError(
                f"layer {number} computes {layer['activation']!r}, not one of FANN's fixed-point forms "
                f"({', '.join(FANN_CODES)}): only a FixedNetwork read from a FANN_FIX_2.0 file (or built "
                "like one) computes as libfixedfann does"
            )
    # FixedNetwork.from_dict made sure that a FANN form's layer has the one binary point
    m = 2**decimal_point
    sizes = data["sizes"]
    kinds = [(layer["parameters"]["code"], layer["parameters"]["steepness"]) for layer in layers]
    arrays = [(np.array(layer["weights"]), np.array(layer["biases"])) for layer in layers]
    lines = [
        HEADER,
        f"decimal_point={decimal_point}",
        f"num_layers={len(sizes)}",
        "learning_rate=0.700000",  # fann_create_standard's
        _fann.training_fields("0.000000", lambda value: str(_fixed(value, m))),
        "layer_sizes=" + "".join(f"{size + 1} " for size in sizes),
        f"{_fann.NEURONS_KEY}=" + _fann.neurons_text(sizes, kinds, str),
        f"{_fann.CONNECTIONS_KEY}=" + _fann.connections_text(sizes, arrays, str),
    ]
    return "\n".join(lines) + "\n"
