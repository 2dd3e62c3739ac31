"""`odp grade` on a cohort with every kind of bad submission: the batch always finishes, each
submission gets its score or a plain reason, the export is written, and re-running is a no-op.
Scores for ordinary and repairable submissions equal stock `nbgrader autograde`'s."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.grading.corpus import BAD, expected_score, plans, write_corpus
from tests.grading.course_copy import make_copy

pytestmark = [pytest.mark.slow]
UNIT = "working-in-od"
REASONS = {
    "invalid-json": "is not valid JSON",
    "non-utf8": "is not UTF-8 text",
    "other-assignment": "found data-security.ipynb: a notebook from another assignment",
    "kernel-crash": "the kernel died",
    "deleted-test-cell": "test-result were deleted (restored from the source)",
    "edited-locked-cell": "open-unit were edited (restored from the source)",
    "missing-record": "has no response record",
    "tampered-record": "was edited",
    "other-learners-record": "belongs to learner 'someone-else'",
    "infinite-loop": "ran for longer than 10 s",
    "huge-output": "the learner added 1 code cell",
}
CORPUS = plans(len(BAD) + 3)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_copy(tmp_path_factory.mktemp("odp"))
    course.nbgrader("generate_assignment", UNIT)
    write_corpus(course.autograder, course.data, UNIT, course.bank(UNIT), CORPUS)
    cmd = [str(Path(sys.executable).parent / "odp"), "grade", UNIT, "--course-dir", str(course.autograder),
           "--workers", "2", "--timeout", "10"]
    first = subprocess.run(cmd, cwd=course.root, env=course.env, capture_output=True, text=True, timeout=900)
    second = subprocess.run(cmd, cwd=course.root, env=course.env, capture_output=True, text=True, timeout=300)
    with open(course.autograder / "exports" / f"{UNIT}.csv", newline="") as f:
        export = {r["learner"]: r for r in csv.DictReader(f)}
    return course, first, second, export


def test_the_batch_finishes_and_reports_every_submission(graded):
    _, first, _, export = graded
    assert first.returncode == 0, first.stderr
    assert f"{len(CORPUS) - 4} graded, 4 failed, 0 skipped" in first.stdout
    assert set(export) == {s.learner for s in CORPUS}


@pytest.mark.parametrize("sub", CORPUS, ids=lambda s: s.kind if s.kind != "good" else s.learner)
def test_each_submission_gets_its_score_or_a_plain_reason(graded, sub):
    row = graded[3][sub.learner]
    expected = expected_score(sub)
    if expected is None:
        assert row["status"] == "failed" and row["score"] == ""
    else:
        assert row["status"] == "graded" and float(row["score"]) == expected
    if sub.kind != "good":
        assert REASONS[sub.kind] in row["reason"] + row["notes"], row


def test_failures_and_outcomes_are_kept_in_the_gradebook_database(graded):
    course = graded[0]
    with sqlite3.connect(course.autograder / "gradebook.db") as db:
        rows = dict(db.execute("select learner, status from odp_grading_outcome where assignment = ?", (UNIT,)))
    assert sum(v == "failed" for v in rows.values()) == 4 and len(rows) == len(CORPUS)


def test_running_again_skips_what_is_graded_and_unchanged_failures(graded):
    second = graded[2]
    assert f"0 graded, 0 failed, {len(CORPUS)} skipped" in second.stdout, second.stdout


def test_scores_equal_stock_nbgrader_autograde(graded, tmp_path):
    ours = graded[0]
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
