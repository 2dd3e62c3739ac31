"""A tiny tornado app that serves course.pages for the browser tests and the screenshots.

The course service replaces it: it does what the service's page handler must do, no more.
The viewer is in the path (``/as/<role>/<id>/<page>``) because this app has no sign-in; the
service takes the viewer from the signed-in identity instead, never from the request.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from urllib.parse import quote, urlencode

import tornado.web
from sqlalchemy.orm import Session

from course.content import CourseContent
from course.pages import PageLinks, render_page
from course.tracking.db import make_engine
from course.tracking.scope import Viewer
from tests.browser import free_port

VIEWERS = {
    "learner": Viewer.learner,
    "manager": Viewer.line_manager,
    "department": Viewer.department,
    "profession": lambda _id: Viewer.profession(),
}


def links_for(prefix: str) -> PageLinks:
    def page(name: str, **query: str) -> str:
        asked = {k: v for k, v in query.items() if v not in (None, "")}
        return f"{prefix}/{name}" + (f"?{urlencode(asked)}" if asked else "")

    return PageLinks(home=f"{prefix}/home", unit=lambda u: f"/units/{quote(u)}",
                     feedback=lambda u, n: f"/feedback/{quote(u)}/{n}", page=page)


class PageHandler(tornado.web.RequestHandler):
    def initialize(self, engine, course: CourseContent, as_of: date) -> None:
        self.engine, self.course, self.as_of = engine, course, as_of

    def get(self, role: str, person: str, name: str) -> None:
        viewer = VIEWERS[role](person)
        query = {k: [v.decode() for v in vs] for k, vs in self.request.query_arguments.items()}
        with Session(self.engine) as session:
            page = render_page(name, session, self.course, viewer, query,
                               links_for(f"/as/{role}/{person}"), as_of=self.as_of)
        self.set_status(page.status)
        self.set_header("Content-Type", page.content_type)
        if page.filename:
            self.set_header("Content-Disposition", f'attachment; filename="{page.filename}"')
        self.finish(page.body)


@contextmanager
def serve_pages(url: str, course: CourseContent, as_of: date) -> Iterator[str]:
    """Serve the pages of the store at ``url`` on a free port; yields the base URL."""
    engine = make_engine(url)
    port = free_port()
    ready = threading.Event()
    state: dict = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([
            (r"/as/(\w+)/([^/]+)/([\w.]+)", PageHandler,
             dict(engine=engine, course=course, as_of=as_of))])
        state["server"] = app.listen(port, address="127.0.0.1")
        state["loop"] = loop
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop = state["loop"]
        loop.call_soon_threadsafe(state["server"].stop)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        engine.dispose()
