"""One option's figures for the what-if appraisal: its net present value and how sensitive it is.

The learner types the figures as a person writes them ("£200,000", "3.5%"); :func:`read_figures`
reads them, or names each field that cannot be read, as the GOV.UK error summary asks. The same
figures give the NPV and the sensitivity table in the widget, the assessor's copy and the report.

    >>> figures, errors = read_figures({"option": "Automate reminders", "upfront_cost": "£200,000",
    ...     "annual_cost": "0", "annual_benefit": "80,000", "years": "5", "discount_rate": "3.5%"})
    >>> errors, money(what_if(figures).npv)
    ([], '£161,204')
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from html import escape
from typing import Any, Mapping

import pandas as pd

from course.analysis.appraisal import Sensitivity, sensitivity
from course.analysis.finance import GREEN_BOOK, GREEN_BOOK_RATE, npv, rate_words
from course.analysis.report_format import money

MAX_YEARS = 60
MAX_MONEY = 1e12  # £1 trillion: more than any one operational option
MAX_RATE = 20.0   # % a year

# Field: (label, hint). The order is the form's and the sensitivity table's.
FIELDS: dict[str, tuple[str, str]] = {
    "option": ("Option", "The option these figures are for, for example Option A."),
    "upfront_cost": ("Up-front cost (£)", "What it costs to start, in year 0. For example, 200,000."),
    "annual_cost": ("Running cost a year (£)", "What it costs each year from year 1. Enter 0 if none."),
    "annual_benefit": ("Benefit a year (£)", "The saving or extra income each year from year 1."),
    "years": ("Years of benefit", f"A whole number of years, 1 to {MAX_YEARS}."),
    "discount_rate": ("Discount rate (% a year)", "3.5 is the Green Book rate (it declines after year 30)."),
}
NUMERIC = tuple(k for k in FIELDS if k != "option")
EXAMPLES = {"upfront_cost": "200,000", "annual_cost": "15,000", "annual_benefit": "80,000", "years": "5",
            "discount_rate": "3.5"}


@dataclass(frozen=True)
class Figures:
    option: str = "Option A"
    upfront_cost: float = 200_000.0
    annual_cost: float = 0.0
    annual_benefit: float = 80_000.0
    years: int = 5
    discount_rate: float = round(GREEN_BOOK_RATE * 100, 6)  # % a year

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


def _number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    cleaned = re.sub(r"[£,%\s]", "", str(text or ""))
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def missing_message(key: str) -> str:
    """What the learner is told when ``key`` is left empty."""
    return "Enter the name of the option" if key == "option" else f"Enter the {FIELDS[key][0].split(' (')[0].lower()}"


def read_figures(raw: Mapping[str, Any]) -> tuple[Figures | None, list[tuple[str, str]]]:
    """The figures in ``raw`` (text as typed, or numbers), or (None, [(field, message), ...])."""
    errors: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    option = " ".join(str(raw.get("option") or "").split())
    if not option:
        errors.append(("option", missing_message("option")))
    elif len(option) > 100:
        errors.append(("option", "The option's name must be 100 characters or fewer"))
    values["option"] = option
    for key in NUMERIC:
        label = FIELDS[key][0].split(" (")[0].lower()
        text = raw.get(key)
        if text is None or str(text).strip() == "":
            errors.append((key, missing_message(key)))
            continue
        value = _number(text)
        if value is None:
            errors.append((key, f"The {label} must be a number, like {EXAMPLES[key]}"))
        elif key == "years" and (value != int(value) or not 1 <= value <= MAX_YEARS):
            errors.append((key, f"The years of benefit must be a whole number from 1 to {MAX_YEARS}"))
        elif key == "discount_rate" and not 0 <= value <= MAX_RATE:
            errors.append((key, f"The discount rate must be between 0% and {MAX_RATE:g}% a year"))
        elif key not in ("years", "discount_rate") and not 0 <= value <= MAX_MONEY:
            errors.append((key, f"The {label} must be £0 or more (enter a cost as a cost, not a negative benefit)"
                           if value < 0 else f"The {label} must be less than £1 trillion"))
        else:
            values[key] = int(value) if key == "years" else value
    if errors:
        return None, errors
    return Figures(**values), []


def option_npv(upfront_cost: float, annual_cost: float, annual_benefit: float, years: float,
               discount_rate: float) -> float:
    """NPV of paying ``upfront_cost`` now for (benefit - running cost) a year for ``years`` years.
    At the Green Book's 3.5% the rate declines after year 30, as the Green Book says."""
    # Below 0% is not a rate a learner can enter; the switching-value search may try one.
    rate = GREEN_BOOK if math.isclose(discount_rate, GREEN_BOOK_RATE * 100) else max(discount_rate, 0.0) / 100
    n = max(int(round(years)), 0)
    return npv([-upfront_cost] + [annual_benefit - annual_cost] * n, rate)


