"""`odp serve` (README command 1): a real Voila server over the learner's working folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from course.serve.signin import TOKEN_ENV, serve_token
from tests.browser import AUTH_HEADER, stop
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=AUTH_HEADER), timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    port = free_port()
    service_port = free_port()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               **{TOKEN_ENV: serve_token(), "ODP_SERVICE_PORT": str(service_port)})
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "odp"), "serve", "--port", str(port), "--data-dir", str(data)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    first_line = proc.stdout.readline()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(base + "/voila/tree", timeout=2)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    from tests.browser import wait_until_serving

    wait_until_serving(f"http://127.0.0.1:{service_port}/api/whoami", proc, any_status=True)
    yield base, first_line, data
    stop(proc)


def test_prints_the_sign_in_link_to_the_course_home(server):
    """The address printed is the course service's home with the learner's own token: it
    signs her in (a cookie) and shows her pathway, and without it nothing answers."""
    import http.cookiejar
    import re

    _, first_line, _ = server
    link = re.search(r"open (http://127\.0\.0\.1:\d+/\?token=\S+)", first_line).group(1)
    home = link.split("?")[0]
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(link, timeout=60) as r:
        page = r.read().decode()
    assert "My pathway" in page and 'lang="en-GB"' in page
    with opener.open(home, timeout=60) as r:  # the cookie keeps her signed in
        assert "My pathway" in r.read().decode()
    try:
        urllib.request.urlopen(home, timeout=60)
        raise AssertionError("the home answered a request with no credential")
    except urllib.error.HTTPError as exc:
        assert exc.code == 403


def test_voilas_root_is_the_service_home_listing_the_catalogue(server):
    from tests.serve.running import through_voila

    base, _, _ = server
    status, page, _ = through_voila(base + "/")  # to the course service, signed in
    assert status == 200
    assert "Operational Delivery Profession courses" in page
    assert "Level 7" in page and "Conducting a strategic management project" in page


def test_server_sees_only_the_learner_folder(server):
    base, _, data = server
    folder = data / "learners" / "demo-learner"
    assert not (folder / "home.ipynb").exists() and (folder / "strategic-project").is_dir()
    for path in ("catalogue.yaml", "autograder/banks", "../catalogue.yaml", "%2e%2e/catalogue.yaml"):
        for prefix in ("/voila/files/", "/voila/tree/", "/voila/render/", "/voila/static/"):
            status, body = get(base + prefix + path)
            assert status in (403, 404), (prefix + path, status)
