"""The course service's tornado application, and starting it.

``odp service`` runs it on its own; ``odp serve`` runs it beside Voila in the embedded set-up
(SQLite in the data folder). Either way it is the only process that reads the course secret,
the item banks and the store.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import tornado.web
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from course.content import CourseContent, require_course
from course.grading.leaks import Fingerprint, fingerprints
from course.record.keys import course_secret
from course.service import handlers, pages
from course.service.auth import cookie_secret
from course.service.handin import HandIn
from course.service.records import ItemIndex, RecordBook
from course.service.sittings import Sittings
from course.tracking.db import make_engine, session_factory
from course.tracking.migrations import upgrade_to_head

UNIT = r"(?P<unit>[a-z0-9][a-z0-9_.-]{0,79})"


@dataclass
class ServiceContext:
    """Everything the handlers share: built once at start-up."""

    course: CourseContent
    engine: Engine
    book: RecordBook
    sittings: Sittings
    items: ItemIndex
    fingerprints: list[Fingerprint]
    allowed_hosts: frozenset[str]
    app_url: str = ""  # where the unit apps are served (Voila), for links
    app_token: str = ""  # signs the learner in to the unit apps from those links
    _sessions: object = field(default=None, repr=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._sessions is None:
            self._sessions = session_factory(self.engine)
        with self._sessions() as session, session.begin():
            yield session


def build_context(content_root: Path, data_path: Path, db_url: str, *, host: str, port: int,
                  app_url: str = "", exchange: Path | None = None, app_token: str = "") -> ServiceContext:
    course = require_course(content_root)
    secret = course_secret(data_path)
    upgrade_to_head(db_url)
    book = RecordBook(secret)
    hand_in = HandIn(exchange, course, data_path) if exchange is not None else None
    hosts = {f"{name}:{port}" for name in (host, "127.0.0.1", "localhost")}
    return ServiceContext(course=course, engine=make_engine(db_url), book=book,
                          sittings=Sittings(course, book, hand_in), items=ItemIndex(course),
                          fingerprints=fingerprints(course.banks.values()),
                          allowed_hosts=frozenset(hosts), app_url=app_url, app_token=app_token)


def make_app(context: ServiceContext, secret: bytes) -> tornado.web.Application:
    h = handlers
    return tornado.web.Application([
        (r"/api/whoami", h.WhoAmIHandler),
        (rf"/api/records/{UNIT}", h.RecordHandler),
        (rf"/api/tests/{UNIT}", h.TestHandler),
        (rf"/api/tests/{UNIT}/(?P<action>start|submit)", h.TestHandler),
        (rf"/api/assignments/{UNIT}/submit", h.AssignmentHandler),
        (r"/api/results", h.ResultsHandler),
        (rf"/feedback/{UNIT}/(?P<attempt>[1-9][0-9]?)", h.FeedbackHandler),
        (r"/", pages.PageHandler),
        (r"/(?P<name>(?:progress|team|department|profession)(?:\.csv)?)", pages.PageHandler),
    ], odp=context, cookie_secret=cookie_secret(secret), xsrf_cookies=False,
        default_handler_class=pages.NotFoundHandler)


def serve(context: ServiceContext, secret: bytes, host: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT."""
    os.umask(0o077)  # anything the service writes is its own

    async def main() -> None:
        server = make_app(context, secret).listen(port, address=host, xheaders=False)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop()

    asyncio.run(main())
    context.engine.dispose()
