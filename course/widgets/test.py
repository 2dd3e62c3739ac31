"""The summative online test: the learner chooses when to start; answers are recorded with no
correctness shown; 'check your answers' before submitting; resits get a new paper."""

from __future__ import annotations

from typing import Any, ClassVar

import ipywidgets as W

from course.content.model import Question, TestSpec
from course.exam import Paper, paper_for
from course.exceptions import RecordError
from course.record import ResponseRecord
from course.widgets.base import CourseWidget
from course.widgets.guard import NoFields
from course.widgets.question import QuestionWidget
from course.widgets.summary import CheckAnswersWidget

TEST_ITEM = "test"


def attempts(record: ResponseRecord) -> tuple[int, bool]:
    """The latest attempt number started (0 if none) and whether it has been submitted."""
    started = [e.attempt for e in record.entries if e.item == TEST_ITEM and e.kind == "start"]
    latest = max(started, default=0)
    submitted = any(e.item == TEST_ITEM and e.kind == "submit" and e.attempt == latest
                    for e in record.entries)
    return latest, submitted


class StartTestWidget(CourseWidget):
    actions: ClassVar = {"start": NoFields}

    def __init__(self, record: ResponseRecord, label: str, on_start) -> None:
        self._on_start = on_start
        super().__init__(record, "test-start", kind="start", label=label, mode="summative")

    def on_start(self, _content: dict[str, Any]) -> None:
        self._on_start()


class TestSession(W.VBox):
    """Container that shows 'start' until the learner begins, then the paper."""

    def __init__(self, record: ResponseRecord, items: list[Question], spec: TestSpec, title: str) -> None:
        super().__init__()
        self.record, self.items, self.spec, self.title = record, items, spec, title
        self.questions: list[QuestionWidget] = []
        self.summary: CheckAnswersWidget | None = None
        latest, submitted = attempts(record)
        if latest and not submitted:
            self._show_paper(latest)
        else:
            self._show_start(latest, submitted)

    def _show_start(self, latest: int, submitted: bool) -> None:
        label = f"{self.title}: start attempt {latest + 1}" if latest else f"{self.title}: start the test"
        start = StartTestWidget(self.record, label, self.start)
        n, minutes = self.spec.paper_length, self.spec.time_allowed_minutes
        start.view = {"intro": f"The test has {n} question{'s' if n != 1 else ''}: you need "
                               f"{self.spec.pass_score} right to pass. The time allowed is {minutes} "
                               "minutes. Take it when you are ready."}
        self.children = [start]

    def paper(self, attempt: int) -> Paper:
        """The paper of ``attempt`` as its start entry keeps it (drawn by the course service, or
        here for a unit with no service); else rebuilt from the items, as the grader does."""
        start = self.record.latest(("start",), attempt=attempt).get(TEST_ITEM)
        if start is None or "order" not in (start.response or {}):
            header = self.record.header
            return paper_for(self.items, self.spec, header.learner, header.unit, attempt)
        by_id = {q.id: q for q in self.items}
        return Paper(start.seed, tuple(by_id[i] for i in start.response["items"] if i in by_id),
                     {k: tuple(v) for k, v in start.response["order"].items()})

    def start(self) -> None:
        if hasattr(self.record, "start_test"):  # the course service draws, keeps and keys it
            try:
                got = self.record.start_test()
            except RecordError as exc:
                self.children[0].status = str(exc)
                return
            self._show_paper(got["attempt"])
            return
        latest, submitted = attempts(self.record)
        attempt = latest + 1 if (submitted or not latest) else latest
        if attempt != latest:
            header = self.record.header
            paper = paper_for(self.items, self.spec, header.learner, header.unit, attempt)
            self.record.append(TEST_ITEM, "start", {"items": [q.id for q in paper.items],
                                                   "order": paper.option_order},
                               attempt=attempt, seed=paper.seed)
        self._show_paper(attempt)

    def _show_paper(self, attempt: int) -> None:
        paper = self.paper(attempt)
        self.questions = []
        for n, q in enumerate(paper.items, 1):
            by_id = {o.id: o for o in q.options}
            options = [by_id[i] for i in paper.option_order[q.id]]
            self.questions.append(QuestionWidget(
                self.record, q, mode="summative", number=f"Question {n} of {len(paper.items)}",
                options=options, attempt=attempt, seed=paper.seed))
        self.summary = CheckAnswersWidget(self.record, TEST_ITEM, self.questions,
                                          attempt=attempt, seed=paper.seed)
        self.children = [*self.questions, self.summary]
