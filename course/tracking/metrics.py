"""Dashboard figures, each computed only over the learners a :class:`Viewer` may see.

Every function takes a session and a Viewer (required: there is no "everyone" default), and
returns a dataclass with the figure for the viewer's whole scope (``total``) and broken down by
qualification and level (``rows``). Each has ``to_frame()``, ``to_csv()`` and an HTML view for
notebooks.

Common rules:

- **In scope** means a learner the viewer may see (:mod:`course.tracking.scope`) who has
  commenced, i.e. ``start_date <= as_of``. Enrolments starting later are not counted anywhere.
- ``as_of`` (default: today) is the reference day; figures use the store's current state and
  ``as_of`` only places the time windows.
- **The last N weeks** is the 7*N calendar days ending with ``as_of``, inclusive.
- Breakdowns use the qualification and level the learner is enrolled on, and list every
  (qualification, level) that has a learner in scope, with zeros where nothing applies.

The work is done by SQL aggregation (or by Python over a few narrow columns), so each figure
stays within a second at 20,000 learners and 2 million events on SQLite.
"""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import ColumnElement, Integer, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from course.tracking.models import Learner, ProgressEvent, Result
from course.tracking.scope import Viewer, require_viewer, visible_learners

ACTIVE_WEEKS = 4
ALL = "all"  # qualification_id of a total row
Group = tuple[str, int]

L, E, R = Learner, ProgressEvent, Result


# -- shared pieces ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The last ``weeks`` weeks: 7*weeks calendar days ending with ``as_of``."""

    as_of: date
    weeks: int

    @property
    def first_day(self) -> date:
        return self.as_of - timedelta(days=7 * self.weeks - 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time())

    @property
    def end(self) -> datetime:  # exclusive: midnight after as_of
        return datetime.combine(self.as_of + timedelta(days=1), time())


def _in_scope(viewer: Viewer, as_of: date,
              where: ColumnElement[bool] | None = None) -> ColumnElement[bool]:
    """Learners the viewer may see who have commenced, narrowed by ``where`` (a page's
    filters, :mod:`course.tracking.trends`); never widened by it."""
    scope = and_(visible_learners(require_viewer(viewer)), L.start_date <= as_of)
    return scope if where is None else and_(scope, where)


def _window(as_of: date | None, weeks: int) -> Window:
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    return Window(as_of or date.today(), weeks)


def _active_in(window: Window, session: Session | None = None,
               viewer: Viewer | None = None) -> ColumnElement[bool]:
    """Any progress event in the window. When nothing in the store is later than the window
    (always so for today's figures) that is the learner's summary ``last_active_at``, read
    from the learner row; otherwise one index probe per learner on (learner_id, at)."""
    if session is not None and viewer is not None and _nothing_after(session, viewer, window):
        return and_(L.last_active_at.is_not(None), L.last_active_at >= window.start)
    return exists().where(E.learner_id == L.id, E.at >= window.start, E.at < window.end)


def _nothing_after(session: Session, viewer: Viewer, window: Window) -> bool:
    latest = _as_datetime(session.scalar(  # for the profession, one probe of an index
        select(func.max(L.last_active_at)).where(visible_learners(viewer))))
    return latest is None or latest < window.end


