"""A learner's record kept by the course service, as a widget sees it.

It has the same face as the folder record (``entries``, ``latest``, ``append``), but every
append goes to the service, which checks, seals and keeps it. If the service cannot be reached
the answer waits in an outbox in the learner's folder and is sent, in order and under the same
request id (so never twice), on the next append or a few seconds later; until then the widget
says it is not saved. A copy of what the service acknowledged is cached beside the notebook so
the page can still restore while the service is away. Neither file is trusted for grading.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from course.exceptions import RecordError
from course.record.format import Entry, Header
from course.record.store import latest_entries
from course.service.client import ServiceClient, ServiceRefused, ServiceUnavailable

CACHE_FILE = ".responses-cache.jsonl"
OUTBOX_FILE = ".responses-outbox.jsonl"
RETRY_SECONDS = 5.0


class NotSavedYet(RecordError):
    """The service is unreachable: the answer is in the outbox and will be sent later.
    ``entry`` is how it shows on the page meanwhile (unsealed), if it was an answer."""

    def __init__(self, message: str, entry: Entry | None = None) -> None:
        super().__init__(message)
        self.entry = entry


UNSAVED = ("not saved yet: the course service cannot be reached. Your answer is kept on this "
           "computer and will be sent when it is back.")


class ServiceRecord:
    def __init__(self, folder: Path, unit: str, client: ServiceClient) -> None:
        self.folder, self.unit, self.client = Path(folder), unit, client
        self.entries: list[Entry] = []
        self._listeners: list[Callable[[Entry], None]] = []
        self._lock = threading.RLock()
        self._retry_pending = False
        self.path = self.folder / CACHE_FILE
        try:
            got = client.call("GET", f"/api/records/{unit}")
            self.header = Header(**got["header"])
            self.entries = [Entry(**e) for e in got["entries"]]
            self._write_cache()
            self.online = True
        except ServiceUnavailable:
            self.header, self.entries = self._read_cache()
            self.online = False
        self.entries += [self._pending_entry(p) for p in self._outbox()]
        if self._outbox():
            self._schedule_retry()

    # -- the folder record's face -----------------------------------------------------------------
    @property
    def head_mac(self) -> str:
        return self.entries[-1].mac if self.entries else self.header.mac

    def latest(self, kinds: tuple[str, ...] = ("answer",), attempt: int | None = None) -> dict[str, Entry]:
        return latest_entries(self.entries, kinds, attempt)

    def on_saved(self, listener: Callable[[Entry], None]) -> None:
        """Call ``listener`` when an answer that waited in the outbox reaches the service."""
        self._listeners.append(listener)

    def append(self, item: str, kind: str, response: Any, *, attempt: int = 1, seed: int = 0,
               extra: dict[str, Any] | None = None) -> Entry:
        """Send one entry. Raises NotSavedYet (kept for later) or RecordError (refused)."""
        request = {"request_id": uuid.uuid4().hex, "item": item, "kind": kind, "response": response,
                   "attempt": attempt, "seed": seed, "extra": extra or {}}
        with self._lock:
            self._flush()
            if self._outbox():  # still unreachable: keep order, queue behind the others
                raise NotSavedYet(UNSAVED, self._queue(request))
            try:
                return self._send(request)
            except ServiceUnavailable:
                raise NotSavedYet(UNSAVED, self._queue(request)) from None

    # -- the test ---------------------------------------------------------------------------------
    def start_test(self) -> dict:
        got = self._call("POST", f"/api/tests/{self.unit}/start", {})
        self.refresh()
        return got

    def submit_test(self, attempt: int) -> dict:
        with self._lock:
            self._flush()
            if self._outbox():
                raise NotSavedYet("your test was not submitted: some answers have not reached the "
                                  "course service yet. Try again in a minute.")
        got = self._call("POST", f"/api/tests/{self.unit}/submit", {"attempt": attempt})
        self.refresh()
        return got

    def submit_assignment(self) -> dict:
        with self._lock:
            self._flush()
            if self._outbox():
                raise NotSavedYet("your assignment was not handed in: some answers have not reached "
                                  "the course service yet. Try again in a minute.")
        got = self._call("POST", f"/api/assignments/{self.unit}/submit", {})
        self.refresh()
        return got

    def test_state(self) -> dict:
        return self._call("GET", f"/api/tests/{self.unit}")

    def refresh(self) -> None:
        got = self._call("GET", f"/api/records/{self.unit}")
        with self._lock:
            self.header = Header(**got["header"])
            self.entries = [Entry(**e) for e in got["entries"]] + [self._pending_entry(p) for p in self._outbox()]
            self._write_cache()

    # -- internals --------------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: Any = None) -> dict:
        try:
            return self.client.call(method, path, body)
        except ServiceUnavailable:
            raise NotSavedYet("the course service cannot be reached just now: try again in a minute") from None
        except ServiceRefused as exc:
            raise RecordError(str(exc)) from None

    def _send(self, request: dict) -> Entry:
        try:
            got = self.client.call("POST", f"/api/records/{self.unit}", request)
        except ServiceRefused as exc:
            raise RecordError(str(exc)) from None
        entry = Entry(**got["entry"])
        if not got.get("duplicate"):
            self.entries.append(entry)
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(entry.line() + "\n")
        return entry

    def _flush(self) -> None:
        """Send what waits in the outbox, oldest first; stop at the first that cannot go."""
        pending = self._outbox()
        if not pending:
            return
        sent = 0
        for request in pending:
            try:
                entry = self._send(request)
            except ServiceUnavailable:
                break
            except RecordError:
                entry = None  # refused for good (e.g. the attempt closed): drop it, never retry forever
            sent += 1
            self.entries = [e for e in self.entries if e.extra.get("_request") != request["request_id"]]
            if entry is not None:
                self.entries.append(entry)
                for listener in self._listeners:
                    listener(entry)
        self._write_outbox(pending[sent:])
        self.online = sent == len(pending)

    def _schedule_retry(self) -> None:
        if self._retry_pending:
            return
        self._retry_pending = True

        def retry() -> None:
            self._retry_pending = False
            with self._lock:
                self._flush()
                if self._outbox():
                    self._schedule_retry()

        try:  # inside a kernel: on its event loop, so widget updates go out from the right thread
            asyncio.get_running_loop().call_later(RETRY_SECONDS, retry)
        except RuntimeError:
            timer = threading.Timer(RETRY_SECONDS, retry)
            timer.daemon = True
            timer.start()

    def _queue(self, request: dict) -> Entry:
        with open(self.folder / OUTBOX_FILE, "a", encoding="utf-8") as f:
            f.write(json.dumps(request) + "\n")
            f.flush()
            os.fsync(f.fileno())
        entry = self._pending_entry(request)
        self.entries.append(entry)
        self.online = False
        self._schedule_retry()
        return entry

    def _pending_entry(self, request: dict) -> Entry:
        """How an answer still in the outbox shows on the page (restore), unsealed."""
        return Entry(seq=0, at="", learner=self.header.learner, unit=self.unit, item=request["item"],
                     kind=request["kind"], response=request["response"], attempt=request["attempt"],
                     seed=request["seed"], extra={"_request": request["request_id"]})

    def _outbox(self) -> list[dict]:
        try:
            text = (self.folder / OUTBOX_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue  # a line cut short by a crash mid-write: that answer was never acknowledged
        return out

    def _write_outbox(self, pending: list[dict]) -> None:
        path = self.folder / OUTBOX_FILE
        if not pending:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("".join(json.dumps(p) + "\n" for p in pending), encoding="utf-8")
        os.replace(tmp, path)

    def _write_cache(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        lines = [json.dumps(asdict(self.header))] + [e.line() for e in self.entries if e.seq]
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)

    def _read_cache(self) -> tuple[Header, list[Entry]]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
            header = Header(**json.loads(lines[0]))
            return header, [Entry(**json.loads(x)) for x in lines[1:] if x.strip()]
        except (FileNotFoundError, IndexError, ValueError, TypeError):
            raise RecordError("the course service cannot be reached and this unit has no saved copy "
                              "on this computer yet: try again in a minute") from None
