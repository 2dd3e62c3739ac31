"""The dashboards (Voila apps): my progress, my team, my department, the profession.

Each notebook is one line, ``show("<role>")``. Who is viewing comes from the server's settings
(:mod:`course.apps.viewers`); what they may see is decided by the tracking store's scoped
queries, never here. Every figure is a chart with its finding in words, a table, and a CSV
download (:mod:`course.apps.sections`).
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

import pandas as pd
import yaml
from IPython.display import HTML, display

from course.pages import sections
from course.pages.charts import csv_text, download_link
from course.apps.store import learner_row, open_store, sync_served_learner
from course.apps.viewers import Dashboard, dashboard_for, dashboards
from course.config import CATALOGUE_FILE, Settings
from course.tracking import metrics
from course.tracking.models import Department
from course.tracking.scope import Role
from course.tracking.unit_progress import unit_progress


def titles(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Qualification titles by id, and unit labels ("201 Principles of …") by unit id.

    Read straight from ``catalogue.yaml`` (validated by ``odp validate``): loading it through
    ``course.content`` imports nbformat and jsonschema, a second or more in a fresh kernel."""
    try:
        data = yaml.safe_load((root / CATALOGUE_FILE).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    quals: dict[str, str] = {}
    units: dict[str, str] = {}
    for q in data.get("qualifications") or []:
        quals[str(q.get("id"))] = str(q.get("title", q.get("id")))
        for ref in q.get("units") or []:
            code = str(ref.get("code", ""))
            label = f"{code} {ref.get('title', '')}".strip()
            units[f"{q.get('id')}-{code.lower()}"] = label  # the synthetic cohort's unit ids
            if ref.get("path"):
                units[Path(ref["path"]).name] = label  # a unit folder is named by its unit id
    return quals, units


def heading(board: Dashboard, session) -> tuple[str, str]:
    """The page's title and who the figures cover, in words."""
    viewer = board.viewer
    if board.role is Role.LEARNER:
        row = learner_row(session, viewer)
        name = row.name if row else viewer.person_id
        return board.title, f"Your own figures, {name}."
    if board.role is Role.LINE_MANAGER:
        return board.title, f"The learners who report to you ({viewer.person_id})."
    if board.role is Role.DEPARTMENT:
        dept = session.get(Department, viewer.department_id)
        name = dept.name if dept else viewer.department_id
        return f"{board.title}: {name}", f"Every learner in {name}."
    return board.title, "Every learner in the profession."


def all_figures_csv(figures: dict[str, object]) -> str:
    """Every figure on the page in one long table: figure, qualification, level, measure."""
    frames = []
    for name, figure in figures.items():
        frame = (figure.summary_frame() if isinstance(figure, metrics.AtRisk)
                 else figure.to_frame())
        long = frame.melt(id_vars=["qualification_id", "level"], var_name="measure")
        long.insert(0, "figure", name)
        frames.append(long)
    return csv_text(pd.concat(frames, ignore_index=True))


def nav(current: Dashboard, settings: Settings) -> str:
    links = ['<li><a href="home.ipynb">Course home</a></li>']
    for d in dashboards(settings):
        if d.role is current.role:
            links.append(f'<li><a href="{escape(d.notebook)}" aria-current="page">'
                         f"{escape(d.title)}</a></li>")
        else:
            links.append(f'<li><a href="{escape(d.notebook)}">{escape(d.title)}</a></li>')
    return f'<nav class="odp-nav" aria-label="Dashboards"><ul>{"".join(links)}</ul></nav>'


def refusal(title: str, why: str) -> str:
    return (f'<div class="odp-dashboard"><h1>{escape(title)}</h1><p>{escape(why)}</p>'
            '<p><a href="home.ipynb">Back to the course home</a></p></div>')


def page(settings: Settings, role: Role | str, *, as_of: date | None = None) -> str:
    board = dashboard_for(settings, role)
    if board is None:
        return refusal("Dashboard not available",
                       "This course server does not offer you this dashboard.")
    as_of = as_of or date.today()
    weeks = settings.at_risk_weeks
    quals, units = titles(settings.content_root)
    label = sections.group_label(quals)
    with open_store(settings) as session:
        if session is None:
            return refusal(board.title, "There is no tracking store yet: start the course with "
                           "`odp serve` to create it.")
        sync_served_learner(session, settings)  # the learner's latest answers count now
        viewer = board.viewer
        figures = {
            "funnel": metrics.funnel(session, viewer, as_of=as_of, weeks=weeks),
            "status": metrics.status_counts(session, viewer, as_of=as_of),
            "first_time_pass_rate": metrics.first_time_pass_rate(session, viewer, as_of=as_of),
            "time_to_complete": metrics.time_to_complete(session, viewer, as_of=as_of),
            "at_risk": metrics.at_risk(session, viewer, as_of=as_of, weeks=weeks),
        }
        mine = (unit_progress(session, viewer, as_of=as_of)
                if board.role is Role.LEARNER else None)
        title, who = heading(board, session)
    body = [
        '<div class="odp-dashboard">',
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(who)} As at {as_of.strftime('%d %B %Y')}; at risk means on programme "
        f"with no activity in the last {weeks} weeks, or past the planned end date.</p>",
        nav(board, settings),
        "<p>" + download_link(f"{board.role.value}-dashboard.csv", all_figures_csv(figures),
                              "Download every figure on this page (CSV)") + "</p>",
    ]
    if mine is not None:
        body.append(sections.units_section(mine, lambda u: units.get(u, u)))
    body += [
        sections.funnel_section(figures["funnel"], label),
        sections.status_section(figures["status"], label),
        sections.pass_rate_section(figures["first_time_pass_rate"], label),
        sections.time_section(figures["time_to_complete"], label),
        sections.risk_section(figures["at_risk"], label),
        "</div>",
    ]
    return "".join(body)


def show(role: str) -> None:
    """What a dashboard notebook calls: the page for ``role`` as this server's viewer."""
    display(HTML(page(Settings(), role)))
