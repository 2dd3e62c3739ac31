"""The whole Level 2 test path through nbgrader's own commands, end to end.

generate_assignment → release_assignment → learners fetch, sit the test (through the widget
API, and one in Chromium via Voila) → submit → collect → autograde → stage resits → autograde
the resit → generate_feedback → export; then every file a learner can receive is scanned for
answer keys. One pipeline run (module fixture) feeds every test below.
"""

from __future__ import annotations

import csv
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from course.config import Settings
from course.content import load_course
from course.grading.leaks import fingerprints, scan_text, scan_tree
from course.notebook import open_unit
from course.record import RECORD_FILE
from course.serve.server import voila_args, voila_env
from tests.browser import chromium, free_port, stop, wait_until_serving
from tests.grading.course_copy import CourseCopy, answer_every_item_right, make_copy, record_key, right, wrong
from tests.service.running import Service, service_over

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # one long fixture: the whole cycle
UNIT = "working-in-od"
RESIT = f"{UNIT}-attempt-2"

# learner → answers per question on their paper (the unit's spec: 30 items, 22 to pass):
# R right, W wrong, - blank
N = 30
PLANS = {
    "learner-right": "R" * N,
    "learner-wrong": "W" * N,
    "learner-partial": "R" * 21 + "WW" + "-" * 7,   # one short of the pass score; public key, as in JupyterLab
    "learner-tampered": "R" * 15 + "W" * 15,         # then edits the fifteen wrong answers in the record
    "learner-resit": "R" * 9 + "W" * 21,             # attempt 1; attempt 2 is all right
    "learner-copycat": "R" * N,                      # submits learner-right's record as their own
}
BLANK = "learner-blank"                   # opens the unit, never starts the test
BROWSER = "learner-browser"               # all right, in Chromium
EXPECTED = {  # (learner, attempt) → score out of 30
    ("learner-right", 1): 30, ("learner-wrong", 1): 0, ("learner-partial", 1): 21,
    ("learner-tampered", 1): 15, ("learner-resit", 1): 9, ("learner-resit", 2): 30,
    ("learner-copycat", 1): 0, (BLANK, 1): 0, (BROWSER, 1): 30,
}


@dataclass
class Pipeline:
    course: CourseCopy
    results: list[dict] = field(default_factory=list)
    grades_csv: list[dict] = field(default_factory=list)
    page_texts: list[tuple[str, str]] = field(default_factory=list)
    learner_pages: dict[str, str] = field(default_factory=dict)  # what the browser learner read after grading


def answer(session, bank, plan: str) -> None:
    by_id = {q.id: q for q in bank.items}
    for widget, step in zip(session.questions, plan):
        q = by_id[widget.item_id]
        if step != "-":
            widget.answer(right(q) if step == "R" else wrong(q))
    session.summary.act("review")
    session.summary.act("submit")


def sit(course: CourseCopy, learner: str, plan: str, *, keyed: bool = True):
    folder = course.home(learner) / UNIT
    with record_key(course.key_for(learner) if keyed else None):
        unit = open_unit(folder, learner)
        session = unit.test()
        session.start()
        answer(session, course.bank(UNIT), plan)
    return unit, session


def tamper(folder: Path, bank, plan: str) -> None:
    """Rewrite the learner's wrong answers as right ones, by hand, without the key."""
    by_id = {q.id: q for q in bank.items}
    lines = (folder / RECORD_FILE).read_text().splitlines()
    paper = [json.loads(x)["response"]["items"] for x in lines[1:] if '"kind": "start"' in x][0]
    targets = {item for item, step in zip(paper, plan) if step == "W"}
    out = []
    for line in lines:
        obj = json.loads(line)
        if obj.get("kind") == "answer" and obj.get("item") in targets:
            obj["response"] = right(by_id[obj["item"]])
        out.append(json.dumps(obj, sort_keys=True))
    (folder / RECORD_FILE).write_text("\n".join(out) + "\n")




