"""A real course service for the tests: its own process, store, secret and exchange."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from course.service import tokens
from course.service.identity import ASSESSOR, grant
from course.tracking.db import session_scope
from course.tracking.migrations import upgrade_to_head
from course.tracking.models import Department, Learner
from tests.browser import free_port, wait_until_serving
from tests.browser import stop as stop_server

# person: (line manager, qualification)
PEOPLE = {"ann": ("mo", "l2-sample"), "bob": ("mo", "l2-sample"), "cat": ("zed", "l2-sample")}


@dataclass
class Service:
    url: str
    root: Path
    data: Path
    exchange: Path
    tokens: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    port: int = 0

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.data / 'odp.sqlite'}"

    def call(self, who: str | None, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """(status, parsed body) for a request as ``who`` (a key of ``tokens``, or None)."""
        data = None if body is None else json.dumps(body).encode()
        h = {"Content-Type": "application/json", **(headers or {})}
        if who is not None:
            h["Authorization"] = f"token {self.tokens[who]}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw, status, kind = r.read(), r.status, r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raw, status, kind = exc.read(), exc.code, exc.headers.get("Content-Type", "")
        return status, (json.loads(raw) if "json" in kind else raw.decode())

    def start(self) -> None:
        args = [sys.executable, "-m", "course.service", "--port", str(self.port),
                "--data-dir", str(self.data), "--content-root", str(self.root),
                "--exchange", str(self.exchange), "--app-url", "http://127.0.0.1:1/voila/render/"]
        self.log = self.data / "service.log"
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        wait_until_serving(self.url + "/api/whoami", self.proc, any_status=True, limit=600,
                           output=lambda: self.log.read_text()[-3000:])

    def stop(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:  # a crash, as a test of what survives one wants
            self.proc.kill()
            self.proc.wait()
        else:
            stop_server(self.proc, timeout=30)
        self.proc = None


def enrol(db_url: str, people: dict[str, tuple[str, str]]) -> None:
    upgrade_to_head(db_url)
    with session_scope(db_url) as session:
        if session.get(Department, "dwp") is None:
            session.add(Department(id="dwp", name="Department for Work and Pensions"))
        for person, (manager, qual) in people.items():
            session.add(Learner(id=person, name=person.title(), email=f"{person}@example.gov.uk",
                                department_id="dwp", line_manager_id=manager, qualification_id=qual,
                                level=2, start_date=date(2026, 1, 5), planned_end_date=date(2026, 10, 5)))


@contextmanager
def running_service(tmp: Path, content: Path, people: dict = PEOPLE) -> Iterator[Service]:
    """A service over a copy of ``content``, with ``people`` enrolled."""
    root = tmp / "content"
    shutil.copytree(content, root, symlinks=True)
    data, exchange = tmp / "data", tmp / "exchange"
    data.mkdir()
    (exchange / "odp" / "inbound").mkdir(parents=True)
    with service_over(root, data, exchange, people) as svc:
        yield svc


@contextmanager
def service_over(root: Path, data: Path, exchange: Path, people: dict) -> Iterator[Service]:
    """A service over an existing content root, data folder and nbgrader exchange: each person
    gets a kernel's token (learner role only); "mo" a browser token; "assessor" an assessor's."""
    port = free_port()
    svc = Service(f"http://127.0.0.1:{port}", root, data, exchange, port=port)
    enrol(svc.db_url, people)
    with session_scope(svc.db_url) as session:
        for person in people:
            svc.tokens[person] = tokens.issue(session, person, ["learner"], note="kernel")
        svc.tokens["mo"] = tokens.issue(session, "mo", note="browser")
        grant(session, "asr", ASSESSOR)
        svc.tokens["assessor"] = tokens.issue(session, "asr", note="assessor")
    svc.start()
    try:
        yield svc
    finally:
        svc.stop()


def service_record(data: Path, learner: str, unit: str):
    """A learner's record as the course service keeps it (the store in ``data``)."""
    from course.record.keys import course_secret
    from course.service.records import RecordBook

    with session_scope(f"sqlite:///{data / 'odp.sqlite'}") as session:
        return RecordBook(course_secret(data)).read(session, learner, unit)


def allow_a_resit(data: Path, learner: str, unit: str) -> None:
    """As an assessor would: a 'not passed' result for each attempt she has submitted, graded
    long enough ago for the cool-off to have passed, so the next sitting may start."""
    from datetime import datetime, timedelta, timezone

    from course.service.client import ServiceClient
    from course.tracking.models import TestAttempt

    info = json.loads((data / "service.json").read_text())
    with session_scope(f"sqlite:///{data / 'odp.sqlite'}") as session:
        done = [a.attempt for a in session.query(TestAttempt).filter_by(learner_id=learner, unit_id=unit)
                if a.submitted_at is not None]
    long_ago = (datetime.now(timezone.utc) - timedelta(days=60)).isoformat()
    results = [{"learner": learner, "unit": unit, "attempt": n, "score": 0, "max_score": 1,
                "passed": False, "graded_at": long_ago} for n in done]
    if results:
        ServiceClient(info["url"], info["assessor_token"]).call("POST", "/api/results", {"results": results})
