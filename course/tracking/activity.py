"""What each learner has done in each unit: the facts behind "my progress" and "my team".

Read for a handful of learners at a time (one learner, or one line manager's team), always
through the viewer's scope. Event ``detail`` carries what the course service knows at the
time (see ``docs/tracking.md``):

- ``answered``: ``item`` (the question), ``attempt``, and for a checked answer ``correct`` and,
  when wrong, ``misconception`` (the misconception the chosen option points to);
- ``submitted``: ``attempt`` and the provisional ``score`` and ``max_score`` given at submit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from course.tracking.models import CpdEntry, Learner, LineManager, ProgressEvent, Result, WithdrawnResult
from course.tracking.scope import Viewer, visible_learners


def unit_key(qual, ref) -> str:
    """The unit id the store uses for a catalogue unit (``qual`` a Qualification, ``ref`` its
    UnitRef): the unit folder's name (which is the unit's id), or ``<qualification>-<code>``
    for a unit with no content yet."""
    if ref.path:
        return ref.path.rstrip("/").rsplit("/", 1)[-1]
    return f"{qual.id}-{ref.code.lower()}"


@dataclass(frozen=True)
class Attempt:
    """One attempt at a unit's test or assignment: submitted, and graded when ``passed`` is set."""

    number: int
    submitted_at: datetime | None = None
    provisional_score: float | None = None
    provisional_max: float | None = None
    score: float | None = None
    max_score: float | None = None
    passed: bool | None = None  # None until graded
    graded_at: datetime | None = None
    # Its published result was withdrawn (the regrade failed) and no new one is published yet.
    rechecking: bool = False

    @property
    def graded(self) -> bool:
        return self.passed is not None


@dataclass
class UnitActivity:
    unit_id: str
    first_at: datetime | None = None
    last_at: datetime | None = None
    answers: int = 0
    practice_items: set[str] = field(default_factory=set)  # questions answered at least once
    attempts: list[Attempt] = field(default_factory=list)  # by number
    misconceptions: dict[str, int] = field(default_factory=dict)  # id or text: times shown

    @property
    def opened(self) -> bool:
        return self.first_at is not None or bool(self.attempts)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)


@dataclass(frozen=True)
class CpdVersion:
    unit_id: str
    item_id: str
    position: int
    version: int
    recorded_at: datetime
    entry_date: str
    plan: str
    do: str
    review: str


def learners(session: Session, viewer: Viewer, *ids: str) -> list[Learner]:
    """The learners ``viewer`` may see, limited to ``ids`` if any are given, by name."""
    stmt = select(Learner).where(visible_learners(viewer))
    if ids:
        stmt = stmt.where(Learner.id.in_(ids))
    return list(session.scalars(stmt.order_by(Learner.name, Learner.id)))


def unit_activity(session: Session, learner_ids: list[str], *, as_of: date
                  ) -> dict[str, dict[str, UnitActivity]]:
    """Per learner, per unit, everything done up to the end of ``as_of``. The caller passes
    ids it got from :func:`learners`, so the viewer's scope holds."""
    end = datetime.combine(as_of + timedelta(days=1), time())
    found: dict[str, dict[str, UnitActivity]] = defaultdict(dict)
    if not learner_ids:
        return found

    def unit(learner: str, unit_id: str) -> UnitActivity:
        return found[learner].setdefault(unit_id, UnitActivity(unit_id))

    submits: dict[tuple[str, str], dict[int, Attempt]] = defaultdict(dict)
    events = (select(ProgressEvent.learner_id, ProgressEvent.unit_id, ProgressEvent.kind,
                     ProgressEvent.at, ProgressEvent.detail)
              .where(ProgressEvent.learner_id.in_(learner_ids), ProgressEvent.at < end)
              .order_by(ProgressEvent.at))
    for learner, unit_id, kind, at, detail in session.execute(events):
        u = unit(learner, unit_id)
        u.first_at = u.first_at or at
        u.last_at = at
        detail = detail or {}
        if kind == "answered":
            u.answers += 1
            if detail.get("item"):
                u.practice_items.add(str(detail["item"]))
            if detail.get("correct") is False and detail.get("misconception"):
                key = str(detail["misconception"])
                u.misconceptions[key] = u.misconceptions.get(key, 0) + 1
        elif kind == "submitted":
            numbers = submits[(learner, unit_id)]
            n = int(detail.get("attempt") or len(numbers) + 1)
            numbers[n] = Attempt(n, at, _num(detail.get("score")), _num(detail.get("max_score")))

    results = (select(Result.learner_id, Result.unit_id, Result.attempt, Result.score,
                      Result.max_score, Result.passed, Result.graded_at)
               .where(Result.learner_id.in_(learner_ids)))
    for learner, unit_id, n, score, top, passed, graded_at in session.execute(results):
        sent = submits[(learner, unit_id)].get(n, Attempt(n))
        submits[(learner, unit_id)][n] = Attempt(
            n, sent.submitted_at, sent.provisional_score, sent.provisional_max, score, top,
            bool(passed), graded_at)
    withdrawn = (select(WithdrawnResult.learner_id, WithdrawnResult.unit_id, WithdrawnResult.attempt)
                 .where(WithdrawnResult.learner_id.in_(learner_ids)).distinct())
    for learner, unit_id, n in session.execute(withdrawn):
        sent = submits[(learner, unit_id)].get(n, Attempt(n))
        if not sent.graded:  # a good grade published since restores the attempt
            submits[(learner, unit_id)][n] = Attempt(
                n, sent.submitted_at, sent.provisional_score, sent.provisional_max, rechecking=True)
    for (learner, unit_id), numbers in submits.items():
        unit(learner, unit_id).attempts = [numbers[n] for n in sorted(numbers)]
    return found


def cpd_log(session: Session, learner_id: str) -> list[CpdVersion]:
    """Every version of every CPD entry of one learner, oldest first (the caller checks the
    viewer may see this learner)."""
    rows = session.scalars(select(CpdEntry).where(CpdEntry.learner_id == learner_id)
                           .order_by(CpdEntry.unit_id, CpdEntry.item_id, CpdEntry.position,
                                     CpdEntry.version))
    return [CpdVersion(r.unit_id, r.item_id, r.position, r.version, r.recorded_at,
                       r.entry_date, r.plan, r.do, r.review) for r in rows]


def manager_names(session: Session, ids: list[str] | None = None) -> dict[str, str]:
    stmt = select(LineManager.id, LineManager.name)
    if ids is not None:
        stmt = stmt.where(LineManager.id.in_(ids))
    return dict(session.execute(stmt).all())


def last_active(session: Session, learner_ids: list[str], *, as_of: date) -> dict[str, datetime]:
    end = datetime.combine(as_of + timedelta(days=1), time())
    stmt = (select(ProgressEvent.learner_id, func.max(ProgressEvent.at))
            .where(and_(ProgressEvent.learner_id.in_(learner_ids), ProgressEvent.at < end))
            .group_by(ProgressEvent.learner_id))
    return {lid: _as_datetime(at) for lid, at in session.execute(stmt) if at is not None}


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _as_datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
