"""Small charts drawn on the server as inline SVG: no JavaScript, the same picture on screen, in print and in PDF.

The palette goes from a dark to a light blue-grey so that bars stay distinguishable when printed in black and
white, and every bar carries its value written on it (or beside it, when the bar is too short), so the chart can
be read without colour at all.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1d3557", "#6f86a6", "#c4cfdd", "#3f3f3f", "#9a9a9a", "#e3e3e3"]
DARK = {"#1d3557", "#6f86a6", "#3f3f3f", "#9a9a9a"}
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
WIDTH = 640
LABEL_WIDTH = 230
VALUE_ROOM = 56
ROW = 28
LABEL_CHARS = 34


def number(value: float | None, unit: str = "") -> str:
    """12.5 → «12,5»; None → «—»."""
    if value is None:
        return "—"
    text = f"{round(value, 1):g}".replace(".", ",")
    return f"{text}{unit}"


def _label(x: float, y: float, text: str, *, anchor: str = "end", size: int = 12) -> str:
    lines = textwrap.wrap(text, LABEL_CHARS, max_lines=2, placeholder="…") or [""]
    first = y - (len(lines) - 1) * (size + 1) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + n * (size + 1):.1f}">{escape(line)}</tspan>' for n, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" dominant-baseline="middle" font-size="{size}">{spans}</text>'


def _svg(height: float, body: str, title: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="{FONT}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = "#000", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="middle" font-size="11" '
        f'fill="{fill}"{weight}>{escape(text)}</text>'
    )


def _rect(x: float, y: float, width: float, height: float, fill: str, stroke: str = "#000", line: float = 0.5) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{line}"/>'
    )


def _axis(height: float) -> str:
    x = LABEL_WIDTH + 10
    return f'<line x1="{x}" y1="4" x2="{x}" y2="{height:.1f}" stroke="#000" stroke-width="0.8"/>'


def _bar_value(x: float, width: float, y: float, text: str, colour: str) -> str:
    """The value inside the bar when it fits, else just after it."""
    if width >= len(text) * 7 + 8:
        return _text(x + width - 4, y, text, anchor="end", fill="#fff" if colour in DARK else "#000")
    return _text(x + width + 4, y, text)


LEGEND_LINE = 16


def _legend(y: float, names: Sequence[str], colours: Sequence[str] = PALETTE) -> tuple[str, float]:
    """The legend under the bars, wrapped onto more lines when it would run past the right edge.

    Returns the markup and the height of the lines after the first, which the caller adds to the picture.
    """
    parts, start = [], LABEL_WIDTH + 10
    x = start
    for n, name in enumerate(names):
        width = 28 + len(name) * 6.5
        if x > start and x + width - 12 > WIDTH:
            x, y = start, y + LEGEND_LINE
        parts.append(_rect(x, y - 6, 12, 12, colours[n % len(colours)]) + _text(x + 16, y, name))
        x += width
    return "".join(parts), y


def hbar(rows: Sequence[tuple[str, float | None]], *, title: str, unit: str = "", max_value: float | None = None):
    """Horizontal bars, one per row: label on the left, the value on the bar."""
    top = max([max_value or 0, *(v or 0 for _, v in rows)]) or 1
    room = WIDTH - LABEL_WIDTH - 10 - VALUE_ROOM
    body = []
    for n, (label, value) in enumerate(rows):
        y = 6 + n * ROW
        mid = y + ROW / 2 - 2
        width = room * (value or 0) / top
        body.append(_label(LABEL_WIDTH, mid, label))
        body.append(_rect(LABEL_WIDTH + 10, y + 3, width, ROW - 10, PALETTE[0], line=0))
        body.append(_bar_value(LABEL_WIDTH + 10, width, mid, number(value, unit), PALETTE[0]))
    return _svg(12 + len(rows) * ROW, "".join(body) + _axis(8 + len(rows) * ROW), title)


def stacked(
    rows: Sequence[tuple[str, Sequence[float]]], *, legend: Sequence[str], title: str, percent: bool = False
) -> SafeString:
    """Stacked horizontal bars; with `percent` every bar is 100 % wide and segments show their share."""
    totals = [sum(v or 0 for v in values) for _, values in rows]
    top = max(totals, default=0) or 1
    room = WIDTH - LABEL_WIDTH - 10 - (0 if percent else VALUE_ROOM)
    body = []
    for n, (label, values) in enumerate(rows):
        y = 6 + n * ROW
        mid = y + ROW / 2 - 2
        body.append(_label(LABEL_WIDTH, mid, label))
        whole = totals[n] if percent else top
        x = LABEL_WIDTH + 10.0
        for k, value in enumerate(values):
            if not value or not whole:
                continue
            width = room * value / whole
            colour = PALETTE[k % len(PALETTE)]
            body.append(_rect(x, y + 3, width, ROW - 10, colour, stroke="#fff", line=0.8))
            text = number(100 * value / whole, " %") if percent else number(value)
            if width >= len(text) * 7 + 6:
                body.append(_text(x + width / 2, mid, text, anchor="middle", fill="#fff" if colour in DARK else "#000"))
            x += width
        if not percent:
            body.append(_text(x + 4, mid, number(totals[n]), bold=True))
    height = 12 + len(rows) * ROW
    legend_parts, last_line = _legend(height + 6, legend)
    body.append(legend_parts)
    return _svg(last_line + 10, "".join(body), title)


def grouped(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    title: str,
    legend: tuple[str, str] = ("В начале программы", "В конце программы"),
    unit: str = " %",
    max_value: float = 100,
) -> SafeString:
    """Two bars per row (e.g. start and end of the programme), values written on them."""
    room = WIDTH - LABEL_WIDTH - 10 - VALUE_ROOM
    step = 2 * (ROW - 8) + 10
    body = []
    for n, (label, first, second) in enumerate(rows):
        y = 6 + n * step
        body.append(_label(LABEL_WIDTH, y + step / 2 - 5, label))
        for k, value in enumerate((first, second)):
            top = y + k * (ROW - 8)
            width = room * (value or 0) / (max_value or 1)
            colour = PALETTE[0] if k else PALETTE[2]
            body.append(_rect(LABEL_WIDTH + 10, top, width, ROW - 10, colour, line=0.4))
            body.append(_bar_value(LABEL_WIDTH + 10, width, top + (ROW - 10) / 2, number(value, unit), colour))
    height = 8 + len(rows) * step
    legend_parts, last_line = _legend(height + 12, legend, (PALETTE[2], PALETTE[0]))
    return _svg(last_line + 12, "".join(body) + _axis(height) + legend_parts, title)