@dataclass(frozen=True)
class WhatIf:
    figures: Figures
    npv: float
    sensitivity: Sensitivity

    @property
    def rate_text(self) -> str:
        f = self.figures
        rate = GREEN_BOOK if math.isclose(f.discount_rate, GREEN_BOOK_RATE * 100) else f.discount_rate / 100
        return rate_words(rate, f.years)

    @property
    def summary(self) -> str:
        top = self.sensitivity.table.index[0]
        verdict = "positive: on these figures it pays for itself" if self.npv > 0 else (
            "zero" if self.npv == 0 else "negative: on these figures it costs more than it returns")
        return (f"{self.figures.option}: net present value {money(self.npv)} over {self.figures.years} "
                f"year{'s' if self.figures.years != 1 else ''} at {self.rate_text}, {verdict}. "
                f"It is most sensitive to the {FIELDS[top][0].split(' (')[0].lower()}.")


def _years_range(years: int) -> tuple[float, float]:
    step = max(1, round(years * 0.2))
    return float(max(1, years - step)), float(min(MAX_YEARS, years + step))


def what_if(figures: Figures, change: float = 0.2) -> WhatIf:
    """The NPV of ``figures`` and each input's effect, moved ±20% alone (years by whole years)."""
    inputs = {k: float(getattr(figures, k)) for k in NUMERIC}
    s = sensitivity(option_npv, inputs, ranges={"years": _years_range(figures.years)}, change=change)
    return WhatIf(figures, option_npv(**inputs), s)


def _shown(key: str, value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not within the range searched"
    if key == "years":
        return f"{math.ceil(round(value, 6)):g} years"
    if key == "discount_rate":
        return f"{value:.1f}%"
    return money(value)


CELL = 'style="border:1px solid #b1b4b6;padding:4px 8px;text-align:left;vertical-align:top"'


def sensitivity_table_html(result: WhatIf) -> str:
    """The sensitivity table: each input, its range, the NPV at each end, and its switching value."""
    t: pd.DataFrame = result.sensitivity.table
    head = "".join(f'<th scope="col" {CELL}>{h}</th>' for h in (
        "Figure changed", "Your figure", "Low", "High", "NPV at low", "NPV at high", "Swing",
        "NPV is zero at"))
    rows = []
    for key, r in t.iterrows():
        rows.append(f'<tr><th scope="row" {CELL}>{escape(FIELDS[key][0].split(" (")[0])}</th>'
                    + "".join(f"<td {CELL}>{escape(v)}</td>" for v in (
                        _shown(key, r["base"]), _shown(key, r["low"]), _shown(key, r["high"]),
                        money(r["result_low"]), money(r["result_high"]), money(r["swing"]),
                        _shown(key, r["switching_value"]))) + "</tr>")
    return (f'<table class="odp-table odp-whatif-table" style="border-collapse:collapse;margin:0.5em 0 1em">'
            f'<caption style="text-align:left;font-weight:bold;padding-bottom:4px">Sensitivity of '
            f"{escape(result.figures.option)}: each figure moved on its own, largest swing first</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def figures_table_html(figures: Figures) -> str:
    rows = "".join(f'<tr><th scope="row" {CELL}>{escape(FIELDS[k][0])}</th><td {CELL}>'
                   f"{escape(str(figures.option) if k == 'option' else _shown(k, getattr(figures, k)).replace(' years', ''))}</td></tr>"
                   for k in FIELDS)
    return (f'<table class="odp-table" style="border-collapse:collapse;margin:0.5em 0 1em">'
            f'<caption style="text-align:left;font-weight:bold;padding-bottom:4px">The figures used</caption>'
            f"<tbody>{rows}</tbody></table>")


def what_if_html(response: Any, label: str = "What if? Options appraisal") -> str:
    """A saved what-if (its figures) as the assessor and the board report see it: the figures,
    the NPV in words and the sensitivity table, with styles inline (a report has no stylesheet)."""
    figures, errors = read_figures(response if isinstance(response, Mapping) else {})
    if figures is None:
        return (f'<section class="odp odp-whatif-report"><h4>{escape(label)}</h4><p>The saved figures '
                f"cannot be read: {escape('; '.join(m for _, m in errors))}.</p></section>")
    result = what_if(figures)
    return (f'<section class="odp odp-whatif-report" aria-label="{escape(label, quote=True)}">'
            f"<h4>{escape(label)}</h4><p>{escape(result.summary)}</p>{figures_table_html(figures)}"
            f"{sensitivity_table_html(result)}</section>")
