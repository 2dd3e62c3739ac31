"""Marking one attempt at a unit test from the learner's response record.

The one rule the official nbgrader score (hidden test cell) and any other scorer share: rebuild
the learner's paper from its seed, take the last trusted answer saved for each item on it before
the attempt was submitted, and score each item all-or-nothing with :func:`course.scoring.is_correct`.
An answer the tamper check cannot vouch for scores 0, with the reason recorded.

What the learner sees (``_repr_html_``, shown in nbgrader's feedback) says which questions were
answered and why any could not be scored, never which were right: the items are reused on resits.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from course.content.model import ItemBank, TestSpec
from course.exam import paper_for
from course.exceptions import RecordError, RecordMissingError
from course.grading.handins import how_to_check
from course.record import RECORD_FILE, Entry, Header, read_record, verify
from course.scoring import is_correct
from course.widgets.test import TEST_ITEM

UNTRUSTED = "the saved answer failed the record's tamper check"


@dataclass(frozen=True)
class ItemMark:
    number: int              # position on the learner's paper
    item: str                # bank item id (grading side: never shown to the learner)
    answered: bool
    correct: bool
    untrusted: bool = False
    response: tuple[str, ...] = ()   # the option ids chosen (for item analysis' distractor counts)

    @property
    def score(self) -> float:
        return 1.0 if self.correct and not self.untrusted else 0.0


@dataclass(frozen=True)
class TestMark:
    """One learner's result for one attempt. Its plain-text form is the score alone, which is
    how an nbgrader autograded test cell reports partial credit."""

    learner: str
    unit: str
    attempt: int
    pass_score: int                    # right answers needed (the unit's test.pass_score)
    items: tuple[ItemMark, ...]
    notes: tuple[str, ...] = ()        # why anything was not scored, for the assessor and learner
    flagged: bool = False              # the assessor should look at this submission
    sat: bool = True                   # the learner's own, verified record shows this attempt started

    @property
    def score(self) -> float:
        return sum(i.score for i in self.items)

    @property
    def max_score(self) -> int:
        return len(self.items)

    @property
    def passed(self) -> bool:
        return self.max_score > 0 and self.score >= self.pass_score

    @property
    def answered(self) -> int:
        return sum(i.answered for i in self.items)

    def summary(self) -> str:
        outcome = "pass" if self.passed else "not yet passed"
        return (f"Attempt {self.attempt}: {self.score:g} out of {self.max_score} ({outcome}; the pass "
                f"mark is {self.pass_score}). You answered {self.answered} "
                f"of {self.max_score} questions.")

    def __repr__(self) -> str:
        return f"{self.score:g}"

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{escape(n)}</li>" for n in self.notes)
        untrusted = [str(i.number) for i in self.items if i.untrusted]
        blank = [str(i.number) for i in self.items if not i.answered and not i.untrusted]
        rows = []
        if blank:
            rows.append(f"<li>Not answered: question {', '.join(blank)}.</li>")
        if untrusted:
            rows.append(f"<li>Not scored: question {', '.join(untrusted)} ({escape(UNTRUSTED)}).</li>")
        return (f'<section class="odp-test-result" aria-label="Test result">'
                f"<p><strong>{escape(self.summary())}</strong></p>"
                + (f"<ul>{''.join(rows)}</ul>" if rows else "")
                + (f"<p>Notes from marking:</p><ul>{notes}</ul>" if notes else "")
                + "</section>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/plain": repr(self), "text/html": self._repr_html_()}
        # Read by the gradebook hook (course.grading.hooks.SaveMarkingNotes); not rendered.
        meta = {"odp": {"score": self.score, "max": self.max_score, "attempt": self.attempt,
                        "notes": list(self.notes), "flagged": self.flagged}}
        return data, meta


def paper_items(bank: ItemBank, spec: TestSpec, learner: str, attempt: int):
    return paper_for(bank.items, spec, learner, bank.unit, attempt).items


def blank_mark(bank: ItemBank, spec: TestSpec, learner: str, attempt: int, note: str,
               flagged: bool) -> TestMark:
    items = tuple(ItemMark(n, q.id, False, False)
                  for n, q in enumerate(paper_items(bank, spec, learner, attempt), 1))
    return TestMark(learner, bank.unit, attempt, spec.pass_score, items, (note,), flagged, sat=False)


def _chosen(response) -> tuple[str, ...]:
    if isinstance(response, str):
        return (response,)
    return tuple(str(r) for r in response) if isinstance(response, (list, tuple)) else ()


def mark_entries(bank: ItemBank, spec: TestSpec, header: Header, entries: list[Entry], *, learner: str,
                 attempt: int, key: bytes, head_mac: str | None = None) -> TestMark:
    check = verify(header, entries, key, learner=learner, unit=bank.unit, head_mac=head_mac)
    submitted = [e.seq for e in entries if e.item == TEST_ITEM and e.kind == "submit" and e.attempt == attempt]
    cutoff = min(submitted) if submitted else None
    answers: dict[str, Entry] = {}
    for e in entries:
        if e.kind == "answer" and e.attempt == attempt and (cutoff is None or e.seq < cutoff):
            answers[e.item] = e  # the last answer saved before the attempt was submitted
    marks = []
    for n, q in enumerate(paper_items(bank, spec, learner, attempt), 1):
        entry = answers.get(q.id)
        response = entry.response if entry else None
        answered = response not in (None, "", [])
        # An edited start/submit line makes the attempt's cut-off untrustworthy too.
        untrusted = answered and not (check.trusted(q.id) and check.trusted(TEST_ITEM))
        marks.append(ItemMark(n, q.id, answered, answered and is_correct(q, response), untrusted,
                              _chosen(response) if answered else ()))
    notes = tuple(f"Tamper check: {p}." for p in check.problems)
    started = any(e.item == TEST_ITEM and e.kind == "start" and e.attempt == attempt for e in entries)
    if not started and not any(m.answered for m in marks):
        notes += (f"Attempt {attempt} was not started: no answers were saved for it.",)
    return TestMark(learner, bank.unit, attempt, spec.pass_score, tuple(marks), notes,
                    flagged=not check.ok, sat=started and check.ok)


def mark_folder(folder: Path, bank: ItemBank, spec: TestSpec, *, learner: str, attempt: int,
                course_secret: bytes | None, data_path: Path | None = None) -> TestMark:
    """Mark the record in a submission folder. Never raises for a bad record: the reason is in
    the mark's notes and the mark is flagged. With ``data_path``, the course service's hand-in
    notes decide which key and head the record must have (course.grading.handins)."""
    try:
        header, entries = read_record(Path(folder) / RECORD_FILE)
    except RecordMissingError:
        return blank_mark(bank, spec, learner, attempt,
                          f"The submission has no response record ({RECORD_FILE}): no answers were saved.",
                          flagged=True)
    except RecordError as exc:
        return blank_mark(bank, spec, learner, attempt,
                          f"The response record could not be read: {exc}", flagged=True)
    how = how_to_check(data_path, learner, bank.unit, attempt, header.keyed, course_secret)
    if how.refusal:
        return blank_mark(bank, spec, learner, attempt, how.refusal[0].upper() + how.refusal[1:] + ".",
                          flagged=True)
    if how.key is None:
        return blank_mark(bank, spec, learner, attempt,
                          "The record was sealed by the course server but the grader has no course "
                          "secret to check it with.", flagged=True)
    return mark_entries(bank, spec, header, entries, learner=learner, attempt=attempt, key=how.key,
                        head_mac=how.head_mac)
