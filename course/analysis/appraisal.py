"""Sensitivity and scenario tables for options appraisal (HM Treasury Green Book, 2022, ch. 5:
test how the preferred option's value changes when the uncertain inputs change, and find the
switching values at which the decision would change).

A model is any function of named inputs that returns one figure, usually a net present value:

    >>> from course.analysis.finance import npv
    >>> def automate(cost=250_000, saving=80_000, years=5):
    ...     return npv([-cost] + [saving] * int(years))
    >>> s = sensitivity(automate, change=0.2)
    >>> s.table.index[0], round(s.base_result)
    ('saving', 111204)
    >>> round(s.table.loc["saving", "switching_value"])
    55370
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from course.analysis import style
from course.analysis.display import Chart, HtmlResult, number
from course.analysis.errors import AnalysisError

Model = Callable[..., float]


def base_inputs(model: Model, base: Mapping[str, float] | None = None) -> dict[str, float]:
    """The model's inputs: its keyword defaults, overridden by ``base``."""
    params = inspect.signature(model).parameters
    values = {k: p.default for k, p in params.items() if p.default is not inspect.Parameter.empty}
    unknown = [k for k in (base or {}) if k not in params]
    if unknown:
        raise AnalysisError(f"{unknown[0]!r} is not an input of {model.__name__}; its inputs are "
                            f"{', '.join(params)}")
    values.update(base or {})
    missing = [k for k in params if k not in values]
    if missing:
        raise AnalysisError(f"input {missing[0]!r} has no value: give it a default or put it in base")
    return values


def _run(model: Model, inputs: Mapping[str, float]) -> float:
    result = model(**inputs)
    try:
        value = float(result)
    except (TypeError, ValueError):
        raise AnalysisError(f"{model.__name__} must return one number (it returned {result!r})") from None
    if not np.isfinite(value):
        raise AnalysisError(f"{model.__name__} returned {value} for inputs {dict(inputs)}")
    return value


def _switching_value(model: Model, inputs: dict[str, float], name: str, target: float) -> float:
    """The value of ``name`` (others at base) at which the result equals ``target``, or NaN."""
    base = inputs[name]

    def gap(x: float) -> float:
        return _run(model, {**inputs, name: x}) - target

    here = gap(base)
    if here == 0:
        return float(base)
    scale = abs(base) or 1.0
    # Widen the search until the result changes sign; from a base of 0 (say, no running cost yet)
    # the scale says nothing, so go on to large values.
    factors = (0.5, 1, 2, 5, 10, 100) + ((1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9) if base == 0 else ())
    for factor in factors:
        for other in (base - factor * scale, base + factor * scale):
            if np.sign(gap(other)) != np.sign(here):
                lo, hi = sorted((base, other))
                return float(brentq(gap, lo, hi, xtol=1e-9 * scale))
    return float("nan")


@dataclass(frozen=True, eq=False)
class Sensitivity(HtmlResult):
    """Sensitivity analysis: one input changed at a time"""

    model: str
    base_result: float
    threshold: float
    table: pd.DataFrame  # base, low, high, result_low, result_high, swing, switching_value per input

    @property
    def summary(self) -> str:
        top = self.table.index[0]
        row = self.table.loc[top]
        sw = self.table["switching_value"].dropna()
        switch = ("; no input reaches the switching value within the range searched" if sw.empty else
                  "; switching values (the result reaches " + number(self.threshold) + "): "
                  + ", ".join(f"{k} at {number(v)} (base {number(self.table.loc[k, 'base'])})" for k, v in sw.items()))
        return (f"The result ({number(self.base_result)} at base) is most sensitive to {top}: from "
                f"{number(row['low'])} to {number(row['high'])} it moves from {number(row['result_low'])} to "
                f"{number(row['result_high'])}, a swing of {number(row['swing'])}{switch}.")


