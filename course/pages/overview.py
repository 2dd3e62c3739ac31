"""My department and the profession: filters, the headline figures against the programme's
own anchor (67% first-time pass), trends by month, and a breakdown by department (the
profession) or by team (a department), then the figures by qualification from
:mod:`course.pages.sections`."""

from __future__ import annotations

from datetime import date, datetime, timezone
from html import escape

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from course.content import CourseContent
from course.pages import Page, PageLinks, nav
from course.pages import cache, sections
from course.pages.charts import (
    PALETTE, Bar, Series, bar_chart, csv_text, line_chart, percent, scrollable,
)
from course.pages.document import document
from course.pages.query import filters as read_filters
from course.pages.ukformat import duration, uk_date, uk_month, uk_short_month, uk_time
from course.tracking import metrics
from course.tracking.models import Department, Learner, LineManager
from course.tracking.scope import Role, Viewer, visible_learners
from course.tracking.trends import Filters, GroupRow, MonthRow, breakdown, monthly_trends

FIRST_TIME_PASS_ANCHOR = 0.67  # the real programme's first-time pass rate (the seed's figure)
ANCHOR_WORDS = "the programme's 67% first-time pass rate"


def page(session: Session, course: CourseContent, viewer: Viewer, query: dict[str, list[str]],
         links: PageLinks, *, as_of: date, csv: bool = False) -> Page:
    name = "profession" if viewer.role is Role.PROFESSION else "department"
    chosen = read_filters(session, course, viewer, query)
    by = "department" if name == "profession" and not chosen.department_id else "team"
    key = (str(session.get_bind().url), viewer, chosen, as_of, by)
    (months, groups, figures, teams), worked_out = cache.figures.get(
        key, lambda: compute(session, viewer, chosen, as_of, by))
    quals = {q.id: q.title for q in course.catalogue.qualifications} if course.catalogue else {}
    if csv:
        return Page(200, _title(session, viewer), filename=f"{name}.csv",
                    csv=csv_text(page_frame(months, groups, by, figures)))
    title = _title(session, viewer)
    label = sections.group_label(quals)
    asked = {k: v for k, v in _asked(chosen).items() if v}
    body = [
        nav(name, viewer, links),
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(_scope_words(session, viewer))} As at {uk_date(as_of)} (worked out at "
        f"{uk_time(datetime.fromtimestamp(worked_out, timezone.utc))}; refreshed every minute)."
        f"{' Filtered: ' + escape(describe(chosen, quals, session)) + '.' if chosen.any else ''}</p>",
        filter_form(session, course, viewer, chosen, links, name, teams),
        headline(figures),
        f'<p><a class="odp-download" href="{escape(links.page(name + ".csv", **asked))}">'
        "Download every figure on this page (CSV)</a></p>",
        trends_section(months),
        breakdown_section(groups, by),
        sections.funnel_section(figures["funnel"], label),
        sections.pass_rate_section(figures["first_time_pass_rate"], label),
        sections.time_section(figures["time_to_complete"], label),
        sections.risk_section(figures["at_risk"], label),
    ]
    return Page(200, title, document(title, "".join(body), home=links.home))


def warm(session: Session, viewer: Viewer, *, as_of: date | None = None) -> None:
    """Work out the unfiltered department or profession figures for ``viewer`` now, so the
    next reader in the minute gets them at once. For the course service: call it every
    ``cache.TTL_SECONDS`` or so for each department and the profession, off the request path."""
    as_of = as_of or date.today()
    by = "department" if viewer.role is Role.PROFESSION else "team"
    key = (str(session.get_bind().url), viewer, Filters(), as_of, by)
    since = cache.figures.generation  # a publish that clears the cache meanwhile wins
    cache.figures.put(key, compute(session, viewer, Filters(), as_of, by), since=since)


def compute(session: Session, viewer: Viewer, chosen: Filters, as_of: date, by: str):
    where = chosen.where()
    months = monthly_trends(session, viewer, chosen, as_of=as_of)
    groups = breakdown(session, viewer, chosen, as_of=as_of, by=by)
    figures = {
        "funnel": metrics.funnel(session, viewer, as_of=as_of, where=where),
        "first_time_pass_rate": metrics.first_time_pass_rate(session, viewer, as_of=as_of,
                                                             where=where),
        "time_to_complete": metrics.time_to_complete(session, viewer, as_of=as_of, where=where),
        "at_risk": metrics.at_risk(session, viewer, as_of=as_of, where=where),
    }
    team_dept = viewer.department_id if viewer.role is Role.DEPARTMENT else chosen.department_id
    return months, groups, figures, team_options(session, viewer, team_dept)


