"""Small inline-SVG charts, written by hand: the report must open with no network and no JS.

Every chart is a plain ``<svg>`` string meant to sit inside the HTML page: all text is
escaped (labels come from crawled pages), each bar or point carries a ``<title>`` so a
mouse hover shows its exact value, and ``role="img"`` with an ``aria-label`` names it for
screen readers. The numbers are also printed in a table beside each chart (see
:mod:`newsarchive.report.html`), so nothing is only in the picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

Formatter = Callable[[float], str]

ACCENT = "#2f6db5"
MUTED = "#8a94a6"
GRID = "#e3e7ee"
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def plain(value: float) -> str:
    """An integer-looking value as ``1,234``; a fraction with one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 covering ``maximum`` (steps of 1, 2 or 5 times a power of
    ten), so a reader can read a bar's height off the grid."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(ticks[-1] + step)
    return ticks


def _t(text: object) -> str:
    return escape(str(text), quote=True)


def _open(width: int, height: int, label: str, css_class: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
            f'aria-label="{_t(label)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'preserveAspectRatio="xMinYMin meet" {FONT}>')


def _y_axis(ticks: list[float], left: int, right: int, top: int, plot_h: int, fmt: Formatter) -> list[str]:
    out = []
    top_value = ticks[-1]
    for tick in ticks:
        y = top + plot_h - plot_h * tick / top_value
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{_t(fmt(tick))}</text>')
    return out


def bar_chart(points: Sequence[tuple[str, float]], *, label: str, fmt: Formatter = plain,
              width: int = 1000, height: int = 230) -> str:
    """Vertical bars over an ordered axis (days, runs): the shape over time is the point."""
    left, right, top, bottom = 56, 10, 12, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max((v for _, v in points), default=0))
    out = [_open(width, height, label, "bars"), *_y_axis(ticks, left, width - right, top, plot_h, fmt)]
    n = max(len(points), 1)
    slot = plot_w / n
    bar_w = min(max(slot * 0.8, 1.0), 56.0)
    label_every = max(1, math.ceil(n / (plot_w / 64)))  # a label about every 64 px
    show_values = slot >= 22
    for i, (name, value) in enumerate(points):
        x = left + i * slot + (slot - bar_w) / 2
        h = plot_h * value / ticks[-1]
        y = top + plot_h - h
        out.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                   f'fill="{ACCENT}"><title>{_t(name)}: {_t(fmt(value))}</title></rect>')
        if show_values and value:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{_t(fmt(value))}</text>')
        if i % label_every == 0:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                       f'fill="{MUTED}">{_t(name)}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    out.append("</svg>")
    return "".join(out)


def hbar_chart(points: Sequence[tuple[str, float]], *, label: str, fmt: Formatter = plain,
               width: int = 480, row: int = 22) -> str:
    """Horizontal bars for categories (sections, causes), longest first as given: names
    are easier to read written out than slanted under a column."""
    left, right, top = 170, 70, 6
    plot_w = width - left - right
    height = top * 2 + row * max(len(points), 1)
    peak = max((v for _, v in points), default=0) or 1
    out = [_open(width, height, label, "hbars")]
    for i, (name, value) in enumerate(points):
        y = top + i * row
        w = max(plot_w * value / peak, 1.0 if value else 0.0)
        short = name if len(name) <= 26 else name[:25] + "…"
        out.append(f'<text x="{left - 8}" y="{y + row * 0.68:.1f}" text-anchor="end">{_t(short)}</text>')
        out.append(f'<rect class="bar" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
                   f'fill="{ACCENT}"><title>{_t(name)}: {_t(fmt(value))}</title></rect>')
        out.append(f'<text x="{left + w + 6:.1f}" y="{y + row * 0.68:.1f}">{_t(fmt(value))}</text>')
    out.append("</svg>")
    return "".join(out)


def line_chart(points: Sequence[tuple[str, float]], *, label: str, fmt: Formatter = plain,
               width: int = 1000, height: int = 230, tick_unit: float = 1.0) -> str:
    """A line through ordered points (a running total such as archive size). Ticks are
    round in ``tick_unit`` (1024 for KiB, say), so the axis reads 50 KiB, not 48.8 KiB."""
    left, right, top, bottom = 70, 16, 12, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = [t * tick_unit for t in nice_ticks(max((v for _, v in points), default=0) / tick_unit)]
    out = [_open(width, height, label, "line"), *_y_axis(ticks, left, width - right, top, plot_h, fmt)]
    n = len(points)
    step = plot_w / (n - 1) if n > 1 else 0
    xy = [(left + (i * step if n > 1 else plot_w / 2), top + plot_h - plot_h * v / ticks[-1])
          for i, (_, v) in enumerate(points)]
    if n > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        out.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    label_every = max(1, math.ceil(n / (plot_w / 80)))
    dots = n <= plot_w / 12  # beyond that the dots merge into a thick line: hover the data table instead
    for i, ((name, value), (x, y)) in enumerate(zip(points, xy, strict=True)):
        if dots:
            out.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{ACCENT}">'
                       f'<title>{_t(name)}: {_t(fmt(value))}</title></circle>')
        last = i == n - 1
        room = (n - 1 - i) * step >= 110  # the last label is right-aligned under the last point
        if (i % label_every == 0 and (last or room)) or (last and n > 1):
            anchor = "end" if last and n > 1 else "middle"
            out.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="{anchor}" '
                       f'fill="{MUTED}">{_t(name)}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    out.append("</svg>")
    return "".join(out)
