"""Numbers as a board reads them, for the board report: £1,234 not 1.234e+03, 3.5% not 0.035,
0 not -0. The report runs the learner's workbook in a kernel of its own and calls
:func:`install` there first, so a toolkit result (NPV, payback, scores) shows as a table
formatted by what each column means; in the learner's own notebook nothing changes.
"""

from __future__ import annotations

import dataclasses
import math
from html import escape
from typing import Any

import numpy as np
import pandas as pd

REPORT_RESULT = "odp-report-result"   # class of a formatted result in the report kernel's output
PERCENT_WORDS = ("rate", "share", "pct", "percent", "weight")
MONEY_SUFFIX = ("_gbp", "_pounds")


LABELS = {"npv_gbp": "Net present value", "payback_years": "Payback (years)", "option": "Option"}


def _words(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    words = name.replace("_gbp", "").replace("_pounds", "").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def money(value: float) -> str:
    value = round(float(value))
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def percent(value: float) -> str:
    text = f"{float(value) * 100:.1f}".rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}%"


def plain(value: float) -> str:
    value = float(value)
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif value == int(value):
        text = f"{int(value)}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "-0.0") else text


def formatted(name: str, value: Any) -> str:
    """``value`` of a field or column called ``name``, as the report shows it."""
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return "none" if "payback" in name else "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if name == "rate" and value == "green_book":  # course.analysis.finance.GREEN_BOOK
        return "Green Book: 3.5% to year 30, then declining"
    if isinstance(value, int | float | np.integer | np.floating):
        if name.endswith(MONEY_SUFFIX):
            return money(value)
        if any(w in name.lower() for w in PERCENT_WORDS) and abs(float(value)) <= 1:
            return percent(value)
        return plain(value)
    return escape(str(value))


def frame_html(frame: pd.DataFrame, caption: str = "") -> str:
    frame = frame.to_frame() if isinstance(frame, pd.Series) else frame
    index_name = _words(str(frame.index.name or ""))
    head = f'<th scope="col">{escape(index_name)}</th>' + "".join(
        f'<th scope="col">{escape(_words(str(c)))}{" (£)" if str(c).endswith(MONEY_SUFFIX) else ""}</th>'
        for c in frame.columns)
    rows = "".join(
        f'<tr><th scope="row">{escape(str(i))}</th>'
        + "".join(f'<td class="num">{formatted(str(c), v).replace("£", "") if str(c).endswith(MONEY_SUFFIX) else formatted(str(c), v)}</td>'
                  for c, v in row.items()) + "</tr>"
        for i, row in frame.iterrows())
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def result_html(result: Any) -> str:
    """A toolkit result (an ``HtmlResult`` dataclass) as the report shows it."""
    title = (type(result).__doc__ or type(result).__name__).strip().splitlines()[0]
    parts = [f'<div class="{REPORT_RESULT}">']
    summary = getattr(result, "summary", None)
    if summary:
        parts.append(f"<p>{escape(summary)}</p>")
    facts, frames = [], []
    for f in dataclasses.fields(result):
        if f.name.startswith("_") or not f.repr:
            continue
        value = getattr(result, f.name)
        if isinstance(value, pd.DataFrame | pd.Series):
            frames.append(value)
        elif (isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)) \
                or (f.name == "rate" and value == "green_book"):
            facts.append(f"{_words(f.name)}: {formatted(f.name, value)}")
    for n, frame in enumerate(frames):
        parts.append(frame_html(frame, title if n == 0 else ""))
    if facts:
        parts.append(f'<p class="note">{escape("; ".join(facts))}.</p>')
    parts.append("</div>")
    return "".join(parts)


def install() -> None:
    """In the report's kernel: show toolkit results with :func:`result_html`."""
    from IPython import get_ipython

    from course.analysis.display import HtmlResult

    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(HtmlResult, result_html)
