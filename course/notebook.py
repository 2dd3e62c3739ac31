"""What a unit notebook calls: one line per thing shown.

    from course.notebook import open_unit
    unit = open_unit()                 # reads unit.yaml beside the notebook, opens your record
    unit.show_element("values")        # the five sections, its questions and scenarios
    unit.show_activity("cpd")          # CPD log, checklist or reflection

The page's home link is ``ODP_HOME_URL`` if set (a course server elsewhere), else the Voila
course home beside the unit folder.
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
from course.widgets.test import TestSession, attempts
from course.widgets.times import uk_datetime

HOME_URL_ENV = "ODP_HOME_URL"
DEFAULT_HOME_URL = "../home.ipynb"  # a unit's page is <unit>/<unit>.ipynb, the home beside the units
TEST_ANCHOR = "odp-test"

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


def home_url() -> str:
    return os.environ.get(HOME_URL_ENV) or DEFAULT_HOME_URL


def _link(href: str, text: str) -> str:
    return f'<a class="odp-contents__link" href="{escape(href, quote=True)}">{escape(text)}</a>'


def contents_html(unit: Unit, home: str) -> str:
    """The unit's contents: home, each element with its practice, development, and the test or
    the assignment. A skip link comes first, so the test is two Tab presses from the top."""
    final = None
    if unit.assessment == "online_test":
        final = (f"#{TEST_ANCHOR}", "The unit test")
    elif unit.assignment:
        final = (f"#{TEST_ANCHOR}", "Your assignment")
    skip = (f'<a class="odp-skip-link odp-contents__skip" href="#{TEST_ANCHOR}">Skip to '
            f'{"the unit test" if unit.assessment == "online_test" else "your assignment"}</a>') if final else ""
    items = []
    for e in unit.elements:
        practice = []
        if e.questions:
            practice.append(f"<li>{_link(f'#odp-practice-{e.id}', f'Check your understanding ({len(e.questions)} questions)')}</li>")
        practice += [f"<li>{_link(f'#odp-scenario-{s.id}', f'Scenario: {s.title}')}</li>" for s in e.scenarios]
        sub = f'<ul>{"".join(practice)}</ul>' if practice else ""
        items.append(f"<li>{_link(f'#odp-el-{e.id}', e.title)}{sub}</li>")
    if unit.activities:
        acts = "".join(f"<li>{_link(f'#odp-q-{a.id}', a.title)}</li>" for a in unit.activities)
        items.append(f"<li>{_link(f'#odp-q-{unit.activities[0].id}', 'Your development (CPD)')}<ul>{acts}</ul></li>")
    if final:
        items.append(f"<li>{_link(*final)}</li>")
    return (f'<nav class="odp odp-nav odp-contents" aria-labelledby="odp-contents-title">{skip}'
            f'<p class="odp-contents__home">{_link(home, "Back to the course home")}</p>'
            f'<h2 id="odp-contents-title" class="odp-contents__title">Contents</h2>'
            f'<ul class="odp-contents__list">{"".join(items)}</ul></nav>')


def attempt_status_html(record: ResponseRecord | None) -> str:
    """Where the learner is with the test, in words, as the target of the skip link."""
    text = "You have not started the test."
    if record is not None:
        latest, submitted = attempts(record)
        if latest and submitted:
            at = next((e.at for e in reversed(record.entries)
                       if e.item == "test" and e.kind == "submit" and e.attempt == latest), None)
            text = f"You submitted attempt {latest}" + (f" on {uk_datetime(at)}." if at else ".")
        elif latest:
            text = f"Attempt {latest} is in progress. Your answers are saved as you go."
    return f'<p class="odp odp-test-status" id="{TEST_ANCHOR}" tabindex="-1">{escape(text)}</p>'


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
            display(HTML(f'<h3 class="odp" id="odp-practice-{escape(element.id)}" tabindex="-1">Check your understanding</h3>'))
        for n, q in enumerate(element.questions, 1):
            display(self.question(q.id, number=f"Question {n} of {len(element.questions)}"))
        for s in element.scenarios:
            display(HTML(f'<h3 class="odp" id="odp-scenario-{escape(s.id)}" tabindex="-1">Scenario: {escape(s.title)}</h3>'))
            display(self.scenario(s.id))

    def show_contents(self) -> None:
        """The contents list and the links home, at the top of the unit's page."""
        display(HTML(contents_html(self.unit, home_url())))

    def test(self) -> TestSession:
        """The unit's summative test, from the released key-free items beside the notebook."""
        per_test, items = read_public_items(self.folder)
        return TestSession(self.record, items, per_test, f"{self.unit.code} {self.unit.title} test")

    def show_test(self) -> None:
        if self.grading:
            return
        display(HTML(attempt_status_html(self.record)))
        if not (self.folder / ITEMS_FILE).exists():
            # The source folder has no test: the release step writes the key-free items.
            display(HTML('<p class="odp">The test appears here when your assessor releases this unit to you.</p>'))
            return
        display(self.test())

    def show_activity(self, aid: str) -> None:
        if not self.grading:
            display(self.activity(aid))

    def show_task(self, task_id: str) -> None:
        if self.grading:
            return
        tasks = self.unit.assignment.tasks if self.unit.assignment else []
        if tasks and tasks[0].id == task_id:  # the contents list's link to the assignment
            display(HTML(f'<p class="odp odp-test-status" id="{TEST_ANCHOR}" tabindex="-1">'
                         f'Your assignment has {len(tasks)} task{"s" if len(tasks) != 1 else ""}. '
                         'Your answers are saved as you type.</p>'))
        display(self.task(task_id))


def open_unit(folder: str | Path = ".", learner: str | None = None) -> UnitSession:
    return UnitSession(Path(folder), learner)
