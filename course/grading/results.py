"""Test results from the nbgrader gradebook: one row per learner, unit and attempt, with
pass/fail against the unit test's pass score (``test.pass_score``) and whether the learner
passed first time."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from nbgrader.api import Comment, Gradebook

from course.content import CourseContent
from course.grading.sittings import parse_assignment


@dataclass(frozen=True)
class AttemptResult:
    learner: str
    qualification: str
    unit: str
    attempt: int
    score: float
    max_score: float
    passed: bool
    first_time_pass: bool
    flagged: bool
    notes: str


def attempt_results(db_url: str, course: CourseContent) -> list[AttemptResult]:
    raw = []
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            unit, attempt = parse_assignment(assignment.name)
            try:
                entry = course.entry(unit)
            except KeyError:
                continue  # not a unit test (e.g. a practice assignment)
            if entry.unit.assessment != "online_test":
                continue
            qual, spec = entry.qualification, entry.unit.test
            for sub in assignment.submissions:
                notes = [c.auto_comment for nb in sub.notebooks for c in nb.comments
                         if c.auto_comment and isinstance(c, Comment)]
                passed = spec is not None and sub.max_score > 0 and sub.score >= spec.pass_score
                raw.append((sub.student.id, qual.id, unit, attempt, sub.score, sub.max_score, passed,
                            any(nb.flagged for nb in sub.notebooks), "\n".join(notes)))
    first = {(r[0], r[2]): r[6] for r in raw if r[3] == 1}
    rows = [AttemptResult(*r[:7], first_time_pass=first.get((r[0], r[2]), False), flagged=r[7], notes=r[8])
            for r in raw]
    return sorted(rows, key=lambda r: (r.unit, r.learner, r.attempt))


def write_csv(rows: list[AttemptResult], path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[f.name for f in fields(AttemptResult)])
        writer.writeheader()
        for row in rows:
            writer.writerow(asdict(row))
    return path
