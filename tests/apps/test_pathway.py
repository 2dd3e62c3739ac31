"""'My pathway': the next step from the learner's records and results, and where to resume.
Real record files in a temp folder; the sample unit has five practice questions."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime

import pytest

from course.apps.home import Pathway, render
from course.apps.pathway import Graded, UnitState, next_step, resume_point, unit_state
from course.content import require_course
from course.record import ResponseRecord
from tests.conftest import FIXTURES

QUESTIONS = ["values-q1", "values-q2", "values-q3", "values-q4", "values-q5"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "content"
    shutil.copytree(FIXTURES / "content", root)
    return require_course(root, with_banks=False)


@pytest.fixture
def entry(course):
    return course.entry("sample-unit")


def record(folder) -> ResponseRecord:
    return ResponseRecord.open(folder / "sample-unit", "amy", "sample-unit")


def step_for(entry, folder, graded=None):
    return next_step([unit_state(entry, folder, graded)])


def test_a_new_learner_starts_the_first_unit(entry, tmp_path):
    state = unit_state(entry, tmp_path, None)
    assert (state.opened, state.practice_total, state.last_active) == (False, 5, None)
    step = next_step([state])
    assert (step.action, step.text) == ("start", "Start 900 Sample unit.")
    assert step.unit.href == "../render/sample-unit/sample-unit.ipynb"


def test_part_way_through_resumes_with_a_count(entry, tmp_path):
    r = record(tmp_path)
    r.append("values-q1", "check", ["b"])
    r.append("values-q1", "check", ["b"])  # checking twice counts once
    r.append("values-q2", "check", [True])
    r.append("reflect", "answer", "notes")  # not a practice question
    step = step_for(entry, tmp_path)
    assert step.action == "resume"
    assert "(2 of 5 practice questions checked)" in step.text


def test_every_practice_question_checked_means_sit_the_test(entry, tmp_path):
    r = record(tmp_path)
    for q in QUESTIONS:
        r.append(q, "check", ["x"])
    assert step_for(entry, tmp_path).action == "sit_test"
    r.append("test", "start", {"items": []}, attempt=1)
    assert step_for(entry, tmp_path).action == "finish_test"
    r.append("test", "submit", {"answered": 1, "of": 1}, attempt=1)
    assert step_for(entry, tmp_path).action == "wait"
    assert step_for(entry, tmp_path, Graded(1, False)).action == "resit"
    assert step_for(entry, tmp_path, Graded(1, True)).action == "done"
    r.append("test", "start", {"items": []}, attempt=2)
    r.append("test", "submit", {"answered": 1, "of": 1}, attempt=2)
    # the resit is submitted: waiting for its grade, not another resit
    assert step_for(entry, tmp_path, Graded(1, False)).action == "wait"


def state(unit_id: str, **kw) -> UnitState:
    base = UnitState(unit_id, f"{unit_id} title", f"../render/{unit_id}/x.ipynb", "online_test",
                     False, None, 0, 5, False, 0, 0, False)
    return replace(base, **kw)


def test_order_of_next_steps():
    at = datetime(2025, 3, 1, 10)
    old = state("u1", opened=True, last_active=at, practice_done=1)
    newer = state("u2", opened=True, last_active=at.replace(day=2), practice_done=3)
    fresh = state("u3")
    failed = state("u4", opened=True, last_active=at, submitted=1, graded=1)
    assert next_step([old, newer, fresh]).unit.unit_id == "u2"  # the latest worked on
    assert next_step([old, newer, fresh, failed]).action == "resit"
    assert next_step([state("u5", passed=True, graded=1, submitted=1), fresh]).unit == fresh
    assert next_step([]).action == "done"


def test_resume_point_is_the_latest_entry_and_shown_on_home(course, entry, tmp_path):
    record(tmp_path).append("values-q1", "answer", ["b"])
    units = [unit_state(entry, tmp_path, None)]
    assert resume_point(units).unit_id == "sample-unit"
    assert resume_point([unit_state(entry, tmp_path / "nobody", None)]) is None
    page = render(course, Pathway(next_step(units), units, resume_point(units), "Level 2 Sample"))
    assert "Your next step:" in page and "Resume where you left off" in page
    assert 'href="../render/sample-unit/sample-unit.ipynb"' in page
    assert "In progress: 0 of 5 practice questions checked" in page
