"""The project workbook is an nbgrader source assignment. Each written part is a manually graded
answer cell, and the examiner's marking points for it are stated in a locked cell before it.
Proved with nbgrader's own commands in a throwaway course directory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.content.loader import load
from course.content.model import Unit
from course.record import RECORD_FILE
from tests.conftest import REPO

FOLDER = REPO / "level7" / "strategic-project"
ASSIGNMENT = "strategic-project"
MARKS = re.compile(r"\*\*What the examiner looks for \((\d+) marks?\)\*\*\n\n((?:- .+\n?)+)")


def nbg(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def graded(nb) -> list[tuple[nbformat.NotebookNode, nbformat.NotebookNode]]:
    """(locked marking points cell, answer cell) for each manually graded answer."""
    return [(nb.cells[i - 1], c) for i, c in enumerate(nb.cells) if nbg(c).get("grade")]


def marking_points(cell) -> tuple[int, list[str]]:
    match = MARKS.search(cell.source)
    assert match, cell.source
    return int(match.group(1)), re.findall(r"^- (.+)$", match.group(2), re.M)


def test_each_written_part_is_graded_against_the_units_marking_points():
    nb = nbformat.read(FOLDER / f"{ASSIGNMENT}.ipynb", as_version=4)
    unit, _, problems = load(Unit, FOLDER / "unit.yaml", REPO)
    assert unit is not None, problems
    points_in_unit = [p for e in unit.elements for p in e.marking_points]
    parts = graded(nb)
    assert len(parts) == 10
    stated = []
    for locked, answer in parts:
        meta, before = nbg(answer), nbg(locked)
        assert answer.cell_type == "markdown" and meta["solution"] and not meta["locked"]
        assert meta["schema_version"] == 3 and before["schema_version"] == 3
        assert locked.cell_type == "markdown" and before["locked"] and not before["grade"] and not before["solution"]
        marks, bullets = marking_points(locked)
        assert marks == meta["points"] == len(bullets), locked.source
        assert set(bullets) <= set(points_in_unit), set(bullets) - set(points_in_unit)
        stated += bullets
    # Every marking point in unit.yaml is marked, and only once.
    assert sorted(stated) == sorted(points_in_unit)
    ids = [nbg(c)["grade_id"] for c in nb.cells if nbg(c)]
    assert len(ids) == len(set(ids))
    assert all(not nbg(c) for c in nb.cells if c.cell_type == "code")  # code cells are not graded


def nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent  # nbgrader calls `alembic` from PATH for the gradebook
    # Unbuffered, with stderr (nbgrader's log) merged into stdout, so each report follows its file name.
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", ODP_LEARNER="amy", PYTHONUNBUFFERED="1")
    return subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=root, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=300)


def validation_reports(output: str) -> dict[str, str]:
    parts = re.split(r"\[ValidateApp \| INFO\] Validating '([^']+)'", output)
    return {Path(name).name: text for name, text in zip(parts[1::2], parts[2::2])}


@pytest.mark.slow
def test_nbgrader_releases_the_workbook_and_validates_a_completed_one(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FOLDER, root / "source" / ASSIGNMENT, ignore=shutil.ignore_patterns(RECORD_FILE, ".*"))
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(root)!r}\nc.CourseDirectory.course_id = 'odp-level7'\n")

    made = nbgrader(root, "generate_assignment", ASSIGNMENT)
    assert made.returncode == 0, made.stdout
    release = root / "release" / ASSIGNMENT
    assert (release / "unit.yaml").exists()  # the workbook needs its unit beside it
    source = nbformat.read(FOLDER / f"{ASSIGNMENT}.ipynb", as_version=4)
    released = nbformat.read(release / f"{ASSIGNMENT}.ipynb", as_version=4)

    expected = {nbg(a)["grade_id"]: nbg(a)["points"] for _, a in graded(source)}
    assert {nbg(a)["grade_id"]: nbg(a)["points"] for _, a in graded(released)} == expected
    for locked, answer in graded(released):
        assert answer.source == "YOUR ANSWER HERE"  # nbgrader's stub for the learner to replace
        assert locked.metadata["editable"] is False and nbg(locked)["checksum"]
        assert marking_points(locked)[1]  # the marking points are released with the question
    for cell in released.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="odp-level7") as gradebook:
        notebook = gradebook.find_notebook(ASSIGNMENT, ASSIGNMENT)
        assert notebook.max_score == sum(expected.values()) == 18
        assert sorted(c.name for c in notebook.grade_cells) == sorted(expected)

    # A learner's finished workbook validates; one with a marking-points cell edited does not.
    done = nbformat.read(release / f"{ASSIGNMENT}.ipynb", as_version=4)
    for _, answer in graded(done):
        answer.source = f"My answer for {nbg(answer)['grade_id']}."
    nbformat.write(done, release / "done.ipynb")
    graded(done)[0][0].source = "### Aim\n\nAny aim will do."
    nbformat.write(done, release / "edited.ipynb")
    checked = nbgrader(root, "validate", str(release / "done.ipynb"), str(release / "edited.ipynb"))
    reports = validation_reports(checked.stdout)
    assert "Success! Your notebook passes all the tests." in reports["done.ipynb"], reports
    assert "did not provide a response" not in reports["done.ipynb"]
    assert "HAVE CHANGED" in reports["edited.ipynb"] and "Any aim will do." in reports["edited.ipynb"]
