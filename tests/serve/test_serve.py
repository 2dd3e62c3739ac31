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
from tests.browser import AUTH_HEADER
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
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               **{TOKEN_ENV: serve_token()})
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
    yield base, first_line, data
    proc.terminate()
    proc.wait(timeout=20)


def test_prints_the_url_to_open_with_its_token(server):
    base, first_line, _ = server
    assert f"open {base}/?token={serve_token()}" in first_line


def test_home_lists_the_catalogue(server):
    base, _, _ = server
    status, page = get(base + "/voila/render/home.ipynb")
    assert status == 200
    assert "Operational Delivery Profession courses" in page
    assert "Level 7" in page and "Conducting a strategic management project" in page


def test_server_sees_only_the_learner_folder(server):
    base, _, data = server
    assert (data / "learners" / "demo-learner" / "home.ipynb").is_file()
    for path in ("catalogue.yaml", "autograder/banks", "../catalogue.yaml", "%2e%2e/catalogue.yaml"):
        for prefix in ("/voila/files/", "/voila/tree/", "/voila/render/", "/voila/static/"):
            status, body = get(base + prefix + path)
            assert status in (403, 404), (prefix + path, status)
