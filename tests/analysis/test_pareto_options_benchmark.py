"""Pareto, options appraisal and benchmarking."""

from __future__ import annotations

import pandas as pd
import pytest

from course.analysis import (AnalysisError, benchmark, benchmark_chart, options_chart, pareto, pareto_chart,
                             score_options)


def test_pareto_vital_few_by_hand():
    p = pareto({"Fee": 5, "Photo": 25, "Documents": 60, "Other": 10})
    assert list(p.table.index) == ["Documents", "Photo", "Other", "Fee"]
    assert p.table["cumulative_share"].tolist() == pytest.approx([0.60, 0.85, 0.95, 1.0])
    assert p.vital_few == ["Documents", "Photo"] and p.vital_share == pytest.approx(0.85)
    assert pareto_chart(p).caption.endswith("2 of 4 causes (Documents, Photo) account for 85% of the total of 100.")


def test_pareto_from_rows_weighted_by_value():
    df = pd.DataFrame({"reason": ["a", "b", "a", None], "gbp": [10.0, 100, 5, 1]})
    p = pareto(df, column="reason", weights="gbp", threshold=0.5)
    assert p.vital_few == ["b"] and p.total == 115


@pytest.mark.parametrize(
    "args,kwargs,message",
    [
        ({}, {}, "nothing to analyse"),
        ({"a": 0}, {}, "nothing to analyse"),
        ({"a": 5, "b": -1}, {}, "counts cannot be negative \\(cause 'b'\\)"),
        ({"a": 5}, {"threshold": 80}, "threshold is a share between 0 and 1"),
        (pd.DataFrame({"x": [1]}), {"column": "reason"}, "column 'reason' is not in the data"),
    ],
)
def test_pareto_bad_inputs(args, kwargs, message):
    with pytest.raises(AnalysisError, match=message):
        pareto(args, **kwargs)


SCORES = {"Do nothing": {"cost": 5, "impact": 1}, "Reminders": {"cost": 4, "impact": 4}, "Staff": {"cost": 2, "impact": 5}}


def test_weighted_scores_by_hand():
    a = score_options(SCORES, {"cost": 1, "impact": 2})
    # Weights scale to 1/3 and 2/3: Reminders 4/3 + 8/3 = 4.0; Staff 2/3 + 10/3 = 4.0; Do nothing 7/3.
    assert a.table.loc["Reminders", "weighted_score"] == pytest.approx(4.0)
    assert a.table.loc["Do nothing", "weighted_score"] == pytest.approx(7 / 3)
    assert a.weights["impact"] == pytest.approx(2 / 3)
    assert a.margin == pytest.approx(0.0) and "narrow lead" in a.summary
    caption = options_chart(a).caption
    assert "Ranking: 1." in caption and "3. Do nothing 2.33" in caption


@pytest.mark.parametrize(
    "scores,weights,message",
    [
        (SCORES, {"cost": 1, "impact": 1, "risk": 1}, "no scores for criterion 'risk'"),
        (SCORES, {"cost": 1}, "criterion 'impact' has scores but no weight"),
        (SCORES, {"cost": -1, "impact": 1}, "weights must be zero or more"),
        (SCORES, {"cost": 0, "impact": 0}, "weights add up to zero"),
        ({"A": {"cost": 7, "impact": 1}}, {"cost": 1, "impact": 1}, "option 'A' scores 7 for 'cost', outside the 1 to 5 scale"),
        ({"A": {"cost": "high", "impact": 1}}, {"cost": 1, "impact": 1}, "option 'A' has no numeric score for criterion 'cost'"),
        ({}, {"cost": 1}, "scores is empty"),
    ],
)
def test_options_bad_inputs(scores, weights, message):
    with pytest.raises(AnalysisError, match=message):
        score_options(scores, weights)


def test_benchmark_ranks_and_gaps():
    b = benchmark({"North": 0.97, "South": 0.91, "East": 0.95}, measure="share on time")
    assert (b.best, b.worst, b.median) == ("North", "South", 0.95)
    assert b.table.loc["South", "gap_to_median"] == pytest.approx(-0.04)
    assert b.table.loc["South", "gap_to_best"] == pytest.approx(-0.06)
    assert "a gap of 6.0 percentage points" in benchmark_chart(b).caption


def test_benchmark_from_rows_lower_is_better():
    df = pd.DataFrame({"team": ["a", "a", "b", "b", "c"], "days": [10, 12, 20, 22, 15]})
    b = benchmark(df, "team", "days", higher_is_better=False)
    assert b.best == "a" and b.worst == "b" and b.table.loc["a", "cases"] == 2


def test_benchmark_bad_inputs():
    with pytest.raises(AnalysisError, match="at least two groups"):
        benchmark({"only": 1.0})
    with pytest.raises(AnalysisError, match="column 'site' is not in the data"):
        benchmark(pd.DataFrame({"team": ["a"]}), "site", "team")


def test_benchmark_chart_is_drawn_in_rank_order():
    """Best at the top, every row in rank order, whichever marker (better or worse than median) it has."""
    values = {"Leeds": 0.90, "Bootle": 0.97, "Durham": 0.88, "Newport": 0.95, "Peterborough": 0.93}
    b = benchmark(values, measure="share on time")
    chart = benchmark_chart(b)
    ax = chart.figure.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[::-1] == ["1. Bootle", "2. Newport", "3. Peterborough", "4. Leeds", "5. Durham"]
    ticks = ax.get_yticks()
    for line in ax.lines[:2]:  # the two marker series sit at their rank's position
        for x, y in zip(line.get_xdata(), line.get_ydata()):
            assert labels[list(ticks).index(y)].split(". ")[1] == next(k for k, v in values.items() if v == x)
    assert "Ranking: 1. Bootle 97.0%; 2. Newport 95.0%; 3. Peterborough 93.0%; 4. Leeds 90.0%; 5. Durham 88.0%." \
        in chart.caption