def team_options(session: Session, viewer: Viewer, department_id: str | None):
    """The teams the viewer may filter by: those in one department (None: no team filter)."""
    if not department_id:
        return None
    teams = session.execute(
        select(Learner.line_manager_id, LineManager.name).distinct()
        .outerjoin(LineManager, LineManager.id == Learner.line_manager_id)
        .where(visible_learners(viewer), Learner.department_id == department_id,
               Learner.line_manager_id.is_not(None))).all()
    return sorted(((m, f"Team of {n or m}") for m, n in teams), key=lambda p: p[1])


def _title(session: Session, viewer: Viewer) -> str:
    if viewer.role is Role.PROFESSION:
        return "The profession"
    dept = session.get(Department, viewer.department_id)
    return f"My department: {dept.name if dept else viewer.department_id}"


def _scope_words(session: Session, viewer: Viewer) -> str:
    if viewer.role is Role.PROFESSION:
        return "Every learner in the Operational Delivery Profession."
    dept = session.get(Department, viewer.department_id)
    return f"Every learner in {dept.name if dept else viewer.department_id}."


def _asked(f: Filters) -> dict[str, str]:
    return {"qualification": f.qualification_id or "", "level": str(f.level or ""),
            "department": f.department_id or "", "team": f.line_manager_id or "",
            "from": f.started_from.isoformat() if f.started_from else "",
            "to": f.started_to.isoformat() if f.started_to else ""}


def describe(f: Filters, quals: dict[str, str], session: Session) -> str:
    parts = []
    if f.qualification_id:
        parts.append(quals.get(f.qualification_id, f.qualification_id))
    if f.level:
        parts.append(f"Level {f.level}")
    if f.department_id:
        dept = session.get(Department, f.department_id)
        parts.append(dept.name if dept else f.department_id)
    if f.line_manager_id:
        parts.append(f"the team of {_manager_name(session, f.line_manager_id)}")
    if f.started_from or f.started_to:
        parts.append("started " + (f"from {uk_date(f.started_from)} " if f.started_from else "")
                     + (f"to {uk_date(f.started_to)}" if f.started_to else "").strip())
    return "; ".join(p.strip() for p in parts)


def _manager_name(session: Session, manager_id: str) -> str:
    found = session.get(LineManager, manager_id)
    return found.name if found else manager_id


def filter_form(session: Session, course: CourseContent, viewer: Viewer, f: Filters,
                links: PageLinks, name: str, teams) -> str:
    def options(pairs, chosen):
        out = ['<option value="">All</option>']
        for value, text in pairs:
            sel = " selected" if str(value) == str(chosen or "") else ""
            out.append(f'<option value="{escape(str(value))}"{sel}>{escape(text)}</option>')
        return "".join(out)

    def select_field(key: str, label: str, pairs, chosen) -> str:
        return (f'<div><label for="odp-f-{key}">{escape(label)}</label>'
                f'<select id="odp-f-{key}" name="{key}">{options(pairs, chosen)}</select></div>')

    quals = sorted(course.catalogue.qualifications, key=lambda q: (q.level, q.title)) \
        if course.catalogue else []
    fields = [select_field("qualification", "Qualification",
                           [(q.id, f"{q.title} (Level {q.level})") for q in quals],
                           f.qualification_id),
              select_field("level", "Level", [(n, f"Level {n}") for n in range(2, 8)], f.level)]
    if viewer.role is Role.PROFESSION:
        depts = session.execute(select(Department.id, Department.name)
                                .order_by(Department.name)).all()
        fields.append(select_field("department", "Department", depts, f.department_id))
    if teams is not None:
        fields.append(select_field("team", "Team", teams, f.line_manager_id))
    fields.append(
        '<div><label for="odp-f-from">Started from</label>'
        f'<input type="date" id="odp-f-from" name="from" '
        f'value="{f.started_from.isoformat() if f.started_from else ""}"></div>'
        '<div><label for="odp-f-to">Started to</label>'
        f'<input type="date" id="odp-f-to" name="to" '
        f'value="{f.started_to.isoformat() if f.started_to else ""}"></div>')
    hint = ("" if teams is not None else
            "<p>Choose a department and apply the filters to filter by team.</p>")
    return (f'<form class="odp-filters" method="get" action="{escape(links.page(name))}">'
            "<fieldset><legend>Filter the figures</legend>" + "".join(fields) + "</fieldset>"
            + hint + '<button type="submit">Apply filters</button> '
            f'<a href="{escape(links.page(name))}">Clear the filters</a></form>')


