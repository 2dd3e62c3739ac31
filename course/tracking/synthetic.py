"""A synthetic programme for demos, tests and benchmarks: seeded and deterministic.

Nothing here is real data. People, managers and emails are made up; department names are real
UK departments so dashboards read naturally. Qualifications are the real ones in
``catalogue.yaml``, so every page shows their real titles. Unit ids are the ones the store
uses for real learners (:func:`course.tracking.activity.unit_key`: the unit folder's name, or
``l3-od-principles-301`` for a unit with no content yet); a qualification with no units in the
catalogue gets three ``...-syn1``..``-syn3`` units. Line managers get made-up names too.

The shape (default 20,000 learners): about 500 start each month for 40 months (the last
three years and a bit); about half have
completed, about one in ten has withdrawn, some have stalled; line managers have teams of 8 to
12 in one department; about 100 progress events per learner (two million in all); results with
resits, about 67% passing at the first attempt.
"""

from __future__ import annotations

import random
import time as clock
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from course.config import CATALOGUE_FILE, Settings
from course.content.loader import load
from course.content.model import Catalogue
from course.tracking.db import make_engine
from course.tracking.errors import TrackingError
from course.tracking.migrations import upgrade_to_head
from course.tracking.activity import unit_key
from course.tracking.summary import refresh_learners
from course.tracking.models import Department, Learner, LineManager, ProgressEvent, Result

DEFAULT_AS_OF = date(2025, 4, 30)
MONTHS = 40
EVENTS_PER_LEARNER = 136  # per full programme; learners part-way through have fewer
BATCH = 20_000

DEPARTMENTS = [  # id, name, relative size
    ("dwp", "Department for Work and Pensions", 30),
    ("hmrc", "HM Revenue and Customs", 24),
    ("hmcts", "HM Courts and Tribunals Service", 10),
    ("hmpo", "HM Passport Office", 8),
    ("dvla", "Driver and Vehicle Licensing Agency", 7),
    ("ukvi", "UK Visas and Immigration", 7),
    ("bf", "Border Force", 6),
    ("hopo", "HM Prison and Probation Service", 5),
    ("ch", "Companies House", 2),
    ("lr", "HM Land Registry", 3),
]
PLANNED_MONTHS = {2: 9, 3: 13, 4: 16, 5: 18, 6: 21, 7: 24}
POPULARITY = {2: 3.0, 3: 3.0, 4: 2.0, 5: 1.5, 6: 1.0, 7: 0.7}
FIRST_NAMES = ("Aisha Ben Chloe Dev Eilidh Femi Gareth Hannah Imran Jess Kofi Laura Mohammed "
               "Niamh Oliver Priya Rhys Sara Tomasz Una Viktor Wen Yusuf Zoe").split()
LAST_NAMES = ("Ahmed Brown Campbell Davies Evans Fraser Green Hughes Iqbal Jones Khan Lewis "
              "Morgan Nowak Owen Patel Quinn Roberts Singh Taylor Walker Young").split()


@dataclass(frozen=True)
class SyntheticQualification:
    id: str
    level: int
    units: tuple[str, ...]
    first_pass: float  # chance a first attempt passes
    synthetic: bool  # always False now: every qualification is the catalogue's (kept for callers)


@dataclass
class ProgrammeSummary:
    learners: int
    departments: int
    line_managers: int
    qualifications: list[str]
    synthetic_qualifications: list[str]
    events: int = 0
    results: int = 0
    status: dict[str, int] = field(default_factory=dict)
    as_of: date = DEFAULT_AS_OF
    seconds: float = 0.0


@dataclass
class _Plan:
    """One learner's made-up history, decided before any rows are written."""

    row: dict
    qual: SyntheticQualification
    start: datetime
    duration: timedelta  # time the whole programme would take at this learner's pace
    activity_end: datetime  # completion, withdrawal, stalling or as_of


# -- the catalogue ------------------------------------------------------------------------------


def qualifications(rng: random.Random, catalogue: Catalogue | None = None
                   ) -> list[SyntheticQualification]:
    """The catalogue's qualifications, each with its units' store ids."""
    catalogue = catalogue or _read_catalogue()
    out = []
    for q in catalogue.qualifications:
        units = tuple(unit_key(q, u) for u in q.units) or tuple(
            f"{q.id}-syn{n}" for n in (1, 2, 3))
        out.append(SyntheticQualification(q.id, q.level, units, _first_pass(rng), False))
    return out


def _first_pass(rng: random.Random) -> float:
    return 0.67 + rng.uniform(-0.04, 0.04)


