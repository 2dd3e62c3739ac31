"""The Level 7 notebooks: committed without outputs, thin, and run top to bottom in a fresh kernel."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from course.analysis.report import export_report
from course.content import load_course
from course.notebook import open_unit
from course.record import RECORD_FILE
from course.widgets.analysis_tables import REPORT_METADATA
from course.widgets.strategy import analysis
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


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Both notebooks run once in a fresh kernel, in a copy of the unit folder: the workbook
    opens a response record beside it, and the repository must not get one. The learner has
    already started a PESTLE analysis and a stakeholder map."""
    folder = tmp_path_factory.mktemp("smp") / "strategic-project"
    shutil.copytree(FOLDER, folder, ignore=shutil.ignore_patterns(RECORD_FILE))
    session = open_unit(folder, learner="amy")
    analysis(session, "smp-pestle").add("political", "Spending review cuts the running budget by 5%", "high")
    analysis(session, "smp-stakeholders").add("Regional operations director", "high", "low")
    notebooks = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ODP_LEARNER", "amy")  # the kernel opens amy's record
        for name in NOTEBOOKS:
            nb = read(name)
            NotebookClient(nb, timeout=180, kernel_name="python3",
                           resources={"metadata": {"path": str(folder)}}).execute()
            notebooks[name] = nb
    return folder, notebooks


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_top_to_bottom_with_captioned_charts(name, executed):
    nb = executed[1][name]
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    figures = re.findall(r"<figure.*?</figure>", html, re.S)
    assert len(figures) >= 6
    for fig in figures:
        assert re.search(r'alt="[^"]{20,}"', fig) and "<figcaption" in fig


def test_workbook_shows_the_strategic_analysis_widgets_with_saved_work(executed):
    nb = executed[1]["strategic-project.ipynb"]
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if REPORT_METADATA in o.get("metadata", {})]
    assert [o.metadata[REPORT_METADATA]["kind"] for o in outputs] == ["pestle", "swot", "stakeholder_map"]
    assert all("application/vnd.jupyter.widget-view+json" in o.data for o in outputs)
    assert "Spending review cuts the running budget by 5%" in outputs[0].data["text/html"]
    assert "Keep satisfied" in outputs[2].data["text/html"]


def test_report_shows_the_strategic_analysis_as_tables_from_the_record(executed):
    folder, notebooks = executed
    path = folder / "my-project.ipynb"
    nbformat.write(notebooks["strategic-project.ipynb"], path)
    # Added after the cells ran: the saved outputs are out of date, the record is not.
    analysis(open_unit(folder, learner="amy"), "smp-swot").add("threats", "Rising demand after a policy change")
    html = export_report(path, folder / "report", execute_first=False).html.read_text(encoding="utf-8")
    assert html.count('class="odp-analysis-report"') == 3
    for text in ("Spending review cuts the running budget by 5%", "Rising demand after a policy change",
                 "Regional operations director", "Keep satisfied", "Helpful to your objectives"):
        assert text in html, text
    assert "show_analysis" not in html  # no code in the report
    assert "What the examiner looks for" in html