def headline(figures: dict) -> str:
    funnel, rate = figures["funnel"].total, figures["first_time_pass_rate"].total
    days, risk = figures["time_to_complete"].total, figures["at_risk"].total
    compare = ""
    if rate.rate is not None:
        gap = round((rate.rate - FIRST_TIME_PASS_ANCHOR) * 100)
        compare = ("the same as" if gap == 0 else
                   f"{abs(gap)} points {'above' if gap > 0 else 'below'}") + f" {ANCHOR_WORDS}"
    items = [
        ("Learners who started", f"{funnel.started:,}", ""),
        ("Completed", f"{funnel.completed:,}", ""),
        ("First-time pass rate", percent(rate.rate), compare),
        ("Median time to complete", duration(days.median_days, empty="nobody yet"), ""),
        ("At risk now", f"{risk.at_risk:,}", f"of {risk.on_programme:,} on programme"),
    ]
    lis = "".join(f"<li>{escape(k)} <strong>{escape(v)}</strong> {escape(note)}</li>"
                  for k, v, note in items)
    return ('<section aria-labelledby="odp-h-headline"><h2 id="odp-h-headline">At a glance</h2>'
            f'<ul class="odp-headline">{lis}</ul></section>')


def trends_section(months: list[MonthRow]) -> str:
    head = ('<section class="odp-section" aria-labelledby="odp-h-trends">'
            '<h2 id="odp-h-trends">Trends by month</h2>')
    if not months:
        return head + "<p>Nobody in view has started yet.</p></section>"
    labels = [uk_short_month(m.month) for m in months]
    recent = months[-13:-1] or months  # the last twelve full months
    per_month = sum(m.commenced for m in recent) / len(recent)
    rate_words = f"{per_month:,.0f}" if per_month >= 10 else f"{per_month:.1f}"
    counts = line_chart(
        "odp-chart-trend-counts", labels,
        [Series("Commenced", [m.commenced for m in months], PALETTE[0]),
         Series("Completed", [m.completed for m in months], PALETTE[1], dashed=True)],
        f"Learners commencing and completing each month: about {rate_words} started a "
        f"month over the last {len(recent)} full months.")
    rates = [None if m.pass_rate is None else m.pass_rate * 100 for m in months]
    rated = [m for m in recent if m.first_attempts]
    n = sum(m.first_attempts for m in rated)
    p = sum(m.passed_first_time for m in rated)
    rate_caption = ("First-time pass rate by month graded, against " + ANCHOR_WORDS +
                    (f": {p / n:.0%} over the last {len(recent)} full months." if n else "."))
    rate_chart = line_chart("odp-chart-trend-pass", labels,
                            [Series("First-time pass rate", rates, PALETTE[2])], rate_caption,
                            y_format=lambda v: f"{v:.0f}%", top=100,
                            anchor=(FIRST_TIME_PASS_ANCHOR * 100, "Programme: 67%"))
    medians = [None if m.median_days is None else m.median_days / 30.44 for m in months]
    timed = [m.median_days for m in recent if m.median_days is not None]
    time_caption = ("Median time to complete, by month of completion" +
                    (f": {duration(sorted(timed)[len(timed) // 2])} in a typical recent month."
                     if timed else "."))
    time_chart = line_chart("odp-chart-trend-time", labels,
                            [Series("Median time to complete (months)", medians, PALETTE[3])],
                            time_caption, y_format=lambda v: f"{v:.0f} mo")
    rows = "".join(
        f'<tr><th scope="row">{uk_month(m.month)}</th><td>{m.commenced:,}</td>'
        f"<td>{m.completed:,}</td><td>{m.first_attempts:,}</td><td>{m.passed_first_time:,}</td>"
        f"<td>{percent(m.pass_rate) if m.first_attempts else 'none graded'}</td>"
        f"<td>{duration(m.median_days, empty='nobody completed')}</td></tr>"
        for m in reversed(months))
    cols = "".join(f'<th scope="col">{c}</th>' for c in (
        "Month", "Commenced", "Completed", "First attempts graded", "Passed first time",
        "First-time pass rate", "Median time to complete"))
    tab = scrollable('<table class="odp-table" id="odp-trend-table">'
                     "<caption>Trends by month, newest first</caption>"
                     f"<thead><tr>{cols}</tr></thead><tbody>{rows}</tbody></table>",
                     "Trends by month, newest first", extra_class="odp-table-wrap")
    return (head + f'<div class="odp-figure"><div>{counts}{rate_chart}{time_chart}</div>{tab}'
            "</div></section>")


