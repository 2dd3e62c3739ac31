"""Which attempt an nbgrader assignment grades.

Every attempt at a unit test is its own nbgrader assignment, so the gradebook keeps each one:
the first sitting is the unit's id (``working-in-od``) and a resit is ``working-in-od-attempt-2``.
The learner works in one folder throughout; their record holds every attempt, and the
assignment name says which attempt to mark.
"""

from __future__ import annotations

import re

_ATTEMPT = re.compile(r"^(?P<unit>.+)-attempt-(?P<n>[1-9][0-9]*)$")


def assignment_for(unit: str, attempt: int) -> str:
    if attempt < 1:
        raise ValueError(f"attempt must be 1 or more, not {attempt}")
    return unit if attempt == 1 else f"{unit}-attempt-{attempt}"


def parse_assignment(assignment: str) -> tuple[str, int]:
    """``working-in-od`` → (``working-in-od``, 1); ``working-in-od-attempt-3`` → (…, 3)."""
    m = _ATTEMPT.match(assignment)
    return (m["unit"], int(m["n"])) if m else (assignment, 1)
