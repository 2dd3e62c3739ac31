"""``odp hub enrol ROSTER.csv``: people, their accounts, groups and enrolments, from one file.

A roster has one row per person: ``id, name, department, line_manager, qualification, role``,
with ``role`` one of ``learner``, ``line_manager``, ``assessor``, ``department_lead`` or
``profession``. Enrolling applies each valid row to three places, and running it again applies
only what changed:

- the OS: an account with a 0700 home (its first password goes to ``initial-passwords.csv`` in
  the hub folder, root only), in the staff group if an assessor;
- the hub: the user, and the groups their role brings (``odp-learners``, ``formgrade-<course>``
  and ``nbgrader-<course>`` for assessors, ``odp-department-<id>`` for a department lead,
  ``odp-profession``): the course service reads these groups from the hub to give roles;
- the store: a learner's enrolment (qualification, department, line manager), so her line
  manager's team page counts her and no one else sees her.

A bad row gets an error naming its row (as a spreadsheet numbers it) and field; the other rows
still apply.
"""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from course.content import CourseContent
from course.hub import accounts
from course.hub.hubapi import HubAPI
from course.service.identity import grant
from course.tracking.models import Department, Learner, LineManager, RoleGrant

COLUMNS = ("id", "name", "department", "line_manager", "qualification", "role")
ROLES = ("learner", "line_manager", "assessor", "department_lead", "profession")
LEARNERS_GROUP, PROFESSION_GROUP, DEPARTMENT_PREFIX = "odp-learners", "odp-profession", "odp-department-"
MANAGERS_GROUP = "odp-line-managers"
PEOPLE_GROUP = accounts.PEOPLE_GROUP


@dataclass(frozen=True)
class Person:
    row: int  # as a spreadsheet numbers it: the header is row 1
    id: str
    name: str
    department: str
    line_manager: str
    qualification: str
    role: str


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def read(path: Path, course: CourseContent) -> tuple[list[Person], list[RowProblem]]:
    people, problems, seen = [], [], set()
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            return [], [RowProblem(1, ", ".join(missing), f"missing column(s); the header must be {','.join(COLUMNS)}")]
        reader.fieldnames = header
        qualifications = {q.id for q in course.catalogue.qualifications}
        for number, raw in enumerate(reader, start=2):
            if not any((v or "").strip() for v in raw.values()):
                continue  # a blank line
            row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
            wrong = _check(row, qualifications, seen)
            if wrong:
                problems.append(RowProblem(number, *wrong))
                continue
            seen.add(row["id"])
            people.append(Person(number, **row))
    return people, problems


def _check(row: dict[str, str], qualifications: set[str], seen: set[str]) -> tuple[str, str] | None:
    if not accounts.valid_name(row["id"]):
        return "id", f"{row['id']!r} is not a usable account name ({accounts.NAME_RULE})"
    if row["id"] in seen:
        return "id", f"{row['id']!r} is on the roster twice"
    if row["id"] in ("root",) or row["id"].startswith("odp-"):
        return "id", f"{row['id']!r} is reserved for the system"
    if not row["name"]:
        return "name", "a name is needed"
    if row["role"] not in ROLES:
        return "role", f"{row['role']!r} is not a role; use one of {', '.join(ROLES)}"
    if row["role"] in ("learner", "department_lead", "line_manager") and not row["department"]:
        return "department", f"a {row['role'].replace('_', ' ')} needs a department"
    if row["department"] and not accounts.valid_name(row["department"]):
        return "department", f"{row['department']!r} is not a department id ({accounts.NAME_RULE})"
    if row["role"] == "learner":
        if row["qualification"] not in qualifications:
            return "qualification", f"{row['qualification']!r} is not a qualification in the catalogue (odp catalogue lists them)"
        if row["line_manager"] and not accounts.valid_name(row["line_manager"]):
            return "line_manager", f"{row['line_manager']!r} is not an id"
    return None


