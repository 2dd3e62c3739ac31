"""``odp scaffold``: (re)write a unit's thin notebook from its unit.yaml."""

from __future__ import annotations

from pathlib import Path

import click

from course.config import find_content_root
from course.content.loader import load
from course.content.model import ItemBank, Unit
from course.content.repository import BANKS_DIR
from course.content.scaffold import write_unit_notebook
from course.exceptions import ContentError


@click.command("scaffold")
@click.argument("folders", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
def command(folders: tuple[Path, ...]) -> None:
    """Write <unit-id>.ipynb in each unit FOLDER from its unit.yaml (one cell per element,
    activity, test or assignment task; the notebook is also the nbgrader source). Overwrites the notebook: edit unit.yaml instead."""
    for folder in folders:
        unit, _, problems = load(Unit, folder / "unit.yaml", folder)
        if unit is None:
            raise ContentError(problems)
        bank = None
        if unit.assessment == "online_test":
            # The test cell's points are the number of items a test draws from the bank.
            root = find_content_root(folder)
            bank, _, problems = load(ItemBank, root / BANKS_DIR / f"{unit.id}.yaml", root)
            if bank is None:
                raise ContentError(problems)
        click.echo(f"wrote {write_unit_notebook(unit, folder, bank)}")
