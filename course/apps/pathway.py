"""'My pathway': the learner's guided next step, and where to resume.

Built from three things the learner owns: their qualification and level (tracking store),
their response records (their working folder) and their graded results (tracking store).
Nothing here reads an item bank; unit content comes from ``unit.yaml``, which holds only
formative questions.

The next step, first match wins:

1. **resit**: a unit whose graded attempts have not passed and no newer attempt is waiting;
2. **finish the test**: a test started and not submitted;
3. **sit the test**: every practice question in a unit checked, and its test not yet taken;
4. **resume**: the unit worked on most recently that has not been submitted;
5. **start**: the first unit in catalogue order not yet opened;
6. **wait for results**: everything left has been submitted and awaits grading;
7. **done**: every unit with an app passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from course.exceptions import RecordError
from course.record import RECORD_FILE, read_record
from course.record.format import Entry

if TYPE_CHECKING:  # only for hints: loading content pulls in nbformat, slow in a kernel
    from course.content import CourseContent, UnitEntry


@dataclass(frozen=True)
class Graded:
    """A unit's graded attempts so far (from the tracking store)."""

    attempts: int
    passed: bool


@dataclass(frozen=True)
class UnitState:
    unit_id: str
    label: str  # "201 Principles of working in operational delivery"
    href: str  # relative to the home page
    assessment: str  # online_test | assignment
    opened: bool
    last_active: datetime | None
    practice_done: int
    practice_total: int
    test_in_progress: bool
    submitted: int  # attempts submitted
    graded: int
    passed: bool

    @property
    def awaiting_result(self) -> bool:
        return self.submitted > self.graded and not self.passed

    @property
    def needs_resit(self) -> bool:
        return self.graded > 0 and not self.passed and not self.awaiting_result


@dataclass(frozen=True)
class NextStep:
    action: str  # resit | finish_test | sit_test | resume | start | wait | done
    text: str
    unit: UnitState | None = None


def unit_href(entry: UnitEntry) -> str:
    assert entry.unit is not None and entry.notebook is not None
    return f"../render/{entry.unit.id}/{entry.notebook.name}"


def unit_state(entry: UnitEntry, folder: Path, graded: Graded | None) -> UnitState:
    """Where the learner is with one unit, from its record in their folder."""
    unit = entry.unit
    assert unit is not None
    questions = {q.id for e in unit.elements for q in e.questions}
    entries: list[Entry] = []
    created: datetime | None = None
    try:
        header, entries = read_record(folder / unit.id / RECORD_FILE)
        created = _when(header.created)
    except RecordError:
        pass  # not opened yet, or unreadable: shown as not started
    checked = {e.item for e in entries if e.kind == "check" and e.item in questions}
    started = {e.attempt for e in entries if e.item == "test" and e.kind == "start"}
    submitted = {e.attempt for e in entries if e.kind == "submit"}
    last = max((_when(e.at) for e in entries), default=created)
    return UnitState(
        unit.id, f"{entry.ref.code} {entry.ref.title}", unit_href(entry), unit.assessment,
        created is not None, last, len(checked), len(questions),
        bool(started - submitted), len(submitted),
        graded.attempts if graded else 0, bool(graded and graded.passed))


def pathway_units(course: CourseContent, qualification_id: str | None) -> list[UnitEntry]:
    """The units with an app on the learner's qualification (catalogue order); if the learner
    has none on record, those of the lowest level qualification that has any."""
    available = [e for e in course.entries if e.notebook is not None]
    mine = [e for e in available if e.qualification.id == qualification_id]
    if mine or not available:
        return mine
    first = min((e.qualification for e in available), key=lambda q: (q.level, q.id))
    return [e for e in available if e.qualification.id == first.id]


def states(course: CourseContent, folder: Path, qualification_id: str | None,
           graded: Mapping[str, Graded]) -> list[UnitState]:
    return [unit_state(e, folder, graded.get(e.unit.id))
            for e in pathway_units(course, qualification_id) if e.unit]


def next_step(units: Iterable[UnitState]) -> NextStep:
    units = list(units)
    if not units:
        return NextStep("done", "There are no unit apps for your qualification yet.")
    for u in units:
        if u.needs_resit:
            return NextStep("resit", f"Resit the test for {u.label}: your last attempt did "
                            "not pass. A resit gives you a new paper.", u)
    for u in units:
        if u.test_in_progress:
            return NextStep("finish_test", f"Finish your test for {u.label}.", u)
    for u in units:
        if (u.practice_total and u.practice_done >= u.practice_total and not u.submitted
                and not u.passed):
            what = "Hand in your assignment" if u.assessment == "assignment" else "Sit the test"
            return NextStep("sit_test", f"{what} for {u.label}: you have checked every "
                            "practice question.", u)
    working = [u for u in units if u.opened and not u.submitted and not u.passed]
    if working:
        u = max(working, key=lambda s: s.last_active or datetime.min)
        return NextStep("resume", f"Carry on with {u.label} ({u.practice_done} of "
                        f"{u.practice_total} practice questions checked).", u)
    for u in units:
        if not u.opened and not u.passed:
            return NextStep("start", f"Start {u.label}.", u)
    waiting = [u for u in units if u.awaiting_result]
    if waiting:
        names = ", ".join(u.label for u in waiting)
        return NextStep("wait", f"Your assessor is marking: {names}. Your result will "
                        "appear here.", waiting[0])
    return NextStep("done", "You have passed every unit available here. Well done.")


def resume_point(units: Iterable[UnitState]) -> UnitState | None:
    """The unit with the latest entry in the learner's records."""
    active = [u for u in units if u.last_active is not None]
    return max(active, key=lambda u: u.last_active) if active else None


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)