def sit_in_browser(course: CourseCopy, pipeline: Pipeline, svc: Service) -> None:
    """The learner's released copy served by Voila as `odp serve` serves it, her kernel talking
    to the course service with her token; she sits the test with the mouse in Chromium and
    submits, and the service hands it in: she runs no nbgrader command."""
    folder = course.home(BROWSER)
    settings = Settings(content_root=course.root, data_dir=course.data, learner=BROWSER, port=free_port())
    env = dict(voila_env(settings, svc.url, svc.tokens[BROWSER]), PATH=course.env["PATH"])
    proc = subprocess.Popen(voila_args(settings, folder), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{settings.port}"
    try:
        wait_until_serving(base + "/voila/tree", proc)
        by_id = {q.id: q for q in course.bank(UNIT).items}
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
            frames: list[str] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(
                f if isinstance(f, str) else f.decode("utf-8", "replace"))))
            page.goto(f"{base}/voila/render/{UNIT}/{UNIT}.ipynb")
            page.get_by_role("button", name="Start the test").click(timeout=90_000)
            page.wait_for_selector(".odp-check-answers", timeout=60_000)
            pipeline.page_texts.append(("voila page, test in progress", page.content()))
            assert answer_every_item_right(page, by_id) == N
            page.get_by_role("button", name="Check your answers").click()
            page.get_by_role("button", name="Submit your answers").click()
            page.locator(".odp-check-answers").get_by_text("Test submitted").wait_for()
            # the course server's scorer answered at once, marked as provisional
            page.locator(".odp-check-answers").get_by_text("Provisional result: 30 out of 30 (pass)").wait_for()
            page.wait_for_timeout(300)
            pipeline.page_texts.append(("voila page, submitted", page.content()))
            pipeline.page_texts.append(("voila websocket frames", "\n".join(frames)))
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    course = make_copy(tmp_path_factory.mktemp("odp"))
    (course.exchange / "odp" / "inbound").mkdir(parents=True, exist_ok=True)
    p = Pipeline(course)
    course.nbgrader("generate_assignment", UNIT)
    course.nbgrader("release_assignment", UNIT)
    learners = [*PLANS, BLANK, BROWSER]
    course.for_each_learner("fetch_assignment", UNIT, learners)

    for learner, plan in PLANS.items():
        sit(course, learner, plan, keyed=learner != "learner-partial")
    tamper(course.home("learner-tampered") / UNIT, course.bank(UNIT), PLANS["learner-tampered"])
    copy = course.home("learner-copycat") / UNIT / RECORD_FILE
    copy.write_bytes((course.home("learner-right") / UNIT / RECORD_FILE).read_bytes())
    with record_key(course.key_for(BLANK)):
        open_unit(course.home(BLANK) / UNIT, BLANK)
    with service_over(course.root, course.data, course.exchange,
                      {BROWSER: ("manager-m", "l2-od-principles")}) as svc:
        p.service = svc
        sit_in_browser(course, p, svc)
        grade_and_publish(course, p, [name for name in learners if name != BROWSER])
    return p


def grade_and_publish(course: CourseCopy, p: Pipeline, learners: list[str]) -> None:
    course.for_each_learner("submit", UNIT, learners)
    course.nbgrader("collect", UNIT)
    course.nbgrader("autograde", UNIT)

    # the resit: a new paper in the same folder, submitted again, collected with --update
    with record_key(course.key_for("learner-resit")):
        session = open_unit(course.home("learner-resit") / UNIT, "learner-resit").test()
        session.start()
        answer(session, course.bank(UNIT), "R" * N)
    course.learner_cmd("submit", UNIT, "learner-resit")
    course.nbgrader("collect", "--update", UNIT)
    course.odp("stage-resits", UNIT, "--course-dir", str(course.autograder))
    course.nbgrader("autograde", RESIT)

    for assignment in (UNIT, RESIT):
        course.nbgrader("generate_feedback", assignment)
    course.nbgrader("export")
    with open(course.autograder / "grades.csv", newline="") as f:
        p.grades_csv = list(csv.DictReader(f))
    out = course.root / "results.csv"
    course.odp("results", "--course-dir", str(course.autograder), "--csv", str(out))
    with open(out, newline="") as f:
        p.results = list(csv.DictReader(f))
    # results back: the assessor publishes; the learner reads them with no command of her own
    publish_env = {"ODP_SERVICE_URL": p.service.url, "ODP_SERVICE_TOKEN": p.service.tokens["assessor"]}
    for assignment in (UNIT, RESIT):
        course.odp("publish", assignment, "--course-dir", str(course.autograder), env=publish_env)
    read_results_in_browser(p)


def read_results_in_browser(p: Pipeline) -> None:
    from course.service import tokens
    from course.tracking.db import session_scope

    with session_scope(p.service.db_url) as session:
        link = f"{p.service.url}/?token={tokens.issue(session, BROWSER, note='browser')}"
    with chromium(signed_in=False) as browser:  # she signs in with her own link
        page = browser.new_page(locale="en-GB")
        page.goto(link)
        page.locator(".odp-units").get_by_text("Passed").wait_for()
        p.learner_pages["home"] = page.content()
        page.get_by_role("link", name="See your results, feedback and CPD log in My progress").click()
        feedback = page.get_by_role("link", name="Feedback on attempt 1").first
        feedback.wait_for()
        p.learner_pages["progress"] = page.content()
        feedback.click()
        page.get_by_text(f"Attempt 1: {N} out of {N} (pass").wait_for()
        p.learner_pages["feedback"] = page.content()


def result(p: Pipeline, learner: str, attempt: int) -> dict:
    return next(r for r in p.results if r["learner"] == learner and int(r["attempt"]) == attempt)


def test_every_case_gets_its_expected_score(pipeline):
    got = {(r["learner"], int(r["attempt"])): float(r["score"]) for r in pipeline.results}
    assert got == {k: float(v) for k, v in EXPECTED.items()}
    assert all(float(r["max_score"]) == N for r in pipeline.results)