def days_between(session: Session, start, end):
    """``end - start`` in whole days, in SQL (SQLite has no date type to subtract)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.cast(func.julianday(end) - func.julianday(start), Integer)
    return end - start


def _groups(session: Session, viewer: Viewer, as_of: date,
            where: ColumnElement[bool] | None = None) -> list[Group]:
    """Every (qualification, level) with a learner in scope: each figure shows them all."""
    stmt = (select(L.qualification_id, L.level).where(_in_scope(viewer, as_of, where))
            .group_by(L.qualification_id, L.level))
    return sorted(((q, int(lv)) for q, lv in session.execute(stmt)), key=_group_order)


def _count_if(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _group_order(key: Group) -> tuple[int, str]:
    return key[1], key[0]


class _Figure:
    """HTML and CSV views shared by every figure; subclasses say how to make the frame."""

    title = ""
    viewer: Viewer
    as_of: date

    def to_frame(self) -> pd.DataFrame:
        raise NotImplementedError

    def to_csv(self, path: str | Path | None = None) -> str | None:
        """The figure as CSV: returned as text, or written to ``path``."""
        return self.to_frame().to_csv(path, index=False)

    def _subtitle(self) -> str:
        return f"{self.viewer.describe()}, as at {self.as_of.isoformat()}"

    def _html_frame(self) -> pd.DataFrame:
        return self.to_frame()

    def _repr_html_(self) -> str:
        table = self._html_frame().to_html(index=False, na_rep="–", border=0)
        return (f"<h4>{html.escape(self.title)}</h4>"
                f"<p>{html.escape(self._subtitle())}</p>{table}")


def _frame(rows: Iterable[object], total: object) -> pd.DataFrame:
    records = [asdict(r) for r in (*rows, total)]
    names = [f.name for f in fields(total)]
    frame = pd.DataFrame.from_records(records, columns=names)
    frame["level"] = frame["level"].astype("Int64")
    return frame


# -- commencement to completion funnel ------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    qualification_id: str
    level: int | None
    started: int
    active: int
    submitted: int
    passed: int
    completed: int


@dataclass(frozen=True)
class Funnel(_Figure):
    """Learners at each stage from commencement to completion.

    - ``started``: learners in scope (commenced on or before ``as_of``);
    - ``active``: of those, learners with any progress event in the last N weeks;
    - ``submitted``: learners with at least one ``submitted`` event or at least one result;
    - ``passed``: learners with at least one passing result (any unit, any attempt);
    - ``completed``: learners whose status is ``completed``.

    Stages are counted independently; ``active`` is a snapshot, so it is not a subset of the
    stage before it in any order, but in clean data submitted ⊇ passed ⊇ completed.
    """

    viewer: Viewer
    as_of: date
    weeks: int
    total: FunnelRow
    rows: list[FunnelRow] = field(default_factory=list)
    title = "Commencement to completion"

    def to_frame(self) -> pd.DataFrame:
        return _frame(self.rows, self.total)

    def _subtitle(self) -> str:
        return f"{super()._subtitle()}; active = any activity in the last {self.weeks} weeks"


def funnel(session: Session, viewer: Viewer, *, as_of: date | None = None,
           weeks: int = ACTIVE_WEEKS, where: ColumnElement[bool] | None = None) -> Funnel:
    window = _window(as_of, weeks)
    # The learner row's summary (course.tracking.summary): no scan of events or results.
    submitted, passed = L.submitted_any.is_(True), L.passed_any.is_(True)
    stmt = (
        select(L.qualification_id, L.level, func.count(),
               _count_if(_active_in(window, session, viewer)), _count_if(submitted), _count_if(passed),
               _count_if(L.status == "completed"))
        .where(_in_scope(viewer, window.as_of, where))
        .group_by(L.qualification_id, L.level)
    )
    rows = sorted((FunnelRow(q, lv, *map(int, counts)) for q, lv, *counts in session.execute(stmt)),
                  key=lambda r: _group_order((r.qualification_id, r.level)))
    total = FunnelRow(ALL, None, *(sum(getattr(r, n) for r in rows) for n in
                                  ("started", "active", "submitted", "passed", "completed")))
    return Funnel(viewer, window.as_of, weeks, total, rows)


# -- status counts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    qualification_id: str
    level: int | None
    on_programme: int
    completed: int
    withdrawn: int
    total: int


@dataclass(frozen=True)
class StatusCounts(_Figure):
    """How many learners in scope are on programme, completed and withdrawn (by status now)."""

    viewer: Viewer
    as_of: date
    total: StatusRow
    rows: list[StatusRow] = field(default_factory=list)
    title = "Learners by status"

    def to_frame(self) -> pd.DataFrame:
        return _frame(self.rows, self.total)


def status_counts(session: Session, viewer: Viewer, *, as_of: date | None = None,
                  where: ColumnElement[bool] | None = None) -> StatusCounts:
    as_of = as_of or date.today()
    stmt = (select(L.qualification_id, L.level, L.status, func.count())
            .where(_in_scope(viewer, as_of, where))
            .group_by(L.qualification_id, L.level, L.status))
    counts: dict[Group, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for qual, level, status, n in session.execute(stmt):
        counts[(qual, level)][status] += n

    def row(qual: str, level: int | None, c: dict[str, int]) -> StatusRow:
        on, done, gone = c["on_programme"], c["completed"], c["withdrawn"]
        return StatusRow(qual, level, on, done, gone, on + done + gone)

    rows = [row(*key, counts[key]) for key in sorted(counts, key=_group_order)]
    all_counts: dict[str, int] = defaultdict(int)
    for c in counts.values():
        for status, n in c.items():
            all_counts[status] += n
    return StatusCounts(viewer, as_of, row(ALL, None, all_counts), rows)


# -- first-time pass rate ------------------------------------------------------------------------


@dataclass(frozen=True)
class PassRateRow:
    qualification_id: str
    level: int | None
    first_attempts: int
    passed_first_time: int
    rate: float | None  # None when there are no first attempts to divide by


@dataclass(frozen=True)
class FirstTimePassRate(_Figure):
    """Share of first attempts at a unit's test or assignment that passed.

    Counted per learner per unit: for every (learner in scope, unit) with a graded attempt 1,
    the denominator counts 1 and the numerator counts 1 if that attempt passed. A learner
    with four units counts four times. Resits (attempt 2 and later) are ignored, and a unit
    still awaiting its first grade is not counted. ``rate`` is ``passed_first_time /
    first_attempts``, or None when there are no first attempts.
    """

    viewer: Viewer
    as_of: date
    total: PassRateRow
    rows: list[PassRateRow] = field(default_factory=list)
    title = "First-time pass rate"

    def to_frame(self) -> pd.DataFrame:
        return _frame(self.rows, self.total)

    def _html_frame(self) -> pd.DataFrame:
        frame = self.to_frame()
        frame["rate"] = [None if pd.isna(v) else f"{v:.0%}" for v in frame["rate"]]
        return frame


def _rate(passed: int, attempts: int) -> float | None:
    return passed / attempts if attempts else None


def first_time_pass_rate(session: Session, viewer: Viewer, *, as_of: date | None = None,
                         where: ColumnElement[bool] | None = None) -> FirstTimePassRate:
    as_of = as_of or date.today()
    # Summed from each learner's summary of their graded first attempts.
    stmt = (select(L.qualification_id, L.level, func.coalesce(func.sum(L.first_attempts), 0),
                   func.coalesce(func.sum(L.first_passes), 0))
            .where(_in_scope(viewer, as_of, where))
            .group_by(L.qualification_id, L.level))
    found = {(q, lv): (int(n), int(p)) for q, lv, n, p in session.execute(stmt)}
    rows = []
    for key in _groups(session, viewer, as_of, where):
        n, p = found.get(key, (0, 0))
        rows.append(PassRateRow(*key, n, p, _rate(p, n)))
    n = sum(r.first_attempts for r in rows)
    p = sum(r.passed_first_time for r in rows)
    return FirstTimePassRate(viewer, as_of, PassRateRow(ALL, None, n, p, _rate(p, n)), rows)


# -- median time to complete -----------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionTimeRow:
    qualification_id: str
    level: int | None
    completed: int
    median_days: float | None  # None when nobody has completed


@dataclass(frozen=True)
class TimeToComplete(_Figure):
    """Median days from ``start_date`` to ``completed_on`` over completed learners in scope.

    A group with nobody completed shows 0 and no median. Learners with status ``completed`` but no ``completed_on`` date are left out. The total's
    median is over all those learners, not a median of the group medians.
    """

    viewer: Viewer
    as_of: date
    total: CompletionTimeRow
    rows: list[CompletionTimeRow] = field(default_factory=list)
    title = "Median time to complete (days)"

    def to_frame(self) -> pd.DataFrame:
        return _frame(self.rows, self.total)


def time_to_complete(session: Session, viewer: Viewer, *, as_of: date | None = None,
                     where: ColumnElement[bool] | None = None) -> TimeToComplete:
    as_of = as_of or date.today()
    stmt = (select(L.qualification_id, L.level, days_between(session, L.start_date, L.completed_on))
            .where(_in_scope(viewer, as_of, where), L.status == "completed",
                   L.completed_on.is_not(None)))
    days: dict[Group, list[int]] = defaultdict(list)
    for qual, level, n in session.execute(stmt):
        days[(qual, level)].append(int(n))

    def row(qual: str, level: int | None, values: list[int]) -> CompletionTimeRow:
        return CompletionTimeRow(qual, level, len(values),
                                 float(statistics.median(values)) if values else None)

    rows = [row(*key, days.get(key, [])) for key in _groups(session, viewer, as_of, where)]
    everyone = [d for values in days.values() for d in values]
    return TimeToComplete(viewer, as_of, row(ALL, None, everyone), rows)


# -- learners at risk ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AtRiskLearner:
    learner_id: str
    name: str
    department_id: str
    line_manager_id: str | None
    qualification_id: str
    level: int
    start_date: date
    planned_end_date: date
    last_activity: datetime | None
    days_inactive: int  # days since last activity (or since start if none) to as_of
    inactive: bool
    past_planned_end: bool

    @property
    def reasons(self) -> str:
        return "; ".join(r for r, on in (("no recent activity", self.inactive),
                                         ("past planned end date", self.past_planned_end)) if on)


@dataclass(frozen=True)
class AtRiskRow:
    qualification_id: str
    level: int | None
    on_programme: int
    at_risk: int
    inactive: int
    past_planned_end: int


@dataclass(frozen=True)
class AtRisk(_Figure):
    """On-programme learners in scope who need a nudge, as a list and counted by group.

    A learner is at risk if their status is ``on_programme`` and either

    - **inactive**: they commenced before the last N weeks began and have no progress event
      in the last N weeks; or
    - **past planned end**: ``planned_end_date`` is before ``as_of``.

    ``on_programme`` counts every on-programme learner in scope, so ``at_risk / on_programme``
    is the share at risk. Learners are listed oldest start first.
    """

    viewer: Viewer
    as_of: date
    weeks: int
    learners: list[AtRiskLearner]
    total: AtRiskRow
    rows: list[AtRiskRow] = field(default_factory=list)
    title = "Learners at risk"
    html_limit = 50

    def to_frame(self) -> pd.DataFrame:
        """One row per learner at risk, with the reasons."""
        names = [f.name for f in fields(AtRiskLearner)]
        frame = pd.DataFrame.from_records(
            [asdict(x) for x in self.learners], columns=names)
        frame["reasons"] = [x.reasons for x in self.learners]
        return frame

    def summary_frame(self) -> pd.DataFrame:
        """The counts by qualification and level, with the total last."""
        return _frame(self.rows, self.total)

    def _subtitle(self) -> str:
        return (f"{super()._subtitle()}; inactive = no activity in the last {self.weeks} weeks; "
                f"{self.total.at_risk} of {self.total.on_programme} on programme at risk")

    def _repr_html_(self) -> str:
        summary = self.summary_frame().to_html(index=False, na_rep="–", border=0)
        listing = self.to_frame().head(self.html_limit)
        more = len(self.learners) - len(listing)
        note = f"<p>…and {more} more: use to_frame() or to_csv().</p>" if more > 0 else ""
        return (f"<h4>{html.escape(self.title)}</h4><p>{html.escape(self._subtitle())}</p>"
                f"{summary}{listing.to_html(index=False, na_rep='–', border=0)}{note}")


def at_risk(session: Session, viewer: Viewer, *, as_of: date | None = None,
           weeks: int = ACTIVE_WEEKS, where: ColumnElement[bool] | None = None) -> AtRisk:
    window = _window(as_of, weeks)
    scope = and_(_in_scope(viewer, window.as_of, where), L.status == "on_programme")
    inactive = and_(L.start_date < window.first_day, ~_active_in(window, session, viewer))
    past_end = L.planned_end_date < window.as_of
    if _nothing_after(session, viewer, window):
        last_at = L.last_active_at
    else:  # only for the learners at risk; a single probe each on (learner_id, at)
        last_at = (select(func.max(E.at)).where(E.learner_id == L.id, E.at < window.end)
                   .scalar_subquery())
    stmt = (select(L.id, L.name, L.department_id, L.line_manager_id, L.qualification_id,
                   L.level, L.start_date, L.planned_end_date, last_at, inactive, past_end)
            .where(scope, or_(inactive, past_end))
            .order_by(L.start_date, L.id))
    listed = []
    for *head, last, is_inactive, is_late in session.execute(stmt):
        last = _as_datetime(last)
        since = last.date() if last else head[6]
        listed.append(AtRiskLearner(*head, last, (window.as_of - since).days,
                                    bool(is_inactive), bool(is_late)))

    on_programme = dict(
        ((q, lv), int(n)) for q, lv, n in session.execute(
            select(L.qualification_id, L.level, func.count()).where(scope)
            .group_by(L.qualification_id, L.level)))
    groups = _groups(session, viewer, window.as_of, where)
    counts: dict[Group, list[int]] = {key: [0, 0, 0] for key in groups}
    for x in listed:
        c = counts[(x.qualification_id, x.level)]
        c[0] += 1
        c[1] += x.inactive
        c[2] += x.past_planned_end
    rows = [AtRiskRow(*key, on_programme.get(key, 0), *counts[key]) for key in groups]
    total = AtRiskRow(ALL, None, sum(on_programme.values()), len(listed),
                      sum(x.inactive for x in listed), sum(x.past_planned_end for x in listed))
    return AtRisk(viewer, window.as_of, weeks, listed, total, rows)


def _as_datetime(value: object) -> datetime | None:
    # max() over a DateTime column comes back as text on SQLite.
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
