"""Written assignment answers: from the learner's response record to nbgrader's answer cells.

A Level 4+ unit notebook has, after each task's writing box, a manually graded markdown cell
``task-<id>`` (see ``course.content.scaffold``). The learner never types in it: the writing box
saves to their record as they type, in JupyterLab or Voila. At ``nbgrader autograde`` the
``FillWrittenAnswers`` preprocessor copies each task's latest trusted answer from the record in
the submission into that cell, so nbgrader marks it as needing manual grading and the assessor
sees the whole answer (formgrader, the marking app, the learner's feedback).

- No answer saved: the cell keeps its released text, so nbgrader scores it 0 with "No response."
- An answer the record's tamper check cannot vouch for is not shown; the cell says why and the
  submission is flagged for the assessor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from course.config import Settings
from course.content import load_course
from course.content.model import Task, Unit
from course.content.scaffold import ANSWER_PREFIX
from course.grading.context import GradingContext
from course.grading.saved import UNTRUSTED, saved_answers  # noqa: F401 (UNTRUSTED: re-exported)
from course.grading.sittings import parse_assignment
from course.widgets.analysis_tables import analysis_html
from course.widgets.strategy import task_widget_id


@dataclass(frozen=True)
class WrittenAnswer:
    """One task's answer as the grader reads it from the record."""

    task: str
    text: str                   # "" when nothing was saved (or it could not be trusted)
    saved_at: str | None        # ISO time of the entry the text comes from
    problem: str | None = None  # why the answer cannot be trusted or read; None when fine
    table: str = ""             # the task's grid or register as an HTML table ("" if it has none)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def answered(self) -> bool:
        return (bool(self.text.strip()) or bool(self.table)) and self.problem is None


def task_of(grade_id: str) -> str | None:
    return grade_id[len(ANSWER_PREFIX):] if grade_id.startswith(ANSWER_PREFIX) else None


def written_answers(folder: Path, unit: Unit, learner: str, course_secret: bytes | None, *,
                    attempt: int = 1, data_path: Path | None = None) -> dict[str, WrittenAnswer]:
    """Every task's latest trusted answer in the record in ``folder``. Never raises for a bad
    record: each answer then carries the problem instead of text. With ``data_path``, the course
    service's hand-in notes decide the key and head (course.grading.handins)."""
    tasks = [t.id for t in unit.assignment.tasks] if unit.assignment else []
    grids = {t.id: t for t in unit.assignment.tasks if t.widget} if unit.assignment else {}
    saved = saved_answers(folder, unit.id, learner, course_secret,
                          [*tasks, *(task_widget_id(g) for g in grids.values())],
                          attempt=attempt, data_path=data_path)
    out = {}
    for t in tasks:
        entry = saved[t]
        grid = saved[task_widget_id(grids[t])] if t in grids else None
        if entry.problem or (grid is not None and grid.problem):
            out[t] = WrittenAnswer(t, "", entry.saved_at, entry.problem or grid.problem)
            continue
        table = (analysis_html(grids[t].widget, grid.response, grids[t].title)
                 if grid is not None and grid.response is not None else "")
        times = [x for x in (entry.saved_at, grid.saved_at if grid else None) if x]
        out[t] = WrittenAnswer(t, str(entry.response or ""), max(times) if times else None, table=table)
    return out


# -- the cell the assessor and learner see ---------------------------------------------------

_INLINE = re.compile(r"([\\`*_\[\]#|~])")              # emphasis, code, links, tables anywhere
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.M)  # lists and underlined headings


def plain_markdown(text: str) -> str:
    """The learner's text as markdown that shows exactly what they wrote: no HTML and no
    formatting from stray characters; paragraphs and line breaks kept."""
    escaped = _INLINE.sub(r"\\\1", text)
    escaped = _LINE_START.sub(lambda m: m[1] + "".join("\\" + ch if not ch.isdigit() else ch for ch in m[2]), escaped)
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", escaped.replace("\r\n", "\n")) if p.strip()]
    return "\n\n".join("  \n".join(line.strip() for line in p.split("\n")) for p in paragraphs)


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{at.day} {at:%B %Y} at {at:%H:%M} (UTC)"


def answer_cell_source(task: Task, number: int, of: int, answer: WrittenAnswer) -> str:
    heading = f"**Task {number} of {of}: {plain_markdown(task.title)}**"
    if answer.problem:
        return f"{heading}\n\n*The answer to this task cannot be shown: {plain_markdown(answer.problem)}.*"
    guidance = f"{task.min_words} to {task.max_words} words asked for"
    meta = f"*{answer.words} words ({guidance}). Last saved {_when(answer.saved_at)}.*"
    # The grid or register is generated HTML with every entry escaped (analysis_tables), so it
    # renders as a table in nbgrader, the marking app and the learner's feedback.
    table = f"\n\n{answer.table}" if answer.table else ""
    return f"{heading}\n\n{meta}\n\n{plain_markdown(answer.text)}{table}"


class FillWrittenAnswers(NbGraderPreprocessor):
    """autograde, before SaveAutoGrades: each ``task-<id>`` answer cell gets the learner's latest
    trusted answer from the record in the submission."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        info = resources["nbgrader"]
        unit_id, _ = parse_assignment(info["assignment"])
        cells = [c for c in nb.cells if utils.is_grade(c) and utils.is_solution(c)
                 and c.cell_type == "markdown" and task_of(c.metadata["nbgrader"]["grade_id"])]
        if not cells:
            return nb, resources
        settings = Settings()
        try:
            unit = load_course(settings.content_root, with_banks=False).entry(unit_id).unit
        except KeyError:
            unit = None
        if unit is None or unit.assignment is None:
            return nb, resources  # not a written assignment: nothing of ours to fill
        folder = Path(resources["metadata"]["path"])
        context = GradingContext(info["student"], info["assignment"], folder, settings)
        answers = written_answers(folder, unit, info["student"], context.course_secret(),
                                  attempt=context.attempt, data_path=settings.data_path)
        tasks = {t.id: t for t in unit.assignment.tasks}
        order = [t.id for t in unit.assignment.tasks]
        with Gradebook(info["db_url"]) as gb:
            for cell in cells:
                task_id = task_of(cell.metadata["nbgrader"]["grade_id"])
                if task_id not in tasks:
                    continue  # a cell the unit no longer has: nbgrader reports it
                answer = answers[task_id]
                if answer.answered or answer.problem:
                    cell.source = answer_cell_source(tasks[task_id], order.index(task_id) + 1, len(order), answer)
                else:
                    # The released text unchanged: nbgrader scores it 0 with "No response."
                    cell.source = self._released_source(gb, cell, info) or cell.source
            if any(a.problem for a in answers.values()):
                submission = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
                submission.flagged = True
                gb.db.commit()
        return nb, resources

    @staticmethod
    def _released_source(gb: Gradebook, cell: NotebookNode, info: dict) -> str | None:
        try:
            return gb.find_source_cell(cell.metadata["nbgrader"]["grade_id"], info["notebook"],
                                       info["assignment"]).source
        except MissingEntry:
            return None
