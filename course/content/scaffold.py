"""Writing a unit's thin notebook from its unit.yaml, so authors never hand-edit notebooks.

The notebook is also the unit's nbgrader source assignment: every cell is read-only (nbgrader
restores locked cells at autograde, so a learner cannot change what runs), and a unit assessed
by online test ends with one autograded cell whose hidden test marks the test from the
learner's response record (``course.grading.cells.mark_test``).

A unit assessed by assignment has, after each task's writing box, a manually graded answer cell
(``task-<id>``, worth the task's marks). The learner never types in it: at autograde
``course.grading.written.FillWrittenAnswers`` copies their latest saved answer into it, so the
assessor sees it in full in nbgrader and the marking app.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from course.content.model import AnalysisCell, Assignment, ItemBank, Task, Unit

TEST_CELL_ID = "test-result"
TEST_CELL_SOURCE = (
    "# Your test is marked from the answers you saved, when your assessor marks it.\n"
    "### BEGIN HIDDEN TESTS\n"
    "from course.grading.cells import mark_test\n"
    "mark_test()\n"
    "### END HIDDEN TESTS"
)


ANSWER_PREFIX = "task-"
# nbgrader's generate_assignment replaces the solution region with its text stub ("YOUR ANSWER
# HERE"); inside an HTML comment the stub is never shown to the learner in JupyterLab or Voila.
ANSWER_CELL_SOURCE = (
    "*Your assessor reads the answer you saved above when they mark your assignment.*\n\n"
    "<!-- At marking, the grader copies the learner's latest saved answer into this cell.\n"
    "### BEGIN SOLUTION\n"
    "### END SOLUTION\n"
    "-->"
)


REPORT_INTRODUCTION = (
    "## Your report\n\n"
    "Make your project into a report for your board: A4, with your executive summary first, your written "
    "answers, your strategic analysis as tables, your charts and a methodology and sources appendix, and no "
    "code or instructions. It is made from the answers you have saved and the cells above as they are now "
    "(save the notebook first if you changed a cell), as a web page (HTML), a PDF and a Word document. "
    "Press the button below, or run `unit.report()` in a new cell."
)


def answer_grade_id(task_id: str) -> str:
    return f"{ANSWER_PREFIX}{task_id}"


def task_marks(task: Task) -> int:
    return sum(c.marks for c in task.criteria)


def _answer_cell(task: Task) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(ANSWER_CELL_SOURCE)
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False,
                                 "points": task_marks(task), "grade_id": answer_grade_id(task.id),
                                 "schema_version": 3}
    # The answer comes from the record, not from typing here: JupyterLab keeps the cell read-only.
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False
    return cell


def _locked(cell: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                 "grade_id": grade_id, "schema_version": 3}
    return cell


def _test_cell(points: int) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(TEST_CELL_SOURCE)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": points,
                                 "grade_id": TEST_CELL_ID, "schema_version": 3}
    return cell


def _analysis_cell(cell: AnalysisCell) -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    if cell.kind == "guidance":
        return _locked(md(cell.text), cell.id)
    if cell.kind == "activity":
        return _locked(code(f'unit.show_activity("{cell.text}")'), f"activity-{cell.text}")
    # The learner's own analysis: not locked, so nbgrader keeps their version and reruns it at
    # autograde; no nbgrader metadata, so it is never graded.
    made = code(cell.text)
    made.id = cell.id
    return made


def pass_rule_text(assignment: Assignment, project: bool) -> str:
    if assignment.pass_rule == "all_criteria_met":
        fail = "refer" if project else "not yet passed"
        return (f"To pass, every criterion of every task must be met; otherwise the result is *{fail}*, "
                "with feedback on each criterion to help you resubmit.")
    return "To pass, you need the qualification's pass mark across all the tasks' criteria."


def _assignment_introduction(unit: Unit) -> str:
    a = unit.assignment
    if a.brief is None:
        return ("## Your assignment\n\nWrite about your own workplace. Your answers are saved "
                "as you type; your assessor marks them against the criteria for each task.")
    tasks = "\n".join(f"{n}. {t.title} ({t.min_words:,} to {t.max_words:,} words)"
                      for n, t in enumerate(a.tasks, 1))
    return (f"## {a.title or 'Your assignment'}\n\n{' '.join(a.brief.split())}\n\n### The tasks\n\n{tasks}\n\n"
            "Each task's writing box saves your answer as you type, in JupyterLab or the app. Before each box, "
            "the criteria your assessor marks it against are listed, with what an answer that meets each looks "
            f"like.\n\n### How it is marked\n\n{pass_rule_text(a, unit.assessment == 'project')}")


def unit_notebook(unit: Unit, bank: ItemBank | None = None) -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    outcomes = "\n".join(f"- {o.text}" for o in unit.outcomes)
    cells = [
        _locked(md(f"# {unit.code} {unit.title}\n\nLevel {unit.level}. By the end of this unit you will:\n\n"
                   f"{outcomes}\n\nYour answers are saved as you go. You can stop at any time and carry on later."),
                "introduction"),
        _locked(code("from course.notebook import open_unit\nunit = open_unit()"), "open-unit"),
        _locked(code("unit.show_contents()"), "contents"),  # links home, to each part and to the test
    ]
    cells += [_locked(code(f'unit.show_element("{e.id}")'), f"element-{e.id}") for e in unit.elements]
    in_tasks = {c.text for t in (unit.assignment.tasks if unit.assignment else []) for c in t.analysis
                if c.kind == "activity"}
    development = [a for a in unit.activities if a.id not in in_tasks]
    if development:
        cells.append(_locked(md("## Your development"), "development"))
        cells += [_locked(code(f'unit.show_activity("{a.id}")'), f"activity-{a.id}") for a in development]
    if unit.assessment == "online_test":
        cells += [_locked(md("## The unit test\n\nSit the test when you feel ready. You can check your answers "
                             "before you submit."), "test-introduction"),
                  _locked(code("unit.show_test()"), "test")]
        if bank is not None and unit.test is not None:
            cells.append(_test_cell(unit.test.paper_length))  # one point per item on the paper
    if unit.assignment:
        cells.append(_locked(md(_assignment_introduction(unit)), "assignment-introduction"))
        for t in unit.assignment.tasks:
            cells += [_analysis_cell(c) for c in t.analysis]
            cells += [_locked(code(f'unit.show_task("{t.id}")'), f"write-{t.id}"), _answer_cell(t)]
        if unit.assessment == "project":
            cells += [_locked(md(REPORT_INTRODUCTION), "report-introduction"),
                      _locked(code("unit.show_report()"), "report")]
        cells += [_locked(md("## Hand in your assignment"), "handin-introduction"),
                  _locked(code("unit.show_submit()"), "handin")]
    for cell in cells:
        # The grade id is unique in the notebook, and stable: re-scaffolding gives the same ids,
        # so a notebook's diff shows only what changed (nbformat would make random ones).
        if "nbgrader" in cell.metadata:
            cell.id = cell.metadata["nbgrader"]["grade_id"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # The page title (the template adds " – ODP course"): where the learner is, before the site.
    nb.metadata["title"] = f"Unit {unit.code}: {unit.title}"
    return nb


def write_unit_notebook(unit: Unit, folder: Path, bank: ItemBank | None = None) -> Path:
    path = Path(folder) / f"{unit.id}.ipynb"
    nbformat.write(unit_notebook(unit, bank), path)
    return path
