"""Instant provisional results, scored where the keys already are.

When a learner submits a test, their kernel sends the record to this scorer, which runs beside
the course server (never in the learner's kernel, never in anything released) and answers with
the score from the same rule nbgrader's hidden test applies (``course.grading.marking``), in a
few milliseconds and without a kernel. The result is marked provisional until the assessor grades.

So that the scorer cannot be used to probe the answer key, it scores only a submitted attempt,
only for the learner the server serves (each learner's token is derived from the course
secret), and only once: the first result for a learner, unit and attempt is kept and returned
again, whatever is sent later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from course.content import CourseContent
from course.exceptions import RecordError
from course.grading.marking import TestMark, mark_entries, record_key
from course.record import parse_record
from course.widgets.test import TEST_ITEM

MAX_RECORD = 5 * 1024 * 1024  # bytes: far above any real record


class ProvisionalError(ValueError):
    """The scorer will not score this request; the message says why, in plain words."""


def learner_token(course_secret: bytes, learner: str) -> str:
    return hmac.new(course_secret, f"provisional:{learner}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Provisional:
    learner: str
    unit: str
    attempt: int
    score: float
    max_score: int
    passed: bool

    def message(self) -> str:
        outcome = "pass" if self.passed else "not yet passed"
        return (f"Provisional result: {self.score:g} out of {self.max_score} ({outcome}). This is "
                "provisional until your assessor confirms your result.")


class Scorer:
    def __init__(self, course: CourseContent, course_secret: bytes, store: Path) -> None:
        self.course, self.secret, self.store = course, course_secret, Path(store)
        self._lock = threading.Lock()

    def score(self, raw: bytes, token: str) -> Provisional:
        if len(raw) > MAX_RECORD:
            raise ProvisionalError("the record is too large")
        try:
            header, entries = parse_record(raw)
        except RecordError as exc:
            raise ProvisionalError(f"the record could not be read: {exc}") from None
        if not hmac.compare_digest(token, learner_token(self.secret, header.learner)):
            raise ProvisionalError("this record is not yours to score")
        submitted = [e.attempt for e in entries if e.item == TEST_ITEM and e.kind == "submit"]
        if not submitted:
            raise ProvisionalError("no attempt has been submitted yet")
        attempt = max(submitted)
        bank = self.course.banks.get(header.unit)
        if bank is None:
            raise ProvisionalError(f"unit {header.unit!r} has no online test")
        kept = self.store / header.learner / f"{header.unit}-attempt-{attempt}.json"
        with self._lock:
            if kept.is_file():
                return Provisional(**json.loads(kept.read_text()))
            key = record_key(header, self.secret)
            mark: TestMark = mark_entries(bank, self.course.units[header.unit].test, header, entries,
                                          learner=header.learner, attempt=attempt, key=key or b"")
            result = Provisional(header.learner, header.unit, attempt, mark.score, mark.max_score, mark.passed)
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(json.dumps(result.__dict__))
            return result


def _handler(scorer: Scorer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            if self.path != "/provisional":
                return self._reply(404, {"error": "not found"})
            length = int(self.headers.get("Content-Length") or 0)
            try:
                result = scorer.score(self.rfile.read(min(length, MAX_RECORD + 1)),
                                      self.headers.get("X-ODP-Token", ""))
            except ProvisionalError as exc:
                return self._reply(400, {"error": str(exc)})
            self._reply(200, {**result.__dict__, "message": result.message()})

        def _reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:  # keep the server's console for the course URL
            pass

    return Handler


def start_server(scorer: Scorer, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Serve the scorer on a background thread; ``server.server_address`` has the port."""
    server = ThreadingHTTPServer((host, port), _handler(scorer))
    threading.Thread(target=server.serve_forever, name="provisional-scorer", daemon=True).start()
    return server
