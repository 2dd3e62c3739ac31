"""Voila, as the course runs it: ``python -m course.serve.app <folder or notebook> [Voila options]``.
Both the learner's course app (``odp serve``) and the assessor's marking app (``odp mark serve``)
run it.

What it changes from ``python -m voila``:

- **Signed in.** Every page, API call and kernel websocket needs the server's token: given once
  in the URL it prints (``?token=...``, as Jupyter does), then carried by a login cookie. The
  token comes from ``ODP_SERVE_TOKEN``, which is taken out of the environment before any kernel
  starts. A request without it is sent to the login page (pages) or refused with 403 (API,
  websocket): a kernel socket without credentials takes no messages.
- **Host checked.** Only ``127.0.0.1:<port>`` and ``localhost:<port>`` (and the address it listens
  on) are served; any other Host header gets 403, so a page on another site cannot reach the
  server through DNS rebinding (Voila itself sets ``allow_remote_access``).
- **Pages release their kernels.** Voila's page posts ``/voila/api/shutdown/<kernel>`` with the
  ``_xsrf`` cookie when it closes, but Voila never sets that cookie, so the request got 403
  (voila#1458) and the kernel lived on. Rendered pages set it here.
- ``/`` takes the learner to the course home, the course service's, signed in (``ODP_SERVE_HOME``,
  taken out of the environment with the token). So do old bookmarks of the Voila home and
  dashboards earlier versions served (``/voila/render/home.ipynb``, ``progress.ipynb``, ...): to
  the service's page of that name, which decides whether she may see it. No home, no redirect: 404.
- ``GET /voila/api/kernels``: the live kernels (id, connections), for the signed-in user.
- JupyterLab extension files whose name carries their content hash (``remoteEntry.<hash>.js``,
  ``<chunk>.<hash>.js``) are cached by the browser for good: Voila sends them all ``no-cache``,
  so every page view asked for each of ~20 files again before its widgets could load.
- Voila 0.5's template static handler answers a path that climbs out of the template
  (``/voila/templates/odp/static/../../x``) with HTTP 500 (an unhandled ValueError), not 404.
  Nothing leaks, but a refusal should look like one, so such paths get 404 here.
- The course's front-end files by digest (course/serve/bundle.py): each widget's module and
  style, and the page bundle, cached for good: a page makes ~13 requests where it made ~140.
"""

from __future__ import annotations

import json
import os
import re
import tempfile

from jupyter_server.base.handlers import APIHandler, FileFindHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from course.serve import bundle, provisioner
from course.serve.signin import HOME_ENV, TOKEN_ENV

# The Voila pages earlier versions served for the service's pages (course/serve/workspace.py).
RETIRED_PAGES = {"home": "", "progress": "progress", "team": "team", "department": "department",
                 "profession": "profession"}


class SafeTemplateStaticFileHandler(TemplateStaticFileHandler):
    def parse_url_path(self, path: str) -> str:
        try:
            return super().parse_url_path(path)
        except (AssertionError, ValueError):  # not <template>/static/<file>
            raise web.HTTPError(404) from None

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        try:
            return super().get_absolute_path(root, path)
        except (AssertionError, ValueError):  # climbed out of <template>/static
            raise web.HTTPError(404) from None


HASHED = re.compile(r"\.[0-9a-f]{8,}\.js$")


class LabExtensionHandler(FileFindHandler):
    def set_headers(self) -> None:
        super().set_headers()
        if HASHED.search(self.request.path):  # a new build is a new name
            self.set_header("Cache-Control", "public, max-age=31536000, immutable")


class PageHandler(TornadoVoilaHandler):
    """A rendered page that sets the ``_xsrf`` cookie its close request sends back."""

    @web.authenticated
    async def get(self, path=None):
        self.xsrf_token  # noqa: B018  (reading it sets the cookie, before the page streams)
        return await super().get(path)


class HomeRedirectHandler(JupyterHandler):
    """``/`` and the retired pages: to the service's page, signed in. Signed in here first, so a
    stranger learns nothing (and a ``?token=`` here becomes the cookie)."""

    @web.authenticated
    def get(self, name: str = "home"):
        home = self.settings.get("odp_home")
        if not home:
            raise web.HTTPError(404)
        base, _, query = home.partition("?")
        self.redirect(base.rstrip("/") + "/" + RETIRED_PAGES[name] + (f"?{query}" if query else ""))


class KernelListHandler(APIHandler):
    """The live kernels, read-only (Jupyter's ``/api/kernels`` would also start them)."""

    @web.authenticated
    def get(self):
        manager = self.kernel_manager
        self.finish(json.dumps([{"id": k, "connections": manager._kernel_connections.get(k, 0)}
                                for k in manager.list_kernel_ids()]))


class WrongHostHandler(web.RequestHandler):
    def prepare(self):
        raise web.HTTPError(403, reason="Host not allowed")

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("This server answers only to 127.0.0.1 and localhost on its own port.\n")

    def check_xsrf_cookie(self) -> None:  # refused anyway, whatever the method
        pass


class HostCheckedApplication(web.Application):
    """Routes a request to its handler only if its Host header is one this server is."""

    allowed_hosts: frozenset[str] = frozenset()

    def find_handler(self, request, **kwargs):
        if request.host.lower() not in self.allowed_hosts:
            return self.get_handler_delegate(request, WrongHostHandler)
        return super().find_handler(request, **kwargs)


class CourseVoila(Voila):
    def initialize(self, argv=None):
        # Before any kernel (or the fork server) starts, so none inherits it.
        token = os.environ.pop(TOKEN_ENV, None)
        self.odp_home = os.environ.pop(HOME_ENV, "")
        super().initialize(argv)
        if token:
            self.token = token

    def allowed_hosts(self) -> frozenset[str]:
        names = {"127.0.0.1", "localhost", self.ip.lower()}
        return frozenset(f"{name}:{self.port}" for name in names if name)

    def init_handlers(self) -> list:
        swap = {TemplateStaticFileHandler: SafeTemplateStaticFileHandler,
                TornadoVoilaHandler: PageHandler}
        handlers = []
        for rule in super().init_handlers():
            if rule[1] is TornadoVoilaTreeHandler and rule[0] == self.server_url:
                handlers.append((rule[0], HomeRedirectHandler))
                continue
            if rule[0].endswith("/voila/labextensions/(.*)"):
                handlers.append((rule[0], LabExtensionHandler, *rule[2:]))
                continue
            handlers.append((rule[0], swap.get(rule[1], rule[1]), *rule[2:]))
        retired = "|".join(RETIRED_PAGES)
        return [*bundle.handlers(self.server_url),
                (url_path_join(self.server_url, "/voila/api/kernels"), KernelListHandler),
                (url_path_join(self.server_url, rf"/voila/render/(?P<name>{retired})\.ipynb"),
                 HomeRedirectHandler), *handlers]

    def start(self):
        # Voila.start, with a Host-checked application and the fork server started ahead of the
        # first page (if kernels are forked).
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = self.init_settings()
        self.app = HostCheckedApplication(**settings)
        self.app.allowed_hosts = self.allowed_hosts()
        self.app.settings.update(self.tornado_settings, odp_home=self.odp_home)
        self.app.add_handlers(".*$", self.init_handlers())
        provisioner.start_if_used(self)
        self.listen()


if __name__ == "__main__":
    CourseVoila.launch_instance()
