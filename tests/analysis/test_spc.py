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
    # the finding (biggest signal first) leads; the chart's description follows
    assert chart.caption.startswith("Complaints a month: 1 special-cause signal(s), the biggest at Jul 2024 "
                                    "(40, 5.0 sigma above the centre); rule 1")
    assert "7 points, centre 14.71" in chart.caption
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


def test_biggest_signal_is_named_first():
    s = pd.Series([10, 11, 10, 11, 25, 11, 10, 11, 10, 40, 10, 11],
                  index=pd.date_range("2024-01-01", periods=12, freq="MS"))
    r = xmr(s, rules=(1,), baseline=("2024-01", "2024-04"))
    assert r.signal_positions == [4, 9]
    assert r.finding.startswith("2 special-cause signal(s), the biggest at Oct 2024 (40, ")


def laney_by_hand(d, n):
    p_bar = d.sum() / n.sum()
    sigma = np.sqrt(p_bar * (1 - p_bar) / n)
    z = (d / n - p_bar) / sigma
    sigma_z = np.mean(np.abs(np.diff(z))) / 1.128
    return p_bar, sigma_z, p_bar + 3 * sigma * sigma_z, p_bar - 3 * sigma * sigma_z


def overdispersed_months(seed=7, months=60):
    """Monthly misses out of ~1,600 cases whose true rate drifts month to month (as real services do)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1500, 1700, months)
    rate = np.clip(0.08 + rng.normal(0, 0.016, months), 0.01, 0.5)
    d = rng.binomial(n, rate)
    return pd.Series(d, index=pd.date_range("2020-04-01", periods=months, freq="MS")), pd.Series(n, index=pd.date_range("2020-04-01", periods=months, freq="MS"))


def test_laney_p_prime_is_chosen_when_over_dispersed_and_said_in_the_caption():
    d, n = overdispersed_months()
    p_bar, sigma_z, upper, lower = laney_by_hand(d.to_numpy(), n.to_numpy())
    assert sigma_z > 2  # far more spread than binomial sampling alone
    plain = p_chart(d, n, method="p")
    auto = p_chart(d, n)
    assert auto.method == "laney" and auto.sigma_z == pytest.approx(sigma_z)
    assert auto.upper.to_numpy() == pytest.approx(upper) and auto.lower.to_numpy() == pytest.approx(lower)
    assert len(plain.signals) > 15 and len(auto.signals) < 4 and auto.p_chart_signals == len(plain.signals)
    caption = control_chart(auto, title="Monthly misses").caption
    assert f"Laney p′ chart: the proportions vary more from period to period than their sample sizes explain " \
           f"(Laney sigma_z = {sigma_z:.2f})" in caption
    assert f"a standard p-chart would flag {len(plain.signals)} signal(s)" in caption


def test_binomial_data_keeps_the_p_chart():
    rng = np.random.default_rng(3)
    n = pd.Series(rng.integers(1500, 1700, 60))
    d = pd.Series(rng.binomial(n, 0.08))
    r = p_chart(d, n)
    assert r.method == "p" and 0.7 < r.sigma_z < 1.3
    assert "p-chart: limits from the sample sizes (Laney sigma_z = " in r.summary


def test_xmr_of_proportions():
    d, n = overdispersed_months(months=20)
    r = p_chart(d, n, method="xmr")
    p = (d / n).to_numpy()
    mr = np.mean(np.abs(np.diff(p)))
    assert r.centre == pytest.approx(p.mean())
    assert r.upper.to_numpy() == pytest.approx(p.mean() + 3 * mr / 1.128)
    assert "XmR chart of the proportions" in r.summary
    with pytest.raises(AnalysisError, match="method must be 'auto', 'p', 'laney' or 'xmr'"):
        p_chart(d, n, method="u")
