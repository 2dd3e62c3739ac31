"""Which units a learner's pathway has, and the address of a unit's app under ``odp serve``.

Where she stands with each unit (status, next step) is :mod:`course.pages.status`, from the
tracking store: one copy for the Voila apps and the course service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for hints: loading content pulls in nbformat, slow in a kernel
    from course.content import CourseContent, UnitEntry


def unit_href(entry: UnitEntry) -> str:
    assert entry.unit is not None and entry.notebook is not None
    return f"../render/{entry.unit.id}/{entry.notebook.name}"


def pathway_units(course: CourseContent, qualification_id: str | None) -> list[UnitEntry]:
    """The units with an app on the learner's qualification (catalogue order); if the learner
    has none on record, those of the lowest level qualification that has any."""
    available = [e for e in course.entries if e.notebook is not None]
    mine = [e for e in available if e.qualification.id == qualification_id]
    if mine or not available:
        return mine
    first = min((e.qualification for e in available), key=lambda q: (q.level, q.id))
    return [e for e in available if e.qualification.id == first.id]
