"""A Sankey diagram as inline SVG, laid out server-side (no script, nothing from a CDN).

Nodes sit in columns; a node's height is proportional to the larger of what flows in and out; each
link is a band from its source's right edge to its target's left edge, stacked in link order.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Callable, Sequence

WIDTH = 960
NODE_WIDTH = 14
GAP = 10  # px between nodes of a column
MIN_HEIGHT = 2  # px: the thinnest band still visible
LABEL_PAD = 4
PALETTE = ("#2b6cb0", "#2f855a", "#b7791f", "#805ad5", "#c53030", "#2c7a7b")


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    h: float


def sankey_svg(
    nodes: Sequence[dict[str, Any]], links: Sequence[Any], *, height: int = 420, title: str = "", value_text: Callable[[int], str] = str
) -> str:
    """`nodes` [{"id", "label", "column"}], `links` with .source, .target, .value; returns an <svg> element."""
    if not nodes or not links:
        return ""
    inflow: dict[str, int] = {}
    outflow: dict[str, int] = {}
    for link in links:
        outflow[link.source] = outflow.get(link.source, 0) + link.value
        inflow[link.target] = inflow.get(link.target, 0) + link.value
    value = {n["id"]: max(inflow.get(n["id"], 0), outflow.get(n["id"], 0)) for n in nodes}
    shown = [n for n in nodes if value[n["id"]] > 0]
    columns = sorted({n["column"] for n in shown})
    by_column = {c: [n for n in shown if n["column"] == c] for c in columns}
    tallest = max(len(v) for v in by_column.values())
    height = max(height, tallest * (GAP + MIN_HEIGHT * 4) + 20)
    scale = min((height - GAP * (len(v) - 1)) / max(sum(value[n["id"]] for n in v), 1) for v in by_column.values())
    step = (WIDTH - NODE_WIDTH) / max(len(columns) - 1, 1)
    boxes: dict[str, _Box] = {}
    for i, c in enumerate(columns):
        y = 0.0
        for n in by_column[c]:
            h = max(value[n["id"]] * scale, MIN_HEIGHT)
            boxes[n["id"]] = _Box(i * step, y, h)
            y += h + GAP
    out_y = {k: b.y for k, b in boxes.items()}
    in_y = {k: b.y for k, b in boxes.items()}
    parts = [
        f'<svg class="sankey" id="sankey" xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 {WIDTH + 4} {height + 4}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    color = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(columns)}
    column_of = {n["id"]: n["column"] for n in shown}
    for link in links:
        if link.source not in boxes or link.target not in boxes or link.value <= 0:
            continue
        s, t = boxes[link.source], boxes[link.target]
        w = max(link.value * scale, 1)
        y0, y1 = out_y[link.source], in_y[link.target]
        out_y[link.source] += w
        in_y[link.target] += w
        x0, x1 = s.x + NODE_WIDTH, t.x
        mid = (x0 + x1) / 2
        d = (f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
             f"L{x1:.1f},{y1 + w:.1f} C{mid:.1f},{y1 + w:.1f} {mid:.1f},{y0 + w:.1f} {x0:.1f},{y0 + w:.1f} Z")  # fmt: skip
        parts.append(
            f'<path class="link" d="{d}" fill="{color[column_of[link.source]]}" fill-opacity="0.3" '
            f'data-source="{escape(link.source)}" data-target="{escape(link.target)}" data-value="{link.value}">'
            f"<title>{escape(value_text(link.value))}</title></path>"
        )
    last = columns[-1]
    for n in shown:
        b = boxes[n["id"]]
        parts.append(
            f'<rect class="node" data-node="{escape(n["id"])}" x="{b.x:.1f}" y="{b.y:.1f}" width="{NODE_WIDTH}" height="{b.h:.1f}" '
            f'fill="{color[n["column"]]}"><title>{escape(n["label"])}: {escape(value_text(value[n["id"]]))}</title></rect>'
        )
        right = n["column"] != last
        x = b.x + NODE_WIDTH + LABEL_PAD if right else b.x - LABEL_PAD
        anchor = "start" if right else "end"
        parts.append(
            f'<text x="{x:.1f}" y="{b.y + b.h / 2:.1f}" dominant-baseline="middle" text-anchor="{anchor}" font-size="12">'
            f'{escape(n["label"])} · {escape(value_text(value[n["id"]]))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
