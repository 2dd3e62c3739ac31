"""A regrade that fails takes back the result the learner was shown (issue 15), end to end:
nbgrader's own gradebook graded by `odp grade`, which publishes to a real course service; the
learner's pages, her line manager's team and the department figures read over HTTP.

Graded and published as a pass; her notebook is then cut short and regraded, which fails: the
same publish step withdraws the pass, so she reads "Your result is being checked again" and no
page counts it. Her good notebook regraded restores the pass. Another learner's pass stays put.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest

from course.service import tokens
from course.service.identity import grant
from course.tracking.db import session_scope
from course.tracking.models import Result, TestAttempt, WithdrawnResult
from course.tracking.scope import Role
from tests.browser import axe_violations, chromium
from tests.grading.corpus import Submission, write_corpus
from tests.grading.course_copy import make_copy
from tests.service.running import service_over

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(1200)]
UNIT, QUAL = "working-in-od", "l2-od-award"
LENA, OMAR = "learner-lena", "learner-omar"  # Lena's regrade fails; Omar's pass is never touched
CHECKING = "Your result is being checked again"


def grade(course, svc, *extra: str):
    """`odp grade`, which publishes to the service when it finishes, as an assessor runs it."""
    return course.odp("grade", UNIT, "--course-dir", str(course.autograder), "--workers", "1",
                      "--timeout", "60", *extra,
                      env={"ODP_SERVICE_URL": svc.url, "ODP_SERVICE_TOKEN": svc.tokens["assessor"]})


def seen(svc, browser: dict[str, str]) -> dict:
    """What each reader sees now, over HTTP with their own credentials."""
    def get(who: str, path: str) -> str:
        status, body = svc.call(None, "GET", path, headers={"Authorization": f"token {browser[who]}"})
        assert status == 200, (path, status, body)
        return body

    team = {r["learner_id"]: r for r in csv.DictReader(io.StringIO(get("mo", "/team.csv")))}
    dept = [r for r in csv.DictReader(io.StringIO(get("dee", "/department.csv")))
            if r["figure"] == "first_time_pass_rate" and r["group"] == f"{QUAL} level 2"]
    return {"results": svc.call(LENA, "GET", "/api/results")[1]["results"],
            "test": svc.call(LENA, "GET", f"/api/tests/{UNIT}")[1],
            "home": get(LENA, "/"), "progress": get(LENA, "/progress"),
            "progress_csv": get(LENA, "/progress.csv"),
            "team": team,
            "first_passes": sum(float(r["value"]) for r in dept if r["measure"] == "passed_first_time"),
            "first_attempts": sum(float(r["value"]) for r in dept if r["measure"] == "first_attempts")}


def in_chromium(svc, token: str) -> dict:
    """Her home and My progress as she reads them in Chromium, signed in with her own link."""
    with chromium(signed_in=False) as browser:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{svc.url}/?token={token}")
        page.locator(".odp-units").get_by_text(CHECKING).wait_for()
        out = {"home": page.locator("main").inner_text(), "axe_home": axe_violations(page)}
        page.get_by_role("link", name="See your results, feedback and CPD log in My progress").click()
        unit = page.locator("section.odp-unit", has_text="Unit 201")
        unit.get_by_text(CHECKING).wait_for()
        out.update(unit=unit.inner_text(), row=unit.get_by_role("row", name="Attempt 1").inner_text(),
                   axe_progress=axe_violations(page))
    return out


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    course = make_copy(tmp_path_factory.mktemp("withdrawn"))
    (course.exchange / "odp" / "inbound").mkdir(parents=True, exist_ok=True)
    course.nbgrader("generate_assignment", UNIT)
    write_corpus(course.autograder, course.data, UNIT, course.bank(UNIT),
                 [Submission(LENA, "good", "R" * 30), Submission(OMAR, "good", "R" * 30)])
    people = {LENA: ("mo", QUAL), OMAR: ("mo", QUAL)}
    with service_over(course.root, course.data, course.exchange, people) as svc:
        with session_scope(svc.db_url) as session:
            grant(session, "dee", Role.DEPARTMENT.value, "dwp")
            browser = {who: tokens.issue(session, who, note="browser") for who in (LENA, "mo", "dee")}
            # She sat the test through the service, so the unit page asks it whether she may resit.
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            session.add(TestAttempt(learner_id=LENA, unit_id=UNIT, attempt=1, seed="1", items=[],
                                    started_at=now, submitted_at=now))
        out = {"first": grade(course, svc)}
        out["passed"] = seen(svc, browser)
        notebook = course.autograder / "submitted" / LENA / UNIT / f"{UNIT}.ipynb"
        good = notebook.read_bytes()
        notebook.write_bytes(good[:500])  # she hands in again and the notebook is cut short
        out["failed"] = grade(course, svc, "--force", "--learner", LENA)
        out["checking"] = seen(svc, browser)
        out["chromium"] = in_chromium(svc, browser[LENA])
        out["again"] = course.odp("publish", UNIT, "--course-dir", str(course.autograder),
                                  env={"ODP_SERVICE_URL": svc.url, "ODP_SERVICE_TOKEN": svc.tokens["assessor"]})
        out["after_again"] = seen(svc, browser)
        with session_scope(svc.db_url) as session:
            out["history"] = [(w.attempt, w.score, w.passed, w.feedback_html is not None, w.reason)
                              for w in session.query(WithdrawnResult).filter_by(learner_id=LENA)]
        notebook.write_bytes(good)
        out["regraded"] = grade(course, svc, "--force", "--learner", LENA)
        out["restored"] = seen(svc, browser)
        with session_scope(svc.db_url) as session:
            out["rows"] = {(r.learner_id, r.attempt): r.passed for r in session.query(Result)}
            out["history_after"] = session.query(WithdrawnResult).filter_by(learner_id=LENA).count()
        yield out


def test_a_published_pass_shows_everywhere_first(story):
    s = story["passed"]
    assert [(r["unit"], r["status"], r["passed"]) for r in s["results"]] == [(UNIT, "graded", True)]
    assert "Passed" in s["home"] and CHECKING not in s["home"]
    assert s["team"][LENA]["units_passed"] == "1"
    assert (s["first_passes"], s["first_attempts"]) == (2, 2)


def test_a_failed_regrade_withdraws_the_pass_from_every_page(story):
    assert "0 graded, 1 failed" in story["failed"].stdout
    assert "withdrawn from the course service" in story["failed"].stderr
    s = story["checking"]
    assert [(r["unit"], r["status"], r["passed"], r["score"]) for r in s["results"]] == \
        [(UNIT, "being_checked_again", None, None)]
    for page in ("home", "progress", "progress_csv"):
        assert CHECKING in s[page], page
    assert "Passed" not in s["home"] and "passed 0 of" in s["progress"]
    assert "being checked again" in s["progress"]  # the attempt's row in her table of attempts
    assert "Feedback on attempt 1" not in s["progress"]  # the old feedback is not offered
    assert CHECKING in s["test"]["reason"] and not s["test"]["can_start"]  # the unit page's test
    # Her manager's team and the department figures stop counting it; Omar's pass stays.
    assert s["team"][LENA]["units_passed"] == "0" and s["team"][OMAR]["units_passed"] == "1"
    assert (s["first_passes"], s["first_attempts"]) == (1, 1)


def test_she_reads_it_in_chromium_on_pages_with_no_axe_violations(story):
    c = story["chromium"]
    assert c["axe_home"] == [] and c["axe_progress"] == []
    assert f"Status: {CHECKING}." in c["unit"] and "You have passed" not in c["unit"]
    assert "being checked again" in c["row"] and "30 out of 30" not in c["row"]
    assert "Passed" not in c["home"]


def test_the_service_keeps_the_withdrawn_result_as_history_and_publishing_again_changes_nothing(story):
    [(attempt, score, passed, had_feedback, reason)] = story["history"]
    assert (attempt, score, passed) == (1, 30, True) and "not valid JSON" in reason
    assert "withdrawn" not in story["again"].stderr  # nothing left to withdraw
    again = story["after_again"]
    assert again["results"] == story["checking"]["results"]
    assert (again["first_passes"], again["first_attempts"]) == (1, 1)
    assert reason not in story["checking"]["home"] + story["checking"]["progress"]  # staff only


def test_a_good_regrade_restores_the_pass(story):
    assert "1 graded, 0 failed" in story["regraded"].stdout
    s = story["restored"]
    assert [(r["unit"], r["status"], r["passed"]) for r in s["results"]] == [(UNIT, "graded", True)]
    assert "Passed" in s["home"] and CHECKING not in s["home"] + s["progress"]
    assert s["team"][LENA]["units_passed"] == "1"
    assert (s["first_passes"], s["first_attempts"]) == (2, 2)
    assert story["rows"] == {(LENA, 1): True, (OMAR, 1): True}
    assert story["history_after"] == 1  # the withdrawal stays in the history
