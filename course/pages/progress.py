"""My progress: every unit of the learner's qualification, each attempt against the pass
mark, what to revise, and her CPD log. Only ever about the signed-in learner."""

from __future__ import annotations

from datetime import date
from html import escape

import pandas as pd
from sqlalchemy.orm import Session

from course.content import CourseContent
from course.pages import Page, PageLinks, nav, plain
from course.pages.charts import csv_text, plural, scrollable, table
from course.pages.document import document
from course.pages.status import PASSED, UnitStatus, next_step, qualification_units
from course.pages.ukformat import uk_date, uk_datetime
from course.tracking.activity import Attempt, CpdVersion, cpd_log, learners, unit_activity
from course.tracking.scope import Viewer


def page(session: Session, course: CourseContent, viewer: Viewer, query: dict[str, list[str]],
         links: PageLinks, *, as_of: date, csv: bool = False) -> Page:
    found = learners(session, viewer)
    if not found:
        return plain(404, "My progress", "You are not enrolled on a qualification in the "
                     "tracking store yet. Ask your line manager to enrol you.", links)
    me = found[0]
    units = qualification_units(course, me.qualification_id,
                                unit_activity(session, [me.id], as_of=as_of).get(me.id, {}))
    if csv:
        return Page(200, "My progress", csv=csv_text(units_frame(units, as_of)),
                    filename="my-progress.csv")
    qual = _qualification_title(course, me.qualification_id)
    passed = sum(u.state == PASSED for u in units)
    step = next_step(units, as_of)
    go = (f' <a href="{escape(links.unit(step.unit.unit_id))}">Go to {escape(step.unit.label)}</a>'
          if step.unit is not None and step.unit.has_app else "")
    body = [
        nav("progress", viewer, links),
        "<h1>My progress</h1>",
        f"<p>{escape(me.name)}: {escape(qual)}. You started on {uk_date(me.start_date)} and "
        f"your planned end date is {uk_date(me.planned_end_date)}.</p>",
        f'<p class="odp-next"><strong>Your next step:</strong> {escape(step.text)}{go}</p>',
        f"<p>You have passed {passed} of {plural(len(units), 'unit')}. Figures as at "
        f"{uk_date(as_of)}.</p>",
        f'<p><a class="odp-download" href="{escape(links.page("progress.csv"))}">'
        "Download your units (CSV)</a></p>",
        '<h2 id="odp-units-title">Your units</h2>',
    ]
    body += [unit_block(u, links, as_of) for u in units]
    body.append(cpd_section(cpd_log(session, me.id), _unit_titles(units)))
    return Page(200, "My progress", document("My progress", "".join(body), home=links.home))


def unit_block(u: UnitStatus, links: PageLinks, as_of: date) -> str:
    key = f"odp-unit-{escape(u.unit_id)}"
    title = (f'<a href="{escape(links.unit(u.unit_id))}">{escape(u.label)}</a>' if u.has_app
             else escape(u.label) + (" (no app yet)" if u.state == "not_started" else ""))
    parts = [f'<section class="odp-unit" aria-labelledby="{key}">',
             f'<h3 id="{key}">{title}</h3>',
             f'<p><span class="odp-status">Status:</span> {escape(u.describe(as_of))}.</p>',
             f"<p>Pass mark: {escape(u.pass_mark)}.</p>"]
    if u.practice_total:
        parts.append(f"<p>Practice: {u.practice_done} of {u.practice_total} questions done.</p>")
    elif u.practice_done:
        parts.append(f"<p>Practice: {plural(u.practice_done, 'question')} done.</p>")
    if u.attempts:
        rows = [(f"Attempt {a.number}", uk_datetime(a.submitted_at, empty="not recorded"),
                 _score(a.provisional_score, a.provisional_max, "not shown"),
                 _score(a.score, a.max_score, _outcome(a)), _outcome(a),
                 a) for a in u.attempts]
        parts.append(attempts_table(u, rows, links))
    if u.topics:
        items = "".join(f"<li>{escape(t)}</li>" for t in u.topics)
        parts.append(f"<p>Topics to revise (what your wrong answers suggest you may believe):"
                     f"</p><ul>{items}</ul>")
    parts.append("</section>")
    return "".join(parts)


