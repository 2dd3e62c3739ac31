"""The pages a signed-in person opens in a browser: the course home and the dashboards
(``course.pages``), served as HTML from the store with no kernel, each for the viewer the
signed-in identity is. A dashboard for a role the person does not hold is a 403.

The department and profession figures are worked out ahead of their readers
(:func:`warm_dashboards`, on the service's timer: ``course/service/app.py``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from html import escape
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session
from tornado.web import HTTPError

from course.pages import PAGES, TITLES, PageLinks, overview, render_page
from course.service.handlers import BaseHandler
from course.tracking.models import Department
from course.tracking.scope import Role, Viewer


def warm_dashboards(sessions: Callable[[], AbstractContextManager[Session]], *,
                    as_of: date | None = None) -> int:
    """Work out the unfiltered figures (as at ``as_of``, default today) for the profession and
    each department now, so the first reader in a minute finds them ready. Returns how many
    viewers were warmed."""
    with sessions() as session:
        departments = session.scalars(select(Department.id).order_by(Department.id)).all()
        viewers = [Viewer.profession(), *map(Viewer.department, departments)]
        for viewer in viewers:
            overview.warm(session, viewer, as_of=as_of)
    return len(viewers)


class PageHandler(BaseHandler):
    def links(self) -> PageLinks:
        app, root = self.odp.app_url, self.odp.prefix
        sign_in = f"?{urlencode({'token': self.odp.app_token})}" if self.odp.app_token else ""
        me = quote(self.identity.person_id)

        def unit(unit_id: str) -> str:
            entry = self.odp.course.entry(unit_id)
            if not entry.notebook:
                return root
            path = f"{quote(unit_id)}/{quote(entry.notebook.name)}"
            if self.odp.hub is not None:
                # Her own server, started first if it is not running (the hub's spawn page).
                return f"/hub/spawn/{me}?{urlencode({'next': f'/user/{me}/voila/render/{path}'})}"
            return f"{app}{path}{sign_in}"

        def page(name: str, **query: str) -> str:
            asked = {k: v for k, v in query.items() if v not in (None, "")}
            return f"{root}{name}" + (f"?{urlencode(asked)}" if asked else "")

        return PageLinks(home=root, unit=unit, feedback=lambda u, n: f"{root}feedback/{quote(u)}/{n}", page=page)

    def get(self, name: str = "home") -> None:
        who = self.identity
        role = PAGES.get(name.removesuffix(".csv"))
        mine = who.viewers()
        viewer = (who.viewer(role) if role else who.viewer(Role.LEARNER)) or next(iter(mine), None)
        if viewer is None:
            raise HTTPError(403, "you have no course pages: ask your course administrator to enrol you")
        query = {k: [v.decode() for v in vs] for k, vs in self.request.query_arguments.items() if k != "token"}
        with self.odp.session() as session:
            page = render_page(name, session, self.odp.course, viewer, query, self.links())
        body = page.body
        if name == "home" and len(mine) > 1:  # someone in several roles: every dashboard of theirs
            links = "".join(f'<li><a href="{self.odp.prefix}{n}">{escape(TITLES[n])}</a></li>'
                            for n, r in PAGES.items() if r is not None and who.viewer(r) is not None)
            body = body.replace("</main>", '<nav class="odp-nav" aria-labelledby="odp-all-dash">'
                                '<h2 id="odp-all-dash">All your dashboards</h2>'
                                f"<ul>{links}</ul></nav></main>", 1)
        self.set_status(page.status)
        self.set_header("Content-Type", page.content_type)
        # Where she stands changes as she works, and it is personal: Back after a unit asks
        # again (a stored copy showed the status from before her answers), and no copy is kept.
        self.set_header("Cache-Control", "no-store")
        if page.filename:
            self.set_header("Content-Disposition", f'attachment; filename="{page.filename}"')
        self.finish(body)


class NotFoundHandler(BaseHandler):
    async def prepare(self) -> None:
        await super().prepare()
        self.identity  # signed in first: a stranger learns nothing, not even what exists
        raise HTTPError(404, "there is no such page")
