"""Test results from the nbgrader gradebook: one row per learner, unit and attempt, with
pass/fail against the unit test's pass score (``test.pass_score``) and whether the learner
passed first time.

A submission `odp grade` could not grade (its outcome, kept beside nbgrader's tables, is
"failed") is a failure here too: it has no score and no pass or fail, and a first attempt that
failed to grade leaves first-time pass unknown (None), so it counts neither way.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from nbgrader.api import Comment, Gradebook

from course.content import CourseContent
from course.grading.sittings import parse_assignment

FAILED = "failed"


@dataclass(frozen=True)
class AttemptResult:
    learner: str
    qualification: str
    unit: str
    attempt: int
    score: float | None          # None: the submission failed to grade
    max_score: float
    passed: bool | None          # None: failed to grade, so neither pass nor fail
    first_time_pass: bool | None  # None: the first attempt failed to grade
    flagged: bool
    notes: str
    status: str = "graded"       # graded | failed
    reason: str = ""             # why grading failed, in plain words

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def describe(self) -> str:
        """The result as a person reads it: "7/10, pass", or "failed: <reason>"."""
        if self.failed:
            return f"failed: {self.reason or 'the submission could not be graded'}"
        return f"{self.score:g}/{self.max_score:g}, {'pass' if self.passed else 'not yet'}"


def _failures(db_url: str, assignments: list[str]) -> dict[tuple[str, str], str]:
    from course.grading.outcomes import load_outcomes  # outcomes builds on this module

    out = {}
    for name in assignments:
        for learner, o in load_outcomes(db_url, name).items():
            if o["status"] == FAILED:
                out[(name, learner)] = o["reason"] or ""
    return out


def attempt_results(db_url: str, course: CourseContent) -> list[AttemptResult]:
    raw = []
    with Gradebook(db_url) as gb:
        assignments = list(gb.assignments)
        failures = _failures(db_url, [a.name for a in assignments])
        for assignment in assignments:
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
                reason = failures.get((assignment.name, sub.student.id))
                failed = reason is not None
                passed = None if failed else (spec is not None and sub.max_score > 0 and sub.score >= spec.pass_score)
                raw.append(dict(learner=sub.student.id, qualification=qual.id, unit=unit, attempt=attempt,
                                score=None if failed else sub.score, max_score=sub.max_score, passed=passed,
                                flagged=any(nb.flagged for nb in sub.notebooks), notes="\n".join(notes),
                                status=FAILED if failed else "graded", reason=reason or ""))
    first = {(r["learner"], r["unit"]): r["passed"] for r in raw if r["attempt"] == 1}
    rows = [AttemptResult(**r, first_time_pass=first.get((r["learner"], r["unit"]), False)) for r in raw]
    return sorted(rows, key=lambda r: (r.unit, r.learner, r.attempt))


def write_csv(rows: list[AttemptResult], path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[f.name for f in fields(AttemptResult)])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in asdict(row).items()})
    return path
