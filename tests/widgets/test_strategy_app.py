"""PESTLE, SWOT, the stakeholder map and the options what-if served by Voila, in headless Chromium: filled in by
keyboard only, saved to the record, restored on reload, and no axe violations."""

from __future__ import annotations

import shutil

import pytest
import yaml

from tests.browser import axe_violations, chromium, course_server, tab_to, wait_for_widgets
from tests.conftest import FIXTURES
from tests.service.running import service_record

pytestmark = [pytest.mark.browser, pytest.mark.slow]
UNIT_URL = "/voila/render/strategy-unit/strategy-unit.ipynb"
PESTLE, STAKEHOLDERS, WHATIF = "#odp-q-pestle", "#odp-q-stakeholders", "#odp-q-whatif"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    # The shared fixture tree plus a Level 7 unit holding one of each strategic analysis widget.
    root = tmp_path_factory.mktemp("course") / "content"
    shutil.copytree(FIXTURES / "content", root)
    shutil.copytree(FIXTURES / "strategy-unit", root / "level7" / "strategy-unit")
    catalogue = yaml.safe_load((root / "catalogue.yaml").read_text(encoding="utf-8"))
    catalogue["qualifications"].append({
        "id": "l7-sample", "title": "Level 7 Sample Qualification", "level": 7, "awarding_body": "CMI",
        "units": [{"code": "S1", "title": "Strategic analysis sample", "assessment": "project",
                   "path": "level7/strategy-unit"}]})
    (root / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, sort_keys=False), encoding="utf-8")
    data = tmp_path_factory.mktemp("data")
    with course_server(root, data) as base, chromium() as browser:
        yield base, browser, data / "learners" / "demo-learner" / "strategy-unit"


def test_keyboard_only_pestle_and_stakeholder_are_saved_and_restored(served):
    base, browser, folder = served
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page.goto(base + UNIT_URL)
    wait_for_widgets(page, 4)
    kb = page.keyboard

    # An empty entry is refused with a GOV.UK error summary that takes focus.
    tab_to(page, f"{PESTLE} button")
    kb.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.matches('.odp-error-summary')")
    summary = page.evaluate("document.activeElement.textContent")
    assert "There is a problem" in summary and "Enter a political factor" in summary

    # A political factor, rated high impact: Tab to each control, Space picks the radio.
    tab_to(page, f"{PESTLE} textarea")
    kb.type("Spending review cuts the budget by 5%")
    tab_to(page, f"{PESTLE} input[type=radio]")
    kb.press("Space")
    tab_to(page, f"{PESTLE} button")
    kb.press("Enter")
    political = page.locator(f"{PESTLE} .odp-box").first
    political.locator(".odp-entry__text", has_text="Spending review cuts the budget by 5%").wait_for()
    assert political.locator(".odp-tag").inner_text() == "Impact: High"  # in words, not colour
    page.locator(f"{PESTLE} [aria-live=polite]").get_by_text("Added to Political").wait_for()
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"  # ready for the next one
    assert page.input_value(f"{PESTLE} textarea >> nth=0") == ""

    # A stakeholder with high power and low interest: Mendelow says keep satisfied.
    tab_to(page, f"{STAKEHOLDERS} input[type=text]")
    kb.type("Regional operations director")
    tab_to(page, f"{STAKEHOLDERS} input[type=radio]")
    kb.press("Space")          # power: high
    kb.press("Tab")            # one tab stop per radio group
    kb.press("ArrowDown")      # interest: low
    tab_to(page, f"{STAKEHOLDERS} button")
    kb.press("Enter")
    row = page.locator(f"{STAKEHOLDERS} table tbody tr").first
    row.get_by_text("Keep satisfied").wait_for()
    assert row.locator("th").inner_text() == "Regional operations director"
    assert "Regional operations director" in page.locator(f"{STAKEHOLDERS} .odp-grid__cell", has_text="Keep satisfied").inner_text()
    page.locator(f"{STAKEHOLDERS} [aria-live=polite]").get_by_text("so keep satisfied").wait_for()
    assert axe_violations(page) == []

    header, entries = service_record(folder.parents[2], "demo-learner", "strategy-unit")  # the service's
    latest = {e.item: e.response for e in entries if e.kind == "answer"}
    assert latest["pestle"]["political"][0]["impact"] == "high"
    assert latest["stakeholders"][0]["power"] == "high" and latest["stakeholders"][0]["interest"] == "low"

    page.reload()
    wait_for_widgets(page, 4)
    political = page.locator(f"{PESTLE} .odp-box").first
    political.locator(".odp-entry__text", has_text="Spending review cuts the budget by 5%").wait_for()
    assert political.locator(".odp-tag").inner_text() == "Impact: High"
    page.locator(f"{STAKEHOLDERS} table tbody tr").first.get_by_text("Keep satisfied").wait_for()
    # The report's HTML tables travel with the widget but Voila shows the widget only.
    assert page.locator(".odp-analysis-report").count() == 0
    assert axe_violations(page) == []
    page.close()


def test_keyboard_only_what_if_redraws_the_npv_and_sensitivity_table_and_saves(served):
    base, browser, folder = served
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page.goto(base + UNIT_URL)
    wait_for_widgets(page, 4)
    kb = page.keyboard
    form = page.locator(f"{WHATIF} fieldset")
    assert form.locator("legend").inner_text() == "Your figures for one option"
    live = page.locator(f"{WHATIF} [role=status][aria-live=polite]").first
    live.get_by_text("Net present value: £161,204").wait_for()   # the example figures, drawn by the kernel
    years = page.get_by_label("Years of benefit")
    assert years.get_attribute("aria-describedby")

    # A figure left empty: the error summary takes focus and links to the field.
    tab_to(page, f"{WHATIF} input[name=years]")
    kb.press("Control+A")
    kb.press("Backspace")
    kb.press("Enter")   # submits the form
    page.wait_for_function("document.activeElement && document.activeElement.matches('.odp-error-summary')")
    assert "Enter the years of benefit" in page.evaluate("document.activeElement.textContent")

    # New figures, typed and sent with Enter: the NPV is announced and the table redrawn.
    tab_to(page, f"{WHATIF} input[name=upfront_cost]")
    kb.press("Control+A")
    kb.type("£120,000")
    tab_to(page, f"{WHATIF} input[name=years]")
    kb.type("3")
    tab_to(page, f"{WHATIF} button[type=submit]")
    kb.press("Enter")
    npv = round(-120_000 + 80_000 * sum(1.035 ** -t for t in range(1, 4)))
    live.get_by_text(f"Net present value: £{npv:,}").wait_for()
    # Over 3 years, a year more or less moves the NPV most (2 to 4 years): the table leads with it.
    assert "most sensitive to the years of benefit" in live.inner_text()
    table = page.locator(f"{WHATIF} table.odp-whatif-table")
    assert table.locator("tbody tr th").first.inner_text() == "Years of benefit"
    assert "£120,000" in table.inner_text() and "3 years" in table.inner_text()
    assert page.locator(f"{WHATIF} .odp-error-summary").count() == 0
    assert axe_violations(page) == []

    header, entries = service_record(folder.parents[2], "demo-learner", "strategy-unit")
    saved = [e.response for e in entries if e.kind == "answer" and e.item == "whatif"]
    assert saved[-1]["upfront_cost"] == 120_000 and saved[-1]["years"] == 3

    page.reload()
    wait_for_widgets(page, 4)
    page.locator(f"{WHATIF} [role=status]").first.get_by_text(f"Net present value: £{npv:,}").wait_for()
    assert page.input_value(f"{WHATIF} input[name=years]") == "3"
    page.close()
