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
from urllib.parse import quote

import pandas as pd

# Okabe-Ito blue, vermillion, bluish green, reddish purple: all >= 3:1 on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
TEXT = "#0b0c0c"
ROW, LABEL_W, BAR_W, VALUE_W = 30, 300, 340, 230


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as words or digits, drawn at the end of the bar


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def bar_chart(chart_id: str, bars: Sequence[Bar], caption: str, *,
              colours: Sequence[str] = PALETTE[:1], scale: float | None = None) -> str:
    """A labelled horizontal bar chart in a figure whose caption states ``caption``."""
    cap_id = f"{chart_id}-caption"
    top = max([scale or 0, *(b.value for b in bars)]) or 1
    height = ROW * max(len(bars), 1) + 8
    width = LABEL_W + BAR_W + VALUE_W
    parts = [f'<figure class="odp-chart" id="{escape(chart_id)}">',
             f'<figcaption id="{escape(cap_id)}">{escape(caption)}</figcaption>',
             f'<svg role="img" aria-labelledby="{escape(cap_id)}" viewBox="0 0 {width} {height}" '
             f'width="100%" style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">']
    for n, bar in enumerate(bars):
        y = 4 + n * ROW
        length = 0 if bar.value <= 0 else max(2.0, BAR_W * bar.value / top)
        colour = colours[n % len(colours)]
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 19}" text-anchor="end" font-size="14" '
            f'fill="{TEXT}">{escape(_clip(bar.label))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{length:.1f}" height="{ROW - 10}" '
            f'fill="{colour}"></rect>'
            f'<text x="{LABEL_W + length + 6:.1f}" y="{y + 19}" font-size="14" '
            f'fill="{TEXT}">{escape(bar.shown)}</text>')
    if not bars:
        parts.append(f'<text x="8" y="22" font-size="14" fill="{TEXT}">Nothing to show yet.</text>')
    parts.append("</svg></figure>")
    return "".join(parts)


def table(caption: str, columns: Sequence[str], rows: Sequence[Sequence[object]], *,
          row_headers: bool = True) -> str:
    """A data table with a caption, column headers and (by default) row headers."""
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
    return (f'<table class="odp-table"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def csv_text(frame: pd.DataFrame) -> str:
    """CSV of ``frame`` with spreadsheet formulas defused: a text cell that starts with
    = + - @ or a control character gets a leading apostrophe (names are typed by people)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = [_defuse(v) for v in safe[column]]
    return safe.to_csv(index=False)


def download_link(filename: str, text: str, label: str) -> str:
    """A link that downloads ``text`` as a CSV file, with nothing fetched from the server."""
    href = "data:text/csv;charset=utf-8," + quote(text)
    return (f'<a class="odp-download" href="{escape(href)}" download="{escape(filename)}">'
            f"{escape(label)}</a>")


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


def _clip(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _defuse(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
