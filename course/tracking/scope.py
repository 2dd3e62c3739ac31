"""Who may see whom: role scoping in the data layer.

Every dashboard figure is computed over :func:`visible_learners` for a :class:`Viewer`, so a
screen cannot show a figure over learners its viewer may not see, whatever the UI does:

- a **learner** sees only themself;
- a **line manager** sees only their direct reports (``learners.line_manager_id``);
- a **department** sees only the learners in that department;
- the **profession** sees everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, select, true

from course.tracking.errors import TrackingError
from course.tracking.models import Learner


class Role(StrEnum):
    LEARNER = "learner"
    LINE_MANAGER = "line_manager"
    DEPARTMENT = "department"
    PROFESSION = "profession"


@dataclass(frozen=True)
class Viewer:
    """The person looking at a dashboard and the role they are looking in.

    ``person_id`` is needed for a learner (their learner id) and a line manager (the id their
    reports' ``line_manager_id`` holds); ``department_id`` for a department viewer.
    """

    role: Role
    person_id: str | None = None
    department_id: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "role", Role(self.role))
        except ValueError:
            raise TrackingError(f"unknown role {self.role!r}: use one of "
                                f"{', '.join(r.value for r in Role)}") from None
        if self.role in (Role.LEARNER, Role.LINE_MANAGER) and not self.person_id:
            raise TrackingError(f"a {self.role.value.replace('_', ' ')} viewer needs a person_id")
        if self.role is Role.DEPARTMENT and not self.department_id:
            raise TrackingError("a department viewer needs a department_id")

    @classmethod
    def learner(cls, learner_id: str) -> Viewer:
        return cls(Role.LEARNER, person_id=learner_id)

    @classmethod
    def line_manager(cls, person_id: str) -> Viewer:
        return cls(Role.LINE_MANAGER, person_id=person_id)

    @classmethod
    def department(cls, department_id: str) -> Viewer:
        return cls(Role.DEPARTMENT, department_id=department_id)

    @classmethod
    def profession(cls) -> Viewer:
        return cls(Role.PROFESSION)

    def describe(self) -> str:
        match self.role:
            case Role.LEARNER:
                return f"learner {self.person_id}"
            case Role.LINE_MANAGER:
                return f"line manager {self.person_id}'s team"
            case Role.DEPARTMENT:
                return f"department {self.department_id}"
            case _:
                return "the profession"


def require_viewer(viewer: object) -> Viewer:
    """Refuse to compute anything without a real Viewer (never default to everyone)."""
    if not isinstance(viewer, Viewer):
        raise TypeError(f"a Viewer is required, not {type(viewer).__name__}")
    return viewer


def visible_learners(viewer: Viewer) -> ColumnElement[bool]:
    """The WHERE clause on ``learners`` that keeps only the learners ``viewer`` may see."""
    viewer = require_viewer(viewer)
    match viewer.role:
        case Role.LEARNER:
            return Learner.id == viewer.person_id
        case Role.LINE_MANAGER:
            return Learner.line_manager_id == viewer.person_id
        case Role.DEPARTMENT:
            return Learner.department_id == viewer.department_id
        case Role.PROFESSION:
            return true()
    raise TrackingError(f"no scope defined for role {viewer.role!r}")  # a new Role needs one


def scoped_learners(viewer: Viewer) -> Select[tuple[Learner]]:
    """``SELECT learners`` limited to what ``viewer`` may see; add columns or filters to it."""
    return select(Learner).where(visible_learners(viewer))


def visible_learner_ids(viewer: Viewer) -> Select[tuple[str]]:
    """The ids ``viewer`` may see, for ``IN (...)`` filters on events or results."""
    return select(Learner.id).where(visible_learners(viewer))
