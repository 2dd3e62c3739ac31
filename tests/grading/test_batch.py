"""`odp grade` on a cohort with every kind of bad submission: the batch always finishes, each
submission gets its score or a plain reason, the export is written, and re-running is a no-op.
Scores for ordinary and repairable submissions equal stock `nbgrader autograde`'s."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tests.grading.corpus import BAD, VICTIMS, Submission, expected_score, plans, write_corpus
from course.content import load_course
from course.grading.leaks import grading_fingerprints, scan_files
from tests.grading.course_copy import CourseCopy, make_copy

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # one long fixture: several odp grade runs
UNIT = "working-in-od"
REASONS = {
    "invalid-json": "is not valid JSON",
    "non-utf8": "is not UTF-8 text",
    "other-assignment": "found data-security.ipynb: a notebook from another assignment",
    "kernel-crash": "added 1 code cell: removed, not run",
    "deleted-test-cell": "test-result were deleted (restored from the source)",
    "edited-locked-cell": "open-unit were edited (restored from the source)",
    "missing-record": "has no response record",
    "tampered-record": "was edited",
    "other-learners-record": "belongs to learner 'someone-else'",
    # Added code cells never run (the sanitize step drops them): each is graded as its record earns.
    "infinite-loop": "added 1 code cell: removed, not run",
    "huge-output": "added 1 code cell: removed, not run",
    "reads-secrets": "added 1 code cell: removed, not run",
    "shadows-course": "code Python could import (course/__init__.py, course/grading/__init__.py, course/grading/cells.py)",
    "writes-others": "added 1 code cell: removed, not run",
    "hostile-markup": "the learner added 2 text cell(s)",
    "app-copy": "",
    "patches-marker": "added 1 code cell: removed, not run",
}
CORPUS = plans(len(BAD) + 3)
# Graded once, then its notebook is broken and it is graded again: the regrade fails.
REGRADE = Submission("learner-regrade", "good", "RRRRRRRRWW")


@dataclass
class Graded:
    course: CourseCopy
    first: subprocess.CompletedProcess
    second: subprocess.CompletedProcess
    export: dict[str, dict]                 # the export after the first two runs
    regraded: subprocess.CompletedProcess   # REGRADE's broken resubmission, graded with --force
    regrade_export: dict[str, dict]
    results: subprocess.CompletedProcess    # `odp results --csv` after it
    results_csv: dict[str, dict]
    first_score: float                      # REGRADE's score in the gradebook before the regrade
    md5_before: dict[str, str]              # every collected file, before grading
    md5_after: dict[str, str]               # and after the first run
    feedback: subprocess.CompletedProcess   # nbgrader generate_feedback after the first run


def md5s(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _export(course: CourseCopy) -> dict[str, dict]:
    with open(course.autograder / "exports" / f"{UNIT}.csv", newline="") as f:
        return {r["learner"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    course = make_copy(tmp_path_factory.mktemp("odp"))
    course.nbgrader("generate_assignment", UNIT)
    write_corpus(course.autograder, course.data, UNIT, course.bank(UNIT), CORPUS + [REGRADE])
    odp = str(Path(sys.executable).parent / "odp")
    cmd = [odp, "grade", UNIT, "--course-dir", str(course.autograder), "--workers", "2", "--timeout", "10"]
    before = md5s(course.autograder / "submitted")
    first = subprocess.run(cmd, cwd=course.root, env=course.env, capture_output=True, text=True, timeout=900)
    after = md5s(course.autograder / "submitted")
    feedback = course.nbgrader("generate_feedback", UNIT, ok=False)
    second = subprocess.run(cmd, cwd=course.root, env=course.env, capture_output=True, text=True, timeout=300)
    export = _export(course)
    with Gradebook(f"sqlite:///{course.autograder / 'gradebook.db'}") as gb:
        first_score = gb.find_submission(UNIT, REGRADE.learner).score
    # The learner hands in again and the new notebook is cut short: the regrade fails.
    nb = course.autograder / "submitted" / REGRADE.learner / UNIT / f"{UNIT}.ipynb"
    nb.write_bytes(nb.read_bytes()[:500])
    regraded = subprocess.run(cmd + ["--force", "--learner", REGRADE.learner], cwd=course.root, env=course.env,
                              capture_output=True, text=True, timeout=300)
    results_path = course.root / "results.csv"
    results = subprocess.run([odp, "results", "--course-dir", str(course.autograder), "--csv", str(results_path)],
                             cwd=course.root, env=dict(course.env, COLUMNS="300"), capture_output=True, text=True, timeout=300)
    with open(results_path, newline="") as f:
        results_csv = {r["learner"]: r for r in csv.DictReader(f)}
    return Graded(course, first, second, export, regraded, _export(course), results, results_csv, first_score,
                  before, after, feedback)


def test_the_batch_finishes_and_reports_every_submission(graded):
    first, export = graded.first, graded.export
    assert first.returncode == 0, first.stderr
    assert f"{len(CORPUS) - 2} graded, 3 failed, 0 skipped" in first.stdout
    assert set(export) == {s.learner for s in CORPUS} | {REGRADE.learner}


@pytest.mark.parametrize("sub", CORPUS, ids=lambda s: s.kind if s.kind != "good" else s.learner)
def test_each_submission_gets_its_score_or_a_plain_reason(graded, sub):
    row = graded.export[sub.learner]
    expected = expected_score(sub)
    if expected is None:
        assert row["status"] == "failed" and row["score"] == ""
    else:
        assert row["status"] == "graded" and float(row["score"]) == expected
    if sub.kind != "good":
        assert REASONS[sub.kind] in row["reason"] + row["notes"], row
    if sub.kind in ("reads-secrets", "shadows-course", "writes-others", "hostile-markup", "patches-marker",
                    "infinite-loop", "kernel-crash", "huge-output"):
        assert row["flagged"] == "True", row
    if sub.kind == "app-copy":  # the unit app's preheat cell is the course's, not the learner's
        assert "added" not in row["reason"] + row["notes"] and row["flagged"] == "False", row


def test_failures_and_outcomes_are_kept_in_the_gradebook_database(graded):
    course = graded.course
    with sqlite3.connect(course.autograder / "gradebook.db") as db:
        rows = dict(db.execute("select learner, status from odp_grading_outcome where assignment = ?", (UNIT,)))
    assert sum(v == "failed" for v in rows.values()) == 4 and len(rows) == len(CORPUS) + 1


def test_running_again_skips_what_is_graded_and_unchanged_failures(graded):
    second = graded.second
    assert f"0 graded, 0 failed, {len(CORPUS) + 1} skipped" in second.stdout, second.stdout


def test_scores_equal_stock_nbgrader_autograde(graded, tmp_path):
    ours = graded.course
    stock = make_copy(tmp_path)
    stock.nbgrader("generate_assignment", UNIT)
    sample = [s for s in CORPUS if s.kind in ("good", "tampered-record", "deleted-test-cell", "edited-locked-cell")]
    write_corpus(stock.autograder, stock.data, UNIT, stock.bank(UNIT), sample)
    stock.nbgrader("autograde", UNIT)
    query = "select s.student_id, sum(coalesce(g.manual_score, g.auto_score)) from grade g " \
            "join submitted_notebook n on g.notebook_id = n.id join submitted_assignment s on n.assignment_id = s.id " \
            "group by s.student_id"
    with sqlite3.connect(stock.autograder / "gradebook.db") as db:
        theirs = dict(db.execute(query))
    with sqlite3.connect(ours.autograder / "gradebook.db") as db:
        mine = dict(db.execute(query))
    assert theirs and all(mine[k] == v for k, v in theirs.items())


def test_a_failure_is_a_failure_in_results_and_the_export_and_not_a_first_time_result(graded):
    crash = next(s.learner for s in CORPUS if s.kind == "invalid-json")
    assert graded.results.returncode == 0, graded.results.stderr
    row = graded.results_csv[crash]
    assert (row["status"], row["score"], row["passed"], row["first_time_pass"]) == ("failed", "", "", "")
    assert "is not valid JSON" in row["reason"]
    line = next(x for x in graded.results.stdout.splitlines() if crash in x)
    assert "failed:" in line and "0/10" not in line and "not yet" not in line
    exported = graded.export[crash]
    assert (exported["status"], exported["score"], exported["first_time_pass"]) == ("failed", "", "")


def test_a_regrade_that_fails_leaves_no_old_score_in_nbgraders_gradebook(graded):
    assert graded.first_score == REGRADE.plan.count("R")
    assert graded.regraded.returncode == 0, graded.regraded.stderr
    assert "1 graded" not in graded.regraded.stdout and "0 graded, 1 failed" in graded.regraded.stdout
    with Gradebook(f"sqlite:///{graded.course.autograder / 'gradebook.db'}") as gb:
        sub = gb.find_submission(UNIT, REGRADE.learner)
        assert sub.score == 0 and all(g.auto_score is None and g.manual_score is None
                                      for nb in sub.notebooks for g in nb.grades)
        assert sub.needs_manual_grade and any(nb.flagged for nb in sub.notebooks)
    assert not (graded.course.autograder / "autograded" / REGRADE.learner / UNIT).exists()
    row = graded.regrade_export[REGRADE.learner]
    assert (row["status"], row["score"], row["passed"]) == ("failed", "", "")
    assert graded.results_csv[REGRADE.learner]["status"] == "failed"


def test_publishing_withholds_a_failed_submission(graded):
    from course.grading.publish import gradebook_results

    rows, withheld = gradebook_results(f"sqlite:///{graded.course.autograder / 'gradebook.db'}",
                                       load_course(graded.course.root), graded.course.autograder, UNIT)
    failed = {s.learner for s in CORPUS if expected_score(s) is None} | {REGRADE.learner}
    assert failed.isdisjoint(r["learner"] for r in rows)
    assert {w.split(":")[0] for w in withheld} >= failed


def test_no_submission_changes_another_learners_collected_work(graded):
    assert graded.md5_after == graded.md5_before
    hostile = next(s for s in CORPUS if s.kind == "writes-others")
    for victim in VICTIMS:  # graded at what their own record earns
        row = graded.export[victim]
        plan = next(s.plan for s in CORPUS if s.learner == victim)
        assert row["status"] == "graded" and float(row["score"]) == plan.count("R"), row
        assert "collected work" not in row["reason"] + row["notes"]
    assert float(graded.export[hostile.learner]["score"]) == hostile.plan.count("R")


def test_no_feedback_holds_a_key_or_the_secret(graded):
    course = graded.course
    secret = (course.data / "course-secret.key").read_text().strip()
    prints = grading_fingerprints(course.root, course.data)
    feedback = course.autograder / "feedback"
    pages = sorted(feedback.rglob("*.html"))
    # No page for those that failed to grade. (The added cells that printed the secret and the
    # bank, 100 MB, or named the grader's module were dropped unrun: their feedback is written.)
    # (REGRADE's feedback was made, then removed when its regrade failed.)
    without = {s.learner for s in CORPUS if expected_score(s) is None} | {REGRADE.learner}
    assert {p.relative_to(feedback).parts[0] for p in pages} == {s.learner for s in CORPUS + [REGRADE]} - without, \
        graded.feedback.stderr[-3000:]
    assert scan_files(pages, prints, feedback) == []
    # nbgrader copies the submission's other files beside the page (the learner's own, e.g. her
    # course/grading/cells.py): none holds the secret either.
    assert not [p for p in feedback.rglob("*") if p.is_file() and secret in p.read_text(errors="replace")]
    # The one whose added cell would have printed the secret and the bank: the cell never ran.
    reader = next(s.learner for s in CORPUS if s.kind == "reads-secrets")
    page = next((feedback / reader).rglob("*.html")).read_text()
    assert "course-secret.key" not in page and "removed, not run" in page
