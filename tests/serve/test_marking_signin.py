"""The assessor's marking app (`odp mark serve`) is signed in and Host-checked like the course
app: without the token no page renders and its kernel socket takes no message (it is refused
before it opens); a foreign Host header is refused even with the token."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from course.config import Settings
from course.marking.server import voila_args, voila_env
from course.marking.settings import MarkingSettings
from course.serve.signin import serve_token
from tests.browser import free_port, stop, wait_until_serving
from tests.serve.test_signin import fetch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def marking_app(tmp_path_factory):
    from tests.conftest import FIXTURES

    tmp = tmp_path_factory.mktemp("marking")
    port = free_port()
    env = voila_env(MarkingSettings(course_dir=tmp / "course"),
                    Settings(content_root=FIXTURES / "content", data_dir=tmp / "data"))
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    proc = subprocess.Popen(voila_args(port), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/login", proc)
        yield base, port
    finally:
        stop(proc)


def test_the_marking_app_needs_the_token(marking_app):
    base, _ = marking_app
    for path in ("/", "/voila/render/marking.ipynb"):
        status, headers, _ = fetch(base + path)
        assert status == 302 and headers["Location"].startswith("/login"), path
    assert fetch(base + "/voila/api/kernels")[0] == 403
    assert fetch(base + "/voila/api/shutdown/x", data=b"")[0] == 403

    async def open_socket():
        # Any kernel id: the sign-in is checked before the kernel is even looked up.
        url = base.replace("http", "ws") + "/api/kernels/00000000-0000-0000-0000-000000000000/channels"
        await websocket_connect(HTTPRequest(url))

    with pytest.raises(HTTPClientError) as refused:
        asyncio.run(open_socket())
    assert refused.value.code == 403


def test_the_marking_app_checks_the_host(marking_app):
    base, port = marking_app
    status, _, _ = fetch(base + "/voila/api/kernels?token=" + serve_token(), {"Host": f"evil.example:{port}"})
    assert status == 403
    assert fetch(base + "/voila/api/kernels?token=" + serve_token())[0] == 200
