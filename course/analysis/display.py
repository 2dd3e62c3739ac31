"""Showing results and charts accessibly in notebooks and exported reports.

Every chart function returns a :class:`Chart`: the figure plus a caption that states the finding
in words. In a notebook a Chart shows itself as ``<figure><img alt=...><figcaption>...``, so a
screen-reader user and a sighted user get the same finding. Results are dataclasses that mix in
:class:`HtmlResult` to show as a small captioned table.

Example:
    >>> from course.analysis import xmr, control_chart
    >>> chart = control_chart(xmr([5, 6, 5, 7, 6, 5, 6]), title="Weekly complaints")
    >>> "<figcaption" in chart._repr_html_()
    True
"""

from __future__ import annotations

import base64
import dataclasses
import io
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from course.analysis import style  # noqa: F401  (selects the Agg backend before any figure)


def figure_png(figure: Figure, dpi: int = 100) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def figure_html(figure: Figure, caption: str, alt: str | None = None) -> str:
    """An accessible ``<figure>``: the PNG inline with alt text, and a visible caption."""
    data = base64.b64encode(figure_png(figure)).decode("ascii")
    alt_text = escape(alt or caption, quote=True)
    return (
        '<figure class="odp-chart" style="margin:1em 0">'
        f'<img src="data:image/png;base64,{data}" alt="{alt_text}" style="max-width:100%">'
        f'<figcaption style="font-size:1rem;margin-top:0.4em">{escape(caption)}</figcaption>'
        "</figure>"
    )


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure and the finding it shows, in words (used as both caption and alt text)."""

    figure: Figure
    caption: str
    alt: str = ""

    @property
    def alt_text(self) -> str:
        return self.alt or self.caption

    def _repr_html_(self) -> str:
        return figure_html(self.figure, self.caption, self.alt_text)

    def save(self, path: str, dpi: int = 100) -> None:
        self.figure.savefig(path, dpi=dpi)


def show(chart: Chart) -> None:
    """Display a chart in a notebook as an image with alt text and a visible caption."""
    from IPython.display import HTML, display

    display(HTML(chart._repr_html_()))


def number(value: float) -> str:
    """A number as people write it: 2,619,000 not 2.619e+06; 4 significant figures below 1,000."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return number(float(value))
    if isinstance(value, (list, tuple)) and len(value) > 12:
        shown = ", ".join(escape(str(v)) for v in value[:12])
        return f"{shown}, … ({len(value)} in all)"
    if isinstance(value, (list, tuple)):
        return escape(", ".join(str(v) for v in value)) or "none"
    return escape(str(value))


class HtmlResult:
    """Mixin for result dataclasses: a captioned table of the scalar fields, then any tables.

    Result classes set ``summary`` (a property) to say the finding in one plain-English line.
    """

    def _repr_html_(self) -> str:
        title = escape((type(self).__doc__ or type(self).__name__).strip().splitlines()[0])
        rows, frames = [], []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name.startswith("_") or not f.repr:
                continue
            value = getattr(self, f.name)
            if isinstance(value, (pd.DataFrame, pd.Series)):
                frames.append((f.name, value))
            else:
                label = escape(f.name.replace("_", " "))
                rows.append(f'<tr><th scope="row" style="text-align:left">{label}</th><td>{_cell(value)}</td></tr>')
        parts = ['<div class="odp-result">']
        summary = getattr(self, "summary", None)
        if summary:
            parts.append(f"<p>{escape(summary)}</p>")
        if rows:
            parts.append(f"<table><caption style='text-align:left;font-weight:bold'>{title}</caption>{''.join(rows)}</table>")
        for name, frame in frames:
            table = frame.to_frame() if isinstance(frame, pd.Series) else frame
            html = table.to_html(max_rows=20, float_format=lambda v: f"{v:,.4g}", border=0)
            caption = f"<caption style='text-align:left;font-weight:bold'>{escape(name.replace('_', ' '))}</caption>"
            parts.append(html.replace(">\n  <thead>", f">{caption}\n  <thead>", 1))
        parts.append("</div>")
        return "".join(parts)
