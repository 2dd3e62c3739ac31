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


def test_green_book_declining_rate_past_year_30():
    """HM Treasury Green Book (2022) Annex A6: 3.5% years 1-30, 3.0% 31-75, 2.5% 76-125, 2.0% to 200,
    1.5% to 300, 1.0% after. Its factors: year 30 0.3563, year 31 0.3459."""
    from course.analysis import GREEN_BOOK_SCHEDULE, discount_factors

    f = discount_factors(126)
    assert f[30] == pytest.approx(1.035 ** -30)
    assert f[31] == pytest.approx(1.035 ** -30 / 1.03)
    assert f[75] == pytest.approx(1.035 ** -30 * 1.03 ** -45)
    assert f[76] == pytest.approx(1.035 ** -30 * 1.03 ** -45 / 1.025)
    assert f[126] == pytest.approx(1.035 ** -30 * 1.03 ** -45 * 1.025 ** -50 / 1.02)
    assert (round(f[30], 4), round(f[31], 4)) == (0.3563, 0.3459)
    assert [r for _, r in GREEN_BOOK_SCHEDULE] == [0.035, 0.030, 0.025, 0.020, 0.015, 0.010]
    flows = [-1000] + [100] * 40
    assert npv(flows) == pytest.approx(-1000 + 100 * f[1:41].sum())
    assert npv(flows) > npv(flows, rate=0.035)  # lower rates after year 30 weigh distant benefits more
    assert npv([-1000, 400, 400, 400]) == npv([-1000, 400, 400, 400], rate=0.035)
    summary = compare_investments({"Flood wall": flows}).summary
    assert "Green Book declining discount rates (3.5% in years 1 to 30, 3.0% in years 31 to 40)" in summary
    assert "At the Green Book 3.5% discount rate" in compare_investments({"A": [-10, 20]}).summary


def automate(cost=250_000, saving=80_000, years=5):
    return npv([-cost] + [saving] * int(years))


def test_sensitivity_ranks_inputs_and_finds_switching_values():
    from course.analysis import sensitivity, tornado_chart

    annuity = sum(1.035 ** -t for t in range(1, 6))
    s = sensitivity(automate, change=0.2)
    assert s.base_result == pytest.approx(-250_000 + 80_000 * annuity)
    assert list(s.table.index) == ["saving", "years", "cost"]  # biggest swing first
    assert s.table.loc["saving", "swing"] == pytest.approx(32_000 * annuity)
    assert s.table.loc["cost", "swing"] == pytest.approx(100_000)
    assert s.table.loc["saving", "switching_value"] == pytest.approx(250_000 / annuity)
    assert s.table.loc["cost", "switching_value"] == pytest.approx(80_000 * annuity)
    ranged = sensitivity(automate, base={"cost": 300_000}, ranges={"saving": (50_000, 90_000)})
    assert ranged.table.loc["saving", ["low", "high"]].tolist() == [50_000, 90_000]
    assert ranged.base_result == pytest.approx(-300_000 + 80_000 * annuity)
    chart = tornado_chart(s, title="Automated reminders")
    assert chart.caption.startswith("Automated reminders: The result (111,204 at base) is most sensitive to saving")
    with pytest.raises(AnalysisError, match="'colour' is not an input of automate"):
        sensitivity(automate, base={"colour": 1})


def test_scenarios_table():
    from course.analysis import scenarios

    annuity = sum(1.035 ** -t for t in range(1, 6))
    sc = scenarios(automate, {"Pessimistic": {"saving": 60_000, "cost": 300_000}, "Optimistic": {"saving": 95_000}})
    assert list(sc.table.index) == ["Base case", "Pessimistic", "Optimistic"]
    assert sc.table.loc["Pessimistic", "result"] == pytest.approx(-300_000 + 60_000 * annuity)
    assert sc.table.loc["Optimistic", "change_from_base"] == pytest.approx(15_000 * annuity)
    assert (sc.best, sc.worst) == ("Optimistic", "Pessimistic")
    assert sc.summary == "Across 3 scenarios the result runs from -29,097 (Pessimistic) to 178,930 (Optimistic); 1 of 3 are below zero."
    with pytest.raises(AnalysisError, match="scenario 'Bad' changes 'rate'"):
        scenarios(automate, {"Bad": {"rate": 0.1}})
