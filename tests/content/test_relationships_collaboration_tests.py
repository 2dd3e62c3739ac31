"""The Building Relationships and Working Collaboratively tests can be sat as a learner sits them
(the test widget in a released copy with key-free items) and are marked from the record: 22 of
30 passes, 21 does not, and every paper covers all five learning outcomes."""

from __future__ import annotations

import shutil

import pytest

from course.content import load_course
from course.exam import write_public_items
from course.grading.marking import mark_folder
from course.notebook import open_unit
from tests.conftest import REPO
from tests.grading.course_copy import record_key, right, wrong

COURSE = load_course(REPO)
UNITS = ("building-relationships", "working-collaboratively")


@pytest.mark.parametrize("unit_id", UNITS)
@pytest.mark.parametrize(("right_answers", "passes"), [(22, True), (21, False)])
def test_a_learner_sits_the_test_and_is_marked_from_the_record(unit_id, right_answers, passes, tmp_path):
    entry, bank = COURSE.entry(unit_id), COURSE.banks[unit_id]
    folder = tmp_path / unit_id
    shutil.copytree(entry.folder, folder)
    write_public_items(bank, entry.unit.test, folder)
    by_id = {q.id: q for q in bank.items}
    with record_key(None):
        session = open_unit(folder, "learner-1").test()
        session.start()
        for n, widget in enumerate(session.questions):
            q = by_id[widget.item_id]
            widget.answer(right(q) if n < right_answers else wrong(q))
        session.summary.act("review")
        session.summary.act("submit")
    mark = mark_folder(folder, bank, entry.unit.test, learner="learner-1", attempt=1, course_secret=None)
    assert (mark.score, mark.max_score, mark.passed) == (right_answers, entry.unit.test.paper_length, passes)
    assert {by_id[w.item_id].outcome for w in session.questions} == set(entry.unit.test.blueprint)
