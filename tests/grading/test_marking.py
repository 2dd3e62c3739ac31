"""Marking one attempt from a record: the rule the hidden test cell applies, on real records
written through the test widgets, and on records damaged or tampered with by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.content import load_course
from course.content.model import TestSpec
from course.exam import paper_for, read_public_items, write_public_items
from course.grading.leaks import fingerprints, scan_text
from course.grading.marking import mark_folder
from course.grading.sittings import assignment_for, parse_assignment
from course.record import RECORD_FILE, ResponseRecord
from course.record.keys import PUBLIC_KEY, learner_key
from course.widgets.test import TestSession as Session  # (not a pytest class)
from tests.conftest import REPO
from tests.grading.course_copy import right, wrong

BANK = load_course(REPO).banks["working-in-od"]
# A 10-item paper from the real bank (two items from each of its five outcomes) keeps the plans
# below short; the rule is the same for the unit's own 30-item specification.
SPEC = TestSpec(paper_length=10, pass_score=7, time_allowed_minutes=15,
                blueprint={"lo1": 2, "lo2": 2, "lo3": 2, "lo4": 2, "lo5": 2})
BY_ID = {q.id: q for q in BANK.items}
SECRET = b"s" * 32
LEARNER = "amira"


def sit(folder: Path, plan: str, *, key: bytes, learner: str = LEARNER, submit: bool = True,
        spec: TestSpec = SPEC) -> Session:
    folder.mkdir(parents=True, exist_ok=True)
    write_public_items(BANK, spec, folder)
    spec, items = read_public_items(folder)
    record = ResponseRecord.open(folder, learner, BANK.unit, key=key)
    session = Session(record, items, spec, "test")
    session.start()
    for w, step in zip(session.questions, plan):
        if step != "-":
            w.answer(right(BY_ID[w.item_id]) if step == "R" else wrong(BY_ID[w.item_id]))
    if submit:
        session.summary.act("submit")
    return session


def mark(folder: Path, attempt: int = 1, learner: str = LEARNER, secret: bytes | None = SECRET):
    return mark_folder(folder, BANK, SPEC, learner=learner, attempt=attempt, course_secret=secret)


def key() -> bytes:
    return learner_key(SECRET, LEARNER)


def rewrite(folder: Path, change) -> None:
    path = folder / RECORD_FILE
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    lines = change(lines)
    path.write_text("\n".join(json.dumps(x, sort_keys=True) for x in lines) + "\n")


def test_scores_right_wrong_and_blank_all_or_nothing(tmp_path):
    sit(tmp_path, "RRRRRRWW--", key=key())
    m = mark(tmp_path)
    assert (m.score, m.max_score, m.answered, m.passed, m.flagged) == (6, 10, 8, False, False)
    assert repr(m) == "6"  # nbgrader reads the cell's plain text as partial credit
    assert float(m._repr_mimebundle_()[0]["text/plain"]) == 6


def test_half_a_multiple_answer_scores_nothing(tmp_path):
    # the first learner whose paper has a multiple-answer item
    learner = next(name for name in (f"learner-{n}" for n in range(200))
                   if any(q.type == "multiple" for q in paper_for(BANK.items, SPEC, name, BANK.unit, 1).items))
    session = sit(tmp_path, "", key=learner_key(SECRET, learner), learner=learner, submit=False)
    multi = [w for w in session.questions if BY_ID[w.item_id].type == "multiple"]
    multi[0].answer(right(BY_ID[multi[0].item_id])[:1])
    assert mark(tmp_path, learner=learner).score == 0


def test_answers_changed_after_submitting_do_not_count(tmp_path):
    session = sit(tmp_path, "WWWWWWWWWW", key=key())
    for w in session.questions:
        w.answer(right(BY_ID[w.item_id]))
    assert mark(tmp_path).score == 0


def test_resit_is_a_new_paper_marked_on_its_own(tmp_path):
    session = sit(tmp_path, "RRRWWWWWWW", key=key())
    first = {w.item_id for w in session.questions}
    session.start()
    assert {w.item_id for w in session.questions} != first
    for w in session.questions:
        w.answer(right(BY_ID[w.item_id]))
    session.summary.act("submit")
    assert (mark(tmp_path, 1).score, mark(tmp_path, 2).score) == (3, 10)
    assert mark(tmp_path, 2).passed and not mark(tmp_path, 1).passed


def test_edited_answers_score_zero_and_say_why(tmp_path):
    session = sit(tmp_path, "RRRRRWWWWW", key=key())
    wrong_items = {w.item_id for w, s in zip(session.questions, "RRRRRWWWWW") if s == "W"}

    def fix_answers(lines):
        for x in lines:
            if x.get("kind") == "answer" and x.get("item") in wrong_items:
                x["response"] = right(BY_ID[x["item"]])
        return lines
    rewrite(tmp_path, fix_answers)
    m = mark(tmp_path)
    assert m.score == 5 and m.flagged
    assert [i.number for i in m.items if i.untrusted] == [6, 7, 8, 9, 10]
    assert any("was edited" in n for n in m.notes)
    assert "Not scored: question 6, 7, 8, 9, 10" in m._repr_html_()


def test_a_removed_line_distrusts_everything_after_it(tmp_path):
    sit(tmp_path, "RRRRRRRRRR", key=key())
    rewrite(tmp_path, lambda lines: lines[:3] + lines[4:])
    m = mark(tmp_path)
    assert m.flagged and m.score < 10
    assert any("removed or reordered" in n for n in m.notes)


def test_another_learners_record_scores_nothing(tmp_path):
    sit(tmp_path, "RRRRRRRRRR", key=learner_key(SECRET, "bob"), learner="bob")
    m = mark(tmp_path, learner=LEARNER)
    assert m.score == 0 and m.flagged
    assert any("belongs to learner 'bob'" in n for n in m.notes)


def test_public_key_records_are_marked_and_keyed_ones_need_the_secret(tmp_path):
    sit(tmp_path / "lab", "RRRRRRRRRR", key=PUBLIC_KEY)
    assert mark(tmp_path / "lab", secret=None).score == 10
    sit(tmp_path / "served", "RRRRRRRRRR", key=key())
    m = mark(tmp_path / "served", secret=None)
    assert m.score == 0 and m.flagged and "no course secret" in m.notes[0]
    assert mark(tmp_path / "served", secret=b"x" * 32).score == 0  # the wrong secret


@pytest.mark.parametrize("content, expected", [
    (None, "has no response record"),
    (b"", "the file is empty"),
    (b'{"format": "odp-responses"\n', "is not valid JSON"),
    (b"\xff\xfe\x00junk\n", "not UTF-8"),
])
def test_a_missing_or_damaged_record_scores_zero_with_the_reason(tmp_path, content, expected):
    if content is not None:
        (tmp_path / RECORD_FILE).write_bytes(content)
    m = mark(tmp_path)
    assert m.score == 0 and m.flagged and expected in m.notes[0]


def test_a_never_started_attempt_is_a_plain_zero(tmp_path):
    ResponseRecord.open(tmp_path, LEARNER, BANK.unit, key=key())
    m = mark(tmp_path)
    assert m.score == 0 and not m.flagged and "was not started" in m.notes[0]


def test_the_learners_result_never_says_which_answers_were_right(tmp_path):
    sit(tmp_path, "RRRRRWWWW-", key=key())
    html = mark(tmp_path)._repr_html_()
    assert "5 out of 10" in html and "Not answered: question 10" in html
    assert not any(q.id in html for q in BANK.items)
    assert scan_text(html, "result", fingerprints([BANK])) == []


def test_sittings_name_each_attempt():
    assert assignment_for("working-in-od", 1) == "working-in-od"
    assert parse_assignment(assignment_for("working-in-od", 3)) == ("working-in-od", 3)
    assert parse_assignment("data-security") == ("data-security", 1)
    with pytest.raises(ValueError):
        assignment_for("x", 0)


def test_the_leak_scan_finds_keys_in_any_disguise():
    prints = fingerprints([BANK])
    q = BANK.items[0]
    assert scan_text(json.dumps({"id": q.id, "correct": q.correct}), "json", prints)
    assert scan_text(f"<td>{q.id}</td><td>correct: {q.correct[0]}</td>".replace("'", "&#x27;"), "html", prints)
    assert scan_text(f"{q.prompt}\n    correct: {q.correct[0]}", "yaml", prints)
    assert scan_text("### BEGIN HIDDEN TESTS\nmark_test()", "notebook", prints)
    released = json.dumps({"items": [{"id": i.id, "prompt": i.prompt, "options": [o.text for o in i.options]}
                                     for i in BANK.items]})
    assert scan_text(released, "test-items.json", prints) == []
    # a misconception named by id is an entry of the unit's public list, released with the unit;
    # prose written into a bank option is private
    assert scan_text((REPO / "level2/working-in-od/unit.yaml").read_text(), "unit.yaml", prints) == []
    prose = q.model_copy(update={"options": [o.model_copy(update={"misconception": "Loyalty to a party is a Code value"})
                                             for o in q.options]})
    assert scan_text("... Loyalty to a party is a Code value ...", "page",
                     fingerprints([BANK.model_copy(update={"items": [prose]})]))


# -- the course service's hand-in notes decide how a submission is checked (issue 15, item 3) -----

def handed_in(tmp_path: Path, plan: str) -> tuple[Path, Path]:
    """A learner's attempt as the service seals it, with the service's note of its head."""
    from course.grading.handins import HandInNote, write_note
    from course.record import read_record

    folder, data = tmp_path / "sub", tmp_path / "data"
    sit(folder, plan, key=key())
    header, entries = read_record(folder / RECORD_FILE)
    write_note(data, HandInNote(LEARNER, BANK.unit, 1, entries[-1].mac, "now"))
    return folder, data


def served_mark(folder: Path, data: Path, attempt: int = 1):
    return mark_folder(folder, BANK, SPEC, learner=LEARNER, attempt=attempt,
                       course_secret=SECRET, data_path=data)


def test_a_handed_in_record_scores_as_sealed(tmp_path):
    folder, data = handed_in(tmp_path, "RRRRRRRRRR")
    m = served_mark(folder, data)
    assert (m.score, m.flagged) == (10, False)


def test_a_served_record_re_sealed_with_the_public_key_is_flagged_not_scored(tmp_path):
    from course.record.format import Entry, Header

    folder, data = handed_in(tmp_path, "RRRRRWWWWW")

    def downgrade(lines):  # make the wrong answers right, re-seal everything with the public key
        header = Header(**{**lines[0], "keyed": False}).sealed(PUBLIC_KEY)
        out, prev = [header.__dict__], header.mac
        for obj in lines[1:]:
            if obj["kind"] == "answer" and obj["item"] in BY_ID:
                obj["response"] = right(BY_ID[obj["item"]])
            e = Entry(**{**obj, "prev": prev}).sealed(PUBLIC_KEY)
            out.append(json.loads(e.line()))
            prev = e.mac
        return out

    rewrite(folder, downgrade)
    m = served_mark(folder, data)
    assert m.flagged and m.score == 0
    assert "sealed with another key" in " ".join(m.notes)


def test_a_served_record_cut_short_at_its_end_is_flagged(tmp_path):
    folder, data = handed_in(tmp_path, "RRRRRRRRRR")
    rewrite(folder, lambda lines: lines[:-3])  # the last answers and the submit removed
    m = served_mark(folder, data)
    assert m.flagged and "removed from the end" in " ".join(m.notes)


def test_a_served_learners_submission_the_service_did_not_hand_in_is_not_scored(tmp_path):
    folder, data = handed_in(tmp_path, "RRRRRRRRRR")
    m = served_mark(folder, data, attempt=2)  # e.g. `nbgrader submit` from JupyterLab
    assert (m.score, m.flagged) == (0, True)
    assert "not handed in by the course service" in " ".join(m.notes)


def test_the_hidden_test_marks_nothing_in_a_kernel_even_when_grading(monkeypatch):
    # The score comes from ScoreFromRecord, in the grader: a kernel that calls mark_test() gets an
    # error (0 in nbgrader), never a score, whatever its environment says.
    from course.grading.cells import mark_test
    from course.grading.context import GradingSetupError

    for value in (None, "autograde"):
        if value is None:
            monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
        else:
            monkeypatch.setenv("NBGRADER_EXECUTION", value)
        with pytest.raises(GradingSetupError, match="nothing was marked"):
            mark_test()
