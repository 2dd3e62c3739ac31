"""Written answers and reflections, checklists, and the CPD plan-do-review log."""

from __future__ import annotations

from course.record import ResponseRecord
from course.widgets.base import CourseWidget


class WrittenWidget(CourseWidget):
    """A written response with a live word count; saved as the learner types (debounced)."""

    def __init__(self, record: ResponseRecord, item_id: str, label: str, *, brief: str = "",
                 min_words: int = 0, max_words: int = 0, number: str = "", attempt: int = 1) -> None:
        super().__init__(record, item_id, attempt=attempt, kind="written", label=label, number=number,
                         config={"brief": brief, "min_words": min_words, "max_words": max_words})

    @property
    def word_count(self) -> int:
        return len(str(self.response or "").split())


class ChecklistWidget(CourseWidget):
    def __init__(self, record: ResponseRecord, item_id: str, label: str, items: list[str], *,
                 prompt: str = "") -> None:
        super().__init__(record, item_id, kind="checklist", label=label,
                         config={"items": list(items), "prompt": prompt})


class CpdLogWidget(CourseWidget):
    """Plan-do-review entries with dates. The response is the whole list of entries."""

    def __init__(self, record: ResponseRecord, item_id: str, label: str, *, prompt: str = "") -> None:
        super().__init__(record, item_id, kind="cpd_log", label=label, config={"prompt": prompt})

    def add_entry(self, date: str, plan: str, do: str = "", review: str = "") -> None:
        self.response = [*(self.response or []), {"date": date, "plan": plan, "do": do, "review": review}]
