"""What a unit notebook calls: one line per thing shown.

    from course.notebook import open_unit
    unit = open_unit()                 # reads unit.yaml beside the notebook, opens your record
    unit.show_element("values")        # the five sections, its questions and scenarios
    unit.show_activity("cpd")          # CPD log, checklist or reflection
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from IPython.display import HTML, display

from course.content.loader import load
from course.content.model import Element, Question, Unit
from course.exam import ITEMS_FILE, read_public_items
from course.exceptions import ContentError
from course.identity import current_learner
from course.record import ResponseRecord
from course.widgets import (
    ChecklistWidget, CourseWidget, CpdLogWidget, QuestionWidget, ScenarioWidget, WrittenWidget,
)
from course.widgets.strategy import STRATEGY_TYPES, strategy_widget
from course.widgets.test import TestSession

SECTIONS = (
    ("key_concepts", "Key concepts and core principles"),
    ("exam_tips", "Exam tips and revision strategies"),
    ("misconceptions", "Common misconceptions and mistakes to avoid"),
    ("marking_points", "What the examiner looks for"),
)


def element_html(element: Element) -> str:
    parts = [f'<section class="odp odp-element" aria-labelledby="odp-el-{escape(element.id)}">',
             f'<h2 id="odp-el-{escape(element.id)}">{escape(element.title)}</h2>',
             f"<p>{escape(element.synopsis)}</p>"]
    for field, heading in SECTIONS:
        items = "".join(f"<li>{escape(x)}</li>" for x in getattr(element, field))
        parts.append(f"<h3>{heading}</h3><ul>{items}</ul>")
    parts.append("</section>")
    return "".join(parts)


class UnitSession:
    def __init__(self, folder: Path, learner: str | None = None) -> None:
        self.folder = Path(folder).resolve()
        unit, _, problems = load(Unit, self.folder / "unit.yaml", self.folder)
        if unit is None:
            raise ContentError(problems)
        self.unit = unit
        self.widgets: dict[str, CourseWidget] = {}
        # Under nbgrader (autograde or validate) the notebook runs in a fresh kernel as the
        # assessor: show the content, but never open, create or write the learner's record.
        # The hidden test cell marks the record instead.
        self.grading = bool(os.environ.get("NBGRADER_EXECUTION"))
        if self.grading:
            self.learner, self.record = "", None
            return
        self.learner = learner or current_learner()
        self.record = ResponseRecord.open(self.folder, self.learner, unit.id)

    # -- lookups -------------------------------------------------------------------------
    def element(self, element_id: str) -> Element:
        for e in self.unit.elements:
            if e.id == element_id:
                return e
        raise KeyError(f"unit {self.unit.id!r} has no element {element_id!r}")

    def _question(self, qid: str) -> Question:
        for e in self.unit.elements:
            for q in e.questions:
                if q.id == qid:
                    return q
        raise KeyError(f"unit {self.unit.id!r} has no question {qid!r}")

    def _keep(self, widget: CourseWidget) -> CourseWidget:
        self.widgets[widget.item_id] = widget
        return widget

    # -- widgets -------------------------------------------------------------------------
    def question(self, qid: str, number: str = "") -> QuestionWidget:
        return self._keep(QuestionWidget(self.record, self._question(qid), number=number))

    def scenario(self, sid: str) -> ScenarioWidget:
        for e in self.unit.elements:
            for s in e.scenarios:
                if s.id == sid:
                    return self._keep(ScenarioWidget(self.record, s))
        raise KeyError(f"unit {self.unit.id!r} has no scenario {sid!r}")

    def activity(self, aid: str) -> CourseWidget:
        act = next((a for a in self.unit.activities if a.id == aid), None)
        if act is None:
            raise KeyError(f"unit {self.unit.id!r} has no activity {aid!r}")
        if act.type == "cpd_log":
            return self._keep(CpdLogWidget(self.record, act.id, act.title, prompt=act.prompt))
        if act.type in STRATEGY_TYPES:
            return self._keep(strategy_widget(self.record, act))
        if act.type == "checklist":
            return self._keep(ChecklistWidget(self.record, act.id, act.title, act.items, prompt=act.prompt))
        return self._keep(WrittenWidget(self.record, act.id, act.title, brief=act.prompt))

    def task(self, task_id: str) -> WrittenWidget:
        tasks = self.unit.assignment.tasks if self.unit.assignment else []
        task = next((t for t in tasks if t.id == task_id), None)
        if task is None:
            raise KeyError(f"unit {self.unit.id!r} has no assignment task {task_id!r}")
        return self._keep(WrittenWidget(self.record, task.id, task.title, brief=task.brief,
                                        min_words=task.min_words, max_words=task.max_words))

    # -- showing -------------------------------------------------------------------------
    def show_element(self, element_id: str) -> None:
        element = self.element(element_id)
        display(HTML(element_html(element)))
        if self.grading:
            return
        if element.questions:
            display(HTML('<h3 class="odp">Check your understanding</h3>'))
        for n, q in enumerate(element.questions, 1):
            display(self.question(q.id, number=f"Question {n} of {len(element.questions)}"))
        for s in element.scenarios:
            display(HTML(f'<h3 class="odp">Scenario: {escape(s.title)}</h3>'))
            display(self.scenario(s.id))

    def test(self) -> TestSession:
        """The unit's summative test, from the released key-free items beside the notebook."""
        spec, items = read_public_items(self.folder)
        return TestSession(self.record, items, spec, f"{self.unit.code} {self.unit.title} test")

    def show_test(self) -> None:
        if self.grading:
            return
        if not (self.folder / ITEMS_FILE).exists():
            # The source folder has no test: the release step writes the key-free items.
            display(HTML('<p class="odp">The test appears here when your assessor releases this unit to you.</p>'))
            return
        display(self.test())

    def show_activity(self, aid: str) -> None:
        if not self.grading:
            display(self.activity(aid))

    def show_task(self, task_id: str) -> None:
        if not self.grading:
            display(self.task(task_id))


def open_unit(folder: str | Path = ".", learner: str | None = None) -> UnitSession:
    return UnitSession(Path(folder), learner)
