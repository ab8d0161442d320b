"""Small server-rendered SVG charts for the transparency report. Pure: strings in, markup out.

Values are integers (cents, minutes); the caller passes already-formatted labels. A chart
reads without colour: the value axis has labelled ticks, every bar is labelled with its
value, and each series has its own fill pattern as well as its colour (the legend shows
both). The chart also carries a <title> and <desc> and every bar its own <title>, for
screen readers and hover; the report prints the same figures as a table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#2f6f9f", "#b36b00", "#3d7a3d", "#9c3d54")
INK = "#1b1b1b"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    labels: Sequence[str]  # formatted value per point, shown on the bar and in tooltips
    color: str = ""


def nice_ticks(lo: int, hi: int, unit: int = 1, count: int = 4) -> list[int]:
    """Tick values covering [lo, hi] at a round step (1, 2 or 5 times a power of ten)
    of ``unit`` (100 for cents: whole currency units; 60 for minutes: whole hours)."""
    lo, hi = min(lo, 0), max(hi, 0)
    span = (hi - lo) / unit or 1
    raw = span / count
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= raw), 10 * power) * unit
    first = math.floor(lo / step) * step
    last = math.ceil(hi / step) * step
    return list(range(first, last + 1, step)) if step else [0]


def _patterns(key: str, colors: Sequence[str]) -> str:
    """One fill per series: solid, diagonal stripes, dots, cross-hatch, each in its colour
    (so two series differ in print and for colour-blind readers too)."""
    shapes = (
        "",
        '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" stroke-width="1.6"/>',
        '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
        '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="1.2"/>',
    )
    out = []
    for i, color in enumerate(colors):
        out.append(
            f'<pattern id="{key}-{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{color}"/>{shapes[i % len(shapes)]}</pattern>'
        )
    return "<defs>" + "".join(out) + "</defs>"


def bar_chart(
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    line: Series | None = None,
    unit: int = 1,
    tick_label: Callable[[int], str] = str,
    axis_title: str = "",
    key: str = "chart",
    width: int = 960,
    height: int = 330,
) -> str:
    """Grouped bars per category on a labelled value axis, with an optional line (e.g.
    the hours bought). ``tick_label`` formats an axis value; ``key`` makes the pattern
    ids unique on the page."""
    left, right, top, bottom = 72, 12, 100, 28
    plot_h = height - top - bottom
    plot_w = width - left - right
    n = max(len(categories), 1)
    slot = plot_w / n
    flat = [v for s in series for v in s.values] + list(line.values if line else ())
    ticks = nice_ticks(min(flat, default=0), max(flat, default=0), unit)
    lo, hi = ticks[0], ticks[-1]
    span = (hi - lo) or 1

    def y(value: int) -> float:
        return round(top + plot_h - (value - lo) * plot_h / span, 1)

    colors = [s.color or PALETTE[j % len(PALETTE)] for j, s in enumerate(series)]
    body = [_patterns(key, colors)]
    # Legend: pattern swatches, then the line's sample.
    x = left
    for j, s in enumerate(series):
        body.append(
            f'<rect x="{x}" y="8" width="14" height="14" fill="url(#{key}-{j})" stroke="{INK}" '
            f'stroke-width=".5"/><text x="{x + 19}" y="19" font-size="13">{escape(s.name)}</text>'
        )
        x += 34 + 7 * len(s.name)
    if line is not None:
        color = line.color or INK
        body.append(
            f'<line x1="{x}" x2="{x + 22}" y1="15" y2="15" stroke="{color}" stroke-width="2" '
            f'stroke-dasharray="5 3"/><circle cx="{x + 11}" cy="15" r="3.5" fill="{color}"/>'
            f'<text x="{x + 28}" y="19" font-size="13">{escape(line.name)}</text>'
        )
    # Value axis: ticks, their labels and light grid lines; its title above it.
    if axis_title:
        body.append(f'<text x="4" y="{top - 30}" font-size="12">{escape(axis_title)}</text>')
    for tick in ticks:
        ty = y(tick)
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty}" y2="{ty}" '
            f'stroke="{"#888" if tick == 0 else "#e2e2e2"}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{ty + 4}" font-size="11" text-anchor="end">'
            f"{escape(tick_label(tick))}</text>"
        )
    body.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#888" '
        'stroke-width="1"/>'
    )
    bar_w = slot * 0.76 / max(len(series), 1)
    for i, label in enumerate(categories):
        x0 = left + i * slot
        body.append(
            f'<text x="{round(x0 + slot / 2, 1)}" y="{height - 8}" font-size="12" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
        for j, s in enumerate(series):
            value = s.values[i]
            y1, y2 = y(max(value, 0)), y(min(value, 0))
            bx = round(x0 + slot * 0.12 + j * bar_w, 1)
            tip = escape(f"{label} · {s.name}: {s.labels[i]}")
            body.append(
                f'<rect x="{bx}" y="{y1}" width="{round(bar_w, 1)}" height="{round(y2 - y1, 1)}" '
                f'fill="url(#{key}-{j})" stroke="{colors[j]}"><title>{tip}</title></rect>'
            )
            if value:
                # The value, written upwards from the bar's end (downwards below zero).
                cx = round(bx + bar_w / 2 + 4, 1)
                ly, anchor = (y1 - 4, "start") if value > 0 else (y2 + 4, "end")
                body.append(
                    f'<text x="{cx}" y="{ly}" font-size="11" text-anchor="{anchor}" '
                    f'transform="rotate(-90 {cx} {ly})">{escape(s.labels[i])}</text>'
                )
    if line is not None and categories:
        color = line.color or INK
        xs = [round(left + (i + 0.5) * slot, 1) for i in range(len(categories))]
        points = " ".join(f"{px},{y(v)}" for px, v in zip(xs, line.values, strict=True))
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2" '
            'stroke-dasharray="5 3"/>'
        )
        for i, v in enumerate(line.values):
            tip = escape(f"{categories[i]} · {line.name}: {line.labels[i]}")
            body.append(
                f'<circle cx="{xs[i]}" cy="{y(v)}" r="3.5" fill="{color}"><title>{tip}</title>'
                "</circle>"
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )
