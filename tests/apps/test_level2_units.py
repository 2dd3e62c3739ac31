"""The new Level 2 units (202 customer service; personal and professional development) and a
Level 3 unit (304 resolving customer service problems) served by Voila from the repository's own content, in headless Chromium: every element's questions and
scenarios render, no axe violations, and a learner can work them by keyboard alone."""

from __future__ import annotations

import shutil

import pytest

from course.content import load_course
from tests.browser import axe_violations, chromium, course_server, tab_to, wait_for_widgets
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]
COURSE = load_course(REPO, with_banks=False)


def widgets(unit_id: str) -> int:
    """Every formative question and scenario, each activity, and the test's start."""
    unit = COURSE.units[unit_id]
    return (sum(len(e.questions) + len(e.scenarios) for e in unit.elements)
            + len(unit.activities) + 1)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "content"
    root.mkdir()
    shutil.copy(REPO / "catalogue.yaml", root)
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "release", "submitted", "autograded", "feedback")
    for name in ("level2", "level3", "level4", "level7", "autograder"):
        shutil.copytree(REPO / name, root / name, symlinks=True, ignore=skip)
    data = tmp_path_factory.mktemp("data")
    with course_server(root, data) as base, chromium() as browser:
        yield base, browser


def open_unit(browser, base, unit_id: str):
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
    # Voila runs the whole notebook before the page loads: generous on a loaded machine.
    page.goto(f"{base}/voila/render/{unit_id}/{unit_id}.ipynb", timeout=180_000)
    wait_for_widgets(page, widgets(unit_id), timeout=120_000)
    return page


def test_customer_service_is_accessible_and_explains_a_wrong_answer(served):
    base, browser = served
    page = open_unit(browser, base, "customer-service")
    assert axe_violations(page) == []
    kb = page.keyboard
    # A wrong answer (a driver is an external customer) gets its feedback, announced.
    tab_to(page, "#odp-q-cs-ne-q1 input[type=radio]")
    kb.press("Space")
    tab_to(page, "#odp-q-cs-ne-q1 button")
    kb.press("Enter")
    page.locator("#odp-q-cs-ne-q1 [aria-live=polite]").get_by_text(
        "A driver is an external customer.", exact=False).wait_for()
    # The passport office scenario, walked along its best path to the end.
    scenario = page.locator("#odp-q-cs-passport-urgent")
    for consequence in ("She hears that the application is at the checking stage",
                        "She rings her countersignatory that evening",
                        "She knows her options and the date by which to act"):
        tab_to(page, "#odp-q-cs-passport-urgent input[type=radio]")
        kb.press("Space")
        tab_to(page, "#odp-q-cs-passport-urgent button")
        kb.press("Enter")
        scenario.get_by_text(consequence, exact=False).first.wait_for(timeout=60_000)
    scenario.get_by_text("Best choice").first.wait_for()
    page.close()


def test_personal_development_is_accessible_and_keeps_a_cpd_log(served):
    base, browser = served
    page = open_unit(browser, base, "personal-development")
    assert axe_violations(page) == []
    kb = page.keyboard
    tab_to(page, "#odp-q-ppd-cpd-log input", limit=400)  # the log comes after every element
    kb.type("01/12/2026")
    tab_to(page, "#odp-q-ppd-cpd-log textarea")
    kb.type("By the end of January, handle complaint calls on my own")
    tab_to(page, "#odp-q-ppd-cpd-log button")
    kb.press("Enter")
    page.locator("#odp-q-ppd-cpd-log .odp-cpd-list").get_by_text(
        "By the end of January, handle complaint calls on my own").wait_for()
    page.close()


def test_a_level3_unit_is_accessible_and_explains_a_wrong_answer(served):
    base, browser = served
    page = open_unit(browser, base, "resolving-problems")
    assert axe_violations(page) == []
    kb = page.keyboard
    # A symptom taken for the root cause gets its feedback, announced.
    tab_to(page, "#odp-q-rp-rc-q1 input[type=radio]")
    kb.press("Space")  # the first option: customers phoning to chase their applications
    tab_to(page, "#odp-q-rp-rc-q1 button")
    kb.press("Enter")
    page.locator("#odp-q-rp-rc-q1 [aria-live=polite]").get_by_text(
        "The calls are a symptom of the delay", exact=False).wait_for()
    page.close()
