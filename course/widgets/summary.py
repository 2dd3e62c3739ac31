"""'Check your answers' before submitting a test (the GOV.UK pattern)."""

from __future__ import annotations

import os
from typing import Any, ClassVar

from course.grading.client import TOKEN_ENV, URL_ENV, request
from course.record import ResponseRecord
from course.scoring import answer_text
from course.widgets.base import CourseWidget
from course.widgets.guard import NoFields
from course.widgets.question import QuestionWidget


class CheckAnswersWidget(CourseWidget):
    actions: ClassVar = {"review": NoFields, "submit": NoFields}

    def __init__(self, record: ResponseRecord, item_id: str, questions: list[QuestionWidget], *,
                 attempt: int = 1, seed: int = 0, label: str = "Check your answers") -> None:
        self.questions = questions
        super().__init__(record, item_id, kind="summary", label=label, attempt=attempt, seed=seed,
                         mode="summative")

    def restore(self) -> None:
        if self.submitted_entry() is not None:
            self.view = {"submitted": self._confirmation() + self._provisional()}

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
        answered = sum(1 for r in self.rows() if r["answer"])
        if self.write("submit", {"answered": answered, "of": len(self.questions)}) is not None:
            self.view = {"submitted": self._confirmation() + self._provisional()}

    def _provisional(self) -> str:
        """The course server's instant provisional score, when it offers one. The record goes to
        the scorer; the keys never come here."""
        url, token = os.environ.get(URL_ENV), os.environ.get(TOKEN_ENV)
        if not (url and token):
            return ""
        try:
            reply = request(url, token, self.record.path.read_bytes())
        except (OSError, ValueError):
            reply = {}
        if "message" in reply:
            return " " + reply["message"]
        return " Your provisional result is not available just now."
