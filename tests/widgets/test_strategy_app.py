"""PESTLE, SWOT and the stakeholder map served by Voila, in headless Chromium: filled in by
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
PESTLE, STAKEHOLDERS = "#odp-q-pestle", "#odp-q-stakeholders"


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
    wait_for_widgets(page, 3)
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
    wait_for_widgets(page, 3)
    political = page.locator(f"{PESTLE} .odp-box").first
    political.locator(".odp-entry__text", has_text="Spending review cuts the budget by 5%").wait_for()
    assert political.locator(".odp-tag").inner_text() == "Impact: High"
    page.locator(f"{STAKEHOLDERS} table tbody tr").first.get_by_text("Keep satisfied").wait_for()
    # The report's HTML tables travel with the widget but Voila shows the widget only.
    assert page.locator(".odp-analysis-report").count() == 0
    assert axe_violations(page) == []
    page.close()
