"""Writing to the tracking store: the calls the rest of the system makes.

Progress events come from learners' response records and results from the nbgrader
gradebook. Both may be replayed (a record re-read, a gradebook re-synced), so both are
idempotent: the same event recorded twice is stored once, and a result for an attempt that is
already stored replaces it (an assessor may regrade). A result whose regrade failed is
withdrawn (kept as history, counted nowhere) until a good grade replaces it. The caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from course.tracking.errors import TrackingError
from course.tracking.summary import refresh_learners
from course.tracking.models import (
    EVENT_KINDS, CpdEntry, Learner, LineManager, ProgressEvent, Result, WithdrawnResult,
)


def record_event(session: Session, learner_id: str, unit_id: str, kind: str, at: datetime,
                 detail: dict[str, Any] | None = None) -> bool:
    """Store that ``learner_id`` did ``kind`` in ``unit_id`` at ``at``.

    Returns True if the event was new, False if exactly this event (learner, unit, kind,
    time) was already stored; ``detail`` of a repeat is ignored.
    """
    if kind not in EVENT_KINDS:
        raise TrackingError(f"unknown event kind {kind!r}: use one of {', '.join(EVENT_KINDS)}")
    learner = _require_learner(session, learner_id)
    row = dict(learner_id=learner_id, unit_id=unit_id, kind=kind, at=utc_naive(at),
               detail=detail)
    key = ("learner_id", "at", "unit_id", "kind")
    insert = _dialect_insert(session)
    if insert is not None:
        stmt = (insert(ProgressEvent).values(**row).on_conflict_do_nothing(index_elements=key)
                .returning(ProgressEvent.id))
        # rowcount is not reliable across drivers here; a returned id means a new row.
        new = session.execute(stmt).scalar_one_or_none() is not None
        if new:
            _summarise(session, learner)
        return new
    # Other databases: look first (fine for a single writer per learner).
    found = session.scalar(select(ProgressEvent.id).filter_by(**{k: row[k] for k in key}))
    if found is None:
        session.add(ProgressEvent(**row))
        session.flush()
        _summarise(session, learner)
    return found is None


def record_result(session: Session, learner_id: str, unit_id: str, attempt: int,
                  score: float, max_score: float, passed: bool, graded_at: datetime,
                  qualification_id: str | None = None) -> None:
    """Store the grade of attempt ``attempt`` (1 = first try) at ``unit_id``.

    Recording the same learner, unit and attempt again replaces the stored grade.
    ``qualification_id`` defaults to the qualification the learner is enrolled on.
    """
    learner = _require_learner(session, learner_id)
    if attempt < 1:
        raise TrackingError(f"attempt must be 1 or more, not {attempt}")
    if not (max_score > 0 and 0 <= score <= max_score):
        raise TrackingError(f"score {score} out of {max_score} is not a valid mark")
    row = dict(learner_id=learner_id, unit_id=unit_id, attempt=attempt,
               qualification_id=qualification_id or learner.qualification_id,
               score=float(score), max_score=float(max_score), passed=bool(passed),
               graded_at=utc_naive(graded_at))
    key = ("learner_id", "unit_id", "attempt")
    changes = {k: v for k, v in row.items() if k not in key}
    insert = _dialect_insert(session)
    if insert is not None:
        stmt = insert(Result).values(**row)
        session.execute(stmt.on_conflict_do_update(index_elements=key, set_=changes))
        _summarise(session, learner)
        return
    found = session.scalar(select(Result).filter_by(**{k: row[k] for k in key}))
    if found is None:
        session.add(Result(**row))
    else:
        for name, value in changes.items():
            setattr(found, name, value)
    session.flush()
    _summarise(session, learner)


def withdraw_result(session: Session, learner_id: str, unit_id: str, attempt: int,
                    reason: str, at: datetime) -> bool:
    """Take back the published grade of this attempt (its regrade failed): the row moves to
    ``withdrawn_results``, so it counts nowhere until a grade is recorded again, and the
    learner's pages say it is being checked again. True if a grade was withdrawn; withdrawing
    again, or an attempt with no grade, changes nothing."""
    learner = _require_learner(session, learner_id)
    found = session.scalar(select(Result).filter_by(learner_id=learner_id, unit_id=unit_id,
                                                    attempt=attempt))
    if found is None:
        return False
    session.add(WithdrawnResult(
        learner_id=learner_id, qualification_id=found.qualification_id, unit_id=unit_id,
        attempt=attempt, score=found.score, max_score=found.max_score, passed=found.passed,
        graded_at=found.graded_at, feedback_html=found.feedback_html,
        withdrawn_at=utc_naive(at), reason=reason[:500]))
    session.delete(found)
    session.flush()
    _summarise(session, learner)
    return True


def utc_naive(at: datetime) -> datetime:
    """Timestamps are stored as naive UTC; aware ones are converted, naive ones taken as UTC."""
    if at.tzinfo is None:
        return at
    return at.astimezone(timezone.utc).replace(tzinfo=None)


def _summarise(session: Session, learner: Learner) -> None:
    """Bring the learner's summary columns up to date (a few index probes)."""
    refresh_learners(session.connection(), [learner.id])
    session.expire(learner)


def _require_learner(session: Session, learner_id: str) -> Learner:
    learner = session.get(Learner, learner_id)
    if learner is None:
        raise TrackingError(f"no learner with id {learner_id!r} in the tracking store")
    return learner


def _dialect_insert(session: Session):
    # Both have INSERT ... ON CONFLICT; anything else falls back to look-then-write.
    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(
        session.get_bind().dialect.name)


def record_line_manager(session: Session, manager_id: str, name: str,
                        department_id: str | None = None) -> None:
    """Store (or rename) a line manager, so pages show them by name."""
    found = session.get(LineManager, manager_id)
    if found is None:
        session.add(LineManager(id=manager_id, name=name, department_id=department_id))
    else:
        found.name, found.department_id = name, department_id or found.department_id
    session.flush()


def record_cpd_log(session: Session, learner_id: str, unit_id: str, item_id: str,
                   entries: list[dict[str, Any]], at: datetime) -> int:
    """Store the learner's CPD log as it is now: ``entries`` is the widget's whole list of
    ``{date, plan, do, review}``. An entry that differs from its latest stored version gets a
    new version (an edit, such as the review written weeks later); every version is kept.
    Returns how many versions were added; saving the same log again adds none."""
    _require_learner(session, learner_id)
    latest: dict[int, CpdEntry] = {}
    for row in session.scalars(select(CpdEntry).filter_by(
            learner_id=learner_id, unit_id=unit_id, item_id=item_id)):
        if row.position not in latest or row.version > latest[row.position].version:
            latest[row.position] = row
    added = 0
    for position, entry in enumerate(entries):
        fields = {k: str(entry.get(k) or "") for k in ("plan", "do", "review")}
        fields["entry_date"] = str(entry.get("date") or "")
        old = latest.get(position)
        if old is not None and all(getattr(old, k) == v for k, v in fields.items()):
            continue
        session.add(CpdEntry(learner_id=learner_id, unit_id=unit_id, item_id=item_id,
                             position=position, version=(old.version + 1) if old else 1,
                             recorded_at=utc_naive(at), **fields))
        added += 1
    session.flush()
    return added
