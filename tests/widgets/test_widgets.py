"""Every widget type: learner action -> record -> restored on reopening; no key in widget state."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from course.content.loader import load
from course.content.model import ItemBank, Unit
from course.exam import write_public_items
from course.notebook import open_unit
from course.record import RECORD_FILE, read_record, verify
from course.record.keys import PUBLIC_KEY
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "content" / "level2" / "sample-unit"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "sample-unit"
    shutil.copytree(SAMPLE, target)
    bank, _, problems = load(ItemBank, FIXTURES / "content/autograder/banks/sample-unit.yaml", FIXTURES)
    unit, _, unit_problems = load(Unit, SAMPLE / "unit.yaml", FIXTURES)
    assert not problems and not unit_problems
    write_public_items(bank, unit.test, target)
    return target


def reopen(folder: Path):
    return open_unit(folder, learner="amy")


def state_text(widget) -> str:
    state = widget.get_state()
    state.pop("_esm"), state.pop("_css")
    return json.dumps(state)


def test_single_choice_formative_feedback_targets_the_misconception(folder):
    unit = reopen(folder)
    q = unit.question("values-q1")
    q.answer(["a"])
    q.act("check")
    assert q.feedback["status"] == "incorrect"
    assert "Loyalty to a party is not a value" in q.feedback["message"]
    assert "Try again" in q.feedback["message"]
    q.act("hint")
    assert q.feedback == {"status": "info", "title": "Hint", "message": unit._question("values-q1").hint}
    q.answer(["b"])
    q.act("check")
    assert q.feedback["status"] == "correct"
    again = reopen(folder).question("values-q1")
    assert again.response == ["b"] and again.feedback["status"] == "correct"


@pytest.mark.parametrize("qid, wrong, right", [
    ("values-q2", ["false"], ["true"]),
    ("values-q3", ["a"], ["a", "d"]),
    ("values-q4", "5", "4"),
    ("values-q5", "integrity", " Impartiality "),
])
def test_every_question_type_records_checks_and_restores(folder, qid, wrong, right):
    q = reopen(folder).question(qid)
    q.answer(wrong)
    q.act("check")
    assert q.feedback["status"] == "incorrect"
    q.answer(right)
    q.act("check")
    assert q.feedback["status"] == "correct"
    assert reopen(folder).question(qid).response == right


def test_no_answer_key_in_widget_state_before_answering(folder):
    unit = reopen(folder)
    for qid, key_words in [("values-q1", ["Objectivity means", "misconception", "correct"]),
                           ("values-q4", ['"answer"', "tolerance"]),
                           ("values-q5", ["impartiality"])]:
        text = state_text(unit.question(qid))
        for word in key_words:
            assert word not in text, (qid, word)


def test_scenario_walks_branches_and_restores_the_path(folder):
    unit = reopen(folder)
    s = unit.scenario("counter-request")
    text = state_text(s)
    for secret in ("end-good", "end-poor", "quality", "implied special treatment", "You acted with impartiality"):
        assert secret not in text  # where choices lead, and how good they are, stay in the kernel
    s.choose(0)
    assert s.finished
    assert s.view["outcome"]["decisions"] == [{"choice": "Explain the process is the same for everyone", "quality": "best"}]
    restored = reopen(folder).scenario("counter-request")
    assert restored.view == {**s.view, "announce": ""}
    restored.act("restart")
    assert not restored.finished and reopen(folder).scenario("counter-request").view["step"]["id"] == "s1"


def test_written_reflection_checklist_and_cpd_log_restore(folder):
    unit = reopen(folder)
    unit.activity("reflect").answer("I explained the rules the same way to every customer.")
    unit.activity("ready").answer([1])
    unit.activity("cpd").add_entry("2026-11-02", "Learn UK GDPR principles", "Read the ICO guide", "I now check ID first")
    again = reopen(folder)
    assert again.activity("reflect").word_count == 10
    assert again.activity("ready").response == [1]
    assert again.activity("cpd").response[0]["review"] == "I now check ID first"


def test_summative_test_records_without_feedback_and_lists_unanswered(folder):
    unit = reopen(folder)
    test = unit.test()
    assert [type(w).__name__ for w in test.children] == ["StartTestWidget"]
    test.start()
    (question,) = test.questions
    assert question.mode == "summative" and not question.has_hint
    test.summary.act("review")
    assert [r["item"] for r in test.summary.view["unanswered"]] == [question.item_id]
    first_option = question.options[0]["id"]
    question.answer([first_option])
    question.act("check")  # ignored in a test: no correctness is shown
    assert question.feedback == {}
    test.summary.act("review")
    assert test.summary.view["unanswered"] == []
    assert test.summary.view["rows"][0]["answer"] == question.options[0]["text"]
    test.summary.act("submit")
    assert "submitted" in test.summary.view
    # reopening shows the start of a resit, with a fresh seed
    resit = reopen(folder).test()
    assert resit.children[0].label.endswith("start attempt 2")
    resit.start()
    header, entries = read_record(folder / RECORD_FILE)
    starts = [e for e in entries if e.kind == "start"]
    assert [e.attempt for e in starts] == [1, 2] and starts[0].seed != starts[1].seed
    assert verify(header, entries, PUBLIC_KEY, learner="amy").ok


def test_public_test_items_hold_no_keys(folder):
    data = json.loads((folder / "test-items.json").read_text())
    # an item's outcome and element are not secret: they let the paper follow the blueprint
    assert all(set(item) == {"id", "type", "prompt", "options", "outcome", "element"} for item in data["items"])
    assert all(set(o) == {"id", "text"} for item in data["items"] for o in item["options"])
    assert data["test"]["paper_length"] == 1
    assert "correct" not in json.dumps(data)


def test_a_failed_save_is_shown_to_the_learner_not_swallowed(folder):
    q = reopen(folder).question("values-q1")
    (folder / RECORD_FILE).unlink()
    (folder / RECORD_FILE).mkdir()  # the record can no longer be written
    q.answer(["b"])
    assert q.status.startswith("Your answer could not be saved:")
