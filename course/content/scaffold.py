"""Writing a unit's thin notebook from its unit.yaml, so authors never hand-edit notebooks."""

from __future__ import annotations

from pathlib import Path

import nbformat

from course.content.model import Unit


def unit_notebook(unit: Unit) -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    outcomes = "\n".join(f"- {o}" for o in unit.learning_outcomes)
    cells = [
        md(f"# {unit.code} {unit.title}\n\nLevel {unit.level}. By the end of this unit you will:\n\n{outcomes}\n\n"
           "Your answers are saved as you go. You can stop at any time and carry on later."),
        code("from course.notebook import open_unit\nunit = open_unit()"),
    ]
    cells += [code(f'unit.show_element("{e.id}")') for e in unit.elements]
    if unit.activities:
        cells.append(md("## Your development"))
        cells += [code(f'unit.show_activity("{a.id}")') for a in unit.activities]
    if unit.assessment == "online_test":
        cells += [md("## The unit test\n\nSit the test when you feel ready. You can check your answers "
                     "before you submit."), code("unit.show_test()")]
    if unit.assignment:
        cells.append(md("## Your assignment\n\nWrite about your own workplace. Your answers are saved "
                        "as you type; your assessor marks them against the criteria for each task."))
        cells += [code(f'unit.show_task("{t.id}")') for t in unit.assignment.tasks]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["title"] = f"{unit.code} {unit.title}"
    return nb


def write_unit_notebook(unit: Unit, folder: Path) -> Path:
    path = Path(folder) / f"{unit.id}.ipynb"
    nbformat.write(unit_notebook(unit), path)
    return path
