"""Each learner's authoritative record: appended, sealed and chained here, never in a kernel.

The lines are the folder record's own format (``course.record.format``), sealed with the key
the service derives for the learner from the course secret, so the one marking rule
(``course.grading.marking``) and the tamper check read them unchanged. Every append names a
request id chosen by the client: sending it again after a dropped reply returns the entry
already stored instead of storing it twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.content import CourseContent
from course.content.model import Question
from course.scoring import is_correct
from course.widgets.strategy import task_widget_id
from course.record.format import Entry, Header
from course.record.keys import learner_key
from course.record.store import now
from course.tracking.ingest import record_event
from course.tracking.models import Learner, RecordEntry, RecordHead

TEST_ITEM = "test"  # the test's own item: start and submit (course.widgets.test)
ASSIGNMENT_ITEM = "assignment"  # a written assignment's hand-in
# What a widget may append through the answers endpoint; start and submit have their own.
KINDS = frozenset({"answer", "check", "step", "restart", "review"})
MAX_RESPONSE = 256 * 1024  # bytes of JSON: far above a long written answer


class RequestError(ValueError):
    """The request is refused; the message says why in plain words (HTTP 400/409)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Appended:
    entry: Entry
    duplicate: bool  # the request id was seen before: nothing new was stored


OWN_DATA_ITEM = "own-data"  # course.datasets.owndata.OWN_DATA_ITEM (that module needs pandas)


class ItemIndex:
    """Which item ids each unit has, so a request naming anything else is refused."""

    def __init__(self, course: CourseContent) -> None:
        self.formative: dict[str, frozenset[str]] = {}
        self.summative: dict[str, frozenset[str]] = {}
        self.questions: dict[tuple[str, str], Question] = {}
        self.cpd_logs: set[tuple[str, str]] = set()
        for entry in course.entries:
            unit = entry.unit
            if unit is None or entry.notebook is None:
                continue
            ids = {q.id for e in unit.elements for q in e.questions}
            ids |= {s.id for e in unit.elements for s in e.scenarios}
            ids |= {a.id for a in unit.activities}
            tasks = unit.assignment.tasks if unit.assignment else []
            ids |= {t.id for t in tasks}
            ids |= {task_widget_id(t) for t in tasks if t.widget}  # a task's grid or register
            if unit.assessment == "project":
                ids.add(OWN_DATA_ITEM)  # which data file the learner analysed (course.datasets.owndata)
            self.formative[unit.id] = frozenset(ids)
            self.questions.update({(unit.id, q.id): q for e in unit.elements for q in e.questions})
            self.cpd_logs.update((unit.id, a.id) for a in unit.activities if a.type == "cpd_log")
            bank = course.banks.get(unit.id)
            self.summative[unit.id] = frozenset(q.id for q in bank.items) if bank else frozenset()

    def event_detail(self, unit: str, item: str, kind: str, response: Any) -> dict[str, Any]:
        """What tracking keeps of a formative check: right or not and, when not, the named
        misconception the chosen option points to (worked out here, never taken from the kernel)."""
        q = self.questions.get((unit, item))
        if q is None or kind != "check":
            return {}
        correct = is_correct(q, response)
        detail: dict[str, Any] = {"correct": correct}
        if not correct and q.is_choice:
            chosen = set(response) if isinstance(response, list) else {response}
            named = [o.misconception for o in q.options if o.id in chosen and o.misconception]
            if named:
                detail["misconception"] = named[0]
        return detail

    def require_unit(self, unit: str) -> None:
        if unit not in self.formative:
            raise RequestError(f"there is no unit {unit!r} on this course", 404)


class RecordBook:
    """Reads and appends learners' records in the store."""

    def __init__(self, course_secret: bytes) -> None:
        self._secret = course_secret

    def key(self, learner: str) -> bytes:
        return learner_key(self._secret, learner)

    def head(self, session: Session, learner: str, unit: str, *, lock: bool = False) -> RecordHead:
        """The record's head row, made (with its sealed header) on first use."""
        head = session.get(RecordHead, (learner, unit), with_for_update=lock)
        if head is None:
            header = Header(learner=learner, unit=unit, created=now(), keyed=True).sealed(self.key(learner))
            head = RecordHead(learner_id=learner, unit_id=unit, created=header.created,
                              header_mac=header.mac, seq=0, head_mac=header.mac)
            session.add(head)
            session.flush()
        return head

    @staticmethod
    def header_of(head: RecordHead) -> Header:
        return Header(learner=head.learner_id, unit=head.unit_id, created=head.created, keyed=True,
                      mac=head.header_mac)

    def read(self, session: Session, learner: str, unit: str) -> tuple[Header, list[Entry]]:
        head = session.get(RecordHead, (learner, unit))
        if head is None:
            return Header(learner=learner, unit=unit, created="", keyed=True), []
        lines = session.scalars(select(RecordEntry.line).where(
            RecordEntry.learner_id == learner, RecordEntry.unit_id == unit).order_by(RecordEntry.seq))
        return self.header_of(head), [Entry(**json.loads(line)) for line in lines]

    def append(self, session: Session, learner: str, unit: str, *, request_id: str, item: str,
               kind: str, response: Any, attempt: int = 1, seed: int = 0,
               extra: dict[str, Any] | None = None, event: dict[str, Any] | None = None) -> Appended:
        """``event``: more for tracking to keep of this entry (a check's result, a score)."""
        if not request_id or len(request_id) > 64:
            raise RequestError("request_id must be 1 to 64 characters")
        done = session.scalar(select(RecordEntry).where(
            RecordEntry.learner_id == learner, RecordEntry.request_id == request_id))
        if done is not None:
            stored = Entry(**json.loads(done.line))
            if (stored.unit, stored.item, stored.kind) != (unit, item, kind):
                raise RequestError("request_id was already used for another answer", 409)
            return Appended(stored, True)
        if len(json.dumps(response)) > MAX_RESPONSE:
            raise RequestError(f"the answer is too long to save (over {MAX_RESPONSE // 1024} KB)")
        head = self.head(session, learner, unit, lock=True)
        first = head.seq == 0
        entry = Entry(seq=head.seq + 1, at=now(), learner=learner, unit=unit, item=item, kind=kind,
                      response=response, attempt=attempt, seed=seed, prev=head.head_mac,
                      extra=extra or {}).sealed(self.key(learner))
        session.add(RecordEntry(learner_id=learner, unit_id=unit, seq=entry.seq,
                                request_id=request_id, line=entry.line()))
        head.seq, head.head_mac = entry.seq, entry.mac
        if session.get(Learner, learner) is not None:  # tracking counts enrolled learners only
            at = datetime.fromisoformat(entry.at)
            if first:
                record_event(session, learner, unit, "opened", at)
            record_event(session, learner, unit, "submitted" if kind == "submit" else "answered", at,
                         {"item": item, "attempt": attempt, **(event or {})})
        session.flush()
        return Appended(entry, False)

    def export(self, session: Session, learner: str, unit: str) -> bytes:
        """The record as a ``responses.jsonl`` file (for a submission, or a learner's cache)."""
        header, entries = self.read(session, learner, unit)
        lines = [json.dumps(header.__dict__, sort_keys=True)] + [e.line() for e in entries]
        return ("\n".join(lines) + "\n").encode()