def breakdown_section(groups: list[GroupRow], by: str) -> str:
    what = "department" if by == "department" else "team"
    key = f"odp-h-by-{what}"
    bars = [Bar(g.name if by == "department" else f"Team of {g.name}",
                (g.pass_rate or 0) * 100,
                f"{percent(g.pass_rate)} ({g.passed_first_time:,} of {g.first_attempts:,})"
                if g.first_attempts else "no first attempts graded") for g in groups[:20]]
    best = max((g for g in groups if g.first_attempts), key=lambda g: g.pass_rate, default=None)
    caption = (f"First-time pass rate by {what}, against {ANCHOR_WORDS}"
               + (f"; highest: {best.name} ({percent(best.pass_rate)})." if best else "."))
    chart = bar_chart(f"odp-chart-by-{what}", bars, caption, scale=100)
    cols = "".join(f'<th scope="col">{c}</th>' for c in (
        what.capitalize(), "Learners", "On programme", "Completed", "Withdrawn",
        "First-time pass rate", "Median time to complete"))
    rows = "".join(
        f'<tr><th scope="row">{escape(g.name if by == "department" else "Team of " + g.name)}</th>'
        f"<td>{g.learners:,}</td><td>{g.on_programme:,}</td><td>{g.completed:,}</td>"
        f"<td>{g.withdrawn:,}</td><td>{percent(g.pass_rate)}</td>"
        f"<td>{duration(g.median_days, empty='nobody completed')}</td></tr>" for g in groups)
    tab = scrollable(f'<table class="odp-table"><caption>Learners by {what}, largest first'
                     f"</caption><thead><tr>{cols}</tr></thead>"
                     f"<tbody>{rows or '<tr><td colspan=7>None.</td></tr>'}</tbody></table>",
                     f"Learners by {what}", extra_class="odp-table-wrap")
    more = (f"<p>The chart shows the 20 largest of {len(groups)}; the table has them all.</p>"
            if len(groups) > 20 else "")
    return (f'<section class="odp-section" aria-labelledby="{key}"><h2 id="{key}">By {what}</h2>'
            f'<div class="odp-figure"><div>{chart}{more}</div>{tab}</div></section>')


def page_frame(months: list[MonthRow], groups: list[GroupRow], by: str,
               figures: dict) -> pd.DataFrame:
    """Every figure in one long table: figure, group, measure, value."""
    rows = []
    for m in months:
        for measure in ("commenced", "completed", "first_attempts", "passed_first_time",
                        "median_days"):
            rows.append(("trend_by_month", m.month.isoformat()[:7], measure, getattr(m, measure)))
    for g in groups:
        for measure in ("learners", "on_programme", "completed", "withdrawn", "first_attempts",
                        "passed_first_time", "median_days"):
            rows.append((f"by_{by}", g.name, measure, getattr(g, measure)))
    for name, figure in figures.items():
        frame = (figure.summary_frame() if isinstance(figure, metrics.AtRisk)
                 else figure.to_frame())
        for record in frame.to_dict("records"):
            group = f"{record.pop('qualification_id')} level {record.pop('level')}"
            for measure, value in record.items():
                rows.append((name, group, measure, value))
    return pd.DataFrame(rows, columns=["figure", "group", "measure", "value"])
