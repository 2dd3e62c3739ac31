"""The Level 7 notebooks: committed without outputs, thin, and run top to bottom in a fresh kernel."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course.content import load_course
from tests.conftest import REPO

FOLDER = REPO / "level7" / "strategic-project"
NOTEBOOKS = ["worked-example.ipynb", "strategic-project.ipynb"]


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(FOLDER / name, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_unit_is_in_the_catalogue_and_valid():
    course = load_course(REPO)
    entry = course.entry("strategic-project")
    assert entry.status == "available" and entry.ref.code == "SMP"
    assert not [p for p in course.problems if "strategic-project" in p.file], course.problems
    unit = entry.unit
    assert [lo[:3] for lo in unit.learning_outcomes] == ["LO1", "LO2", "LO3", "LO4"]
    assert len(unit.elements) == 4


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs(name):
    for cell in read(name).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_are_thin(name):
    # Logic lives in course.*: no loops, functions, classes or pandas/numpy imports in the notebooks.
    for source in code_cells(read(name)):
        assert not re.search(r"^\s*(for|while|def|class|if|try)\b", source, re.M), source
        assert not re.search(r"import (pandas|numpy|matplotlib)", source), source
        assert "course" in source or "=" in source or source.strip().isidentifier() or "(" in source


def test_workbook_has_marked_answer_cells_and_proposal_guidance():
    nb = read("strategic-project.ipynb")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    answers = [c for c in nb.cells if c.cell_type == "markdown" and "Write your answer here" in c.source]
    assert len(answers) >= 8
    for heading in ("Aim", "Scope", "Objectives", "Methodology", "Strategic analysis", "Options appraisal",
                    "recommendations", "Implementation plan", "Review"):
        assert heading in text
    assert "700 to 900 words" in text


def run(name: str) -> nbformat.NotebookNode:
    nb = read(name)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}}).execute()
    return nb


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_top_to_bottom_with_captioned_charts(name):
    nb = run(name)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    figures = re.findall(r"<figure.*?</figure>", html, re.S)
    assert len(figures) >= 6
    for fig in figures:
        assert re.search(r'alt="[^"]{20,}"', fig) and "<figcaption" in fig
