"""The home and the dashboards in Voila (``odp serve``): the course service's pages
(:mod:`course.pages`), rendered in the app's kernel until the service serves them itself.

Each notebook is one line, ``show("<role>")`` or ``show_home()``. Who is viewing comes from the
server's settings (:mod:`course.apps.viewers`); what they may see is decided by the tracking
store's scoped queries. Links point at the other notebooks; CSV downloads are data: links,
since Voila has no route for them.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote, urlencode

from IPython.display import HTML, display

from course.apps.store import open_store, sync_served_learner
from course.apps.viewers import NOTEBOOKS, dashboard_for, dashboards
from course.config import Settings
from course.content import CourseContent, require_course
from course.pages import PAGE_FOR_ROLE, PageLinks, render_page
from course.tracking.scope import Role, Viewer

PAGE_NOTEBOOKS = {PAGE_FOR_ROLE[role]: notebook for role, notebook in NOTEBOOKS.items()}


def voila_links(course: CourseContent, render_csv) -> PageLinks:
    def unit(unit_id: str) -> str:
        entry = course.entry(unit_id)
        return f"../render/{quote(unit_id)}/{entry.notebook.name if entry.notebook else ''}"

    def page(name: str, **query: str) -> str:
        if name.endswith(".csv"):
            return "data:text/csv;charset=utf-8," + quote(render_csv(name, query))
        asked = {k: v for k, v in query.items() if v}
        notebook = "home.ipynb" if name == "home" else PAGE_NOTEBOOKS[name]
        return notebook + (f"?{urlencode(asked)}" if asked else "")

    return PageLinks("home.ipynb", unit, lambda unit_id, attempt: unit(unit_id), page)


def embedded(document: str) -> str:
    """The page's own CSS and the inside of its main landmark, for an output cell (Voila's
    template gives the document, the skip link and the main landmark)."""
    style = re.search(r"<style>(.*?)</style>", document, re.S)
    main = re.search(r"<main[^>]*>(.*)</main>", document, re.S)
    return (f"<style>{style.group(1) if style else ''}</style>"
            f'<div class="odp-dashboard">{main.group(1) if main else ""}</div>')


def refusal(title: str, why: str) -> str:
    return (f'<div class="odp-dashboard"><h1>{escape(title)}</h1><p>{escape(why)}</p>'
            '<p><a href="home.ipynb">Back to the course home</a></p></div>')


def page(settings: Settings, name: str, viewer: Viewer, *, as_of=None) -> str:
    course = require_course(settings.content_root, with_banks=False)  # never the banks
    with open_store(settings) as session:
        if session is None:
            return refusal("Not available yet", "There is no tracking store yet: start the "
                           "course with `odp serve` to create it.")
        sync_served_learner(session, settings)  # the learner's latest answers count now

        def render_csv(csv_name: str, query: dict) -> str:
            asked = {k: [str(v)] for k, v in query.items() if v}
            return render_page(csv_name, session, course, viewer, asked, links,
                               as_of=as_of).csv or ""

        links = voila_links(course, render_csv)
        html = render_page(name, session, course, viewer, {}, links, as_of=as_of).html
    body = embedded(html)
    others = [d for d in dashboards(settings) if PAGE_FOR_ROLE[d.role] != name]
    if name == "home" and others:  # this server's other dashboards (its settings say which)
        items = "".join(f'<li><a href="{escape(d.notebook)}">{escape(d.title)}</a></li>'
                        for d in others if d.role is not Role.LEARNER)
        body += (f'<nav class="odp-nav" aria-label="Other dashboards"><ul>{items}</ul></nav>'
                 if items else "")
    return body


def show(role: str) -> None:
    """What a dashboard notebook calls: the page for ``role`` as this server's viewer."""
    settings = Settings()
    board = dashboard_for(settings, role)
    if board is None:
        display(HTML(refusal("Dashboard not available",
                             "This course server does not offer you this dashboard.")))
        return
    display(HTML(page(settings, PAGE_FOR_ROLE[board.role], board.viewer)))


def show_home() -> None:
    settings = Settings()
    display(HTML(page(settings, "home", Viewer.learner(settings.learner))))
