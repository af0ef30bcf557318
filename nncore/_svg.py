"""A network as an SVG picture, after brain.js's ``brain.utilities.toSVG``.

Neurons are circles in columns, one column per layer, filled with brain.js's
colours for input, hidden and output neurons. A connection is a line whose
colour is the sign of its weight and whose width is its magnitude; a neuron's
bias is its ring, on the same scale, and the number under it. The input and
output names, when the network has them, label the first and last columns
(their numbers otherwise). A layer wider than ``max_neurons`` shows its first
and last neurons and says how many it leaves out between them, so the numbers
of circles and lines stay bounded whatever the sizes.

The document is ASCII (other characters as character references) and every
text is escaped, so it is valid XML whatever the names hold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

import numpy as np

from nncore._checks import check_count, check_finite, check_rate

POSITIVE = "#2166ac"
"""Colour of a positive weight or bias (blue)."""

NEGATIVE = "#b2182b"
"""Colour of a negative weight or bias (red)."""

ZERO = "#999999"
"""Colour of a weight or bias of exactly 0."""

FILLS = {"input": "#80c080", "hidden": "#ffbfa8", "output": "#b2caf6"}
"""brain.js's neuron colours (green, coral, cornflower blue at half opacity), as they look on white."""

DEFAULT_MAX_NEURONS = 16
"""Neurons drawn per layer at most, by default: a wider layer is drawn with an ellipsis."""

ROW = 36.0
"""Vertical distance between the centres of two neurons of a layer."""

COLUMN = 170.0
"""Horizontal distance between two layers."""

RADIUS = 10.0
HEADER = 48.0
"""Height of the layers' titles above the neurons."""

CAPTION_LINE = 17.0
MARGIN = 16.0
LINE_WIDTHS = (0.3, 5.0)
"""Width of the thinnest and the widest connection (a weight of 0 and the largest magnitude in the network)."""

RING_WIDTHS = (0.5, 3.5)
"""Width of the ring of a neuron whose bias is 0, and of the one with the largest magnitude in the network."""

LABEL_CHARS = 20
"""Longest label drawn; a longer name is cut, with its whole text in the label's tooltip."""

CHARACTER_WIDTH = 6.8
"""About how wide a character of the labels (12 px) is, to leave room for them."""

_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters that XML 1.0 does not allow, even as references (control characters, lone surrogates)."""


def check_options(width: object, height: object, min_weight: object, max_neurons: object) -> tuple:
    """The checked options of :func:`network_svg`: ``(width, height, min_weight, max_neurons)``."""
    sizes = tuple(
        None if value is None else _check_length(name, value) for name, value in (("width", width), ("height", height))
    )
    return (*sizes, check_rate("min_weight", min_weight), check_count("max_neurons", max_neurons, minimum=2))


def _check_length(name: str, value: object) -> float:
    number = check_finite(name, value)
    if number < 1.0:
        raise ValueError(f"{name} must be a number of pixels >= 1 (or None: the picture's own size), got {value!r}")
    return number


def drawn_rows(size: int, limit: int) -> list[int | None]:
    """The neurons of a layer of ``size`` drawn, top to bottom; None marks the gap of a layer wider than ``limit``."""
    if size <= limit:
        return list(range(size))
    first = (limit + 1) // 2
    return [*range(first), None, *range(size - (limit - first), size)]


def network_svg(
    sizes: Sequence[int],
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str],
    names: tuple[Sequence[str] | None, Sequence[str] | None],
    description: str,
    options: tuple,
) -> str:
    """The SVG document of a network.

    ``names`` are its input and output names (or None), ``description`` the first line of the caption
    (:func:`describe_network`) and ``options`` what :func:`check_options` returned.
    """
    width, height, min_weight, max_neurons = options
    picture = _Picture(sizes, max_neurons, *names)
    scale = _largest_magnitude([*weights, *biases])
    body = [
        f'<rect width="{_n(picture.width)}" height="{_n(picture.height)}" fill="white"/>',
        *picture.titles(activations),
        '<g class="connections">',
        *picture.connections(weights, min_weight, scale),
        "</g>",
        '<g class="neurons">',
        *picture.neurons(biases, scale),
        "</g>",
        *picture.labels(),
        *picture.caption(description, weights, min_weight, scale),
    ]
    shown_width, shown_height = _shown_size(width, height, picture.width, picture.height)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(shown_width)}" '
        f'height="{_n(shown_height)}" viewBox="0 0 {_n(picture.width)} {_n(picture.height)}" '
        f'font-family="sans-serif" font-size="12" role="img">'
    )
    document = "\n".join([head, f"<title>{_text(description)}</title>", *body, "</svg>", ""])
    return document.encode("ascii", "xmlcharrefreplace").decode("ascii")


def describe_network(
    sizes: Sequence[int], activations: Sequence[str], loss: str, dtype: str, input_scaling: str | None
) -> str:
    """The caption's first line: sizes, activations, loss, and the dtype and input scaling when not the defaults."""
    parts = [f"Network {list(sizes)}", activations[0] if len(set(activations)) == 1 else ", ".join(activations)]
    parts.append(f"loss {loss}")
    if dtype != "float64":
        parts.append(dtype)
    if input_scaling is not None:
        parts.append(f"inputs scaled ({input_scaling})")
    return ", ".join(parts)