def test_pass_fail_and_first_time_pass_come_from_the_gradebook(pipeline):
    assert result(pipeline, "learner-right", 1)["passed"] == "True"
    assert result(pipeline, "learner-right", 1)["first_time_pass"] == "True"
    assert result(pipeline, BROWSER, 1)["first_time_pass"] == "True"
    assert result(pipeline, "learner-partial", 1)["passed"] == "False"   # 21 < pass score 22
    resit1, resit2 = result(pipeline, "learner-resit", 1), result(pipeline, "learner-resit", 2)
    assert (resit1["passed"], resit2["passed"]) == ("False", "True")
    assert resit2["first_time_pass"] == "False"  # passed, but not first time
    assert {r["qualification"] for r in pipeline.results} == {"l2-od-principles"}


def test_nbgrader_export_has_every_submission(pipeline):
    # nbgrader lists every student for every assignment; those who did not sit it have no timestamp
    rows = {(r["assignment"], r["student_id"]): float(r["score"]) for r in pipeline.grades_csv if r["timestamp"]}
    assert rows[(UNIT, "learner-right")] == N and rows[(RESIT, "learner-resit")] == N
    assert rows[(UNIT, "learner-tampered")] == 15
    assert len(rows) == len(EXPECTED)


def test_tampered_answers_score_zero_with_the_reason_in_gradebook_and_feedback(pipeline):
    row = result(pipeline, "learner-tampered", 1)
    assert row["flagged"] == "True"
    assert "was edited" in row["notes"]
    feedback = next((pipeline.course.autograder / "feedback" / "learner-tampered" / UNIT).glob("*.html")).read_text()
    assert f"Not scored: question {', '.join(str(n) for n in range(16, N + 1))}" in feedback
    assert "was edited" in feedback
    assert result(pipeline, "learner-right", 1)["flagged"] == "False"


def test_another_learners_record_scores_nothing_and_says_why(pipeline):
    row = result(pipeline, "learner-copycat", 1)
    assert row["flagged"] == "True" and "belongs to learner 'learner-right'" in row["notes"]


def test_a_blank_attempt_scores_zero_with_a_plain_note(pipeline):
    row = result(pipeline, BLANK, 1)
    assert "was not started" in row["notes"]
    feedback = next((pipeline.course.autograder / "feedback" / BLANK / UNIT).glob("*.html")).read_text()
    assert f"0 out of {N}" in feedback


def test_feedback_shows_the_score_but_not_the_hidden_test(pipeline):
    feedback = next((pipeline.course.autograder / "feedback" / "learner-right" / UNIT).glob("*.html")).read_text()
    assert f"Attempt 1: {N} out of {N} (pass" in feedback
    assert "HIDDEN TESTS" not in feedback and "mark_test" not in feedback
    autograded = (pipeline.course.autograder / "autograded" / "learner-right" / UNIT / f"{UNIT}.ipynb").read_text()
    assert "mark_test" in autograded  # the grader did run the hidden test


def test_nothing_a_learner_receives_holds_an_answer_key(pipeline):
    course = pipeline.course
    prints = fingerprints(load_course(course.root).banks.values())
    leaks = []
    for folder in (course.autograder / "release", course.autograder / "feedback",
                   course.exchange, course.root / "home"):
        leaks += scan_tree(folder, prints)
    for where, text in pipeline.page_texts:
        leaks += scan_text(text, where, prints)
    assert [str(x) for x in leaks] == []
    # the scan is not blind: the grader's own files are full of what it looks for
    assert scan_tree(course.autograder / "banks", prints)
    assert scan_tree(course.autograder / "autograded", prints)
    assert len(pipeline.page_texts) == 3 and "odp-check-answers" in pipeline.page_texts[0][1]


def test_the_services_provisional_score_equals_the_official_one(pipeline):
    """The service scored the browser learner's attempt at submit, by the one marking rule,
    with no kernel; nbgrader's grading of the submission it handed in agrees."""
    from course.tracking.db import session_scope
    from course.tracking.models import TestAttempt

    with session_scope(pipeline.service.db_url) as session:
        row = session.get(TestAttempt, (BROWSER, UNIT, 1))
        provisional, head = row.provisional_score, row.head_mac
    assert provisional == float(result(pipeline, BROWSER, 1)["score"]) == N
    assert head and result(pipeline, BROWSER, 1)["flagged"] == "False"


def test_the_learner_sees_her_result_and_feedback_and_her_manager_counts_the_pass(pipeline):
    """Learner -> assessor -> learner -> manager: she submitted in the app, the assessor graded
    and published, and she reads her result and feedback; her manager's figures count it."""
    from course.tracking import metrics
    from course.tracking.db import session_scope
    from course.tracking.scope import Viewer

    assert "Passed" in pipeline.learner_pages["home"]
    assert f"{N} out of {N} (100%)" in pipeline.learner_pages["progress"]
    assert f"Attempt 1: {N} out of {N} (pass" in pipeline.learner_pages["feedback"]
    with session_scope(pipeline.service.db_url) as session:
        team = metrics.first_time_pass_rate(session, Viewer.line_manager("manager-m")).total
    assert (team.first_attempts, team.passed_first_time) == (1, 1)
