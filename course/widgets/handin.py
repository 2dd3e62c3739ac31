"""Handing in a written assignment: check what you wrote, then hand it in to your assessor.

The GOV.UK check-answers pattern, as for a test: each task with its word count, a link back to
change it, then one button. Where the course service keeps the record it hands the work in to
nbgrader itself; with no service (JupyterLab on one's own) the learner submits through
JupyterLab's Assignments tab, and the page says so.
"""

from __future__ import annotations

from typing import Any

from course.exceptions import RecordError
from course.widgets.summary import CheckAnswersWidget

ASSIGNMENT_ITEM = "assignment"  # course.service.records.ASSIGNMENT_ITEM


class HandInWidget(CheckAnswersWidget):
    _heading = "Assignment handed in"

    def __init__(self, record, tasks: list) -> None:
        super().__init__(record, ASSIGNMENT_ITEM, tasks, label="Check your assignment")

    def _confirmation(self) -> str:
        return ("Your assignment has been handed in to your assessor, who will mark it against the "
                "criteria for each task. You will see your result and feedback on your course home.")

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for n, w in enumerate(self.questions, 1):
            words = len(str(w.response or "").split())
            out.append({"item": w.item_id, "number": f"Task {n}", "prompt": w.label,
                        "answer": f"{words} words" if words else ""})
        return out

    def on_submit(self, _content: dict[str, Any]) -> None:
        if self.submitted_entry() is not None:
            return
        if not hasattr(self.record, "submit_assignment"):
            self.view = {**self.view, "error": "This unit is not connected to the course service: hand "
                         "your assignment in from JupyterLab's Assignments tab (nbgrader)."}
            return
        try:
            self.record.submit_assignment()
        except RecordError as exc:
            self.view = {**self.view, "error": f"Your assignment was not handed in: {exc}"}
            return
        self.view = {"submitted": self._confirmation(), "heading": self._heading}
