"""Single choice, multiple choice, true/false and short (numeric or text) answers."""

from __future__ import annotations

from typing import Any, Literal

from course.content.model import Question
from course.record import ResponseRecord
from course.scoring import formative_feedback
from course.widgets.base import CourseWidget


class QuestionWidget(CourseWidget):
    """``mode='formative'``: check, feedback, hint, try again. ``mode='summative'``: answers
    are recorded and nothing about correctness is shown."""

    def __init__(self, record: ResponseRecord, question: Question, *,
                 mode: Literal["formative", "summative"] = "formative", number: str = "",
                 options: list | None = None, attempt: int = 1, seed: int = 0) -> None:
        self.question = question  # kept in the kernel; only ids and texts go to the browser
        opts = options if options is not None else question.options
        super().__init__(
            record, question.id, attempt=attempt, seed=seed, kind=question.type, mode=mode,
            label=question.prompt, number=number, has_hint=bool(question.hint and mode == "formative"),
            options=[{"id": o.id, "text": o.text} for o in opts],
        )

    def restore(self) -> None:
        last_check = self.record.latest(("check",), attempt=self.attempt).get(self.item_id)
        if self.mode == "formative" and last_check is not None and last_check.response == self.response:
            self.feedback = formative_feedback(self.question, self.response)

    def on_check(self, content: dict[str, Any]) -> None:
        if self.mode != "formative":
            return
        response = content.get("response", self.response)
        if response != self.response:
            self.response = response
        fb = formative_feedback(self.question, response)
        self.write("check", response, correct=fb["status"] == "correct")
        self.feedback = fb

    def on_hint(self, _content: dict[str, Any]) -> None:
        if self.mode == "formative" and self.question.hint:
            self.feedback = {"status": "info", "title": "Hint", "message": self.question.hint}
