"""What a widget accepts from the browser: an allow-list of actions with typed payloads, and the
few traits the browser may set. Everything else is refused and logged on the server.

The browser is not trusted: a learner can send any comm message to their kernel from the
developer tools, so each widget says exactly what its own front end sends, and the kernel checks
types, lengths and known ids before a handler runs. Refusals go to the kernel's own stderr (the
server log), one line each, never to the page and never with a traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

# Hard caps on what may arrive at all; the widgets' own checks give learners friendlier limits.
MAX_ID = 80
MAX_SHORT = 1_000
MAX_LONG = 50_000
MAX_ITEMS = 50

ShortId = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID)]
ShortText = Annotated[str, StringConstraints(max_length=MAX_SHORT)]
LongText = Annotated[str, StringConstraints(max_length=MAX_LONG)]

# Shown on the page when a handler fails: plain words, no traceback, no server path.
PLAIN_ERROR = "Something went wrong and that was not saved. Reload the page and try again."


class Refused(ValueError):
    """A message from the browser that this widget does not accept."""


class Payload(BaseModel):
    """A browser message: ``action`` and the fields its front end sends, nothing else. Strict,
    so ``"1"`` is not an index and ``[]`` is not a text."""

    model_config = ConfigDict(extra="forbid", strict=True)
    action: str


class NoFields(Payload):
    pass


class Request(Payload):
    """Actions the Level 7 widgets send: a counter that pairs the kernel's answer with the form."""

    request: int | None = None


def _server_log() -> logging.Logger:
    log = logging.getLogger("course.widgets")
    if not log.handlers:
        # sys.__stderr__ is the kernel process's real stderr (the server's log); sys.stderr in a
        # kernel is forwarded to the page.
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("[course.widgets %(levelname)s] %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return log


log = _server_log()


def parse(actions: dict[str, type[Payload]], content: Any) -> dict[str, Any]:
    """The validated payload of ``content``, or :class:`Refused` saying why (without echoing
    the whole message, which could be large)."""
    if not isinstance(content, dict):
        raise Refused(f"a {type(content).__name__}, not an object")
    action = content.get("action")
    model = actions.get(action) if isinstance(action, str) else None
    if model is None:
        shown = action if isinstance(action, str) else type(action).__name__
        raise Refused(f"unknown action {shown[:MAX_ID]!r}")
    try:
        return model.model_validate(content).model_dump()
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) or "payload" for e in exc.errors())
        raise Refused(f"action {action!r}: invalid {fields}") from None


def refuse(widget: Any, why: str) -> None:
    log.warning("%s %r refused a browser message: %s", type(widget).__name__,
                getattr(widget, "item_id", ""), why)


def failed(widget: Any, what: str, exc: BaseException) -> None:
    """A handler raised: the server log gets the error; the page gets :data:`PLAIN_ERROR`."""
    log.error("%s %r failed on %s: %s: %s", type(widget).__name__, getattr(widget, "item_id", ""),
              what, type(exc).__name__, exc)
