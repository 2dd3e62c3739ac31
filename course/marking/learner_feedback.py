"""What a learner reads as feedback on a written assignment or project: the result and the rule
first, then each task's answer with its marks and the comment on each criterion. Nothing of the
notebook's machinery: no code, no unit text, no analysis outputs.

``LearnerFeedback`` runs first in ``nbgrader generate_feedback`` (see
``autograder/nbgrader_config.py``): for a unit with a rubric it rebuilds the feedback notebook
from the autograded one, keeping only the task answer cells (nbgrader then shows each one's
score and its comment, :mod:`course.marking.feedback`). A unit test is left as it is.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from course.config import Settings
from course.content import load_course
from course.grading.written import plain_markdown


def result_cell(heading: str, sentence: str, rule: str, outcomes: list[tuple[int, str]] = ()) -> NotebookNode:
    """The result and the rule; then the learning outcomes the criteria cite by number (each
    criterion below says which outcome and assessment criterion, as "AC 2.3", it evidences)."""
    listed = "".join(f"\n- Learning outcome {n}: {plain_markdown(text)}" for n, text in outcomes)
    return nbformat.v4.new_markdown_cell(
        f"# {plain_markdown(heading)}: your result\n\n**{plain_markdown(sentence)}**\n\n"
        f"How it is marked: {plain_markdown(rule)}. Your assessor's comment on each criterion is under each "
        "task's answer below."
        + (f"\n\n## The learning outcomes\n\nEach criterion names the learning outcome and the assessment "
           f"criterion (AC) it shows you meet:\n{listed}" if outcomes else ""))


class LearnerFeedback(NbGraderPreprocessor):
    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        from course.marking.book import MarkingBook

        info = resources["nbgrader"]
        course = load_course(Settings().content_root, with_banks=False)
        book = MarkingBook(Path("."), course=course, db_url=info["db_url"])
        try:
            rubric = book.rubric(info["assignment"])
        except KeyError:
            return nb, resources   # a unit test: its own feedback cell says what the learner needs
        outcome = book.outcome(info["assignment"], info["student"])
        answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        cells = [result_cell(f"{rubric.code} {rubric.title}", rubric.result_sentence(outcome),
                             rubric.describe_rule(), rubric.outcomes_cited())]
        for task in rubric.tasks:
            cell = answers.get(task.grade_id)
            if cell is None:
                continue
            if not cell.source.startswith("**Task "):   # the released text: nothing was saved
                cell.source = (f"**Task {task.number} of {len(rubric.tasks)}: {plain_markdown(task.title)}**\n\n"
                               "*No answer was saved for this task.*")
            cells.append(cell)
        nb.cells = cells
        return nb, resources
