"""Real servers and a real browser for tests: `odp serve` on a free port, and Debian's Chromium
driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psutil

from course.serve.signin import TOKEN_ENV, serve_token, signed_in_url

# Tests sign in to the servers they start with the token those servers were given (one per test
# process), sent as a header as a script would; tests of the sign-in itself use the URL and cookie.
AUTH_HEADER = {"Authorization": f"token {serve_token()}"}

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
    # keeps the browser off the network: only this machine's servers resolve
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def wait_until_serving(url: str, proc: subprocess.Popen, limit: float = 90, output=None,
                       any_status: bool = False) -> None:
    """Poll ``url`` until it answers; fail at once, with its output, if ``proc`` exits.
    ``output``: how to read that output when it does not go to ``proc.stdout``.
    ``any_status``: an HTTP error (403 to a request without a credential) counts as answering."""
    deadline = time.monotonic() + limit
    while True:
        if proc.poll() is not None:
            said = output() if output else (proc.stdout.read() if proc.stdout else "")
            raise RuntimeError(f"the server exited: {said}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError as exc:
            if any_status and exc.code != 503:  # 503: up, but still starting
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {limit} s")
        time.sleep(0.3)


@dataclass
class Served:
    base: str
    proc: subprocess.Popen
    log: Path

    def kernels(self) -> int:
        """Kernel processes under the server right now: started (ipykernel_launcher) or forked
        (children of the fork server, course/forking.py)."""
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return 0
        count = 0
        for child in children:
            try:
                line = " ".join(child.cmdline())
                count += "ipykernel_launcher" in line or (
                    "course.forking" in line and "course.forking" in " ".join(child.parent().cmdline()))
            except (psutil.Error, AttributeError):
                pass
        return count

    def url(self, path: str = "/") -> str:
        """``path`` with the server's token, as the URL `odp serve` prints."""
        return signed_in_url(self.base, path)

    def live_kernels(self) -> list[dict]:
        """The kernels the server's kernel manager holds (``/voila/api/kernels``)."""
        request = urllib.request.Request(self.base + "/voila/api/kernels", headers=AUTH_HEADER)
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.load(r)


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server a test started: SIGTERM, up to ``timeout`` seconds for it to shut down
    cleanly (its kernels and children with it), then SIGKILL, so no run leaves one behind."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def odp_serve(content_root: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Run `odp serve ARGS` over ``content_root`` on a free port. Its output goes to a log file:
    a pipe nobody reads would stall a chatty server."""
    port = free_port()
    bin_dir = Path(sys.executable).parent
    service_port = free_port()
    full_env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}",
                    **{TOKEN_ENV: serve_token(), "ODP_SERVICE_PORT": str(service_port)}, **(env or {}))
    log = Path(tempfile.mkstemp(prefix="odp-serve-", suffix=".log")[1])
    with log.open("w") as out:
        proc = subprocess.Popen([str(bin_dir / "odp"), "serve", "--port", str(port), *args],
                                cwd=content_root, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_until_serving(served.base + "/voila/tree", proc, output=lambda: log.read_text()[-3000:])
        # and the course service beside it (the home; every answer goes there): 403 to a stranger
        wait_until_serving(f"http://127.0.0.1:{service_port}/api/whoami", proc, any_status=True,
                           output=lambda: log.read_text()[-3000:])
        yield served
    finally:
        stop(proc)
        log.unlink(missing_ok=True)


@contextmanager
def course_server(content_root: Path, data_dir: Path, *extra: str, learner: str = "demo-learner") -> Iterator[str]:
    """Run `odp serve` over ``content_root`` for one learner; yields the base URL."""
    with odp_serve(content_root, "--data-dir", str(data_dir), "--learner", learner, *extra) as served:
        yield served.base


class SignedInBrowser:
    """A Playwright browser whose pages send the test servers' token (``AUTH_HEADER``)."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_page(self, **options):
        return self._browser.new_page(**_signed_in(options))

    def new_context(self, **options):
        return self._browser.new_context(**_signed_in(options))

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


def _signed_in(options: dict) -> dict:
    return dict(options, extra_http_headers={**AUTH_HEADER, **options.get("extra_http_headers", {})})


@contextmanager
def chromium(signed_in: bool = True) -> Iterator:
    """Debian's Chromium; its pages are signed in to the test servers unless ``signed_in`` is
    False (to test the sign-in itself)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield SignedInBrowser(browser) if signed_in else browser
        finally:
            browser.close()


def wait_for_widgets(page, count: int = 1, timeout: float = 60_000) -> None:
    """Wait until Voila has run the notebook and at least ``count`` course widgets rendered."""
    page.wait_for_function(
        f"document.querySelectorAll('.odp-question').length >= {count}", timeout=timeout)


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    region = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["region"]}})
    return results.response["violations"] + region.response["violations"]


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab (only) until the focused element matches ``selector``."""
    seen = []
    for _ in range(limit):
        if page.evaluate(f"document.activeElement && document.activeElement.matches({json.dumps(selector)})"):
            return
        seen.append(page.evaluate("(() => { const e = document.activeElement; return e.tagName + '.' + e.className"
                                  " + '@' + ((e.closest('.odp-question') || {}).id || ''); })()"))
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the Tab key; went through {seen[:12]}")
