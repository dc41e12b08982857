"""A Sankey diagram as inline SVG, laid out server-side (no script, nothing from a CDN).

Nodes sit in columns, each node a link to its page. A node's height is proportional to the larger of
what flows in and out; each link is a band from its source's right edge to its target's left edge,
stacked in the order of the nodes it joins (so bands cross as little as the order allows).

Labels never overprint: every label (a name line and an amount line) sits to the right of its node,
inside its column's own strip (names are shortened to fit it, in full in the hover text), and every
node takes a slot at least as tall as its label, so labels of one column are apart vertically and
labels of different columns are apart horizontally.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from html import escape
from typing import Any, Callable, Sequence

STEP = 240  # px between columns: a node and its label strip
NODE_WIDTH = 14
PAD = 6  # px between a node and its label, and before the next column
FONT = 12  # px
LINE = 15  # px between the label's two baselines
LABEL_HEIGHT = 2 * LINE + 4  # px: the two lines with their ascenders and descenders
GAP = 8  # px between the slots of a column
MIN_HEIGHT = 2  # px: the thinnest node still visible
HEIGHT = 420  # px the largest column's money is scaled to
LABEL_WIDTH = STEP - NODE_WIDTH - 2 * PAD
COLOURS = {
    "budget": "#2b6cb0", "line": "#2f855a", "program": "#b7791f", "batches": "#805ad5", "refunds": "#c53030",
    "unallocated": "#a0aec0", "other_programs": "#a0aec0", "undisbursed": "#718096",
}  # fmt: skip
REMAINDERS = {"unallocated", "other_programs", "undisbursed"}  # bands into these take the remainder's colour


@dataclass(frozen=True)
class Node:
    id: str
    column: int
    label: str  # the first line; the second is the amount
    href: str = ""
    title: str = ""  # hover text (default: the label and the amount)
    kind: str = ""  # its colour (COLOURS)


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    h: float


def text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of `text`'s rendered width in px: wide (CJK) characters one em, capitals
    and digits 0.75 em, other characters 0.62 em."""
    em = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            em += 1.0
        elif char.isupper() or char.isdigit():
            em += 0.75
        else:
            em += 0.62
    return em * size


def fit(text: str, width: float = LABEL_WIDTH) -> str:
    """`text`, shortened with an ellipsis to fit `width` px."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def sankey_svg(nodes: Sequence[Node], links: Sequence[Any], *, title: str = "", value_text: Callable[[int], str] = str) -> str:
    """`links` with .source, .target, .value (node ids); returns an <svg> element (empty when nothing flows)."""
    if not nodes or not links:
        return ""
    inflow: dict[str, int] = {}
    outflow: dict[str, int] = {}
    for link in links:
        outflow[link.source] = outflow.get(link.source, 0) + link.value
        inflow[link.target] = inflow.get(link.target, 0) + link.value
    value = {n.id: max(inflow.get(n.id, 0), outflow.get(n.id, 0)) for n in nodes}
    shown = [n for n in nodes if value[n.id] > 0]
    columns = sorted({n.column for n in shown})
    by_column = {c: [n for n in shown if n.column == c] for c in columns}
    scale = min((HEIGHT - GAP * (len(v) - 1)) / max(sum(value[n.id] for n in v), 1) for v in by_column.values())
    boxes: dict[str, _Box] = {}
    height = 0.0
    for i, c in enumerate(columns):
        y = 0.0
        for n in by_column[c]:
            h = max(value[n.id] * scale, MIN_HEIGHT)
            slot = max(h, LABEL_HEIGHT)
            boxes[n.id] = _Box(i * STEP, y + (slot - h) / 2, h)
            y += slot + GAP
        height = max(height, y - GAP)
    width = len(columns) * STEP
    kind = {n.id: n.kind for n in shown}
    parts = [
        f'<svg class="sankey" id="sankey" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" preserveAspectRatio="xMinYMin meet" role="group" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    parts += _bands([link for link in links if link.source in boxes and link.target in boxes and link.value > 0], boxes, kind, scale, value_text)
    for n in shown:
        b = boxes[n.id]
        amount = value_text(value[n.id])
        hover = n.title or f"{n.label}: {amount}"
        x, middle = b.x + NODE_WIDTH + PAD, b.y + b.h / 2
        colour = COLOURS.get(n.kind, "#4a5568")
        parts.append(
            f'<a class="sankey-node" href="{escape(n.href)}"><title>{escape(hover)}</title>'
            f'<rect class="node" data-node="{escape(n.id)}" data-kind="{escape(n.kind)}" data-value="{value[n.id]}" '
            f'x="{b.x:.1f}" y="{b.y:.1f}" width="{NODE_WIDTH}" height="{b.h:.1f}" fill="{colour}"/>'
            f'<text class="label" data-node="{escape(n.id)}" x="{x:.1f}" y="{middle - 3:.1f}" font-size="{FONT}" fill="#1a202c" '
            f'stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">'
            f'<tspan x="{x:.1f}">{escape(fit(n.label))}</tspan><tspan x="{x:.1f}" dy="{LINE}" font-weight="600">{escape(fit(amount))}</tspan>'
            f"</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _bands(links: Sequence[Any], boxes: dict[str, _Box], kind: dict[str, str], scale: float, value_text: Callable[[int], str]) -> list[str]:
    """The bands, each stacked at its source in its target's order and at its target in its source's order."""
    middle = {k: b.y + b.h / 2 for k, b in boxes.items()}
    out_y: dict[int, float] = {}
    in_y: dict[int, float] = {}
    for key, end, other in (("source", out_y, "target"), ("target", in_y, "source")):
        offset = {k: b.y for k, b in boxes.items()}
        for i in sorted(range(len(links)), key=lambda i: (middle[getattr(links[i], other)], i)):
            node = getattr(links[i], key)
            end[i] = offset[node]
            offset[node] += max(links[i].value * scale, 1)
    parts = []
    for i, link in enumerate(links):
        w = max(link.value * scale, 1)
        y0, y1 = out_y[i], in_y[i]
        x0, x1 = boxes[link.source].x + NODE_WIDTH, boxes[link.target].x
        mid = (x0 + x1) / 2
        d = (f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
             f"L{x1:.1f},{y1 + w:.1f} C{mid:.1f},{y1 + w:.1f} {mid:.1f},{y0 + w:.1f} {x0:.1f},{y0 + w:.1f} Z")  # fmt: skip
        colour = COLOURS.get(kind[link.target] if kind[link.target] in REMAINDERS else kind[link.source], "#4a5568")
        parts.append(
            f'<path class="link" d="{d}" fill="{colour}" fill-opacity="0.3" data-source="{escape(link.source)}" '
            f'data-target="{escape(link.target)}" data-value="{link.value}"><title>{escape(value_text(link.value))}</title></path>'
        )
    return parts
