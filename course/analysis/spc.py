"""Statistical process control: XmR (individuals) charts and p-charts.

An XmR chart asks whether a measure (weekly recoveries, days to process) is stable or shows
special-cause variation. Limits are centre ± 2.66 × the average moving range (2.66 = 3 / 1.128,
so the limits sit at about 3 sigma). A p-chart does the same for a proportion (the share of
cases late) when each point has its own sample size, so each point has its own limits.
Signals use the Western Electric rules in :mod:`course.analysis.runrules`.

With large samples (a month of 1,600 cases) real processes vary more from period to period
than the binomial sampling the p-chart assumes, so its limits come out too narrow and flag
most points. Laney's p′ chart (Laney, "Improved control charts for attributes", Quality
Engineering 14(4), 2002) measures that extra variation, sigma_z (the XmR sigma of the points'
z-scores), and widens every limit by it. ``p_chart`` chooses p′ itself when sigma_z is clearly
above 1 (at least :data:`LANEY_THRESHOLD`, on 12 or more points) and says so in the caption;
``method="p"``, ``"laney"`` or ``"xmr"`` (an individuals chart of the proportions) chooses
directly.

Example:
    >>> r = xmr([10, 12, 11, 13, 12, 11, 30])
    >>> round(r.centre, 2), round(r.upper, 2)
    (14.14, 25.67)
    >>> [s.rule for s in r.signals]
    [1]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from course.analysis import periods, style
from course.analysis.display import Chart, HtmlResult, number
from course.analysis.errors import AnalysisError
from course.analysis.runrules import RULES, Signal, find_signals

XMR_FACTOR = 2.66  # 3 / d2, where d2 = 1.128 for moving ranges of two points
D2 = 1.128
LANEY_THRESHOLD = 1.5  # sigma_z at or above this is over-dispersion a board should not be shown as signals
LANEY_MIN_POINTS = 12  # fewer points estimate sigma_z too loosely to switch on
PMethod = Literal["auto", "p", "laney", "xmr"]
METHOD_NAMES = {"p": "p-chart", "laney": "Laney p′ chart", "xmr": "XmR chart of the proportions"}


def _series(values: Sequence[float] | pd.Series, name: str) -> tuple[np.ndarray, pd.Index]:
    if isinstance(values, pd.Series):
        index = values.index
        arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    else:
        try:
            arr = np.asarray(list(values), dtype=float)
        except (TypeError, ValueError):
            raise AnalysisError(f"{name} must be numbers") from None
        index = pd.RangeIndex(arr.size)
    if arr.size < 3:
        raise AnalysisError(f"{name} needs at least 3 points for a control chart (got {arr.size})")
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise AnalysisError(f"{name} has a missing or non-numeric value at position {bad}")
    return arr, index


Baseline = slice | tuple | None


def _baseline_mask(index: pd.Index, baseline: Baseline) -> np.ndarray:
    """Which points set the centre and limits: all of them, or a stable period given by labels.

    A known special cause (an outage, a backlog) inflates limits computed over it; compute them
    from a stable baseline instead, e.g. ``baseline=("2019-04", "2022-09")``.
    """
    if baseline is None:
        return np.ones(len(index), dtype=bool)
    start, end = (baseline.start, baseline.stop) if isinstance(baseline, slice) else baseline
    try:
        chosen = pd.Series(np.arange(len(index)), index=index).loc[start:end].to_numpy()
    except (KeyError, TypeError, ValueError) as exc:
        raise AnalysisError(f"baseline {baseline!r} does not match the series' labels ({exc})") from None
    if chosen.size < 3:
        raise AnalysisError(f"baseline {baseline!r} covers {chosen.size} points; at least 3 are needed")
    mask = np.zeros(len(index), dtype=bool)
    mask[chosen] = True
    return mask


def _signal_text(signals: list[Signal], labels: pd.Index, z: np.ndarray | None = None,
                 values: np.ndarray | None = None, show=None) -> str:
    """The signals in words, the biggest (furthest from the centre) named first."""
    if not signals:
        return "no special-cause signals: the process looks stable (common-cause variation only)"
    freq = periods.infer_freq(labels)
    lead = ""
    if z is not None:
        pos = max({s.position for s in signals}, key=lambda p: (abs(z[p]), -p))
        side = "above" if z[pos] > 0 else "below"
        value = f"{show(values[pos])}, " if values is not None and show else ""
        lead = (f"the biggest at {periods.label(labels[pos], freq)} ({value}{abs(z[pos]):.1f} sigma {side} "
                "the centre); ")
    by_rule = {}
    for s in signals:
        by_rule.setdefault(s.rule, []).append(periods.label(labels[s.position], freq))
    parts = [f"rule {r} ({RULES[r]}) at {', '.join(p[:3])}{' and more' if len(p) > 3 else ''}"
             for r, p in sorted(by_rule.items())]
    return f"{len(signals)} special-cause signal(s), " + lead + "; ".join(parts)


@dataclass(frozen=True, eq=False)
class XmRResult(HtmlResult):
    """XmR (individuals) control chart"""

    centre: float
    lower: float
    upper: float
    average_moving_range: float
    sigma: float
    signals: list[Signal] = field(default_factory=list)
    values: pd.Series = field(default_factory=pd.Series, repr=False)
    rules: tuple[int, ...] = (1, 2, 3, 4)
    z: np.ndarray | None = field(default=None, repr=False)

    @property
    def signal_positions(self) -> list[int]:
        return sorted({s.position for s in self.signals})

    @property
    def finding(self) -> str:
        return _signal_text(self.signals, self.values.index, self.z, self.values.to_numpy(), number)

    @property
    def summary(self) -> str:
        return f"Centre {number(self.centre)}, limits {number(self.lower)} to {number(self.upper)}; {self.finding}."


def xmr(values: Sequence[float] | pd.Series, rules: tuple[int, ...] = (1, 2, 3, 4),
        baseline: Baseline = None) -> XmRResult:
    """Individuals chart: centre = mean, limits = centre ± 2.66 × average moving range.

    ``baseline`` (first and last label, inclusive) computes centre and limits from a stable
    period only; every point is still checked against them.
    """
    arr, index = _series(values, "values")
    base = arr[_baseline_mask(index, baseline)]
    mr_bar = float(np.mean(np.abs(np.diff(base))))
    centre = float(base.mean())
    sigma = mr_bar / D2
    z = (arr - centre) / sigma if sigma > 0 else np.zeros_like(arr)
    return XmRResult(
        centre=centre, lower=centre - XMR_FACTOR * mr_bar, upper=centre + XMR_FACTOR * mr_bar,
        average_moving_range=mr_bar, sigma=sigma, signals=find_signals(z, rules),
        values=pd.Series(arr, index=index, name="value"), rules=tuple(rules), z=z,
    )


@dataclass(frozen=True, eq=False)
class PChartResult(HtmlResult):
    """Control chart of a proportion, with limits for each point"""

    centre: float
    signals: list[Signal]
    table: pd.DataFrame  # proportion, sample_size, lower, upper for each point
    rules: tuple[int, ...] = (1, 2, 3, 4)
    method: str = "p"  # "p", "laney" or "xmr"
    sigma_z: float = float("nan")  # Laney's between-period spread of z-scores (1 = binomial only)
    p_chart_signals: int = 0  # how many signals a standard p-chart shows on the same data
    z: np.ndarray | None = field(default=None, repr=False)

    @property
    def lower(self) -> pd.Series:
        return self.table["lower"]

    @property
    def upper(self) -> pd.Series:
        return self.table["upper"]

    @property
    def signal_positions(self) -> list[int]:
        return sorted({s.position for s in self.signals})

    @property
    def method_note(self) -> str:
        """Why these limits, in words (said in the caption)."""
        if self.method == "laney":
            return (f"Laney p′ chart: the proportions vary more from period to period than their sample "
                    f"sizes explain (Laney sigma_z = {self.sigma_z:.2f}), so each limit is widened by that "
                    f"factor; a standard p-chart would flag {self.p_chart_signals} signal(s) that are "
                    "routine variation")
        if self.method == "xmr":
            return (f"XmR chart of the proportions: limits from the period-to-period variation "
                    f"(Laney sigma_z = {self.sigma_z:.2f})")
        if np.isfinite(self.sigma_z):
            return f"p-chart: limits from the sample sizes (Laney sigma_z = {self.sigma_z:.2f}, no over-dispersion)"
        return "p-chart: limits from the sample sizes"

    @property
    def finding(self) -> str:
        return _signal_text(self.signals, self.table.index, self.z, self.table["proportion"].to_numpy(),
                            lambda v: f"{v:.1%}")

    @property
    def summary(self) -> str:
        return f"Average proportion {self.centre:.2%}; {self.finding}. {self.method_note}."


def laney_sigma_z(z: np.ndarray) -> float:
    """Laney's sigma_z: the XmR estimate of the spread of the points' z-scores (1 if binomial)."""
    return float(np.mean(np.abs(np.diff(z))) / D2)


def p_chart(
    defectives: Sequence[int] | pd.Series, sample_sizes: Sequence[int] | pd.Series,
    rules: tuple[int, ...] = (1, 2, 3, 4), baseline: Baseline = None, method: PMethod = "auto",
) -> PChartResult:
    """Limits p̄ ± 3·sqrt(p̄(1 - p̄)/nᵢ) for each point, clipped to 0 and 1 (``method="p"``).

    ``defectives`` counts the items with the feature (e.g. late cases) out of ``sample_sizes``.
    ``method="laney"`` multiplies each sigma by sigma_z (Laney p′); ``"xmr"`` charts the
    proportions as individuals; ``"auto"`` (default) is p′ when sigma_z ≥ LANEY_THRESHOLD on
    at least LANEY_MIN_POINTS points, otherwise the p-chart.
    """
    if method not in ("auto", "p", "laney", "xmr"):
        raise AnalysisError(f"method must be 'auto', 'p', 'laney' or 'xmr' (got {method!r})")
    d, index = _series(defectives, "defectives")
    n, _ = _series(sample_sizes, "sample_sizes")
    if d.size != n.size:
        raise AnalysisError(f"defectives has {d.size} points but sample_sizes has {n.size}: they must match")
    if (n <= 0).any():
        raise AnalysisError(f"sample size must be greater than zero (position {int(np.flatnonzero(n <= 0)[0])})")
    if (d < 0).any() or (d > n).any():
        bad = int(np.flatnonzero((d < 0) | (d > n))[0])
        raise AnalysisError(f"defectives must be between 0 and the sample size (position {bad}: {d[bad]:g} of {n[bad]:g})")
    base = _baseline_mask(index, baseline)
    p_bar = float(d[base].sum() / n[base].sum())
    p = d / n
    sigma = np.sqrt(p_bar * (1 - p_bar) / n)
    z = np.divide(p - p_bar, sigma, out=np.zeros_like(p), where=sigma > 0)
    sigma_z = laney_sigma_z(z[base])
    p_signals = find_signals(z, rules)
    if method == "auto":
        method = "laney" if sigma_z >= LANEY_THRESHOLD and base.sum() >= LANEY_MIN_POINTS else "p"
    centre = p_bar
    if method == "laney":
        sigma = sigma * sigma_z
    elif method == "xmr":
        centre = float(p[base].mean())
        sigma = np.full_like(p, np.mean(np.abs(np.diff(p[base]))) / D2)
    zc = np.divide(p - centre, sigma, out=np.zeros_like(p), where=sigma > 0)
    table = pd.DataFrame({
        "proportion": p, "sample_size": n,
        "lower": np.clip(centre - 3 * sigma, 0, 1), "upper": np.clip(centre + 3 * sigma, 0, 1),
    }, index=index)
    return PChartResult(centre=centre, signals=p_signals if method == "p" else find_signals(zc, rules),
                        table=table, rules=tuple(rules), method=method, sigma_z=sigma_z,
                        p_chart_signals=len(p_signals), z=zc)


def p_chart_of_misses(kpi, rules: tuple[int, ...] = (1, 2, 3, 4), baseline: Baseline = None,
                      method: PMethod = "auto") -> PChartResult:
    """p-chart of the share of cases that missed the standard in each period of a KPI result.

    ``kpi`` is a :class:`course.analysis.kpi.KpiResult` made with ``met_column``.
    """
    if "met" not in kpi.table.columns:
        raise AnalysisError("p_chart_of_misses needs a KPI made with met_column (a true/false column)")
    return p_chart(kpi.table["cases"] - kpi.table["met"], kpi.table["cases"], rules=rules, baseline=baseline,
                   method=method)


def control_chart(result: XmRResult | PChartResult, title: str = "Control chart", ylabel: str = "") -> Chart:
    """Plot an XmR or p-chart: values joined by a line, dashed limits, signals as labelled crosses."""
    fig, (ax,) = style.new_figure()
    if isinstance(result, XmRResult):
        y, lower, upper = result.values, result.lower, result.upper
        ax.axhline(upper, color=style.LIMIT, linestyle="--", label=f"Upper limit {number(upper)}")
        ax.axhline(lower, color=style.LIMIT, linestyle="--", label=f"Lower limit {number(lower)}")
    else:
        y = result.table["proportion"]
        ax.step(y.index, result.upper, where="mid", color=style.LIMIT, linestyle="--",
                label="Laney p′ limits" if result.method == "laney" else "Control limits")
        ax.step(y.index, result.lower, where="mid", color=style.LIMIT, linestyle="--")
    x = y.index
    ax.plot(x, y.to_numpy(), color=style.MAIN, marker="o", markersize=3, linestyle="-", label="Value")
    show = number if isinstance(result, XmRResult) else (lambda v: f"{v:.1%}")
    ax.axhline(result.centre, color=style.TARGET, linestyle=":", label=f"Centre {show(result.centre)}")
    pos = result.signal_positions
    if pos:
        ax.plot(x[pos], y.to_numpy()[pos], linestyle="none", marker="X", markersize=9,
                color=style.ALERT, label="Special-cause signal")
        for p in pos[:5]:
            rules = ",".join(str(s.rule) for s in result.signals if s.position == p)
            ax.annotate(f"rule {rules}", (x[p], y.to_numpy()[p]), textcoords="offset points",
                        xytext=(4, 6), fontsize=8)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize=8)
    n = len(y)
    if isinstance(result, XmRResult):
        caption = (f"{title}: {result.finding}. {n} points, centre {show(result.centre)}, "
                   f"limits {show(result.lower)} to {show(result.upper)}.")
    else:
        caption = (f"{title}: {result.finding}. {n} points, centre {show(result.centre)}. "
                   f"{result.method_note}.")
    return Chart(fig, caption)
