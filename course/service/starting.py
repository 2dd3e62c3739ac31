"""Listening first, loading second: how the course service starts.

The port answers at once (HTTP 503 "starting"), and the course, the banks and the store load
in a thread; then the real application takes over. Whoever started the service sees it up
at once: JupyterHub gives a managed service about 10 s, and on a busy machine the imports
alone took longer. Nothing here imports more than tornado.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable

import tornado.web
from tornado import httputil
from tornado.httpserver import HTTPServer


class _Starting(tornado.web.RequestHandler):
    """Before the course has loaded. The home page says so and refreshes itself (and its 200
    tells JupyterHub, which waits on it, that the service is up); anything else gets 503, which
    a kernel treats as "not reachable yet" and retries."""

    def prepare(self) -> None:
        root = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
        if self.request.method == "GET" and self.request.path in (root, root.rstrip("/") or "/"):
            self.finish('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                        '<meta http-equiv="refresh" content="2"><title>Starting: ODP course</title>'
                        '</head><body><main><h1>The course is starting</h1><p>This page will '
                        'refresh itself in a few seconds.</p></main></body></html>')
            return
        self.set_status(503)
        self.set_header("Retry-After", "2")
        self.finish("The course service is starting: try again in a few seconds.\n")


class _Switch(httputil.HTTPServerConnectionDelegate):
    """Hands each request to the current application: a "starting" one until the course is
    loaded. The port answers at once, so whoever started the service (JupyterHub gives a
    managed service about 10 s) sees it up while the course, the banks and the store load."""

    def __init__(self, app: tornado.web.Application) -> None:
        self.app = app

    def start_request(self, server_conn, request_conn):
        return self.app.start_request(server_conn, request_conn)


def serve(build: Callable[[], object], secret: bytes, host: str, port: int, umask: int = 0o077) -> None:
    """Serve until SIGTERM or SIGINT: listen first, then build the context (``build``)."""
    os.umask(umask)  # anything the service writes is its own (and its group's, under a hub)
    built: list = []

    async def main() -> None:
        switch = _Switch(tornado.web.Application([(r".*", _Starting)]))
        server = HTTPServer(switch, xheaders=False)
        server.listen(port, address=host)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        context = await asyncio.to_thread(build)
        built.append(context)
        from course.service.app import DashboardWarmer, make_app

        switch.app = make_app(context, secret)
        warmer = DashboardWarmer(context.session).start()  # dashboards' figures ahead of readers
        await stop.wait()
        warmer.stop()
        server.stop()

    asyncio.run(main())
    for context in built:
        context.engine.dispose()
