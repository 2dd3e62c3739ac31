"""Accessible charts, tables and CSV downloads as HTML strings, for the dashboards.

Every chart is a horizontal bar chart drawn as inline SVG with each bar labelled in text (its
name and its value), so no meaning rests on colour; the colours are from the Okabe-Ito
colour-blind-safe palette and are at least 3:1 against white. A chart is a ``<figure>`` whose
caption states the finding in words and names the SVG (``role="img"``); a table with the same
figures follows it. Everything shown is escaped here: callers pass plain text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

# Okabe-Ito blue, vermillion, bluish green, reddish purple: all >= 3:1 on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
TEXT = "#0b0c0c"
ROW, LABEL_W, BAR_W, VALUE_W = 30, 300, 340, 230
LINE, LABEL_CHARS = 17, 36  # a wrapped label's line height and characters per line


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as words or digits, drawn at the end of the bar


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def bar_chart(chart_id: str, bars: Sequence[Bar], caption: str, *,
              colours: Sequence[str] = PALETTE[:1], scale: float | None = None) -> str:
    """A labelled horizontal bar chart in a figure whose caption states ``caption``.

    Long labels wrap onto more lines (the row grows) rather than being cut off."""
    cap_id = f"{chart_id}-caption"
    top = max([scale or 0, *(b.value for b in bars)]) or 1
    width = LABEL_W + BAR_W + VALUE_W
    rows, y = [], 4
    for n, bar in enumerate(bars):
        lines = wrap(bar.label, LABEL_CHARS)
        height = max(ROW, LINE * len(lines) + 10)
        length = 0 if bar.value <= 0 else max(2.0, BAR_W * bar.value / top)
        colour = colours[n % len(colours)]
        first = y + (height - LINE * len(lines)) / 2 + 14
        label = "".join(f'<tspan x="{LABEL_W - 8}" y="{first + i * LINE:.0f}">{escape(t)}</tspan>'
                        for i, t in enumerate(lines))
        middle = y + height / 2
        rows.append(
            f'<text text-anchor="end" font-size="14" fill="{TEXT}">{label}</text>'
            f'<rect x="{LABEL_W}" y="{middle - (ROW - 10) / 2:.0f}" width="{length:.1f}" '
            f'height="{ROW - 10}" fill="{colour}"></rect>'
            f'<text x="{LABEL_W + length + 6:.1f}" y="{middle + 5:.0f}" font-size="14" '
            f'fill="{TEXT}">{escape(bar.shown)}</text>')
        y += height
    if not bars:
        rows.append(f'<text x="8" y="22" font-size="14" fill="{TEXT}">Nothing to show yet.</text>')
        y += ROW
    return (f'<figure class="odp-chart" id="{escape(chart_id)}">'
            f'<figcaption id="{escape(cap_id)}">{escape(caption)}</figcaption>'
            f'<svg role="img" aria-labelledby="{escape(cap_id)}" viewBox="0 0 {width} {y + 4:.0f}" '
            f'width="100%" style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">'
            + "".join(rows) + "</svg></figure>")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None leaves a gap
    colour: str = PALETTE[0]
    dashed: bool = False


def line_chart(chart_id: str, x_labels: Sequence[str], series: Sequence[Series], caption: str,
               *, y_format=lambda v: f"{v:g}", top: float | None = None,
               anchor: tuple[float, str] | None = None) -> str:
    """Lines over months, with a legend in words and an optional labelled reference line
    (``anchor``: value and its label, such as the programme's 67% first-time pass rate)."""
    cap_id = f"{chart_id}-caption"
    width, height, left, right, bottom, top_pad = 870, 300, 64, 24, 48, 16
    values = [v for s in series for v in s.values if v is not None]
    high = top or max([*values, anchor[0] if anchor else 0, 1])
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top_pad + plot_h * (1 - v / high)

    parts = []
    for k in range(5):  # gridlines with their values
        v = high * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#b1b4b6" stroke-width="1"></line>'
                     f'<text x="{left - 6}" y="{y(v) + 5:.1f}" text-anchor="end" font-size="13" '
                     f'fill="{TEXT}">{escape(y_format(v))}</text>')
    step = max(1, round(n / 8))
    for i, text in enumerate(x_labels):
        last = i == n - 1
        if not last and (i % step or n - 1 - i < step * 0.75):
            continue  # every step-th month, and the last, never two on top of each other
        # The first and last labels sit inside the chart rather than centred on its edge.
        anchor_at = "start" if i == 0 and n > 1 else ("end" if last and n > 1 else "middle")
        parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 20}" text-anchor="{anchor_at}" '
                     f'font-size="13" fill="{TEXT}">{escape(text)}</text>')
    if anchor is not None:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(anchor[0]):.1f}" '
                     f'y2="{y(anchor[0]):.1f}" stroke="{TEXT}" stroke-width="2" '
                     f'stroke-dasharray="2 4"></line>'
                     f'<text x="{width - right}" y="{y(anchor[0]) - 6:.1f}" text-anchor="end" '
                     f'font-size="13" fill="{TEXT}">{escape(anchor[1])}</text>')
    for s in series:
        runs, run = [], []
        for i, v in enumerate(s.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{x(i):.1f},{y(v):.1f}")
        if run:
            runs.append(run)
        dash = ' stroke-dasharray="8 4"' if s.dashed else ""
        for r in runs:
            parts.append(f'<polyline points="{" ".join(r)}" fill="none" stroke="{s.colour}" '
                         f'stroke-width="3"{dash}></polyline>')
            if len(r) == 1:  # a month on its own: a dot, or nothing would show
                cx, cy = r[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="4" fill="{s.colour}"></circle>')
    legend = []
    for s in series:
        dash = ' stroke-dasharray="8 4"' if s.dashed else ""
        legend.append(f'<li><svg width="32" height="12" aria-hidden="true" focusable="false">'
                      f'<line x1="0" x2="32" y1="6" y2="6" stroke="{s.colour}" '
                      f'stroke-width="3"{dash}></line></svg> {escape(s.name)}'
                      f"{' (dashed line)' if s.dashed else ''}</li>")
    return (f'<figure class="odp-chart odp-trend" id="{escape(chart_id)}">'
            f'<figcaption id="{escape(cap_id)}">{escape(caption)}</figcaption>'
            f'<svg role="img" aria-labelledby="{escape(cap_id)}" viewBox="0 0 {width} {height}" '
            f'width="100%" style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">'
            + "".join(parts) + f'</svg><ul class="odp-legend">{"".join(legend)}</ul></figure>')


def wrap(text: str, limit: int) -> list[str]:
    """Words onto lines of at most ``limit`` characters (a longer word stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def table(caption: str, columns: Sequence[str], rows: Sequence[Sequence[object]], *,
          row_headers: bool = True) -> str:
    """A data table with a caption, column headers and (by default) row headers, in a box that
    scrolls sideways on a narrow screen."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            text = escape(_cell(value))
            cells.append(f'<th scope="row">{text}</th>' if i == 0 and row_headers
                         else f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not rows:
        body.append(f'<tr><td colspan="{len(columns)}">None.</td></tr>')
    return scrollable(f'<table class="odp-table"><caption>{escape(caption)}</caption>'
                      f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>",
                      caption)


def csv_text(frame: pd.DataFrame) -> str:
    """CSV of ``frame`` with spreadsheet formulas defused: a text cell that starts with
    = + - @ or a control character gets a leading apostrophe (names are typed by people)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = [_defuse(v) for v in safe[column]]
    return safe.to_csv(index=False)


def percent(value: float | None) -> str:
    return "no data" if value is None else f"{value:.0%}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _defuse(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def scrollable(inner: str, label: str, *, extra_class: str = "") -> str:
    """A wide table in a box that scrolls sideways on a narrow screen; keyboard users can
    focus it and scroll with the arrow keys (WCAG 2.1.1), and it is named for them."""
    classes = f"odp-scroll {extra_class}".strip()
    return (f'<div class="{classes}" tabindex="0" role="region" '
            f'aria-label="{escape(label)}">{inner}</div>')
