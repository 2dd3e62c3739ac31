"""The course under `odp serve` in headless Chromium: a learner's journey (the course service's
home, a unit app in Voila, an answer, back, my progress), and XSS payloads in names, a
department and a free-text answer that stay inert text everywhere they are shown (the unit
app, and the service's progress, team and department pages). Each person signs in as she
would: the learner with the link `odp serve` prints, her manager with a token of his own.
axe on every service page: tests/pages/test_pages_browser.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from course.config import Settings
from course.content import require_course
from course.record.keys import course_secret
from course.tracking.db import make_engine
from course.tracking.demo import prepare_store
from course.tracking.models import Department, Learner
from tests.browser import chromium, odp_serve, wait_for_widgets
from tests.serve.running import course_copy, printed_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = '<img src=x onerror="window.__xss=1">'
TEAMMATE = '"><svg onload="window.__xss=2">'
DEPARTMENT = "<script>window.__xss=3</script>HMRC"
ANSWER = '</textarea><img src=x onerror="window.__xss=4"><script>window.__xss=5</script>'
WIDGETS_ON_PAGE = 10


def plant_payloads(root) -> str:
    """Before the server starts: people's names, a department name and a typed answer; and a
    sign-in token for her line manager, who leads her department too. Returns the token."""
    settings = Settings(content_root=root, demo_cohort=20)
    prepare_store(settings, require_course(root))
    engine = make_engine(settings.db_url)
    with Session(engine) as s, s.begin():
        s.execute(update(Learner).where(Learner.id == settings.learner).values(name=NAME))
        mate = s.scalars(select(Learner.id).where(
            Learner.line_manager_id == settings.line_manager,
            Learner.id != settings.learner).order_by(Learner.id)).first()
        s.execute(update(Learner).where(Learner.id == mate).values(  # listed as at risk
            name=TEAMMATE, status="on_programme", completed_on=None,
            planned_end_date=date.today() - timedelta(days=30)))
        s.execute(update(Department).where(Department.id == settings.department)
                  .values(name=DEPARTMENT))
    engine.dispose()
    # Her earlier answer, as the course service keeps it (the folder holds only a cache).
    from course.service.records import RecordBook
    from course.tracking.db import session_scope

    from course.service import tokens
    from course.service.identity import grant

    with session_scope(settings.db_url) as session:
        RecordBook(course_secret(settings.data_path)).append(
            session, settings.learner, "sample-unit", request_id="planted", item="reflect",
            kind="answer", response=ANSWER)
        grant(session, settings.line_manager, "department", settings.department)
        return tokens.issue(session, settings.line_manager, note="test-manager")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("course"))
    manager = plant_payloads(root)
    with odp_serve(root, "--max-kernels", "20") as s, chromium(signed_in=False) as browser:
        yield printed_link(s), manager, browser


def open_page(context, url: str):
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("main h1", timeout=90_000)
    return page


def new_context(browser):
    return browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")


def inert(page) -> None:
    """No payload ran, and none became an element: no handler or script holds our marker."""
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("""() => Array.from(document.querySelectorAll('*')).filter(el =>
        (el.tagName === 'SCRIPT' && el.textContent.includes('__xss')) ||
        Array.from(el.attributes).some(a => a.name.startsWith('on') && a.value.includes('__xss'))
    ).length""") == 0


def test_learner_journey_home_unit_answer_back_my_progress(served):
    link, _, browser = served
    context = new_context(browser)
    page = open_page(context, link)  # the course service's home, signed in by the printed link
    assert "Your next step:" in page.inner_text(".odp-next")
    page.get_by_role("link", name="Go to Unit 900: Sample unit").click()
    page.wait_for_url(lambda url: "/voila/render/sample-unit/sample-unit.ipynb" in url,
                      wait_until="commit")  # same tab, signed in to the unit apps by the link
    wait_for_widgets(page, WIDGETS_ON_PAGE)
    # The typed answer is restored as text in its box, and runs nothing.
    assert page.input_value("#odp-q-reflect textarea") == ANSWER
    inert(page)

    page.check("#odp-q-values-q1 input[value=b]")
    page.click("#odp-q-values-q1 button")
    page.locator("#odp-q-values-q1 [aria-live=polite]").get_by_text("Correct.").wait_for()
    page.wait_for_timeout(500)

    page.go_back(wait_until="commit")
    page.wait_for_selector("main h1", timeout=90_000)
    assert "In progress: 1 of 5 practice questions done" in page.inner_text(".odp-pathway")
    assert "Unit 900: Sample unit" in page.inner_text(".odp-resume")
    page.get_by_role("link", name="My progress", exact=True).click()
    page.wait_for_url("**/progress", wait_until="commit")
    page.wait_for_selector("#odp-units-title", timeout=90_000)
    unit = page.locator("section.odp-unit", has_text="Unit 900: Sample unit").inner_text()
    assert "Status: In progress: 1 of 5 practice questions done." in unit
    assert NAME in page.inner_text("main")  # her name, as typed
    inert(page)
    context.close()


def test_names_and_departments_are_shown_as_text_and_run_nothing(served):
    link, manager, browser = served
    service = link.split("?")[0]
    context = new_context(browser)
    open_page(context, f"{service}?token={manager}").close()  # her manager signs in
    shown = {"team": TEAMMATE, "department": DEPARTMENT}
    for name, payload in shown.items():
        page = open_page(context, f"{service}{name}")
        assert payload in page.inner_text("main")  # the characters, visible as typed
        inert(page)
        page.close()
    context.close()
