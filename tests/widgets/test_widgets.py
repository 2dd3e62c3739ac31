"""Every widget type: learner action -> record -> restored on reopening; no key in widget state."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from course.content.loader import load
from course.content.model import ItemBank, Unit
from course.exam import write_public_items
from course.notebook import attempt_status_html, contents_html, home_url, open_unit
from course.record import RECORD_FILE, read_record, verify
from course.record.keys import PUBLIC_KEY
from course.widgets import CourseWidget
from course.widgets.guard import PLAIN_ERROR, NoFields
from course.widgets.times import saved_status, uk_date, uk_datetime
from tests.conftest import FIXTURES, REPO

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


# -- what the browser may send ---------------------------------------------------------------

def browser_update(widget, **state) -> None:
    """A comm `update` as a browser's widget manager sends it, through ipywidgets' own handler."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})


def browser_custom(widget, content) -> None:
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def test_forged_actions_are_refused_and_logged_without_a_traceback(folder, capfd):
    unit = reopen(folder)
    q = unit.question("values-q1")
    for forged in ({"action": "restore"}, {"action": "__init__"}, {"action": "check", "response": ["zz"]},
                   {"action": "check", "response": ["a"], "extra": 1}, {"action": "hint", "x": "y" * 10_000},
                   "not a dict", {"action": ["check"]}):
        browser_custom(q, forged)
    assert q.feedback == {} and q.status == ""
    s = unit.scenario("counter-request")
    for forged in ({"action": "choose", "index": "1"}, {"action": "choose", "index": 7}, {"action": "write"}):
        browser_custom(s, forged)
    assert s.path == [] and not s.finished
    err = capfd.readouterr().err
    assert "unknown action 'restore'" in err and "unknown action '__init__'" in err
    assert "option ids" in err and "invalid index" in err and "no choice 7" in err
    assert "Traceback" not in err
    _, entries = read_record(folder / RECORD_FILE)
    assert [e.kind for e in entries if e.item in ("values-q1", "counter-request")] == []


def test_kernel_only_traits_cannot_be_set_from_the_browser(folder, capfd):
    test = reopen(folder).test()
    test.start()
    (question,) = test.questions
    browser_update(question, mode="formative", has_hint=True, options=[{"id": "x", "text": "x"}],
                   _esm="alert(1)", feedback={"status": "correct"})
    assert question.mode == "summative" and not question.has_hint and question.feedback == {}
    assert question.options[0]["id"] != "x" and "alert(1)" not in question._esm
    browser_custom(question, {"action": "check", "response": [question.options[0]["id"]]})
    assert question.feedback == {}  # a summative question takes no actions at all
    browser_update(question, response=[question.options[0]["id"]])  # answering is allowed
    assert question.response == [question.options[0]["id"]]
    browser_update(question, response=["not-an-option"])
    assert question.response == [question.options[0]["id"]]
    err = capfd.readouterr().err
    assert "kernel-only or invalid traits _esm, feedback, has_hint, mode, options" in err
    _, entries = read_record(folder / RECORD_FILE)
    assert [e.response for e in entries if e.item == question.item_id] == [[question.options[0]["id"]]]


def test_a_failing_handler_shows_a_plain_message_not_a_traceback(folder, capfd):
    class Broken(CourseWidget):
        actions = {"boom": NoFields}

        def on_boom(self, _content):
            raise RuntimeError(f"cannot open {folder}/secret")

    w = Broken(reopen(folder).record, "broken", kind="single")
    browser_custom(w, {"action": "boom"})
    assert w.status == PLAIN_ERROR and str(folder) not in w.status
    assert "RuntimeError" in capfd.readouterr().err


# -- CPD log: plan, do, and a review written later --------------------------------------------

def test_a_cpd_entry_is_edited_later_and_every_version_is_kept(folder):
    cpd = reopen(folder).activity("cpd")
    cpd.add_entry("23/11/2026", "Learn the seven UK GDPR principles", "Read the ICO guide")
    (entry,) = cpd.response
    assert entry["date"] == "2026-11-23" and entry["review"] == "" and entry["version"] == 1
    cpd.edit_entry(entry["id"], date="23/11/2026", plan="Learn the seven UK GDPR principles",
                   do="Read the ICO guide", review="I now check ID before I discuss a claim")
    again = reopen(folder).activity("cpd")
    (latest,) = again.response
    assert latest["review"] == "I now check ID before I discuss a claim" and latest["version"] == 2
    history = again.view["entries"][entry["id"]]
    assert history["current"]["date_text"] == "23 November 2026"
    assert [v["review"] for v in history["earlier"]] == [""]
    assert [v["version"] for v in again.versions(entry["id"])] == [1, 2]
    _, entries = read_record(folder / RECORD_FILE)
    saves = [e for e in entries if e.item == "cpd"]
    assert [(e.extra["cpd_entry"], e.extra["version"]) for e in saves] == [(entry["id"], 1), (entry["id"], 2)]
    assert [e.response[0]["review"] for e in saves] == ["", "I now check ID before I discuss a claim"]


