"""Unit pages under a Jupyter server, as a JupyterHub single-user server runs them: `jupyter
server` with Voila as a server extension (no Voila pools there).

- The unit-kernel provisioner, selected by configuration alone: the page's kernel is forked
  from the fork server, not started anew.
- With the options and config `odp hub` gives a learner's server (``course.hub.spawn``): pages
  that are left or reloaded in Chromium release their kernels, as under `odp serve`, while a
  JupyterLab kernel whose tab went is kept; the lab-extension chunks are cached for good, and a
  path out of the template folder is a 404."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from course.hub.spawn import server_args, write_server_config
from tests.browser import AUTH_HEADER, chromium, wait_for_widgets
from tests.serve.running import get, jupyter_server, wait_until

pytestmark = pytest.mark.slow

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"


def test_a_jupyter_server_with_voila_forks_unit_kernels(tmp_path):
    with jupyter_server(tmp_path, "--KernelProvisionerFactory.default_provisioner_name=odp-fork",
                        "--VoilaConfiguration.template=odp") as (proc, base, _, _):
        status, page = get(base + UNIT, timeout=120)
        assert status == 200 and "application/vnd.jupyter.widget-view+json" in page
        kernels = [c for c in psutil.Process(proc.pid).children(recursive=True)
                   if c.parent().pid != proc.pid]
        assert kernels, "no kernel under the fork server"
        assert all("course.forking" in " ".join(c.cmdline()) for c in kernels)
        assert not any("ipykernel_launcher" in " ".join(c.cmdline())
                       for c in psutil.Process(proc.pid).children(recursive=True))


@pytest.fixture
def learner_server(tmp_path):
    """A Jupyter server started as `odp hub` starts a learner's: (its address, the token)."""
    config = tmp_path / "learner_server_config.py"
    write_server_config(config, staff=False)
    with jupyter_server(tmp_path, *server_args(staff=False, config=config)) as (_, base, token, _):
        yield base, token


def kernels(base: str) -> list[dict]:
    status, body = get(base + "/api/kernels")
    assert status == 200, body
    return json.loads(body)


def test_pages_left_or_reloaded_release_their_kernels_and_lab_kernels_stay(learner_server):
    base, token = learner_server
    with chromium(signed_in=False) as browser:  # signed in by cookie, as under the hub
        page = browser.new_page()
        page.goto(f"{base}{UNIT}?token={token}")
        wait_for_widgets(page)
        for _ in range(3):  # reloads: each page view starts a kernel, the one left must go
            page.reload()
            wait_for_widgets(page)
            assert wait_until(lambda: len(kernels(base)) == 1, timeout=60), kernels(base)
        # A JupyterLab notebook's kernel: its tab connects, then closes.
        status, body = post(base + "/api/kernels")
        assert status == 201, body
        lab = json.loads(body)["id"]
        page.evaluate("""url => new Promise((done, fail) => {
            const ws = new WebSocket(url);
            ws.onopen = () => { ws.close(); done(); };
            ws.onerror = fail;
        })""", f"{base.replace('http', 'ws')}/api/kernels/{lab}/channels")
        page.goto("about:blank")  # the unit page is left too
        # Waiting on the unit page's kernel going, which the same grace governs: by then the
        # lab kernel would have gone too if it were reaped.
        assert wait_until(lambda: [k["id"] for k in kernels(base)] == [lab], timeout=60), kernels(base)


def test_lab_extension_chunks_are_cached_and_template_paths_cannot_climb(learner_server):
    base, _ = learner_server
    static = Path(sys.prefix) / "share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager/static"
    chunk = next(static.glob("remoteEntry.*.js")).name
    request = urllib.request.Request(
        f"{base}/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/{chunk}", headers=AUTH_HEADER)
    with urllib.request.urlopen(request, timeout=60) as r:
        assert "immutable" in r.headers["Cache-Control"]
    status, _ = get(base + "/voila/templates/odp/static/../../../../etc/passwd")
    assert status == 404


def test_the_course_front_end_files_are_served_by_digest(learner_server):
    """The extension mounts course.serve.bundle's handlers: a page here loads its bundle and its
    widgets' module by digest, as under odp serve."""
    from course.serve.bundle import page_bundle
    from course.serve.widget_frontend import KNOWN, asset

    base, _ = learner_server
    for path in (f"/voila/odp-bundle/{page_bundle()[0]}.js", f"/voila/odp-widgets/{asset(KNOWN[0])[0]}.js"):
        with urllib.request.urlopen(base + path, timeout=60) as r:
            assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable", path
    assert get(base + f"/voila/odp-widgets/{'0' * 64}.js")[0] == 404
    status, html = get(base + UNIT)
    assert status == 200 and f"/voila/odp-bundle/{page_bundle()[0]}.js" in html


def post(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=b"{}", method="POST",
                                     headers={**AUTH_HEADER, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_a_unit_page_asks_nothing_of_any_other_host(learner_server):
    """Voila's front end fetches MathJax from cdnjs.cloudflare.com unless the page says not to,
    and a learner's server under the hub did: a course page must not send a learner's browser
    to a third party."""
    base, token = learner_server
    with chromium(signed_in=False) as browser:
        page = browser.new_page()
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(f"{base}{UNIT}?token={token}")
        wait_for_widgets(page)
        page.wait_for_load_state("networkidle")
    elsewhere = [url for url in asked if not url.startswith((base + "/", "data:", "blob:"))]
    assert asked and elsewhere == []
