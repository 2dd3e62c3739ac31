"""Where `odp grade` keeps what happened to each submission, and the export it always writes.

Outcomes live in the gradebook's own database, in a table of ours beside nbgrader's (nbgrader
never reads or migrates it), so a failed submission is never mistaken for a real zero.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    Column, DateTime, Float, MetaData, String, Table, Text, create_engine, delete, select,
)

from course.content import CourseContent
from course.grading.batch import Outcome
from course.grading.results import attempt_results
from course.grading.sittings import parse_assignment

metadata = MetaData()
outcome_table = Table(
    "odp_grading_outcome", metadata,
    Column("assignment", String(128), primary_key=True),
    Column("learner", String(128), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("score", Float), Column("max_score", Float), Column("seconds", Float),
    Column("reason", Text), Column("findings", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)


def save_outcomes(db_url: str, assignment: str, outcomes: list[Outcome]) -> None:
    engine = create_engine(db_url)
    metadata.create_all(engine)
    now = datetime.now(timezone.utc)
    with engine.begin() as db:
        for o in outcomes:
            if o.status == "skipped":
                continue  # keep the outcome of the run that graded it
            db.execute(delete(outcome_table).where(outcome_table.c.assignment == assignment,
                                                   outcome_table.c.learner == o.learner))
            db.execute(outcome_table.insert().values(
                assignment=assignment, learner=o.learner, status=o.status, score=o.score,
                max_score=o.max_score, seconds=round(o.seconds, 3), reason=o.reason,
                findings="\n".join(o.findings), at=now))
    engine.dispose()


def load_outcomes(db_url: str, assignment: str) -> dict[str, dict]:
    engine = create_engine(db_url)
    metadata.create_all(engine)
    with engine.connect() as db:
        rows = db.execute(select(outcome_table).where(outcome_table.c.assignment == assignment)).mappings()
        out = {r["learner"]: dict(r) for r in rows}
    engine.dispose()
    return out


EXPORT_FIELDS = ["learner", "qualification", "unit", "attempt", "score", "max_score", "passed",
                 "first_time_pass", "flagged", "status", "reason", "notes"]


def write_export(db_url: str, course: CourseContent, assignment: str, path: Path) -> Path:
    """Every submission for the assignment: its score and pass/fail from the gradebook, and its
    grading status and reason from our outcomes (a failed one shows as failed, not as 0)."""
    unit, attempt = parse_assignment(assignment)
    results = {r.learner: r for r in attempt_results(db_url, course) if r.unit == unit and r.attempt == attempt}
    outcomes = load_outcomes(db_url, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        for learner in sorted(set(results) | set(outcomes)):
            r, o = results.get(learner), outcomes.get(learner, {})
            failed = o.get("status") == "failed"
            graded = r is not None and not failed
            writer.writerow({
                "learner": learner, "unit": unit, "attempt": attempt,
                "qualification": r.qualification if r else "",
                "score": f"{r.score:g}" if graded else "",
                "max_score": "" if r is None else f"{r.max_score:g}",
                "passed": r.passed if graded else "",
                "first_time_pass": "" if not graded or r.first_time_pass is None else r.first_time_pass,
                "flagged": bool(r and r.flagged), "status": o.get("status", "graded by nbgrader"),
                "reason": o.get("reason") or "", "notes": (r.notes if r else "") or o.get("findings") or "",
            })
    return path
