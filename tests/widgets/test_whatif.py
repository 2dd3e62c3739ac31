"""What-if inputs for options appraisal recompute the result and its sensitivity on every change."""

from __future__ import annotations

import doctest

import pytest

import course.widgets.whatif as whatif_module
from course.analysis import npv
from course.widgets.whatif import what_if


def automate(cost=250_000, saving=80_000, years=5):
    return npv([-cost] + [saving] * int(years))


def test_changing_an_input_recomputes_into_a_live_region():
    w = what_if(automate, label="Net present value (£)")
    assert [b.description for b in w.inputs.values()] == ["cost", "saving", "years"]
    assert 'role="status"' in w.result.value and "Net present value (£): 111,204" in w.result.value
    w.inputs["saving"].value = 60_000
    annuity = sum(1.035 ** -t for t in range(1, 6))
    assert w.values["saving"] == 60_000
    assert f"Net present value (£): {-250_000 + 60_000 * annuity:,.0f}" in w.result.value
    assert "most sensitive to" in w.result.value and "switching values" in w.result.value


def test_a_model_error_is_shown_as_a_problem():
    def broken(cost=1.0):
        return float("inf") if cost > 5 else cost

    w = what_if(broken)
    w.inputs["cost"].value = 10
    assert 'role="alert"' in w.result.value and "There is a problem" in w.result.value


def test_docstring_example():
    assert doctest.testmod(whatif_module).failed == 0


# -- the options-appraisal what-if activity (NpvWhatIfWidget) --------------------------------------
import shutil  # noqa: E402

from course.analysis.option_figures import read_figures, what_if_html  # noqa: E402
from course.analysis.option_figures import what_if as option_what_if  # noqa: E402
from course.notebook import open_unit  # noqa: E402
from course.record import RECORD_FILE, read_record  # noqa: E402
from course.widgets.whatif import NpvWhatIfWidget  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402

FIGURES = {"option": "Automate reminders", "upfront_cost": "£150,000", "annual_cost": "10,000",
           "annual_benefit": "60,000", "years": "6", "discount_rate": "3.5%"}


@pytest.fixture
def unit(tmp_path):
    folder = tmp_path / "strategy-unit"
    shutil.copytree(FIXTURES / "strategy-unit", folder)
    return open_unit(folder, learner="amy")


def test_the_npv_is_the_green_book_discounted_sum_and_the_table_ranks_the_swing():
    figures, errors = read_figures(FIGURES)
    assert errors == []
    result = option_what_if(figures)
    # £50,000 a year net for 6 years at 3.5%, less £150,000 now.
    expected = -150_000 + 50_000 * sum(1.035 ** -t for t in range(1, 7))
    assert round(result.npv) == round(expected)
    table = result.sensitivity.table
    assert table.index[0] == "annual_benefit" and list(table["swing"]) == sorted(table["swing"], reverse=True)
    # Switching value: the benefit at which the NPV is zero, others at base.
    annuity = sum(1.035 ** -t for t in range(1, 7))
    assert table.loc["annual_benefit", "switching_value"] == pytest.approx(10_000 + 150_000 / annuity)
    # Past year 30 the Green Book rate declines, and the words say so.
    long, _ = read_figures({**FIGURES, "years": "40"})
    assert "declining" in option_what_if(long).rate_text
    # A short option: the switching search for the rate must not try a rate below -100%.
    short, _ = read_figures({**FIGURES, "upfront_cost": "120,000", "annual_benefit": "80,000", "annual_cost": "0",
                             "years": "3"})
    assert option_what_if(short).sensitivity.table.loc["discount_rate", "switching_value"] > 3.5


def test_figures_that_cannot_be_read_are_named_field_by_field():
    figures, errors = read_figures({**FIGURES, "upfront_cost": "lots", "years": "2.5", "discount_rate": "",
                                    "annual_cost": "-5"})
    assert figures is None
    assert dict(errors) == {
        "upfront_cost": "The up-front cost must be a number, like 200,000",
        "years": "The years of benefit must be a whole number from 1 to 60",
        "discount_rate": "Enter the discount rate",
        "annual_cost": "The running cost a year must be £0 or more (enter a cost as a cost, not a negative benefit)"}


def test_the_widget_works_out_saves_and_restores_the_learners_figures(unit):
    w = unit.activity("whatif")
    assert isinstance(w, NpvWhatIfWidget) and w.kind == "what_if"
    assert [f["label"] for f in w.config["fields"]][:2] == ["Option", "Up-front cost (£)"]
    assert "Net present value" not in w.view["npv"] and w.view["npv"] == "£161,204"  # the example figures
    w.act("calculate", request=1, **FIGURES)
    assert w.view["request"] == 1 and "errors" not in w.view
    assert w.view["npv"] == f"£{round(-150_000 + 50_000 * sum(1.035 ** -t for t in range(1, 7))):,}"
    assert w.view["announce"].startswith("Automate reminders: net present value £")
    assert "<caption" in w.view["table"] and "Benefit a year" in w.view["table"]
    _, entries = read_record(unit.folder / RECORD_FILE)
    saved = [e for e in entries if e.item == "whatif" and e.kind == "answer"]
    assert len(saved) == 1 and saved[0].response["upfront_cost"] == 150_000 and saved[0].response["years"] == 6

    # A figure it cannot read: GOV.UK errors, the last good result kept, nothing saved.
    w.act("calculate", request=2, **{**FIGURES, "years": "0"})
    assert w.view["errors"] == [["years", "The years of benefit must be a whole number from 1 to 60"]]
    assert w.view["figures"]["years"] == 6
    assert len([e for e in read_record(unit.folder / RECORD_FILE)[1] if e.item == "whatif"]) == 1

    again = open_unit(unit.folder, learner="amy").activity("whatif")
    assert again.response["option"] == "Automate reminders" and again.view["npv"] == w.view["npv"]
    assert again.view["request"] is None   # restored, not an answer to a request


def test_the_browser_may_only_send_text_figures(unit):
    w = unit.activity("whatif")
    w.act("calculate", request=1, **{**FIGURES, "years": 6})   # a number, not the text typed: refused
    w.act("calculate", request=1, option="x" * 2_000)           # over the hard cap: refused
    w.set_state({"response": {"option": "Forged", "upfront_cost": 0}})   # kernel-only trait
    assert w.response["option"] == "Option A" and w.view["request"] is None


def test_the_saved_figures_render_for_the_assessor_and_the_report(unit):
    w = unit.activity("whatif")
    w.calculate(**FIGURES)
    html = what_if_html(w.response, "What if?")
    assert "Automate reminders: net present value £" in html and "<table" in html and "NPV is zero at" in html
    assert 'style="border' in html   # styled inline: a report has no stylesheet
    bundle, _ = w._repr_mimebundle_()
    assert bundle["text/html"] == w.report_html() and "application/vnd.jupyter.widget-view+json" in bundle
    assert "cannot be read" in what_if_html({"option": "A"})
