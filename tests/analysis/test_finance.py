"""NPV and payback against hand calculations."""

from __future__ import annotations

import math

import pytest

from course.analysis import AnalysisError, compare_investments, npv, payback_period


def test_npv_by_hand():
    # -1000 + 400/1.035 + 400/1.035^2 + 400/1.035^3 = -1000 + 386.473 + 373.404 + 360.777 = 120.655
    assert npv([-1000, 400, 400, 400]) == pytest.approx(120.6548, abs=1e-3)
    assert npv([-1000, 400, 400, 400], rate=0.10) == pytest.approx(-5.2592, abs=1e-3)
    assert npv([500]) == 500  # year 0 is not discounted
    assert npv([0, 1035], rate=0.035) == pytest.approx(1000)


def test_payback_by_hand():
    assert payback_period([-1000, 400, 400, 400]) == pytest.approx(2.5)  # 800 after 2 years, 200 of 400 more
    assert payback_period([-100, -50, 100, 100]) == pytest.approx(2.5)
    assert payback_period([-1000, 500, 500]) == pytest.approx(2.0)
    assert payback_period([-1000, 100, 100]) is None
    assert payback_period([50, 10]) == 0.0


def test_compare_investments_picks_highest_npv():
    c = compare_investments({"Do nothing": [0, 0, 0], "Reminders": [-100, 80, 80], "Staff": [0, 20, 20]})
    assert c.best == "Reminders"
    assert c.table.loc["Reminders", "payback_years"] == pytest.approx(1.25)
    assert math.isnan(c.table.loc["Do nothing", "payback_years"]) is False  # 0.0: nothing to pay back
    assert "highest net present value" in c.summary and "Reminders" in c._repr_html_()


@pytest.mark.parametrize(
    "flows,rate,message",
    [
        ([], 0.035, "cash_flows is empty"),
        ([-100, float("nan")], 0.035, "missing or infinite value in year 1"),
        (["a", 1], 0.035, "cash_flows must be numbers"),
        ([-100, 50], -1.0, "rate must be a yearly rate above -100%"),
    ],
)
def test_bad_inputs_are_explained(flows, rate, message):
    with pytest.raises(AnalysisError, match=message):
        npv(flows, rate)


def test_payback_and_compare_errors():
    with pytest.raises(AnalysisError, match="cash_flows is empty"):
        payback_period([])
    with pytest.raises(AnalysisError, match="options is empty"):
        compare_investments({})
