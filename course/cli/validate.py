"""``odp validate``: check all course content and report every problem."""

from __future__ import annotations

from pathlib import Path

import click

from course.config import find_content_root
from course.content import load_course


@click.command("validate")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def command(path: Path | None) -> None:
    """Validate the catalogue, every unit and every item bank under PATH.

    PATH is the content root (the folder with catalogue.yaml); by default the nearest one at
    or above the current folder. Exits 0 when everything is valid, 1 otherwise.
    """
    root = path or find_content_root()
    course = load_course(root)
    for problem in course.problems:
        click.echo(str(problem))
    units = len(course.units)
    if course.problems:
        click.echo(f"{len(course.problems)} problem(s) found in {root}", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {root} ({units} units with content, {len(course.banks)} item banks)")
