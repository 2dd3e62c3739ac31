"""The course home: for a learner, her qualification, her next step and every unit's status;
for everyone, the way to their own dashboard and the catalogue by level."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from sqlalchemy.orm import Session

from course.content import CourseContent
from course.pages import PAGE_FOR_ROLE, TITLES, Page, PageLinks
from course.pages.document import document
from course.pages.status import next_step, qualification_units
from course.pages.ukformat import uk_datetime
from course.tracking.activity import learners, unit_activity
from course.tracking.scope import Role, Viewer

TITLE = "Course home"


def page(session: Session, course: CourseContent, viewer: Viewer, query: dict[str, list[str]],
         links: PageLinks, *, as_of: date, csv: bool = False) -> Page:
    parts = ['<h1 id="odp-home-title">Operational Delivery Profession courses</h1>']
    if viewer.role is Role.LEARNER:
        parts.append(pathway(session, course, viewer, links, as_of))
    mine = PAGE_FOR_ROLE[viewer.role]
    parts.append('<nav class="odp-nav" aria-labelledby="odp-dash-title">'
                 '<h2 id="odp-dash-title">Dashboards</h2><ul>'
                 f'<li><a href="{escape(links.page(mine))}">{escape(TITLES[mine])}</a></li>'
                 "</ul></nav>")
    parts.append(render_catalogue(course, lambda e: links.unit(e.unit.id)))
    return Page(200, TITLE, document(TITLE, "".join(parts), home=links.home))


def pathway(session: Session, course: CourseContent, viewer: Viewer, links: PageLinks,
            as_of: date) -> str:
    found = learners(session, viewer)
    if not found:
        return ('<section aria-labelledby="odp-pathway-title"><h2 id="odp-pathway-title">'
                "My pathway</h2><p>You are not enrolled on a qualification yet: choose a "
                "course below, and ask your line manager to enrol you.</p></section>")
    me = found[0]
    activity = unit_activity(session, [me.id], as_of=as_of).get(me.id, {})
    units = qualification_units(course, me.qualification_id, activity)
    step = next_step(units, as_of)
    title = course.qualification(me.qualification_id).title
    parts = ['<section class="odp-pathway" aria-labelledby="odp-pathway-title">',
             '<h2 id="odp-pathway-title">My pathway</h2>',
             f"<p>You are studying the {escape(title)}.</p>",
             f'<p class="odp-next"><strong>Your next step:</strong> {escape(step.text)}']
    if step.unit is not None and step.unit.has_app:
        parts.append(f' <a href="{escape(links.unit(step.unit.unit_id))}">Go to '
                     f"{escape(step.unit.label)}</a>")
    parts.append("</p>")
    recent = max((u for u in units if u.last_active and u.has_app),
                 key=lambda u: u.last_active, default=None)
    if recent is not None:
        parts.append(f'<p class="odp-resume">Resume where you left off: '
                     f'<a href="{escape(links.unit(recent.unit_id))}">{escape(recent.label)}</a> '
                     f"(last worked on {escape(uk_datetime(recent.last_active))}).</p>")
    parts.append('<h3>Your units</h3><ul class="odp-units">')
    for u in units:
        name = (f'<a href="{escape(links.unit(u.unit_id))}">{escape(u.label)}</a>' if u.has_app
                else escape(u.label))
        parts.append(f"<li>{name}: {escape(u.describe(as_of))}</li>")
    parts.append(f'</ul><p><a href="{escape(links.page("progress"))}">See your results, '
                 "feedback and CPD log in My progress</a></p></section>")
    return "".join(parts)


def render_catalogue(course: CourseContent, href: Callable) -> str:
    """Every qualification by level, each unit linked where it has an app (``href(entry)``)."""
    parts = ['<h2 id="odp-catalogue-title">All courses by level</h2>']
    quals = sorted(course.catalogue.qualifications, key=lambda q: (q.level, q.title))
    for level in sorted({q.level for q in quals}):
        parts.append(f"<h3>Level {level}</h3>")
        for qual in (q for q in quals if q.level == level):
            parts.append(f"<h4>{escape(qual.title)}</h4><ul>")
            for entry in (e for e in course.entries if e.qualification.id == qual.id):
                label = f"{escape(entry.ref.code)} {escape(entry.ref.title)}"
                if entry.notebook:
                    parts.append(f'<li><a href="{escape(href(entry))}">{label}</a></li>')
                else:
                    parts.append(f"<li>{label} <span>(planned)</span></li>")
            parts.append("</ul>")
    return "".join(parts)
