"""The course home: my pathway (the next step and where to resume), the dashboards this viewer
may open, and the catalogue by level with a link to each unit that has a notebook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from IPython.display import HTML, display

from course.apps import pathway
from course.apps.pathway import NextStep, UnitState
from course.apps.store import graded_units, learner_row, open_store, sync_served_learner
from course.apps.viewers import Dashboard, dashboards
from course.pages.home import render_catalogue
from course.pages.ukformat import uk_datetime
from course.config import Settings
from course.content import CourseContent, require_course
from course.tracking.scope import Viewer


@dataclass(frozen=True)
class Pathway:
    step: NextStep
    units: list[UnitState]  # the learner's qualification, catalogue order
    resume: UnitState | None  # the unit with the latest record entry (any qualification)
    qualification: str | None = None  # its title, if the learner is enrolled


def unit_status(u: UnitState) -> str:
    if u.passed:
        return "Passed"
    if u.awaiting_result:
        return "Submitted: awaiting your result"
    if u.needs_resit:
        return "Not passed yet: resit when ready"
    if u.test_in_progress:
        return "Test started: not submitted"
    if u.opened:
        return f"In progress: {u.practice_done} of {u.practice_total} practice questions checked"
    return "Not started"


def render_pathway(p: Pathway) -> str:
    parts = ['<section class="odp-pathway" aria-labelledby="odp-pathway-title">',
             '<h2 id="odp-pathway-title">My pathway</h2>']
    if p.qualification:
        parts.append(f"<p>You are studying the {escape(p.qualification)}.</p>")
    parts.append(f'<p class="odp-next"><strong>Your next step:</strong> {escape(p.step.text)}')
    if p.step.unit is not None and p.step.action != "wait":
        parts.append(f' <a href="{escape(p.step.unit.href)}">Go to '
                     f"{escape(p.step.unit.label)}</a>")
    parts.append("</p>")
    if p.resume is not None and p.resume.last_active is not None:
        when = uk_datetime(p.resume.last_active)
        parts.append(f'<p class="odp-resume">Resume where you left off: '
                     f'<a href="{escape(p.resume.href)}">{escape(p.resume.label)}</a> '
                     f"(last worked on {escape(when)}).</p>")
    if p.units:
        parts.append('<h3>Your units</h3><ul class="odp-units">')
        for u in p.units:
            parts.append(f'<li><a href="{escape(u.href)}">{escape(u.label)}</a>: '
                         f"{escape(unit_status(u))}</li>")
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def render_dashboards(boards: Sequence[Dashboard]) -> str:
    if not boards:
        return ""
    links = "".join(f'<li><a href="{escape(d.notebook)}">{escape(d.title)}</a></li>'
                    for d in boards)
    return (f'<nav class="odp-nav" aria-labelledby="odp-dash-title">'
            f'<h2 id="odp-dash-title">Dashboards</h2><ul>{links}</ul></nav>')


def render(course: CourseContent, my_pathway: Pathway | None = None,
           boards: Sequence[Dashboard] = ()) -> str:
    parts = ['<div class="odp-home">',
             '<h1 id="odp-home-title">Operational Delivery Profession courses</h1>']
    if my_pathway is not None:
        parts.append(render_pathway(my_pathway))
    parts.append(render_dashboards(boards))
    parts.append(render_catalogue(course, pathway.unit_href))
    parts.append("</div>")
    return "".join(parts)


def learner_pathway(course: CourseContent, settings: Settings) -> Pathway:
    """The served learner's pathway: their records, with their enrolment and results from the
    tracking store when there is one (scoped to them)."""
    folder = settings.learner_path
    me = Viewer.learner(settings.learner)
    qual_id, graded = None, {}
    with open_store(settings) as session:
        if session is not None:
            sync_served_learner(session, settings)
            row = learner_row(session, me)
            qual_id = row.qualification_id if row else None
            graded = graded_units(session, me)
    everything = [pathway.unit_state(e, folder, graded.get(e.unit.id))
                  for e in course.entries if e.notebook is not None and e.unit]
    mine = {e.unit.id for e in pathway.pathway_units(course, qual_id) if e.unit}
    units = [u for u in everything if u.unit_id in mine]
    titles = {q.id: q.title for q in course.catalogue.qualifications}
    return Pathway(pathway.next_step(units), units, pathway.resume_point(everything),
                   titles.get(qual_id) if qual_id else None)


def show() -> None:
    # The home kernel is learner-facing: it never reads the item banks that hold the keys.
    settings = Settings()
    course = require_course(settings.content_root, with_banks=False)
    display(HTML(render(course, learner_pathway(course, settings), dashboards(settings))))
