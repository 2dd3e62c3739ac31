"""Single choice, multiple choice, true/false and short (numeric or text) answers."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from course.content.model import Question
from course.record import ResponseRecord
from course.scoring import formative_feedback
from course.widgets.base import CourseWidget
from course.widgets.guard import MAX_ITEMS, MAX_SHORT, NoFields, Payload, Refused, ShortId, ShortText


class Check(Payload):
    response: list[ShortId] | ShortText | None = None


class QuestionWidget(CourseWidget):
    """``mode='formative'``: check, feedback, hint, try again. ``mode='summative'``: answers
    are recorded and nothing about correctness is shown."""

    actions: ClassVar = {"check": Check, "hint": NoFields}
    browser_traits = frozenset({"response"})

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

    def allowed_actions(self):
        return self.actions if self.mode == "formative" else {}

    def check_browser_value(self, name: str, value: Any) -> Any:
        return self.checked_response(value)

    def checked_response(self, value: Any) -> Any:
        """An answer this question's form could give: known option ids, or a short text."""
        if value is None:
            return None
        if self.question.is_choice:
            known = {o["id"] for o in self.options}
            if not (isinstance(value, list) and len(value) <= min(len(known), MAX_ITEMS)
                    and all(isinstance(v, str) and v in known for v in value) and len(set(value)) == len(value)):
                raise Refused("not a list of this question's option ids")
            if self.kind != "multiple" and len(value) > 1:
                raise Refused("more than one option for a single-answer question")
            return value
        if not isinstance(value, str) or len(value) > MAX_SHORT:
            raise Refused("not a short text answer")
        return value

    def restore(self) -> None:
        last_check = self.record.latest(("check",), attempt=self.attempt).get(self.item_id)
        if self.mode == "formative" and last_check is not None and last_check.response == self.response:
            self.feedback = formative_feedback(self.question, self.response)

    def on_check(self, content: dict[str, Any]) -> None:
        if self.mode != "formative":
            return
        response = content.get("response")
        response = self.response if response is None else self.checked_response(response)
        if response != self.response:
            self.response = response
        fb = formative_feedback(self.question, response)
        self.write("check", response, correct=fb["status"] == "correct")
        self.feedback = fb

    def on_hint(self, _content: dict[str, Any]) -> None:
        if self.mode == "formative" and self.question.hint:
            self.feedback = {"status": "info", "title": "Hint", "message": self.question.hint}