def sensitivity(model: Model, base: Mapping[str, float] | None = None,
                ranges: Mapping[str, tuple[float, float]] | None = None, change: float = 0.2,
                threshold: float = 0.0) -> Sensitivity:
    """Change each input alone, others at base, and rank inputs by how far the result swings.

    ``ranges`` gives (low, high) for an input; inputs without one move by ± ``change`` (20%).
    ``switching_value`` is where the result reaches ``threshold`` (0: the NPV turns negative).
    """
    inputs = base_inputs(model, base)
    base_result = _run(model, inputs)
    ranges = dict(ranges or {})
    unknown = [k for k in ranges if k not in inputs]
    if unknown:
        raise AnalysisError(f"range given for {unknown[0]!r}, which is not an input of {model.__name__}")
    rows = []
    for name, value in inputs.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        low, high = ranges.get(name, (value * (1 - change), value * (1 + change)))
        r_low, r_high = _run(model, {**inputs, name: low}), _run(model, {**inputs, name: high})
        rows.append({"input": name, "base": float(value), "low": float(low), "high": float(high),
                     "result_low": r_low, "result_high": r_high, "swing": abs(r_high - r_low),
                     "switching_value": _switching_value(model, inputs, name, threshold)})
    if not rows:
        raise AnalysisError(f"{model.__name__} has no numeric inputs to vary")
    table = pd.DataFrame(rows).set_index("input").sort_values("swing", ascending=False)
    return Sensitivity(model=model.__name__, base_result=base_result, threshold=threshold, table=table)


def tornado_chart(result: Sensitivity, title: str | None = None) -> Chart:
    """Horizontal bars from the base result, the input with the biggest swing at the top."""
    t = result.table.iloc[::-1]
    fig, (ax,) = style.new_figure(8, 1.2 + 0.5 * len(t))
    y = np.arange(len(t))
    lo = np.minimum(t["result_low"], t["result_high"]).to_numpy()
    hi = np.maximum(t["result_low"], t["result_high"]).to_numpy()
    ax.barh(y, hi - lo, left=lo, color=style.MAIN, edgecolor="black")
    ax.set_yticks(y, [f"{k} ({number(r['low'])} to {number(r['high'])})" for k, r in t.iterrows()])
    ax.axvline(result.base_result, color=style.TARGET, linestyle="--", label=f"Base {number(result.base_result)}")
    if result.threshold != result.base_result:
        ax.axvline(result.threshold, color=style.ALERT, linestyle=":", label=f"Switching point {number(result.threshold)}")
    ax.xaxis.set_major_formatter(lambda v, _: number(v))
    ax.set_xlabel("Result")
    ax.set_title(title or f"Sensitivity of {result.model}")
    ax.legend(loc="best", fontsize=8)
    return Chart(fig, f"{title or 'Sensitivity of ' + result.model}: {result.summary}")


@dataclass(frozen=True, eq=False)
class Scenarios(HtmlResult):
    """Scenario analysis: several inputs changed together"""

    model: str
    best: str
    worst: str
    table: pd.DataFrame  # the inputs, result and change_from_base for each scenario

    @property
    def summary(self) -> str:
        t = self.table
        return (f"Across {len(t)} scenarios the result runs from {number(t.loc[self.worst, 'result'])} "
                f"({self.worst}) to {number(t.loc[self.best, 'result'])} ({self.best}); "
                f"{int((t['result'] < 0).sum())} of {len(t)} are below zero.")


def scenarios(model: Model, cases: Mapping[str, Mapping[str, float]],
              base: Mapping[str, float] | None = None) -> Scenarios:
    """Run the model for each named scenario (its changed inputs; the rest at base).

    A "Base case" row is added first unless ``cases`` has one.
    """
    inputs = base_inputs(model, base)
    if not cases:
        raise AnalysisError("cases is empty: give at least one scenario, e.g. {'Pessimistic': {'saving': 60000}}")
    rows = {} if "Base case" in cases else {"Base case": dict(inputs)}
    for name, changed in cases.items():
        unknown = [k for k in changed if k not in inputs]
        if unknown:
            raise AnalysisError(f"scenario {name!r} changes {unknown[0]!r}, which is not an input of {model.__name__}")
        rows[name] = {**inputs, **changed}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["result"] = [_run(model, r) for r in rows.values()]
    base_value = _run(model, inputs)
    table["change_from_base"] = table["result"] - base_value
    table.index.name = "scenario"
    return Scenarios(model=model.__name__, best=str(table["result"].idxmax()), worst=str(table["result"].idxmin()),
                     table=table)
