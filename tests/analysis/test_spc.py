"""Control limits and run rules against hand calculations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.analysis import AnalysisError, control_chart, find_signals, p_chart, xmr


def test_xmr_limits_by_hand():
    # Mean 99/7 = 14.142857; moving ranges 2,1,2,1,1,19 average 26/6 = 4.333333.
    r = xmr([10, 12, 11, 13, 12, 11, 30])
    assert r.centre == pytest.approx(99 / 7)
    assert r.average_moving_range == pytest.approx(26 / 6)
    assert r.upper == pytest.approx(99 / 7 + 2.66 * 26 / 6)
    assert r.lower == pytest.approx(99 / 7 - 2.66 * 26 / 6)
    assert [(s.position, s.rule, s.side) for s in r.signals] == [(6, 1, "above")]


def test_rule_4_on_a_shifted_series():
    values = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 12, 12.5, 12, 12.5, 12, 12.5, 12, 12.5]
    r = xmr(values, rules=(4,))
    assert [s.position for s in r.signals] == [17]  # the 8th point in a row above the centre
    assert all(s.rule == 4 and s.side == "above" for s in r.signals)
    assert "rule 4" in r.signals[0].description and "eight points" in r.signals[0].description


@pytest.mark.parametrize(
    "z,expected",
    [
        ([0, 3.5, 0], [(1, 1, "above")]),
        ([0, -3.2, 0], [(1, 1, "below")]),
        ([2.5, 0, 2.5], [(2, 2, "above")]),
        ([2.5, 2.5, -2.5], [(1, 2, "above")]),
        ([1.5, 1.5, 0, 1.5, 1.5], [(4, 3, "above")]),
        ([-0.5] * 8, [(7, 4, "below")]),
        ([0.5] * 7, []),
        ([2.5, 0, -2.5], []),  # opposite sides do not count together
    ],
)
def test_each_western_electric_rule(z, expected):
    got = [(s.position, s.rule, s.side) for s in find_signals(np.array(z))]
    assert got == expected


def test_p_chart_limits_by_hand():
    # p-bar = 35/400 = 0.0875; sigma(n=100) = sqrt(0.0875 × 0.9125 / 100) = 0.0282567
    r = p_chart([5, 6, 4, 20], [100, 120, 80, 100])
    assert r.centre == pytest.approx(0.0875)
    sigma = np.sqrt(0.0875 * 0.9125 / np.array([100, 120, 80, 100]))
    assert r.upper.to_numpy() == pytest.approx(0.0875 + 3 * sigma)
    assert r.lower.to_numpy() == pytest.approx(np.clip(0.0875 - 3 * sigma, 0, 1))
    assert r.lower.iloc[2] == 0  # clipped at zero for the smallest sample
    assert r.upper.iloc[0] == pytest.approx(0.172270, abs=1e-6)
    assert [(s.position, s.rule) for s in r.signals] == [(3, 1)]


def test_baseline_sets_limits_from_a_stable_period():
    s = pd.Series([10, 11, 10, 11, 10, 11, 40, 41], index=pd.date_range("2024-01-01", periods=8, freq="MS"))
    r = xmr(s, baseline=("2024-01", "2024-06"))
    assert r.centre == pytest.approx(10.5)
    assert {x.position for x in r.signals if x.rule == 1} == {6, 7}


def test_chart_caption_states_the_signals():
    s = pd.Series([10, 11, 10, 11, 10, 11, 40], index=pd.date_range("2024-01-01", periods=7, freq="MS"))
    chart = control_chart(xmr(s), title="Complaints a month")
    assert "Complaints a month: 7 points" in chart.caption
    assert "rule 1" in chart.caption and "Jul 2024" in chart.caption
    stable = control_chart(xmr([5, 6, 5, 6, 5, 6]), title="Stable")
    assert "no special-cause signals" in stable.caption


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: xmr([1, 2]), "values needs at least 3 points"),
        (lambda: xmr([1, 2, float("nan"), 4]), "missing or non-numeric value at position 2"),
        (lambda: xmr(["a", "b", "c"]), "values must be numbers"),
        (lambda: xmr([1, 2, 3, 4], rules=(5,)), "unknown run rule"),
        (lambda: xmr(pd.Series([1.0, 2, 3, 4]), baseline=(0, 1)), "covers 2 points; at least 3"),
        (lambda: p_chart([1, 2, 3, 4], [10, 10, 10]), "defectives has 4 points but sample_sizes has 3"),
        (lambda: p_chart([1, 2, 3], [10, 0, 10]), "sample size must be greater than zero"),
        (lambda: p_chart([1, 20, 3], [10, 10, 10]), "defectives must be between 0 and the sample size"),
    ],
)
def test_bad_inputs_are_explained(call, message):
    with pytest.raises(AnalysisError, match=message):
        call()
