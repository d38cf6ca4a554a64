"""Server-rendered SVG charts: no JavaScript, a <title>/<desc> each, values written as text.

Every chart is drawn beside a data table in the template (the table is the accessible
version; the SVG is `role="img"` with its title and description). Colour is never the only
cue: series differ by dash and marker shape too, and bars carry their values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .formatting import format_number

WIDTH = 360
FONT = 12
INK = "#1b1f24"
MUTED = "#555f6b"
GRID = "#c9d2dc"
BLUE = "#0b5394"
ORANGE = "#a34700"


def _num(value: float | int | None, decimals: int = 0) -> str:
    return format_number(value, decimals)


def _nice_max(value: float) -> float:
    """The smallest 1/2/5 × 10^k at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return candidate
    return 10 ** (exponent + 1)  # pragma: no cover


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" '
        f'class="chart" role="img" aria-labelledby="{chart_id}-t" aria-describedby="{chart_id}-d" '
        f'font-family="inherit" font-size="{FONT}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _label_every(count: int) -> int:
    return 1 if count <= 6 else 2 if count <= 13 else math.ceil(count / 6)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[int],
    height: int = 220,
) -> SafeString:
    """Vertical bars of counts, each with its value above it."""
    left, right, top, bottom = 40, 8, 16, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _nice_max(max(values, default=0))
    parts = _open(chart_id, title, desc, height)
    for fraction in (0, 0.5, 1):
        y = top + plot_h - fraction * plot_h
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{_num(top_value * fraction)}</text>"
        )
    slot = plot_w / max(len(values), 1)
    every = _label_every(len(values))
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_h = plot_h * value / top_value
        x = left + index * slot + slot * 0.15
        y = top + plot_h - bar_h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" '
            f'fill="{BLUE}"><title>{escape(label)}: {_num(value)}</title></rect>'
        )
        centre = x + slot * 0.35
        parts.append(
            f'<text x="{centre:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10" '
            f'fill="{INK}">{_num(value)}</text>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    color: str = BLUE
    dash: str = ""
    marker: str = "circle"  # or "square"


def _marker(series: Series, x: float, y: float, tooltip: str) -> str:
    tip = f"<title>{escape(tooltip)}</title>"
    if series.marker == "square":
        return (
            f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" '
            f'fill="{series.color}">{tip}</rect>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{series.color}">{tip}</circle>'


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    height: int = 240,
) -> SafeString:
    """Percentages (0-100) over time; a missing value breaks the line."""
    left, right, top, bottom = 40, 8, 16 + 16 * len(series), 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    parts = _open(chart_id, title, desc, height)
    for index, s in enumerate(series):
        y = 12 + 16 * index
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(
            f'<line x1="{left}" x2="{left + 24}" y1="{y}" y2="{y}" stroke="{s.color}" '
            f'stroke-width="2"{dash}/>'
        )
        parts.append(_marker(s, left + 12, y, s.name))
        parts.append(f'<text x="{left + 30}" y="{y + 4}" fill="{INK}">{escape(s.name)}</text>')
    for percent in (0, 50, 100):
        y = top + plot_h - plot_h * percent / 100
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{percent}%</text>"
        )
    slot = plot_w / max(len(labels), 1)
    every = _label_every(len(labels))
    for index, label in enumerate(labels):
        if index % every == 0:
            parts.append(
                f'<text x="{left + slot * (index + 0.5):.1f}" y="{height - bottom + 14}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    for s in series:
        path, markers = [], []
        pen_down = False
        for index, value in enumerate(s.values):
            if value is None:
                pen_down = False
                continue
            x = left + slot * (index + 0.5)
            y = top + plot_h - plot_h * min(max(value, 0), 100) / 100
            path.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
            pen_down = True
            markers.append(_marker(s, x, y, f"{s.name}, {labels[index]}: {_num(value, 1)}%"))
        if path:
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{s.color}" '
                f'stroke-width="2"{dash}/>'
            )
        parts.extend(markers)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ranking_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    target: float | None = None,
    target_label: str = "",
) -> SafeString:
    """Horizontal percentage bars, the label above each bar (long office names fit)."""
    left, right, top, row_h = 4, 48, 8 + (16 if target is not None else 0), 34
    plot_w = WIDTH - left - right
    height = top + row_h * len(values) + 8
    parts = _open(chart_id, title, desc, height)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * row_h
        parts.append(
            f'<text x="{left}" y="{y + 11}" fill="{INK}">{escape(_short(label))}'
            f"<title>{escape(label)}</title></text>"
        )
        parts.append(f'<rect x="{left}" y="{y + 15}" width="{plot_w}" height="12" fill="#e8eef5"/>')
        if value is not None:
            parts.append(
                f'<rect x="{left}" y="{y + 15}" width="{plot_w * min(value, 100) / 100:.1f}" '
                f'height="12" fill="{BLUE}"><title>{escape(label)}: {_num(value, 1)}%</title>'
                "</rect>"
            )
        parts.append(
            f'<text x="{WIDTH - 2}" y="{y + 25}" text-anchor="end" fill="{INK}">'
            f"{_num(value, 1)}{'%' if value is not None else ''}</text>"
        )
    if target is not None:
        x = left + plot_w * min(target, 100) / 100
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 2}" y2="{height - 4}" stroke="{ORANGE}" '
            'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{x - 2:.1f}" y="{top - 6}" text-anchor="end" fill="{ORANGE}">'
            f"{escape(target_label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped
