"""Test attempts: who may start one and when, the paper, and closing it at submit.

The service draws each paper and keeps it, keys the start and the submit into the learner's
record, keeps the record's head mac at submit (so a record cut short or re-sealed later is
caught), scores the attempt provisionally by the one marking rule, and hands it in to nbgrader.

So that the provisional result cannot be used to learn the keys, the unit's resit policy
limits attempts, asks for a cool-off after each result, and by default shows no provisional
score on a resit; a resit waits for the assessor's result of the attempt before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.content import CourseContent
from course.content.model import ResitPolicy
from course.exam import paper_for
from course.grading.marking import mark_entries
from course.service.handin import HandIn
from course.service.records import ASSIGNMENT_ITEM, TEST_ITEM, RecordBook, RequestError
from course.tracking.models import Result, TestAttempt, WithdrawnResult


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # the store keeps naive UTC


@dataclass(frozen=True)
class Paper:
    attempt: int
    seed: int
    items: list[str]
    option_order: dict[str, list[str]]


@dataclass(frozen=True)
class Submitted:
    attempt: int
    answered: int
    of: int
    provisional: str | None  # the message shown, or None where the policy shows none


@dataclass
class TestState:
    """What the learner's unit page says about the test."""

    policy: ResitPolicy
    attempts: list[dict] = field(default_factory=list)
    open_attempt: int | None = None
    can_start: bool = True
    reason: str = ""  # why not, in plain words


class Sittings:
    def __init__(self, course: CourseContent, book: RecordBook, hand_in: HandIn | None) -> None:
        self.course, self.book, self.handin = course, book, hand_in

    def policy(self, unit: str) -> ResitPolicy:
        spec = self.course.units[unit].test
        return spec.resits if spec is not None else ResitPolicy()

    def _spec(self, unit: str):
        spec = self.course.units[unit].test
        if spec is None:
            raise RequestError(f"unit {unit!r} has no test specification", 404)
        return spec

    def _bank(self, unit: str):
        bank = self.course.banks.get(unit)
        if bank is None:
            raise RequestError(f"unit {unit!r} has no online test", 404)
        return bank

    def _attempts(self, session: Session, learner: str, unit: str) -> list[TestAttempt]:
        return list(session.scalars(select(TestAttempt).where(
            TestAttempt.learner_id == learner, TestAttempt.unit_id == unit).order_by(TestAttempt.attempt)))

    def _results(self, session: Session, learner: str, unit: str) -> dict[int, Result]:
        rows = session.scalars(select(Result).where(Result.learner_id == learner, Result.unit_id == unit))
        return {r.attempt: r for r in rows}

    def _rechecking(self, session: Session, learner: str, unit: str) -> set[int]:
        """Attempts whose published result was withdrawn (a failed regrade) and not replaced."""
        return set(session.scalars(select(WithdrawnResult.attempt).where(
            WithdrawnResult.learner_id == learner, WithdrawnResult.unit_id == unit)))

    def state(self, session: Session, learner: str, unit: str) -> TestState:
        self._bank(unit)
        policy = self.policy(unit)
        rows, results = self._attempts(session, learner, unit), self._results(session, learner, unit)
        out = TestState(policy)
        for row in rows:
            res = results.get(row.attempt)
            out.attempts.append({
                "attempt": row.attempt, "started": row.started_at.isoformat(),
                "submitted": row.submitted_at.isoformat() if row.submitted_at else None,
                "result": None if res is None else {"score": res.score, "max_score": res.max_score,
                                                   "passed": res.passed},
            })
            if row.submitted_at is None:
                out.open_attempt = row.attempt
        out.can_start, out.reason = self._may_start(rows, results, policy,
                                                    self._rechecking(session, learner, unit))
        return out

    def _may_start(self, rows: list[TestAttempt], results: dict[int, Result],
                   policy: ResitPolicy, rechecking: set[int] = frozenset()) -> tuple[bool, str]:
        if not rows or rows[-1].submitted_at is None:
            return True, ""
        last = rows[-1]
        result = results.get(last.attempt)
        if any(r.passed for r in results.values()):
            return False, "You have passed this test."
        if result is None and last.attempt in rechecking:
            return False, (f"Your result is being checked again (attempt {last.attempt}). You can "
                           "start a new attempt, if you need one, once it is published.")
        if result is None:
            return False, f"Attempt {last.attempt} is waiting for your assessor's result."
        if len(rows) >= policy.attempts:
            return False, (f"You have used all {policy.attempts} attempts at this test. "
                           "Speak to your assessor about what happens next.")
        ready = result.graded_at + timedelta(days=policy.cool_off_days)
        if utcnow() < ready:
            return False, f"You can resit from {ready:%-d %B %Y}."
        return True, ""

    def start(self, session: Session, learner: str, unit: str) -> Paper:
        bank = self._bank(unit)
        rows = self._attempts(session, learner, unit)
        if rows and rows[-1].submitted_at is None:  # starting again reopens the same paper
            row = rows[-1]
        else:
            ok, reason = self._may_start(rows, self._results(session, learner, unit), self.policy(unit),
                                         self._rechecking(session, learner, unit))
            if not ok:
                raise RequestError(reason, 409)
            attempt = len(rows) + 1
            # The same paper the grader rebuilds (unseen items first on a resit, to the blueprint).
            paper = paper_for(bank.items, self._spec(unit), learner, unit, attempt)
            row = TestAttempt(learner_id=learner, unit_id=unit, attempt=attempt, seed=str(paper.seed),
                              items=[q.id for q in paper.items], started_at=utcnow())
            session.add(row)
            self.book.append(session, learner, unit, request_id=f"start:{unit}:{attempt}",
                             item=TEST_ITEM, kind="start",
                             response={"items": row.items, "order": paper.option_order},
                             attempt=attempt, seed=paper.seed)
        _, entries = self.book.read(session, learner, unit)
        start = next(e for e in entries if e.kind == "start" and e.attempt == row.attempt)
        return Paper(row.attempt, int(row.seed), list(row.items), start.response["order"])

    def open_paper(self, session: Session, learner: str, unit: str, attempt: int) -> TestAttempt:
        """The open attempt an answer names; refuses answers to a closed or unknown one."""
        row = session.get(TestAttempt, (learner, unit, attempt))
        if row is None:
            raise RequestError(f"attempt {attempt} at this test has not been started", 409)
        if row.submitted_at is not None:
            raise RequestError(f"attempt {attempt} has been submitted: answers can no longer change", 409)
        return row

    def submit(self, session: Session, learner: str, unit: str, attempt: int) -> Submitted:
        bank = self._bank(unit)
        row = session.get(TestAttempt, (learner, unit, attempt))
        if row is None:
            raise RequestError(f"attempt {attempt} at this test has not been started", 409)
        header, entries = self.book.read(session, learner, unit)
        answered = {e.item for e in entries if e.kind == "answer" and e.attempt == attempt
                    and e.item in row.items and e.response not in (None, "", [])}
        if row.submitted_at is None:
            # Marked on the record as it stands: the submit entry only closes it.
            mark = mark_entries(bank, self._spec(unit), header, entries, learner=learner,
                                attempt=attempt, key=self.book.key(learner))
            done = self.book.append(session, learner, unit, request_id=f"submit:{unit}:{attempt}",
                                    item=TEST_ITEM, kind="submit",
                                    response={"answered": len(answered), "of": len(row.items)},
                                    attempt=attempt, seed=int(row.seed),
                                    event={"score": mark.score, "max_score": mark.max_score})
            row.submitted_at, row.head_mac = utcnow(), done.entry.mac
            row.provisional_score, row.max_score = mark.score, mark.max_score
            if self.handin is not None:
                row.handed_in = str(self.handin.hand_in(learner, unit, attempt, done.entry.mac,
                                                        self.book.export(session, learner, unit)))
            session.flush()
        shown = attempt == 1 or self.policy(unit).provisional_on_resit
        message = None
        if shown and row.provisional_score is not None:
            passed = row.provisional_score >= self._spec(unit).pass_score
            message = (f"Provisional result: {row.provisional_score:g} out of {row.max_score} "
                       f"({'pass' if passed else 'not yet passed'}). This is provisional until your "
                       "assessor confirms your result.")
        return Submitted(attempt, len(answered), len(row.items), message)

    # -- written assignments -------------------------------------------------------------------
    # An assignment's hand-ins are attempts too (the same table): handing in again before the
    # result replaces the hand-in; after a result that is not a pass it starts the next attempt.

    def hand_in_work(self, session: Session, learner: str, unit: str) -> Submitted:
        spec = self.course.units[unit].assignment
        if spec is None:
            raise RequestError(f"unit {unit!r} has no written assignment", 404)
        rows, results = self._attempts(session, learner, unit), self._results(session, learner, unit)
        if any(r.passed for r in results.values()):
            raise RequestError("You have passed this assignment.", 409)
        if rows and rows[-1].attempt not in results:
            row = rows[-1]  # not marked yet: this hand-in replaces the last
        else:
            if len(rows) >= self.policy(unit).attempts:
                raise RequestError(f"You have handed in this assignment {len(rows)} times. Speak to "
                                   "your assessor about what happens next.", 409)
            row = TestAttempt(learner_id=learner, unit_id=unit, attempt=len(rows) + 1, seed="0",
                              items=[t.id for t in spec.tasks], started_at=utcnow())
            session.add(row)
        _, entries = self.book.read(session, learner, unit)
        answered = {e.item for e in entries if e.kind == "answer" and e.item in row.items
                    and str(e.response or "").strip()}
        done = self.book.append(session, learner, unit, request_id=f"handin:{unit}:{row.attempt}:{len(entries)}",
                                item=ASSIGNMENT_ITEM, kind="submit",
                                response={"answered": len(answered), "of": len(row.items)},
                                attempt=row.attempt)
        row.submitted_at, row.head_mac = utcnow(), done.entry.mac
        if self.handin is not None:
            row.handed_in = str(self.handin.hand_in(learner, unit, row.attempt, done.entry.mac,
                                                    self.book.export(session, learner, unit)))
        session.flush()
        return Submitted(row.attempt, len(answered), len(row.items), None)
