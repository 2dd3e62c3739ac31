"""The course app in headless Chromium: a learner's journey (home, a unit, an answer, back, my
progress), axe on the home page and every dashboard, and XSS payloads in names, a department
and a free-text answer that stay inert text everywhere they are shown."""

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
from tests.browser import axe_violations, chromium, odp_serve, wait_for_widgets
from tests.serve.running import course_copy

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = '<img src=x onerror="window.__xss=1">'
TEAMMATE = '"><svg onload="window.__xss=2">'
DEPARTMENT = "<script>window.__xss=3</script>HMRC"
ANSWER = '</textarea><img src=x onerror="window.__xss=4"><script>window.__xss=5</script>'
DASHBOARDS = ["progress.ipynb", "team.ipynb", "department.ipynb", "profession.ipynb"]
WIDGETS_ON_PAGE = 10


def plant_payloads(root) -> None:
    """Before the server starts: people's names, a department name and a typed answer."""
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

    with session_scope(settings.db_url) as session:
        RecordBook(course_secret(settings.data_path)).append(
            session, settings.learner, "sample-unit", request_id="planted", item="reflect",
            kind="answer", response=ANSWER)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("course"))
    plant_payloads(root)
    with odp_serve(root, "--max-kernels", "20") as s, chromium() as browser:
        yield s.base, browser, root / ".odp-data" / "learners" / "demo-learner"


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page.goto(url, wait_until="commit")  # Voila streams the page as the kernel runs it
    page.wait_for_selector("main h1", timeout=90_000)
    return page


def inert(page) -> None:
    """No payload ran, and none became an element: no handler or script holds our marker."""
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("""() => Array.from(document.querySelectorAll('*')).filter(el =>
        (el.tagName === 'SCRIPT' && el.textContent.includes('__xss')) ||
        Array.from(el.attributes).some(a => a.name.startsWith('on') && a.value.includes('__xss'))
    ).length""") == 0


def test_learner_journey_home_unit_answer_back_my_progress(served):
    base, browser, folder = served
    page = open_page(browser, base + "/voila/render/home.ipynb")
    assert "Your next step:" in page.inner_text(".odp-next")
    page.get_by_role("link", name="Go to Unit 900: Sample unit").click()
    page.wait_for_url("**/sample-unit/sample-unit.ipynb", wait_until="commit")  # same tab
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
    page.wait_for_url("**/progress.ipynb", wait_until="commit")
    page.wait_for_selector("#odp-units-title", timeout=90_000)
    unit = page.locator("section.odp-unit", has_text="Unit 900: Sample unit").inner_text()
    assert "Status: In progress: 1 of 5 practice questions done." in unit
    inert(page)
    page.close()


@pytest.mark.parametrize("name", ["home.ipynb", *DASHBOARDS])
def test_no_accessibility_violations(served, name):
    base, browser, _ = served
    page = open_page(browser, f"{base}/voila/render/{name}")
    assert axe_violations(page) == []
    page.close()


def test_names_and_departments_are_shown_as_text_and_run_nothing(served):
    base, browser, _ = served
    shown = {"progress.ipynb": NAME, "team.ipynb": TEAMMATE, "department.ipynb": DEPARTMENT}
    for name, payload in shown.items():
        page = open_page(browser, f"{base}/voila/render/{name}")
        page.wait_for_timeout(300)
        assert payload in page.inner_text("main")  # the characters, visible as typed
        inert(page)
        page.close()
