"""The base widget: synced traits shared by every kind, and the link to the response record."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import traitlets as t

from course.exceptions import RecordError
from course.record import ResponseRecord
from course.record.remote import NotSavedYet
from course.serve.widget_frontend import FetchedFrontEnd
from course.widgets.guard import PLAIN_ERROR, Payload, Refused, failed, parse, refuse
from course.widgets.times import saved_status

STATIC = Path(__file__).resolve().parent / "static"


class CourseWidget(FetchedFrontEnd):
    """Every synced trait is the kernel's unless named in ``browser_traits``; the browser's
    messages are ``actions``, each with its payload model (``course.widgets.guard``)."""

    actions: ClassVar[dict[str, type[Payload]]] = {}
    browser_traits: ClassVar[frozenset[str]] = frozenset()

    # The browser fetches these once by digest (course/serve/widget_frontend.py).
    _front_end_js = STATIC / "widgets.js"
    _front_end_css = STATIC / "widgets.css"

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
        self.status = saved_status()
        return entry

    def _saved_later(self, entry) -> None:
        if entry.item == self.item_id and entry.attempt == self.attempt:
            self.status = saved_status()

    def _on_response(self, change: dict[str, Any]) -> None:
        self.write("answer", change["new"])

    # -- what the browser may do ------------------------------------------------------------
    def allowed_actions(self) -> dict[str, type[Payload]]:
        """The actions this widget takes now (a summative question takes none)."""
        return self.actions

    def check_browser_value(self, name: str, value: Any) -> Any:
        """The value of ``name`` the browser sent, checked; raise Refused if it is not one this
        widget's front end could send (subclasses check types, lengths and known ids)."""
        return value

    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        try:
            payload = parse(self.allowed_actions(), content)
        except Refused as exc:
            refuse(self, str(exc))
            return
        try:
            getattr(self, f"on_{payload['action']}")(payload)
        except Refused as exc:  # a handler found an unknown id or an impossible value
            refuse(self, f"action {payload['action']!r}: {exc}")
        except Exception as exc:  # noqa: BLE001 - ipywidgets would print the traceback on the page
            failed(self, f"action {payload['action']!r}", exc)
            self.status = PLAIN_ERROR

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """A state update from the browser (ipywidgets calls this for a comm ``update``): only
        ``browser_traits`` with checked values are applied; the browser's copy of anything
        refused is put back to the kernel's value."""
        accepted, refused = {}, []
        for name, value in sync_data.items():
            if name not in self.browser_traits:
                refused.append(name)
                continue
            try:
                accepted[name] = self.check_browser_value(name, value)
            except Refused as exc:
                refuse(self, f"{name}: {exc}")
                refused.append(name)
        if refused:
            refuse(self, f"kernel-only or invalid traits {', '.join(sorted(map(str, refused)))[:200]}")
        try:
            if accepted:
                super().set_state(accepted)
        except Exception as exc:  # noqa: BLE001 - as in _on_msg: never a traceback on the page
            failed(self, "a state update", exc)
            self.status = PLAIN_ERROR
            refused += list(accepted)
        known = [name for name in refused if name in self.keys]
        if known:
            self.send_state(known)

    # Simulating the learner from Python (tests and the widget API): the same paths a browser takes.
    def answer(self, response: Any) -> None:
        self.response = response

    def act(self, action: str, **content: Any) -> None:
        self._on_msg(self, {"action": action, **content}, None)
