"""The demo unit served by Voila, in headless Chromium: accessible, keyboard-only, restores on
reload, and no answer key in the page before the learner answers."""

from __future__ import annotations

import shutil

import pytest

from course.record import RECORD_FILE, read_record
from tests.browser import axe_violations, chromium, course_server, tab_to, wait_for_widgets
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
UNIT_URL = "/voila/render/sample-unit/sample-unit.ipynb"
WIDGETS_ON_PAGE = 10  # 5 questions, scenario, CPD log, checklist, reflection, test start


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "content"
    shutil.copytree(FIXTURES / "content", root)
    data = tmp_path_factory.mktemp("data")
    with course_server(root, data) as base, chromium() as browser:
        yield base, browser, data / "learners" / "demo-learner" / "sample-unit"


def open_unit(browser, base):
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page.goto(base + UNIT_URL)
    wait_for_widgets(page, WIDGETS_ON_PAGE)
    return page


def question(item: str) -> str:
    return f"#odp-q-{item}"


def test_no_accessibility_violations_on_the_unit_and_home(served):
    base, browser, _ = served
    page = open_unit(browser, base)
    assert axe_violations(page) == []
    home = browser.new_page()
    home.goto(base + "/voila/render/home.ipynb")
    home.wait_for_selector("main h1")
    assert axe_violations(home) == []
    page.close(), home.close()


def test_no_answer_key_in_the_page_before_answering(served):
    base, browser, _ = served
    page = open_unit(browser, base)
    html = page.content()
    for secret in ("Objectivity means basing advice on evidence", "Civil servants serve the party in power",
                   "implied special treatment", "You acted with impartiality", "quality",
                   "Targets are part of the Code", '"correct"', "Right. Honesty is one of"):
        assert secret not in html, secret
    page.close()


def test_radios_are_one_tab_stop_with_visible_focus_and_large_targets(served):
    base, browser, _ = served
    page = open_unit(browser, base)
    tab_to(page, f"{question('values-q1')} input[type=radio]")
    focused = page.evaluate("""() => { const el = document.activeElement; const s = getComputedStyle(el);
        const r = el.getBoundingClientRect(); return {w: r.width, h: r.height, outline: s.outlineWidth, style: s.outlineStyle,
        legend: el.closest('fieldset').querySelector('legend').textContent}; }""")
    assert focused["w"] >= 24 and focused["h"] >= 24
    assert focused["outline"] == "3px" and focused["style"] == "solid"
    assert "Which of these is a Civil Service Code value?" in focused["legend"]
    page.keyboard.press("Tab")  # leaves the group in one press
    assert page.evaluate("document.activeElement.textContent") == "Check answer"
    page.close()


