"""Deciding whether a response is right, and the feedback a learner sees.

Used by the formative widgets (in the learner's kernel, with formative keys only) and by the
graders (with the summative item bank). One function decides correctness for both, so the
provisional score and the official nbgrader score cannot drift apart.
"""

from __future__ import annotations

import math
from typing import Any

from course.content.model import Question


def normalise_text(value: str) -> str:
    return " ".join(str(value).lower().split())


def is_correct(q: Question, response: Any) -> bool:
    """All-or-nothing: a multiple-choice item needs exactly the right set."""
    if response is None or response == "" or response == []:
        return False
    if q.is_choice:
        chosen = set(response) if isinstance(response, list) else {response}
        return chosen == set(q.correct)
    if q.type == "numeric":
        try:
            value = float(str(response).replace(",", "").strip())
        except ValueError:
            return False
        return math.isfinite(value) and abs(value - q.answer) <= q.tolerance + 1e-9
    if q.type == "text":
        return normalise_text(response) in {normalise_text(a) for a in q.accept}
    return False


def answer_text(q: Question, response: Any) -> str:
    """What the learner answered, in words (for 'check your answers')."""
    if response in (None, "", []):
        return ""
    if q.is_choice:
        chosen = response if isinstance(response, list) else [response]
        by_id = {o.id: o.text for o in q.options}
        return "; ".join(by_id.get(c, c) for c in chosen)
    return str(response)


def formative_feedback(q: Question, response: Any) -> dict[str, str]:
    """Feedback aimed at the misconception behind what the learner chose."""
    if is_correct(q, response):
        chosen = response if isinstance(response, list) else [response]
        notes = [o.feedback for o in q.options if o.id in chosen and o.feedback]
        message = " ".join(notes + ([q.explanation] if q.explanation else []))
        return {"status": "correct", "title": "Correct.", "message": message}
    if q.is_choice:
        chosen = response if isinstance(response, list) else [response]
        wrong = [o for o in q.options if o.id in chosen and o.id not in q.correct]
        notes = [o.feedback for o in wrong if o.feedback]
        if q.type == "multiple" and not wrong:
            notes.append("What you chose is right, but there is more: look again at the options you left.")
        message = " ".join(notes) + " Try again."
    else:
        message = "That is not the answer we were looking for. Try again."
    if q.hint:
        message += " Use 'Show a hint' if you are stuck."
    return {"status": "incorrect", "title": "Not quite.", "message": message.strip()}