def attempts_table(u: UnitStatus, rows: list, links: PageLinks) -> str:
    head = "".join(f'<th scope="col">{c}</th>' for c in
                   ("Attempt", "Submitted", "Provisional result", "Final result", "Outcome",
                    "Feedback"))
    body = []
    for name, sent, provisional, final, outcome, a in rows:
        feedback = (f'<a href="{escape(links.feedback(u.unit_id, a.number))}">Feedback on '
                    f"attempt {a.number}<span class=\"odp-visually-hidden\"> at "
                    f"{escape(u.label)}</span></a>" if a.graded else "not yet")
        body.append(f'<tr><th scope="row">{name}</th><td>{escape(sent)}</td>'
                    f"<td>{escape(provisional)}</td><td>{escape(final)}</td>"
                    f"<td>{escape(outcome)}</td><td>{feedback}</td></tr>")
    caption = f"Your attempts at the {u.test_word} for unit {u.code} (pass mark {u.pass_mark})"
    return scrollable(f'<table class="odp-table"><caption>{escape(caption)}</caption>'
                      f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>",
                      caption)


def cpd_section(versions: list[CpdVersion], unit_titles: dict[str, str]) -> str:
    latest: dict[tuple[str, str, int], CpdVersion] = {}
    counts: dict[tuple[str, str, int], int] = {}
    for v in versions:
        key = (v.unit_id, v.item_id, v.position)
        latest[key] = v
        counts[key] = counts.get(key, 0) + 1
    rows = [(_typed_date(v.entry_date), unit_titles.get(v.unit_id, v.unit_id), v.plan or "–",
             v.do or "–", v.review or "not written yet",
             f"{uk_datetime(v.recorded_at)}" + (f" ({counts[k]} versions kept)"
                                               if counts[k] > 1 else ""))
            for k, v in latest.items()]
    intro = ("<p>Your plan–do–review entries, newest version of each. Every earlier version is "
             "kept in your record.</p>" if rows else
             "<p>You have no CPD log entries yet. Each unit's CPD activity adds them.</p>")
    tab = table("Your CPD log", ["Date", "Unit", "Plan", "Do", "Review", "Last saved"], rows) \
        if rows else ""
    return ('<section aria-labelledby="odp-cpd-title"><h2 id="odp-cpd-title">My CPD log</h2>'
            f'{intro}{tab}</section>')


def units_frame(units: list[UnitStatus], as_of: date) -> pd.DataFrame:
    rows = []
    for u in units:
        last = u.attempts[-1] if u.attempts else None
        rows.append(dict(unit=u.label, status=u.describe(as_of), pass_mark=u.pass_mark,
                         attempts=len(u.attempts),
                         last_score=_score(last.score, last.max_score, "") if last else "",
                         practice_done=u.practice_done, practice_total=u.practice_total,
                         resit_from=uk_date(u.resit_from, empty=""),
                         topics_to_revise="; ".join(u.topics)))
    return pd.DataFrame(rows, columns=["unit", "status", "pass_mark", "attempts", "last_score",
                                       "practice_done", "practice_total", "resit_from",
                                       "topics_to_revise"])


def _typed_date(text: str) -> str:
    """A date the learner typed, in UK form when it is a date (the widget gives 2025-01-10)."""
    try:
        return uk_date(date.fromisoformat(text))
    except ValueError:
        return text or "–"


def _score(score: float | None, top: float | None, empty: str) -> str:
    if score is None or not top:
        return empty
    return f"{score:g} out of {top:g} ({score / top:.0%})"


def _outcome(a: Attempt) -> str:
    if a.rechecking:
        return "being checked again"
    if a.passed is None:
        return "awaiting result"
    return "passed" if a.passed else "not passed"


def _qualification_title(course: CourseContent, qual_id: str) -> str:
    try:
        return course.qualification(qual_id).title
    except (KeyError, AssertionError):
        return qual_id


def _unit_titles(units: list[UnitStatus]) -> dict[str, str]:
    return {u.unit_id: u.label for u in units}