def _read_catalogue() -> Catalogue:
    root = Settings().content_root
    if not (root / CATALOGUE_FILE).is_file():  # run from outside the repository
        root = Path(__file__).resolve().parents[2]
    catalogue, _, problems = load(Catalogue, root / CATALOGUE_FILE, root)
    if catalogue is None:
        raise TrackingError(f"cannot read {CATALOGUE_FILE}: {problems[0] if problems else ''}")
    return catalogue


# -- people and plans ---------------------------------------------------------------------------


def _plans(rng: random.Random, learners: int, quals: list[SyntheticQualification],
           as_of: date, months: int) -> tuple[list[_Plan], list[dict]]:
    first_day = _months_before(as_of, months - 1)  # as_of's own month is the last
    span_days = (as_of - first_day).days
    weights = [POPULARITY[q.level] * rng.uniform(0.6, 1.4) for q in quals]
    dept_ids = [d[0] for d in DEPARTMENTS]
    dept_weights = [d[2] for d in DEPARTMENTS]
    end_of_data = datetime.combine(as_of, time(18))

    plans: list[_Plan] = []
    by_department: dict[str, list[dict]] = {d: [] for d in dept_ids}
    for n in range(1, learners + 1):
        qual = rng.choices(quals, weights)[0]
        dept = rng.choices(dept_ids, dept_weights)[0]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        start_day = first_day + timedelta(days=rng.randrange(span_days))
        planned = timedelta(days=round(PLANNED_MONTHS[qual.level] * 30.4))
        # Some learners are quicker than planned, more are slower.
        duration = planned * min(2.2, max(0.6, rng.lognormvariate(0.12, 0.3)))
        start = datetime.combine(start_day, time(9))
        finish = start + duration
        fate = rng.random()
        stop = start + duration * rng.uniform(0.1, 0.85)
        row = dict(id=f"L{n:05d}", name=f"{first} {last}",
                   email=f"{first.lower()}.{last.lower()}.{n}@synthetic.example",
                   department_id=dept, line_manager_id=None, qualification_id=qual.id,
                   level=qual.level, start_date=start_day, planned_end_date=start_day + planned,
                   status="on_programme", completed_on=None)
        if fate < 0.14 and stop <= end_of_data:  # withdrew
            row["status"], activity_end = "withdrawn", stop
        elif fate < 0.24:  # stalled: still on programme, but gone quiet
            activity_end = min(stop, end_of_data)
        elif finish <= end_of_data:
            row["status"], row["completed_on"], activity_end = "completed", finish.date(), finish
        else:
            activity_end = end_of_data
        plans.append(_Plan(row, qual, start, duration, activity_end))
        by_department[dept].append(row)

    managers: list[dict] = []
    for dept, rows in by_department.items():
        rng.shuffle(rows)
        i = 0
        for size in _team_sizes(rng, len(rows)):
            manager = f"M-{dept}-{len(managers) + 1:04d}"
            managers.append(dict(id=manager, department_id=dept,
                                 name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"))
            for row in rows[i:i + size]:
                row["line_manager_id"] = manager
            i += size
    return plans, managers


def _team_sizes(rng: random.Random, people: int) -> list[int]:
    """Team sizes adding up to ``people``, each 8 to 12 when that is possible (always from 16
    people up; a department of 13 to 15 gets one larger team, one under 8 a small one)."""
    if people == 0:
        return []
    # About ten a team, but never so few teams that one is over 12 or so many one is under 8.
    teams = min(max(round(people / 10), -(-people // 12)), max(1, people // 8))
    sizes = [people // teams + (i < people % teams) for i in range(teams)]
    # Vary the sizes without leaving 8..12, so teams are not all alike.
    for _ in range(teams):
        i, j = rng.randrange(teams), rng.randrange(teams)
        if sizes[i] > 8 and sizes[j] < 12 and i != j:
            sizes[i] -= 1
            sizes[j] += 1
    return sizes


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


# -- events and results ----------------------------------------------------------------------------


def _activity(rng: random.Random, plan: _Plan, per_unit: int,
              as_of_end: datetime) -> Iterator[tuple[str, dict]]:
    """("event"|"result", row) pairs for one learner, in time order within each unit."""
    learner = plan.row["id"]
    units = plan.qual.units
    unit_span = plan.duration / len(units)
    completed = plan.row["status"] == "completed"
    for k, unit in enumerate(units):
        begin = plan.start + unit_span * k
        if begin >= plan.activity_end:
            return
        end = begin + unit_span
        reached = end <= plan.activity_end
        stop = end if reached else plan.activity_end
        share = (stop - begin) / unit_span
        seconds = int((stop - begin).total_seconds())
        count = max(1, round(per_unit * share))
        moments = sorted(rng.randrange(seconds) for _ in range(count - 1)) if seconds > 1 else []
        yield "event", _event(learner, unit, "opened", begin)
        last = 0
        for s in moments:
            last = max(s, last + 1)  # strictly increasing: the event key includes the time
            kind = "opened" if rng.random() < 0.15 else "answered"
            yield "event", _event(learner, unit, kind, begin + timedelta(seconds=last))
        if not reached:
            return
        # Submitted at the end of the unit, then resits until passed (at most three).
        when = end
        for attempt in (1, 2, 3):
            if when > as_of_end:
                return
            chance = plan.qual.first_pass if attempt == 1 else 0.8
            # A learner who completed passed every unit, by the third attempt at the latest.
            passed = (completed and attempt == 3) or rng.random() < chance
            yield "event", _event(learner, unit, "submitted", when, {"attempt": attempt})
            graded = when + timedelta(days=rng.randint(2, 10))
            max_score = 20.0
            score = (rng.randint(14, 20) if passed else rng.randint(5, 13))
            yield "result", dict(learner_id=learner, qualification_id=plan.qual.id,
                                 unit_id=unit, attempt=attempt, score=float(score),
                                 max_score=max_score, passed=passed,
                                 graded_at=min(graded, as_of_end))
            if passed:
                break
            when = graded + timedelta(days=rng.randint(14, 35))


def _event(learner: str, unit: str, kind: str, at: datetime, detail: dict | None = None) -> dict:
    return dict(learner_id=learner, unit_id=unit, kind=kind, at=at, detail=detail)


# -- loading ---------------------------------------------------------------------------------------


def generate_programme(target: Session | str | None = None, learners: int = 20_000,
                       seed: int = 7, *, as_of: date = DEFAULT_AS_OF, months: int = MONTHS,
                       events_per_learner: int = EVENTS_PER_LEARNER,
                       catalogue: Catalogue | None = None) -> ProgrammeSummary:
    """Generate a synthetic programme into an empty tracking store and say what went in.

    ``target`` is a database URL (migrated to the newest schema, then committed) or a Session
    (its schema must be current; the caller commits). The same seed and arguments always give
    the same rows.
    """
    began = clock.perf_counter()
    if isinstance(target, Session):
        summary = _generate(target.connection(), learners, seed, as_of, months,
                            events_per_learner, catalogue)
    else:
        upgrade_to_head(target)
        engine = make_engine(target)
        try:
            with engine.begin() as connection:
                summary = _generate(connection, learners, seed, as_of, months,
                                    events_per_learner, catalogue)
        finally:
            engine.dispose()
    summary.seconds = clock.perf_counter() - began
    return summary


def _generate(connection: Connection, learners: int, seed: int, as_of: date, months: int,
              events_per_learner: int, catalogue: Catalogue | None) -> ProgrammeSummary:
    if connection.execute(select(func.count()).select_from(Learner)).scalar_one():
        raise TrackingError("the tracking store already has learners: generate into an empty one")
    rng = random.Random(seed)
    quals = qualifications(rng, catalogue)
    plans, managers = _plans(rng, learners, quals, as_of, months)

    connection.execute(insert(Department), [dict(id=d, name=n) for d, n, _ in DEPARTMENTS])
    if managers:
        connection.execute(insert(LineManager), managers)
    for i in range(0, len(plans), BATCH):
        connection.execute(insert(Learner), [p.row for p in plans[i:i + BATCH]])

    as_of_end = datetime.combine(as_of, time(18))
    events: list[dict] = []
    results: list[dict] = []
    n_events = n_results = 0
    for plan in plans:
        per_unit = max(2, round(events_per_learner / len(plan.qual.units)))
        for what, row in _activity(rng, plan, per_unit, as_of_end):
            (events if what == "event" else results).append(row)
        if len(events) >= BATCH:
            connection.execute(insert(ProgressEvent), events)
            n_events += len(events)
            events = []
    for rows, table in ((events, ProgressEvent), (results, Result)):
        for i in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[i:i + BATCH])
    n_events += len(events)
    n_results = len(results)
    refresh_learners(connection)

    status: dict[str, int] = {}
    for p in plans:
        status[p.row["status"]] = status.get(p.row["status"], 0) + 1
    return ProgrammeSummary(
        learners=len(plans), departments=len(DEPARTMENTS), line_managers=len(managers),
        qualifications=[q.id for q in quals],
        synthetic_qualifications=[q.id for q in quals if q.synthetic],
        events=n_events, results=n_results, status=status, as_of=as_of)
