"""My team: a line manager's week-to-week list, one row per person who reports to him.

Sorted by a query (``?sort=name|qualification|units|last_active|risk&order=asc|desc``): the
column headings are links, so sorting works with no JavaScript, and ``aria-sort`` says which
column the table is sorted by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

import pandas as pd
from sqlalchemy.orm import Session

from course.content import CourseContent
from course.pages import Page, PageLinks, nav
from course.pages.charts import csv_text, plural, scrollable
from course.pages.document import document
from course.pages.errors import PageError
from course.pages.query import one
from course.pages.status import PASSED, next_step_for_manager, qualification_units
from course.pages.ukformat import uk_date, uk_datetime
from course.tracking import metrics
from course.tracking.activity import learners, manager_names, unit_activity
from course.tracking.scope import Viewer

COLUMNS = [  # sort key, heading
    ("name", "Name"), ("qualification", "Qualification"), ("units", "Units passed"),
    ("last_active", "Last active"), ("next", None), ("risk", "At risk"),
]
SORTS = [c for c, h in COLUMNS if h]


@dataclass(frozen=True)
class TeamRow:
    learner_id: str
    name: str
    qualification: str
    level: int
    units_passed: int
    units_total: int
    last_active: datetime | None
    next_step: str
    at_risk: str  # the reasons, or "" when not at risk
    status: str


def team_rows(session: Session, course: CourseContent, viewer: Viewer, *,
              as_of: date) -> list[TeamRow]:
    people = [p for p in learners(session, viewer) if p.start_date <= as_of]
    done = unit_activity(session, [p.id for p in people], as_of=as_of)
    risk = {x.learner_id: x.reasons
            for x in metrics.at_risk(session, viewer, as_of=as_of).learners}
    titles = {q.id: q.title for q in course.catalogue.qualifications} if course.catalogue else {}
    rows = []
    for p in people:
        activity = done.get(p.id, {})
        units = qualification_units(course, p.qualification_id, activity)
        last = max((a.last_at for a in activity.values() if a.last_at), default=None)
        if p.status == "completed":
            step = f"Completed on {uk_date(p.completed_on)}"
        elif p.status == "withdrawn":
            step = "Withdrawn"
        else:
            step = next_step_for_manager(units, as_of)
        rows.append(TeamRow(p.id, p.name, titles.get(p.qualification_id, p.qualification_id),
                            p.level, sum(u.state == PASSED for u in units), len(units), last,
                            step, risk.get(p.id, ""), p.status))
    return rows


def sort_rows(rows: list[TeamRow], sort: str, order: str) -> list[TeamRow]:
    keys = {
        "name": lambda r: (r.name.lower(), r.learner_id),
        "qualification": lambda r: (r.level, r.qualification, r.name.lower()),
        "units": lambda r: (r.units_passed / r.units_total if r.units_total else 0, r.name.lower()),
        "last_active": lambda r: (r.last_active or datetime.min, r.name.lower()),
        "risk": lambda r: (bool(r.at_risk), r.at_risk, r.name.lower()),
    }
    return sorted(rows, key=keys[sort], reverse=order == "desc")


def page(session: Session, course: CourseContent, viewer: Viewer, query: dict[str, list[str]],
         links: PageLinks, *, as_of: date, csv: bool = False) -> Page:
    sort = one(query, "sort", "name")
    order = one(query, "order", "asc")
    if sort not in SORTS:
        raise PageError(f"“{sort}” is not a column the team table can be sorted by: use one of "
                        f"{', '.join(SORTS)}.")
    if order not in ("asc", "desc"):
        raise PageError(f"“{order}” is not a sort order: use asc (A to Z, lowest first) or "
                        "desc.")
    rows = sort_rows(team_rows(session, course, viewer, as_of=as_of), sort, order)
    if csv:
        return Page(200, "My team", csv=csv_text(team_frame(rows)), filename="my-team.csv")
    manager = manager_names(session, [viewer.person_id]).get(viewer.person_id)
    at_risk = sum(bool(r.at_risk) for r in rows)
    who = f"{escape(manager)}, these are" if manager else "These are"
    body = [
        nav("team", viewer, links),
        "<h1>My team</h1>",
        f"<p>{who} the {plural(len(rows), 'person', 'people')} who report to you, as at "
        f"{uk_date(as_of)}. {at_risk} at risk: on programme with no activity in the last "
        f"{metrics.ACTIVE_WEEKS} weeks, or past the planned end date.</p>",
        f'<p><a class="odp-download" href="{escape(links.page("team.csv", sort=sort, order=order))}">'
        "Download this table (CSV)</a></p>",
        team_table(rows, sort, order, links),
    ]
    return Page(200, "My team", document("My team", "".join(body), home=links.home))


def team_table(rows: list[TeamRow], sort: str, order: str, links: PageLinks) -> str:
    head = []
    for key, heading in COLUMNS:
        if heading is None:
            head.append('<th scope="col">Next step</th>')
            continue
        current = key == sort
        flip = "desc" if current and order == "asc" else "asc"
        state = ("ascending" if order == "asc" else "descending") if current else None
        aria = f' aria-sort="{state}"' if state else ""
        arrow = (" ▲" if order == "asc" else " ▼") if current else ""
        how = "descending" if flip == "desc" else "ascending"
        href = links.page("team", sort=key, order=flip)
        head.append(f'<th scope="col"{aria}><a href="{escape(href)}" '
                    f'aria-label="{escape(heading)}, sort {how}">{escape(heading)}'
                    f'<span aria-hidden="true">{arrow}</span></a></th>')
    body = []
    for r in rows:
        risk = f"Yes: {r.at_risk}" if r.at_risk else "No"
        units = f"{r.units_passed} of {r.units_total}" if r.units_total else "no units listed yet"
        # data-label: on a narrow screen each row is a card with its headings (pages.css).
        body.append(
            f'<tr><th scope="row">{escape(r.name)}</th>'
            f'<td data-label="Qualification">{escape(r.qualification)} (Level {r.level})</td>'
            f'<td data-label="Units passed">{units}</td>'
            f'<td data-label="Last active">{escape(uk_datetime(r.last_active, empty="never"))}</td>'
            f'<td data-label="Next step">{escape(r.next_step)}</td>'
            f'<td data-label="At risk">{escape(risk)}</td></tr>')
    if not rows:
        body.append(f'<tr><td colspan="{len(COLUMNS)}">Nobody reports to you yet.</td></tr>')
    return scrollable('<table class="odp-table odp-cards" id="odp-team">'
                      "<caption>Your team, one person a row (select a column heading to sort)"
                      f"</caption><thead><tr>{''.join(head)}</tr></thead>"
                      f"<tbody>{''.join(body)}</tbody></table>", "Your team")


def team_frame(rows: list[TeamRow]) -> pd.DataFrame:
    return pd.DataFrame([dict(name=r.name, learner_id=r.learner_id, qualification=r.qualification,
                              level=r.level, units_passed=r.units_passed,
                              units_total=r.units_total,
                              last_active=uk_datetime(r.last_active, empty=""),
                              next_step=r.next_step, at_risk=r.at_risk, status=r.status)
                         for r in rows],
                        columns=["name", "learner_id", "qualification", "level", "units_passed",
                                 "units_total", "last_active", "next_step", "at_risk", "status"])
