"""Helpers for the tests that run `odp serve` (tests.browser.odp_serve) or a learner's Jupyter
server as a hub starts it: a fixture course to serve, HTTP GET (signed in) with the status, the
kernels a server holds, and polling."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
import urllib.error
import urllib.request
from pathlib import Path


def get(url: str, timeout: float = 90, signed_in: bool = True) -> tuple[int, str]:
    """GET ``url``, with the test servers' token unless ``signed_in`` is False."""
    from tests.browser import AUTH_HEADER

    request = urllib.request.Request(url, headers=AUTH_HEADER if signed_in else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def kernel_ids(served) -> set[str]:
    """The ids of the kernels a running `odp serve` holds."""
    return {k["id"] for k in served.live_kernels()}


def wait_until(check, timeout: float, every: float = 0.5):
    """Poll ``check`` until it returns something truthy; that value, or None at timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    return None


@contextmanager
def jupyter_server(tmp_path, *options: str):
    """`jupyter server` over a learner's folder with ``options``, signed in by token:
    (the process, its address, the token, the folder it serves)."""
    from course.config import Settings
    from course.content import require_course
    from course.serve.server import prepare, voila_env
    from tests.browser import free_port, stop, wait_until_serving

    root = course_copy(tmp_path)
    settings = Settings(content_root=root, demo_cohort=5, pool_size=0)
    folder, _ = prepare(settings, require_course(root))
    port = free_port()
    env = voila_env(settings)
    token = env.pop("ODP_SERVE_TOKEN")
    env.update(PATH=f"{Path(sys.executable).parent}:{env['PATH']}", JUPYTER_TOKEN=token)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--allow-root",
         f"--ServerApp.root_dir={folder}", *options],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/login", proc)
        yield proc, base, token, folder
    finally:
        stop(proc)


def course_copy(dest: Path) -> Path:
    """A private copy of the small fixture course (content root) to serve."""
    from tests.conftest import FIXTURES

    root = dest / "content"
    shutil.copytree(FIXTURES / "content", root, symlinks=True)
    return root


def printed_link(served, timeout: float = 60) -> str:
    """The sign-in link `odp serve` printed (the course service's home with her token)."""
    import re

    def found():
        match = re.search(r"open (http://\S+/\?token=\S+)", served.log.read_text())
        return match and match.group(1)

    link = wait_until(found, timeout, every=0.2)
    assert link, "odp serve printed no sign-in link"
    return link


def through_voila(url: str, timeout: float = 90) -> tuple[int, str, str]:
    """GET ``url`` on `odp serve`'s Voila signed in, and follow where it sends her (the course
    service, with her sign-in token) as a browser would: with cookies, without the test
    header, which is Voila's token, not the service's. Status, page and final URL."""
    import http.cookiejar

    from tests.browser import AUTH_HEADER

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(Stay).open(urllib.request.Request(url, headers=AUTH_HEADER), timeout=timeout)
        raise AssertionError(f"{url} did not redirect")
    except urllib.error.HTTPError as e:
        if e.code not in (301, 302, 303, 307):
            raise AssertionError(f"{url}: HTTP {e.code}, not a redirect") from None
        location = e.headers["Location"]
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        with browser.open(location, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace"), r.url
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace"), e.url
