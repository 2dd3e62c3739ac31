"""'Check your answers' before submitting a test (the GOV.UK pattern)."""

from __future__ import annotations

from typing import Any, ClassVar

from course.exceptions import RecordError
from course.record import ResponseRecord
from course.scoring import answer_text
from course.widgets.base import CourseWidget
from course.widgets.guard import NoFields
from course.widgets.question import QuestionWidget


class CheckAnswersWidget(CourseWidget):
    _heading = "Test submitted"
    actions: ClassVar = {"review": NoFields, "submit": NoFields}

    def __init__(self, record: ResponseRecord, item_id: str, questions: list[QuestionWidget], *,
                 attempt: int = 1, seed: int = 0, label: str = "Check your answers") -> None:
        self.questions = questions
        super().__init__(record, item_id, kind="summary", label=label, attempt=attempt, seed=seed,
                         mode="summative")

    def restore(self) -> None:
        if self.submitted_entry() is not None:
            self.view = {"submitted": self._confirmation(), "heading": self._heading}

    def submitted_entry(self):
        return self.record.latest(("submit",), attempt=self.attempt).get(self.item_id)

    def _confirmation(self) -> str:
        return (f"Your answers for attempt {self.attempt} have been submitted. Your assessor will "
                "mark them; you will see your result in My progress.")

    def rows(self) -> list[dict[str, Any]]:
        return [{"item": q.item_id, "number": q.number or q.item_id, "prompt": q.label,
                 "answer": answer_text(q.question, q.response)} for q in self.questions]

    def on_review(self, _content: dict[str, Any]) -> None:
        if self.submitted_entry() is not None:
            return
        rows = self.rows()
        self.view = {"rows": rows, "unanswered": [r for r in rows if not r["answer"]]}

    def on_submit(self, _content: dict[str, Any]) -> None:
        if self.submitted_entry() is not None:
            return
        if hasattr(self.record, "submit_test"):
            # The course service closes the attempt, scores it and hands it in to the assessor.
            try:
                got = self.record.submit_test(self.attempt)
            except RecordError as exc:
                self.status = f"Your answers were not submitted: {exc}"
                return
            provisional = f" {got['provisional']}" if got.get("provisional") else ""
            self.view = {"submitted": self._confirmation() + provisional}
            return
        answered = sum(1 for r in self.rows() if r["answer"])
        if self.write("submit", {"answered": answered, "of": len(self.questions)}) is not None:
            self.view = {"submitted": self._confirmation()}

