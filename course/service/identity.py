"""Who is asking, and in which roles.

A person is a learner if the store enrols them, and a line manager if anyone in the store
reports to them. Department, profession and assessor roles are granted (``role_grants``, or
JupyterHub groups under a hub). A token may narrow what its holder can do: the token a learner's
kernel is given is good for the learner role only, whatever else its person may be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from course.tracking.models import Learner, RoleGrant
from course.tracking.scope import Role, Viewer

ASSESSOR = "assessor"
ROLES = (*(r.value for r in Role), ASSESSOR)
# JupyterHub groups that grant roles (odp hub enrol makes them).
HUB_GROUP_PREFIX = {"odp-department-": Role.DEPARTMENT.value}
HUB_GROUPS = {"odp-profession": Role.PROFESSION.value, "odp-assessors": ASSESSOR,
              "formgrade-odp": ASSESSOR}


@dataclass(frozen=True)
class Identity:
    person_id: str
    roles: frozenset[str]
    departments: frozenset[str] = frozenset()  # the departments this person leads

    def has(self, role: str) -> bool:
        return role in self.roles

    def viewer(self, role: Role | str) -> Viewer | None:
        """The data-layer viewer for ``role``, if this person holds it."""
        role = Role(role)
        if role.value not in self.roles:
            return None
        match role:
            case Role.LEARNER:
                return Viewer.learner(self.person_id)
            case Role.LINE_MANAGER:
                return Viewer.line_manager(self.person_id)
            case Role.DEPARTMENT:
                return Viewer.department(sorted(self.departments)[0]) if self.departments else None
            case Role.PROFESSION:
                return Viewer.profession()

    def viewers(self) -> list[Viewer]:
        return [v for r in Role if (v := self.viewer(r)) is not None]


def resolve(session: Session, person_id: str, *, allowed: Iterable[str] = (),
            groups: Iterable[str] = ()) -> Identity:
    """The identity of ``person_id`` from the store (and hub ``groups``), narrowed to
    ``allowed`` roles when the credential names any."""
    roles: set[str] = set()
    departments: set[str] = set()
    if session.scalar(select(exists().where(Learner.id == person_id))):
        roles.add(Role.LEARNER.value)
    if session.scalar(select(exists().where(Learner.line_manager_id == person_id))):
        roles.add(Role.LINE_MANAGER.value)
    for grant in session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id)):
        roles.add(grant.role)
        if grant.role == Role.DEPARTMENT.value and grant.scope:
            departments.add(grant.scope)
    for group in groups:
        if group in HUB_GROUPS:
            roles.add(HUB_GROUPS[group])
        for prefix, role in HUB_GROUP_PREFIX.items():
            if group.startswith(prefix):
                roles.add(role)
                departments.add(group.removeprefix(prefix))
    allowed = set(allowed)
    if allowed:
        roles &= allowed
    if Role.DEPARTMENT.value not in roles:
        departments = set()
    return Identity(person_id, frozenset(roles), frozenset(departments))


def grant(session: Session, person_id: str, role: str, scope: str = "") -> None:
    if role not in (Role.DEPARTMENT.value, Role.PROFESSION.value, ASSESSOR):
        raise ValueError(f"role {role!r} is not granted: learners and line managers come from "
                         "the enrolment")
    if session.get(RoleGrant, (person_id, role, scope)) is None:
        session.add(RoleGrant(person_id=person_id, role=role, scope=scope))
