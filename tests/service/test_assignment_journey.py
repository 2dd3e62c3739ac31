"""A Level 4 written assignment from learner to assessor and back, through the course service:
she writes and hands in from the unit (no nbgrader command of her own), the assessor collects,
autogrades and marks every criterion in the marking app in Chromium, publishes, and she reads
her result and feedback in Chromium on her course home."""

from __future__ import annotations

import re

import pytest

from course.marking.book import MarkingBook
from course.notebook import open_unit
from course.service import tokens
from course.service.client import TOKEN_ENV, URL_ENV
from course.tracking.db import session_scope
from tests.browser import axe_violations, chromium
from tests.grading.course_copy import make_copy
from tests.marking.app import marking_app
from tests.service.running import service_over

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(1800)]
UNIT, LEARNER = "managing-risk", "learner-l4"


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    course = make_copy(tmp_path_factory.mktemp("l4"))
    (course.exchange / "odp" / "inbound").mkdir(parents=True, exist_ok=True)
    course.nbgrader("generate_assignment", UNIT)
    course.nbgrader("release_assignment", UNIT)
    course.learner_cmd("fetch_assignment", UNIT, LEARNER)
    with service_over(course.root, course.data, course.exchange,
                      {LEARNER: ("manager-m", "l4-od-certificate")}) as svc, \
            pytest.MonkeyPatch.context() as env:
        env.setenv(URL_ENV, svc.url)
        env.setenv(TOKEN_ENV, svc.tokens[LEARNER])
        unit = open_unit(course.home(LEARNER) / UNIT)
        for task in unit.unit.assignment.tasks:
            unit.task(task.id).answer(f"My answer to {task.title}: " + "evidence from my team " * 80)
        from course.widgets.handin import HandInWidget
        handin = HandInWidget(unit.record, [unit.widgets[t.id] for t in unit.unit.assignment.tasks])
        handin.act("review")
        handin.act("submit")
        env.delenv(URL_ENV)
        env.delenv(TOKEN_ENV)

        course.nbgrader("collect", UNIT)
        course.nbgrader("autograde", UNIT)
        book = MarkingBook(course.autograder, course=None)
        rubric = book.rubric(UNIT)
        marked = mark_every_criterion_in_the_app(course, rubric)
        assert set(book.final(UNIT, LEARNER)) == {(t.id, c.id) for t in rubric.tasks for c in t.criteria}
        course.nbgrader("generate_feedback", UNIT)
        published = course.odp("publish", UNIT, "--course-dir", str(course.autograder),
                               env={"ODP_SERVICE_URL": svc.url, "ODP_SERVICE_TOKEN": svc.tokens["assessor"]})
        with session_scope(svc.db_url) as session:
            link = f"{svc.url}/?token={tokens.issue(session, LEARNER, note='browser')}"
        pages = {}
        with chromium(signed_in=False) as browser:  # she signs in with her own link
            page = browser.new_page(locale="en-GB")
            page.goto(link)
            page.locator(".odp-units").get_by_text("Passed").wait_for()
            pages["home"], pages["axe"] = page.content(), axe_violations(page)
            page.get_by_role("link", name="See your results, feedback and CPD log in My progress").click()
            page.get_by_text(f"{rubric.max_marks} out of {rubric.max_marks} (100%)").wait_for()
            pages["progress"], pages["axe_progress"] = page.content(), axe_violations(page)
            page.get_by_role("link", name="Feedback on attempt 1").click()
            page.get_by_text("Clear and well evidenced.").first.wait_for()
            pages["feedback"] = page.content()
        yield {"handin": handin, "published": published.stdout, "pages": pages, "course": course,
               "marked": marked}


def mark_every_criterion_in_the_app(course, rubric) -> dict:
    """The assessor marks each criterion met, with a comment, in the marking app (Voila) in
    Chromium: the app's own page, widget and kernel, signed in with its token."""
    seen = {}
    slug = lambda s: re.sub(r"[^A-Za-z0-9_-]", "_", s)  # noqa: E731  (marking.js's slug)
    with marking_app(course, "assessor-a") as app:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
            page.goto(app.base)
            page.locator(".mk table").wait_for(timeout=120_000)
            page.get_by_role("button", name=f"Mark {LEARNER}").click()
            page.wait_for_function("document.activeElement && document.activeElement.id === 'mk-heading'")
            status = page.locator(".mk [role=status]")
            for task in rubric.tasks:
                for c in task.criteria:
                    prefix = f"#mk-{slug(task.id)}-{slug(c.id)}"
                    page.check(f"{prefix}-met")
                    page.fill(f"{prefix}-comment", "Clear and well evidenced.")
                    page.click(f"{prefix}-save")
                    status.get_by_text(re.compile(rf"Saved task {task.number} criterion {c.number}: met")).wait_for(
                        timeout=60_000)
            seen["axe"] = axe_violations(page)
            seen["status"] = status.inner_text()
    return seen


def test_the_learner_hands_in_from_the_unit_with_no_command(journey):
    assert journey["handin"].view["heading"] == "Assignment handed in"
    inbound = list((journey["course"].exchange / "odp" / "inbound").glob(f"{LEARNER}+{UNIT}+*"))
    assert len(inbound) == 1


def test_the_assessor_marked_in_the_marking_app_with_no_axe_violation(journey):
    assert journey["marked"]["axe"] == []
    assert "Saved task" in journey["marked"]["status"]


def test_the_assessors_marks_reach_her_home_and_feedback(journey):
    assert "published 1 result(s)" in journey["published"]
    assert "Clear and well evidenced." in journey["pages"]["feedback"]
    assert journey["pages"]["axe"] == [] and journey["pages"]["axe_progress"] == []