def _shown_size(width: float | None, height: float | None, natural_width: float, natural_height: float) -> tuple:
    """The size asked for; one of the two alone keeps the picture's proportions."""
    if width is None:
        return (natural_width, natural_height) if height is None else (height * natural_width / natural_height, height)
    return (width, width * natural_height / natural_width) if height is None else (width, height)


class _Picture:
    """Where everything goes: one column per layer, the drawn neurons of each centred in it."""

    def __init__(
        self,
        sizes: Sequence[int],
        max_neurons: int,
        input_names: Sequence[str] | None,
        output_names: Sequence[str] | None,
    ) -> None:
        self.sizes = list(sizes)
        self.rows = [drawn_rows(size, max_neurons) for size in sizes]
        self.names = {0: _label_texts(input_names, sizes[0]), len(sizes) - 1: _label_texts(output_names, sizes[-1])}
        left = MARGIN + self._label_room(0) + RADIUS
        right = MARGIN + self._label_room(len(sizes) - 1) + RADIUS
        self.x = [left + COLUMN * layer for layer in range(len(sizes))]
        self.plot_height = ROW * max(len(rows) for rows in self.rows)
        self.width = max(left + COLUMN * (len(sizes) - 1) + right, 460.0)
        self.height = HEADER + self.plot_height + MARGIN + 3 * CAPTION_LINE + MARGIN

    def _label_room(self, layer: int) -> float:
        drawn = [self.names[layer][row] for row in self.rows[layer] if row is not None]
        return 12.0 + CHARACTER_WIDTH * max(len(_short(name)) for name in drawn)

    def y(self, layer: int, position: int) -> float:
        """The centre of the ``position``-th drawn row of ``layer``."""
        top = HEADER + (self.plot_height - ROW * len(self.rows[layer])) / 2
        return top + ROW * (position + 0.5)

    def kind(self, layer: int) -> str:
        return "input" if layer == 0 else "output" if layer == len(self.sizes) - 1 else "hidden"

    def titles(self, activations: Sequence[str]) -> list[str]:
        items = []
        for layer, size in enumerate(self.sizes):
            kind = self.kind(layer)
            title = f"hidden {layer}" if kind == "hidden" and len(self.sizes) > 3 else kind
            detail = (
                f"{size} input{'s' if size != 1 else ''}" if layer == 0 else f"{size} \u00b7 {activations[layer - 1]}"
            )
            x = _n(self.x[layer])
            items.append(f'<text x="{x}" y="18" text-anchor="middle" font-weight="bold">{title}</text>')
            items.append(f'<text x="{x}" y="34" text-anchor="middle" font-size="11" fill="#555">{_text(detail)}</text>')
        return items

    def connections(self, weights: Sequence[np.ndarray], min_weight: float, scale: float) -> list[str]:
        drawn = []
        for layer in range(1, len(self.sizes)):
            matrix = weights[layer - 1]
            for target_position, target in enumerate(self.rows[layer]):
                for source_position, source in enumerate(self.rows[layer - 1]):
                    if target is None or source is None:
                        continue
                    weight = float(matrix[target, source])
                    if abs(weight) >= min_weight:
                        drawn.append((abs(weight), layer, source, source_position, target, target_position, weight))
        drawn.sort(key=lambda line: line[0])  # the strongest on top; the sort is stable
        return [
            f'<line x1="{_n(self.x[layer - 1] + RADIUS)}" y1="{_n(self.y(layer - 1, source_position))}" '
            f'x2="{_n(self.x[layer] - RADIUS)}" y2="{_n(self.y(layer, target_position))}" '
            f'stroke="{_colour(weight)}" stroke-width="{_n(_width(weight, scale, LINE_WIDTHS))}" '
            f'stroke-opacity="0.85" data-layer="{layer}" data-from="{source}" data-to="{target}">'
            f"<title>weight {weight:.4g}</title></line>"
            for _, layer, source, source_position, target, target_position, weight in drawn
        ]

    def neurons(self, biases: Sequence[np.ndarray], scale: float) -> list[str]:
        items = []
        for layer, rows in enumerate(self.rows):
            kind, x = self.kind(layer), _n(self.x[layer])
            for position, neuron in enumerate(rows):
                y = self.y(layer, position)
                if neuron is None:
                    hidden = self.sizes[layer] - len(rows) + 1
                    items.append(
                        f'<text x="{x}" y="{_n(y + 4)}" text-anchor="middle" font-size="11" fill="#555" '
                        f'class="ellipsis">\u2026 {hidden} more</text>'
                    )
                    continue
                where = f'cx="{x}" cy="{_n(y)}" r="{_n(RADIUS)}" fill="{FILLS[kind]}"'
                data = f'class="{kind}" data-layer="{layer}" data-neuron="{neuron}"'
                if layer == 0:
                    items.append(f'<circle {where} stroke="#555" stroke-width="1" {data}/>')
                    continue
                bias = float(biases[layer - 1][neuron])
                ring = f'stroke="{_colour(bias)}" stroke-width="{_n(_width(bias, scale, RING_WIDTHS))}"'
                items.append(f"<circle {where} {ring} {data}><title>bias {bias:.4g}</title></circle>")
                items.append(
                    f'<text x="{x}" y="{_n(y + RADIUS + 9)}" text-anchor="middle" font-size="9" '
                    f'fill="#333" class="bias">{bias:+.2f}</text>'
                )
        return items

    def labels(self) -> list[str]:
        items = []
        for layer, anchor, side in ((0, "end", -1), (len(self.sizes) - 1, "start", 1)):
            x = _n(self.x[layer] + side * (RADIUS + 6))
            for position, neuron in enumerate(self.rows[layer]):
                if neuron is None:
                    continue
                name = self.names[layer][neuron]
                tooltip = f"<title>{_text(name)}</title>" if _short(name) != name else ""
                items.append(
                    f'<text x="{x}" y="{_n(self.y(layer, position) + 4)}" text-anchor="{anchor}" '
                    f'class="label">{tooltip}{_text(_short(name))}</text>'
                )
        return items

    def caption(self, description: str, weights: Sequence[np.ndarray], min_weight: float, scale: float) -> list[str]:
        top = HEADER + self.plot_height + MARGIN
        lines = [top + CAPTION_LINE * (index + 0.7) for index in range(3)]
        swatch_y = _n(lines[1] - 4)
        legend = [
            f'<text x="{_n(MARGIN)}" y="{_n(lines[0])}" font-size="11">{_text(description)}</text>',
            f'<rect x="{_n(MARGIN)}" y="{swatch_y}" width="18" height="3" fill="{POSITIVE}"/>',
            f'<text x="{_n(MARGIN + 24)}" y="{_n(lines[1])}" font-size="11">positive</text>',
            f'<rect x="{_n(MARGIN + 80)}" y="{swatch_y}" width="18" height="3" fill="{NEGATIVE}"/>',
            f'<text x="{_n(MARGIN + 104)}" y="{_n(lines[1])}" font-size="11">negative weight or bias, '
            f"as wide as its magnitude (widest {scale:.3g})</text>",
        ]
        note = "ring and number under a neuron: its bias"
        if min_weight > 0:
            total = sum(matrix.size for matrix in weights)
            below = sum(int(np.count_nonzero(np.abs(matrix) < min_weight)) for matrix in weights)
            note += f"; weights below {min_weight:g} not drawn ({below} of {total})"
        legend.append(f'<text x="{_n(MARGIN)}" y="{_n(lines[2])}" font-size="11">{_text(note)}</text>')
        return legend


def _label_texts(names: Sequence[str] | None, size: int) -> list[str]:
    return [str(index + 1) for index in range(size)] if names is None else list(names)


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "\u2026"


def _largest_magnitude(arrays: Sequence[np.ndarray]) -> float:
    """The largest finite magnitude among the arrays' values, 0.0 if there is none."""
    finite = [np.abs(array[np.isfinite(array)]) for array in arrays]
    return max((float(values.max()) for values in finite if values.size), default=0.0)


def _colour(value: float) -> str:
    return POSITIVE if value > 0 else NEGATIVE if value < 0 else ZERO


def _width(value: float, scale: float, widths: tuple[float, float]) -> float:
    thinnest, widest = widths
    share = min(abs(value) / scale, 1.0) if scale > 0 and not math.isnan(value) else 0.0
    return thinnest + (widest - thinnest) * share


def _text(value: str) -> str:
    """``value`` escaped for an element's text, without the characters XML does not allow."""
    return escape(_NOT_IN_XML.sub("\ufffd", value))


def _n(value: float) -> str:
    """A coordinate or width with two decimals at most."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
