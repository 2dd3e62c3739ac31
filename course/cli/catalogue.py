"""``odp catalogue``: the qualifications by level, their units, and which have notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from course.config import find_content_root
from course.content import CourseContent, require_course


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
            "credits": qual.credits,
            "guided_learning_hours": qual.guided_learning_hours,
            "units": [
                {
                    "code": e.ref.code,
                    "title": e.ref.title,
                    "assessment": e.ref.assessment,
                    "status": e.status,
                    "notebook": e.notebook.relative_to(course.root).as_posix() if e.notebook else None,
                }
                for e in units
            ],
        })
    return out


@click.command("catalogue")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of a table.")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Content root (default: the nearest folder with catalogue.yaml).")
def command(as_json: bool, root: Path | None) -> None:
    """List qualifications by level, their units, and which units have notebooks."""
    course = require_course(root or find_content_root())
    records = as_records(course)
    if as_json:
        click.echo(json.dumps(records, indent=2))
        return
    table = Table(title="Operational Delivery Profession qualifications", show_lines=False)
    for col in ("Level", "Qualification", "Unit", "Assessment", "Notebook"):
        table.add_column(col)
    for q in records:
        table.add_row(str(q["level"]), q["title"], "", "", "", style="bold")
        for u in q["units"]:
            table.add_row("", "", f"{u['code']} {u['title']}", u["assessment"].replace("_", " "),
                          u["notebook"] or "planned")
    Console().print(table)