def hub_groups(person: Person, course_id: str) -> list[str]:
    return {"learner": [LEARNERS_GROUP], "line_manager": [MANAGERS_GROUP],
            "assessor": [f"formgrade-{course_id}", f"nbgrader-{course_id}"],
            "department_lead": [f"{DEPARTMENT_PREFIX}{person.department}"],
            "profession": [PROFESSION_GROUP]}[person.role]


def apply(people: list[Person], hub: HubAPI, session: Session, course: CourseContent, *,
          course_id: str, staff_group: str, passwords: Path, home_base: Path = Path("/home"),
          today: date | None = None) -> Report:
    report = Report()
    known = hub.users()
    wanted: dict[str, set[str]] = {}
    for person in people:
        for g in hub_groups(person, course_id):
            wanted.setdefault(g, set()).add(person.id)
    current = {g: hub.members(g) for g in wanted}
    for person in people:
        try:
            changed = _apply_one(person, known, current, hub, session, course, course_id=course_id,
                                 staff_group=staff_group, passwords=passwords, home_base=home_base,
                                 today=today or date.today())
        except accounts.AccountError as exc:
            report.problems.append(RowProblem(person.row, "id", str(exc)))
            continue
        (report.created if changed == "created" else report.changed if changed else report.unchanged).append(person.id)
    return report


def _apply_one(person: Person, known: dict, current: dict[str, set[str]], hub: HubAPI, session: Session,
               course: CourseContent, *, course_id: str, staff_group: str, passwords: Path,
               home_base: Path, today: date) -> str:
    changes = []
    os_groups = [PEOPLE_GROUP, *([staff_group] if person.role == "assessor" else [])]
    if accounts.ensure_person(person.id, person.name, os_groups, home_base):
        password = secrets.token_urlsafe(12)
        accounts.set_password(person.id, password)
        with open(passwords, "a") as f:
            f.write(f"{person.id},{password}\n")
        passwords.chmod(0o600)
        changes.append("created")
    if person.id not in known:
        hub.ensure_user(person.id)
        changes.append("hub user")
    for g in hub_groups(person, course_id):
        if person.id not in current.get(g, set()):
            hub.ensure_group(g)
            hub.add(g, [person.id])
            current.setdefault(g, set()).add(person.id)
            changes.append(g)
    if _store(person, session, course, today):
        changes.append("store")
    return "created" if "created" in changes else ("changed" if changes else "")


def _store(person: Person, session: Session, course: CourseContent, today: date) -> bool:
    """The person's enrolment or grant in the tracking store; True if anything changed."""
    if person.department and session.get(Department, person.department) is None:
        session.add(Department(id=person.department, name=person.department.upper()))
    if person.role == "learner":
        qual = course.qualification(person.qualification)
        me = session.get(Learner, person.id)
        values = dict(name=person.name, department_id=person.department,
                      line_manager_id=person.line_manager or None, qualification_id=qual.id, level=qual.level)
        if person.line_manager and session.get(LineManager, person.line_manager) is None:
            session.add(LineManager(id=person.line_manager, name=person.line_manager,
                                    department_id=person.department))
        if me is None:
            session.add(Learner(id=person.id, email="", start_date=today,
                                planned_end_date=today + timedelta(days=365), status="on_programme", **values))
            session.flush()
            return True
        if any(getattr(me, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(me, k, v)
            return True
        return False
    if person.role == "line_manager":
        mine = session.get(LineManager, person.id)
        if mine is None:
            session.add(LineManager(id=person.id, name=person.name, department_id=person.department))
            return True
        if mine.name != person.name:
            mine.name = person.name
            return True
        return False
    role, scope = {"assessor": ("assessor", ""), "department_lead": ("department", person.department),
                   "profession": ("profession", "")}[person.role]
    if session.get(RoleGrant, (person.id, role, scope)) is None:
        grant(session, person.id, role, scope)
        session.flush()
        return True
    return False
