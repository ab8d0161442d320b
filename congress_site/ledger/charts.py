"""Small server-rendered SVG charts for the transparency report. Pure: strings in, markup out.

Values are integers (cents, minutes); the caller passes already-formatted labels. Each
chart carries a <title> and <desc> and every bar its own <title>, so screen readers and
hover both get the numbers; the report also prints the same figures as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#2f6f9f", "#d08a1e", "#4f8f4f", "#9c3d54")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    labels: Sequence[str]  # formatted value per point, for tooltips
    color: str = ""


def _scale(lo: int, hi: int, height: float):
    lo, hi = min(lo, 0), max(hi, 0)
    span = (hi - lo) or 1

    def y(value: int) -> float:
        return round(height - (value - lo) * height / span, 1)

    return y


def _frame(title: str, desc: str, width: int, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


def _legend(series: Sequence[Series], x0: int, y: int) -> list[str]:
    out, x = [], x0
    for i, s in enumerate(series):
        color = s.color or PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{x + 14}" y="{y}" font-size="11">{escape(s.name)}</text>')
        x += 24 + 7 * len(s.name)
    return out


def bar_chart(
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    line: Series | None = None,
    width: int = 640,
    height: int = 220,
) -> str:
    """Grouped (or stacked) bars per category, with an optional line (e.g. hours bought)."""
    left, top, bottom = 8, 22, 24
    plot_h = height - top - bottom
    n = max(len(categories), 1)
    slot = (width - left * 2) / n
    if stacked:
        totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
        lo, hi = 0, max(totals, default=0)
    else:
        flat = [v for s in series for v in s.values]
        lo, hi = min(flat, default=0), max(flat, default=0)
    if line is not None:
        lo, hi = min(lo, min(line.values, default=0)), max(hi, max(line.values, default=0))
    y = _scale(lo, hi, plot_h)
    body = _legend([*series, *([line] if line else [])], left, 12)
    zero = top + y(0)
    body.append(
        f'<line x1="{left}" x2="{width - left}" y1="{zero}" y2="{zero}" stroke="#888" '
        'stroke-width="1"/>'
    )
    for i, label in enumerate(categories):
        x0 = left + i * slot
        body.append(
            f'<text x="{round(x0 + slot / 2, 1)}" y="{height - 8}" font-size="10" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
        base = 0
        bar_w = slot * 0.7 / (1 if stacked else max(len(series), 1))
        for j, s in enumerate(series):
            value = s.values[i]
            color = s.color or PALETTE[j % len(PALETTE)]
            if stacked:
                y1, y2 = top + y(base + value), top + y(base)
                base += value
                x = x0 + slot * 0.15
            else:
                y1, y2 = top + y(max(value, 0)), top + y(min(value, 0))
                x = x0 + slot * 0.15 + j * bar_w
            h = round(max(y2 - y1, 0), 1)
            tip = escape(f"{label} · {s.name}: {s.labels[i]}")
            body.append(
                f'<rect x="{round(x, 1)}" y="{round(y1, 1)}" width="{round(bar_w, 1)}" '
                f'height="{h}" fill="{color}"><title>{tip}</title></rect>'
            )
    if line is not None and categories:
        color = line.color or "#222"
        points = " ".join(
            f"{round(left + (i + 0.5) * slot, 1)},{top + y(v)}" for i, v in enumerate(line.values)
        )
        body.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(line.values):
            tip = escape(f"{categories[i]} · {line.name}: {line.labels[i]}")
            body.append(
                f'<circle cx="{round(left + (i + 0.5) * slot, 1)}" cy="{top + y(v)}" r="3" '
                f'fill="{color}"><title>{tip}</title></circle>'
            )
    return _frame(title, desc, width, height, body)
