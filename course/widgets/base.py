"""The base widget: synced traits shared by every kind, and the link to the response record."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from course.exceptions import RecordError
from course.record import ResponseRecord
from course.record.remote import NotSavedYet

STATIC = Path(__file__).resolve().parent / "static"


class CourseWidget(anywidget.AnyWidget):
    _esm = (STATIC / "widgets.js").read_text(encoding="utf-8")
    _css = (STATIC / "widgets.css").read_text(encoding="utf-8")

    kind = t.Unicode().tag(sync=True)
    item_id = t.Unicode().tag(sync=True)
    label = t.Unicode().tag(sync=True)
    number = t.Unicode("").tag(sync=True)
    mode = t.Unicode("formative").tag(sync=True)
    options = t.List().tag(sync=True)
    has_hint = t.Bool(False).tag(sync=True)
    config = t.Dict().tag(sync=True)
    response = t.Any(None, allow_none=True).tag(sync=True)
    feedback = t.Dict().tag(sync=True)
    status = t.Unicode("").tag(sync=True)
    view = t.Dict().tag(sync=True)

    def __init__(self, record: ResponseRecord, item_id: str, *, attempt: int = 1, seed: int = 0,
                 **traits: Any) -> None:
        super().__init__(item_id=item_id, **traits)
        self.record, self.attempt, self.seed = record, attempt, seed
        last = record.latest(("answer",), attempt=attempt).get(item_id)
        if last is not None:
            self.response = last.response
        self.restore()
        self.observe(self._on_response, "response")
        self.on_msg(self._on_msg)
        if hasattr(record, "on_saved"):  # kept by the course service: an answer may arrive later
            record.on_saved(self._saved_later)

    def restore(self) -> None:
        """Rebuild any further state from the record (subclasses)."""

    def write(self, kind: str, response: Any, **extra: Any):
        try:
            entry = self.record.append(self.item_id, kind, response, attempt=self.attempt,
                                       seed=self.seed, extra=extra or None)
        except NotSavedYet as exc:
            # Kept on this computer and sent when the service is back: say so, keep the form.
            self.status = f"Your answer is {exc}"
            return exc.entry
        except (OSError, RecordError) as exc:
            # Never lose the learner's work silently: tell them it was not saved.
            self.status = f"Your answer could not be saved: {exc}"
            return None
        self.status = f"Saved at {datetime.now().strftime('%H:%M:%S')}"
        return entry

    def _saved_later(self, entry) -> None:
        if entry.item == self.item_id and entry.attempt == self.attempt:
            self.status = f"Saved at {datetime.now().strftime('%H:%M:%S')}"

    def _on_response(self, change: dict[str, Any]) -> None:
        self.write("answer", change["new"])

    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        handler = getattr(self, f"on_{content.get('action')}", None)
        if callable(handler):
            handler(content)

    # Simulating the learner from Python (tests and the widget API): the same paths a browser takes.
    def answer(self, response: Any) -> None:
        self.response = response

    def act(self, action: str, **content: Any) -> None:
        self._on_msg(self, {"action": action, **content}, None)