def test_cpd_input_is_checked_in_the_kernel_and_nothing_is_lost(folder):
    cpd = reopen(folder).activity("cpd")
    cpd.add_entry("31/02/2026", "")
    assert cpd.view["errors"] == [["date", "Enter a real date, for example 23/11/2026"], ["plan", "Enter what you plan to learn"]]
    cpd.add_entry("2026-11-02", "Learn UK GDPR principles")
    entry_id = cpd.response[0]["id"]
    cpd.edit_entry(entry_id, date="2026-11-02", plan="Learn UK GDPR principles")
    assert cpd.view["errors"] == [["plan", "You have not changed this entry. Change it, or cancel"]]
    cpd.act("edit", id="nobody", date="2026-11-02", plan="x")  # an unknown entry is refused
    assert [e["id"] for e in cpd.response] == [entry_id] and cpd.versions(entry_id)[-1]["version"] == 1


def test_a_cpd_log_saved_before_entries_had_ids_is_read_back(folder):
    record = reopen(folder).record
    record.append("cpd", "answer", [{"date": "2026-11-02", "plan": "Old plan", "do": "", "review": ""}])
    cpd = reopen(folder).activity("cpd")
    assert cpd.response[0]["id"] == "e1" and cpd.response[0]["plan"] == "Old plan"
    cpd.edit_entry("e1", date="2026-11-02", plan="Old plan", review="Done")
    assert [v["review"] for v in reopen(folder).activity("cpd").versions("e1")] == ["", "Done"]


# -- scenario outcomes follow the path --------------------------------------------------------

def test_a_scenario_outcome_names_a_poor_choice_on_the_way(tmp_path):
    target = tmp_path / "working-in-od"
    shutil.copytree(REPO / "level2" / "working-in-od", target)
    s = open_unit(target, learner="amy").scenario("wod-jobcentre-morning")
    for index in (2, 0, 0, 0, 0):  # a poor first choice, then recovered, then the best each time
        s.choose(index)
    outcome = s.view["outcome"]
    assert s.finished and "Excellent" not in outcome["text"]
    assert outcome["verdict"].startswith("1 of your 5 choices was poor")
    assert outcome["notes"][0].startswith("Your first choice, \u201cTell him that if he does not calm down")
    assert "was a poor choice. He shouts louder." in outcome["notes"][0]
    assert "The scenario has ended. 1 of your 5 choices was poor" in s.view["announce"]
    s.act("restart")
    for index in (0, 0, 0, 0):
        s.choose(index)
    best = s.view["outcome"]
    assert best["verdict"] == "You made the best choice at every step." and best["notes"] == []
    assert "Excellent." in best["text"]


# -- the page around the widgets --------------------------------------------------------------

def test_contents_list_links_home_every_part_and_the_test(folder, monkeypatch):
    unit = reopen(folder)
    monkeypatch.delenv("ODP_HOME_URL", raising=False)
    monkeypatch.delenv("ODP_SERVICE_URL", raising=False)
    html = contents_html(unit.unit, home_url())
    assert html.index("Skip to the unit test") < html.index("Back to the course home") < html.index("Contents")
    for href in ('href="/"', 'href="#odp-el-values"', 'href="#odp-practice-values"',
                 'href="#odp-scenario-counter-request"', 'href="#odp-q-cpd"', 'href="#odp-test"'):
        assert href in html, href
    monkeypatch.setenv("ODP_SERVICE_URL", "http://127.0.0.1:8865")  # odp serve: the service's home
    assert 'href="http://127.0.0.1:8865/"' in contents_html(unit.unit, home_url())
    monkeypatch.setenv("ODP_HOME_URL", "/services/course/")  # odp hub: the proxy's path to it
    assert 'href="/services/course/"' in contents_html(unit.unit, home_url())


def test_test_status_says_when_it_was_submitted_in_uk_time(folder):
    unit = reopen(folder)
    assert "You have not started the test." in attempt_status_html(unit.record)
    test = unit.test()
    test.start()
    assert "Attempt 1 is in progress" in attempt_status_html(unit.record)
    test.summary.act("submit")
    at = unit.record.entries[-1].at
    assert f"You submitted attempt 1 on {uk_datetime(at)}." in attempt_status_html(unit.record)


def test_uk_dates_and_times():
    assert uk_date("2026-12-01") == "1 December 2026"
    assert uk_datetime("2026-12-01T14:03:00+00:00") == "1 December 2026 at 14:03"  # GMT in winter
    assert uk_datetime("2026-07-01T14:03:00.000+00:00") == "1 July 2026 at 15:03"  # BST in summer
    assert saved_status("2026-07-01T23:30:00+00:00") == "Saved at 00:30"