def test_keyboard_only_answers_every_widget_type_and_reload_restores(served):
    base, browser, folder = served
    page = open_unit(browser, base)
    kb = page.keyboard

    # single choice: arrow keys move within the group; the feedback is announced
    tab_to(page, f"{question('values-q1')} input[type=radio]")
    kb.press("ArrowDown")  # selects Objectivity (b)
    tab_to(page, f"{question('values-q1')} button")
    kb.press("Enter")
    live = page.locator(f"{question('values-q1')} [aria-live=polite]")
    live.get_by_text("Correct.").wait_for()

    # check with nothing chosen: an error summary takes focus
    tab_to(page, f"{question('values-q2')} button")
    kb.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.matches('.odp-error-summary')")
    assert "There is a problem" in page.evaluate("document.activeElement.textContent")
    tab_to(page, f"{question('values-q2')} input[value=true]")
    kb.press("Space")
    tab_to(page, f"{question('values-q2')} button")
    kb.press("Enter")
    page.locator(f"{question('values-q2')} [aria-live=polite]").get_by_text("Correct.").wait_for()

    # multiple choice: Space ticks checkboxes
    for value in ("a", "d"):
        tab_to(page, f"{question('values-q3')} input[value={value}]")
        kb.press("Space")
    tab_to(page, f"{question('values-q3')} button")
    kb.press("Enter")
    page.locator(f"{question('values-q3')} [aria-live=polite]").get_by_text("Correct.").wait_for()

    # numeric and text answers
    for item, text in (("values-q4", "4"), ("values-q5", "impartiality")):
        tab_to(page, f"{question(item)} input")
        kb.type(text)
        tab_to(page, f"{question(item)} button")
        kb.press("Enter")
        page.locator(f"{question(item)} [aria-live=polite]").get_by_text("Correct.").wait_for()

    # branching scenario: choose, continue, and focus moves to the outcome
    tab_to(page, f"{question('counter-request')} input[type=radio]")
    kb.press("Space")
    tab_to(page, f"{question('counter-request')} button")
    kb.press("Enter")
    page.locator(f"{question('counter-request')}").get_by_text("Best choice").wait_for()

    # CPD log
    tab_to(page, f"{question('cpd')} input")
    kb.type("23/11/2026")
    tab_to(page, f"{question('cpd')} textarea")
    kb.type("Learn the seven UK GDPR principles")
    tab_to(page, f"{question('cpd')} button")
    kb.press("Enter")
    page.locator(f"{question('cpd')} .odp-cpd-list").get_by_text("Learn the seven UK GDPR principles").wait_for()

    # checklist and reflection
    tab_to(page, f"{question('ready')} input[value='1']")
    kb.press("Space")
    tab_to(page, f"{question('reflect')} textarea")
    kb.type("I treated every customer the same way.")
    kb.press("Tab")  # leaving the box saves it
    page.locator(f"{question('reflect')} .odp-count").get_by_text("You have 7 words").wait_for()

    # the test: start, answer, check your answers, submit
    tab_to(page, f"{question('test-start')} button")
    kb.press("Enter")
    page.wait_for_selector(".odp-check-answers")
    tab_to(page, ".odp-question[id^='odp-q-t'] input")
    kb.press("Space")
    tab_to(page, ".odp-check-answers button")
    kb.press("Enter")
    page.locator(".odp-check-answers").get_by_text("Submit your answers").wait_for()
    tab_to(page, ".odp-check-answers button:not(.odp-button--secondary)")
    kb.press("Enter")
    page.locator(".odp-check-answers").get_by_text("Test submitted").wait_for()

    # every action reached the record, and the chain is intact
    page.wait_for_timeout(500)
    header, entries = read_record(folder / RECORD_FILE)
    assert header.keyed  # sealed with the server-held key, not the public one
    kinds = {(e.item, e.kind) for e in entries}
    for expected in [("values-q1", "check"), ("values-q3", "answer"), ("values-q5", "check"),
                     ("counter-request", "step"), ("cpd", "answer"), ("ready", "answer"),
                     ("reflect", "answer"), ("test", "start"), ("test", "submit")]:
        assert expected in kinds, expected

    # reload: every widget comes back as the learner left it
    page.reload()
    wait_for_widgets(page, WIDGETS_ON_PAGE - 1)
    assert page.is_checked(f"{question('values-q1')} input[value=b]")
    assert page.is_checked(f"{question('values-q3')} input[value=d]")
    assert page.input_value(f"{question('values-q4')} input") == "4"
    assert page.input_value(f"{question('reflect')} textarea") == "I treated every customer the same way."
    assert page.is_checked(f"{question('ready')} input[value='1']")
    page.locator(f"{question('counter-request')}").get_by_text("Best choice").wait_for()
    page.locator(f"{question('cpd')} .odp-cpd-list").get_by_text("Learn the seven UK GDPR principles").wait_for()
    page.locator(f"{question('values-q1')} [aria-live=polite]").get_by_text("Correct.").wait_for()
    page.get_by_text("start attempt 2").wait_for()
    page.close()
