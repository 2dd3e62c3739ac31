"""The course's fixes to Voila for a Jupyter server that runs Voila as an extension: a
learner's or an assessor's server under ``odp hub``. ``odp serve`` runs Voila's own app
(``course.serve.app``), which makes the same changes while it builds its handlers.

Enabled with ``c.ServerApp.jpserver_extensions = {"course.serve.extension": True}``
(``course.hub.spawn`` writes it into each server's config). Without it, a server under the hub
renders the course's pages with stock Voila: the page's close request is refused (no ``_xsrf``
cookie, voila#1458), so each page left behind keeps its kernel, lab-extension chunks are fetched
again on every page view, and a path out of the template folder is a 500. It also serves the
course's front-end files by digest (course/serve/bundle.py), which the odp template's pages and
every course widget load (a widget falls back to its kernel's copy where they are not served).

Jupyter loads extensions in name order, so this one loads before ``voila``: it changes Voila's
handlers when the server starts its extensions, after every one has loaded and before the
first request.
"""

from __future__ import annotations

from jupyter_server.base.handlers import FileFindHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from course.serve import bundle, provisioner
from course.serve.app import LabExtensionHandler, PageHandler, SafeTemplateStaticFileHandler

NAME = "course.serve.extension"
SWAPS = {TornadoVoilaHandler: PageHandler, TemplateStaticFileHandler: SafeTemplateStaticFileHandler}
LAB_EXTENSIONS = "/voila/labextensions/(.*)"


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": NAME}]


def _load_jupyter_server_extension(server_app) -> None:
    """The front-end files' handlers; Voila's, to swap, are not there yet (see the docstring)."""
    server_app.web_app.add_handlers(".*$", bundle.handlers(server_app.base_url))


async def _start_jupyter_server_extension(server_app) -> None:
    # async: jupyter_server awaits this hook (a plain function was called, then logged a TypeError)
    swapped = swap_handlers(server_app.web_app)
    server_app.log.info("ODP course: %d Voila handlers replaced", swapped)
    if swapped == 0:
        server_app.log.warning("ODP course: Voila's handlers were not found; pages run as stock Voila")
    provisioner.start_if_used(server_app)  # the first page need not wait for its imports


def swap_handlers(web_app) -> int:
    """Replace Voila's page, template-static and lab-extension handlers with the course's, in
    place (same URL, same arguments). Returns how many were replaced."""
    swapped = 0
    for rule in _rules(web_app.default_router):
        new = SWAPS.get(rule.target)
        if new is None and rule.target is FileFindHandler and _pattern(rule).endswith(LAB_EXTENSIONS + "$"):
            new = LabExtensionHandler
        if new is not None:
            rule.target = new
            swapped += 1
    return swapped


def _rules(router):
    # tornado nests a router per host pattern (each ``add_handlers`` call adds one).
    for rule in getattr(router, "rules", []):
        if hasattr(rule.target, "rules"):
            yield from _rules(rule.target)
        else:
            yield rule


def _pattern(rule) -> str:
    regex = getattr(rule.matcher, "regex", None)
    return regex.pattern if regex is not None else ""
