"""Every request to the course app is signed in and Host-checked, a page's close request shuts
its kernel down, a kernel whose page went is reaped, and ``?template=`` changes nothing. Against a
real `odp serve` (Voila), over HTTP and websockets, with the token as `odp serve` prints it."""

from __future__ import annotations

import asyncio
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from course.serve.signin import serve_token
from tests.browser import AUTH_HEADER, odp_serve
from tests.serve.running import course_copy, kernel_ids, wait_until

pytestmark = pytest.mark.slow

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"
HOME = "/voila/render/home.ipynb"  # an old bookmark: the home is the course service's now


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict | None = None, opener=None, data: bytes | None = None,
          follow: bool = False) -> tuple[int, dict, str]:
    opener = opener or urllib.request.build_opener(*(() if follow else (NoRedirect,)))
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with opener.open(request, timeout=90) as r:
            return r.status, dict(r.headers), r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode(errors="replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("course"))
    with odp_serve(root, "--pool-size", "0", "--max-kernels", "6",
                   env={"ODP_DEMO_COHORT": "10"}) as s:
        yield s


def test_no_token_no_page_no_api_no_socket(served):
    s = served
    for path in ("/", HOME, UNIT, "/voila/tree"):
        status, headers, _ = fetch(s.base + path)
        assert status == 302 and headers["Location"].startswith("/login"), path
    assert fetch(s.base + "/voila/api/kernels")[0] == 403
    assert fetch(s.base + UNIT + "?token=wrong")[0] == 302  # a wrong token is no token
    # A page fetched with the token leaves a kernel: its socket refuses a caller without one.
    before = kernel_ids(s)
    assert fetch(s.base + UNIT, AUTH_HEADER)[0] == 200
    (kernel,) = kernel_ids(s) - before
    socket = s.base.replace("http", "ws") + f"/api/kernels/{kernel}/channels"

    async def connect(headers):
        return await websocket_connect(HTTPRequest(socket, headers=headers))

    with pytest.raises(HTTPClientError) as refused:
        asyncio.run(connect({}))
    assert refused.value.code == 403

    async def with_token():
        ws = await connect(AUTH_HEADER)
        ws.close()
    asyncio.run(with_token())  # the same socket with the token opens


def test_a_wrong_host_is_refused_even_with_the_token(served):
    s = served
    port = urllib.parse.urlsplit(s.base).port
    for host in ("attacker.example", f"attacker.example:{port}", f"127.0.0.1.nip.io:{port}",
                 "localhost:1", "127.0.0.1"):
        status, _, body = fetch(s.base + "/?token=" + serve_token(), {"Host": host})
        assert status == 403 and "only to 127.0.0.1 and localhost" in body, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert fetch(s.base + "/voila/api/kernels", {"Host": host, **AUTH_HEADER})[0] == 200


def test_the_printed_url_signs_in_with_a_cookie_and_lands_on_the_home(served):
    s = served
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    status, headers, _ = fetch(s.url("/"), opener=browser)
    # `/` is the course home, which the course service serves: she lands there signed in (her
    # own sign-in token for the service, never this server's token)
    home = urllib.parse.urlsplit(headers["Location"])
    assert status == 302 and headers["Location"].startswith("http://127.0.0.1:") and home.path == "/"
    assert home.port != urllib.parse.urlsplit(s.base).port and serve_token() not in headers["Location"]
    assert "token=" in home.query
    assert "httponly" in headers["Set-Cookie"].lower() and "samesite=lax" in headers["Set-Cookie"].lower()
    status, old = fetch(s.base + HOME, opener=browser)[:2]  # the cookie alone now; an old bookmark
    assert status == 302 and old["Location"] == headers["Location"]
    service = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with service.open(headers["Location"], timeout=90) as r:  # signed in to the service
        assert "My pathway" in r.read().decode() and r.url == headers["Location"].split("?")[0]


def signed_in_browser():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    return jar, opener


def test_the_page_close_request_shuts_its_kernel_down(served):
    """What Voila's page sends on close (navigator.sendBeacon with the _xsrf cookie in a form)."""
    s = served
    jar, browser = signed_in_browser()
    fetch(s.url("/"), opener=browser)
    before = kernel_ids(s)
    status, _, _ = fetch(s.base + UNIT, opener=browser)
    assert status == 200
    (kernel,) = kernel_ids(s) - before
    xsrf = next(c.value for c in jar if c.name == "_xsrf")  # set by the page
    shutdown = s.base + f"/voila/api/shutdown/{kernel}"
    # Without the _xsrf value (a request forged by another site) it is still refused ...
    assert fetch(shutdown, opener=browser, data=b"")[0] == 403
    assert kernel in kernel_ids(s)
    # ... with it, as the page sends it, the kernel goes.
    form = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
    assert fetch(shutdown, opener=browser, data=form)[0] == 204
    assert kernel not in kernel_ids(s)


def test_a_kernel_whose_page_socket_closed_is_reaped(served):
    s = served
    before = kernel_ids(s)
    assert fetch(s.base + UNIT, AUTH_HEADER)[0] == 200
    (kernel,) = kernel_ids(s) - before
    socket = s.base.replace("http", "ws") + f"/api/kernels/{kernel}/channels"

    async def open_and_close():
        ws = await websocket_connect(HTTPRequest(socket, headers=AUTH_HEADER))
        assert wait_until(lambda: _connections(s, kernel) == 1, 30, every=0.2)
        ws.close()
    asyncio.run(open_and_close())
    # No close request was sent: the server notices the socket went and reaps it after its grace.
    assert wait_until(lambda: kernel not in kernel_ids(s), 60, every=0.5), "not reaped"


def _connections(s, kernel: str) -> int:
    return next((k["connections"] for k in s.live_kernels() if k["id"] == kernel), 0)


def test_template_override_is_refused(served):
    s = served
    before = kernel_ids(s)
    status, _, page = fetch(s.base + UNIT + "?template=no-such-template", AUTH_HEADER)
    assert status == 200 and "odp-page" in page  # the course template, not the one asked for
    status, _, page = fetch(s.base + UNIT + "?template=lab", AUTH_HEADER)
    assert status == 200 and "odp-page" in page
    for kernel in kernel_ids(s) - before:  # tidy up: these pages never connected
        fetch(s.base + f"/voila/api/shutdown/{kernel}", AUTH_HEADER, data=b"")
