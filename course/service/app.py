"""The course service's tornado application, and starting it.

``odp service`` runs it on its own; ``odp serve`` runs it beside Voila in the embedded set-up
(SQLite in the data folder). Either way it is the only process that reads the course secret,
the item banks and the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import tornado.web
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.log import app_log
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from course.content import CourseContent, require_course
from course.grading.leaks import Fingerprint, fingerprints
from course.pages import cache
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
    prefix: str = "/"  # where the service's pages are: /services/course/ under a hub
    hub: object = None  # JupyterHub's HubOAuth under `odp hub`: the hub signs people in
    _sessions: object = field(default=None, repr=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._sessions is None:
            self._sessions = session_factory(self.engine)
        with self._sessions() as session, session.begin():
            yield session


def build_context(content_root: Path, data_path: Path, db_url: str, *, host: str, port: int,
                  app_url: str = "", exchange: Path | None = None, app_token: str = "",
                  hub: bool = False) -> ServiceContext:
    course = require_course(content_root)
    secret = course_secret(data_path)
    upgrade_to_head(db_url)
    book = RecordBook(secret)
    hand_in = HandIn(exchange, course, data_path) if exchange is not None else None
    hosts = {f"{name}:{port}" for name in (host, "127.0.0.1", "localhost")}
    prefix, hub_auth = "/", None
    if hub:
        hub_auth, prefix, public = _hub_oauth()
        hosts |= public
    return ServiceContext(course=course, engine=make_engine(db_url), book=book,
                          sittings=Sittings(course, book, hand_in), items=ItemIndex(course),
                          fingerprints=fingerprints(course.banks.values()),
                          allowed_hosts=frozenset(hosts), app_url=app_url, app_token=app_token,
                          prefix=prefix, hub=hub_auth)


def _hub_oauth() -> tuple[object, str, set[str]]:
    """JupyterHub's OAuth client for this service, from what the hub puts in a managed
    service's environment (JUPYTERHUB_API_URL, _CLIENT_ID, _SERVICE_PREFIX, ...), and the
    public host:port the proxy forwards browsers' requests with."""
    from jupyterhub.services.auth import HubOAuth

    auth = HubOAuth.instance(cache_max_age=60)
    public = {h.lower() for h in os.environ.get("ODP_PUBLIC_HOSTS", "").split(",") if h}
    return auth, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"), public


def make_app(context: ServiceContext, secret: bytes) -> tornado.web.Application:
    h, p = handlers, context.prefix.rstrip("/")
    routes = [
        (rf"{p}/api/whoami", h.WhoAmIHandler),
        (rf"{p}/api/records/{UNIT}", h.RecordHandler),
        (rf"{p}/api/tests/{UNIT}", h.TestHandler),
        (rf"{p}/api/tests/{UNIT}/(?P<action>start|submit)", h.TestHandler),
        (rf"{p}/api/assignments/{UNIT}/submit", h.AssignmentHandler),
        (rf"{p}/api/results", h.ResultsHandler),
        (rf"{p}/feedback/{UNIT}/(?P<attempt>[1-9][0-9]?)", h.FeedbackHandler),
        (rf"{p}/", pages.PageHandler),
        (rf"{p}/(?P<name>(?:progress|team|department|profession)(?:\.csv)?)", pages.PageHandler),
    ]
    if context.hub is not None:
        from jupyterhub.services.auth import HubOAuthCallbackHandler

        routes.append((rf"{p}/oauth_callback", HubOAuthCallbackHandler))
    return tornado.web.Application(routes, odp=context, cookie_secret=cookie_secret(secret), xsrf_cookies=False,
        default_handler_class=pages.NotFoundHandler)


# Before the minute's figures expire (course/pages/cache.py), so no reader meets them cold.
WARM_EVERY_SECONDS = cache.TTL_SECONDS * 0.75


class DashboardWarmer:
    """Works out the department and profession figures on a timer (a tornado PeriodicCallback),
    in a thread of its own so the event loop keeps answering; never two runs at once.
    Started by the service once it has loaded (course/service/starting.py)."""

    def __init__(self, sessions: Callable[[], AbstractContextManager[Session]],
                 every: float = WARM_EVERY_SECONDS) -> None:
        self.sessions, self.every = sessions, every
        self.runs = 0  # finished runs, for tests and logs
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="odp-warm")
        self._running: Future | None = None
        self._timer: PeriodicCallback | None = None

    def start(self) -> "DashboardWarmer":
        self._timer = PeriodicCallback(self._tick, self.every * 1000)
        self._timer.start()
        self._tick()  # at once too: the first reader after start-up
        return self

    def _tick(self) -> None:
        if self._running is None or self._running.done():
            self._running = IOLoop.current().run_in_executor(self._pool, self._warm)

    def _warm(self) -> None:
        try:
            pages.warm_dashboards(self.sessions)
            self.runs += 1
        except Exception:  # a bad minute must not stop the timer; the pages still compute
            app_log.exception("could not work out the dashboards' figures ahead of readers")

    def stop(self, wait: bool = False) -> None:
        """No more runs; ``wait``: until the one under way (if any) has finished."""
        if self._timer is not None:
            self._timer.stop()
        self._pool.shutdown(wait=wait, cancel_futures=True)
