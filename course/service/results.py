"""Assessors' results into the store, where the learner's pages and her manager's read them.

Publishing the same result again replaces it (one row per learner, unit and attempt), so the
assessor's commands can run it as often as they like. A result whose feedback gives an answer
key away is refused before anything is stored. An attempt whose regrade failed is withdrawn in
the same request: its published result is kept as history, counted nowhere, and the learner
reads "being checked again" until a good grade is published (which restores it).
"""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import update
from sqlalchemy.orm import Session

from course.content import CourseContent
from course.grading.leaks import Fingerprint, scan_text
from course.service.records import RequestError
from course.tracking.ingest import record_result, withdraw_result
from course.tracking.models import Learner, Result


class PublishedResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    learner: str = Field(max_length=64)
    unit: str = Field(max_length=80)
    attempt: int = Field(ge=1)
    score: float = Field(ge=0)
    max_score: float = Field(gt=0)
    passed: bool
    graded_at: datetime | None = None
    feedback_html: str | None = Field(None, max_length=2_000_000)


class WithdrawnAttempt(BaseModel):
    """An attempt whose regrade failed: what the learner was shown for it is taken back."""

    model_config = ConfigDict(extra="forbid")

    learner: str = Field(max_length=64)
    unit: str = Field(max_length=80)
    attempt: int = Field(ge=1)
    reason: str = Field("", max_length=2000)  # why grading failed, for staff; never shown to the learner


def withdraw(session: Session, course: CourseContent, attempts: list[WithdrawnAttempt]) -> int:
    """Withdraw the published results of these attempts (learners not enrolled, and attempts
    with nothing published, are left alone: running it again changes nothing). Returns how many
    were withdrawn."""
    for a in attempts:
        if a.unit not in course.units:
            raise RequestError(f"there is no unit {a.unit!r} on this course", 404)
    now = datetime.now(timezone.utc)
    return sum(withdraw_result(session, a.learner, a.unit, a.attempt, a.reason, now)
               for a in attempts if session.get(Learner, a.learner) is not None)


def publish(session: Session, course: CourseContent, prints: list[Fingerprint],
            results: list[PublishedResult]) -> tuple[int, list[str]]:
    """Store the results of enrolled learners (the others are named back), or none at all if
    any feedback gives an answer key away. Returns how many were stored, and who was not."""
    for r in results:
        if r.unit not in course.units:
            raise RequestError(f"there is no unit {r.unit!r} on this course", 404)
        if r.feedback_html and (hits := scan_text(r.feedback_html, "feedback", prints)):
            raise RequestError(f"the feedback for {r.learner} ({r.unit}, attempt {r.attempt}) "
                               f"gives away {len(hits)} answer key(s): nothing was published", 422)
    enrolled = [r for r in results if session.get(Learner, r.learner) is not None]
    for r in enrolled:
        record_result(session, r.learner, r.unit, r.attempt, min(r.score, r.max_score), r.max_score,
                      r.passed, r.graded_at or datetime.now(timezone.utc))
        session.execute(update(Result).where(
            Result.learner_id == r.learner, Result.unit_id == r.unit, Result.attempt == r.attempt,
        ).values(feedback_html=r.feedback_html))
    return len(enrolled), sorted({r.learner for r in results} - {r.learner for r in enrolled})
