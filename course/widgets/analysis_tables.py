"""PESTLE, SWOT and stakeholder map answers as plain HTML tables, for exported reports.

A widget needs a live kernel and an exported report has none. These tables carry the same
entries as text, with styles inline because a report has no course stylesheet.
"""

from __future__ import annotations

from html import escape
from typing import Any

from course.widgets.frameworks import (
    APPROACHES, FRAMEWORKS, IMPACTS, LEVELS, Entry, approach, read_boxes, read_stakeholders,
)

REPORT_METADATA = "odp-analysis"  # output metadata naming the item, so a report can redraw it from the record
CELL = 'style="border:1px solid #b1b4b6;padding:4px 8px;text-align:left;vertical-align:top"'
TABLE = 'class="odp-analysis-table" style="border-collapse:collapse;margin:0.5em 0 1em"'
CAPTION = 'style="text-align:left;font-weight:bold;padding-bottom:4px"'


def _caption(name: str, label: str) -> str:
    title = f"{name}: {label}" if label and label != name else name
    return f"<caption {CAPTION}>{escape(title)}</caption>"


def _note(dropped: int) -> str:
    if not dropped:
        return ""
    return f"<p>{dropped} saved entr{'y' if dropped == 1 else 'ies'} could not be read and {'is' if dropped == 1 else 'are'} not shown.</p>"


def pestle_table(response: Any, label: str = "", kind: str = "pestle") -> str:
    """A rated boxes framework as a table: PESTLE, or a risk register grouped by response."""
    framework = FRAMEWORKS[kind]
    boxes, dropped = read_boxes(framework, response)
    impact = dict(IMPACTS)
    body = []
    for box in framework.boxes:
        entries = boxes[box.key]
        if not entries:
            body.append(f'<tbody><tr><th scope="row" {CELL}>{box.title}</th><td colspan="2" {CELL}>None added</td></tr></tbody>')
            continue
        rows = []
        for n, e in enumerate(entries):
            head = f'<th scope="rowgroup" rowspan="{len(entries)}" {CELL}>{box.title}</th>' if n == 0 else ""
            rows.append(f"<tr>{head}<td {CELL}>{escape(e.text)}</td><td {CELL}>{impact[e.impact or '']}</td></tr>")
        body.append(f"<tbody>{''.join(rows)}</tbody>")
    first, second = ("Response", "Risk") if kind == "risk_register" else ("Factor", "What you found")
    head = (f'<thead><tr><th scope="col" {CELL}>{first}</th><th scope="col" {CELL}>{second}</th>'
            f'<th scope="col" {CELL}>Impact</th></tr></thead>')
    return f"<table {TABLE}>{_caption(framework.name, label)}{head}{''.join(body)}</table>{_note(dropped)}"


def _quadrant(title: str, entries: list[Entry]) -> str:
    items = "".join(f"<li>{escape(e.text)}</li>" for e in entries) or "<li>None added</li>"
    return f"<td {CELL}><strong>{title}</strong><ul>{items}</ul></td>"


def swot_table(response: Any, label: str = "") -> str:
    # The classic 2 x 2 layout: internal/external by helpful/harmful, with real header cells.
    framework = FRAMEWORKS["swot"]
    b, dropped = read_boxes(framework, response)
    head = (f'<thead><tr><td {CELL}></td><th scope="col" {CELL}>Helpful to your objectives</th>'
            f'<th scope="col" {CELL}>Harmful to your objectives</th></tr></thead>')
    rows = (f'<tr><th scope="row" {CELL}>Internal (your operation)</th>'
            f'{_quadrant("Strengths", b["strengths"])}{_quadrant("Weaknesses", b["weaknesses"])}</tr>'
            f'<tr><th scope="row" {CELL}>External (the wider environment)</th>'
            f'{_quadrant("Opportunities", b["opportunities"])}{_quadrant("Threats", b["threats"])}</tr>')
    return f"<table {TABLE}>{_caption(framework.name, label)}{head}<tbody>{rows}</tbody></table>{_note(dropped)}"


PRIORITY = ("manage-closely", "keep-satisfied", "keep-informed", "monitor")


def stakeholder_table(response: Any, label: str = "") -> str:
    people, dropped = read_stakeholders(response)
    level = dict(LEVELS)
    head = "".join(f'<th scope="col" {CELL}>{h}</th>' for h in
                   ("Stakeholder", "Power", "Interest", "How to engage them", "Notes"))
    rows = "".join(
        f'<tr><th scope="row" {CELL}>{escape(s.name)}</th><td {CELL}>{level[s.power]}</td>'
        f"<td {CELL}>{level[s.interest]}</td><td {CELL}>{approach(s.power, s.interest).title}</td>"
        f"<td {CELL}>{escape(s.notes)}</td></tr>" for s in people
    ) or f'<tr><td colspan="5" {CELL}>No stakeholders added</td></tr>'
    groups = "".join(
        f"<li>{a.title} (power {a.power}, interest {a.interest}): "
        f"{escape(', '.join(s.name for s in people if (s.power, s.interest) == (a.power, a.interest))) or 'none'}</li>"
        for a in sorted(APPROACHES, key=lambda a: PRIORITY.index(a.key)))
    return (f"<table {TABLE}>{_caption('Stakeholder map', label)}<thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table><p>By Mendelow's power–interest matrix:</p><ul>{groups}</ul>{_note(dropped)}")


def risk_register_table(response: Any, label: str = "") -> str:
    return pestle_table(response, label, kind="risk_register")


TABLES = {"pestle": pestle_table, "swot": swot_table, "stakeholder_map": stakeholder_table,
          "risk_register": risk_register_table}


def analysis_html(kind: str, response: Any, label: str = "") -> str:
    """The learner's analysis of ``kind`` ('pestle', 'swot', 'stakeholder_map' or 'risk_register') as HTML."""
    return f'<div class="odp-analysis-report">{TABLES[kind](response, label)}</div>'
