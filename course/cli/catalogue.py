"""``odp catalogue``: the qualifications by level, their units, which have notebooks, which
qualifications a learner can finish, and how deep each unit's formative content goes."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from course.config import find_content_root
from course.content import CourseContent, Unit, require_course

# What every element should offer a learner before the test (issue 19's content standard).
MIN_QUESTIONS_PER_ELEMENT = 8
MIN_SCENARIOS_PER_ELEMENT = 1


def element_depth(unit: Unit) -> list[dict]:
    return [{"id": e.id, "questions": len(e.questions), "scenarios": len(e.scenarios)}
            for e in unit.elements]


def as_records(course: CourseContent) -> list[dict]:
    out = []
    for qual in sorted(course.catalogue.qualifications, key=lambda q: (q.level, q.title)):
        units = [e for e in course.entries if e.qualification.id == qual.id]
        out.append({
            "id": qual.id,
            "title": qual.title,
            "level": qual.level,
            "awarding_body": qual.awarding_body,
            "family": qual.family,
            "assessment": qual.assessment,
            "credits": qual.credits,
            "guided_learning_hours": qual.guided_learning_hours,
            "total_qualification_time": qual.total_qualification_time,
            "note": qual.note,
            "complete": course.is_complete(qual),
            "units": [
                {
                    "code": e.ref.code,
                    "title": e.ref.title,
                    "assessment": e.ref.assessment,
                    "status": e.status,
                    "notebook": e.notebook.relative_to(course.root).as_posix() if e.notebook else None,
                    "elements": element_depth(e.unit) if e.notebook else [],
                }
                for e in units
            ],
        })
    return out


def totals(course: CourseContent) -> dict:
    """The programme's own count. A unit several qualifications list (201, 303) counts once."""
    quals = course.catalogue.qualifications
    listed = {e.ref.code: e for e in course.entries}
    available = [e for e in listed.values() if e.status == "available"]
    depth = [d for e in course.unit_entries if e.notebook for d in element_depth(e.unit)]
    return {
        "qualifications_complete": sum(course.is_complete(q) for q in quals),
        "qualifications_listed": len(quals),
        "units_available": len(available),
        "units_listed": len(listed),
        "elements": len(depth),
        "min_questions_per_element": min((d["questions"] for d in depth), default=0),
        "min_scenarios_per_element": min((d["scenarios"] for d in depth), default=0),
        "elements_below_standard": sum(
            d["questions"] < MIN_QUESTIONS_PER_ELEMENT or d["scenarios"] < MIN_SCENARIOS_PER_ELEMENT
            for d in depth),
    }


@click.command("catalogue")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of a table.")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Content root (default: the nearest folder with catalogue.yaml).")
def command(as_json: bool, root: Path | None) -> None:
    """List qualifications by level, their units, which units have notebooks, and the totals:
    qualifications complete, units available, and questions and scenarios per element."""
    course = require_course(root or find_content_root())
    records, counts = as_records(course), totals(course)
    if as_json:
        click.echo(json.dumps({"qualifications": records, "totals": counts}, indent=2))
        return
    table = Table(title="Operational Delivery Profession qualifications", show_lines=False)
    for col in ("Level", "Qualification", "Unit", "Assessment", "Notebook"):
        table.add_column(col)
    for q in records:
        table.add_row(str(q["level"]), q["title"], "", "", "complete" if q["complete"] else "",
                      style="bold")
        for u in q["units"]:
            table.add_row("", "", f"{u['code']} {u['title']}", u["assessment"].replace("_", " "),
                          u["notebook"] or "planned")
    console = Console()
    console.print(table)
    console.print(
        f"Qualifications complete: {counts['qualifications_complete']} of {counts['qualifications_listed']}. "
        f"Units available: {counts['units_available']} of {counts['units_listed']}. "
        f"Per element (of {counts['elements']}): at least {counts['min_questions_per_element']} questions "
        f"and {counts['min_scenarios_per_element']} scenario(s); {counts['elements_below_standard']} "
        f"below {MIN_QUESTIONS_PER_ELEMENT} questions and {MIN_SCENARIOS_PER_ELEMENT} scenario.")
