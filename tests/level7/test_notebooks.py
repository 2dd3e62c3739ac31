"""The Level 7 notebooks: committed without outputs, thin, and run top to bottom in a fresh kernel."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

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


LEVEL7_VERBS = ("Justify", "Discuss", "Critically", "Analyse", "Synthesise", "Draw", "Make", "Evaluate", "Develop")


def test_project_is_assessable_content_meeting_every_cmi_assessment_criterion():
    unit = load_course(REPO).entry("strategic-project").unit
    a = unit.assignment
    assert a is not None and a.pass_rule == "all_criteria_met" and unit.assessment == "project"
    criteria = [c for t in a.tasks for c in t.criteria]
    assert {c.assessment_criterion for c in criteria} == {
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2"}
    assert all(c.text.startswith(LEVEL7_VERBS) for c in criteria), [c.text for c in criteria]
    assert sum(c.text.startswith(("Critically", "Justify", "Evaluate", "Synthesise")) for c in criteria) >= 8
    assert (a.tasks[0].min_words, a.tasks[0].max_words) == (700, 900)   # CMI's proposal guideline


def test_workbook_is_scaffolded_from_the_content_with_every_graded_cell():
    from course.content.scaffold import unit_notebook

    unit = load_course(REPO).entry("strategic-project").unit
    nb = read("strategic-project.ipynb")
    expected = unit_notebook(unit)
    assert [(c.id, c.source) for c in nb.cells] == [(c.id, c.source) for c in expected.cells]
    graded = {c.id: c.metadata["nbgrader"]["points"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert graded == {f"task-{t.id}": len(t.criteria) for t in unit.assignment.tasks}
    code = "\n".join(code_cells(nb))
    for e in unit.elements:   # the teaching and its practice questions are in the workbook
        assert f'unit.show_element("{e.id}")' in code
    assert "unit.show_report()" in code


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
    session.activity("smp-whatif").calculate(option="Text reminders", upfront_cost="120,000", annual_cost="5,000",
                                             annual_benefit="45,000", years="5", discount_rate="3.5")
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


def test_workbook_has_the_what_if_appraisal_with_the_learners_figures(executed):
    nb = executed[1]["strategic-project.ipynb"]
    [cell] = [c for c in nb.cells if c.get("id") == "activity-smp-whatif"]
    assert cell.source == 'unit.show_activity("smp-whatif")'   # placed by unit.yaml through the scaffold
    [out] = [o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    html = out.data["text/html"]   # the figures and the sensitivity table travel with the widget
    assert "Text reminders: net present value £" in html and "NPV is zero at" in html and "£120,000" in html


def test_workbook_shows_the_teaching_practice_questions_and_criteria(executed):
    nb = executed[1]["strategic-project.ipynb"]
    unit = load_course(REPO).entry("strategic-project").unit
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for e in unit.elements:
        assert e.title in html and "Common misconceptions" in html
    questions = sum(len(e.questions) for e in unit.elements)
    widgets = [o for c in nb.cells if c.get("id", "").startswith("element-") for o in c.outputs
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) >= questions >= 8 * len(unit.elements)   # the content standard: 8 per element
    assert html.count('class="odp odp-criteria"') == 4 and "AC 2.3: Synthesise data and options" in html
