"""The course home and the dashboards as plain HTML: pure functions the course service mounts.

``render_page(name, session, course, viewer, query, links)`` returns a :class:`Page`: a full
HTML document (or a CSV download) for the signed-in ``viewer``. Names: ``home``, ``progress``
(my progress), ``team`` (a line manager's), ``department``, ``profession``, and each
dashboard's ``<name>.csv``. A page that is not for this viewer is a 403; a filter value that
does not make sense is a 400 that says which and why. No kernel, no notebook: everything comes
from SQL aggregates on the tracking store (``course.tracking``), scoped by the viewer there.

The service fills :class:`PageLinks` with its own URLs, so nothing here knows the routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape

from sqlalchemy.orm import Session

from course.content import CourseContent
from course.pages.document import document
from course.pages.errors import PageError
from course.tracking.scope import Role, Viewer

__all__ = ["PAGES", "Page", "PageError", "PageLinks", "render_page"]


@dataclass(frozen=True)
class Page:
    status: int
    title: str
    html: str = ""  # a full HTML document, unless this is a download
    csv: str | None = None
    filename: str | None = None

    @property
    def content_type(self) -> str:
        return "text/csv; charset=utf-8" if self.csv is not None else "text/html; charset=utf-8"

    @property
    def body(self) -> str:
        return self.csv if self.csv is not None else self.html


@dataclass
class PageLinks:
    """URLs of the service's routes, filled by the service."""

    home: str
    unit: Callable[[str], str]  # unit id -> the unit app
    feedback: Callable[[str, int], str]  # unit id, attempt -> the learner's feedback
    page: Callable[..., str]  # page name, **query -> URL of that page with that query


# Which role each dashboard is for; the home is for everyone.
PAGES: dict[str, Role | None] = {
    "home": None,
    "progress": Role.LEARNER,
    "team": Role.LINE_MANAGER,
    "department": Role.DEPARTMENT,
    "profession": Role.PROFESSION,
}
TITLES = {"home": "Course home", "progress": "My progress", "team": "My team",
          "department": "My department", "profession": "The profession"}
PAGE_FOR_ROLE = {role: name for name, role in PAGES.items() if role is not None}


def render_page(name: str, session: Session, course: CourseContent, viewer: Viewer,
                query: dict[str, list[str]], links: PageLinks, *,
                as_of: date | None = None) -> Page:
    """The page ``name`` for ``viewer``. ``as_of`` (default today) is for tests and demos."""
    from course.pages import home, overview, progress, team  # each imports this module

    as_of = as_of or date.today()
    csv = name.endswith(".csv")
    base = name.removesuffix(".csv")
    if base not in PAGES or (csv and base == "home"):
        return plain(404, "Page not found", "There is no page at this address.", links)
    role = PAGES[base]
    if role is not None and viewer.role is not role:
        return plain(403, f"{TITLES[base]}: not available",
                     f"This page is for {_who(role)}. You are signed in as {_who(viewer.role)}, "
                     "so it is not available to you.", links)
    builders = {"home": home.page, "progress": progress.page, "team": team.page,
                "department": overview.page, "profession": overview.page}
    try:
        return builders[base](session, course, viewer, query, links, as_of=as_of, csv=csv)
    except PageError as exc:
        return plain(400, f"{TITLES[base]}: check the filters", str(exc), links,
                     back=links.page(base))


def nav(current: str, viewer: Viewer, links: PageLinks) -> str:
    """The way home and to the viewer's own dashboard."""
    items = [("home", links.home, "Course home")]
    mine = PAGE_FOR_ROLE.get(viewer.role)
    if mine:
        items.append((mine, links.page(mine), TITLES[mine]))
    parts = []
    for name, href, text in items:
        current_attr = ' aria-current="page"' if name == current else ""
        parts.append(f'<li><a href="{escape(href)}"{current_attr}>{escape(text)}</a></li>')
    return f'<nav class="odp-nav" aria-label="Course pages"><ul>{"".join(parts)}</ul></nav>'


def plain(status: int, title: str, message: str, links: PageLinks, *,
          back: str | None = None) -> Page:
    """A short page that says what went wrong and where to go instead."""
    body = (f"<h1>{escape(title)}</h1><p class=\"odp-error\">{escape(message)}</p>"
            + (f'<p><a href="{escape(back)}">Clear the filters and try again</a></p>' if back else "")
            + f'<p><a href="{escape(links.home)}">Back to the course home</a></p>')
    return Page(status, title, document(title, body, home=links.home))


def _who(role: Role) -> str:
    return {Role.LEARNER: "learners", Role.LINE_MANAGER: "line managers",
            Role.DEPARTMENT: "department leads", Role.PROFESSION: "the profession's leads"}[role]
